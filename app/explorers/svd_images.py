"""The pictures of the SVD explorer: original | reconstruction (linked zoom/pan) and the layer strip.

Passive views: ``set_*`` draws what they are given; clicks are reported through signals.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.widgets.theme import LIGHT, Theme, text_px

DIVERGING = "CET-D1A"  # blue–white–red, perceptually uniform (colorcet); red = too dark, blue = too bright


def to_rgb8(data: np.ndarray, scratch: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """(C, m, n) floats in ~[0, 1] → (m, n, C) uint8 (or (m, n) when C = 1), rounding and clipping.

    ``scratch`` (C, m, n) float32 and ``out`` may be passed in to avoid allocating per frame.
    """
    C, m, n = data.shape
    if scratch is None or scratch.shape != data.shape:
        scratch = np.empty(data.shape, np.float32)
    np.multiply(data, 255.0, out=scratch, casting="unsafe")
    scratch += 0.5
    np.clip(scratch, 0.0, 255.0, out=scratch)
    if out is None:
        out = np.empty((m, n, C) if C > 1 else (m, n), np.uint8)
    np.copyto(out, np.moveaxis(scratch, 0, -1) if C > 1 else scratch[0], casting="unsafe")
    return out


class ImagePairView(pg.GraphicsLayoutWidget):
    """Two image panes with linked axes; the right one shows A_k, the error or one layer."""

    hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.ci.layout.setHorizontalSpacing(6)
        self.left_plot = self.addPlot(row=0, col=0)
        self.right_plot = self.addPlot(row=0, col=1)
        self.items = []
        for p in (self.left_plot, self.right_plot):
            p.hideAxis("left")
            p.hideAxis("bottom")
            p.setMenuEnabled(False)
            vb = p.getViewBox()
            vb.invertY(True)
            vb.setAspectLocked(True)
            vb.setDefaultPadding(0.0)
            item = pg.ImageItem(axisOrder="row-major")
            p.addItem(item)
            self.items.append(item)
        self.right_plot.getViewBox().setXLink(self.left_plot.getViewBox())
        self.right_plot.getViewBox().setYLink(self.left_plot.getViewBox())
        self._fitted = True  # keep the whole image in view on resize until the user zooms or pans
        self.sampling_changed = None  # callable the owner sets: called when display_step() may differ
        for p in (self.left_plot, self.right_plot):
            p.getViewBox().sigRangeChangedManually.connect(self._on_user_zoom)
            p.getViewBox().sigResized.connect(self._on_view_resized)
        for col in (0, 1):
            self.ci.layout.setColumnStretchFactor(col, 1)
        self.original_item, self.right_item = self.items
        self._shape: tuple[int, int] | None = None
        self._probe = None  # callable (row, col) -> str for hover text
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.theme = LIGHT
        self.set_titles("original", "rank k")

    def set_titles(self, left: str, right: str) -> None:
        if (left, right, self.theme) == getattr(self, "_titles", None):
            return  # re-laying out HTML titles on every slider step is measurable
        self._titles = (left, right, self.theme)
        size = f"{self.theme.font_px}px"
        self.left_plot.setTitle(left, color=self.theme.foreground, size=size)
        self.right_plot.setTitle(right, color=self.theme.foreground, size=size)

    def set_shape(self, shape: tuple[int, int]) -> None:
        """The full image size (rows, cols): pictures may arrive decimated, they are stretched to it."""
        if shape != self._shape:
            self._shape = shape
            self.reset_zoom()

    def display_step(self) -> int:
        """How many image pixels fall on one screen pixel (≥ 1): pictures need no finer sampling."""
        if self._shape is None:
            return 1
        vb = self.left_plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        width = max(1.0, vb.width() * self.devicePixelRatioF())
        height = max(1.0, vb.height() * self.devicePixelRatioF())
        return max(1, int(min((x1 - x0) / width, (y1 - y0) / height)))

    def _place(self, item) -> None:
        m, n = self._shape
        item.setRect(QRectF(0, 0, n, m))

    def set_original(self, rgb8: np.ndarray) -> None:
        """uint8 (h, w, 3) or (h, w), possibly a decimated view of the full image."""
        self.original_item.setLevels(None)
        self.original_item.setImage(rgb8, autoLevels=False)
        self._place(self.original_item)

    def set_right_rgb(self, rgb8: np.ndarray) -> None:
        """Show a reconstruction (uint8, the same sampling as the original)."""
        item = self.right_item
        if item.lut is not None:
            item.setLookupTable(None, update=False)
        item.setLevels(None, update=False)  # uint8 without levels: straight into a QImage
        item.setImage(rgb8, autoLevels=False)
        self._place(item)

    def set_right_signed(self, values: np.ndarray, limit: float) -> None:
        """Show signed values (h, w) on the diverging map, symmetric ±limit."""
        lut = pg.colormap.get(DIVERGING).getLookupTable(nPts=256)
        self.right_item.setImage(values, levels=(-limit, limit), lut=lut, autoLevels=False)
        self._place(self.right_item)

    def set_probe(self, probe) -> None:
        self._probe = probe

    def reset_zoom(self) -> None:
        """Fit the whole image; it stays fitted when the widget resizes until the user zooms."""
        self._fitted = True
        self._fit()

    def _fit(self) -> None:
        if self._shape is not None:
            m, n = self._shape
            self.left_plot.getViewBox().setRange(xRange=(0, n), yRange=(0, m), padding=0.0)

    def _on_user_zoom(self, *_) -> None:
        self._fitted = False
        if self.sampling_changed is not None:
            self.sampling_changed()

    def _on_view_resized(self, *_) -> None:
        if self._fitted:
            self._fit()
        if self.sampling_changed is not None:
            self.sampling_changed()

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if self._shape is None or self._probe is None:
            return
        for p in (self.left_plot, self.right_plot):
            if p.sceneBoundingRect().contains(pos):
                pt = p.getViewBox().mapSceneToView(pos)
                row, col = int(np.floor(pt.y())), int(np.floor(pt.x()))
                if 0 <= row < self._shape[0] and 0 <= col < self._shape[1]:
                    self.hovered.emit(self._probe(row, col))
                    return
        self.hovered.emit("")

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        for p in (self.left_plot, self.right_plot):
            p.titleLabel.setText(p.titleLabel.text, color=theme.foreground, size=f"{theme.font_px}px")


class _Thumb(QLabel):
    clicked = Signal(int)

    def __init__(self, index: int):
        super().__init__()
        self.index = index
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def mousePressEvent(self, event) -> None:  # noqa: N802 — Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.index)
        super().mousePressEvent(event)


class LayerStrip(QWidget):
    """The first few rank-1 layers σᵢuᵢvᵢᵀ as thumbnails (grey = 0); layers inside A_k are framed."""

    layer_clicked = Signal(int)

    def __init__(self, count: int = 8, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.title = QLabel("Layers σ<sub>i</sub>u<sub>i</sub>v<sub>i</sub><sup>T</sup> "
                            "(framed: inside A<sub>k</sub>; click one to see it large; grey = 0)")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addWidget(self.title)
        row = QHBoxLayout()
        row.setSpacing(4)
        outer.addLayout(row)
        self.thumbs: list[_Thumb] = []
        self.captions: list[QLabel] = []
        for i in range(count):
            col = QVBoxLayout()
            col.setSpacing(0)
            t = _Thumb(i)
            t.clicked.connect(self.layer_clicked)
            cap = QLabel(f"σ{_sub(i + 1)}")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            col.addWidget(t)
            col.addWidget(cap)
            row.addLayout(col)
            self.thumbs.append(t)
            self.captions.append(cap)
        row.addStretch(1)
        self._k = 0
        self._selected = -1
        self._height = 56

    def set_layers(self, images: list[np.ndarray], sigmas: list[float]) -> None:
        """``images``: (h, w, C) uint8 (C = 1 or 3) per layer; sigmas for the captions."""
        for i, t in enumerate(self.thumbs):
            visible = i < len(images)
            t.setVisible(visible)
            self.captions[i].setVisible(visible)
            if not visible:
                continue
            img = np.ascontiguousarray(images[i])
            h, w = img.shape[:2]
            if img.ndim == 2 or img.shape[2] == 1:
                q = QImage(img.data, w, h, w, QImage.Format.Format_Grayscale8)
            else:
                q = QImage(img.data, w, h, 3 * w, QImage.Format.Format_RGB888)
            pix = QPixmap.fromImage(q.copy()).scaledToHeight(self._height, Qt.TransformationMode.SmoothTransformation)
            t.setPixmap(pix)
            t.setFixedSize(pix.width() + 6, pix.height() + 6)
            self.captions[i].setText(f"σ{_sub(i + 1)}\n{sigmas[i]:.3g}")
        self._restyle()

    def set_k(self, k: int, selected: int = -1) -> None:
        k = min(k, len(self.thumbs))  # the frames only change while k is inside the strip
        if (k, selected) != (self._k, self._selected):
            self._k, self._selected = k, selected
            self._restyle()

    def _restyle(self) -> None:
        th = self.theme
        for i, t in enumerate(self.thumbs):
            if i == self._selected:
                border = f"3px solid {th.series[1]}"
            elif i < self._k:
                border = f"3px solid {th.accent}"
            else:
                border = f"3px solid {th.panel}"
            t.setStyleSheet(f"border: {border}; background: {th.panel};")

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        px = theme.font_px
        self._height = min(round(56 * px / 14), 56)
        self.title.setStyleSheet(f"color: {theme.muted}; font-size: {px}px;")
        for cap in self.captions:
            cap.setStyleSheet(f"color: {theme.foreground}; font-size: {text_px(theme, offset=-2)}px;")
        self._restyle()


def _sub(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def layer_thumbnails(fact, count: int, side: int) -> tuple[list[np.ndarray], list[float]]:
    """The first ``count`` layers σᵢuᵢvᵢᵀ sampled to about ``side`` px (grey = 0, each scaled to its own
    largest |value|), as uint8 images, and the σ's for the captions. Costs O(count·side²)."""
    step = max(1, max(fact.m, fact.n) // side)
    rows, cols = np.arange(0, fact.m, step), np.arange(0, fact.n, step)
    thumbs = []
    for i in range(min(count, fact.rank_max)):
        layer = fact.layer(i, rows, cols)
        lim = float(np.max(np.abs(layer))) or 1.0
        thumbs.append(np.clip(127.5 + 127.5 * layer / lim, 0, 255).astype(np.uint8).squeeze())
    sig = fact.sigma()
    return thumbs, [float(s) for s in sig[: len(thumbs)]]


def probe_text(a: np.ndarray, b: np.ndarray, row: int, col: int) -> str:
    """Hover text for one pixel: the original a, the reconstruction b (per channel) and a − b."""

    def fmt(v):
        return ", ".join(f"{x:.3f}" for x in v)

    return f"pixel (x {col}, y {row}): A = ({fmt(a)})  A_k = ({fmt(b)})  A − A_k = ({fmt(a - b)})"
