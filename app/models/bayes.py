"""Bayesian updating of a coin's P(heads): Beta prior, flips, Beta posterior (Beta–Binomial); and
the parameters and quantities of the whole Bayes topic, whose other two tabs are in
bayes_diagnostic.py (discrete Bayes, a diagnostic test) and bayes_normal.py (an unknown mean with
known noise). numpy + scipy.special only; no Qt.

Conventions: θ = P(heads) in [0, 1]; a prior Beta(α, β) has density
θ^(α−1)(1−θ)^(β−1) / B(α, β). Densities are evaluated in log space (``xlogy``, ``betaln``) and
exponentiated last, so 10⁶ flips or α, β near 0 or huge give finite, correct numbers.
Counts (heads, tails) may be fractional: the explorer animates between updates along the
continuous path Beta(α + s·h, β + s·t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize, special

from app.models.bayes_params import PARAMS, QUANTITIES  # noqa: F401 (re-exported)

if TYPE_CHECKING:  # the other two tabs live in their own modules, which import this one
    from app.models.bayes_diagnostic import Diagnostic
    from app.models.bayes_normal import NormalMean

LEVEL = 0.95  # credible level of every interval
GRID = 1000  # points per plotted curve
TAIL = 1e-4  # plot windows hold all but this much of each distribution's mass, each side
HEADROOM = 1.25  # y-range above the highest curve: room for the marker labels
ZOOM_FULL, ZOOM_TIGHT = 0.5, 0.25  # mass spans wider than the first show [0, 1]; narrower, zoom in


class BayesInputError(ValueError):
    """A parameter the model cannot use; str() is a message for people."""


def _positive(name: str, value: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise BayesInputError(f"{name} must be a positive number (found {value:g}): "
                              f"Beta({name}, …) with {name} ≤ 0 cannot be normalised")
    return v


def _probability(name: str, value: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and 0.0 <= v <= 1.0):
        raise BayesInputError(f"{name} must be a probability between 0 and 1 (found {value:g})")
    return v


# --- the Beta distribution ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Beta:
    """Beta(a, b) on [0, 1], a, b > 0 and finite."""

    a: float
    b: float

    def __post_init__(self):
        _positive("α", self.a)
        _positive("β", self.b)

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def var(self) -> float:
        m = self.mean
        return m * (1.0 - m) / (self.a + self.b + 1.0)  # = ab/((a+b)²(a+b+1)), without overflow

    @property
    def mode(self) -> float:
        """Where the density is largest: (a−1)/(a+b−2) inside; 0 or 1 when it peaks at an end;
        NaN when there is no single peak (a = b = 1 is flat; a, b < 1 peaks at both ends)."""
        a, b = self.a, self.b
        if a > 1 and b > 1:
            return (a - 1.0) / (a + b - 2.0)
        if (a == 1 and b == 1) or (a < 1 and b < 1):
            return math.nan
        return 0.0 if a <= 1 < b or (a < 1 and b == 1) else 1.0

    def logpdf(self, x) -> np.ndarray:
        """log density at x (any shape); −inf outside [0, 1], +inf where it diverges at an end."""
        x = np.asarray(x, dtype=float)
        return np.where((x < 0) | (x > 1), -np.inf, self._logpdf_inside(x))

    def _logpdf_inside(self, x: np.ndarray) -> np.ndarray:
        """log density at x, all of it in [0, 1] (the plot grid: no mask needed)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return special.xlogy(self.a - 1, x) + special.xlog1py(self.b - 1, -x) - special.betaln(self.a, self.b)

    def pdf(self, x) -> np.ndarray:
        return np.exp(self.logpdf(x))

    def cdf(self, x) -> np.ndarray:
        return special.betainc(self.a, self.b, np.clip(np.asarray(x, dtype=float), 0.0, 1.0))

    def ppf(self, q) -> np.ndarray:
        return special.betaincinv(self.a, self.b, np.asarray(q, dtype=float))

    def equal_tailed(self, level: float = LEVEL) -> tuple[float, float]:
        """The central interval: (1 − level)/2 of the mass below it and as much above."""
        lo, hi = self.ppf([(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def hdi(self, level: float = LEVEL) -> tuple[tuple[float, float], ...]:
        """Highest-density region of mass ``level``: the shortest set with that mass, where the
        density inside is everywhere higher than outside. One interval, except for a U-shaped
        Beta (a, b < 1), whose region is two pieces [0, l] ∪ [u, 1]; a flat Beta(1, 1) has no
        unique one and gets the central interval."""
        a, b = self.a, self.b
        if a == 1 and b == 1:
            return (self.equal_tailed(level),)
        if a <= 1 and b > 1 or (a < 1 and b == 1):  # density falls from θ = 0
            return ((0.0, float(self.ppf(level))),)
        if b <= 1 and a > 1 or (b < 1 and a == 1):  # density rises to θ = 1
            return ((float(self.ppf(1 - level)), 1.0),)
        inside = a > 1  # unimodal: [l, u]; U-shaped: the complement of the middle
        span = level if inside else 1 - level

        def gap(p: float) -> float:  # log f(u) − log f(l): falls from +∞ to −∞ as p goes 0 → 1 − span
            d = self._logpdf_at_quantile(p + span) - self._logpdf_at_quantile(p)
            return d if inside else -d

        far = 1 - span
        ends = (far * 1e-12, far * (1 - 1e-12))
        if gap(ends[0]) <= 0:
            p = ends[0]
        elif gap(ends[1]) >= 0:
            p = ends[1]
        else:
            p = optimize.brentq(lambda q: float(np.clip(gap(q), -1e300, 1e300)), *ends, xtol=1e-15, rtol=1e-13)
        lo, hi = (float(v) for v in self.ppf([p, p + span]))
        return ((lo, hi),) if inside else ((0.0, lo), (hi, 1.0))

    def _logpdf_at_quantile(self, q: float) -> float:
        """log f(F⁻¹(q)). Above the median the quantile comes from the mirror image Beta(b, a)
        (1 − θ ~ Beta(b, a)), so log(1 − θ) keeps its digits where θ itself rounds to 1."""
        a, b, log_beta = self.a, self.b, float(special.betaln(self.a, self.b))

        def log_small(shape: float, x: float, tail: float) -> float:
            # below ~1e-300 the quantile underflows; there F(x) ≈ x^shape / (shape·B), solved for log x
            return math.log(x) if x > 1e-300 else (math.log(tail) + math.log(shape) + log_beta) / shape

        if q <= 0.5:
            x = float(self.ppf(q))
            log_x, log_1mx = log_small(a, x, q), (math.log1p(-x) if x < 1 else -math.inf)
        else:
            y = float(special.betaincinv(b, a, 1.0 - q))
            log_x, log_1mx = (math.log1p(-y) if y < 1 else -math.inf), log_small(b, y, 1.0 - q)
        with np.errstate(invalid="ignore"):
            return float((a - 1) * log_x + (b - 1) * log_1mx - log_beta)


# --- the coin ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curves:
    """Everything drawn on the Beta tab, each array of shape (GRID,); densities in 1/θ."""

    theta: np.ndarray
    prior: np.ndarray
    likelihood: np.ndarray  # θ^h(1−θ)^t scaled to integrate to 1: the Beta(h+1, t+1) density
    posterior: np.ndarray
    window: tuple[float, float]
    ymax: float  # a y-range that shows every curve, peaks included (ends where a density diverges are cut)


@dataclass(frozen=True)
class Coin:
    """Prior Beta(α, β) and the counts seen so far; the posterior is Beta(α + h, β + t)."""

    alpha: float = 1.0
    beta: float = 1.0
    heads: float = 0.0
    tails: float = 0.0

    def __post_init__(self):
        Beta(self.alpha, self.beta)  # validates α, β
        for name in ("heads", "tails"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and v >= 0):
                raise BayesInputError(f"the number of {name} must be ≥ 0 (found {v:g})")

    @property
    def n(self) -> float:
        return self.heads + self.tails

    @cached_property
    def prior(self) -> Beta:
        return Beta(self.alpha, self.beta)

    @cached_property
    def posterior(self) -> Beta:
        return Beta(self.alpha + self.heads, self.beta + self.tails)

    @property
    def likelihood(self) -> Beta | None:
        """The likelihood θ^h(1−θ)^t normalised over θ (None before any data: it is flat)."""
        return Beta(self.heads + 1, self.tails + 1) if self.n > 0 else None

    @property
    def mle(self) -> float:
        """h/n, the θ that makes the data most likely (NaN before any data)."""
        return self.heads / self.n if self.n > 0 else math.nan

    @property
    def prior_weight(self) -> float:
        """w in posterior mean = w·prior mean + (1 − w)·MLE: (α + β)/(α + β + n)."""
        return (self.alpha + self.beta) / (self.alpha + self.beta + self.n)

    @property
    def predictive_heads(self) -> float:
        """P(next flip = heads | data) = E[θ | data]."""
        return self.posterior.mean

    @cached_property
    def equal_tailed(self) -> tuple[float, float]:
        return self.posterior.equal_tailed()

    @cached_property
    def hdi(self) -> tuple[tuple[float, float], ...]:
        return self.posterior.hdi()

    def interval(self, kind: str = "equal") -> tuple[tuple[float, float], ...]:
        """The 95 % credible region: "equal" (equal-tailed) or "hdi"."""
        return (self.equal_tailed,) if kind == "equal" else self.hdi

    def window(self) -> tuple[float, float]:
        """The θ-range to plot. [0, 1] while the posterior (and the likelihood) spread wide; once
        their mass (all but 10⁻⁴ each side) fits in less than a quarter of it, the window closes
        in on that mass plus a margin, so 1 000 points always resolve the peak (at 10⁶ flips the
        posterior is ~0.002 wide). Between the two it blends gradually, and its ends snap outwards
        to a grid of 1/5 of its width or less (1, 2, 2.5 or 5 × 10ᵏ), so it moves in small steps and
        stays put between them: the axis is not redrawn on every flip, and reads steadily."""
        dists = [self.posterior] + ([self.likelihood] if self.n > 0 else [])
        spans = np.array([d.ppf([TAIL, 1 - TAIL]) for d in dists])
        lo, hi = float(spans[:, 0].min()), float(spans[:, 1].max())
        width = hi - lo
        pad = 0.3 * width + 1e-12
        tight = (max(0.0, lo - pad), min(1.0, hi + pad))
        s = min(1.0, max(0.0, (width - ZOOM_TIGHT) / (ZOOM_FULL - ZOOM_TIGHT)))
        lo, hi = (1 - s) * tight[0], (1 - s) * tight[1] + s
        if hi - lo >= 1.0:
            return 0.0, 1.0
        step = _nice_step((hi - lo) / 5)
        lo = max(0.0, round(math.floor(round(lo / step, 9)) * step, 12))
        hi = min(1.0, round(math.ceil(round(hi / step, 9)) * step, 12))
        return lo, hi

    def curves(self, points: int = GRID, window: tuple[float, float] | None = None) -> Curves:
        """Prior, normalised likelihood and posterior on ``points`` cell midpoints of ``window``
        (default: window()); midpoints, so a density that diverges at θ = 0 or 1 stays finite."""
        lo, hi = self.window() if window is None else (float(window[0]), float(window[1]))
        if not 0.0 <= lo < hi <= 1.0:
            raise BayesInputError(f"a plot window inside [0, 1] is needed, found ({lo}, {hi})")
        theta = lo + (np.arange(points) + 0.5) * ((hi - lo) / points)  # inside [0, 1]
        dists = (self.prior, self.likelihood, self.posterior)
        prior, lik, post = (np.exp(d._logpdf_inside(theta)) if d is not None else np.ones_like(theta) for d in dists)
        peak = max(_peak(d, c, lo, hi) for d, c in zip(dists, (prior, lik, post), strict=True))
        ymax = HEADROOM * peak
        return Curves(theta, prior, lik, post, (lo, hi), ymax if ymax > 0 else 1.0)

    def shade(self, curves: Curves, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
        """The outline of the posterior's area over [lo, hi] within the plot window: the grid
        points inside plus the exact ends, ready for a fill down to 0."""
        wlo, whi = curves.window
        lo, hi = max(lo, wlo), min(hi, whi)
        if hi <= lo:
            return np.empty(0), np.empty(0)
        inside = (curves.theta > lo) & (curves.theta < hi)
        xs = np.concatenate(([lo], curves.theta[inside], [hi]))
        ys = np.concatenate((self.posterior.pdf([lo]), curves.posterior[inside], self.posterior.pdf([hi])))
        top = 4 * curves.ymax  # the end of a divergent density: far above the view is enough
        return xs, np.minimum(ys, top)


def _peak(d: Beta | None, values: np.ndarray, lo: float, hi: float) -> float:
    """The highest of a density's ``values`` on the grid over [lo, hi] that a plot must show:
    where it diverges at an end of [0, 1] in the window (a < 1 at 0, b < 1 at 1) the outer 2 % of
    the grid on that side are left out (the curve is cut there); elsewhere it is bounded, and its
    value at the mode counts too when the mode lies in the window (all heads: Beta(h + 1, 1) peaks
    at θ = 1, half a grid cell beyond the last point, and steeply)."""
    n = len(values)
    cut = n // 50
    left = cut if d is not None and d.a < 1 and lo == 0.0 else 0
    right = n - cut if d is not None and d.b < 1 and hi == 1.0 else n
    top = float(values[left:right].max())
    if d is None or d.a < 1 or d.b < 1:
        return top
    a, b = d.a, d.b
    m = 0.0 if a == 1 and b > 1 else 1.0 if b == 1 and a > 1 else 0.5 if a == b == 1 else (a - 1) / (a + b - 2)
    if lo <= m <= hi:  # log f(m) in plain floats (cheap: this runs on every flip); 0·log 0 = 0 at an end
        log_f = (_xlog(a - 1, m) + _xlog(b - 1, 1.0 - m) - math.lgamma(a) - math.lgamma(b) + math.lgamma(a + b)
                 if a + b < 1e7 else float(special.xlogy(a - 1, m) + special.xlog1py(b - 1, -m) - special.betaln(a, b)))
        top = max(top, math.exp(log_f))
    return top


def _xlog(k: float, x: float) -> float:
    return 0.0 if k == 0 else k * math.log(x)


def _nice_step(x: float) -> float:
    """The largest of 1, 2, 2.5, 5 × 10ᵏ that is ≤ x (x > 0)."""
    m = 10.0 ** math.floor(math.log10(x))
    return max(f * m for f in (1.0, 2.0, 2.5, 5.0) if f * m <= x * (1 + 1e-12))


class FlipLog:
    """The ordered observations (1 = heads, 0 = tails) with running head counts, so scrubbing to
    any step k is O(1). Appends are amortised O(1) (capacity doubles)."""

    def __init__(self):
        self._obs = np.zeros(64, np.uint8)
        self._cum = np.zeros(65, np.int64)  # _cum[k] = heads among the first k
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def observations(self) -> np.ndarray:
        return self._obs[: self._n]

    def counts(self, step: int | None = None) -> tuple[int, int]:
        """(heads, tails) among the first ``step`` observations (all when None)."""
        k = self._n if step is None else min(max(int(step), 0), self._n)
        h = int(self._cum[k])
        return h, k - h

    def extend(self, values) -> None:
        v = np.asarray(values, dtype=np.uint8).ravel()
        if np.any(v > 1):
            raise BayesInputError("observations are 1 (heads) or 0 (tails)")
        need = self._n + len(v)
        if need > len(self._obs):
            cap = max(need, 2 * len(self._obs))
            self._obs = np.concatenate((self._obs[: self._n], np.zeros(cap - self._n, np.uint8)))
            self._cum = np.concatenate((self._cum[: self._n + 1], np.zeros(cap - self._n, np.int64)))
        self._obs[self._n: need] = v
        self._cum[self._n + 1: need + 1] = self._cum[self._n] + np.cumsum(v, dtype=np.int64)
        self._n = need

    def undo(self, k: int = 1) -> None:
        self._n = max(0, self._n - int(k))

    def clear(self) -> None:
        self._n = 0

    def set_counts(self, heads: int, tails: int) -> None:
        """Replace the log by ``heads`` heads and ``tails`` tails spread evenly in time (so the
        timeline shows a steady path rather than all heads first)."""
        h, t = int(heads), int(tails)
        if h < 0 or t < 0:
            raise BayesInputError(f"counts must be ≥ 0 (found {h} heads, {t} tails)")
        n = h + t
        i = np.arange(n + 1, dtype=np.int64)
        self.clear()
        self.extend(np.diff(i * h // max(n, 1)) if n else [])


def flips(rng: np.random.Generator, k: int, p: float) -> np.ndarray:
    """``k`` flips of a coin with P(heads) = p, as 1/0 (uint8); the generator keeps its place."""
    return (rng.random(int(k)) < _probability("true p", p)).astype(np.uint8)


PRESETS: dict[str, tuple[float, float]] = {
    "uniform": (1.0, 1.0),  # every θ equally plausible
    "jeffreys": (0.5, 0.5),  # invariant to reparametrisation
    "fair": (50.0, 50.0),  # a strong belief the coin is fair: as if 100 flips, half heads, were seen
}


def quantities(coin: Coin, chain: list[Diagnostic], normal: NormalMean, tab: int = 0) -> dict[str, float]:
    """The named numbers exercises check: the coin's as shown (at the timeline step), the last
    test of the diagnostic chain, and the unknown mean's posterior."""
    lo, hi = coin.equal_tailed
    last = chain[-1]
    nlo, nhi = normal.interval()
    return {
        "tab": float(tab), "alpha": coin.alpha, "beta": coin.beta, "heads": float(coin.heads),
        "tails": float(coin.tails), "n": float(coin.n), "prior_mean": coin.prior.mean,
        "posterior_mean": coin.posterior.mean, "posterior_mode": coin.posterior.mode, "mle": coin.mle,
        "prior_weight": coin.prior_weight, "predictive_heads": coin.predictive_heads,
        "ci_low": lo, "ci_high": hi, "ci_width": hi - lo, "hdi_width": sum(b - a for a, b in coin.hdi),
        "base_rate": chain[0].base_rate, "sensitivity": last.sensitivity, "specificity": last.specificity,
        "tests": float(len(chain)), "p_positive": last.p_positive,
        "p_disease_given_positive": last.p_disease_given_positive,
        "p_disease_given_negative": last.p_disease_given_negative,
        "normal_n": float(normal.n), "normal_post_mean": normal.post_mean, "normal_post_sd": normal.post_sd,
        "normal_ci_width": nhi - nlo,
    }
