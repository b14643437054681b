"""The linear-map explorer as a user meets it: drag the arrow tips, move sliders, type entries, press
presets and Play; and what the plane then shows (grid, fill, det, eigen notes, pixels)."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage

from app.explorers.linear import LinearExplorer
from app.explorers.linear_grid import clip_segments
from app.models.linear import PRESETS, LinearMap, rotation
from app.widgets.theme import DARK, LIGHT, PROJECTOR


@pytest.fixture
def explorer(qtbot, linear_lesson):
    w = LinearExplorer(linear_lesson)
    qtbot.addWidget(w)
    w.resize(1100, 750)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def no_mouse_rate_limit():
    # pyqtgraph drops mouse moves closer than 10 ms apart; a test moves faster than a hand
    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", old)


# --- helpers -----------------------------------------------------------------------------------
def to_viewport(w: LinearExplorer, x: float, y: float) -> QPoint:
    """Where the plane point (x, y) is in the plot's viewport (widget pixels)."""
    scene = w.plane.vb.mapViewToScene(QPointF(x, y))
    return w.plane.mapFromScene(scene)


def drag(qtbot, w, start: QPoint, path: list[QPoint], modifier=Qt.KeyboardModifier.NoModifier):
    vp = w.plane.viewport()
    qtbot.mouseMove(vp, start)  # hover first, as a hand does (the hover marks are then under the pointer)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, modifier, start)
    for p in path[:-1]:
        qtbot.mouseMove(vp, p)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, modifier, path[-1])


def npoints(item) -> int:
    x, _ = item.getData()
    return 0 if x is None else len(x)


def assert_grid_is_image_of_integer_lines(w, m: LinearMap):
    """Every drawn point of the bold grid is A·p with p on a line x = k (first item) or y = k (second)."""
    inv = np.linalg.inv(m.matrix)
    for axis, item in enumerate(w.plane.grid):
        x, y = item.getData()
        pts = np.column_stack([x, y])
        pts = pts[np.isfinite(pts).all(axis=1)]
        assert len(pts) >= 10
        pre = pts @ inv.T
        np.testing.assert_allclose(pre[:, axis], np.round(pre[:, axis]), atol=1e-6)


def grid_data(w) -> np.ndarray:
    return np.concatenate([np.nan_to_num(np.concatenate(g.getData()), nan=1e9) for g in w.plane.grid])


def image_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes()).reshape(image.height(), image.bytesPerLine())
    return arr[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[:, :, 2::-1].copy()  # RGB


def over(fg: str, alpha: int, bg: str) -> np.ndarray:
    f, b = QColor(fg), QColor(bg)
    a = alpha / 255
    return np.array([round(a * x + (1 - a) * y) for x, y in zip(f.getRgb()[:3], b.getRgb()[:3], strict=True)])


def count_colour(arr: np.ndarray, rgb: np.ndarray, tol: int = 6) -> int:
    return int(np.all(np.abs(arr.astype(int) - rgb) <= tol, axis=-1).sum())


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --- dragging the tips -----------------------------------------------------------------------
def test_starts_from_the_lesson(explorer, linear_lesson):
    assert explorer.params() == linear_lesson.defaults()  # the shear [[1, 1], [0, 1]], t = 1
    assert [explorer.controls.spins[k].value() for k in "abcd"] == [1.0, 1.0, 0.0, 1.0]
    assert explorer.plane.det_label().startswith("det = 1.00")


def test_drag_i_hat_tip_updates_matrix_spins_sliders_and_grid(explorer, qtbot, no_mouse_rate_limit):
    grid_before = grid_data(explorer)
    seen = []
    explorer.params_changed.connect(seen.append)
    drag(qtbot, explorer, to_viewport(explorer, 1, 0), [to_viewport(explorer, 1.5, 0.25), to_viewport(explorer, 2, 0.5)])
    p = explorer.params()
    assert p["a"] == pytest.approx(2.0, abs=0.03) and p["c"] == pytest.approx(0.5, abs=0.03)
    assert (p["b"], p["d"]) == (1.0, 1.0)  # ĵ did not move
    assert explorer.controls.spins["a"].value() == pytest.approx(p["a"], abs=0.005)
    assert explorer.controls.spins["c"].value() == pytest.approx(p["c"], abs=0.005)
    assert explorer.controls.sliders["a"].value() == round(p["a"] * 100)
    assert not np.array_equal(grid_data(explorer), grid_before)
    assert_grid_is_image_of_integer_lines(explorer, LinearMap(p["a"], p["b"], p["c"], p["d"]))
    assert explorer.plane.handles[0].pos().x() == pytest.approx(p["a"])
    assert explorer.plane.det_label().startswith(f"det = {p['a'] * 1 - 1 * p['c']:.2f}")
    # live: the move in the middle already changed the matrix, before the release
    assert len(seen) >= 2 and seen[0]["a"] == pytest.approx(1.5, abs=0.03)
    assert set(seen[-1]) == {"a", "b", "c", "d", "t"}


def test_drag_keeps_the_grab_offset_and_snaps_with_shift(explorer, qtbot, no_mouse_rate_limit):
    tip = to_viewport(explorer, 1, 1)  # ĵ
    start = tip + QPoint(7, 5)  # grabbed a little off the tip: still caught, and the tip does not jump
    end = to_viewport(explorer, -1.3, 2.2) + QPoint(7, 5)
    drag(qtbot, explorer, start, [start + QPoint(20, 0), end])
    assert explorer.params()["b"] == pytest.approx(-1.3, abs=0.03)
    assert explorer.params()["d"] == pytest.approx(2.2, abs=0.03)
    drag(qtbot, explorer, to_viewport(explorer, explorer.params()["b"], explorer.params()["d"]),
         [to_viewport(explorer, -2.2, 2.9), to_viewport(explorer, -2.2, 2.9)], Qt.KeyboardModifier.ShiftModifier)
    assert (explorer.params()["b"], explorer.params()["d"]) == (-2.0, 3.0)


def test_snap_checkbox_and_clamping(explorer, qtbot, no_mouse_rate_limit):
    box = explorer.controls.snap_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.height() // 2, box.height() // 2))  # on the box
    assert box.isChecked()
    far = to_viewport(explorer, 9.0, -9.0)  # off the plot: clamped to the slider range
    drag(qtbot, explorer, to_viewport(explorer, 1, 0), [to_viewport(explorer, 1.7, 0.8), far])
    assert (explorer.params()["a"], explorer.params()["c"]) == (4.0, -4.0)


def test_dragging_empty_plane_changes_nothing(explorer, qtbot, no_mouse_rate_limit):
    before, view = explorer.params(), explorer.plane.vb.viewRange()
    drag(qtbot, explorer, to_viewport(explorer, -3, -3), [to_viewport(explorer, -2, -2), to_viewport(explorer, -1, -1)])
    assert explorer.params() == before
    assert explorer.plane.vb.viewRange() == view  # the view does not pan either


def test_grabbing_a_tip_mid_animation_jumps_to_a(explorer, qtbot, no_mouse_rate_limit):
    explorer.set_params({"t": 0.5})
    drawn = explorer._map.interpolate(0.5)  # the handle sits on the drawn î
    drag(qtbot, explorer, to_viewport(explorer, drawn.a, drawn.c), [to_viewport(explorer, 2, 2), to_viewport(explorer, 2, 2)])
    assert explorer.params()["t"] == 1.0
    assert explorer.controls.t_slider.value() == 1000


# --- sliders, spin boxes, presets ------------------------------------------------------------
def test_slider_moves_grid_and_det_text(explorer, qtbot):
    grid_before = grid_data(explorer)
    slider = explorer.controls.sliders["a"]
    slider.setFocus()
    with qtbot.waitSignal(explorer.params_changed) as sig:
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)  # +0.25
    assert sig.args[0]["a"] == pytest.approx(1.25)
    assert explorer.controls.spins["a"].value() == pytest.approx(1.25)
    assert explorer.plane.det_label().startswith("det = 1.25")
    assert not np.array_equal(grid_data(explorer), grid_before)
    assert_grid_is_image_of_integer_lines(explorer, LinearMap(1.25, 1.0, 0.0, 1.0))


def test_one_edit_one_signal_no_feedback(explorer, qtbot):
    seen = []
    explorer.params_changed.connect(seen.append)
    spin = explorer.controls.spins["d"]
    spin.selectAll()
    qtbot.keyClicks(spin, "-1.5")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert explorer.params()["d"] == -1.5
    assert explorer.controls.sliders["d"].value() == -150
    assert [s["d"] for s in seen] == [-1.0, -1.5]  # "-1" then "-1.5"; the synced slider added nothing
    assert explorer.plane.det_label().startswith("det = −1.50")


def test_presets_and_rotation_angle(explorer, qtbot):
    for name in ("identity", "shear", "scale", "reflection", "projection"):
        click(qtbot, explorer.controls.preset_buttons[name])
        m = PRESETS[name]
        assert explorer.params() == {"a": m.a, "b": m.b, "c": m.c, "d": m.d, "t": 1.0}
    click(qtbot, explorer.controls.preset_buttons["rotation"])
    assert explorer.params()["a"] == pytest.approx(np.cos(np.pi / 4))
    explorer.controls.theta_spin.selectAll()
    qtbot.keyClicks(explorer.controls.theta_spin, "90")
    assert explorer.params()["a"] == pytest.approx(0.0, abs=1e-12) and explorer.params()["c"] == pytest.approx(1.0)
    assert explorer.controls.theta_slider.value() == 90
    explorer.controls.theta_slider.setFocus()
    qtbot.keyClick(explorer.controls.theta_slider, Qt.Key.Key_PageUp)  # +15°
    assert explorer.params()["b"] == pytest.approx(rotation(105).b)


# --- what the plane says ----------------------------------------------------------------------
def test_det_sign_picks_the_fill_colour(explorer, qtbot):
    assert explorer.plane.square.opts["brush"].color().name() == QColor(LIGHT.positive).name()
    click(qtbot, explorer.controls.preset_buttons["reflection"])
    assert explorer.plane.square.opts["brush"].color().name() == QColor(LIGHT.negative).name()
    assert explorer.plane.det_label().startswith("det = −1.00")
    assert "orientation flipped" in explorer.plane.det_label()


def test_det_zero_collapse_notes(explorer, qtbot):
    click(qtbot, explorer.controls.preset_buttons["projection"])
    assert explorer.plane.note_label() == "det = 0: the plane collapses onto a line (rank 1)"
    assert npoints(explorer.plane.square) == 0
    sx, sy = explorer.plane.segment.getData()
    np.testing.assert_allclose([sx, sy], [[0, 1], [0, 0]], atol=1e-12)  # the square's image: [0, 1] on the x-axis
    explorer.set_params({"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0})
    assert explorer.plane.note_label().startswith("det = 0: the plane collapses onto the origin (rank 0)")
    explorer.set_params({"a": 1.0, "b": 2.0, "c": 0.5, "d": 1.0})  # det 0, no zero entry
    assert "onto a line (rank 1)" in explorer.plane.note_label()
    assert explorer.quantities()["rank"] == 1.0
    explorer.set_params({"d": 1.003})  # det 0.003 prints as 0.00 but the map is not singular
    assert explorer.plane.note_label() == "det ≈ 0: the plane is squashed almost onto a line"
    assert explorer.quantities()["rank"] == 2.0


def test_complex_note_and_no_eigen_lines(explorer, qtbot):
    explorer.set_params({"a": 0.5, "b": -0.866, "c": 0.866, "d": 0.5})
    assert explorer.plane.note_label() == ("complex eigenvalues 0.50 ± 0.87i: rotation and scaling, "
                                           "no real eigenvector")
    assert all(npoints(line) == 0 for line in explorer.plane.eigen_lines)
    assert not any(label.isVisible() for label in explorer.plane.eigen_labels)


def test_real_and_repeated_eigen_directions(explorer):
    explorer.set_params({"a": 2.0, "b": 1.0, "c": 1.0, "d": 2.0})
    texts = [label.toPlainText() for label in explorer.plane.eigen_labels]
    assert texts == ["λ₁ = 3.00", "λ₂ = 1.00"]
    x, y = explorer.plane.eigen_lines[0].getData()
    assert x[-1] == pytest.approx(y[-1])  # along (1, 1)
    assert explorer.plane.note_label() == ""
    explorer.set_params({"a": 1.0, "b": 1.0, "c": 0.0, "d": 1.0})  # shear: defective
    assert explorer.plane.eigen_labels[0].toPlainText() == "λ = 1.00 (double)"
    assert not explorer.plane.eigen_labels[1].isVisible()
    assert "only one eigen-direction" in explorer.plane.note_label()
    explorer.set_params({"a": 2.0, "b": 0.0, "c": 0.0, "d": 2.0})
    assert explorer.plane.note_label() == "λ = 2.00 twice: every vector is an eigenvector"


# --- I → A ----------------------------------------------------------------------------------------
def test_t_slider_draws_the_interpolated_map_but_params_keep_a(explorer, qtbot):
    explorer.set_params({"a": 2.0, "b": 0.0, "c": 0.0, "d": 3.0})
    slider = explorer.controls.t_slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert explorer.params()["t"] == 0.0
    assert explorer.plane.det_label().startswith("det = 1.00")  # the identity is drawn
    for _ in range(5):
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert explorer.params()["t"] == pytest.approx(0.5)
    assert explorer.plane.det_label().startswith("det = 3.00")  # (1.5)(2.0)
    assert explorer.quantities()["det"] == 6.0  # of A itself
    assert [explorer.controls.spins[k].value() for k in "abcd"] == [2.0, 0.0, 0.0, 3.0]
    assert explorer.plane.handles[1].pos().y() == pytest.approx(2.0)


def test_play_animates_from_identity_to_a_and_stops(explorer, qtbot):
    ts = []
    explorer.params_changed.connect(lambda p: ts.append(p["t"]))
    click(qtbot, explorer.controls.play_button)  # t was 1: Play starts over from the identity
    assert explorer.is_playing() and explorer.controls.play_button.text() == "⏸ Pause"
    qtbot.waitUntil(lambda: not explorer.is_playing(), timeout=4000)
    assert ts[0] == 0.0 and ts[-1] == 1.0
    assert len(ts) >= 10 and all(b >= a for a, b in zip(ts, ts[1:], strict=False))
    assert explorer.controls.play_button.text() == "▶ Play"
    assert explorer.controls.t_slider.value() == 1000


def test_pause_keeps_the_current_t(explorer, qtbot):
    explorer.set_params({"t": 0.0})
    click(qtbot, explorer.controls.play_button)
    qtbot.waitUntil(lambda: explorer.params()["t"] > 0.05, timeout=3000)
    click(qtbot, explorer.controls.play_button)
    t = explorer.params()["t"]
    assert not explorer.is_playing() and 0.0 < t < 1.0
    with qtbot.assertNotEmitted(explorer.params_changed, wait=100):  # no frame after the pause
        pass
    assert explorer.params()["t"] == t


# --- contract ---------------------------------------------------------------------------------
def test_set_params_emits_clamps_and_keeps_missing_keys(explorer, qtbot):
    with qtbot.waitSignal(explorer.params_changed) as sig:
        explorer.set_params({"a": 9.0, "d": -0.5, "unknown": 3.0})
    assert sig.args[0] == {"a": 4.0, "b": 1.0, "c": 0.0, "d": -0.5, "t": 1.0}
    assert explorer.controls.spins["a"].value() == 4.0 and explorer.controls.sliders["d"].value() == -50
    assert explorer.quantities() == LinearMap(4.0, 1.0, 0.0, -0.5).quantities()
    explorer.reset()
    assert explorer.params()["a"] == 1.0


def test_export_table(explorer):
    explorer.set_params({"a": 2.0, "b": 1.0, "c": 1.0, "d": 2.0})
    header, rows = explorer.export_table()
    assert header == ["quantity", "value"]
    table = dict(rows)
    assert [table[k] for k in ("a", "b", "c", "d", "t", "det", "trace", "rank")] == [2, 1, 1, 2, 1, 3, 4, 2]
    assert (table["lambda1_re"], table["lambda2_re"], table["lambda1_im"]) == (3.0, 1.0, 0.0)
    assert table["eigvec1_x"] == pytest.approx(np.sqrt(0.5)) == table["eigvec1_y"]
    assert (table["corner2_x"], table["corner2_y"]) == (3.0, 3.0)
    explorer.set_params({"a": 0.0, "b": -1.0, "c": 1.0, "d": 0.0})
    table = dict(explorer.export_table()[1])
    assert table["eigvec1_x"] == "" and table["lambda1_im"] == pytest.approx(1.0)
    assert explorer.plot_item() is explorer.plane.getPlotItem()


def test_projector_theme_scales_everything(explorer, qtbot):
    explorer.resize(1920, 1080)
    explorer.apply_theme(PROJECTOR)
    plane = explorer.plane
    assert plane.grid[0].opts["pen"].widthF() == pytest.approx(2.0 * LIGHT.line_width * 0.7)
    assert plane.shafts[0].opts["pen"].widthF() == pytest.approx(PROJECTOR.line_width * 1.6)
    assert plane.tip_labels[0].textItem.font().pixelSize() == round(PROJECTOR.font_px * 1.6)
    assert f"font-size:{round(PROJECTOR.font_px * 2.1)}px" in plane.det_text.toHtml().replace(" ", "")
    assert f"font-size: {PROJECTOR.font_px}px" in explorer.controls.styleSheet()
    qtbot.waitUntil(lambda: explorer.controls.spins["a"].height() >= 1.5 * PROJECTOR.font_px, timeout=2000)
    assert explorer.grab().size().toTuple() == (1920, 1080)
    arr = image_array(plane.grab().toImage())
    assert count_colour(arr, np.array(QColor(PROJECTOR.series[0]).getRgb()[:3]), tol=10) > 700  # a fat î arrow


def test_dark_theme_background(explorer, qtbot):
    explorer.apply_theme(DARK)
    arr = image_array(explorer.plane.grab().toImage())
    assert count_colour(arr, np.array(QColor(DARK.background).getRgb()[:3])) > arr.shape[0] * arr.shape[1] // 4
    assert explorer.controls.matrix_title.palette().color(explorer.controls.matrix_title.foregroundRole()).name() \
        == QColor(DARK.foreground).name()


def test_pixels_show_the_figure_and_its_fill(explorer, qtbot):
    arr = image_array(explorer.grab().toImage())
    assert arr.std() > 20 and len(np.unique(arr.reshape(-1, 3), axis=0)) > 50  # not blank
    green = over(LIGHT.positive, 80, LIGHT.background)
    purple = over(LIGHT.negative, 95, LIGHT.background)
    assert count_colour(arr, green) > 2000 and count_colour(arr, purple) == 0
    inside = to_viewport(explorer, 1.25, 0.5)  # inside the sheared square, off every grid line
    pos = explorer.plane.viewport().mapTo(explorer, inside)
    assert np.abs(arr[pos.y(), pos.x()].astype(int) - green).max() <= 6
    click(qtbot, explorer.controls.preset_buttons["reflection"])
    arr = image_array(explorer.grab().toImage())
    assert count_colour(arr, purple) > 2000 and count_colour(arr, green) == 0


def test_hover_shows_where_a_point_goes(explorer, qtbot):
    qtbot.mouseMove(explorer.plane.viewport(), to_viewport(explorer, 2, 1))
    qtbot.waitUntil(explorer.plane.hover_text.isVisible, timeout=1000)
    text = explorer.plane.hover_text.toPlainText()  # "(x, y) ↦ (x', y')", the pointer to ±1 px
    x, y, u, v = (float(s.strip("() ")) for s in text.replace("↦", ",").split(","))
    assert (x, y) == pytest.approx((2.0, 1.0), abs=0.03)
    assert (u, v) == pytest.approx((x + y, y), abs=0.011)  # the shear [[1, 1], [0, 1]]
    mx, my = explorer.plane.hover_marks.getData()  # p and A·p on the plane
    assert (mx[1], my[1]) == pytest.approx((mx[0] + my[0], my[0]))
    explorer.set_params({"a": 2.0, "b": 0.0})  # the image follows the matrix while hovering
    mx, my = explorer.plane.hover_marks.getData()
    assert (mx[1], my[1]) == pytest.approx((2 * mx[0], my[0]))


def test_narrow_explorer_puts_controls_below(explorer, qtbot):
    explorer.resize(700, 900)
    qtbot.waitUntil(lambda: explorer.controls.geometry().top() > explorer.plane.geometry().bottom() - 1, timeout=1000)
    assert explorer.plane.width() > 600


def test_clip_segments_keeps_inside_and_drops_outside():
    xs = np.array([-10.0, 10.0, np.nan, 5.0, 6.0, np.nan, 0.0, 0.0, np.nan])
    ys = np.array([0.0, 0.0, np.nan, 5.0, 6.0, np.nan, 0.0, 0.0, np.nan])
    cx, cy = clip_segments(xs, ys, 4.0, 4.0)
    np.testing.assert_allclose(cx[:2], [-4.0, 4.0])
    assert np.isnan(cx[3:5]).all() and np.isnan(cx[2])  # wholly outside: not drawn
    np.testing.assert_allclose([cx[6], cy[6]], [0.0, 0.0])  # a point (zero map) stays a point
