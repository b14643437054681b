"""The plane a 2×2 matrix acts on: faint reference grid, transformed grid, the unit square's image,
î and ĵ as draggable arrows, eigen-directions, and the det / eigenvalue notes as overlays.

Passive view: ``set_map(m, t)`` draws the map ``m`` (the explorer passes the t-interpolated one)
and never changes anything; dragging a tip only emits ``tip_dragged``. Everything drawn per frame
goes through setData/setPos on items made once; pens and brushes are built in ``apply_theme``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont

from app.explorers.linear_grid import VIEW, visible_grid
from app.explorers.linear_items import DragHandle, fmt
from app.models.linear import Eigen, LinearMap
from app.widgets.plot_style import style_axes
from app.widgets.theme import LIGHT, Theme, text_px

DET_ZERO = 0.005  # |det| below this prints as 0.00, so the figure is called collapsed
IDENTITY = LinearMap()
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _mix(c1: str, c2: str, f: float) -> QColor:
    """The opaque colour f·c1 + (1 − f)·c2."""
    a, b = QColor(c1), QColor(c2)
    return QColor(*(round(f * x + (1 - f) * y) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)))


class PlaneView(pg.PlotWidget):
    tip_drag_started = Signal(int)  # 0 = î, 1 = ĵ
    tip_dragged = Signal(int, float, float, bool)  # index, x, y, snap requested (Shift held)
    tip_drag_finished = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.setMinimumSize(320, 320)
        p = self.getPlotItem()
        p.setMenuEnabled(False)
        p.hideButtons()
        p.setAspectLocked(True)
        self.vb = vb = p.getViewBox()
        vb.setMouseEnabled(False, False)
        vb.setRange(xRange=(-VIEW, VIEW), yRange=(-VIEW, VIEW), padding=0)
        vb.disableAutoRange()
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")

        def line(z, segmented=False, **kw):
            item = pg.PlotDataItem(connect="finite", skipFiniteCheck=True, **kw)
            item.setZValue(z)
            if segmented:
                # one drawLines call instead of one many-part path: Qt strokes a wide antialiased
                # path as a single polygon, which costs up to ~1 s when 80 parallel lines crowd together
                item.curve.setSegmentedLineMode("on")
            p.addItem(item)
            return item

        ref_x, ref_y = IDENTITY.grid_lines(10)  # wide plots show more than ±VIEW in x
        half = len(ref_x) // 2
        self.ref_grid = [line(-10, segmented=True), line(-10, segmented=True)]  # x = k, y = k
        self.ref_grid[0].setData(ref_x[:half], ref_y[:half])
        self.ref_grid[1].setData(ref_x[half:], ref_y[half:])
        self.grid = [line(-5, True, antialias=True), line(-5, True, antialias=True)]  # images of x = k, y = k
        self.square = pg.PlotCurveItem(fillLevel="enclosed", antialias=True)
        self.square.setZValue(-3)
        p.addItem(self.square)
        self.segment = line(2, antialias=True)  # singular maps: the unit square's image
        self.eigen_lines = [line(1, antialias=True), line(1, antialias=True)]
        self.eigen_labels = [pg.TextItem(anchor=(0.5, 0.5)) for _ in range(2)]
        self.shafts = [line(5, antialias=True), line(5, antialias=True)]
        self.heads = [pg.ArrowItem(angle=0, pxMode=True, tailLen=None) for _ in range(2)]
        self.tip_labels = [pg.TextItem(anchor=(0.5, 0.5)) for _ in range(2)]
        self.handles = [DragHandle(), DragHandle()]
        for i in range(2):
            self.heads[i].setZValue(6)
            p.addItem(self.heads[i])
            for item, z in ((self.eigen_labels[i], 3), (self.tip_labels[i], 7)):
                item.setZValue(z)
                p.addItem(item, ignoreBounds=True)
            self.tip_labels[i].setText("îĵ"[i])
            h = self.handles[i]
            h.setZValue(5.5)  # above the shaft, below the arrowhead
            p.addItem(h, ignoreBounds=True)
            h.drag_started.connect(lambda i=i: self.tip_drag_started.emit(i))
            h.drag_finished.connect(lambda i=i: self.tip_drag_finished.emit(i))
            h.dragged.connect(lambda pos, mods, i=i: self._on_handle_dragged(i, pos, mods))
        # hover: where the point under the pointer lands (the teacher's "where does (2, 1) go?")
        self.hover_link = line(8, antialias=True)
        self.hover_marks = line(9, antialias=True, pen=None, symbol="o")
        self._hover: tuple[float, float] | None = None
        self.origin = pg.ScatterPlotItem(pos=[(0.0, 0.0)], size=6, pxMode=True)
        self.origin.setZValue(4)
        p.addItem(self.origin)

        # overlays in view-box pixels (they stay put; a border-less fill keeps them readable)
        self.det_text = pg.TextItem(anchor=(0, 0))
        self.note_text = pg.TextItem(anchor=(0, 1))
        self.hover_text = pg.TextItem(anchor=(1, 0))
        for item in (self.det_text, self.note_text, self.hover_text):
            item.setParentItem(vb)
            item.setZValue(30)
        self.note_text.hide()
        self.hover_text.hide()
        vb.sigResized.connect(self._on_resized)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.m = IDENTITY
        self.t = 1.0
        self._html = {}
        self.apply_theme(LIGHT)

    # --- drawing -----------------------------------------------------------------------------
    def set_map(self, m: LinearMap, t: float = 1.0) -> None:
        """Draw the plane after the map ``m`` (``t`` only labels an animation in progress)."""
        self.m, self.t = m, t
        (_, xmax), (_, ymax) = self.vb.viewRange()
        px = self.vb.viewPixelSize()[0]
        for item, (gx, gy) in zip(self.grid, visible_grid(m, xmax, ymax, px), strict=True):
            item.setData(gx, gy)

        det = m.det
        collapsed = abs(det) < DET_ZERO
        sq = m.unit_square()
        if collapsed:
            self.square.setData([], [])
            self._draw_collapse(m, sq)
        else:
            self.square.setData(np.append(sq[:, 0], sq[0, 0]), np.append(sq[:, 1], sq[0, 1]))
            self.square.setPen(self._pens["pos" if det > 0 else "neg"])
            self.square.setBrush(self._brushes["pos" if det > 0 else "neg"])
            self.segment.setData([], [])

        head = self._head_len * px
        for i, (vx, vy) in enumerate(((m.a, m.c), (m.b, m.d))):
            n = math.hypot(vx, vy)
            if n > 1e-9:
                ux, uy = vx / n, vy / n
                s = max(0.0, n - 0.6 * head)
                self.shafts[i].setData([0.0, ux * s], [0.0, uy * s])
                self.heads[i].setPos(vx, vy)
                self.heads[i].setRotation(math.degrees(math.atan2(vy, -vx)))
                self.heads[i].setVisible(n > 0.5 * head)
            else:
                ux, uy = (1.0, 0.0) if i == 0 else (0.0, 1.0)
                self.shafts[i].setData([], [])
                self.heads[i].setVisible(False)
            off = self._label_off * px
            self.tip_labels[i].setPos(vx + ux * off, vy + uy * off)
            self.handles[i].setPos(vx, vy)

        ev = m.eigen()
        self._set_det_text(m, ev)
        self._draw_eigen(ev)
        if self._hover is not None:
            self._draw_hover()

    def _draw_collapse(self, m: LinearMap, sq: np.ndarray) -> None:
        cols = np.array([[m.a, m.c], [m.b, m.d]])
        k = int(np.argmax(np.hypot(cols[:, 0], cols[:, 1])))
        u = cols[k]
        n = float(np.hypot(*u))
        if n < DET_ZERO:  # rank 0: everything lands on the origin
            self.segment.setData([0.0], [0.0])
            return
        u = u / n
        proj = sq @ u  # the square's image is the segment [min, max]·u of the image line
        lo, hi = float(proj.min()), float(proj.max())
        self.segment.setData([lo * u[0], hi * u[0]], [lo * u[1], hi * u[1]])

    def _draw_eigen(self, ev: Eigen) -> None:
        vecs = ev.vectors
        show = vecs.shape[1] if ev.kind != "complex" and not (ev.kind == "repeated" and vecs.shape[1] == 2) else 0
        # just past the corner of the view: Qt dashes the whole length of a line, visible or not
        (_, xmax), (_, ymax) = self.vb.viewRange()
        r = 1.02 * math.hypot(xmax, ymax)
        taken = self._overlay_rects() + [self._item_rect(t) for t in self.tip_labels]
        for j in range(2):
            line, label = self.eigen_lines[j], self.eigen_labels[j]
            if j >= show:
                line.setData([], [])
                label.hide()
                continue
            vx, vy = vecs[:, j]
            line.setData([-r * vx, r * vx], [-r * vy, r * vy])
            lam = ev.values[j].real
            if ev.kind == "repeated":
                text = f"λ = {fmt(lam)} (double)"
            else:
                text = f"λ{str(j + 1).translate(_SUB)} = {fmt(lam)}"
            label.setText(text)
            label.show()
            taken.append(self._place_eigen_label(label, vx, vy, 1.0 if j == 0 else -1.0, taken))

    def _place_eigen_label(self, label: pg.TextItem, vx: float, vy: float, sign: float, taken: list) -> QRectF:
        """Put the label on its line near the edge of the view, on the side given by ``sign`` unless
        that covers an overlay or a label already placed. Returns its rectangle (view coordinates)."""
        br = label.boundingRect()  # in pixels: the text ignores the view's scaling
        (_, xmax), (_, ymax) = self.vb.viewRange()
        pw, ph = self.vb.viewPixelSize()
        hw, hh = (br.width() / 2 + 6) * pw, (br.height() / 2 + 6) * ph
        # the largest s with the whole label box inside the view
        s = max(1.0, min((xmax - hw) / max(abs(vx), 1e-9), (ymax - hh) / max(abs(vy), 1e-9)))
        first = None
        for side, f in ((sign, 1.0), (-sign, 1.0), (sign, 0.6), (-sign, 0.6)):
            x, y = side * f * s * vx, side * f * s * vy
            rect = QRectF(x - hw, y - hh, 2 * hw, 2 * hh)
            first = first or rect
            if not any(rect.intersects(r) for r in taken):
                break
        else:
            rect = first  # crowded everywhere: keep the usual spot
        label.setPos(rect.center())
        return rect

    def _item_rect(self, item) -> QRectF:
        return self.vb.mapSceneToView(item.sceneBoundingRect()).boundingRect()

    def _overlay_rects(self) -> list[QRectF]:
        items = [self.det_text] + ([self.note_text] if self.note_text.isVisible() else [])
        return [self.vb.mapSceneToView(i.sceneBoundingRect()).boundingRect() for i in items]

    def _set_det_text(self, m: LinearMap, ev: Eigen) -> None:
        th = self.theme
        det = m.det
        collapsed = abs(det) < DET_ZERO
        colour = th.foreground if collapsed else (th.positive if det > 0 else th.negative)
        if not collapsed:  # the fill colours are light for text: a shade more contrast for the back row
            colour = (QColor(colour).lighter(115) if th.dark else QColor(colour).darker(125)).name()
        if collapsed:
            sub = "area → 0: the square is squashed flat"
        elif det > 0:
            sub = f"area × {fmt(det)}, orientation kept"
        else:
            sub = f"area × {fmt(abs(det))}, orientation flipped"
        if self.t < 1.0:
            sub += f"<br>t = {fmt(self.t)}: showing (1 − t)·I + t·A"
        # the number the class is asked about: large, but not a quarter of a small plot
        big = round(min(th.font_px * 2.1, max(th.font_px * 1.3, self.vb.height() / 11)))
        self._set_html(self.det_text, f"<div style='color:{colour}; font-size:{big}px; font-weight:700'>"
                                      f"det = {fmt(0.0 if collapsed else det)}</div>"
                                      f"<div style='color:{th.foreground}; font-size:{th.font_px}px'>{sub}</div>")
        note = ""
        if collapsed and not m.is_singular:  # prints as 0.00 but is not 0: say so
            note = "det ≈ 0: the plane is squashed almost onto a line"
        elif collapsed:
            if abs(m.matrix).max() < DET_ZERO:
                note = "det = 0: the plane collapses onto the origin (rank 0)"
            else:
                note = "det = 0: the plane collapses onto a line (rank 1)"
        if ev.kind == "complex":
            re, im = ev.values[0].real, abs(ev.values[0].imag)
            note += ("<br>" if note else "") + (f"complex eigenvalues {fmt(re)} ± {fmt(im)}i: "
                                                "rotation and scaling, no real eigenvector")
        elif ev.kind == "repeated" and ev.vectors.shape[1] == 2:
            note += ("<br>" if note else "") + (f"λ = {fmt(ev.values[0].real)} twice: "
                                                "every vector is an eigenvector")
        elif ev.is_defective:
            note += ("<br>" if note else "") + "repeated eigenvalue with only one eigen-direction"
        if note:
            self._set_html(self.note_text, f"<div style='color:{th.foreground}; font-size:{th.font_px}px;"
                                           f" font-weight:600'>{note}</div>")
        self.note_text.setVisible(bool(note))

    def _set_html(self, item: pg.TextItem, html: str) -> None:
        if self._html.get(id(item)) != html:
            self._html[id(item)] = html
            item.setHtml(html)

    def det_label(self) -> str:
        return self.det_text.textItem.toPlainText()

    def note_label(self) -> str:
        return self.note_text.textItem.toPlainText() if self.note_text.isVisible() else ""

    # --- interaction -------------------------------------------------------------------------
    def _on_handle_dragged(self, i: int, pos: QPointF, mods) -> None:
        self.tip_dragged.emit(i, pos.x(), pos.y(), bool(mods & Qt.KeyboardModifier.ShiftModifier))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        inside = self.vb.sceneBoundingRect().contains(scene_pos) and not any(h.dragging for h in self.handles)
        v = self.vb.mapSceneToView(scene_pos)
        self._hover = (v.x(), v.y()) if inside else None
        self._draw_hover()

    def leaveEvent(self, event) -> None:  # noqa: N802 — Qt override
        self._hover = None
        self._draw_hover()
        super().leaveEvent(event)

    def _draw_hover(self) -> None:
        """Where the point under the pointer goes: p (ring) → A·p (dot), and the numbers."""
        if self._hover is None:
            self.hover_text.hide()
            self.hover_marks.setData([], [])
            self.hover_link.setData([], [])
            return
        (x, y), m = self._hover, self.m
        u, v = m.a * x + m.b * y, m.c * x + m.d * y
        self.hover_text.setText(f"({fmt(x)}, {fmt(y)}) ↦ ({fmt(u)}, {fmt(v)})")
        self.hover_text.show()
        self.hover_marks.setData([x, u], [y, v], symbolBrush=self._hover_brushes)
        self.hover_link.setData([x, u], [y, v])

    def _on_resized(self) -> None:
        self._place_overlays()
        self.set_map(self.m, self.t)  # arrowheads and labels are sized in pixels

    def _place_overlays(self) -> None:
        r = self.vb.boundingRect()
        pad = max(6, self.theme.font_px // 2)
        self.det_text.setPos(r.left() + pad, r.top() + pad)
        self.note_text.setPos(r.left() + pad, r.bottom() - pad)
        self.note_text.setTextWidth(max(100.0, r.width() - 2 * pad))
        self.hover_text.setPos(r.right() - pad, r.top() + pad)

    # --- look --------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = th = theme
        lw, px = theme.line_width, theme.font_px
        self.setBackground(th.background)
        p = self.getPlotItem()
        style_axes(p, th, text_px(th, offset=-2), {"left": "y", "bottom": "x"}, px, th.muted, max(1.0, lw / 2))
        p.getAxis("left").setWidth(round(px * 2.6))
        p.getAxis("bottom").setHeight(round(px * 2.9))

        def alpha(c: str, a: int) -> QColor:
            q = QColor(c)
            q.setAlpha(a)
            return q

        for g in self.ref_grid:
            g.setPen(pg.mkPen(th.grid, width=max(1.0, lw / 2)))
        # opaque (a blend computed here, not an alpha): Qt's raster engine draws translucent lines
        # wider than 1 px about 4× slower
        grid_pen = pg.mkPen(_mix(th.foreground, th.background, 0.6), width=max(1.0, lw * 0.7))
        for g in self.grid:
            g.setPen(grid_pen)
        self._pens = {"pos": pg.mkPen(th.positive, width=lw), "neg": pg.mkPen(th.negative, width=lw)}
        self._brushes = {"pos": pg.mkBrush(alpha(th.positive, 80)), "neg": pg.mkBrush(alpha(th.negative, 95))}
        squashed = alpha(th.foreground, 150)
        self.segment.setPen(pg.mkPen(squashed, width=lw * 3))
        self.segment.setSymbol("o")
        self.segment.setSymbolSize(round(lw * 4.5))
        self.segment.setSymbolBrush(squashed)
        self.segment.setSymbolPen(None)
        eig = th.series[3]
        label_font = QFont()
        label_font.setPixelSize(round(px * 1.05))
        label_font.setBold(True)
        bg = alpha(th.background, 215)
        for j in range(2):
            self.eigen_lines[j].setPen(pg.mkPen(eig, width=lw, style=Qt.PenStyle.DashLine))
            lab = self.eigen_labels[j]
            lab.setColor(eig if not th.dark else th.series[3])
            lab.setFont(label_font)
            lab.fill = pg.mkBrush(bg)
        self._head_len = 7 * lw + 4
        self._label_off = 8 * lw + 4 + 0.8 * round(px * 1.6)  # clear of the handle's halo
        tip_font = QFont()
        tip_font.setPixelSize(round(px * 1.6))
        tip_font.setBold(True)
        for i in range(2):
            c = th.series[i]
            self.shafts[i].setPen(pg.mkPen(c, width=lw * 1.6))
            self.heads[i].setStyle(headLen=self._head_len, tipAngle=32, pen=pg.mkPen(c, width=1), brush=c)
            self.tip_labels[i].setColor(c)
            self.tip_labels[i].setFont(tip_font)
            self.handles[i].set_style(c, hit_radius=8 * lw + 4, ring_width=max(1.0, lw * 0.75))
        self.origin.setBrush(pg.mkBrush(th.foreground))
        self.origin.setPen(None)
        self.origin.setSize(round(lw * 2.5))
        for item in (self.det_text, self.note_text, self.hover_text):
            item.fill = pg.mkBrush(bg)
        self.note_text.border = pg.mkPen(alpha(th.foreground, 90), width=1)
        self.hover_link.setPen(pg.mkPen(th.muted, width=max(1.0, lw * 0.6), style=Qt.PenStyle.DotLine))
        self.hover_marks.setSymbolSize(round(lw * 4.5))
        self.hover_marks.setSymbolPen(pg.mkPen(th.foreground, width=max(1.0, lw * 0.6)))
        self._hover_brushes = [pg.mkBrush(th.background), pg.mkBrush(th.foreground)]  # p hollow, A·p filled
        hover_font = QFont()
        hover_font.setPixelSize(text_px(th, offset=-1))
        self.hover_text.setFont(hover_font)
        self.hover_text.setColor(th.muted)
        self._html.clear()
        self._place_overlays()
        self.set_map(self.m, self.t)
