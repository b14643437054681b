"""The presenter window: on the teacher's laptop while the audience window fills the projector.

It shows the audience's view small, what Next will show, the lesson's teacher notes, a timer and
a clock. It holds no state of its own: it reads the main window and its ProjectorController, and
its keys and buttons go to the same controller, so the two windows cannot disagree.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QDateTime, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

REFRESH_MS = 250  # texts, timer and clock
PREVIEW_MS = 500  # the audience view's thumbnail


def choose_screens(count: int, primary: int = 0, wanted: int | None = None) -> tuple[int, int | None]:
    """(audience screen, presenter screen or None) for ``count`` screens.

    ``wanted`` (``--screen N``) picks the audience screen; without it the projector is the first
    screen that is not the primary one (the laptop's). With one screen, or a ``wanted`` screen that
    does not exist, there is no presenter window: projector mode alone, no error.
    """
    if count <= 1:
        return 0, None
    if wanted is not None and 0 <= wanted < count:
        audience = wanted
    else:
        audience = next(i for i in range(count) if i != primary)
    presenter = primary if primary != audience else next(i for i in range(count) if i != audience)
    return audience, presenter


def place_on_screen(widget: QWidget, index: int) -> None:
    """Put a top-level window on screen ``index`` (before showFullScreen / show)."""
    screens = QGuiApplication.screens()
    if 0 <= index < len(screens):
        screen = screens[index]
        widget.setScreen(screen)
        widget.move(screen.availableGeometry().topLeft())


class PresenterWindow(QWidget):
    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.window_ = window  # the audience MainWindow
        self.ctl = window.projector_ctl
        self.setWindowTitle("MathLens — presenter")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed when projector mode ends: gone
        self._started = time.monotonic()
        self._build()
        self.ctl.changed.connect(self.refresh)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._preview_timer = QTimer(self, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self.grab_preview)
        self._preview_timer.start()
        self.resize(1280, 800)
        self.refresh()

    def _build(self) -> None:
        self.now = QLabel()
        self.now.setObjectName("now")
        self.now.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 180)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setStyleSheet("background: #000; border: 1px solid #888;")
        self.next_label = QLabel()
        self.next_label.setObjectName("next")
        self.next_label.setWordWrap(True)
        self.notes = QTextBrowser()
        self.notes.setOpenExternalLinks(False)
        self.elapsed = QLabel()
        self.elapsed.setObjectName("elapsed")
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.state = QLabel()
        self.state.setObjectName("state")

        buttons = QHBoxLayout()
        self.buttons = {}
        for name, text, slot in (
            ("previous", "‹ Previous", self.ctl.previous),
            ("next", "Next ›", self.ctl.next),
            ("black", "Blank (B)", lambda: self.ctl.toggle_blank("#000000")),
            ("spotlight", "Spotlight (L)", lambda: self.ctl.set_spotlight(not self.ctl.spotlight.isVisible())),
            ("reset", "Restart timer", self.restart_timer),
        ):
            button = QPushButton(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window: clicker
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button

        left = QVBoxLayout()
        left.addWidget(self.now)
        left.addWidget(self.preview, 1)
        left.addWidget(self.state)
        right = QVBoxLayout()
        right.addWidget(_caption("Next"))
        right.addWidget(self.next_label)
        right.addWidget(_caption("Notes"))
        right.addWidget(self.notes, 1)
        times = QGridLayout()
        times.addWidget(_caption("Elapsed"), 0, 0)
        times.addWidget(_caption("Clock"), 0, 1)
        times.addWidget(self.elapsed, 1, 0)
        times.addWidget(self.clock, 1, 1)
        right.addLayout(times)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addLayout(buttons)
        self.setStyleSheet("""
            QWidget { font-size: 18px; }
            QLabel#now { font-size: 24px; font-weight: 600; }
            QLabel#next { font-size: 22px; }
            QLabel#caption { color: #6B7280; font-size: 15px; text-transform: uppercase; }
            QLabel#elapsed, QLabel#clock { font-size: 40px; font-weight: 600; }
            QLabel#state { color: #D55E00; font-weight: 600; }
            QTextBrowser { font-size: 20px; }
        """)

    # --- reading the audience window -------------------------------------------------------------
    def now_text(self) -> str:
        page, ctl = self.window_.page, self.ctl
        if page is None:
            return ""
        lang = self.window_.lang
        parts = [page.lesson.title.get(lang)]
        n = ctl.step_count()
        if n:
            parts.append(f"step {page.derivation.current_index() + 1} of {n}")
        beat = ctl.beat()
        if beat >= 0:
            parts.append(f"beat {beat + 1}: {page.lesson.beats[beat].name.get(lang)}")
        return " · ".join(parts)

    @Slot()
    def refresh(self) -> None:
        page = self.window_.page
        self.now.setText(self.now_text())
        self.next_label.setText(self.ctl.next_label())
        notes = page.lesson.notes.get(self.window_.lang) if page is not None and page.lesson.notes else ""
        if self.notes.toPlainText() != notes:
            self.notes.setPlainText(notes or "(This lesson has no teacher notes.)")
        seconds = int(time.monotonic() - self._started)
        self.elapsed.setText(f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")
        self.clock.setText(QDateTime.currentDateTime().toString("HH:mm"))
        blank = self.ctl.blanked()
        state = []
        if blank:
            state.append(f"audience screen blanked ({'black' if blank == '#000000' else 'white'})")
        if self.ctl.spotlight.isVisible():
            state.append("spotlight on")
        self.state.setText(" · ".join(state))

    @Slot()
    def grab_preview(self) -> None:
        """A thumbnail of what the audience sees (overlays included)."""
        if not self.isVisible() or not self.window_.isVisible():
            return
        pixmap: QPixmap = self.window_.grab()
        size = self.preview.size()
        self.preview.setPixmap(pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))

    @Slot()
    def restart_timer(self) -> None:
        self._started = time.monotonic()
        self.refresh()

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        self._timer.stop()
        self._preview_timer.stop()
        if self.ctl.presenter is self:
            self.ctl.presenter = None
        super().closeEvent(event)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("caption")
    return label
