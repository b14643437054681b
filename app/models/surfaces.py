"""Loss surfaces f(x, y) for the gradient-descent lesson: the classic test functions, a convex
quadratic with adjustable condition number and rotation, and a surface the learner types.

Each surface is a sympy expression in the real symbols x, y (from app.models.expr), compiled
once (cached) to vectorised numpy functions for grids and paths, plus the gradient as Python
source that app.models.descent inlines into its tight update loops. No Qt.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from app.models.descent_minima import critical_points
from app.models.expr import ParseError, X, Y, parse

SURFACE_NAMES = ("quadratic", "rosenbrock", "himmelblau", "beale", "saddle", "camel")
SURFACE_TITLES = ("Quadratic bowl", "Rosenbrock", "Himmelblau", "Beale", "Saddle x² − y²", "Six-hump camel")
TYPED = -1  # the surface index that means "the formula the learner typed"


@dataclass(frozen=True)
class Surface:
    """A loss surface. ``expr`` is a sympy expression in X, Y; limits are the plotted box;
    ``minima`` the known local minima (global first; empty for the saddle), as (x, y) pairs."""

    name: str
    title: str
    expr: sp.Expr
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...] = ()
    start: tuple[float, float] = (-4.0, 3.0)
    critical: tuple[float, float] | None = None  # where the Hessian is analysed (the global minimum)
    text: str = field(default="", compare=False)  # the formula as typed / shown in the UI
    #: (a, b, c) of a quadratic ½(a x² + 2b xy + c y²): compiled in closed form, not by sympy, so
    #: dragging κ or the angle does not re-run sympy for every new coefficient (~20 ms each)
    quadratic: tuple[float, float, float] | None = field(default=None, compare=False)

    @property
    def compiled(self) -> Compiled:
        if self.quadratic is not None:
            return _quadratic_compiled(*self.quadratic)
        return compile_surface(self.expr)

    def f(self, x, y) -> np.ndarray:
        return self.compiled.f(x, y)

    def grad(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.compiled.grad(x, y)

    def hessian_at(self, x: float, y: float) -> np.ndarray:
        """The 2×2 Hessian at (x, y) (float)."""
        return np.array(self.compiled.hess(float(x), float(y)), dtype=float).reshape(2, 2)


@dataclass(frozen=True)
class Compiled:
    """Vectorised numpy callables and the gradient as straight-line Python source.

    ``grad_lines`` assign ``gx`` and ``gy`` from floats ``x``, ``y`` using math functions
    imported unqualified (sqrt, exp, …; see ``MATH_NAMES``)."""

    f: object
    grad: object
    hess: object
    grad_lines: tuple[str, ...]
    hess_v: object = None  # vectorised Hessian: (x, y) arrays → [h_xx, h_xy, h_yx, h_yy] arrays


MATH_NAMES = {name: getattr(math, name) for name in (
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "sqrt", "pi", "e",
    "copysign")}  # copysign: sympy prints sign(u), the derivative of abs(u), with it


def _vectorise(fn):
    def call(x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            out = np.asarray(fn(x, y))
            if np.iscomplexobj(out):  # outside the real domain (never silently the real part)
                out = np.where(out.imag == 0, out.real, np.nan)
        return np.broadcast_to(out.astype(float), np.broadcast(x, y).shape).copy()
    return call


@lru_cache(maxsize=64)
def compile_surface(expr: sp.Expr) -> Compiled:
    """Differentiate with sympy and compile (lambdify for numpy; pycode for the loops). Cached."""
    from sympy.printing.pycode import PythonCodePrinter

    gx, gy = sp.diff(expr, X), sp.diff(expr, Y)
    hess = list(hessian_expr(expr))
    f_np = _vectorise(sp.lambdify((X, Y), expr, modules="numpy"))
    gx_np = _vectorise(sp.lambdify((X, Y), gx, modules="numpy"))
    gy_np = _vectorise(sp.lambdify((X, Y), gy, modules="numpy"))
    h_np = [_vectorise(sp.lambdify((X, Y), h, modules="numpy")) for h in hess]
    h_math = sp.lambdify((X, Y), hess, modules="math")

    def h_fn(x: float, y: float) -> list[float]:
        try:
            return [float(v) for v in h_math(x, y)]
        except (ArithmeticError, ValueError, TypeError):  # outside the domain (e.g. sqrt(x) at 0)
            return [math.nan] * 4

    printer = PythonCodePrinter({"fully_qualified_modules": False, "standard": "python3"})
    subs, (rgx, rgy) = sp.cse([gx, gy], symbols=sp.numbered_symbols("_c"))
    lines = [f"{sym} = {printer.doprint(e)}" for sym, e in subs]
    lines += [f"gx = float({printer.doprint(rgx)})", f"gy = float({printer.doprint(rgy)})"]
    return Compiled(f_np, lambda x, y: (gx_np(x, y), gy_np(x, y)), h_fn, tuple(lines),
                    lambda x, y: [h(x, y) for h in h_np])


def hessian_expr(expr: sp.Expr) -> sp.ImmutableMatrix:
    """The 2×2 Hessian of ``expr`` in x, y, with the Dirac deltas that abs(u) leaves (d²|u| = 2δ(u))
    set to 0: |x| has a kink at 0, not a curvature, and δ(0) is no number."""
    return sp.ImmutableMatrix(sp.hessian(expr, (X, Y)).replace(sp.DiracDelta, lambda *_: sp.S.Zero))


# --- the built-in surfaces ---------------------------------------------------------------------
def quadratic_hessian(cond: float, angle_deg: float) -> np.ndarray:
    """H = R diag(1, κ) Rᵀ with R the rotation by ``angle_deg``: eigenvalues μ = 1 and L = κ."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag([1.0, float(cond)]) @ R.T


def _quadratic(cond: float, angle: float) -> Surface:
    H = quadratic_hessian(cond, angle)
    abc = (float(H[0, 0]), float(H[0, 1]), float(H[1, 1]))
    a, b, c = (sp.Float(v, 17) for v in abc)
    expr = sp.Rational(1, 2) * (a * X**2 + 2 * b * X * Y + c * Y**2)  # for the derivation and display
    return Surface("quadratic", SURFACE_TITLES[0], expr, (-5.0, 5.0), (-5.0, 5.0), ((0.0, 0.0),),
                   (-4.0, 3.0), (0.0, 0.0), text=f"½(u² + {cond:g}·v²), rotated {angle:g}°", quadratic=abc)


@lru_cache(maxsize=16)
def _quadratic_compiled(a: float, b: float, c: float) -> Compiled:
    """f = ½(a x² + 2b xy + c y²), ∇f = H (x, y) with H = [[a, b], [b, c]] (what sympy derives; a
    test checks the two agree)."""
    gx = _vectorise(lambda x, y: a * x + b * y)
    gy = _vectorise(lambda x, y: b * x + c * y)
    const = _vectorise(lambda x, y: np.ones_like(x + y))
    return Compiled(_vectorise(lambda x, y: 0.5 * (a * x * x + 2 * b * x * y + c * y * y)),
                    lambda x, y: (gx(x, y), gy(x, y)), lambda x, y: [a, b, b, c],
                    (f"gx = {a!r} * x + {b!r} * y", f"gy = {b!r} * x + {c!r} * y"),
                    lambda x, y: [a * const(x, y), b * const(x, y), b * const(x, y), c * const(x, y)])


_HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                      (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404))
#: the six-hump camel's six minima (sympy nsolve, 30 digits): two global (f ≈ −1.0316), then two
#: pairs of local ones (f ≈ −0.2155 and 2.1043)
_CAMEL_MINIMA = ((0.08984201310031806, -0.7126564030207396), (-0.08984201310031806, 0.7126564030207396),
                 (-1.703606714969981, 0.7960835686726251), (1.703606714969981, -0.7960835686726251),
                 (1.6071047529201972, 0.5686514548841314), (-1.6071047529201972, -0.5686514548841314))


@lru_cache(maxsize=1)
def _fixed() -> dict[str, Surface]:
    R = sp.Rational
    return {
        "rosenbrock": Surface("rosenbrock", SURFACE_TITLES[1], (1 - X) ** 2 + 100 * (Y - X**2) ** 2,
                              (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), (-1.2, 1.0), (1.0, 1.0),
                              text="(1 − x)² + 100(y − x²)²"),
        "himmelblau": Surface("himmelblau", SURFACE_TITLES[2], (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2,
                              (-5.0, 5.0), (-5.0, 5.0), _HIMMELBLAU_MINIMA, (-0.5, -0.5), (3.0, 2.0),
                              text="(x² + y − 11)² + (x + y² − 7)²"),
        "beale": Surface("beale", SURFACE_TITLES[3],
                         (R(3, 2) - X + X * Y) ** 2 + (R(9, 4) - X + X * Y**2) ** 2 + (R(21, 8) - X + X * Y**3) ** 2,
                         (-4.5, 4.5), (-4.5, 4.5), ((3.0, 0.5),), (1.0, 1.4), (3.0, 0.5),
                         text="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²"),
        "saddle": Surface("saddle", SURFACE_TITLES[4], X**2 - Y**2, (-3.0, 3.0), (-3.0, 3.0), (),
                          (-2.5, 0.1), (0.0, 0.0), text="x² − y²"),
        "camel": Surface("camel", SURFACE_TITLES[5],
                         (4 - R(21, 10) * X**2 + X**4 / 3) * X**2 + X * Y + (-4 + 4 * Y**2) * Y**2,
                         (-2.0, 2.0), (-1.2, 1.2), _CAMEL_MINIMA, (-1.5, -1.0), _CAMEL_MINIMA[0],
                         text="(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²"),
    }


def surface(index: int, cond: float = 10.0, angle: float = 30.0, typed: str | None = None) -> Surface:
    """Surface number ``index`` (0..5, see SURFACE_NAMES); ``TYPED`` (−1) parses ``typed``.

    Raises app.models.expr.ParseError for a bad typed formula."""
    index = int(round(index))
    if index == TYPED:
        return typed_surface(typed or "")
    if index == 0:
        return _quadratic(float(cond), float(angle))
    return _fixed()[SURFACE_NAMES[index]]


@lru_cache(maxsize=32)
def typed_surface(text: str, box: float = 5.0) -> Surface:
    """A learner's f(x, y), parsed safely; its minima (or, without one, a saddle) in [−box, box]²
    are found numerically. Raises ParseError for anything unusable — a formula outside the
    grammar, or one that compiles or computes badly (tried on a grid and in every optimiser)."""
    expr = parse(text)
    try:
        return _checked_typed(expr, text, box)
    except ParseError:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever sympy/numpy raise, the user sees one clear message
        raise ParseError(f"this formula cannot be computed ({type(exc).__name__}: {exc})", 0) from exc


def _checked_typed(expr: sp.Expr, text: str, box: float) -> Surface:
    lim = (-box, box)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning would mean silently wrong numbers
        comp = compile_surface(expr)
        xs = np.linspace(-box, box, 61)
        XX, YY = np.meshgrid(xs, xs)
        Z = comp.f(XX, YY)
        gx, gy = comp.grad(XX, YY)
        ok = np.isfinite(Z) & np.isfinite(gx) & np.isfinite(gy)
        if ok.sum() < 9:
            raise ParseError(f"f(x, y) is not a real number anywhere in the box [−{box:g}, {box:g}]²", 0)
        minima, saddles = critical_points(comp, lim, lim)
        # start at (−4, 3), or the nearest grid point where f and ∇f are defined
        d = np.where(ok, np.hypot(XX + 0.8 * box, YY - 0.6 * box), np.inf)
        j, i = np.unravel_index(int(np.argmin(d)), d.shape)
        start = (float(XX[j, i]), float(YY[j, i]))
        crit = minima[0] if minima else (saddles[0] if saddles else None)
        surf = Surface("typed", "Your surface", expr, lim, lim, minima, start, crit, text=text)
        _trial_run(surf)
    return surf


def _trial_run(surf: Surface) -> None:
    """A few steps of every optimiser, so a formula whose generated code fails is refused here."""
    from app.models import descent  # here, not at the top: app.models.descent imports this module

    if surf.critical is not None:
        surf.hessian_at(*surf.critical)
    for opt in descent.OPTIMIZERS:
        descent.run(surf, opt, descent.Hyper(1e-3, momentum=0.5), surf.start, 3)


def find_minima(expr: sp.Expr, xlim, ylim, max_count: int = 8) -> tuple[tuple[float, float], ...]:
    """Isolated local minima inside the box, best f first (see app.models.descent_minima)."""
    return critical_points(compile_surface(expr), xlim, ylim, max_count=max_count)[0]


# --- the typed formula as numbers -----------------------------------------------------------------
# Explorer params are numbers only (they cross to the derivation's helper process as JSON and are
# validated as floats), so a typed formula travels as printable-ASCII codes packed 7 per float
# (7 bits each = 49 bits < 2^53, exact in a double) under the keys typed_0, typed_1, …
_PACK = 7


def encode_text(text: str) -> dict[str, float]:
    """``text`` (printable ASCII; other characters become '?') as {"typed_len", "typed_k"} floats."""
    codes = [ord(c) if 32 <= ord(c) < 127 else ord("?") for c in text]
    out = {"typed_len": float(len(codes))}
    for k in range(0, len(codes), _PACK):
        value = 0
        for c in codes[k:k + _PACK]:
            value = value * 128 + c
        out[f"typed_{k // _PACK}"] = float(value)
    return out


def decode_text(params: dict[str, float]) -> str:
    """The inverse of encode_text ("" when the keys are absent)."""
    n = int(params.get("typed_len", 0))
    chars: list[str] = []
    for k in range(0, n, _PACK):
        value, width = int(params.get(f"typed_{k // _PACK}", 0)), min(_PACK, n - k)
        chunk = []
        for _ in range(width):
            value, c = divmod(value, 128)
            chunk.append(chr(c))
        chars += reversed(chunk)
    return "".join(chars)
