"""SVD image compression clip: an image rebuilt layer by layer, with the PSNR counter.

    manim -ql scenes/svd.py SVDScene

Parameters come from the JSON file named by $MATHLENS_PARAMS (keys of app.models.svd.PARAMS:
k, sample, luminance; "lang": "en" or "zh" for the subcaptions), else the defaults of
lessons/svd-images.toml. No LaTeX: formulas go
through scenes/mathtex.py (ziamath → SVG).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from manim import (
    BLACK,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    FadeIn,
    FadeOut,
    FullScreenRectangle,
    Scene,
    Square,
    Text,
    VGroup,
    Write,
    rgb_to_color,
)

# The repo root on sys.path makes `scenes.mathtex` and `app.models` importable however this file
# is loaded: by the manim CLI (which only adds scenes/ to sys.path), by pytest, or by the app.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.models import image_io  # noqa: E402
from app.models import svd as model  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402 — the shared ziamath helper
from scenes.params import LANGS, lang, lesson_table, number, params_path, read_params_file, where  # noqa: E402

SAMPLES = ("shapes.png", "tartan.png", "landscape.png")
#: the ranks shown one after another (then the lesson's k)
RANKS = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30)
#: the clip's images are downscaled to this many pixels on the long side, each drawn as a square:
#: the pixels are the matrix entries (and manim 0.22's ImageMobject fails under Pillow 13)
CLIP_SIDE = 64


def load_params() -> dict[str, float]:
    """Lesson defaults overridden by $MATHLENS_PARAMS (ParamsError for an unusable file)."""
    params = {name: spec.default for name, spec in model.PARAMS.items()}
    params |= {k: float(v) for k, v in lesson_table("svd-images").items() if k in model.PARAMS}
    raw = read_params_file()
    at = where(params_path() or "")
    params |= {k: number(raw, k, params[k], at) for k in model.PARAMS}
    return {k: model.PARAMS[k].clamp(v) for k, v in params.items()}


CAPTIONS = {
    "idea": ("Every image is a matrix, and every matrix is a sum of rank-one layers.",
             "每张图像都是一个矩阵，每个矩阵都是秩一层的和。"),
    "layers": ("Left: the original. Right: the sum of the first k layers, with its PSNR.",
               "左：原图。右：前 k 层之和，以及它的 PSNR。"),
    "result": ("k = {k}: {ratio:.1f} times fewer numbers, PSNR {psnr:.1f} dB. "
               "The error is exactly the energy of the dropped singular values.",
               "k = {k}：数字少了 {ratio:.1f} 倍，PSNR {psnr:.1f} dB。误差恰好是被舍弃的奇异值的能量。"),
}


def caption(key: str, **fields) -> str:
    """Subcaption ``key`` in the language of the parameter file ("lang", default English)."""
    return CAPTIONS[key][LANGS.index(lang(read_params_file(), where(params_path() or "")))].format(**fields)


def _rgb8(a: np.ndarray) -> np.ndarray:
    img = np.clip(np.rint(np.moveaxis(a, 0, -1) * 255), 0, 255).astype(np.uint8)
    return np.repeat(img, 3, axis=2) if img.shape[2] == 1 else img


def pixel_grid(rgb8: np.ndarray, height: float) -> VGroup:
    """One filled square per pixel (row-major), the whole grid ``height`` units tall."""
    m, n = rgb8.shape[:2]
    side = height / m
    grid = VGroup()
    for i in range(m):
        for j in range(n):
            sq = Square(side_length=side, stroke_width=0).move_to([(j - (n - 1) / 2) * side, ((m - 1) / 2 - i) * side, 0])
            grid.add(sq)
    return recolour(grid, rgb8)


def recolour(grid: VGroup, rgb8: np.ndarray) -> VGroup:
    for sq, rgb in zip(grid, rgb8.reshape(-1, 3), strict=True):
        colour = rgb_to_color(rgb / 255.0)
        sq.set_fill(colour, opacity=1.0).set_stroke(colour, width=0.8)  # the stroke hides seams
    return grid


class SVDScene(Scene):
    def construct(self):
        p = load_params()
        sample = SAMPLES[int(max(0, p["sample"]))]
        img = image_io.load_image(ROOT / "assets" / "samples" / sample, max_side=CLIP_SIDE)
        fact = model.factorize(img.pixels.astype(np.float64), luminance=bool(p["luminance"]) and img.is_color)
        k_final = int(np.clip(p["k"], 1, fact.rank_max))
        ranks = sorted({r for r in RANKS if r <= fact.rank_max} | {k_final, fact.rank_max})
        height = 3.6

        def picture(pixels):
            return pixel_grid(pixels, height)

        # 1 — the idea
        self.next_section("idea")
        title = Text("An image is a matrix", font_size=40).to_edge(UP)
        formula = math_tex(r"A = U \Sigma V^{T} = \sum_i \sigma_i u_i v_i^{T}").scale_to_fit_height(0.9)
        formula.next_to(title, DOWN, buff=0.6)
        self.add_subcaption(caption("idea"), duration=2)
        self.play(Write(title), FadeIn(formula))
        self.wait(0.5)

        # 2 — rebuild layer by layer
        self.next_section("layers")
        original = picture(_rgb8(model.channels_of(img.pixels, bool(p["luminance"]) and img.is_color)))
        original.to_edge(LEFT, buff=0.8).shift(DOWN * 0.6)
        cap_o = Text("original", font_size=24).next_to(original, DOWN)
        rk = model.RankK(fact, ranks[0])
        current = picture(_rgb8(rk.data)).to_edge(RIGHT, buff=0.8).shift(DOWN * 0.6)
        counter = self._counter(fact, ranks[0]).to_edge(DOWN, buff=0.5)
        self.play(FadeOut(formula), title.animate.become(Text("Add one layer σᵢuᵢvᵢᵀ at a time", font_size=34)
                                                         .to_edge(UP)))
        self.add_subcaption(caption("layers"), duration=2)
        # fade the pictures in by fading a black veil out: the ~8000 pixel squares stay static (drawn
        # once per animation, not once per frame), which keeps a preview render fast
        veil = VGroup(*[BackgroundRectangle(m, fill_opacity=1, buff=0.05) for m in (original, current)])
        self.add(original, current, veil)
        self.play(FadeOut(veil), FadeIn(cap_o), FadeIn(counter))
        for r in ranks[1:]:
            rk.set_k(r)  # adds only the new layers
            recolour(current, _rgb8(rk.data))
            new_counter = self._counter(fact, r).move_to(counter)
            self.remove(counter)
            self.add(new_counter)
            counter = new_counter
            self.wait(0.45)

        # 3 — the result: back to the lesson's k
        self.next_section("result")
        rk.set_k(k_final)
        recolour(current, _rgb8(rk.data))
        new_counter = self._counter(fact, k_final).move_to(counter)
        self.remove(counter)
        self.add(new_counter)
        met = fact.metrics(k_final)
        eckart = math_tex(r"\|A - A_k\|_F^2 = \sum_{i>k} \sigma_i^2").scale_to_fit_height(0.9)
        eckart.next_to(title, DOWN, buff=0.3)
        self.add_subcaption(caption("result", k=k_final, ratio=met.ratio, psnr=met.psnr), duration=3)
        self.play(FadeIn(eckart))
        self.wait(1.5)
        self.play(FadeIn(FullScreenRectangle(fill_color=BLACK, fill_opacity=1, stroke_width=0)))  # a veil again

    @staticmethod
    def _counter(fact: model.Factorization, k: int) -> Text:
        met = fact.metrics(k)
        psnr = "∞" if not np.isfinite(met.psnr) else f"{met.psnr:.1f}"
        return Text(f"k = {k}    PSNR {psnr} dB    energy {met.energy:.1f} %    ratio {met.ratio:.1f}×",
                    font_size=28)
