"""Axes that label matrix rows and columns with tokens: one label per visible integer position,
thinned (every 2nd, 5th, 10th …) so labels never overlap, and rotated 45° on a bottom axis when
horizontal labels would not fit. Zooming in shows more labels (thinning follows the visible range).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetricsF

#: labels longer than this many characters are shortened with an ellipsis
MAX_CHARS = 12
_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def token_label(token: str, index: int | None = None) -> str:
    """``cat₁``: the token (shortened if long) and its index as a subscript."""
    text = token if len(token) <= MAX_CHARS else token[: MAX_CHARS - 1] + "…"
    return text if index is None else f"{text}{str(index).translate(_SUB)}"


class TokenAxis(pg.AxisItem):
    """Labels at integer positions 0 … len(labels) − 1 of the linked view."""

    ANGLE = 45.0

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        self._labels: list[str] = []
        self._pinned: tuple[int, ...] = ()
        self._font = QFont()
        self._rotated = False
        self.setStyle(tickLength=-4, autoExpandTextSpace=False, autoReduceTextSpace=False,
                      tickTextOffset=4, hideOverlappingLabels=False)

    # --- state -------------------------------------------------------------------------------
    def set_labels(self, labels: list[str], pinned: tuple[int, ...] = ()) -> None:
        """``pinned`` positions are always labelled (their crowded neighbours give way)."""
        if labels == self._labels and tuple(pinned) == self._pinned:
            return
        self._labels = list(labels)
        self._pinned = tuple(pinned)
        self._fit()

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self.setTickFont(self._font)
        self._fit()

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def visible_labels(self) -> list[str]:
        """The labels drawn at the current zoom (for tests and the thinning logic)."""
        levels = self.tickValues(*sorted(self.range), self._length())
        return [self._labels[int(v)] for _, values in levels for v in values]

    # --- geometry ----------------------------------------------------------------------------
    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self._font)

    def _widest(self) -> float:
        fm = self._metrics()
        return max((fm.horizontalAdvance(s) for s in self._labels), default=0.0)

    def _length(self) -> float:
        r = self.boundingRect()
        return max(1.0, r.width() if self.orientation in ("top", "bottom") else r.height())

    def _fit(self) -> None:
        """Size the axis for the longest label (rotated on a bottom axis). Only a real change of
        size touches the layout: re-laying out the plot costs more than drawing it."""
        fm = self._metrics()
        pad = 10
        if self.orientation in ("left", "right"):
            size = math.ceil(self._widest() + pad) if self._labels else 8
            if size != self.width():
                self.setWidth(size)
        else:
            if self._rotated:
                a = math.radians(self.ANGLE)
                size = math.ceil(self._widest() * math.sin(a) + fm.height() * math.cos(a) + pad)
            else:
                size = math.ceil(fm.height() + pad) if self._labels else 8
            if size != self.height():
                self.setHeight(size)
        self.picture = None
        self.update()

    def _spacing_needed(self, rotated: bool) -> float:
        fm = self._metrics()
        # the ink of a line of text is ~85 % of the font's line height: rows that close still read
        if self.orientation in ("left", "right"):
            return fm.height() * 0.85
        if rotated:
            return fm.height() * 0.85 / math.sin(math.radians(self.ANGLE))
        return self._widest() + fm.horizontalAdvance("  ")

    # --- ticks -------------------------------------------------------------------------------
    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 — pyqtgraph API
        n = len(self._labels)
        minVal, maxVal = min(minVal, maxVal), max(minVal, maxVal)  # an inverted view gives them reversed
        if n == 0 or maxVal <= minVal:
            return []
        per = size / (maxVal - minVal)  # pixels per token
        rotated = self.orientation in ("top", "bottom") and per < self._spacing_needed(False)
        if rotated != self._rotated:  # the axis needs another height: refit after this paint
            self._rotated = rotated
            QTimer.singleShot(0, self, self._fit)
        need = self._spacing_needed(self._rotated)
        step = next((s for s in _STEPS if s * per >= need), _STEPS[-1])
        lo, hi = max(0, math.ceil(minVal - 1e-9)), min(n - 1, math.floor(maxVal + 1e-9))
        pins = [i for i in self._pinned if lo <= i <= hi]
        values = [i for i in range(lo, hi + 1) if i % step == 0 and all(abs(i - q) >= step for q in pins)]
        return [(float(step), [float(i) for i in sorted(values + pins)])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 — pyqtgraph API
        n = len(self._labels)
        return [self._labels[int(v)] if 0 <= int(v) < n else "" for v in values]

    def generateDrawSpecs(self, p):  # noqa: N802 — pyqtgraph API
        if self.orientation != "bottom":
            return super().generateDrawSpecs(p)
        show = self.style["showValues"]
        self.style["showValues"] = False  # ticks and line from pyqtgraph, the text from us
        try:
            specs = super().generateDrawSpecs(p)
        finally:
            self.style["showValues"] = show
        if specs is None:
            return None
        axis_spec, tick_specs, _ = specs
        bounds = self.mapRectFromParent(self.geometry())
        lo, hi = self.range
        if hi <= lo:
            return axis_spec, tick_specs, []
        levels = self.tickValues(lo, hi, bounds.width())
        x_scale = bounds.width() / (hi - lo)
        top = bounds.top() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        text_specs = []
        for _, values in levels:
            for v, s in zip(values, self.tickStrings(values, 1, 1), strict=True):
                text_specs.append((QPointF((v - lo) * x_scale, top), s))
        return axis_spec, tick_specs, text_specs

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):  # noqa: N802 — pyqtgraph API
        if self.orientation != "bottom":
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        super().drawPicture(p, axisSpec, tickSpecs, [])
        p.setFont(self._font)
        p.setPen(self.textPen())
        fm = self._metrics()
        h = fm.height()
        for anchor, text in textSpecs:
            w = fm.horizontalAdvance(text) + 2
            p.save()
            p.translate(anchor)
            if self._rotated:  # the label ends at its tick and runs down to the left
                p.rotate(-self.ANGLE)
                p.drawText(QRectF(-w, 0, w, h), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), text)
            else:
                p.drawText(QRectF(-w / 2, 0, w, h), int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                           text)
            p.restore()
