"""The derivation beside an explorer: one step at a time (number, title, formula, note), Prev/Next
and ←/→ (PgUp/PgDn), and a compact list of all steps. Steps in the learner's numbers follow the
sliders: ``set_params`` is throttled; sympy and ziamath run in the math helper process, driven
from a worker thread; the newest result wins. So a drag never waits for the panel.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.widgets.math_helper import StepsDone, compute_steps_anywhere
from app.widgets.math_view import LatestWorker, MathRenderError, MathView, cached_svg, render_svg, store_svg
from app.widgets.step_list import StepList
from app.widgets.theme import LIGHT, Theme, text_px

THROTTLE_MS = 40  # at most ~25 recomputations a second while a slider moves
IDLE_MS = 300  # after the sliders rest this long, typeset the steps not on screen yet
LIVE_MARK = "your numbers"


# --- work done on a worker thread: plain data in, plain data out, no widgets ------------------------
def _steps_job(ref, params: dict | None, symbolic: bool, index: int, color: str, px: float) -> StepsDone:
    done = compute_steps_anywhere(ref, params, symbolic, (index, color, px))
    for latex, svg in done.svgs.items():
        store_svg(latex, color, px, svg.encode("utf-8"))
    return done


def _load_job(ref, params: dict | None, color: str, px: float) -> tuple[StepsDone, StepsDone]:
    symbolic = _steps_job(ref, None, True, 0, color, px)
    live = _steps_job(ref, params, False, -1, color, px) if params is not None else StepsDone()
    return symbolic, live


def _warm(latex: str, color: str, px: float) -> None:
    try:
        render_svg(latex, color, px)
    except MathRenderError:
        pass  # cached as a failure: the view shows the raw text


# --- the panel ----------------------------------------------------------------------------------
class DerivationPanel(QWidget):
    """Steps through a topic's derivation (a module with ``symbolic_steps()``, ``live_steps(params)``)."""

    steps_updated = Signal()  # the shown steps changed (loaded, or new numbers arrived)
    current_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme: Theme = LIGHT
        self._ref = None  # the derivation module or its dotted name
        self._loaded = False
        self._symbolic = StepsDone()
        self._live = StepsDone()
        self._current = 0
        self._loading = False
        self._error: str | None = None
        self._module_gen = 0  # bumped by set_derivation: older results are for another topic
        self._params: dict | None = None
        self._params_gen = 0  # bumped by set_params
        self._shown_gen = -1  # the params generation on screen
        self._worker = LatestWorker(self)
        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self._on_throttle)
        self._idle = QTimer(self, singleShot=True, interval=IDLE_MS)
        self._idle.timeout.connect(self._on_idle)
        self._build()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # ← / → while the panel has focus; PgUp / PgDn (what presentation clickers send) are
        # window-wide actions of the main window, so they work wherever the focus is.
        for key, slot in ((Qt.Key.Key_Left, self._on_prev), (Qt.Key.Key_Right, self._on_next)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.apply_theme(LIGHT)
        self._show()

    def _build(self) -> None:
        self.heading = QLabel("Derivation")
        self.heading.setObjectName("heading")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)

        self.card = QFrame()
        self.card.setObjectName("card")
        self.counter = QLabel()
        self.counter.setObjectName("muted")
        self.badge = QLabel(LIVE_MARK)
        self.badge.setObjectName("badge")
        self.badge.setToolTip("This step uses the numbers you set in the explorer")
        self.step_title = QLabel()
        self.step_title.setObjectName("stepTitle")
        self.step_title.setWordWrap(True)
        self.math = MathView()
        self.status = QLabel("computing…")
        self.status.setObjectName("muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.counter)
        top.addStretch(1)
        top.addWidget(self.badge)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(12, 10, 12, 12)
        card.setSpacing(6)
        card.addLayout(top)
        card.addWidget(self.step_title)
        card.addWidget(self.status)
        card.addWidget(self.math)
        card.addWidget(self.note)

        self.prev_button = QPushButton("‹ Previous")
        self.next_button = QPushButton("Next ›")
        self.prev_button.setToolTip("Previous step (← or PgUp)")
        self.next_button.setToolTip("Next step (→ or PgDn)")
        self.prev_button.clicked.connect(self._on_prev)
        self.next_button.clicked.connect(self._on_next)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)

        self.overview_label = QLabel("All steps")
        self.overview_label.setObjectName("muted")
        self.overview = StepList(LIVE_MARK)
        self.overview.step_clicked.connect(self._on_step_clicked)

        content = QWidget()
        content.setObjectName("content")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.card)
        layout.addLayout(nav)
        layout.addWidget(self.overview_label)
        layout.addWidget(self.overview, 1)
        layout.addStretch(0)
        self.scroll = QScrollArea()  # scrolls rather than forcing its size on the window (projector)
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        content = self.scroll.widget().sizeHint()
        return QSize(content.width() + self.scroll.verticalScrollBar().sizeHint().width(), content.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """As narrow as the content allows (no horizontal scrolling); tall enough for the current
        step and the buttons — the heading and the list of steps may scroll."""
        width = self.scroll.widget().minimumSizeHint().width() + self.scroll.verticalScrollBar().sizeHint().width()
        height = self.card.minimumSizeHint().height() + self.prev_button.sizeHint().height() + 30
        return QSize(width, height)

    # --- public API ---------------------------------------------------------------------------
    def set_derivation(self, module) -> None:
        """Load a derivation (a module, or its dotted name) off the GUI thread: sympy is slow."""
        self._ref = module
        self._module_gen += 1
        self._loaded, self._symbolic, self._live = False, StepsDone(), StepsDone()
        self._error, self._current = None, 0
        self._loading = True
        self._throttle.stop()
        gen, params_gen, params = self._module_gen, self._params_gen, self._params
        color, px = self.theme.foreground, self.theme.math_px
        self._worker.submit(lambda: _load_job(module, params, color, px),
                            lambda result, error: self._on_loaded(gen, params_gen, result, error))
        self._show()

    def set_params(self, params: dict) -> None:
        """The learner's numbers changed. Cheap: only remembers them and arms a throttle timer."""
        self._params = dict(params)
        self._params_gen += 1
        self._idle.start()
        if self._loaded and not self._throttle.isActive():
            self._throttle.start()

    def steps(self) -> list:
        """The Step objects shown (symbolic, then live). Unpickles them from the helper's reply on
        first use, which imports sympy: meant for tests and tools, not for every drag frame."""
        return self._symbolic.steps() + self._live.steps()

    def current_index(self) -> int:
        return self._current

    def set_current(self, index: int) -> None:
        n = len(self._texts())
        index = max(0, min(int(index), n - 1)) if n else 0
        if index != self._current:
            self._current = index
            self._show()
            self.current_changed.emit(index)

    def busy(self) -> bool:
        """True while anything is still being computed or typeset (screenshots wait for this)."""
        return self._loading or self._throttle.isActive() or self._worker.busy() or self.math.busy()

    def latex_all(self) -> str:
        """The whole derivation as LaTeX: one gather* line per step, titles and notes as comments."""
        texts = self._texts()
        if not texts:
            return ""
        lines = [f"% {self._symbolic.title or 'Derivation'} (MathLens)"]
        if self._live.texts and self._params is not None:
            numbers = ", ".join(f"{k} = {round(float(v), 2):g}" for k, v in self._params.items())
            lines.append(f"% steps marked '{LIVE_MARK}' use {numbers}")
        lines.append(r"\begin{gather*}")
        rows = zip(texts, self._titles(), self._notes(), self._live_flags(), strict=True)
        for i, (text, title, note, live) in enumerate(rows):
            lines.append(f"% {i + 1}. {title}{f' ({LIVE_MARK})' if live else ''}: {note}")
            lines.append(text + (r" \\" if i < len(texts) - 1 else ""))
        lines.append(r"\end{gather*}")
        return "\n".join(lines) + "\n"

    # what is on screen: the symbolic steps, then the live ones
    def _texts(self) -> list[str]:
        return self._symbolic.texts + self._live.texts

    def _titles(self) -> list[str]:
        return self._symbolic.titles + self._live.titles

    def _notes(self) -> list[str]:
        return self._symbolic.notes + self._live.notes

    def _live_flags(self) -> list[bool]:
        return self._symbolic.live + self._live.live

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        t, px = theme, theme.font_px
        self.setStyleSheet(f"""
            DerivationPanel, QScrollArea, QWidget#content {{ background: {t.panel}; }}
            QLabel {{ color: {t.foreground}; font-size: {px}px; }}
            QLabel#heading {{ font-size: {round(px * 1.3)}px; font-weight: 600; }}
            QLabel#muted {{ color: {t.muted}; font-size: {text_px(t, 0.9)}px; }}
            QLabel#stepTitle {{ font-size: {round(px * 1.15)}px; font-weight: 600; }}
            QLabel#badge {{ color: {t.background}; background: {t.accent}; border-radius: {round(px * 0.45)}px;
                            padding: 1px {round(px * 0.6)}px; font-size: {text_px(t, 0.85)}px; font-weight: 600; }}
            QFrame#card {{ background: {t.background}; border: 1px solid {t.grid}; border-radius: 8px; }}
            QFrame#card[live="true"] {{ border: 2px solid {t.accent}; }}
            QPushButton {{ font-size: {px}px; padding: {round(px * 0.3)}px {round(px * 0.9)}px; color: {t.foreground};
                           background: {t.background}; border: 1px solid {t.grid}; border-radius: 6px; }}
            QPushButton:hover {{ border-color: {t.accent}; }}
            QPushButton:pressed {{ background: {t.grid}; }}
            QPushButton:disabled {{ color: {t.muted}; background: {t.panel}; }}
            QListWidget#overview {{ font-size: {text_px(t, 0.95)}px; background: {t.background};
                                    color: {t.foreground}; border: 1px solid {t.grid}; border-radius: 6px; }}
            QListWidget#overview::item {{ padding: {round(px * 0.15)}px {round(px * 0.4)}px; }}
            QListWidget#overview::item:selected {{ background: {t.accent}; color: {t.background}; }}
        """)
        self.math.set_style(t.foreground, t.math_px)
        self.math.set_min_px(t.font_px if t.name == "projector" else 0)
        pad = round(t.math_px * 0.4)
        self.math.setContentsMargins(4, pad, 4, pad)
        self._fill_overview(force=True)
        self._idle.start()  # typeset the other steps in the new colour and size

    # --- results from the worker (GUI thread) --------------------------------------------------
    def _on_loaded(self, gen: int, params_gen: int, result, error: Exception | None) -> None:
        if gen != self._module_gen:
            return  # another derivation was asked for meanwhile
        self._loading = False
        if error is not None:
            self._error = f"Could not compute the derivation: {error}"
        else:
            self._loaded = True
            self._symbolic, self._live = result
            self._shown_gen = params_gen
        self._show()
        self.steps_updated.emit()
        if self._loaded and self._params is not None and self._params_gen > params_gen:
            self._throttle.start()
        else:
            self._warm_next()

    @Slot()
    def _on_throttle(self) -> None:
        if not self._loaded or self._params is None:
            return
        ref, params, gen, params_gen = self._ref, dict(self._params), self._module_gen, self._params_gen
        index = self._current - len(self._symbolic.texts)  # typeset the step on screen with the rest
        color, px = self.theme.foreground, self.theme.math_px
        self._worker.submit(lambda: _steps_job(ref, params, False, index, color, px),
                            lambda result, error: self._on_live(gen, params_gen, result, error))

    def _on_live(self, gen: int, params_gen: int, result: StepsDone | None, error: Exception | None) -> None:
        if gen != self._module_gen or params_gen <= self._shown_gen:
            return  # stale: another topic, or older numbers than those on screen
        self._shown_gen = params_gen
        if error is not None:
            self._error = f"Could not compute your steps: {error}"
        else:
            self._error = None
            self._live = result
        self._show()
        self.steps_updated.emit()

    @Slot()
    def _on_idle(self) -> None:
        self._warm_next()

    def _warm_next(self) -> None:
        """Typeset one step not yet cached (then the next…), so stepping through is instant."""
        if self._throttle.isActive() or self._worker.busy() or self._loading:
            return
        color, px = self.theme.foreground, self.theme.math_px
        texts = self._texts()
        order = sorted(range(len(texts)), key=lambda i: abs(i - self._current))
        todo = next((texts[i] for i in order if cached_svg(texts[i], color, px) is None), None)
        if todo is not None:
            self._worker.submit(lambda: _warm(todo, color, px), lambda _result, _error: self._warm_next())

    # --- showing ------------------------------------------------------------------------------
    def _show(self) -> None:
        texts, titles, notes, flags = self._texts(), self._titles(), self._notes(), self._live_flags()
        n = len(texts)
        self._current = max(0, min(self._current, n - 1)) if n else 0
        self.subtitle.setText(self._symbolic.title)
        self.subtitle.setVisible(bool(self._symbolic.title))
        waiting = self._loading or (not n and self._error is None)
        self.status.setText("computing…" if self._loading else ("" if n else "No derivation for this topic."))
        self.status.setVisible(waiting)
        self.math.setVisible(bool(n))
        if n:
            i = self._current
            self.counter.setText(f"Step {i + 1} of {n}")
            self.step_title.setText(titles[i])
            self.math.set_latex(texts[i])
            self.note.setText(self._error or notes[i])
            live = flags[i]
        else:
            self.counter.setText("")
            self.step_title.setText("")
            self.note.setText(self._error or "")
            live = False
        note_style = f"color: {self.theme.negative};" if self._error else ""
        if self.note.styleSheet() != note_style:  # restyling is slow: only when it changes
            self.note.setStyleSheet(note_style)
        self.step_title.setVisible(bool(n))
        self.note.setVisible(bool(self.note.text()))
        self.badge.setVisible(live)
        if self.card.property("live") != live:
            self.card.setProperty("live", live)
            self.card.style().unpolish(self.card)
            self.card.style().polish(self.card)
        self.prev_button.setEnabled(self._current > 0)
        self.next_button.setEnabled(self._current < n - 1)
        self._fill_overview()

    def _fill_overview(self, force: bool = False) -> None:
        self.overview.theme = self.theme
        self.overview.set_steps(self._titles(), self._notes(), self._live_flags(), self._current, force)

    # --- user input ---------------------------------------------------------------------------
    @Slot()
    def _on_prev(self) -> None:
        self.set_current(self._current - 1)

    @Slot()
    def _on_next(self) -> None:
        self.set_current(self._current + 1)

    @Slot(int)
    def _on_step_clicked(self, index: int) -> None:
        self.set_current(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self._on_prev()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self._on_next()
        else:
            super().keyPressEvent(event)
