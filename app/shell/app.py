"""Starting the Qt application: fonts, error channel, the main window, screenshots."""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

ORG = "MathLens"
APP = "MathLens"


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with names for QSettings and a font that has CJK glyphs."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("MathLens")
    families = set(QFontDatabase.families())
    for family in ("DejaVu Sans", "Noto Sans", "Noto Sans CJK SC"):
        if family in families:
            font = QFont(family)
            font.setPixelSize(14)
            app.setFont(font)
            break
    install_excepthook()
    return app


def install_excepthook() -> None:
    """Uncaught exceptions in slots reach the user as a dialog instead of vanishing into stderr."""
    if getattr(sys.excepthook, "_mathlens", False):
        return
    previous = sys.excepthook

    def hook(etype, value, tb):
        previous(etype, value, tb)
        app = QApplication.instance()
        if app is None or app.platformName() == "offscreen":
            return  # headless: stderr only (tests turn it into a failure through pytest-qt)
        box = QMessageBox(QMessageBox.Icon.Critical, "MathLens: something went wrong",
                          f"{etype.__name__}: {value}")
        box.setDetailedText("".join(traceback.format_exception(etype, value, tb)))
        box.exec()

    hook._mathlens = True
    sys.excepthook = hook


class _FirstPaint(QObject):
    """Prints the time from process start to the window's first paint, then quits."""

    def __init__(self, t0: float, window):
        super().__init__(window)
        self.t0 = t0
        self.done = False
        window.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if not self.done and event.type() in (QEvent.Type.Paint, QEvent.Type.UpdateRequest):
            self.done = True
            QTimer.singleShot(0, self._report)
        return False

    def _report(self):
        print(f"first-paint-ms {(time.perf_counter() - self.t0) * 1000:.1f}", flush=True)
        QApplication.instance().quit()


def run_app(lesson_id: str | None = None, projector: bool = False, lang: str | None = None,
            startup_probe: float | None = None, screen: int | None = None) -> int:
    app = create_app()
    from app.shell.main_window import MainWindow

    window = MainWindow(lesson_id=lesson_id, lang=lang)
    if startup_probe is not None:
        _FirstPaint(startup_probe, window)
    if projector:
        window.set_projector(True, screen=screen)  # one screen: projector alone; two: + presenter
    else:
        window.show()
    return app.exec()


SCREENSHOT_SIZES = ((False, (1280, 800)), (True, (1920, 1080)), (True, (1280, 720)))


def write_screenshots(out: str | Path, sizes=SCREENSHOT_SIZES) -> int:
    """A PNG of every lesson page: in the normal window, and in projector mode at 1080p and 720p."""
    from app.lessons import load_all
    from app.shell.main_window import MainWindow

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    app = create_app()
    lessons, _ = load_all()
    window = MainWindow(restore=False)
    for lesson in lessons:
        window.open_lesson(lesson.id)
        for projector, (w, h) in sizes:
            window.set_projector(projector, fullscreen=False)
            window.resize(w, h)
            window.show()
            window.wait_until_settled()
            name = f"{lesson.id}-{'projector' if projector else 'window'}-{w}x{h}.png"
            window.grab().save(str(out / name))
            print(out / name)
        window.set_projector(False, fullscreen=False)
    window.close()
    app.processEvents()
    return 0
