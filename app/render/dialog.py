"""The one place a failed render reaches the user: a dialog with the last lines of manim's output,
the whole log under "Show Details…", and a "Copy full log" button. Non-blocking (open(), not
exec()), so the app stays usable behind it."""

from __future__ import annotations

import warnings

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.render.service import RenderFailure

TAIL_LINES = 12


def show_render_error(parent: QWidget | None, failure: RenderFailure) -> QMessageBox:
    req = failure.request
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Clip render failed")
    box.setText(f"The clip {req.class_name} ({req.scene_file}, {req.quality}) could not be rendered.\n\n"
                f"{failure.message}")
    tail = failure.tail(TAIL_LINES)
    box.setInformativeText(f"Last lines of manim's output:\n\n{tail}" if tail else "manim wrote no output.")
    box.setDetailedText(failure.log)
    copy = box.addButton("Copy full log", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    # an ActionRole button would close the box; copying should not
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nothing connected (a stand-in box in tests)
        try:
            copy.clicked.disconnect()
        except (RuntimeError, TypeError):
            pass
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(failure.log))
    box.copy_button = copy
    box.open()
    return box
