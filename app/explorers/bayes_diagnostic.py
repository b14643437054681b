"""The diagnostic-test tab: 1 000 people as an icon array coloured by true/false positive/negative,
the probability tree with the numbers on its branches, P(disease | +) in large type, the rates, and
"test again" for sequential updating.

Passive: ``DiagnosticPanel.set_state`` draws what the model says; edits leave as signals.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.explorers.bayes_diagnostic_views import LEAF_NAMES, ORDER, IconArrayView, TreeView, leaf_colours
from app.explorers.bayes_widgets import NumberRow, pct
from app.models.bayes_diagnostic import PEOPLE, Diagnostic
from app.models.bayes_params import PARAMS
from app.widgets.theme import LIGHT, Theme

STACK_EM = 46  # narrower than this many font sizes: one picture at a time, chosen with two buttons
MAX_TESTS = int(PARAMS["tests"].hi)  # "Test again" goes this far


class DiagnosticPanel(QWidget):
    """The whole tab. Signals: rate_edited(name, value), test_again, start_over."""

    rate_edited = Signal(str, float)
    test_again = Signal()
    start_over = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self._stacked = None
        self.big = QLabel()
        self.big.setTextFormat(Qt.TextFormat.RichText)
        self.big.setWordWrap(True)
        self.history = QLabel()
        self.history.setObjectName("muted")
        self.history.setWordWrap(True)
        self.again = QPushButton("Test again (+)")
        self.again.setToolTip("take the test again, independently, and get another positive: "
                              "today's P(disease | +) is the new prior")
        self.reset = QPushButton("Start over")
        self.again.clicked.connect(self.test_again)
        self.reset.clicked.connect(self.start_over)
        buttons = QHBoxLayout()
        buttons.addWidget(self.again)
        buttons.addWidget(self.reset)
        buttons.addStretch(1)
        result = QVBoxLayout()
        result.setSpacing(6)
        result.addWidget(self.big)
        result.addWidget(self.history)
        result.addLayout(buttons)
        result.addStretch(1)
        self.rows = {
            "base_rate": NumberRow("base rate", 0.0, 1.0, 4, tip="P(disease): how common it is before any test"),
            "sensitivity": NumberRow("sensitivity", 0.0, 1.0, 3, tip="P(+ | disease): sick people the test catches"),
            "specificity": NumberRow("specificity", 0.0, 1.0, 3, tip="P(− | healthy): healthy people the test clears"),
        }
        self.rows["base_rate"].slider.setPageStep(10)
        rates = QVBoxLayout()
        rates.setSpacing(6)
        title = QLabel("The test")
        title.setObjectName("heading")
        rates.addWidget(title)
        for name, row in self.rows.items():
            row.edited.connect(lambda v, n=name: self.rate_edited.emit(n, v))
            rates.addWidget(row)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        rates.addWidget(self.message)
        rates.addStretch(1)
        self.icons = IconArrayView()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.icons_title = QLabel()
        self.icons_title.setObjectName("heading")
        self.icons_title.setWordWrap(True)
        self.people = _column(self.icons_title, self.icons, self.legend)
        self.tree = TreeView()
        tree_title = QLabel("The probability tree")
        tree_title.setObjectName("heading")
        self.tree_part = _column(tree_title, self.tree)
        # narrow: one picture at a time (the tree needs the whole width for its numbers)
        self.show_people = QPushButton("1 000 people")
        self.show_tree = QPushButton("Probability tree")
        self.switch = QWidget()
        row = QHBoxLayout(self.switch)
        row.setContentsMargins(0, 0, 0, 0)
        views = QButtonGroup(self)
        for b in (self.show_people, self.show_tree):
            b.setCheckable(True)
            views.addButton(b)
            row.addWidget(b)
            b.toggled.connect(self._on_view)
        row.addStretch(1)
        self.show_people.setChecked(True)
        self.grid = grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        grid.addLayout(result, 0, 0)
        grid.addLayout(rates, 0, 1)
        # narrow: the two buttons go under the rates, where the result column beside them is taller
        # anyway (a row of their own would take that height from the picture)
        rates.insertWidget(rates.count() - 1, self.switch)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._arrange(stacked=False)

    def _arrange(self, stacked: bool) -> None:
        """Wide: the icon array and the tree side by side. Narrow: one of them across the whole
        width, the buttons above choosing which."""
        if stacked == self._stacked:
            return
        self._stacked = stacked
        for part in (self.people, self.tree_part):
            self.grid.removeWidget(part)
        if stacked:
            self.grid.addWidget(self.people, 1, 0, 1, 2)
            self.grid.addWidget(self.tree_part, 1, 0, 1, 2)
        else:
            self.grid.addWidget(self.people, 1, 0)
            self.grid.addWidget(self.tree_part, 1, 1)
        self.switch.setVisible(stacked)
        self._on_view()

    def _on_view(self, _checked: bool = True) -> None:
        if self._stacked is None:  # still being built
            return
        narrow = self._stacked
        self.people.setVisible(not narrow or self.show_people.isChecked())
        self.tree_part.setVisible(not narrow or self.show_tree.isChecked())

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        self._arrange(stacked=event.size().width() < STACK_EM * self.theme.font_px)

    def set_state(self, chain: list[Diagnostic], message: str = "") -> None:
        first, test = chain[0], chain[-1]
        th = self.theme
        for name, row in self.rows.items():
            row.set_value(getattr(first, name))
        counts = test.counts()
        people = test.crowd()  # a rare disease is counted in a bigger crowd than the icon array's
        many = test.counts(people)
        post = test.p_disease_given_positive
        k = len(chain)
        big = round(th.font_px * 2.6)
        sub = (f"after {k} positive tests in a row" if k > 1 else "after one positive test")
        pos = many["tp"] + many["fp"]
        crowd = "" if people == PEOPLE else f"In {_people(people)} people: "
        if math.isnan(post):
            value = "undefined"
            sentence = "Undefined: nobody tests positive with these rates (P(+) = 0)."
        else:
            value = pct(post)
            sentence = (f"{crowd}{_people(many['tp'])} of the {_people(pos)} who test positive are sick."
                        if pos else "Nobody in this crowd tests positive.")
        self.big.setText(
            f"<div style='color:{th.muted}; font-size:{th.font_px}px'>P(disease | +) {sub}</div>"
            f"<div style='color:{th.series[1]}; font-size:{big}px; font-weight:700'>{value}</div>"
            f"<div style='font-size:{th.font_px}px'>{sentence}</div>")
        steps = " → ".join(pct(t.p_disease_given_positive) for t in chain)
        history = (f"Tests so far: {steps}" if k > 1 else
                   "Test again: the posterior becomes the prior of the next test.")
        if k >= MAX_TESTS:
            history += f" {MAX_TESTS} tests in a row is as far as this goes: Start over to begin again."
        elif math.isnan(post):
            history = "No test again: with these rates a positive result cannot happen."
        self.history.setText(history)
        self.icons_title.setText(f"{PEOPLE:,} people before test {k}: {pct(test.base_rate)} sick"
                                 .replace(",", " "))
        self.icons.set_counts(counts)
        colours = leaf_colours(th)
        items = []
        for key in ORDER:
            mark = "□" if key == "fn" else "■"
            colour = colours[key]
            name = LEAF_NAMES[key].replace(" ", "&nbsp;")  # an item never breaks across lines
            items.append(f"<span style='color:{colour}; font-weight:700'>{mark}</span>&nbsp;{counts[key]}&nbsp;"
                         f"{name}")
        self.legend.setText("&nbsp;&nbsp; ".join(items))
        self.tree.set_test(test, many, people)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.again.setEnabled(not math.isnan(post) and k < MAX_TESTS)

    def big_text(self) -> str:
        return self.big.text()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for view in (self.icons, self.tree):
            view.theme = theme
            view.setMinimumSize(round(theme.font_px * 12), round(theme.font_px * 8))
            view.update()
        self.tree.setMinimumHeight(max(round(theme.font_px * 8), self.tree.least_height()))
        if self.width() > 1:
            self._arrange(stacked=self.width() < STACK_EM * theme.font_px)
        for row in self.rows.values():
            row.set_label_width(round(theme.font_px * 6.5))


def _people(n: int) -> str:
    """9 032 with a no-break space: a count never breaks across lines."""
    return f"{n:,}".replace(",", "&nbsp;")


def _column(*widgets) -> QWidget:
    """The widgets one above the other (the middle one stretching), as one widget."""
    w = QWidget()
    box = QVBoxLayout(w)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(4)
    for k, child in enumerate(widgets):
        box.addWidget(child, 1 if k == 1 else 0)
    return w
