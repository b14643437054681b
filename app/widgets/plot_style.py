"""Themed pyqtgraph axes: the one place that sets an axis's pens, tick font and label for a theme."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

from app.widgets.theme import Theme


def style_axes(item: pg.PlotItem, theme: Theme, tick_px: int, labels: dict[str, str] | None = None,
               label_px: int | None = None, line: str | None = None, line_width: float = 1.0) -> QFont:
    """Pens, tick font (``tick_px``) and labels (``{"left": "y", …}``, at ``label_px``, default
    ``tick_px``) of the left and bottom axes. ``line``: the axis line colour (default the text
    colour). Returns the tick font, for items that draw their own ticks."""
    font = QFont()
    font.setPixelSize(tick_px)
    style = {"color": theme.foreground, "font-size": f"{label_px or tick_px}px"}
    for side in ("left", "bottom"):
        ax = item.getAxis(side)
        ax.setPen(pg.mkPen(line or theme.foreground, width=line_width))
        ax.setTextPen(pg.mkPen(theme.foreground))
        ax.setTickFont(font)
        if labels and side in labels:
            ax.setLabel(labels[side], **style)
    return font
