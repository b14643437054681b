"""Gradient-descent explorer: six torch-exact optimisers raced on a loss surface. Drag (or click)
the start point, slide the learning rates, watch the race step by step, in 2-D or 3-D.

The one place that wires the views (descent_plots.ContourView, descent_loss.LossView,
descent_controls.ControlsPanel, descent_3d.Surface3DView) to the model (app.models.descent). Every user edit goes
through an ``_on_*`` handler that updates the state, recomputes the race and emits
``params_changed``.

The typed surface is explorer state (the formula field), not a lesson parameter: ``params()``
reports surface = −1 and the formula packed into numbers (app.models.surfaces.encode_text) so the
derivation panel — which only receives ``params`` — can differentiate the same formula.

Choosing another surface also brings that surface's learning rates (app.models.descent_params.
SURFACE_LRS: the rates that suit the quadratic diverge within a few steps on Rosenbrock), but only
while the learner has not changed any lr: learning rates the learner set are kept.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSplitter, QTabWidget, QWidget

from app.explorers.base import Explorer
from app.explorers.descent_controls import ControlsPanel
from app.explorers.descent_loss import LossView
from app.explorers.descent_plots import ContourView
from app.models import descent as model
from app.models import descent_summary as summary
from app.models.descent_params import surface_lrs
from app.models.expr import ParseError
from app.models.surfaces import TYPED, decode_text, encode_text, surface
from app.widgets.theme import LIGHT, Theme

FRAME_MS = 30  # race clock tick while playing
DEFAULT_FORMULA = "0.5*x^2 + 2*y^2 + sin(3*x)"


class _ControlsScroll(QScrollArea):
    """Asks for the controls' full width (QScrollArea caps its size hint at 36 lines of text)."""

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt override
        return QSize(self.maximumWidth(), super().sizeHint().height())


class DescentExplorer(Explorer):
    def __init__(self, lesson, parent: QWidget | None = None):
        super().__init__(lesson, parent)
        self._p = {k: s.default for k, s in model.PARAMS.items()}
        self._p |= {k: model.PARAMS[k].clamp(v) for k, v in lesson.defaults().items() if k in model.PARAMS}
        self._typed = DEFAULT_FORMULA
        self._speed = 1
        self._field = False
        self._surface = surface(0)
        self._race: model.Race | None = None
        self._memo: dict = {}  # per-optimiser paths kept between changes (see model.race)
        self._view3d = None
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_frame)

        self.contour = ContourView()
        self.loss = LossView()
        self.controls = ControlsPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.contour, "2D contour")
        self.placeholder3d = QLabel("The 3-D view opens here (it needs OpenGL).")
        self.placeholder3d.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder3d.setWordWrap(True)
        self.tabs.addTab(self.placeholder3d, "3D surface")
        self.tabs.currentChanged.connect(self._on_tab)
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.tabs)
        plots.addWidget(self.loss)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 1)
        self.scroll = _ControlsScroll()
        self.scroll.setWidget(self.controls)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        box = QHBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(plots, 1)
        box.addWidget(self.scroll, 0)

        c = self.controls
        self.contour.start_dragged.connect(self._on_start_dragged)
        c.surface_chosen.connect(self._on_surface)
        c.formula_edited.connect(self._on_formula)
        c.shape_edited.connect(self._on_shape)
        c.lr_edited.connect(self._on_lr)
        c.hyper_edited.connect(self._on_hyper)
        c.shown_toggled.connect(self._on_shown)
        c.explained.connect(self._on_explained)
        c.noise_edited.connect(self._on_noise)
        c.steps_edited.connect(self._on_steps)
        c.step_clicked.connect(self._on_step)
        c.play_clicked.connect(self._on_play)
        c.reset_clicked.connect(self._on_reset)
        c.speed_chosen.connect(self._on_speed)
        c.field_toggled.connect(self._on_field)
        self.apply_theme(LIGHT)
        self._update(new_surface=True, emit=False)

    # --- explorer contract --------------------------------------------------------------------
    def params(self) -> dict[str, float]:
        """Every PARAMS key, plus the current point of the explained optimiser (cur_x, cur_y,
        cur_f, cur_gx, cur_gy) and, for a typed surface, the formula as numbers (typed_*)."""
        out = dict(self._p)
        path = self._explained_path()
        if path is not None and len(path.xy):
            k = min(int(self._p["step"]), len(path.xy) - 1)
            gx, gy = self._surface.grad(path.xy[k, 0], path.xy[k, 1])
            out |= {"cur_x": float(path.xy[k, 0]), "cur_y": float(path.xy[k, 1]), "cur_f": float(path.f[k]),
                    "cur_gx": float(gx), "cur_gy": float(gy)}
        if self._p["surface"] == TYPED:
            out |= encode_text(self._typed)
        return out

    def set_params(self, params: dict[str, float]) -> None:
        typed = decode_text(params) if "typed_len" in params else None
        new = {k: model.PARAMS[k].clamp(v) for k, v in params.items() if k in model.PARAMS}
        self._stop()
        changed_surface = any(new.get(k, self._p[k]) != self._p[k] for k in ("surface", "cond", "angle"))
        if typed is not None and typed != self._typed:
            self._typed, changed_surface = typed, True
        self._p |= new
        self._update(new_surface=changed_surface or self._race is None, keep_start=True)

    def quantities(self) -> dict[str, float]:
        return self._race.quantities() if self._race else {}

    def plot_item(self):
        return self.contour.getPlotItem()

    def export_table(self) -> tuple[list[str], list[list[float]]]:
        """One row per path point: optimiser, step, x, y, f, ‖∇f‖ (all six optimisers, whole paths)."""
        rows: list[list] = []
        for name, path in self._race.paths.items():
            for k in range(len(path.xy)):
                rows.append([name, k, float(path.xy[k, 0]), float(path.xy[k, 1]), float(path.f[k]),
                             float(path.grad_norm[k])])
        return ["optimizer", "step", "x", "y", "f", "grad_norm"], rows

    # --- handlers -----------------------------------------------------------------------------
    @Slot(float, float)
    def _on_start_dragged(self, x: float, y: float) -> None:
        x, y = model.PARAMS["x0"].clamp(round(x, 4)), model.PARAMS["y0"].clamp(round(y, 4))
        if (x, y) != (self._p["x0"], self._p["y0"]):
            self._p["x0"], self._p["y0"] = x, y
            self._update()

    @Slot(int)
    def _on_surface(self, index: int) -> None:
        self._stop()
        self._follow_lrs(index)
        self._p["surface"] = float(index)
        self._update(new_surface=True)

    def _follow_lrs(self, index: int) -> None:
        """Take surface ``index``'s learning rates if the current ones are the current surface's."""
        here = surface_lrs(self._p["surface"])
        if all(self._p[k] == v for k, v in here.items()):
            self._p |= surface_lrs(index)

    @Slot(str)
    def _on_formula(self, text: str) -> None:
        if text == self._typed and self._p["surface"] == TYPED:
            return
        try:
            surface(TYPED, typed=text)
        except ParseError as exc:
            self.controls.set_formula_error(str(exc))
            return
        self._typed = text
        self._follow_lrs(TYPED)
        self._p["surface"] = float(TYPED)
        self._update(new_surface=True)

    @Slot(str, float)
    def _on_shape(self, name: str, value: float) -> None:
        self._p[name] = model.PARAMS[name].clamp(value)
        self._update(new_surface=True, keep_start=True)

    @Slot(str, float)
    def _on_lr(self, opt: str, lr: float) -> None:
        self._p[f"lr_{opt}"] = model.PARAMS[f"lr_{opt}"].clamp(lr)
        self._update()

    @Slot(str, float)
    def _on_hyper(self, name: str, value: float) -> None:
        self._p[name] = model.PARAMS[name].clamp(value)
        self._update()

    @Slot(str, bool)
    def _on_shown(self, opt: str, on: bool) -> None:
        bit = 1 << model.OPTIMIZERS.index(opt)
        mask = int(self._p["show"])
        self._p["show"] = float(mask | bit if on else mask & ~bit)
        self._update()

    @Slot(int)
    def _on_explained(self, index: int) -> None:
        self._p["optimizer"] = float(index)
        self._update()

    @Slot(float)
    def _on_noise(self, sigma: float) -> None:
        self._p["noise"] = model.PARAMS["noise"].clamp(sigma)
        self._update()

    @Slot(int)
    def _on_steps(self, n: int) -> None:
        at_end = self._p["step"] >= self._p["steps"]
        self._p["steps"] = float(n)
        self._p["step"] = float(n) if at_end else min(self._p["step"], float(n))
        self._update()

    @Slot()
    def _on_step(self) -> None:
        self._stop()
        self._p["step"] = min(self._p["steps"], self._p["step"] + self._speed)
        self._show_step()

    @Slot()
    def _on_play(self) -> None:
        if self._timer.isActive():
            self._stop()
        else:
            if self._p["step"] >= self._p["steps"]:
                self._p["step"] = 0.0
            self._timer.start()
        self._show_step()

    @Slot()
    def _on_frame(self) -> None:
        self._p["step"] = min(self._p["steps"], self._p["step"] + self._speed)
        if self._p["step"] >= self._p["steps"]:
            self._timer.stop()
        self._show_step()

    @Slot()
    def _on_reset(self) -> None:
        self._stop()
        self._p["step"] = 0.0
        self._show_step()

    @Slot(int)
    def _on_speed(self, speed: int) -> None:
        self._speed = speed

    @Slot(bool)
    def _on_field(self, on: bool) -> None:
        self._field = on
        self.contour.set_field(on)

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        if index == 1 and self._view3d is None:
            self._make_3d()
        self._draw_3d()

    # --- state → views ------------------------------------------------------------------------
    def _update(self, new_surface: bool = False, keep_start: bool = False, emit: bool = True) -> None:
        if new_surface:
            try:
                self._surface = surface(int(self._p["surface"]), self._p["cond"], self._p["angle"], self._typed)
                self.controls.set_formula_error(None)
            except ParseError as exc:  # a bad formula from set_params: keep the old surface
                self.controls.set_formula_error(str(exc))
                self._p["surface"] = 0.0
                self._surface = surface(0, self._p["cond"], self._p["angle"])
            if not keep_start:
                self._p["x0"], self._p["y0"] = self._surface.start
            self.contour.set_surface(self._surface)
            self.loss.set_scale(*summary.loss_scale(self._surface))
        self._p["step"] = min(self._p["step"], self._p["steps"])
        self._race = model.race(self._p, self._typed, memo=self._memo)
        self._redraw()
        if emit:
            self.params_changed.emit(self.params())

    def _shown(self) -> list:
        mask = int(self._p["show"])
        return [(o, p) for k, (o, p) in enumerate(self._race.paths.items()) if mask >> k & 1]

    def _colors(self) -> dict[str, str]:
        return dict(zip(model.OPTIMIZERS, self.theme.series, strict=False))

    def _redraw(self) -> None:
        colors = self._colors()
        shown = self._shown()
        data = [(o, model.TITLES[o], p.xy, p.f, p.grad_norm) for o, p in shown]
        cols = [colors[o] for o, _ in shown]
        self.controls.set_values(self._p, self._typed)
        self.contour.set_start(self._p["x0"], self._p["y0"])
        step = int(self._p["step"])
        self.contour.set_paths(data, cols, step, [p.diverged for _, p in shown])
        self.loss.set_paths(data, cols, self._f_ref(), int(self._p["steps"]), [p.diverged for _, p in shown])
        self.loss.set_step(step)
        self.controls.set_counter(step, int(self._p["steps"]), self._timer.isActive())
        self.controls.status.setText(self._status())
        self._draw_3d()

    def _show_step(self) -> None:
        step = int(self._p["step"])
        self.contour.set_step(step)
        self.loss.set_step(step)
        self.controls.set_counter(step, int(self._p["steps"]), self._timer.isActive())
        self._draw_3d()
        self.params_changed.emit(self.params())

    def _f_ref(self) -> float:
        return summary.f_reference(self._surface, (self._p["x0"], self._p["y0"]))

    def _status(self) -> str:
        parts = [summary.stability_line(self._race)]
        for o, p in self._race.paths.items():
            if p.diverged:
                parts.append(f"{model.TITLES[o]} diverged at step {p.diverged_at}")
        return "\n".join(parts)

    def _explained_path(self):
        if self._race is None:
            return None
        return self._race.paths[model.OPTIMIZERS[int(self._p["optimizer"])]]

    def _stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.controls.set_counter(int(self._p["step"]), int(self._p["steps"]), False)

    def is_playing(self) -> bool:
        return self._timer.isActive()

    # --- 3-D (created on first use: QOpenGLWidget needs a real GL platform) ---------------------
    def _make_3d(self) -> None:
        try:
            from app.explorers.descent_3d import Surface3DView

            view = Surface3DView()
        except Exception as exc:  # noqa: BLE001 — no GL here: say so instead of crashing
            self.placeholder3d.setText(f"The 3-D view needs OpenGL: {exc}")
            return
        self._view3d = view
        self.tabs.blockSignals(True)
        self.tabs.removeTab(1)
        self.tabs.insertTab(1, view, "3D surface")
        self.tabs.setCurrentIndex(1)
        self.tabs.blockSignals(False)
        view.apply_theme(self.theme)

    def _draw_3d(self) -> None:
        if self._view3d is None or self._race is None or self.tabs.currentIndex() != 1:
            return  # hidden: drawn when its tab is shown (no GL work on a 2-D drag)
        colors = self._colors()
        shown = self._shown()
        self._view3d.set_race(self._surface, [p for _, p in shown], [colors[o] for o, _ in shown],
                              int(self._p["step"]))

    # --- look ---------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        self._fit_controls()

    @Slot()
    def _fit_controls(self) -> None:
        """The controls never scroll sideways: the column is as wide as they need."""
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        need = self.controls.minimumSizeHint().width() + bar + 4
        # as wide as the controls need when there is room; narrower (scrolling sideways) beside a
        # projector-sized derivation panel, so the lesson page still fits 1920 px
        self.scroll.setMinimumWidth(min(need, round(self.theme.font_px * 15)))
        self.scroll.setMaximumWidth(need)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"DescentExplorer {{ background: {theme.panel}; }} "
                           f"QTabBar::tab {{ font-size: {theme.font_px}px; padding: {theme.font_px // 4}px "
                           f"{theme.font_px}px; color: {theme.foreground}; background: {theme.panel}; }} "
                           f"QTabBar::tab:selected {{ background: {theme.background}; font-weight: 600; }} "
                           f"QTabWidget::pane {{ border: 1px solid {theme.grid}; }} "
                           f"QLabel {{ color: {theme.foreground}; }}")
        self.contour.apply_theme(theme)
        self.loss.apply_theme(theme)
        self.controls.apply_theme(theme)
        self.controls.set_colors(self._colors())
        self._fit_controls()
        QTimer.singleShot(0, self._fit_controls)  # again once the new fonts have reached every child
        self.scroll.setStyleSheet(f"QScrollArea {{ background: {theme.panel}; border: none; }}")
        if self._view3d is not None:
            self._view3d.apply_theme(theme)
        if self._race is not None:
            self._redraw()
