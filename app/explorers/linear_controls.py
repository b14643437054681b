"""The linear explorer's controls: the 2×2 matrix as sliders + spin boxes in brackets, the I → A
animation, presets and snapping.

Passive view: ``set_*`` methods show values with signals blocked (no feedback loops); user edits
leave as signals (``entry_edited``, ``t_edited`` …) for the explorer's ``_on_*`` handlers.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.explorers.linear_items import MatrixFrame, fmt
from app.models.linear import PARAMS, LinearMap
from app.widgets.theme import LIGHT, Theme

ENTRY_SCALE = round(1 / PARAMS["a"].step)  # slider ticks per unit (0.01 resolution)
T_STEPS = 1000
PRESET_NAMES = ("identity", "rotation", "shear", "scale", "reflection", "projection")
PRESET_TITLES = {"identity": "Identity", "rotation": "Rotation θ", "shear": "Shear", "scale": "Scale",
                 "reflection": "Reflection", "projection": "Projection"}
PRESET_TIPS = {
    "identity": "I: nothing moves",
    "rotation": "turn the plane by θ (set θ beside it)",
    "shear": "[[1, 1], [0, 1]]: slide rows sideways, area kept",
    "scale": "[[2, 0], [0, 0.5]]: stretch x, squash y",
    "reflection": "[[1, 0], [0, −1]]: flip over the x-axis (det < 0)",
    "projection": "[[1, 0], [0, 0]]: drop onto the x-axis (det = 0)",
}


class ControlsPanel(QWidget):
    entry_edited = Signal(str, float)  # "a".."d", value
    t_edited = Signal(float)
    play_clicked = Signal()
    preset_chosen = Signal(str)
    theta_edited = Signal(float)  # degrees
    snap_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("linearControls")
        self.theme = LIGHT
        # --- the matrix -------------------------------------------------------------------
        self.matrix_title = QLabel("Matrix A")
        self.matrix_title.setObjectName("heading")
        self.col_heads = [QLabel("î lands at"), QLabel("ĵ lands at")]
        self.sliders: dict[str, QSlider] = {}
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.names: dict[str, QLabel] = {}
        self.frame = MatrixFrame()
        cells = QGridLayout(self.frame)
        cells.setHorizontalSpacing(12)
        cells.setVerticalSpacing(6)
        for k, name in enumerate("abcd"):
            spec = PARAMS[name]
            spin = QDoubleSpinBox()
            spin.setRange(spec.lo, spec.hi)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)  # the slider below is the stepper
            spin.setObjectName(f"col{k % 2}")  # a, c belong to î (column 0); b, d to ĵ
            spin.setToolTip(spec.label)
            spin.valueChanged.connect(lambda v, n=name: self.entry_edited.emit(n, float(v)))
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(round(spec.lo * ENTRY_SCALE), round(spec.hi * ENTRY_SCALE))
            slider.setSingleStep(1)
            slider.setPageStep(25)
            slider.setToolTip(spec.label)
            slider.setObjectName(f"col{k % 2}")
            slider.valueChanged.connect(lambda v, n=name: self.entry_edited.emit(n, v / ENTRY_SCALE))
            label = QLabel(name)
            label.setObjectName("entryName")
            row, col = divmod(k, 2)
            top = QHBoxLayout()
            top.setSpacing(6)
            top.addWidget(label)
            top.addWidget(spin, 1)
            cells.addLayout(top, 3 * row, col)
            cells.addWidget(slider, 3 * row + 1, col)
            self.sliders[name], self.spins[name], self.names[name] = slider, spin, label
        cells.setRowMinimumHeight(2, 8)  # a gap between the matrix rows
        heads = QHBoxLayout()
        for h in self.col_heads:
            h.setAlignment(Qt.AlignmentFlag.AlignCenter)
            heads.addWidget(h, 1)
        self.info = QLabel()
        self.info.setObjectName("muted")
        self.info.setWordWrap(True)
        matrix_box = QVBoxLayout()
        matrix_box.setSpacing(4)
        matrix_box.addWidget(self.matrix_title)
        matrix_box.addLayout(heads)
        matrix_box.addWidget(self.frame)
        matrix_box.addWidget(self.info)
        # --- I → A ------------------------------------------------------------------------
        self.t_title = QLabel("Animate I → A")
        self.t_title.setObjectName("heading")
        self.t_slider = QSlider(Qt.Orientation.Horizontal)
        self.t_slider.setRange(0, T_STEPS)
        self.t_slider.setPageStep(T_STEPS // 10)
        self.t_slider.setToolTip(PARAMS["t"].label)
        self.t_slider.valueChanged.connect(lambda v: self.t_edited.emit(v / T_STEPS))
        self.t_value = QLabel()
        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Animate from the identity to A in 1.5 s")
        self.play_button.clicked.connect(self.play_clicked)
        t_row = QHBoxLayout()
        t_row.addWidget(self.t_value)
        t_row.addWidget(self.t_slider, 1)
        t_row.addWidget(self.play_button)
        # --- presets and snapping ----------------------------------------------------------
        self.presets_title = QLabel("Presets")
        self.presets_title.setObjectName("heading")
        self.preset_buttons: dict[str, QPushButton] = {}
        presets = self._presets = QGridLayout()
        presets.setSpacing(6)
        for k, name in enumerate(PRESET_NAMES):
            b = QPushButton(PRESET_TITLES[name])
            b.setToolTip(PRESET_TIPS[name])
            b.clicked.connect(lambda _=False, n=name: self.preset_chosen.emit(n))
            presets.addWidget(b, k // 3, k % 3)
            self.preset_buttons[name] = b
        self.theta_slider = QSlider(Qt.Orientation.Horizontal)
        self.theta_slider.setRange(-180, 180)
        self.theta_slider.setPageStep(15)
        self.theta_slider.setToolTip("rotation angle; moving it applies the rotation")
        self.theta_slider.valueChanged.connect(lambda v: self.theta_edited.emit(float(v)))
        self.theta_spin = QDoubleSpinBox()
        self.theta_spin.setRange(-180.0, 180.0)
        self.theta_spin.setDecimals(0)
        self.theta_spin.setSingleStep(15.0)
        self.theta_spin.setWrapping(True)
        self.theta_spin.setPrefix("θ = ")
        self.theta_spin.setSuffix("°")
        self.theta_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.theta_spin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        self.theta_spin.setToolTip("rotation angle; changing it applies the rotation")
        self.theta_spin.valueChanged.connect(lambda v: self.theta_edited.emit(float(v)))
        self.snap_box = QCheckBox("Snap tips to 0.5")
        self.snap_box.setToolTip("Dragged tips land on multiples of 0.5. Without this, hold Shift while dragging.")
        self.snap_box.toggled.connect(self.snap_toggled)
        theta_row = QHBoxLayout()
        theta_row.addWidget(self.theta_spin)
        theta_row.addWidget(self.theta_slider, 1)
        side = QVBoxLayout()
        side.setSpacing(6)
        side.addWidget(self.t_title)
        side.addLayout(t_row)
        side.addSpacing(6)
        side.addWidget(self.presets_title)
        side.addLayout(presets)
        side.addLayout(theta_row)
        side.addWidget(self.snap_box)
        self.legend = QLabel()  # how to read the plane; only beside the plot, where there is room
        self.legend.setObjectName("muted")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        side.addSpacing(8)
        side.addWidget(self.legend)

        self.matrix_part, self.other_part = QWidget(), QWidget()
        self.matrix_part.setLayout(matrix_box)
        self.other_part.setLayout(side)
        for w in (self.matrix_part, self.other_part):
            w.layout().setContentsMargins(0, 0, 0, 0)
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box.setContentsMargins(2, 2, 2, 2)
        self.box.setSpacing(10)
        self.box.addWidget(self.matrix_part)
        self.box.addWidget(self.other_part)
        self.box.addStretch(1)

    # --- showing state (signals blocked: no feedback into the handlers) ------------------------
    def set_matrix(self, m: LinearMap) -> None:
        for name in "abcd":
            v = getattr(m, name)
            spin, slider = self.spins[name], self.sliders[name]
            if abs(spin.value() - v) > 0.004:
                with QSignalBlocker(spin):
                    spin.setValue(v)
            tick = round(v * ENTRY_SCALE)
            if slider.value() != tick:
                with QSignalBlocker(slider):
                    slider.setValue(tick)
        ev = m.eigen()
        if ev.kind == "complex":
            lam = f"λ = {fmt(ev.values[0].real)} ± {fmt(abs(ev.values[0].imag))}i"
        elif ev.kind == "repeated":
            lam = f"λ = {fmt(ev.values[0].real)} (twice)"
        else:
            lam = f"λ₁ = {fmt(ev.values[0].real)}, λ₂ = {fmt(ev.values[1].real)}"
        self.info.setText(f"trace = {fmt(m.trace)}  ·  rank {m.rank}\n{lam}")

    def set_t(self, t: float) -> None:
        tick = round(t * T_STEPS)
        if self.t_slider.value() != tick:
            with QSignalBlocker(self.t_slider):
                self.t_slider.setValue(tick)
        self.t_value.setText(f"t = {t:.2f}")

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("⏸ Pause" if playing else "▶ Play")

    def set_theta(self, deg: float) -> None:
        if self.theta_spin.value() != round(deg):
            with QSignalBlocker(self.theta_spin):
                self.theta_spin.setValue(deg)
        if self.theta_slider.value() != round(deg):
            with QSignalBlocker(self.theta_slider):
                self.theta_slider.setValue(round(deg))

    def set_snap(self, on: bool) -> None:
        with QSignalBlocker(self.snap_box):
            self.snap_box.setChecked(on)

    def set_compact(self, compact: bool) -> None:
        """Compact (below a plot): matrix and the rest side by side, presets in two columns so the row
        stays narrow; otherwise one column with presets in three."""
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if compact else QBoxLayout.Direction.TopToBottom)
        cols = 2 if compact else 3
        for k, name in enumerate(PRESET_NAMES):
            self._presets.addWidget(self.preset_buttons[name], k // cols, k % cols)  # re-adding moves it
        # below a plot every row is taken from the plot's height: the headings go
        for heading in (self.matrix_title, self.t_title, self.presets_title, self.legend):
            heading.setVisible(not compact)
        for part in (self.matrix_part, self.other_part):  # size hints right away, not after events
            part.layout().invalidate()
            part.updateGeometry()
        self.box.invalidate()

    # --- look --------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = th = theme
        px = theme.font_px
        self.setStyleSheet(_style_sheet(theme))
        for h, c in zip(self.col_heads, th.series[:2], strict=True):
            h.setStyleSheet(f"color: {c}; font-weight: 700; font-size: {px}px;")

        def key(colour: str, mark: str, text: str) -> str:
            return f"<tr><td style='color:{colour}; padding-right:6px'>{mark}</td><td>{text}</td></tr>"

        self.legend.setText(
            "<table cellspacing='2'>"
            + key(th.positive, "■", "image of the unit square, area <nobr>|det|</nobr>")
            + key(th.negative, "■", "the same, flipped over (det &lt; 0)")
            + key(th.series[3], "━", "eigen-directions: only stretched, by λ")
            + "</table><p style='margin-top:4px'>Hover the plane: the ring is a point, the dot is where A sends it.</p>"
        )
        # Qt 6.11: a second style sheet set before the first show is ignored by children that were
        # never polished (they keep the first sheet's colours); polishing them now avoids that
        for w in self.findChildren(QWidget):
            w.ensurePolished()
        self.frame.set_style(th.foreground, max(1.5, th.line_width), round(px * 0.6))
        self.t_value.setMinimumWidth(round(px * 4.2))


def _style_sheet(th: Theme) -> str:
    """The panel's look, every size from the theme's font size (the projector theme doubles it)."""
    px = th.font_px
    # even sizes, so the knob is exactly groove + 2·margin high and the radius makes a circle
    groove = 2 * max(2, round(px * 0.16))
    knob = groove + 2 * round((px * 1.15 - groove) / 2)
    radius = max(3, px // 4)
    slider = (f"QSlider {{ min-height: {knob + 6}px; }}"
              f"QSlider::groove:horizontal {{ height: {groove}px; background: {th.grid}; border-radius: {groove // 2}px; }}"
              f"QSlider::sub-page:horizontal {{ background: {th.accent}; border-radius: {groove // 2}px; }}"
              f"QSlider::handle:horizontal {{ width: {knob}px; height: {knob}px; margin: -{(knob - groove) // 2}px 0;"
              f" border-radius: {knob // 2}px; background: {th.background}; border: {max(2, px // 7)}px solid {th.accent}; }}")
    for k in range(2):
        c = th.series[k]
        slider += (f"QSlider#col{k}::sub-page:horizontal {{ background: {c}; }}"
                   f"QSlider#col{k}::handle:horizontal {{ border-color: {c}; }}"
                   f"QDoubleSpinBox#col{k} {{ color: {c}; font-weight: 600; font-size: {round(px * 1.15)}px;"
                   f" min-width: {round(px * 3.0)}px; }}")
    return (
        f"QLabel, QCheckBox {{ font-size: {px}px; color: {th.foreground}; }}"
        f"QLabel#heading {{ font-size: {round(px * 1.15)}px; font-weight: 600; }}"
        f"QLabel#muted {{ color: {th.muted}; }}"
        f"QLabel#entryName {{ font-size: {round(px * 1.1)}px; font-style: italic; color: {th.muted}; }}"
        f"QPushButton {{ font-size: {px}px; color: {th.foreground}; background: {th.panel};"
        f" border: 1px solid {th.grid}; border-radius: {radius}px; padding: {px // 3}px {px // 3}px; }}"
        f"QPushButton:hover {{ border-color: {th.accent}; }}"
        f"QPushButton:pressed {{ background: {th.grid}; }}"
        f"QDoubleSpinBox {{ font-size: {px}px; color: {th.foreground}; background: {th.background};"
        f" border: 1px solid {th.grid}; border-radius: {radius}px; padding: {px // 5}px {px // 3}px; }}"
        f"QDoubleSpinBox:focus {{ border-color: {th.accent}; }}"
        # without a rule for the (hidden) buttons a styled NoButtons spin box gets a 1 px wide editor
        "QDoubleSpinBox::up-button, QDoubleSpinBox::down-button { subcontrol-origin: border; width: 0px; border: none; }"
        f"QCheckBox {{ spacing: {px // 2}px; }}"
        f"QCheckBox::indicator {{ width: {round(px * 0.9)}px; height: {round(px * 0.9)}px; border-radius: {radius}px;"
        f" border: {max(1, px // 10)}px solid {th.muted}; background: {th.background}; }}"
        f"QCheckBox::indicator:checked {{ background: {th.accent}; border-color: {th.accent}; }}"
        + slider
    )
