"""Background loading + factoring for the SVD explorer: newest request wins, cancellable, joined.

A job is a plain callable ``fn(progress, cancelled) -> result`` run on a private QThreadPool
(one thread: jobs would only fight over the two cores). Each submit bumps a generation number and
cancels the previous job; results of stale generations are dropped. Signals reach the GUI thread
through queued connections, so no widget is ever touched off the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.models.image_io import ImageLoadError
from app.models.svd import Cancelled


class _Signals(QObject):
    progress = Signal(int, float)
    done = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, gen: int, fn: Callable, signals: _Signals, cancel: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self.gen, self.fn, self.signals, self.cancel = gen, fn, signals, cancel

    def run(self) -> None:  # worker thread: only emits signals
        try:
            result = self.fn(lambda f: self.signals.progress.emit(self.gen, float(f)), self.cancel.is_set)
        except Cancelled:
            return
        except (ImageLoadError, ValueError) as e:
            self.signals.failed.emit(self.gen, str(e))
        except MemoryError:
            self.signals.failed.emit(self.gen, "not enough memory for this image — try “Downscale to 1024 px”")
        except Exception as e:  # noqa: BLE001 — every failure must reach the user, not kill the thread
            traceback.print_exc()
            self.signals.failed.emit(self.gen, f"{type(e).__name__}: {e}")
        else:
            if not self.cancel.is_set():
                self.signals.done.emit(self.gen, result)


class FactorWorker(QObject):
    """Runs one job at a time off the GUI thread; emits only for the newest job."""

    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self._gen = 0
        self._cancel: threading.Event | None = None
        self.busy = False

    def submit(self, fn: Callable) -> int:
        """Start ``fn(progress, cancelled)``; cancels whatever was running. Returns the job number."""
        if self._cancel is not None:
            self._cancel.set()
        self._gen += 1
        self._cancel = threading.Event()
        self._set_busy(True)
        self._pool.start(_Job(self._gen, fn, self._signals, self._cancel))
        return self._gen

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self._gen += 1  # whatever still arrives is stale
        self._set_busy(False)

    def shutdown(self) -> None:
        """Cancel and join: after this returns no job runs."""
        self.cancel()
        self._pool.clear()
        self._pool.waitForDone()

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    @Slot(int, float)
    def _on_progress(self, gen: int, fraction: float) -> None:
        if gen == self._gen:
            self.progress.emit(fraction)

    @Slot(int, object)
    def _on_done(self, gen: int, result) -> None:
        if gen == self._gen:
            self._set_busy(False)
            self.finished.emit(result)

    @Slot(int, str)
    def _on_failed(self, gen: int, message: str) -> None:
        if gen == self._gen:
            self._set_busy(False)
            self.failed.emit(message)
