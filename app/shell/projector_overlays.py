"""What projector mode lays over the audience window: a blank screen, a spotlight, a hidden cursor."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath
from PySide6.QtWidgets import QApplication, QWidget


class _CoverOverlay(QWidget):
    """A child widget that always covers its whole parent window, above everything else."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if obj is self.parent() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parent().rect())
        return False

    def cover(self, on: bool) -> None:
        if on:
            self.setGeometry(self.parent().rect())
            self.show()
            self.raise_()
        else:
            self.hide()


class BlankOverlay(_CoverOverlay):
    """The whole window in one colour (B: black, W: white), as a projector's 'blank' button does."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.colour = QColor("#000000")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_colour(self, colour: str) -> None:
        self.colour = QColor(colour)
        self.update()

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        QPainter(self).fillRect(self.rect(), self.colour)


class SpotlightOverlay(_CoverOverlay):
    """Dims everything but a circle around the mouse (L). Clicks pass through to the lesson below."""

    DIM = QColor(0, 0, 0, 170)

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.center = QPoint(-10_000, -10_000)
        self._poll = QTimer(self, interval=30)  # follow the mouse even over widgets without tracking
        self._poll.timeout.connect(self._follow_mouse)

    def radius(self) -> float:
        return max(80.0, 0.12 * min(self.width(), self.height()))

    def cover(self, on: bool) -> None:
        super().cover(on)
        if on:
            self._follow_mouse()
            self._poll.start()
        else:
            self._poll.stop()

    def set_center(self, pos: QPoint) -> None:
        if pos != self.center:
            self.center = QPoint(pos)
            self.update()

    def _follow_mouse(self) -> None:
        self.set_center(self.mapFromGlobal(QCursor.pos()))

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        r = self.radius()
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        path.addRect(QRectF(self.rect()))
        path.addEllipse(QRectF(self.center.x() - r, self.center.y() - r, 2 * r, 2 * r))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(path, self.DIM)


class CursorHider(QObject):
    """Hides the mouse pointer after ``idle_ms`` without movement; shows it again on the next move."""

    def __init__(self, parent: QObject | None = None, idle_ms: int = 2000):
        super().__init__(parent)
        self.idle_ms = idle_ms
        self.hidden = False
        self._last_pos = QCursor.pos()
        self._last_move = time.monotonic()
        self._poll = QTimer(self, interval=100)
        self._poll.timeout.connect(self.poll)

    def start(self) -> None:
        self._last_pos, self._last_move = QCursor.pos(), time.monotonic()
        self._poll.start()

    def stop(self) -> None:
        self._poll.stop()
        self._show()

    def active(self) -> bool:
        return self._poll.isActive()

    def poll(self) -> None:
        pos = QCursor.pos()
        now = time.monotonic()
        if pos != self._last_pos:
            self._last_pos, self._last_move = pos, now
            self._show()
        elif not self.hidden and (now - self._last_move) * 1000 >= self.idle_ms:
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
            self.hidden = True

    def _show(self) -> None:
        if self.hidden:
            QApplication.restoreOverrideCursor()
            self.hidden = False
