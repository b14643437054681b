"""The unknown mean of a Normal with known noise σ: prior μ ~ N(μ₀, τ₀²), data xᵢ ~ N(μ, σ²),
posterior N(μₙ, τₙ²) — precisions add, the mean is a precision-weighted average. numpy + scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from app.models.bayes import GRID, LEVEL, BayesInputError


@dataclass(frozen=True)
class NormalMean:
    """Prior μ ~ N(μ₀, τ₀²), data x₁…xₙ ~ N(μ, σ²) with σ known; posterior N(μₙ, τₙ²)."""

    mu0: float = 0.0
    tau0: float = 2.0
    sigma: float = 1.0
    n: int = 0
    total: float = 0.0  # Σ xᵢ

    def __post_init__(self):
        for name in ("tau0", "sigma"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and v > 0):
                raise BayesInputError(f"{'τ₀' if name == 'tau0' else 'σ'} must be a positive number (found {v:g})")

    @classmethod
    def of(cls, mu0: float, tau0: float, sigma: float, xs) -> NormalMean:
        xs = np.asarray(xs, dtype=float)
        return cls(mu0, tau0, sigma, len(xs), float(xs.sum()))

    @property
    def xbar(self) -> float:
        return self.total / self.n if self.n else math.nan

    @property
    def precision(self) -> float:
        """1/τₙ² = 1/τ₀² + n/σ²: precisions add."""
        return 1.0 / self.tau0**2 + self.n / self.sigma**2

    @property
    def prior_weight(self) -> float:
        return (1.0 / self.tau0**2) / self.precision

    @property
    def post_mean(self) -> float:
        return (self.mu0 / self.tau0**2 + self.total / self.sigma**2) / self.precision

    @property
    def post_sd(self) -> float:
        return 1.0 / math.sqrt(self.precision)

    def interval(self, level: float = LEVEL) -> tuple[float, float]:
        z = float(special.ndtri((1 + level) / 2))
        return self.post_mean - z * self.post_sd, self.post_mean + z * self.post_sd

    def window(self) -> tuple[float, float]:
        lo = min(self.mu0 - 3.5 * self.tau0, self.post_mean - 4 * self.post_sd)
        hi = max(self.mu0 + 3.5 * self.tau0, self.post_mean + 4 * self.post_sd)
        return lo, hi

    def curves(self, points: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = self.window()
        x = np.linspace(lo, hi, points)
        return x, _normal_pdf(x, self.mu0, self.tau0), _normal_pdf(x, self.post_mean, self.post_sd)


def _normal_pdf(x, mu, sd) -> np.ndarray:
    return np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def normal_observations(seed: int, true_mu: float, sigma: float, n: int) -> np.ndarray:
    """The first ``n`` draws of a fixed stream for this seed (more n = the same draws plus more)."""
    z = np.random.default_rng([int(seed), 2]).standard_normal(int(n))
    return true_mu + sigma * z
