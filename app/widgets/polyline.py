"""Polyline simplification in screen pixels, so a redraw strokes what the eye can see and no more.

A 1 000-step optimiser path that has converged puts hundreds of points inside one pixel; a loss
curve that decays geometrically is a straight line on log axes. Stroking every one of those tiny
segments antialiased is most of a frame's paint. ``simplify`` keeps the points that matter at the
current zoom: every dropped point lies within ``tol_px`` pixels of the drawn polyline (the
Ramer–Douglas–Peucker guarantee), so the picture is the same to within a fraction of a line width.
matplotlib does the same by default (``path.simplify``), so the comparison in bench/ is fair.

No Qt here: the caller passes the size of one pixel in data units (``pixel_size`` of the view).
"""

from __future__ import annotations

import numpy as np
from simplification.cutil import simplify_coords_idx

TOL_PX = 0.25  # a quarter pixel: well under the thinnest pen we draw (1 px)


def simplify(x: np.ndarray, y: np.ndarray, px: tuple[float, float], tol_px: float = TOL_PX) -> np.ndarray:
    """Indices (sorted, first and last included) of the points of the polyline (x, y) to draw when one
    pixel is ``px = (dx, dy)`` data units: every other point is within ``tol_px`` pixels of the
    polyline through the kept ones. Non-finite points are always kept (they break the line, as
    pyqtgraph draws it). Unusable pixel sizes (zero, NaN: a view not laid out yet) keep everything."""
    n = len(x)
    dx, dy = px
    if n <= 2 or not (np.isfinite(dx) and np.isfinite(dy) and dx > 0 and dy > 0):
        return np.arange(n)
    u, v = np.asarray(x, float) / dx, np.asarray(y, float) / dy  # in pixels
    finite = np.isfinite(u) & np.isfinite(v)
    if not finite.all():
        # simplify each finite run on its own and keep the breaks
        keep = [np.flatnonzero(~finite)]
        edges = np.flatnonzero(np.diff(np.concatenate(([0], finite.view(np.int8), [0]))))
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            keep.append(a + _rdp(u[a:b], v[a:b], tol_px))
        return np.unique(np.concatenate(keep))
    return _rdp(u, v, tol_px)


def _rdp(u: np.ndarray, v: np.ndarray, tol: float) -> np.ndarray:
    """Ramer–Douglas–Peucker on pixel coordinates (the ``simplification`` package's compiled one:
    about 10× a numpy version, which matters when all twelve curves change on one drag)."""
    if len(u) <= 2:
        return np.arange(len(u))
    return np.asarray(simplify_coords_idx(np.column_stack([u, v]), tol), dtype=np.intp)


def simplify_prefix(x: np.ndarray, y: np.ndarray, px: tuple[float, float], keep: np.ndarray, end: int,
                    tol_px: float = TOL_PX) -> np.ndarray:
    """``simplify`` of the first ``end + 1`` points, given ``keep = simplify(x, y, px)`` of them all:
    the kept points before ``end`` stand, and only the last span (from the last of them to ``end``)
    is simplified again. Cheap enough for every frame of a playing race."""
    if end >= len(x) - 1:
        return keep
    if end <= 0:
        return np.arange(end + 1)
    head = keep[keep < end]
    j = int(head[-1])
    return np.concatenate([head[:-1], j + simplify(x[j:end + 1], y[j:end + 1], px, tol_px)])


def pixel_size(view_range: list[list[float]], width: float, height: float) -> tuple[float, float]:
    """One screen pixel in data units for a view showing ``[[x0, x1], [y0, y1]]`` on width × height
    pixels (pyqtgraph's ``ViewBox.viewRange()`` and size); NaN when the view has no size yet."""
    (x0, x1), (y0, y1) = view_range
    if width <= 0 or height <= 0:
        return (float("nan"), float("nan"))
    return (abs(x1 - x0) / width, abs(y1 - y0) / height)


def still_fine(drawn_px: tuple[float, float] | None, px: tuple[float, float]) -> bool:
    """Whether points simplified for pixel size ``drawn_px`` still look right at ``px``: a zoom out
    only makes the error smaller, so re-simplify on a zoom in (or a zoom out by more than 4×, to
    shed points). The 5 % slack keeps autorange from re-simplifying in a loop."""
    if drawn_px is None:
        return False
    if not np.all(np.isfinite(px)):  # the view has no size now: keep what is drawn
        return True
    if not np.all(np.isfinite(drawn_px)):  # drawn in full before the view had a size
        return False
    return all(0.95 * a <= b <= 4 * a for a, b in zip(drawn_px, px, strict=True))
