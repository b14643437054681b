"""app/models/bayes*.py against scipy.stats and closed forms: the Beta posterior and its summaries
(10⁶ flips, α and β near 0 or huge), the HDI, the plotted curves and their y-range, the flip log;
the Normal–Normal model; Hypothesis on random (α, β, data). The diagnostic test: test_bayes_diagnostic.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from app.models import bayes as model
from app.models.bayes import TAIL, BayesInputError, Beta, Coin, FlipLog
from app.models.bayes_diagnostic import Diagnostic, sequential
from app.models.bayes_normal import NormalMean, normal_observations

SHAPES = [(1, 1), (0.5, 0.5), (2, 3), (0.001, 0.001), (0.001, 5), (7, 0.01), (1, 9), (9, 1), (30.5, 12.25),
          (1e4, 1e4), (600001, 400001), (1e9, 3e9)]


# --- the Beta distribution ------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", SHAPES)
def test_beta_matches_scipy(a, b):
    d, ref = Beta(a, b), stats.beta(a, b)
    assert d.mean == pytest.approx(ref.mean(), rel=1e-12)
    assert d.var == pytest.approx(ref.var(), rel=1e-9)
    qs = np.array([1e-6, 0.025, 0.3, 0.5, 0.975])
    np.testing.assert_allclose(d.ppf(qs), ref.ppf(qs), rtol=1e-9, atol=1e-300)
    x = np.clip(ref.ppf([0.01, 0.2, 0.5, 0.8, 0.99]), 1e-300, 1 - 1e-16)
    x = x[(x > 0) & (x < 1)]
    np.testing.assert_allclose(d.logpdf(x), ref.logpdf(x), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(d.cdf(x), ref.cdf(x), rtol=1e-9, atol=1e-12)
    lo, hi = d.equal_tailed()
    assert (lo, hi) == pytest.approx(ref.interval(0.95), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("a, b, mode", [(3, 5, 2 / 6), (1, 1, math.nan), (0.5, 0.5, math.nan), (1, 4, 0.0),
                                        (0.3, 4, 0.0), (0.5, 1, 0.0), (4, 1, 1.0), (4, 0.2, 1.0), (1, 0.5, 1.0),
                                        (1e6 + 1, 1e6 + 1, 0.5)])
def test_mode_closed_form_and_edges(a, b, mode):
    got = Beta(a, b).mode
    assert (math.isnan(got) and math.isnan(mode)) or got == pytest.approx(mode, rel=1e-12)
    if not math.isnan(mode) and 0 < mode < 1:  # it is where the density peaks
        d = stats.beta(a, b)
        eps = 1e-4 * math.sqrt(d.var())
        assert d.logpdf(mode) >= max(d.logpdf(mode - eps), d.logpdf(mode + eps))


def _hdi_width_by_search(a, b, level=0.95):
    """The shortest interval of mass `level`, by brute force over its lower tail mass."""
    p = np.linspace(0, 1 - level, 200001)
    d = stats.beta(a, b)
    widths = d.ppf(p + level) - d.ppf(p)
    return float(widths.min())


@pytest.mark.parametrize("a, b", [(3, 5), (30.5, 12.25), (2, 40), (1.3, 1.3), (600001, 400001)])
def test_hdi_is_the_shortest_interval_with_equal_end_densities(a, b):
    d = Beta(a, b)
    ((lo, hi),) = d.hdi()
    assert float(d.cdf(hi) - d.cdf(lo)) == pytest.approx(0.95, abs=1e-9)
    assert float(d.logpdf(lo)) == pytest.approx(float(d.logpdf(hi)), abs=1e-6)
    assert hi - lo == pytest.approx(_hdi_width_by_search(a, b), rel=1e-6)
    elo, ehi = d.equal_tailed()
    assert hi - lo <= ehi - elo + 1e-15
    if a != b:
        assert hi - lo < ehi - elo  # skewed: strictly shorter than equal tails


def test_hdi_of_one_sided_and_u_shaped_betas():
    ((lo, hi),) = Beta(1, 4).hdi()  # density falls from 0: the region starts at 0
    assert lo == 0 and hi == pytest.approx(stats.beta(1, 4).ppf(0.95))
    ((lo, hi),) = Beta(6, 0.7).hdi()  # rises to 1
    assert hi == 1 and lo == pytest.approx(stats.beta(6, 0.7).ppf(0.05))
    (left, right) = Beta(0.5, 0.5).hdi()  # U-shaped: both ends, the middle 5 % left out
    assert left[0] == 0 and right[1] == 1
    assert left[1] == pytest.approx(1 - right[0], abs=1e-12)  # symmetric
    ref = stats.beta(0.5, 0.5)
    assert ref.cdf(right[0]) - ref.cdf(left[1]) == pytest.approx(0.05, abs=1e-9)
    (left, right) = Beta(0.3, 0.6).hdi()
    d = stats.beta(0.3, 0.6)
    assert d.logpdf(left[1]) == pytest.approx(d.logpdf(right[0]), abs=1e-7)
    assert d.cdf(left[1]) + d.sf(right[0]) == pytest.approx(0.95, abs=1e-9)
    # α = β = 0.001: all mass within 10⁻²² of the ends; the middle gap's edges are 0.95^1000-ish
    (left, right) = Beta(0.001, 0.001).hdi()
    assert 0 < left[1] < 1e-20 and right[0] == 1.0
    assert Beta(1, 1).hdi() == (Beta(1, 1).equal_tailed(),)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, -1e-300])
def test_alpha_beta_must_be_positive_and_finite(bad):
    with pytest.raises(BayesInputError, match="α must be a positive number"):
        Beta(bad, 1.0)
    with pytest.raises(BayesInputError, match="β must be a positive number"):
        Coin(1.0, bad)
    with pytest.raises(BayesInputError, match="cannot be normalised"):
        Coin(bad, 2.0, 3, 4)


def test_counts_must_be_non_negative():
    with pytest.raises(BayesInputError, match="heads must be ≥ 0"):
        Coin(1, 1, -1, 0)
    with pytest.raises(BayesInputError, match="tails must be ≥ 0"):
        Coin(1, 1, 0, math.nan)


# --- the coin ---------------------------------------------------------------------------------------
def test_posterior_is_beta_alpha_plus_heads_beta_plus_tails():
    c = Coin(2.0, 3.0, 7, 3)
    ref = stats.beta(9, 6)
    assert (c.posterior.a, c.posterior.b) == (9, 6)
    assert c.posterior.mean == pytest.approx(ref.mean()) == pytest.approx(0.6)
    assert c.posterior.mode == pytest.approx(8 / 13)
    assert c.mle == 0.7 and c.n == 10
    assert c.equal_tailed == pytest.approx(ref.interval(0.95))
    assert c.predictive_heads == pytest.approx(0.6)
    # the mean is the prior-weighted average of the prior mean and the MLE
    w = c.prior_weight
    assert w == pytest.approx(5 / 15)
    assert w * c.prior.mean + (1 - w) * c.mle == pytest.approx(c.posterior.mean)
    assert math.isnan(Coin(1, 1).mle)


def test_the_posterior_is_likelihood_times_prior_normalised():
    c = Coin(2.5, 1.5, 4, 9)
    theta = np.linspace(0.001, 0.999, 999)
    unnorm = theta**4 * (1 - theta) ** 9 * stats.beta(2.5, 1.5).pdf(theta)
    evidence = integrate.quad(lambda x: x**4 * (1 - x) ** 9 * stats.beta(2.5, 1.5).pdf(x), 0, 1)[0]
    np.testing.assert_allclose(c.posterior.pdf(theta), unnorm / evidence, rtol=1e-8)
    np.testing.assert_allclose(c.likelihood.pdf(theta), stats.beta(5, 10).pdf(theta), rtol=1e-10)


def test_a_million_flips_is_finite_correct_and_resolved():
    c = Coin(1.0, 1.0, 600_000, 400_000)
    ref = stats.beta(600_001, 400_001)
    assert c.posterior.mean == pytest.approx(ref.mean(), rel=1e-12)
    assert c.equal_tailed == pytest.approx(ref.interval(0.95), rel=1e-12)
    assert c.hdi[0] == pytest.approx(ref.interval(0.95), abs=2e-6)  # nearly symmetric
    cv = c.curves()
    for arr in (cv.theta, cv.prior, cv.likelihood, cv.posterior):
        assert arr.shape == (model.GRID,) and np.all(np.isfinite(arr)) and np.all(arr >= 0)
    lo, hi = cv.window
    assert 0.59 < lo < ref.ppf(1e-6) and ref.ppf(1 - 1e-6) < hi < 0.61  # zoomed on the mass
    # the grid resolves the peak: its highest point is the true peak, and the area is 1
    assert cv.posterior.max() == pytest.approx(float(ref.pdf(c.posterior.mode)), rel=1e-3)
    assert np.trapezoid(cv.posterior, cv.theta) == pytest.approx(1.0, abs=1e-3)
    assert cv.ymax >= cv.posterior.max()


def test_all_heads_and_all_tails():
    c = Coin(1, 1, 50, 0)
    assert c.mle == 1.0 and c.posterior.mode == 1.0  # Beta(51, 1) peaks at the end
    ((lo, hi),) = c.hdi
    assert hi == 1.0 and lo == pytest.approx(stats.beta(51, 1).ppf(0.05))
    assert c.equal_tailed == pytest.approx(stats.beta(51, 1).interval(0.95))
    c = Coin(0.5, 0.5, 0, 200)
    assert c.mle == 0.0 and c.posterior.mode == 0.0 and c.hdi[0][0] == 0.0
    assert np.all(np.isfinite(c.curves().posterior))


@pytest.mark.parametrize("a, b", [(1, 1), (2, 5), (50, 50), (1, 0.5), (0.5, 1)])
def test_the_y_range_holds_every_peak_of_a_run_of_heads_or_tails(a, b):
    """Beta(α + h, β) peaks at θ = 1, half a grid cell past the last point, where it climbs
    steeply: the y-range must hold the peak itself (with its headroom), not the grid's highest point
    2 % further in. Only where a density diverges (α or β < 1) is its end left out."""
    for h in range(1, 120):
        for coin in (Coin(a, b, h, 0), Coin(b, a, 0, h)):
            post = coin.posterior
            cv = coin.curves()
            lo, hi = cv.window
            assert cv.ymax >= cv.likelihood.max()  # Beta(h + 1, 1): never divergent
            if post.a >= 1 and post.b >= 1:  # bounded: its top (at the mode, if on screen) fits
                top = float(post.pdf(post.mode)) if lo <= post.mode <= hi else cv.posterior.max()
                assert cv.ymax >= model.HEADROOM * top * (1 - 1e-12), (coin, cv.ymax, top)
                assert cv.ymax >= cv.posterior.max()
            else:  # diverging at one end: that end is cut, the rest of the curve fits
                inner = cv.posterior[20:] if post.a < 1 else cv.posterior[:-20]
                assert cv.ymax >= inner.max()


def test_the_y_range_leaves_out_only_the_end_where_a_density_diverges():
    jeffreys = Coin(0.5, 0.5).curves()  # U-shaped: both ends cut, the middle shown
    assert jeffreys.ymax < 0.2 * max(jeffreys.posterior[0], jeffreys.posterior[-1])
    assert jeffreys.ymax >= model.HEADROOM * jeffreys.posterior[20:-20].max()
    left = Coin(0.5, 3).curves()  # diverges at 0 only: the end at 1 is kept, the one at 0 cut
    assert left.ymax < left.posterior[0] and left.ymax >= model.HEADROOM * left.posterior[20:].max()
    flat = Coin(1, 1).curves()
    assert flat.ymax == pytest.approx(model.HEADROOM)


@pytest.mark.parametrize("a, b", [(0.001, 0.001), (0.001, 1e4), (1e4, 0.001), (1e4, 1e4), (0.5, 0.5)])
def test_extreme_priors_give_finite_curves_and_intervals(a, b):
    for h, t in ((0, 0), (3, 1), (1000, 0)):
        c = Coin(a, b, h, t)
        cv = c.curves()
        assert all(np.all(np.isfinite(x)) for x in (cv.prior, cv.likelihood, cv.posterior))
        assert math.isfinite(cv.ymax) and cv.ymax > 0
        lo, hi = c.equal_tailed
        assert 0 <= lo <= hi <= 1
        assert (lo, hi) == pytest.approx(stats.beta(a + h, b + t).interval(0.95), rel=1e-9, abs=1e-300)
        for piece in c.hdi:
            assert 0 <= piece[0] <= piece[1] <= 1


def test_window_is_full_while_wide_then_closes_in_by_small_steady_steps():
    assert Coin(1, 1).window() == (0.0, 1.0)
    assert Coin(2, 2, 7, 3).window() == (0.0, 1.0)
    coins = [Coin(1, 1, k, k // 2) for k in range(5, 800)]
    ws = np.array([c.window() for c in coins])
    widths = ws[:, 1] - ws[:, 0]
    assert widths[0] == 1.0 and widths[-1] < 0.3
    assert np.all(np.abs(np.diff(ws, axis=0)) <= 0.126)  # each end moves by one grid step at most
    assert len({tuple(w) for w in ws}) < 40  # and mostly stays put: ~800 flips, a few dozen windows
    for c, (lo, hi) in zip(coins, ws, strict=True):  # the mass that matters is always on screen
        assert lo <= c.posterior.ppf(TAIL) and c.posterior.ppf(1 - TAIL) <= hi


def test_shade_follows_the_posterior_between_the_interval_ends():
    c = Coin(2, 3, 7, 3)
    cv = c.curves()
    lo, hi = c.equal_tailed
    xs, ys = c.shade(cv, lo, hi)
    assert xs[0] == lo and xs[-1] == hi and np.all(np.diff(xs) > 0)
    np.testing.assert_allclose(ys, c.posterior.pdf(xs), rtol=1e-12)
    assert c.shade(cv, 2.0, 3.0)[0].size == 0  # outside the window: nothing


def test_fractional_counts_interpolate_between_updates():
    a = Coin(1, 1, 3, 1).posterior.mean
    b = Coin(1, 1, 4, 1).posterior.mean
    mid = Coin(1, 1, 3.5, 1).posterior.mean
    assert min(a, b) < mid < max(a, b)


# --- the flip log -----------------------------------------------------------------------------------
def test_flip_log_counts_undo_and_growth():
    log = FlipLog()
    assert len(log) == 0 and log.counts() == (0, 0)
    rng = np.random.default_rng(1)
    data = (rng.random(1000) < 0.3).astype(np.uint8)
    for chunk in np.array_split(data, 37):  # appends past the initial capacity
        log.extend(chunk)
    np.testing.assert_array_equal(log.observations, data)
    for k in (0, 1, 17, 500, 1000, 5000):
        h = int(data[: min(k, 1000)].sum())
        assert log.counts(k) == (h, min(k, 1000) - h)
    log.undo()
    assert len(log) == 999 and log.counts() == (int(data[:999].sum()), 999 - int(data[:999].sum()))
    log.undo(5000)
    assert len(log) == 0
    with pytest.raises(BayesInputError):
        log.extend([0, 2])


def test_set_counts_spreads_heads_evenly():
    log = FlipLog()
    log.set_counts(7, 3)
    assert log.counts() == (7, 3) and len(log) == 10
    obs = log.observations
    assert max(np.diff(np.flatnonzero(obs == 0))) <= 4  # tails spread out, not all at the end
    log.set_counts(600_000, 400_000)
    assert log.counts() == (600_000, 400_000)
    assert log.counts(500_000) == pytest.approx((300_000, 200_000), abs=1)
    log.set_counts(0, 0)
    assert len(log) == 0


def test_flips_are_seeded_and_follow_p():
    a = model.flips(np.random.default_rng(6), 100, 0.7)
    b = model.flips(np.random.default_rng(6), 100, 0.7)
    np.testing.assert_array_equal(a, b)
    many = model.flips(np.random.default_rng(0), 200_000, 0.7)
    assert many.mean() == pytest.approx(0.7, abs=0.005)
    assert model.flips(np.random.default_rng(0), 50, 1.0).all()
    assert not model.flips(np.random.default_rng(0), 50, 0.0).any()
    with pytest.raises(BayesInputError, match="between 0 and 1"):
        model.flips(np.random.default_rng(0), 5, 1.5)


# --- Hypothesis ---------------------------------------------------------------------------------------
log_shapes = st.floats(min_value=-3.0, max_value=4.0).map(lambda e: float(10**e))
counts = st.integers(min_value=0, max_value=1_000_000)


@settings(max_examples=120, deadline=None)
@given(log_shapes, log_shapes, counts, counts)
def test_random_priors_and_data_match_scipy(a, b, h, t):
    c = Coin(a, b, h, t)
    ref = stats.beta(a + h, b + t)
    assert c.posterior.mean == pytest.approx(ref.mean(), rel=1e-12)
    lo, hi = c.equal_tailed
    rlo, rhi = ref.interval(0.95)
    assert lo == pytest.approx(rlo, rel=1e-8, abs=1e-300) and hi == pytest.approx(rhi, rel=1e-8, abs=1e-300)
    if h + t:  # the posterior mean lies between the prior mean and the MLE
        pm, mle = a / (a + b), h / (h + t)
        assert min(pm, mle) - 1e-12 <= c.posterior.mean <= max(pm, mle) + 1e-12
    cv = c.curves(200)
    assert all(np.all(np.isfinite(x)) and np.all(x >= 0) for x in (cv.prior, cv.likelihood, cv.posterior))
    assert 0 <= cv.window[0] < cv.window[1] <= 1
    # the grid sees the peak (within its resolution) when the posterior has one inside
    if a + h > 2 and b + t > 2:
        assert cv.window[0] <= c.posterior.mode <= cv.window[1]


@settings(max_examples=60, deadline=None)
@given(log_shapes, log_shapes, counts, counts, counts, counts)
def test_updating_in_two_batches_equals_one(a, b, h1, t1, h2, t2):
    """Yesterday's posterior is today's prior."""
    first = Coin(a, b, h1, t1).posterior
    twice = Coin(first.a, first.b, h2, t2).posterior
    once = Coin(a, b, h1 + h2, t1 + t2).posterior
    assert twice.a == pytest.approx(once.a, rel=1e-12) and twice.b == pytest.approx(once.b, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1.05, max_value=500), st.floats(min_value=1.05, max_value=500))
def test_hdi_random_unimodal(a, b):
    d = Beta(a, b)
    ((lo, hi),) = d.hdi()
    assert float(d.cdf(hi) - d.cdf(lo)) == pytest.approx(0.95, abs=1e-8)
    elo, ehi = d.equal_tailed()
    assert hi - lo <= ehi - elo + 1e-12
    assert lo <= d.mode <= hi


# --- the unknown mean --------------------------------------------------------------------------------
def test_normal_posterior_matches_a_brute_force_grid():
    xs = normal_observations(3, 1.5, 2.0, 25)
    m = NormalMean.of(0.5, 1.0, 2.0, xs)
    mu = np.linspace(-6, 8, 200001)
    log_post = stats.norm(0.5, 1.0).logpdf(mu) + stats.norm.logpdf(xs[:, None], mu, 2.0).sum(axis=0)
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    mean = float((w * mu).sum())
    sd = math.sqrt(float((w * (mu - mean) ** 2).sum()))
    assert m.post_mean == pytest.approx(mean, abs=1e-6)
    assert m.post_sd == pytest.approx(sd, rel=1e-5)
    assert m.prior_weight * 0.5 + (1 - m.prior_weight) * m.xbar == pytest.approx(m.post_mean)
    lo, hi = m.interval()
    assert stats.norm(m.post_mean, m.post_sd).cdf(hi) - stats.norm(m.post_mean, m.post_sd).cdf(lo) == pytest.approx(0.95)


def test_normal_without_data_is_the_prior_and_observations_extend():
    m = NormalMean(1.0, 2.0, 0.5)
    assert (m.post_mean, m.post_sd, m.n) == (1.0, 2.0, 0)
    assert math.isnan(m.xbar)
    a, b = normal_observations(7, 0.0, 1.0, 10), normal_observations(7, 0.0, 1.0, 30)
    np.testing.assert_array_equal(a, b[:10])  # more observations: the same ones plus more
    x, prior, post = m.curves()
    assert x.shape == prior.shape == post.shape == (model.GRID,)
    with pytest.raises(BayesInputError, match="σ must be a positive"):
        NormalMean(0.0, 1.0, 0.0)


@settings(max_examples=80, deadline=None)
@given(st.floats(-10, 10), st.floats(0.05, 20), st.floats(0.05, 20), st.integers(0, 1000), st.integers(0, 1000))
def test_normal_sequential_equals_batch(mu0, tau0, sigma, n1, n2):
    xs = normal_observations(1, 2.0, sigma, n1 + n2)
    first = NormalMean.of(mu0, tau0, sigma, xs[:n1])
    then = NormalMean.of(first.post_mean, first.post_sd, sigma, xs[n1:])
    once = NormalMean.of(mu0, tau0, sigma, xs)
    assert then.post_mean == pytest.approx(once.post_mean, rel=1e-9, abs=1e-9)
    assert then.post_sd == pytest.approx(once.post_sd, rel=1e-9)
    assert once.post_sd <= tau0 + 1e-12  # data never make us less sure


# --- parameters and quantities -------------------------------------------------------------------------
def test_params_and_quantities():
    for spec in model.PARAMS.values():
        assert spec.lo <= spec.default <= spec.hi
    q = model.quantities(Coin(2, 3, 7, 3), sequential(Diagnostic(), 2), NormalMean.of(0, 2, 1, [1.0, 2.0]), 1)
    assert set(q) == set(model.QUANTITIES)
    assert q["posterior_mean"] == pytest.approx(0.6) and q["n"] == 10 and q["tab"] == 1
    assert q["ci_width"] == pytest.approx(q["ci_high"] - q["ci_low"])
    assert q["tests"] == 2 and q["p_disease_given_positive"] == pytest.approx(0.5025, abs=1e-4)
    assert q["base_rate"] == 0.01  # the first test's base rate, as the learner set it
    assert q["normal_n"] == 2 and q["normal_post_mean"] == pytest.approx(NormalMean.of(0, 2, 1, [1.0, 2.0]).post_mean)
