"""Week-11 clip: scaled dot-product attention on a short sentence, stage by stage.

    manim -ql scenes/attention.py AttentionScene

scores S = QKᵀ → scaled S/√d_k (÷ T) → (+ causal mask) → softmax row by row → the selected
query's output o = Σ_j A_ij v_j. The numbers come from app.models.attention, the same model as
the explorer (so the clip shows exactly what the app and PyTorch compute).

Parameters: the JSON file named by $MATHLENS_PARAMS, e.g. {"temperature": 0.5, "causal": 1,
"query": 2, "lang": "zh", "sentence": "the cat sat on the mat"}: any key of the model's PARAMS
(missing keys keep the lesson's value), "lang" ("en"/"zh") for the subcaptions and an optional
"sentence" (at most MAX_TOKENS tokens are shown). Without the file: lessons/attention.toml's
defaults and SENTENCE. Formulas go through scenes/mathtex.py (ziamath → SVG; no LaTeX needed).
"""

from __future__ import annotations

import json
import math
import os
import sys
import tomllib
from pathlib import Path

import numpy as np

# The repo root on sys.path makes `scenes.mathtex` and `app.models` importable however this file
# is loaded: by the manim CLI (which only adds scenes/ to sys.path), by pytest, or by the app.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from manim import (  # noqa: E402
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Group,
    Rectangle,
    Scene,
    Square,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
    VMobject,
    Write,
    interpolate_color,
    rgb_to_color,
)

from app.models import attention as model  # noqa: E402
from scenes.captions import Captioned  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402 — the shared ziamath helper
from scenes.params import PARAMS_ENV, ParamsError  # noqa: E402 — shared by every scene

LESSON_FILE = ROOT / "lessons" / "attention.toml"
SENTENCE = "the cat sat on the mat"
MAX_TOKENS = 8  # the grid of numbers must stay readable at 480p
LANGS = ("en", "zh")
# colour-blind-safe maps: viridis (CC0, sampled at 0, 1/8, …, 1) and CET-CBD1 (blue, grey-white, yellow)
VIRIDIS = ("#440154", "#472D7B", "#3B528B", "#2C728E", "#21918C", "#28AE80", "#5EC962", "#ADDC30", "#FDE725")
DIVERGING = ("#3A90FE", "#A5B9F0", "#EDEDEC", "#D6C28A", "#A89008")
MASKED = "#5B6270"
ACCENT = "#D55E00"  # Okabe–Ito vermillion

CAPTIONS: dict[str, tuple[str, str]] = {
    "tokens": ("Each token becomes a query q, a key k and a value v.", "每个词元变成一个查询 q、一个键 k 和一个值 v。"),
    "scores": ("Every query scores every key with a dot product: s_ij = q_i · k_j.",
               "每个查询用点积给每个键打分：s_ij = q_i · k_j。"),
    "scaled": ("Divide by √d_k = {root} (and by T = {temp}) so the scores spread about 1, whatever d_k is.",
               "除以 √d_k = {root}（再除以 T = {temp}），无论 d_k 多大，分数的离散程度都保持在 1 左右。"),
    "unscaled": ("Without ÷√d_k the scores only get divided by T = {temp}: they spread like √d_k.",
                 "不除以 √d_k 时只除以 T = {temp}：分数的离散程度按 √d_k 增长。"),
    "mask": ("The causal mask adds −∞ above the diagonal: no token may look ahead.",
             "因果掩码在对角线上方加上 −∞：任何词元都不能往后看。"),
    "softmax": ("Softmax turns every row into weights that are positive and sum to 1.",
                "softmax 把每一行变成为正且和为 1 的权重。"),
    "output": ("Query {q} “{word}” attends most to key {k} “{key}” (weight {w}); its output is the weighted sum of values.",
               "查询 {q}“{word}”最关注键 {k}“{key}”（权重 {w}）；它的输出是值向量的加权和。"),
}


def lesson_defaults() -> dict[str, float]:
    """The topic's defaults overridden by lessons/attention.toml's [params] (data only)."""
    params = {name: float(spec.default) for name, spec in model.PARAMS.items()}
    try:
        with open(LESSON_FILE, "rb") as f:
            params |= {k: float(v) for k, v in tomllib.load(f).get("params", {}).items() if k in model.PARAMS}
    except (OSError, tomllib.TOMLDecodeError):
        pass
    return params


def load_params(path: str | os.PathLike | None = None) -> dict:
    """Model parameters plus "lang" and "sentence", from ``path`` (default: $MATHLENS_PARAMS) over
    the lesson's defaults. Raises ParamsError for an unreadable file or a bad value."""
    params: dict = {**lesson_defaults(), "lang": "en", "sentence": SENTENCE}
    path = os.environ.get(PARAMS_ENV) if path is None else path
    if not path:
        return params
    where = f"{PARAMS_ENV} file {os.fspath(path)!r}"
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ParamsError(f"{where}: cannot read it ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ParamsError(f"{where}: expected a JSON object, found {type(raw).__name__}")
    for key, spec in model.PARAMS.items():
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ParamsError(f"{where}: {key!r} must be a finite number, found {value!r}")
            params[key] = spec.clamp(value)
    if "lang" in raw:
        if raw["lang"] not in LANGS:
            raise ParamsError(f"{where}: 'lang' must be one of {LANGS}, found {raw['lang']!r}")
        params["lang"] = raw["lang"]
    if "sentence" in raw:
        if not isinstance(raw["sentence"], str) or not model.tokenize(raw["sentence"]):
            raise ParamsError(f"{where}: 'sentence' must be text with at least one token")
        params["sentence"] = raw["sentence"]
    return params


def ramp(colours: tuple[str, ...], x: float) -> str:
    """Linear interpolation along a colour map, x in [0, 1]."""
    x = min(max(float(x), 0.0), 1.0) * (len(colours) - 1)
    i = min(int(x), len(colours) - 2)
    return interpolate_color(rgb_to_color(_rgb(colours[i])), rgb_to_color(_rgb(colours[i + 1])), x - i)


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])


def cell_text(x: float) -> str:
    if not math.isfinite(x):
        return "−∞"
    return f"{x:.2f}".replace("-", "−")


def light(mob) -> VGroup:
    """The outlines of a Text or formula as plain VMobjects: the same picture, but copies (which
    every FadeIn, Transform and FadeOut makes) are ~40× cheaper without the SVG bookkeeping."""
    out = VGroup(*[VMobject().set_points(m.points).match_style(m) for m in mob.family_members_with_points()])
    if hasattr(mob, "latex"):
        out.latex = mob.latex
    return out


def formula(latex: str, font_size: float) -> VGroup:
    return light(math_tex(latex, font_size=font_size))


class AttentionScene(Captioned, Scene):
    CELL = 0.78

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = load_params()
        self.lang = self.params["lang"]
        self.model = model.AttentionModel(self.params["sentence"], model.Config.from_params(self.params))
        if self.model.n > MAX_TOKENS:
            self.model.set_text(" ".join(self.model.tokens[:MAX_TOKENS]))
        self.tokens = self.model.tokens
        self.head = min(max(int(self.params["head"]), 0), self.model.config.heads - 1)
        self.query = min(int(self.params["query"]), self.model.n - 1)
        self.shown: dict[str, list[str]] = {}  # stage → the cell texts on screen (for tests)

    # --- numbers -------------------------------------------------------------------------------
    def scores(self) -> np.ndarray:
        return self.model.scores[self.head]

    def scaled(self) -> np.ndarray:
        return self.model.scaled[self.head]

    def logits(self) -> np.ndarray:
        return self.model.logits[self.head]

    def weights(self) -> np.ndarray:
        return self.model.weights[self.head]

    def output(self) -> np.ndarray:
        return self.model.output[self.head, self.query]

    def say(self, caption: str, **fields) -> None:
        """Subcaption ``caption`` (a CAPTIONS key) from now until the next say() or the end."""
        self.caption(CAPTIONS[caption][LANGS.index(self.lang)].format(**fields))

    # --- pieces --------------------------------------------------------------------------------
    def text(self, content: str, font_size: float, color: str = "#FFFFFF") -> VGroup:
        """Text as plain glyph outlines, built once per (content, size, colour) and copied after:
        Pango is slow, and a Text carries dictionaries that make every copy (each FadeIn makes
        one) 40× slower than copying its outlines."""
        cache = self.__dict__.setdefault("_texts", {})
        key = (content, font_size, color)
        if key not in cache:
            cache[key] = light(Text(content, font_size=font_size, color=color))
        return cache[key].copy()

    def number(self, content: str, font_size: float, color: str) -> VGroup:
        """A number set from cached digit outlines (one Pango call per character, not per number)."""
        glyphs = self.__dict__.setdefault("_glyphs", {})
        parts, x = VGroup(), 0.0
        for k, ch in enumerate(content):
            key = (ch, font_size)
            if key not in glyphs:  # typeset "0" + ch: the "0" gives the baseline and the spacing
                zero, glyph = Text("0" + ch, font_size=font_size).submobjects[:2]
                shape = VMobject().set_points(glyph.points)
                glyphs[key] = (shape, glyph.get_center()[1] - zero.get_center()[1], glyph.width,
                               glyph.get_left()[0] - zero.get_right()[0])
            shape, dy, width, gap = glyphs[key]
            x += gap if k else 0.0
            parts.add(shape.copy().set_fill(color, 1).set_stroke(width=0).move_to([x + width / 2, dy, 0]))
            x += width
        return parts

    def grid(self, values: np.ndarray, kind: str, stage: str) -> tuple[VGroup, VGroup]:
        """n×n coloured squares and their numbers (two groups, cell i·n + j at row i, column j)."""
        n, c = self.model.n, self.CELL
        finite = values[np.isfinite(values)]
        top = float(np.max(np.abs(finite))) if finite.size else 1.0
        squares, numbers = VGroup(), VGroup()
        texts = []
        for i in range(n):
            for j in range(n):
                v = float(values[i, j])
                if not math.isfinite(v):
                    fill = MASKED
                elif kind == "weights":
                    fill = ramp(VIRIDIS, v)
                else:
                    fill = ramp(DIVERGING, 0.5 + 0.5 * v / (top or 1.0))
                square = Square(side_length=c, stroke_width=1, stroke_color="#202020").set_fill(fill, opacity=1)
                square.move_to([(j - (n - 1) / 2) * c, ((n - 1) / 2 - i) * c, 0])
                light = not math.isfinite(v) or (kind == "weights" and v < 0.55)
                texts.append(cell_text(v))
                squares.add(square)
                numbers.add(self.number(texts[-1], 15, "#FFFFFF" if light else "#111111").move_to(square))
        self.shown[stage] = texts
        return squares, numbers

    def morph(self, squares: VGroup, numbers: VGroup, values: np.ndarray, kind: str, stage: str, *extra):
        """Cross-fade the grid to the next stage's colours and numbers; returns the new pair.
        (Transforming every glyph would spend seconds aligning points for nothing.)"""
        new_squares, new_numbers = self.grid(values, kind, stage)
        shift = squares.get_center() - new_squares.get_center()
        new_squares.shift(shift)
        new_numbers.shift(shift)
        self.play(FadeOut(numbers), FadeIn(new_squares), FadeIn(new_numbers), *extra)
        self.remove(squares)
        return new_squares, new_numbers

    def labels(self, grid: VGroup) -> VGroup:
        n = self.model.n
        rows, cols = VGroup(), VGroup()
        for i, tok in enumerate(self.tokens):
            rows.add(self.text(f"{tok} {i}", 20).next_to(grid[i * n], LEFT, buff=0.15))
            cols.add(self.text(tok, 20).next_to(grid[i], UP, buff=0.12))
        return VGroup(rows, cols)

    # --- the clip ------------------------------------------------------------------------------
    def construct(self):
        cfg = self.model.config
        title = self.text("Self-attention, stage by stage" if self.lang == "en" else "自注意力，一步一步看",
                          34).to_edge(UP, buff=0.3)

        self.next_section("tokens")
        chips = VGroup(*[self.text(t, 30) for t in self.tokens]).arrange(RIGHT, buff=0.35)
        self.say("tokens")
        self.play(Write(title), FadeIn(chips, shift=UP * 0.2))
        self.wait(1.2)

        self.next_section("scores")
        squares, numbers = self.grid(self.scores(), "signed", "scores")
        VGroup(squares, numbers).shift(LEFT * 2.6 + DOWN * 0.4)
        labels = self.labels(squares)
        shown = formula(r"S = Q K^{T}", 44).move_to(RIGHT * 3.9 + UP * 1.6)
        self.say("scores")
        self.play(FadeOut(chips), FadeIn(squares), FadeIn(numbers), FadeIn(labels), Write(shown))
        self.wait(1.8)

        self.next_section("scaled")
        parts = ([r"\sqrt{d_k}"] if cfg.scaled else []) + (["T"] if cfg.temperature != 1 else [])
        thin = r"\, "
        scaled_s = rf"\frac{{Q K^{{T}}}}{{{thin.join(parts)}}}" if parts else "Q K^{T}"
        new_formula = formula(scaled_s, 44).move_to(shown)
        self.formulas = [shown.latex, new_formula.latex]
        dims = formula(rf"d_k = {cfg.d_k},\; T = {cfg.temperature:.3g}", 30).next_to(new_formula, DOWN)
        fields = {"root": f"{math.sqrt(cfg.d_k):.2f}", "temp": f"{cfg.temperature:.3g}"}
        self.say("scaled" if cfg.scaled else "unscaled", **fields)
        squares, numbers = self.morph(squares, numbers, self.scaled(), "signed", "scaled",
                             Transform(shown, new_formula), FadeIn(dims))
        self.wait(2.2)

        plus_m = ""
        if cfg.causal or self.model.key_mask:
            plus_m = " + M"
            self.next_section("mask")
            mask_formula = formula(scaled_s + plus_m, 44).move_to(shown)
            self.formulas.append(mask_formula.latex)
            self.say("mask")
            squares, numbers = self.morph(squares, numbers, self.logits(), "signed", "mask",
                                          Transform(shown, mask_formula))
            self.wait(1.6)

        self.next_section("softmax")
        sm = formula(rf"A = \mathrm{{softmax}}\left({scaled_s}{plus_m}\right)", 36).move_to(shown)
        self.formulas.append(sm.latex)
        self.say("softmax")
        squares, numbers = self.morph(squares, numbers, self.weights(), "weights", "softmax",
                             Transform(shown, sm), FadeOut(dims))
        self.wait(1.8)

        self.next_section("weighted sum")
        self.play_weighted_sum(squares, shown)
        self.wait(2.5)
        self.play(FadeOut(Group(*self.mobjects)))

    def play_weighted_sum(self, squares: VGroup, shown: VGroup) -> None:
        n, i = self.model.n, self.query
        row = VGroup(*[squares[i * n + j] for j in range(n)])
        box = SurroundingRectangle(row, color=ACCENT, buff=0.04, stroke_width=5)
        w = self.weights()[i]
        v = self.model.qkv[2, self.head][:, :4]  # the first 4 coordinates of each value vector
        top = float(np.max(np.abs(v))) or 1.0

        def vector(x, opacity=1.0):
            return VGroup(*[Square(0.36, stroke_width=0.6, stroke_color="#202020").set_fill(
                ramp(DIVERGING, 0.5 + 0.5 * c / top), opacity) for c in x]).arrange(RIGHT, buff=0.04)

        rows = VGroup()
        for j in range(n):
            fade = 0.25 + 0.75 * w[j] / max(float(w.max()), 1e-12)  # faint = little weight
            bar = Rectangle(width=max(1.6 * w[j], 0.02), height=0.3, stroke_width=0).set_fill(ramp(VIRIDIS, w[j]), 1)
            label = self.text(f"{w[j]:.2f} ×", 20)
            name = self.text(f"v{j} {self.tokens[j]}", 18, "#BBBBBB")
            rows.add(VGroup(bar, label, vector(v[j], fade), name).arrange(RIGHT, buff=0.15))
        rows.arrange(DOWN, buff=0.1, aligned_edge=RIGHT)
        out = self.output()[:4]
        o_row = VGroup(self.text("o =", 22), vector(out)).arrange(RIGHT, buff=0.15)
        panel = VGroup(rows, o_row).arrange(DOWN, buff=0.3)
        o_row.align_to(rows[0][2], LEFT).shift(LEFT * (o_row[0].width + 0.15))
        panel.move_to(RIGHT * 3.7 + DOWN * 0.9)
        eq = formula(r"o_i = \sum_j A_{ij}\, v_j", 40).move_to(shown)
        k = int(np.argmax(w))
        self.say("output", q=i, word=self.tokens[i], k=k, key=self.tokens[k], w=f"{w[k]:.2f}")
        self.play(FadeIn(box), Transform(shown, eq))
        self.play(FadeIn(rows, shift=LEFT * 0.3))
        self.play(FadeIn(o_row, shift=UP * 0.2))
        self.shown["output"] = [f"{x:.2f}" for x in out]
