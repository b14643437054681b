"""Safe image loading for the SVD lesson: any PNG/JPEG/BMP/TIFF/WebP/GIF Pillow can read, as floats.

Pure Pillow + numpy, no Qt. Every way a file can be unusable (missing, unreadable, empty, not an
image, corrupt, absurdly large, a single row or column) raises ``ImageLoadError`` whose ``str()``
is one sentence for people. Conversions that lose something (alpha, a 16-bit RGB file reduced by
Pillow, extra frames) are reported in ``LoadedImage.notes`` instead of silently.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: refuse images with more pixels than this (a 20 000 × 20 000 header would need GBs of RAM)
MAX_PIXELS = 50_000_000
#: the smallest useful side: a 1×N image has rank 1 and nothing to compress
MIN_SIDE = 2
#: formats offered in file dialogs (Pillow reads more; these are the ones we promise)
FILE_PATTERNS = ("*.png", "*.jpg", "*.jpeg", "*.bmp", "*.tif", "*.tiff", "*.webp", "*.gif")


class ImageLoadError(ValueError):
    """The file cannot be used as an image; ``str()`` says why in plain words."""


@dataclass(frozen=True)
class LoadedImage:
    """Pixels as float32 in [0, 1]: shape (m, n) for grayscale or (m, n, 3) for colour."""

    pixels: np.ndarray
    name: str
    notes: tuple[str, ...] = field(default=())
    original_size: tuple[int, int] = (0, 0)  # (width, height) in the file

    @property
    def shape(self) -> tuple[int, int]:
        return self.pixels.shape[0], self.pixels.shape[1]

    @property
    def is_color(self) -> bool:
        return self.pixels.ndim == 3


def _check_size(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageLoadError(
            f"the image is {width} × {height} pixels ({width * height / 1e6:.0f} MP); "
            f"the limit is {max_pixels / 1e6:.0f} MP — downscale it in an image editor first"
        )
    if min(width, height) < MIN_SIDE:
        raise ImageLoadError(
            f"the image is {width} × {height} pixels; SVD compression needs at least "
            f"{MIN_SIDE} pixels in each direction (a single row or column has rank 1)"
        )


def probe(path: str | os.PathLike, max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """Read only the header: (width, height), or ImageLoadError. Fast enough for the GUI thread."""
    with _open(path, max_pixels) as img:
        return img.size


def _open(path, max_pixels):
    from PIL import Image, UnidentifiedImageError

    p = Path(path)
    if not p.exists():
        raise ImageLoadError(f"'{p.name}' does not exist")
    if p.is_dir():
        raise ImageLoadError(f"'{p.name}' is a folder, not an image file")
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ImageLoadError(f"'{p.name}' cannot be read ({e.strerror or e})") from None
    if size == 0:
        raise ImageLoadError(f"'{p.name}' is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(p)
    except Image.DecompressionBombError as e:
        raise ImageLoadError(f"'{p.name}' is far too large to open ({e})") from None
    except UnidentifiedImageError:
        kind = _sniff(p)
        if kind:
            raise ImageLoadError(f"'{p.name}' starts like a {kind} file but is damaged and cannot be decoded") from None
        raise ImageLoadError(
            f"'{p.name}' is not an image MathLens can read (PNG, JPEG, BMP, TIFF, WebP or GIF)"
        ) from None
    except OSError as e:
        if e.errno is None:  # Pillow's own error: the bytes are wrong, not the file system
            raise ImageLoadError(f"'{p.name}' is damaged or truncated and cannot be decoded ({e})") from None
        raise ImageLoadError(f"'{p.name}' cannot be read ({e.strerror or e})") from None
    except (SyntaxError, ValueError, EOFError) as e:
        raise ImageLoadError(f"'{p.name}' is damaged or truncated and cannot be decoded ({e})") from None
    try:
        _check_size(*img.size, max_pixels)
    except ImageLoadError as e:
        img.close()
        raise ImageLoadError(f"'{p.name}': {e}") from None
    return img


_MAGIC = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
          (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"RIFF", "WebP"))


def _sniff(p: Path) -> str | None:
    """The format a file's first bytes announce, if any (to tell "damaged" from "not an image")."""
    try:
        with open(p, "rb") as f:
            head = f.read(12)
    except OSError:
        return None
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def load_image(path: str | os.PathLike, max_side: int | None = None, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Decode ``path`` to float32 pixels in [0, 1]; optionally shrink so the longer side ≤ max_side.

    16-bit grayscale keeps its 16 bits; palette images become RGB; alpha is dropped (noted);
    EXIF orientation is applied; only the first frame of an animation is used (noted).
    """
    from PIL import ImageOps

    name = Path(path).name
    notes: list[str] = []
    with _open(path, max_pixels) as img:
        original = img.size
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Pillow warns on odd EXIF/palette data; we report errors
                if getattr(img, "n_frames", 1) > 1:
                    notes.append(f"only the first of {img.n_frames} frames is used")
                img.load()
                try:
                    img = ImageOps.exif_transpose(img)
                except Exception:  # noqa: BLE001 — broken EXIF must not block an otherwise good image
                    notes.append("its EXIF orientation tag is unreadable and was ignored")
                pixels = _to_float(img, notes)
        except ImageLoadError:
            raise
        except MemoryError:
            raise ImageLoadError(f"'{name}' does not fit in memory") from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, RuntimeError) as e:
            raise ImageLoadError(f"'{name}' is damaged or truncated and cannot be decoded ({e})") from None
    if max_side is not None and max(pixels.shape[:2]) > max_side:
        before = pixels.shape[:2]
        pixels = downscale(pixels, max_side)
        notes.append(f"downscaled from {before[1]} × {before[0]} to {pixels.shape[1]} × {pixels.shape[0]}")
    return LoadedImage(pixels=pixels, name=name, notes=tuple(notes), original_size=original)


def _to_float(img, notes: list[str]) -> np.ndarray:
    """Pillow image of any mode → float32 (m, n) or (m, n, 3) in [0, 1]."""
    mode = img.mode
    if mode == "P":
        has_alpha = "transparency" in img.info
        img = img.convert("RGBA" if has_alpha else "RGB")
        mode = img.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        notes.append("the alpha (transparency) channel was dropped")
        img = img.convert("L" if mode in ("LA", "La") else "RGB")
        mode = img.mode
    if mode == "1":
        return np.asarray(img.convert("L"), dtype=np.float32) / np.float32(255)
    if mode == "L":
        return np.asarray(img, dtype=np.float32) / np.float32(255)
    if mode.startswith("I;16") or mode == "I":
        a = np.asarray(img).astype(np.float64)
        top = 65535.0 if a.max(initial=0) <= 65535 and a.min(initial=0) >= 0 else None
        if top is None:
            lo, hi = float(a.min()), float(a.max())
            notes.append("32-bit integer pixels were rescaled from their own range")
            a = (a - lo) / (hi - lo or 1.0)
        else:
            a = a / top
        return a.astype(np.float32)
    if mode == "F":
        a = np.asarray(img, dtype=np.float32)
        if not np.all(np.isfinite(a)):
            raise ImageLoadError("the image has non-finite (NaN or infinite) pixel values")
        lo, hi = float(a.min()), float(a.max())
        if lo < 0 or hi > 1:
            notes.append("floating-point pixels were rescaled from their own range")
            a = (a - lo) / np.float32(hi - lo or 1.0)
        return a
    if mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img, dtype=np.float32) / np.float32(255)


def downscale(pixels: np.ndarray, max_side: int = 1024) -> np.ndarray:
    """Area-average (box filter) so the longer side is ``max_side``; keeps dtype float32."""
    from PIL import Image

    m, n = pixels.shape[:2]
    scale = max_side / max(m, n)
    if scale >= 1:
        return pixels
    size = (max(MIN_SIDE, round(n * scale)), max(MIN_SIDE, round(m * scale)))
    chans = [pixels] if pixels.ndim == 2 else [pixels[..., c] for c in range(pixels.shape[2])]
    out = [np.asarray(Image.fromarray(np.ascontiguousarray(c, dtype=np.float32))
                      .resize(size, Image.Resampling.BOX), dtype=np.float32) for c in chans]
    return out[0] if pixels.ndim == 2 else np.stack(out, axis=-1)
