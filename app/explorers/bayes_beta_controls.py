"""The coin tab's controls: the prior Beta(α, β) (sliders on a log scale, spin boxes, presets), the
coin (Heads, Tails, flip 1/10/100 with a hidden true p, undo, clear), the interval kind; and the
line of numbers that matter, in large type, shown above the figure.

Passive view: ``set_*`` show values with signals blocked; user edits leave as signals.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.explorers.bayes_widgets import NumberRow, fmt
from app.models.bayes import PRESETS, Coin
from app.widgets.theme import LIGHT, Theme

PRESET_TITLES = {"uniform": "Uniform", "jeffreys": "Jeffreys", "fair": "Fair coin"}
PRESET_TIPS = {
    "uniform": "Beta(1, 1): every θ equally plausible",
    "jeffreys": "Beta(½, ½): the prior that does not depend on how θ is parametrised",
    "fair": "Beta(50, 50): a strong belief the coin is fair, worth 100 flips",
}
FLIPS = (1, 10, 100)


class BetaControls(QWidget):
    alpha_edited = Signal(float)
    beta_edited = Signal(float)
    preset_chosen = Signal(str)
    observed = Signal(int)  # 1 heads, 0 tails
    flip_clicked = Signal(int)  # how many random flips
    undo_clicked = Signal()
    clear_clicked = Signal()
    reveal_toggled = Signal(bool)
    true_p_edited = Signal(float)
    hdi_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        # --- prior ----------------------------------------------------------------------------
        self.prior_title = QLabel("Prior  Beta(α, β)")
        self.prior_title.setObjectName("heading")
        tip = "{}: like {} seen before the first flip (must be > 0)"
        self.alpha = NumberRow("α", 0.0, 10000.0, 3, log=True, slider_lo=0.01, slider_hi=1000.0,
                               tip=tip.format("α", "α − 1 heads"))
        self.beta = NumberRow("β", 0.0, 10000.0, 3, log=True, slider_lo=0.01, slider_hi=1000.0,
                              tip=tip.format("β", "β − 1 tails"))
        self.alpha.edited.connect(self.alpha_edited)
        self.beta.edited.connect(self.beta_edited)
        presets = QHBoxLayout()
        presets.setSpacing(6)
        self.preset_buttons: dict[str, QPushButton] = {}
        for name in PRESETS:
            b = QPushButton(PRESET_TITLES[name])
            b.setToolTip(PRESET_TIPS[name])
            b.clicked.connect(lambda _=False, n=name: self.preset_chosen.emit(n))
            presets.addWidget(b)
            self.preset_buttons[name] = b
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        prior_box = QVBoxLayout()
        prior_box.setSpacing(6)
        for w in (self.prior_title, self.alpha, self.beta):
            prior_box.addWidget(w)
        prior_box.addLayout(presets)
        prior_box.addWidget(self.message)
        prior_box.addSpacing(4)
        # --- data -----------------------------------------------------------------------------
        self.data_title = QLabel("Flip the coin")
        self.data_title.setObjectName("heading")
        self.heads = QPushButton("Heads")
        self.heads.setObjectName("heads")
        self.heads.setToolTip("observe one head (H)")
        self.tails = QPushButton("Tails")
        self.tails.setObjectName("tails")
        self.tails.setToolTip("observe one tail (T)")
        self.heads.clicked.connect(lambda: self.observed.emit(1))
        self.tails.clicked.connect(lambda: self.observed.emit(0))
        self.flip_buttons = []
        grid = QGridLayout()
        grid.setSpacing(6)
        grid.addWidget(self.heads, 0, 0, 1, 3)
        grid.addWidget(self.tails, 0, 3, 1, 3)
        for k, count in enumerate(FLIPS):
            b = QPushButton(f"Flip {count}")
            b.setToolTip(f"flip a coin whose true P(heads) is hidden, {count}×")
            b.clicked.connect(lambda _=False, c=count: self.flip_clicked.emit(c))
            grid.addWidget(b, 1, 2 * k, 1, 2)
            self.flip_buttons.append(b)
        self.undo = QPushButton("Undo")
        self.undo.setToolTip("take back the last observation (Ctrl+Z)")
        self.clear = QPushButton("Clear")
        self.clear.setToolTip("forget every observation: back to the prior")
        self.undo.clicked.connect(self.undo_clicked)
        self.clear.clicked.connect(self.clear_clicked)
        grid.addWidget(self.undo, 2, 0, 1, 3)
        grid.addWidget(self.clear, 2, 3, 1, 3)
        self.reveal = QCheckBox("Reveal the true p")
        self.reveal.setToolTip("show (and set) the P(heads) the random flips use")
        self.reveal.toggled.connect(self.reveal_toggled)
        self.true_p = NumberRow("p", 0.0, 1.0, 2, tip="the true P(heads) of the random flips")
        self.true_p.edited.connect(self.true_p_edited)
        self.true_p.hide()
        data_box = QVBoxLayout()
        data_box.setSpacing(6)
        data_box.addWidget(self.data_title)
        data_box.addLayout(grid)
        data_box.addWidget(self.reveal)
        data_box.addWidget(self.true_p)
        # --- the interval's kind (the explorer shows it beside the figure's legend) -----------------
        self.hdi = QCheckBox("HDI")
        self.hdi.setToolTip("95 % credible interval: unticked, equal tails (2.5 % of the posterior below, "
                            "2.5 % above); ticked, the highest-density region — the shortest one, every θ "
                            "inside more plausible than any outside")
        self.hdi.toggled.connect(self.hdi_toggled)

        self.hint = QLabel("Keys: H heads, T tails, ←/→ step the timeline, Ctrl+Z undo. "
                           "Hover the figure for exact densities.")
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        hint_box = QVBoxLayout()
        hint_box.addSpacing(8)
        hint_box.addWidget(self.hint)

        self.parts = [QWidget(), QWidget(), QWidget()]
        for part, layout in zip(self.parts, (prior_box, data_box, hint_box), strict=True):
            layout.setContentsMargins(0, 0, 0, 0)
            part.setLayout(layout)
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box.setContentsMargins(4, 0, 4, 4)
        self.box.setSpacing(14)
        for part in self.parts:
            self.box.addWidget(part, 0, Qt.AlignmentFlag.AlignTop)
        self.box.addStretch(1)

    # --- showing state (signals blocked) ---------------------------------------------------------
    def set_prior(self, a: float, b: float) -> None:
        self.alpha.set_value(a)
        self.beta.set_value(b)

    def set_message(self, text: str) -> None:
        if text == self.message.text():
            return
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.alpha.set_invalid("α" in text)
        self.beta.set_invalid("β" in text)

    def set_reveal(self, on: bool, true_p: float) -> None:
        with QSignalBlocker(self.reveal):
            self.reveal.setChecked(on)
        self.true_p.setVisible(on)
        self.true_p.set_value(true_p)

    def set_hdi(self, on: bool) -> None:
        with QSignalBlocker(self.hdi):
            self.hdi.setChecked(on)

    def set_can_undo(self, n: int) -> None:
        self.undo.setEnabled(n > 0)
        self.clear.setEnabled(n > 0)

    def set_compact(self, compact: bool) -> None:
        """Below a plot: the two groups side by side; beside it: one column."""
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if compact else QBoxLayout.Direction.TopToBottom)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for row in (self.alpha, self.beta, self.true_p):
            row.set_label_width(round(theme.font_px * 1.2))


def summary_items(coin: Coin, region: tuple[tuple[float, float], ...], th: Theme) -> list:
    """The numbers that matter, as one wrapping line above the figure (TextRuns items): the
    posterior mean and 95 % region large, then width, MAP, MLE, the next flip's probability and the
    prior's weight."""
    post = coin.posterior
    digits = 4 if post.var < 1e-6 else 3
    iv = " ∪ ".join(f"[{fmt(a, digits)}, {fmt(b, digits)}]" for a, b in region)
    width = sum(b - a for a, b in region)
    if math.isnan(post.mode):  # no single peak: flat, or U-shaped (peaks at both ends)
        mode = "none (flat)" if post.a == post.b == 1 else "0 and 1"
    else:
        mode = fmt(post.mode, digits)

    def item(name: str, value: str, colour: str, scale: float = 1.0) -> list:
        return [(name + " ", th.muted, False, 1.0), (value, colour, True, scale)]

    return [item("mean", fmt(post.mean, digits), th.series[1], 1.3),
            item("95 %", iv, th.series[1], 1.3),
            item("width", fmt(width, digits), th.foreground),
            item("MAP", mode, th.series[4]),
            item("MLE", fmt(coin.mle, digits), th.series[3]),
            item("P(next = H)", fmt(coin.predictive_heads, digits), th.foreground),
            item("prior weight", fmt(coin.prior_weight, 3), th.muted)]
