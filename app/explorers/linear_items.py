"""Small Qt parts of the linear-map explorer: the draggable tip handle, the matrix brackets and
number formatting. No model code here."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QWidget


def fmt(x: float, digits: int = 2) -> str:
    """A number for people: fixed digits, a real minus sign, never "-0.00"."""
    s = f"{x:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "−")


class DragHandle(pg.GraphicsObject):
    """A round handle of fixed screen size that the user drags; it does not move itself.

    The owner listens to ``dragged(QPointF view_pos, Qt.KeyboardModifiers)`` and moves the handle
    (with ``setPos``) to wherever the model says the point now is, so clamping and snapping stay in
    one place. The hit area (``hit_radius`` pixels) is larger than the drawn dot so it is easy to grab.

    Its shape lives in view coordinates, rebuilt from the pixel size when the view changes (as
    pyqtgraph's TargetItem does): with ItemIgnoresTransformations Qt's hit test under the flipped,
    scaled view box only found the item within ~3 px of its centre.
    """

    drag_started = Signal()
    dragged = Signal(object, object)  # QPointF in view coordinates, keyboard modifiers
    drag_finished = Signal()

    def __init__(self, color: str = "#0072B2", hit_radius: float = 18.0):
        super().__init__()
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self._hover = False
        self._dragging = False
        self._offset = QPointF()
        self._shape: QPainterPath | None = None
        self.set_style(color, hit_radius)

    def set_style(self, color: str, hit_radius: float, ring_width: float = 1.5) -> None:
        self._hit = float(hit_radius)

        def tint(alpha: int) -> QColor:
            c = QColor(color)
            c.setAlpha(alpha)
            return c

        self._halo, self._halo_hot = QBrush(tint(45)), QBrush(tint(95))
        self._ring, self._ring_hot = QPen(tint(150), ring_width), QPen(tint(230), ring_width)
        self.viewTransformChanged()

    @property
    def dragging(self) -> bool:
        return self._dragging

    # --- QGraphicsItem ---------------------------------------------------------------------------
    def viewTransformChanged(self) -> None:  # noqa: N802 — pyqtgraph hook
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._shape = None
        self.update()

    def shape(self) -> QPainterPath:
        if self._shape is None:
            pw, ph = self.pixelSize()
            path = QPainterPath()
            if pw is not None:  # shown: a circle of hit_radius pixels, in view units
                path.addEllipse(QPointF(0, 0), self._hit * pw, self._hit * ph)
            self._shape = path
        return self._shape

    def boundingRect(self) -> QRectF:  # noqa: N802 — Qt override
        r = self.shape().boundingRect()
        return r.adjusted(-r.width() * 0.1, -r.height() * 0.1, r.width() * 0.1, r.height() * 0.1)

    def paint(self, p: QPainter, *args) -> None:
        # draw in device pixels around the item's origin: a circle whatever the view's scaling
        centre = p.transform().map(QPointF(0, 0))
        p.resetTransform()
        p.translate(centre)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        hot = self._hover or self._dragging
        p.setPen(self._ring_hot if hot else self._ring)
        p.setBrush(self._halo_hot if hot else self._halo)
        r = self._hit if hot else self._hit * 0.8
        p.drawEllipse(QPointF(0, 0), r, r)

    # --- pyqtgraph mouse protocol ----------------------------------------------------------------
    def hoverEvent(self, ev) -> None:  # noqa: N802 — pyqtgraph override
        hover = (not ev.isExit()) and ev.acceptDrags(Qt.MouseButton.LeftButton)
        if hover != self._hover:
            self._hover = hover
            self.update()

    def mouseDragEvent(self, ev) -> None:  # noqa: N802 — pyqtgraph override
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        parent = self.parentItem()
        if ev.isStart():
            # keep the grab point under the cursor instead of jumping the tip to it
            self._offset = self.pos() - parent.mapFromScene(ev.buttonDownScenePos())
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            self.update()
            self.drag_started.emit()
        if not self._dragging:
            return
        self.dragged.emit(parent.mapFromScene(ev.scenePos()) + self._offset, ev.modifiers())
        if ev.isFinish():
            self._dragging = False
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            self.update()
            self.drag_finished.emit()


class MatrixFrame(QFrame):
    """A frame that paints square matrix brackets [ ] on its left and right edges."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pen = QPen(QColor("#1B1F24"), 2)
        self._serif = 8

    def set_style(self, color: str, width: float, serif: int) -> None:
        self._pen = QPen(QColor(color), width)
        self._pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self._pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self._serif = serif
        m = serif + round(width) + 4
        self.setContentsMargins(m, 2, m, 2)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().paintEvent(event)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(self._pen)
        w = self._pen.widthF()
        r = QRectF(self.rect()).adjusted(w / 2 + 1, w / 2 + 1, -w / 2 - 1, -w / 2 - 1)
        s = self._serif
        for x0, x1 in ((r.left() + s, r.left()), (r.right() - s, r.right())):
            path = QPainterPath(QPointF(x0, r.top()))
            path.lineTo(x1, r.top())
            path.lineTo(x1, r.bottom())
            path.lineTo(x0, r.bottom())
            p.drawPath(path)
        p.end()
