"""The derivation behind the Bayes explorer: Bayes' theorem and total probability, posterior ∝
likelihood × prior, the Beta kernels multiplied by sympy, the Beta(α + h, β + t) posterior, its mean
as a weighted average of the prior mean and the MLE, and the MAP — then the learner's numbers:
the coin (tab 0), the diagnostic test's total-probability denominator (tab 1), or the unknown
mean (tab 2).

Qt-free and global-free: ``live_steps(params)`` reads only the numbers the explorer's params()
returns (tab; alpha, beta and the shown counts h, t; base_rate, sensitivity, specificity, tests;
mu0, tau0, sigma, normal_n, xbar). Every residual is zero exactly when its step holds; the ones
with an ``Integral`` are checked numerically (sympy cannot do them fast in symbols).
"""

from __future__ import annotations

import math
from functools import cache

import sympy as sp
from sympy.core.symbol import Str

from app.derivations.base import Step, as_expr
from app.models import bayes as model

TITLE = "Bayes' theorem for a test result and for a coin"

theta = sp.Symbol("theta", positive=True)
alpha, beta, h, t, n = sp.symbols("alpha beta h t n", positive=True)
B = sp.beta  # sympy prints B(a, b)


# Display-only expressions (printed in the order given; sympy's Add and Mul would sort them).
class Named(sp.Expr):
    """A quantity shown by its name (args[0], LaTeX) that stands for a definite value (args[1])."""

    def __new__(cls, tex, value=0):
        return sp.Expr.__new__(cls, tex if isinstance(tex, Str) else Str(tex), as_expr(value))

    def _latex(self, printer) -> str:
        return self.args[0].name


class Plus(sp.Expr):
    def _latex(self, printer) -> str:
        return " + ".join(printer._print(a) for a in self.args)


class Times(sp.Expr):
    def _latex(self, printer) -> str:
        return r" \cdot ".join(_paren(printer, a) for a in self.args)


class Over(sp.Expr):
    def _latex(self, printer) -> str:
        return rf"\frac{{{printer._print(self.args[0])}}}{{{printer._print(self.args[1])}}}"


class BetaFn(sp.Expr):
    """The Beta function B(a, b), shown as such (sympy's own printer drops the Greek letters)."""

    def _latex(self, printer) -> str:
        a, b = self.args
        return rf"\mathrm{{B}}\left({printer._print(a)},\ {printer._print(b)}\right)"


class Juxt(sp.Expr):
    """``a b c``: factors side by side, in this order, never multiplied out."""

    def _latex(self, printer) -> str:
        return " ".join(printer.parenthesize(a, 1000) if isinstance(a, (sp.Add, Plus)) else printer._print(a)
                        for a in self.args)


class Chain(sp.Expr):
    """``a = b = …`` (a display of the same number written several ways)."""

    def _latex(self, printer) -> str:
        return " = ".join(printer._print(a) for a in self.args)


class Approx(sp.Expr):
    """``a ≈ b``: b is a rounded a."""

    def _latex(self, printer) -> str:
        return rf"{printer._print(self.args[0])} \approx {printer._print(self.args[1])}"


def _then(display, exact: sp.Rational, digits: int = 4):
    """``display = value`` if the value shown is exact, else ``display ≈ value``."""
    shown = _dec(exact, digits)
    return (Chain if _rel(exact, shown) == "=" else Approx)(display, shown)


def _paren(printer, e) -> str:
    text = printer._print(e)
    return rf"\left({text}\right)" if isinstance(e, (Plus, sp.Add)) else text


def unwrap(e):
    """Replace every Named by its value (what residuals are about)."""
    return e.replace(lambda x: isinstance(x, Named), lambda x: x.args[1]) if isinstance(e, sp.Basic) else e


def _kernel(a, b):
    return sp.Mul(theta ** (a - 1), (1 - theta) ** (b - 1), evaluate=False)


# --- in symbols (computed once) ---------------------------------------------------------------------
@cache
def _symbolic() -> tuple[Step, ...]:
    # Bayes' theorem and total probability for events: H a hypothesis, D the data
    p_h, p_hd, p_nhd = sp.symbols("p_H p_HD p_nHD", positive=True)  # P(H), P(H∩D), P(¬H∩D)
    p_d = p_hd + p_nhd
    post = Named(r"P(H \mid D)", p_hd / p_d)
    lik = Named(r"P(D \mid H)", p_hd / p_h)
    prior_h, evid = Named("P(H)", p_h), Named("P(D)", p_d)
    bayes_rhs = Over(Times(lik, prior_h), evid)
    bayes_value = lik.args[1] * p_h / p_d
    lik_not = Named(r"P(D \mid \neg H)", p_nhd / (1 - p_h))
    total_rhs = Plus(Times(lik, prior_h), Times(lik_not, Named(r"P(\neg H)", 1 - p_h)))
    total_value = lik.args[1] * p_h + lik_not.args[1] * (1 - p_h)

    # the coin: the likelihood of h heads and t tails in a given order, a Beta(α, β) prior
    likelihood = sp.Mul(theta**h, (1 - theta) ** t, evaluate=False)
    prior = _kernel(alpha, beta) / B(alpha, beta)
    z = sp.Symbol("Z", positive=True)  # p(D) = ∫ p(D | θ) p(θ) dθ: a number, whatever θ is
    post_density = Named(r"p(\theta \mid D)", likelihood * prior / z)
    prop_rhs = Times(Named(r"p(D \mid \theta)", likelihood), Named(r"p(\theta)", prior))
    product = sp.Mul(likelihood, _kernel(alpha, beta), evaluate=False)
    kernel = sp.powsimp(sp.Mul(*product.args))  # sympy adds the exponents
    a1, b1 = alpha + h, beta + t
    beta_pdf = kernel / B(a1, b1)
    mean = sp.gammasimp(sp.expand_func(B(a1 + 1, b1) / B(a1, b1)))  # E[θ] = B(a+1, b)/B(a, b)
    w = sp.Symbol("w")
    weight = sp.factor(sp.solve(sp.Eq(mean, w * alpha / (alpha + beta) + (1 - w) * h / (h + t)), w)[0])
    (mode,) = sp.solve(sp.diff(sp.expand_log(sp.log(kernel), force=True), theta), theta)
    on_n, back = {t: n - h}, {n: h + t}  # written with n = h + t
    mean_n, weight_n, mode_n = (sp.factor(x.subs(on_n)) for x in (mean, weight, mode))
    avg_rhs = Plus(Times(weight_n, Over(alpha, alpha + beta)), Times(sp.factor(1 - weight_n), Over(h, n)))
    e_post = Named(r"\mathbb{E}[\theta \mid D]")
    return (
        Step("Bayes' theorem", post, bayes_rhs,
             "Both sides are P(H and D)/P(D): the definition of conditional probability, read both ways.",
             (unwrap(post) - bayes_value,)),
        Step("Total probability: the denominator", evid, total_rhs,
             "The data arrive either with H or without it, so P(D) adds the two branches of the tree.",
             (sp.simplify(p_d - total_value),)),
        Step("Posterior ∝ likelihood × prior", post_density, prop_rhs,
             "For a coin, θ = P(heads) is the hypothesis and p(D) does not depend on θ, "
             "so the posterior has the shape of likelihood times prior.",
             (sp.simplify(sp.diff(unwrap(post_density) / (likelihood * prior), theta)),), rel=r"\propto"),
        Step("Multiply the kernels", product, kernel,
             "Powers of the same base add their exponents: the prior acts like α − 1 extra heads and β − 1 extra tails.",
             (sp.expand_log(sp.log(sp.Mul(*(likelihood.args + product.args[1:]))) - sp.log(kernel), force=True),)),
        Step("The posterior is Beta(α + h, β + t)", post_density, Over(kernel, BetaFn(a1, b1)),
             "Dividing the kernel by B(α + h, β + t), its integral, gives the Beta density again: "
             "the Beta prior is conjugate to coin flips.",
             (sp.simplify(sp.diff(sp.log(unwrap(post_density)) - sp.log(beta_pdf), theta)),
              sp.Integral(beta_pdf, (theta, 0, 1)) - 1)),
        Step("Posterior mean", e_post, mean_n,
             "E[θ | D] = B(α + h + 1, β + t)/B(α + h, β + t), which sympy reduces with Γ(x + 1) = xΓ(x); "
             "it is also the probability that the next flip lands heads.",
             (sp.simplify(mean_n.subs(back) - mean), sp.Integral(theta * beta_pdf, (theta, 0, 1)) - mean)),
        Step("A weighted average of prior mean and MLE", mean_n, avg_rhs,
             "The prior counts as α + β flips: with few flips the prior mean α/(α + β) dominates, "
             "with many the data's h/n does.",
             (sp.simplify((mean_n - weight_n * alpha / (alpha + beta) - (1 - weight_n) * h / n).subs(back)),
              sp.simplify(weight - weight_n.subs(back)))),
        Step("MAP: where the posterior peaks", sp.Symbol("theta_MAP"), mode_n,
             "Setting the derivative of the log posterior to zero; with the flat prior α = β = 1 "
             "it is the MLE h/n.",
             (sp.simplify(sp.diff(sp.expand_log(sp.log(kernel), force=True), theta).subs(theta, mode_n.subs(back))),
              sp.simplify(mode_n.subs({alpha: 1, beta: 1}) - h / n))),
    )


def symbolic_steps() -> list[Step]:
    """The derivation in symbols (computed once, then cached)."""
    return list(_symbolic())


# --- in the learner's numbers (fast: exact arithmetic, no simplify) ----------------------------------
def _exact(x: float) -> sp.Rational:
    """The float ``x`` as an exact rational: its shortest decimal (repr), which converts back to
    exactly ``x`` — so every number computed here is the model's, not a rounded α's (α = 0.0316
    from the log slider stays 0.0316). Numbers are rounded only where they are shown."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"expected a finite number, got {x}")
    return sp.Rational(repr(x))


def _show(x: sp.Rational, digits: int = 6) -> sp.Expr:
    """``x`` for display: itself when it has at most ``digits`` significant digits, else rounded."""
    return x if sp.Rational(f"{float(x):.{digits}g}") == x else _dec(float(x), digits)


def _dec(x: float, digits: int = 4) -> sp.Expr:
    """A number rounded to ``digits`` significant digits, for display after ≈."""
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return sp.Integer(int(x))
    return sp.Float(f"{x:.{digits}g}", digits)


def _rel(exact: sp.Expr, shown: sp.Expr) -> str:
    return "=" if sp.Rational(str(shown)) == exact else "≈"


def live_steps(params: dict) -> list[Step]:
    """The learner's numbers for the tab on screen (``tab``: 0 coin, 1 diagnostic test, 2 mean)."""
    p = {k: spec.default for k, spec in model.PARAMS.items()} | dict(params)
    tab = int(round(p["tab"]))
    if tab == 1:
        return _diagnostic(p)
    if tab == 2:
        return _normal(p)
    return _coin(p)


def _coin(p: dict) -> list[Step]:
    a0, b0 = _exact(p["alpha"]), _exact(p["beta"])
    if a0 <= 0 or b0 <= 0:
        raise ValueError(f"α and β must be positive (found α = {p['alpha']}, β = {p['beta']})")
    hh, tt = int(p.get("h", p["heads"])), int(p.get("t", p["tails"]))
    nn = hh + tt
    a1, b1 = a0 + hh, b0 + tt
    one_m = 1 - theta
    # exponents as decimals (θ^−0.9684, not 1/θ^(2421/2500)), evaluated before the display is built
    ea, eb, ek, el = (x if x.is_Integer else _dec(float(x), 6) for x in (a0 - 1, b0 - 1, a1 - 1, b1 - 1))
    with sp.evaluate(False):
        product = Juxt(sp.Pow(theta, hh), sp.Pow(one_m, tt), sp.Pow(theta, ea), sp.Pow(one_m, eb))
        kernel = Juxt(sp.Pow(theta, ek), sp.Pow(one_m, el))
    joined = theta ** (hh + a0 - 1) * (1 - theta) ** (tt + b0 - 1)
    steps = [Step("Your prior × your flips", product, kernel,
                  f"{hh} heads and {tt} tails add {hh} and {tt} to the exponents of the Beta({_txt(a0)}, {_txt(b0)}) prior.",
                  (joined - theta ** (a1 - 1) * (1 - theta) ** (b1 - 1),), live=True)]
    coin = model.Coin(float(a0), float(b0), hh, tt)
    steps.append(Step("Your posterior", Named(r"p(\theta \mid D)"),
                      Named(rf"\mathrm{{Beta}}({_tex(a1)},\ {_tex(b1)})",
                            Over(kernel, BetaFn(_show(a1, 10), _show(b1, 10)))),
                      f"The posterior is Beta(α + h, β + t) = Beta({_txt(a1)}, {_txt(b1)}), "
                      f"built from n = {nn} flips.", (a1 - (a0 + hh), b1 - (b0 + tt)), live=True))
    mean = a1 / (a0 + b0 + nn)
    shown = _dec(coin.posterior.mean)
    e_post = Named(r"\mathbb{E}[\theta \mid D]")
    steps.append(Step("Your posterior mean", sp.Eq(e_post, Over(_show(a1, 10), _show(a0 + b0 + nn, 10)), evaluate=False), shown,
                      f"So the next flip lands heads with probability {_txt(shown)}.",
                      (mean * (a0 + b0 + nn) - a1,), rel=_rel(mean, shown), live=True))
    w = (a0 + b0) / (a0 + b0 + nn)
    if nn:
        mle = sp.Rational(hh, nn)
        avg = Plus(Times(_dec(w, 3), _dec(a0 / (a0 + b0), 3)), Times(_dec(1 - w, 3), _dec(mle, 3)))
        steps.append(Step("Your weighted average", avg, shown,
                          f"The prior weighs (α + β)/(α + β + n) = {_txt(_dec(w, 3))}, the MLE h/n = "
                          f"{_txt(_dec(mle, 3))} weighs the rest.",
                          (w * a0 / (a0 + b0) + (1 - w) * mle - mean,), rel="≈", live=True))
    lo, hi = coin.equal_tailed
    steps.append(Step("Your 95 % credible interval", sp.Symbol(r"P(l \le \theta \le u \mid D)"),
                      Chain(sp.Integral(Named(r"p(\theta \mid D)"), (theta, _dec(lo), _dec(hi))), sp.Float("0.95", 2)),
                      f"Equal tails: θ lies between {_txt(_dec(lo))} and {_txt(_dec(hi))} with posterior "
                      f"probability 0.95 (width {_txt(_dec(hi - lo, 3))}).",
                      # the mass between the model's l and u by scipy's regularised incomplete Beta (sympy's
                      # betainc_regularized needs minutes, or fails, at 10⁶ flips)
                      (sp.Float(float(coin.posterior.cdf(hi) - coin.posterior.cdf(lo)) - 0.95, 17),),
                      live=True))
    if a1 > 1 and b1 > 1:
        mode = (a1 - 1) / (a1 + b1 - 2)
        mode_shown = _dec(mode)
        note = (f"The MLE h/n = {_txt(_dec(sp.Rational(hh, nn)))} ignores the prior." if nn
                else "With no flips yet this is the prior's peak.")
        steps.append(Step("Your MAP", sp.Eq(sp.Symbol("theta_MAP"), Over(_show(a1 - 1, 10), _show(a1 + b1 - 2, 10)),
                                            evaluate=False),
                          mode_shown, note,
                          ((a1 - 1) * (1 - mode) - (b1 - 1) * mode,), rel=_rel(mode, mode_shown), live=True))
    return steps


def _tex(x: sp.Rational) -> str:
    """A parameter in LaTeX: an integer as it is, else a decimal of up to 10 significant digits."""
    return sp.latex(x if x.is_Integer else _dec(float(x), 10))


def _txt(x) -> str:
    x = as_expr(x)
    if isinstance(x, sp.Rational) and x.q != 1:
        x = _dec(float(x), 6)
    text = str(x)
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def _diagnostic(p: dict) -> list[Step]:
    d, se, sp_ = (_exact(p[k]) for k in ("base_rate", "sensitivity", "specificity"))
    tests = max(1, int(round(p["tests"])))
    chain = [d]
    for _ in range(tests - 1):  # each posterior is the next test's prior
        prev = chain[-1]
        total = se * prev + (1 - sp_) * (1 - prev)
        if total == 0:
            break
        chain.append(se * prev / total)
    prior = chain[-1]
    total = se * prior + (1 - sp_) * (1 - prior)
    pos = Named("P(+)")
    k = len(chain)
    where = "" if k == 1 else f" (test {k}: the prior is P(D) after {k - 1} positive test{'s' * (k > 2)})"
    steps = [Step("Your denominator: total probability", pos,
                  _then(Plus(Times(_show(se), _dec(prior)), Times(_show(1 - sp_), _dec(1 - prior))), total),
                  f"P(+) = P(+ | D)P(D) + P(+ | ¬D)P(¬D): sick people who test positive plus healthy ones who do{where}.",
                  (total - (se * prior + (1 - sp_) * (1 - prior)),), rel=_rel(prior, _dec(prior)), live=True)]
    if total == 0:
        steps[0] = Step(steps[0].title, pos, sp.Integer(0),
                        "With these rates nobody tests positive, so P(D | +) is undefined.",
                        steps[0].residuals, live=True)
        return steps
    post = se * prior / total
    shown = _dec(post)
    steps.append(Step("Your P(disease | +)", Named(r"P(D \mid +)"), _then(Over(Times(_show(se), _dec(prior)), _dec(total)), post),
                      f"Of everyone who tests positive, a fraction {_txt(shown)} is sick.",
                      (post * total - se * prior,), rel=_rel(prior, _dec(prior)), live=True))
    if k > 1:  # the sequential answer equals one update with all k tests at once
        lr = se**k * d / (se**k * d + (1 - sp_) ** k * (1 - d))
        steps.append(Step(f"{k} positive tests at once", Named(rf"P(D \mid +^{{{k}}})"),
                          _then(Over(Times(sp.Pow(_show(se), k, evaluate=False), _show(d)),
                                     Plus(Times(sp.Pow(_show(se), k, evaluate=False), _show(d)),
                                          Times(sp.Pow(_show(1 - sp_), k, evaluate=False), _show(1 - d)))), post),
                          "Updating test by test gives the same answer as updating once on all the results.",
                          (lr - post,), live=True))
    return steps


def _normal(p: dict) -> list[Step]:
    mu0, tau0, sig = _exact(p["mu0"]), _exact(p["tau0"]), _exact(p["sigma"])
    nn = int(round(p["normal_n"]))
    xbar = _exact(p.get("xbar", 0.0)) if nn else sp.Integer(0)
    prec = 1 / tau0**2 + nn / sig**2
    post_mean = (mu0 / tau0**2 + nn * xbar / sig**2) / prec
    w = (1 / tau0**2) / prec
    tn = Named(r"\frac{1}{\tau_n^2}")
    steps = [Step("Your precisions add", tn,
                  _then(Plus(Over(1, sp.Pow(_show(tau0), 2, evaluate=False)),
                             Over(nn, sp.Pow(_show(sig), 2, evaluate=False))), prec),
                  f"Each observation adds 1/σ² of precision, so the posterior sd is τₙ ≈ {_txt(_dec(1 / math.sqrt(prec)))}.",
                  (prec - 1 / tau0**2 - nn / sig**2,), live=True)]
    body = Plus(Times(_dec(w, 3), _show(mu0)), Times(_dec(1 - w, 3), _dec(xbar))) if nn else None
    steps.append(Step("Your posterior mean", sp.Symbol("mu_n"), _then(body, post_mean) if nn else _dec(post_mean),
                      "A precision-weighted average of the prior mean μ₀ and the sample mean x̄"
                      + (f" = {_txt(_dec(xbar))}." if nn else ": with no data it is μ₀."),
                      (post_mean * prec - mu0 / tau0**2 - nn * xbar / sig**2,), rel="≈" if nn else "=", live=True))
    return steps
