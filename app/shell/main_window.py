"""The main window: lesson browser, lesson page, menus, settings, projector mode."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSettings, QSize, Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from app.lessons import load_all, load_curriculum
from app.shell.beats import projector_theme
from app.shell.lesson_browser import LessonBrowser
from app.shell.projector import ProjectorController
from app.widgets.theme import THEMES, Theme

DEFAULT_LESSON = "linear-transforms"

SHORTCUTS = [
    ("F5", "Projector mode on/off"),
    ("Esc", "Leave projector mode"),
    ("← / →, PgUp / PgDn", "Previous / next derivation step (projector: then beats, then lessons)"),
    ("Home / End, 1–9, B / W, L, P", "Projector: start / end, beats, blank black / white, spotlight, clip"),
    ("Ctrl+R", "Reset the lesson to its starting values"),
    ("Ctrl+Shift+C", "Copy the derivation as LaTeX"),
    ("Ctrl+E", "Export the plot as PNG or SVG"),
    ("Ctrl+Shift+E", "Export the data as CSV"),
    ("Ctrl+F", "Filter lessons"),
    ("Ctrl+Q", "Quit"),
]


def _export_svg(item, target: Path) -> None:
    """Draw the plot's scene into an SVG with QSvgGenerator.

    pyqtgraph's SVGExporter mis-parses the path strings Qt 6.11 writes, so we let Qt write the SVG.
    """
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    source = item.sceneBoundingRect()
    gen = QSvgGenerator()
    gen.setFileName(str(target))
    gen.setSize(source.size().toSize())
    gen.setViewBox(QRectF(0, 0, source.width(), source.height()))
    gen.setTitle("MathLens plot")
    painter = QPainter()
    if not painter.begin(gen):
        raise OSError(f"cannot write {target}")
    try:
        item.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
    if not target.exists():
        raise OSError(f"cannot write {target}")


class MainWindow(QMainWindow):
    def __init__(self, lesson_id: str | None = None, lang: str | None = None, restore: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("MathLens")
        self.settings = QSettings()
        self.lessons, self.lesson_errors = load_all()
        self.curriculum = load_curriculum()
        self.lang = lang or (str(self.settings.value("lang", "en")) if restore else "en")
        theme_name = str(self.settings.value("theme", "light")) if restore else "light"
        self.base_theme: Theme = THEMES.get(theme_name, THEMES["light"])
        if self.base_theme.name == "projector":
            self.base_theme = THEMES["light"]
        self.projector = False
        self.page = None
        self.projector_ctl = ProjectorController(self)  # clicker keys, blanking, spotlight, beats

        self.browser = LessonBrowser(self.lessons, self.curriculum, self.lang)
        self.browser.lesson_selected.connect(self.open_lesson)
        self.placeholder = QLabel("No lesson could be loaded. See Help → Lesson file problems.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.browser)
        self.split.addWidget(self.placeholder)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([300, 1000])
        self.setCentralWidget(self.split)
        self._build_menus()
        self.resize(1280, 800)

        if restore:
            geometry = self.settings.value("geometry")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            size = self.settings.value("size")
            if isinstance(size, QSize) and size.isValid():
                self.resize(size)  # restoreGeometry alone can clamp to odd sizes on some platforms
        wanted = lesson_id or (str(self.settings.value("lastLesson", DEFAULT_LESSON)) if restore else DEFAULT_LESSON)
        ids = [lesson.id for lesson in self.lessons]
        if lesson_id and lesson_id not in ids:
            self.statusBar().showMessage(f"There is no lesson {lesson_id!r}; `mathlens list` shows them all.", 10000)
        if wanted not in ids:
            wanted = DEFAULT_LESSON if DEFAULT_LESSON in ids else (ids[0] if ids else None)
        self.apply_theme(self.base_theme)
        if wanted:
            self.open_lesson(wanted)
        if self.lesson_errors:
            n = len(self.lesson_errors)
            self.statusBar().showMessage(
                f"{n} lesson file{'s' if n > 1 else ''} could not be loaded — Help → Lesson file problems.")

    # --- menus -----------------------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None, checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts keep working when the menu bar is hidden (projector)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.act_export_plot = self._action(file, "Export plot as PNG/SVG…", self.export_plot, "Ctrl+E")
        self.act_export_csv = self._action(file, "Export data as CSV…", self.export_csv, "Ctrl+Shift+E")
        self.act_open = self._action(file, "Open image…", self.open_file, QKeySequence.StandardKey.Open)
        file.addSeparator()
        self._action(file, "Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        self._action(edit, "Reset lesson", self.reset_lesson, "Ctrl+R")
        self._action(edit, "Copy derivation as LaTeX", self.copy_latex, "Ctrl+Shift+C")
        self._action(edit, "Filter lessons", self._focus_filter, QKeySequence.StandardKey.Find)

        view = bar.addMenu("&View")
        group = QActionGroup(self)
        self.theme_actions = {}
        for name, label in (("light", "Light theme"), ("dark", "Dark theme")):
            act = self._action(view, label, lambda _=False, n=name: self.set_theme(n), checkable=True)
            group.addAction(act)
            self.theme_actions[name] = act
        self.theme_actions[self.base_theme.name].setChecked(True)
        view.addSeparator()
        lang_group = QActionGroup(self)
        self.lang_actions = {}
        for code, label in (("en", "Lessons in English"), ("zh", "Lessons in Chinese (中文)")):
            act = self._action(view, label, lambda _=False, c=code: self.set_lang(c), checkable=True)
            lang_group.addAction(act)
            self.lang_actions[code] = act
        self.lang_actions.get(self.lang, self.lang_actions["en"]).setChecked(True)
        view.addSeparator()
        self._action(view, "Previous derivation step", lambda: self.step_derivation(-1), Qt.Key.Key_PageUp)
        self._action(view, "Next derivation step", lambda: self.step_derivation(+1), Qt.Key.Key_PageDown)
        view.addSeparator()
        self.act_projector = self._action(view, "Projector mode", self.toggle_projector, "F5", checkable=True)
        self.act_leave = QAction("Leave projector mode", self)
        self.act_leave.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.act_leave.triggered.connect(lambda: self.set_projector(False))
        self.act_leave.setEnabled(False)  # Esc means something else outside projector mode
        self.addAction(self.act_leave)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self.act_problems = self._action(help_menu, "Lesson file problems…", self.show_lesson_problems)
        self._action(help_menu, "About MathLens", self.show_about)

    # --- lessons ---------------------------------------------------------------------------
    @Slot(str)
    def open_lesson(self, lesson_id: str) -> None:
        from app.shell.lesson_page import LessonPage

        lesson = next((x for x in self.lessons if x.id == lesson_id), None)
        if lesson is None:
            self.statusBar().showMessage(f"There is no lesson {lesson_id!r}.", 8000)
            return
        if self.page is not None and self.page.lesson.id == lesson_id:
            return
        page = LessonPage(lesson, self.lang)
        page.apply_theme(self.theme)
        old = self.split.widget(1)
        self.split.replaceWidget(1, page)
        old.hide()
        if old is not self.placeholder:
            old.shutdown()  # a running render or SVD must not outlive its page (or freeze the GUI)
            old.deleteLater()
        self.page = page
        self.projector_ctl.fit_page_soon()
        self.browser.select(lesson_id)
        self.setWindowTitle(f"{lesson.title.get(self.lang)} — MathLens")
        self.settings.setValue("lastLesson", lesson_id)

    def current_lesson_id(self) -> str | None:
        return self.page.lesson.id if self.page else None

    @Slot()
    def reset_lesson(self) -> None:
        if self.page:
            self.page.explorer.reset()

    def step_derivation(self, delta: int) -> None:
        """Move the derivation one step back or forward (PgUp / PgDn, a presentation clicker)."""
        if self.projector:  # the clicker walks on past the last step: beats, then the next lesson
            (self.projector_ctl.next if delta > 0 else self.projector_ctl.previous)()
        elif self.page:
            panel = self.page.derivation
            panel.set_current(max(0, panel.current_index() + delta))  # set_current clamps the top

    @Slot()
    def copy_latex(self) -> None:
        if self.page:
            QApplication.clipboard().setText(self.page.derivation.latex_all())
            self.statusBar().showMessage("Derivation copied as LaTeX.", 3000)

    @Slot()
    def _focus_filter(self) -> None:
        self.browser.filter.setFocus()
        self.browser.filter.selectAll()

    @Slot()
    def open_file(self, path: str | None = None) -> bool:
        """File → Open: give an image to a lesson that takes one (SVD); others say what they take."""
        opener = getattr(self.page.explorer, "open_image", None) if self.page else None
        if opener is None:
            self.statusBar().showMessage("This lesson does not open files; the SVD lesson opens images.", 6000)
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open image", "", "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)")
            if not path:
                return False
        return bool(opener(path))

    # --- export ----------------------------------------------------------------------------
    @Slot()
    def export_plot(self, path: str | None = None) -> Path | None:
        if not self.page:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export plot", f"{self.page.lesson.id}.png",
                                                  "PNG image (*.png);;SVG drawing (*.svg)")
            if not path:
                return None
        import pyqtgraph.exporters as exporters

        target = Path(path)
        item = self.page.explorer.plot_item()
        try:
            if target.suffix.lower() == ".svg":
                _export_svg(item, target)
            else:
                if target.suffix.lower() != ".png":
                    target = target.with_suffix(".png")
                exporter = exporters.ImageExporter(item)
                exporter.parameters()["width"] = max(1200, int(item.sceneBoundingRect().width()))
                exporter.export(str(target))
        except OSError as e:
            self._error("Could not export the plot", f"{target}: {e.strerror or e}")
            return None
        self.statusBar().showMessage(f"Plot saved to {target}", 5000)
        return target

    @Slot()
    def export_csv(self, path: str | None = None) -> Path | None:
        if not self.page:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export data", f"{self.page.lesson.id}.csv",
                                                  "CSV table (*.csv)")
            if not path:
                return None
        header, rows = self.page.explorer.export_table()
        target = Path(path)
        try:
            with target.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(header)
                writer.writerows(rows)
        except OSError as e:
            self._error("Could not export the data", f"{target}: {e.strerror or e}")
            return None
        self.statusBar().showMessage(f"Data saved to {target}", 5000)
        return target

    def _error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    # --- look: theme, language, projector --------------------------------------------------
    @property
    def theme(self) -> Theme:
        return projector_theme(self.height()) if self.projector else self.base_theme

    def set_theme(self, name: str) -> None:
        self.base_theme = THEMES[name]
        self.theme_actions[name].setChecked(True)
        self.settings.setValue("theme", name)
        self.apply_theme(self.theme)

    def apply_theme(self, theme: Theme) -> None:
        app = QApplication.instance()
        pal = QPalette()
        pal.setColor(QPalette.ColorRole.Window, QColor(theme.panel))
        pal.setColor(QPalette.ColorRole.Base, QColor(theme.background))
        pal.setColor(QPalette.ColorRole.AlternateBase, QColor(theme.panel))
        pal.setColor(QPalette.ColorRole.Text, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.WindowText, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.Button, QColor(theme.panel))
        pal.setColor(QPalette.ColorRole.ButtonText, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.Highlight, QColor(theme.accent))
        pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
        pal.setColor(QPalette.ColorRole.ToolTipBase, QColor(theme.background))
        pal.setColor(QPalette.ColorRole.ToolTipText, QColor(theme.foreground))
        pal.setColor(QPalette.ColorRole.PlaceholderText, QColor(theme.muted))
        self.setPalette(pal)
        app.setPalette(pal)
        self.setStyleSheet(f"QWidget {{ font-size: {theme.font_px}px; }}")
        if self.page:
            self.page.apply_theme(theme)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.settings.setValue("lang", lang)
        self.browser.set_lang(lang)
        if self.page:
            self.page.set_lang(lang)
            self.setWindowTitle(f"{self.page.lesson.title.get(lang)} — MathLens")

    @Slot()
    def toggle_projector(self) -> None:
        self.set_projector(not self.projector)

    def set_projector(self, on: bool, fullscreen: bool = True, screen: int | None = None) -> None:
        """Projector mode: light high-contrast theme, everything scaled, chrome hidden, fullscreen
        (on screen ``screen``, with a presenter window on another screen when there is one)."""
        self.projector = on
        self.act_projector.setChecked(on)
        self.act_leave.setEnabled(on)
        self.browser.setVisible(not on)
        self.menuBar().setVisible(not on)
        self.statusBar().setVisible(not on)
        self.split.setMinimumSize(QSize(1, 1) if on else QSize(0, 0))  # the theme fits the window, not v.v.
        self.apply_theme(self.theme)
        self.projector_ctl.set_active(on, present=on and fullscreen, screen=screen)
        if on and fullscreen:
            self.showFullScreen()
        elif not on and self.isFullScreen():
            self.showNormal()

    # --- help ------------------------------------------------------------------------------
    @Slot()
    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    @Slot()
    def show_lesson_problems(self) -> None:
        if not self.lesson_errors:
            QMessageBox.information(self, "Lesson files", "Every lesson file is valid.")
            return
        text = "\n\n".join(str(e) for e in self.lesson_errors)
        QMessageBox.warning(self, "Lesson file problems",
                            f"{len(self.lesson_errors)} lesson file(s) could not be loaded:\n\n{text}")

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About MathLens",
                          "<h3>MathLens</h3><p>Touch the math behind AI: drag, step through derivations, "
                          "watch it move.</p><p>Built with PySide6, pyqtgraph, numpy, sympy and manim.</p>")

    # --- lifecycle -------------------------------------------------------------------------
    def wait_until_settled(self, timeout: float = 10.0) -> None:
        """Process events until the lesson page has finished its background work (screenshots)."""
        app = QApplication.instance()
        deadline = time.monotonic() + timeout
        app.processEvents()
        while self.page is not None and self.projector_ctl.page_busy() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        self.projector_ctl.set_active(False)  # closes the presenter window, shows the cursor
        if not self.projector:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("size", self.size())
        if self.page is not None:
            self.settings.setValue("lastLesson", self.page.lesson.id)
        self.settings.sync()
        super().closeEvent(event)
