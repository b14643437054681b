"""Spectrum, cumulative energy and PSNR-vs-k plots, each with a marker at the current k.

Passive: ``set_curves`` once per factorization, ``set_k`` on every slider step (moves three lines
and three dots — cheap). Hovering shows the exact numbers at the nearest k.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem

from app.widgets.theme import LIGHT, Theme, text_px

PSNR_REFERENCE = 30.0  # dB: "good enough to look at" line on the PSNR plot


class SpectrumPlots(pg.GraphicsLayoutWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.ci.layout.setContentsMargins(4, 4, 4, 4)
        self.spectrum = self.addPlot(row=0, col=0)
        self.energy = self.addPlot(row=0, col=1)
        self.psnr = self.addPlot(row=0, col=2)
        self.spectrum.setLogMode(x=False, y=True)
        self.plots = (self.spectrum, self.energy, self.psnr)
        self.curves = []
        self.markers = []
        self.dots = []
        self.hover = []
        for p in self.plots:
            p.setMenuEnabled(False)
            p.showGrid(x=True, y=True, alpha=0.25)
            curve = p.plot([], [])
            line = pg.InfiniteLine(angle=90, movable=False)
            dot = pg.ScatterPlotItem(size=10)
            text = pg.TextItem(anchor=(0, 1))
            p.addItem(line, ignoreBounds=True)  # markers never change the axes' range
            p.addItem(dot, ignoreBounds=True)
            p.addItem(text, ignoreBounds=True)
            self.curves.append(curve)
            self.markers.append(line)
            self.dots.append(dot)
            self.hover.append(text)
        # axes, grids and curves only change with the image, not with k: paint them once into a
        # pixmap and blit it, so a slider step repaints just the markers (tick text is costly)
        for p in self.plots:
            for side in ("left", "bottom"):
                p.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        for curve in self.curves:
            curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            curve.setDownsampling(auto=True, method="peak")  # ~one point per pixel, not per k
            curve.setClipToView(True)
        self.reference = pg.InfiniteLine(pos=PSNR_REFERENCE, angle=0, movable=False)
        self.psnr.addItem(self.reference, ignoreBounds=True)
        self._data: dict[str, np.ndarray] | None = None
        self._k = 1
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.apply_theme(LIGHT)

    def set_curves(self, k_values: np.ndarray, sigma: np.ndarray, energy: np.ndarray, psnr: np.ndarray) -> None:
        self._data = {"k": k_values, "sigma": np.maximum(sigma, 1e-12), "energy": energy, "psnr": psnr}
        self.curves[0].setData(k_values, self._data["sigma"])
        self.curves[1].setData(k_values, energy)
        finite = np.isfinite(psnr)
        self.curves[2].setData(k_values[finite], psnr[finite])
        for p in self.plots:
            p.enableAutoRange()
            p.setXRange(1, max(2, k_values[-1]), padding=0.02)
            p.vb.updateAutoRange()
            p.disableAutoRange()  # fixed until the next image: moving k must not touch the axes
        self._k = -1

    def set_k(self, k: int) -> None:
        if self._data is None or k == self._k:
            return
        self._k = k
        i = int(np.clip(k, 1, len(self._data["k"]))) - 1
        for line in self.markers:
            line.setValue(k)
        self.dots[0].setData([k], [np.log10(self._data["sigma"][i])])
        self.dots[1].setData([k], [self._data["energy"][i]])
        if np.isfinite(self._data["psnr"][i]):
            self.dots[2].setData([k], [self._data["psnr"][i]])
        else:
            self.dots[2].setData([], [])

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if self._data is None:
            return
        for j, p in enumerate(self.plots):
            text = self.hover[j]
            if not p.vb.sceneBoundingRect().contains(pos):
                text.setText("")
                continue
            x = p.vb.mapSceneToView(pos).x()
            i = int(np.clip(round(x), 1, len(self._data["k"]))) - 1
            k = int(self._data["k"][i])
            if j == 0:
                y, label = np.log10(self._data["sigma"][i]), f"σ{k} = {self._data['sigma'][i]:.6g}"
            elif j == 1:
                y, label = self._data["energy"][i], f"k = {k}: {self._data['energy'][i]:.4f} %"
            else:
                v = self._data["psnr"][i]
                y, label = (v if np.isfinite(v) else 0.0), f"k = {k}: {v:.3f} dB"
            text.setText(label)
            text.setPos(k, y)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        px = theme.font_px
        lw = theme.line_width
        font = QFont()
        font.setPixelSize(text_px(theme, offset=-2))
        names = (("σᵢ (log scale)", "singular value"), ("energy (%)", "Σ_{i≤k} σᵢ² / ‖A‖²"),
                 ("PSNR (dB)", "of A_k"))
        titles = ("Singular values", "Cumulative energy", "PSNR vs k")
        for j, p in enumerate(self.plots):
            p.setTitle(titles[j], color=theme.foreground, size=f"{px}px")
            for side in ("left", "bottom"):
                ax = p.getAxis(side)
                ax.setPen(pg.mkPen(theme.foreground, width=max(1.0, lw / 2)))
                ax.setTextPen(pg.mkPen(theme.foreground))
                ax.setTickFont(font)
                ax.label.setFont(font)
            p.setLabel("left", names[j][0], color=theme.foreground, **{"font-size": f"{text_px(theme, offset=-2)}px"})
            p.setLabel("bottom", "rank k", color=theme.foreground, **{"font-size": f"{text_px(theme, offset=-2)}px"})
            self.curves[j].setPen(pg.mkPen(theme.series[0], width=lw))
            self.markers[j].setPen(pg.mkPen(theme.series[1], width=lw))  # solid: dashes cost ~1 ms each
            self.dots[j].setBrush(pg.mkBrush(theme.series[1]))
            self.dots[j].setPen(pg.mkPen(theme.background, width=1))
            self.dots[j].setSize(round(10 * px / 14))
            self.hover[j].setColor(theme.foreground)
            self.hover[j].setFont(font)
        self.reference.setPen(pg.mkPen(theme.muted, width=max(1.0, lw / 2), style=Qt.PenStyle.DotLine))
