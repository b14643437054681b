"""Critical points of a typed surface inside its plot box: the isolated local minima (to mark and
to measure "reached the minimum"), and saddles (to analyse when there is no minimum). No Qt.

Seeds are the grid points where f or ‖∇f‖² is locally smallest, thinned and capped at
``MAX_SEEDS``; all of them are refined together by vectorised Newton steps (pseudo-inverse of the
Hessian, so singular Hessians are fine; each step at most two grid cells). A refined point counts
only where ‖∇f‖ is tiny. It is a *minimum* when the Hessian is positive definite, or positive
semi-definite and f rises on a small ring around it (x⁴ + y⁴ at 0 is a minimum; a point of the
flat valley of y² or (x − y)² is not: a valley of minima gets no arbitrary star). A constant
surface has no minima. About 5 ms for a 61 × 61 grid, whatever the surface.
"""

from __future__ import annotations

import numpy as np

MAX_SEEDS = 48  # Newton runs at most (a flat surface would otherwise seed thousands)
ITERATIONS = 40
RING = 16  # directions of the ring test


def _grid_minima(v: np.ndarray) -> np.ndarray:
    """(row, col) of interior grid points not above any of their 8 neighbours (finite values)."""
    n0, n1 = v.shape
    centre = v[1:-1, 1:-1]
    neigh = np.stack([v[1 + dy:n0 - 1 + dy, 1 + dx:n1 - 1 + dx]
                      for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dx or dy])
    local = np.isfinite(centre) & np.all(centre <= neigh, axis=0)
    rows, cols = np.nonzero(local)
    return np.column_stack([rows + 1, cols + 1])


def _thin(cells: np.ndarray, score: np.ndarray, cap: int, shape: tuple[int, int]) -> np.ndarray:
    """The best-scoring cells, at most ``cap``, no two within 2 cells of each other (greedy, with
    an occupancy mask so thousands of cells of a plateau cost a few milliseconds)."""
    taken = np.zeros(shape, dtype=bool)
    chosen: list[tuple[int, int]] = []
    for k in np.argsort(score, kind="stable"):
        r, c = int(cells[k, 0]), int(cells[k, 1])
        if taken[r, c]:
            continue
        chosen.append((r, c))
        if len(chosen) == cap:
            break
        taken[max(r - 2, 0):r + 3, max(c - 2, 0):c + 3] = True
    return np.array(chosen, dtype=int).reshape(-1, 2)


def critical_points(comp, xlim, ylim, n: int = 61, max_count: int = 8):
    """(minima, saddles) of the compiled surface ``comp`` in the box: tuples of (x, y); minima
    sorted by f (global first), saddles by distance from the box centre."""
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    XX, YY = np.meshgrid(xs, ys)
    Z = comp.f(XX, YY)
    finite = np.isfinite(Z)
    if finite.sum() < 9:
        return (), ()
    span = float(np.ptp(Z[finite]))
    if span <= 1e-12 * (1.0 + float(np.max(np.abs(Z[finite])))):
        return (), ()  # constant: every point is a minimum, none is worth a star
    gx, gy = comp.grad(XX, YY)
    with np.errstate(all="ignore"):
        g2 = gx * gx + gy * gy
    ok = finite & np.isfinite(g2)
    zf = np.where(ok, Z, np.inf)
    g2f = np.where(ok, g2, np.inf)
    a = _grid_minima(zf)
    b = _grid_minima(g2f)
    cells = np.vstack([a, b])
    if not len(cells):
        return (), ()
    # minima of f first (ranked by f), then the other stationary candidates (ranked by ‖∇f‖²)
    rank = np.concatenate([np.argsort(np.argsort(zf[a[:, 0], a[:, 1]])),
                           len(a) + np.argsort(np.argsort(g2f[b[:, 0], b[:, 1]]))]).astype(float)
    seeds = _thin(cells, rank, MAX_SEEDS, Z.shape)
    h = max((xlim[1] - xlim[0]) / (n - 1), (ylim[1] - ylim[0]) / (n - 1))
    P = np.column_stack([XX[seeds[:, 0], seeds[:, 1]], YY[seeds[:, 0], seeds[:, 1]]])
    P, g, H = _newton(comp, P, 2 * h)
    gscale = float(np.median(np.sqrt(g2f[np.isfinite(g2f)]))) if np.isfinite(g2f).any() else 1.0
    curv = span / max(xlim[1] - xlim[0], ylim[1] - ylim[0]) ** 2  # a typical curvature, for tolerances
    with np.errstate(all="ignore"):
        stationary = np.all(np.isfinite(P), axis=1) & (np.hypot(g[:, 0], g[:, 1]) <= 1e-7 * (1 + gscale))
        stationary &= np.all(np.isfinite(H.reshape(-1, 4)), axis=1)
    inside = (P[:, 0] >= xlim[0]) & (P[:, 0] <= xlim[1]) & (P[:, 1] >= ylim[0]) & (P[:, 1] <= ylim[1])
    keep = stationary & inside
    P, H = P[keep], H[keep]
    if not len(P):
        return (), ()
    ev = np.linalg.eigvalsh((H + np.swapaxes(H, 1, 2)) / 2)  # ascending
    tol = 1e-7 * max(curv, 1e-300)
    fp = comp.f(P[:, 0], P[:, 1])
    is_min = (ev[:, 0] > tol) | ((ev[:, 0] >= -tol) & _rises_around(comp, P, fp, h, span))
    is_saddle = (ev[:, 0] < -tol) & (ev[:, 1] > tol)
    minima = _distinct(P[is_min], fp[is_min], h)
    centre = np.array([np.mean(xlim), np.mean(ylim)])
    saddles = _distinct(P[is_saddle], np.hypot(*(P[is_saddle] - centre).T), h)
    return minima[:max_count], saddles[:max_count]


def _newton(comp, P: np.ndarray, max_step: float):
    """Newton steps on ∇f = 0 for every row of P at once; rows that hit a non-finite value stop."""
    alive = np.ones(len(P), dtype=bool)
    g = np.full_like(P, np.nan)
    H = np.full((len(P), 2, 2), np.nan)
    for _ in range(ITERATIONS + 1):
        gx, gy = comp.grad(P[:, 0], P[:, 1])
        hv = comp.hess_v(P[:, 0], P[:, 1])
        g_new = np.column_stack([gx, gy])
        H_new = np.stack([np.stack([hv[0], hv[1]], axis=-1), np.stack([hv[2], hv[3]], axis=-1)], axis=1)
        good = alive & np.all(np.isfinite(g_new), axis=1) & np.all(np.isfinite(H_new.reshape(-1, 4)), axis=1)
        g[good], H[good] = g_new[good], H_new[good]
        alive &= good
        if not alive.any():
            break
        Hs = (H[alive] + np.swapaxes(H[alive], 1, 2)) / 2
        w, V = np.linalg.eigh(Hs)
        big = np.abs(w) > 1e-12 * np.maximum(1.0, np.max(np.abs(w), axis=1, keepdims=True))
        coef = np.einsum("kij,ki->kj", V, g[alive])  # Vᵀg
        coef = np.where(big, coef / np.where(big, w, 1.0), 0.0)
        step = np.einsum("kij,kj->ki", V, coef)  # pseudo-inverse Newton step
        length = np.hypot(step[:, 0], step[:, 1])
        step *= np.minimum(1.0, max_step / np.maximum(length, 1e-300))[:, None]
        moved = P[alive] - step
        P = P.copy()
        P[alive] = moved
        if np.all(length < 1e-14):
            break
    return P, g, H


def _rises_around(comp, P: np.ndarray, fp: np.ndarray, h: float, span: float) -> np.ndarray:
    """True where f is higher than at the point all round small rings (radius h/4 and h/2)."""
    t = np.linspace(0, 2 * np.pi, RING, endpoint=False)
    out = np.ones(len(P), dtype=bool)
    for r in (h / 4, h / 2):
        x = P[:, 0:1] + r * np.cos(t)[None, :]
        y = P[:, 1:2] + r * np.sin(t)[None, :]
        ring = comp.f(x, y)
        tol = 1e-9 * np.abs(fp) + 1e-12 * span
        with np.errstate(invalid="ignore"):
            out &= np.all(ring - fp[:, None] > tol[:, None], axis=1)
    return out


def _distinct(P: np.ndarray, key: np.ndarray, h: float) -> tuple[tuple[float, float], ...]:
    """Points sorted by ``key``, dropping any within h/100 of one already kept."""
    out: list[tuple[float, float]] = []
    for k in np.argsort(key, kind="stable"):
        p = P[k]
        if all(np.hypot(p[0] - q[0], p[1] - q[1]) > h / 100 for q in out):
            out.append((float(p[0]), float(p[1])))
    return tuple(out)
