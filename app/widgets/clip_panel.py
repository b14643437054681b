"""ClipPanel: the lesson page's Clip tab. Render the lesson's clip or "what I see now" (the
explorer's params()), watch manim's progress, cancel, and play the result in a ClipPlayer.

A cached clip shows at once (no render); a failed render opens the error dialog and the panel
stays usable."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.lessons import Lesson
from app.render import dialog
from app.render.jobs import QUALITIES, Clip, RenderRequest
from app.render.service import RenderFailure, RenderService
from app.widgets.theme import LIGHT, Theme

QUALITY_LABELS = {"preview": "Preview 480p15", "720p": "720p30", "1080p": "1080p60"}


class ClipPanel(QWidget):
    def __init__(self, lesson: Lesson, params: Callable[[], dict], lang: str = "en",
                 service: RenderService | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.lesson = lesson
        self.lang = lang
        self._params = params
        self.service = service or RenderService(parent=self)
        self.last_failure: RenderFailure | None = None
        self.error_box = None

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.quality = QComboBox()
        for name in QUALITIES:
            self.quality.addItem(QUALITY_LABELS[name], name)
        self.quality.setToolTip("Render quality (preview is fastest)")
        self.render_button = QPushButton("Render clip")
        self.render_button.setToolTip("Render this lesson's clip with the lesson's own numbers")
        self.current_button = QPushButton("Render current state")
        self.current_button.setToolTip("Render a clip of exactly what the explorer shows now")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress_label = QLabel()
        self._player = None  # ClipPlayer, made on first use: QtMultimedia costs ~0.6 s to load
        self._theme = LIGHT

        buttons = QHBoxLayout()
        buttons.addWidget(self.render_button)
        buttons.addWidget(self.current_button)
        buttons.addWidget(self.quality)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.progress_label, 2)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(buttons)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.render_button.clicked.connect(self.render_lesson)
        self.current_button.clicked.connect(self.render_current)
        self.cancel_button.clicked.connect(self.service.cancel)
        self.quality.currentIndexChanged.connect(self._on_quality)
        self.service.started.connect(self._on_started)
        self.service.progress.connect(self._on_progress)
        self.service.finished.connect(self._on_finished)
        self.service.failed.connect(self._on_failed)
        self.service.cancelled.connect(self._on_cancelled)
        app = QCoreApplication.instance()
        if app is not None:  # no manim left running (or scratch left behind) when the app quits
            app.aboutToQuit.connect(self.service.shutdown)
        self._set_busy(False)
        self._cached_at_start = self.show_cached(load=False)

    @property
    def player(self):
        """The ClipPlayer (created, and a cached clip loaded into it, on first use)."""
        if self._player is None:
            from app.widgets.clip_player import ClipPlayer

            self._player = ClipPlayer()
            self._player.apply_theme(self._theme)
            stretch = self._layout.itemAt(self._layout.count() - 1)
            self._layout.removeItem(stretch)
            self._layout.addWidget(self._player, 1)
            if self._cached_at_start is not None:
                self._show(self._cached_at_start, autoplay=False, how="from the cache")
        return self._player

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.player  # noqa: B018 — the Clip tab is showing: now the player is worth its load time
        super().showEvent(event)

    # --- requests ----------------------------------------------------------------------------
    def request(self, current: bool) -> RenderRequest:
        return RenderRequest.for_lesson(self.lesson, self._params() if current else None, self.lang,
                                        self.quality.currentData())

    def show_cached(self, load: bool = True) -> Clip | None:
        """The lesson's clip (or, failing that, the current state's) if it is in the cache,
        loaded into the player unless ``load`` is False (then only the status says so)."""
        for current in (False, True):
            clip = self.service.lookup(self.request(current))
            if clip is not None:
                if load:
                    self._show(clip, autoplay=False, how="from the cache")
                else:
                    self.status.setText("This clip is rendered: open the Clip tab to play it.")
                return clip
        if self._player is None or self._player.clip is None:
            self.status.setText("This clip is not rendered yet. Click “Render clip” (a preview takes about "
                                "10–20 s), or “Render current state” for the explorer's numbers.")
        return None

    @Slot()
    def render_lesson(self) -> Clip | None:
        return self._render(self.request(current=False))

    @Slot()
    def render_current(self) -> Clip | None:
        """Render exactly what the explorer shows now (its params())."""
        return self._render(self.request(current=True))

    def _render(self, request: RenderRequest) -> Clip | None:
        self.last_failure = None
        clip = self.service.render(request)
        if clip is not None:
            self._show(clip, autoplay=True, how="from the cache")
        return clip

    def set_lang(self, lang: str) -> None:
        """Captions follow the lesson language: a clip in the other language is another clip."""
        if lang != self.lang:
            self.lang = lang
            if not self.service.is_busy():
                self.show_cached()

    def shutdown(self) -> None:
        self.service.shutdown()
        if self._player is not None:
            self._player.unload()

    # --- service signals ---------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        self.quality.setEnabled(not busy)

    @Slot(object)
    def _on_started(self, request: RenderRequest) -> None:
        self._set_busy(True)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        what = "the current state" if request.params != self.lesson.defaults() else "the lesson clip"
        self.status.setText(f"Rendering {what} at {QUALITY_LABELS[request.quality]} …")

    @Slot(int, int, str)
    def _on_progress(self, overall: int, animation: int, label: str) -> None:
        # with no count of the clip's animations (first render of a scene) show the current one's
        self.progress.setValue(overall if overall >= 0 else animation)
        self.progress.setFormat("%p%" if overall >= 0 else "this step %p%")
        self.progress_label.setText(label)

    @Slot(object)
    def _on_finished(self, clip: Clip) -> None:
        self._set_busy(False)
        self._show(clip, autoplay=True, how=f"rendered in {clip.info().get('seconds', 0):.1f} s")

    @Slot(object)
    def _on_failed(self, failure: RenderFailure) -> None:
        self._set_busy(False)
        self.last_failure = failure
        self.status.setText(f"Render failed: {failure.message}")
        self.error_box = dialog.show_render_error(self, failure)

    @Slot()
    def _on_cancelled(self) -> None:
        self._set_busy(False)
        self.status.setText("Render cancelled.")

    @Slot(int)
    def _on_quality(self, _index: int) -> None:
        self.show_cached()

    def _show(self, clip: Clip, autoplay: bool, how: str) -> None:
        info = clip.info()
        q = QUALITIES.get(info.get("quality", ""), None)
        self.player.load(clip, autoplay=autoplay)
        self.status.setText(f"Clip {info.get('class', '')}"
                            f"{f' at {q.height}p{q.fps}' if q else ''}, {how}.")

    # --- look --------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme = LIGHT) -> None:
        px = theme.font_px
        style = f"font-size: {px}px; color: {theme.foreground};"
        for w in (self.status, self.progress_label, self.render_button, self.current_button,
                  self.cancel_button, self.quality):
            w.setStyleSheet(style)
        self._theme = theme
        if self._player is not None:
            self._player.apply_theme(theme)
