"""app/derivations/descent.py: every step's residuals vanish; live steps follow the surface, the
selected optimiser and the current step — including a typed surface carried inside params."""

from __future__ import annotations

import pytest
import sympy as sp

from app.derivations import descent as D
from app.derivations.base import is_zero
from app.models import descent as model
from app.models.surfaces import TYPED, encode_text, surface


def _all_true(steps):
    for s in steps:
        for r in s.residuals:
            assert is_zero(r), (s.title, r)
        assert s.latex()


def test_symbolic_steps_hold():
    steps = D.symbolic_steps()
    assert len(steps) >= 5
    assert all(s.residuals for s in steps)
    _all_true(steps)
    stable = next(s for s in steps if "stable" in s.title)
    assert sp.simplify(stable.rhs - 2 / D.lam) == 0


@pytest.mark.parametrize("opt", range(6))
@pytest.mark.parametrize("surf", [0, 1, 2, 4, 5])
def test_live_steps_hold_for_every_optimiser(opt, surf):
    x0, y0 = surface(surf).start
    steps = D.live_steps({"surface": surf, "optimizer": opt, "step": 5, "steps": 50, "x0": x0, "y0": y0,
                          "lr_sgd": 0.001, "lr_momentum": 0.001, "lr_nesterov": 0.001})
    _all_true(steps)
    titles = [s.title for s in steps]
    assert any(model.TITLES[model.OPTIMIZERS[opt]] in t for t in titles)
    assert any("5 → 6" in t for t in titles)


def test_stability_number_matches_the_model():
    steps = D.live_steps({"surface": 0, "cond": 25.0, "angle": 10.0})
    step = next(s for s in steps if "2/L" in s.title)
    assert "0.08" in step.note  # 2 / 25
    assert step.residuals and all(is_zero(r) for r in step.residuals)


def test_typed_surface_travels_in_params():
    params = {"surface": TYPED, **encode_text("(x - 1)^2 + 4*(y + 2)^2")}
    steps = D.live_steps(params)
    grad = next(s for s in steps if "gradient" in s.title.lower())
    x, y = sp.symbols("x y", real=True)
    assert sp.simplify(grad.rhs[0] - 2 * (x - 1)) == 0
    assert sp.simplify(grad.rhs[1] - 8 * (y + 2)) == 0
    kappa = next(s for s in steps if s.title == "Condition number")
    assert float(kappa.rhs) == pytest.approx(4.0, rel=1e-3)
    _all_true(steps)


def test_noise_is_part_of_the_replayed_step():
    steps = D.live_steps({"surface": 2, "optimizer": 5, "noise": 0.7, "seed": 5, "step": 20, "x0": -0.5, "y0": -0.5})
    _all_true(steps)
    assert "noise" in steps[-3].note
