"""RenderService: one manim render at a time in a QProcess (never manim in the GUI process).

    service = RenderService()
    clip = service.render(request)      # a cached Clip at once, or None and a render starts
    service.progress  -> (percent of the clip or -1, percent of the animation, label)
    service.finished  -> Clip            service.failed -> RenderFailure     service.cancelled

A new request while one runs cancels the old one (the newest wins). Cancel kills manim and
removes its scratch folder; only a finished render is moved into the cache (see jobs.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal, Slot

from app.render.jobs import (
    Clip,
    ClipCache,
    ProgressParser,
    RenderError,
    RenderRequest,
    manim_command,
    manim_env,
)


@dataclass(frozen=True)
class RenderFailure:
    request: RenderRequest
    message: str  # one line: what went wrong
    log: str  # manim's whole output

    def tail(self, n: int = 15) -> str:
        return "\n".join(self.log.splitlines()[-n:])


def _summary(log: str, fallback: str) -> str:
    """The most telling line of a failed render's output: the last exception line, if any."""
    for line in reversed(log.splitlines()):
        text = line.strip(" │|")
        if text and ("Error" in text or "Exception" in text) and ":" in text:
            return text
    return fallback


class RenderService(QObject):
    started = Signal(object)  # RenderRequest
    progress = Signal(int, int, str)  # clip percent (-1 unknown), animation percent, label
    finished = Signal(object)  # Clip
    failed = Signal(object)  # RenderFailure
    cancelled = Signal()

    def __init__(self, cache: ClipCache | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.cache = cache or ClipCache()
        self.cache.sweep()
        self.processes_started = 0  # for tests and diagnostics: cache hits start none
        self._proc: QProcess | None = None
        self._request: RenderRequest | None = None
        self._scratch: Path | None = None
        self._parser: ProgressParser | None = None
        self._t0 = 0.0

    # --- public ------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._proc is not None

    def current(self) -> RenderRequest | None:
        return self._request

    def lookup(self, request: RenderRequest) -> Clip | None:
        return self.cache.lookup(request)

    def render(self, request: RenderRequest) -> Clip | None:
        """The cached clip for ``request`` (no process started), else None and manim starts."""
        clip = self.cache.lookup(request)
        if clip is not None:
            return clip
        if self._proc is not None:
            if self._request == request:
                return None  # already rendering exactly this
            self.cancel()
        self._start(request)
        return None

    @Slot()
    def cancel(self) -> None:
        """Stop the running render, if any; nothing of it stays in the cache."""
        proc = self._proc
        if proc is None:
            return
        self._detach(proc)
        proc.kill()
        proc.waitForFinished(5000)
        proc.deleteLater()
        self._cleanup()
        self.cancelled.emit()

    def shutdown(self) -> None:
        """Cancel quietly (window closing): no signal to half-destroyed widgets."""
        with_signals = self.signalsBlocked()
        self.blockSignals(True)
        self.cancel()
        self.blockSignals(with_signals)

    # --- the process -------------------------------------------------------------------------
    def _start(self, request: RenderRequest) -> None:
        self._request = request
        self._scratch = self.cache.scratch(request)
        self._parser = ProgressParser(total=self.cache.animation_count(request.class_name))
        proc = QProcess(self)
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        proc.setWorkingDirectory(str(self._scratch))
        env = QProcessEnvironment()
        for k, v in manim_env(self._scratch).items():
            env.insert(k, v)
        proc.setProcessEnvironment(env)
        proc.readyReadStandardOutput.connect(self._on_output)
        proc.finished.connect(self._on_finished)
        proc.errorOccurred.connect(self._on_error)
        argv = manim_command(request, self._scratch)
        self._proc = proc
        self._t0 = time.perf_counter()
        self.processes_started += 1
        proc.start(argv[0], argv[1:])
        self.started.emit(request)
        self.progress.emit(-1 if self._parser.progress.total is None else 0, 0, self._parser.progress.label())

    def _detach(self, proc: QProcess) -> None:
        for signal, slot in ((proc.readyReadStandardOutput, self._on_output),
                             (proc.finished, self._on_finished), (proc.errorOccurred, self._on_error)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass

    def _cleanup(self) -> None:
        if self._scratch is not None:
            self.cache.discard(self._scratch)
        self._proc = self._request = self._scratch = None

    @Slot()
    def _on_output(self) -> None:
        if self._proc is None or self._parser is None:
            return
        text = bytes(self._proc.readAllStandardOutput().data()).decode("utf-8", "replace")
        if self._parser.feed(text):
            p = self._parser.progress
            overall = p.overall()
            self.progress.emit(-1 if overall is None else overall, p.percent, p.label())

    @Slot(int, QProcess.ExitStatus)
    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        proc, request, scratch, parser = self._proc, self._request, self._scratch, self._parser
        if proc is None or request is None or scratch is None or parser is None:
            return
        self._on_output()
        self._detach(proc)
        proc.deleteLater()
        log = parser.log()
        if status != QProcess.ExitStatus.NormalExit:
            self._fail(request, "manim was killed or crashed", log)
            return
        if code != 0:
            self._fail(request, _summary(log, f"manim exited with code {code}"), log)
            return
        try:
            clip = self.cache.commit(request, scratch, seconds=round(time.perf_counter() - self._t0, 2))
        except (RenderError, OSError) as exc:  # no video written, disk full, …
            self._fail(request, str(exc), log)
            return
        if parser.played:
            self.cache.remember_animations(request.class_name, parser.played)
        self._proc = self._request = self._scratch = None
        self.progress.emit(100, 100, "done")
        self.finished.emit(clip)

    @Slot(QProcess.ProcessError)
    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error != QProcess.ProcessError.FailedToStart or self._proc is None or self._request is None:
            return  # crashes arrive through finished()
        proc, request = self._proc, self._request
        self._detach(proc)
        proc.deleteLater()
        self._fail(request, f"could not start manim ({proc.errorString()})",
                   self._parser.log() if self._parser else "")

    def _fail(self, request: RenderRequest, message: str, log: str) -> None:
        self._cleanup()
        self.failed.emit(RenderFailure(request, message, log))
