"""A labelled matrix heatmap: token labels on both axes, a colour bar, the numbers written in the
cells when they are large enough to read (zoom in to see them), a hover cursor and a selected row.

Passive: ``set_matrix`` draws what it is given; hovering and clicking are reported as signals.
NaN cells (−∞ after the mask) are transparent and show a hatched background.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from app.explorers.attention_axes import FittedTitle, TokenAxis
from app.widgets.theme import LIGHT, Theme, text_px

#: sequential map for weights in [0, 1]; colour-blind-safe diverging map for signed numbers
WEIGHTS_MAP = "viridis"
SIGNED_MAP = "CET-CBD1"
#: a cell's numbers are written when it is at least this many pixels wide (and tall)
MIN_CELL_PX = 30


@cache
def colormap(kind: str) -> pg.ColorMap:
    return pg.colormap.get(WEIGHTS_MAP if kind == "weights" else SIGNED_MAP)


@cache
def _luminance(kind: str) -> np.ndarray:
    """Relative luminance of 256 steps of the colour map (to write dark or light numbers on it)."""
    rgb = colormap(kind).map(np.linspace(0, 1, 256), mode="float")[:, :3]
    return 0.2126 * rgb[:, 0] + 0.7152 * rgb[:, 1] + 0.0722 * rgb[:, 2]


def fmt(v: float) -> str:
    """A cell's number in at most 5 characters: 0.37, −12.50, 1234, 3e+05; −∞ for a masked cell."""
    if np.isnan(v):
        return "−∞"
    a = abs(v)
    text = f"{v:.2f}" if a < 99.995 else (f"{v:.0f}" if a < 9999.5 else f"{v:.0e}".replace("e+0", "e+"))
    return ("0.00" if text == "-0.00" else text).replace("-", "−")


class FastImage(pg.ImageItem):
    """An ImageItem whose QImage is premultiplied ARGB32: Qt then scales it straight onto the
    screen, instead of converting an indexed or RGBA image on every paint (~1.5 ms each here)."""

    def render(self):
        super().render()
        if self.qimage is not None and self.qimage.format() != QImage.Format.Format_ARGB32_Premultiplied:
            self.qimage = self.qimage.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


class CellNumbers(QGraphicsItem):
    """Every cell's value as text, in screen pixels, drawn only when the cells are big enough."""

    def __init__(self):
        super().__init__()
        self._data = np.zeros((0, 0))
        self._kind, self._levels = "weights", (0.0, 1.0)
        self._font = QFont()
        self.show_nan = False  # write −∞ in NaN cells
        self.nan_colour = QColor("#6B7280")
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresParentOpacity)

    def set_data(self, data: np.ndarray, kind: str = "weights", levels=(0.0, 1.0)) -> None:
        if data.shape != self._data.shape:
            self.prepareGeometryChange()
        self._data, self._kind, self._levels = data, kind, levels
        self.update()

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 — Qt override
        rows, cols = self._data.shape
        return QRectF(-0.5, -0.5, cols, rows)

    def paint(self, p, option, widget=None) -> None:
        rows, cols = self._data.shape
        t = p.transform()
        cw, ch = abs(t.m11()), abs(t.m22())
        if rows == 0 or min(cw, ch) < MIN_CELL_PX:
            return
        view = p.clipBoundingRect() if p.hasClipping() else self.boundingRect()
        j0, j1 = max(0, int(view.left() + 0.5)), min(cols, int(view.right() + 1.5))
        i0, i1 = max(0, int(view.top() + 0.5)), min(rows, int(view.bottom() + 1.5))
        p.save()
        p.resetTransform()
        font = QFont(self._font)
        font.setPixelSize(max(8, min(self._font.pixelSize() if self._font.pixelSize() > 0 else 12,
                                     int(min(cw / 3.4, ch / 1.8)))))
        p.setFont(font)
        fm = QFontMetricsF(font)
        lo, hi = self._levels
        lum = _luminance(self._kind)
        white, black, muted = QPen(QColor("#FFFFFF")), QPen(QColor("#111111")), QPen(self.nan_colour)
        for i in range(i0, i1):
            for j in range(j0, j1):
                v = float(self._data[i, j])
                nan = np.isnan(v)
                text = fmt(v)
                if (nan and not self.show_nan) or fm.horizontalAdvance(text) > cw - 4:
                    continue
                c = t.map(QPointF(j, i))
                dark = not nan and lum[int(np.clip((v - lo) / ((hi - lo) or 1.0), 0, 1) * 255)] < 0.45
                p.setPen(muted if nan else white if dark else black)
                p.drawText(QRectF(c.x() - cw / 2, c.y() - ch / 2, cw, ch), int(Qt.AlignmentFlag.AlignCenter), text)
        p.restore()


class MatrixPlot(pg.PlotItem):
    """A matrix as an image with token axes, cell numbers, a selected row, a hover cursor and
    (optionally) a colour bar. Several can share one GraphicsLayoutWidget (one view to paint)."""

    def __init__(self, colorbar: bool = True, rotate_columns: bool = True):
        self.left, self.bottom = TokenAxis("left"), TokenAxis("bottom", rotate=rotate_columns)
        super().__init__(axisItems={"left": self.left, "bottom": self.bottom})
        self.theme = LIGHT
        self.setMenuEnabled(False)
        self.hideButtons()
        self.invertY(True)
        self.title = FittedTitle(self, span=4)  # left axis, matrix, right axis, colour bar
        self.vb = self.getViewBox()
        self.hatch = QGraphicsRectItem()  # NaN cells are transparent: masked cells show this hatching
        self.hatch.setPen(QPen(Qt.PenStyle.NoPen))
        self.image = FastImage(axisOrder="row-major")
        self.numbers = CellNumbers()
        self.row_mark = QGraphicsRectItem()
        self.row_mark.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.cursor = QGraphicsRectItem(0, 0, 1, 1)
        self.cursor.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.cursor.hide()
        for z, item in enumerate((self.hatch, self.image, self.numbers, self.row_mark, self.cursor)):
            item.setZValue(z)
            self.addItem(item)
        self.bar = None
        if colorbar:
            self.bar = pg.ColorBarItem(values=(0, 1), colorMap=colormap("weights"), interactive=False, width=14)
            self.bar.setImageItem(self.image)
            self.bar.getAxis("right").setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # inside the plot's own grid, beside the view box: the bar is exactly as tall as the matrix
            self.layout.addItem(self.bar, 2, 3)
            self.layout.setColumnSpacing(2, 8)
        self._kind = "weights"
        self._levels = (0.0, 1.0)
        self._title = ""
        # axes, title and colour bar are drawn into pixmaps Qt keeps until they change: a frame
        # that only changes the image does not lay out (rotated) text again
        for item in (self.left, self.bottom, self.titleLabel):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._shape = (0, 0)
        self._hover = (-1, -1)
        self._data = np.zeros((0, 0))
        self.apply_theme(LIGHT)

    # --- drawing -----------------------------------------------------------------------------
    def set_matrix(self, data: np.ndarray, rows: list[str], cols: list[str], kind: str = "weights",
                   levels: tuple[float, float] | None = None, numbers: bool = True, masked: bool = False,
                   pinned_rows: tuple[int, ...] = ()) -> None:
        """Show ``data`` (rows × cols). kind "weights" (viridis, 0…1) or "signed" (diverging,
        symmetric about 0 unless ``levels`` is given). NaN cells are blank, or hatched and written
        −∞ when ``masked``. ``pinned_rows`` always keep their labels."""
        data = np.asarray(data, dtype=float)
        self.hatch.setVisible(masked and data.size > 0)
        self.numbers.show_nan = masked
        if data.size == 0:  # nothing to show (no tokens): an empty plot, no labels
            self.image.clear()
            self.left.set_labels([])
            self.bottom.set_labels([])
            self.numbers.set_data(np.zeros((0, 0)))
            self._shape = (0, 0)
            self.row_mark.hide()
            self._refresh_hover()
            return
        self._data = data
        if levels is None:
            if kind == "weights":
                levels = (0.0, 1.0)
            else:
                finite = data[np.isfinite(data)]
                top = float(np.max(np.abs(finite))) if finite.size else 1.0
                levels = (-top, top) if top > 0 else (-1.0, 1.0)
        if kind != self._kind:
            self._kind = kind
            if self.bar is not None:
                self.bar.setColorMap(colormap(kind))
            else:
                self.image.setColorMap(colormap(kind))
        shape = data.shape
        self.image.setImage(data, autoLevels=False)
        if levels != self._levels or self.bar is None:
            self._levels = levels
            if self.bar is not None:
                self.bar.setLevels(levels)
            else:
                self.image.setLevels(levels)
        self.left.set_labels(rows, pinned_rows)
        self.bottom.set_labels(cols)
        if shape != self._shape:
            self._shape = shape
            r, c = shape
            rect = QRectF(-0.5, -0.5, max(c, 1), max(r, 1))
            self.image.setRect(rect)
            self.hatch.setRect(rect)
            self.vb.setLimits(xMin=-0.5, xMax=max(c, 1) - 0.5, yMin=-0.5, yMax=max(r, 1) - 0.5,
                              minXRange=min(max(c, 1), 2), minYRange=min(max(r, 1), 2))
            self.reset_zoom()
        self.numbers.set_data(data if numbers else np.zeros((0, 0)), kind, levels)
        self._refresh_hover()

    def set_title(self, versions) -> None:
        """A title (HTML), or several versions of it, longest first: the longest that fits is shown."""
        self._title = versions
        self.title.set(versions, self.theme.foreground, self.theme.font_px)

    @property
    def matrix_shape(self) -> tuple[int, int]:
        """Rows and columns of the matrix shown ((0, 0) when empty)."""
        return self._shape

    def set_selected_row(self, i: int | None) -> None:
        rows, cols = self._shape
        if i is None or not 0 <= i < rows:
            self.row_mark.hide()
            return
        self.row_mark.setRect(QRectF(-0.5, i - 0.5, cols, 1))
        self.row_mark.show()

    def reset_zoom(self) -> None:
        r, c = self._shape
        self.vb.setRange(xRange=(-0.5, max(c, 1) - 0.5), yRange=(-0.5, max(r, 1) - 0.5), padding=0)

    # --- pointer (the view that holds this plot forwards its scene's events) -------------------
    def cell_at(self, scene_pos) -> tuple[int, int]:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return -1, -1
        p = self.vb.mapSceneToView(scene_pos)
        i, j = int(np.floor(p.y() + 0.5)), int(np.floor(p.x() + 0.5))
        rows, cols = self._shape
        return (i, j) if 0 <= i < rows and 0 <= j < cols else (-1, -1)

    def set_hover(self, cell: tuple[int, int]) -> bool:
        """Move the cursor to ``cell`` ((−1, −1): hide it); returns whether it moved."""
        if cell == self._hover:
            return False
        self._hover = cell
        self._refresh_hover()
        return True

    def _refresh_hover(self) -> None:
        i, j = self._hover
        rows, cols = self._shape
        if 0 <= i < rows and 0 <= j < cols:
            self.cursor.setRect(QRectF(j - 0.5, i - 0.5, 1, 1))
            self.cursor.show()
        else:
            self.cursor.hide()

    # --- look --------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        font = QFont()
        font.setPixelSize(text_px(theme, offset=-2))
        for ax in (self.left, self.bottom):
            ax.setPen(pg.mkPen(theme.muted, width=max(1.0, theme.line_width / 2)))
            ax.setTextPen(pg.mkPen(theme.foreground))
            ax.set_font(font)
        self.numbers.set_font(font)
        self.numbers.nan_colour = QColor(theme.foreground)
        hatch = QBrush(QColor(theme.muted), Qt.BrushStyle.BDiagPattern)
        self.hatch.setBrush(hatch)
        self.vb.setBackgroundColor(theme.panel)
        self.row_mark.setPen(pg.mkPen(theme.series[1], width=theme.line_width * 1.25))
        self.cursor.setPen(pg.mkPen(theme.foreground, width=theme.line_width))
        for pen_item in (self.row_mark, self.cursor):
            pen = pen_item.pen()
            pen.setCosmetic(True)
            pen_item.setPen(pen)
        if self.bar is not None:
            ax = self.bar.getAxis("right")
            ax.setPen(pg.mkPen(theme.muted))
            ax.setTextPen(pg.mkPen(theme.foreground))
            ax.setTickFont(font)
            ax.setWidth(round(QFontMetricsF(font).horizontalAdvance("−0.00") + 12))
            self.bar.layout.setColumnFixedWidth(1, max(12, theme.font_px))
        if self._title:
            self.set_title(self._title)


class HeatmapView(pg.GraphicsLayoutWidget):
    """One MatrixPlot in its own view, with hover and click reported as signals."""

    hovered = Signal(int, int)  # row, column; (−1, −1) when the pointer leaves the matrix
    clicked = Signal(int, int, bool)  # row, column, shift held

    def __init__(self, parent=None, colorbar: bool = True):
        super().__init__(parent)
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.plot = MatrixPlot(colorbar)
        self.addItem(self.plot, row=0, col=0)
        m = self.plot
        self.left, self.bottom, self.vb, self.image, self.bar = m.left, m.bottom, m.vb, m.image, m.bar
        self.numbers, self.hatch, self.row_mark, self.cursor = m.numbers, m.hatch, m.row_mark, m.cursor
        self.set_matrix, self.set_title, self.set_selected_row = m.set_matrix, m.set_title, m.set_selected_row
        self.reset_zoom, self.cell_at = m.reset_zoom, m.cell_at
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.apply_theme(LIGHT)

    def cell_center(self, i: int, j: int):
        """Where cell (i, j) is in widget pixels (for tests that click)."""
        return self.mapFromScene(self.vb.mapViewToScene(QPointF(j, i)))

    def _on_mouse_moved(self, pos) -> None:
        cell = self.plot.cell_at(pos)
        if self.plot.set_hover(cell):
            self.hovered.emit(*cell)

    def _on_mouse_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        i, j = self.plot.cell_at(ev.scenePos())
        if i >= 0:
            self.clicked.emit(i, j, bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier))

    def leaveEvent(self, event) -> None:  # noqa: N802 — Qt override
        if self.plot.set_hover((-1, -1)):
            self.hovered.emit(-1, -1)
        super().leaveEvent(event)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        self.plot.apply_theme(theme)
