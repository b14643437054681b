"""The gradient-descent explorer's controls: surface (built-in or typed), one row per optimiser
(show, explain, continuous log-scale lr, momentum/α/β₁/β₂), noise, and the race clock (Step,
Play/Pause, speed, Reset).

Passive view: ``set_*`` methods show values with signals blocked; user edits leave as signals
for the explorer's ``_on_*`` handlers.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.models.descent import OPTIMIZERS, PARAMS, TITLES
from app.models.surfaces import SURFACE_TITLES
from app.widgets.theme import LIGHT, Theme

LR_TICKS = 600  # slider resolution over log10 lr ∈ [−5, 1] (100 ticks per decade)
LR_LO, LR_HI = math.log10(PARAMS["lr_sgd"].lo), math.log10(PARAMS["lr_sgd"].hi)
HYPER = {"momentum": "momentum", "nesterov": "nesterov_momentum", "rmsprop": "alpha", "adam": "beta1"}
HYPER_LABEL = {"momentum": "μ", "nesterov_momentum": "μ", "alpha": "α", "beta1": "β₁", "beta2": "β₂"}
SPEEDS = (1, 2, 5, 10, 25)
SHORT = {"sgd": "GD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad", "rmsprop": "RMSProp",
         "adam": "Adam"}  # the column stays narrow enough for projector fonts


def lr_to_tick(lr: float) -> int:
    return round((math.log10(max(lr, 1e-12)) - LR_LO) / (LR_HI - LR_LO) * LR_TICKS)


def tick_to_lr(tick: int) -> float:
    return float(f"{10 ** (LR_LO + tick / LR_TICKS * (LR_HI - LR_LO)):.4g}")


def _slider(lo: int, hi: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    return s


class ControlsPanel(QWidget):
    surface_chosen = Signal(int)  # index, −1 = typed
    formula_edited = Signal(str)
    shape_edited = Signal(str, float)  # "cond" / "angle"
    lr_edited = Signal(str, float)  # optimiser, lr
    hyper_edited = Signal(str, float)  # param name, value
    shown_toggled = Signal(str, bool)
    explained = Signal(int)
    noise_edited = Signal(float)
    steps_edited = Signal(int)
    step_clicked = Signal()
    play_clicked = Signal()
    reset_clicked = Signal()
    speed_chosen = Signal(int)
    field_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("descentControls")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.theme = LIGHT
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.setSpacing(6)
        # --- surface ---------------------------------------------------------------------------
        self.surface = QComboBox()
        self.surface.addItems(list(SURFACE_TITLES) + ["Your own f(x, y)…"])
        self.surface.currentIndexChanged.connect(
            lambda i: self.surface_chosen.emit(-1 if i == len(SURFACE_TITLES) else i))
        self.formula = QLineEdit()
        self.formula.setPlaceholderText("f(x, y), e.g. x^2 + 3*y^2 + sin(2*x)")
        self.formula.editingFinished.connect(lambda: self.formula_edited.emit(self.formula.text()))
        self.formula_error = QLabel()
        self.formula_error.setObjectName("error")
        self.formula_error.setWordWrap(True)
        self.formula_error.hide()
        self.cond = _slider(2, 200)  # κ in steps of 0.5
        self.angle = _slider(0, 180)
        self.cond_label, self.angle_label = QLabel(), QLabel()
        self.cond.valueChanged.connect(lambda v: self.shape_edited.emit("cond", v / 2))
        self.angle.valueChanged.connect(lambda v: self.shape_edited.emit("angle", float(v)))
        self.shape = QWidget()
        shape = QGridLayout(self.shape)
        shape.setContentsMargins(0, 0, 0, 0)
        shape.addWidget(QLabel("κ"), 0, 0)
        shape.addWidget(self.cond, 0, 1)
        shape.addWidget(self.cond_label, 0, 2)
        shape.addWidget(QLabel("rotate"), 1, 0)
        shape.addWidget(self.angle, 1, 1)
        shape.addWidget(self.angle_label, 1, 2)
        heading = QLabel("Surface")
        heading.setObjectName("heading")
        box.addWidget(heading)
        box.addWidget(self.surface)
        box.addWidget(self.formula)
        box.addWidget(self.formula_error)
        box.addWidget(self.shape)
        # --- optimisers -------------------------------------------------------------------------
        heading = QLabel("Optimisers")
        heading.setToolTip("tick to show · dot to explain in the derivation · slider: learning rate (log scale)")
        heading.setObjectName("heading")
        box.addWidget(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.show_boxes: dict[str, QCheckBox] = {}
        self.explain = QButtonGroup(self)
        self.lr_sliders: dict[str, QSlider] = {}
        self.lr_labels: dict[str, QLabel] = {}
        self.hyper_sliders: dict[str, QSlider] = {}
        self.hyper_labels: dict[str, QLabel] = {}
        row = 0
        for k, opt in enumerate(OPTIMIZERS):
            show = QCheckBox(SHORT[opt])
            show.setToolTip(f"show {TITLES[opt]}")
            show.setObjectName(f"opt_{opt}")
            show.toggled.connect(lambda on, o=opt: self.shown_toggled.emit(o, on))
            radio = QRadioButton()
            radio.setToolTip("explain this optimiser's update in the derivation")
            self.explain.addButton(radio, k)
            lr = _slider(0, LR_TICKS)
            lr.setToolTip(f"learning rate of {TITLES[opt]} (log scale, 1e−5 … 10)")
            lr.valueChanged.connect(lambda v, o=opt: self.lr_edited.emit(o, tick_to_lr(v)))
            label = QLabel()
            label.setMinimumWidth(60)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.show_boxes[opt], self.lr_sliders[opt], self.lr_labels[opt] = show, lr, label
            grid.addWidget(show, row, 0)
            grid.addWidget(radio, row, 1)
            grid.addWidget(lr, row, 2)
            grid.addWidget(label, row, 3)
            row += 1
            names = [HYPER[opt]] + (["beta2"] if opt == "adam" else []) if opt in HYPER else []
            for name in names:
                spec = PARAMS[name]
                s = _slider(round(spec.lo / spec.step), round(spec.hi / spec.step))
                if name == "nesterov_momentum":
                    s.setToolTip("torch.optim.SGD refuses nesterov=True with momentum 0, so the least is 0.001")
                s.valueChanged.connect(lambda v, n=name, st=spec.step: self.hyper_edited.emit(n, round(v * st, 6)))
                lab = QLabel()
                lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.hyper_sliders[name], self.hyper_labels[name] = s, lab
                grid.addWidget(QLabel(f"   {HYPER_LABEL[name]}"), row, 0, 1, 2)
                grid.addWidget(s, row, 2)
                grid.addWidget(lab, row, 3)
                row += 1
        self.explain.idClicked.connect(self.explained.emit)
        grid.setColumnStretch(2, 1)
        box.addLayout(grid)
        # --- noise, steps, field -------------------------------------------------------------
        extra = QGridLayout()
        self.noise = _slider(0, 500)
        self.noise.valueChanged.connect(lambda v: self.noise_edited.emit(v / 100))
        self.noise_label = QLabel()
        self.steps = QSpinBox()
        self.steps.setRange(int(PARAMS["steps"].lo), int(PARAMS["steps"].hi))
        self.steps.setSingleStep(10)
        self.steps.valueChanged.connect(self.steps_edited.emit)
        self.field = QCheckBox("−∇f")
        self.field.setToolTip("show the −∇f arrow field (downhill directions)")
        self.field.toggled.connect(self.field_toggled.emit)
        extra.addWidget(QLabel("noise σ"), 0, 0)
        extra.addWidget(self.noise, 0, 1)
        extra.addWidget(self.noise_label, 0, 2)
        extra.addWidget(QLabel("steps"), 1, 0)
        extra.addWidget(self.steps, 1, 1)
        extra.addWidget(self.field, 1, 2)
        box.addLayout(extra)
        # --- the race clock ---------------------------------------------------------------------
        clock = QHBoxLayout()
        self.step_button = QPushButton("Step")
        self.play_button = QPushButton("Play")
        self.reset_button = QPushButton("Reset")
        self.speed = QComboBox()
        self.speed.addItems([f"{s}×" for s in SPEEDS])
        self.step_button.clicked.connect(self.step_clicked.emit)
        self.play_button.clicked.connect(self.play_clicked.emit)
        self.reset_button.clicked.connect(self.reset_clicked.emit)
        self.speed.currentIndexChanged.connect(lambda i: self.speed_chosen.emit(SPEEDS[i]))
        for w in (self.step_button, self.play_button, self.speed, self.reset_button):
            clock.addWidget(w)
        self.counter = QLabel()
        self.counter.setObjectName("counter")
        box.addLayout(clock)
        box.addWidget(self.counter)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        box.addStretch(1)

    # --- showing state (signals blocked: no feedback loops) ---------------------------------------
    def set_values(self, p: dict[str, float], typed: str) -> None:
        idx = int(round(p["surface"]))
        with QSignalBlocker(self.surface):
            self.surface.setCurrentIndex(len(SURFACE_TITLES) if idx < 0 else idx)
        with QSignalBlocker(self.formula):
            if self.formula.text() != typed:
                self.formula.setText(typed)
        self.formula.setVisible(idx < 0)
        self.shape.setVisible(idx == 0)
        for w, v in ((self.cond, round(p["cond"] * 2)), (self.angle, round(p["angle"]))):
            with QSignalBlocker(w):
                w.setValue(v)
        self.cond_label.setText(f"{p['cond']:g}")
        self.angle_label.setText(f"{p['angle']:g}°")
        mask = int(round(p["show"]))
        for k, opt in enumerate(OPTIMIZERS):
            with QSignalBlocker(self.show_boxes[opt]):
                self.show_boxes[opt].setChecked(bool(mask >> k & 1))
            lr = p[f"lr_{opt}"]
            with QSignalBlocker(self.lr_sliders[opt]):
                self.lr_sliders[opt].setValue(lr_to_tick(lr))
            self.lr_labels[opt].setText(f"{lr:.4g}")
        for name, s in self.hyper_sliders.items():
            with QSignalBlocker(s):
                s.setValue(round(p[name] / PARAMS[name].step))
            self.hyper_labels[name].setText(f"{p[name]:g}")
        button = self.explain.button(int(round(p["optimizer"])))
        with QSignalBlocker(self.explain):
            button.setChecked(True)
        with QSignalBlocker(self.noise):
            self.noise.setValue(round(p["noise"] * 100))
        self.noise_label.setText(f"{p['noise']:g}")
        with QSignalBlocker(self.steps):
            self.steps.setValue(int(p["steps"]))

    def set_formula_error(self, message: str | None) -> None:
        self.formula_error.setText(message or "")
        self.formula_error.setVisible(bool(message))

    def set_counter(self, step: int, steps: int, playing: bool) -> None:
        self.counter.setText(f"step {step} / {steps}")
        self.play_button.setText("Pause" if playing else "Play")

    def set_colors(self, colors: dict[str, str]) -> None:
        for opt, box in self.show_boxes.items():
            box.setStyleSheet(f"QCheckBox {{ color: {colors[opt]}; font-weight: 600; }}")

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        t, px = theme, theme.font_px
        # the explain dots drawn in full: a stylesheet that only sizes an indicator leaves Qt's
        # fallback, which in the dark theme painted every dot as if it were selected
        ring = max(2, round(px / 9))
        dot = round(px * 0.8) - 2 * ring
        self.setStyleSheet(f"""
            QWidget#descentControls {{ background: {t.panel}; }}
            QLabel, QCheckBox, QRadioButton {{ color: {t.foreground}; font-size: {px}px; }}
            QLabel#heading {{ font-size: {round(px * 1.1)}px; font-weight: 600; }}
            QLabel#muted {{ color: {t.muted}; }}
            QLabel#counter {{ font-size: {round(px * 1.2)}px; font-weight: 600; }}
            QLabel#error {{ color: {t.negative}; }}
            QCheckBox::indicator {{ width: {round(px * 0.8)}px; height: {round(px * 0.8)}px; }}
            QRadioButton::indicator {{ width: {dot}px; height: {dot}px; border-radius: {dot // 2 + ring}px;
                                       border: {ring}px solid {t.muted}; background: {t.background}; }}
            QRadioButton::indicator:hover {{ border-color: {t.accent}; }}
            QRadioButton::indicator:checked {{ border-color: {t.accent}; background: qradialgradient(cx: 0.5,
                cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5, stop: 0 {t.accent}, stop: 0.55 {t.accent},
                stop: 0.62 {t.background}, stop: 1 {t.background}); }}
            QComboBox, QLineEdit, QSpinBox {{ font-size: {px}px; color: {t.foreground}; background: {t.background};
                                              border: 1px solid {t.grid}; padding: 2px 4px; }}
            QPushButton {{ font-size: {px}px; padding: {round(px * 0.25)}px {round(px * 0.7)}px; color: {t.foreground};
                           background: {t.background}; border: 1px solid {t.grid}; border-radius: 5px; }}
            QPushButton:hover {{ border-color: {t.accent}; }}
            QSlider::groove:horizontal {{ height: {max(4, px // 4)}px; background: {t.grid}; border-radius: 2px; }}
            QSlider::handle:horizontal {{ width: {round(px * 0.9)}px; margin: -{px // 4}px 0;
                                          background: {t.accent}; border-radius: {round(px * 0.45)}px; }}
        """)
