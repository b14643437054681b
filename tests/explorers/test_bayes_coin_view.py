"""The coin tab as the audit met it: a long run of heads keeps its peak inside the figure; a focused
slider or spin box keeps its arrow keys while ←/→ otherwise step the timeline; at projector sizes
nothing in the figure column covers anything else; the dashed prior and likelihood stay visible
over the posterior."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from app.explorers.bayes import BayesExplorer
from app.lessons import LESSONS_DIR, load_lesson
from app.shell.beats import projector_theme
from app.widgets.theme import LIGHT


@pytest.fixture
def coin_lesson():
    return load_lesson(LESSONS_DIR / "bayes-coin.toml")


def make(qtbot, lesson, size=(1000, 760), theme=LIGHT) -> BayesExplorer:
    w = BayesExplorer(lesson)
    w.animate = False
    qtbot.addWidget(w)
    w.apply_theme(theme)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def drawn_top(w: BayesExplorer) -> tuple[float, float]:
    """(the highest point of the posterior as drawn, the top of the view's y-range)."""
    _, y = w.plot.posterior.getData()
    return float(np.nanmax(y)), float(w.plot.vb.viewRange()[1][1])


# --- 1: the peak stays in the figure ------------------------------------------------------------------
@pytest.mark.parametrize("button", ["heads", "tails"])
def test_a_run_of_heads_or_tails_keeps_the_peak_in_view(coin_lesson, qtbot, button):
    w = make(qtbot, coin_lesson)
    for press in range(1, 41):
        qtbot.mouseClick(getattr(w.controls, button), Qt.MouseButton.LeftButton)
        peak, top = drawn_top(w)
        assert peak == pytest.approx(press + 1, rel=0.05)  # Beta(1 + h, 1) peaks at h + 1, at θ = 1
        assert peak <= top, f"press {press}: the posterior's peak {peak:.2f} is above the view's top {top:g}"


def test_the_peak_stays_in_view_at_projector_size_too(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson, size=(752, 592), theme=projector_theme(720))
    for press in range(30):
        qtbot.mouseClick(w.controls.heads, Qt.MouseButton.LeftButton)
        peak, top = drawn_top(w)
        assert peak <= top, f"press {press + 1}: peak {peak:.2f}, top {top:g}"


# --- 3: arrow keys ------------------------------------------------------------------------------------
def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_a_focused_slider_keeps_its_arrow_keys(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson)
    w.set_params({"heads": 3, "tails": 2})
    slider = w.controls.alpha.slider
    focus(qtbot, slider)
    tick = slider.value()
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert slider.value() == tick - 1 and w.params()["alpha"] < 1.0  # α moved …
    assert w.params()["step"] == 5  # … and the timeline did not
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() == tick + 1 and w.params()["alpha"] > 1.0 and w.params()["step"] == 5
    focus(qtbot, w.controls.beta.slider)
    qtbot.keyClick(w.controls.beta.slider, Qt.Key.Key_Left)
    assert w.params()["beta"] < 1.0 and w.params()["step"] == 5


def test_a_focused_spin_box_keeps_its_arrow_keys(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson)
    w.set_params({"heads": 3, "tails": 2})
    spin = w.controls.alpha.spin
    focus(qtbot, spin)
    spin.lineEdit().setCursorPosition(len(spin.lineEdit().text()))
    qtbot.keyClick(spin, Qt.Key.Key_Left)
    assert spin.lineEdit().cursorPosition() == len(spin.lineEdit().text()) - 1  # the cursor moved
    assert w.params()["step"] == 5


def test_the_true_p_slider_keeps_its_arrow_keys(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson)
    w.set_params({"heads": 3, "tails": 2, "reveal": 1})
    slider = w.controls.true_p.slider
    focus(qtbot, slider)
    for _ in range(10):  # a tick is 0.001; p shows 2 decimals
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert w.params()["true_p"] == pytest.approx(0.71) and w.params()["step"] == 5


def test_arrow_keys_step_the_timeline_elsewhere(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson)
    w.set_params({"heads": 3, "tails": 2})
    for widget in (w.controls.heads, w.controls.hdi, w.plot, w.timeline.back):
        focus(qtbot, widget)
        step = w.params()["step"]
        qtbot.keyClick(widget, Qt.Key.Key_Left)
        assert w.params()["step"] == step - 1, widget
        assert widget.hasFocus()  # the key stepped the timeline, it did not move the focus
        qtbot.keyClick(widget, Qt.Key.Key_Right)
        assert w.params()["step"] == step
    assert w.params()["alpha"] == 1.0


# --- 4: the figure column at projector sizes ----------------------------------------------------------
def rect_in(panel: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())


@pytest.fixture
def projector_page(qtbot):
    """A main window in projector mode (not fullscreen) showing the coin lesson; settings cleared."""
    from PySide6.QtCore import QSettings

    from app.shell.main_window import MainWindow

    QSettings().clear()
    win = MainWindow(lesson_id="bayes-coin", restore=False)
    qtbot.addWidget(win)
    win.set_projector(True, fullscreen=False)
    yield win
    QSettings().clear()


@pytest.mark.parametrize("size", [(1280, 720), (1400, 900), (1920, 1080), (1024, 768)])
@pytest.mark.parametrize("params", [{}, {"heads": 22, "tails": 0}, {"heads": 7, "tails": 3, "hdi": 1}])
def test_projector_figure_column_has_room_for_everything(projector_page, qtbot, size, params):
    """In projector mode the axis title, the timeline and the controls each have their own rows,
    inside the tab: nothing is drawn over anything else."""
    win = projector_page
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    w = win.page.explorer
    w.animate = False
    if params:
        w.set_params(params)
    panel = w.coin_tab
    qtbot.waitUntil(lambda: panel.scroll.height() >= w.controls.sizeHint().height(), timeout=2000)
    qtbot.wait(50)  # the controls' refit runs once their layout has
    plot, timeline, scroll = (rect_in(panel, x) for x in (w.plot, w.timeline, w.scroll))
    summary, legend = rect_in(panel, w.summary), rect_in(panel, w.legend)
    axis = w.plot.getPlotItem().getAxis("bottom")
    label = axis.label.mapRectToScene(axis.label.boundingRect())  # the axis title, in the plot's pixels
    text_bottom = label.bottom() - axis.label.document().documentMargin()  # the glyphs' box, not its margin
    assert axis.label.isVisible() and text_bottom <= w.plot.height() + 0.5
    assert legend.bottom() <= summary.top() and summary.bottom() <= plot.top()
    assert plot.bottom() <= timeline.top(), (plot, timeline)
    assert timeline.bottom() <= scroll.top() or timeline.right() <= scroll.left()
    assert scroll.bottom() <= panel.height() and plot.height() >= 6 * w.theme.font_px


# --- nice to have: the flat prior's dashed line is not hidden under the posterior ---------------------
def test_dashed_prior_and_likelihood_are_drawn_over_the_posterior(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson)
    assert w.plot.prior.zValue() > w.plot.posterior.zValue()
    assert w.plot.likelihood.zValue() > w.plot.posterior.zValue()
    # with no data the flat prior and the posterior coincide at density 1: the prior's dashes show
    image = w.plot.grab().toImage()
    vb = w.plot.vb
    y = round(vb.mapViewToScene(QPointF(0.5, 1.0)).y())
    left, right = round(vb.sceneBoundingRect().left()) + 10, round(vb.sceneBoundingRect().right()) - 10
    prior = QColor(w.theme.series[0])
    hits = sum(_close(QColor(image.pixel(x, y + dy)), prior) for x in range(left, right, 2) for dy in (-1, 0, 1))
    assert hits > 30, hits


def _close(a: QColor, b: QColor, tol: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tol


# --- 6: "Render current state" sends the step and the order ------------------------------------------
def test_the_clip_gets_the_counts_at_the_step_and_their_order(coin_lesson, qtbot, tmp_path):
    import warnings

    from app.render.jobs import RenderRequest

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
        warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
        from scenes import bayes as clip

    w = make(qtbot, coin_lesson)
    for button in ("tails", "tails", "heads", "tails", "heads", "heads", "heads"):
        qtbot.mouseClick(getattr(w.controls, button), Qt.MouseButton.LeftButton)
    w.timeline.slider.setValue(5)  # scrubbed back: T T H T H shown
    sp = w.scene_params()
    assert (sp["heads"], sp["tails"], sp["order"]) == (2.0, 3.0, "TTHTH")
    assert w.params()["heads"] == 4  # the explorer keeps the whole record
    path = tmp_path / "params.json"
    path.write_text(RenderRequest.for_lesson(coin_lesson, sp).params_json(), "utf-8")
    obs = clip.observations(clip.load_params(path))
    np.testing.assert_array_equal(obs, [0, 0, 1, 0, 1])
    w.timeline.slider.setValue(0)
    assert w.scene_params()["order"] == "" and w.scene_params()["heads"] == 0
