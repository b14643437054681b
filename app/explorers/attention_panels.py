"""The side views of the attention explorer, all passive:

- HeadStrip: small multiples of every head's weights and their average; click one to show it.
- RowView: the selected query's weights as bars over the keys, and its output as the weighted
  sum of value vectors (one row p_j·v_j per key, the sum below), as many rows as fit.
- SideColumn: the "Query row" and "Edit Q, K, V" pages.

Sizes are in units of the theme's font size (em), so a projector theme gets room in proportion.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.explorers.attention_axes import FittedTitle, TokenAxis
from app.explorers.attention_heatmap import FastImage, MatrixPlot, colormap
from app.widgets.theme import LIGHT, Theme, text_px

#: a small multiple is drawn from at most this many cells a side (more would not show at its size)
TILE_PX = 64
#: the heads' tiles are this tall, and their labels below get this much room (in font sizes)
TILE_EM, LABEL_EM = 3.6, 1.7
#: the weighted-sum view lists at most this many terms (the largest weights; the rest in one row)
SUM_ROWS = 10
#: the smallest heights, in units of the theme's font size, of the bar chart and the weighted sum
BARS_MIN_EM = 9.5
SUM_MIN_EM = 8.5
#: the smallest width of each of the two plots when they are side by side
PLOT_MIN_EM = 12


class HeadStrip(pg.GraphicsLayoutWidget):
    """Each head's attention weights side by side, then their average (when there are 2+ heads)."""

    head_clicked = Signal(int)  # 0 … heads − 1, or −1 for the average

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.vb = self.addViewBox(row=0, col=0, lockAspect=True, enableMouse=False, invertY=True)
        self.vb.setMenuEnabled(False)
        # one RGBA mosaic coloured here: the gaps are transparent without NaN (which pyqtgraph
        # masks on every frame), and one image is one paint
        self.image = FastImage(axisOrder="row-major")
        self.vb.addItem(self.image)
        self._lut = colormap("weights").getLookupTable(nPts=256, alpha=True).astype(np.uint8)
        self._rgba = np.zeros((0, 0, 4), np.uint8)
        self.frame = QGraphicsRectItem()
        self.frame.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.vb.addItem(self.frame)
        self.labels: list[pg.TextItem] = []
        self._tiles: list[int] = []  # head of each tile (−1 = average)
        self._n = 0
        self._gap = 1
        self._f = 1
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.apply_theme(LIGHT)

    def set_heads(self, weights: np.ndarray, mean: np.ndarray, selected: int) -> None:
        """weights (heads, n, n), mean (n, n); ``selected`` is framed (−1 = the average)."""
        h, n, _ = weights.shape
        tiles = list(range(h)) + ([-1] if h > 1 else [])
        gap = max(1, round(n * 0.18))
        relayout = tiles != self._tiles or n != self._n or gap != self._gap
        f = -(-n // TILE_PX)  # a tile is at most TILE_PX pixels: bigger ones are max-pooled
        m = -(-n // f)
        if relayout:
            self._rgba = np.zeros((m, (len(tiles) - 1) * (n + gap) // f + m, 4), np.uint8)
        for t, head in enumerate(tiles):
            x = t * (n + gap) // f
            w = mean if head < 0 else weights[head]
            if f > 1:  # the strongest weight of each f×f block, so sharp patterns stay visible
                w = np.pad(w, (0, m * f - n)).reshape(m, f, m, f).max(axis=(1, 3))
            self._rgba[:m, x:x + m] = self._lut[(np.clip(w, 0.0, 1.0) * 255).astype(np.uint8)]
        self.image.setImage(self._rgba, autoLevels=False)
        if relayout:  # after setImage: the rect scales the image it has
            self._layout(tiles, n, gap, f)
        t = tiles.index(selected) if selected in tiles else 0
        self.frame.setRect(QRectF(t * (n + gap) - 0.5, -0.5, n, n))

    def _layout(self, tiles: list[int], n: int, gap: int, f: int = 1) -> None:
        self._tiles, self._n, self._gap, self._f = tiles, n, gap, f
        width = len(tiles) * n + (len(tiles) - 1) * gap
        rows, cols = self._rgba.shape[:2]
        self.image.setRect(QRectF(-0.5, -0.5, cols * f, rows * f))
        for item in self.labels:
            self.vb.removeItem(item)
        self.labels = []
        font = QFont()
        font.setPixelSize(text_px(self.theme, offset=-3))
        tile_px = max(self.width(), 200) / max(len(tiles), 1)
        short = QFontMetricsF(font).horizontalAdvance("head 8") + 8 > tile_px
        for t, head in enumerate(tiles):
            text = ("avg" if short else "average") if head < 0 else (f"h{head + 1}" if short else f"head {head + 1}")
            label = pg.TextItem(text, anchor=(0.5, 0.0))
            label.setPos(t * (n + gap) + n / 2 - 0.5, n - 0.5 + 0.04 * n)
            self.vb.addItem(label)
            self.labels.append(label)
        self._style_labels()
        # below the tiles, room for a label in pixels: the tiles are TILE_EM tall, the label LABEL_EM
        below = max(n, 1) * (LABEL_EM / TILE_EM)
        self.vb.setRange(xRange=(-0.5, max(width, 1) - 0.5), yRange=(-0.5, max(n, 1) - 0.5 + below), padding=0)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override: labels may need to shorten
        super().resizeEvent(event)
        if getattr(self, "_tiles", None):  # (pyqtgraph resizes once before __init__ is done)
            self._layout(self._tiles, self._n, self._gap, self._f)

    def tile_at(self, scene_pos) -> int | None:
        if not self._tiles or not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        x = self.vb.mapSceneToView(scene_pos).x() + 0.5
        t = int(x // (self._n + self._gap))
        if 0 <= t < len(self._tiles) and x - t * (self._n + self._gap) <= self._n:
            return self._tiles[t]
        return None

    def tile_center(self, head: int):
        t = self._tiles.index(head)
        return self.mapFromScene(self.vb.mapViewToScene(QPointF(t * (self._n + self._gap) + self._n / 2 - 0.5,
                                                                self._n / 2 - 0.5)))

    def _on_mouse_clicked(self, ev) -> None:
        head = self.tile_at(ev.scenePos())
        if head is not None and ev.button() == Qt.MouseButton.LeftButton:
            self.head_clicked.emit(head)

    def _style_labels(self) -> None:
        font = QFont()
        font.setPixelSize(text_px(self.theme, offset=-3))
        for label in self.labels:
            label.setColor(self.theme.foreground)
            label.setFont(font)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        self.vb.setBackgroundColor(theme.background)
        pen = pg.mkPen(theme.series[1], width=theme.line_width * 1.25)
        pen.setCosmetic(True)
        self.frame.setPen(pen)
        self._style_labels()
        self.setFixedHeight(round(theme.font_px * (TILE_EM + LABEL_EM)) + 4)


class RowView(pg.GraphicsLayoutWidget):
    """The selected query row: weights over keys (bars) and o = Σ p_j·v_j (a small matrix), two
    plots in one view (each view has its own fixed cost per frame): one above the other, or side
    by side (``set_side_by_side``) when the view is wide and short."""

    hovered_key = Signal(int)  # −1 when the pointer leaves the bars

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.ci.layout.setContentsMargins(2, 2, 8, 2)
        self.axis = TokenAxis("bottom")
        self.plot = self.addPlot(row=0, col=0, axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.title = FittedTitle(self.plot, span=3)
        self.plot.setMouseEnabled(x=True, y=False)
        # 0 and 1 sit at the plot's edges; _fit_ticks keeps the labels apart, so draw them all (an
        # axis grid would clip the labels to the plot's height: the grid lines are drawn apart)
        self.plot.getAxis("left").setStyle(hideOverlappingLabels=False, textFillLimits=[(0, 2.0)])
        self.grid: list[pg.InfiniteLine] = []
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.75)
        self.masked = pg.ScatterPlotItem(symbol="x", size=9)
        self.plot.addItem(self.bars)
        self.plot.addItem(self.masked)
        self.plot.setYRange(0, 1.08, padding=0)
        self.plot.setLimits(yMin=0, yMax=1.08)
        self.plot.disableAutoRange()  # new bar heights must not re-range the axes (and redraw them)
        self.sum_view = MatrixPlot(colorbar=False, rotate_columns=False)  # columns 0 … d_k − 1
        self.addItem(self.sum_view, row=1, col=0)
        self.side_by_side = False
        self._n = -1
        self._hover = -1
        self._title = ""
        self._row = None  # the last set_row arguments: the sum is redrawn when its room changes
        self._sum_rows = SUM_ROWS
        self._yticks = None
        for item in (self.axis, self.plot.getAxis("left"), self.plot.titleLabel):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot.vb.sigResized.connect(self._fit_ticks)
        self.sum_view.vb.sigResized.connect(self._fit_sum)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.apply_theme(LIGHT)

    def set_side_by_side(self, on: bool) -> None:
        """Bars left of the weighted sum (a wide, short view) or above it."""
        if on == self.side_by_side:
            return
        self.side_by_side = on
        self.ci.removeItem(self.sum_view)
        self.ci.addItem(self.sum_view, row=0 if on else 1, col=1 if on else 0)
        self._min_size()

    def _min_size(self) -> None:
        em, on, grid = self.theme.font_px, self.side_by_side, self.ci.layout
        grid.setRowStretchFactor(0, 1)
        grid.setRowStretchFactor(1, 0 if on else 1)
        grid.setColumnStretchFactor(0, 1)
        grid.setColumnStretchFactor(1, 1 if on else 0)
        self.plot.setMinimumHeight(BARS_MIN_EM * em)
        self.sum_view.setMinimumHeight((BARS_MIN_EM if on else SUM_MIN_EM) * em)
        for item in (self.plot, self.sum_view):
            item.setMinimumWidth(PLOT_MIN_EM * em if on else 0)
        self.setMinimumSize(round(2 * PLOT_MIN_EM * em) if on else 0,
                            round((BARS_MIN_EM if on else BARS_MIN_EM + SUM_MIN_EM) * em) + 8)

    def set_row(self, weights: np.ndarray, masked: np.ndarray, labels: list[str], title,
                values: np.ndarray, output: np.ndarray, sum_title) -> None:
        """weights, masked: (n,); values (n, d) are v_j; output (d,) = Σ weights_j·v_j. The titles
        are HTML or tuples of versions, longest first."""
        self._row = (weights, labels, values, output)
        n = len(weights)
        x = np.arange(n, dtype=float)
        self.bars.setOpts(x=x, height=weights, width=0.75)
        mx = x[masked]
        self.masked.setData(mx, np.full(mx.shape, 0.03))
        self.axis.set_labels(labels)
        if n != self._n:
            self._n = n
            self.plot.setLimits(xMin=-0.6, xMax=max(n, 1) - 0.4)
            self.plot.setXRange(-0.6, max(n, 1) - 0.4, padding=0)
        self._title = title
        self.title.set(title, self.theme.foreground, self.theme.font_px)
        self._draw_sum()
        self.sum_view.set_title(sum_title)

    def _draw_sum(self) -> None:
        weights, labels, values, output = self._row
        n, rows_max = len(weights), self._sum_rows
        d = values.shape[1] if values.ndim == 2 else 0
        terms, row_labels = weights[:, None] * values, list(labels)
        if n > rows_max:  # the largest contributions, in key order, and the rest summed in one row
            keep = np.sort(np.argsort(-weights, kind="stable")[:rows_max - 1])
            rest = np.setdiff1d(np.arange(n), keep)
            terms = np.vstack([terms[keep], terms[rest].sum(axis=0, keepdims=True)])
            row_labels = [labels[j] for j in keep] + [f"{len(rest)} others"]
        rows = np.vstack([terms, np.full((1, d), np.nan), output[None, :]]) if n else np.zeros((0, d))
        finite = rows[np.isfinite(rows)]
        top = float(np.max(np.abs(finite))) if finite.size else 1.0
        row_labels = row_labels + ["", "o = Σ"] if n else []
        pins = ((len(row_labels) - 1,) + ((len(row_labels) - 3,) if n > rows_max else ())) if n else ()
        self.sum_view.set_matrix(rows, row_labels, [str(a) for a in range(d)], kind="signed",
                                 levels=(-top, top) if top > 0 else (-1.0, 1.0), pinned_rows=pins)

    def _line_px(self) -> float:
        font = QFont()
        font.setPixelSize(text_px(self.theme, offset=-2))
        return QFontMetricsF(font).height()

    def _fit_sum(self) -> None:
        """As many term rows as fit a label each (plus the blank row and o = Σ): labels never overlap."""
        fit = int(self.sum_view.vb.height() / self._line_px()) - 2
        rows = int(np.clip(fit, 2, SUM_ROWS))
        if rows != self._sum_rows:
            self._sum_rows = rows
            if self._row is not None:
                self._draw_sum()

    def _fit_ticks(self) -> None:
        """Fewer weight ticks on a short plot, so their labels never overlap."""
        room = self.plot.vb.height() / (1.3 * self._line_px())  # labels at least 1.3 lines apart
        step = next((s for s in (0.2, 0.25, 0.5, 1.0) if 1.0 / s <= room), 1.0)
        if step != self._yticks:
            self._yticks = step
            ticks = [(float(v), f"{v:g}") for v in np.arange(0.0, 1.0 + 1e-9, step)]
            self.plot.getAxis("left").setTicks([ticks, []])
            for line in self.grid:
                self.plot.removeItem(line)
            pen = pg.mkPen(self.theme.grid, width=1)
            self.grid = [pg.InfiniteLine(v, angle=0, pen=pen) for v, _ in ticks[1:]]
            for line in self.grid:
                line.setZValue(-1)
                self.plot.addItem(line)

    def _on_mouse_moved(self, pos) -> None:
        j = -1
        if self.plot.vb.sceneBoundingRect().contains(pos) and self._n > 0:
            x = self.plot.vb.mapSceneToView(pos).x()
            j = int(np.floor(x + 0.5)) if -0.5 <= x < self._n - 0.5 else -1
        if j != self._hover:
            self._hover = j
            self.hovered_key.emit(j)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        font = QFont()
        font.setPixelSize(text_px(theme, offset=-2))
        for name in ("left", "bottom"):
            ax = self.plot.getAxis(name)
            ax.setPen(pg.mkPen(theme.muted, width=max(1.0, theme.line_width / 2)))
            ax.setTextPen(pg.mkPen(theme.foreground))
            ax.setTickFont(font)
        self.axis.set_font(font)
        self.bars.setOpts(brush=pg.mkBrush(theme.series[0]), pen=pg.mkPen(theme.background, width=0.5))
        self.masked.setPen(pg.mkPen(theme.muted, width=max(1.5, theme.line_width * 0.75)))
        self.masked.setSize(round(theme.font_px * 0.7))
        self.sum_view.apply_theme(theme)
        if self._title:
            self.title.set(self._title, theme.foreground, theme.font_px)
        self._min_size()
        self._yticks = None
        self._fit_ticks()
        self._fit_sum()


class SideColumn(QWidget):
    """Beside (or below) the heatmap: "Query row" / "Edit Q, K, V" pages under two toggle buttons
    (a QTabWidget's frame alone would cost ~0.8 ms a frame)."""

    def __init__(self, *pages: QWidget, names=("Query row", "Edit Q, K, V")):
        super().__init__()
        self.stack = QStackedWidget()
        self.buttons = QButtonGroup(self)
        switcher = QHBoxLayout()
        switcher.setSpacing(2)
        for i, (page, name) in enumerate(zip(pages, names, strict=True)):
            self.stack.addWidget(page)
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setChecked(i == 0)
            self.buttons.addButton(button, i)
            switcher.addWidget(button)
        switcher.addStretch(1)
        self.buttons.idClicked.connect(self.stack.setCurrentIndex)
        self.stack.currentChanged.connect(lambda i: self.buttons.button(i).setChecked(True))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(switcher)
        column.addWidget(self.stack, 1)
