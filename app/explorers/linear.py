"""Linear transforms explorer: drag where î and ĵ land (or type/slide the matrix entries) and watch
the grid, the unit square (its signed area is det A) and the eigen-directions follow.

The one place that wires the views (linear_plane.PlaneView, linear_controls.ControlsPanel) to the
model (app.models.linear.LinearMap). Every user edit goes through an ``_on_*`` handler that
replaces the model, then ``_show`` draws it and ``params_changed`` carries the full dict.
"""

from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import QElapsedTimer, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QBoxLayout, QWidget

from app.explorers.base import Explorer
from app.explorers.linear_controls import ControlsPanel
from app.explorers.linear_plane import PlaneView
from app.models.linear import PARAMS, PRESETS, LinearMap, rotation
from app.widgets.theme import LIGHT, Theme

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"
PLAY_MS = 1500.0  # I → A in this long
FRAME_MS = 16  # ~60 Hz animation timer
SNAP = 0.5  # grid the tips snap to (checkbox or Shift)


def _ease(s: float) -> float:
    """Smoothstep: starts and lands gently, so the eye can follow the grid."""
    s = min(1.0, max(0.0, s))
    return s * s * (3.0 - 2.0 * s)


class LinearExplorer(Explorer):
    def __init__(self, lesson, parent: QWidget | None = None):
        super().__init__(lesson, parent)
        p = {k: PARAMS[k].clamp(v) for k, v in lesson.defaults().items() if k in PARAMS}
        self._map = LinearMap(p["a"], p["b"], p["c"], p["d"])  # A: what params() and quantities() report
        self._t = p["t"]
        self._theta = 45.0
        self._snap = False
        self._play_from = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_frame)

        self._panel_sizes = (0, 0)
        self._panel_mins = (QSize(0, 0), QSize(0, 0))
        self.plane = PlaneView()
        self.controls = ControlsPanel()
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)  # the lesson page has margins already
        self.box.setSpacing(10)
        self.box.addWidget(self.plane, 1)
        self.box.addWidget(self.controls, 0)

        self.plane.tip_drag_started.connect(self._on_tip_drag_started)
        self.plane.tip_dragged.connect(self._on_tip_dragged)
        self.controls.entry_edited.connect(self._on_entry)
        self.controls.t_edited.connect(self._on_t)
        self.controls.play_clicked.connect(self._on_play)
        self.controls.preset_chosen.connect(self._on_preset)
        self.controls.theta_edited.connect(self._on_theta)
        self.controls.snap_toggled.connect(self._on_snap)
        self.apply_theme(LIGHT)

    # --- explorer contract --------------------------------------------------------------------
    def params(self) -> dict[str, float]:
        m = self._map
        return {"a": m.a, "b": m.b, "c": m.c, "d": m.d, "t": self._t}

    def set_params(self, params: dict[str, float]) -> None:
        p = {k: PARAMS[k].clamp(v) for k, v in params.items() if k in PARAMS}
        self._stop()
        m = dataclasses.replace(self._map, **{k: v for k, v in p.items() if k in ("a", "b", "c", "d")})
        self._update(m, p.get("t", self._t))

    def quantities(self) -> dict[str, float]:
        """Of A itself, not of the t-interpolated map on screen."""
        return self._map.quantities()

    def plot_item(self):
        return self.plane.getPlotItem()

    def export_table(self) -> tuple[list[str], list[list]]:
        """A long table, one number per row: ``quantity, value``.

        Rows: the entries a, b, c, d (A = [[a, b], [c, d]]), t, det, trace, rank, the eigenvalues
        ``lambda1_re, lambda1_im, lambda2_re, lambda2_im`` (sorted by real part, descending), the
        unit eigenvectors ``eigvec1_x … eigvec2_y`` (empty when there is no such real vector), and
        the corners of the unit square's image under A ``corner0_x … corner3_y`` (images of
        (0,0), (1,0), (1,1), (0,1), in that order).
        """
        m = self._map
        ev = m.eigen()
        rows: list[list] = [[k, v] for k, v in self.params().items()]
        rows += [["det", m.det], ["trace", m.trace], ["rank", float(m.rank)]]
        for j in range(2):
            rows += [[f"lambda{j + 1}_re", float(ev.values[j].real)], [f"lambda{j + 1}_im", float(ev.values[j].imag)]]
        for j in range(2):
            has = j < ev.vectors.shape[1]
            for k, axis in enumerate("xy"):
                rows.append([f"eigvec{j + 1}_{axis}", float(ev.vectors[k, j]) if has else ""])
        for i, (x, y) in enumerate(m.unit_square()):
            rows += [[f"corner{i}_x", float(x)], [f"corner{i}_y", float(y)]]
        return ["quantity", "value"], rows

    # --- handlers (every user edit comes through one of these) --------------------------------
    @Slot(str, float)
    def _on_entry(self, name: str, value: float) -> None:
        value = PARAMS[name].clamp(value)
        if getattr(self._map, name) != value:
            self._update(dataclasses.replace(self._map, **{name: value}), self._t)

    @Slot(int)
    def _on_tip_drag_started(self, index: int) -> None:
        # the handles sit on the drawn map; grabbing one mid-animation jumps to A itself
        self._stop()
        if self._t < 1.0:
            self._update(self._map, 1.0)

    @Slot(int, float, float, bool)
    def _on_tip_dragged(self, index: int, x: float, y: float, shift: bool) -> None:
        step = SNAP if (self._snap or shift) else PARAMS["a"].step
        lo, hi = PARAMS["a"].lo, PARAMS["a"].hi
        x, y = (round(min(hi, max(lo, v)) / step) * step for v in (x, y))
        x, y = round(x, 6), round(y, 6)  # 0.1 + 0.2 noise would show up in params()
        m = self._map
        m = dataclasses.replace(m, a=x, c=y) if index == 0 else dataclasses.replace(m, b=x, d=y)
        if m != self._map:
            self._update(m, self._t)

    @Slot(float)
    def _on_t(self, t: float) -> None:
        self._stop()
        self._update(self._map, PARAMS["t"].clamp(t))

    @Slot()
    def _on_play(self) -> None:
        if self._timer.isActive():
            self._stop()
            return
        self._play_from = 0.0 if self._t >= 1.0 else self._t
        self._clock.start()
        self._timer.start()
        self.controls.set_playing(True)
        self._update(self._map, self._play_from)

    @Slot()
    def _on_frame(self) -> None:
        s = self._clock.elapsed() / (PLAY_MS * (1.0 - self._play_from))
        t = 1.0 if s >= 1.0 else self._play_from + (1.0 - self._play_from) * _ease(s)
        if t >= 1.0:
            self._stop()
        self._update(self._map, t)

    @Slot(str)
    def _on_preset(self, name: str) -> None:
        self._stop()
        m = rotation(self._theta) if name == "rotation" else PRESETS[name]
        self._update(m, self._t)

    @Slot(float)
    def _on_theta(self, deg: float) -> None:
        self._theta = deg
        self._on_preset("rotation")

    @Slot(bool)
    def _on_snap(self, on: bool) -> None:
        self._snap = on

    # --- state → views ----------------------------------------------------------------------
    def _update(self, m: LinearMap, t: float) -> None:
        self._map, self._t = m, t
        self._show()
        self.params_changed.emit(self.params())

    def _show(self) -> None:
        self.controls.set_matrix(self._map)
        self.controls.set_t(self._t)
        self.controls.set_theta(self._theta)
        self.plane.set_map(self._map if self._t >= 1.0 else self._map.interpolate(self._t), self._t)

    def _stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.controls.set_playing(False)

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def hideEvent(self, event) -> None:  # noqa: N802 — Qt override: no animation nobody sees
        self._stop()
        super().hideEvent(event)

    # --- layout and look ----------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        self._choose_layout()

    def _choose_layout(self) -> None:
        """Controls beside the plot or below it, whichever leaves the larger square for the plane."""
        w, h = self.width(), self.height()
        col_width, row_height = self._panel_sizes
        beside = min(w - col_width - self.box.spacing(), h) >= min(w, h - row_height - self.box.spacing())
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
            self.controls.set_compact(not beside)
            self.box.setAlignment(self.controls, Qt.AlignmentFlag(0) if beside else Qt.AlignmentFlag.AlignHCenter)
            self._limit_controls()

    def _measure_panel(self) -> None:
        # the panel as a column (beside) and as a row (below), for _choose_layout and minimumSizeHint
        c = self.controls
        compact = self.box.direction() == QBoxLayout.Direction.TopToBottom
        c.set_compact(False)
        column, column_min = c.sizeHint(), c.minimumSizeHint()
        c.set_compact(True)
        row, row_min = c.sizeHint(), c.minimumSizeHint()
        c.set_compact(compact)
        self._panel_sizes = (min(column.width(), math.ceil(self.theme.font_px * 27)), row.height())
        self._panel_mins = (column_min, row_min)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — Qt override
        # the smaller of the two arrangements: the layout switches on resize, so the window need not
        # be made wide enough for the side-by-side one (the box layout alone would demand that)
        plane = self.plane.minimumSize()
        column, row = self._panel_mins
        gap = self.box.spacing()
        beside = QSize(plane.width() + gap + column.width(), max(plane.height(), column.height()))
        below = QSize(max(plane.width(), row.width()), plane.height() + gap + row.height())
        return beside.boundedTo(below)

    def _limit_controls(self) -> None:
        # beside the plot the panel keeps to a readable column; below it, it may use the full width
        beside = self.box.direction() == QBoxLayout.Direction.LeftToRight
        self.controls.setMaximumWidth(math.ceil(self.theme.font_px * 27) if beside else QWIDGETSIZE_MAX)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        pal = self.palette()
        roles = {QPalette.ColorRole.Window: theme.background, QPalette.ColorRole.WindowText: theme.foreground,
                 QPalette.ColorRole.Base: theme.panel, QPalette.ColorRole.Text: theme.foreground,
                 QPalette.ColorRole.Button: theme.panel, QPalette.ColorRole.ButtonText: theme.foreground}
        for role, colour in roles.items():
            pal.setColor(role, QColor(colour))
        self.setPalette(pal)
        self.setAutoFillBackground(True)
        self.controls.apply_theme(theme)
        self._limit_controls()
        self._measure_panel()
        self._choose_layout()
        self.plane.apply_theme(theme)
        self._show()
