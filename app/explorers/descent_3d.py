"""The loss surface in 3-D (pyqtgraph.opengl) with the optimisers' paths lifted onto it; drag to
rotate, wheel to zoom. Passive: ``set_race`` draws what it is given.

Heights are f mapped to [0, HEIGHT] — through log10(f − f_min) when f spans many decades (as the
2-D contour's bands do), so Rosenbrock's valley is visible instead of a flat sheet under a wall.

Paths are clipped to the plotted box (``clip_segments``): a diverging path ends where it leaves the
box instead of shooting a line to 10⁶, and one that leaves and comes back shows both parts (drawn
as separate segments; a path wholly inside the box stays one strip).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl

from app.widgets.theme import LIGHT, Theme

N = 90  # surface samples per side
BOX = 10.0  # x and y are drawn in [−BOX/2, BOX/2]
HEIGHT = 4.0
LIFT = 0.04  # paths float this far above the surface so they are not hidden in it


class HeightMap:
    """x, y, f → drawing coordinates for one surface (shared by the sheet and the paths)."""

    def __init__(self, surf):
        self.surf = surf
        (self.x0, self.x1), (self.y0, self.y1) = surf.xlim, surf.ylim
        xs, ys = np.linspace(self.x0, self.x1, N), np.linspace(self.y0, self.y1, N)
        self.z = surf.f(*np.meshgrid(xs, ys, indexing="ij"))
        finite = self.z[np.isfinite(self.z)]
        self.lo = float(finite.min()) if finite.size else 0.0
        self.hi = float(np.percentile(finite, 99)) if finite.size else 1.0
        low = float(np.percentile(finite - self.lo, 5)) if finite.size else 0.0
        self.log = (self.hi - self.lo) > 200 * max(low, 1e-12)
        self.xs, self.ys = self.px(xs), self.py(ys)

    def px(self, x):
        return (np.asarray(x) - self.x0) / (self.x1 - self.x0) * BOX - BOX / 2

    def py(self, y):
        return (np.asarray(y) - self.y0) / (self.y1 - self.y0) * BOX - BOX / 2

    def pz(self, f):
        with np.errstate(all="ignore"):
            f = np.asarray(f, dtype=float)
            if self.log:
                a, b = np.log10(1e-6), np.log10(self.hi - self.lo + 1e-6)
                u = (np.log10(np.maximum(f - self.lo, 0) + 1e-6) - a) / (b - a)
            else:
                u = (f - self.lo) / max(self.hi - self.lo, 1e-12)
        return np.clip(np.nan_to_num(u, nan=1.0, posinf=1.0, neginf=0.0), 0, 1.15) * HEIGHT


def clip_segments(xy: np.ndarray, xlim, ylim) -> tuple[np.ndarray, np.ndarray]:
    """The polyline ``xy`` (k, 2) clipped to the box, as segment end points (m, 2, 2) — pairs for
    GL "lines" mode — and, per segment, the index of the path point it starts from (Liang–Barsky,
    vectorised). Segments wholly outside are dropped; a non-finite point drops its segments."""
    if len(xy) < 2:
        return np.zeros((0, 2, 2)), np.zeros(0, dtype=int)
    a, b = xy[:-1], xy[1:]
    d = b - a
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    with np.errstate(all="ignore"):
        for k, (lo, hi) in enumerate((xlim, ylim)):
            for p, q in ((-d[:, k], a[:, k] - lo), (d[:, k], hi - a[:, k])):
                r = q / p
                par = p == 0
                t0 = np.where(~par & (p < 0), np.maximum(t0, r), t0)
                t1 = np.where(~par & (p > 0), np.minimum(t1, r), t1)
                t0 = np.where(par & (q < 0), np.inf, t0)  # parallel to this edge and outside it
    keep = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1) & (t0 <= t1)
    idx = np.flatnonzero(keep)
    seg = np.stack([a[idx] + t0[idx, None] * d[idx], a[idx] + t1[idx, None] * d[idx]], axis=1)
    return seg, idx


class Surface3DView(gl.GLViewWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.setCameraPosition(distance=16, elevation=40, azimuth=-50)
        self.sheet = gl.GLSurfacePlotItem(smooth=True, shader=None, computeNormals=False)
        self.sheet.setGLOptions("opaque")
        self.addItem(self.sheet)
        self.grid = gl.GLGridItem()
        self.grid.setSize(BOX, BOX)
        self.grid.setSpacing(BOX / 10, BOX / 10)
        self.addItem(self.grid)
        self.lines: list[gl.GLLinePlotItem] = []
        self.heads = gl.GLScatterPlotItem(pxMode=True)
        self.heads.setGLOptions("translucent")
        self.addItem(self.heads)
        self.map: HeightMap | None = None
        self._surf = None

    def set_race(self, surf, paths: list, colors: list[str], step: int) -> None:
        """``paths``: app.models.descent.Path objects, drawn up to ``step``."""
        if surf is not self._surf:
            self._surf = surf
            self.map = HeightMap(surf)
            z = self.map.pz(self.map.z)
            cmap = pg.colormap.get("viridis")
            rgba = cmap.map(z / HEIGHT / 1.15, mode="float")
            self.sheet.setData(x=self.map.xs, y=self.map.ys, z=z, colors=rgba.reshape(N, N, 4))
        while len(self.lines) < len(paths):
            line = gl.GLLinePlotItem(antialias=True, mode="line_strip")
            line.setGLOptions("translucent")
            self.lines.append(line)
            self.addItem(line)
        heads, head_colors = [], []
        for i, line in enumerate(self.lines):
            if i >= len(paths) or not len(paths[i].xy):
                line.setVisible(False)
                continue
            p = paths[i]
            k = min(step, len(p.xy) - 1)
            xy = p.xy[: k + 1]
            seg, idx = clip_segments(xy, surf.xlim, surf.ylim)
            inside = len(idx) == len(xy) - 1 and np.array_equal(seg[:, 0], xy[:-1]) and np.array_equal(seg[:, 1], xy[1:])
            if inside:  # the usual case: one strip through the path's points (no joints to see)
                ends, f, mode = xy, p.f[: k + 1], "line_strip"
            else:  # segments cut at the box (f at the cut ends from the surface)
                ends, mode = seg.reshape(-1, 2), "lines"
                f = surf.f(ends[:, 0], ends[:, 1])
            pos = np.column_stack([self.map.px(ends[:, 0]), self.map.py(ends[:, 1]), self.map.pz(f) + LIFT])
            color = pg.mkColor(colors[i]).getRgbF()
            line.setData(pos=pos, color=color, width=self.theme.line_width * 1.5, mode=mode)
            line.setVisible(len(pos) > 0)
            x, y = p.xy[k]
            if surf.xlim[0] <= x <= surf.xlim[1] and surf.ylim[0] <= y <= surf.ylim[1]:  # else off the box
                heads.append([self.map.px(x), self.map.py(y), self.map.pz(p.f[k]) + LIFT])
                head_colors.append(color)
        if heads:
            self.heads.setData(pos=np.array(heads), color=np.array(head_colors), size=self.theme.font_px * 0.9)
        else:
            self.heads.setData(pos=np.zeros((0, 3)))

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackgroundColor(theme.background)
        self.grid.setColor(pg.mkColor(theme.grid))
        for line in self.lines:
            line.setData(width=theme.line_width * 1.5)
