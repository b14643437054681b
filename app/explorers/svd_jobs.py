"""The SVD explorer's background job: load → (downscale →) factor → first A_k. No Qt, no widgets:
it runs on the FactorWorker's thread and only returns numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.models import image_io
from app.models import svd as model

#: recent factorizations of files (small images only), so switching samples back is instant
_CACHE: dict[tuple, tuple] = {}
_CACHE_SIZE = 6
_CACHE_MAX_PIXELS = 2_000_000


def factor_job(path: Path | None, image: image_io.LoadedImage | None, luminance: bool, max_side: int | None,
                k: int = 10):
    """A worker job: (load →) (downscale →) factor → the first A_k. Runs off the GUI thread and
    touches no widget; returns (path, image, luminance, factorization, channels (C, m, n), RankK)."""

    def run(progress, cancelled):
        key = None
        if image is None:
            try:
                st = Path(path).stat()
                key = (str(Path(path).resolve()), st.st_mtime_ns, st.st_size, luminance, max_side)
            except OSError:
                pass
        if key in _CACHE:
            result = (path, *_CACHE[key])
        else:
            result = _load_and_factor(progress, cancelled)
            if key is not None and result[1].pixels.size <= 3 * _CACHE_MAX_PIXELS:
                while len(_CACHE) >= _CACHE_SIZE:
                    _CACHE.pop(next(iter(_CACHE)))
                _CACHE[key] = result[1:]
        fact = result[3]
        # the first A_k is built here too, so the GUI thread only swaps pictures
        rankk = model.RankK(fact, int(np.clip(k, 1, fact.rank_max)), dtype=np.float32)
        return (*result, rankk)

    def _load_and_factor(progress, cancelled):
        img = image if image is not None else image_io.load_image(path, max_side=max_side)
        if image is not None and max_side is not None and max(img.shape) > max_side:
            small = image_io.downscale(img.pixels, max_side)
            note = f"downscaled from {img.shape[1]} × {img.shape[0]} to {small.shape[1]} × {small.shape[0]}"
            img = image_io.LoadedImage(small, img.name, img.notes + (note,), img.original_size)
        progress(0.05)
        orig = model.channels_of(img.pixels, luminance and img.is_color, dtype=np.float32)
        fact = model.factorize_channels(orig, cancelled=cancelled, progress=lambda f: progress(0.05 + 0.95 * f))
        return path, img, luminance, fact, orig

    return run
