"""Linear maps of the plane: a 2×2 matrix, what it does to the grid and the unit square,
its determinant and its eigen-structure. Pure numpy; no Qt.

Conventions: vectors are columns, so the matrix [[a, b], [c, d]] sends î = (1, 0) to (a, c)
and ĵ = (0, 1) to (b, d) — the columns are the images of the basis vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: below this |det| the map is treated as singular (the plane collapses onto a line or a point)
SINGULAR_TOL = 1e-9


@dataclass(frozen=True)
class LinearMap:
    """A 2×2 matrix [[a, b], [c, d]]. Entries are plain floats (unitless)."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def from_matrix(cls, m) -> LinearMap:
        m = np.asarray(m, dtype=float)
        if m.shape != (2, 2):
            raise ValueError(f"a linear map of the plane needs a 2×2 matrix, got shape {m.shape}")
        if not np.all(np.isfinite(m)):
            raise ValueError("matrix entries must be finite numbers")
        return cls(float(m[0, 0]), float(m[0, 1]), float(m[1, 0]), float(m[1, 1]))

    @classmethod
    def from_basis(cls, i_hat, j_hat) -> LinearMap:
        """The map that sends î to ``i_hat`` and ĵ to ``j_hat`` (each a length-2 vector)."""
        (a, c), (b, d) = i_hat, j_hat
        return cls(float(a), float(b), float(c), float(d))

    # --- basic quantities -----------------------------------------------------------------
    @property
    def matrix(self) -> np.ndarray:
        """The (2, 2) float array."""
        return np.array([[self.a, self.b], [self.c, self.d]])

    @property
    def i_hat(self) -> np.ndarray:
        """Image of î = first column, shape (2,)."""
        return np.array([self.a, self.c])

    @property
    def j_hat(self) -> np.ndarray:
        """Image of ĵ = second column, shape (2,)."""
        return np.array([self.b, self.d])

    @property
    def det(self) -> float:
        """Signed area of the image of the unit square: ad − bc."""
        return self.a * self.d - self.b * self.c

    @property
    def trace(self) -> float:
        return self.a + self.d

    @property
    def discriminant(self) -> float:
        """(tr)² − 4·det: > 0 two real eigenvalues, = 0 repeated, < 0 a complex pair."""
        # (a − d)² + 4bc equals tr² − 4det but loses less precision when a ≈ d
        return (self.a - self.d) ** 2 + 4.0 * self.b * self.c

    @property
    def is_singular(self) -> bool:
        return abs(self.det) <= SINGULAR_TOL

    @property
    def rank(self) -> int:
        if not np.any(self.matrix):
            return 0
        return 1 if self.is_singular else 2

    def quantities(self) -> dict[str, float]:
        """Named numbers lesson exercises can check (see lessons/*.toml)."""
        ev = self.eigen()
        return {
            "a": self.a,
            "b": self.b,
            "c": self.c,
            "d": self.d,
            "det": self.det,
            "trace": self.trace,
            "rank": float(self.rank),
            "complex_eigenvalues": 1.0 if ev.kind == "complex" else 0.0,
            "real_eigenvalues": 0.0 if ev.kind == "complex" else 1.0,
        }

    # --- geometry -------------------------------------------------------------------------
    def apply(self, points) -> np.ndarray:
        """Map points of shape (..., 2) (rows are points)."""
        p = np.asarray(points, dtype=float)
        return p @ self.matrix.T

    def unit_square(self) -> np.ndarray:
        """Image of the unit square's corners, (4, 2), counter-clockwise from the origin."""
        return self.apply(UNIT_SQUARE)

    def grid_lines(self, extent: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Images of the lines x = k and y = k for k = −extent..extent, as one polyline each
        direction with NaN separators (ready for a single fast line item).

        Returns (xs, ys), each of shape (2·(2·extent + 1)·3,).
        """
        segs = _grid_segments(extent)  # (n, 3, 2) with a NaN row after each segment
        out = self.apply(segs.reshape(-1, 2))
        return out[:, 0], out[:, 1]

    def interpolate(self, t: float) -> LinearMap:
        """(1 − t)·I + t·A: the straight path from the identity to this map (t in [0, 1])."""
        t = float(t)
        return LinearMap(
            1 - t + t * self.a, t * self.b, t * self.c, 1 - t + t * self.d
        )

    def eigen(self) -> Eigen:
        return eigen(self)


UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])

_SEGMENT_CACHE: dict[int, np.ndarray] = {}


def _grid_segments(extent: int) -> np.ndarray:
    """Segments of the integer grid in [−extent, extent]², each followed by a NaN point."""
    seg = _SEGMENT_CACHE.get(extent)
    if seg is None:
        ks = np.arange(-extent, extent + 1, dtype=float)
        e = float(extent)
        vertical = [[[k, -e], [k, e], [np.nan, np.nan]] for k in ks]
        horizontal = [[[-e, k], [e, k], [np.nan, np.nan]] for k in ks]
        seg = np.array(vertical + horizontal)
        seg.setflags(write=False)
        _SEGMENT_CACHE[extent] = seg
    return seg


@dataclass(frozen=True)
class Eigen:
    """Eigen-structure of a 2×2 real matrix.

    kind: "real" (two distinct real eigenvalues), "repeated" (one eigenvalue twice; ``vectors``
    holds one column if the matrix is defective, two if it is a multiple of I), or "complex"
    (values = (α + βi, α − βi), no real eigenvectors).
    values: complex array of shape (2,), sorted by real part descending (then imaginary).
    vectors: real array of shape (2, k), unit columns, k ∈ {0, 1, 2}; column j goes with values[j]
    (for "repeated" every column goes with values[0]).
    """

    kind: str
    values: np.ndarray
    vectors: np.ndarray

    @property
    def is_defective(self) -> bool:
        return self.kind == "repeated" and self.vectors.shape[1] == 1


def eigen(m: LinearMap, rel_tol: float = 1e-9) -> Eigen:
    """Eigenvalues and real eigenvectors, with repeated and complex cases made explicit.

    The closed form λ = (tr ± √disc)/2 is used (numpy's eig hides the defective case behind
    two nearly parallel vectors); ``rel_tol`` decides when the discriminant counts as zero.
    """
    A = m.matrix
    scale = max(1.0, float(np.max(np.abs(A))))
    tr, disc = m.trace, m.discriminant
    if abs(disc) <= rel_tol * scale * scale:
        lam = tr / 2.0
        values = np.array([lam, lam], dtype=complex)
        N = A - lam * np.eye(2)
        if np.max(np.abs(N)) <= rel_tol * scale:  # A = λI: every vector is an eigenvector
            return Eigen("repeated", values, np.eye(2))
        return Eigen("repeated", values, _null_vector(N)[:, None])
    if disc < 0:
        re, im = tr / 2.0, np.sqrt(-disc) / 2.0
        return Eigen("complex", np.array([re + 1j * im, re - 1j * im]), np.zeros((2, 0)))
    root = np.sqrt(disc)
    # avoid cancellation: compute the larger-magnitude root first, the other from det = λ1·λ2
    big = (tr + np.copysign(root, tr)) / 2.0 if tr != 0 else root / 2.0
    small = m.det / big if big != 0 else -big
    lams = sorted([big, small], reverse=True)
    vecs = np.column_stack([_null_vector(A - lam * np.eye(2)) for lam in lams])
    return Eigen("real", np.array(lams, dtype=complex), vecs)


def _null_vector(N: np.ndarray) -> np.ndarray:
    """A unit vector v with N v ≈ 0 for a rank-1 2×2 matrix N (from its larger row)."""
    r0, r1 = N
    row = r0 if np.dot(r0, r0) >= np.dot(r1, r1) else r1
    v = np.array([-row[1], row[0]])
    n = np.hypot(*v)
    if n == 0:  # N = 0: any vector works
        return np.array([1.0, 0.0])
    v = v / n
    # a stable sign: first non-zero component positive, so the drawn line does not flicker
    if v[0] < 0 or (v[0] == 0 and v[1] < 0):
        v = -v
    return v


# --- presets ------------------------------------------------------------------------------
def rotation(theta_deg: float) -> LinearMap:
    t = np.radians(theta_deg)
    return LinearMap(np.cos(t), -np.sin(t), np.sin(t), np.cos(t))


PRESETS: dict[str, LinearMap] = {
    "identity": LinearMap(1, 0, 0, 1),
    "rotation": rotation(45),
    "shear": LinearMap(1, 1, 0, 1),
    "scale": LinearMap(2, 0, 0, 0.5),
    "reflection": LinearMap(1, 0, 0, -1),
    "projection": LinearMap(1, 0, 0, 0),
}


# --- what lesson files and explorers may set ------------------------------------------------
from app.models.params import ParamSpec  # noqa: E402  (kept beside its only use)

PARAMS: dict[str, ParamSpec] = {
    "a": ParamSpec("a (î → x)", 1.0, -4.0, 4.0),
    "b": ParamSpec("b (ĵ → x)", 0.0, -4.0, 4.0),
    "c": ParamSpec("c (î → y)", 0.0, -4.0, 4.0),
    "d": ParamSpec("d (ĵ → y)", 1.0, -4.0, 4.0),
    "t": ParamSpec("t (I → A)", 1.0, 0.0, 1.0),
}

QUANTITIES: tuple[str, ...] = tuple(LinearMap().quantities())
