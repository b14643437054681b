"""Is a window readable from the back of a classroom? Walks the widget tree for text smaller than a
minimum and for widgets that stick out of the window. Used by the projector tests and screenshots."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRect
from PySide6.QtGui import QFontInfo, QTextFormat
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from app.widgets.math_view import MathView
from app.widgets.theme import PROJECTOR

MIN_PX_1080 = PROJECTOR.font_px  # 28 px at 1920×1080


def min_text_px(height: int) -> int:
    """The smallest text allowed in a projector window this tall (28 px at 1080, 19 px at 720)."""
    return int(MIN_PX_1080 * min(1.0, height / 1080) + 0.5)


@dataclass(frozen=True)
class Problem:
    widget: str
    text: str
    issue: str

    def __str__(self) -> str:
        return f"{self.widget} {self.text[:40]!r}: {self.issue}"


def _name(w) -> str:
    name = w.objectName() if hasattr(w, "objectName") else ""
    chain, p = [], w.parent() if isinstance(w, QWidget) else None
    while p is not None and len(chain) < 3:
        chain.append(type(p).__name__)
        p = p.parent()
    return f"{type(w).__name__}{'#' + name if name else ''} in {'/'.join(chain)}"


def _text_of(w: QWidget) -> str:
    if isinstance(w, QLabel):
        return w.text() if w.pixmap().isNull() else ""
    if isinstance(w, QAbstractButton | QLineEdit):
        return w.text()
    if isinstance(w, QAbstractSpinBox):
        return w.text()
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, QTextEdit):
        return w.toPlainText()
    if isinstance(w, QTabBar):
        return " | ".join(w.tabText(i) for i in range(w.count()))
    return ""


def _shown(w: QWidget) -> bool:
    """Visible and at least partly on screen: not hidden, not zero-sized, not scrolled or clipped
    away by an ancestor (occlusion by siblings is not considered)."""
    if not w.isVisible() or w.width() <= 1 or w.height() <= 1:
        return False
    top = w.window()
    rect = QRect(w.mapTo(top, w.rect().topLeft()), w.size())
    p = w.parentWidget()
    while p is not None and not rect.isEmpty():
        rect = rect.intersected(QRect(p.mapTo(top, p.rect().topLeft()), p.size()))
        p = p.parentWidget()
    return not rect.isEmpty()


def _scene_texts(view: QGraphicsView):
    """(item, text, pixel size) for every visible text item of a graphics view (pyqtgraph plots)."""
    scene = view.scene()
    if scene is None:
        return
    viewport = view.viewport().rect()
    for item in scene.items():
        if not isinstance(item, QGraphicsTextItem | QGraphicsSimpleTextItem) or not item.isVisible():
            continue
        text = item.toPlainText() if isinstance(item, QGraphicsTextItem) else item.text()
        if not text.strip():
            continue
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        if not viewport.intersects(rect):
            continue
        t = item.sceneTransform() * view.transform()
        scale = math.hypot(t.m21(), t.m22())  # how tall a unit of height is drawn, rotated or not
        px = _document_px(item) if isinstance(item, QGraphicsTextItem) else QFontInfo(item.font()).pixelSize()
        yield item, text, px * scale
    yield from _axis_texts(view, viewport)


def _document_px(item: QGraphicsTextItem) -> float:
    """The smallest character size in a text item's document (pyqtgraph labels size text in HTML)."""
    doc = item.document()
    default = QFontInfo(doc.defaultFont()).pixelSize()
    smallest = None
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.text().strip():
                fmt = fragment.charFormat()
                if fmt.hasProperty(QTextFormat.Property.FontPixelSize):
                    px = fmt.intProperty(QTextFormat.Property.FontPixelSize)
                elif fmt.hasProperty(QTextFormat.Property.FontPointSize):
                    px = fmt.doubleProperty(QTextFormat.Property.FontPointSize) * 96 / 72
                else:
                    px = default
                smallest = px if smallest is None else min(smallest, px)
            it += 1
        block = block.next()
    return default if smallest is None else smallest


def _axis_texts(view: QGraphicsView, viewport: QRect):
    """pyqtgraph draws tick labels itself, in AxisItem.style['tickFont'] (or the widget font)."""
    try:
        from pyqtgraph import AxisItem
    except ImportError:  # pragma: no cover
        return
    for item in view.scene().items():
        if not isinstance(item, AxisItem) or not item.isVisible() or not item.style.get("showValues", True):
            continue
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        if not viewport.intersects(rect) or rect.width() < 2 or rect.height() < 2:
            continue
        font = item.style.get("tickFont") or item.font()
        yield item, f"{item.orientation} axis ticks", QFontInfo(font).pixelSize()


def audit(window: QWidget, min_px: int | None = None) -> list[Problem]:
    """Text below ``min_px`` and visible widgets outside the window, for every shown widget."""
    min_px = min_text_px(window.height()) if min_px is None else min_px
    problems: list[Problem] = []
    bounds = window.rect()
    for w in window.findChildren(QWidget):
        if not _shown(w):
            continue
        text = _text_of(w)
        if text.strip():
            px = w.fontInfo().pixelSize()
            if px < min_px:
                problems.append(Problem(_name(w), text, f"text {px} px < {min_px} px"))
        if isinstance(w, MathView) and w.latex() and w._natural.height() > 0:
            area = w.contentsRect()
            scale = min(w._scale_for(w.width()), area.height() / w._natural.height())
            if round(w._px * scale) < min_px:  # drawn sizes are fractional: to the nearest pixel
                problems.append(Problem(_name(w), w.latex(), f"formula at {w._px * scale:.0f} px < {min_px} px"))
        if isinstance(w, QGraphicsView):
            for item, label, px in _scene_texts(w):
                if round(px) < min_px:
                    problems.append(Problem(_name(item), label, f"plot text {px:.0f} px < {min_px} px"))
        if not _inside_scroller(w, window):
            rect = QRect(w.mapTo(window, w.rect().topLeft()), w.size())
            if not bounds.contains(rect):
                problems.append(Problem(_name(w), text, f"outside the window: {rect.getRect()} not in {bounds.getRect()}"))
    return problems


def _inside_scroller(w: QWidget, window: QWidget) -> bool:
    """Widgets inside a scroll area may extend past the window: the scroll area clips them."""
    p = w.parentWidget()
    while p is not None and p is not window:
        if isinstance(p, QAbstractScrollArea) and not isinstance(p, QGraphicsView):
            return True
        p = p.parentWidget()
    return False
