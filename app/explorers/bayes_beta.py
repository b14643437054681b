"""The coin tab's figure: prior, normalised likelihood and posterior densities over θ, the 95 %
credible region shaded under the posterior, markers for the mean, MAP and MLE (and the true p once
revealed), a hover read-out; and the timeline bar under it.

Passive views: ``set_state`` draws what the model computed and never changes it; the timeline
only emits ``step_edited``. Items are made once; a redraw is setData/setValue on them.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget

from app.explorers.bayes_items import (
    FastCurve,
    GridLines,
    Marker,
    MarkerLayer,
    dash,
    nice_ceiling,
    segmented_curve,
)
from app.explorers.bayes_widgets import alpha, fmt, style_plot
from app.models.bayes import Coin, Curves
from app.widgets.theme import LIGHT, Theme, text_px

X_LABEL = "θ = P(heads)"
MARKERS = ("mean", "MAP", "MLE")
STRIP = 40  # observations shown around the timeline's step
PLOT_MIN, PLOT_MIN_EM = 150, 7.5  # the figure's least height: px, or font sizes if more (axes + a readable plot)


class BetaPlotView(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.setMinimumSize(300, PLOT_MIN)
        p = self.getPlotItem()
        p.setMenuEnabled(False)
        p.hideButtons()
        self.vb = vb = p.getViewBox()
        vb.setMouseEnabled(False, False)
        vb.disableAutoRange()
        self.grid = GridLines(p)
        self.fills = []
        for _ in range(2):  # two pieces for a U-shaped HDI
            fill = FastCurve(fillLevel=0.0, skipFiniteCheck=True)
            fill.setZValue(-2)
            p.addItem(fill)
            self.fills.append(fill)
        # the dashed prior and likelihood over the posterior: where they coincide (a flat prior, no
        # data yet) the dashes still show on the wider solid line
        self.posterior = segmented_curve(p, 1)
        self.prior = segmented_curve(p, 2)
        self.likelihood = segmented_curve(p, 3)
        # labels stacked one text line apart from the top (heights set in set_state, in pixels)
        self.marker_layer = MarkerLayer(p)
        self.markers = {name: Marker(self.marker_layer, name) for name in MARKERS}
        self.truth = Marker(self.marker_layer, "true p")
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.cursor.setZValue(6)
        self.cursor.hide()
        p.addItem(self.cursor, ignoreBounds=True)
        self.hover_text = pg.TextItem(anchor=(1, 0))
        self.hover_text.setParentItem(vb)
        self.hover_text.setZValue(30)
        self.hover_text.hide()
        vb.sigResized.connect(self._on_resized)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.coin: Coin | None = None
        self.curves: Curves | None = None
        self._args = None
        self._range = None
        self._ymax = 0.0
        self._window = (0.0, 1.0)
        self._zoomed = None
        self.apply_theme(LIGHT)

    # --- drawing -----------------------------------------------------------------------------
    def set_state(self, coin: Coin, curves: Curves, region: tuple[tuple[float, float], ...],
                  true_p: float | None) -> None:
        """Draw ``curves`` (computed by ``coin``), shade ``region`` under the posterior, and mark
        the mean, MAP, MLE and (when given) the true p. The y-range is the curves' rounded up to a
        nice number, so it (and the axis) stays put while a peak grows a little."""
        self.coin, self.curves = coin, curves
        self._args = (coin, curves, region, true_p)
        lo, hi = curves.window
        ymax = self._y_range(curves.ymax)
        sx, sy = self.vb.width() / (hi - lo), self.vb.height() / ymax
        th, lw = curves.theta, self.theme.line_width
        # every item lies in the window (densities above the view are cut to 2·ymax): say so
        bounds = QRectF(lo, 0.0, hi - lo, 2.0 * ymax)
        for item in (self.prior, self.likelihood, self.posterior, *self.fills, self.marker_layer):
            item.set_bounds(bounds)
        top = 2.0 * ymax
        self.prior.setData(th, dash(th, np.minimum(curves.prior, top), sx, sy, 5 * lw, 3.5 * lw))
        if coin.n > 0:
            self.likelihood.setData(th, dash(th, np.minimum(curves.likelihood, top), sx, sy, 1.4 * lw, 2.2 * lw))
        else:
            self.likelihood.setData([], [])  # flat before any data: nothing to learn from it
        self.posterior.setData(th, np.minimum(curves.posterior, top))
        for k, fill in enumerate(self.fills):
            if k < len(region):
                xs, ys = coin.shade(curves, *region[k])
                fill.setData(xs, np.minimum(ys, 2 * ymax))
            else:
                fill.setData([], [])
        line = 1.25 * self.theme.font_px / max(self.vb.height(), 1.0)  # one label line, as a fraction
        for k, marker in enumerate([*self.markers.values(), self.truth]):
            marker.height = max(0.05, 1.0 - (k + 0.6) * line)
        values = {"mean": coin.posterior.mean, "MAP": coin.posterior.mode, "MLE": coin.mle}
        for name, marker in self.markers.items():
            marker.set(values[name], lo, hi, ymax)
        self.truth.set(true_p, lo, hi, ymax)
        if self._range != (lo, hi, ymax):  # setRange re-lays out both axes even for the same range
            self._range = (lo, hi, ymax)
            self.vb.setRange(xRange=(lo, hi), yRange=(0.0, ymax), padding=0)
        self.grid.update((lo, hi), (0.0, ymax), (self.vb.width(), self.vb.height()))
        zoomed = lo > 1e-9 or hi < 1 - 1e-9
        if zoomed != self._zoomed:  # a new axis label re-lays the axis out: only when it changes
            self._zoomed = zoomed
            self._label_axis()

    def window_for(self, suggested: tuple[float, float]) -> tuple[float, float]:
        """The θ-range to show: the model's suggestion, except that the current range is kept
        while the suggestion lies inside it and is at least 55 % of its width (the axis then stays
        put for most flips; the peak still spans enough of the 1 000 points)."""
        lo, hi = self._window
        s_lo, s_hi = suggested
        if not (lo <= s_lo and s_hi <= hi and s_hi - s_lo >= 0.55 * (hi - lo)):
            self._window = (float(s_lo), float(s_hi))
        return self._window

    def _y_range(self, need: float) -> float:
        """The top of the y-range: a nice number, kept while the curves fit between 45 % and 100 %
        of it, else set with room to grow — so the axis is rarely re-laid out while flipping."""
        if need > self._ymax:  # growing (the posterior narrows as flips come in): room for more
            self._ymax = nice_ceiling(1.15 * need)
        elif need < 0.45 * self._ymax:
            self._ymax = nice_ceiling(need)
        return self._ymax

    def _label_axis(self) -> None:
        self.getPlotItem().getAxis("bottom").setLabel(
            X_LABEL + ("   (zoomed in on the posterior)" if self._zoomed else ""),
            **{"color": self.theme.foreground, "font-size": f"{self.theme.font_px}px"})

    def _on_resized(self) -> None:
        self._place_overlays()
        self._range = None
        if self._args is not None:  # dash lengths and label gaps are in pixels
            self.set_state(*self._args)

    # --- hover ---------------------------------------------------------------------------------
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self.coin is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            self.hover_text.hide()
            self.cursor.hide()
            return
        x = self.vb.mapSceneToView(scene_pos).x()
        self.show_hover(x)

    def show_hover(self, x: float) -> None:
        """The exact densities at θ = x (also what the mouse shows)."""
        c = self.coin
        if c is None or not 0 <= x <= 1:
            return
        lik = c.likelihood.pdf(x) if c.n > 0 else 1.0
        th = self.theme
        rows = [("θ", x, th.foreground), ("prior", float(c.prior.pdf(x)), th.series[0]),
                ("likelihood", float(lik), th.series[3]),
                ("posterior", float(c.posterior.pdf(x)), th.series[1])]
        digits = 5 if self.curves and self.curves.window[1] - self.curves.window[0] < 0.05 else 3
        self.hover_text.setHtml("<br>".join(
            f"<span style='color:{col}; font-size:{th.font_px}px'>{name} {'=' if name == 'θ' else ''} "
            f"{fmt(v, digits if name == 'θ' else 3)}</span>" for name, v, col in rows))
        self.hover_text.show()
        self.cursor.setValue(x)
        self.cursor.show()

    def hover_label(self) -> str:
        return self.hover_text.textItem.toPlainText() if self.hover_text.isVisible() else ""

    def _place_overlays(self) -> None:
        r = self.vb.boundingRect()
        pad = max(6, self.theme.font_px // 2)
        self.hover_text.setPos(r.right() - pad, r.top() + pad)

    # --- look ------------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = th = theme
        lw, px = th.line_width, th.font_px
        style_plot(self, th, X_LABEL, "density  p(θ)")
        self.setMinimumHeight(max(PLOT_MIN, round(PLOT_MIN_EM * px)))
        self.getPlotItem().showGrid(x=False, y=False)  # GridLines draws it, far cheaper
        self.grid.set_pen(pg.mkPen(alpha(th.foreground, 28 if th.dark else 22), width=1))
        prior_c, post_c, lik_c = th.series[0], th.series[1], th.series[3]
        self.prior.setPen(pg.mkPen(prior_c, width=lw))
        self.likelihood.setPen(pg.mkPen(lik_c, width=lw * 1.1))
        self.posterior.setPen(pg.mkPen(post_c, width=lw * 1.6))
        for fill in self.fills:
            fill.setPen(pg.mkPen(None))
            fill.setBrush(pg.mkBrush(alpha(post_c, 70 if th.dark else 55)))
        label_font = QFont()
        label_font.setPixelSize(text_px(th, 0.95))
        label_font.setBold(True)
        colours = {"mean": post_c, "MAP": th.series[4], "MLE": lik_c}
        styles = {"mean": Qt.PenStyle.SolidLine, "MAP": Qt.PenStyle.DashDotLine, "MLE": Qt.PenStyle.DashLine}
        bg = pg.mkBrush(alpha(th.background, 220))
        patch = alpha(th.background, 220)
        self.marker_layer.gap = 0.35 * px
        for name, marker in self.markers.items():
            marker.style(pg.mkPen(colours[name], width=max(1.0, lw * 0.8), style=styles[name]),
                         colours[name], label_font, patch)
        self.truth.style(pg.mkPen(th.foreground, width=lw, style=Qt.PenStyle.DashLine), th.foreground,
                         label_font, patch)
        self.cursor.setPen(pg.mkPen(alpha(th.muted, 160), width=1))
        self.hover_text.fill = bg
        self.hover_text.border = pg.mkPen(alpha(th.foreground, 70))
        self._place_overlays()
        self._zoomed = self._range = None
        if self._args is not None:
            self.set_state(*self._args)


class FlipStrip(QWidget):
    """The observations around the timeline's step as tokens: heads a filled vermillion disc, tails
    a blue ring (shape and colour both tell them apart), the current one larger, later ones grey.
    Painted directly, and of fixed height, so a flip only repaints it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.obs = np.zeros(0, np.uint8)
        self.step = 0
        self.lo = self.hi = 0
        self._sprite_key, self._sprite_cache = None, {}
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_state(self, obs: np.ndarray, step: int) -> None:
        self.obs, self.step = obs, step
        self.lo = max(0, min(step - STRIP // 2, len(obs) - STRIP))
        self.hi = min(len(obs), self.lo + STRIP)
        self.update()

    def text(self) -> str:
        """What it shows, as letters: "…HHT[H]TT…" with the current one in brackets."""
        if not len(self.obs):
            return EMPTY_STRIP
        out = "…" if self.lo > 0 else ""
        for i in range(self.lo, self.hi):
            letter = "H" if self.obs[i] else "T"
            out += f"[{letter}]" if i == self.step - 1 else letter
        return out + ("…" if self.hi < len(self.obs) else "")

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setFixedHeight(round(theme.font_px * 1.5))
        self.update()

    def _sprites(self) -> dict:
        """The six token pictures (heads/tails × seen/current/later), drawn once per size and
        theme: a flip then only blits ~40 small pixmaps."""
        th, h = self.theme, self.height()
        key = (th.name, h)
        if self._sprite_key != key:
            self._sprite_key = key
            r = 0.26 * h
            ring = max(1.5, 0.3 * r)
            self._sprite_cache = {}
            for bit in (0, 1):
                for state, colour, scale in (("seen", th.series[1] if bit else th.series[0], 1.0),
                                             ("now", th.series[1] if bit else th.series[0], 1.35),
                                             ("later", th.grid, 1.0)):
                    rr = r * scale
                    size = math.ceil(2 * rr + 2)
                    pm = QPixmap(size, size)
                    pm.fill(Qt.GlobalColor.transparent)
                    q = QPainter(pm)
                    q.setRenderHint(QPainter.RenderHint.Antialiasing)
                    c = QPointF(size / 2, size / 2)
                    if bit:
                        q.setPen(Qt.PenStyle.NoPen)
                        q.setBrush(QColor(colour))
                        q.drawEllipse(c, rr, rr)
                    else:
                        q.setPen(QPen(QColor(colour), ring))
                        q.setBrush(Qt.BrushStyle.NoBrush)
                        q.drawEllipse(c, rr - ring / 2, rr - ring / 2)
                    q.end()
                    self._sprite_cache[(bit, state)] = pm
        return self._sprite_cache

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt override
        th = self.theme
        p = QPainter(self)
        h = self.height()
        if not len(self.obs):
            p.setPen(QColor(th.muted))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_STRIP)
            p.end()
            return
        sprites = self._sprites()
        r = 0.26 * h
        pitch = min(2.9 * r, self.width() / (STRIP + 2))
        x = (self.width() - pitch * (self.hi - self.lo)) / 2 + pitch / 2
        first = x
        for i, bit in enumerate(self.obs[self.lo:self.hi].tolist(), start=self.lo):
            state = "now" if i == self.step - 1 else ("seen" if i < self.step else "later")
            pm = sprites[(bit, state)]
            p.drawPixmap(QPointF(x - pm.width() / 2, (h - pm.height()) / 2), pm)
            x += pitch
        p.setPen(QColor(th.muted))
        if self.lo > 0:
            p.drawText(QPointF(first - pitch - r, h * 0.7), "…")
        if self.hi < len(self.obs):
            p.drawText(QPointF(x - pitch / 2 + r, h * 0.7), "…")
        p.end()


EMPTY_STRIP = "no observations yet: flip the coin"


class TimelineBar(QWidget):
    """◀ ──●── ▶  step k of n, and the observations around step k (later ones greyed)."""

    step_edited = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.title = QLabel("Timeline")
        self.title.setObjectName("heading")
        self.back = QPushButton("◀")
        self.back.setToolTip("one observation back (←)")
        self.forward = QPushButton("▶")
        self.forward.setToolTip("one observation forward (→)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("scrub through the updates: the posterior after the first k observations")
        self.where = QLabel()
        self.where.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.strip = FlipStrip()
        self.back.clicked.connect(lambda: self.step_edited.emit(self.slider.value() - 1))
        self.forward.clicked.connect(lambda: self.step_edited.emit(self.slider.value() + 1))
        self.slider.valueChanged.connect(self.step_edited)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.title)
        top.addWidget(self.back)
        top.addWidget(self.slider, 1)
        top.addWidget(self.forward)
        top.addWidget(self.where)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(top)
        box.addWidget(self.strip)

    def set_timeline(self, observations: np.ndarray, step: int) -> None:
        n = len(observations)
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, n)
            self.slider.setValue(step)
            self.slider.setPageStep(max(1, n // 10))
        self.back.setEnabled(step > 0)
        self.forward.setEnabled(step < n)
        text = f"{step:,} / {n:,}".replace(",", " ")
        width = QFontMetricsF(self.where.font()).horizontalAdvance(f"{n:,} / {n:,}") + 8
        if width > self.where.width():  # a fixed size, grown only when the count gains a digit
            self.where.setFixedWidth(math.ceil(width))
        self.where.setText(text)
        self.strip.set_state(observations, step)

    def strip_text(self) -> str:
        return self.strip.text()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.strip.apply_theme(theme)
        # a fixed size: its text changes on every flip without asking the layout for room
        self.where.setFixedSize(round(theme.font_px * 4), round(theme.font_px * 1.6))
