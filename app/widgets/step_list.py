"""The compact list of a derivation's steps beside the current one: click a row to go there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.widgets.theme import LIGHT, Theme

INDEX = Qt.ItemDataRole.UserRole  # each row's step index; None for the heading row


class StepList(QListWidget):
    """One row per step; steps marked live sit under a heading (``live_heading``) and are drawn in
    the accent colour. ``step_clicked(index)`` when the user picks a step; it never takes focus,
    so ←/→ keep stepping the derivation."""

    step_clicked = Signal(int)

    def __init__(self, live_heading: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.live_heading = live_heading
        self.theme: Theme = LIGHT
        self.setObjectName("overview")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.currentRowChanged.connect(self._on_row)

    def set_steps(self, titles: list[str], notes: list[str], live: list[bool], current: int,
                  force: bool = False) -> None:
        """Show these steps (rebuilt only if they changed, or ``force`` after a theme change)."""
        rows: list[tuple[str, int | None]] = []
        for i, title in enumerate(titles):
            if live[i] and (i == 0 or not live[i - 1]):
                rows.append((f"With {self.live_heading}", None))
            rows.append((f"{i + 1}.  {title}", i))
        shown = [(self.item(r).text(), self.item(r).data(INDEX)) for r in range(self.count())]
        self.blockSignals(True)
        if force or rows != shown:
            self.clear()
            for text, index in rows:
                self.addItem(self._item(text, index, notes, live))
            # as tall as its rows, no taller: the space below stays with the page
            rows_height = sum(self.sizeHintForRow(r) for r in range(self.count()))
            self.setMaximumHeight(rows_height + 2 * self.frameWidth() + 4)
        for r in range(self.count()):
            if self.item(r).data(INDEX) == current:
                self.setCurrentRow(r)
        self.blockSignals(False)

    def _item(self, text: str, index: int | None, notes: list[str], live: list[bool]) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(INDEX, index)
        if index is None:  # the heading: not a step, cannot be selected
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setForeground(QBrush(QColor(self.theme.muted)))
            font = item.font()
            font.setPixelSize(round(self.theme.font_px * 0.85))
            font.setBold(True)
            item.setFont(font)
        else:
            item.setToolTip(notes[index])
            if live[index]:
                item.setForeground(QBrush(QColor(self.theme.accent)))
        return item

    @Slot(int)
    def _on_row(self, row: int) -> None:
        item = self.item(row)
        index = item.data(INDEX) if item is not None else None
        if index is not None:
            self.step_clicked.emit(index)
