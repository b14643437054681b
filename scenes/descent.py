"""Gradient-descent race clip: the optimisers run down the current surface, torch-exact.

    manim -ql scenes/descent.py DescentRaceScene

Parameters come from the JSON file named by $MATHLENS_PARAMS (keys of app.models.descent.PARAMS,
plus typed_len/typed_k for a typed surface as the explorer's params() writes them), else the
defaults of lessons/gradient-descent.toml. No LaTeX: formulas go through scenes/mathtex.py.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tomllib
from pathlib import Path

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
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
from app.models.surfaces import TYPED, decode_text  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402 — the shared ziamath helper

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
    """Lesson defaults overridden by $MATHLENS_PARAMS; returns (params, typed formula or None)."""
    params = {name: spec.default for name, spec in model.PARAMS.items()}
    try:
        lesson = tomllib.loads((ROOT / "lessons" / "gradient-descent.toml").read_text("utf-8"))
        params |= {k: float(v) for k, v in lesson.get("params", {}).items()}
    except (OSError, tomllib.TOMLDecodeError):
        pass
    typed = None
    path = os.environ.get("MATHLENS_PARAMS")
    if path:
        with open(path, encoding="utf-8") as f:
            raw = {k: float(v) for k, v in json.load(f).items()}
        params |= {k: v for k, v in raw.items() if k in model.PARAMS}
        typed = decode_text(raw) or None
    params = {k: model.PARAMS[k].clamp(v) for k, v in params.items()}
    if int(params["surface"]) == TYPED and not typed:
        params["surface"] = 0.0
    return params, typed


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
        stars = VGroup(*[Star(outer_radius=0.11, color="#FFFFFF", fill_opacity=1).move_to(self._to(surf, field, m))
                         for m in surf.minima])
        rule = math_tex(RULES["sgd"], font_size=34).next_to(field, RIGHT, buff=0.5).align_to(field, UP)
        q = result.quantities()
        limit = (Text(f"GD stable for lr < 2/L = {q['lr_max']:.3g}", font_size=22)
                 if math.isfinite(q["lr_max"]) else Text("No minimum: a saddle", font_size=22))
        limit.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        self.add_subcaption(f"The loss surface {surf.title}; stars mark the minima.", duration=2)
        self.play(Write(title), FadeIn(field), FadeIn(stars))
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
            pts = np.array([self._to(surf, field, xy) for xy in result.paths[o].xy])
            trail = VMobject(stroke_color=COLORS[k], stroke_width=3.5)
            trail.set_points_as_corners(pts if len(pts) > 1 else np.vstack([pts, pts]))
            dot = Dot(pts[-1], radius=0.07, color=COLORS[k])
            trails.add(trail)
            dots.add(dot)
        self.add_subcaption(f"{len(shown)} optimisers, {result.steps} steps each, as torch.optim computes them.",
                            duration=3)
        self.play(*[Create(t) for t in trails], *[FadeIn(d) for d in dots], run_time=4, rate_func=lambda u: u)

        # 3 — who won
        self.next_section("verdict")
        lines = []
        for _, o in shown:
            path = result.paths[o]
            if path.diverged:
                lines.append(f"{model.TITLES[o]}: diverged at step {path.diverged_at}")
            else:
                lines.append(f"{model.TITLES[o]}: f = {path.f[-1]:.3g}")
        verdict = VGroup(*[Text(s, font_size=20) for s in lines]).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        verdict.next_to(legend, DOWN, buff=0.4).align_to(legend, LEFT)
        self.add_subcaption("Final loss of each optimiser (or where it diverged).", duration=2)
        self.play(FadeOut(limit), FadeIn(verdict))
        self.wait(1.0)

    @staticmethod
    def _to(surf, field, xy) -> np.ndarray:
        """Surface coordinates → scene point inside ``field`` (clipped to its box)."""
        (x0, x1), (y0, y1) = surf.xlim, surf.ylim
        u = np.clip((xy[0] - x0) / (x1 - x0), 0, 1)
        v = np.clip((xy[1] - y0) / (y1 - y0), 0, 1)
        c = field.get_center()
        return np.array([c[0] + (u - 0.5) * BOX, c[1] + (v - 0.5) * BOX, 0.0])

    @staticmethod
    def _contour(surf) -> VGroup:
        """The filled contour as CELLS² coloured squares (log bands where f spans decades)."""
        (x0, x1), (y0, y1) = surf.xlim, surf.ylim
        xs = np.linspace(x0, x1, CELLS)
        ys = np.linspace(y0, y1, CELLS)
        z = surf.f(*np.meshgrid(xs, ys))
        finite = z[np.isfinite(z)]
        lo = finite.min()
        with np.errstate(all="ignore"):
            u = np.log10(np.maximum(z - lo, 0) + 1e-3)
        u = (u - np.nanmin(u)) / max(np.nanmax(u[np.isfinite(u)]) - np.nanmin(u), 1e-12)
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


