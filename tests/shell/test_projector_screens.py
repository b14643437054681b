"""Every lesson in projector mode at 1920×1080 and 1280×720: readable from the back of the room
(no text under 28 px at 1080p, proportionally less at 720p) and nothing outside the window."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QApplication, QLabel

from app.lessons import load_all
from app.shell.app import create_app
from app.shell.main_window import MainWindow
from app.shell.projector_audit import audit, min_text_px

LESSON_IDS = [lesson.id for lesson in load_all()[0]]
SIZES = [(1920, 1080), (1280, 720)]


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    """One window for every lesson and size, as `mathlens screenshots` does (a window per case
    would triple the time)."""
    app = create_app()
    QSettings().clear()
    win = MainWindow(restore=False)
    win.set_projector(True, fullscreen=False)
    win.out = Path(os.environ.get("MATHLENS_PROJECTOR_SHOTS") or tmp_path_factory.mktemp("projector"))
    yield win
    win.close()
    win.deleteLater()
    app.processEvents()
    QSettings().clear()


def shown(qtbot, win, lesson_id, size):
    win.open_lesson(lesson_id)
    win.resize(*size)
    win.show()
    # computed, typeset and laid out (typesetting the other steps ahead may start again after)
    qtbot.waitUntil(lambda: not win.projector_ctl.page_busy(), timeout=20000)
    qtbot.wait(100)  # the last typeset formula posts a layout request: let it be laid out
    return win.grab().toImage()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_lesson_is_readable_in_projector_mode(qtbot, window, lesson_id, size, pixels):
    image = shown(qtbot, window, lesson_id, size)
    image.save(str(window.out / f"{lesson_id}-projector-{size[0]}x{size[1]}.png"))
    assert (image.width(), image.height()) == size  # the projector's size, not the content's
    assert window.theme.font_px >= min_text_px(size[1]) == (28 if size[1] == 1080 else 19)
    assert len(np.unique(pixels(image).reshape(-1, 3)[::7], axis=0)) > 50  # a lesson, not an empty page
    problems = audit(window)
    assert not problems, "\n".join(map(str, problems))


def test_the_audit_finds_small_text_and_widgets_outside(qtbot, window):
    shown(qtbot, window, LESSON_IDS[0], SIZES[1])
    assert audit(window) == []
    page = window.page
    page.summary.setStyleSheet("font-size: 12px;")
    problems = audit(window)
    assert len(problems) == 1 and problems[0].text == page.summary.text()
    assert problems[0].issue == "text 12 px < 19 px"
    stray = QLabel("outside", page)
    stray.move(QPoint(page.width() - 20, 10))
    stray.show()
    QApplication.processEvents()
    assert any("outside the window" in p.issue for p in audit(window))
    stray.hide()
    stray.deleteLater()
    page.apply_theme(window.theme)
    assert audit(window) == []
