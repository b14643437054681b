"""The loss surface in 3-D (pyqtgraph.opengl) with the optimisers' paths lifted onto it; drag to
rotate, wheel to zoom. Passive: ``set_race`` draws what it is given.

Heights are f mapped to [0, HEIGHT] — through log10(f − f_min) when f spans many decades (as the
2-D contour's bands do), so Rosenbrock's valley is visible instead of a flat sheet under a wall.
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
        self.log = (self.hi - self.lo) > 200 * max(float(np.percentile(finite - self.lo, 5)), 1e-12)
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
            xy, f = p.xy[: k + 1], p.f[: k + 1]
            pos = np.column_stack([self.map.px(xy[:, 0]), self.map.py(xy[:, 1]), self.map.pz(f) + LIFT])
            color = pg.mkColor(colors[i]).getRgbF()
            line.setData(pos=pos, color=color, width=self.theme.line_width * 1.5)
            line.setVisible(True)
            heads.append(pos[-1])
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
