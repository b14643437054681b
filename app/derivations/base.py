"""A derivation is an ordered list of steps, each a sympy relation computed by sympy.

Every step carries ``residuals``: sympy expressions that are identically zero exactly when the
step is true. Tests check them (symbolically, or numerically at random points), so no step is
a hand-typed claim that nothing verifies.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``lhs rel rhs`` with a title and one plain sentence."""

    title: str
    lhs: sp.Basic
    rhs: sp.Basic
    note: str
    residuals: tuple[sp.Expr, ...] = field(default=())
    rel: str = "="  # "=" or "≈" (live steps show rounded numbers)
    live: bool = False  # True when the step carries the learner's current numbers

    def latex(self) -> str:
        rel = {"=": "=", "≈": r"\approx", "⇒": r"\Rightarrow"}.get(self.rel, self.rel)
        # live steps carry the learner's slider values: show 0.35, not 7/20
        return f"{latex(self.lhs, self.live)} {rel} {latex(self.rhs, self.live)}"


def as_expr(x) -> sp.Basic:
    """A number or sympy object as a sympy object. Unlike ``sympify`` it never parses a string
    (which would run ``eval``): anything that is not already a number is refused."""
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"expected a number or a sympy expression, got {type(x).__name__}")
    return sp.Integer(int(x)) if isinstance(x, numbers.Integral) else sp.Float(float(x))


def latex(expr, decimals: bool = False) -> str:
    """sympy's LaTeX with the few tweaks ziamath needs (it has no \\operatorname).

    ``decimals``: print exact fractions that are terminating decimals (7/20) as decimals (0.35),
    except exponents and coefficients of surds (√5/2 stays a fraction). Only the text changes.
    """
    if decimals:
        expr = _decimalize(expr)
    text = sp.latex(expr, mat_delim="(", mat_str="matrix")
    return text.replace(r"\operatorname{", r"\mathrm{")


def _decimalize(expr):
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(_decimalize)
    if isinstance(expr, sp.Rational) and expr.q != 1:
        q, places = int(expr.q), 0
        for prime in (2, 5):
            k = 0
            while q % prime == 0:
                q, k = q // prime, k + 1
            places = max(places, k)
        if q != 1:  # 1/3 is no terminating decimal: keep the fraction
            return expr
        scaled = str(abs(int(expr.p) * 10**places // int(expr.q))).rjust(places + 1, "0")
        sign = "-" if expr < 0 else ""
        return sp.Float(f"{sign}{scaled[:-places]}.{scaled[-places:]}")
    if isinstance(expr, sp.Pow):
        return sp.Pow(_decimalize(expr.base), expr.exp, evaluate=False)
    if isinstance(expr, sp.Mul) and any(isinstance(f, sp.Pow) and not f.exp.is_Integer for f in expr.args):
        return expr
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    return expr.func(*[_decimalize(arg) for arg in expr.args])


def identity_residuals(lhs, rhs) -> tuple[sp.Expr, ...]:
    """Residuals saying lhs (evaluated with .doit()) equals rhs, elementwise for matrices."""
    left = lhs.doit() if hasattr(lhs, "doit") else lhs
    right = rhs.doit() if hasattr(rhs, "doit") else rhs
    if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
        diff = sp.Matrix(left) - sp.Matrix(right)
        return tuple(diff)
    return (sp.Integer(0) + (left - right),)


def is_zero(expr: sp.Expr, symbols=None, trials: int = 8, tol: float = 1e-9, seed: int = 0) -> bool:
    """True when ``expr`` is identically zero: by simplification, else at random points."""
    import random

    expr = sp.Integer(0) + expr  # numbers become sympy numbers (never parses strings)
    if expr == 0 or sp.simplify(expr) == 0:
        return True
    free = sorted(expr.free_symbols, key=str) if symbols is None else list(symbols)
    rng = random.Random(seed)
    terms = sp.Add.make_args(sp.expand(expr))
    for _ in range(trials):
        point = {s: sp.Float(rng.uniform(-3, 3)) for s in free}
        value = complex(expr.subs(point).evalf())
        scale = 1.0 + sum(abs(complex(t.subs(point).evalf())) for t in terms)
        if abs(value) > tol * scale:
            return False
    return True
