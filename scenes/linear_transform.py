"""Week-1 clips: a 2×2 matrix moving the plane, its determinant, its eigenvectors.

    manim -ql scenes/linear_transform.py LinearTransformScene   (or DeterminantScene, EigenvectorScene)

Parameters: the JSON file named by $MATHLENS_PARAMS, e.g. {"a": 1, "b": 1, "c": 0, "d": 1, "lang": "en"}.
Keys a, b, c, d are the matrix [[a, b], [c, d]] (any missing key keeps the lesson's value);
"lang" ("en" or "zh") picks the subcaption language; other keys (the app's "t", …) are ignored.
Without $MATHLENS_PARAMS the matrix is the lesson's default from lessons/<id>.toml.

The moving grid and shapes use ApplyMatrix, whose straight-line interpolation p ↦ (1−s)p + s·Ap
is exactly LinearMap.interpolate(s); the basis and eigen arrows follow the same s through a
ValueTracker, so their tips stay on the grid while their arrowheads are not sheared.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import ClassVar

import numpy as np

# The repo root on sys.path makes `scenes.mathtex` and `app.models` importable however this file
# is loaded: by the manim CLI (which only adds scenes/ to sys.path), by pytest, or by the app.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from manim import (  # noqa: E402
    DL,
    GREY_B,
    ORIGIN,
    UL,
    ApplyMatrix,
    Arrow,
    BackgroundRectangle,
    Create,
    CurvedArrow,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    NumberPlane,
    Polygon,
    Scene,
    ValueTracker,
    VGroup,
    always_redraw,
    config,
)

from app.models.linear import LinearMap  # noqa: E402
from scenes.captions import Captioned  # noqa: E402
from scenes.linear_captions import CAPTIONS  # noqa: E402
from scenes.mathtex import math_tex, num, paren, short  # noqa: E402
from scenes.params import (  # noqa: E402, F401 — PARAMS_ENV, LANGS and ParamsError are re-exported
    LANGS,
    PARAMS_ENV,
    ParamsError,
    lang,
    lesson_table,
    number,
    params_path,
    read_params_file,
    where,
)

MATRIX_KEYS = ("a", "b", "c", "d")

# Okabe–Ito colours (colour-blind safe)
I_COLOR, J_COLOR, SQUARE_COLOR = "#009E73", "#D55E00", "#F0E442"
EIGEN_COLORS, GRID_COLOR = ("#E69F00", "#CC79A7"), "#0072B2"
I_HAT, J_HAT = "\\hat{\U0001d6a4}", "\\hat{\U0001d6a5}"  # italic dotless ı, ȷ with hats


def lesson_defaults(lesson_id: str) -> dict[str, float]:
    """The lesson's default matrix entries (lessons/<id>.toml [params]; data only)."""
    table = lesson_table(lesson_id)
    identity = {"a": 1.0, "b": 0.0, "c": 0.0, "d": 1.0}
    return {k: float(table.get(k, identity[k])) for k in MATRIX_KEYS}


def load_params(lesson_id: str, path: str | os.PathLike | None = None) -> dict:
    """{"a", "b", "c", "d": float, "lang": str} from ``path`` (default: $MATHLENS_PARAMS) over
    the lesson's defaults. Raises ParamsError for an unreadable file or a bad value."""
    raw, defaults = read_params_file(path), lesson_defaults(lesson_id)
    at = where(params_path(path) or "")
    return {**{k: number(raw, k, defaults[k], at) for k in MATRIX_KEYS}, "lang": lang(raw, at)}


def p3(v) -> np.ndarray:
    return np.array([float(v[0]), float(v[1]), 0.0])


class _PlaneScene(Captioned, Scene):
    """Shared parts: parameters, the grids, the basis arrows and the matrix panel."""

    lesson_id: ClassVar[str] = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = load_params(self.lesson_id)
        self.lang = self.params["lang"]
        self.linear_map = LinearMap(*(self.params[k] for k in MATRIX_KEYS))
        self.t = ValueTracker(0.0)  # 0 = identity, 1 = A (see the module docstring)

    def matrix(self) -> np.ndarray:
        """The (2, 2) matrix this scene shows."""
        return self.linear_map.matrix

    # --- pieces ----------------------------------------------------------------------------
    def say(self, key: str) -> None:
        """Subcaption ``key`` from now until the next say() or the end of the clip."""
        m = self.linear_map
        fields = {k: short(getattr(m, k)) for k in MATRIX_KEYS}
        fields |= {"det": short(m.det), "absdet": short(abs(m.det))}
        self.caption(CAPTIONS[key][LANGS.index(self.lang)].format(**fields))

    def planes(self) -> tuple[NumberPlane, NumberPlane]:
        """A faint fixed grid and the grid that moves (large enough to fill the frame after most maps)."""
        fixed = NumberPlane(
            background_line_style={"stroke_color": GREY_B, "stroke_width": 1, "stroke_opacity": 0.3},
            axis_config={"stroke_color": GREY_B, "stroke_opacity": 0.4},
        )
        moving = NumberPlane(
            x_range=(-16, 16, 1), y_range=(-12, 12, 1), x_length=32, y_length=24,
            background_line_style={"stroke_color": GRID_COLOR, "stroke_width": 2, "stroke_opacity": 0.8},
        )
        return fixed, moving

    def tracked_arrow(self, v, color) -> Arrow | Dot:
        """An arrow from the origin to interpolate(t)·v, redrawn every frame."""
        v = np.asarray(v, dtype=float)
        return always_redraw(lambda: arrow_to(self.linear_map.interpolate(self.t.get_value()).apply(v), color))

    def matrix_panel(self) -> VGroup:
        m = self.linear_map
        self.matrix_label = math_tex(
            rf"A = \begin{{bmatrix}} {num(m.a)} & {num(m.b)} \\ {num(m.c)} & {num(m.d)} \end{{bmatrix}}",
            font_size=40,
        )
        return boxed(self.matrix_label).to_corner(UL, buff=0.3)

    def unit_square(self) -> Polygon:
        return Polygon(*[p3(c) for c in LinearMap().unit_square()], color=SQUARE_COLOR,
                       fill_color=SQUARE_COLOR, fill_opacity=0.35, stroke_width=3)

    def basis_labels(self) -> VGroup:
        """î and ĵ next to the arrow tips (before the move)."""
        return VGroup(math_tex(I_HAT, color=I_COLOR, font_size=36).move_to(p3((0.5, -0.35))),
                      math_tex(J_HAT, color=J_COLOR, font_size=36).move_to(p3((-0.35, 0.5))))

    def column_labels(self) -> VGroup:
        """The columns of A beside the tips of Aî and Aĵ (after the move), each pushed away
        from the other column so it does not sit on the parallelogram."""
        m, out = self.linear_map, VGroup()
        for col, other, color in ((m.i_hat, m.j_hat, I_COLOR), (m.j_hat, m.i_hat, J_COLOR)):
            if np.hypot(*col) < 0.2:  # the arrow collapsed onto the origin: no tip to label
                continue
            away = unit(col) - 0.6 * unit(other)
            if np.hypot(*away) < 0.3:  # the columns (nearly) coincide: step sideways instead
                away = np.array([-col[1], col[0]])
            lab = math_tex(rf"\begin{{bmatrix}} {num(col[0])} \\ {num(col[1])} \end{{bmatrix}}",
                           color=color, font_size=30)
            out.add(boxed(lab, opacity=0.6).move_to(in_frame(p3(col + 0.7 * unit(away)))))
        return out

    def on_top(self, *mobjects) -> None:
        """Keep ``mobjects`` above the moving grid, and the text panels above everything."""
        panels = [m for m in self.foreground_mobjects if getattr(m, "is_panel", False)]
        self.remove_foreground_mobjects(*panels)
        self.add_foreground_mobjects(*mobjects, *panels)

    def move(self, *mobjects, run_time: float = 3.0) -> None:
        """Apply A to ``mobjects`` and run the tracked arrows along the same path."""
        self.play(ApplyMatrix(self.matrix(), VGroup(*mobjects)), self.t.animate.set_value(1.0),
                  run_time=run_time)


def arrow_to(end, color) -> Arrow | Dot:
    end = p3(end)
    if np.hypot(end[0], end[1]) < 0.05:  # a zero-length Arrow has no direction to draw
        return Dot(ORIGIN, radius=0.06, color=color)
    return Arrow(ORIGIN, end, buff=0, color=color, stroke_width=6, max_tip_length_to_length_ratio=0.22)


def unit(v) -> np.ndarray:
    n = float(np.hypot(*v))
    return np.asarray(v, dtype=float) / n if n > 0 else np.zeros(2)


def in_frame(point, margin=(0.6, 0.6)) -> np.ndarray:
    """``point`` moved inside the frame, ``margin`` (x, y) manim units from its edges."""
    x = np.clip(point[0], -config.frame_x_radius + margin[0], config.frame_x_radius - margin[0])
    y = np.clip(point[1], -config.frame_y_radius + margin[1], config.frame_y_radius - margin[1])
    return np.array([x, y, 0.0])


def boxed(mob, opacity: float = 0.85) -> VGroup:
    """``mob`` on a dark backing, so it stays readable over the moving grid."""
    group = VGroup(BackgroundRectangle(mob, fill_opacity=opacity, buff=0.15), mob)
    group.is_panel = True
    return group


class LinearTransformScene(_PlaneScene):
    """Lesson linear-transforms: the grid, î and ĵ, and the unit square moved by A."""

    lesson_id = "linear-transforms"

    def construct(self) -> None:
        fixed, plane = self.planes()
        i_arrow, j_arrow = self.tracked_arrow((1, 0), I_COLOR), self.tracked_arrow((0, 1), J_COLOR)
        square, labels, panel = self.unit_square(), self.basis_labels(), self.matrix_panel()

        self.next_section("grid")
        self.say("grid")
        self.add(fixed)
        self.play(Create(plane), run_time=2.0)

        self.next_section("basis")
        self.say("basis")
        self.play(FadeIn(square), GrowArrow(i_arrow), GrowArrow(j_arrow), FadeIn(labels), run_time=1.0)
        self.on_top(i_arrow, j_arrow, panel)
        self.play(FadeIn(panel), run_time=1.0)
        self.wait(0.5)

        self.next_section("transform")
        self.say("move")
        self.play(FadeOut(labels), run_time=0.5)
        self.move(plane, square)

        self.next_section("columns")
        self.say("columns")
        columns = self.column_labels()
        self.on_top(columns)
        self.play(FadeIn(columns), run_time=1.0)
        self.wait(1.5)

        self.next_section("area")
        self.say("area")
        det = boxed(math_tex(rf"\det\,A = {num(self.linear_map.det)}", color=SQUARE_COLOR, font_size=40))
        self.on_top(det.to_corner(DL, buff=0.3))
        self.play(FadeIn(det), square.animate.set_fill(opacity=0.6), run_time=1.0)
        self.wait(2.0)


class DeterminantScene(_PlaneScene):
    """Lesson determinant: the unit square's area and orientation before and after A."""

    lesson_id = "determinant"

    def construct(self) -> None:
        m = self.linear_map
        fixed, plane = self.planes()
        i_arrow, j_arrow = self.tracked_arrow((1, 0), I_COLOR), self.tracked_arrow((0, 1), J_COLOR)
        square, panel = self.unit_square(), self.matrix_panel()
        # î turning counter-clockwise into ĵ; A carries it along, so it runs clockwise when det < 0
        turn = CurvedArrow(p3((0.55, 0.12)), p3((0.12, 0.55)), radius=0.6, color="#FFFFFF",
                           stroke_width=3, tip_length=0.15)
        one = math_tex("1", color=SQUARE_COLOR, font_size=36).move_to(p3((0.62, 0.62)))

        self.next_section("square")
        self.say("square")
        self.add(fixed, plane)
        self.on_top(panel)
        self.play(FadeIn(square), GrowArrow(i_arrow), GrowArrow(j_arrow), FadeIn(panel), run_time=1.0)
        self.on_top(i_arrow, j_arrow)
        self.play(Create(turn), FadeIn(one), run_time=1.0)
        self.wait(1.0)

        self.next_section("transform")
        self.say("scale")
        self.play(FadeOut(one), run_time=0.5)
        self.move(plane, square, turn)

        self.next_section("determinant")
        key = "det0" if m.is_singular else ("det+" if m.det > 0 else "det-")
        self.say(key)
        formula = math_tex(
            rf"\det\,A = ad - bc = {paren(m.a)}\cdot{paren(m.d)} - {paren(m.b)}\cdot{paren(m.c)} = {num(m.det)}",
            color=SQUARE_COLOR, font_size=36,
        )
        self.det_label = formula
        self.on_top(box := boxed(formula).to_corner(DL, buff=0.3))
        shows = [FadeIn(box)]
        if not m.is_singular:
            area = math_tex(num(abs(m.det)), font_size=30).move_to(p3(m.apply((0.5, 0.5))))
            self.on_top(area)
            shows.append(FadeIn(area))
        self.play(*shows, run_time=1.0)
        self.wait(3.0)


class EigenvectorScene(_PlaneScene):
    """Lesson eigenvectors: the lines through the origin that A maps onto themselves."""

    lesson_id = "eigenvectors"

    def construct(self) -> None:
        m = self.linear_map
        ev = self.eigen = m.eigen()
        fixed, plane = self.planes()
        panel = self.matrix_panel()

        self.next_section("characteristic polynomial")
        self.say("charpoly")
        self.add(fixed, plane)
        poly = char_poly(m.trace, m.det)
        lam1, lam2 = ev.values
        if ev.kind == "complex":
            re, im = num(lam1.real), num(abs(lam1.imag))
            roots = rf"\lambda = {'' if re == '0' else re + ' '}\pm {'' if im == '1' else im}i"
        elif ev.kind == "repeated":
            roots = rf"\lambda_1 = \lambda_2 = {num(lam1.real)}"
        else:
            roots = rf"\lambda_1 = {num(lam1.real)},\; \lambda_2 = {num(lam2.real)}"
        self.eigen_label = math_tex(rf"\det(A - \lambda I) = {poly} = 0 \quad {roots}", font_size=34)
        chars = boxed(self.eigen_label).to_corner(DL, buff=0.3)
        self.on_top(panel, chars)
        self.play(FadeIn(panel), FadeIn(chars), run_time=1.5)
        self.wait(1.0)

        self.next_section("eigenlines")
        kind = "scalar" if ev.kind == "repeated" and not ev.is_defective else (
            "defective" if ev.kind == "repeated" else ev.kind)
        self.say(kind)
        vectors = [ev.vectors[:, k] for k in range(ev.vectors.shape[1])]
        lines = VGroup(*[Line(p3(-12 * v), p3(12 * v), color=EIGEN_COLORS[k], stroke_width=4)
                         for k, v in enumerate(vectors)])
        arrows = [self.tracked_arrow(v, EIGEN_COLORS[k]) for k, v in enumerate(vectors)]
        other = self.tracked_arrow(off_direction(vectors), "#FFFFFF")
        if vectors:  # a complex pair has no real eigenline to draw
            self.play(*[Create(line) for line in lines], run_time=1.5)
            self.on_top(*lines)
        else:
            self.wait(1.5)
        self.play(*[GrowArrow(a) for a in arrows], GrowArrow(other), run_time=1.0)
        self.on_top(*arrows, other)
        self.wait(0.5)

        self.next_section("transform")
        self.say("stretch")
        self.move(plane, run_time=3.5)
        self.wait(2.0)


def char_poly(trace: float, det: float) -> str:
    r"""LaTeX for λ² − (tr)λ + det, skipping zero terms and unit coefficients."""
    out = r"\lambda^2"
    for coef, var in ((-trace, r"\lambda"), (det, "")):
        mag = num(abs(coef))
        if mag == "0":
            continue
        if var and mag == "1":
            mag = ""
        out += f" {'-' if coef < 0 else '+'} {mag}{var}"
    return out


def off_direction(vectors) -> np.ndarray:
    """A unit vector well away from every eigenline (so the viewer sees it turn)."""
    degrees = np.array([a for a in range(15, 170, 5) if abs(a - 90) > 10])  # not on an axis
    angles = np.radians(degrees)
    candidates = np.column_stack([np.cos(angles), np.sin(angles)])
    if not vectors:
        return candidates[np.argmin(np.abs(angles - np.radians(30)))]
    # |cos| to the closest eigenline, smallest wins; ties go to the first
    closeness = np.max(np.abs(candidates @ np.column_stack(vectors)), axis=1)
    return candidates[int(np.argmin(closeness))]
