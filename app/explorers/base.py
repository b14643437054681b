"""The base every explorer view derives from, and the contract the shell relies on.

An explorer draws one model and forwards user edits. The shell never reaches inside it: it
reads ``params()``/``quantities()``, calls ``set_params()`` (reset, beats), listens to
``params_changed`` (derivation panel, exercises), and asks for ``plot_item()`` and
``export_table()`` for File → Export.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.lessons import Lesson
from app.widgets.theme import LIGHT, Theme


class Explorer(QWidget):
    #: emitted with the full parameter dict after every change (user edit or set_params)
    params_changed = Signal(dict)

    def __init__(self, lesson: Lesson, parent: QWidget | None = None):
        super().__init__(parent)
        self.lesson = lesson
        self.theme: Theme = LIGHT

    # --- state ---------------------------------------------------------------------------
    def params(self) -> dict[str, float]:
        """The current parameters (every key of the topic's PARAMS)."""
        raise NotImplementedError

    def scene_params(self) -> dict:
        """What the lesson's manim scene needs to draw exactly this state ("Render current state"):
        ``params()``, plus anything that is not a number (e.g. the SVD lesson's own image file)."""
        return self.params()

    def set_params(self, params: dict[str, float]) -> None:
        """Show these parameters (missing keys keep their value) and emit params_changed."""
        raise NotImplementedError

    def reset(self) -> None:
        self.set_params(self.lesson.defaults())

    def quantities(self) -> dict[str, float]:
        """Named numbers lesson exercises check (the topic's QUANTITIES)."""
        raise NotImplementedError

    def busy(self) -> bool:
        """True while background work (a large SVD, a render) is still running; screenshots wait."""
        return False

    # --- export --------------------------------------------------------------------------
    def plot_item(self):
        """The pyqtgraph item File → Export plot writes to PNG/SVG (a PlotItem or GraphicsLayout)."""
        raise NotImplementedError

    def export_table(self) -> tuple[list[str], list[list[float]]]:
        """Column names and rows for File → Export data as CSV."""
        raise NotImplementedError

    # --- look ----------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        """Restyle for a theme (light, dark, projector: larger fonts and lines)."""
        self.theme = theme
