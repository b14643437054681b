"""Every step of the linear-map derivation is a true identity, in symbols and in the learner's numbers."""

import statistics
import time
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.derivations import linear
from app.derivations.base import Step, is_zero, latex

HAND_CASES = {
    "singular": dict(a=1, b=2, c=0.5, d=1),
    "shear": dict(a=1, b=1, c=0, d=1),
    "scalar 2I": dict(a=2, b=0, c=0, d=2),
    "rotation 90°": dict(a=0, b=-1, c=1, d=0),
    "rotation 45°": dict(a=0.71, b=-0.71, c=0.71, d=0.71),
    "zero": dict(a=0, b=0, c=0, d=0),
    "golden (irrational)": dict(a=1, b=1, c=1, d=0),
    "complex, long surd": dict(a=0.35, b=-1.27, c=2.13, d=-0.4),
    "diagonal": dict(a=2, b=0, c=0, d=0.5),
    "lower shear": dict(a=-1.5, b=0, c=3, d=-1.5),
}


def assert_zero(residual) -> None:
    expanded = sp.expand(residual)
    assert expanded == 0 or is_zero(residual), residual


def assert_true_step(step: Step) -> None:
    assert step.residuals, f"{step.title}: a step with no residuals checks nothing"
    for residual in step.residuals:
        assert_zero(residual)


def rounded_matrix(params: dict) -> np.ndarray:
    return np.array([[round(params[k], 2) for k in "ab"], [round(params[k], 2) for k in "cd"]], dtype=float)


def shown_eigenvalues(step: Step) -> tuple[list[complex], float]:
    """The eigenvalues a live eigenvalue step shows, and how far rounding may have moved them."""
    parts = [step.lhs, step.rhs]
    pm = [node for part in parts for node in sp.preorder_traversal(part) if isinstance(node, linear.PlusMinus)]
    if not pm:  # repeated: λ₁ = λ₂ = value
        value = complex(step.rhs)
        # the step is exact (sympy rationals); numpy's reference eigenvalues of a defective matrix
        # are only accurate to about √ε ≈ 1.5e-8 relative, so that is the tolerance here
        return [value, value], 1e-7
    values = [complex(v) for v in pm[-1].values()]  # the last one shown is the rounded one if any
    rounded = step.rel != "=" or any(isinstance(x, sp.Float) for x in sp.preorder_traversal(pm[-1]))
    return values, (0.0051 if rounded else 1e-12)


def check_live(params: dict) -> list[Step]:
    steps = linear.live_steps(params)
    assert [s.live for s in steps] == [True] * len(steps) == [True] * 4
    for step in steps:
        assert_true_step(step)
        assert step.title and step.note.endswith(".")
    values, tol = shown_eigenvalues(steps[2])
    expected = np.linalg.eigvals(rounded_matrix(params))
    for value in values:
        assert np.min(np.abs(expected - value)) <= tol + 1e-9, (values, expected)
    # the two shown values are the two eigenvalues (not one of them twice), unless repeated
    assert sorted(np.round(values, 1), key=lambda z: (z.real, z.imag)) == pytest.approx(
        sorted(np.round(expected, 1), key=lambda z: (z.real, z.imag)), abs=0.11)
    check_eigenvector_step(steps[3], rounded_matrix(params))
    return steps


def numeric(expr) -> np.ndarray:
    """A matrix expression (products of scalars and explicit matrices) as a complex array."""
    if isinstance(expr, sp.MatMul):
        out = np.array(1.0 + 0j)
        for factor in expr.args:
            value = numeric(factor)
            out = out @ value if out.ndim and value.ndim else out * value
        return out
    if isinstance(expr, sp.MatrixBase):
        return np.array([[complex(x) for x in row] for row in expr.tolist()])
    return np.array(complex(expr))


def check_eigenvector_step(step: Step, A: np.ndarray) -> None:
    left, right = numeric(step.lhs).ravel(), numeric(step.rhs).ravel()
    # shown rounded (≈): 2 decimals or 3 significant digits, so allow ~1 % of the sizes involved
    scale = (1 + np.abs(A).sum()) * max(1.0, np.abs(left).max(), np.abs(right).max())
    tol = 1e-9 if step.rel == "=" else 0.01 * scale
    assert np.allclose(left, right, rtol=0, atol=tol), (left, right)


# --- in symbols ---------------------------------------------------------------------------------
def test_symbolic_steps_are_identities():
    steps = linear.symbolic_steps()
    assert [s.title for s in steps][:4] == ["Columns are where î and ĵ land", "Determinant",
                                             "Characteristic polynomial", "Eigenvalues"]
    for step in steps:
        assert not step.live
        assert_true_step(step)
        assert step.note.endswith(".") and ". " not in step.note[:-1], "one plain sentence"


def test_symbolic_steps_are_computed_by_sympy():
    a, b, c, d, lam = linear.a, linear.b, linear.c, linear.d, linear.lam
    A = sp.Matrix([[a, b], [c, d]])
    columns, det, poly, eig, vec = linear.symbolic_steps()
    assert isinstance(det.lhs, sp.Determinant) and det.rhs == a * d - b * c
    assert sp.expand(poly.rhs.doit() - A.charpoly(lam).as_expr()) == 0
    assert sp.expand(poly.rhs.doit() - (lam**2 - (a + d) * lam + a * d - b * c)) == 0
    roots = set(sp.solve(A.charpoly(lam).as_expr(), lam))
    assert all(any(sp.simplify(v - r) == 0 for r in roots) for v in eig.rhs.values())
    assert columns.rhs == sp.Matrix([a, c])
    assert r"\pm" in eig.latex() and r"\left|" in det.latex()
    assert linear.symbolic_steps() == linear.symbolic_steps()  # cached, but a fresh list each time
    assert linear.symbolic_steps() is not linear.symbolic_steps()


def test_residuals_can_fail():
    """The checks are not vacuous: a wrong right-hand side leaves a non-zero residual."""
    det = linear.symbolic_steps()[1]
    assert not is_zero(det.residuals[0] + 1)
    eig = linear.live_steps(HAND_CASES["golden (irrational)"])[3]
    assert not is_zero(eig.residuals[0] + sp.Rational(1, 100))


# --- in the learner's numbers ---------------------------------------------------------------------
@pytest.mark.parametrize("name", HAND_CASES)
def test_live_hand_cases(name):
    check_live(HAND_CASES[name])


def test_live_cases_say_what_kind_they_are():
    shear = linear.live_steps(HAND_CASES["shear"])
    assert "defective" in shear[3].note and shear[2].latex() == r"\lambda_{1} = \lambda_{2} = 1"
    scalar = linear.live_steps(HAND_CASES["scalar 2I"])
    assert scalar[3].title == "Every vector is an eigenvector"
    rotation = linear.live_steps(HAND_CASES["rotation 90°"])
    assert "complex" in rotation[2].note and rotation[2].latex() == r"\lambda = \pm i"
    assert "i" in rotation[3].latex()
    zero = linear.live_steps(HAND_CASES["zero"])
    assert "single point" in zero[0].note and zero[3].title == "Every vector is an eigenvector"
    singular = linear.live_steps(HAND_CASES["singular"])
    assert "onto a line" in singular[0].note
    golden = linear.live_steps(HAND_CASES["golden (irrational)"])
    assert golden[2].latex() == r"\lambda = 0.5 \pm \frac{\sqrt{5}}{2} \Rightarrow \lambda_{1} \approx 1.62,\ \ " \
                                r"\lambda_{2} \approx -0.618"
    assert golden[3].rel == "≈"
    long_surd = linear.live_steps(HAND_CASES["complex, long surd"])
    assert long_surd[2].latex() == r"\lambda \approx -0.025 \pm 1.6 i"


def test_live_numbers_print_as_decimals():
    steps = linear.live_steps(dict(a=0.35, b=-1.27, c=2.13, d=-0.4))
    text = steps[0].latex()
    assert "0.35" in text and "-1.27" in text and r"\frac" not in text
    assert steps[0].rhs == sp.Rational("2.5651")  # exact underneath
    assert latex(sp.Rational(7, 20)) == r"\frac{7}{20}"  # only live steps print decimals


def test_live_rounds_to_two_places_and_ignores_t():
    a = linear.live_steps(dict(a=1.004, b=0, c=0, d=2, t=0.3))
    b = linear.live_steps(dict(a=1.0, b=0.0, c=0.0, d=2.0, t=1.0))
    assert [s.latex() for s in a] == [s.latex() for s in b]
    defaults = linear.live_steps({})  # missing keys: the model's defaults (the identity)
    assert defaults[3].title == "Every vector is an eigenvector"


def test_live_rejects_non_finite_numbers():
    with pytest.raises(ValueError, match="finite"):
        linear.live_steps(dict(a=float("nan"), b=0, c=0, d=1))


entry = st.integers(-400, 400).map(lambda n: n / 100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=entry, b=entry, c=entry, d=entry)
def test_live_steps_are_identities_for_any_matrix(a, b, c, d):
    check_live(dict(a=a, b=b, c=c, d=d))


@settings(max_examples=40, deadline=None)
@given(a=entry, b=entry, d=entry)
def test_live_repeated_and_defective_cases(a, b, d):
    """c chosen so the discriminant (a − d)² + 4bc is exactly zero (when b ≠ 0)."""
    c = 0.0 if b == 0 else -((a - d) ** 2) / (4 * b)
    if abs(c) > 4 or round(c, 2) != c:
        c = 0.0
        d = a  # upper triangular with equal diagonal: repeated for sure
    check_live(dict(a=a, b=b, c=c, d=d))


def test_live_steps_are_fast():
    rng = np.random.default_rng(0)
    linear.live_steps({})
    times = []
    for _ in range(60):
        params = dict(zip("abcd", np.round(rng.uniform(-4, 4, 4), 2), strict=True))
        start = time.perf_counter()
        linear.live_steps(params)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.03  # a few ms typically; generous for slow CI machines


# --- everything typesets ------------------------------------------------------------------------
def test_every_step_typesets_with_ziamath():
    with warnings.catch_warnings():  # ziamath 0.13 uses the deprecated importlib.resources.path
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    ziamath.config.svg2 = False
    steps = linear.symbolic_steps() + [s for p in HAND_CASES.values() for s in linear.live_steps(p)]
    for step in steps:
        svg = ziamath.Latex(step.latex(), size=20, color="#1B1F24").svg()
        assert "<path" in svg and "<symbol" not in svg, step.latex()


def test_as_expr_takes_numbers_and_never_parses_text():
    from app.derivations.base import as_expr

    assert as_expr(np.int64(3)) == sp.Integer(3) and as_expr(0.5) == sp.Float(0.5)
    assert as_expr(sp.Symbol("x")) == sp.Symbol("x")
    for bad in ("__import__('os').system('true')", "1 + 2", True, None):
        with pytest.raises(TypeError):
            as_expr(bad)
