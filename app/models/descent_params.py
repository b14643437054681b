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
    "nesterov_momentum": ParamSpec("momentum (Nesterov)", 0.9, 0.0, 0.999, 0.001),
    "alpha": ParamSpec("alpha (RMSProp)", 0.99, 0.0, 0.999, 0.001),
    "beta1": ParamSpec("β₁ (Adam)", 0.9, 0.0, 0.999, 0.001),
    "beta2": ParamSpec("β₂ (Adam)", 0.999, 0.0, 0.9999, 0.0001),
    "noise": ParamSpec("Gradient noise σ", 0.0, 0.0, 5.0, 0.01),
    "seed": ParamSpec("Noise seed", 0.0, 0.0, 1000.0, 1.0),
}

QUANTITIES: tuple[str, ...] = (
    "L", "mu", "cond_hessian", "lr_max",
    *(f"{k}_{o}" for o in OPTIMIZERS for k in ("loss", "diverged", "steps_to_min", "diverged_at")),
)
