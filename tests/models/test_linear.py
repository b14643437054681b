"""app/models/linear.py against numpy: determinant, eigen-structure, geometry, presets, validation."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.models.linear import PRESETS, QUANTITIES, SINGULAR_TOL, UNIT_SQUARE, LinearMap, rotation

entry = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False)
maps = st.builds(LinearMap, entry, entry, entry, entry)
REL_TOL = 1e-9  # eigen()'s default: |disc| <= REL_TOL·scale² counts as a repeated eigenvalue


def scale_of(m: LinearMap) -> float:
    return max(1.0, float(np.max(np.abs(m.matrix))))


def eig_tol(m: LinearMap) -> float:
    """How far eigen() may be from exact: inside the repeated-eigenvalue band it reports
    tr/2 for eigenvalues up to √(REL_TOL)/2·scale ≈ 1.6e-5·scale away (and the residual of its
    eigenvector is bounded by the same number); outside the band it is accurate to rounding."""
    return 2e-5 * scale_of(m)


def same_multiset(got, want, tol) -> bool:
    got, want = np.asarray(got, complex), np.asarray(want, complex)
    return min(np.max(np.abs(got - want)), np.max(np.abs(got - want[::-1]))) <= tol


def exact_disc(m: LinearMap) -> Fraction:
    """(a − d)² + 4bc in exact rational arithmetic on the float entries."""
    a, b, c, d = (Fraction(x) for x in (m.a, m.b, m.c, m.d))
    return (a - d) ** 2 + 4 * b * c


def shoelace(points) -> float:
    x, y = np.asarray(points).T
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def check_eigenvectors(m: LinearMap, tol: float) -> None:
    ev = m.eigen()
    A = m.matrix
    for j in range(ev.vectors.shape[1]):
        v = ev.vectors[:, j]
        lam = ev.values[0 if ev.kind == "repeated" else j]
        assert abs(lam.imag) == 0
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-12)
        assert np.linalg.norm(A @ v - lam.real * v) <= tol, (m, v, lam)
        first = v[np.flatnonzero(v)[0]]
        assert first > 0  # the documented stable sign


# --- fixed cases ---------------------------------------------------------------------------
CASES = {
    "invertible": ([[1.5, 0.5], [0.5, 1.0]], "real"),
    "symmetric": ([[2, 1], [1, 2]], "real"),
    "singular": ([[1, 2], [0.5, 1]], "real"),
    "negative det": ([[0, 1], [1, 0]], "real"),
    "defective": ([[1, 1], [0, 1]], "repeated"),
    "scalar": ([[2, 0], [0, 2]], "repeated"),
    "zero": ([[0, 0], [0, 0]], "repeated"),
    "rotation 90": ([[0, -1], [1, 0]], "complex"),
    "rotation-scale": ([[1, -2], [2, 1]], "complex"),
    "nilpotent": ([[0, 1], [0, 0]], "repeated"),
}


@pytest.mark.parametrize("name", CASES)
def test_fixed_cases_match_numpy(name):
    matrix, kind = CASES[name]
    m = LinearMap.from_matrix(matrix)
    A = np.array(matrix, dtype=float)
    assert m.det == pytest.approx(np.linalg.det(A), abs=1e-12)
    ev = m.eigen()
    assert ev.kind == kind
    assert same_multiset(ev.values, np.linalg.eigvals(A), 1e-12)
    check_eigenvectors(m, 1e-12)
    if kind == "real":
        # each of our eigenvectors is (up to sign) numpy's eigenvector for the same eigenvalue
        w, V = np.linalg.eig(A)
        for j in range(2):
            k = int(np.argmin(np.abs(w - ev.values[j])))
            assert abs(np.dot(ev.vectors[:, j], V[:, k])) == pytest.approx(1.0, abs=1e-12)


def test_special_structures():
    shear = LinearMap(1, 1, 0, 1).eigen()
    assert shear.is_defective and shear.vectors.shape == (2, 1)
    np.testing.assert_allclose(shear.vectors[:, 0], [1, 0])
    assert np.all(shear.values == 1)

    scalar = LinearMap(2, 0, 0, 2).eigen()
    assert not scalar.is_defective
    np.testing.assert_array_equal(scalar.vectors, np.eye(2))
    assert np.all(scalar.values == 2)

    zero = LinearMap(0, 0, 0, 0)
    assert zero.eigen().kind == "repeated" and np.all(zero.eigen().values == 0)
    assert zero.rank == 0 and zero.is_singular

    rot = LinearMap(0, -1, 1, 0).eigen()
    assert rot.vectors.shape == (2, 0)
    np.testing.assert_allclose(rot.values, [1j, -1j])  # sorted: +imaginary first

    singular = LinearMap(1, 2, 0.5, 1)
    assert singular.rank == 1 and singular.det == 0
    ev = singular.eigen()
    np.testing.assert_allclose(ev.values, [2, 0])
    np.testing.assert_allclose(ev.vectors[:, 1], np.array([2, -1]) / math.sqrt(5))


def test_quantities_name_what_exercises_check():
    q = LinearMap(1.5, 0.5, 0.5, 1.0).quantities()
    assert tuple(q) == QUANTITIES
    assert q["det"] == pytest.approx(1.25) and q["trace"] == 2.5 and q["rank"] == 2.0
    assert q["real_eigenvalues"] == 1.0 and q["complex_eigenvalues"] == 0.0
    assert LinearMap(0, -1, 1, 0).quantities()["complex_eigenvalues"] == 1.0


# --- random matrices ------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(maps)
def test_det_matches_numpy(m):
    assert m.det == pytest.approx(np.linalg.det(m.matrix), abs=1e-12 * scale_of(m) ** 2)


@settings(max_examples=300, deadline=None)
@given(maps)
def test_eigenvalues_match_numpy_as_multisets(m):
    ev = m.eigen()
    assert ev.values.shape == (2,)
    assert same_multiset(ev.values, np.linalg.eigvals(m.matrix), eig_tol(m)), (m, ev.values)
    re = ev.values.real
    assert re[0] >= re[1]  # sorted by real part, descending


@settings(max_examples=300, deadline=None)
@given(maps)
def test_real_eigenvectors_are_unit_and_satisfy_av_eq_lambda_v(m):
    ev = m.eigen()
    expected_columns = {"real": (2,), "repeated": (1, 2), "complex": (0,)}[ev.kind]
    assert ev.vectors.shape[0] == 2 and ev.vectors.shape[1] in expected_columns
    check_eigenvectors(m, eig_tol(m))


@settings(max_examples=300, deadline=None)
@given(maps)
def test_kind_follows_the_exact_discriminant(m):
    band = REL_TOL * scale_of(m) ** 2
    disc = exact_disc(m)
    kind = m.eigen().kind
    if disc > 1.01 * band:
        assert kind == "real"
    elif disc < -1.01 * band:
        assert kind == "complex"
    elif abs(disc) < 0.99 * band:
        assert kind == "repeated"


@given(st.floats(-4, 4, allow_nan=False), st.floats(-4, 4, allow_nan=False),
       st.floats(1e-3, 4), st.booleans())
def test_kind_on_constructed_spectra(lam, mu, gap, complex_pair):
    """Matrices built from a chosen spectrum, then rotated into a random-looking basis."""
    P = np.array([[1.0, 0.3], [-0.2, 0.9]])
    D = np.array([[lam, -gap], [gap, lam]]) if complex_pair else np.diag([mu, mu + gap])
    m = LinearMap.from_matrix(P @ D @ np.linalg.inv(P))
    assume(np.all(np.abs(m.matrix) <= 20))
    want = np.array([lam + 1j * gap, lam - 1j * gap]) if complex_pair else np.array([mu + gap, mu])
    assert m.eigen().kind == ("complex" if complex_pair else "real")
    assert same_multiset(m.eigen().values, want, 1e-9 * scale_of(m))


@given(maps)
def test_from_basis_and_matrix_round_trip(m):
    assert LinearMap.from_basis(m.i_hat, m.j_hat) == m
    assert LinearMap.from_matrix(m.matrix) == m
    np.testing.assert_array_equal(m.matrix[:, 0], m.i_hat)
    np.testing.assert_array_equal(m.matrix[:, 1], m.j_hat)
    np.testing.assert_array_equal(m.apply([[1, 0], [0, 1]]), [m.i_hat, m.j_hat])


@given(maps)
def test_unit_square_image_has_signed_area_det(m):
    corners = m.unit_square()
    assert corners.shape == (4, 2)
    np.testing.assert_array_equal(corners[0], [0, 0])
    assert shoelace(corners) == pytest.approx(m.det, abs=1e-12 * scale_of(m) ** 2)
    assert shoelace(UNIT_SQUARE) == 1.0  # counter-clockwise


@given(maps, st.floats(0, 1))
def test_interpolate_runs_from_identity_to_the_map(m, t):
    assert m.interpolate(0) == LinearMap()
    assert m.interpolate(1) == m
    np.testing.assert_allclose(m.interpolate(t).matrix, (1 - t) * np.eye(2) + t * m.matrix, atol=1e-15)


@pytest.mark.parametrize("extent", [1, 2, 10])
@given(m=maps)
def test_grid_lines_are_the_images_of_the_grid(extent, m):
    xs, ys = m.grid_lines(extent)
    n = 2 * (2 * extent + 1)
    assert xs.shape == ys.shape == (3 * n,)
    # a NaN separator after every segment, nowhere else (the segment ends are finite)
    assert np.array_equal(np.flatnonzero(np.isnan(xs)), np.arange(2, 3 * n, 3))
    assert np.array_equal(np.isnan(xs), np.isnan(ys))
    A, e = m.matrix, float(extent)
    ks = np.arange(-extent, extent + 1)
    for i, k in enumerate(ks):  # vertical lines x = k first, then horizontal y = k
        for j, p in enumerate([(k, -e), (k, e)]):
            np.testing.assert_allclose((xs[3 * i + j], ys[3 * i + j]), A @ p, atol=1e-12)
        for j, p in enumerate([(-e, k), (e, k)]):
            r = 3 * (len(ks) + i) + j
            np.testing.assert_allclose((xs[r], ys[r]), A @ p, atol=1e-12)


def test_grid_segments_are_cached_read_only():
    m = LinearMap(2, 1, 0, 1)
    xs1, _ = m.grid_lines(3)
    xs1[0] = 99.0  # the caller's array is its own
    xs2, _ = m.grid_lines(3)
    assert xs2[0] == pytest.approx(2 * -3 + 1 * -3)


# --- presets and validation ---------------------------------------------------------------
@pytest.mark.parametrize(
    "name, det, kind",
    [("identity", 1, "repeated"), ("rotation", 1, "complex"), ("shear", 1, "repeated"),
     ("scale", 1, "real"), ("reflection", -1, "real"), ("projection", 0, "real")],
)
def test_presets(name, det, kind):
    m = PRESETS[name]
    assert m.det == pytest.approx(det, abs=1e-12)
    assert m.eigen().kind == kind
    assert m.rank == (1 if det == 0 else 2)


def test_rotation_preserves_lengths_and_turns_counter_clockwise():
    m = rotation(30)
    np.testing.assert_allclose(m.apply([1, 0]), [math.sqrt(3) / 2, 0.5])
    np.testing.assert_allclose(m.matrix.T @ m.matrix, np.eye(2), atol=1e-15)


@pytest.mark.parametrize(
    "bad", [[[1, 2, 3], [4, 5, 6]], [1, 2, 3, 4], np.eye(3), [[[1, 0], [0, 1]]], [[1, 2], [3]], [[]]]
)
def test_from_matrix_rejects_bad_shapes(bad):
    with pytest.raises(ValueError):
        LinearMap.from_matrix(bad)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("position", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_from_matrix_rejects_non_finite_entries(value, position):
    A = np.eye(2)
    A[position] = value
    with pytest.raises(ValueError, match="finite"):
        LinearMap.from_matrix(A)


def test_singular_tolerance_is_absolute():
    assert LinearMap(1, 0, 0, SINGULAR_TOL / 2).is_singular
    assert not LinearMap(1, 0, 0, 1e-6).is_singular
