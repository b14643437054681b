"""One lesson on screen: the explorer in the centre, the derivation beside it, the lesson's text,
exercises and clip below the derivation. The one place that wires an explorer to the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from app import registry
from app.explorers.base import Explorer
from app.lessons import Lesson
from app.widgets.clip_panel import ClipPanel
from app.widgets.derivation_panel import DerivationPanel
from app.widgets.exercises_panel import ExercisesPanel
from app.widgets.theme import LIGHT, Theme


class LessonPage(QWidget):
    def __init__(self, lesson: Lesson, lang: str = "en", parent: QWidget | None = None):
        super().__init__(parent)
        self.lesson = lesson
        self.lang = lang
        self.theme = LIGHT
        topic = registry.TOPICS[lesson.explorer]

        self.title = QLabel()
        self.title.setObjectName("lessonTitle")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        explorer_cls = registry.load(topic.explorer)
        self.explorer: Explorer = explorer_cls(lesson)
        self.derivation = DerivationPanel()
        self.exercises = ExercisesPanel()
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(False)
        self.clip_panel = ClipPanel(lesson, self.explorer.scene_params, lang)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.body, "About")
        # tab pages scroll rather than widen or heighten the page (long lines, big projector fonts)
        exercises_scroll = QScrollArea()
        exercises_scroll.setWidget(self.exercises)
        exercises_scroll.setWidgetResizable(True)
        exercises_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(exercises_scroll, "Exercises")
        self.clip_scroll = QScrollArea()  # its button rows must not set the side column's minimum width
        self.clip_scroll.setWidget(self.clip_panel)
        self.clip_scroll.setWidgetResizable(True)
        self.clip_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(self.clip_scroll, "Clip")

        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.addWidget(self.derivation)
        self.side.addWidget(self.tabs)
        self.side.setStretchFactor(0, 2)
        self.side.setStretchFactor(1, 1)
        self.side.setSizes([2000, 1000])  # the derivation gets two thirds of the column
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.explorer)
        self.split.addWidget(self.side)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([620, 380])  # proportions: the explorer about 5/8 of the page
        self.split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)

        self.explorer.params_changed.connect(self._on_params_changed)
        self.exercises.progress_changed.connect(self._on_progress)
        self.tabs.currentChanged.connect(self._on_tab)
        self.derivation.set_derivation(registry.TOPICS[lesson.derivation].derivation)
        self.set_lang(lang)
        self._on_params_changed(self.explorer.params())

    @property
    def clip_player(self):
        """The ClipPlayer of the Clip tab (the projector's P key calls clip_player.toggle_play()).
        Made on first use, with the lesson's cached clip in it if there is one."""
        return self.clip_panel.player

    # --- wiring ----------------------------------------------------------------------------
    @Slot(dict)
    def _on_params_changed(self, params: dict) -> None:
        self.derivation.set_params(params)
        self.exercises.update_quantities(self.explorer.quantities())

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.tabs.setTabText(1, f"Exercises {done}/{total}" if total else "Exercises")

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        # a clip needs room: with the Clip tab open the tabs get most of the side column
        total = sum(self.side.sizes())
        if total > 0:
            share = 0.7 if self.tabs.widget(index) is self.clip_scroll else 1 / 3  # (the default split)
            self.side.setSizes([round(total * (1 - share)), round(total * share)])

    def shutdown(self) -> None:
        """Stop background work (a clip render, an SVD) before the page goes away."""
        self.clip_panel.shutdown()
        stop = getattr(self.explorer, "shutdown", None)
        if callable(stop):
            stop()

    # --- language and look -----------------------------------------------------------------
    def set_lang(self, lang: str) -> None:
        self.lang = lang
        lesson = self.lesson
        self.title.setText(lesson.title.get(lang))
        self.summary.setText(lesson.summary.get(lang))
        self.body.setMarkdown(lesson.body.get(lang).replace("\\\n", ""))
        self.exercises.set_exercises(lesson.exercises, lang)
        self.exercises.update_quantities(self.explorer.quantities())
        self.clip_panel.set_lang(lang)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        px = theme.font_px
        self.title.setStyleSheet(f"color: {theme.foreground}; font-size: {round(px * 1.7)}px; font-weight: 600;")
        self.summary.setStyleSheet(f"color: {theme.muted}; font-size: {round(px * 1.1)}px;")
        self.body.setStyleSheet(f"font-size: {px}px; color: {theme.foreground}; background: {theme.background};"
                                f" border: none; padding: 6px;")
        self.clip_panel.apply_theme(theme)
        self.tabs.setStyleSheet(f"QTabBar::tab {{ font-size: {px}px; padding: {px // 3}px {px}px; }}")
        self.explorer.apply_theme(theme)
        self.derivation.apply_theme(theme)
        self.exercises.apply_theme(theme)
