"""Small Qt parts shared by the Bayes explorer's three tabs: a labelled number row (slider + spin
box, optionally on a log scale), the arrow-key filter, the style sheet, plot styling and number
formatting. No model code.

Passive: ``set_value`` shows a value with signals blocked; the user's edits leave as ``edited``.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QWidget

from app.widgets.plot_style import style_axes
from app.widgets.theme import Theme, text_px

SLIDER_TICKS = 1000


def fmt(x: float, digits: int = 3) -> str:
    """A number for people: ``digits`` decimals (significant digits when tiny), a real minus sign,
    "–" for a missing value (NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x != 0 and abs(x) < 10 ** -digits:
        s = f"{x:.{max(1, digits - 1)}e}"
    else:
        s = f"{x:.{digits}f}"
        if float(s) == 0:
            s = s.lstrip("-")
    return s.replace("-", "−")


def pct(p: float, digits: int = 1) -> str:
    if math.isnan(p):
        return "–"
    if 0 < p < 0.001:
        return f"{100 * p:.2g} %".replace("e-0", "e−")
    return f"{100 * p:.{digits}f} %"


def alpha(colour: str, a: int) -> QColor:
    q = QColor(colour)
    q.setAlpha(a)
    return q


class NumberRow(QWidget):
    """``name  [spin]  ───●───`` for one number. ``log``: the slider moves on a log scale (α, β
    from 0.01 to 1000). The spin box may accept values the model refuses (e.g. α = 0): the
    explorer answers with a message, so that case is reachable and explained."""

    edited = Signal(float)

    def __init__(self, name: str, lo: float, hi: float, decimals: int = 3, log: bool = False,
                 slider_lo: float | None = None, slider_hi: float | None = None, tip: str = ""):
        super().__init__()
        self.log = log
        self.s_lo = slider_lo if slider_lo is not None else lo
        self.s_hi = slider_hi if slider_hi is not None else hi
        self.label = QLabel(name)
        self.label.setObjectName("rowName")
        self.spin = QDoubleSpinBox()
        self.spin.setRange(lo, hi)
        self.spin.setDecimals(decimals)
        self.spin.setSingleStep(10 ** -min(decimals, 2))
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        self.spin.setKeyboardTracking(False)  # typing "0.5" does not stop at "0"
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_TICKS)
        self.slider.setPageStep(SLIDER_TICKS // 20)
        for w in (self.label, self.spin, self.slider):
            w.setToolTip(tip)
        self.spin.valueChanged.connect(lambda v: self.edited.emit(float(v)))
        self.slider.valueChanged.connect(lambda k: self.edited.emit(self._from_tick(k)))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.label)
        row.addWidget(self.spin)
        row.addWidget(self.slider, 1)

    def _from_tick(self, k: int) -> float:
        s = k / SLIDER_TICKS
        if self.log:
            v = 10 ** (math.log10(self.s_lo) + s * (math.log10(self.s_hi) - math.log10(self.s_lo)))
            return float(f"{v:.3g}")  # 0.0316… → 0.0316: values people can read back
        v = self.s_lo + s * (self.s_hi - self.s_lo)
        return round(v, self.spin.decimals())

    def _to_tick(self, v: float) -> int:
        if self.log:
            v = min(max(v, self.s_lo), self.s_hi)
            s = (math.log10(v) - math.log10(self.s_lo)) / (math.log10(self.s_hi) - math.log10(self.s_lo))
        else:
            s = (v - self.s_lo) / (self.s_hi - self.s_lo)
        return round(min(1.0, max(0.0, s)) * SLIDER_TICKS)

    def set_value(self, v: float) -> None:
        if abs(self.spin.value() - v) > 0.5 * 10 ** -self.spin.decimals():
            with QSignalBlocker(self.spin):
                self.spin.setValue(v)
        tick = self._to_tick(v)
        if self.slider.value() != tick:
            with QSignalBlocker(self.slider):
                self.slider.setValue(tick)

    def set_invalid(self, bad: bool) -> None:
        self.spin.setProperty("invalid", bad)
        self.spin.style().unpolish(self.spin)
        self.spin.style().polish(self.spin)

    def set_label_width(self, px: int) -> None:
        self.label.setMinimumWidth(px)


class KeepArrowKeys(QObject):
    """An event filter for sliders and spin boxes: a focused one claims ← and → (it accepts the
    ShortcutOverride), so it moves its value or cursor, and the coin tab's ←/→ timeline shortcuts
    fire only while the focus is on something that has no use for them (a button, the figure)."""

    KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 — Qt override
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self.KEYS \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            return True
        return False


class TextRuns(QWidget):
    """Coloured text that changes on every update, drawn straight with QPainter.

    A QLabel asks its parent layout for new geometry on every setText (the whole explorer is then
    laid out again, per flip), and rich text is parsed and laid out each time. This takes *items*
    — each a list of spans (text, colour, bold, size factor) — lays them out left to right,
    wrapping between items, centred or not, and changes its own height only when the text needs
    more lines (or, after a resize, fewer)."""

    def __init__(self, centred: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.centred = centred
        self.items: list[list[tuple[str, str, bool, float]]] = []
        self.base = QFont()
        self.gap = 12.0
        self._lines: list[tuple[float, list]] = []
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(1)

    def set_items(self, items: list[list[tuple[str, str, bool, float]]]) -> None:
        if items == self.items:
            return
        self.items = items
        self._fit(grow_only=True)
        self.update()

    def text(self) -> str:
        return "  ".join("".join(span[0] for span in item) for item in self.items)

    def set_font(self, font: QFont, gap: float) -> None:
        self.base, self.gap = QFont(font), gap
        self._fonts = {}
        self._fit(grow_only=False)

    def _font(self, bold: bool, scale: float) -> tuple[QFont, QFontMetricsF]:
        key = (bold, scale)
        cache = self.__dict__.setdefault("_fonts", {})
        if key not in cache:
            f = QFont(self.base)
            f.setPixelSize(max(8, round(self.base.pixelSize() * scale)))
            f.setBold(bold)
            cache[key] = (f, QFontMetricsF(f))
        return cache[key]

    def _fit(self, grow_only: bool) -> None:
        width = max(50.0, float(self.width()))
        lines, line, x = [], [], 0.0
        for item in self.items:
            w = sum(self._font(b, s)[1].horizontalAdvance(t) for t, _, b, s in item)
            if line and x + self.gap + w > width:
                lines.append((x, line))
                line, x = [], 0.0
            line.append((x + (self.gap if line else 0.0), item))
            x += (self.gap if len(line) > 1 else 0.0) + w
        if line:
            lines.append((x, line))
        self._lines = lines
        line_h = max((self._font(b, s)[1].height() for item in self.items for _, _, b, s in item),
                     default=QFontMetricsF(self.base).height())
        self._line_h = line_h
        h = math.ceil(line_h * max(1, len(lines))) + 2
        if h > self.height() or (not grow_only and h != self.height()):
            self.setFixedHeight(h)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit(grow_only=False)

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for row, (width, line) in enumerate(self._lines):
            x0 = (self.width() - width) / 2 if self.centred else 0.0
            base = row * self._line_h + 0.8 * self._line_h
            for x, item in line:
                for text, colour, bold, scale in item:
                    font, fm = self._font(bold, scale)
                    p.setFont(font)
                    p.setPen(QColor(colour))
                    p.drawText(QPointF(x0 + x, base), text)
                    x += fm.horizontalAdvance(text)
        p.end()


def style_sheet(th: Theme) -> str:
    """The look of the explorer's controls, every size from the theme (projector doubles it)."""
    px = th.font_px
    groove = 2 * max(2, round(px * 0.16))
    knob = groove + 2 * round((px * 1.15 - groove) / 2)
    radius = max(3, px // 4)
    return (
        f"QWidget {{ font-size: {px}px; color: {th.foreground}; }}"
        f"QLabel#heading {{ font-size: {round(px * 1.1)}px; font-weight: 600; margin-top: {px // 3}px; }}"
        f"QLabel#muted, QLabel#rowName {{ color: {th.muted}; }}"
        f"QLabel#message {{ color: {th.negative if th.dark else '#B3261E'}; font-weight: 600; }}"
        f"QPushButton {{ color: {th.foreground}; background: {th.panel}; border: 1px solid {th.grid};"
        f" border-radius: {radius}px; padding: {max(2, px // 4)}px {px // 2}px; }}"
        f"QPushButton:hover {{ border-color: {th.accent}; }}"
        f"QPushButton:pressed {{ background: {th.grid}; }}"
        f"QPushButton:disabled {{ color: {th.muted}; }}"
        f"QPushButton:checked {{ border: 1px solid {th.accent}; background: {th.grid}; }}"
        f"QPushButton#heads {{ border: 2px solid {th.series[1]}; font-weight: 700; }}"
        f"QPushButton#tails {{ border: 2px solid {th.series[0]}; font-weight: 700; }}"
        f"QDoubleSpinBox {{ color: {th.foreground}; background: {th.background}; border: 1px solid {th.grid};"
        f" border-radius: {radius}px; padding: {px // 6}px {px // 3}px; min-width: {round(px * 4.2)}px; }}"
        f"QDoubleSpinBox:focus {{ border-color: {th.accent}; }}"
        f"QDoubleSpinBox[invalid=\"true\"] {{ border: 2px solid #D55E00; }}"
        "QDoubleSpinBox::up-button, QDoubleSpinBox::down-button { subcontrol-origin: border; width: 0px; border: none; }"
        f"QCheckBox::indicator, QRadioButton::indicator {{ width: {round(px * 0.9)}px; height: {round(px * 0.9)}px; }}"
        f"QSlider {{ min-height: {knob + 6}px; }}"
        f"QSlider::groove:horizontal {{ height: {groove}px; background: {th.grid}; border-radius: {groove // 2}px; }}"
        f"QSlider::sub-page:horizontal {{ background: {th.accent}; border-radius: {groove // 2}px; }}"
        f"QSlider::handle:horizontal {{ width: {knob}px; height: {knob}px; margin: -{(knob - groove) // 2}px 0;"
        f" border-radius: {knob // 2}px; background: {th.background}; border: {max(2, px // 7)}px solid {th.accent}; }}"
        f"QScrollArea, QWidget#bayesControls {{ background: {th.background}; }}"
        f"QTabBar::tab {{ padding: {px // 3}px {px}px; color: {th.muted}; background: {th.panel};"
        f" border: 1px solid {th.grid}; border-bottom: none; border-top-left-radius: {radius}px;"
        f" border-top-right-radius: {radius}px; margin-right: 2px; }}"
        f"QTabBar::tab:selected {{ color: {th.foreground}; background: {th.background}; font-weight: 600; }}"
        f"QTabWidget::pane {{ border: 1px solid {th.grid}; top: -1px; background: {th.background}; }}"
    )


def style_plot(plot: pg.PlotWidget, th: Theme, x_label: str, y_label: str) -> None:
    """Background, axes, tick fonts and axis labels for a theme."""
    px, lw = th.font_px, th.line_width
    plot.setBackground(th.background)
    p = plot.getPlotItem()
    style_axes(p, th, text_px(th, offset=-2), {"left": y_label, "bottom": x_label}, px, th.muted, max(1.0, lw / 2))
    for side in ("left", "bottom"):
        ax = p.getAxis(side)
        if ax.autoSIPrefix:  # once, while the range is still 0..1: pyqtgraph 0.14 computes the
            ax.enableAutoSIPrefix(False)  # prefix scale here and keeps it (0.597 would show as 597)
    p.getAxis("left").setWidth(round(px * 4.3))  # "1000" and the rotated axis label
    # room for the top and right tick labels, and below the axis title's descenders
    p.setContentsMargins(0, round(px * 0.6), round(px * 0.9), max(2, px // 6))
    p.getAxis("bottom").setHeight(round(px * 2.6))
    p.showGrid(x=True, y=True, alpha=0.25 if th.dark else 0.18)
