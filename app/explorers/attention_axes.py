"""Axes that label matrix rows and columns with tokens: one label per visible integer position,
thinned (every 2nd, 5th, 10th …) so labels never overlap, and rotated 45° on a bottom axis when
horizontal labels would not fit. Zooming in shows more labels (thinning follows the visible range).
And plot titles that always fit: the longest version that fits, left-aligned, else cut with "…".
"""

from __future__ import annotations

import html
import math
import re

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetricsF, QTextDocument

from app.models.attention import clusters

#: labels longer than this many characters are shortened with an ellipsis
MAX_CHARS = 12
_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def token_label(token: str, index: int | None = None) -> str:
    """``cat₁``: the token (shortened if long, never inside a character's cluster) and its index
    as a subscript."""
    if len(token) > MAX_CHARS:
        parts = clusters(token)
        if len(parts) > MAX_CHARS:
            token = "".join(parts[: MAX_CHARS - 1]) + "…"
    return token if index is None else f"{token}{str(index).translate(_SUB)}"


_TAG = re.compile(r"<[^>]*>")


class FittedTitle:
    """A plot's title across the whole plot, left-aligned, that always fits its width: the first of
    ``versions`` (longest first) that fits, else the last one cut with "…". Re-fitted when the
    plot is resized; setting the same versions again costs nothing (the temperature drag)."""

    def __init__(self, plot: pg.PlotItem, span: int):
        self.plot, self.label = plot, plot.titleLabel
        plot.layout.removeItem(self.label)
        plot.layout.addItem(self.label, 0, 0, 1, span)  # from the left axis to the right edge
        self.label.setAttr("justify", "left")
        self.label.updateMin = self._update_min  # pyqtgraph would make the plot as wide as the text
        self.versions: tuple[str, ...] = ()
        self.colour, self.px = "#000000", 12
        self._key = None
        self._shown = None  # (text, colour, px) on the label now
        self._doc = QTextDocument()
        plot.geometryChanged.connect(self.fit)

    def set(self, versions, colour: str, px: int) -> None:
        versions = (versions,) if isinstance(versions, str) else tuple(versions)
        if (versions, colour, px) != (self.versions, self.colour, self.px):
            self.versions, self.colour, self.px = versions, colour, px
            self.fit()

    def _html(self, text: str) -> str:
        return f"<span style='color: {self.colour}; font-size: {self.px}px'>{text}</span>"

    def _width(self, text: str) -> float:
        self._doc.setDefaultFont(self.label.item.font())
        self._doc.setHtml(self._html(text))
        return self._doc.idealWidth()

    def fit(self) -> None:
        if not self.versions:
            return
        room = self.plot.size().width() - 6
        key = (self.versions, self.colour, self.px, round(room))
        if key == self._key:
            return
        self._key = key
        text = next((v for v in self.versions if self._width(v) <= room), None)
        if text is None:  # even the shortest is too long: cut its plain text
            font = QFont(self.label.item.font())
            font.setPixelSize(self.px)
            plain = html.unescape(_TAG.sub("", self.versions[-1]))
            text = html.escape(QFontMetricsF(font).elidedText(plain, Qt.TextElideMode.ElideRight, max(room - 8, 1)))
        self.label.setVisible(True)
        if (text, self.colour, self.px) != self._shown:
            self._shown = (text, self.colour, self.px)
            self.label.setText(text, color=self.colour, size=f"{self.px}px")
        height = math.ceil(self.label.itemRect().height())
        self.label.setMaximumHeight(height)
        self.plot.layout.setRowFixedHeight(0, height)

    def _update_min(self) -> None:
        label, height = self.label, self.label.itemRect().height()
        label.setMinimumWidth(0)
        label.setMinimumHeight(height)
        label._sizeHint = {Qt.SizeHint.MinimumSize: (0, height), Qt.SizeHint.PreferredSize: (0, height),
                           Qt.SizeHint.MaximumSize: (-1, -1), Qt.SizeHint.MinimumDescent: (0, 0)}
        label.updateGeometry()


class TokenAxis(pg.AxisItem):
    """Labels at integer positions 0 … len(labels) − 1 of the linked view."""

    ANGLE = 45.0

    def __init__(self, orientation: str, rotate: bool = True, **kwargs):
        super().__init__(orientation, **kwargs)
        self.rotate = rotate  # False: short labels (numbers) are thinned out instead of rotated
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
        rotated = self.rotate and self.orientation in ("top", "bottom") and per < self._spacing_needed(False)
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
