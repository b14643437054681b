"""The presenter window beside the audience window: same position whichever one the keys go to."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.__main__ import _parser
from app.shell.main_window import MainWindow
from app.shell.presenter import PresenterWindow, choose_screens

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("count, primary, wanted, expected", [
    (1, 0, None, (0, None)),  # one screen: projector mode alone
    (1, 0, 1, (0, None)),  # --screen 1 that is not there: the same, no error
    (2, 0, None, (1, 0)),  # the projector is the screen that is not the laptop's
    (2, 1, None, (0, 1)),
    (2, 0, 0, (0, 1)),  # --screen 0: audience on 0, presenter on the other
    (3, 0, 2, (2, 0)),
    (2, 0, 5, (1, 0)),
])
def test_choose_screens(count, primary, wanted, expected):
    assert choose_screens(count, primary, wanted) == expected


def test_screen_option():
    args = _parser().parse_args(["--projector", "--screen", "1"])
    assert args.projector and args.screen == 1
    assert _parser().parse_args([]).screen is None


def test_presenter_and_audience_stay_in_sync(qtbot, audience):
    ctl = audience.projector_ctl
    presenter = PresenterWindow(audience)
    qtbot.addWidget(presenter)
    ctl.presenter = presenter
    presenter.show()
    qtbot.waitExposed(presenter)
    lesson = audience.page.lesson
    assert presenter.notes.toPlainText() == lesson.notes.en
    assert "step 1 of" in presenter.now.text() and presenter.next_label.text().startswith("Step 2 of")

    # keys pressed in the presenter window move the audience window …
    presenter.activateWindow()
    qtbot.keyClick(presenter, Qt.Key.Key_PageDown)
    qtbot.keyClick(presenter.notes, Qt.Key.Key_Right)  # wherever the focus is in it
    assert audience.page.derivation.current_index() == 2
    assert "step 3 of" in presenter.now.text()
    # … and keys pressed in the audience window show up in the presenter window
    qtbot.keyClick(audience.page.explorer, Qt.Key.Key_End)
    assert ctl.beat() == len(lesson.beats) - 1
    assert f"beat {len(lesson.beats)}: {lesson.beats[-1].name.en}" in presenter.now.text()
    assert presenter.next_label.text() == f"Next lesson: {audience.lessons[1].title.en}"
    # blanking from either side; the presenter says so
    qtbot.keyClick(presenter, Qt.Key.Key_B)
    assert ctl.blanked() == "#000000" and "blanked (black)" in presenter.state.text()
    qtbot.keyClick(audience, Qt.Key.Key_B)
    assert ctl.blanked() is None and presenter.state.text() == ""
    # the buttons do what the keys do
    qtbot.mouseClick(presenter.buttons["next"], Qt.MouseButton.LeftButton)
    assert audience.current_lesson_id() == audience.lessons[1].id
    assert presenter.now.text().startswith(audience.lessons[1].title.en)
    notes = audience.page.lesson.notes
    assert presenter.notes.toPlainText() == (notes.en if notes else "(This lesson has no teacher notes.)")
    qtbot.mouseClick(presenter.buttons["previous"], Qt.MouseButton.LeftButton)
    assert audience.current_lesson_id() == lesson.id
    # a thumbnail of the audience window, a running timer and a clock
    presenter.grab_preview()
    assert not presenter.preview.pixmap().isNull() and presenter.preview.pixmap().width() > 100
    assert re.fullmatch(r"0:0\d:\d\d", presenter.elapsed.text()) and re.fullmatch(r"\d\d:\d\d", presenter.clock.text())
    # Esc in the presenter window leaves projector mode and closes the presenter
    qtbot.keyClick(presenter, Qt.Key.Key_Escape)
    assert not audience.projector and ctl.presenter is None and not presenter.isVisible()


def test_one_screen_falls_back_to_projector_mode_alone(qtbot):
    assert len(QApplication.screens()) == 1
    win = MainWindow(lesson_id="determinant", restore=False)
    qtbot.addWidget(win)
    win.set_projector(True, screen=1)  # --screen 1 on a one-screen laptop: no error, no presenter
    qtbot.waitExposed(win)
    assert win.projector and win.isFullScreen() and win.projector_ctl.presenter is None
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, PresenterWindow) and w.isVisible()] == []


PROBE = textwrap.dedent("""
    import json, sys
    from app.shell.app import create_app
    from app.shell.main_window import MainWindow
    app = create_app()
    out = []
    for screen in (None, 0):
        win = MainWindow(lesson_id="linear-transforms", restore=False)
        win.set_projector(True, screen=screen)
        app.processEvents()
        p = win.projector_ctl.presenter
        out.append({"audience": win.screen().name(), "size": [win.width(), win.height()],
                    "font": win.theme.font_px, "presenter": p.screen().name() if p else None})
        win.close()
        app.processEvents()
    print(json.dumps(out))
""")


def test_two_screens_put_the_presenter_on_the_laptop(tmp_path):
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800, "logicalDpi": 96, "logicalBaseDpi": 96,
         "dpr": 1},
        {"name": "projector", "x": 1280, "y": 0, "width": 1280, "height": 720, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    default, on_laptop = json.loads(result.stdout.strip().splitlines()[-1])
    assert default == {"audience": "projector", "size": [1280, 720], "font": 19, "presenter": "laptop"}
    assert on_laptop["audience"] == "laptop" and on_laptop["presenter"] == "projector"


def test_the_presenter_window_is_freed_when_closed_or_when_projector_mode_ends(qtbot, audience, monkeypatch):
    import app.shell.presenter as presenter_module

    monkeypatch.setattr(presenter_module, "choose_screens", lambda count, primary, wanted: (0, 0))
    ctl = audience.projector_ctl
    audience.set_projector(True, fullscreen=True)  # "two screens": a presenter window opens
    first = ctl.presenter
    assert first is not None and first.isVisible()
    gone = []
    first.destroyed.connect(lambda *_: gone.append(1))
    first.close()  # the teacher closes it by hand
    qtbot.waitUntil(lambda: bool(gone) and ctl.presenter is None, timeout=3000)
    qtbot.keyClick(audience.page.explorer, Qt.Key.Key_PageDown)  # keys still work, nothing to refresh
    audience.set_projector(False)
    audience.set_projector(True, fullscreen=True)
    second = ctl.presenter
    second.destroyed.connect(lambda *_: gone.append(2))
    audience.set_projector(False)  # leaving projector mode frees it too (no hidden windows pile up)
    qtbot.waitUntil(lambda: 2 in gone and ctl.presenter is None, timeout=3000)
