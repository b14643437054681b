"""The derivation behind the gradient-descent race: why GD is stable only for lr < 2/L, and each
optimiser's torch update rule — first in symbols, then on the learner's surface with the current
numbers substituted. Every right-hand side is computed by sympy; residuals are zero exactly when
a step is true (tests check them). No Qt.

The typed surface reaches ``live_steps`` inside ``params`` (numbers only): surface = −1 and the
formula's characters packed by ``app.models.surfaces.encode_text`` (keys typed_len, typed_k).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from app.derivations.base import Step, identity_residuals
from app.models import descent as model
from app.models.expr import X, Y
from app.models.surfaces import TYPED, decode_text, hessian_expr, surface

TITLE = "Gradient descent: stability, momentum and Adam"

eta, mu, lam, t = sp.symbols(r"\eta \mu \lambda t", positive=True)
a, b, c = sp.symbols("a b c", real=True)
alpha, beta1, beta2, eps = sp.symbols(r"\alpha \beta_1 \beta_2 \epsilon", positive=True)
theta0, theta1, g = sp.symbols(r"\theta_{t-1} \theta_t g_t", real=True)
b0, b1 = sp.symbols(r"b_{t-1} b_t", real=True)
s0, s1 = sp.symbols(r"s_{t-1} s_t", real=True)
v0, v1 = sp.symbols(r"v_{t-1} v_t", real=True)
m0, m1 = sp.symbols(r"m_{t-1} m_t", real=True)
grad_sym = sp.Symbol(r"\nabla f")


def rules(opt: str) -> list[tuple[sp.Symbol, sp.Expr]]:
    """The torch update of one coordinate as (new symbol, sympy right-hand side), in order."""
    if opt == "sgd":
        return [(theta1, theta0 - eta * g)]
    if opt == "momentum":
        return [(b1, mu * b0 + g), (theta1, theta0 - eta * b1)]
    if opt == "nesterov":
        return [(b1, mu * b0 + g), (theta1, theta0 - eta * (g + mu * b1))]
    if opt == "adagrad":
        return [(s1, s0 + g**2), (theta1, theta0 - eta * g / (sp.sqrt(s1) + eps))]
    if opt == "rmsprop":
        return [(v1, alpha * v0 + (1 - alpha) * g**2), (theta1, theta0 - eta * g / (sp.sqrt(v1) + eps))]
    return [(m1, beta1 * m0 + (1 - beta1) * g), (v1, beta2 * v0 + (1 - beta2) * g**2),
            (theta1, theta0 - eta * (m1 / (1 - beta1**t)) / (sp.sqrt(v1 / (1 - beta2**t)) + eps))]


# --- in symbols (computed once) ----------------------------------------------------------------
@cache
def _symbolic() -> tuple[Step, ...]:
    f = sp.Rational(1, 2) * (a * X**2 + 2 * b * X * Y + c * Y**2)
    H = sp.ImmutableMatrix([[a, b], [b, c]])
    v = sp.ImmutableMatrix([X, Y])
    grad = sp.ImmutableMatrix([sp.diff(f, X), sp.diff(f, Y)])
    gd = sp.ImmutableMatrix(v - eta * grad)
    lin = sp.ImmutableMatrix((sp.eye(2) - eta * H) * v)
    factor = 1 - eta * lam
    boundary = sp.solve(sp.Eq(factor, -1), eta)[0]  # |1 − ηλ| = 1 on the unstable side
    heavy = theta0 - eta * (mu * b0 + g)
    velocity = theta0 + mu * (-eta * b0) - eta * g
    first = ((1 - beta1) * g) / (1 - beta1**1)
    # in H's eigenbasis H = diag(λ, λ₂): (I − ηH)·e₁ = (1 − ηλ)·e₁
    lam2 = sp.Symbol(r"\lambda_2", positive=True)
    e1 = sp.ImmutableMatrix([1, 0])
    eig_residuals = tuple((sp.eye(2) - eta * sp.diag(lam, lam2)) * e1 - factor * e1)
    return (
        Step("Gradient of a quadratic bowl", grad_sym, grad,
             "For f = ½(a x² + 2b xy + c y²) the gradient is H·(x, y) with the Hessian H = [[a, b], [b, c]].",
             identity_residuals(grad, H * v)),
        Step("One GD step is a linear map", gd, lin,
             "θ ← θ − η∇f = (I − ηH)θ: every step multiplies by the same matrix.",
             identity_residuals(gd, lin)),
        Step("Along an eigenvector of H", sp.Symbol(r"e_{t}"), factor * sp.Symbol(r"e_{t-1}"),
             "Along an eigenvector with eigenvalue λ the error is multiplied by 1 − ηλ each step.",
             eig_residuals),
        Step("GD is stable for η < 2/λ", sp.Symbol(r"\eta_{\max}"), boundary,
             "|1 − ηλ| < 1 ⇔ 0 < η < 2/λ; the largest eigenvalue L sets the limit η < 2/L.",
             (factor.subs(eta, boundary) + 1,)),
        Step("Momentum (torch) = velocity form", heavy, velocity,
             "torch keeps b_t = μ b_{t−1} + g_t and steps −η b_t: the classic velocity v = −η b.",
             (sp.expand(heavy - velocity),)),
        Step("Adam's bias correction", sp.Symbol(r"\hat m_1"), g,
             "m starts at 0, so m₁ = (1 − β₁)g₁ is too small; dividing by 1 − β₁ᵗ undoes that.",
             (sp.simplify(first - g),)),
    )


def symbolic_steps() -> list[Step]:
    return list(_symbolic())


# --- in the learner's numbers --------------------------------------------------------------------
def _num(value: float, digits: int = 4) -> sp.Float:
    return sp.Float(float(f"{value:.{digits}g}"), digits)


def _surface_from(params: dict):
    p = {k: s.default for k, s in model.PARAMS.items()} | dict(params)
    idx = int(round(p["surface"]))
    return p, surface(idx, p["cond"], p["angle"], decode_text(params) if idx == TYPED else None)


def live_steps(params: dict) -> list[Step]:
    p, surf = _surface_from(params)
    f = surf.expr
    shown_f = f.xreplace({n: _num(float(n)) for n in f.atoms(sp.Float)})
    gx, gy = sp.diff(f, X), sp.diff(f, Y)
    grad = sp.ImmutableMatrix([gx, gy])
    grad_shown = grad.xreplace({n: _num(float(n)) for n in grad.atoms(sp.Float)})
    fx = sp.Function("f")(X, Y)
    steps = [
        Step("Your surface", fx, shown_f, f"{surf.title}: the loss the optimisers walk down.", (), "=", True),
        Step("Its gradient (sympy)", grad_sym, grad_shown, "sympy differentiates f with respect to x and y.",
             tuple(sp.ImmutableMatrix([sp.diff(f, X), sp.diff(f, Y)]) - grad), "=", True),
    ]
    steps += _hessian_steps(surf)
    steps += _update_steps(p, surf)
    return steps


def _hessian_steps(surf) -> list[Step]:
    if surf.critical is None:
        return []
    x0, y0 = surf.critical
    hess = hessian_expr(surf.expr)
    point = {X: sp.Float(x0, 17), Y: sp.Float(y0, 17)}
    H = sp.ImmutableMatrix(hess.subs(point).evalf(17))
    q = model.analysis(surf)
    L, mu_ = q["L"], q["mu"]
    saddle = model.is_saddle(mu_, L)
    H_sym = sp.Symbol(rf"H({x0:.4g},\ {y0:.4g})")
    lam_sym = sp.ImmutableMatrix([sp.Symbol(r"\lambda_{\max}"), sp.Symbol(r"\lambda_{\min}")])
    ev = sorted(np.linalg.eigvalsh(np.array(H.tolist(), dtype=float)), reverse=True)
    lams = sp.ImmutableMatrix([sp.Float(v, 17) for v in ev])
    scale = 1 + float(ev[0]) ** 2 + float(ev[1]) ** 2
    where = "the critical point" if saddle else "the minimum"
    steps = [
        Step(f"Hessian at {where}", H_sym, H.applyfunc(lambda v: _num(float(v))),
             "Second derivatives where ∇f = 0" + (", the point the optimisers should reach." if not saddle else "."),
             tuple(sp.ImmutableMatrix(hess.subs(point)) - H), "≈", True),
        Step("Its eigenvalues", lam_sym, lams.applyfunc(lambda v: _num(float(v))),
             "The curvature along the steepest and the flattest direction.",
             tuple((sp.Matrix(H) - v * sp.eye(2)).det() / scale for v in lams), "≈", True),
    ]
    if saddle:
        lam_min = _num(mu_)
        grow = 1 - eta * lam_min
        steps.append(Step("No minimum here: a saddle", sp.Symbol(r"\lambda_{\min}"), _num(mu_),
                          f"A negative eigenvalue: ({x0:.3g}, {y0:.3g}) is a saddle, not a minimum — "
                          "f falls away from it along that eigenvector.",
                          (sp.Float(mu_) - lams[1],), "=", True))
        steps.append(Step("No learning rate converges", sp.Symbol(r"\left|1 - \eta\lambda_{\min}\right|"),
                          1 + eta * abs(lam_min),
                          "Along that eigenvector GD multiplies the distance by |1 − ηλ_min| > 1 for every "
                          "η > 0: it slides off the saddle whatever the learning rate.",
                          (sp.Abs(grow) - (1 + eta * abs(lam_min)),), "=", True))
        return steps
    if mu_ > 0:
        steps.append(Step("Condition number", sp.Symbol(r"\kappa") , _num(L / mu_),
                          "κ = λ_max/λ_min: large κ means a long narrow valley, where plain GD zig-zags.",
                          (sp.Float(L / mu_) * sp.Float(mu_) - sp.Float(L),), "≈", True))
    if L > 0:
        lr_max = 2.0 / L
        steps.append(Step("GD is stable for lr < 2/L", sp.Symbol(r"\eta_{\max}"),
                          sp.Mul(2, sp.Pow(_num(L), -1), evaluate=False),
                          f"Near the minimum, plain GD converges only for lr < 2/L = {lr_max:.4g}.",
                          (sp.Float(lr_max) * sp.Float(L) - 2,), "≈", True))
    return steps


def _shown_update(opt: str, h, values: dict, step: int) -> sp.Expr:
    """θ − c·u/d with the learner's numbers, each kept as typed (UnevaluatedExpr): c the step size,
    u the direction (g, b or m), d the per-coordinate scale (none for SGD and momentum)."""
    gv, th = values[g], values[theta0]
    if opt == "sgd":
        c, u, d = h.lr, gv, None
    elif opt == "momentum":
        c, u, d = h.lr, values[b1], None
    elif opt == "nesterov":
        c, u, d = h.lr, gv + h.momentum * values[b1], None
    elif opt == "adagrad":
        c, u, d = h.lr, gv, values[s1] ** 0.5 + h.eps
    elif opt == "rmsprop":
        c, u, d = h.lr, gv, values[v1] ** 0.5 + h.eps
    else:
        b1_, b2_ = h.betas
        c, u, d = h.lr / (1 - b1_**step), values[m1], values[v1] ** 0.5 / (1 - b2_**step) ** 0.5 + h.eps
    U = sp.UnevaluatedExpr
    term = sp.Mul(U(_num(c)), U(_num(u)), evaluate=False)
    if d is not None:
        term = sp.Mul(term, sp.Pow(U(_num(d)), -1, evaluate=False), evaluate=False)
    return sp.Add(U(_num(th)), sp.Mul(-1, term, evaluate=False), evaluate=False)


def _update_steps(p: dict, surf) -> list[Step]:
    opt = model.OPTIMIZERS[int(round(p["optimizer"]))]
    h = model.hypers(p)[opt]
    steps_n = int(round(p["steps"]))
    noise = model.noise_for(steps_n, p["noise"], int(p["seed"]))
    path = model.run(surf, opt, h, (p["x0"], p["y0"]), steps_n, noise)
    n = max(0, min(int(round(p["step"])), len(path.xy) - 2))
    title = model.TITLES[opt]
    out = [Step(f"{title}: update rule (torch)", lhs, rhs,
                "One coordinate at a time; g_t is ∂f at θ_{t−1}" + (" plus noise." if noise[0] else "."))
           for lhs, rhs in rules(opt)]
    if len(path.xy) < 2:
        return out
    theta, states, grad = model.replay(surf, opt, h, (p["x0"], p["y0"]), n, noise)
    hyper_subs = {eta: h.lr, mu: h.momentum, alpha: h.alpha, beta1: h.betas[0], beta2: h.betas[1],
                  eps: h.eps, t: n + 1}
    lhs_vec, shown, exact = [], [], []
    for i in range(2):
        values = {theta0: theta[i], g: grad[i], b0: states[i].get("b", 0.0), s0: states[i].get("s", 0.0),
                  v0: states[i].get("v", 0.0), m0: states[i].get("m", 0.0)} | hyper_subs
        for lhs, rhs in rules(opt):
            value = rhs.xreplace({k: sp.Float(v, 17) for k, v in values.items()}).evalf(17)
            if lhs is theta1:
                exact.append(value)
            values[lhs] = float(value)
        shown.append(_shown_update(opt, h, values, n + 1))
        lhs_vec.append(sp.Symbol(rf"{'xy'[i]}_{{{n + 1}}}"))
    residuals = tuple(sp.Float(float(exact[i])) - sp.Float(float(path.xy[n + 1, i]), 17) for i in range(2))
    residuals = tuple(r / (1 + abs(float(path.xy[n + 1, i]))) for i, r in enumerate(residuals))
    result = sp.ImmutableMatrix([_num(v, 6) for v in path.xy[n + 1]])
    out.append(Step(f"Step {n} → {n + 1} in your numbers", sp.ImmutableMatrix(lhs_vec),
                    sp.ImmutableMatrix(shown), f"{title} from ({theta[0]:.4g}, {theta[1]:.4g}): θ − (step size)·(direction)"
                    + ("/(scale)." if opt in ("adagrad", "rmsprop", "adam") else "."),
                    residuals, "=", True))
    out.append(Step("… which is the next point of the path", sp.ImmutableMatrix(lhs_vec), result,
                    "The same number the explorer draws (and torch computes).", residuals, "≈", True))
    return out
