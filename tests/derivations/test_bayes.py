"""Every step of the Bayes derivation is true: in symbols (simplified by sympy, or at random points),
and in the learner's numbers for the coin, the diagnostic test and the unknown mean; the numbers
shown are the model's; the steps survive the trip to the derivation panel (pickle, LaTeX)."""

from __future__ import annotations

import pickle
import random
import statistics
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

from app.derivations import bayes
from app.derivations.base import Step, is_zero
from app.models import bayes as model
from app.models.bayes_diagnostic import Diagnostic, sequential
from app.models.bayes_normal import NormalMean

SYMBOLIC_TITLES = ["Bayes' theorem", "Total probability: the denominator", "Posterior ∝ likelihood × prior",
                   "Multiply the kernels", "The posterior is Beta(α + h, β + t)", "Posterior mean",
                   "A weighted average of prior mean and MLE", "MAP: where the posterior peaks"]


def _quad(integral: sp.Integral) -> sp.Float:
    (var, lo, hi), = integral.limits
    f = sp.lambdify(var, integral.function, modules=["scipy", "numpy"])
    return sp.Float(integrate.quad(f, float(lo), float(hi), epsabs=1e-12, epsrel=1e-10, limit=200)[0])


def numeric_zero(residual, trials: int = 4, tol: float = 1e-7) -> bool:
    """Zero at random admissible points (α, β > 0, counts ≥ 0, θ in (0, 1)); integrals by quadrature."""
    rng = random.Random(1)
    free = sorted(residual.free_symbols, key=str)
    for _ in range(trials):
        point = {}
        for s in free:
            name = str(s)
            if name == "theta":
                point[s] = sp.Float(rng.uniform(0.05, 0.95))
            elif name in ("h", "t", "n"):
                point[s] = sp.Integer(rng.randint(0, 8))
            else:
                point[s] = sp.Float(rng.uniform(1.0, 4.0))
        at = residual.subs(point)
        at = at.replace(lambda e: isinstance(e, sp.Integral), _quad)
        value = complex(at.evalf(15))
        if abs(value) > tol:
            return False
    return True


def assert_true_step(step: Step) -> None:
    assert step.residuals, f"{step.title}: a step with no residuals checks nothing"
    for r in step.residuals:
        r = sp.sympify(r)
        if r.has(sp.Integral):
            assert numeric_zero(r), (step.title, r)
        elif isinstance(r, sp.Float):  # a number computed by scipy (the interval's mass − 0.95)
            (_, lo, hi), = step.rhs.args[0].limits
            # an end within 1e-12 of 0 or 1 is as close as a double gets to the true quantile there
            # (Beta(1, 0.125)'s 97.5 % point is 1 − 1.5e-13; Beta(1, 0.06)'s, 1 − 1e-26, rounds to 1):
            # then the mass is only as good as that end (check_coin checks the end itself)
            edge = min(float(lo), 1 - float(hi)) < 1e-12
            assert abs(float(r)) < (0.025 + 1e-9 if edge else 1e-9), (step.title, r)
        else:
            assert sp.expand(r) == 0 or is_zero(r), (step.title, r)


# --- in symbols -----------------------------------------------------------------------------------------
def test_symbolic_steps_are_identities():
    steps = bayes.symbolic_steps()
    assert [s.title for s in steps] == SYMBOLIC_TITLES
    for step in steps:
        assert not step.live
        assert_true_step(step)
        assert step.note.endswith(".")


def test_symbolic_steps_are_computed_by_sympy():
    th, a, b, h, t, n = bayes.theta, bayes.alpha, bayes.beta, bayes.h, bayes.t, bayes.n
    steps = {s.title: s for s in bayes.symbolic_steps()}
    kernel = steps["Multiply the kernels"]
    assert kernel.rhs == th ** (a + h - 1) * (1 - th) ** (b + t - 1)
    assert steps["Posterior ∝ likelihood × prior"].rel == r"\propto"
    mean = steps["Posterior mean"].rhs
    assert sp.simplify(mean - (a + h) / (a + b + n)) == 0
    # the mean really is the Beta function ratio, and the weight is what sympy solved for
    assert sp.simplify(sp.gammasimp(sp.expand_func(sp.beta(a + h + 1, b + t) / sp.beta(a + h, b + t)))
                       - mean.subs(n, h + t)) == 0
    mode = steps["MAP: where the posterior peaks"].rhs
    assert sp.simplify(mode - (a + h - 1) / (a + b + n - 2)) == 0
    text = steps["A weighted average of prior mean and MLE"].latex()
    assert r"\frac{\alpha + \beta}{\alpha + \beta + n}" in text and r"\frac{h}{n}" in text
    assert r"\mathrm{B}\left(\alpha + h,\ \beta + t\right)" in steps["The posterior is Beta(α + h, β + t)"].latex()
    assert bayes.symbolic_steps() == bayes.symbolic_steps() and bayes.symbolic_steps() is not bayes.symbolic_steps()


def test_residuals_can_fail():
    """The checks are not vacuous: a wrong claim leaves a non-zero residual."""
    th = bayes.theta
    kernel = bayes.symbolic_steps()[3]
    assert not is_zero(kernel.residuals[0] + sp.log(th))  # one θ too many
    beta_step = bayes.symbolic_steps()[4]
    assert not numeric_zero(beta_step.residuals[1] + sp.Rational(1, 50))  # mass 0.98 is not a density
    mean = bayes.symbolic_steps()[5]
    assert not numeric_zero(mean.residuals[1] + 0.01)
    coin = bayes.live_steps({"alpha": 2, "beta": 3, "h": 7, "t": 3})
    assert not is_zero(coin[2].residuals[0] + sp.Rational(1, 100))


# --- the coin in numbers -------------------------------------------------------------------------------
COIN_CASES = {
    "flat, 7 heads 3 tails": dict(alpha=1, beta=1, h=7, t=3),
    "Jeffreys, no data": dict(alpha=0.5, beta=0.5, h=0, t=0),
    "fair-coin belief vs 10 tails": dict(alpha=50, beta=50, h=0, t=10),
    "all heads": dict(alpha=1, beta=1, h=40, t=0),
    "tiny prior": dict(alpha=0.001, beta=0.001, h=2, t=1),
    "huge prior": dict(alpha=10000, beta=10000, h=3, t=9),
    "a million flips": dict(alpha=1, beta=1, h=600000, t=400000),
    "log-slider prior, no flips": dict(alpha=0.0316, beta=0.178, h=0, t=0),  # 3 significant figures
    "log-slider prior, a few flips": dict(alpha=0.00562, beta=3.16, h=1, t=2),
    "a typed prior": dict(alpha=0.30000000000000004, beta=2.0625, h=5, t=0),
}


def check_coin(p: dict) -> list[Step]:
    steps = bayes.live_steps(p | {"tab": 0})
    assert all(s.live for s in steps)
    for step in steps:
        assert_true_step(step)
        assert step.title and step.note.endswith(".")
    coin = model.Coin(p["alpha"], p["beta"], p["h"], p["t"])  # the model's numbers, as the panel shows them
    by_title = {s.title: s for s in steps}
    shown_mean = float(by_title["Your posterior mean"].rhs)
    assert shown_mean == pytest.approx(coin.posterior.mean, rel=5e-4)
    interval = by_title["Your 95 % credible interval"]
    lo, hi = coin.equal_tailed
    (_, shown_lo, shown_hi), = interval.rhs.args[0].limits  # ∫ from l to u of the posterior
    assert (float(shown_lo), float(shown_hi)) == pytest.approx((lo, hi), rel=5e-4)
    # the true ends (from each side's own tail, so nothing rounds to 0 or 1) are where it says
    true_lo = special.betaincinv(coin.posterior.a, coin.posterior.b, 0.025)
    gap_hi = special.betaincinv(coin.posterior.b, coin.posterior.a, 0.025)  # 1 − u, by the mirror
    assert lo == pytest.approx(true_lo, rel=1e-9) and 1 - hi == pytest.approx(gap_hi, rel=1e-3, abs=2e-16)
    assert ("Your MAP" in by_title) == (coin.posterior.a > 1 and coin.posterior.b > 1)
    assert ("Your weighted average" in by_title) == (p["h"] + p["t"] > 0)
    return steps


@pytest.mark.parametrize("name", COIN_CASES)
def test_live_coin_cases(name):
    check_coin(COIN_CASES[name])


def test_live_coin_reads_like_the_lesson():
    steps = bayes.live_steps({"tab": 0, "alpha": 2, "beta": 3, "h": 7, "t": 3})
    assert [s.latex() for s in steps[:4]] == [
        r"\theta^{7} \left(1 - \theta\right)^{3} \theta^{1} \left(1 - \theta\right)^{2} = "
        r"\theta^{8} \left(1 - \theta\right)^{5}",
        r"p(\theta \mid D) = \mathrm{Beta}(9,\ 6)",
        r"\mathbb{E}[\theta \mid D] = \frac{9}{15} = 0.6",
        r"0.333 \cdot 0.4 + 0.667 \cdot 0.7 \approx 0.6",
    ]
    assert steps[-1].latex() == r"\theta_{MAP} = \frac{8}{13} \approx 0.6154"


def test_live_coin_refuses_a_bad_prior():
    with pytest.raises(ValueError, match="positive"):
        bayes.live_steps({"tab": 0, "alpha": 0.0, "beta": 1.0})


#: α, β as the controls give them: the log slider's 3 significant figures, or typed with 3 decimals
PRIORS = st.one_of(st.floats(-2, 3).map(lambda e: float(f"{10 ** e:.3g}")),
                   st.floats(0.001, 1000).map(lambda x: round(x, 3)).filter(lambda x: x > 0))


@settings(max_examples=40, deadline=None)
@given(PRIORS, PRIORS, st.integers(0, 10**6), st.integers(0, 10**6))
def test_live_coin_random(a, b, h, t):
    check_coin(dict(alpha=a, beta=b, h=h, t=t))


def test_live_coin_numbers_are_the_panels():
    """α = 0.0316, β = 0.178 from the log slider, no flips: the derivation's mean is the summary's."""
    steps = {s.title: s for s in bayes.live_steps({"tab": 0, "alpha": 0.0316, "beta": 0.178, "h": 0, "t": 0})}
    mean = model.Coin(0.0316, 0.178).posterior.mean  # 0.1508…, which the panel shows as 0.151
    assert float(steps["Your posterior mean"].rhs) == pytest.approx(mean, rel=5e-4)
    assert "0.0316" in steps["Your prior × your flips"].note and "0.178" in steps["Your prior × your flips"].note
    assert "0.9684" in steps["Your prior × your flips"].latex()  # the exponent α − 1, unrounded


# --- the diagnostic test in numbers -------------------------------------------------------------------
@pytest.mark.parametrize("rates, tests", [((0.01, 0.9, 0.91), 1), ((0.01, 0.9, 0.91), 2), ((0.01, 0.9, 0.91), 5),
                                          ((0.3, 1.0, 1.0), 3), ((0.001, 0.99, 0.995), 1), ((0.5, 0.5, 0.5), 4),
                                          ((0.00004, 0.9, 0.91), 1), ((0.01234, 0.9876, 0.9123), 2)])
def test_live_diagnostic(rates, tests):
    base, sens, spec = rates
    steps = bayes.live_steps({"tab": 1, "base_rate": base, "sensitivity": sens, "specificity": spec, "tests": tests})
    for step in steps:
        assert_true_step(step)
    chain = sequential(Diagnostic(base, sens, spec), tests)
    assert steps[0].title == "Your denominator: total probability"
    shown_total = float(steps[0].rhs.args[-1])
    assert shown_total == pytest.approx(chain[-1].p_positive, rel=5e-4)
    shown_post = float(steps[1].rhs.args[-1])
    assert shown_post == pytest.approx(chain[-1].p_disease_given_positive, rel=5e-4)
    assert len(steps) == (3 if tests > 1 else 2)
    if tests > 1:
        assert f"+^{{{tests}}}" in steps[2].latex()


def test_live_diagnostic_when_a_positive_is_impossible():
    steps = bayes.live_steps({"tab": 1, "base_rate": 0.0, "sensitivity": 0.9, "specificity": 1.0, "tests": 1})
    assert len(steps) == 1 and steps[0].rhs == 0 and "undefined" in steps[0].note
    assert_true_step(steps[0])


# --- the unknown mean in numbers ----------------------------------------------------------------------
def test_live_normal_matches_the_model():
    xs = np.array([1.2, 0.7, 2.1, 1.4])
    m = NormalMean.of(0.5, 2.0, 1.0, xs)
    steps = bayes.live_steps({"tab": 2, "mu0": 0.5, "tau0": 2.0, "sigma": 1.0, "normal_n": 4, "xbar": xs.mean()})
    for step in steps:
        assert_true_step(step)
    assert float(steps[0].rhs.args[-1]) == pytest.approx(m.precision, rel=1e-3)
    assert float(steps[1].rhs.args[-1]) == pytest.approx(m.post_mean, rel=1e-3)
    # log-slider values (3 significant figures) and an unrounded sample mean are used as they are
    xs = np.random.default_rng(3).normal(0.2, 0.0178, 5)
    m = NormalMean.of(0.37, 0.0562, 0.0178, xs)
    steps = bayes.live_steps({"tab": 2, "mu0": 0.37, "tau0": 0.0562, "sigma": 0.0178, "normal_n": 5,
                              "xbar": float(xs.mean())})
    for step in steps:
        assert_true_step(step)
    assert float(steps[0].rhs.args[-1]) == pytest.approx(m.precision, rel=5e-4)
    assert float(steps[1].rhs.args[-1]) == pytest.approx(m.post_mean, rel=5e-4)
    assert f"{m.post_sd:.4g}" in steps[0].note
    empty = bayes.live_steps({"tab": 2, "mu0": 1.5, "normal_n": 0})
    assert float(empty[1].rhs) == 1.5 and "no data" in empty[1].note


# --- the trip to the panel -----------------------------------------------------------------------------
def test_steps_pickle_and_typeset():
    from app.widgets.math_helper import typeset

    steps = (bayes.symbolic_steps() + bayes.live_steps({"tab": 0, "alpha": 0.5, "beta": 2, "h": 3, "t": 4})
             + bayes.live_steps({"tab": 1, "tests": 2}) + bayes.live_steps({"tab": 2, "normal_n": 3, "xbar": 0.4}))
    with sp.evaluate(False):  # as the panel unpickles them
        back = pickle.loads(pickle.dumps(steps))
    assert [s.latex() for s in back] == [s.latex() for s in steps]
    for s in steps:
        assert "<svg" in typeset(s.latex(), "#000000", 20)


def test_live_steps_are_fast():
    cases = [{"tab": 0, "alpha": 2, "beta": 3, "h": 7, "t": 3}, {"tab": 0, "alpha": 1, "beta": 1, "h": 600000,
             "t": 400000}, {"tab": 1, "tests": 3}, {"tab": 2, "normal_n": 10, "xbar": 1.3}]
    for p in cases:
        bayes.live_steps(p)
    times = []
    for k in range(40):
        p = dict(cases[k % 4])
        if "h" in p:
            p["h"] += k
        t0 = time.perf_counter()
        bayes.live_steps(p)
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.010, times
