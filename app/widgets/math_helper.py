"""The pure-Python heavy lifting behind the derivation panel, run in a helper process.

sympy (live steps, ~4 ms + ~4 ms of LaTeX printing) and ziamath (20–150 ms a formula) are pure
Python. On a worker thread they would still hold the GIL the GUI thread needs while the learner
drags a slider, and the drag would stutter. So one long-lived ``python -m app.widgets.math_helper``
process does the work, one JSON request per line on stdin, one reply per line on stdout; callers
block a worker thread (never the GUI thread) on the pipe. If no helper can run (a frozen app,
MATHLENS_HELPER=thread), the same functions run on the calling thread instead.

Qt-free on purpose: the helper imports only this module, sympy, ziamath and the derivations.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import pickle
import re
import subprocess
import sys
import threading
import traceback
import types
import warnings
from dataclasses import dataclass, field


class MathRenderError(ValueError):
    """ziamath could not typeset a LaTeX string."""


class HelperError(RuntimeError):
    """The helper process raised: the message carries the original exception's type and text."""


# --- typesetting --------------------------------------------------------------------------------
# ziamath spaces every "-" as a binary minus, so "= -0.5" and "(-1" get a gap; braced, it is a sign
_UNARY_MINUS = re.compile(r"(^|[=(\[{,&<>]|\\pm|\\mp|\\approx|\\Rightarrow|\\quad|\\in|\\le|\\ge|\\\\)(\s*)-")
# sympy writes \left(\begin{matrix}…\end{matrix}\right); ziamath lays out the pmatrix/vmatrix
# forms the same way but 2–3× faster (it re-measures whatever sits inside \left…\right)
_PAREN_MATRIX = re.compile(r"\\left\(\s*\\begin\{matrix\}(.*?)\\end\{matrix\}\s*\\right\)", re.S)
_BAR_MATRIX = re.compile(r"\\left\|\s*\{\s*\\begin\{matrix\}(.*?)\\end\{matrix\}\s*\}\s*\\right\|", re.S)


def prepare(latex: str) -> str:
    """The LaTeX ziamath gets: the same mathematics, ziamath's quirks worked around."""
    tex = _PAREN_MATRIX.sub(r"\\begin{pmatrix}\1\\end{pmatrix}", latex)
    tex = _BAR_MATRIX.sub(r"\\begin{vmatrix}\1\\end{vmatrix}", tex)
    return _UNARY_MINUS.sub(lambda m: m.group(1) + m.group(2) + "{-}", tex)


def import_ziamath():
    """ziamath 0.13 calls the deprecated importlib.resources.path when imported: their warning."""
    module = sys.modules.get("ziamath")
    if module is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import ziamath as module
    return module


_ziamath_lock = threading.Lock()  # ziamath keeps global state (fonts, config): one formula at a time


def typeset(latex: str, color: str, px: float) -> str:
    """SVG 1.1 text (no <symbol>/<use>, which QtSvg draws wrongly); raises MathRenderError."""
    if not latex.strip():
        raise MathRenderError("nothing to typeset")
    try:
        with _ziamath_lock:
            ziamath = import_ziamath()
            ziamath.config.svg2 = False
            return ziamath.Latex(prepare(latex), size=px, color=color).svg()
    except Exception as exc:  # noqa: BLE001 — ziamath's parser raises many kinds; all mean "can't"
        raise MathRenderError(f"cannot typeset {latex!r}: {type(exc).__name__}: {exc}") from None


# --- derivation steps -----------------------------------------------------------------------------
@dataclass
class StepsDone:
    """Steps as the panel shows them (plain strings), plus the Step objects themselves, which
    cross the pipe pickled and are only unpickled when someone asks (``steps()``)."""

    title: str = ""
    texts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    live: list[bool] = field(default_factory=list)
    svgs: dict[str, str] = field(default_factory=dict)  # latex → SVG typeset along the way
    _steps: list | None = None
    _pickled: bytes | None = None

    @classmethod
    def of(cls, steps: list, title: str = "") -> StepsDone:
        return cls(title, [s.latex() for s in steps], [s.title for s in steps], [s.note for s in steps],
                   [bool(s.live) for s in steps], _steps=list(steps))

    def steps(self) -> list:
        if self._steps is None:
            import sympy

            # rebuilt exactly as pickled: an unevaluated λ² − (a + d)λ + (ad − bc) stays so
            with sympy.evaluate(False):
                self._steps = pickle.loads(self._pickled) if self._pickled else []
        return self._steps

    def to_json(self) -> dict:
        pickled = base64.b64encode(pickle.dumps(self.steps())).decode("ascii")
        return dict(title=self.title, texts=self.texts, titles=self.titles, notes=self.notes, live=self.live,
                    svgs=self.svgs, pickled=pickled)

    @classmethod
    def from_json(cls, d: dict) -> StepsDone:
        return cls(d["title"], d["texts"], d["titles"], d["notes"], d["live"], d["svgs"],
                   _pickled=base64.b64decode(d["pickled"]))


def compute_steps(module, params: dict | None, symbolic: bool, render: tuple | None = None) -> StepsDone:
    """Symbolic steps (if asked) followed by the live steps for ``params`` (none if None), of a
    derivation module or its dotted name. ``render = (index, color, px)`` also typesets step
    ``index`` of the result (an index past the end is ignored)."""
    module = importlib.import_module(module) if isinstance(module, str) else module
    steps = list(module.symbolic_steps()) if symbolic else []
    steps += list(module.live_steps(params)) if params is not None else []
    done = StepsDone.of(steps, getattr(module, "TITLE", ""))
    if render is not None and 0 <= render[0] < len(done.texts):
        latex = done.texts[render[0]]
        try:
            done.svgs[latex] = typeset(latex, render[1], render[2])
        except MathRenderError:
            pass  # the view will show the raw text
    return done


# --- the helper process ---------------------------------------------------------------------------
def serve(stdin=None, stdout=None) -> None:
    """Answer requests until stdin closes. Requests: {"op": "typeset", "latex", "color", "px"} →
    {"svg"}; {"op": "steps", "module", "params", "symbolic", "render"} → {"steps"}; failures →
    {"error", "kind", "traceback"}."""
    stdin, out = stdin or sys.stdin, stdout or sys.stdout
    sys.stdout = sys.stderr  # anything a derivation prints must not corrupt the replies
    for line in stdin:
        try:
            req = json.loads(line)
            if req["op"] == "typeset":
                reply = {"svg": typeset(req["latex"], req["color"], req["px"])}
            elif req["op"] == "steps":
                render = tuple(req["render"]) if req.get("render") else None
                reply = {"steps": compute_steps(req["module"], req["params"], req["symbolic"], render).to_json()}
            else:
                raise ValueError(f"unknown request {req['op']!r}")
        except Exception as exc:  # noqa: BLE001 — reported to the caller, the helper keeps serving
            reply = {"error": f"{type(exc).__name__}: {exc}", "kind": type(exc).__name__,
                     "traceback": traceback.format_exc()}
        out.write(json.dumps(reply) + "\n")
        out.flush()


class Helper:
    """The client: one helper process, started on first use, asked one request at a time."""

    def __init__(self):
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.failed = os.environ.get("MATHLENS_HELPER", "process") == "thread" or getattr(sys, "frozen", False)

    def call(self, request: dict) -> dict:
        """Send one request and wait for its reply. Raises OSError if no helper can run."""
        with self._lock:
            for attempt in range(2):  # a helper that died (killed, crashed) is restarted once
                try:
                    if self._proc is None or self._proc.poll() is not None:
                        self._close()  # the remains of one that died
                        self._proc = self._start()
                    self._proc.stdin.write(json.dumps(request) + "\n")
                    self._proc.stdin.flush()
                    line = self._proc.stdout.readline()
                    if not line:
                        raise OSError("the math helper process exited")
                    return json.loads(line)
                except (OSError, ValueError):
                    self._close()
                    if attempt:
                        raise OSError("the math helper process does not answer") from None
        raise AssertionError("unreachable")

    @staticmethod
    def _start() -> subprocess.Popen:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        return subprocess.Popen([sys.executable, "-m", "app.widgets.math_helper"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=root)

    def _close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()  # the helper ends when its input closes
        except OSError:  # it is already gone (broken pipe)
            pass
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def close(self) -> None:
        with self._lock:
            self._close()


HELPER = Helper()


def _ask(request: dict) -> dict:
    reply = HELPER.call(request)
    if "error" in reply:
        if reply["kind"] == "MathRenderError":
            raise MathRenderError(reply["error"].partition(": ")[2])
        sys.stderr.write(reply["traceback"])
        raise HelperError(reply["error"])
    return reply


def typeset_anywhere(latex: str, color: str, px: float) -> str:
    """``typeset`` in the helper process, or on this thread if there is none. Blocks."""
    if not HELPER.failed:
        try:
            return _ask({"op": "typeset", "latex": latex, "color": color, "px": px})["svg"]
        except OSError:
            traceback.print_exc()
            HELPER.failed = True
    return typeset(latex, color, px)


def compute_steps_anywhere(module, params: dict | None, symbolic: bool, render: tuple | None = None) -> StepsDone:
    """``compute_steps`` in the helper process when the module is importable by name, else here."""
    if isinstance(module, str):
        name = module
    elif isinstance(module, types.ModuleType) and sys.modules.get(module.__name__) is module:
        name = module.__name__
    else:
        name = None  # e.g. a stand-in object in a test: it cannot cross to another process
    if name is not None and not HELPER.failed:
        try:
            reply = _ask({"op": "steps", "module": name, "params": params, "symbolic": symbolic,
                          "render": list(render) if render else None})
            return StepsDone.from_json(reply["steps"])
        except OSError:
            traceback.print_exc()
            HELPER.failed = True
    return compute_steps(module, params, symbolic, render)


if __name__ == "__main__":
    serve()
