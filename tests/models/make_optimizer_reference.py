"""Record torch.optim trajectories (float64) into data/optimizer_reference.npz.

torch is not a MathLens dependency; run this with a scratch venv that has it:

    python3 -m venv /tmp/torchenv-gd && /tmp/torchenv-gd/bin/pip install torch numpy
    /tmp/torchenv-gd/bin/python tests/models/make_optimizer_reference.py

Each case: a surface written with torch ops (the same formulas as app/models/surfaces.py), a
start point, an optimiser with its hyperparameters (torch's names), ~50 steps. Stored per case
``<case>/xy`` (steps + 1, 2) and a JSON ``cases`` description; tests/models/test_descent.py
replays every case with app.models.descent and compares to ~1e-12 relative.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent / "data" / "optimizer_reference.npz"
STEPS = 50


def quadratic(a, b, c):
    return lambda p: 0.5 * (a * p[0] ** 2 + 2 * b * p[0] * p[1] + c * p[1] ** 2)


SURFACES = {
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
    "himmelblau": lambda p: (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2,
    "camel": lambda p: ((4 - 2.1 * p[0] ** 2 + p[0] ** 4 / 3) * p[0] ** 2 + p[0] * p[1]
                        + (-4 + 4 * p[1] ** 2) * p[1] ** 2),
}

# (name, surface, start, torch class, kwargs, our optimiser name)
CASES = [
    ("sgd_rosen", "rosenbrock", (-1.2, 1.0), "SGD", {"lr": 1e-3}, "sgd"),
    ("momentum_rosen", "rosenbrock", (-1.2, 1.0), "SGD", {"lr": 5e-4, "momentum": 0.9}, "momentum"),
    ("nesterov_rosen", "rosenbrock", (-1.2, 1.0), "SGD", {"lr": 5e-4, "momentum": 0.9, "nesterov": True},
     "nesterov"),
    ("adagrad_rosen", "rosenbrock", (-1.2, 1.0), "Adagrad", {"lr": 0.3}, "adagrad"),
    ("rmsprop_rosen", "rosenbrock", (-1.2, 1.0), "RMSprop", {"lr": 0.01, "alpha": 0.99}, "rmsprop"),
    ("adam_rosen", "rosenbrock", (-1.2, 1.0), "Adam", {"lr": 0.05, "betas": (0.9, 0.999)}, "adam"),
    ("sgd_himmel", "himmelblau", (-0.5, -0.5), "SGD", {"lr": 0.01}, "sgd"),
    ("momentum_himmel", "himmelblau", (-0.5, -0.5), "SGD", {"lr": 0.002, "momentum": 0.8}, "momentum"),
    ("nesterov_camel", "camel", (-1.5, -1.0), "SGD", {"lr": 0.01, "momentum": 0.5, "nesterov": True},
     "nesterov"),
    ("adagrad_camel", "camel", (-1.5, -1.0), "Adagrad", {"lr": 0.1}, "adagrad"),
    ("rmsprop_himmel", "himmelblau", (-0.5, -0.5), "RMSprop", {"lr": 0.05, "alpha": 0.9}, "rmsprop"),
    ("adam_himmel", "himmelblau", (-0.5, -0.5), "Adam", {"lr": 0.1, "betas": (0.8, 0.99)}, "adam"),
    ("adam_smallbeta_camel", "camel", (-1.5, -1.0), "Adam", {"lr": 0.02, "betas": (0.3, 0.9)}, "adam"),
    ("sgd_quad", "quadratic", (-4.0, 3.0), "SGD", {"lr": 0.05}, "sgd"),
    ("momentum_quad", "quadratic", (-4.0, 3.0), "SGD", {"lr": 0.02, "momentum": 0.9}, "momentum"),
    ("adam_quad", "quadratic", (-4.0, 3.0), "Adam", {"lr": 0.1}, "adam"),
    ("rmsprop_quad", "quadratic", (-4.0, 3.0), "RMSprop", {"lr": 0.05}, "rmsprop"),
]
QUAD = {"cond": 10.0, "angle": 30.0}


def quad_coeffs(cond: float, angle: float) -> tuple[float, float, float]:
    t = np.radians(angle)
    c, s = np.cos(t), np.sin(t)
    R = np.array([[c, -s], [s, c]])
    H = R @ np.diag([1.0, cond]) @ R.T
    return float(H[0, 0]), float(H[0, 1]), float(H[1, 1])


def trajectory(surface, start, cls, kwargs) -> np.ndarray:
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], foreach=False, **kwargs)
    out = [p.detach().clone().numpy()]
    for _ in range(STEPS):
        opt.zero_grad()
        surface(p).backward()
        opt.step()
        out.append(p.detach().clone().numpy())
    return np.array(out)


def main() -> None:
    SURFACES["quadratic"] = quadratic(*quad_coeffs(**QUAD))
    arrays, described = {}, []
    for name, surf, start, cls, kwargs, ours in CASES:
        arrays[f"{name}__xy"] = trajectory(SURFACES[surf], start, cls, kwargs)
        described.append({"name": name, "surface": surf, "start": list(start), "torch": cls,
                          "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
                          "optimizer": ours})
    meta = {"torch_version": torch.__version__, "steps": STEPS, "quadratic": QUAD, "cases": described}
    np.savez_compressed(OUT, meta=np.array(json.dumps(meta)), **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__}, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
