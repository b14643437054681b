"""The SVD derivation: every step's residuals vanish, a broken step is caught, live steps follow params."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

from app.derivations import svd as deriv
from app.derivations.base import Step, is_zero
from app.models import svd as model


def _params(k=10, a=1.0, b=1.0, c=0.0, d=1.0):
    """What the explorer's params() returns for a real factorization."""
    rng = np.random.default_rng(0)
    fact = model.factorize(rng.random((30, 40, 3)))
    met = fact.metrics(k)
    sig = np.concatenate([fact.sigma(), np.zeros(3)])  # zeros past the last σ, as the explorer sends
    return {"k": float(k), "luminance": 0.0, "sample": 0.0, "error_view": 0.0, "a": a, "b": b, "c": c, "d": d,
            "stage": 3.0, "m": 30.0, "n": 40.0, "channels": 3.0, "max_rank": 30.0, "psnr": met.psnr,
            "energy": met.energy, "ratio": met.ratio, "rel_error": met.rel_error, "storage": float(met.storage),
            "norm": float(np.sqrt(fact.total_energy)), "tail": float(fact.tail()[k]),
            "drop1": float(sig[k]), "drop2": float(sig[k + 1]), "drop3": float(sig[k + 2])}, fact


def test_symbolic_steps_all_hold():
    steps = deriv.symbolic_steps()
    assert len(steps) >= 6
    titles = " ".join(s.title for s in steps)
    for needed in ("UΣVᵀ", "AᵀA", "√λ", "truncation", "Eckart", "Storage", "PSNR"):
        assert needed in titles
    for step in steps:
        assert step.residuals, step.title
        assert all(is_zero(r) for r in step.residuals), step.title
        assert step.latex()


def test_the_example_is_a_true_svd():
    A, U, S, V, lams = deriv._example()
    assert sp.simplify(U.T * U - sp.eye(2)) == sp.zeros(2)
    assert sp.simplify(V.T * V - sp.eye(2)) == sp.zeros(2)
    np.testing.assert_allclose([float(S[0, 0]), float(S[1, 1])],
                               np.linalg.svd(np.array(deriv.EXAMPLE, float), compute_uv=False))


def test_a_wrong_step_has_a_nonzero_residual():
    A, U, S, V, _ = deriv._example()
    wrong = U * S * V  # V instead of Vᵀ
    residuals = tuple(sp.simplify(x) for x in (A - wrong))
    assert not all(is_zero(r) for r in residuals)
    k, m, n = deriv.k, deriv.m, deriv.n
    assert not is_zero(sp.expand(k * m + k * n - k * (m + n + 1)))  # forgetting the σ's


def test_live_steps_carry_the_current_numbers():
    params, fact = _params(k=7)
    steps = deriv.live_steps(params)
    assert all(isinstance(s, Step) and s.live for s in steps)
    for step in steps:
        assert all(is_zero(r) for r in step.residuals), step.title
    text = " ".join(s.title + " " + s.note for s in steps)
    assert "k = 7" in text
    assert f"{7 * (30 + 40 + 1):,}" in text
    assert f"{100 * fact.metrics(7).rel_error:.3f} %" in text
    assert f"{fact.metrics(7).psnr:.2f} dB" in text
    assert f"σ8 = {params['drop1']:.4g}" in text  # the first dropped singular value, by name and value
    # the 2×2 step: shear [[1, 1], [0, 1]] has σ = golden ratio and its inverse
    two = steps[0]
    assert float(two.rhs[0]) == pytest.approx((1 + 5**0.5) / 2, rel=1e-3)
    assert float(two.rhs[1]) == pytest.approx((5**0.5 - 1) / 2, rel=1e-3)


def test_live_steps_change_with_k_and_the_matrix():
    p1, _ = _params(k=3)
    p2, _ = _params(k=12, a=2.0, b=0.0, c=0.0, d=0.5)
    s1, s2 = deriv.live_steps(p1), deriv.live_steps(p2)
    assert [s.latex() for s in s1] != [s.latex() for s in s2]
    assert float(s2[0].rhs[0]) == pytest.approx(2.0, rel=1e-3)
    assert float(s2[0].rhs[1]) == pytest.approx(0.5, rel=1e-3)


def test_live_steps_before_an_image_and_at_full_rank():
    only_matrix = deriv.live_steps({"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "m": 0.0, "n": 0.0})
    assert len(only_matrix) == 1 and all(is_zero(r) for r in only_matrix[0].residuals)
    params, _ = _params(k=30)
    params["tail"], params["drop1"] = 0.0, 0.0
    steps = deriv.live_steps(params)
    assert "Nothing is dropped" in " ".join(s.note for s in steps)
    assert not any("PSNR" in s.title for s in steps)  # infinite PSNR: no log of zero


def test_live_steps_are_fast():
    params, _ = _params(k=5)
    deriv.live_steps(params)
    start = time.perf_counter()
    for _ in range(10):
        deriv.live_steps(params)
    assert (time.perf_counter() - start) / 10 < 0.1
