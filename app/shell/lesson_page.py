"""One lesson on screen: the explorer in the centre, the derivation beside it, the lesson's text,
exercises and clip below the derivation. The one place that wires an explorer to the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from app import registry
from app.explorers.base import Explorer
from app.lessons import Lesson
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
        self.clip = QTextBrowser()
        self.clip.setOpenExternalLinks(False)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.body, "About")
        # tab pages scroll rather than widen or heighten the page (long lines, big projector fonts)
        exercises_scroll = QScrollArea()
        exercises_scroll.setWidget(self.exercises)
        exercises_scroll.setWidgetResizable(True)
        exercises_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(exercises_scroll, "Exercises")
        self.tabs.addTab(self.clip, "Clip")

        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.addWidget(self.derivation)
        self.side.addWidget(self.tabs)
        self.side.setStretchFactor(0, 3)
        self.side.setStretchFactor(1, 2)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.explorer)
        self.split.addWidget(self.side)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)

        self.explorer.params_changed.connect(self._on_params_changed)
        self.exercises.progress_changed.connect(self._on_progress)
        self.derivation.set_derivation(topic.derivation)
        self.set_lang(lang)
        self._on_params_changed(self.explorer.params())

    # --- wiring ----------------------------------------------------------------------------
    @Slot(dict)
    def _on_params_changed(self, params: dict) -> None:
        self.derivation.set_params(params)
        self.exercises.update_quantities(self.explorer.quantities())

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.tabs.setTabText(1, f"Exercises {done}/{total}" if total else "Exercises")

    # --- language and look -----------------------------------------------------------------
    def set_lang(self, lang: str) -> None:
        self.lang = lang
        lesson = self.lesson
        self.title.setText(lesson.title.get(lang))
        self.summary.setText(lesson.summary.get(lang))
        self.body.setMarkdown(lesson.body.get(lang).replace("\\\n", ""))
        self.exercises.set_exercises(lesson.exercises, lang)
        self.exercises.update_quantities(self.explorer.quantities())
        scene = lesson.scene
        self.clip.setText(
            f"<p><b>The clip for this lesson is not rendered yet.</b></p>"
            f"<p>Its manim scene is <code>scenes/{scene.file}</code>, class <code>{scene.class_name}</code>. "
            f"Rendering and playing clips inside MathLens is on the way. Until then you can render it "
            f"yourself from the project folder:</p>"
            f"<pre>.venv/bin/manim -ql scenes/{scene.file} {scene.class_name}</pre>"
        )

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        px = theme.font_px
        self.title.setStyleSheet(f"color: {theme.foreground}; font-size: {round(px * 1.7)}px; font-weight: 600;")
        self.summary.setStyleSheet(f"color: {theme.muted}; font-size: {round(px * 1.1)}px;")
        self.body.setStyleSheet(f"font-size: {px}px; color: {theme.foreground}; background: {theme.background};"
                                f" border: none; padding: 6px;")
        self.clip.setStyleSheet(f"font-size: {px}px; color: {theme.foreground}; background: {theme.background};"
                                f" border: none; padding: 6px;")
        self.tabs.setStyleSheet(f"QTabBar::tab {{ font-size: {px}px; padding: {px // 3}px {px}px; }}")
        self.explorer.apply_theme(theme)
        self.derivation.apply_theme(theme)
        self.exercises.apply_theme(theme)
