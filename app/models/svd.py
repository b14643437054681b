"""Low-rank image compression with the SVD. Pure numpy/scipy; no Qt.

An image is one matrix per channel (R, G, B — or a single luminance channel), values in [0, 1].
``factorize`` computes A_c = U_c Σ_c V_cᵀ once (all triplets for small images; only the leading
``r`` by a randomised SVD above ``FULL_SVD_PIXELS``). ``RankK`` keeps the rank-k reconstruction
and moves between ranks by adding or subtracting only the rank-1 layers σᵢuᵢvᵢᵀ in between, in
place (BLAS ger/gemm), so one slider step costs O(m·n) per channel.

Metrics for every k come from the singular values alone (Eckart–Young):
‖A − A_k‖_F² = Σ_{i>k} σᵢ², so error, PSNR and energy kept are exact without reconstructing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.models.params import ParamSpec
from app.models.svd_geometry import Geometry2x2  # noqa: F401 — part of this module's interface

#: above this many pixels only the leading triplets are computed (randomised SVD)
FULL_SVD_PIXELS = 1_100_000
#: how many triplets the slider can reach for large images
TRUNCATED_RANK = 200
#: slider steps of at most this many layers are applied with numpy row blocks, larger ones by gemm
SMALL_STEP = 4
COPY_BLOCK_ELEMENTS = 1 << 20  # ~4 MB float32 per block when splitting an image into channels
ROW_BLOCK_ELEMENTS = 32_768  # ~128 KB of float32 per block: stays in L2
#: Rec. 601 luma weights (the ones JPEG uses)
LUMA = np.array([0.299, 0.587, 0.114])


class Cancelled(Exception):
    """Raised inside ``factorize`` when the caller's ``cancelled()`` returns True."""


@dataclass(frozen=True)
class Metrics:
    """Everything the lesson shows for one rank k (errors relative to ‖A‖_F, PSNR for peak 1)."""

    k: int
    rel_error: float  # ‖A − A_k‖_F / ‖A‖_F, in [0, 1]
    psnr: float  # dB; +inf when A_k = A
    energy: float  # % of Σσ² kept by the first k layers
    storage: int  # numbers stored: channels · k(m + n + 1)
    raw: int  # numbers in the image: channels · m · n
    ratio: float  # raw / storage


@dataclass(frozen=True, eq=False)
class Factorization:
    """Per-channel thin SVD: U (C, m, r), s (C, r) descending, Vt (C, r, n); sq_norms (C,) = ‖A_c‖_F²."""

    U: np.ndarray
    s: np.ndarray
    Vt: np.ndarray
    sq_norms: np.ndarray
    full: bool  # True when r = min(m, n): every triplet is known

    @property
    def channels(self) -> int:
        return self.U.shape[0]

    @property
    def m(self) -> int:
        return self.U.shape[1]

    @property
    def n(self) -> int:
        return self.Vt.shape[2]

    @property
    def rank_max(self) -> int:
        """The largest k the slider can reach (r)."""
        return self.s.shape[1]

    @property
    def total_energy(self) -> float:
        """‖A‖_F² summed over channels."""
        return float(self.sq_norms.sum())

    def tail(self) -> np.ndarray:
        """tail[k] = ‖A − A_k‖_F² = Σ_c Σ_{i>k} σ_{c,i}² for k = 0..r, shape (r + 1,)."""
        cached = getattr(self, "_tail", None)
        if cached is not None:
            return cached
        sq = (self.s.astype(np.float64) ** 2).sum(axis=0)  # (r,)
        if self.full:
            # reverse cumulative sum: no cancellation when the tail is tiny
            tail = np.concatenate([np.cumsum(sq[::-1])[::-1], [0.0]])
        else:
            tail = np.maximum(self.total_energy - np.concatenate([[0.0], np.cumsum(sq)]), 0.0)
        tail.setflags(write=False)
        object.__setattr__(self, "_tail", tail)
        return tail

    def metrics(self, k: int) -> Metrics:
        k = int(np.clip(k, 0, self.rank_max))
        tail = float(self.tail()[k])
        total = self.total_energy
        rel = float(np.sqrt(tail / total)) if total > 0 else 0.0
        mse = tail / (self.m * self.n * self.channels)
        psnr = float("inf") if mse <= 0 else float(-10.0 * np.log10(mse))
        energy = 100.0 * (1.0 - tail / total) if total > 0 else 100.0
        storage = self.channels * k * (self.m + self.n + 1)
        raw = self.channels * self.m * self.n
        return Metrics(k, rel, psnr, energy, storage, raw, raw / storage if storage else float("inf"))

    def curves(self) -> dict[str, np.ndarray]:
        """Per-k arrays for k = 1..r: rel_error, psnr (dB, capped at 100 for plotting), energy (%)."""
        tail = self.tail()[1:]
        total = self.total_energy or 1.0
        mse = tail / (self.m * self.n * self.channels)
        with np.errstate(divide="ignore"):
            psnr = np.where(mse > 0, -10.0 * np.log10(np.maximum(mse, 1e-300)), np.inf)
        return {
            "k": np.arange(1, self.rank_max + 1),
            "rel_error": np.sqrt(tail / total),
            "psnr": np.minimum(psnr, 100.0),
            "energy": 100.0 * (1.0 - tail / total),
        }

    def sigma(self) -> np.ndarray:
        """Singular values for the spectrum plot: per-rank root-sum-square over channels, (r,)."""
        return np.sqrt((self.s.astype(np.float64) ** 2).sum(axis=0))

    def layer(self, i: int, rows: np.ndarray | None = None, cols: np.ndarray | None = None) -> np.ndarray:
        """The i-th (0-based) rank-1 layer σᵢuᵢvᵢᵀ as (m, n, C), optionally at sampled rows/cols
        (thumbnails cost O(len(rows)·len(cols)), not O(m·n))."""
        u = self.U[:, :, i] if rows is None else self.U[:, rows, i]
        v = self.Vt[:, i, :] if cols is None else self.Vt[:, i, cols]
        out = (self.s[:, i, None, None] * u[:, :, None]) * v[:, None, :]
        return np.moveaxis(out, 0, -1)

    def smallest_k(self, psnr: float | None = None, energy: float | None = None) -> int | None:
        """The smallest k reaching PSNR ≥ psnr (dB) and energy ≥ energy (%), or None."""
        c = self.curves()
        ok = np.ones(self.rank_max, dtype=bool)
        if psnr is not None:
            ok &= c["psnr"] >= psnr
        if energy is not None:
            ok &= c["energy"] >= energy
        idx = np.flatnonzero(ok)
        return int(idx[0]) + 1 if idx.size else None


def channels_of(image: np.ndarray, luminance: bool = False, dtype=None) -> np.ndarray:
    """(m, n) or (m, n, 3) image → (C, m, n) matrices: one per colour, or luma only.

    Copied in row blocks: each block is a short numpy call, so a 12-megapixel copy in a worker
    thread never holds the GIL (and with it the GUI thread) for long.
    """
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] != 3):
        raise ValueError(f"expected an (m, n) or (m, n, 3) image, got shape {a.shape}")
    dtype = np.dtype(dtype or (a.dtype if np.issubdtype(a.dtype, np.floating) else np.float64))
    m, n = a.shape[:2]
    C = 1 if a.ndim == 2 or luminance else 3
    out = np.empty((C, m, n), dtype)
    block = max(1, COPY_BLOCK_ELEMENTS // max(1, n * 3))
    luma = LUMA.astype(dtype)
    for r in range(0, m, block):
        rows = a[r : r + block]
        if a.ndim == 2:
            out[0, r : r + block] = rows
        elif luminance:
            out[0, r : r + block] = rows @ luma
        else:
            out[:, r : r + block] = np.moveaxis(rows, -1, 0)
    return out


def factorize(
    image: np.ndarray,
    luminance: bool = False,
    rank: int | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    seed: int = 0,
) -> Factorization:
    """SVD of each channel of ``image`` ((m, n) or (m, n, 3), floats in [0, 1]).

    rank=None: all triplets when m·n ≤ FULL_SVD_PIXELS, else the leading TRUNCATED_RANK by a
    randomised SVD. Computation uses the image's float dtype (float64 for exact tests, float32
    for speed). ``progress(fraction)`` is called along the way; ``cancelled()`` is polled and
    raises Cancelled when it returns True.
    """
    return factorize_channels(channels_of(image, luminance), rank, progress, cancelled, seed)


def factorize_channels(
    A: np.ndarray,
    rank: int | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    seed: int = 0,
) -> Factorization:
    """The same for an image already split into channels: A of shape (C, m, n)."""
    if not np.issubdtype(A.dtype, np.floating):
        A = A.astype(np.float64)
    C, m, n = A.shape
    if min(m, n) < 1:
        raise ValueError("the image is empty")
    if not np.all(np.isfinite(A)):
        raise ValueError("the image has non-finite pixel values")
    full_rank = min(m, n)
    if rank is None:
        rank = full_rank if m * n <= FULL_SVD_PIXELS else min(full_rank, TRUNCATED_RANK)
    rank = int(np.clip(rank, 1, full_rank))
    report = progress or (lambda f: None)
    check = cancelled or (lambda: False)
    Us, ss, Vts = [], [], []
    for c in range(C):
        if check():
            raise Cancelled
        lo, hi = c / C, (c + 1) / C
        if rank == full_rank:
            u, s, vt = _full_svd(A[c])
        else:
            u, s, vt = randomized_svd(A[c], rank, seed=seed + c, cancelled=check,
                                      progress=lambda f, lo=lo, hi=hi: report(lo + (hi - lo) * f))
        Us.append(u[:, :rank])
        ss.append(s[:rank])
        Vts.append(vt[:rank])
        report(hi)
    sq = np.array([float(np.vdot(A[c], A[c]).real) for c in range(C)])
    return Factorization(np.stack(Us), np.stack(ss), np.stack(Vts), sq, full=rank == full_rank)


def _full_svd(a: np.ndarray):
    # numpy's SVD releases the GIL while LAPACK runs (scipy.linalg.svd holds it: the GUI thread
    # would freeze for the whole factorization); gesvd via scipy is the rare-failure fallback
    try:
        return np.linalg.svd(a, full_matrices=False)
    except np.linalg.LinAlgError:
        import scipy.linalg

        return scipy.linalg.svd(a, full_matrices=False, lapack_driver="gesvd", check_finite=False)


def randomized_svd(a: np.ndarray, rank: int, oversample: int = 10, power_iters: int = 2, seed: int = 0,
                   cancelled: Callable[[], bool] | None = None,
                   progress: Callable[[float], None] | None = None):
    """Leading ``rank`` triplets of ``a`` (m, n) by Halko–Martinsson–Tropp (2011), Alg. 4.4.

    Returns (U (m, rank), s (rank,), Vt (rank, n)). Cost O(m·n·(rank + oversample)·(2q + 2)).
    """
    import scipy.linalg

    check = cancelled or (lambda: False)
    report = progress or (lambda f: None)
    m, n = a.shape
    width = min(min(m, n), rank + oversample)
    rng = np.random.default_rng(seed)
    steps = 2 * power_iters + 3
    Q = a @ rng.standard_normal((n, width)).astype(a.dtype)
    Q, _ = scipy.linalg.qr(Q, mode="economic", check_finite=False)
    report(1 / steps)
    for it in range(power_iters):  # subspace iteration sharpens a slowly decaying spectrum
        if check():
            raise Cancelled
        Z, _ = scipy.linalg.qr(a.T @ Q, mode="economic", check_finite=False)
        report((2 * it + 2) / steps)
        if check():
            raise Cancelled
        Q, _ = scipy.linalg.qr(a @ Z, mode="economic", check_finite=False)
        report((2 * it + 3) / steps)
    B = Q.T @ a  # (width, n)
    if check():
        raise Cancelled
    ub, s, vt = _full_svd(B)
    report(1.0)
    return (Q @ ub)[:, :rank], s[:rank], vt[:rank]


class RankK:
    """The rank-k reconstruction A_k = Σ_{i<k} σᵢuᵢvᵢᵀ of every channel, updated in place.

    ``data`` is (C, m, n) in ``dtype``; ``set_k`` adds or removes only the layers between the
    old and new k (or rebuilds from zero when that touches fewer layers).
    """

    def __init__(self, fact: Factorization, k: int = 1, dtype=np.float64):
        from scipy.linalg import blas

        self.fact = fact
        self.dtype = np.dtype(dtype)
        prefix = "s" if self.dtype == np.float32 else "d"
        self._gemm = getattr(blas, prefix + "gemm")
        # Cast once: layer i of channel c is U[c, :, i] ⊗ (σ Vᵀ)[c, i, :]
        self._U = np.ascontiguousarray(fact.U, dtype=self.dtype)
        self._SVt = np.ascontiguousarray(fact.s[:, :, None] * fact.Vt, dtype=self.dtype)
        self.data = np.zeros((fact.channels, fact.m, fact.n), dtype=self.dtype)
        self.k = 0
        self.layers_touched = 0  # how many rank-1 layers the last set_k applied (for tests/bench)
        self.set_k(k)

    def _apply(self, lo: int, hi: int, sign: float, overwrite: bool = False) -> None:
        """data[c] (+/-)= Σ_{lo ≤ i < hi} uᵢ (σᵢvᵢᵀ), or = when overwrite (in place, no temporary)."""
        if not overwrite and hi - lo <= SMALL_STEP:
            self._apply_rows(lo, hi, sign)
            return
        for c in range(self.fact.channels):
            # data[c] is C-ordered (m, n), so data[c].T is Fortran-ordered (n, m) for BLAS:
            # data[c].T ← sign · (σVᵀ)[lo:hi]ᵀ · U[:, lo:hi]ᵀ + β · data[c].T
            target = self.data[c].T
            out = self._gemm(sign, self._SVt[c, lo:hi].T, self._U[c, :, lo:hi].T,
                             beta=0.0 if overwrite else 1.0, c=target, overwrite_c=1)
            if out is not target and not np.shares_memory(out, target):  # pragma: no cover — BLAS copied
                target[...] = out

    def _apply_rows(self, lo: int, hi: int, sign: float) -> None:
        """The same update for a few layers, in cache-sized row blocks with plain numpy: no BLAS
        thread pool wakes up, so a slider step costs one pass over the pixels and never stalls
        behind a busy second core."""
        block = max(1, ROW_BLOCK_ELEMENTS // max(1, self.fact.n))
        tmp = np.empty((block, self.fact.n), dtype=self.dtype)
        for c in range(self.fact.channels):
            D, U = self.data[c], self._U[c]
            for i in range(lo, hi):
                v = self._SVt[c, i] if sign > 0 else -self._SVt[c, i]
                for r in range(0, self.fact.m, block):
                    rows = D[r : r + block]
                    t = tmp[: rows.shape[0]]
                    np.multiply(U[r : r + block, i, None], v, out=t)
                    rows += t

    def set_k(self, k: int) -> int:
        """Move to rank k (clamped to 1..r). Returns the number of layers applied."""
        k = int(np.clip(k, 1, self.fact.rank_max))
        old = self.k
        if k == old:
            self.layers_touched = 0
        elif k <= abs(k - old) or old == 0:  # rebuilding from zero touches fewer layers
            self._apply(0, k, 1.0, overwrite=True)
            self.layers_touched = k
        elif k > old:
            self._apply(old, k, 1.0)
            self.layers_touched = k - old
        else:
            self._apply(k, old, -1.0)
            self.layers_touched = old - k
        self.k = k
        return self.layers_touched

    def image(self) -> np.ndarray:
        """(m, n, C) view of the reconstruction (values may stray slightly outside [0, 1])."""
        return np.moveaxis(self.data, 0, -1)


def reconstruct(fact: Factorization, k: int) -> np.ndarray:
    """A_k computed directly (no increments), (C, m, n) float64 — the reference for tests."""
    k = int(np.clip(k, 0, fact.rank_max))
    return np.einsum("cmi,ci,cin->cmn", fact.U[:, :, :k].astype(np.float64),
                     fact.s[:, :k].astype(np.float64), fact.Vt[:, :k].astype(np.float64))


def psnr(reference: np.ndarray, approx: np.ndarray, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB between two same-shaped arrays (∞ when equal)."""
    mse = float(np.mean((np.asarray(reference, float) - np.asarray(approx, float)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(peak * peak / mse)


# --- what lesson files and explorers may set ------------------------------------------------
PARAMS: dict[str, ParamSpec] = {
    "k": ParamSpec("rank k", 10, 1, 4096, step=1),
    "luminance": ParamSpec("luminance only (0/1)", 0, 0, 1, step=1),
    "sample": ParamSpec("sample image (−1 = your own)", 0, -1, 2, step=1),
    "error_view": ParamSpec("show the error A − A_k (0/1)", 0, 0, 1, step=1),
    "a": ParamSpec("a (2×2 tab)", 1.0, -4.0, 4.0),
    "b": ParamSpec("b (2×2 tab)", 1.0, -4.0, 4.0),
    "c": ParamSpec("c (2×2 tab)", 0.0, -4.0, 4.0),
    "d": ParamSpec("d (2×2 tab)", 1.0, -4.0, 4.0),
    "stage": ParamSpec("stage Vᵀ → Σ → U", 3.0, 0.0, 3.0),
}

QUANTITIES: tuple[str, ...] = (
    "sample", "k", "max_rank", "m", "n", "channels", "psnr", "psnr_prev", "energy", "rel_error", "storage",
    "ratio", "sigma1_2x2", "sigma2_2x2",
)


def quantities(fact: Factorization | None, k: int, matrix, sample: int = 0) -> dict[str, float]:
    """The named numbers lesson exercises check (psnr_prev = PSNR at k − 1, for "smallest k")."""
    g = Geometry2x2.of(matrix)
    out = {"sample": float(sample), "sigma1_2x2": float(g.sigma[0]), "sigma2_2x2": float(g.sigma[1])}
    if fact is None:
        return dict.fromkeys(QUANTITIES, 0.0) | out
    met = fact.metrics(k)
    prev = fact.metrics(k - 1) if k > 1 else None
    return out | {
        "k": float(met.k), "max_rank": float(fact.rank_max), "m": float(fact.m), "n": float(fact.n),
        "channels": float(fact.channels), "psnr": met.psnr, "psnr_prev": prev.psnr if prev else 0.0,
        "energy": met.energy, "rel_error": met.rel_error, "storage": float(met.storage), "ratio": met.ratio,
    }
