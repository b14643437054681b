r"""Math in manim scenes without a TeX installation: LaTeX → ziamath → SVG file → SVGMobject.

The one helper every scene uses for formulas (DESIGN.md, habit 10)::

    from scenes.mathtex import math_tex
    label = math_tex(r"\det\,A = ad - bc", color=YELLOW, font_size=36)

Size convention (the same as manim's ``MathTex``, so the two can be swapped):
``MathTex`` typesets at TeX's 10 pt, dvisvgm writes the SVG in pt, svgelements reads pt at
96 ppi (10 pt → 13.33 SVG units) and ``font_size`` then scales by ``font_size / 960``; one em
is therefore ``font_size / 72`` manim units (48 → 0.667, a third of the 2-unit default SVG).
Here ziamath lays the formula out at ``ZIAMATH_SIZE`` SVG units per em, so each SVG unit is

    scale(font_size) = font_size / (72 · ZIAMATH_SIZE)   manim units,

and a formula whose ``ziamath.Latex(...).getsize()`` is (w, h) at ``ZIAMATH_SIZE`` gets height
``h · scale(font_size)``. ziamath's height is the ink height; its width is the advance width,
which includes side bearings and the padding around fractions, so the mobject can be narrower.

SVG2 is switched off: ziamath's default SVG2 output defines each glyph once in ``<symbol>`` and
places it with ``<use>``, which manim's SVG reader mis-draws (glyphs misplaced and mis-sized:
a/b came out twice as tall as it should and half as wide). SVG 1.1 output writes every glyph
as its own positioned ``<path>``; tests/scenes/test_mathtex.py checks the placement.

ziamath quirks worth knowing: no space after operator names (write ``\det\,A``), and a bare
minus after a relation is set as a binary one (``= -1`` → "= − 1"; write ``= {-1}``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import ziamath
from manim import DEFAULT_FONT_SIZE, WHITE, SVGMobject

ziamath.config.svg2 = False

#: ziamath's layout size (SVG units per em); only the scale below depends on it
ZIAMATH_SIZE = 96.0
#: manim units per em at font_size 1 (see the module docstring)
EM_PER_FONT_POINT = 1.0 / 72.0


def svg_scale(font_size: float = DEFAULT_FONT_SIZE) -> float:
    """Manim units per SVG unit of the cached ziamath SVG at ``font_size``."""
    return font_size * EM_PER_FONT_POINT / ZIAMATH_SIZE


def cache_dir() -> Path:
    """Where the SVG files go: ``$MATHLENS_CACHE_DIR``, else ``$XDG_CACHE_HOME/mathlens/mathtex``
    (``~/.cache`` when unset), else the system temp dir if that is not writable."""
    explicit = os.environ.get("MATHLENS_CACHE_DIR")
    if explicit:
        base = Path(explicit)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = Path(xdg) / "mathlens"
    path = base / "mathtex"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / "mathlens-mathtex"
        path.mkdir(parents=True, exist_ok=True)
    return path


def latex_svg(latex: str) -> str:
    """ziamath's SVG 1.1 text for ``latex`` at ``ZIAMATH_SIZE``, black, no margin.

    Raises ValueError (with the formula) if ziamath cannot parse it.
    """
    try:
        return ziamath.Latex(latex, size=ZIAMATH_SIZE, margin=0).svg()
    except Exception as exc:  # latex2mathml and ziamath raise assorted types
        raise ValueError(f"cannot typeset {latex!r}: {exc}") from exc


@lru_cache(maxsize=512)
def _svg_and_digest(latex: str) -> tuple[str, str]:
    text = latex_svg(latex)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def svg_file(latex: str) -> Path:
    """Write the formula's SVG to the cache under its content hash and return the path.

    The name is the hash of the SVG text itself, so manim's own in-process SVG cache (keyed by
    file name) can never hand back a different formula, and ziamath upgrades give new files.
    """
    text, digest = _svg_and_digest(latex)
    path = cache_dir() / f"{digest}.svg"
    if not path.is_file():
        # write-then-rename: a concurrent render never reads a half-written file
        tmp = path.with_name(f".{digest}.{os.getpid()}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    return path


def math_tex(latex: str, color=WHITE, font_size: float = DEFAULT_FONT_SIZE) -> SVGMobject:
    """A formula as an SVGMobject, one filled submobject per glyph or rule, centred at ORIGIN.

    latex: LaTeX math (no surrounding ``$``), as ziamath/latex2mathml understand it.
    color: any manim colour. font_size: manim font size (``MathTex`` semantics, default 48).
    """
    if font_size <= 0:
        raise ValueError(f"font_size must be positive, got {font_size}")
    path = svg_file(latex)
    mob = SVGMobject(path, should_center=True, height=None, stroke_width=0)
    mob.scale(svg_scale(font_size))
    mob.set_fill(color, opacity=1.0)
    mob.set_stroke(width=0)
    mob.latex = latex  # for tests and debugging
    return mob


# --- numbers in formulas ------------------------------------------------------------------
def short(x: float) -> str:
    """A short plain number: 2 decimals at most, no trailing zeros, no "-0"."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def num(x: float) -> str:
    """short(x) for LaTeX. Negatives are braced, "{-1.5}": ziamath sets a bare "-" after "="
    as a binary minus ("= − 1.5")."""
    s = short(x)
    return f"{{{s}}}" if s.startswith("-") else s


def paren(x: float) -> str:
    return f"({num(x)})" if num(x).startswith("{-") else num(x)
