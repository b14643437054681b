"""Cheap plot items for the Bayes explorer's figures, made for a redraw on every flip.

Qt strokes a wide antialiased 1 000-point path as one polygon and dashes it segment by segment,
which costs several ms a curve at 960×720. So curves are drawn as separate line segments
(pyqtgraph's segmented line mode: one ``drawLines`` call), and dashes are cut into the data itself
— NaN gaps every so many screen pixels along the curve — instead of by the pen. Markers are two-point
curves with a text label (not InfiniteLines, whose labels re-lay themselves out on every move), and
the grid is one segmented item that only changes when the axis ticks do.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ v: a y-range that stays
    put while a density grows a little (the axis is then not re-laid out on every flip)."""
    if not (v > 0 and math.isfinite(v)):
        return 1.0
    m = 10.0 ** math.floor(math.log10(v))
    return next(f * m for f in NICE if f * m >= v * (1 - 1e-12))


def dash(x: np.ndarray, y: np.ndarray, sx: float, sy: float, on: float, off: float) -> np.ndarray:
    """``y`` with NaN wherever the curve is in a gap of an ``on``-``off`` dash pattern measured in
    screen pixels along the curve (``sx``, ``sy``: pixels per data unit)."""
    if on <= 0 or off <= 0 or len(x) < 2:
        return y
    seg = np.hypot(np.diff(x) * sx, np.diff(np.minimum(y, 1e300)) * sy)
    s = np.concatenate(([0.0], np.cumsum(seg)))
    out = y.astype(float, copy=True)
    out[np.mod(s, on + off) >= on] = np.nan
    return out


class FastCurve(pg.PlotCurveItem):
    """A PlotCurveItem whose bounding rectangle is given (the plot window), not measured from its
    data: pyqtgraph re-measures a curve (NaN-aware min/max, pen padding in pixels) each time the
    scene asks after a setData — about 15 times per flip for this figure's items."""

    _bounds = QRectF()

    def set_bounds(self, rect: QRectF) -> None:
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(rect)

    def boundingRect(self) -> QRectF:  # noqa: N802 — Qt override
        return self._bounds

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N802 — pyqtgraph override
        r = self._bounds
        return [r.left(), r.right()] if ax == 0 else [r.top(), r.bottom()]


def segmented_curve(plot: pg.PlotItem, z: float, **kw) -> FastCurve:
    item = FastCurve(skipFiniteCheck=True, connect="finite", antialias=True, **kw)
    item.setSegmentedLineMode("on")
    item.setZValue(z)
    plot.addItem(item)
    return item


class Marker:
    """A vertical line from 0 to the top of the view at x = value, with a label near the top at
    ``height`` (a fraction of the view's height), right of the line or, near the right edge, left
    of it. Drawn by its MarkerLayer, which paints all the markers in one go."""

    def __init__(self, layer: MarkerLayer, name: str, height: float = 0.9):
        self.layer, self.name, self.height = layer, name, height
        self.x, self.top, self.left = math.nan, 1.0, False
        self._visible = False
        self.pen, self.colour, self.font, self.fill = QPen(), QColor(), QFont(), QColor(0, 0, 0, 0)
        layer.markers.append(self)

    def set(self, value: float | None, lo: float, hi: float, ymax: float) -> None:
        """Show the marker at ``value`` (hide it for None/NaN or outside [lo, hi])."""
        self._visible = value is not None and not math.isnan(value) and lo <= value <= hi
        if self._visible:
            self.x, self.top = float(value), ymax
            self.left = (value - lo) / (hi - lo) > 0.8
        self.layer.update()

    def value(self) -> float:
        return self.x

    def isVisible(self) -> bool:  # noqa: N802 — reads like the Qt items it stands for
        return self._visible

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        self._visible = visible
        self.layer.update()

    def style(self, pen: QPen, colour: str, font: QFont, fill: QColor) -> None:
        self.pen, self.colour, self.font, self.fill = QPen(pen), QColor(colour), QFont(font), QColor(fill)
        self.layer.update()


class MarkerLayer(pg.GraphicsObject):
    """Every marker's line and label in one item: one paint per frame instead of eight items (a
    curve and a text item each) that each ask for their geometry when they move."""

    def __init__(self, plot: pg.PlotItem, z: float = 4):
        super().__init__()
        self.markers: list[Marker] = []
        self._bounds = QRectF()
        self.gap = 6.0  # label offset from its line, in pixels
        self.setZValue(z)
        plot.addItem(self, ignoreBounds=True)

    def set_bounds(self, rect: QRectF) -> None:
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(rect)

    def boundingRect(self) -> QRectF:  # noqa: N802 — Qt override
        return self._bounds

    def paint(self, p: QPainter, *args) -> None:
        shown = [m for m in self.markers if m._visible]
        if not shown:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for m in shown:  # in data coordinates (the pens are cosmetic: widths in pixels)
            p.setPen(m.pen)
            p.drawLine(QPointF(m.x, 0.0), QPointF(m.x, m.top))
        to_device = p.transform()
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for m in shown:
            fm = QFontMetricsF(m.font)
            w, h = fm.horizontalAdvance(m.name) + 6, fm.height()
            at = to_device.map(QPointF(m.x, m.height * m.top))
            x = at.x() - self.gap - w if m.left else at.x() + self.gap
            rect = QRectF(x, at.y() - h / 2, w, h)
            p.fillRect(rect, m.fill)
            p.setFont(m.font)
            p.setPen(m.colour)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, m.name)
        p.restore()


class GridLines:
    """Faint lines at the major ticks of both axes, as one segmented item (redrawn only when the
    ticks change)."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.item = FastCurve(skipFiniteCheck=True, connect="pairs", antialias=False)
        self.item.setSegmentedLineMode("on")
        self.item.setZValue(-5)
        plot.addItem(self.item, ignoreBounds=True)
        self._key = None

    def update(self, xr: tuple[float, float], yr: tuple[float, float], size: tuple[float, float]) -> None:
        key = (xr, yr, size)
        if key == self._key:
            return
        self._key = key
        self.item.set_bounds(QRectF(xr[0], yr[0], xr[1] - xr[0], yr[1] - yr[0]))
        xs = _major(self.plot.getAxis("bottom"), xr, size[0])
        ys = _major(self.plot.getAxis("left"), yr, size[1])
        px = np.concatenate([[[x, yr[0]], [x, yr[1]]] for x in xs] + [[[xr[0], y], [xr[1], y]] for y in ys]
                            or [np.empty((0, 2))])
        self.item.setData(px[:, 0], px[:, 1])

    def set_pen(self, pen) -> None:
        self.item.setPen(pen)
        self._key = None


def _major(axis: pg.AxisItem, rng: tuple[float, float], size: float) -> list[float]:
    levels = axis.tickValues(rng[0], rng[1], size)
    return [v for v in (levels[0][1] if levels else []) if rng[0] < v < rng[1]]
