"""The SVD derivation, every step computed by sympy: A = UΣVᵀ, σᵢ = √λᵢ(AᵀA), the rank-k
truncation, Eckart–Young, the storage count and PSNR — then the same with the learner's numbers.

Qt-free and global-free: ``live_steps(params)`` reads only the numbers the explorer's params()
returns (a, b, c, d of the 2×2 tab; k, m, n, channels, norm, tail, drop1..3, rel_error, psnr).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from app.derivations.base import Step, identity_residuals

#: the worked example: small integers whose SVD is exact (σ = 3√5, √5)
EXAMPLE = ((3, 0), (4, 5))

k, m, n = sp.symbols("k m n", positive=True, integer=True)
E, N = sp.symbols(r"\varepsilon N", positive=True)  # E = ‖A − A_k‖_F, N = number of pixel values


def _unit(v: sp.Matrix) -> sp.Matrix:
    return (v / sp.sqrt(sum(x**2 for x in v))).applyfunc(sp.radsimp)


@cache
def _example():
    """(A, U, Σ, V, λs) for EXAMPLE, all by sympy: V from the eigenvectors of AᵀA, U = AV/σ."""
    A = sp.Matrix(EXAMPLE)
    AtA = A.T * A
    pairs = sorted(AtA.eigenvects(), key=lambda t: -t[0])  # λ descending
    lams = [lam for lam, mult, vecs in pairs for _ in range(mult)]
    V = sp.Matrix.hstack(*[_unit(v) for _, _, vecs in pairs for v in vecs])
    sig = [sp.sqrt(lam) for lam in lams]
    S = sp.diag(*sig)
    U = sp.Matrix.hstack(*[(A * V[:, i] / sig[i]).applyfunc(sp.radsimp) for i in range(2)])
    return A, U, S, V, lams


def _mul(*factors):
    return sp.MatMul(*factors, evaluate=False)


def _simplified(residuals) -> tuple[sp.Expr, ...]:
    return tuple(sp.simplify(r) for r in residuals)


def symbolic_steps() -> list[Step]:
    A, U, S, V, lams = _example()
    lam = sp.Symbol("lambda")
    charpoly = (A.T * A - lam * sp.eye(2)).det()
    sig = [S[0, 0], S[1, 1]]
    u = [U[:, i] for i in range(2)]
    v = [V[:, i] for i in range(2)]
    A1 = (sig[0] * u[0] * v[0].T).applyfunc(sp.simplify)
    layer2 = (sig[1] * u[1] * v[1].T).applyfunc(sp.simplify)
    diff = A - A1
    frob = sp.Add(*[sp.Pow(x, 2, evaluate=False) for x in diff], evaluate=False)
    stored = k * m + k + k * n
    psnr_def = 10 * sp.log(1 / (E**2 / N), 10)
    psnr_form = 20 * sp.log(sp.sqrt(N), 10) - 20 * sp.log(E, 10)
    return [
        Step("Factor A = UΣVᵀ", A, _mul(U, S, V.T),
             "Every matrix is a rotation Vᵀ, a stretch Σ along the axes, and a rotation U. "
             "Here A is a small example whose factors sympy finds exactly.",
             _simplified(identity_residuals(A, U * S * V.T))),
        Step("AᵀA = VΣ²Vᵀ", A.T * A, _mul(V, S**2, V.T),
             "U cancels (UᵀU = I), so V holds the eigenvectors of the symmetric matrix AᵀA "
             "and Σ² its eigenvalues.",
             _simplified(identity_residuals(A.T * A, V * S**2 * V.T))),
        Step("σᵢ = √λᵢ(AᵀA)", sp.Matrix([sp.sqrt(x) for x in sp.roots(charpoly, lam, multiple=True)[::-1]]),
             sp.Matrix(sig),
             f"The eigenvalues solve det(AᵀA − λI) = {sp.expand(charpoly)} = 0; their square roots are "
             "the singular values, largest first.",
             _simplified(tuple(sp.Matrix([sp.sqrt(x) for x in sorted(sp.roots(charpoly, lam, multiple=True),
                                                                        reverse=True)]) - sp.Matrix(sig))
                         + tuple(charpoly.subs(lam, s**2) for s in sig))),
        Step("Rank-k truncation A_k = Σ_{i≤k} σᵢuᵢvᵢᵀ", _mul(sig[0], u[0], v[0].T), A1,
             "Keep only the first k rank-1 layers. Here k = 1: A₁ = σ₁u₁v₁ᵀ, and A − A₁ is exactly the "
             "dropped layer σ₂u₂v₂ᵀ.",
             _simplified(tuple(diff - layer2))),
        Step("Eckart–Young: ‖A − A_k‖²_F = Σ_{i>k} σᵢ²", frob, sig[1] ** 2,
             "The squared error of the best rank-k approximation is the energy of the dropped singular "
             "values — no other rank-k matrix does better.",
             _simplified((frob.doit() - sig[1] ** 2,))),
        Step("Storage: k(m + n + 1) numbers", stored, sp.factor(stored),
             "A_k needs k columns of U (k·m numbers), k singular values and k rows of Vᵀ (k·n numbers), "
             "instead of m·n pixels: compression ratio m·n / (k(m + n + 1)).",
             (sp.expand(stored - k * (m + n + 1)),)),
        Step("PSNR = 10·log₁₀(1 / MSE)", psnr_def, psnr_form,
             "With pixel values in [0, 1] the peak is 1 and MSE = ε²/N, where ε = ‖A − A_k‖_F and N counts "
             "the pixel values: every 20 dB means 10× smaller error.",
             (sp.simplify(sp.expand_log(psnr_def - psnr_form, force=True)),)),
    ]


def _f(x: float, digits: int = 4) -> sp.Float:
    return sp.Float(float(x), digits)


def live_steps(params: dict[str, float]) -> list[Step]:
    steps = [_live_2x2(params)]
    if params.get("m", 0) >= 1 and params.get("norm", 0) > 0:
        steps += _live_image(params)
    return steps


def _live_2x2(params) -> Step:
    a, b, c, d = (float(params.get(x, y)) for x, y in (("a", 1.0), ("b", 0.0), ("c", 0.0), ("d", 1.0)))
    A = sp.Matrix([[a, b], [c, d]])
    AtA = A.T * A
    lam = sp.Symbol("lambda")
    poly = sp.Poly((AtA - lam * sp.eye(2)).det(), lam)
    tr, det = float(AtA.trace()), float(AtA.det())
    disc = max(tr * tr - 4 * det, 0.0) ** 0.5
    lams = [max((tr + disc) / 2, 0.0), max((tr - disc) / 2, 0.0)]
    sig = [x**0.5 for x in lams]
    scale = 1.0 + tr * tr
    return Step(
        "Your 2×2 matrix: σᵢ = √λᵢ(AᵀA)",
        sp.Matrix([sp.sqrt(_f(x), evaluate=False) for x in lams]),
        sp.Matrix([_f(s) for s in sig]),
        f"For A = [[{a:.3g}, {b:.3g}], [{c:.3g}, {d:.3g}]] from the Geometry tab: AᵀA has eigenvalues {lams[0]:.4g} and {lams[1]:.4g}, "
        f"so the circle becomes an ellipse with semi-axes σ₁ = {sig[0]:.4g} and σ₂ = {sig[1]:.4g}.",
        tuple(sp.Float(poly.eval(s * s)) / scale for s in sig),
        rel="≈", live=True,
    )


def _live_image(params) -> list[Step]:
    kk = int(round(params["k"]))
    mm, nn = int(round(params["m"])), int(round(params["n"]))
    C = int(round(params.get("channels", 1)))
    norm, tail = float(params["norm"]), max(float(params.get("tail", 0.0)), 0.0)
    U = sp.UnevaluatedExpr
    stored = sp.Mul(U(sp.Integer(kk)), U(sp.Add(sp.Integer(mm), sp.Integer(nn), sp.Integer(1), evaluate=False)),
                    evaluate=False)
    value = kk * (mm + nn + 1)
    steps = [Step(
        f"Your image: storage at k = {kk}", stored, sp.Integer(value),
        f"Per channel ({C} channel{'s' if C > 1 else ''}): {value:,} numbers instead of {mm * nn:,} — "
        f"a compression ratio of {mm * nn / value:.2f}.",
        (stored.doit() - value,), live=True,
    )]
    drops = [float(params.get(f"drop{i}", 0.0)) for i in (1, 2, 3)]
    drops = [x for x in drops if x > 0]
    rest = max(tail - sum(x * x for x in drops), 0.0)
    terms = [sp.Pow(_f(x), 2, evaluate=False) for x in drops] + ([_f(rest)] if rest > 0 else [])
    inner = sp.Add(*terms, evaluate=False) if terms else sp.Integer(0)
    rel = (tail**0.5) / norm
    lhs = sp.Mul(sp.sqrt(inner, evaluate=False), sp.Pow(_f(norm), -1, evaluate=False), evaluate=False)
    names = ", ".join(f"σ{kk + i + 1} = {x:.4g}" for i, x in enumerate(drops))
    steps.append(Step(
        "Your image: the dropped σ's give the error", lhs, _f(rel, 5),
        (f"Eckart–Young: √(Σ_{{i>{kk}}} σᵢ²) / ‖A‖_F. The first dropped values are {names}"
         + (f", the rest add {rest:.4g}" if rest > 0 else "") + f"; relative error {100 * rel:.3f} %.")
        if drops else "Nothing is dropped: A_k = A exactly.",
        (sp.Float(rel - (tail**0.5) / norm),), rel="≈", live=True,
    ))
    total = mm * nn * C
    if tail > 0:
        psnr = 10 * _log10(total / tail)
        ratio = sp.Mul(sp.Integer(total), sp.Pow(_f(tail), -1, evaluate=False), evaluate=False)
        lhs = sp.Mul(10, sp.log(U(ratio)), sp.Pow(sp.log(10), -1, evaluate=False), evaluate=False)
        steps.append(Step(
            "Your image: PSNR = 10·log₁₀(N / ε²)", lhs, _f(psnr, 5),
            f"N = {mm}·{nn}·{C} = {total:,} pixel values and ε² = {tail:.4g}: PSNR ≈ {psnr:.2f} dB "
            f"(around 30 dB most people stop seeing the difference).",
            (sp.Float(psnr - 10 * _log10(total / tail)),), rel="≈", live=True,
        ))
    return steps


def _log10(x: float) -> float:
    import math

    return math.log10(x)
