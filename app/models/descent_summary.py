"""What the gradient-descent race means in words and in the loss plot's terms, shared by the
explorer's status line and the clip: is there a minimum, a saddle or nothing to analyse, and
what the loss is measured against. No Qt.
"""

from __future__ import annotations

import math

import numpy as np

from app.models.descent import Race, is_saddle
from app.models.surfaces import Surface


def kind(surf: Surface, q: dict[str, float]) -> str:
    """"constant", "none" (no critical point found), "saddle", "flat" (Hessian 0 at the minimum)
    or "minimum"."""
    if surf.critical is None:
        return "constant" if not surf.expr.free_symbols else "none"
    if is_saddle(q["mu"], q["L"]):
        return "saddle"
    return "minimum" if math.isfinite(q["lr_max"]) else "flat"


def stability_line(race: Race, short: bool = False) -> str:
    """One sentence on GD's stability limit here (``short``: a few words, for the clip)."""
    surf, q = race.surface, race.quantities()
    k = kind(surf, q)
    if k == "constant":
        return "f is constant: nothing moves" if short else \
            "f is constant: ∇f = 0 everywhere, so no optimiser moves."
    if k == "none":
        return "No minimum in the box" if short else "No minimum found in the box: no stability limit for GD to show."
    if k == "saddle":
        if short:
            return "No minimum: a saddle"
        x, y = surf.critical
        return (f"No minimum: ({x:.3g}, {y:.3g}) is a saddle (Hessian eigenvalues {q['L']:.3g} and {q['mu']:.3g}), "
                "so no learning rate makes GD converge: it slides off downhill.")
    if k == "flat":
        return "No 2/L limit: the Hessian is 0" if short else \
            "The Hessian is 0 at the minimum: no 2/L limit, but GD slows down near it."
    if short:
        return f"GD stable for lr < 2/L = {q['lr_max']:.3g}"
    return (f"GD is stable near the minimum for lr < 2/L = {q['lr_max']:.4g} "
            f"(GD's lr is {100 * q['lr_sgd_ratio']:.0f} % of it)")


def loss_scale(surf: Surface) -> tuple[str, float]:
    """The loss plot's scale: ("gap", 1) — f − f* on a log axis — where there is a minimum; else
    ("change", c) — f − f(x₀) on a symlog axis, linear within ±c = 10⁻³ of f's range in the box."""
    if surf.minima:
        return "gap", 1.0
    xs, ys = np.linspace(*surf.xlim, 41), np.linspace(*surf.ylim, 41)
    z = surf.f(*np.meshgrid(xs, ys))
    z = z[np.isfinite(z)]
    span = float(np.ptp(z)) if z.size else 0.0
    return "change", 10.0 ** (math.floor(math.log10(span)) - 3) if span > 0 else 1e-3


def f_reference(surf: Surface, start: tuple[float, float]) -> float:
    """What the loss plot subtracts: f* (the lowest known minimum), or f(x₀) with no minimum."""
    if surf.minima:
        return float(min(surf.f(x, y) for x, y in surf.minima))
    return float(surf.f(*start))
