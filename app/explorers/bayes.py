"""Bayes explorer: watch a prior become a posterior, one observation at a time — a coin (Beta
prior, flips, Beta posterior, a timeline to step back and forth), a diagnostic test (icon array,
probability tree, test again) and an unknown mean (Normal prior and posterior).

The one place that wires the views (bayes_beta, bayes_beta_controls, bayes_diagnostic,
bayes_normal) to the models (app.models.bayes*). Every user edit goes through an ``_on_*``
handler that changes the state, then the tab is redrawn and ``params_changed`` carries the dict.
Between two timeline steps the curves glide along Beta(α + h(s), β + t(s)), s from 0 to 1.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QElapsedTimer, QSignalBlocker, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QTabWidget, QVBoxLayout, QWidget

from app.explorers.base import Explorer
from app.explorers.bayes_beta_controls import summary_items
from app.explorers.bayes_coin import CoinPanel
from app.explorers.bayes_diagnostic import DiagnosticPanel
from app.explorers.bayes_normal import NormalPanel
from app.explorers.bayes_widgets import KeepArrowKeys, style_sheet
from app.models import bayes as model
from app.models.bayes_diagnostic import Diagnostic, sequential
from app.models.bayes_normal import NormalMean, normal_observations
from app.widgets.theme import LIGHT, Theme

P = model.PARAMS
ANIMATE_MS = 240.0  # one update glides this long
FRAME_MS = 16
TABS = ("Coin", "Diagnostic test", "Unknown mean")
ORDER_MAX = 2000  # observations whose order the clip is sent
#: which tabs show each setting (a change redraws only those)
SHOWN_ON = {"true_p": ("coin",), "hdi": ("coin",), "reveal": ("coin", "normal"), "tab": (),
            "base_rate": ("diagnostic",), "sensitivity": ("diagnostic",), "specificity": ("diagnostic",),
            "tests": ("diagnostic",), "mu0": ("normal",), "tau0": ("normal",), "sigma": ("normal",),
            "true_mu": ("normal",), "normal_n": ("normal",), "seed": ("normal",)}


def _ease(s: float) -> float:
    s = min(1.0, max(0.0, s))
    return s * s * (3.0 - 2.0 * s)


class BayesExplorer(Explorer):
    animate = True  # tests and the benchmark switch the glide off to see each step at once

    def __init__(self, lesson, parent: QWidget | None = None):
        super().__init__(lesson, parent)
        p = {k: P[k].clamp(v) for k, v in lesson.defaults().items() if k in P}
        self._p = p  # the lesson-settable numbers (α, β, rates, …), always valid
        self._log = model.FlipLog()
        self._log.set_counts(int(p["heads"]), int(p["tails"]))
        self._step = len(self._log)
        self._rng = np.random.default_rng(int(p["seed"]))
        self._messages = {"coin": "", "diagnostic": ""}
        self._obs_key, self._obs = None, np.zeros(0)
        self._controls_key = None
        self._shown = self._log.counts(self._step)  # (h, t) drawn now (fractional mid-glide)
        self._glide_from = self._shown
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_frame)

        self.coin_tab = CoinPanel()
        c = self.coin_tab  # its parts, by name (tests and the shell's export reach them here)
        self.plot, self.legend, self.summary = c.plot, c.legend, c.summary
        self.timeline, self.controls, self.scroll, self.coin_box = c.timeline, c.controls, c.scroll, c.box
        self.diagnostic = DiagnosticPanel()
        self.normal = NormalPanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for w, name in zip((self.coin_tab, self.diagnostic, self.normal), TABS, strict=True):
            self.tabs.addTab(w, name)
        self.tabs.setCurrentIndex(int(p["tab"]))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

        c = self.controls
        c.alpha_edited.connect(lambda v: self._on_prior("alpha", v))
        c.beta_edited.connect(lambda v: self._on_prior("beta", v))
        c.preset_chosen.connect(self._on_preset)
        c.observed.connect(self._on_observe)
        c.flip_clicked.connect(self._on_flip)
        c.undo_clicked.connect(self._on_undo)
        c.clear_clicked.connect(self._on_clear)
        c.reveal_toggled.connect(self._on_reveal)
        c.true_p_edited.connect(lambda v: self._on_value("true_p", v))
        c.hdi_toggled.connect(lambda on: self._on_value("hdi", float(on)))
        self.timeline.step_edited.connect(self._on_step)
        self.tabs.currentChanged.connect(self._on_tab)
        self.diagnostic.rate_edited.connect(self._on_rate)
        self.diagnostic.test_again.connect(self._on_test_again)
        self.diagnostic.start_over.connect(lambda: self._on_value("tests", 1.0))
        self.normal.value_edited.connect(self._on_value)
        self.normal.observe.connect(self._on_observe_normal)
        self.normal.reveal_toggled.connect(self._on_reveal)
        for key, slot in (("H", lambda: self._on_observe(1)), ("T", lambda: self._on_observe(0)),
                          (QKeySequence.StandardKey.Undo, self._on_undo),
                          ("Left", lambda: self._on_step(self._step - 1)),
                          ("Right", lambda: self._on_step(self._step + 1))):
            shortcut = QShortcut(QKeySequence(key), self.coin_tab)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._arrows = KeepArrowKeys(self)
        for w in self.coin_tab.findChildren(QAbstractSlider) + self.coin_tab.findChildren(QAbstractSpinBox):
            w.installEventFilter(self._arrows)
        self.apply_theme(LIGHT)

    # --- the models of the current state ---------------------------------------------------------
    def coin(self) -> model.Coin:
        """The coin at the timeline's step (what the derivation and the exercises see)."""
        h, t = self._log.counts(self._step)
        return model.Coin(self._p["alpha"], self._p["beta"], h, t)

    def chain(self) -> list[Diagnostic]:
        p = self._p
        return sequential(Diagnostic(p["base_rate"], p["sensitivity"], p["specificity"]), int(p["tests"]))

    def observations(self) -> np.ndarray:
        """The unknown-mean tab's data (cached: params() asks on every flip)."""
        p = self._p
        key = (int(p["seed"]), p["true_mu"], p["sigma"], int(p["normal_n"]))
        if self._obs_key != key:
            self._obs_key, self._obs = key, normal_observations(*key)
        return self._obs

    def normal_model(self) -> NormalMean:
        p = self._p
        return NormalMean.of(p["mu0"], p["tau0"], p["sigma"], self.observations())

    def region(self, coin: model.Coin) -> tuple[tuple[float, float], ...]:
        return coin.interval("hdi" if self._p["hdi"] else "equal")

    # --- explorer contract -------------------------------------------------------------------------
    def params(self) -> dict[str, float]:
        """Every PARAMS key (heads/tails: the whole log), plus the timeline's ``step`` and, for the
        derivation, the shown counts ``h``, ``t``, ``n`` and the sample mean ``xbar``."""
        h, t = self._log.counts(self._step)
        heads, tails = self._log.counts()
        xs = self.observations()
        return dict(self._p) | {"heads": float(heads), "tails": float(tails), "step": float(self._step),
                                "h": float(h), "t": float(t), "n": float(h + t),
                                "xbar": float(xs.mean()) if len(xs) else 0.0}

    def scene_params(self) -> dict:
        """What "Render current state" sends the clip: params() with ``heads``/``tails`` the counts at
        the timeline's step (what the figure shows) and ``order`` those observations in order, as H
        and T (the first ORDER_MAX; the clip shows the first few dozen one by one, the rest as counts)."""
        h, t = self._log.counts(self._step)
        obs = self._log.observations[: min(self._step, ORDER_MAX)]
        order = np.where(obs == 1, ord("H"), ord("T")).astype(np.uint8).tobytes().decode("ascii")
        return self.params() | {"heads": float(h), "tails": float(t), "order": order}

    def set_params(self, params: dict[str, float]) -> None:
        self._stop()
        new = {k: P[k].clamp(v) for k, v in params.items() if k in P and not math.isnan(v)}
        heads, tails = self._log.counts()
        counts = (int(new.get("heads", heads)), int(new.get("tails", tails)))
        if counts != (heads, tails):  # a different record: replace it (same counts keep the order)
            self._log.set_counts(*counts)
            self._step = len(self._log)
        if "seed" in new and int(new["seed"]) != int(self._p["seed"]):
            self._rng = np.random.default_rng(int(new["seed"]))
        self._p |= {k: v for k, v in new.items() if k not in ("heads", "tails")}
        if "step" in params:
            self._step = int(min(max(0, params["step"]), len(self._log)))
        self._messages = {"coin": "", "diagnostic": ""}
        self._shown = self._log.counts(self._step)
        with QSignalBlocker(self.tabs):
            self.tabs.setCurrentIndex(int(self._p["tab"]))
        self._show_all()
        self.params_changed.emit(self.params())

    def quantities(self) -> dict[str, float]:
        return model.quantities(self.coin(), self.chain(), self.normal_model(), int(self._p["tab"]))

    def plot_item(self):
        """The normal tab's figure on that tab; otherwise the coin's (the diagnostic tab draws with
        QPainter, not pyqtgraph)."""
        view = self.normal.plot if self.tabs.currentIndex() == 2 else self.plot
        return view.getPlotItem()

    def export_table(self) -> tuple[list[str], list[list[float]]]:
        """Coin and diagnostic tabs: the curves, one row per θ (θ, prior, likelihood, posterior
        densities; likelihood normalised over θ). Unknown-mean tab: μ, prior and posterior."""
        if self.tabs.currentIndex() == 2:
            x, prior, post = self.normal_model().curves()
            return ["mu", "prior", "posterior"], np.column_stack([x, prior, post]).tolist()
        cv = self.coin().curves()
        return (["theta", "prior", "likelihood", "posterior"],
                np.column_stack([cv.theta, cv.prior, cv.likelihood, cv.posterior]).tolist())

    # --- handlers: the coin ------------------------------------------------------------------------
    @Slot(str, float)
    def _on_prior(self, name: str, value: float) -> None:
        a, b = (value, self._p["beta"]) if name == "alpha" else (self._p["alpha"], value)
        try:
            model.Beta(a, b)
        except model.BayesInputError as e:  # keep the last good prior; say why (until the next good edit)
            self._messages["coin"] = f"{e}. Still using Beta({_n(self._p['alpha'])}, {_n(self._p['beta'])})."
            self.controls.set_message(self._messages["coin"])
            return
        self._p[name] = P[name].clamp(value)
        self._changed(glide=False)

    @Slot(str)
    def _on_preset(self, name: str) -> None:
        self._p["alpha"], self._p["beta"] = model.PRESETS[name]
        self._changed(glide=False)

    @Slot(int)
    def _on_observe(self, bit: int) -> None:
        self._log.extend([bit])
        self._to_end()

    @Slot(int)
    def _on_flip(self, k: int) -> None:
        self._log.extend(model.flips(self._rng, k, self._p["true_p"]))
        self._to_end()

    @Slot()
    def _on_undo(self) -> None:
        at_end = self._step >= len(self._log)
        self._log.undo()
        self._step = len(self._log) if at_end else min(self._step, len(self._log))
        self._changed()

    @Slot()
    def _on_clear(self) -> None:
        self._log.clear()
        self._step = 0
        self._changed()

    @Slot(int)
    def _on_step(self, k: int) -> None:
        k = int(min(max(0, k), len(self._log)))
        if k != self._step:
            self._step = k
            self._changed()

    def _to_end(self) -> None:
        """New observations go to the end of the record, and the timeline follows them (nothing
        scrubbed past is ever dropped)."""
        self._step = len(self._log)
        self._changed()

    # --- handlers: the other tabs and shared numbers --------------------------------------------------
    @Slot(str, float)
    def _on_value(self, name: str, value: float) -> None:
        self._p[name] = P[name].clamp(value)
        self._changed(glide=False, tabs=SHOWN_ON[name])

    @Slot(bool)
    def _on_reveal(self, on: bool) -> None:
        self._on_value("reveal", float(on))

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        self._on_value("tab", float(index))

    @Slot(str, float)
    def _on_rate(self, name: str, value: float) -> None:
        self._p[name] = P[name].clamp(value)
        self._p["tests"] = 1.0  # new rates: a new first test
        self._changed(glide=False, tabs=("diagnostic",))

    @Slot()
    def _on_test_again(self) -> None:
        if len(self.chain()) < int(self._p["tests"]) or math.isnan(self.chain()[-1].p_disease_given_positive):
            self._messages["diagnostic"] = "A positive result cannot happen with these rates, so there is no next test."
            self._show_diagnostic()
            return
        self._on_value("tests", self._p["tests"] + 1)

    @Slot(int)
    def _on_observe_normal(self, k: int) -> None:
        self._on_value("normal_n", 0.0 if k == 0 else self._p["normal_n"] + k)

    # --- state → views ------------------------------------------------------------------------------
    def _changed(self, glide: bool = True, tabs: tuple[str, ...] = ("coin",)) -> None:
        """Redraw ``tabs`` for the new state (the coin gliding to it), then tell the page."""
        if "coin" in tabs:
            self._messages["coin"] = ""
        target = self._log.counts(self._step)
        if glide and self.animate and self.isVisible() and target != self._shown:
            self._glide_from = self._shown
            self._clock.start()
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._stop()
            self._shown = target
        if "coin" in tabs:
            self._show_coin()
        if "diagnostic" in tabs:
            self._show_diagnostic()
        if "normal" in tabs:
            self._show_normal()
        self.params_changed.emit(self.params())

    @Slot()
    def _on_frame(self) -> None:
        s = _ease(self._clock.elapsed() / ANIMATE_MS)
        (h0, t0), (h1, t1) = self._glide_from, self._log.counts(self._step)
        self._shown = (h0 + s * (h1 - h0), t0 + s * (t1 - t0))
        if s >= 1.0:
            self._stop()
            self._shown = (h1, t1)
        self._draw_curves()

    def _stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
        self._shown = self._log.counts(self._step)

    def is_animating(self) -> bool:
        return self._timer.isActive()

    def _show_all(self) -> None:
        self._show_coin()
        self._show_diagnostic()
        self._show_normal()

    def _show_normal(self) -> None:
        self.normal.set_state(self.normal_model(), self.observations(), self._p)

    def _show_coin(self) -> None:
        c = self.controls
        coin = self.coin()
        p = self._p
        key = (p["alpha"], p["beta"], p["reveal"], p["true_p"], p["hdi"], self._messages["coin"], len(self._log) > 0)
        if key != self._controls_key:  # (unchanged on a flip: leave the widgets alone)
            self._controls_key = key
            c.set_prior(p["alpha"], p["beta"])
            c.set_message(self._messages["coin"])
            c.set_reveal(bool(p["reveal"]), p["true_p"])
            c.set_hdi(bool(p["hdi"]))
            c.set_can_undo(len(self._log))
        self.summary.set_items(summary_items(coin, self.region(coin), self.theme))
        self.timeline.set_timeline(self._log.observations, self._step)
        self._draw_curves()

    def _draw_curves(self) -> None:
        """The curves at the counts drawn now (fractional while gliding)."""
        coin = model.Coin(self._p["alpha"], self._p["beta"], *self._shown)
        curves = coin.curves(window=self.plot.window_for(coin.window()))
        self.plot.set_state(coin, curves, self.region(coin),
                            self._p["true_p"] if self._p["reveal"] else None)

    def _show_diagnostic(self) -> None:
        self.diagnostic.set_state(self.chain(), self._messages["diagnostic"])
        self._messages["diagnostic"] = ""

    # --- look ----------------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        pal = self.palette()
        for role, colour in {QPalette.ColorRole.Window: theme.background, QPalette.ColorRole.WindowText: theme.foreground,
                             QPalette.ColorRole.Base: theme.background, QPalette.ColorRole.Text: theme.foreground,
                             QPalette.ColorRole.Button: theme.panel, QPalette.ColorRole.ButtonText: theme.foreground
                             }.items():
            pal.setColor(role, QColor(colour))
        self.setPalette(pal)
        self.setAutoFillBackground(True)
        self.setStyleSheet(style_sheet(theme))
        self._controls_key = None
        for w in self.findChildren(QWidget):
            w.ensurePolished()  # Qt 6.11: unpolished children keep a first style sheet's colours
        self.coin_tab.apply_theme(theme)
        self.diagnostic.apply_theme(theme)
        self.normal.apply_theme(theme)
        self._show_all()


def _n(x: float) -> str:
    return f"{x:g}"
