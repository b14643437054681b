"""Projector mode driven by a presentation clicker: what Next and Previous mean, blanking, the
spotlight, beats, and the projector theme scaled to the window.

Next walks one lesson as a teacher tells it — every derivation step, then each of the lesson's
beats (named parameter states the explorer animates to), then on to the next lesson. Previous
walks the same path back. The keys work in the audience window and in the presenter window alike.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from app.shell.beats import BEAT_MS, BeatGlide
from app.shell.projector_overlays import BlankOverlay, CursorHider, SpotlightOverlay

EXPLORER_SHARE = 0.6  # of the page's width, in projector mode

# (not Space: it plays and pauses the clip player; P does that for clickers)
NEXT_KEYS = {Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down}
PREVIOUS_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up}
# keys a text field needs for itself: with the focus in one, only PgUp / PgDn navigate
TEXT_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End}
BLANK_KEYS = {Qt.Key.Key_B: "#000000", Qt.Key.Key_Period: "#000000", Qt.Key.Key_W: "#FFFFFF"}
DIGITS = {getattr(Qt.Key, f"Key_{i}"): i for i in range(10)}


def _typing_into(widget: QWidget | None) -> bool:
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return True
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return False


class ProjectorController(QObject):
    """Clicker navigation and overlays for a MainWindow. Active only in projector mode."""

    changed = Signal()  # the position (lesson, step, beat) or the blanking changed

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self.beat_ms = BEAT_MS  # how long the explorer takes to glide to a beat
        self.presenter = None  # a PresenterWindow while one is shown
        self._beat = -1  # the beat last gone to, in lesson self._beat_lesson; -1 = its own values
        self._beat_lesson: str | None = None
        self._to_last_step = None  # a derivation panel: back from the next lesson, land on its last step
        window.installEventFilter(self)  # its resizes: the projector theme follows the window's height
        self.blank = BlankOverlay(window)
        self.spotlight = SpotlightOverlay(window)
        self.cursor = CursorHider(self)
        self.glide = BeatGlide(self)
        self._split = None  # the page splitter fit_page last sized
        self._fit = QTimer(self, singleShot=True, interval=0)
        self._fit_tries = 0
        self._fit.timeout.connect(self.fit_page)

    # --- state ---------------------------------------------------------------------------------
    @property
    def page(self):
        return self.window.page

    def beat(self) -> int:
        """The beat shown (index into the lesson's beats), -1 before the first."""
        lesson = self.page.lesson.id if self.page else None
        return self._beat if lesson == self._beat_lesson else -1

    def lesson_index(self) -> int:
        ids = [lesson.id for lesson in self.window.lessons]
        return ids.index(self.page.lesson.id) if self.page else -1

    def step_count(self) -> int:
        return len(self.page.derivation._texts()) if self.page else 0

    def blanked(self) -> str | None:
        """The blanking colour, or None when the lesson is visible."""
        return self.blank.colour.name().upper() if self.blank.isVisible() else None

    def animating(self) -> bool:
        return self.glide.running()

    def next_label(self) -> str:
        """What Next will show, for the presenter view."""
        if not self.page:
            return ""
        lang = self.window.lang
        step, n, beats = self.page.derivation.current_index(), self.step_count(), self.page.lesson.beats
        if n and step < n - 1 and self.beat() < 0:
            return f"Step {step + 2} of {n}: {self.page.derivation._titles()[step + 1]}"
        if self.beat() + 1 < len(beats):
            i = self.beat() + 1
            return f"Beat {i + 1} of {len(beats)}: {beats[i].name.get(lang)}"
        i = self.lesson_index() + 1
        if i < len(self.window.lessons):
            return f"Next lesson: {self.window.lessons[i].title.get(lang)}"
        return "The end of the last lesson"

    # --- switching on and off ------------------------------------------------------------------
    def set_active(self, on: bool, present: bool = False, screen: int | None = None) -> None:
        """Switch projector mode's keys and overlays on or off. With ``present`` (going fullscreen),
        put the window on the audience screen and, when there are two screens, open the presenter
        window on the other one."""
        if on and present:
            self._place(screen)
        if on == self.active:
            return
        self.active = on
        app = _app()
        if on:
            app.installEventFilter(self)
            self.cursor.start()
            self.fit_page_soon()
        else:
            app.removeEventFilter(self)
            self.cursor.stop()
            self.set_blank(None)
            self.set_spotlight(False)
            if self.presenter is not None:
                self.presenter.close()
                self.presenter = None
        self.changed.emit()

    def _place(self, wanted: int | None) -> None:
        from PySide6.QtGui import QGuiApplication

        from app.shell.presenter import PresenterWindow, choose_screens, place_on_screen

        screens = QGuiApplication.screens()
        primary = screens.index(QGuiApplication.primaryScreen()) if screens else 0
        audience, presenter = choose_screens(len(screens), primary, wanted)
        place_on_screen(self.window, audience)
        if presenter is not None and self.presenter is None:
            self.presenter = PresenterWindow(self.window)
            self.presenter.destroyed.connect(self._presenter_closed)  # the presenter closed it by hand
            place_on_screen(self.presenter, presenter)
            self.presenter.show()

    def fit_page(self) -> None:
        """In projector mode the explorer gets 60 % of the width and the current derivation step
        two thirds of the side: what the class looks at gets the room (and formulas stay large)."""
        page = self.page
        if not self.active or page is None:
            return
        if self._split is not page.split:  # a new page: refit whenever its splitter is resized
            self._split = page.split
            page.split.installEventFilter(self)
        width, height = page.split.width(), page.side.height()
        explorer = round(width * EXPLORER_SHARE)
        page.split.setSizes([explorer, width - explorer])
        page.side.setSizes([round(height * 0.66), height - round(height * 0.66)])
        if abs(page.split.sizes()[0] - explorer) > 2 and self._fit_tries < 10:
            # a restyle for the new size has not yet shrunk the minimum sizes: try again shortly
            self._fit_tries += 1
            self._fit.start(30)
        else:
            self._fit_tries = 0

    def fit_page_soon(self) -> None:
        self._fit_tries = 0
        self._fit.start(0)  # after the layouts have given the splitters their new sizes

    def page_busy(self) -> bool:
        """Still computing or laying out (the derivation, e.g. an SVD, the splitters)?"""
        explorer_busy = getattr(self.page.explorer, "busy", None) if self.page else None
        return self.page is not None and (self.page.derivation.busy() or self._fit.isActive()
                                          or (callable(explorer_busy) and explorer_busy()))

    def _presenter_closed(self, *_args) -> None:
        self.presenter = None

    # --- navigation ----------------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        if self._unblank() or not self.page:
            return
        panel, beat = self.page.derivation, self.beat()
        n = self.step_count()
        if not n and panel.busy():
            return  # still computing the steps: the first press shows step 1, not the beats
        if beat < 0 and panel.current_index() < n - 1:
            panel.set_current(panel.current_index() + 1)
        elif beat + 1 < len(self.page.lesson.beats):
            self.go_to_beat(beat + 1)
        elif self.lesson_index() + 1 < len(self.window.lessons):
            self._open(self.lesson_index() + 1)
        self.changed.emit()

    @Slot()
    def previous(self) -> None:
        if self._unblank() or not self.page:
            return
        panel, beat = self.page.derivation, self.beat()
        if beat > 0:
            self.go_to_beat(beat - 1)
        elif beat == 0:
            self.go_to_beat(-1)
        elif panel.current_index() > 0:
            panel.set_current(panel.current_index() - 1)
        elif self.lesson_index() > 0:
            self._open(self.lesson_index() - 1)
            self.end()
        self.changed.emit()

    @Slot()
    def home(self) -> None:
        """The start of the lesson: first step, the lesson's own values."""
        if self.page:
            self.page.derivation.set_current(0)
            self.go_to_beat(-1)
            self.changed.emit()

    @Slot()
    def end(self) -> None:
        """The end of the lesson: last step, last beat."""
        if not self.page:
            return
        if self.step_count():
            self.page.derivation.set_current(self.step_count() - 1)
        else:
            self._wait_for_steps_then_go_last()
        self.go_to_beat(len(self.page.lesson.beats) - 1)
        self.changed.emit()

    def go_to_beat(self, index: int, animate: bool = True) -> None:
        """Animate the explorer to beat ``index`` (-1: back to the lesson's starting values)."""
        if not self.page:
            return
        lesson = self.page.lesson
        if index >= len(lesson.beats) or index < -1:
            return
        target = lesson.defaults() if index < 0 else dict(lesson.beats[index].params)
        self._beat, self._beat_lesson = index, lesson.id
        self.glide.start(self.page.explorer, lesson.explorer, target, self.beat_ms if animate else 0)
        self.changed.emit()

    def _open(self, index: int) -> None:
        self.glide.stop()
        self.window.open_lesson(self.window.lessons[index].id)
        self._beat, self._beat_lesson = -1, self.page.lesson.id

    def _wait_for_steps_then_go_last(self) -> None:
        """Land on the last step of the page just opened once its steps arrive (only that page's)."""
        if self._to_last_step is not self.page.derivation:
            self._to_last_step = self.page.derivation  # a later page replaces an earlier wish
            self._to_last_step.steps_updated.connect(self._on_steps_loaded)

    @Slot()
    def _on_steps_loaded(self) -> None:
        panel = self.sender()
        if panel is None:
            return
        if panel is not self._to_last_step or panel is not self.page.derivation:
            panel.steps_updated.disconnect(self._on_steps_loaded)  # an earlier page's: its wish is gone
            return
        if self.step_count():  # else not computed yet: wait for the next update
            self._to_last_step = None
            panel.steps_updated.disconnect(self._on_steps_loaded)
            panel.set_current(self.step_count() - 1)
            self.changed.emit()

    # --- blanking, spotlight, clip ---------------------------------------------------------------
    def set_blank(self, colour: str | None) -> None:
        """Blank the audience window in ``colour`` (None: show the lesson again)."""
        if colour is not None:
            self.blank.set_colour(colour)
        self.blank.cover(colour is not None)
        if self.presenter is not None:
            self.presenter.refresh()
        self.changed.emit()

    def toggle_blank(self, colour: str) -> None:
        same = self.blanked() == colour.upper()
        self.set_blank(None if same else colour)

    def _unblank(self) -> bool:
        """Next / Previous on a blank screen bring the lesson back without moving (as in slide shows)."""
        if self.blanked() is None:
            return False
        self.set_blank(None)
        return True

    def set_spotlight(self, on: bool) -> None:
        self.spotlight.cover(on)
        self.changed.emit()

    def toggle_clip(self) -> bool:
        """P: play or pause the lesson's clip, when the page has a clip player."""
        player = getattr(self.page, "clip_player", None)
        toggle = getattr(player, "toggle_play", None) or getattr(player, "toggle", None)
        if callable(toggle):
            toggle()
            return True
        return False

    # --- keys ----------------------------------------------------------------------------------
    def handle_key(self, key: int, typing: bool = False) -> bool:
        """Do what a clicker key means; False if it is not ours (or belongs to a text field)."""
        if typing and key not in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            return False
        if key in NEXT_KEYS:
            self.next()
        elif key in PREVIOUS_KEYS:
            self.previous()
        elif key == Qt.Key.Key_Home:
            self.home()
        elif key == Qt.Key.Key_End:
            self.end()
        elif key in BLANK_KEYS:
            self.toggle_blank(BLANK_KEYS[key])
        elif key == Qt.Key.Key_L:
            self.set_spotlight(not self.spotlight.isVisible())
        elif key == Qt.Key.Key_P:
            self.toggle_clip()
        elif key in DIGITS:
            self.go_to_beat(DIGITS[key] - 1)  # 1 … 9: beats; 0: the lesson's own values
        else:
            return False
        return True

    def _ours(self, obj) -> bool:
        if not isinstance(obj, QWidget):
            return False
        top = obj.window()
        return top is self.window or (self.presenter is not None and top is self.presenter)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.Resize and obj is self.window and self.window.projector and self.page:
            if self.page.theme != self.window.theme:  # 1280×720 gets 2/3 of 1920×1080's sizes
                self.window.apply_theme(self.window.theme)
            self.fit_page_soon()
            return False
        if kind == QEvent.Type.Resize and obj is self._split:
            self.fit_page_soon()
            return False
        if not self.active or kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) \
                or not self._ours(obj):
            return False
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        typing = _typing_into(_app().focusWidget())
        if kind == QEvent.Type.ShortcutOverride:
            # claim our keys before window shortcuts (PgUp / PgDn, the derivation's ← / →) see them
            if key in NEXT_KEYS | PREVIOUS_KEYS | TEXT_KEYS | set(BLANK_KEYS) | set(DIGITS) \
                    | {Qt.Key.Key_L, Qt.Key.Key_P} and not (typing and key in TEXT_KEYS):
                event.accept()
                return True
            return False
        if self.presenter is not None and obj.window() is self.presenter:
            if key == Qt.Key.Key_Escape:
                self.window.set_projector(False)
                return True
            if key == Qt.Key.Key_F5:
                self.window.toggle_projector()
                return True
        return self.handle_key(key, typing)


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()
