"""Checks on what a plot draws, shared by the explorer and widget tests."""

from __future__ import annotations

import numpy as np


def deviation_px(x, y, kx, ky, px) -> float:
    """The largest distance, in pixels (one pixel = ``px`` data units per axis), from a point of the
    polyline (x, y) to the polyline through (kx, ky); computed by brute force over all segments."""
    u, v = np.asarray(x, float) / px[0], np.asarray(y, float) / px[1]
    ku, kv = np.asarray(kx, float) / px[0], np.asarray(ky, float) / px[1]
    if len(ku) == 1:
        return float(np.max(np.hypot(u - ku[0], v - kv[0])))
    au, av, su, sv = ku[:-1], kv[:-1], np.diff(ku), np.diff(kv)
    wu, wv = u[:, None] - au[None], v[:, None] - av[None]
    seg2 = su * su + sv * sv
    t = np.clip(np.divide(wu * su + wv * sv, seg2, out=np.zeros_like(wu), where=seg2 > 0), 0, 1)
    d = np.hypot(wu - t * su, wv - t * sv).min(axis=1)
    return float(d.max())


def assert_draws(curve, xy: np.ndarray, vb, tol_px: float = 0.26) -> None:
    """``curve`` (a pyqtgraph curve in view box ``vb``) draws the polyline ``xy`` (k, 2): its points
    are some of ``xy``'s, in order, from the first to the last, and every point of ``xy`` is within
    ``tol_px`` screen pixels of what is drawn."""
    dx, dy = curve.getData()
    drawn = np.column_stack([dx, dy])
    assert len(drawn) <= len(xy)
    np.testing.assert_array_equal(drawn[0], xy[0])
    np.testing.assert_array_equal(drawn[-1], xy[-1])
    (x0, x1), (y0, y1) = vb.viewRange()
    px = ((x1 - x0) / vb.width(), (y1 - y0) / vb.height())
    # every drawn point is a path point, in order
    pos = 0
    for p in drawn:
        while pos < len(xy) and not np.array_equal(xy[pos], p):
            pos += 1
        assert pos < len(xy), f"drawn point {p} is not on the path (in order)"
    assert deviation_px(xy[:, 0], xy[:, 1], dx, dy, px) <= tol_px
