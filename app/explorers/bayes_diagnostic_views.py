"""The diagnostic tab's two pictures, painted with QPainter: 1 000 people as an icon array
coloured by true/false positive/negative, and the probability tree with the numbers on its
branches. Passive: they draw the counts and the test they are given."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.explorers.bayes_widgets import fmt
from app.models.bayes_diagnostic import PEOPLE, Diagnostic
from app.widgets.theme import LIGHT, Theme, text_px

ORDER = ("tp", "fn", "fp", "tn")  # reading order of the icon array
ASPECT = 0.72  # a person's cell: width / height
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
    on the lines and the people at each node; the two positive leaves (the denominator) stand out."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = LIGHT
        self.test = Diagnostic()
        self.counts = self.test.counts()
        self.setMinimumSize(300, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(480, 300)

    def set_test(self, test: Diagnostic, counts: dict[str, int]) -> None:
        self.test, self.counts = test, counts
        self.update()

    def branch_labels(self) -> list[str]:
        t = self.test
        return [f"P(D) = {fmt(t.base_rate, 4)}", f"{fmt(1 - t.base_rate, 4)}",
                f"sens {fmt(t.sensitivity)}", f"{fmt(1 - t.sensitivity)}",
                f"{fmt(1 - t.specificity)}", f"spec {fmt(t.specificity)}"]

    def paintEvent(self, event) -> None:  # noqa: N802
        th, c = self.theme, self.counts
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPixelSize(th.font_px)
        small = QFont(font)
        small.setPixelSize(text_px(th, 0.9))
        fm = QFontMetricsF(font)
        w, h = self.width(), self.height()
        pad = th.font_px * 0.5
        sick, healthy = c["tp"] + c["fn"], c["fp"] + c["tn"]
        joint = self.test.joint
        nodes = {  # name: (x fraction, y fraction, text, joint probability or None)
            "all": (0.0, 0.5, f"{PEOPLE:,}".replace(",", " "), None),
            "d": (0.36, 0.25, f"sick {sick}", None), "h": (0.36, 0.75, f"healthy {healthy}", None),
            "tp": (1.0, 0.125, f"+ {c['tp']}", joint["tp"]), "fn": (1.0, 0.375, f"− {c['fn']}", joint["fn"]),
            "fp": (1.0, 0.625, f"+ {c['fp']}", joint["fp"]), "tn": (1.0, 0.875, f"− {c['tn']}", joint["tn"]),
        }
        sfm = QFontMetricsF(small)
        boxes = {}
        for name, (fx, fy, text, pr) in nodes.items():
            bw = max(fm.horizontalAdvance(text), sfm.horizontalAdvance(_joint(pr)) if pr is not None else 0) + 2 * pad
            bh = fm.height() + pad + (sfm.height() if pr is not None else 0)
            x = pad + fx * (w - 2 * pad - bw)
            y = min(max(pad, fy * h - bh / 2), h - bh - pad)
            boxes[name] = QRectF(x, y, bw, bh)
        edges = [("all", "d"), ("all", "h"), ("d", "tp"), ("d", "fn"), ("h", "fp"), ("h", "tn")]
        colours = leaf_colours(th)
        line = QPen(QColor(th.muted), max(1.0, th.line_width * 0.75))
        p.setFont(small)
        tags = []
        for (a, b), label in zip(edges, self.branch_labels(), strict=True):
            pa, pb = boxes[a], boxes[b]
            start, end = QPointF(pa.right(), pa.center().y()), QPointF(pb.left(), pb.center().y())
            positive = b in ("tp", "fp")
            p.setPen(QPen(QColor(colours[b]), th.line_width * 1.2) if positive else line)
            p.drawLine(start, end)
            # the probability sits on its branch, on a background patch (drawn after every line)
            at = start + (end - start) * (0.42 if a == "all" else 0.5)
            tags.append((at, label))
        pad_x = 0.25 * th.font_px
        patch = QColor(th.background)
        for at, label in tags:
            w_, h_ = sfm.horizontalAdvance(label) + 2 * pad_x, sfm.height()
            rect = QRectF(at.x() - w_ / 2, at.y() - h_ / 2, w_, h_)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(patch)
            p.drawRoundedRect(rect, h_ / 4, h_ / 4)
            p.setPen(QColor(th.foreground))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
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
            pr = nodes[name][3]
            if pr is None:
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, nodes[name][2])
                continue
            top = QRectF(rect.left(), rect.top() + pad / 2, rect.width(), fm.height())
            p.drawText(top, Qt.AlignmentFlag.AlignCenter, nodes[name][2])
            p.setFont(small)
            p.setPen(QColor(th.muted))
            p.drawText(QRectF(rect.left(), top.bottom(), rect.width(), sfm.height()), Qt.AlignmentFlag.AlignCenter,
                       _joint(pr))
        p.end()


def _joint(p: float) -> str:
    """A leaf's probability, e.g. P = 0.0891."""
    return f"P = {p:.4f}" if p >= 1e-4 or p == 0 else f"P = {p:.1e}"
