"""The gradient-descent explorer (2-D view, offscreen): dragging the start point and changing a
learning rate change the drawn paths; the typed surface, divergence, the race clock, hover,
themes and the explorer contract."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionButton

from app.explorers.descent import DescentExplorer
from app.explorers.descent_controls import lr_to_tick
from app.explorers.descent_loss import symlog
from app.lessons import LESSONS_DIR, load_lesson
from app.models import descent as model
from app.models.descent_params import surface_lrs
from app.widgets.theme import DARK, LIGHT, PROJECTOR
from tests.plot_checks import assert_draws, deviation_px


@pytest.fixture
def lesson():
    return load_lesson(LESSONS_DIR / "gradient-descent.toml")


@pytest.fixture
def explorer(qtbot, lesson):
    w = DescentExplorer(lesson)
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.show()
    qtbot.waitExposed(w)
    return w


def _curve(w, k=0):
    x, y = w.contour.curves[k].getData()
    return np.column_stack([x, y])


def _mouse(widget, kind, pos: QPoint, buttons):
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), Qt.MouseButton.LeftButton,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def _to_viewport(w, x, y) -> QPoint:
    vb = w.contour.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(x, y))
    return w.contour.mapFromScene(scene)


def test_dragging_the_start_point_moves_every_path(qtbot, explorer):
    w = explorer
    before = _curve(w)
    start, target = _to_viewport(w, -4.0, 3.0), _to_viewport(w, 2.0, -3.0)
    viewport = w.contour.viewport()
    with qtbot.waitSignal(w.params_changed, timeout=3000):
        _mouse(viewport, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
        for t in np.linspace(0.1, 1.0, 6):
            p = start + (target - start) * t
            _mouse(viewport, QEvent.Type.MouseMove, QPoint(round(p.x()), round(p.y())), Qt.MouseButton.LeftButton)
        _mouse(viewport, QEvent.Type.MouseButtonRelease, target, Qt.MouseButton.NoButton)
    p = w.params()
    assert p["x0"] == pytest.approx(2.0, abs=0.15) and p["y0"] == pytest.approx(-3.0, abs=0.15)
    after = _curve(w)
    assert after[0] == pytest.approx([p["x0"], p["y0"]])
    assert before.shape != after.shape or not np.allclose(before, after)
    assert_draws(w.contour.curves[0], w._race.paths["sgd"].xy, w.contour.getPlotItem().vb)


def test_changing_lr_changes_the_path(qtbot, explorer):
    w = explorer
    before = _curve(w)
    slider = w.controls.lr_sliders["sgd"]
    with qtbot.waitSignal(w.params_changed, timeout=3000) as blocker:
        slider.setValue(slider.value() + 40)
    lr = blocker.args[0]["lr_sgd"]
    assert lr > 0.05 * 1.5  # 40 ticks = 0.4 decades
    after = _curve(w)
    assert before.shape != after.shape or not np.allclose(before, after)
    expected = model.run(w._surface, "sgd", model.Hyper(lr), (-4.0, 3.0), 200)
    np.testing.assert_allclose(w._race.paths["sgd"].xy, expected.xy, rtol=1e-12)
    assert_draws(w.contour.curves[0], expected.xy, w.contour.getPlotItem().vb)


def test_gd_past_two_over_l_diverges_and_says_so(qtbot, explorer):
    w = explorer
    with qtbot.waitSignal(w.params_changed):
        w.set_params({"lr_sgd": 0.21})
    q = w.quantities()
    assert q["diverged_sgd"] == 1.0 and q["lr_max"] == pytest.approx(0.2)
    assert "diverged at step" in w.controls.status.text()
    assert np.all(np.isfinite(_curve(w)))
    ex = {e.id: e for e in w.lesson.exercises}
    assert ex["make-gd-diverge"].met(q)


def test_momentum_exercise_can_be_met(qtbot, explorer):
    w = explorer
    w.set_params({"lr_momentum": 0.1, "momentum": 0.5})
    ex = {e.id: e for e in w.lesson.exercises}
    assert w.quantities()["steps_to_min_momentum"] < 100
    assert ex["momentum-under-100"].met(w.quantities())


def test_typed_surface_and_parser_errors(qtbot, explorer):
    w = explorer
    c = w.controls
    c.surface.setCurrentIndex(c.surface.count() - 1)
    c.formula.setText("(x - 1)^2 + 4*(y + 2)^2")
    with qtbot.waitSignal(w.params_changed):
        c.formula.editingFinished.emit()
    p = w.params()
    assert p["surface"] == -1 and "typed_len" in p
    assert w.quantities()["cond_hessian"] == pytest.approx(4.0)
    c.formula.setText("__import__('os')")
    c.formula.editingFinished.emit()
    qtbot.waitUntil(lambda: c.formula_error.isVisibleTo(w))
    assert "unknown name '__import__'" in c.formula_error.text()
    assert w.quantities()["cond_hessian"] == pytest.approx(4.0)  # the last good surface stays


def test_race_clock(qtbot, explorer):
    w = explorer
    w.controls.reset_button.click()
    assert w.params()["step"] == 0
    assert len(_curve(w)) == 1
    w.controls.step_button.click()
    assert w.params()["step"] == 1 and len(_curve(w)) == 2
    w.controls.speed.setCurrentIndex(4)  # 25×
    w.controls.play_button.click()
    assert w.is_playing() and w.controls.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: w.params()["step"] >= 100, timeout=5000)
    w.controls.play_button.click()
    assert not w.is_playing()
    step = int(w.params()["step"])
    assert_draws(w.contour.curves[0], w._race.paths["sgd"].xy[: step + 1], w.contour.getPlotItem().vb)
    x, _ = w.loss.curves[0].getData()
    assert w.loss.cursor.value() == step and x[-1] == 200


def test_hover_shows_exact_numbers(qtbot, explorer):
    w = explorer
    path = w._race.paths["sgd"]
    k = 3
    scene = w.contour.getPlotItem().vb.mapViewToScene(QPointF(*path.xy[k]))
    text, _ = w.contour.hover_text(scene)
    assert f"step {k}" in text
    assert f"{path.f[k]:.6g}" in text and f"{path.grad_norm[k]:.6g}" in text


def test_params_roundtrip_and_extra_numbers(qtbot, explorer, lesson):
    w = explorer
    p = w.params()
    assert set(model.PARAMS) <= set(p)
    assert all(isinstance(v, float) for v in p.values())
    assert {"cur_x", "cur_y", "cur_f", "cur_gx", "cur_gy"} <= set(p)
    w.set_params({"surface": 2, "x0": -0.5, "y0": -0.5})
    assert w.params()["surface"] == 2 and w._surface.name == "himmelblau"
    w.reset()
    assert w.params()["surface"] == 0
    names, rows = w.export_table()
    assert names[:3] == ["optimizer", "step", "x"] and len(rows) == 6 * 201
    assert w.plot_item() is w.contour.getPlotItem()


def test_field_toggle_draws_arrows(qtbot, explorer):
    w = explorer
    assert w.contour.field.getData()[0] is None or len(w.contour.field.getData()[0]) == 0
    w.controls.field.setChecked(True)
    xs, ys = w.contour.field.getData()
    assert len(xs) == 15 * 15 * 6


@pytest.mark.parametrize("theme", [LIGHT, DARK, PROJECTOR], ids=lambda t: t.name)
def test_themes_paint(qtbot, explorer, theme):
    w = explorer
    w.apply_theme(theme)
    if theme is PROJECTOR:
        w.resize(1920, 1080)
    # with room to spare, nothing of the controls is cut off on the right
    qtbot.waitUntil(lambda: w.scroll.viewport().width() >= w.controls.minimumSizeHint().width())
    assert w.minimumSizeHint().width() < 1000  # fits beside a projector-sized derivation panel
    img = QImage(w.size(), QImage.Format.Format_ARGB32)
    img.fill(0)
    w.render(img)
    corner = w.loss.mapTo(w, QPoint(3, 3))
    assert img.pixelColor(corner).name().upper() == theme.background.upper()
    vp = w.scroll.viewport()
    controls = vp.mapTo(w, QPoint(vp.width() - 3, vp.height() - 3))
    assert img.pixelColor(controls).name().upper() == theme.panel.upper()

    assert w.contour.curves[0].opts["pen"].widthF() == pytest.approx(theme.line_width * 1.2)
    font = w.contour.getPlotItem().getAxis("bottom").style["tickFont"]
    assert font.pixelSize() == theme.font_px


def test_no_gl_needed_for_the_2d_explorer(qtbot, explorer):
    assert explorer._view3d is None
    assert math.isfinite(explorer.quantities()["L"])


def test_curves_carry_only_what_shows_and_follow_a_zoom(qtbot, explorer):
    """The paths and loss curves are simplified in screen pixels (app.widgets.polyline): fewer
    points than the race has, every step within a quarter pixel of the drawn line, at any zoom."""
    w = explorer
    w.set_params({"steps": 1000.0, "step": 1000.0})
    vb = w.contour.getPlotItem().vb
    path = w._race.paths["sgd"].xy
    assert len(w.contour.curves[0].getData()[0]) < len(path) / 5
    assert_draws(w.contour.curves[0], path, vb)
    # zoom far into the last stretch of the path: it is re-simplified for the smaller pixels
    x, y = path[20]
    vb.setRange(xRange=(x - 0.05, x + 0.05), yRange=(y - 0.05, y + 0.05), padding=0)
    for k, curve in enumerate(w.contour.curves[: len(w._shown())]):
        assert_draws(curve, w._shown()[k][1].xy, vb)
    # the loss curves, on log axes: the same guarantee in (step, log10 gap)
    lvb = w.loss.getPlotItem().vb
    f_ref = w._f_ref()
    for k, curve in enumerate(w.loss.curves[: len(w._shown())]):
        f = w._shown()[k][1].f
        gap = np.log10(np.maximum(f - f_ref, 1e-16))
        sx, sy = curve.curve.getData()  # in log10 units, as pyqtgraph draws them
        (x0, x1), (y0, y1) = lvb.viewRange()
        px = ((x1 - x0) / lvb.width(), (y1 - y0) / lvb.height())
        assert sx[0] == 0 and sx[-1] == len(f) - 1
        assert deviation_px(np.arange(len(f)), gap, sx, sy, px) <= 0.26


# --- exercises -----------------------------------------------------------------------------------------
def test_gd_near_limit_is_not_solved_at_load_but_is_near_the_limit(qtbot, explorer):
    w = explorer
    ex = {e.id: e for e in w.lesson.exercises}["gd-near-limit"]
    assert not ex.met(w.quantities())
    assert "25 % of it" in w.controls.status.text()
    slider = w.controls.lr_sliders["sgd"]
    slider.setValue(lr_to_tick(0.19))  # 95 % of 2/L = 0.2
    assert 0.9 < w.quantities()["lr_sgd_ratio"] < 1.0
    assert ex.met(w.quantities())
    slider.setValue(lr_to_tick(0.21))  # past the limit: diverges
    assert not ex.met(w.quantities())


def test_following_the_adam_hint_meets_the_exercise(qtbot, explorer):
    w = explorer
    ex = {e.id: e for e in w.lesson.exercises}["adam-wins"]
    assert "0.3" in ex.hint.en
    w.controls.surface.setCurrentIndex(1)  # "Choose Rosenbrock"
    w.controls.steps.setValue(1000)  # "set 1000 steps"
    assert w._surface.name == "rosenbrock" and w.params()["steps"] == 1000
    w.controls.lr_sliders["adam"].setValue(lr_to_tick(0.02))  # the old hint: not enough
    assert not ex.met(w.quantities())
    w.controls.lr_sliders["adam"].setValue(lr_to_tick(0.3))
    assert ex.met(w.quantities())
    beat = next(b for b in w.lesson.beats if b.name.en == "Rosenbrock")
    w.set_params(beat.params)
    assert ex.met(w.quantities())  # the teacher's beat shows Adam winning


# --- the saddle ----------------------------------------------------------------------------------------
def test_the_saddle_is_not_called_stable_and_the_loss_is_measured_from_the_start(qtbot, explorer):
    w = explorer
    w.controls.surface.setCurrentIndex(4)
    status = w.controls.status.text()
    assert "saddle" in status and "no learning rate" in status and "stable" not in status
    assert math.isnan(w.quantities()["lr_max"])
    assert w.loss.getPlotItem().getAxis("left").labelText == "f − f(x₀)"
    f0 = float(w._surface.f(w.params()["x0"], w.params()["y0"]))
    for k, (_o, path) in enumerate(w._shown()):
        x, y = w.loss.curves[k].getData()
        expected = symlog(path.f - f0, w.loss.linthresh)
        np.testing.assert_allclose(y, expected[x.astype(int)])
        assert x[0] == 0 and y[0] == 0  # every curve starts at f(x₀)
    (_, _), (lo, hi) = w.loss.getPlotItem().vb.viewRange()
    low = min(symlog(p.f - f0, w.loss.linthresh).min() for _, p in w._shown())
    assert lo <= low and hi >= 0  # all of it shows (f fell by up to 1e9 here: no 1e12 floor)
    w.controls.surface.setCurrentIndex(0)
    assert w.loss.getPlotItem().getAxis("left").labelText == "f − f*"


def test_diverged_curves_do_not_squash_the_loss_plot(qtbot, explorer):
    w = explorer
    w.set_params({"surface": 1.0, "x0": -1.2, "y0": 1.0, "lr_sgd": 0.05, "steps": 1000.0, "step": 1000.0})
    assert w._race.paths["sgd"].diverged
    (_, _), (lo, hi) = w.loss.getPlotItem().vb.viewRange()
    f_ref = w._f_ref()
    ok = [np.log10(np.maximum(p.f - f_ref, 1e-16)) for _, p in w._shown() if not p.diverged]
    bad = np.log10(w._race.paths["sgd"].f - f_ref)
    assert lo <= min(u.min() for u in ok) and hi >= max(u.max() for u in ok)
    assert bad.max() > hi + 3  # the diverged GD curve runs off the top (it reaches ~1e15)
    assert hi - lo < 16


# --- hover ---------------------------------------------------------------------------------------------
def test_hover_is_exact_on_long_paths_and_fast(qtbot, explorer):
    w = explorer
    w.set_params({"steps": 1000.0, "step": 1000.0, "lr_adam": 0.01})
    vb = w.contour.getPlotItem().vb
    adam = w._race.paths["adam"]
    k = 333
    scene = vb.mapViewToScene(QPointF(*adam.xy[k]))
    text, _ = w.contour.hover_text(scene)
    assert text.startswith(f"Adam · step {k}\n"), text  # was step 334: every 2nd point of 1001
    assert f"{adam.f[k]:.6g}" in text
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        w.contour.hover_text(scene)
        times.append(time.perf_counter() - t0)
    assert sorted(times)[7] < 0.004  # was ~14 ms: 6 × 400 points mapped one by one


def test_hover_box_hides_when_what_it_showed_changes(qtbot, explorer):
    w = explorer
    vb = w.contour.getPlotItem().vb
    w.contour._on_mouse_moved(vb.mapViewToScene(QPointF(*w._race.paths["sgd"].xy[3])))
    assert w.contour.hover.isVisible()
    w.controls.lr_sliders["sgd"].setValue(w.controls.lr_sliders["sgd"].value() + 20)
    assert not w.contour.hover.isVisible()
    w.contour._on_mouse_moved(vb.mapViewToScene(QPointF(*w._race.paths["sgd"].xy[3])))
    assert w.contour.hover.isVisible()
    w.controls.surface.setCurrentIndex(2)
    assert not w.contour.hover.isVisible()


# --- surfaces bring their learning rates -----------------------------------------------------------
def test_switching_surface_brings_its_lrs_unless_the_learner_changed_them(qtbot, explorer):
    w = explorer
    w.controls.surface.setCurrentIndex(1)
    assert {k: w.params()[k] for k in surface_lrs(1)} == surface_lrs(1)
    assert not any(p.diverged for p in w._race.paths.values())  # the quadratic's lrs: GD gone in 3 steps
    w.controls.lr_sliders["rmsprop"].setValue(lr_to_tick(0.01))  # the learner's own choice …
    w.controls.surface.setCurrentIndex(2)
    assert w.params()["lr_rmsprop"] == pytest.approx(0.01)  # … is kept
    assert w.params()["lr_sgd"] == surface_lrs(1)["lr_sgd"]


def test_nesterov_momentum_cannot_reach_zero(qtbot, explorer):
    s = explorer.controls.hyper_sliders["nesterov_momentum"]
    s.setValue(s.minimum())
    assert explorer.params()["nesterov_momentum"] == pytest.approx(0.001)
    assert "torch" in s.toolTip()


# --- look ----------------------------------------------------------------------------------------------
def test_dark_theme_explain_dots_show_which_is_selected(qtbot, explorer):
    w = explorer
    w.apply_theme(DARK)
    buttons = w.controls.explain.buttons()
    checked = [b for b in buttons if b.isChecked()]
    assert len(checked) == 1

    def centre(b):
        opt = QStyleOptionButton()
        opt.initFrom(b)
        rect = b.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, opt, b)
        return b.grab().toImage().pixelColor(rect.center())

    def dist(c, hex_):
        o = QColor(hex_)
        return abs(c.red() - o.red()) + abs(c.green() - o.green()) + abs(c.blue() - o.blue())

    for b in buttons:
        c = centre(b)
        if b.isChecked():
            assert dist(c, DARK.accent) < 60, c.name()
        else:
            assert dist(c, DARK.background) < 60, c.name()  # was a white dot: "selected" look


def test_minima_are_drawn_above_the_path_heads(qtbot, explorer):
    w = explorer
    w.controls.surface.setCurrentIndex(5)
    assert len(w.contour.minima.data) == 6
    assert w.contour.minima.zValue() > w.contour.heads.zValue()
    assert w.contour.minima.opts["brush"].color().alpha() < 128  # hollow enough to see a head inside


def test_short_loss_plot_in_projector_mode_keeps_its_labels_apart(qtbot, lesson):
    """At 1280×720 in the projector theme the loss plot is short: the legend hides rather than
    cover the curves, and the symlog labels (saddle) stay at least two text lines apart."""
    from app.widgets.theme import text_px

    w = DescentExplorer(lesson)
    qtbot.addWidget(w)
    w.apply_theme(PROJECTOR)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    w.controls.surface.setCurrentIndex(4)  # the saddle: no minimum, symlog y
    vb = w.loss.getPlotItem().vb
    legend = w.loss.legend
    assert not legend.isVisible() or legend.boundingRect().height() <= vb.height() / 3
    ticks = w.loss.getPlotItem().getAxis("left")._tickLevels[0]
    lo, hi = vb.viewRange()[1]
    ys = sorted(vb.height() * (v - lo) / (hi - lo) for v, _ in ticks if lo <= v <= hi)
    assert len(ys) >= 2
    assert min(np.diff(ys)) >= 2 * text_px(PROJECTOR, 0.9)
