"""Six optimisers raced on a 2-D loss surface, following torch.optim exactly. No Qt.

Update rules (float64, weight_decay = 0, the single-tensor code paths of torch 2.x):

- ``sgd``        p ← p + (−lr)·g                                          (torch.optim.SGD)
- ``momentum``   b ← g (first step), else b ← momentum·b + g;  p ← p + (−lr)·b   (SGD, momentum)
- ``nesterov``   b as above;  g' ← g + momentum·b;  p ← p + (−lr)·g'     (SGD, nesterov=True)
- ``adagrad``    s ← s + g·g;  p ← p + (−lr)·g / (√s + eps)              (Adagrad, eps = 1e−10)
- ``rmsprop``    v ← alpha·v + (1 − alpha)·g·g;  p ← p + (−lr)·g / (√v + eps)   (RMSprop, eps = 1e−8)
- ``adam``       m ← lerp(m, g, 1 − β₁);  v ← β₂·v + (1 − β₂)·g·g;
                 p ← p + (−lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + eps)        (Adam, bias-corrected)

Hyperparameter names and defaults are torch's (``lr``, ``momentum``, ``nesterov``, ``alpha``,
``eps``, ``betas``), and so is the order of floating-point operations, so tests compare our
trajectories with recorded torch ones to 1e−12 (tests/models/data/optimizer_reference.npz).

Speed: each optimiser's loop is generated once per surface as straight-line float code with the
surface's gradient inlined (sympy cse + pycode, compiled by Python's ``compile``; the text comes
from sympy objects built by our own parser, never from user text), so 6 × 1000 steps take a few
milliseconds. A trajectory stops at the first non-finite gradient or at a position outside
|x|, |y| < ESCAPE = 1e6 ("diverged at step n": left alone, GD at lr just above 2/L needs
thousands of steps to overflow, so escaping counts); nothing warns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from app.models.descent_params import OPTIMIZERS, PARAMS, QUANTITIES, TITLES  # noqa: F401 (re-exported)
from app.models.surfaces import MATH_NAMES, TYPED, Surface, quadratic_hessian, surface

#: torch.optim defaults (torch 2.x): SGD lr 1e-3, Adagrad 1e-2, RMSprop 1e-2, Adam 1e-3
TORCH_DEFAULT_LR = {"sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 1e-2, "rmsprop": 1e-2, "adam": 1e-3}
EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}
#: a path that leaves |x|, |y| < ESCAPE has diverged (a million plot boxes away; also catches inf/NaN)
ESCAPE = 1e6
#: "reached the minimum": within this distance of a known minimum
REACH_TOL = 1e-3


@dataclass(frozen=True)
class Hyper:
    """One optimiser's hyperparameters, torch names. ``betas`` only for Adam."""

    lr: float
    momentum: float = 0.0
    alpha: float = 0.99
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8


def hypers(params: dict[str, float]) -> dict[str, Hyper]:
    """Per-optimiser hyperparameters from the flat parameter dict (defaults from PARAMS)."""
    p = {k: s.default for k, s in PARAMS.items()} | dict(params)
    return {
        "sgd": Hyper(p["lr_sgd"]),
        "momentum": Hyper(p["lr_momentum"], momentum=p["momentum"]),
        "nesterov": Hyper(p["lr_nesterov"], momentum=p["nesterov_momentum"]),
        "adagrad": Hyper(p["lr_adagrad"], eps=EPS["adagrad"]),
        "rmsprop": Hyper(p["lr_rmsprop"], alpha=p["alpha"], eps=EPS["rmsprop"]),
        "adam": Hyper(p["lr_adam"], betas=(p["beta1"], p["beta2"]), eps=EPS["adam"]),
    }


# --- generated loops ---------------------------------------------------------------------------
_INIT = {
    "sgd": "nlr = -lr",
    "momentum": "nlr = -lr\nbx = by = 0.0",
    "nesterov": "nlr = -lr\nbx = by = 0.0",
    "adagrad": "nclr = -lr\nsx = sy = 0.0",  # lr_decay = 0: clr = lr / (1 + (t − 1)·0) = lr
    "rmsprop": "nlr = -lr\nw = 1 - alpha\nvx = vy = 0.0",
    "adam": "b1, b2 = betas\nw1 = 1 - b1\nw2 = 1 - b2\nsmall = abs(w1) < 0.5\nmx = my = vx = vy = 0.0",
}
_UPDATE = {
    "sgd": "x = x + nlr * gx\ny = y + nlr * gy",
    "momentum": ("if i:\n    bx = bx * mom + gx\n    by = by * mom + gy\nelse:\n    bx = gx\n    by = gy\n"
                 "x = x + nlr * bx\ny = y + nlr * by"),
    "nesterov": ("if i:\n    bx = bx * mom + gx\n    by = by * mom + gy\nelse:\n    bx = gx\n    by = gy\n"
                 "x = x + nlr * (gx + mom * bx)\ny = y + nlr * (gy + mom * by)"),
    "adagrad": ("sx = sx + gx * gx\nsy = sy + gy * gy\n"
                "x = x + nclr * gx / (sqrt(sx) + eps)\ny = y + nclr * gy / (sqrt(sy) + eps)"),
    "rmsprop": ("vx = vx * alpha + w * gx * gx\nvy = vy * alpha + w * gy * gy\n"
                "x = x + nlr * gx / (sqrt(vx) + eps)\ny = y + nlr * gy / (sqrt(vy) + eps)"),
    "adam": ("if small:\n    mx = mx + w1 * (gx - mx)\n    my = my + w1 * (gy - my)\n"
             "else:\n    mx = gx - (gx - mx) * (1 - w1)\n    my = gy - (gy - my) * (1 - w1)\n"
             "vx = vx * b2 + w2 * gx * gx\nvy = vy * b2 + w2 * gy * gy\n"
             "t = i + 1.0\nnss = -(lr / (1 - b1 ** t))\nbc2s = (1 - b2 ** t) ** 0.5\n"
             "x = x + nss * mx / (sqrt(vx) / bc2s + eps)\ny = y + nss * my / (sqrt(vy) / bc2s + eps)"),
}


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())


@lru_cache(maxsize=256)
def _loop(grad_lines: tuple[str, ...], opt: str, noisy: bool):
    """A function run(x, y, n, lr, mom, alpha, betas, eps, nx, ny) → (xs, ys, stopped_at)."""
    noise = "gx = gx + nx[i]\ngy = gy + ny[i]\n" if noisy else ""
    body = "\n".join(grad_lines) + "\ns = gx + gy\nif s - s != 0.0:\n    stop = i\n    break\n" + noise
    body += _UPDATE[opt] + "\nif not (-B < x < B and -B < y < B):\n    stop = i + 1\n    break\nax(x)\nay(y)"
    src = (f"def run(x, y, n, lr, mom, alpha, betas, eps, nx, ny):\n"
           f"    xs = [x]\n    ys = [y]\n    ax = xs.append\n    ay = ys.append\n    stop = -1\n    i = 0\n"
           f"{_indent(_INIT[opt], 4)}\n"
           f"    try:\n        for i in range(n):\n{_indent(body, 12)}\n"
           f"    except (ArithmeticError, ValueError, TypeError):  # TypeError: a complex power, outside the domain\n        stop = i\n"
           f"    return xs, ys, stop\n")
    namespace = dict(MATH_NAMES, B=ESCAPE)
    # Not user text: ``grad_lines`` come from sympy's code printer applied to an expression tree that
    # app/models/expr.py's whitelist parser built (numbers, x, y, + − * / ^ and listed functions),
    # the same way sympy.lambdify compiles it. This only unrolls the optimiser loop for speed.
    exec(compile(src, f"<descent loop {opt}>", "exec"), namespace)  # noqa: S102
    return namespace["run"]


@dataclass(frozen=True)
class Path:
    """One optimiser's trajectory: points 0..k (k ≤ n steps), f and ‖∇f‖ at each point.

    ``diverged_at`` is the step whose gradient or position stopped being finite (−1 if none)."""

    name: str
    xy: np.ndarray  # (k + 1, 2)
    f: np.ndarray  # (k + 1,)
    grad_norm: np.ndarray  # (k + 1,)
    diverged_at: int = -1

    @property
    def diverged(self) -> bool:
        return self.diverged_at >= 0


def noise_for(steps: int, sigma: float, seed: int) -> tuple[list[float], list[float]]:
    """The seeded N(0, σ²) gradient noise, the same sequence for every optimiser (a fair race)."""
    if sigma <= 0:
        return [], []
    z = np.random.default_rng(int(seed)).standard_normal((2, int(steps))) * float(sigma)
    return z[0].tolist(), z[1].tolist()


def run(surf: Surface, opt: str, hyper: Hyper, start: tuple[float, float], steps: int,
        noise: tuple[list[float], list[float]] = ([], [])) -> Path:
    """Run one optimiser for ``steps`` steps from ``start``."""
    comp = surf.compiled
    loop = _loop(comp.grad_lines, opt, bool(noise[0]))
    xs, ys, stop = loop(float(start[0]), float(start[1]), int(steps), float(hyper.lr), float(hyper.momentum),
                        float(hyper.alpha), tuple(map(float, hyper.betas)), float(hyper.eps), noise[0], noise[1])
    xy = np.column_stack([xs, ys])
    f = comp.f(xy[:, 0], xy[:, 1])
    gx, gy = comp.grad(xy[:, 0], xy[:, 1])
    with np.errstate(all="ignore"):
        gn = np.hypot(gx, gy)
    bad = ~(np.isfinite(xy).all(axis=1) & np.isfinite(f) & np.isfinite(gn))
    if bad.any():  # the last position overflowed: keep the finite part
        k = int(np.argmax(bad))
        stop = k if stop < 0 else min(stop, k)
        xy, f, gn = xy[:k], f[:k], gn[:k]
    return Path(opt, xy, f, gn, stop)


@dataclass
class Race:
    """Every optimiser on one surface from one start."""

    surface: Surface
    paths: dict[str, Path] = field(default_factory=dict)
    steps: int = 0
    hypers: dict[str, Hyper] = field(default_factory=dict)

    def quantities(self) -> dict[str, float]:
        q = analysis(self.surface)
        lr = self.hypers["sgd"].lr if "sgd" in self.hypers else math.nan
        # how close GD's lr is to the stability limit 2/L (NaN where there is no limit)
        q["lr_sgd_ratio"] = lr / q["lr_max"] if 0 < q["lr_max"] < math.inf else math.nan
        for name, p in self.paths.items():
            q[f"loss_{name}"] = float(p.f[-1]) if len(p.f) else math.inf
            q[f"diverged_{name}"] = 1.0 if p.diverged else 0.0
            q[f"diverged_at_{name}"] = float(p.diverged_at) if p.diverged else math.inf
            q[f"steps_to_min_{name}"] = steps_to_min(self.surface, p)
        return q


def race(params: dict[str, float], typed: str | None = None, only: tuple[str, ...] = OPTIMIZERS,
         memo: dict | None = None) -> Race:
    """Run the optimisers in ``only`` with the hyperparameters in ``params`` (see PARAMS).

    With a ``memo`` dict (the caller keeps it between calls) an optimiser whose inputs — surface,
    start, steps, noise and its own hyperparameters — did not change is not run again: dragging
    one learning rate re-runs one path, not six."""
    p = {k: s.default for k, s in PARAMS.items()} | dict(params)
    typed = typed if p["surface"] <= TYPED + 0.5 else None
    surf = surface(int(round(p["surface"])), p["cond"], p["angle"], typed)
    steps = int(round(p["steps"]))
    hs = hypers(p)
    shared = (int(round(p["surface"])), p["cond"], p["angle"], typed, p["x0"], p["y0"], steps, p["noise"],
              int(p["seed"]))
    noise = None
    paths = {}
    for o in only:
        key = (o, hs[o], *shared)
        if memo is not None and memo.get(o, (None,))[0] == key:
            paths[o] = memo[o][1]
            continue
        if noise is None:
            noise = noise_for(steps, p["noise"], int(p["seed"]))
        paths[o] = run(surf, o, hs[o], (p["x0"], p["y0"]), steps, noise)
        if memo is not None:
            memo[o] = (key, paths[o])
    return Race(surf, paths, steps, hs)


def steps_to_min(surf: Surface, path: Path, tol: float = REACH_TOL) -> float:
    """First step at which the path is within ``tol`` of a known minimum (inf if never)."""
    if not surf.minima or path.diverged:
        return math.inf
    mins = np.array(surf.minima)
    d = np.min(np.hypot(path.xy[:, None, 0] - mins[None, :, 0], path.xy[:, None, 1] - mins[None, :, 1]), axis=1)
    hit = np.nonzero(d < tol)[0]
    return float(hit[0]) if hit.size else math.inf


def analysis(surf: Surface) -> dict[str, float]:
    """Hessian at the analysed critical point: L (largest |eigenvalue|), μ (smallest), κ = L/μ,
    and the largest stable GD learning rate 2/L. NaN where there is no critical point, and
    lr_max = NaN at a saddle (an eigenvalue < 0: no minimum, so no lr makes GD converge)."""
    if surf.critical is None:
        return {"L": math.nan, "mu": math.nan, "cond_hessian": math.nan, "lr_max": math.nan}
    H = surf.hessian_at(*surf.critical)
    ev = np.linalg.eigvalsh((H + H.T) / 2)
    L, mu = float(np.max(np.abs(ev))), float(np.min(ev))
    cond = L / mu if mu > 0 else math.inf
    if is_saddle(mu, L):
        return {"L": L, "mu": mu, "cond_hessian": cond, "lr_max": math.nan}
    return {"L": L, "mu": mu, "cond_hessian": cond, "lr_max": 2.0 / L if L > 0 else math.inf}


def is_saddle(mu: float, L: float) -> bool:
    """A negative curvature (beyond rounding) at the critical point: not a minimum."""
    return mu < -1e-9 * max(1.0, L)


def gd_closed_form(cond: float, angle: float, lr: float, start, steps: int) -> np.ndarray:
    """Plain GD on the quadratic ½xᵀHx in closed form: x_k = (I − lr·H)^k x₀, shape (steps + 1, 2)."""
    H = quadratic_hessian(cond, angle)
    w, V = np.linalg.eigh(H)
    c = V.T @ np.asarray(start, float)
    k = np.arange(steps + 1)[:, None]
    return (c[None, :] * (1 - lr * w[None, :]) ** k) @ V.T


# --- a readable reference (the derivation replays with it; tests check it against the loops) ------
def reference_step(opt: str, h: Hyper, theta: float, g: float, state: dict, t: int) -> tuple[float, dict]:
    """One coordinate's torch update at step t (1-based) with gradient g. ``state`` holds the
    previous buffers (b, s, v, m; 0 before the first step); returns (new θ, new state)."""
    if opt == "sgd":
        return theta + (-h.lr) * g, {}
    if opt in ("momentum", "nesterov"):
        b = g if t == 1 else state["b"] * h.momentum + g
        step = b if opt == "momentum" else g + h.momentum * b
        return theta + (-h.lr) * step, {"b": b}
    if opt == "adagrad":
        s = state.get("s", 0.0) + g * g
        return theta + (-h.lr) * g / (math.sqrt(s) + h.eps), {"s": s}
    if opt == "rmsprop":
        v = state.get("v", 0.0) * h.alpha + (1 - h.alpha) * g * g
        return theta + (-h.lr) * g / (math.sqrt(v) + h.eps), {"v": v}
    b1, b2 = h.betas
    m0, w1 = state.get("m", 0.0), 1 - b1
    m = m0 + w1 * (g - m0) if abs(w1) < 0.5 else g - (g - m0) * (1 - w1)
    v = state.get("v", 0.0) * b2 + (1 - b2) * g * g
    step_size = h.lr / (1 - b1 ** float(t))
    denom = math.sqrt(v) / (1 - b2 ** float(t)) ** 0.5 + h.eps
    return theta + (-step_size) * m / denom, {"m": m, "v": v}


def replay(surf: Surface, opt: str, h: Hyper, start, n: int, noise=([], [])) -> tuple[np.ndarray, list[dict], np.ndarray]:
    """θ_n, the per-coordinate state after n steps and the gradient at θ_n (with its noise).

    Follows ``reference_step``; slow (Python + numpy scalars) but only the derivation needs it."""
    theta = np.array(start, float)
    states: list[dict] = [{}, {}]
    comp = surf.compiled
    for t in range(1, n + 2):
        g = np.array([float(v) for v in comp.grad(theta[0], theta[1])])
        if noise[0]:
            g = g + np.array([noise[0][t - 1], noise[1][t - 1]])
        if t == n + 1:
            return theta, states, g
        new = [reference_step(opt, h, float(theta[i]), float(g[i]), states[i], t) for i in range(2)]
        theta = np.array([new[0][0], new[1][0]])
        states = [new[0][1], new[1][1]]
    raise AssertionError("unreachable")
