"""The transformed grid as the plane draws it: how many lines, which of them, clipped to the view.
Pure numpy on app.models.linear (no Qt), shared with the matplotlib peer in bench/linear.py."""

from __future__ import annotations

import math

import numpy as np

from app.models.linear import LinearMap

VIEW = 4.5  # half-width of the visible square (entries go to ±4, so tips stay inside)
MAX_EXTENT = 40  # most grid lines each side of the origin (near-singular maps would need ∞)
MIN_GAP_PX = 3.0  # closer grid lines merge into a band; draw only some of them


def grid_extent(m: LinearMap) -> int:
    """Lines k = −e..e whose image covers the visible square: the preimage of a corner (±V, ±V)
    is M⁻¹·corner, whose largest coordinate is V·max row-sum of |M⁻¹| = V·max(|a|+|c|, |b|+|d|)/|det|."""
    det = abs(m.det)
    if det < 1e-6:
        return MAX_EXTENT
    need = VIEW * max(abs(m.d) + abs(m.b), abs(m.c) + abs(m.a)) / det
    return int(min(MAX_EXTENT, max(6, math.ceil(need) + 1)))


def _every_kth_line(extent: int, gap_px: float):
    """Which of the lines k = −extent..extent to draw when neighbours are ``gap_px`` apart on screen:
    all of them (None) unless they would merge into a band anyway, then every step-th (k = 0 kept).
    Drawing 81 lines on top of each other (det ≈ 0) costs a whole frame and shows nothing more."""
    if gap_px >= MIN_GAP_PX:
        return None
    step = 2 * extent + 1 if gap_px * (2 * extent + 1) < MIN_GAP_PX else math.ceil(MIN_GAP_PX / gap_px)
    return np.arange(-extent, extent + 1) % step == 0


def clip_segments(xs: np.ndarray, ys: np.ndarray, xmax: float, ymax: float) -> tuple[np.ndarray, np.ndarray]:
    """Clip NaN-separated 2-point segments (as from LinearMap.grid_lines) to [−xmax, xmax]×[−ymax, ymax]
    (Liang–Barsky, vectorised). Qt strokes a line's whole length before clipping, so a near-singular
    map's 80-unit grid lines cost tens of ms; clipped, the cost no longer depends on the matrix."""
    p0 = np.column_stack([xs[0::3], ys[0::3]])
    d = np.column_stack([xs[1::3], ys[1::3]]) - p0
    t0 = np.zeros(len(p0))
    t1 = np.ones(len(p0))
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, lim in ((0, xmax), (1, ymax)):
            ta = (-lim - p0[:, k]) / d[:, k]
            tb = (lim - p0[:, k]) / d[:, k]
            flat = d[:, k] == 0
            lo = np.where(flat, np.where(np.abs(p0[:, k]) <= lim, -np.inf, np.inf), np.minimum(ta, tb))
            hi = np.where(flat, np.where(np.abs(p0[:, k]) <= lim, np.inf, -np.inf), np.maximum(ta, tb))
            t0 = np.maximum(t0, lo)
            t1 = np.minimum(t1, hi)
    hidden = t0 >= t1
    t0[hidden] = t1[hidden] = np.nan  # NaN endpoints: the segment is simply not drawn
    out_x = np.empty_like(xs)
    out_y = np.empty_like(ys)
    out_x[0::3], out_y[0::3] = p0[:, 0] + t0 * d[:, 0], p0[:, 1] + t0 * d[:, 1]
    out_x[1::3], out_y[1::3] = p0[:, 0] + t1 * d[:, 0], p0[:, 1] + t1 * d[:, 1]
    out_x[2::3] = out_y[2::3] = np.nan
    return out_x, out_y


def visible_grid(m: LinearMap, xmax: float, ymax: float, px: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The transformed grid as drawn: images of x = k, then of y = k, each (xs, ys) NaN-separated,
    clipped to the view [−xmax, xmax]×[−ymax, ymax] and thinned where lines are under MIN_GAP_PX
    apart (``px`` = view units per pixel)."""
    extent = grid_extent(m)
    xs, ys = m.grid_lines(extent)
    half = len(xs) // 2
    out = []
    # images of x = k are parallel to ĵ, spaced |det|/|ĵ| apart; those of y = k, |det|/|î|
    for sl, along in ((slice(0, half), m.j_hat), (slice(half, None), m.i_hat)):
        gap = abs(m.det) / max(float(np.hypot(*along)), 1e-12) / px  # in pixels
        keep = _every_kth_line(extent, gap)
        gx, gy = xs[sl], ys[sl]
        if keep is not None:
            gx, gy = gx.reshape(-1, 3)[keep].ravel(), gy.reshape(-1, 3)[keep].ravel()
        out.append(clip_segments(gx, gy, 1.02 * xmax, 1.02 * ymax))
    return out
