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
    RESAMPLING_ALGORITHMS,
    RIGHT,
    UP,
    BackgroundRectangle,
    FadeIn,
    FadeOut,
    FullScreenRectangle,
    ImageMobject,
    Scene,
    Text,
    VGroup,
    Write,
)

# The repo root on sys.path makes `scenes.mathtex` and `app.models` importable however this file
# is loaded: by the manim CLI (which only adds scenes/ to sys.path), by pytest, or by the app.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.models import image_io  # noqa: E402
from app.models import svd as model  # noqa: E402
from scenes.mathtex import math_tex  # noqa: E402 — the shared ziamath helper
from scenes.params import (  # noqa: E402
    LANGS,
    ParamsError,
    lang,
    lesson_table,
    number,
    params_path,
    read_params_file,
    where,
)

SAMPLES = ("shapes.png", "tartan.png", "landscape.png")
#: the ranks shown one after another (then the lesson's k)
RANKS = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30)
#: the clip's images are downscaled to this many pixels on the long side and drawn with nearest-
#: neighbour sampling, so each matrix entry is a visible square
CLIP_SIDE = 64


def load_params() -> dict[str, float]:
    """Lesson defaults overridden by $MATHLENS_PARAMS (ParamsError for an unusable file)."""
    params = {name: spec.default for name, spec in model.PARAMS.items()}
    params |= {k: float(v) for k, v in lesson_table("svd-images").items() if k in model.PARAMS}
    raw = read_params_file()
    at = where(params_path() or "")
    params |= {k: number(raw, k, params[k], at) for k in model.PARAMS}
    return {k: model.PARAMS[k].clamp(v) for k, v in params.items()}


def image_file() -> Path:
    """The image the params file names ("image": the user's own file, from the app), else the sample."""
    raw = read_params_file()
    if "image" in raw:
        if not isinstance(raw["image"], str) or not raw["image"]:
            raise ParamsError(f"{where(params_path() or '')}: 'image' must be a file path")
        return Path(raw["image"])
    return ROOT / "assets" / "samples" / SAMPLES[int(max(0, load_params()["sample"]))]


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


def picture(rgb8: np.ndarray, height: float) -> ImageMobject:
    """The image as a picture ``height`` units tall, one sharp square per pixel (matrix entry)."""
    im = ImageMobject(rgb8)
    im.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    return im.scale_to_fit_height(height)


def recolour(im: ImageMobject, rgb8: np.ndarray) -> ImageMobject:
    """Show other pixels in the same picture (same size and place)."""
    alpha = np.full(rgb8.shape[:2] + (1,), 255, np.uint8)
    im.pixel_array = np.concatenate([rgb8, alpha], axis=2)
    return im


def _fix_manim_canvas_for_pillow_12() -> None:
    """manim 0.22's Camera.display_image_mobject makes its canvas with
    ``Image.fromarray(np.zeros((h, w)), mode="RGBA")``, which Pillow ≥ 12 refuses ("Invalid mode for
    data type"). Give manim's camera module a PIL.Image whose fromarray turns that call into the
    transparent RGBA canvas it always meant; everything else goes to PIL unchanged."""
    from manim.camera import camera

    if getattr(camera.Image, "mathlens_fix", False):
        return
    pil_image = camera.Image

    class _Image:
        mathlens_fix = True

        def __getattr__(self, name):
            return getattr(pil_image, name)

        @staticmethod
        def fromarray(obj, mode=None):
            arr = np.asarray(obj)
            if mode == "RGBA" and arr.ndim == 2:
                arr = np.zeros((*arr.shape, 4), np.uint8)
            if mode == "RGBA" and arr.dtype == np.uint8 and arr.ndim == 3 and arr.shape[2] == 4:
                return pil_image.fromarray(np.ascontiguousarray(arr))
            return pil_image.fromarray(arr) if mode is None else pil_image.fromarray(arr, mode=mode)

    camera.Image = _Image()


_fix_manim_canvas_for_pillow_12()


class SVDScene(Scene):
    def construct(self):
        p = load_params()
        img = image_io.load_image(image_file(), max_side=CLIP_SIDE)
        fact = model.factorize(img.pixels.astype(np.float64), luminance=bool(p["luminance"]) and img.is_color)
        k_final = int(np.clip(p["k"], 1, fact.rank_max))
        ranks = sorted({r for r in RANKS if r <= fact.rank_max} | {k_final, fact.rank_max})
        height = 3.6

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
        original = picture(_rgb8(model.channels_of(img.pixels, bool(p["luminance"]) and img.is_color)), height)
        original.to_edge(LEFT, buff=0.8).shift(DOWN * 0.6)
        cap_o = Text("original", font_size=24).next_to(original, DOWN)
        rk = model.RankK(fact, ranks[0])
        current = picture(_rgb8(rk.data), height).to_edge(RIGHT, buff=0.8).shift(DOWN * 0.6)
        counter = self._counter(fact, ranks[0]).to_edge(DOWN, buff=0.5)
        self.play(FadeOut(formula), title.animate.become(Text("Add one layer σᵢuᵢvᵢᵀ at a time", font_size=34)
                                                         .to_edge(UP)))
        self.add_subcaption(caption("layers"), duration=2)
        # fade the pictures in by fading a black veil out (the pictures themselves stay static)
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
