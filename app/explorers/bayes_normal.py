"""The unknown-mean tab: prior and posterior Gaussians over μ (the posterior's 95 % interval
shaded), the observations as ticks on the axis, the true μ once revealed; controls for μ₀, τ₀, σ
and for drawing observations.

Passive: ``NormalPanel.set_state`` draws what the model says; edits leave as signals.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QCheckBox, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.explorers.bayes_widgets import NumberRow, alpha, fmt, style_plot
from app.models.bayes_normal import NormalMean
from app.widgets.theme import LIGHT, Theme

CONTROLS_EM = 23  # the controls' column beside the plot, in font sizes
SQUARE = 1.05  # … only if the plot then stays at least this wide for its height


class NormalPlotView(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.setMinimumSize(300, 220)
        p = self.getPlotItem()
        p.setMenuEnabled(False)
        p.hideButtons()
        self.vb = p.getViewBox()
        self.vb.setMouseEnabled(False, False)
        self.vb.disableAutoRange()
        self.fill = pg.PlotCurveItem(fillLevel=0.0, skipFiniteCheck=True)
        self.prior = pg.PlotCurveItem(antialias=True, skipFiniteCheck=True)
        self.posterior = pg.PlotCurveItem(antialias=True, skipFiniteCheck=True)
        self.ticks = pg.ScatterPlotItem(pxMode=True)
        for z, item in enumerate((self.fill, self.prior, self.posterior, self.ticks)):
            item.setZValue(z)
            p.addItem(item)
        self.truth = pg.InfiniteLine(angle=90, movable=False, label="true μ",
                                     labelOpts={"position": 0.9, "anchors": [(0, 0.5), (0, 0.5)]})
        p.addItem(self.truth, ignoreBounds=True)
        self.hover_text = pg.TextItem(anchor=(1, 0))
        self.hover_text.setParentItem(self.vb)
        self.hover_text.setZValue(30)
        self.hover_text.hide()
        self.vb.sigResized.connect(self._place_overlays)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.model: NormalMean | None = None
        self.apply_theme(LIGHT)

    def set_state(self, model: NormalMean, xs: np.ndarray, true_mu: float | None) -> None:
        self.model = model
        x, prior, post = model.curves()
        self.prior.setData(x, prior)
        self.posterior.setData(x, post)
        lo, hi = model.interval()
        inside = (x > lo) & (x < hi)
        self.fill.setData(np.concatenate(([lo], x[inside], [hi])),
                          np.concatenate(([_pdf(lo, model)], post[inside], [_pdf(hi, model)])))
        ymax = 1.12 * max(float(prior.max()), float(post.max()))
        self.ticks.setData(xs, np.full(len(xs), 0.035 * ymax))
        self.truth.setVisible(true_mu is not None)
        if true_mu is not None:
            self.truth.setValue(true_mu)
        wlo, whi = model.window()
        if true_mu is not None:
            wlo, whi = min(wlo, true_mu - 0.5), max(whi, true_mu + 0.5)
        self.vb.setRange(xRange=(wlo, whi), yRange=(0.0, ymax), padding=0)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        m = self.model
        if m is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            self.hover_text.hide()
            return
        x = self.vb.mapSceneToView(scene_pos).x()
        th = self.theme
        prior = math.exp(-0.5 * ((x - m.mu0) / m.tau0) ** 2) / (m.tau0 * math.sqrt(2 * math.pi))
        self.hover_text.setHtml(
            f"<span style='font-size:{th.font_px}px'>μ = {fmt(x)}</span><br>"
            f"<span style='color:{th.series[0]}; font-size:{th.font_px}px'>prior {fmt(prior)}</span><br>"
            f"<span style='color:{th.series[1]}; font-size:{th.font_px}px'>posterior {fmt(_pdf(x, m))}</span>")
        self.hover_text.show()

    def _place_overlays(self) -> None:
        r = self.vb.boundingRect()
        pad = max(6, self.theme.font_px // 2)
        self.hover_text.setPos(r.right() - pad, r.top() + pad)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = th = theme
        lw = th.line_width
        style_plot(self, th, "μ  (the unknown mean)", "density")
        self.prior.setPen(pg.mkPen(th.series[0], width=lw * 1.1, style=Qt.PenStyle.DashLine))
        self.posterior.setPen(pg.mkPen(th.series[1], width=lw * 1.6))
        self.fill.setPen(pg.mkPen(None))
        self.fill.setBrush(pg.mkBrush(alpha(th.series[1], 60)))
        self.ticks.setSymbol("|")
        self.ticks.setSize(round(th.font_px * 1.2))
        self.ticks.setPen(pg.mkPen(None))
        self.ticks.setBrush(pg.mkBrush(alpha(th.foreground, 170)))  # overlapping ticks read darker
        self.truth.setPen(pg.mkPen(th.foreground, width=lw, style=Qt.PenStyle.DashLine))
        font = QFont()
        font.setPixelSize(th.font_px)
        font.setBold(True)
        self.truth.label.setColor(th.foreground)
        self.truth.label.setFont(font)
        self.hover_text.fill = pg.mkBrush(alpha(th.background, 220))
        self._place_overlays()


def _pdf(x: float, m: NormalMean) -> float:
    return math.exp(-0.5 * ((x - m.post_mean) / m.post_sd) ** 2) / (m.post_sd * math.sqrt(2 * math.pi))


class NormalPanel(QWidget):
    """Plot + controls. Signals: value_edited(name, value) for mu0, tau0, sigma, true_mu;
    observe(k) (k = 0 clears); reveal_toggled."""

    value_edited = Signal(str, float)
    observe = Signal(int)
    reveal_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.plot = NormalPlotView()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        title = QLabel("Prior N(μ₀, τ₀²), noise σ")
        title.setToolTip("prior μ ~ N(μ₀, τ₀²); each observation xᵢ ~ N(μ, σ²) with σ known")
        title.setObjectName("heading")
        title.setWordWrap(True)
        self.rows = {
            "mu0": NumberRow("μ₀", -10.0, 10.0, 2, tip="the prior's centre: your best guess before data"),
            "tau0": NumberRow("τ₀", 0.05, 20.0, 2, log=True, tip="the prior's spread: how unsure you are"),
            "sigma": NumberRow("σ", 0.05, 20.0, 2, log=True, tip="the known noise of each observation"),
        }
        box = QVBoxLayout()
        box.setSpacing(6)
        box.addWidget(title)
        for name, row in self.rows.items():
            row.edited.connect(lambda v, n=name: self.value_edited.emit(n, v))
            box.addWidget(row)
        buttons = QGridLayout()
        buttons.setSpacing(6)
        self.buttons = []
        for k, (text, count) in enumerate((("Observe 1", 1), ("Observe 10", 10), ("Clear", 0))):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, c=count: self.observe.emit(c))
            buttons.addWidget(b, 0, k)
            self.buttons.append(b)
        box.addLayout(buttons)
        self.reveal = QCheckBox("Reveal the true μ")
        self.reveal.toggled.connect(self.reveal_toggled)
        self.true_mu = NumberRow("μ", -10.0, 10.0, 2, tip="the mean the random observations come from")
        self.true_mu.edited.connect(lambda v: self.value_edited.emit("true_mu", v))
        self.true_mu.hide()
        box.addWidget(self.reveal)
        box.addWidget(self.true_mu)
        box.addStretch(1)
        self.numbers = QLabel()
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setWordWrap(True)
        self.numbers.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # beside the plot: the numbers under the inputs; below it: the two side by side
        self.controls = QWidget()
        self.controls_box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.controls)
        self.controls_box.setContentsMargins(0, 0, 0, 0)
        self.controls_box.setSpacing(12)
        self.controls_box.addLayout(box)
        self.controls_box.addWidget(self.numbers)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.legend)
        left.addWidget(self.plot, 1)
        self.figure = QWidget()
        self.figure.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(6, 6, 6, 6)
        self.box.setSpacing(12)
        self.box.addWidget(self.figure, 1)
        self.box.addWidget(self.controls, 0)

    def set_state(self, model: NormalMean, xs: np.ndarray, p: dict[str, float]) -> None:
        th = self.theme
        for name, row in self.rows.items():
            row.set_value(p[name])
        with QSignalBlocker(self.reveal):
            self.reveal.setChecked(bool(p["reveal"]))
        self.true_mu.setVisible(bool(p["reveal"]))
        self.true_mu.set_value(p["true_mu"])
        self.plot.set_state(model, xs, p["true_mu"] if p["reveal"] else None)
        lo, hi = model.interval()
        big = round(th.font_px * 1.45)
        xbar = fmt(model.xbar) if model.n else "–"
        rows = [("posterior mean μₙ", fmt(model.post_mean), th.series[1], True),
                ("95 % interval", f"[{fmt(lo)}, {fmt(hi)}]", th.series[1], True),
                ("posterior sd τₙ", fmt(model.post_sd), th.foreground, False),
                ("observations n", str(model.n), th.foreground, False),
                ("sample mean x̄", xbar, th.foreground, False),
                ("prior weight", fmt(model.prior_weight), th.muted, False)]
        self.numbers.setText("<table cellspacing='2'>" + "".join(
            f"<tr><td style='color:{th.muted}; padding-right:{th.font_px}px'>{n}</td><td style='color:{c};"
            f" font-weight:{700 if s else 600}; font-size:{big if s else th.font_px}px'>{v}</td></tr>"
            for n, v, c, s in rows) + "</table>")
        self.buttons[2].setEnabled(model.n > 0)
        self.buttons[0].setEnabled(model.n < 1000)
        self.buttons[1].setEnabled(model.n < 1000)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        size = event.size()
        wide = size.width() - CONTROLS_EM * self.theme.font_px >= SQUARE * size.height()
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self.controls_box.setDirection(QBoxLayout.Direction.TopToBottom if wide else QBoxLayout.Direction.LeftToRight)
        self.controls.setMaximumWidth(round(self.theme.font_px * CONTROLS_EM) if wide else 16777215)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = th = theme
        self.plot.apply_theme(theme)
        if self.width() > 1:  # the new font size may move the controls beside or below the plot
            self.resizeEvent(QResizeEvent(self.size(), self.size()))
        for row in list(self.rows.values()) + [self.true_mu]:
            row.set_label_width(round(th.font_px * 1.3))
        self.legend.setText(
            f"<span style='color:{th.series[0]}; font-weight:700'>╌╌ prior</span>&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{th.series[1]}; font-weight:700'>━━ posterior</span>&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{th.foreground}; font-weight:700'>| observations</span>")
