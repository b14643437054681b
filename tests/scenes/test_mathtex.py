"""scenes/mathtex.py: formulas typeset by ziamath arrive in manim with every glyph in place.

The reference for "in place" is ziamath's own SVG drawn by an independent renderer (QtSvg) into
a bitmap: the ink box of that bitmap must match the ink box of the manim mobject, in shape and
in size. ziamath's declared width is the advance width (side bearings, fraction padding), so
only its declared height — the ink height — is compared directly, as the size convention.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

with warnings.catch_warnings():
    # import-time deprecations inside third-party packages (warnings are errors in this suite):
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    import ziamath
    from manim import BLUE, RED, ManimColor

    from scenes import mathtex
    from scenes.mathtex import math_tex, svg_file, svg_scale

FORMULAS = {
    "fraction": r"\frac{a}{b}",
    "fraction-sum": r"\frac{1}{2} + \frac{x+1}{y}",
    "matrix": r"\begin{bmatrix} 1.5 & -0.5 \\ 0.5 & 1 \end{bmatrix}",
    "subscripts": r"x_{1}^{2} + a_{ij} v_j",
    "det": r"\det A = ad - bc",
    "hat": r"\hat{\imath} \mapsto \begin{bmatrix} a \\ c \end{bmatrix}",
}
#: raster oversampling of the QtSvg reference: 1 SVG unit = 4 px, at 96 units per em
RASTER = 4


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "cache"))


def ink_box_of_svg(svg_text: str) -> tuple[float, float]:
    """(width, height) of the inked pixels when QtSvg draws the SVG, in SVG units."""
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg_text.encode("utf-8")))
    assert renderer.isValid()
    vb = renderer.viewBoxF()
    w, h = int(np.ceil(vb.width() * RASTER)), int(np.ceil(vb.height() * RASTER))
    img = QImage(w, h, QImage.Format.Format_ARGB32)
    img.fill(0)
    painter = QPainter(img)
    renderer.render(painter, QRectF(0, 0, vb.width() * RASTER, vb.height() * RASTER))
    painter.end()
    alpha = np.frombuffer(img.constBits(), np.uint8).reshape(h, img.bytesPerLine() // 4, 4)[:, :w, 3]
    ys, xs = np.nonzero(alpha >= 128)
    assert xs.size, "QtSvg drew nothing"
    return (xs.max() - xs.min() + 1) / RASTER, (ys.max() - ys.min() + 1) / RASTER


def ink_box_of_mobject(mob) -> tuple[float, float]:
    """(width, height) of the curves themselves (manim's width/height also count the Bézier
    handles, which can stick out past the outline)."""
    ts = np.linspace(0.0, 1.0, 33)[:, None, None]
    pts = []
    for sub in mob.family_members_with_points():
        c = sub.points.reshape(-1, 4, 3)[None]  # cubic segments: anchor, handle, handle, anchor
        pts.append(
            ((1 - ts) ** 3 * c[:, :, 0] + 3 * (1 - ts) ** 2 * ts * c[:, :, 1]
             + 3 * (1 - ts) * ts**2 * c[:, :, 2] + ts**3 * c[:, :, 3]).reshape(-1, 3)
        )
    p = np.concatenate(pts)
    span = p.max(axis=0) - p.min(axis=0)
    return float(span[0]), float(span[1])


def test_ziamath_writes_svg_1_1():
    assert ziamath.config.svg2 is False
    text = svg_file(FORMULAS["matrix"]).read_text("utf-8")
    assert "<use" not in text and "<symbol" not in text
    assert text.count("<path") >= 6


@pytest.mark.parametrize("name", FORMULAS)
def test_glyphs_are_placed_as_ziamath_draws_them(name):
    latex = FORMULAS[name]
    ref_w, ref_h = ink_box_of_svg(svg_file(latex).read_text("utf-8"))
    mob = math_tex(latex, font_size=48)
    w, h = ink_box_of_mobject(mob)
    assert w / h == pytest.approx(ref_w / ref_h, rel=0.02)
    # and the absolute size follows the documented scale, not just the shape
    s = svg_scale(48)
    assert (w, h) == pytest.approx((ref_w * s, ref_h * s), rel=0.02)


@pytest.mark.parametrize("name", ["fraction", "matrix", "subscripts"])
def test_glyphs_are_separate_and_spread_out(name):
    mob = math_tex(FORMULAS[name])
    centers = np.array([m.get_center() for m in mob.submobjects])
    assert len(centers) >= 3
    distinct = {tuple(np.round(c[:2], 3)) for c in centers}
    assert len(distinct) == len(centers), "two glyphs drawn at the same place"
    spread = centers[:, :2].max(axis=0) - centers[:, :2].min(axis=0)
    assert spread.max() > 0.3 * max(mob.width, mob.height)


def test_matrix_entries_sit_in_a_two_by_two_layout():
    mob = math_tex(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}")
    # brackets are the tallest two pieces; the four digits are the rest
    parts = sorted(mob.submobjects, key=lambda m: m.height)
    digits, brackets = parts[:4], parts[4:]
    assert len(brackets) == 2 and all(b.height > 2 * d.height for b in brackets for d in digits)
    xs = sorted(round(d.get_center()[0], 2) for d in digits)
    ys = sorted(round(d.get_center()[1], 2) for d in digits)
    assert xs[0] == pytest.approx(xs[1], abs=0.08) and xs[2] == pytest.approx(xs[3], abs=0.08)
    assert xs[2] - xs[1] > 0.2 and ys[2] - ys[1] > 0.2
    left, right = sorted(brackets, key=lambda b: b.get_center()[0])
    assert left.get_right()[0] < xs[0] and right.get_left()[0] > xs[3]


@pytest.mark.parametrize("font_size", [24, 48, 96])
def test_height_is_ziamath_height_times_documented_scale(font_size):
    latex = FORMULAS["fraction-sum"]
    _, zm_h = ziamath.Latex(latex, size=mathtex.ZIAMATH_SIZE, margin=0).getsize()
    mob = math_tex(latex, font_size=font_size)
    assert mob.height == pytest.approx(zm_h * font_size / (72 * mathtex.ZIAMATH_SIZE), rel=0.01)
    # one em is font_size / 72 manim units, as for manim's MathTex
    assert mathtex.svg_scale(font_size) * mathtex.ZIAMATH_SIZE == pytest.approx(font_size / 72)


def test_centred_coloured_and_unstroked():
    mob = math_tex(r"\lambda_1 = 3", color=RED)
    assert np.allclose(mob.get_center(), 0, atol=1e-9)
    for sub in mob.family_members_with_points():
        assert sub.get_fill_color() == ManimColor(RED)
        assert sub.get_fill_opacity() == 1
        assert sub.get_stroke_width() == 0
    assert math_tex("x", color=BLUE).submobjects[0].get_fill_color() == ManimColor(BLUE)


def test_cache_file_is_named_by_content(tmp_path):
    a1, a2, b = svg_file(r"\frac{a}{b}"), svg_file(r"\frac{a}{b}"), svg_file(r"\frac{b}{a}")
    assert a1 == a2 and a1 != b
    assert a1.parent == tmp_path / "cache" / "mathtex"
    assert a1.read_text("utf-8") == mathtex.latex_svg(r"\frac{a}{b}")
    # two formulas must never share a manim-cached mobject: the digits differ, so must the shapes
    assert math_tex(r"\frac{a}{b}").width != pytest.approx(math_tex(r"\frac{a+1}{b}").width)


def test_cache_file_is_rewritten_if_deleted():
    path = svg_file("y = 2x")
    path.unlink()
    assert math_tex("y = 2x").submobjects
    assert path.is_file()


def test_bad_font_size_is_refused():
    with pytest.raises(ValueError, match="font_size"):
        math_tex("x", font_size=0)
