"""Typeset formulas: LaTeX → ziamath → SVG → QSvgRenderer, crisp at any size and scale.

ziamath is pure Python (20–150 ms a formula), so it runs in the math helper process (see
app.widgets.math_helper; on a thread only if no helper can run). ``render_svg`` blocks its caller
— call it from a worker thread — and caches. ``MathView`` shows a cached picture at once and
otherwise keeps the old one until its worker delivers. ``LatestWorker`` is the small job runner
this view and the derivation panel share: one job at a time, only the newest request waits.
"""

from __future__ import annotations

import atexit
import threading
import time
import traceback
import weakref
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import (
    QByteArray,
    QObject,
    QRectF,
    QRunnable,
    QSize,
    QSizeF,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.widgets.math_helper import HELPER, MathRenderError, typeset_anywhere

__all__ = ["MathRenderError", "MathView", "LatestWorker", "render_svg", "cached_svg", "store_svg"]

CACHE_SIZE = 512

_cache: OrderedDict[tuple[str, str, float], bytes | MathRenderError] = OrderedDict()
_cache_lock = threading.Lock()


def _key(latex: str, color: str, px: float) -> tuple[str, str, float]:
    return str(latex), str(color), round(float(px), 2)


def cached_svg(latex: str, color: str, px: float) -> bytes | MathRenderError | None:
    """The cached result for these arguments without typesetting: SVG bytes, the error, or None."""
    key = _key(latex, color, px)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
        return hit


def store_svg(latex: str, color: str, px: float, svg: bytes | MathRenderError) -> None:
    """Put a result typeset elsewhere (e.g. along with a derivation's steps) into the cache."""
    with _cache_lock:
        _cache[_key(latex, color, px)] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def render_svg(latex: str, color: str = "#000000", px: float = 20) -> bytes:
    """SVG 1.1 bytes for ``latex`` in ``color`` with a ``px``-pixel base font (natural size in px).

    Thread-safe; blocks while the helper typesets, so never call it on the GUI thread during a
    drag. Results and failures are cached (LRU) by (latex, color, px). Raises MathRenderError
    when ziamath cannot typeset the text.
    """
    key = _key(latex, color, px)
    hit = cached_svg(*key)
    if hit is None:
        try:
            hit = typeset_anywhere(*key).encode("utf-8")
        except MathRenderError as exc:
            hit = exc
        store_svg(*key, hit)
    if isinstance(hit, MathRenderError):
        raise hit
    return hit


atexit.register(HELPER.close)


# --- a tiny newest-wins job runner ------------------------------------------------------------
class _Signals(QObject):
    done = Signal(int, object, object)  # job number, result, exception


class _Job(QRunnable):
    def __init__(self, number: int, fn: Callable[[], object], signals: _Signals):
        super().__init__()
        self.setAutoDelete(True)
        self.number, self.fn, self.signals = number, fn, signals

    def run(self) -> None:  # worker thread: computes, then only emits
        # Hand the GIL straight back: QThreadPool.start() let go of it on the GUI thread, and a
        # job that grabbed it would make the GUI wait a whole switch interval (5 ms) to go on.
        time.sleep(0.001)
        try:
            result, error = self.fn(), None
        except Exception as exc:  # noqa: BLE001 — handed to the GUI thread, which shows it
            traceback.print_exc()
            result, error = None, exc
        try:
            self.signals.done.emit(self.number, result, error)
        except RuntimeError:  # the owner is gone (e.g. at interpreter exit): nobody wants the result
            pass


class LatestWorker(QObject):
    """Runs ``fn()`` on a private one-thread pool; ``on_done(result, error)`` is called on the GUI
    thread. While a job runs, a new request replaces any request still waiting (newest wins).

    The pool is a child of this object, so destroying the owner widget joins the thread.
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)  # created before _signals: destroyed (joined) first
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._number = 0
        self._running: tuple[int, Callable] | None = None
        self._waiting: tuple[Callable, Callable] | None = None
        _workers.add(self)

    def submit(self, fn: Callable[[], object], on_done: Callable[[object, Exception | None], None]) -> None:
        if self._running is not None:
            self._waiting = (fn, on_done)
        else:
            self._start(fn, on_done)

    def busy(self) -> bool:
        return self._running is not None or self._waiting is not None

    def join(self, msecs: int = -1) -> bool:
        """Drop the waiting request and wait for the running one; True when nothing runs."""
        self._waiting = None
        return self._pool.waitForDone(msecs)

    def _start(self, fn, on_done) -> None:
        self._number += 1
        self._running = (self._number, on_done)
        self._pool.start(_Job(self._number, fn, self._signals))

    @Slot(int, object, object)
    def _on_done(self, number: int, result, error) -> None:
        if self._running is None or self._running[0] != number:
            return
        on_done = self._running[1]
        self._running = None
        if self._waiting is not None:
            self._start(*self._waiting)
            self._waiting = None
        on_done(result, error)


_workers: weakref.WeakSet[LatestWorker] = weakref.WeakSet()


@atexit.register
def _join_all() -> None:
    """No worker thread may outlive the interpreter (owners not destroyed before exit)."""
    for worker in list(_workers):
        try:
            worker.join()
        except RuntimeError:  # its C++ side is gone, and with it the (joined) pool
            pass


# --- the view -----------------------------------------------------------------------------------
class MathView(QWidget):
    """Shows one formula, typeset by ziamath, centred and scaled down (never up) to fit its width.

    ``rendered`` is emitted whenever the picture (or the raw-text fallback) changes.
    """

    rendered = Signal()

    def __init__(self, latex: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._latex = ""
        self._color = "#1B1F24"
        self._px = 20.0
        self._min_px = 0.0  # never drawn smaller than this (projector mode); wider formulas scroll
        self._renderer: QSvgRenderer | None = None
        self._natural = QSizeF(0, 0)
        self._fallback: str | None = None
        self._wanted: tuple[str, str, float] | None = None
        self._worker = LatestWorker(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setContentsMargins(4, 4, 4, 4)
        if latex:
            self.set_latex(latex)

    # --- state ------------------------------------------------------------------------------
    def set_latex(self, latex: str) -> None:
        self._latex = latex
        self._refresh()

    def set_expr(self, expr) -> None:
        """Show a sympy expression (via app.derivations.base.latex)."""
        from app.derivations.base import latex

        self.set_latex(latex(expr))

    def set_color(self, color: str) -> None:
        self._color = color
        self._refresh()

    def set_math_px(self, px: float) -> None:
        self._px = float(px)
        self._refresh()

    def set_style(self, color: str, px: float) -> None:
        """Colour and size at once: one typeset, not a stale one for the old size first."""
        self._color, self._px = color, float(px)
        self._refresh()

    def set_min_px(self, px: float) -> None:
        """Never shrink the formula below ``px`` to fit: the widget asks for the width it needs
        instead (inside a scroll area that becomes a horizontal scroll bar)."""
        self._min_px = float(px)
        self.updateGeometry()
        self.update()

    def latex(self) -> str:
        return self._latex

    def is_fallback(self) -> bool:
        return self._fallback is not None

    def busy(self) -> bool:
        """True while the wanted picture is still being typeset."""
        return self._wanted is not None

    def natural_size(self) -> QSizeF:
        return QSizeF(self._natural)

    # --- typesetting ------------------------------------------------------------------------
    def _refresh(self) -> None:
        key = _key(self._latex, self._color, self._px)
        if not self._latex:
            self._wanted = None
            self._show(None)
            return
        hit = cached_svg(*key)
        if hit is not None:
            self._wanted = None
            self._show(hit)
        elif self._wanted != key:
            self._wanted = key
            self._worker.submit(lambda: _render_or_error(*key), lambda result, _err: self._on_rendered(key, result))

    def _on_rendered(self, key, result) -> None:
        if key != self._wanted:
            return  # a newer formula or colour was asked for meanwhile
        self._wanted = None
        self._show(result)

    def _show(self, svg: bytes | MathRenderError | None) -> None:
        self._renderer, self._fallback = None, None
        if isinstance(svg, bytes):
            renderer = QSvgRenderer(QByteArray(svg))
            if renderer.isValid():
                self._renderer = renderer
                self._natural = renderer.viewBoxF().size()
            else:
                self._fallback = self._latex
        elif svg is not None:
            self._fallback = self._latex
        if self._fallback is not None:
            self._natural = QSizeF(self._fallback_font().pixelSize() * 0.62 * len(self._latex), self._px * 1.6)
        elif self._renderer is None:
            self._natural = QSizeF(0, 0)
        self.setToolTip(self._latex if self._fallback is not None else "")
        self.updateGeometry()
        self.update()
        self.rendered.emit()

    def _fallback_font(self) -> QFont:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPixelSize(max(8, round(self._px * 0.7)))
        return font

    # --- geometry and painting --------------------------------------------------------------
    def _scale_for(self, width: float) -> float:
        m = self.contentsMargins()
        avail = width - m.left() - m.right()
        if self._natural.width() <= 0 or avail <= 0:
            return 1.0
        floor = min(1.0, self._min_px / self._px) if self._px > 0 else 0.0
        return max(floor, min(1.0, avail / self._natural.width()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        m = self.contentsMargins()
        return QSize(round(self._natural.width()) + m.left() + m.right() + 1,
                     round(self._natural.height()) + m.top() + m.bottom() + 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        m = self.contentsMargins()
        floor = min(1.0, self._min_px / self._px) if self._px > 0 and self._renderer is not None else 0.0
        width = max(min(60, self.sizeHint().width()), round(self._natural.width() * floor) + m.left() + m.right() + 1)
        return QSize(width, round(self._px * 0.5) + m.top() + m.bottom())

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        m = self.contentsMargins()
        if self._fallback is not None:
            per_line = max(1.0, (width - m.left() - m.right()) / max(1.0, self._px * 0.7 * 0.62))
            lines = max(1, -(-len(self._latex) // int(per_line)))
            return round(lines * self._px * 1.1) + m.top() + m.bottom() + 2
        return round(self._natural.height() * self._scale_for(width)) + m.top() + m.bottom() + 1

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        area = QRectF(self.contentsRect())
        if self._fallback is not None:
            painter.setPen(QColor(self._color))
            painter.setFont(self._fallback_font())
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWrapAnywhere
            painter.drawText(area, int(flags), self._fallback)
        elif self._renderer is not None and self._natural.width() > 0:
            scale = min(self._scale_for(self.width()), area.height() / max(1.0, self._natural.height()))
            w, h = self._natural.width() * scale, self._natural.height() * scale
            target = QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)
            self._renderer.render(painter, target)
        painter.end()


def _render_or_error(latex: str, color: str, px: float) -> bytes | MathRenderError:
    try:
        return render_svg(latex, color, px)
    except MathRenderError as exc:
        return exc
