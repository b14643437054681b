"""The SVD image model: Eckart–Young, PSNR, incremental = direct, truncated SVD, safe loading."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.models import image_io
from app.models import svd as model

shapes = st.tuples(st.integers(2, 12), st.integers(2, 12), st.sampled_from([1, 3]))


@st.composite
def images(draw):
    m, n, c = draw(shapes)
    shape = (m, n) if c == 1 else (m, n, c)
    return draw(arrays(np.float64, shape, elements=st.floats(0, 1, allow_nan=False, width=64)))


def _direct_error(a: np.ndarray, fact: model.Factorization, k: int) -> float:
    A = model.channels_of(a)
    return float(np.linalg.norm(A - model.reconstruct(fact, k)))


@settings(max_examples=60, deadline=None)
@given(images(), st.data())
def test_eckart_young_error_equals_dropped_singular_values(a, data):
    fact = model.factorize(a)
    norm = float(np.linalg.norm(a))
    k = data.draw(st.integers(0, fact.rank_max))
    met = fact.metrics(k)
    if norm == 0:
        assert met.rel_error == 0.0
        return
    tail = np.sqrt(sum(float(np.sum(s[k:] ** 2)) for s in fact.s)) / norm
    assert met.rel_error == pytest.approx(tail, rel=1e-10, abs=1e-12)
    # and both are the real error of the real A_k (relative to ‖A‖, the quantity's own scale)
    assert abs(_direct_error(a, fact, k) / norm - met.rel_error) <= 1e-10


@settings(max_examples=60, deadline=None)
@given(images(), st.lists(st.integers(-3, 20), min_size=1, max_size=12))
def test_incremental_equals_direct_for_any_path_of_k(a, path):
    fact = model.factorize(a)
    rk = model.RankK(fact, 1)
    for k in path:
        rk.set_k(k)
        expected = model.reconstruct(fact, int(np.clip(k, 1, fact.rank_max)))
        np.testing.assert_allclose(rk.data, expected, rtol=0, atol=1e-12)


def test_a_slider_step_touches_only_the_changed_layers():
    rng = np.random.default_rng(1)
    fact = model.factorize(rng.random((40, 30, 3)))
    rk = model.RankK(fact, 10)
    assert rk.set_k(11) == 1
    assert rk.set_k(21) == 10
    assert rk.set_k(20) == 1
    assert rk.set_k(2) == 2  # rebuilding two layers beats removing eighteen
    assert rk.set_k(2) == 0


def test_psnr_matches_the_pixels_and_the_definition():
    rng = np.random.default_rng(2)
    a = rng.random((24, 32, 3))
    fact = model.factorize(a)
    for k in (1, 5, 17):
        approx = np.moveaxis(model.reconstruct(fact, k), 0, -1)
        mse = np.mean((a - approx) ** 2)
        assert fact.metrics(k).psnr == pytest.approx(10 * np.log10(1 / mse), rel=1e-9)
        assert fact.metrics(k).psnr == pytest.approx(model.psnr(a, approx), rel=1e-9)
    assert fact.metrics(fact.rank_max).psnr > 200  # exact up to rounding
    assert model.psnr(a, a) == float("inf")


def test_energy_storage_and_ratio():
    rng = np.random.default_rng(3)
    a = rng.random((20, 30))
    fact = model.factorize(a)
    met = fact.metrics(4)
    s = fact.s[0]
    assert met.energy == pytest.approx(100 * np.sum(s[:4] ** 2) / np.sum(a**2), rel=1e-12)
    assert met.storage == 4 * (20 + 30 + 1)
    assert met.raw == 600
    assert met.ratio == pytest.approx(600 / 204)
    curves = fact.curves()
    assert np.all(np.diff(curves["energy"]) >= -1e-12)
    assert np.all(np.diff(curves["rel_error"]) <= 1e-12)
    assert fact.smallest_k(energy=met.energy - 1e-9) <= 4


def test_luminance_is_one_channel_of_rec601_luma():
    a = np.zeros((4, 5, 3))
    a[..., 1] = 1.0
    fact = model.factorize(a, luminance=True)
    assert fact.channels == 1
    assert fact.total_energy == pytest.approx(20 * 0.587**2)


def test_truncated_svd_matches_the_leading_singular_values():
    rng = np.random.default_rng(4)
    # a decaying spectrum like a photograph's
    U, _ = np.linalg.qr(rng.standard_normal((300, 120)))
    V, _ = np.linalg.qr(rng.standard_normal((200, 120)))
    s = 0.9 ** np.arange(120)
    a = (U * s) @ V.T
    fact = model.factorize(a, rank=20)
    assert not fact.full and fact.rank_max == 20
    np.testing.assert_allclose(fact.s[0], s[:20], rtol=1e-4)  # randomised: accurate, not exact
    # metrics stay exact for reachable k: the total energy is known from the pixels
    for k in (1, 10, 20):
        assert fact.metrics(k).rel_error == pytest.approx(_direct_error(a, fact, k) / np.linalg.norm(a), rel=1e-4)


def test_factorize_can_be_cancelled_and_reports_progress():
    seen = []
    fact = model.factorize(np.random.default_rng(5).random((30, 20, 3)), progress=seen.append)
    assert fact.channels == 3 and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(model.Cancelled):
        model.factorize(np.ones((30, 20, 3)), cancelled=lambda: True)
    with pytest.raises(model.Cancelled):
        model.factorize(np.ones((60, 50)), rank=5, cancelled=lambda: True)


@pytest.mark.parametrize("matrix", [[[1, 1], [0, 1]], [[1, 0], [0, -2]], [[0, 1], [1, 0]], [[2, 4], [1, 2]],
                                    [[-1, 0.3], [0.2, -0.5]]])
def test_geometry_stages_rotate_stretch_rotate(matrix):
    g = model.Geometry2x2.of(matrix)
    A = np.array(matrix, float)
    np.testing.assert_allclose(g.at_stage(0), np.eye(2), atol=1e-12)
    np.testing.assert_allclose(g.at_stage(1), g.Vt, atol=1e-12)
    np.testing.assert_allclose(g.at_stage(3), A, atol=1e-12)
    for R in (g.U, g.Vt):
        np.testing.assert_allclose(R @ R.T, np.eye(2), atol=1e-12)
        assert np.linalg.det(R) == pytest.approx(1.0)
    np.testing.assert_allclose(g.sigma, np.linalg.svd(A, compute_uv=False), atol=1e-12)


def test_quantities_cover_the_declared_names():
    fact = model.factorize(np.random.default_rng(6).random((10, 12, 3)))
    q = model.quantities(fact, 3, [[1, 2], [0.5, 1]], sample=1)
    assert set(q) == set(model.QUANTITIES)
    assert q["sigma2_2x2"] == pytest.approx(0.0, abs=1e-12)
    assert q["psnr_prev"] < q["psnr"]
    assert set(model.quantities(None, 3, np.eye(2))) == set(model.QUANTITIES)


def test_the_model_never_imports_qt():
    code = ("import sys; import app.models.svd, app.models.image_io; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'manim')]; "
            "sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


# --- loading files ------------------------------------------------------------------------------
def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    # the start of the pixel data and no end: a header that promises far more than the file holds
    return b"\x89PNG\r\n\x1a\n" + head + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


def _save(tmp_path, name, array, mode=None, **kw):
    from PIL import Image

    img = Image.fromarray(array) if mode is None else Image.fromarray(array).convert(mode)
    path = tmp_path / name
    img.save(path, **kw)
    return path


@pytest.mark.parametrize(
    "make, phrase",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("definitely not a picture"), "not an image"),
        (lambda p: p.write_bytes(_png_header(20000, 20000)), "too large"),
        (lambda p: p.write_bytes(_png_header(300, 200)), "damaged"),
            (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00garbage"), "damaged"),
    ],
    ids=["zero-bytes", "text-renamed", "huge-header", "truncated", "corrupt-signature-ok"],
)
def test_bad_files_give_one_clear_sentence(tmp_path, make, phrase):
    path = tmp_path / "bad.png"
    make(path)
    with pytest.raises(image_io.ImageLoadError, match=phrase):
        image_io.load_image(path)


def test_missing_folder_one_pixel_high_and_unreadable(tmp_path):
    with pytest.raises(image_io.ImageLoadError, match="does not exist"):
        image_io.load_image(tmp_path / "nope.png")
    with pytest.raises(image_io.ImageLoadError, match="folder"):
        image_io.load_image(tmp_path)
    line = _save(tmp_path, "line.png", np.zeros((1, 50), np.uint8))
    with pytest.raises(image_io.ImageLoadError, match="at least 2 pixels"):
        image_io.probe(line)


def test_modes_16bit_palette_alpha_grayscale(tmp_path):
    from PIL import Image

    ramp16 = (np.arange(12 * 10, dtype=np.uint16).reshape(12, 10) * 500)
    p16 = tmp_path / "deep.png"
    Image.fromarray(ramp16).save(p16)
    img = image_io.load_image(p16)
    assert img.pixels.ndim == 2 and img.pixels.max() == pytest.approx(ramp16.max() / 65535, rel=1e-6)

    rgba = np.zeros((8, 9, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = 255, 10
    img = image_io.load_image(_save(tmp_path, "a.png", rgba))
    assert img.pixels.shape == (8, 9, 3) and any("alpha" in n for n in img.notes)
    assert img.pixels[..., 0].min() == 1.0

    rgb = np.random.default_rng(0).integers(0, 255, (16, 20, 3), dtype=np.uint8)
    img = image_io.load_image(_save(tmp_path, "p.png", rgb, mode="P"))
    assert img.pixels.shape == (16, 20, 3)

    for ext in ("bmp", "tiff", "webp", "jpg"):
        img = image_io.load_image(_save(tmp_path, f"c.{ext}", rgb))
        assert img.pixels.shape == (16, 20, 3) and img.pixels.dtype == np.float32

    gray = image_io.load_image(_save(tmp_path, "g.png", rgb, mode="L"))
    assert gray.pixels.shape == (16, 20) and not gray.is_color


def test_downscale_keeps_aspect_and_range(tmp_path):
    a = np.random.default_rng(0).random((300, 200, 3)).astype(np.float32)
    small = image_io.downscale(a, 100)
    assert small.shape == (100, 67, 3)
    assert 0 <= small.min() and small.max() <= 1
    assert image_io.downscale(a, 1000) is a
