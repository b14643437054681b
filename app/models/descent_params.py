"""The gradient-descent lesson's parameters and quantities: what lesson files may set and check.

Kept apart from app.models.descent (which needs sympy) so that reading the lesson files at
start-up stays cheap. No Qt, no sympy.
"""

from __future__ import annotations

from app.models.params import ParamSpec

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
TITLES = {"sgd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
          "rmsprop": "RMSProp", "adam": "Adam"}

PARAMS: dict[str, ParamSpec] = {
    "surface": ParamSpec("Surface (−1 = typed)", 0.0, -1.0, 5.0, 1.0),
    "cond": ParamSpec("Condition number κ", 10.0, 1.0, 100.0, 0.5),
    "angle": ParamSpec("Rotation", 30.0, 0.0, 180.0, 1.0, "°"),
    "x0": ParamSpec("Start x", -4.0, -5.0, 5.0, 0.01),
    "y0": ParamSpec("Start y", 3.0, -5.0, 5.0, 0.01),
    "steps": ParamSpec("Steps", 200.0, 10.0, 1000.0, 10.0),
    "step": ParamSpec("Current step", 200.0, 0.0, 1000.0, 1.0),
    "optimizer": ParamSpec("Optimiser in the derivation", 0.0, 0.0, 5.0, 1.0),
    "show": ParamSpec("Shown optimisers (bit mask)", 63.0, 0.0, 63.0, 1.0),
    "lr_sgd": ParamSpec("lr (GD)", 0.05, 1e-5, 10.0, 0.001),
    "lr_momentum": ParamSpec("lr (momentum)", 0.02, 1e-5, 10.0, 0.001),
    "lr_nesterov": ParamSpec("lr (Nesterov)", 0.02, 1e-5, 10.0, 0.001),
    "lr_adagrad": ParamSpec("lr (AdaGrad)", 0.5, 1e-5, 10.0, 0.001),
    "lr_rmsprop": ParamSpec("lr (RMSProp)", 0.05, 1e-5, 10.0, 0.001),
    "lr_adam": ParamSpec("lr (Adam)", 0.1, 1e-5, 10.0, 0.001),
    "momentum": ParamSpec("momentum (heavy ball)", 0.9, 0.0, 0.999, 0.001),
    # torch.optim.SGD(nesterov=True) refuses momentum 0 ("Nesterov momentum requires a momentum"): so do we
    "nesterov_momentum": ParamSpec("momentum (Nesterov)", 0.9, 0.001, 0.999, 0.001),
    "alpha": ParamSpec("alpha (RMSProp)", 0.99, 0.0, 0.999, 0.001),
    "beta1": ParamSpec("β₁ (Adam)", 0.9, 0.0, 0.999, 0.001),
    "beta2": ParamSpec("β₂ (Adam)", 0.999, 0.0, 0.9999, 0.0001),
    "noise": ParamSpec("Gradient noise σ", 0.0, 0.0, 5.0, 0.01),
    "seed": ParamSpec("Noise seed", 0.0, 0.0, 1000.0, 1.0),
}

QUANTITIES: tuple[str, ...] = (
    "L", "mu", "cond_hessian", "lr_max", "lr_sgd_ratio",
    *(f"{k}_{o}" for o in OPTIMIZERS for k in ("loss", "diverged", "steps_to_min", "diverged_at")),
)


def _lrs(*values: float) -> dict[str, float]:
    return {f"lr_{o}": v for o, v in zip(OPTIMIZERS, values, strict=True)}


#: learning rates (GD, momentum, Nesterov, AdaGrad, RMSProp, Adam) that make a readable race on each
#: built-in surface from its own start: none diverges within 200 steps (the quadratic's are the
#: defaults). The explorer switches to them with the surface while the learner has not changed any lr.
SURFACE_LRS: dict[int, dict[str, float]] = {
    0: _lrs(0.05, 0.02, 0.02, 0.5, 0.05, 0.1),  # quadratic bowl
    1: _lrs(0.001, 0.0005, 0.0005, 0.3, 0.005, 0.02),  # Rosenbrock
    2: _lrs(0.01, 0.005, 0.005, 0.5, 0.02, 0.05),  # Himmelblau
    3: _lrs(0.01, 0.005, 0.002, 0.5, 0.01, 0.05),  # Beale
    4: _lrs(0.01, 0.005, 0.005, 0.2, 0.005, 0.01),  # saddle: everyone slides off, slowly enough to watch
    5: _lrs(0.05, 0.02, 0.02, 0.5, 0.05, 0.1),  # six-hump camel
}


def surface_lrs(index: int) -> dict[str, float]:
    """SURFACE_LRS of surface ``index``; a typed surface (−1) gets the defaults."""
    return dict(SURFACE_LRS.get(int(round(index)), SURFACE_LRS[0]))
