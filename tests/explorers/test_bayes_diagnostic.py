"""The diagnostic-test tab as a learner meets it: the icon array, the probability tree with every
branch label clear of the boxes (at window and projector sizes), "test again" and its limit, a rare
disease counted in a crowd big enough to hold a sick person, and an undefined P(disease | +)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from app.explorers.bayes import BayesExplorer
from app.explorers.bayes_diagnostic import MAX_TESTS
from app.lessons import LESSONS_DIR, load_lesson
from app.models.bayes_diagnostic import Diagnostic
from app.shell.beats import projector_theme
from app.widgets.theme import DARK, LIGHT, PROJECTOR


def make(qtbot, lesson, size=(1000, 760)) -> BayesExplorer:
    w = BayesExplorer(lesson)
    w.animate = False
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def image_array(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    arr = arr.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[:, :, 2::-1].copy()  # RGB


def count_colour(arr: np.ndarray, colour: str, tol: int = 12) -> int:
    c = np.array(QColor(colour).getRgb()[:3])
    return int(np.all(np.abs(arr.astype(int) - c) <= tol, axis=-1).sum())


@pytest.fixture
def diagnostic(qtbot):
    return make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"))


def test_diagnostic_lesson_opens_on_its_tab_with_the_counts(diagnostic):
    assert diagnostic.tabs.currentIndex() == 1 and diagnostic.params()["tab"] == 1
    panel = diagnostic.diagnostic
    assert panel.icons.counts == {"tp": 9, "fn": 1, "fp": 89, "tn": 901}
    assert "9.2 %" in panel.big_text()
    assert panel.tree.branch_labels()[0] == "P(D) = 0.0100"
    q = diagnostic.quantities()
    assert q["p_disease_given_positive"] == pytest.approx(Diagnostic().p_disease_given_positive)
    arr = image_array(panel.icons.grab().toImage())
    assert count_colour(arr, LIGHT.series[0], tol=30) > 300  # the 89 false alarms, in blue
    assert count_colour(arr, LIGHT.series[1], tol=30) > 20  # the 9 true positives


def test_test_again_updates_sequentially(diagnostic, qtbot):
    panel = diagnostic.diagnostic
    click(qtbot, panel.again)
    assert diagnostic.params()["tests"] == 2
    assert "50.3 %" in panel.big_text() and "9.2 % → 50.3 %" in panel.history.text()
    assert panel.tree.test.base_rate == pytest.approx(Diagnostic().p_disease_given_positive)
    assert diagnostic.quantities()["p_disease_given_positive"] == pytest.approx(0.5025, abs=1e-4)
    panel.rows["specificity"].spin.setValue(0.95)  # new rates: a new first test
    assert diagnostic.params()["tests"] == 1 and diagnostic.params()["specificity"] == 0.95
    click(qtbot, panel.again)
    click(qtbot, panel.reset)
    assert diagnostic.params()["tests"] == 1


def test_diagnostic_edges_sensitivity_and_specificity_at_0_and_1(diagnostic, qtbot):
    panel = diagnostic.diagnostic
    panel.rows["sensitivity"].spin.setValue(1.0)
    panel.rows["specificity"].spin.setValue(1.0)
    assert "100.0 %" in panel.big_text() and panel.icons.counts["fp"] == 0
    panel.rows["base_rate"].spin.setValue(0.0)  # nobody sick, a perfect test: nobody positive
    assert "undefined" in panel.big_text() and "nobody tests positive" in panel.big_text()
    assert not panel.again.isEnabled() and "cannot happen" in panel.history.text()
    assert math.isnan(diagnostic.quantities()["p_disease_given_positive"])
    panel.rows["specificity"].spin.setValue(0.0)  # everybody positive: P(D | +) = base rate = 0
    assert "0.0 %" in panel.big_text() and panel.again.isEnabled()


def test_narrow_diagnostic_tab_shows_one_picture_at_a_time(qtbot):
    w = make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"), size=(1000, 900))
    w.apply_theme(PROJECTOR)  # 1000 px at 28 px type: too narrow for the icons and the tree side by side
    panel = w.diagnostic
    qtbot.waitUntil(lambda: panel.switch.isVisible(), timeout=2000)
    assert panel.people.isVisible() and not panel.tree_part.isVisible()
    click(qtbot, panel.show_tree)
    assert panel.tree_part.isVisible() and not panel.people.isVisible()
    assert panel.tree.width() > 0.8 * panel.width()  # the whole width for the numbers on its branches
    w.apply_theme(LIGHT)
    qtbot.waitUntil(lambda: not panel.switch.isVisible(), timeout=2000)
    assert panel.people.isVisible() and panel.tree_part.isVisible()


# --- the probability tree -----------------------------------------------------------------------------
def assert_labels_clear(tree) -> None:
    """No branch label touches a box, another label, or the widget's edge — on what is painted."""
    boxes, labels = tree.layout_tree()
    bounds = QRectF(0, 0, tree.width(), tree.height())
    for rect, text in labels:
        assert bounds.contains(rect), (text, rect, bounds)
        for name, box in boxes.items():
            assert not rect.intersects(box), f"{text!r} on the {name!r} box"
    rects = [r for r, _ in labels]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)
    leaves = [boxes[k] for k in ("tp", "fn", "fp", "tn")]
    for a, b in zip(leaves, leaves[1:], strict=False):
        assert a.bottom() <= b.top()  # the leaves one under the other


@pytest.mark.parametrize("theme, size", [(LIGHT, (1000, 760)), (LIGHT, (1400, 900)), (DARK, (700, 600)),
                                         (projector_theme(900), (826, 750)), (projector_theme(720), (755, 590)),
                                         (PROJECTOR, (1130, 900)), (PROJECTOR, (1000, 900))],
                         ids=lambda x: getattr(x, "name", str(x)))
@pytest.mark.parametrize("rates", [{}, {"base_rate": 0.0004}, {"sensitivity": 1.0, "specificity": 1.0},
                                   {"base_rate": 0.5, "sensitivity": 0.5, "specificity": 0.5, "tests": 3}])
def test_tree_labels_are_clear_of_the_boxes(qtbot, theme, size, rates):
    w = make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"), size=size)
    w.apply_theme(theme)
    w.set_params(rates)
    panel = w.diagnostic
    click(qtbot, panel.show_tree)
    qtbot.waitUntil(lambda: panel.tree.isVisible() and panel.tree.height() >= panel.tree.minimumHeight(),
                    timeout=2000)
    assert_labels_clear(panel.tree)
    assert panel.tree.branch_labels()[2].startswith("sens") and panel.tree.branch_labels()[5].startswith("spec")
    shot = image_array(panel.tree.grab().toImage())
    assert count_colour(shot, theme.series[1], tol=40) > 100  # the true-positive branch and box are drawn


def test_tree_writes_each_leafs_probability_when_there_is_room(qtbot):
    w = make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"), size=(1400, 900))
    tree = w.diagnostic.tree
    tree.layout_tree()
    assert tree.leaf_mode == "under"  # room enough: P under each count
    w.apply_theme(projector_theme(720))
    w.resize(755, 590)
    click(qtbot, w.diagnostic.show_tree)
    qtbot.waitUntil(tree.isVisible, timeout=2000)
    tree.layout_tree()
    assert tree.leaf_mode in ("under", "beside", "bare")
    assert_labels_clear(tree)


# --- the words around the numbers ---------------------------------------------------------------------
def test_a_rare_disease_is_counted_in_a_crowd_with_sick_people_in_it(qtbot):
    w = make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"))
    panel = w.diagnostic
    panel.rows["base_rate"].spin.setValue(0.0004)
    text = panel.big_text().replace("&nbsp;", " ")
    assert "0 of the 90" not in text
    assert "In 100 000 people: 36 of the 9 032 who test positive are sick." in text
    assert panel.icons.counts["tp"] == 0  # the icon array stays 1 000 people …
    assert panel.tree.people == 100_000 and panel.tree.counts["tp"] == 36  # … the tree counts the bigger crowd
    panel.rows["base_rate"].spin.setValue(0.01)
    assert "9 of the 98 who test positive are sick." in panel.big_text() and "In " not in panel.big_text()


def test_test_again_says_why_it_stops(qtbot):
    w = make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"))
    panel = w.diagnostic
    for k in range(2, MAX_TESTS + 1):
        assert panel.again.isEnabled()
        click(qtbot, panel.again)
        assert w.params()["tests"] == k
    assert not panel.again.isEnabled()
    assert f"{MAX_TESTS} tests in a row is as far as this goes" in panel.history.text()
    assert panel.history.isVisible()
    click(qtbot, panel.reset)
    assert panel.again.isEnabled() and "as far as this goes" not in panel.history.text()


def test_an_undefined_answer_is_said_in_words(qtbot):
    w = make(qtbot, load_lesson(LESSONS_DIR / "bayes-diagnostic.toml"))
    w.set_params({"base_rate": 0.0, "sensitivity": 0.9, "specificity": 1.0})
    panel = w.diagnostic
    assert math.isnan(w.quantities()["p_disease_given_positive"])
    assert "undefined" in panel.big_text() and "nobody tests positive" in panel.big_text()
    assert "–" not in panel.big_text()
