"""Learning-rate drag in the gradient-descent race: MathLens vs a competent matplotlib version.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.descent [--steps 120]

One change = a new lr on the GD slider → six optimisers × 1000 steps recomputed (the model) →
paths, heads and loss curves redrawn → a forced synchronous paint of the whole explorer into a
960×720 QImage. The matplotlib peer (Agg, figure built once: contourf once, log-y loss axes)
runs the same model, then ``set_data`` on its 6 path lines, 6 heads and 6 loss lines and
``canvas.draw()`` at 960×720. Also timed: the model alone, and the same change with only the
plots painted (no control panel, like the peer). Surfaces: the quadratic bowl and
Rosenbrock. Writes build/bench/descent.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from bench.stats import stats

ROOT = Path(__file__).resolve().parent.parent
SIZE = (960, 720)
WARMUP = 15
CASES = {
    "quadratic": {"surface": 0.0, "x0": -4.0, "y0": 3.0},
    "rosenbrock": {"surface": 1.0, "x0": -1.2, "y0": 1.0, "lr_momentum": 0.0005, "lr_nesterov": 0.0005,
                   "lr_adagrad": 0.3, "lr_rmsprop": 0.005, "lr_adam": 0.02},
}


def _ticks(n: int, lo: int, hi: int) -> list[int]:
    """A drag back and forth over the lr slider's ticks [lo, hi] (every change a new lr)."""
    up = np.linspace(lo, hi, n // 2 + 1).round().astype(int).tolist()
    seq = up + up[-2::-1]
    return seq[:n]


def bench_mathlens(app, case: dict, steps: int, figure_only: bool = False) -> tuple[dict, list[float]]:
    """``figure_only``: paint the plots (contour + loss) but not the control panel, as the
    matplotlib peer has none; the slider change and the model are the same."""
    from PySide6.QtGui import QImage

    from app.explorers.descent import DescentExplorer
    from app.explorers.descent_controls import lr_to_tick, tick_to_lr
    from app.lessons import LESSONS_DIR, load_lesson
    from app.widgets.theme import LIGHT

    lesson = load_lesson(LESSONS_DIR / "gradient-descent.toml")
    ex = DescentExplorer(lesson)
    ex.apply_theme(LIGHT)
    ex.resize(*SIZE)
    ex.show()
    ex.set_params(lesson.defaults() | case | {"steps": 1000.0, "step": 1000.0})
    app.processEvents()
    painted = ex.tabs.parentWidget() if figure_only else ex  # the plots' splitter, or everything
    target = QImage(painted.size(), QImage.Format.Format_ARGB32_Premultiplied)
    lr0 = ex.params()["lr_sgd"]
    ticks = _ticks(steps + WARMUP, lr_to_tick(lr0 / 3), lr_to_tick(lr0 * 1.5))
    slider = ex.controls.lr_sliders["sgd"]
    times, lrs = [], []
    for i, tick in enumerate(ticks):
        t = time.perf_counter()
        slider.setValue(tick)  # → _on_lr → race (6 × 1000 steps) → redraw → params_changed
        painted.render(target)  # synchronous paint of the whole explorer (or of its plots)
        if i >= WARMUP:
            times.append(time.perf_counter() - t)
            lrs.append(tick_to_lr(tick))
    assert len(ex._race.paths["adam"].xy) == 1001 or ex._race.paths["adam"].diverged
    ex.close()
    return stats(times), lrs


def bench_model(case: dict, lrs: list[float]) -> dict:
    from app.models import descent as model

    base = {k: s.default for k, s in model.PARAMS.items()} | case | {"steps": 1000.0}
    for lr in lrs[:WARMUP]:
        model.race(base | {"lr_sgd": lr})
    times = []
    for lr in lrs:
        t = time.perf_counter()
        model.race(base | {"lr_sgd": lr})
        times.append(time.perf_counter() - t)
    return stats(times)


def bench_matplotlib(case: dict, lrs: list[float]) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from app.models import descent as model

    base = {k: s.default for k, s in model.PARAMS.items()} | case | {"steps": 1000.0}
    race = model.race(base)
    surf = race.surface
    xs, ys = np.linspace(*surf.xlim, 220), np.linspace(*surf.ylim, 220)
    XX, YY = np.meshgrid(xs, ys)
    Z = surf.f(XX, YY)
    zmin = float(np.nanmin(Z))
    fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    grid = fig.add_gridspec(2, 1, height_ratios=[3, 1])
    ax, axl = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    levels = zmin + np.geomspace(1e-3, float(np.nanmax(Z) - zmin) + 1e-3, 18)
    ax.contourf(XX, YY, Z - zmin + 1e-3, levels=levels - zmin, norm=LogNorm(), cmap="viridis", alpha=0.75)
    ax.set_xlim(*surf.xlim)
    ax.set_ylim(*surf.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    axl.set_yscale("log")
    axl.set_xlim(0, 1000)
    axl.set_ylim(1e-16, 1e6)
    axl.set_xlabel("step")
    axl.set_ylabel("f − f*")
    colors = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9"]
    paths = [ax.plot([], [], color=c, lw=2)[0] for c in colors]
    heads = [ax.plot([], [], "o", color=c)[0] for c in colors]
    losses = [axl.plot([], [], color=c, lw=1.5, label=model.TITLES[o])[0] for c, o in zip(colors, model.OPTIMIZERS,
                                                                                          strict=True)]
    axl.legend(ncol=3, fontsize=7, loc="upper right")
    f_ref = min(float(surf.f(*m)) for m in surf.minima)
    fig.tight_layout()

    def step(lr):
        r = model.race(base | {"lr_sgd": lr})
        for k, o in enumerate(model.OPTIMIZERS):
            p = r.paths[o]
            paths[k].set_data(p.xy[:, 0], p.xy[:, 1])
            heads[k].set_data(p.xy[-1:, 0], p.xy[-1:, 1])
            losses[k].set_data(np.arange(len(p.f)), np.maximum(p.f - f_ref, 1e-16))
        fig.canvas.draw()

    for lr in lrs[:WARMUP]:
        step(lr)
    times = []
    for lr in lrs:
        t = time.perf_counter()
        step(lr)
        times.append(time.perf_counter() - t)
    plt.close(fig)
    return stats(times)


def run(steps: int = 120, out: Path = ROOT / "build" / "bench" / "descent.json") -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    result: dict = {"size": list(SIZE), "changes": steps, "steps_per_optimizer": 1000, "optimizers": 6}
    for name, case in CASES.items():
        ml, lrs = bench_mathlens(app, case, steps)
        fig, _ = bench_mathlens(app, case, steps, figure_only=True)
        mpl = bench_matplotlib(case, lrs)
        result[name] = {"mathlens": ml, "mathlens_plots": fig, "model_only": bench_model(case, lrs), "matplotlib": mpl,
                        "ratio_p95": mpl["p95_ms"] / ml["p95_ms"], "ratio_median": mpl["median_ms"] / ml["median_ms"],
                        "budget_p95_ms": 16.0, "within_budget": ml["p95_ms"] <= 16.0}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120, help="lr changes to time after warm-up (≥ 100)")
    args = parser.parse_args(argv)
    r = run(max(100, args.steps))
    print(f"{'surface':<12}{'who':<16}{'median ms':>10}{'p95 ms':>9}")
    for name in CASES:
        for who in ("mathlens", "mathlens_plots", "model_only", "matplotlib"):
            s = r[name][who]
            print(f"{name:<12}{who:<16}{s['median_ms']:>10.2f}{s['p95_ms']:>9.2f}")
        print(f"{name:<12}{'ratio p95':<16}{r[name]['ratio_p95']:>10.1f}×   within 16 ms: {r[name]['within_budget']}"
              f"   (plots only: {r[name]['matplotlib']['p95_ms'] / r[name]['mathlens_plots']['p95_ms']:.1f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
