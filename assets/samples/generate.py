"""Regenerate the SVD lesson's sample images (CC0, made for MathLens): deterministic, numpy + Pillow.

    .venv/bin/python assets/samples/generate.py

shapes.png    480×360  gradients, shapes and text: sharp edges need many singular values
tartan.png    384×384  a plaid built as a sum of outer products: exactly rank ≤ 3 per channel
landscape.png 480×320  a procedural mountain landscape: a "photo-like" slowly decaying spectrum
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _font(size: int):
    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default(size)


def shapes(w: int = 480, h: int = 360) -> Image.Image:
    y = np.linspace(0, 1, h)[:, None, None]
    x = np.linspace(0, 1, w)[None, :, None]
    top, bottom = np.array([0.12, 0.35, 0.62]), np.array([0.98, 0.72, 0.42])
    base = (1 - y) * top + y * bottom + 0.08 * (x - 0.5) * np.array([1.0, -0.3, -0.6])
    img = Image.fromarray((np.clip(base, 0, 1) * 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    d.ellipse((300, 40, 440, 180), fill=(240, 228, 66), outline=(40, 40, 40), width=4)
    d.rectangle((40, 200, 170, 320), fill=(0, 114, 178), outline=(255, 255, 255), width=3)
    d.polygon([(200, 330), (290, 170), (380, 330)], fill=(213, 94, 0))
    for i in range(8):  # thin diagonal lines: hard for a low-rank approximation
        d.line((20 + 14 * i, 20, 120 + 14 * i, 170), fill=(255, 255, 255), width=2)
    d.ellipse((395, 250, 455, 310), fill=(0, 158, 115))
    d.text((170, 22), "MathLens", font=_font(34), fill=(255, 255, 255))
    d.text((165, 78), "A = UΣVᵀ", font=_font(26), fill=(20, 20, 30))
    return img


def tartan(size: int = 384) -> Image.Image:
    t = np.arange(size) / size
    band = lambda f, ph: 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * (f * t + ph)))  # noqa: E731
    h = 0.6 * band(3, 0.0) + 0.4 * band(12, 0.25)  # pattern down the rows
    v = 0.6 * band(3, 0.1) + 0.4 * band(9, 0.0)  # pattern across the columns
    colours = {"warp": np.array([1.2, 0.15, 0.2]), "weft": np.array([0.15, 0.4, 1.1]),
               "cross": np.array([0.5, 0.9, 0.3])}
    # each channel = a·h⊗1 + b·1⊗v + c·h⊗v + base: rank ≤ 3 (the constant folds into the first two)
    img = (0.02 + colours["warp"] * 0.5 * h[:, None, None] + colours["weft"] * 0.5 * v[None, :, None]
           + colours["cross"] * (h[:, None] * v[None, :])[..., None])
    return Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8))


def _ridge(n: int, rng, rough: float = 0.55) -> np.ndarray:
    """1-D midpoint-displacement noise in [0, 1], length n."""
    size = 1
    while size < n:
        size *= 2
    line = np.zeros(size + 1)
    step, amp = size, 1.0
    while step > 1:
        half = step // 2
        mids = 0.5 * (line[:-1:step] + line[step::step]) + amp * rng.uniform(-1, 1, size // step)
        line[half::step] = mids
        step, amp = half, amp * rough
    line = line[:n]
    return (line - line.min()) / (np.ptp(line) or 1)


def landscape(w: int = 480, h: int = 320, seed: int = 7) -> Image.Image:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    sky = (1 - yy[..., None]) * np.array([0.25, 0.45, 0.85]) + yy[..., None] * np.array([0.98, 0.80, 0.60])
    sun = np.exp(-(((xx - 0.72) * w) ** 2 + ((yy - 0.22) * h) ** 2) / (2 * 18.0**2))
    glow = np.exp(-(((xx - 0.72) * w) ** 2 + ((yy - 0.22) * h) ** 2) / (2 * 70.0**2))
    img = sky + (0.9 * sun + 0.25 * glow)[..., None] * np.array([1.0, 0.9, 0.6])
    rows = np.arange(h)[:, None]
    layers = [(0.58, 0.30, [0.45, 0.50, 0.65]), (0.66, 0.22, [0.30, 0.36, 0.45]), (0.76, 0.16, [0.16, 0.28, 0.20])]
    for base, height, colour in layers:  # far to near: each range hazier and higher up
        top = (base - height * _ridge(w, rng)) * h
        mask = rows >= top[None, :]
        shade = 0.85 + 0.3 * rng.random((h, w)) * (rows > top[None, :] + 3)  # rock texture
        img = np.where(mask[..., None], np.array(colour) * shade[..., None], img)
    lake = int(0.80 * h)
    mirror = img[lake - 1 :: -1][: h - lake]
    ripple = 0.06 * np.sin(np.arange(h - lake)[:, None] * 0.9 + np.arange(w)[None, :] * 0.05)
    img[lake:] = 0.6 * mirror + 0.4 * np.array([0.15, 0.30, 0.45]) + ripple[..., None]
    out = Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(0.6))


if __name__ == "__main__":
    for name, make in (("shapes.png", shapes), ("tartan.png", tartan), ("landscape.png", landscape)):
        make().save(HERE / name, optimize=True)
        print("wrote", HERE / name)
