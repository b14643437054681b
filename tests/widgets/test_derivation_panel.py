"""The derivation panel steps through, follows the sliders without stalling them, and typesets."""

import time
import types

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.derivations import linear
from app.widgets.derivation_panel import LIVE_MARK, DerivationPanel
from app.widgets.math_view import MathRenderError, MathView, render_svg
from app.widgets.theme import DARK, LIGHT, PROJECTOR

START = dict(a=1.0, b=2.0, c=0.5, d=1.0, t=1.0)
N_STEPS = len(linear.symbolic_steps()) + len(linear.live_steps(START))


@pytest.fixture
def panel(qtbot):
    widget = DerivationPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    widget.set_params(START)
    with qtbot.waitSignal(widget.steps_updated, timeout=30000):
        widget.set_derivation("app.derivations.linear")
    qtbot.waitUntil(lambda: not widget.busy(), timeout=30000)
    return widget


def image_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    arr = arr.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[:, :, 2::-1].astype(int)  # BGRA → RGB


def count_near(arr: np.ndarray, colour: str, tol: int = 60) -> int:
    c = QColor(colour)
    return int((np.abs(arr - [c.red(), c.green(), c.blue()]).max(axis=-1) <= tol).sum())


def test_loads_symbolic_and_live_steps(panel):
    steps = panel.steps()
    assert len(steps) == N_STEPS
    assert [s.live for s in steps] == [False] * 5 + [True] * (N_STEPS - 5)
    assert panel.counter.text() == f"Step 1 of {N_STEPS}"
    assert panel.step_title.text() == steps[0].title
    assert panel.math.latex() == steps[0].latex() and not panel.math.is_fallback()
    assert not panel.status.isVisible()


def test_buttons_and_keys_step_through(panel, qtbot):
    assert not panel.prev_button.isEnabled()
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert panel.current_index() == 1 and panel.counter.text() == f"Step 2 of {N_STEPS}"
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert panel.current_index() == 2
    qtbot.keyClick(panel, Qt.Key.Key_Left)
    assert panel.current_index() == 1
    qtbot.keyClick(panel, Qt.Key.Key_PageDown)
    qtbot.keyClick(panel, Qt.Key.Key_PageDown)
    assert panel.current_index() == 3
    qtbot.keyClick(panel, Qt.Key.Key_PageUp)
    assert panel.current_index() == 2
    qtbot.mouseClick(panel.prev_button, Qt.MouseButton.LeftButton)
    assert panel.current_index() == 1
    assert panel.math.latex() == panel.steps()[1].latex()
    panel.set_current(99)
    assert panel.current_index() == N_STEPS - 1 and not panel.next_button.isEnabled()
    qtbot.keyClick(panel, Qt.Key.Key_Right)  # past the end: stays
    assert panel.current_index() == N_STEPS - 1
    assert panel.badge.isVisible() and panel.card.property("live") is True
    panel.set_current(0)
    assert not panel.badge.isVisible()


def test_overview_lists_every_step_and_click_selects(panel, qtbot):
    view = panel.overview
    rows = [view.item(r) for r in range(view.count())]
    indices = [item.data(Qt.ItemDataRole.UserRole) for item in rows]
    assert [i for i in indices if i is not None] == list(range(N_STEPS))
    heading = rows[indices.index(None)]
    assert LIVE_MARK in heading.text() and indices.index(None) == 5  # just before the first live step
    target = rows[indices.index(6)]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(target).center())
    assert panel.current_index() == 6 and view.currentItem() is target
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(heading).center())
    assert panel.current_index() == 6  # the heading is not a step


def test_new_numbers_reach_the_last_step(panel, qtbot):
    with qtbot.waitSignal(panel.steps_updated, timeout=10000):
        panel.set_params(dict(a=2.5, b=0.0, c=0.0, d=-1.25, t=1.0))
    last = panel.steps()[-1].latex()
    assert "2.5" in last and "1.25" not in panel.steps()[0].latex()
    panel.set_current(N_STEPS - 1)
    assert panel.math.latex() == last


def test_burst_of_params_newest_wins_without_blocking(panel, qtbot):
    panel.set_current(N_STEPS - 2)  # a live step on screen: its formula is typeset per update
    updates = []
    panel.steps_updated.connect(lambda: updates.append(panel.steps()[-3].latex()))
    durations = []
    for i in range(50):
        params = dict(a=1.0 + i / 100, b=1.0, c=-2.0, d=0.5, t=1.0)
        start = time.perf_counter()
        panel.set_params(params)
        durations.append(time.perf_counter() - start)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10000)
    assert max(durations) < 0.005, f"set_params took up to {max(durations) * 1000:.1f} ms"
    assert 1 <= len(updates) <= 2  # the burst collapses: no queue of 50 recomputations
    final = linear.live_steps(dict(a=1.49, b=1.0, c=-2.0, d=0.5))
    assert [s.latex() for s in panel.steps()[-4:]] == [s.latex() for s in final]
    assert panel.math.latex() == final[-2].latex()


def test_params_during_drag_keep_the_gui_responsive(panel, qtbot):
    """A slider stream (one set_params per 10 ms frame) gets throttled updates; frames stay short."""
    updates = []
    panel.steps_updated.connect(lambda: updates.append(1))
    durations = []
    for i in range(30):
        start = time.perf_counter()
        panel.set_params(dict(a=-2.0 + i / 10, b=0.5, c=1.0, d=1.0))
        durations.append(time.perf_counter() - start)
        qtbot.wait(10)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10000)
    # workers run meanwhile, so a call may wait a moment for the GIL: typical cost, then a ceiling
    assert sorted(durations)[len(durations) // 2] < 0.001 and max(durations) < 0.015
    assert 2 <= len(updates) < 30  # updates while dragging, but fewer than frames
    assert "0.9" in panel.steps()[-4].latex()  # a = −2 + 29/10 = 0.9, the last value


def test_latex_all_contains_every_step(panel):
    text = panel.latex_all()
    assert text.startswith("% ") and r"\begin{gather*}" in text and text.rstrip().endswith(r"\end{gather*}")
    for i, step in enumerate(panel.steps()):
        assert step.latex() in text
        assert f"% {i + 1}. {step.title}" in text
    assert sum(line.endswith(r" \\") for line in text.splitlines()) == N_STEPS - 1


def test_apply_theme_sizes_and_colours(panel, qtbot):
    panel.apply_theme(PROJECTOR)
    assert panel.math._px == PROJECTOR.math_px
    panel.ensurePolished()
    assert panel.step_title.fontInfo().pixelSize() >= PROJECTOR.font_px
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10000)
    assert panel.math.natural_size().height() > 30  # re-typeset at the projector size
    panel.apply_theme(DARK)
    assert DARK.panel in panel.styleSheet()


def test_failing_derivation_is_shown_not_raised(qtbot, capsys):
    def broken():
        raise ValueError("no such matrix")

    widget = DerivationPanel()
    qtbot.addWidget(widget)
    module = types.SimpleNamespace(symbolic_steps=broken, live_steps=lambda params: [])
    with qtbot.waitSignal(widget.steps_updated, timeout=10000):
        widget.set_derivation(module)
    assert "no such matrix" in widget.note.text() and widget.steps() == []
    assert not widget.busy() and widget.latex_all() == ""
    assert "no such matrix" in capsys.readouterr().err  # the traceback is printed too


def test_destroyed_while_computing_joins_its_threads(qtbot):
    widget = DerivationPanel()
    widget.set_params(START)
    widget.set_derivation("app.derivations.linear")
    widget.set_params(dict(START, a=3.0))
    widget.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(widget), timeout=10000)


# --- MathView ------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_math_view_renders_pixels(qtbot, theme):
    host = QWidget()
    host.setStyleSheet(f"background: {theme.background};")
    view = MathView()
    QVBoxLayout(host).addWidget(view)
    qtbot.addWidget(host)
    view.set_color(theme.foreground)
    view.set_math_px(theme.math_px)
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.set_latex(r"\det A = a d - b c")
    host.resize(view.sizeHint() + host.sizeHint() - view.sizeHint())
    host.show()
    qtbot.waitExposed(host)
    arr = image_array(host.grab().toImage())
    assert count_near(arr, theme.foreground) > 150  # glyphs in the text colour
    assert count_near(arr, theme.background, tol=8) > arr.shape[0] * arr.shape[1] * 0.5
    assert view.sizeHint().height() >= theme.math_px


def test_math_view_scales_down_to_fit(qtbot):
    view = MathView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.set_latex(r"a + b + c + d + e + f + g + h + i + j + k + l + m + n")
    wide = view.sizeHint().width()
    assert view.heightForWidth(wide // 2) < view.heightForWidth(wide)
    assert view.heightForWidth(wide * 2) == view.heightForWidth(wide)  # never scaled up
    # with a floor (projector mode) it stops shrinking at that size and asks for the width instead
    view.set_math_px(40)
    qtbot.waitUntil(lambda: not view.busy(), timeout=10000)
    natural = view.natural_size()
    view.set_min_px(30)
    floor_h = view.heightForWidth(10)
    assert floor_h >= natural.height() * 0.75
    assert view.minimumSizeHint().width() >= natural.width() * 0.75
    view.set_min_px(0)
    assert view.heightForWidth(10) < floor_h and view.minimumSizeHint().width() <= 60


def test_bad_latex_falls_back_to_raw_text(qtbot):
    with pytest.raises(MathRenderError):
        render_svg(r"\frac{", "#000000", 20)
    view = MathView()
    qtbot.addWidget(view)
    view.resize(300, 60)
    view.show()
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.set_latex(r"\frac{")
    assert view.is_fallback() and view.toolTip() == r"\frac{"
    arr = image_array(view.grab().toImage())
    assert count_near(arr, "#1B1F24") > 20  # the raw text is drawn
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.set_latex("x^2")
    assert not view.is_fallback()


def test_render_svg_is_cached_and_svg_1_1():
    first = render_svg("x^2 + y^2", "#123456", 20)
    start = time.perf_counter()
    again = render_svg("x^2 + y^2", "#123456", 20)
    assert again is first and time.perf_counter() - start < 0.005
    text = first.decode()
    assert "<symbol" not in text and "<use" not in text and "#123456" in text
