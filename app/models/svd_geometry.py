"""A 2×2 matrix as rotation → stretch → rotation (A = UΣVᵀ), for the SVD lesson's Geometry tab.

Pure numpy, no Qt. The same matrix the Linear transforms lesson uses (app.models.linear).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Geometry2x2:
    """A 2×2 matrix as rotation → stretch → rotation: A = U Σ Vᵀ with U, V proper rotations.

    When det A < 0 the reflection is carried by a negative second diagonal entry of ``signed``
    (Σ itself, ``sigma``, stays non-negative: U·diag(1, −1) is then the true orthogonal U).
    """

    U: np.ndarray  # (2, 2) rotation
    sigma: np.ndarray  # (2,) σ1 ≥ σ2 ≥ 0
    signed: np.ndarray  # (2,) diagonal used in the animation: (σ1, ±σ2)
    Vt: np.ndarray  # (2, 2) rotation

    @classmethod
    def of(cls, matrix) -> Geometry2x2:
        A = np.asarray(matrix, dtype=float).reshape(2, 2)
        U, s, Vt = np.linalg.svd(A)
        if np.linalg.det(Vt) < 0:  # make Vᵀ a rotation: flip v2 (and u2, so A is unchanged)
            Vt[1] *= -1
            U[:, 1] *= -1
        signed = s.copy()
        if np.linalg.det(U) < 0:  # the remaining reflection goes into Σ's sign
            U[:, 1] *= -1
            signed[1] = -signed[1]
        return cls(U, s, signed, Vt)

    @staticmethod
    def _angle(R: np.ndarray) -> float:
        return float(np.arctan2(R[1, 0], R[0, 0]))

    def at_stage(self, t: float) -> np.ndarray:
        """The map applied after stage t ∈ [0, 3]: 0 = I, 1 = Vᵀ, 2 = ΣVᵀ, 3 = UΣVᵀ = A (2×2)."""
        t = float(np.clip(t, 0.0, 3.0))

        def rot(a):
            return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])

        M = rot(self._angle(self.Vt) * min(t, 1.0))
        if t > 1:
            f = min(t - 1.0, 1.0)
            M = np.diag(1.0 + f * (self.signed - 1.0)) @ M
        if t > 2:
            M = rot(self._angle(self.U) * (t - 2.0)) @ M
        return M
