"""Gradient-descent race clip: the optimisers run down the current surface, torch-exact.

    manim -ql scenes/descent.py DescentRaceScene

Parameters come from the JSON file named by $MATHLENS_PARAMS (keys of app.models.descent.PARAMS,
plus typed_len/typed_k for a typed surface as the explorer's params() writes them; "lang": "en" or
"zh" for the subcaptions), else the
defaults of lessons/gradient-descent.toml. No LaTeX: formulas go through scenes/mathtex.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Rectangle,
    Scene,
    Star,
    Text,
    VGroup,
    VMobject,
    Write,
    rgb_to_color,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.models import descent as model  # noqa: E402
from app.models.descent_summary import stability_line  # noqa: E402
from app.models.surfaces import TYPED, decode_text  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402 — the shared ziamath helper
from scenes.params import LANGS, lang, lesson_table, number, params_path, read_params_file, where  # noqa: E402

#: Okabe–Ito, the explorer's dark-theme order (the clip has a dark background)
COLORS = ("#56B4E9", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#F0E442")
CELLS = 36  # contour cells per side
BOX = 5.6  # the surface's plot box, manim units
RULES = {
    "sgd": r"\theta_t = \theta_{t-1} - \eta\, g_t",
    "momentum": r"b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta\, b_t",
    "nesterov": r"\theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t)",
    "adagrad": r"\theta_t = \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{s_t} + \epsilon}",
    "rmsprop": r"\theta_t = \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{v_t} + \epsilon}",
    "adam": r"\theta_t = \theta_{t-1} - \frac{\eta\, \hat m_t}{\sqrt{\hat v_t} + \epsilon}",
}


def load_params() -> tuple[dict[str, float], str | None]:
    """Lesson defaults overridden by $MATHLENS_PARAMS; returns (params, typed formula or None).
    Raises ParamsError for an unusable file."""
    params = {name: spec.default for name, spec in model.PARAMS.items()}
    params |= {k: float(v) for k, v in lesson_table("gradient-descent").items() if k in model.PARAMS}
    raw = read_params_file()
    at = where(params_path() or "")
    params |= {k: number(raw, k, params[k], at) for k in model.PARAMS}
    typed_keys = [k for k in raw if k == "typed_len" or k.startswith("typed_")]
    typed = decode_text({k: number(raw, k, 0.0, at) for k in typed_keys}) or None
    params = {k: model.PARAMS[k].clamp(v) for k, v in params.items()}
    if int(params["surface"]) == TYPED and not typed:
        params["surface"] = 0.0
    return params, typed


CAPTIONS = {
    "surface": ("The loss surface {title}; stars mark the minima.", "损失曲面 {title}；星号标出极小值点。"),
    "race": ("{n} optimisers, {steps} steps each, as torch.optim computes them.",
             "{n} 个优化器，各走 {steps} 步，与 torch.optim 的计算完全一致。"),
    "verdict": ("Final loss of each optimiser (or where it diverged).", "每个优化器的最终损失（或发散的位置）。"),
}


def caption(key: str, **fields) -> str:
    """Subcaption ``key`` in the language of the parameter file ("lang", default English)."""
    return CAPTIONS[key][LANGS.index(lang(read_params_file(), where(params_path() or "")))].format(**fields)


def race(params: dict[str, float], typed: str | None):
    return model.race(params, typed)


class DescentRaceScene(Scene):
    def construct(self):
        p, typed = load_params()
        result = race(p, typed)
        surf = result.surface
        mask = int(p["show"])
        shown = [(k, o) for k, o in enumerate(model.OPTIMIZERS) if mask >> k & 1]

        # 1 — the surface and the rule
        self.next_section("surface")
        title = Text(f"Racing down: {surf.title}", font_size=34).to_edge(UP, buff=0.3)
        field = self._contour(surf).to_edge(LEFT, buff=0.5).shift(DOWN * 0.3)
        centre = field.get_center()  # once: the box of ~1300 cells is costly to measure (was 60 s a clip)
        stars = VGroup(*[Star(outer_radius=0.11, color="#FFFFFF", fill_opacity=1).move_to(self._to(surf, centre, m))
                         for m in surf.minima])
        explained = model.OPTIMIZERS[int(round(p["optimizer"]))]  # the explorer's "explain" choice
        rule = math_tex(RULES[explained], font_size=34).next_to(field, RIGHT, buff=0.5).align_to(field, UP)
        limit = Text(stability_line(result, short=True), font_size=22)
        limit.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        self.add_subcaption(caption("surface", title=surf.title), duration=2)
        veil = BackgroundRectangle(field, fill_opacity=1, buff=0.05)  # fading it out fades the field in,
        self.add(field, veil)  # while the ~1300 contour cells stay static: drawn once, not every frame
        self.play(Write(title), FadeOut(veil), FadeIn(stars))
        self.play(FadeIn(rule), FadeIn(limit))

        # 2 — the race
        self.next_section("race")
        legend = VGroup()
        for k, o in shown:
            hp = model.hypers(p)[o]
            legend.add(Text(f"● {model.TITLES[o]}  lr={hp.lr:.3g}", font_size=20, color=COLORS[k]))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(limit, DOWN, buff=0.4).align_to(rule, LEFT)
        self.play(FadeIn(legend))
        trails, dots = VGroup(), VGroup()
        for k, o in shown:
            if not len(result.paths[o].xy):  # f or ∇f undefined at the start: nothing to draw
                continue
            pts = np.array([self._to(surf, centre, xy) for xy in result.paths[o].xy])
            trail = VMobject(stroke_color=COLORS[k], stroke_width=3.5)
            trail.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
            dot = Dot(pts[-1], radius=0.07, color=COLORS[k])
            trails.add(trail)
            dots.add(dot)
        self.add_subcaption(caption("race", n=len(shown), steps=result.steps), duration=3)
        if len(trails):
            self.play(*[Create(t) for t in trails], *[FadeIn(d) for d in dots], run_time=4, rate_func=lambda u: u)
        else:
            self.wait(1.0)

        # 3 — who won
        self.next_section("verdict")
        lines = []
        for _, o in shown:
            path = result.paths[o]
            if not len(path.xy):
                lines.append(f"{model.TITLES[o]}: f is undefined at the start")
            elif path.diverged:
                lines.append(f"{model.TITLES[o]}: diverged at step {path.diverged_at}")
            else:
                lines.append(f"{model.TITLES[o]}: f = {path.f[-1]:.3g}")
        verdict = VGroup(*[Text(s, font_size=20) for s in lines]).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        verdict.next_to(legend, DOWN, buff=0.4).align_to(legend, LEFT)
        self.add_subcaption(caption("verdict"), duration=2)
        self.play(FadeOut(limit), FadeIn(verdict))
        self.wait(1.0)

    @staticmethod
    def _to(surf, centre, xy) -> np.ndarray:
        """Surface coordinates → scene point inside the field centred at ``centre`` (clipped to its box)."""
        (x0, x1), (y0, y1) = surf.xlim, surf.ylim
        u = np.clip((xy[0] - x0) / (x1 - x0), 0, 1)
        v = np.clip((xy[1] - y0) / (y1 - y0), 0, 1)
        c = centre
        return np.array([c[0] + (u - 0.5) * BOX, c[1] + (v - 0.5) * BOX, 0.0])

    @staticmethod
    def _contour(surf) -> VGroup:
        """The filled contour as CELLS² coloured squares (log bands where f spans decades)."""
        (x0, x1), (y0, y1) = surf.xlim, surf.ylim
        xs = np.linspace(x0, x1, CELLS)
        ys = np.linspace(y0, y1, CELLS)
        z = surf.f(*np.meshgrid(xs, ys))
        finite = z[np.isfinite(z)]
        lo = finite.min() if finite.size else 0.0
        with np.errstate(all="ignore"):
            u = np.log10(np.maximum(z - lo, 0) + 1e-3)
        ok = u[np.isfinite(u)]
        u = (u - ok.min()) / max(ok.max() - ok.min(), 1e-12) if ok.size else np.ones_like(z)
        bands = np.floor(np.nan_to_num(u, nan=1.0) * 14) / 14
        side = BOX / CELLS
        group = VGroup()
        for j in range(CELLS):
            for i in range(CELLS):
                colour = rgb_to_color(_viridis(bands[j, i]) * 0.8)
                cell = Rectangle(width=side, height=side, stroke_width=0.6, stroke_color=colour)
                cell.set_fill(colour, opacity=1.0)
                cell.move_to([(i - (CELLS - 1) / 2) * side, (j - (CELLS - 1) / 2) * side, 0])
                group.add(cell)
        return group


def _viridis(u: float) -> np.ndarray:
    """A 5-stop viridis (enough for banded fills), u in [0, 1] → RGB in [0, 1]."""
    stops = np.array([[0.267, 0.005, 0.329], [0.229, 0.322, 0.546], [0.128, 0.567, 0.551],
                      [0.369, 0.789, 0.383], [0.993, 0.906, 0.144]])
    x = float(np.clip(u, 0, 1)) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    return stops[i] + (stops[i + 1] - stops[i]) * (x - i)


