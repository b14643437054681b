"""ClipPlayer: a rendered lesson clip in the page. QMediaPlayer + QVideoWidget, play/pause (Space),
seek bar, speed 0.5×–2×, loop, previous/next section (manim's --save_sections), captions (the
.srt manim writes from the scene's subcaptions), "open in system player" and "show file"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.render.jobs import Clip, Section
from app.render.subtitles import Cue, cue_at, read_srt
from app.widgets.theme import LIGHT, Theme

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
#: "previous section" inside the first this-many ms of a section goes to the one before it
RESTART_GRACE_MS = 1000


def _clock(ms: int) -> str:
    s = max(ms, 0) // 1000
    return f"{s // 60}:{s % 60:02d}"


def open_url(url: QUrl) -> bool:
    """QDesktopServices.openUrl, one name for tests to replace."""
    return QDesktopServices.openUrl(url)


class ClipPlayer(QWidget):
    clip_loaded = Signal(object)  # Clip

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.clip: Clip | None = None
        self.sections: list[Section] = []
        self.cues: list[Cue] = []
        self._seeking = False
        self._last_frame: QImage | None = None
        self.frames_shown = 0  # frames the video sink received (headless tests read it)
        #: keep the latest frame as a QImage for snapshot() (screenshots, tests); costs a copy per frame
        self.keep_frames = False

        self.player = QMediaPlayer(self)
        self.video = QVideoWidget()
        self.video.setMinimumSize(240, 135)
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.player.setVideoOutput(self.video)
        self.video.videoSink().videoFrameChanged.connect(self._on_frame)
        self.caption = QLabel()
        self.caption.setObjectName("clipCaption")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)

        def tool(text: str, tip: str, slot, icon: QStyle.StandardPixmap | None = None) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            if icon is not None:  # the DejaVu/Noto fonts have no ⏮ ⏭ glyphs; the style's icons always draw
                b.setIcon(self.style().standardIcon(icon))
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays play/pause, never "click"
            b.clicked.connect(slot)
            return b

        px = QStyle.StandardPixmap
        self.play_button = tool("Play", "Play / pause (Space)", self.toggle_play, px.SP_MediaPlay)
        self.prev_button = tool("Previous section", "Previous section", self.previous_section, px.SP_MediaSkipBackward)
        self.next_button = tool("Next section", "Next section", self.next_section, px.SP_MediaSkipForward)
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.seek.sliderPressed.connect(self._on_seek_pressed)
        self.seek.sliderReleased.connect(self._on_seek_released)
        self.seek.sliderMoved.connect(self._on_seek_moved)
        self.time_label = QLabel("0:00 / 0:00")
        self.section_label = QLabel()
        self.speed = QComboBox()
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed")
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.loop = QCheckBox("Loop")
        self.loop.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.loop.toggled.connect(self.set_loop)
        self.captions = QCheckBox("Captions")
        self.captions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.captions.setChecked(True)
        self.captions.toggled.connect(self._on_captions)
        self.open_button = tool("Open in player", "Open the clip in the system's video player", self.open_external)
        self.show_button = tool("Show file", "Show the clip's folder", self.show_file)

        transport = QHBoxLayout()
        for w in (self.play_button, self.prev_button, self.next_button):
            transport.addWidget(w)
        transport.addWidget(self.seek, 1)
        transport.addWidget(self.time_label)
        extras = QHBoxLayout()
        for w in (self.section_label,):
            extras.addWidget(w, 1)
        for w in (self.speed, self.loop, self.captions, self.open_button, self.show_button):
            extras.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.caption)
        layout.addLayout(transport)
        layout.addLayout(extras)

        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.space.activated.connect(self.toggle_play)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.player.positionChanged.connect(self._on_position)
        self.player.durationChanged.connect(self._on_duration)
        self.player.playbackStateChanged.connect(self._on_state)
        self._set_enabled(False)
        self.apply_theme(LIGHT)

    # --- loading -----------------------------------------------------------------------------
    def load(self, clip: Clip, autoplay: bool = False) -> None:
        self.clip = clip
        self.sections = clip.sections()
        self.cues = read_srt(clip.subtitles)
        self._last_frame = None
        self.player.setSource(QUrl.fromLocalFile(str(clip.video)))
        self.captions.setEnabled(bool(self.cues))
        self._set_enabled(True)
        self.prev_button.setEnabled(len(self.sections) > 1)
        self.next_button.setEnabled(len(self.sections) > 1)
        self._on_position(0)
        self.clip_loaded.emit(clip)
        if autoplay:
            self.player.play()

    def unload(self) -> None:
        self.player.stop()
        self.player.setSource(QUrl())
        self.clip, self.sections, self.cues, self._last_frame = None, [], [], None
        self.caption.clear()
        self.section_label.clear()
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.play_button, self.prev_button, self.next_button, self.seek, self.speed,
                  self.loop, self.captions, self.open_button, self.show_button):
            w.setEnabled(on)

    # --- transport ---------------------------------------------------------------------------
    def is_playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    @Slot()
    def toggle_play(self) -> None:
        """Play or pause (Space here; the projector's P key calls this too)."""
        if self.clip is None:
            return
        if self.is_playing():
            self.player.pause()
        else:
            self.player.play()

    def set_position(self, ms: int) -> None:
        ms = max(0, int(ms))
        self.player.setPosition(ms)
        self._on_position(ms)

    def set_speed(self, rate: float) -> None:
        """One of SPEEDS (the nearest is taken)."""
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - rate))
        self.speed.setCurrentIndex(nearest)  # → _on_speed

    @Slot(bool)
    def set_loop(self, on: bool) -> None:
        if self.loop.isChecked() != on:
            self.loop.setChecked(on)  # → set_loop again
            return
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on else QMediaPlayer.Loops.Once)

    def section_index(self, ms: int | None = None) -> int:
        """The section playing at ``ms`` (default: now), -1 if the clip has none."""
        ms = self.player.position() if ms is None else ms
        index = -1
        for i, s in enumerate(self.sections):
            if ms >= round(s.start * 1000) - 1:
                index = i
        return index

    @Slot()
    def next_section(self) -> None:
        i = self.section_index()
        if 0 <= i + 1 < len(self.sections):
            self.set_position(round(self.sections[i + 1].start * 1000))

    @Slot()
    def previous_section(self) -> None:
        ms = self.player.position()
        i = self.section_index(ms)
        if i < 0:
            return
        start = round(self.sections[i].start * 1000)
        if ms - start < RESTART_GRACE_MS and i > 0:
            start = round(self.sections[i - 1].start * 1000)
        self.set_position(start)

    # --- outside -----------------------------------------------------------------------------
    @Slot()
    def open_external(self) -> bool:
        return self.clip is not None and open_url(QUrl.fromLocalFile(str(self.clip.video)))

    @Slot()
    def show_file(self) -> bool:
        return self.clip is not None and open_url(QUrl.fromLocalFile(str(self.clip.folder)))

    # --- handlers ----------------------------------------------------------------------------
    @Slot(int)
    def _on_speed(self, index: int) -> None:
        self.player.setPlaybackRate(float(self.speed.itemData(index)))

    @Slot(bool)
    def _on_captions(self, on: bool) -> None:
        self.caption.setVisible(on)
        self._on_position(self.player.position())

    @Slot()
    def _on_seek_pressed(self) -> None:
        self._seeking = True

    @Slot(int)
    def _on_seek_moved(self, ms: int) -> None:
        self.player.setPosition(ms)

    @Slot()
    def _on_seek_released(self) -> None:
        self._seeking = False
        self.set_position(self.seek.value())

    @Slot("qint64")
    def _on_position(self, ms: int) -> None:
        if not self._seeking:
            self.seek.blockSignals(True)
            self.seek.setValue(int(ms))
            self.seek.blockSignals(False)
        self.time_label.setText(f"{_clock(ms)} / {_clock(self.player.duration())}")
        i = self.section_index(ms)
        self.section_label.setText(f"Section {i + 1}/{len(self.sections)}: {self.sections[i].name}"
                                   if i >= 0 else "")
        cue = cue_at(self.cues, int(ms)) if self.captions.isChecked() else None
        self.caption.setText(cue.text if cue else "")

    @Slot("qint64")
    def _on_duration(self, ms: int) -> None:
        self.seek.setRange(0, int(ms))
        self._on_position(self.player.position())

    @Slot(QMediaPlayer.PlaybackState)
    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay))

    def _on_frame(self, frame) -> None:
        self.frames_shown += 1
        if self.keep_frames and frame.isValid():
            self._last_frame = frame.toImage()

    def snapshot(self) -> QPixmap:
        """A grab of the player with the current video frame painted in (QVideoWidget draws through
        its own window surface, which grab() cannot see)."""
        pix = self.grab()
        if self._last_frame is not None and not self._last_frame.isNull():
            painter = QPainter(pix)
            r = self.video.geometry()
            img = self._last_frame.scaled(r.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation)
            painter.fillRect(r, Qt.GlobalColor.black)
            painter.drawImage(r.x() + (r.width() - img.width()) // 2, r.y() + (r.height() - img.height()) // 2, img)
            painter.end()
        return pix

    # --- look --------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        px = theme.font_px
        self.setStyleSheet(f"QLabel, QCheckBox, QComboBox, QToolButton {{ font-size: {px}px; color: {theme.foreground}; }}"
                           f" QLabel#clipCaption {{ font-size: {round(px * 1.15)}px; padding: 4px;"
                           f" background: {theme.panel}; color: {theme.foreground}; }}")
        self.video.setStyleSheet("background: black;")
        for b in (self.play_button, self.prev_button, self.next_button):
            b.setIconSize(QSize(round(px * 1.4), round(px * 1.4)))
