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


def test_the_saddle_is_concluded_a_saddle_not_called_stable():
    steps = D.live_steps({"surface": 4, "x0": -2.5, "y0": 0.1})
    titles = [s.title for s in steps]
    assert "Hessian at the critical point" in titles and "Hessian at the minimum" not in titles
    assert "No minimum here: a saddle" in titles and "No learning rate converges" in titles
    assert not any("stable" in t for t in titles)
    _all_true(steps)
    typed = D.live_steps({"surface": TYPED, **encode_text("y^2 - x^2 + 1")})  # a typed saddle too
    assert "No minimum here: a saddle" in [s.title for s in typed]
    _all_true(typed)


def test_a_minimum_with_a_kink_or_flat_hessian_is_no_saddle():
    for text in ("abs(x) + y^2", "x^4 + y^4"):
        steps = D.live_steps({"surface": TYPED, **encode_text(text)})
        titles = [s.title for s in steps]
        assert "Hessian at the minimum" in titles and not any("saddle" in t for t in titles), titles
        _all_true(steps)
    flat = D.live_steps({"surface": TYPED, **encode_text("x^4 + y^4")})
    assert not any("2/L" in s.title for s in flat)  # L = 0: no limit to state


def test_constant_and_undefined_start_surfaces_still_derive():
    for text, x0 in (("1", -4.0), ("sqrt(x) + y^2", -3.0)):
        steps = D.live_steps({"surface": TYPED, "x0": x0, **encode_text(text)})
        assert [s.title for s in steps][:2] == ["Your surface", "Its gradient (sympy)"]
        _all_true(steps)
