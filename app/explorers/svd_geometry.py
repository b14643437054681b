"""The geometric tab: a 2×2 matrix acting on the unit circle as Vᵀ (rotate) → Σ (stretch) → U (rotate).

Passive view: ``set_state(matrix, stage)`` draws; edits come back as ``matrix_edited`` and
``stage_edited``. The matrix is the same 2×2 the Linear transforms lesson uses (app.models.linear).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.models.svd import Geometry2x2
from app.widgets.plot_style import style_axes
from app.widgets.theme import LIGHT, Theme, text_px

STAGE_STEPS = 300  # slider ticks for the stage 0..3
_THETA = np.linspace(0, 2 * np.pi, 241)
CIRCLE = np.column_stack([np.cos(_THETA), np.sin(_THETA)])
STAGE_NAMES = ("start: the unit circle", "Vᵀ rotates", "Σ stretches the axes", "U rotates: A = UΣVᵀ")


def _fmt(M: np.ndarray) -> str:
    return "\n".join("  ".join(f"{v:+.3f}" for v in row) for row in M)


class GeometryView(QWidget):
    matrix_edited = Signal(object)  # (2, 2) array
    stage_edited = Signal(float)
    link_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.plot = pg.PlotWidget()
        p = self.plot.getPlotItem()
        p.setAspectLocked(True)
        p.setMenuEnabled(False)
        p.showGrid(x=True, y=True, alpha=0.25)
        p.setXRange(-3, 3)
        p.setYRange(-3, 3)
        self.ref_circle = p.plot(CIRCLE[:, 0], CIRCLE[:, 1])
        self.target = p.plot([], [])
        self.shape = p.plot([], [])
        self.arrows = [p.plot([], []) for _ in range(2)]
        self.tips = pg.ScatterPlotItem(size=10)
        p.addItem(self.tips)
        self.tip_labels = [pg.TextItem(anchor=(0, 1)) for _ in range(2)]
        for t in self.tip_labels:
            p.addItem(t, ignoreBounds=True)

        self.spins = []
        grid = QGridLayout()
        for i, name in enumerate("abcd"):
            s = QDoubleSpinBox()
            s.setRange(-4.0, 4.0)
            s.setSingleStep(0.1)
            s.setDecimals(2)
            s.setPrefix(f"{name} = ")
            s.valueChanged.connect(self._on_spin)
            grid.addWidget(s, i // 2, i % 2)
            self.spins.append(s)
        self.link_button = QPushButton("Use the “Linear transforms” matrix")
        self.link_button.clicked.connect(self.link_requested)
        self.stage_slider = QSlider(Qt.Orientation.Horizontal)
        self.stage_slider.setRange(0, STAGE_STEPS)
        self.stage_slider.setPageStep(STAGE_STEPS // 3)
        self.stage_slider.valueChanged.connect(lambda v: self.stage_edited.emit(v * 3.0 / STAGE_STEPS))
        self.stage_label = QLabel()
        self.stage_label.setWordWrap(True)
        self.factors = QLabel()
        self.factors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel("Every 2×2 matrix is a rotation, then a stretch along the axes, then another "
                              "rotation. The circle's image is an ellipse with semi-axes σ₁ and σ₂.")
        self.caption.setWordWrap(True)

        side = QVBoxLayout()
        side.addWidget(QLabel("Matrix A = [[a, b], [c, d]]"))
        side.addLayout(grid)
        side.addWidget(self.link_button)
        side.addSpacing(8)
        side.addWidget(self.stage_label)
        side.addWidget(self.stage_slider)
        side.addSpacing(8)
        side.addWidget(self.factors)
        side.addWidget(self.caption)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.plot, 3)
        panel = QWidget()
        panel.setLayout(side)
        self.panel = panel
        layout.addWidget(panel, 2)
        self._updating = False
        self.apply_theme(LIGHT)

    def set_state(self, matrix: np.ndarray, stage: float) -> None:
        self._updating = True
        try:
            for s, v in zip(self.spins, np.asarray(matrix, float).ravel(), strict=True):
                if abs(s.value() - v) > 1e-9:
                    s.setValue(v)
            self.stage_slider.setValue(round(stage * STAGE_STEPS / 3.0))
        finally:
            self._updating = False
        g = Geometry2x2.of(matrix)
        M = g.at_stage(stage)
        pts = CIRCLE @ M.T
        self.shape.setData(pts[:, 0], pts[:, 1])
        final = CIRCLE @ np.asarray(matrix, float).T
        self.target.setData(final[:, 0], final[:, 1])
        V = g.Vt.T
        tips = []
        for j in range(2):
            tip = M @ V[:, j]
            self.arrows[j].setData([0, tip[0]], [0, tip[1]])
            tips.append(tip)
            x, y = (float(f"{v:.2f}") + 0.0 for v in tip)  # + 0.0: no "-0.00"
            self.tip_labels[j].setText(f"v{'₁₂'[j]} → ({x:.2f}, {y:.2f})")
            self.tip_labels[j].setPos(*tip)
        self.tips.setData(pos=np.array(tips), brush=[pg.mkBrush(c) for c in self.theme.series[:2]])
        stage_i = min(3, int(np.ceil(stage - 1e-9)))
        self.stage_label.setText(f"Stage {stage:.2f} / 3 — {STAGE_NAMES[stage_i]}")
        reflect = " (the reflection, det A < 0, shows as σ₂ passing through 0)" if g.signed[1] < 0 else ""
        self.factors.setText(
            f"Vᵀ (rotate by {np.degrees(np.arctan2(g.Vt[1, 0], g.Vt[0, 0])):.1f}°):\n{_fmt(g.Vt)}\n\n"
            f"Σ = diag({g.sigma[0]:.3f}, {g.sigma[1]:.3f}){reflect}\n\n"
            f"U (rotate by {np.degrees(np.arctan2(g.U[1, 0], g.U[0, 0])):.1f}°):\n{_fmt(g.U)}"
        )
        lim = max(1.6, float(g.sigma[0]) * 1.45)
        self.plot.getPlotItem().getViewBox().setRange(xRange=(-lim, lim), yRange=(-lim, lim), padding=0)

    def _on_spin(self) -> None:
        if not self._updating:
            self.matrix_edited.emit(np.array([s.value() for s in self.spins]).reshape(2, 2))

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        lw = theme.line_width
        px = theme.font_px
        self.plot.setBackground(theme.background)
        font = style_axes(self.plot.getPlotItem(), theme, text_px(theme, offset=-2), {"left": "y", "bottom": "x"}, px)
        self.panel.setMaximumWidth(round(460 * px / 14))
        self.ref_circle.setPen(pg.mkPen(theme.muted, width=max(1.0, lw / 2), style=Qt.PenStyle.DashLine))
        self.target.setPen(pg.mkPen(theme.grid, width=lw, style=Qt.PenStyle.DotLine))
        self.shape.setPen(pg.mkPen(theme.foreground, width=lw))
        for j, a in enumerate(self.arrows):
            a.setPen(pg.mkPen(theme.series[j], width=lw * 1.5))
            self.tip_labels[j].setColor(theme.series[j])
            self.tip_labels[j].setFont(font)
        self.tips.setSize(round(10 * px / 14))
        mono = f"font-family: 'DejaVu Sans Mono', monospace; font-size: {px}px; color: {theme.foreground};"
        self.factors.setStyleSheet(mono)
        self.setStyleSheet(f"QLabel {{ color: {theme.foreground}; font-size: {px}px; }}"
                           f"QDoubleSpinBox, QPushButton {{ font-size: {px}px; }}")
        self.factors.setStyleSheet(mono)
