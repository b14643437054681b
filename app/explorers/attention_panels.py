"""The side views of the attention explorer, all passive:

- HeadStrip: small multiples of every head's weights and their average; click one to show it.
- RowView: the selected query's weights as bars over the keys, and its output as the weighted
  sum of value vectors (one row p_j·v_j per key, the sum below).
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

from app.explorers.attention_axes import TokenAxis
from app.explorers.attention_heatmap import FastImage, MatrixPlot, colormap, shrinkable_title
from app.widgets.theme import LIGHT, Theme, text_px

#: a small multiple is drawn from at most this many cells a side (more would not show at its size)
TILE_PX = 64
#: the weighted-sum view lists at most this many terms (the largest weights; the rest in one row)
SUM_ROWS = 10


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
            label.setPos(t * (n + gap) + n / 2 - 0.5, n - 0.5 + max(0.15 * n, 0.15))
            self.vb.addItem(label)
            self.labels.append(label)
        self._style_labels()
        self.vb.setRange(xRange=(-0.5, max(width, 1) - 0.5), yRange=(-0.5, max(n, 1) * 1.45 - 0.5), padding=0.02)

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
        self.setFixedHeight(round(theme.font_px * 5.5))


class RowView(pg.GraphicsLayoutWidget):
    """The selected query row: weights over keys (bars) and o = Σ p_j·v_j (a small matrix), two
    plots in one view (each view has its own fixed cost per frame)."""

    hovered_key = Signal(int)  # −1 when the pointer leaves the bars

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.ci.layout.setContentsMargins(2, 2, 8, 2)
        self.axis = TokenAxis("bottom")
        self.plot = self.addPlot(row=0, col=0, axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        shrinkable_title(self.plot)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(y=True, alpha=0.25)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.75)
        self.masked = pg.ScatterPlotItem(symbol="x", size=9)
        self.plot.addItem(self.bars)
        self.plot.addItem(self.masked)
        self.plot.setYRange(0, 1.08, padding=0)
        self.plot.setLimits(yMin=0, yMax=1.08)
        self.plot.disableAutoRange()  # new bar heights must not re-range the axes (and redraw them)
        self.sum_view = MatrixPlot(colorbar=False)
        self.addItem(self.sum_view, row=1, col=0)
        self.ci.layout.setRowStretchFactor(0, 1)
        self.ci.layout.setRowStretchFactor(1, 1)
        self._n = -1
        self._hover = -1
        self._title = ""
        for item in (self.axis, self.plot.getAxis("left"), self.plot.titleLabel):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.apply_theme(LIGHT)

    def set_row(self, weights: np.ndarray, masked: np.ndarray, labels: list[str], title: str,
                values: np.ndarray, output: np.ndarray, sum_title: str) -> None:
        """weights, masked: (n,); values (n, d) are v_j; output (d,) = Σ weights_j·v_j."""
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
        if title != self._title:
            self._title = title
            self.plot.setTitle(title, color=self.theme.foreground, size=f"{self.theme.font_px}px")
        d = values.shape[1] if values.ndim == 2 else 0
        terms, row_labels = weights[:, None] * values, list(labels)
        if n > SUM_ROWS:  # the largest contributions, in key order, and the rest summed in one row
            keep = np.sort(np.argsort(-weights, kind="stable")[:SUM_ROWS - 1])
            rest = np.setdiff1d(np.arange(n), keep)
            terms = np.vstack([terms[keep], terms[rest].sum(axis=0, keepdims=True)])
            row_labels = [labels[j] for j in keep] + [f"{len(rest)} others"]
        rows = np.vstack([terms, np.full((1, d), np.nan), output[None, :]]) if n else np.zeros((0, d))
        finite = rows[np.isfinite(rows)]
        top = float(np.max(np.abs(finite))) if finite.size else 1.0
        row_labels = row_labels + ["", "o = Σ"] if n else []
        pins = ((len(row_labels) - 1,) + ((len(row_labels) - 3,) if n > SUM_ROWS else ())) if n else ()
        self.sum_view.set_matrix(rows, row_labels, [str(a) for a in range(d)], kind="signed",
                                 levels=(-top, top) if top > 0 else (-1.0, 1.0), pinned_rows=pins)
        self.sum_view.set_title(sum_title)

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
            self.plot.setTitle(self._title, color=theme.foreground, size=f"{theme.font_px}px")


class SideColumn(QWidget):
    """Beside the heatmap: "Query row" / "Edit Q, K, V" pages under two toggle buttons (a
    QTabWidget's frame alone would cost ~0.8 ms a frame), and the heads' small multiples below."""

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
        self.strip = HeadStrip()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(switcher)
        column.addWidget(self.stack, 1)
        column.addWidget(self.strip)
