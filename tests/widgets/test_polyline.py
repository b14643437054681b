"""Screen-space polyline simplification: what is dropped is within the tolerance of what is drawn."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.widgets.polyline import TOL_PX, pixel_size, simplify, simplify_prefix, still_fine
from tests.plot_checks import deviation_px


def _walk(seed: int, n: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "walk":
        xy = np.cumsum(rng.normal(size=(n, 2)) * rng.uniform(1e-3, 3), axis=0)
    elif kind == "spiral":  # momentum-like: a damped rotation into the minimum
        t = np.arange(n)
        r = 5 * rng.uniform(0.9, 0.999) ** t
        xy = np.column_stack([r * np.cos(0.3 * t), r * np.sin(0.3 * t)])
    else:  # "zigzag": GD across a narrow valley, bouncing along one line
        t = np.arange(n)
        xy = np.column_stack([(-0.95) ** t * 4, 3 * 0.99**t])
    return xy[:, 0], xy[:, 1]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 1500), kind=st.sampled_from(["walk", "spiral", "zigzag"]),
       px=st.tuples(st.floats(1e-4, 1.0), st.floats(1e-4, 1.0)), tol=st.sampled_from([TOL_PX, 0.5, 1.0]))
def test_every_dropped_point_is_within_tolerance(seed, n, kind, px, tol):
    x, y = _walk(seed, n, kind)
    idx = simplify(x, y, px, tol)
    assert idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)
    assert deviation_px(x, y, x[idx], y[idx], px) <= tol * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 800), kind=st.sampled_from(["walk", "spiral", "zigzag"]),
       frac=st.floats(0, 1))
def test_a_prefix_is_simplified_as_well_as_a_whole_path(seed, n, kind, frac):
    x, y = _walk(seed, n, kind)
    px = (0.02, 0.02)
    keep = simplify(x, y, px)
    end = int(frac * (n - 1))
    idx = simplify_prefix(x, y, px, keep, end)
    assert idx[0] == 0 and idx[-1] == end and np.all(np.diff(idx) > 0)
    assert deviation_px(x[: end + 1], y[: end + 1], x[idx], y[idx], px) <= TOL_PX * (1 + 1e-9)


def test_a_converged_path_shrinks_to_a_few_points():
    t = np.arange(1001)
    x, y = 4 * 0.9**t, -3 * 0.8**t  # GD on a bowl: all but the first few dozen steps in one pixel
    idx = simplify(x, y, (10 / 600, 10 / 500))
    assert len(idx) < 40
    # and a geometric decay is a straight line on log axes: two points
    assert len(simplify(t.astype(float), np.log10(0.9**t), (1000 / 600, 40 / 150))) == 2


def test_breaks_and_unusable_pixel_sizes_keep_points():
    x = np.linspace(0, 1, 50)
    y = x.copy()
    y[20] = np.nan
    idx = simplify(x, y, (0.01, 0.01))
    assert 20 in idx and 19 in idx and 21 in idx and 0 in idx and 49 in idx
    assert len(idx) == 5  # each straight run by its two ends, and the break
    np.testing.assert_array_equal(simplify(x, x, (float("nan"), 0.01)), np.arange(50))
    np.testing.assert_array_equal(simplify(x, x, (0.0, 0.01)), np.arange(50))


def test_pixel_size_and_when_to_simplify_again():
    assert pixel_size([[0, 10], [-1, 1]], 500, 100) == pytest.approx((0.02, 0.02))
    assert np.isnan(pixel_size([[0, 10], [0, 1]], 0, 100)[0])
    assert not still_fine(None, (1.0, 1.0))
    assert still_fine((1.0, 1.0), (1.02, 0.99))  # autorange jitter: keep
    assert not still_fine((1.0, 1.0), (0.5, 1.0))  # zoomed in: points needed again
    assert not still_fine((1.0, 1.0), (5.0, 1.0))  # zoomed far out: shed points
    assert still_fine((1.0, 1.0), (float("nan"), 1.0))  # hidden: keep what is drawn
    assert not still_fine((float("nan"), 1.0), (1.0, 1.0))
