"""The coin tab: the figure column (legend, the line of numbers, the plot, the timeline) and the
controls, beside the plot when the tab is wide and below it when not (in a scroll area that is
exactly as tall as the controls then, so nothing is cut).

Only layout and look live here; the explorer (bayes.py) owns the state and wires the signals.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.explorers.bayes_beta import BetaPlotView, TimelineBar
from app.explorers.bayes_beta_controls import BetaControls
from app.explorers.bayes_widgets import TextRuns
from app.widgets.theme import LIGHT, Theme

CONTROLS_EM = 23  # the controls' column beside the plot, in font sizes
SQUARE = 1.05  # … only if the figure then stays at least this wide for its height


class CoinPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.plot = BetaPlotView()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setToolTip("densities over θ; the likelihood θ^h(1−θ)^t is scaled to area 1 so it "
                               "fits beside the others; shaded: the posterior's 95 % credible interval "
                               "(tick HDI for the shortest one)")
        self.summary = TextRuns()  # changes on every flip: must not re-lay the window out
        self.timeline = TimelineBar()
        self.controls = BetaControls()
        self.controls.setObjectName("bayesControls")
        legend_row = QHBoxLayout()
        legend_row.setSpacing(12)
        legend_row.addWidget(self.legend, 1)
        legend_row.addWidget(self.controls.hdi, 0)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(legend_row)
        column.addWidget(self.summary)
        column.addWidget(self.plot, 1)
        column.addWidget(self.timeline)
        self.figure = QWidget()
        self.figure.setLayout(column)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.controls)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls.installEventFilter(self)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(6, 6, 6, 6)
        self.box.setSpacing(12)
        self.box.addWidget(self.figure, 1)
        self.box.addWidget(self.scroll, 0)

    # --- layout ----------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        size = event.size()
        wide = size.width() - CONTROLS_EM * self.theme.font_px >= SQUARE * size.height()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
            self.controls.set_compact(not wide)
        self.fit_controls()

    def fit_controls(self) -> None:
        """Beside the plot: a fixed-width column that scrolls if it must; below it: as tall as the
        controls need (so nothing is cut), the plot takes the rest."""
        if self.box.direction() == QBoxLayout.Direction.LeftToRight:
            self.scroll.setFixedWidth(round(self.theme.font_px * CONTROLS_EM))
            self.scroll.setMinimumHeight(0)
            self.scroll.setMaximumHeight(16777215)
            self.controls.parts[2].setVisible(True)
        else:
            self.scroll.setMinimumWidth(0)
            self.scroll.setMaximumWidth(16777215)
            # the keys hint is the first thing to go when the three groups do not fit side by side
            prior, data, hint = self.controls.parts
            room = self.width() - prior.minimumSizeHint().width() - data.minimumSizeHint().width() - 60
            show = room >= 11 * self.theme.font_px
            if hint.isVisibleTo(self.controls) != show:
                hint.setVisible(show)
            # the figure column (legend, numbers, plot at its least, timeline) keeps its height: on a
            # short screen the controls scroll rather than the timeline sliding over the plot's axis
            m = self.box.contentsMargins()
            spare = self.height() - m.top() - m.bottom() - self.box.spacing() - self.figure.minimumSizeHint().height()
            need = self.controls.sizeHint().height() + 4
            self.scroll.setFixedHeight(max(min(need, spare), 4 * self.theme.font_px))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 — Qt override
        # the controls' size hint is only right once their layout has run (fonts, rows shown): refit then
        if obj is self.controls and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self.fit_controls)  # (dropped if this panel is gone)
        return False

    # --- look ------------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = th = theme
        self.legend.setText(
            f"<span style='color:{th.series[0]}; font-weight:700'>╌╌ prior</span>&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{th.series[3]}; font-weight:700'>┈┈ likelihood</span>&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{th.series[1]}; font-weight:700'>━━ posterior</span>&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{th.series[1]}; font-weight:700; background:{_tint(th.series[1])}'>"
            f"&nbsp;95 %&nbsp;</span>")
        font = QFont()
        font.setPixelSize(th.font_px)
        self.summary.set_font(font, round(th.font_px * 1.1))
        self.plot.apply_theme(theme)
        self.timeline.apply_theme(theme)
        self.controls.apply_theme(theme)
        if self.width() > 1:  # the new font size may move the controls beside or below the plot
            self.resizeEvent(QResizeEvent(self.size(), self.size()))
        self.fit_controls()


def _tint(colour: str) -> str:
    c = QColor(colour)
    return f"rgba({c.red()}, {c.green()}, {c.blue()}, 0.22)"
