"""Projector mode driven with the keys a presentation clicker sends, never the mouse."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from app.shell.beats import projector_theme
from app.shell.beats import tween as _tween
from app.widgets.theme import PROJECTOR


@pytest.fixture
def window(audience):
    return audience


def press(qtbot, win, key, times=1):
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget() or win, key)


def test_clicker_walks_a_whole_lesson_then_the_next_and_back(window, qtbot):
    ctl, page = window.projector_ctl, window.page
    window.page.explorer.setFocus()
    lesson = page.lesson
    n = ctl.step_count()
    assert n >= 5 and len(lesson.beats) >= 3
    press(qtbot, window, Qt.Key.Key_PageDown, n - 1)  # every derivation step …
    assert page.derivation.current_index() == n - 1 and ctl.beat() == -1
    for i, beat in enumerate(lesson.beats):  # … then every beat, in order
        press(qtbot, window, Qt.Key.Key_PageDown)
        assert ctl.beat() == i
        params = page.explorer.params()
        assert all(params[k] == pytest.approx(v) for k, v in beat.params.items()), beat.name.en
    press(qtbot, window, Qt.Key.Key_PageDown)  # … then the next lesson, at its start
    assert window.current_lesson_id() == window.lessons[1].id
    assert window.page.derivation.current_index() == 0 and ctl.beat() == -1
    # back: the previous lesson's end (last beat; last step once its steps are computed)
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert window.current_lesson_id() == lesson.id and ctl.beat() == len(lesson.beats) - 1
    qtbot.waitUntil(lambda: window.page.derivation.current_index() == ctl.step_count() - 1 > 0, timeout=20000)
    # arrows are clicker keys too; Home goes back to the lesson's start and its own values
    press(qtbot, window, Qt.Key.Key_Left)
    assert ctl.beat() == len(lesson.beats) - 2
    press(qtbot, window, Qt.Key.Key_Home)
    assert window.page.derivation.current_index() == 0 and ctl.beat() == -1
    assert window.page.explorer.params() == pytest.approx(lesson.defaults())
    press(qtbot, window, Qt.Key.Key_End)
    assert window.page.derivation.current_index() == ctl.step_count() - 1
    assert ctl.beat() == len(lesson.beats) - 1
    # at the very first position, Previous stays put
    press(qtbot, window, Qt.Key.Key_Home)
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert window.current_lesson_id() == lesson.id and window.page.derivation.current_index() == 0


def test_number_keys_jump_to_beats_and_zero_back_to_the_lesson(window, qtbot):
    ctl, lesson = window.projector_ctl, window.page.lesson
    press(qtbot, window, Qt.Key.Key_3)
    assert ctl.beat() == 2
    assert window.page.explorer.params()["b"] == pytest.approx(lesson.beats[2].params["b"])
    assert "Beat 4" in ctl.next_label()
    press(qtbot, window, Qt.Key.Key_9)  # no ninth beat: nothing happens
    assert ctl.beat() == 2
    press(qtbot, window, Qt.Key.Key_0)
    assert ctl.beat() == -1 and window.page.explorer.params() == pytest.approx(lesson.defaults())


def test_beat_glides_there(window, qtbot):
    ctl, explorer = window.projector_ctl, window.page.explorer
    ctl.beat_ms = 400
    seen = []
    explorer.params_changed.connect(lambda p: seen.append(p["b"]))
    start, target = explorer.params()["b"], window.page.lesson.beats[3].params["b"]  # det = 0
    assert target - start >= 0.5
    press(qtbot, window, Qt.Key.Key_4)
    assert ctl.animating()
    qtbot.waitUntil(lambda: not ctl.animating(), timeout=3000)
    assert seen[-1] == pytest.approx(target)
    inbetween = [b for b in seen if start + 0.05 < b < target - 0.05]
    assert len(inbetween) >= 3 and inbetween == sorted(inbetween)  # it moved, monotonically


def test_tween_log_scale_rounding_and_jumps():
    from app.models.attention import PARAMS as ATTENTION
    from app.models.linear import PARAMS as LINEAR

    assert _tween(LINEAR["a"], 0.0, 2.0, 0.5) == pytest.approx(1.0)
    assert _tween(ATTENTION["temperature"], 0.1, 10.0, 0.5) == pytest.approx(1.0)  # geometric
    assert _tween(ATTENTION["d_k"], 8, 64, 0.5) == 36  # whole numbers stay whole


def test_blank_black_white_and_back(window, qtbot, pixels):
    ctl = window.projector_ctl
    window.page.explorer.setFocus()
    press(qtbot, window, Qt.Key.Key_B)
    assert ctl.blanked() == "#000000"
    arr = pixels(window.grab().toImage())
    assert arr.max() == 0  # every pixel black
    press(qtbot, window, Qt.Key.Key_W)
    assert ctl.blanked() == "#FFFFFF" and pixels(window.grab().toImage()).min() == 255
    press(qtbot, window, Qt.Key.Key_W)
    assert ctl.blanked() is None
    assert len(np.unique(pixels(window.grab().toImage()).reshape(-1, 3)[::11], axis=0)) > 50
    # on a blank screen Next only brings the lesson back; it does not move on
    press(qtbot, window, Qt.Key.Key_B)
    step = window.page.derivation.current_index()
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert ctl.blanked() is None and window.page.derivation.current_index() == step
    press(qtbot, window, Qt.Key.Key_Period)  # what many clickers send for "black screen"
    assert ctl.blanked() == "#000000"
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # leaving projector mode removes every overlay
    assert not window.projector and ctl.blanked() is None and not ctl.spotlight.isVisible()


def test_spotlight_dims_all_but_a_circle(window, qtbot, pixels):
    ctl = window.projector_ctl
    press(qtbot, window, Qt.Key.Key_L)
    assert ctl.spotlight.isVisible()
    ctl.spotlight._poll.stop()  # hold the circle still for the picture
    centre = QPoint(window.width() // 2, window.height() // 2)
    ctl.spotlight.set_center(centre)
    lit = pixels(window.grab().toImage())
    press(qtbot, window, Qt.Key.Key_L)
    assert not ctl.spotlight.isVisible()
    plain = pixels(window.grab().toImage())
    r = int(ctl.spotlight.radius())
    inside = (slice(centre.y() - r // 3, centre.y() + r // 3), slice(centre.x() - r // 3, centre.x() + r // 3))
    assert np.array_equal(lit[inside], plain[inside])  # the circle is untouched
    corner = (slice(0, 60), slice(0, 200))
    assert lit[corner].mean() < 0.5 * plain[corner].mean()  # the rest is dimmed


def test_typing_in_a_field_keeps_its_letters_and_arrows(window, qtbot):
    spin = window.page.explorer.findChildren(type(window.page.explorer.controls.spins["a"]))[0]
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_B)
    qtbot.keyClick(spin, Qt.Key.Key_Right)
    assert window.projector_ctl.blanked() is None and window.page.derivation.current_index() == 0
    qtbot.keyClick(spin, Qt.Key.Key_PageDown)  # the clicker still works
    assert window.page.derivation.current_index() == 1


def test_p_plays_the_clip_when_the_page_has_a_player(window, qtbot, monkeypatch):
    calls = []

    class Player:
        def toggle_play(self):
            calls.append("toggle")

    page_type = type(window.page)  # clip_player may be a property of the page: patch the class
    monkeypatch.setattr(page_type, "clip_player", property(lambda _page: Player()), raising=False)
    press(qtbot, window, Qt.Key.Key_P)
    assert calls == ["toggle"]
    monkeypatch.setattr(page_type, "clip_player", property(lambda _page: None), raising=False)
    press(qtbot, window, Qt.Key.Key_P)  # no player: nothing, and no error
    assert calls == ["toggle"] and not window.projector_ctl.toggle_clip()


def test_cursor_hides_when_idle_and_returns_on_move(window, qtbot):
    hider = window.projector_ctl.cursor
    assert hider.active()
    hider.idle_ms = 50
    qtbot.waitUntil(lambda: hider.hidden, timeout=2000)
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    QCursor.setPos(QCursor.pos() + QPoint(7, 5))
    qtbot.waitUntil(lambda: not hider.hidden, timeout=2000)
    assert QApplication.overrideCursor() is None
    qtbot.waitUntil(lambda: hider.hidden, timeout=2000)
    window.set_projector(False, fullscreen=False)  # leaving shows it again and stops watching
    assert not hider.hidden and not hider.active() and QApplication.overrideCursor() is None


def test_keys_are_ignored_outside_projector_mode(window, qtbot):
    window.set_projector(False, fullscreen=False)
    window.page.explorer.setFocus()
    press(qtbot, window, Qt.Key.Key_B)
    press(qtbot, window, Qt.Key.Key_3)
    assert window.projector_ctl.blanked() is None and window.projector_ctl.beat() == -1


def test_projector_theme_scales_with_the_window_height():
    assert projector_theme(1080) is PROJECTOR and projector_theme(1440) is PROJECTOR
    small = projector_theme(720)
    assert small.name == "projector" and small.font_px == 19 >= 28 * 720 / 1080
    assert small.math_px < PROJECTOR.math_px and small.line_width < PROJECTOR.line_width
