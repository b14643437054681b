"""The 2-D contour view of the gradient-descent race: the filled contour with the optimisers' paths,
the draggable start point, the minima and the −∇f field (the loss plot is descent_loss.LossView).

Passive: ``set_surface`` / ``set_paths`` / ``set_step`` draw what they are given; a drag or
click on the contour only emits ``start_dragged``; hovering a path shows its exact numbers.
Items are made once and updated with setData (the race is redrawn on every slider change); the
curves carry only the points that show at the current zoom (app.widgets.polyline), re-simplified
when the view zooms in or is resized.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from app.widgets.plot_style import style_axes
from app.widgets.polyline import pixel_size, simplify, simplify_prefix, still_fine
from app.widgets.theme import LIGHT, Theme

GRID = 220  # contour resolution (samples per side)
LEVELS = 18  # filled-contour bands
ARROWS = 15  # −∇f field: arrows per side
HOVER_PX = 12  # hover picks the nearest path point within this many pixels
LINE_MODE = "off"


def band_levels(z: np.ndarray, n: int = LEVELS) -> tuple[np.ndarray, bool]:
    """Band edges for a filled contour of ``z``: log-spaced (on z − min) when the finite values span
    more than two decades, else linear. Returns (edges, is_log)."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.linspace(0, 1, n + 1), False
    lo, hi = float(finite.min()), float(np.percentile(finite, 99.5))
    span = hi - lo
    if span <= 0:
        return np.linspace(lo - 1, lo + 1, n + 1), False
    shifted = finite - lo
    small = np.percentile(shifted[shifted > 0], 1) if np.any(shifted > 0) else span / 1e3
    if span / max(small, 1e-300) > 100:  # wide range: bands evenly spaced in log(f − min)
        floor = max(small, span * 1e-6)
        return lo + np.geomspace(floor, span, n + 1), True
    return np.linspace(lo, hi, n + 1), False


def band_image(z: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Band index of every sample (0..len(edges)−1), NaN/inf mapped to the top band."""
    idx = np.digitize(np.where(np.isfinite(z), z, np.inf), edges[1:-1])
    return idx.astype(np.float32)


class ContourView(pg.PlotWidget):
    """Filled contour of f, the optimisers' paths, the start handle, minima and the −∇f field."""

    start_dragged = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setAspectLocked(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        # the contour only changes with the surface: keep it as a device-resolution pixmap
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(self.image)
        self.field = pg.PlotCurveItem(connect="pairs")
        self.addItem(self.field)
        self.curves: list[pg.PlotCurveItem] = []
        self.heads = pg.ScatterPlotItem(pxMode=True)
        self.heads.setZValue(8)
        # the minima: hollow stars above the path heads, so a head that reached one shows inside it
        self.minima = pg.ScatterPlotItem(symbol="star", pxMode=True)
        self.minima.setZValue(9)
        self.addItem(self.minima)
        self.addItem(self.heads)
        self.start = pg.TargetItem(pos=(0, 0), size=16, movable=True, symbol="o")
        self.start.setZValue(20)
        self.start.sigPositionChanged.connect(self._on_start_moved)
        self.addItem(self.start)
        self.hover = pg.TextItem(anchor=(0, 1), border=None)
        self.hover.setZValue(30)
        self.hover.hide()
        self.addItem(self.hover, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_clicked)
        self._paths: list = []  # (name, title, xy, f, gn) shown
        self._drawn: dict = {}  # curve index → (path array, step, px) it shows: unchanged curves are skipped
        self._keep: dict = {}  # curve index → (path array, px, indices of its simplified whole path)
        self._px = None  # the pixel size (data units) the curves were simplified for
        self._brushes: dict = {}
        self.getPlotItem().vb.sigRangeChanged.connect(self._on_view_changed)
        self.getPlotItem().vb.sigResized.connect(self._on_view_changed)
        self.diverged: list[bool] = []
        self._step = 0
        self._surface = None
        self._setting = False
        self.colors: list[str] = []
        self.field_on = False
        self.getPlotItem().setLabel("bottom", "x")
        self.getPlotItem().setLabel("left", "y")

    # --- drawing -------------------------------------------------------------------------------
    def set_surface(self, surf) -> None:
        """Fill the contour (once per surface), mark the minima, frame the plot box."""
        self._surface = surf
        self.hover.hide()
        (x0, x1), (y0, y1) = surf.xlim, surf.ylim
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        XX, YY = np.meshgrid(xs, ys)
        z = surf.f(XX, YY)
        self.edges, self.log_levels = band_levels(z)
        self.image.setImage(band_image(z, self.edges), levels=(0, LEVELS))
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        mins = np.array(surf.minima) if surf.minima else np.zeros((0, 2))
        self.minima.setData(mins[:, 0], mins[:, 1]) if len(mins) else self.minima.setData([], [])
        self.setXRange(x0, x1, padding=0)
        self.setYRange(y0, y1, padding=0)
        self.getPlotItem().vb.setLimits(xMin=x0 - (x1 - x0), xMax=x1 + (x1 - x0), yMin=y0 - (y1 - y0),
                                        yMax=y1 + (y1 - y0))
        self._draw_field()
        self._style_image()

    def set_start(self, x: float, y: float) -> None:
        self._setting = True
        self.start.setPos(x, y)
        self._setting = False

    def set_paths(self, paths: list, colors: list[str], step: int, diverged: list[bool] | None = None) -> None:
        """``paths``: (name, title, xy (k+1, 2), f, grad_norm) per shown optimiser; drawn up to ``step``.
        A diverged path ends in a cross."""
        self._paths, self.colors = paths, colors
        self.diverged = diverged or [False] * len(paths)
        self.hover.hide()  # it showed a point of the old paths
        while len(self.curves) < len(paths):
            # one polyline per path (drawPath): Qt's segmented drawLines costs ~1 ms per wide 1000-point
            # curve. No light halo under the paths: it doubled the stroking cost (the softened contour
            # keeps the paths readable instead)
            curve = pg.PlotCurveItem()
            curve.setSegmentedLineMode(LINE_MODE)
            curve.setZValue(3)
            self.addItem(curve)
            self.curves.append(curve)
        self._restyle_curves()
        self.set_step(step)

    def set_step(self, step: int) -> None:
        if step < self._step:
            self.hover.hide()  # it may show a point beyond the new step
        self._step = step
        if not still_fine(self._px, self._pixel()):
            self._px = self._pixel()
        hx, hy, brushes, symbols = [], [], [], []
        for i, curve in enumerate(self.curves):
            if i < len(self._paths):
                full = self._paths[i][2]
                xy = full[: step + 1]
                drawn = self._drawn.get(i)
                if drawn is None or drawn[0] is not full or drawn[1:] != (step, self._px):  # else as drawn
                    idx = self._visible(i, full, step)
                    curve.setData(full[idx, 0], full[idx, 1])
                    self._drawn[i] = (full, step, self._px)
                curve.show()
                if len(xy):
                    hx.append(xy[-1, 0])
                    hy.append(xy[-1, 1])
                    brushes.append(self._brush(self.colors[i]))
                    ended = step >= len(self._paths[i][2]) - 1 and self.diverged[i]
                    symbols.append("x" if ended else "o")
            else:
                curve.hide()
        self.heads.setData(hx, hy, brush=brushes, symbol=symbols)

    def _brush(self, color: str):
        """One brush per colour, kept: ScatterPlotItem re-renders a symbol for every new brush."""
        if color not in self._brushes:
            self._brushes[color] = pg.mkBrush(color)
        return self._brushes[color]

    def _pixel(self) -> tuple[float, float]:
        vb = self.getPlotItem().vb
        return pixel_size(vb.viewRange(), vb.width(), vb.height())

    def _visible(self, i: int, full: np.ndarray, step: int) -> np.ndarray:
        """Indices of path ``i``'s points up to ``step`` that show at the current pixel size."""
        keep = self._keep.get(i)
        if keep is None or keep[0] is not full or keep[1] != self._px:
            keep = (full, self._px, simplify(full[:, 0], full[:, 1], self._px))
            self._keep[i] = keep
        return simplify_prefix(full[:, 0], full[:, 1], self._px, keep[2], min(step, len(full) - 1))

    def _on_view_changed(self, *_) -> None:
        if self._paths and not still_fine(self._px, self._pixel()):
            self.set_step(self._step)

    def set_field(self, on: bool) -> None:
        self.field_on = on
        self._draw_field()

    def _draw_field(self) -> None:
        surf = self._surface
        if surf is None or not self.field_on:
            self.field.setData([], [])
            return
        (x0, x1), (y0, y1) = surf.xlim, surf.ylim
        gx0, gy0 = (x1 - x0) / ARROWS, (y1 - y0) / ARROWS
        xs = np.linspace(x0 + gx0 / 2, x1 - gx0 / 2, ARROWS)
        ys = np.linspace(y0 + gy0 / 2, y1 - gy0 / 2, ARROWS)
        XX, YY = (a.ravel() for a in np.meshgrid(xs, ys))
        gx, gy = surf.grad(XX, YY)
        with np.errstate(all="ignore"):  # unit arrows along −∇f, in plot units per axis
            u, v = -gx / gx0, -gy / gy0
            n = np.hypot(u, v)
            u, v = np.where(n > 0, u / n, 0) * gx0 * 0.42, np.where(n > 0, v / n, 0) * gy0 * 0.42
        tip_x, tip_y = XX + u, YY + v
        segs = [(XX - u, YY - v, tip_x, tip_y)]
        for angle in (2.6, -2.6):  # arrowhead strokes
            c, s = np.cos(angle), np.sin(angle)
            segs.append((tip_x, tip_y, tip_x + 0.45 * (c * u - s * v * gx0 / gy0),
                         tip_y + 0.45 * (s * u * gy0 / gx0 + c * v)))
        xs_out = np.concatenate([np.column_stack([a, c]).ravel() for a, _, c, _ in segs])
        ys_out = np.concatenate([np.column_stack([b, d]).ravel() for _, b, _, d in segs])
        ok = np.isfinite(xs_out) & np.isfinite(ys_out)
        ok = ok.reshape(-1, 2).all(axis=1).repeat(2)
        self.field.setData(xs_out[ok], ys_out[ok])

    # --- interaction ---------------------------------------------------------------------------
    def _on_start_moved(self) -> None:
        if not self._setting:
            p = self.start.pos()
            self.start_dragged.emit(float(p.x()), float(p.y()))

    def _on_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.isAccepted():
            return
        p = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        self.start_dragged.emit(float(p.x()), float(p.y()))

    def hover_text(self, px: QPointF) -> tuple[str, tuple[float, float]] | None:
        """The exact numbers of the path point nearest to scene position ``px`` (or None).

        Every shown point is mapped to the scene at once with the view box's affine view → scene
        transform (what ``mapViewToScene`` applies one point at a time), and the nearest is exact."""
        tr = self.getPlotItem().vb.childGroup.sceneTransform()
        best = None
        for _name, title, xy, f, gn in self._paths:
            pts = xy[: self._step + 1]
            if not len(pts):
                continue
            sx = tr.m11() * pts[:, 0] + tr.m21() * pts[:, 1] + tr.dx() - px.x()
            sy = tr.m12() * pts[:, 0] + tr.m22() * pts[:, 1] + tr.dy() - px.y()
            d = sx * sx + sy * sy
            k = int(np.argmin(d))
            if d[k] <= HOVER_PX**2 and (best is None or d[k] < best[0]):
                best = (d[k], title, k, pts[k], f[k], gn[k])
        if best is None:
            return None
        _, title, k, (x, y), fv, g = best
        return f"{title} · step {k}\n(x, y) = ({x:.6g}, {y:.6g})\nf = {fv:.6g}\n‖∇f‖ = {g:.6g}", (x, y)

    def _on_mouse_moved(self, pos: QPointF) -> None:
        found = self.hover_text(pos)
        if found is None:
            self.hover.hide()
            return
        text, (x, y) = found
        self.hover.setText(text)
        self.hover.setPos(x, y)
        self.hover.show()

    # --- look ----------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        font = style_axes(self.getPlotItem(), theme, theme.font_px, {"bottom": "x", "left": "y"})
        lw = theme.line_width
        self.field.setPen(pg.mkPen(QColor(255, 255, 255, 200) if theme.dark else QColor(20, 20, 20, 170), width=lw * 0.6))
        self.minima.setSize(theme.font_px * 1.6)
        self.minima.setPen(pg.mkPen("#FFFFFF" if theme.dark else "#000000", width=max(1.5, lw * 0.9)))
        self.minima.setBrush(pg.mkBrush(QColor(255, 255, 255, 0 if theme.dark else 90)))
        self.heads.setSize(theme.font_px * 0.8)
        self.heads.setPen(pg.mkPen(theme.background, width=lw * 0.6))
        self.start.setPen(pg.mkPen(theme.foreground, width=lw))
        self.start.setBrush(pg.mkBrush(theme.background))
        self.start.setHoverPen(pg.mkPen(theme.accent, width=lw * 1.5))
        self.start._size = round(theme.font_px * 1.2)
        self.start.setPath(self.start._path) if hasattr(self.start, "_path") else None
        self.hover.setColor(theme.foreground)
        self.hover.fill = pg.mkBrush(QColor(theme.panel))
        self.hover.border = pg.mkPen(theme.grid)
        self.hover.setFont(font)
        self._style_image()
        self._restyle_curves()

    def _style_image(self) -> None:
        # viridis, softened toward the page so the coloured paths stay the loudest thing
        cmap = pg.colormap.get("viridis")
        lut = cmap.getLookupTable(0.0, 1.0, LEVELS + 1, alpha=False).astype(float)
        page = np.array(QColor(self.theme.background).getRgb()[:3], float)
        lut = (0.72 * lut + 0.28 * page).astype(np.uint8)
        self.image.setLookupTable(lut)
        self.image.setLevels((0, LEVELS))

    def _restyle_curves(self) -> None:
        lw = self.theme.line_width
        for i, curve in enumerate(self.curves):
            color = self.colors[i] if i < len(self.colors) else self.theme.foreground
            curve.setPen(pg.mkPen(color, width=lw * 1.2))
