"""The derivation behind the attention explorer, in the explorer's stages: Q, K, V → QKᵀ → ÷√d_k
→ + mask → softmax → ·V. First in symbols (why √d_k: Var(q·k) = d_k; why subtracting the max is
safe; the softmax Jacobian), then the learner's current query row in numbers.

Qt-free and global-free: ``live_steps(params)`` reads only the numbers the explorer's params()
returns — the config (d_k, temperature, scaled, query, head, tokens) and the selected query row of
the selected head: ``score_j`` (q·k_j), ``masked_j`` (1 = masked), ``weight_j`` (the model's
softmax), ``value_j_a`` and ``out_a`` for the first ``dims`` coordinates of v_j and of the output.
Every live residual compares the model's numbers with sympy's own computation from the scores.
"""

from __future__ import annotations

import math
from functools import cache

import sympy as sp

from app.derivations.base import Step, identity_residuals

TITLE = "Scaled dot-product attention, stage by stage"

#: the small sizes the symbolic steps use (Var(q·k) = d is proved for each of these d)
N_SMALL = 3
VAR_DIMS = (1, 2, 3, 4)
#: a live row longer than this shows its largest-weight entries only
SHOW = 6

softmax = sp.Function("softmax")
Var = sp.Function("Var")
E = sp.Function("E")


# Display-only expressions: never evaluated, printed in the order given (sympy's Add and Mul
# would sort the terms). The residuals of each step are computed separately, by sympy.
class Listing(sp.Expr):
    """Comma-separated items, e.g. ``p_{3} = 0.81, p_{1} = 0.12, …``."""

    def _latex(self, printer) -> str:
        return r",\; ".join(printer._print(arg) for arg in self.args)


class Plus(sp.Expr):
    """``a + b + …`` in this order."""

    def _latex(self, printer) -> str:
        return " + ".join(printer._print(arg) for arg in self.args)


class Times(sp.Expr):
    """``a · b`` in this order (a weight times a value vector)."""

    def _latex(self, printer) -> str:
        return r" \, ".join(printer._print(arg) for arg in self.args)


class Over(sp.Expr):
    """``a / b`` as a fraction, a being a row of numbers."""

    def _latex(self, printer) -> str:
        return rf"\frac{{{printer._print(self.args[0])}}}{{{printer._print(self.args[1])}}}"


class Jacobian(sp.Expr):
    """``∂p/∂x``: the Jacobian matrix of the vector p with respect to the vector x (display only)."""

    def _latex(self, printer) -> str:
        f, x = (printer._print(arg) for arg in self.args)
        return rf"\frac{{\partial {f}}}{{\partial {x}}}"


class Dots(sp.Expr):
    def _latex(self, printer) -> str:
        return r"\ldots"


def _vec(prefix: str, n: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"{prefix}_1:{n + 1}", real=True))


def expectation(expr: sp.Expr, variables) -> sp.Expr:
    """E[expr] for a polynomial in independent variables with mean 0 and variance 1 (the Gaussian
    moments are used for higher powers: E[z³] = 0, E[z⁴] = 3, …)."""
    poly = sp.Poly(sp.expand(expr), *variables)
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        moment = sp.Integer(1)
        for p in powers:
            moment *= 0 if p % 2 else sp.factorial2(p - 1)  # E[z^p] of a standard normal
        total += coeff * moment
    return total


def variance_of_dot(d: int, scale: sp.Expr | None = None) -> sp.Expr:
    """Var(scale · q·k) for q, k ∈ ℝᵈ with i.i.d. mean-0, variance-1 entries, computed by sympy."""
    q, k = _vec("q", d), _vec("k", d)
    s = (1 if scale is None else scale) * sum(a * b for a, b in zip(q, k, strict=True))
    return sp.simplify(expectation(s**2, q + k) - expectation(s, q + k) ** 2)


def _softmax_vec(x) -> sp.Matrix:
    z = sum(sp.exp(v) for v in x)
    return sp.Matrix([sp.exp(v) / z for v in x])


# --- in symbols (computed once) -------------------------------------------------------------------
@cache
def _symbolic() -> tuple[Step, ...]:
    n = N_SMALL
    x_row = sp.Matrix([_vec("x", 2)])
    WQ = sp.Matrix(2, 2, sp.symbols("w_11 w_12 w_21 w_22", real=True))
    proj = sp.MatMul(x_row, WQ)
    q, k = sp.Matrix([_vec("q", n)]), sp.Matrix([_vec("k", n)])
    dot = sp.MatMul(q, k.T)
    dk, a = sp.symbols("d_k a", positive=True, integer=True)
    qa, ka = sp.Indexed("q", a), sp.Indexed("k", a)
    var_lhs = Var(sp.Sum(qa * ka, (a, 1, dk)))
    var_res = tuple(variance_of_dot(d) - d for d in VAR_DIMS)
    scaled_lhs = Var(sp.Sum(qa * ka, (a, 1, dk)) / sp.sqrt(dk))
    scaled_res = tuple(variance_of_dot(d, 1 / sp.sqrt(d)) - 1 for d in VAR_DIMS)

    x = _vec("x", n)
    p = _softmax_vec(x)
    c = sp.Symbol("c", real=True)
    shifted = _softmax_vec([v + c for v in x])
    masked = _softmax_vec([x[0], x[1], -sp.oo])
    unmasked = list(_softmax_vec(x[:2])) + [sp.Integer(0)]
    ps = sp.Matrix(_vec("p", n))
    jac_of_p = p.jacobian(sp.Matrix(x))
    jac_form = sp.diag(*ps) - ps * ps.T
    J_in_x = jac_form.subs(dict(zip(ps, p, strict=True)))
    P = sp.Matrix([_vec("p", n)])
    V = sp.Matrix(n, 2, lambda i, j: sp.Symbol(f"v_{i + 1}{j + 1}", real=True))
    weighted = sp.MatMul(P, V)
    as_sum = sum((P[j] * V[j, :] for j in range(n)), sp.zeros(1, 2))

    return (
        Step("Q, K, V: three views of each token", proj, x_row * WQ,
             "Each token's vector x meets three learned matrices: q = x·W_Q asks, k = x·W_K answers, "
             "v = x·W_V is passed on (shown for d = 2).",
             identity_residuals(proj, x_row * WQ)),
        Step("QKᵀ: one score per query–key pair", dot, (q * k.T)[0],
             "Score s_ij = q_i·k_j: large when the query points the same way as the key.",
             (dot.doit()[0] - (q * k.T)[0],)),
        Step("Why divide by √d_k: Var(q·k) = d_k", var_lhs, dk,
             "With independent mean-0, variance-1 entries each q_a·k_a has variance 1, and they add up "
             f"(sympy checks d = {', '.join(map(str, VAR_DIMS))}).",
             var_res),
        Step("÷√d_k brings the scores back to variance 1", scaled_lhs, sp.Integer(1),
             "Without it the scores grow like √d_k and the softmax saturates: one weight ≈ 1, gradients ≈ 0. "
             "T divides once more.",
             scaled_res),
        Step("+ mask: a masked key gets −∞, so weight 0", softmax(x[0], x[1], -sp.oo), sp.Matrix(unmasked),
             "e^(−∞) = 0: the key drops out. The causal mask puts −∞ above the diagonal; a fully masked row "
             "gives zeros, as in PyTorch.",
             tuple(masked - sp.Matrix(unmasked))),
        Step("softmax: exponentiate and normalise", softmax(*x), p,
             "Every weight is positive and each row sums to 1.",
             (sp.simplify(sum(p) - 1),)),
        Step("Adding a constant changes nothing", softmax(*[v + c for v in x]), softmax(*x),
             "e^c cancels. With c = −max x every exponent is ≤ 0 (no overflow) and one term is 1: why the "
             "stable softmax subtracts the max.",
             tuple(sp.simplify(shifted - p))),
        Step("The softmax Jacobian: diag(p) − ppᵀ", Jacobian(sp.Symbol("p"), sp.Symbol("x")), jac_form,
             "p = softmax(x); the entry (i, j) of ∂p/∂x is ∂p_i/∂x_j = p_i(δ_ij − p_j). Rows sum to 0 (the shift invariance); when one p ≈ 1 it is all ≈ 0: "
             "a saturated softmax barely learns.",
             tuple(sp.simplify(jac_of_p - J_in_x)) + tuple(sp.simplify(sum(jac_form.row(i)).subs(
                 ps[-1], 1 - sum(ps[:-1]))) for i in range(n))),
        Step("· V: the output is a weighted average of values", weighted, as_sum,
             "o_i = Σ_j p_ij·v_j: weights ≥ 0 that sum to 1, so the output is an average of the values, "
             "pulled towards the matched keys.",
             tuple(weighted.doit() - as_sum)),
    )


def symbolic_steps() -> list[Step]:
    """The derivation in symbols (computed once, then cached)."""
    return list(_symbolic())


# --- in the learner's numbers ----------------------------------------------------------------------
# The live residuals are computed in plain floats (math.exp, math.fsum), by code independent of
# the model's numpy path, so they are real cross-checks — and a 200-token row stays a few ms.
# The Jacobian is differentiated by sympy once and evaluated from then on.

def _f(x: float, digits: int = 4) -> sp.Expr:
    """A number for display: 4 significant digits, −∞ kept."""
    if x == -math.inf:
        return -sp.oo
    return sp.Float(float(x), digits)


def _txt(x: float) -> str:
    """A number for a sentence: 4 significant digits and a real minus sign."""
    return f"{x:.4g}".replace("-", "−")


def _res(values) -> tuple[sp.Expr, ...]:
    return tuple(sp.Float(float(v)) for v in values)


def _shown(n: int, weights: list[float]) -> list[int]:
    """Which keys a step displays: all of a short row, else the largest weights (in key order)."""
    if n <= SHOW:
        return list(range(n))
    return sorted(sorted(range(n), key=lambda j: -weights[j])[:SHOW - 1])


def _row(name: str, values: dict[int, sp.Expr], n: int) -> sp.Expr:
    """A short row as a 1×n matrix; a long one as ``name_j = value`` items and an ellipsis."""
    if len(values) == n:
        return sp.ImmutableMatrix([[values[j] for j in range(n)]])
    items = [sp.Eq(sp.Symbol(f"{name}_{{{j}}}"), v, evaluate=False) for j, v in values.items()]
    return Listing(*items, Dots())


def _entry(name: str) -> sp.Symbol:
    return sp.Symbol(f"{name}_{{j}}")


def live_steps(params: dict[str, float]) -> list[Step]:
    """The selected query row in numbers: scaled scores, mask, stable softmax, Jacobian, output."""
    n = int(params.get("tokens", 0))
    if n <= 0:
        return []
    row = _Row(params, n)
    steps = [_scaled_step(row), _mask_step(row), _softmax_step(row)]
    if row.alive:
        steps.append(_jacobian_step(row))
    if row.dims > 0:
        steps.append(_output_step(params, row))
    return steps


class _Row:
    """The numbers of the selected query row, read from params, and their logits."""

    def __init__(self, params: dict[str, float], n: int):
        self.n = n
        self.query = int(params.get("query", 0))
        self.head = int(params.get("head", 0))
        self.d_k = int(params.get("d_k", 1))
        self.temp = float(params.get("temperature", 1.0))
        self.scaled = bool(round(params.get("scaled", 1.0)))
        self.dims = int(params.get("dims", 0))
        self.s = [float(params[f"score_{j}"]) for j in range(n)]
        self.masked = [bool(round(params.get(f"masked_{j}", 0.0))) for j in range(n)]
        self.w = [float(params[f"weight_{j}"]) for j in range(n)]
        self.factor = (1 / math.sqrt(self.d_k) if self.scaled else 1.0) / self.temp
        self.x = [v * self.factor for v in self.s]
        self.ell = [-math.inf if m else v for v, m in zip(self.x, self.masked, strict=True)]
        self.alive = not all(self.masked)
        self.top = max(self.ell) if self.alive else 0.0
        self.shown = _shown(n, self.w)

    def divisor(self) -> sp.Expr:
        parts = ([sp.sqrt(self.d_k, evaluate=False)] if self.scaled else []) + (
            [_f(self.temp)] if self.temp != 1 else [])
        if not parts:
            return sp.Integer(1)
        return parts[0] if len(parts) == 1 else sp.Mul(*parts, evaluate=False)


def _scaled_step(r: _Row) -> Step:
    who = f"query {r.query}, head {r.head + 1}" if r.head >= 0 else f"query {r.query}, head 1 of the average"
    how = " · ".join(([f"√{r.d_k}"] if r.scaled else []) + ([f"T = {r.temp:.3g}"] if r.temp != 1 else [])) or "1"
    lhs = Over(_row("s", {j: _f(r.s[j]) for j in r.shown}, r.n) if r.n <= SHOW else _entry("s"), r.divisor())
    if r.n > SHOW:
        lhs = sp.Eq(_entry("x"), lhs, evaluate=False)
    note = (f"The {r.n} scores s_j = q·k_j of query {r.query}, divided by {how}"
            + ("" if r.scaled else " (√d_k scaling off)") + "."
            + ("" if r.n <= SHOW else f" Shown: the {SHOW - 1} largest weights."))
    return Step(f"Your row ({who}): scale the scores", lhs, _row("x", {j: _f(r.x[j]) for j in r.shown}, r.n),
                note, _res(x / r.factor - s for x, s in zip(r.x, r.s, strict=True)), rel="≈", live=True)


def _mask_step(r: _Row) -> Step:
    mvals = {j: (-sp.oo if r.masked[j] else sp.Integer(0)) for j in r.shown}
    if r.n <= SHOW:
        lhs = Plus(_row("x", {j: _f(r.x[j]) for j in r.shown}, r.n), _row("m", mvals, r.n))
    else:
        lhs = sp.Eq(sp.Symbol("\\ell_{j}"), Plus(_entry("x"), _entry("m")), evaluate=False)
    count = sum(r.masked)
    note = ("No key is masked for this query: the mask adds 0 everywhere." if count == 0 else
            f"{count} of {r.n} keys are masked (m = −∞): they get weight exactly 0."
            if count < r.n else "Every key is masked: the whole row becomes 0, not NaN.")
    residuals = [math.exp(e) if m else e - x for e, x, m in zip(r.ell, r.x, r.masked, strict=True)]
    return Step("Your row: + mask", lhs, _row("\\ell", {j: _f(r.ell[j]) for j in r.shown}, r.n),
                note, _res(residuals), rel="≈", live=True)


def _softmax_step(r: _Row) -> Step:
    terms = [math.exp(e - r.top) for e in r.ell]  # each ≤ 1: nothing overflows
    z = math.fsum(terms)
    p = [t / z if z > 0 else 0.0 for t in terms]
    residuals = [w - q for w, q in zip(r.w, p, strict=True)] + [math.fsum(r.w) - (1.0 if r.alive else 0.0)]
    best = max(range(r.n), key=lambda j: r.w[j])
    note = (f"Subtract the row max {_txt(r.top)}, exponentiate, divide by the sum. The largest weight, "
            f"{r.w[best]:.4f}, goes to key {best}." if r.alive else
            "Every key is masked: there is nothing to share, the row is 0.")
    ell = sp.Symbol("\\ell")
    return Step("Your row: stable softmax", softmax(sp.Add(ell, -_f(r.top), evaluate=False)),
                _row("p", {j: _f(r.w[j]) for j in r.shown}, r.n), note, _res(residuals), rel="≈", live=True)


@cache
def _jacobian_function(k: int):
    """sympy's Jacobian of (e^{y_a} / (Σ_b e^{y_b} + R))_a with respect to y, as a float function of
    (y_1 … y_k, R): R is the other keys' share of the sum, held fixed."""
    y = sp.symbols(f"y_1:{k + 1}", real=True)
    rest = sp.Symbol("R", nonnegative=True)
    denom = sum(sp.exp(v) for v in y) + rest
    jac = sp.Matrix([sp.exp(v) / denom for v in y]).jacobian(sp.Matrix(y))
    return sp.lambdify((*y, rest), jac.tolist(), modules="math")


def _jacobian_step(r: _Row) -> Step:
    """diag(p) − ppᵀ on the (up to) three largest weights, against sympy's own derivative."""
    keys = sorted(sorted(range(r.n), key=lambda j: -r.w[j])[:3])
    terms = [math.exp(e - r.top) for e in r.ell]
    rest = math.fsum(terms) - math.fsum(terms[j] for j in keys)
    jac = _jacobian_function(len(keys))(*[r.ell[j] - r.top for j in keys], max(rest, 0.0))
    pk = [r.w[j] for j in keys]
    form = [[(pk[a] if a == b else 0.0) - pk[a] * pk[b] for b in range(len(keys))] for a in range(len(keys))]
    names = ", ".join(str(j) for j in keys)
    sym = sp.Symbol("\\ell")
    note = (f"diag(p) − ppᵀ on keys {names}, the largest weights: "
            + ("one weight is ≈ 1, so every entry is ≈ 0 and the gradient vanishes. Try a higher T."
               if max(r.w) > 0.99 else "raising one score raises its weight and lowers the others."))
    shown = sp.ImmutableMatrix([[_f(v, 3) for v in line] for line in form])
    residuals = [form[a][b] - float(jac[a][b]) for a in range(len(keys)) for b in range(len(keys))]
    return Step(f"Your row: Jacobian on keys {names}", Jacobian(sp.Symbol("p"), sym), shown, note, _res(residuals),
                rel="≈", live=True)


def _output_step(params, r: _Row) -> Step:
    dims = r.dims
    out = [float(params[f"out_{a}"]) for a in range(dims)]
    vals = [[float(params[f"value_{j}_{a}"]) for a in range(dims)] for j in range(r.n)]
    sums = [math.fsum(r.w[j] * vals[j][a] for j in range(r.n)) for a in range(dims)]
    terms = [Times(_f(r.w[j], 3), sp.ImmutableMatrix([[_f(v, 3) for v in vals[j]]]))
             for j in r.shown if r.w[j] > 0]
    if any(r.w[j] > 0 for j in set(range(r.n)) - set(r.shown)):  # "…" only when hidden terms count
        terms.append(Dots())
    lhs = Plus(*terms) if len(terms) > 1 else (terms[0] if terms else sp.Integer(0))
    more = int(params.get("d_k", dims)) - dims
    note = ("The value vectors weighted by the attention weights and summed"
            + (f" (first {dims} of {dims + more} coordinates)." if more > 0 else "."))
    return Step("Your row: output o = Σ p_j·v_j", lhs, sp.ImmutableMatrix([[_f(v) for v in out]]), note,
                _res(o - s for o, s in zip(out, sums, strict=True)), rel="≈", live=True)
