"""app/models/descent.py: the six optimisers follow torch.optim (recorded trajectories), match
hand-computed first steps and closed forms, and stop cleanly when they diverge."""

from __future__ import annotations

import json
import math
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import descent as d
from app.models.expr import FUNCTIONS, ParseError
from app.models.surfaces import SURFACE_NAMES, TYPED, surface, typed_surface

DATA = Path(__file__).resolve().parent / "data" / "optimizer_reference.npz"
INDEX = {"quadratic": 0, "rosenbrock": 1, "himmelblau": 2, "camel": 5}


def _reference():
    z = np.load(DATA)
    meta = json.loads(str(z["meta"]))
    return z, meta


def test_reference_file_names_its_torch_version():
    _, meta = _reference()
    assert meta["torch_version"].startswith("2.13")
    assert {c["optimizer"] for c in meta["cases"]} == set(d.OPTIMIZERS)


@pytest.mark.parametrize("case", _reference()[1]["cases"], ids=lambda c: c["name"])
def test_matches_torch_optim(case):
    z, meta = _reference()
    quad = meta["quadratic"]
    surf = surface(INDEX[case["surface"]], quad["cond"], quad["angle"])
    kw = case["kwargs"]
    opt = case["optimizer"]
    hyper = d.Hyper(kw["lr"], momentum=kw.get("momentum", 0.0), alpha=kw.get("alpha", 0.99),
                    betas=tuple(kw.get("betas", (0.9, 0.999))), eps=d.EPS.get(opt, 1e-8))
    path = d.run(surf, opt, hyper, case["start"], meta["steps"])
    ref = z[case["name"] + "__xy"]
    assert not path.diverged
    np.testing.assert_allclose(path.xy, ref, rtol=1e-12, atol=1e-12)


# f = x² + 3y² from (1, 1): ∇f = (2, 6) there
BOWL = typed_surface("x^2 + 3*y^2")


@pytest.mark.parametrize(("opt", "hyper", "expected"), [
    ("sgd", d.Hyper(0.1), (0.8, 0.4)),
    ("momentum", d.Hyper(0.1, momentum=0.9), (0.8, 0.4)),  # first step: buffer = gradient
    ("nesterov", d.Hyper(0.1, momentum=0.9), (1 - 0.1 * 1.9 * 2, 1 - 0.1 * 1.9 * 6)),
    ("adagrad", d.Hyper(0.1, eps=1e-10), (1 - 0.1 * 2 / (2 + 1e-10), 1 - 0.1 * 6 / (6 + 1e-10))),
    ("rmsprop", d.Hyper(0.01, alpha=0.99), (1 - 0.01 * 2 / (0.1 * 2 + 1e-8), 1 - 0.01 * 6 / (0.1 * 6 + 1e-8))),
    ("adam", d.Hyper(0.1, betas=(0.9, 0.999)), (0.9, 0.9)),  # first Adam step ≈ lr·sign(g)
])
def test_first_step_by_hand(opt, hyper, expected):
    path = d.run(BOWL, opt, hyper, (1.0, 1.0), 1)
    np.testing.assert_allclose(path.xy[1], expected, rtol=1e-8)


def test_second_momentum_step_by_hand():
    path = d.run(BOWL, "momentum", d.Hyper(0.1, momentum=0.9), (1.0, 1.0), 2)
    # b = 0.9·(2, 6) + ∇f(0.8, 0.4) = (1.8 + 1.6, 5.4 + 2.4); x = (0.8, 0.4) − 0.1·b
    np.testing.assert_allclose(path.xy[2], (0.8 - 0.34, 0.4 - 0.78), rtol=1e-12)


def _linear_closed_form(opt, H, lr, mom, start, steps):
    """SGD/momentum/Nesterov on ½xᵀHx are linear in (x, b): x_k from a matrix power."""
    identity = np.eye(2)
    if opt == "sgd":
        return [np.linalg.matrix_power(identity - lr * H, k) @ start for k in range(steps + 1)]
    # state (x, b); first step b₁ = g₀ is the general rule with b₀ = 0
    if opt == "momentum":
        T = np.block([[identity - lr * H, -lr * mom * identity], [H, mom * identity]])
    else:  # nesterov: x⁺ = x − lr(g + mom·b⁺), b⁺ = mom·b + g
        T = np.block([[identity - lr * (1 + mom) * H, -lr * mom * mom * identity], [H, mom * identity]])
    s0 = np.concatenate([start, [0.0, 0.0]])
    return [(np.linalg.matrix_power(T, k) @ s0)[:2] for k in range(steps + 1)]


@pytest.mark.parametrize("opt", ["sgd", "momentum", "nesterov"])
@pytest.mark.parametrize(("cond", "angle"), [(10.0, 30.0), (50.0, 110.0), (1.0, 0.0)])
def test_linear_optimisers_match_the_closed_form_on_the_quadratic(opt, cond, angle):
    surf = surface(0, cond, angle)
    H = surf.hessian_at(0, 0)
    lr, mom, steps = 1.0 / cond, 0.7, 80
    path = d.run(surf, opt, d.Hyper(lr, momentum=mom), (-4.0, 3.0), steps)
    expected = np.array(_linear_closed_form(opt, H, lr, mom, np.array([-4.0, 3.0]), steps))
    np.testing.assert_allclose(path.xy, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(H, d.quadratic_hessian(cond, angle), rtol=1e-12)
    if opt == "sgd":
        np.testing.assert_allclose(path.xy, d.gd_closed_form(cond, angle, lr, (-4.0, 3.0), steps), atol=1e-12)


@pytest.mark.parametrize("opt", ["adagrad", "rmsprop", "adam"])
def test_adaptive_optimisers_match_the_closed_form_on_a_plane(opt):
    """On f = 3x − 4y the gradient g is constant, so the adaptive rules have closed forms:
    AdaGrad steps lr·g/(√k·|g| + eps), RMSProp lr·g/(√(1 − αᵏ)·|g| + eps), Adam lr·g/(|g| + eps)."""
    surf = typed_surface("3*x - 4*y")
    g = np.array([3.0, -4.0])
    hyper = d.Hyper(0.05, alpha=0.9, betas=(0.8, 0.99), eps=d.EPS[opt])
    steps = 40
    k = np.arange(1, steps + 1)[:, None]
    if opt == "adagrad":
        moves = hyper.lr * g / (np.sqrt(k) * np.abs(g) + hyper.eps)
    elif opt == "rmsprop":
        moves = hyper.lr * g / (np.sqrt(1 - hyper.alpha**k) * np.abs(g) + hyper.eps)
    else:
        moves = hyper.lr * g / (np.abs(g) + hyper.eps) * np.ones_like(k)
    expected = np.vstack([[0.5, 0.5], 0.5 - np.cumsum(moves, axis=0)])
    path = d.run(surf, opt, hyper, (0.5, 0.5), steps)
    np.testing.assert_allclose(path.xy, expected, rtol=1e-10, atol=1e-12)


def test_gd_stability_boundary_is_two_over_L():
    surf = surface(0, 10.0, 30.0)
    q = d.analysis(surf)
    assert q["L"] == pytest.approx(10.0) and q["mu"] == pytest.approx(1.0)
    assert q["cond_hessian"] == pytest.approx(10.0) and q["lr_max"] == pytest.approx(0.2)
    stable = d.run(surf, "sgd", d.Hyper(0.19), (-4, 3), 400)
    unstable = d.run(surf, "sgd", d.Hyper(0.21), (-4, 3), 1000)
    assert not stable.diverged and stable.f[-1] < 1e-12
    assert unstable.diverged and 100 < unstable.diverged_at < 200  # |1 − 0.21·10|ⁿ·5 reaches 1e6
    assert np.max(np.abs(unstable.xy)) < d.ESCAPE


def test_divergence_stops_the_path_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow) would fail here
        r = d.race({"surface": 1, "x0": -1.2, "y0": 1.0, "lr_sgd": 0.01, "steps": 1000})
    p = r.paths["sgd"]
    assert p.diverged and len(p.xy) == p.diverged_at
    assert np.all(np.isfinite(p.xy)) and np.all(np.isfinite(p.f))
    q = r.quantities()
    assert q["diverged_sgd"] == 1.0 and q["diverged_at_sgd"] == p.diverged_at
    assert math.isinf(q["steps_to_min_sgd"])


def test_domain_errors_stop_the_path_too():
    surf = typed_surface("sqrt(x)")  # ∇f undefined for x ≤ 0
    p = d.run(surf, "sgd", d.Hyper(1.0), (0.2, 0.0), 50)
    assert p.diverged and np.all(np.isfinite(p.xy))


def test_noise_is_seeded_and_shared():
    a = d.race({"noise": 0.5, "seed": 3})
    b = d.race({"noise": 0.5, "seed": 3})
    c = d.race({"noise": 0.5, "seed": 4})
    clean = d.race({"noise": 0.0})
    assert np.array_equal(a.paths["adam"].xy, b.paths["adam"].xy)
    assert not np.array_equal(a.paths["adam"].xy, c.paths["adam"].xy)
    assert not np.array_equal(a.paths["sgd"].xy, clean.paths["sgd"].xy)


def test_reaching_the_minimum_is_counted():
    r = d.race({"surface": 0, "cond": 10, "lr_momentum": 0.05, "momentum": 0.6, "steps": 300})
    n = r.quantities()["steps_to_min_momentum"]
    assert 0 < n < 300
    p = r.paths["momentum"]
    assert np.hypot(*p.xy[int(n)]) < d.REACH_TOL <= np.hypot(*p.xy[int(n) - 1])


@pytest.mark.parametrize("index", range(len(SURFACE_NAMES)))
def test_every_surface_runs_and_minima_are_stationary(index):
    surf = surface(index)
    for m in surf.minima:
        gx, gy = surf.grad(*m)
        assert abs(float(gx)) < 1e-6 and abs(float(gy)) < 1e-6
    r = d.race({"surface": index, "x0": surf.start[0], "y0": surf.start[1], "steps": 100})
    assert set(r.paths) == set(d.OPTIMIZERS)


def test_typed_surface_finds_its_minima():
    surf = surface(TYPED, typed="(x - 1)^2 + 2*(y + 2)^2")
    assert surf.minima[0] == pytest.approx((1.0, -2.0), abs=1e-9)
    assert d.analysis(surf)["cond_hessian"] == pytest.approx(2.0)


def test_saddle_point_is_analysed_as_indefinite():
    q = d.analysis(surface(4))
    assert (q["L"], q["mu"]) == (2.0, -2.0)
    assert math.isnan(q["lr_max"])  # no minimum: no learning rate makes GD converge
    assert math.isinf(q["cond_hessian"])
    assert surface(4).minima == ()


@pytest.mark.parametrize("opt", d.OPTIMIZERS)
def test_generated_loops_agree_with_the_readable_reference(opt):
    surf = surface(2)
    hyper = d.hypers({"lr_sgd": 0.01, "lr_momentum": 0.003, "lr_nesterov": 0.003})[opt]
    path = d.run(surf, opt, hyper, (-0.5, -0.5), 30)
    for n in (0, 1, 7, 29):
        theta, _, _ = d.replay(surf, opt, hyper, (-0.5, -0.5), n)
        np.testing.assert_allclose(theta, path.xy[n], rtol=1e-13, atol=1e-13)


def test_memo_reruns_only_the_optimiser_whose_inputs_changed():
    memo: dict = {}
    params = {"surface": 1.0, "x0": -1.2, "y0": 1.0, "steps": 300.0, "noise": 0.1, "seed": 3.0}
    first = d.race(params, memo=memo)
    second = d.race(params | {"lr_sgd": params.get("lr_sgd", d.PARAMS["lr_sgd"].default) * 0.5}, memo=memo)
    assert all(second.paths[o] is first.paths[o] for o in d.OPTIMIZERS if o != "sgd")
    assert second.paths["sgd"] is not first.paths["sgd"]
    # whatever the memo holds, the answer equals a fresh run
    for changed in ({"beta1": 0.8}, {"x0": 0.5}, {"seed": 4.0}, {"steps": 200.0}, {"surface": 2.0}):
        p = params | changed
        cached, fresh = d.race(p, memo=memo), d.race(p)
        for o in d.OPTIMIZERS:
            np.testing.assert_array_equal(cached.paths[o].xy, fresh.paths[o].xy)
            assert cached.paths[o].diverged_at == fresh.paths[o].diverged_at


@pytest.mark.parametrize("cond, angle", [(10.0, 30.0), (1.0, 0.0), (57.3, -71.0)])
def test_the_closed_form_quadratic_equals_what_sympy_derives(cond, angle):
    from app.models.surfaces import compile_surface

    surf = surface(0, cond, angle)
    fast, slow = surf.compiled, compile_surface(surf.expr)
    pts = np.random.default_rng(0).uniform(-5, 5, (2, 50))
    np.testing.assert_allclose(fast.f(*pts), slow.f(*pts), rtol=1e-13, atol=1e-13)
    for g_fast, g_slow in zip(fast.grad(*pts), slow.grad(*pts), strict=True):
        np.testing.assert_allclose(g_fast, g_slow, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(surf.hessian_at(1.0, -2.0), np.array(slow.hess(1.0, -2.0)).reshape(2, 2), rtol=1e-13)
    from dataclasses import replace

    sympy_surf = replace(surf, quadratic=None)  # the same surface, compiled by sympy
    hs = d.hypers({})
    for o in d.OPTIMIZERS:  # the generated optimiser loops agree too
        p_fast = d.run(surf, o, hs[o], (-4.0, 3.0), 200)
        p_slow = d.run(sympy_surf, o, hs[o], (-4.0, 3.0), 200)
        np.testing.assert_allclose(p_fast.xy, p_slow.xy, rtol=1e-9, atol=1e-12)
        assert p_fast.diverged_at == p_slow.diverged_at


# --- typed formulas that parse but used to crash, constant and flat surfaces ---------------------------
def test_typed_saddle_is_analysed_there_and_has_no_stability_limit():
    surf = surface(TYPED, typed="x^2 - y^2")
    assert surf.minima == () and surf.critical == pytest.approx((0.0, 0.0), abs=1e-12)
    q = d.analysis(surf)
    assert (q["L"], q["mu"]) == (2.0, -2.0) and math.isnan(q["lr_max"])


@pytest.mark.parametrize("text", ["abs(x) + y^2", "x^(1/3) + y^2", "sqrt(x^2 + y^2)", "abs(x*y) + x^2/10"])
def test_kinks_and_domain_edges_run_without_errors_or_warnings(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        surf = surface(TYPED, typed=text)
        r = d.race({"surface": TYPED, "x0": -4.0, "y0": 3.0, "steps": 300}, text)
    for p in r.paths.values():
        assert np.all(np.isfinite(p.xy)) and np.all(np.isfinite(p.f))
    assert set(d.QUANTITIES) <= set(r.quantities())
    if text.startswith("abs(x)"):  # the kink at 0 is a minimum (f rises all round it)
        assert surf.minima == ((0.0, 0.0),) and d.analysis(surf)["lr_max"] == pytest.approx(1.0)


def test_a_formula_real_nowhere_in_the_box_is_refused():
    with pytest.raises(ParseError, match="not a real number anywhere"):
        surface(TYPED, typed="log(-x^2 - 1)")


@pytest.mark.parametrize("text", ["1", "0", "7.5", "y^2", "(x - y)^2", "sin(x - y)^2 + 1"])
def test_constant_and_flat_valleys_get_no_stars_and_are_fast(text):
    from app.models.expr import parse
    from app.models.surfaces import compile_surface, find_minima

    expr = parse(text)
    compile_surface(expr)  # sympy's compile is not what this times
    start = time.perf_counter()
    minima = find_minima(expr, (-5.0, 5.0), (-5.0, 5.0))
    assert time.perf_counter() - start < 0.1  # was 4.6 s for "1" (3600 Newton runs)
    assert minima == ()  # a whole line (or plane) of minima: no point is the minimum
    surf = surface(TYPED, typed=text)
    assert surf.critical is None and math.isnan(d.analysis(surf)["lr_max"])


def test_isolated_minima_are_found_even_with_a_zero_hessian():
    surf = surface(TYPED, typed="x^4 + y^4")
    assert len(surf.minima) == 1 and surf.minima[0] == pytest.approx((0.0, 0.0), abs=1e-6)
    surf = surface(TYPED, typed="(x^2 - 4)^2 + (y - 1)^2")
    assert sorted(surf.minima) == [pytest.approx((-2.0, 1.0), abs=1e-9), pytest.approx((2.0, 1.0), abs=1e-9)]


def test_the_six_hump_camel_marks_all_six_minima():
    surf = surface(5)
    assert len(surf.minima) == 6
    f = [float(surf.f(*m)) for m in surf.minima]
    assert f[0] == pytest.approx(-1.0316284534898774) and f[1] == pytest.approx(f[0])
    assert sorted(f) == f
    for m in surf.minima:
        H = surf.hessian_at(*m)
        assert np.all(np.linalg.eigvalsh(H) > 0)


def test_lr_ratio_to_the_stability_limit():
    assert d.race({}).quantities()["lr_sgd_ratio"] == pytest.approx(0.25)  # 0.05 / (2/10)
    assert d.race({"lr_sgd": 0.19}).quantities()["lr_sgd_ratio"] == pytest.approx(0.95)
    assert math.isnan(d.race({"surface": 4}).quantities()["lr_sgd_ratio"])  # a saddle has no limit
    assert "lr_sgd_ratio" in d.QUANTITIES


def test_nesterov_needs_a_momentum_like_torch():
    assert d.PARAMS["nesterov_momentum"].clamp(0.0) > 0
    assert d.hypers({"nesterov_momentum": d.PARAMS["nesterov_momentum"].clamp(0.0)})["nesterov"].momentum > 0


@pytest.mark.parametrize("index", range(len(SURFACE_NAMES)))
def test_each_surface_has_learning_rates_that_do_not_diverge(index):
    from app.models.descent_params import surface_lrs

    surf = surface(index)
    r = d.race({"surface": index, "x0": surf.start[0], "y0": surf.start[1], **surface_lrs(index)})
    assert not [o for o, p in r.paths.items() if p.diverged]
    assert surface_lrs(0) == {k: d.PARAMS[k].default for k in surface_lrs(0)}


_LEAVES = st.sampled_from(["x", "y", "0", "1", "2", "0.5", "3", "pi", "e", "(-1)", "(-2)", "1e-3", "(1/3)"])


def _grow(children):
    binary = st.tuples(children, st.sampled_from("+-*/^"), children).map(lambda t: f"({t[0]}{t[1]}{t[2]})")
    call = st.tuples(st.sampled_from(sorted(FUNCTIONS)), children).map(lambda t: f"{t[0]}({t[1]})")
    return st.one_of(binary, call, children.map(lambda c: f"-{c}"))


#: small random formulas from the parser's grammar (shared with the explorer's fuzz test)
FORMULAS = st.recursive(_LEAVES, _grow, max_leaves=6)


@settings(max_examples=80, deadline=None)
@given(FORMULAS)
def test_any_formula_of_the_grammar_is_a_surface_or_a_parse_error(text):
    """Fuzz: typing any formula either gives a surface every optimiser runs on (no exception,
    no warning: they are errors in this suite) or a ParseError with a message."""
    try:
        surf = surface(TYPED, typed=text)
    except ParseError as exc:
        assert str(exc)
        return
    r = d.race({"surface": TYPED, "x0": surf.start[0], "y0": surf.start[1], "steps": 50}, text)
    r.quantities()
    for p in r.paths.values():
        assert np.all(np.isfinite(p.xy)) and len(p.xy) == len(p.f) == len(p.grad_norm)
