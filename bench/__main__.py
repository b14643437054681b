"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench linear`` (some).

Each module in MODULES is ``bench/<name>.py`` with a ``main(argv) -> int``; a new lesson's benchmark
adds its name here. Benchmarks are not tests: they print a table and write build/bench/<name>.json.
"""

from __future__ import annotations

import importlib
import os
import sys

# the app does the same (app/__main__.py): one BLAS thread for small interactive matrices
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

MODULES = ["linear", "svd", "attention", "descent", "bayes"]


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    names = (sys.argv[1:] if argv is None else argv) or MODULES
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; known: {MODULES}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        print(f"== bench.{name}", flush=True)
        status |= importlib.import_module(f"bench.{name}").main([]) or 0
    return status


if __name__ == "__main__":
    raise SystemExit(main())
