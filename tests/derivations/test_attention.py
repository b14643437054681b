"""The attention derivation: every symbolic step is a true identity (sympy), a broken step is
caught, and the live steps carry — and check — the model's numbers for the selected row."""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np
import pytest
import sympy as sp

from app.derivations import attention as deriv
from app.derivations.base import Step, is_zero
from app.models import attention as model


def _params(text=model.DEFAULT_SENTENCE, query=3, head=0, keys=(), **config) -> dict[str, float]:
    """What the explorer's params() sends: the config plus the model's numbers for the row."""
    m = model.AttentionModel(text, model.Config(**config))
    for j in keys:
        m.toggle_key(j)
    c = m.config
    return {"d_k": c.d_k, "heads": c.heads, "temperature": c.temperature, "causal": float(c.causal),
            "scaled": float(c.scaled), "positional": float(c.positional), "seed": c.seed,
            "preset": c.preset, "stage": 4.0} | m.row_numbers(query, head)


def _max_residual(step: Step) -> float:
    return max(abs(float(r)) for r in step.residuals)


# --- in symbols ------------------------------------------------------------------------------------
def test_symbolic_steps_follow_the_stages_and_all_hold():
    steps = deriv.symbolic_steps()
    titles = [s.title for s in steps]
    order = ["Q, K, V", "QKᵀ", "√d_k", "mask", "softmax", "constant", "Jacobian", "· V"]
    positions = [next(i for i, t in enumerate(titles) if key in t) for key in order]
    assert positions == sorted(positions), titles
    for step in steps:
        assert step.residuals, step.title
        assert all(is_zero(r) for r in step.residuals), step.title
        assert not step.live


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5, 6])
def test_variance_of_a_dot_product_is_d_and_dividing_by_root_d_makes_it_one(d):
    assert deriv.variance_of_dot(d) == d
    assert deriv.variance_of_dot(d, 1 / sp.sqrt(d)) == 1
    assert deriv.variance_of_dot(d, 1 / sp.Integer(d)) == sp.Rational(1, d)  # ÷ d would overshoot


def test_expectation_uses_mean_zero_unit_variance_moments():
    a, b = sp.symbols("a b")
    assert deriv.expectation(a, [a, b]) == 0
    assert deriv.expectation(a**2, [a, b]) == 1
    assert deriv.expectation(a * b, [a, b]) == 0
    assert deriv.expectation(a**4 + 2 * a**2 * b**2, [a, b]) == 5
    assert deriv.expectation(sp.Integer(7), [a]) == 7


def test_wrong_claims_have_nonzero_residuals():
    x = sp.symbols("x_1:4", real=True)
    c = sp.Symbol("c", positive=True)
    p = deriv._softmax_vec(x)
    scaled = deriv._softmax_vec([2 * v for v in x])  # softmax is NOT invariant to scaling
    assert not all(is_zero(r) for r in scaled - p)
    shifted = deriv._softmax_vec([v + c for v in x])
    assert all(is_zero(r) for r in shifted - p)
    wrong_jac = sp.diag(*p) + p * p.T
    assert not all(is_zero(r) for r in p.jacobian(sp.Matrix(x)) - wrong_jac)
    assert not is_zero(deriv.variance_of_dot(3) - 9)  # Var(q·k) is d, not d²


# --- in the learner's numbers ----------------------------------------------------------------------
@pytest.mark.parametrize("case", [
    dict(),
    dict(causal=True, query=2),
    dict(temperature=0.05, d_k=16, heads=1),
    dict(temperature=1e6, scaled=False),
    dict(temperature=1e-6),
    dict(preset=2, query=5),
    dict(text="猫坐在垫子上。", query=1, d_k=4, heads=3, head=2),
    dict(text="one", query=0, d_k=1, heads=1),
    dict(text=" ".join(f"w{i}" for i in range(200)), query=150, d_k=64, heads=8, head=7, causal=True),
    dict(head=-1),
], ids=lambda c: ",".join(f"{k}={str(v)[:12]}" for k, v in c.items()) or "default")
def test_live_steps_hold_and_carry_the_models_numbers(case):
    params = _params(**case)
    steps = deriv.live_steps(params)
    titles = [s.title for s in steps]
    assert [t.split(":")[1].strip().split()[0] for t in titles][:3] == ["scale", "+", "stable"]
    for step in steps:
        assert step.live and step.residuals, step.title
        assert _max_residual(step) < 1e-12, (step.title, _max_residual(step))
        assert "nan" not in step.latex().lower()
    n = int(params["tokens"])
    shown = deriv._shown(n, [params[f"weight_{j}"] for j in range(n)])
    rhs = next(s for s in steps if "softmax" in s.title).rhs  # the displayed weights are the model's, rounded
    values = list(rhs) if isinstance(rhs, sp.MatrixBase) else [eq.rhs for eq in rhs.args if isinstance(eq, sp.Eq)]
    assert len(values) == len(shown)
    for j, v in zip(shown, values, strict=True):
        assert float(v) == pytest.approx(params[f"weight_{j}"], rel=1e-3, abs=1e-300)
    assert f"query {int(params['query'])}" in steps[0].title


def test_live_steps_follow_the_temperature():
    hot, cold = deriv.live_steps(_params(temperature=8.0)), deriv.live_steps(_params(temperature=0.125))
    assert hot[0].latex() != cold[0].latex()
    assert "T = 8" in hot[0].note and "T = 0.125" in cold[0].note
    assert "gradient vanishes" in next(s for s in deriv.live_steps(_params(temperature=1e-3)) if "Jacobian" in s.title).note


def test_a_tampered_weight_or_output_is_caught():
    params = _params()
    good = deriv.live_steps(params)
    assert max(_max_residual(s) for s in good) < 1e-12
    bad = dict(params, weight_2=params["weight_2"] + 0.01)
    softmax_step = next(s for s in deriv.live_steps(bad) if "softmax" in s.title)
    assert _max_residual(softmax_step) > 1e-3
    bad = dict(params, out_0=params["out_0"] + 0.01)
    assert _max_residual(deriv.live_steps(bad)[-1]) > 1e-3
    bad = dict(params, masked_0=1.0)  # the model's weight for key 0 is not 0: the mask is not what it said
    assert any(_max_residual(s) > 1e-3 for s in deriv.live_steps(bad))


def test_a_fully_masked_row_gives_zeros_and_says_so():
    params = _params(text="one two three", causal=True, query=0, keys=(0,))
    assert params["masked_0"] == 1.0 and params["weight_0"] == 0.0
    steps = deriv.live_steps(params)
    assert all(_max_residual(s) < 1e-12 for s in steps)
    assert "Every key is masked" in steps[1].note and "row is 0" in steps[2].note
    assert not any("Jacobian" in s.title for s in steps)


def test_no_tokens_no_live_steps():
    assert deriv.live_steps(_params(text="")) == []
    assert deriv.live_steps({}) == []


def test_long_rows_show_the_largest_weights_only():
    params = _params(text=" ".join(f"w{i}" for i in range(40)), query=20)
    steps = deriv.live_steps(params)
    w = np.array([params[f"weight_{j}"] for j in range(40)])
    top = int(np.argmax(w))
    assert f"p_{{{top}}}" in steps[2].latex() and r"\ldots" in steps[2].latex()
    assert steps[2].latex().count("p_{") == deriv.SHOW - 1


def test_live_steps_are_fast_even_for_200_tokens():
    params = _params(text=" ".join(f"w{i}" for i in range(200)), d_k=64, heads=8, query=199)
    deriv.live_steps(params)
    times = []
    for _ in range(15):
        start = time.perf_counter()
        deriv.live_steps(params)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.03  # ~4 ms here; generous for slow CI machines


def test_every_step_typesets_with_ziamath():
    with warnings.catch_warnings():  # ziamath 0.13 uses the deprecated importlib.resources.path
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    ziamath.config.svg2 = False
    cases = [_params(), _params(causal=True, query=0), _params(text=" ".join(f"w{i}" for i in range(30)))]
    steps = deriv.symbolic_steps() + [s for p in cases for s in deriv.live_steps(p)]
    for step in steps:
        svg = ziamath.Latex(step.latex(), size=20, color="#1B1F24").svg()
        assert "<path" in svg and "<symbol" not in svg, step.latex()


def test_the_jacobian_step_shows_the_whole_jacobian_on_the_left():
    step = next(s for s in deriv.symbolic_steps() if "Jacobian" in s.title)
    assert step.latex().startswith(r"\frac{\partial p}{\partial x} = ")  # ∂p/∂x, not one column of it
    assert step.rhs.shape == (deriv.N_SMALL, deriv.N_SMALL)
    x = sp.symbols(f"x_1:{deriv.N_SMALL + 1}", real=True)
    p = deriv._softmax_vec(x)
    ps = sp.symbols(f"p_1:{deriv.N_SMALL + 1}", real=True)
    claimed = step.rhs.subs(dict(zip(ps, p, strict=True)))
    assert all(is_zero(sp.simplify(r)) for r in p.jacobian(sp.Matrix(x)) - claimed)  # ∂p/∂x = diag(p) − ppᵀ
    live = next(s for s in deriv.live_steps(_params()) if "Jacobian" in s.title)
    assert live.latex().startswith(r"\frac{\partial p}{\partial \ell} \approx ")


def test_the_output_step_ends_with_dots_only_when_hidden_terms_count():
    words = " ".join(f"w{i}" for i in range(40))
    wide = deriv.live_steps(_params(text=words, query=20))[-1]
    assert r"\ldots" in wide.latex()  # 35 keys with weight > 0 are not shown
    early = deriv.live_steps(_params(text=words, query=2, causal=True))[-1]  # keys 0–2 only: all shown
    assert r"\ldots" not in early.latex() and early.latex().count(r"\,") == 3
    assert _max_residual(early) < 1e-12
