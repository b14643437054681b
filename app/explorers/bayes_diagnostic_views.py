"""The diagnostic tab's two pictures, painted with QPainter: 1 000 people as an icon array
coloured by true/false positive/negative, and the probability tree with the numbers on its
branches. Passive: they draw the counts and the test they are given."""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.explorers.bayes_widgets import fmt
from app.models.bayes_diagnostic import PEOPLE, Diagnostic
from app.widgets.theme import LIGHT, Theme, text_px

ORDER = ("tp", "fn", "fp", "tn")  # reading order of the icon array
ASPECT = 0.72  # a person's cell: width / height
#: how a leaf box is written, most informative first: its probability under the count, beside it, or
#: the count alone (when the tree is too small for more and its branch labels still need room)
LEAF_MODES = ("under", "beside", "bare")
LEAF_NAMES = {"tp": "sick, test +", "fn": "sick, test −", "fp": "healthy, test +", "tn": "healthy, test −"}


def leaf_colours(th: Theme) -> dict[str, str]:
    """True positives vermillion, missed cases vermillion outlines, false alarms blue, the rest grey."""
    return {"tp": th.series[1], "fn": th.series[1], "fp": th.series[0], "tn": th.grid}


class IconArrayView(QWidget):
    """1 000 little people in a grid, grouped: sick & positive, sick & negative, healthy & positive,
    healthy & negative."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.counts = {"tp": 0, "fn": 0, "fp": 0, "tn": PEOPLE}
        self.setMinimumSize(240, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt override
        return QSize(460, 300)

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        self.update()

    def layout_grid(self) -> tuple[int, int, float]:
        """(columns, rows, cell height in px) that fit the widget best; a cell is ASPECT × as wide
        as it is tall (a person is taller than wide)."""
        w, h = self.width(), self.height()
        best = (40, 25, 0.0)
        for cols in (20, 25, 40, 50):
            rows = PEOPLE // cols
            size = min(w / (cols * ASPECT), h / rows)
            if size > best[2]:
                best = (cols, rows, size)
        return best

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt override
        cols, rows, s = self.layout_grid()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        x0 = (self.width() - cols * s * ASPECT) / 2
        y0 = (self.height() - rows * s) / 2
        person = _person(s)
        colours = leaf_colours(self.theme)
        kinds = [k for k in ORDER for _ in range(self.counts[k])]
        outline = QPen(QColor(colours["fn"]), max(1.0, s * 0.09))
        for i, kind in enumerate(kinds[: cols * rows]):
            r, c = divmod(i, cols)
            p.save()
            p.translate(x0 + c * s * ASPECT, y0 + r * s)
            if kind == "fn":  # sick but missed: the same colour, hollow
                p.setPen(outline)
                p.setBrush(Qt.BrushStyle.NoBrush)
            else:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(colours[kind]))
            p.drawPath(person)
            p.restore()
        p.end()


def _person(s: float) -> QPainterPath:
    """A head and shoulders filling a cell ASPECT·s wide and s tall (with a small gap)."""
    path = QPainterPath()
    w = ASPECT * s
    r = 0.17 * s
    path.addEllipse(QPointF(0.5 * w, 0.24 * s), r, r)
    body = QRectF(0.14 * w, 0.45 * s, 0.72 * w, 0.47 * s)
    path.addRoundedRect(body, 0.3 * w, 0.3 * w)
    return path


class TreeView(QWidget):
    """The probability tree: everyone → sick / healthy → test + / −, with the branch probabilities
    on the lines and the people at each node; the two positive leaves (the denominator) stand out.

    ``layout_tree()`` places everything (and is what tests read): the four leaves evenly down the
    right edge, the middle column where the two gaps are as wide as their labels need, and each
    label on its branch at the first spot, from the middle outwards, clear of every box, every other
    label and every other branch."""

    EDGES = (("all", "d"), ("all", "h"), ("d", "tp"), ("d", "fn"), ("h", "fp"), ("h", "tn"))

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.test = Diagnostic()
        self.people = PEOPLE
        self.counts = self.test.counts()
        self.leaf_mode = LEAF_MODES[0]  # how the leaves were last written (set by layout_tree)
        self.setMinimumSize(300, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(480, 300)

    def set_test(self, test: Diagnostic, counts: dict[str, int], people: int = PEOPLE) -> None:
        self.test, self.counts, self.people = test, counts, people
        self.update()

    def branch_labels(self) -> list[str]:
        t = self.test
        return [f"P(D) = {fmt(t.base_rate, 4)}", f"{fmt(1 - t.base_rate, 4)}",
                f"sens {fmt(t.sensitivity)}", f"{fmt(1 - t.sensitivity)}",
                f"{fmt(1 - t.specificity)}", f"spec {fmt(t.specificity)}"]

    def fonts(self) -> tuple[QFont, QFont]:
        font = QFont()
        font.setPixelSize(self.theme.font_px)
        small = QFont(font)
        small.setPixelSize(text_px(self.theme, 0.9))
        return font, small

    def least_height(self) -> int:
        """Four one-line leaf boxes one above the other, with a little room between them."""
        font, _ = self.fonts()
        pad = self.theme.font_px * 0.5
        return math.ceil(4 * (QFontMetricsF(font).height() + pad) + 5 * pad)

    def nodes(self) -> dict[str, tuple[str, float | None]]:
        """name: (text, joint probability of a leaf, or None); the two middle nodes in two lines."""
        c, joint = self.counts, self.test.joint
        return {"all": (_people(self.people), None),
                "d": (f"sick\n{_people(c['tp'] + c['fn'])}", None),
                "h": (f"healthy\n{_people(c['fp'] + c['tn'])}", None),
                **{k: (f"{'+' if k in ('tp', 'fp') else '−'} {_people(c[k])}", joint[k]) for k in ORDER}}

    def layout_tree(self) -> tuple[dict[str, QRectF], list[tuple[QRectF, str]]]:
        """(the node boxes by name, [(label rectangle, text)] in EDGES order), in pixels: with the
        leaves written the most informative way (LEAF_MODES) that leaves every label clear."""
        for mode in LEAF_MODES:
            boxes, labels, cost = self._layout(mode)
            if cost == 0:
                break
        self.leaf_mode = mode
        return boxes, labels

    def _layout(self, mode: str) -> tuple[dict[str, QRectF], list[tuple[QRectF, str]], float]:
        font, small = self.fonts()
        fm, sfm = QFontMetricsF(font), QFontMetricsF(small)
        w, h = float(self.width()), float(self.height())
        pad = self.theme.font_px * 0.5
        texts = self.branch_labels()
        need = [max(sfm.horizontalAdvance(t) for t in texts[:2]), max(sfm.horizontalAdvance(t) for t in texts[2:])]
        sizes = self._sizes(mode, fm, sfm, pad)
        leaf_w = max(sizes[k][0] for k in ORDER)
        root_w, mid_w = sizes["all"][0], max(sizes["d"][0], sizes["h"][0])
        free = w - 2 * pad - root_w - mid_w - leaf_w
        leaf_h = sizes["tp"][1]
        boxes = {}
        step = max(leaf_h, (h - 2 * pad - leaf_h) / 3)  # evenly down the right edge
        for i, k in enumerate(ORDER):
            bw, bh = sizes[k]
            boxes[k] = QRectF(w - pad - bw, pad + i * step, bw, bh)
        x_mid = pad + root_w + max(0.0, free) * need[0] / (need[0] + need[1])  # gaps as wide as their labels
        for name, kids in (("d", ("tp", "fn")), ("h", ("fp", "tn"))):
            bw, bh = sizes[name]
            cy = (boxes[kids[0]].center().y() + boxes[kids[1]].center().y()) / 2
            boxes[name] = QRectF(x_mid + (mid_w - bw) / 2, cy - bh / 2, bw, bh)
        bw, bh = sizes["all"]
        cy = (boxes["d"].center().y() + boxes["h"].center().y()) / 2
        boxes["all"] = QRectF(pad, cy - bh / 2, bw, bh)
        lines = [self._line(boxes, a, b) for a, b in self.EDGES]
        placed: list[tuple[QRectF, str]] = []
        margin, total = 0.2 * self.theme.font_px, 0.0
        bounds = QRectF(0, 0, w, h)
        for k, (line, text) in enumerate(zip(lines, texts, strict=True)):
            lw, lh = sfm.horizontalAdvance(text) + 0.5 * self.theme.font_px, sfm.height()
            best, best_cost = None, math.inf
            for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9):
                at = line.pointAt(t)
                rect = QRectF(at.x() - lw / 2, at.y() - lh / 2, lw, lh)
                cost = _cost(rect, margin, boxes.values(), [r for r, _ in placed],
                             [x for j, x in enumerate(lines) if j != k], bounds)
                if cost < best_cost:
                    best, best_cost = rect, cost
                if cost == 0:
                    break
            placed.append((best, text))
            total += best_cost
        if 4 * leaf_h + 5 * pad > h:  # the leaves themselves do not fit one under the other
            total += 1.0
        return boxes, placed, total

    def _sizes(self, mode: str, fm: QFontMetricsF, sfm: QFontMetricsF, pad: float) -> dict[str, tuple[float, float]]:
        """Each node's box (width, height) with the leaves written in ``mode`` (see LEAF_MODES)."""
        sizes = {}
        for name, (text, pr) in self.nodes().items():
            lines = text.split("\n")
            tw = max(fm.horizontalAdvance(x) for x in lines)
            if pr is None or mode == "bare":
                sizes[name] = (tw + 2 * pad, len(lines) * fm.height() + pad)
            elif mode == "under":
                sizes[name] = (max(tw, sfm.horizontalAdvance(_joint(pr))) + 2 * pad, fm.height() + pad + sfm.height())
            else:
                sizes[name] = (tw + pad + sfm.horizontalAdvance(_joint(pr)) + 2 * pad, fm.height() + pad)
        return sizes

    @staticmethod
    def _line(boxes: dict[str, QRectF], a: str, b: str) -> QLineF:
        pa, pb = boxes[a], boxes[b]
        return QLineF(QPointF(pa.right(), pa.center().y()), QPointF(pb.left(), pb.center().y()))

    def paintEvent(self, event) -> None:  # noqa: N802
        th = self.theme
        boxes, labels = self.layout_tree()
        nodes = self.nodes()
        font, small = self.fonts()
        fm, sfm = QFontMetricsF(font), QFontMetricsF(small)
        pad = th.font_px * 0.5
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colours = leaf_colours(th)
        line = QPen(QColor(th.muted), max(1.0, th.line_width * 0.75))
        for a, b in self.EDGES:
            positive = b in ("tp", "fp")
            p.setPen(QPen(QColor(colours[b]), th.line_width * 1.2) if positive else line)
            p.drawLine(self._line(boxes, a, b))
        p.setFont(small)
        patch = QColor(th.background)
        for rect, text in labels:  # each probability on its branch, on a background patch
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(patch)
            p.drawRoundedRect(rect, rect.height() / 4, rect.height() / 4)
            p.setPen(QColor(th.foreground))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        for name, rect in boxes.items():
            positive = name in ("tp", "fp")
            border = QColor(colours[name]) if name in colours else QColor(th.muted)
            p.setPen(QPen(border, th.line_width * (1.5 if positive else 0.75)))
            fill = QColor(th.background)
            if positive:
                fill = QColor(colours[name])
                fill.setAlpha(40)
            p.setBrush(fill)
            p.drawRoundedRect(rect, pad * 0.6, pad * 0.6)
            p.setPen(QColor(th.foreground))
            p.setFont(font)
            text, pr = nodes[name]
            if pr is None:
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
                continue
            inner = rect.adjusted(pad, pad / 2, -pad, -pad / 2)
            if self.leaf_mode == "bare":
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
                continue
            if self.leaf_mode == "under":  # the count, the probability under it
                count = QRectF(inner.left(), inner.top(), inner.width(), fm.height())
                prob, align = QRectF(inner.left(), count.bottom(), inner.width(), sfm.height()), Qt.AlignmentFlag.AlignCenter
                p.drawText(count, Qt.AlignmentFlag.AlignCenter, text)
            else:  # side by side
                prob, align = QRectF(inner), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                p.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            p.setFont(small)
            p.setPen(QColor(th.muted))
            p.drawText(prob, align, _joint(pr))
        p.end()


def _people(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _cost(rect: QRectF, margin: float, boxes, labels, lines, bounds: QRectF) -> float:
    """How badly a label at ``rect`` collides: area over boxes (kept ``margin`` clear) and other
    labels, plus any other branch it covers, plus what sticks out of the widget. 0: clear."""
    cost = 0.0
    grown = rect.adjusted(-margin, -margin, margin, margin)
    for other in (*boxes, *labels):
        hit = grown.intersected(other)
        if not hit.isEmpty():
            cost += 10 * hit.width() * hit.height()
    cost += sum(1000.0 for ln in lines if _crosses(rect, ln))
    out = rect.united(bounds)
    cost += 10 * (out.width() * out.height() - bounds.width() * bounds.height())
    return cost


def _crosses(rect: QRectF, line: QLineF) -> bool:
    """Whether the segment passes through the rectangle (Liang–Barsky clipping)."""
    x0, y0, dx, dy = line.x1(), line.y1(), line.dx(), line.dy()
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x0 - rect.left()), (dx, rect.right() - x0), (-dy, y0 - rect.top()), (dy, rect.bottom() - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            lo = max(lo, r)
        else:
            hi = min(hi, r)
        if lo > hi:
            return False
    return True


def _joint(p: float) -> str:
    """A leaf's probability, e.g. P = 0.0891."""
    return f"P = {p:.4f}" if p >= 1e-4 or p == 0 else f"P = {p:.1e}"
