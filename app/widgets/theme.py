"""Colours and sizes for the light, dark and projector themes (Okabe–Ito palette, colour-blind safe)."""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}


@dataclass(frozen=True)
class Theme:
    name: str
    background: str  # plot and page background
    panel: str  # side panels
    foreground: str  # text, axes
    muted: str  # secondary text, faint grid
    grid: str  # the untransformed reference grid
    accent: str  # selection, focus
    positive: str  # e.g. det > 0 fill
    negative: str  # e.g. det < 0 fill
    series: tuple[str, ...]  # line colours in order
    font_px: int  # base UI font pixel size
    math_px: int  # formula size in the derivation panel
    line_width: float  # base pen width in plot pixels
    dark: bool

    def scaled(self, factor: float) -> Theme:
        from dataclasses import replace

        return replace(
            self,
            font_px=round(self.font_px * factor),
            math_px=round(self.math_px * factor),
            line_width=self.line_width * factor,
        )


LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    panel="#F6F7F9",
    foreground="#1B1F24",
    muted="#6B7280",
    grid="#D5D9E0",
    accent="#0072B2",
    positive=OKABE_ITO["green"],
    negative=OKABE_ITO["purple"],
    series=(OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["orange"],
            OKABE_ITO["purple"], OKABE_ITO["sky"], OKABE_ITO["black"]),
    font_px=14,
    math_px=20,
    line_width=2.0,
    dark=False,
)

DARK = Theme(
    name="dark",
    background="#15181D",
    panel="#1E2228",
    foreground="#E6E8EB",
    muted="#9AA3AE",
    grid="#3A414B",
    accent="#56B4E9",
    positive=OKABE_ITO["green"],
    negative=OKABE_ITO["purple"],
    series=(OKABE_ITO["sky"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["orange"],
            OKABE_ITO["purple"], OKABE_ITO["yellow"], "#FFFFFF"),
    font_px=14,
    math_px=20,
    line_width=2.0,
    dark=True,
)

#: Projector: light, high contrast, everything scaled so the smallest text is ≥ 28 px at 1920×1080
PROJECTOR = LIGHT.scaled(2.0)
PROJECTOR = Theme(**{**PROJECTOR.__dict__, "name": "projector", "muted": "#3F4650", "grid": "#B8BEC8"})

THEMES = {t.name: t for t in (LIGHT, DARK, PROJECTOR)}


def text_px(theme: Theme, factor: float = 1.0, offset: int = 0) -> int:
    """A text size relative to the theme's (``font_px * factor + offset``). In projector mode it is
    never below ``font_px``: the smallest text that reads from the back of a classroom."""
    px = round(theme.font_px * factor) + offset
    return max(px, theme.font_px) if theme.name == "projector" else max(px, 8)
