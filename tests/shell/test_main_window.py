"""The main window as a user meets it: browser, menus, settings, export, projector mode."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from app.lessons import load_all
from app.shell.main_window import MainWindow
from app.widgets.theme import DARK, LIGHT, PROJECTOR

LESSON_IDS = [lesson.id for lesson in load_all()[0]]


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def image_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    ptr = image.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes()).reshape(image.height(), image.bytesPerLine())
    return arr[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[:, :, :3].copy()


def has_colour(arr: np.ndarray, colour: str, tol: int = 24, min_pixels: int = 50) -> bool:
    c = QColor(colour)
    # BGRA byte order in RGB32
    target = np.array([c.blue(), c.green(), c.red()])
    close = np.all(np.abs(arr.astype(int) - target) <= tol, axis=-1)
    return int(close.sum()) >= min_pixels


def test_opens_on_the_linear_lesson_with_browser_grouped_by_week(window):
    assert window.current_lesson_id() == "linear-transforms"
    tree = window.browser.tree
    assert tree.topLevelItem(0).text(0).startswith("Week 1 · Vectors, linear maps")
    assert window.browser.visible_ids()[:3] == ["linear-transforms", "determinant", "eigenvectors"]
    assert window.windowTitle() == "Linear transforms — MathLens"


def test_filter_and_click_open_a_lesson(window, qtbot):
    qtbot.keyClicks(window.browser.filter, "eigen")
    assert window.browser.visible_ids() == ["eigenvectors"]
    week = window.browser.tree.topLevelItem(0)
    item = next(week.child(i) for i in range(week.childCount()) if not week.child(i).isHidden())
    rect = window.browser.tree.visualItemRect(item)
    qtbot.mouseClick(window.browser.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_lesson_id() == "eigenvectors"
    window.browser.filter.clear()
    qtbot.keyClicks(window.browser.filter, "no such lesson")
    assert window.browser.visible_ids() == []
    assert window.browser.tree.topLevelItem(0).isHidden()


def test_filter_matches_chinese_titles(window, qtbot):
    # CJK arrives through the input method, not as key events: set the text as an IME commit would
    window.browser.filter.setText("行列式")
    assert window.browser.visible_ids() == ["determinant"]


def test_settings_restore_theme_lesson_and_geometry(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.set_theme("dark")
    first.open_lesson("determinant")
    first.resize(1100, 720)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.current_lesson_id() == "determinant"
    assert second.base_theme is DARK
    assert second.theme_actions["dark"].isChecked()
    assert (second.width(), second.height()) == (1100, 720)
    # an explicit --lesson wins over the remembered one
    third = MainWindow(lesson_id="eigenvectors")
    qtbot.addWidget(third)
    assert third.current_lesson_id() == "eigenvectors"


def test_unknown_lesson_id_falls_back_with_a_message(qtbot):
    win = MainWindow(lesson_id="no-such-lesson")
    qtbot.addWidget(win)
    assert win.current_lesson_id() == "linear-transforms"
    assert "no-such-lesson" in win.statusBar().currentMessage()


def test_reset_lesson_restores_defaults(window):
    explorer = window.page.explorer
    explorer.set_params({"a": 3.0, "d": -2.0})
    assert explorer.params()["a"] == 3.0
    window.reset_lesson()
    assert explorer.params() | {} == window.page.lesson.defaults()


def test_exercise_ticks_when_met(window, qtbot):
    page = window.page
    assert "squash" not in page.exercises.done()
    page.explorer.set_params({"a": 1.0, "b": 2.0, "c": 0.5, "d": 1.0})
    assert "squash" in page.exercises.done()
    assert page.tabs.tabText(1).startswith("Exercises 1/")
    page.explorer.set_params({"a": 2.0, "b": 0.0, "c": 0.0, "d": 1.0})
    assert page.exercises.done() == ["double-area"]


def test_copy_derivation_as_latex(window, qtbot):
    qtbot.waitUntil(lambda: not window.page.derivation.busy(), timeout=20000)
    window.copy_latex()
    text = QApplication.clipboard().text()
    assert r"\det" in text or r"\left|" in text
    assert "lambda" in text


def test_export_plot_png_svg_and_csv(window, tmp_path):
    png = window.export_plot(str(tmp_path / "plot.png"))
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1200
    assert len(np.unique(image_array(image).reshape(-1, 3), axis=0)) > 10
    svg = window.export_plot(str(tmp_path / "plot.svg"))
    assert svg.read_text("utf-8").lstrip().startswith("<?xml") and "<svg" in svg.read_text("utf-8")
    csv_path = window.export_csv(str(tmp_path / "data.csv"))
    lines = csv_path.read_text("utf-8").splitlines()
    assert len(lines) >= 2 and "," in lines[0]


def test_export_to_unwritable_place_says_so(window, monkeypatch):
    seen = []
    monkeypatch.setattr(window, "_error", lambda title, text: seen.append((title, text)))
    assert window.export_csv("/proc/no/such/dir/data.csv") is None
    assert seen and "data.csv" in seen[0][1]


def test_projector_mode_f5_and_escape(window, qtbot):
    page = window.page
    normal_px = page.title.font().pixelSize()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    # the projector theme is PROJECTOR scaled to the window's height (1080 px = 1)
    scale = min(1.0, window.height() / 1080)
    assert window.projector and window.theme.name == "projector"
    assert window.theme.font_px >= PROJECTOR.font_px * scale
    assert not window.browser.isVisible() and not window.menuBar().isVisible()
    assert page.explorer.theme is window.theme
    assert page.title.fontInfo().pixelSize() >= 1.5 * PROJECTOR.font_px * scale > normal_px
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.projector and window.browser.isVisible()
    assert page.explorer.theme is LIGHT


def test_clicker_page_keys_step_the_derivation_wherever_the_focus_is(window, qtbot):
    panel = window.page.derivation
    qtbot.waitUntil(lambda: not panel.busy(), timeout=20000)
    window.set_projector(True, fullscreen=False)
    window.page.explorer.setFocus()
    start = panel.current_index()
    qtbot.keyClick(window.page.explorer, Qt.Key.Key_PageDown)
    qtbot.keyClick(window.page.explorer, Qt.Key.Key_PageDown)
    assert panel.current_index() == start + 2
    qtbot.keyClick(window.page.explorer, Qt.Key.Key_PageUp)
    assert panel.current_index() == start + 1
    for _ in range(40):
        qtbot.keyClick(window.page.explorer, Qt.Key.Key_PageUp)
    assert panel.current_index() == 0


def test_language_switch_to_chinese(window):
    window.set_lang("zh")
    assert window.page.title.text() == "线性变换"
    assert window.browser.tree.topLevelItem(0).text(0).endswith("向量、线性映射、基与秩")
    window.set_lang("en")
    assert window.page.title.text() == "Linear transforms"


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
# projector sizes (1920×1080, 1280×720) are covered, with a text-size audit, in test_projector_screens.py
@pytest.mark.parametrize("size, projector", [((1280, 800), False)])
def test_every_lesson_page_renders(qtbot, lesson_id, size, projector):
    win = MainWindow(lesson_id=lesson_id, restore=False)
    qtbot.addWidget(win)
    win.set_projector(projector, fullscreen=False)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not win.page.derivation.busy(), timeout=20000)
    image = win.grab().toImage()
    assert (image.width(), image.height()) == size
    arr = image_array(image)
    assert len(np.unique(arr.reshape(-1, 3)[::7], axis=0)) > 50  # not blank: text, grid, fills
    assert has_colour(arr, win.theme.series[0])  # î is drawn


def test_startup_probe_paints_a_window():
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "app", "--lesson", "linear-transforms", "--startup-probe"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    ms = float(result.stdout.split("first-paint-ms")[1].split()[0])
    assert 0 < ms < 60000


def test_file_open_routes_an_image_to_the_svd_lesson(window, qtbot):
    assert window.open_file("/nonexistent.png") is False
    assert "SVD lesson opens images" in window.statusBar().currentMessage()
    window.open_lesson("svd-images")
    sample = Path(__file__).resolve().parents[2] / "assets" / "samples" / "tartan.png"
    assert window.open_file(str(sample)) is True
    qtbot.waitUntil(lambda: not window.page.explorer.busy(), timeout=20000)
    params = window.page.explorer.params()
    assert (params["m"], params["n"]) == (384, 384)  # tartan, not the 480×360 default sample
    assert window.open_file(str(sample.with_name("missing.png"))) is False


def test_browser_tooltips_carry_the_full_titles(window):
    week = window.browser.tree.topLevelItem(0)
    assert week.toolTip(0) == week.text(0) and week.toolTip(0).startswith("Week 1 · ")
    first = week.child(0)
    assert first.toolTip(0).splitlines() == ["Linear transforms", window.page.lesson.summary.get("en")]


def test_leaving_a_lesson_stops_its_background_work(window, qtbot, monkeypatch):
    window.open_lesson("svd-images")
    page = window.page
    calls = []
    for name, obj in (("svd", page.explorer), ("clip", page.clip_panel)):
        real = obj.shutdown
        monkeypatch.setattr(obj, "shutdown", lambda real=real, name=name: (calls.append(name), real()))
    window.open_lesson("linear-transforms")
    assert sorted(calls) == ["clip", "svd"]
    assert not page.explorer.busy()
