"""The lesson's exercises, each ticked when the explorer's state meets its check."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.lessons import Exercise
from app.widgets.theme import LIGHT, Theme

DONE, TODO = "✓", "○"


class _ExerciseRow(QFrame):
    def __init__(self, exercise: Exercise, lang: str):
        super().__init__()
        self.exercise = exercise
        self.met = False
        self.mark = QLabel(TODO)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.text = QLabel(exercise.task.get(lang))
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if exercise.hint is not None:
            self.setToolTip(f"Hint: {exercise.hint.get(lang)}")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(self.mark)
        row.addWidget(self.text, 1)


class ExercisesPanel(QWidget):
    """Shows tasks like "make det = 0" and ticks each when met. ``progress_changed(done, total)``."""

    progress_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self._rows: list[_ExerciseRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self.summary = QLabel()
        self._layout.addWidget(self.summary)
        self._layout.addStretch(1)

    def set_exercises(self, exercises: list[Exercise], lang: str = "en") -> None:
        for row in self._rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self._rows = [_ExerciseRow(ex, lang) for ex in exercises]
        for i, row in enumerate(self._rows):
            self._layout.insertWidget(1 + i, row)
        self._restyle()
        self._update_summary()

    def update_quantities(self, quantities: dict[str, float]) -> None:
        changed = False
        for row in self._rows:
            met = row.exercise.met(quantities)
            if met != row.met:
                row.met = met
                row.mark.setText(DONE if met else TODO)
                changed = True
        if changed:
            self._restyle()
            self._update_summary()

    def done(self) -> list[str]:
        """Ids of the exercises met now."""
        return [row.exercise.id for row in self._rows if row.met]

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._restyle()

    def _update_summary(self) -> None:
        n_done = sum(row.met for row in self._rows)
        total = len(self._rows)
        self.summary.setText(f"{n_done} of {total} done" if total else "No exercises in this lesson.")
        self.progress_changed.emit(n_done, total)

    def _restyle(self) -> None:
        t = self.theme
        self.summary.setStyleSheet(f"color: {t.muted}; font-size: {t.font_px}px;")
        for row in self._rows:
            color = t.positive if row.met else t.muted
            row.mark.setStyleSheet(f"color: {color}; font-size: {round(t.font_px * 1.4)}px; font-weight: bold;")
            row.mark.setFixedWidth(round(t.font_px * 2))
            row.text.setStyleSheet(f"color: {t.foreground}; font-size: {t.font_px}px;")
            border = t.positive if row.met else t.grid
            row.setStyleSheet(f"_ExerciseRow {{ border: 1px solid {border}; border-radius: 6px; }}")
