"""The derivation behind the linear-map explorer: columns, determinant, characteristic polynomial,
eigenvalues and eigenvectors of A = [[a, b], [c, d]] — first in symbols, then in the learner's
current numbers. Every right-hand side is computed by sympy; every step carries residuals that
are identically zero exactly when the step is true. No Qt.
"""

from __future__ import annotations

from functools import cache
from math import floor, gcd, isqrt, lcm, log10, sqrt

import sympy as sp

from app.derivations.base import Step, as_expr, identity_residuals
from app.models.linear import PARAMS

TITLE = "Determinant and eigenvalues of a 2×2 matrix"

a, b, c, d = sp.symbols("a b c d", real=True)
lam = sp.Symbol("lambda")
I2 = sp.ImmutableMatrix(sp.eye(2))
E1, E2 = sp.ImmutableMatrix([1, 0]), sp.ImmutableMatrix([0, 1])


class PlusMinus(sp.Expr):
    """``x ± y`` for display; ``values()`` gives (x + y, x − y). Never evaluated by itself."""

    def __new__(cls, x, y):
        return sp.Expr.__new__(cls, as_expr(x), as_expr(y))

    def values(self) -> tuple[sp.Expr, sp.Expr]:
        x, y = self.args
        return x + y, x - y

    def _latex(self, printer) -> str:
        x, y = self.args
        head = "" if x == 0 else printer._print(x) + " "
        return rf"{head}\pm {printer._print(y)}"


class Listing(sp.Basic):
    """Comma-separated items, e.g. ``λ₁ = 3, λ₂ = −1``, for display."""

    def _latex(self, printer) -> str:
        return r",\ \ ".join(printer._print(arg) for arg in self.args)


class Approx(sp.Basic):
    """``x ≈ y`` for display (sympy has no such relation)."""

    def _latex(self, printer) -> str:
        return rf"{printer._print(self.args[0])} \approx {printer._print(self.args[1])}"


def _charpoly(m: sp.MatrixBase) -> sp.Expr:
    return m.charpoly(lam).as_expr()


# The live steps' residuals are written out for 2×2 (no Matrix products or .doit(), which run
# sympy's simplifying dot products and cost ~1 ms each on every drag frame).
def _det2(m) -> sp.Expr:
    return m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]


def _stretch_residuals(A, v, value) -> tuple[sp.Expr, ...]:
    """The components of A·v − value·v, left unevaluated: with surds, sympy's automatic
    expansion costs milliseconds that only a test needs to spend."""
    with sp.evaluate(False):
        return tuple(sp.Add(A[i, 0] * v[0], A[i, 1] * v[1], -value * v[i]) for i in range(2))


def _root_residual(p_coeffs, root) -> sp.Expr:
    """p(root) for p = λ² + c1·λ + c0, unevaluated (see above)."""
    c1, c0 = p_coeffs
    with sp.evaluate(False):
        return sp.Add(root**2, c1 * root, c0)


# --- in symbols (slow to compute, so computed once) -----------------------------------------
@cache
def _symbolic() -> tuple[Step, ...]:
    A = sp.ImmutableMatrix([[a, b], [c, d]])
    p = _charpoly(A)

    columns = sp.MatMul(A, E1)
    det_lhs = sp.Determinant(A)
    shifted = sp.Determinant(sp.ImmutableMatrix(A - lam * I2))
    # λ² − (tr A)λ + det A, with both coefficients computed by sympy; kept unevaluated to read well
    poly = sp.Add(lam**2, sp.Mul(-1, A.trace(), lam, evaluate=False), A.det(), evaluate=False)

    lo, hi = sorted(sp.solve(p, lam), key=lambda r: sp.default_sort_key(r))
    mean = sp.factor((lo + hi) / 2)
    spread = sp.simplify((hi - lo) / 2)
    if spread.could_extract_minus_sign():
        spread = -spread
    roots = PlusMinus(mean, spread)

    # sympy's eigenvector for an eigenvalue λ is ((λ − d)/c, 1); scaled by c it holds for c = 0 too
    val, _, (vec,) = A.eigenvects()[0]
    radical = next(x for x in val.atoms(sp.Pow) if x.exp == sp.S.Half)  # the square root in λ
    as_lam = {radical: sp.solve(sp.Eq(val, lam), radical)[0]}
    v = sp.ImmutableMatrix([sp.simplify(sp.expand(c * x).subs(as_lam)) for x in vec])
    eig_residuals = tuple(r for root in roots.values() for r in ((A * v - lam * v).subs(lam, root)))

    return (
        Step("Columns are where î and ĵ land", columns, A * E1,
             "A sends î = (1, 0) to its first column (a, c), and ĵ = (0, 1) to its second column (b, d).",
             identity_residuals(columns, A * E1) + tuple(A * E2 - A[:, 1])),
        Step("Determinant", det_lhs, A.det(),
             "The determinant is the signed area of the unit square after the map.",
             identity_residuals(det_lhs, A.det())),
        Step("Characteristic polynomial", shifted, poly,
             "λ is an eigenvalue exactly when A − λI squashes the plane, so this polynomial is zero.",
             identity_residuals(shifted, poly) + (poly.doit() - p,)),
        Step("Eigenvalues", lam, roots,
             "Solving the quadratic gives two eigenvalues, complex when the number under the root is negative.",
             tuple(p.subs(lam, r) for r in roots.values())),
        Step("Eigenvectors", sp.MatMul(A, v), sp.MatMul(lam, v),
             "For each eigenvalue λ, v = (λ − d, c) is only stretched by A (when v is not zero).",
             eig_residuals),
    )


def symbolic_steps() -> list[Step]:
    """The derivation in symbols a, b, c, d (computed once, then cached)."""
    return list(_symbolic())


# --- in the learner's numbers (fast: no simplify, no solve) ----------------------------------
def _exact(x: float) -> sp.Rational:
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"matrix entries must be finite numbers, got {x}")
    return sp.Rational(str(round(x, 2)))


def _num(x: sp.Expr) -> str:
    """A number for a sentence: exact decimals stay exact, others get 2 places; a real minus sign."""
    if isinstance(x, sp.Rational):
        text = str(sp.Float(x, 20)).rstrip("0").rstrip(".") if x.q != 1 else str(x.p)
        if len(text.partition(".")[2]) > 4:
            text = f"{float(x):.2f}"
    else:
        v = complex(x).real
        text = f"{v:.{_places(v)}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _places(v: float) -> int:
    """Two decimal places, or three significant digits for small numbers (0.0554, not 0.06)."""
    return 2 if v == 0 or abs(v) >= 1 else max(2, 2 - floor(log10(abs(v))))


def _dec(x: complex) -> sp.Expr:
    """A (complex) Python number rounded for display after ≈; 1.00 shows as 1."""
    z = complex(x)

    def part(v: float) -> sp.Expr:
        text = f"{v:.{_places(v)}f}".rstrip("0").rstrip(".")
        return sp.Integer(int(text)) if "." not in text else sp.Float(text)

    return part(z.real) + part(z.imag) * sp.I


def _nice(v: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
    """Scale an exact vector to small integers (Gaussian integers for a complex pair) with its
    first non-zero entry positive; a vector with surds is only given that sign."""
    first = next(x for x in v if x != 0)
    if any(x.has(sp.Pow) for x in v):  # a surd: leave it as it is
        return sp.ImmutableMatrix([-x for x in v]) if first.could_extract_minus_sign() else v
    if not first.is_Rational:
        v = sp.ImmutableMatrix([sp.expand(x / first) for x in v])
    coeffs = [q for x in v for q in x.as_coefficients_dict().values()]
    den = lcm(*(int(q.q) for q in coeffs))
    num = gcd(*(int(q * den) for q in coeffs)) or 1
    scale = sp.Rational(den, num) * (-1 if next(x for x in v if x != 0).could_extract_minus_sign() else 1)
    return sp.ImmutableMatrix([sp.expand(x * scale) for x in v])


def _eigenvector(A: sp.ImmutableMatrix, value: sp.Expr) -> sp.ImmutableMatrix:
    """A non-zero v with (A − value·I) v = 0 for a rank-1 A − value·I, from a non-zero row."""
    (n00, n01), (n10, n11) = (A[0, 0] - value, A[0, 1]), (A[1, 0], A[1, 1] - value)
    v = [n01, -n00] if (n00 != 0 or n01 != 0) else [n11, -n10]
    return _nice(sp.ImmutableMatrix([-x for x in v]))


def live_steps(params: dict) -> list[Step]:
    """The same chain for the current a, b, c, d (rounded to 2 places, then exact). ``t`` is ignored:
    the derivation is about A itself, not the animation from I to A."""
    values = {k: _exact(params.get(k, PARAMS[k].default)) for k in "abcd"}
    A = sp.ImmutableMatrix([[values["a"], values["b"]], [values["c"], values["d"]]])
    tr, det = A[0, 0] + A[1, 1], A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    p = lam**2 - tr * lam + det
    steps = [_your_matrix(A, det), _your_poly(A, p, tr, det)]

    disc = tr**2 - 4 * det  # = (a − d)² + 4bc
    mean = tr / 2
    if disc == 0:
        steps += _repeated(A, p, mean)
    else:
        half = _sqrt(abs(disc)) / 2 * (sp.I if disc < 0 else 1)
        steps += _distinct(A, p, mean, half, disc)
    return steps


def _sqrt(q: sp.Rational) -> sp.Expr:
    """√q, exact; a perfect square is spotted without sympy's factoring (the common case)."""
    p_root, q_root = isqrt(int(q.p)), isqrt(int(q.q))
    if p_root * p_root == q.p and q_root * q_root == q.q:
        return sp.Rational(p_root, q_root)
    return sp.sqrt(q)


def _your_matrix(A, det) -> Step:
    lhs = sp.Determinant(A)
    if det > 0:
        note = f"Your map scales every area by {_num(det)} and keeps the orientation."
    elif det < 0:
        note = f"Your map scales every area by {_num(-det)} and flips the orientation over."
    elif A.is_zero_matrix:
        note = "det A = 0: your map sends the whole plane to a single point."
    else:
        note = "det A = 0: your map squashes the whole plane onto a line."
    return Step("Your matrix", lhs, det, note, (_det2(A) - det,), live=True)


def _your_poly(A, p, tr, det) -> Step:
    shifted = sp.ImmutableMatrix(A - lam * I2)
    note = f"Its coefficients are the trace a + d = {_num(tr)} and the determinant {_num(det)}."
    return Step("Your characteristic polynomial", sp.Determinant(shifted), p, note,
                (_det2(shifted) - p,), live=True)


def _repeated(A, p, value) -> list[Step]:
    l1, l2 = sp.symbols("lambda_1 lambda_2")
    vals = Step("Your eigenvalues", sp.Eq(l1, l2, evaluate=False), value,
                "The number under the root is zero, so the two eigenvalues coincide.",
                (p.xreplace({lam: value}), sp.diff(p, lam).xreplace({lam: value})), live=True)
    if A == value * I2:
        vecs = Step("Every vector is an eigenvector", A, sp.MatMul(value, I2),
                    f"A = λI multiplies every vector by λ = {_num(value)}, so every non-zero vector "
                    f"is an eigenvector.", tuple(A - value * I2), live=True)
    else:
        v = _eigenvector(A, value)
        vecs = Step("Your only eigenvector direction", sp.MatMul(A, v), sp.MatMul(value, v),
                    "Only one direction is kept, so your matrix is defective, like a shear.",
                    _stretch_residuals(A, v, value), live=True)
    return [vals, vecs]


def _readable(surd: sp.Expr) -> bool:
    """Whether an exact surd reads well (√5/2 does, √102579/200 does not: show decimals then)."""
    coeff, rest = surd.as_coeff_Mul()
    return isinstance(rest, sp.Pow) and rest.base < 100 and coeff.q <= 20 and abs(coeff.p) < 20


def _distinct(A, p, mean, half, disc) -> list[Step]:
    first, second = mean + half, mean - half
    complex_pair = disc < 0
    beta = half / sp.I if complex_pair else half
    exact = beta.is_Rational  # a perfect square under the root
    spread = sqrt(abs(float(disc))) / 2 * (1j if complex_pair else 1)
    # the exact roots, if they read well; otherwise λ ≈ α ± β in decimals (residuals stay exact)
    shown = (sp.Eq(lam, PlusMinus(mean, half), evaluate=False) if exact or _readable(beta)
             else Approx(lam, PlusMinus(mean, _dec(spread))))
    residuals = tuple(_root_residual((-2 * mean, _det2(A)), root) for root in (first, second))
    first_f, second_f = float(mean) + spread, float(mean) - spread
    if complex_pair:
        note = f"(a − d)² + 4bc = {_num(disc)} is negative, so the eigenvalues are a complex pair α ± βi."
        if exact or not isinstance(shown, sp.Eq):
            lhs, rhs = shown.args
            vals = Step("Your eigenvalues", lhs, rhs, note, residuals, rel="=" if exact else "≈", live=True)
        else:
            vals = Step("Your eigenvalues", shown, PlusMinus(mean, _dec(spread)), note, residuals,
                        rel="≈", live=True)
    else:
        note = "Two different real eigenvalues: two directions that your map only stretches."
        l1, l2 = sp.symbols("lambda_1 lambda_2")
        if exact:
            rhs = Listing(sp.Eq(l1, first, evaluate=False), sp.Eq(l2, second, evaluate=False))
        else:
            rhs = Listing(Approx(l1, _dec(first_f)), Approx(l2, _dec(second_f)))
        vals = Step("Your eigenvalues", shown, rhs, note, residuals, rel="⇒", live=True)

    v1, v2 = _eigenvector(A, first), _eigenvector(A, second)
    residuals = _stretch_residuals(A, v1, first) + _stretch_residuals(A, v2, second)
    rel = "=" if exact else "≈"
    if complex_pair:
        note = "The eigenvector has complex entries, so no real line stays in place: your map rotates."
    else:
        other = ", ".join(_num(x) for x in (v2 if exact else (1, (second_f - float(A[0, 0])) / float(A[0, 1]))))
        note = (f"A only stretches v₁, by λ₁ {rel} {_num(first if exact else first_f)}; "
                f"and v₂ {rel} ({other}) by λ₂ {rel} {_num(second if exact else second_f)}.")
    if exact:
        lhs, rhs = sp.MatMul(A, v1), sp.MatMul(first, v1)
    else:  # surds would make the line unreadable: show the same check in rounded numbers
        # irrational λ means bc ≠ 0, so v₁ ∥ (b, λ₁ − a) = b·(1, (λ₁ − a)/b)
        a_, b_ = float(A[0, 0]), float(A[0, 1])
        shown_v = sp.ImmutableMatrix([1, _dec((first_f - a_) / b_)])
        lhs, rhs = sp.MatMul(A, shown_v), sp.MatMul(_dec(first_f), shown_v)
    return [vals, Step("Your eigenvectors", lhs, rhs, note, residuals, rel=rel, live=True)]
