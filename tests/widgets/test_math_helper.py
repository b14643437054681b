"""The math helper process computes the same steps and SVG as this process would, and recovers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.derivations import linear
from app.widgets import math_helper
from app.widgets.math_helper import (
    HELPER,
    HelperError,
    MathRenderError,
    compute_steps,
    compute_steps_anywhere,
    prepare,
)

PARAMS = dict(a=0.35, b=-1.27, c=2.13, d=-0.4)
ROOT = Path(__file__).resolve().parents[2]


def test_helper_steps_equal_in_process_steps():
    remote = compute_steps_anywhere("app.derivations.linear", PARAMS, True, (0, "#000000", 20))
    local = compute_steps(linear, PARAMS, True)
    assert (remote.title, remote.texts, remote.titles, remote.notes, remote.live) == \
           (local.title, local.texts, local.titles, local.notes, local.live)
    assert remote.steps() == local.steps()  # unpickled exactly (unevaluated sums stay unevaluated)
    assert [s.latex() for s in remote.steps()] == remote.texts
    assert "<svg" in remote.svgs[remote.texts[0]]  # step 0 came back typeset


def test_a_module_object_goes_by_name_and_a_stand_in_stays_here(monkeypatch):
    calls = []
    monkeypatch.setattr(math_helper, "_ask", lambda request: calls.append(request) or {"error": "x"})
    stand_in = type("Fake", (), {"symbolic_steps": staticmethod(lambda: []),
                                 "live_steps": staticmethod(lambda params: [])})
    assert compute_steps_anywhere(stand_in, {}, True).texts == [] and calls == []
    with pytest.raises(KeyError):  # the fake reply is malformed: proves the request went out
        compute_steps_anywhere(linear, PARAMS, False)
    assert calls[0]["module"] == "app.derivations.linear"


def test_helper_reports_errors():
    with pytest.raises(MathRenderError):
        math_helper.typeset_anywhere(r"\frac{", "#000000", 20)
    with pytest.raises(HelperError, match="ModuleNotFoundError"):
        compute_steps_anywhere("app.derivations.no_such_topic", None, True)
    assert "<svg" in math_helper.typeset_anywhere("x^2", "#000000", 20)  # still serving


def test_helper_is_restarted_after_it_dies():
    math_helper.typeset_anywhere("y", "#000000", 20)
    HELPER._proc.kill()
    HELPER._proc.wait()
    assert "<svg" in math_helper.typeset_anywhere("z", "#000000", 20)


def test_without_a_helper_everything_runs_here(monkeypatch):
    monkeypatch.setattr(HELPER, "failed", True)
    monkeypatch.setattr(HELPER, "call", lambda request: pytest.fail("the helper was asked"))
    done = compute_steps_anywhere("app.derivations.linear", PARAMS, False, (3, "#000000", 20))
    assert len(done.texts) == 4 and done.texts[3] in done.svgs


def test_helper_process_never_imports_qt():
    code = ("import sys, app.widgets.math_helper as h, app.derivations.linear as l; "
            "h.compute_steps(l, {}, True, (0, 'black', 20)); "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_prepare_works_around_ziamath():
    assert prepare(r"\lambda = -0.5") == r"\lambda = {-}0.5"
    assert prepare(r"a - b") == r"a - b"  # a binary minus stays
    assert prepare(r"\left(\begin{matrix}1\\-2\end{matrix}\right)") == r"\begin{pmatrix}1\\{-}2\end{pmatrix}"
    assert prepare(r"\left|{\begin{matrix}a\end{matrix}}\right|") == r"\begin{vmatrix}a\end{vmatrix}"
