"""The loss-vs-step plot of the gradient-descent race, one line per shown optimiser and a marker at
the current step. Passive: ``set_scale`` / ``set_paths`` / ``set_step`` draw what they are given.

Two scales, chosen by the explorer per surface:

- ``"gap"`` (the surface has a minimum, value f*): f − f* on a log axis, so linear convergence is a
  straight line;
- ``"change"`` (no minimum, e.g. the saddle, where f falls without bound): f − f(x₀) on a
  symmetric-log axis, sign(d)·log10(1 + |d|/c), linear within ±c and logarithmic beyond, ticks
  at 0 and ±10ᵏ; c is fixed per surface (10⁻³ of f's range over the plot box).

The y-range covers the finite data of the paths that did not diverge (a diverged curve, at 10²⁰,
may run off the top instead of squashing the others), rounded out to whole decades so a
learning-rate drag rarely moves it, plus headroom for the legend. The curves carry only the
points that show at the current size (app.widgets.polyline).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.explorers.descent_controls import SHORT
from app.widgets.plot_style import style_axes
from app.widgets.polyline import pixel_size, simplify, still_fine
from app.widgets.theme import LIGHT, Theme, text_px

LINE_MODE = "off"
FLOOR = 1e-16  # f − f* below this is drawn at it (log axis)
LABELS = {"gap": "f − f*", "change": "f − f(x₀)"}
_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def symlog(d: np.ndarray, c: float) -> np.ndarray:
    """sign(d)·log10(1 + |d|/c): linear near 0, log10 |d| (shifted) for |d| ≫ c."""
    with np.errstate(all="ignore"):
        return np.sign(d) * np.log10(1 + np.abs(d) / c)


def symlog_ticks(lo: float, hi: float, c: float, most: int = 4) -> list[tuple[float, str]]:
    """(position, label) of 0 and ±10ᵏ inside [lo, hi] (symlog units): at most ``most`` a side,
    none closer than a unit to 0 (where they would overlap its label)."""
    kmin = math.floor(math.log10(c)) + 1
    top = max(abs(lo), abs(hi))
    marks = [(math.log10(1 + 10.0**k / c), k) for k in range(kmin, kmin + math.ceil(top) + 2)]
    marks = [(u, k) for u, k in marks if 0.9 <= u <= top]
    stride = max(1, math.ceil(len(marks) / max(1, most)))
    ticks = [(0.0, "0")]
    for u, k in marks[::-1][::stride]:  # from the outside in: the largest always labelled
        label = f"10{str(k).translate(_SUP)}"
        ticks += [(u, label)] if u <= hi else []
        ticks += [(-u, "−" + label)] if -u >= lo else []
    return sorted(ticks)


class LossView(pg.PlotWidget):
    """f − f* (log y) or f − f(x₀) (symlog y) against the step, a marker at the current step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.setMenuEnabled(False)
        self.hideButtons()
        self.mode = "gap"
        self.linthresh = 1.0
        self.setLogMode(y=True)
        self.curves: list[pg.PlotDataItem] = []
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.addItem(self.cursor)
        # one row of short names at the top right; the y-range leaves room for it above the data
        self.legend = self.getPlotItem().addLegend(offset=(-6, 4), labelTextSize="9pt", colCount=6,
                                                   verSpacing=-6, horSpacing=12)
        self.getPlotItem().setLabel("bottom", "step")
        self.getPlotItem().setLabel("left", LABELS["gap"])
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.colors: list[str] = []
        self._drawn: dict = {}  # curve index → (f array, f_ref, px, mode) it shows, to skip unchanged curves
        self._paths: list = []
        self._diverged: list[bool] = []
        self._f_ref = 0.0
        self._px = None  # pixel size (step, y units) the curves were simplified for
        self._yrange: tuple[float, float] | None = None
        self.getPlotItem().vb.sigRangeChanged.connect(self._on_view_changed)
        self.getPlotItem().vb.sigResized.connect(self._on_view_changed)

    def set_scale(self, mode: str, linthresh: float = 1.0) -> None:
        """``"gap"`` (log f − f*) or ``"change"`` (symlog f − f(x₀), linear within ±linthresh)."""
        if (mode, linthresh) == (self.mode, self.linthresh):
            return
        self.mode, self.linthresh = mode, float(linthresh)
        self.setLogMode(y=mode == "gap")
        axis = self.getPlotItem().getAxis("left")
        axis.setTicks(None)
        axis.setLabel(LABELS[mode], color=self.theme.foreground, **{"font-size": f"{text_px(self.theme, 0.9)}px"})
        self._drawn.clear()
        self._yrange = None

    def set_paths(self, paths: list, colors: list[str], f_ref: float, steps: int,
                  diverged: list[bool] | None = None) -> None:
        """``paths``: (name, title, xy, f, grad_norm) per shown optimiser; ``f_ref`` is f* ("gap")
        or f(x₀) ("change"); ``diverged`` flags the paths left out of the y-range."""
        relabel = [p[1] for p in paths] != getattr(self, "_titles", None) or colors != getattr(self, "_cols", None)
        self.colors, self._titles, self._cols = colors, [p[1] for p in paths], list(colors)
        if relabel:  # rebuilding the legend costs ~8 ms: only when the shown set changes
            self.legend.clear()
        while len(self.curves) < len(paths):
            c = pg.PlotDataItem()
            c.curve.setSegmentedLineMode(LINE_MODE)
            self.curves.append(c)
            self.addItem(c)
        self._paths, self._f_ref = paths, f_ref
        self._diverged = list(diverged) if diverged is not None else [False] * len(paths)
        for i, c in enumerate(self.curves):
            if i < len(paths):
                name, title, _xy, _f, _gn = paths[i]
                c.show()
                if relabel:
                    c.setPen(pg.mkPen(colors[i], width=self.theme.line_width))
                    self.legend.addItem(c, SHORT.get(name, title))
            else:
                c.hide()
        if relabel:
            self.legend.setColumnCount(max(1, len(paths)))
            self._style_legend()
            self._fit_legend()
        self.setXRange(0, steps, padding=0.02)
        self._fit_y()
        self._draw_curves()

    def values(self, f: np.ndarray) -> np.ndarray:
        """What is drawn for the losses ``f``: f − f* (floored; pyqtgraph takes its log) or the
        symlog of f − f(x₀)."""
        with np.errstate(all="ignore"):
            if self.mode == "gap":
                return np.maximum(f - self._f_ref, FLOOR)
            return symlog(f - self._f_ref, self.linthresh)

    def _y_units(self, v: np.ndarray) -> np.ndarray:
        """Drawn values in the view's y units (log10 in "gap" mode)."""
        if self.mode == "gap":
            with np.errstate(all="ignore"):
                return np.log10(v)
        return v

    def _fit_y(self) -> None:
        """The y-range: the finite data of the non-diverged paths (all paths if every one diverged),
        rounded out to whole units (decades), with room at the top for the legend."""
        keep = [p[3] for p, d in zip(self._paths, self._diverged, strict=False) if not d and len(p[3])]
        if not keep:
            keep = [p[3] for p in self._paths if len(p[3])]
        if not keep:
            return
        lows, highs = [], []
        for f in keep:
            u = self._y_units(self.values(f))
            u = u[np.isfinite(u)]
            if u.size:
                lows.append(u.min())
                highs.append(u.max())
        if not lows:
            return
        lo, hi = math.floor(min(lows)), math.ceil(max(highs))
        if hi - lo < 1:
            hi = lo + 1
        room = self._legend_fraction()
        top = hi + (hi - lo) * room / (1 - room)
        if self._yrange != (lo, top):
            self._yrange = (lo, top)
            self.setYRange(lo, top, padding=0.02)
            if self.mode == "change":  # ticks on the data's range, not in the legend's headroom
                # as many labels a side as fit 2.5 text lines apart (a short plot in projector mode)
                most = int(self.getPlotItem().vb.height() / (5 * text_px(self.theme, 0.9)))
                self.getPlotItem().getAxis("left").setTicks([symlog_ticks(lo, hi, self.linthresh, most), []])

    def _fit_legend(self) -> None:
        """Show the legend only where its one row fits, in width and in at most a third of the height
        (the coloured names beside the plot suffice)."""
        vb = self.getPlotItem().vb
        rect = self.legend.boundingRect()
        self.legend.setVisible(0 < rect.width() <= vb.width() - 12 and rect.height() <= vb.height() / 3)
        self._yrange = None  # the room it needs may have changed

    def _legend_fraction(self) -> float:
        vb = self.getPlotItem().vb
        if not self.legend.isVisible() or vb.height() <= 0:
            return 0.0
        return min(0.5, (self.legend.boundingRect().height() + 8) / vb.height())

    def _draw_curves(self) -> None:
        """setData on the curves whose data (or the pixel size they were simplified for) changed."""
        vb = self.getPlotItem().vb
        px = pixel_size(vb.viewRange(), vb.width(), vb.height())  # log10 units in y ("gap")
        if not still_fine(self._px, px):
            self._px = px
        for i, (_name, _title, _xy, f, _gn) in enumerate(self._paths):
            drawn = self._drawn.get(i)
            if drawn is not None and drawn[0] is f and drawn[1:] == (self._f_ref, self._px, self.mode):
                continue
            v = self.values(f)
            idx = simplify(np.arange(len(v), dtype=float), self._y_units(v), self._px)
            self.curves[i].setData(idx.astype(float), v[idx])
            self._drawn[i] = (f, self._f_ref, self._px, self.mode)

    def _on_view_changed(self, *_) -> None:
        vb = self.getPlotItem().vb
        if self._paths and not still_fine(self._px, pixel_size(vb.viewRange(), vb.width(), vb.height())):
            self._draw_curves()

    def set_step(self, step: int) -> None:
        self.cursor.setPos(step)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        if self.__dict__.get("legend") is not None:  # resize events arrive during construction too
            self._fit_legend()
            self._fit_y()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        style_axes(self.getPlotItem(), theme, text_px(theme, 0.9), {"bottom": "step", "left": LABELS[self.mode]})
        self.cursor.setPen(pg.mkPen(theme.muted, width=theme.line_width * 0.75, style=Qt.PenStyle.DashLine))
        for i, c in enumerate(self.curves):
            if i < len(self.colors):
                c.setPen(pg.mkPen(self.colors[i], width=theme.line_width))
        self._titles = None  # relabel in the new theme on the next set_paths
        self._yrange = None
        self._style_legend()

    def _style_legend(self) -> None:
        self.legend.setBrush(pg.mkBrush(QColor(self.theme.panel)))
        self.legend.setPen(pg.mkPen(self.theme.grid))
        for _, label in self.legend.items:
            label.setText(label.text, color=self.theme.foreground, size=f"{text_px(self.theme, 0.85)}px")
