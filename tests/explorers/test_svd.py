"""The SVD explorer: the slider moves the picture, markers and numbers; bad files never hurt."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractSlider, QApplication

from app.explorers.svd import SVDExplorer
from app.lessons import LESSONS_DIR, load_lesson
from app.models import svd as model
from app.widgets.theme import THEMES

TIMEOUT = 15000


@pytest.fixture
def lesson():
    return load_lesson(LESSONS_DIR / "svd-images.toml")


@pytest.fixture
def explorer(qtbot, lesson):
    ex = SVDExplorer(lesson)
    qtbot.addWidget(ex)
    ex.resize(960, 720)
    ex.show()
    qtbot.waitUntil(lambda: ex._fact is not None and not ex.worker.busy, timeout=TIMEOUT)
    yield ex
    ex.shutdown()


def _right_pixels(ex) -> np.ndarray:
    return np.array(ex.images.right_item.image, copy=True)


def _png(tmp_path, name, array):
    path = tmp_path / name
    Image.fromarray(array).save(path)
    return path


def test_opens_on_the_lesson_sample_at_the_lesson_k(explorer, lesson):
    p = explorer.params()
    assert p["k"] == lesson.params["k"] and p["sample"] == 0
    assert (p["m"], p["n"]) == (360, 480)
    assert explorer.slider.maximum() == 360 and explorer.slider.value() == 10
    assert set(model.PARAMS) <= set(p)
    assert set(explorer.quantities()) == set(model.QUANTITIES)


def test_dragging_the_slider_changes_picture_markers_and_numbers(qtbot, explorer):
    before = _right_pixels(explorer)
    psnr_before = explorer.big["psnr"].text()
    seen = []
    explorer.params_changed.connect(lambda p: seen.append(p["k"]))
    slider = explorer.slider
    slider.setSliderDown(True)  # what a mouse drag does: press, move the handle, release
    for pos in (12, 20, 35, 40):
        slider.setSliderPosition(pos)
    slider.setSliderDown(False)
    assert explorer.params()["k"] == 40
    assert seen == [12, 20, 35, 40]
    after = _right_pixels(explorer)
    assert after.shape == before.shape and np.abs(after.astype(int) - before).mean() > 0.5
    assert all(line.value() == 40 for line in explorer.plots.markers)
    assert explorer.big["psnr"].text() != psnr_before
    assert explorer.big["k"].text() == "40"
    assert explorer.spin.value() == 40
    # the picture is the model's A_40, rounded to bytes
    expected = np.clip(np.rint(np.moveaxis(model.reconstruct(explorer._fact, 40), 0, -1) * 255), 0, 255)
    assert np.abs(after.astype(float) - expected).max() <= 1.0
    q = explorer.quantities()
    assert q["psnr"] == pytest.approx(explorer._fact.metrics(40).psnr)
    assert q["psnr_prev"] == pytest.approx(explorer._fact.metrics(39).psnr)


def test_keyboard_steps_by_one_and_ten(qtbot, explorer):
    explorer.slider.setFocus()
    qtbot.keyClick(explorer.slider, Qt.Key.Key_Right)
    assert explorer.params()["k"] == 11
    qtbot.keyClick(explorer.slider, Qt.Key.Key_PageUp)
    assert explorer.params()["k"] == 21
    qtbot.keyClick(explorer, Qt.Key.Key_Minus)
    assert explorer.params()["k"] == 20
    qtbot.keyClick(explorer, Qt.Key.Key_BracketLeft)
    assert explorer.params()["k"] == 10
    explorer.slider.triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)
    assert explorer.params()["k"] == 1


def test_error_view_and_layer_view(qtbot, explorer):
    with qtbot.waitSignal(explorer.params_changed) as sig:
        explorer.error_box.setChecked(True)
    assert sig.args[0]["error_view"] == 1.0
    err = explorer.images.right_item.image
    assert err.ndim == 2 and err.dtype.kind == "f"
    expected = (explorer._orig - explorer._rankk.data).mean(axis=0)
    np.testing.assert_allclose(err, expected, atol=1e-6)
    explorer.strip.thumbs[2].clicked.emit(2)
    assert "layer 3" in explorer.images.right_plot.titleLabel.text
    layer = explorer.images.right_item.image
    np.testing.assert_allclose(layer, explorer._fact.layer(2).mean(axis=-1), atol=1e-5)
    explorer.set_rank(12)  # moving k leaves the layer view
    assert "layer" not in explorer.images.right_plot.titleLabel.text


def test_luminance_toggle_refactors_one_channel(qtbot, explorer):
    with qtbot.waitSignal(explorer.params_changed, timeout=TIMEOUT, check_params_cb=lambda p: p["channels"] == 1):
        explorer.luminance_box.setChecked(True)
    assert explorer._fact.channels == 1 and explorer.images.right_item.image.ndim == 2
    assert explorer.params()["luminance"] == 1.0


@pytest.mark.parametrize(
    "make, phrase",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("hello, I am text"), "not an image"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "damaged"),
        (lambda p: None, "does not exist"),
    ],
    ids=["zero-bytes", "text-as-png", "corrupt", "missing"],
)
def test_bad_files_keep_the_previous_image(explorer, tmp_path, make, phrase):
    fact = explorer._fact
    path = tmp_path / "bad.png"
    make(path)
    assert explorer.open_image(path) is False
    assert phrase in explorer.message
    assert explorer._fact is fact and explorer.params()["sample"] == 0


def test_one_pixel_high_and_huge_headers_are_refused(explorer, tmp_path):
    fact = explorer._fact
    assert explorer.open_image(_png(tmp_path, "line.png", np.zeros((1, 40), np.uint8))) is False
    assert "at least 2 pixels" in explorer.message
    huge = tmp_path / "huge.png"
    Image.new("L", (8, 8)).save(huge)
    data = bytearray(huge.read_bytes())
    data[16:24] = (20000).to_bytes(4, "big") * 2  # IHDR width/height (the CRC no longer matches either)
    huge.write_bytes(bytes(data))
    assert explorer.open_image(huge) is False
    assert explorer._fact is fact


def test_truncated_file_fails_in_the_worker_and_nothing_changes(qtbot, explorer, tmp_path):
    good = _png(tmp_path, "good.png", np.random.default_rng(0).integers(0, 255, (64, 80, 3), dtype=np.uint8))
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:200])  # the header is fine, the pixels are missing
    fact = explorer._fact
    with qtbot.waitSignal(explorer.worker.failed, timeout=TIMEOUT):
        assert explorer.open_image(cut) is True
    assert "damaged" in explorer.message and explorer._fact is fact


def test_open_any_image_with_alpha_and_drop_it(qtbot, explorer, tmp_path):
    rgba = np.random.default_rng(1).integers(0, 255, (30, 50, 4), dtype=np.uint8)
    path = _png(tmp_path, "mine.png", rgba)
    assert explorer.open_image(path)
    qtbot.waitUntil(lambda: explorer._fact.n == 50 and not explorer.worker.busy, timeout=TIMEOUT)
    assert "alpha" in explorer.message and explorer.params()["sample"] == -1
    assert explorer.slider.maximum() == 30 and explorer.params()["k"] == 10

    gray = _png(tmp_path, "gray.png", np.random.default_rng(2).integers(0, 255, (20, 24), dtype=np.uint8))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(gray))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    explorer.dropEvent(event)
    qtbot.waitUntil(lambda: explorer._fact.n == 24 and not explorer.worker.busy, timeout=TIMEOUT)
    assert explorer._fact.channels == 1 and not explorer.luminance_box.isEnabled()


def test_newest_request_wins(qtbot, explorer, tmp_path):
    a = _png(tmp_path, "a.png", np.zeros((40, 44, 3), np.uint8) + 100)
    b = _png(tmp_path, "b.png", np.zeros((22, 26, 3), np.uint8) + 50)
    explorer.open_image(a)
    explorer.open_image(b)
    qtbot.waitUntil(lambda: not explorer.worker.busy, timeout=TIMEOUT)
    assert (explorer._fact.m, explorer._fact.n) == (22, 26)


def test_large_images_use_a_truncated_svd(qtbot, explorer, tmp_path, monkeypatch):
    monkeypatch.setattr(model, "FULL_SVD_PIXELS", 1000)
    monkeypatch.setattr(model, "TRUNCATED_RANK", 12)
    big = _png(tmp_path, "big.png", np.random.default_rng(3).integers(0, 255, (60, 90, 3), dtype=np.uint8))
    explorer.open_image(big)
    qtbot.waitUntil(lambda: explorer._fact.n == 90 and not explorer.worker.busy, timeout=TIMEOUT)
    assert not explorer._fact.full and explorer.slider.maximum() == 12
    assert "randomised" in explorer.message


def test_samples_beats_and_geometry_through_set_params(qtbot, explorer):
    with qtbot.waitSignal(explorer.params_changed, timeout=TIMEOUT, check_params_cb=lambda p: p.get("m") == 384):
        explorer.set_params({"sample": 1, "k": 3})
    assert explorer.params()["k"] == 3 and explorer.quantities()["psnr"] > 60  # the tartan is low rank
    explorer.set_params({"a": 1.0, "b": 2.0, "c": 0.5, "d": 1.0, "stage": 2.0})
    q = explorer.quantities()
    assert q["sigma2_2x2"] < 1e-9 and q["sigma1_2x2"] > 0.5
    gv = explorer.geometry_view
    assert gv.stage_slider.value() == 200 and [s.value() for s in gv.spins] == [1.0, 2.0, 0.5, 1.0]
    xs, ys = gv.shape.getData()  # stage 2 = ΣVᵀ: an axis-aligned ellipse with semi-axes σ1, σ2
    assert max(np.abs(xs)) == pytest.approx(q["sigma1_2x2"], rel=1e-3)
    assert max(np.abs(ys)) == pytest.approx(q["sigma2_2x2"], abs=1e-3)
    seen = []
    explorer.params_changed.connect(lambda p: seen.append(p["stage"]))
    gv.stage_slider.setValue(300)
    assert seen == [3.0]


def test_themes_export_and_a_readable_picture(explorer):
    for theme in THEMES.values():
        explorer.apply_theme(theme)
    explorer.apply_theme(THEMES["dark"])
    img = explorer.grab().toImage()
    # the reconstruction pane is not empty: many distinct colours where the picture is
    r = explorer.images.geometry()
    top_left = explorer.images.mapTo(explorer, r.topLeft() - r.topLeft())
    colours = {img.pixel(top_left.x() + x, top_left.y() + r.height() // 2) for x in range(0, r.width(), 4)}
    assert len(colours) > 20
    cols, rows = explorer.export_table()
    assert cols[0] == "k" and len(rows) == 360 and rows[9][0] == 10
    assert explorer.plot_item() is explorer.plots.ci


def test_downscale_button_for_large_images(qtbot, explorer, tmp_path, monkeypatch):
    import app.explorers.svd as view

    monkeypatch.setattr(view, "DOWNSCALE_SIDE", 50)
    path = _png(tmp_path, "wide.png", np.random.default_rng(4).integers(0, 255, (40, 120, 3), dtype=np.uint8))
    explorer.open_image(path)
    qtbot.waitUntil(lambda: explorer._fact.n == 120 and not explorer.worker.busy, timeout=TIMEOUT)
    assert explorer.downscale_button.isVisibleTo(explorer)
    explorer.downscale_button.click()
    qtbot.waitUntil(lambda: explorer._fact.n == 50 and not explorer.worker.busy, timeout=TIMEOUT)
    assert explorer._fact.m == 17 and "downscaled from 120 × 40 to 50 × 17" in explorer.message
    assert not explorer.downscale_button.isVisibleTo(explorer)


def test_cancel_keeps_the_previous_image_and_shutdown_joins(qtbot, explorer, tmp_path):
    fact = explorer._fact
    path = _png(tmp_path, "c.png", np.random.default_rng(5).integers(0, 255, (70, 90, 3), dtype=np.uint8))
    assert explorer.open_image(path)
    assert explorer.cancel_button.isVisibleTo(explorer)
    explorer.cancel_button.click()
    assert not explorer.worker.busy and "Cancelled" in explorer.message
    explorer.shutdown()  # joins the worker: whatever it was doing has finished or stopped
    assert explorer.worker._pool.activeThreadCount() == 0
    QApplication.processEvents()  # deliver any result queued before the join: it must be dropped as stale
    assert explorer._fact is fact


def test_hover_shows_exact_pixel_values(explorer):
    vb = explorer.images.right_plot.getViewBox()
    scene_pos = vb.mapViewToScene(QPointF(100.5, 50.5))  # column 100, row 50
    seen = []
    explorer.images.hovered.connect(seen.append)
    explorer.images._on_mouse_moved(scene_pos)
    a = explorer._orig[:, 50, 100]
    assert seen and seen[-1].startswith("pixel (x 100, y 50)")
    assert f"{a[0]:.3f}" in seen[-1] and explorer.hover_label.text() == seen[-1]
