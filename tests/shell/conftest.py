"""Shared by the shell tests: a clean QSettings around each test, and pixels of a grabbed image."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from app.shell.app import create_app


@pytest.fixture(autouse=True)
def fresh_settings():
    create_app()
    QSettings().clear()
    yield
    QSettings().clear()


def _pixels(image: QImage) -> np.ndarray:
    """(height, width, 3) BGR bytes of an image, copied (the QImage may die right after)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    arr = arr.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[:, :, :3].copy()


@pytest.fixture
def pixels():
    return _pixels


@pytest.fixture
def audience(qtbot):
    """A main window in projector mode at 1280×720 (not fullscreen), its derivation computed.
    Beats land at once (beat_ms = 0); a test that checks the glide sets it back."""
    from app.shell.main_window import MainWindow

    win = MainWindow(lesson_id="linear-transforms", restore=False)
    qtbot.addWidget(win)
    win.set_projector(True, fullscreen=False)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not win.page.derivation.busy(), timeout=20000)
    win.projector_ctl.beat_ms = 0
    return win
