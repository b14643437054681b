"""The sidebar: lessons grouped by curriculum week, with a filter box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.lessons import Curriculum, Lesson

ID_ROLE = Qt.ItemDataRole.UserRole


class LessonBrowser(QWidget):
    lesson_selected = Signal(str)

    def __init__(self, lessons: list[Lesson], curriculum: Curriculum, lang: str = "en",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.lessons = lessons
        self.curriculum = curriculum
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter lessons…")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        self.tree.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        self.filter.textChanged.connect(self._on_filter)
        self.tree.itemActivated.connect(self._on_item)
        self.tree.itemClicked.connect(self._on_item)
        self.set_lang(lang)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        current = self.current_id()
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        week_item = None
        for lesson in self.lessons:
            if week_item is None or week_item.data(0, ID_ROLE) != f"week:{lesson.week}":
                week_item = QTreeWidgetItem(self.tree, [f"Week {lesson.week} · {self.curriculum.title(lesson.week, lang)}"])
                week_item.setData(0, ID_ROLE, f"week:{lesson.week}")
                week_item.setFont(0, bold)
                week_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                week_item.setExpanded(True)
                week_item.setToolTip(0, week_item.text(0))  # the full title: the sidebar may cut it
            item = QTreeWidgetItem(week_item, [lesson.title.get(lang)])
            item.setData(0, ID_ROLE, lesson.id)
            item.setToolTip(0, f"{lesson.title.get(lang)}\n{lesson.summary.get(lang)}")
        self.tree.expandAll()
        if current:
            self.select(current)
        self._on_filter(self.filter.text())

    def _lesson_items(self):
        for i in range(self.tree.topLevelItemCount()):
            week = self.tree.topLevelItem(i)
            for j in range(week.childCount()):
                yield week, week.child(j)

    def select(self, lesson_id: str) -> None:
        """Highlight a lesson without emitting lesson_selected."""
        for _, item in self._lesson_items():
            if item.data(0, ID_ROLE) == lesson_id:
                self.tree.setCurrentItem(item)
                return

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        value = item.data(0, ID_ROLE) if item else None
        return None if value is None or str(value).startswith("week:") else value

    def visible_ids(self) -> list[str]:
        return [item.data(0, ID_ROLE) for _, item in self._lesson_items() if not item.isHidden()]

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        needle = text.strip().lower()
        by_id = {lesson.id: lesson for lesson in self.lessons}
        week_visible: dict[int, bool] = {}
        for week, item in self._lesson_items():
            lesson = by_id[item.data(0, ID_ROLE)]
            hay = " ".join(filter(None, [lesson.id, lesson.title.en, lesson.title.zh, lesson.summary.en,
                                         lesson.summary.zh, self.curriculum.title(lesson.week)])).lower()
            hit = not needle or needle in hay
            item.setHidden(not hit)
            week_visible[id(week)] = week_visible.get(id(week), False) or hit
        for i in range(self.tree.topLevelItemCount()):
            week = self.tree.topLevelItem(i)
            week.setHidden(not week_visible.get(id(week), False))

    @Slot(QTreeWidgetItem, int)
    def _on_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        lesson_id = item.data(0, ID_ROLE)
        if lesson_id and not str(lesson_id).startswith("week:"):
            self.lesson_selected.emit(lesson_id)
