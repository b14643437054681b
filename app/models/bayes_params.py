"""The Bayes lessons' parameters and quantities: what lesson files may set and check.

Kept apart from app.models.bayes (which needs scipy) so that reading the lesson files at start-up
stays cheap. No Qt, no scipy.
"""

from __future__ import annotations

from app.models.params import ParamSpec

PARAMS: dict[str, ParamSpec] = {
    "tab": ParamSpec("tab: 0 coin, 1 diagnostic test, 2 unknown mean", 0, 0, 2, step=1),
    "alpha": ParamSpec("prior α (like α − 1 heads seen before)", 1.0, 0.001, 10000.0),
    "beta": ParamSpec("prior β (like β − 1 tails seen before)", 1.0, 0.001, 10000.0),
    "heads": ParamSpec("heads observed", 0, 0, 1_000_000, step=1),
    "tails": ParamSpec("tails observed", 0, 0, 1_000_000, step=1),
    "true_p": ParamSpec("true P(heads) of the random flips", 0.7, 0.0, 1.0),
    "seed": ParamSpec("random seed", 0, 0, 1_000_000, step=1),
    "reveal": ParamSpec("show the true value (0/1)", 0, 0, 1, step=1),
    "hdi": ParamSpec("interval: 0 equal-tailed, 1 highest density", 0, 0, 1, step=1),
    "base_rate": ParamSpec("base rate P(disease)", 0.01, 0.0, 1.0, step=0.001),
    "sensitivity": ParamSpec("sensitivity P(+ | disease)", 0.9, 0.0, 1.0, step=0.001),
    "specificity": ParamSpec("specificity P(− | healthy)", 0.91, 0.0, 1.0, step=0.001),
    "tests": ParamSpec("positive tests in a row", 1, 1, 10, step=1),
    "mu0": ParamSpec("prior mean μ₀", 0.0, -10.0, 10.0),
    "tau0": ParamSpec("prior sd τ₀", 2.0, 0.05, 20.0),
    "sigma": ParamSpec("noise sd σ (known)", 1.0, 0.05, 20.0),
    "true_mu": ParamSpec("true mean of the random observations", 1.5, -10.0, 10.0),
    "normal_n": ParamSpec("observations of the unknown mean", 0, 0, 1000, step=1),
}

QUANTITIES: tuple[str, ...] = (
    "tab", "alpha", "beta", "heads", "tails", "n", "prior_mean", "posterior_mean", "posterior_mode", "mle",
    "prior_weight", "predictive_heads", "ci_low", "ci_high", "ci_width", "hdi_width",
    "base_rate", "sensitivity", "specificity", "tests", "p_positive", "p_disease_given_positive",
    "p_disease_given_negative", "normal_n", "normal_post_mean", "normal_post_sd", "normal_ci_width",
)
