"""Layering (DESIGN.md, habit 1): models, derivations and the lesson loader import without Qt,
pyqtgraph or manim, so a notebook can use them and `mathlens check-lessons` stays light.

A fresh interpreter puts a finder first on sys.meta_path that refuses the GUI/animation
packages, then imports every module of app/models and app/derivations, and app/lessons.py.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "manim", "manimpango", "OpenGL", "superqt", "PyQt5", "PyQt6")

SCRIPT = textwrap.dedent(
    """
    import importlib, json, sys, traceback

    BLOCKED = set(sys.argv[1].split(","))
    MODULES = sys.argv[2].split(",")


    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked: this layer must not import it")
            return None


    sys.meta_path.insert(0, Blocker())
    report = {"errors": {}}
    try:
        import PySide6  # noqa: F401  (the blocker must work, or this test proves nothing)
        report["blocker_works"] = False
    except ImportError:
        report["blocker_works"] = True
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:
            report["errors"][name] = traceback.format_exc(limit=-3)
    report["leaked"] = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
    print(json.dumps(report))
    """
)


def qt_free_modules() -> list[str]:
    names = ["app.lessons", "app.registry"]
    for package in ("models", "derivations"):
        names.append(f"app.{package}")
        names += [f"app.{package}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "app" / package)])]
    return names


def test_the_module_list_is_not_empty():
    mods = qt_free_modules()
    assert {"app.models.linear", "app.models.params", "app.derivations.base", "app.lessons"} <= set(mods)


def test_models_derivations_and_lessons_import_without_qt_or_manim():
    modules = qt_free_modules()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(BLOCKED), ",".join(modules)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["blocker_works"]
    assert report["errors"] == {}, "\n".join(f"{k}:\n{v}" for k, v in report["errors"].items())
    assert report["leaked"] == []


def test_reading_the_lessons_at_start_up_needs_neither_sympy_nor_scipy():
    """The window's first paint waits for load_all(): it must not pull in sympy (~0.5 s) or scipy."""
    script = ("import sys; from app.lessons import load_all; lessons, errors = load_all(); "
              "print(len(lessons), len(errors), sorted(m for m in ('sympy', 'scipy') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-4000:]
    n, errors, heavy = proc.stdout.split(maxsplit=2)
    assert int(n) >= 8 and errors == "0" and heavy.strip() == "[]"
