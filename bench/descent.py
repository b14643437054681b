"""Dragging in the gradient-descent race: MathLens vs a competent matplotlib version, same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.descent [--steps 120]

Two interactions on two surfaces (the quadratic bowl and Rosenbrock):
- **start drag**: the start point dragged around a small circle (through the contour's handle, as
  the mouse does) → all six optimisers × 1000 steps recomputed → paths, heads and loss curves
  redrawn → a forced synchronous paint of the whole explorer into a 960×720 QImage;
- **lr drag**: the GD learning-rate slider dragged back and forth → the same, except that the
  explorer keeps the other five paths (their inputs did not change) and re-runs GD alone.
Each is also timed with only the plots painted (no control panel, as the peer has none).

The matplotlib peer (Agg, figure built once: contourf once, log-y loss axes) runs the whole race
(all six) for every change, then ``set_data`` on its 6 path lines, 6 heads and 6 loss lines and
``canvas.draw()`` at 960×720. Also timed: the model alone (all six). Writes build/bench/descent.json.
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
    # learning rates at which no path diverges in its first steps (GD at 0.05 would, at step 3)
    "rosenbrock": {"surface": 1.0, "x0": -1.2, "y0": 1.0, "lr_sgd": 0.001, "lr_momentum": 0.0005,
                   "lr_nesterov": 0.0005, "lr_adagrad": 0.3, "lr_rmsprop": 0.005, "lr_adam": 0.02},
}


def _ticks(n: int, lo: int, hi: int) -> list[int]:
    """A drag back and forth over the lr slider's ticks [lo, hi] (every change a new lr)."""
    up = np.linspace(lo, hi, n // 2 + 1).round().astype(int).tolist()
    seq = up + up[-2::-1]
    return seq[:n]


def _changes(ex, interaction: str, n: int) -> list[tuple]:
    """The user's moves: (apply(), params it leads to) for n changes of ``interaction``."""
    from app.explorers.descent_controls import lr_to_tick, tick_to_lr

    p = ex.params()
    if interaction == "lr":
        slider = ex.controls.lr_sliders["sgd"]
        ticks = _ticks(n, lr_to_tick(p["lr_sgd"] / 3), lr_to_tick(p["lr_sgd"] * 1.5))
        return [(lambda t=t: slider.setValue(t), {"lr_sgd": tick_to_lr(t)}) for t in ticks]
    # the start point around a circle of radius 0.1 (rounded as a drag is: to 1e-4)
    x0, y0 = p["x0"], p["y0"]
    angles = np.linspace(0, 4 * np.pi, n, endpoint=False)
    pts = [(round(x0 + 0.1 * np.cos(a), 4), round(y0 + 0.1 * np.sin(a), 4)) for a in angles]
    return [(lambda x=x, y=y: ex.contour.start.setPos(x, y), {"x0": x, "y0": y}) for x, y in pts]


def bench_mathlens(app, case: dict, interaction: str, steps: int, figure_only: bool = False) -> tuple[dict, list]:
    """``figure_only``: paint the plots (contour + loss) but not the control panel, as the
    matplotlib peer has none; the change and the model are the same. Returns the timings and the
    params of each timed change (for the peer)."""
    from PySide6.QtGui import QImage

    from app.explorers.descent import DescentExplorer
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
    times, changes = [], []
    for i, (apply, params) in enumerate(_changes(ex, interaction, steps + WARMUP)):
        t = time.perf_counter()
        apply()  # → _on_lr / _on_start_dragged → race → redraw → params_changed
        painted.render(target)  # synchronous paint of the whole explorer (or of its plots)
        if i >= WARMUP:
            times.append(time.perf_counter() - t)
            changes.append(params)
        assert all(ex.params()[k] == v for k, v in params.items()), "the change did not reach the model"
    assert len(ex._race.paths["adam"].xy) == 1001 or ex._race.paths["adam"].diverged
    ex.close()
    return stats(times), changes


def _base(case: dict) -> dict:
    from app.lessons import LESSONS_DIR, load_lesson
    from app.models import descent as model

    lesson = load_lesson(LESSONS_DIR / "gradient-descent.toml")
    return {k: s.default for k, s in model.PARAMS.items()} | lesson.defaults() | case | {"steps": 1000.0}


def bench_model(case: dict, changes: list[dict]) -> dict:
    """The whole race (six optimisers × 1000 steps) for each change, no memo."""
    from app.models import descent as model

    base = _base(case)
    for c in changes[:WARMUP]:
        model.race(base | c)
    times = []
    for c in changes:
        t = time.perf_counter()
        model.race(base | c)
        times.append(time.perf_counter() - t)
    return stats(times)


def bench_matplotlib(case: dict, changes: list[dict]) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from app.models import descent as model

    base = _base(case)
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

    def step(change):
        r = model.race(base | change)
        for k, o in enumerate(model.OPTIMIZERS):
            p = r.paths[o]
            paths[k].set_data(p.xy[:, 0], p.xy[:, 1])
            heads[k].set_data(p.xy[-1:, 0], p.xy[-1:, 1])
            losses[k].set_data(np.arange(len(p.f)), np.maximum(p.f - f_ref, 1e-16))
        fig.canvas.draw()

    for c in changes[:WARMUP]:
        step(c)
    times = []
    for c in changes:
        t = time.perf_counter()
        step(c)
        times.append(time.perf_counter() - t)
    plt.close(fig)
    return stats(times)


INTERACTIONS = ("start", "lr")
WHO = ("mathlens", "mathlens_plots", "model_only", "matplotlib")


def run(steps: int = 120, out: Path = ROOT / "build" / "bench" / "descent.json") -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    result: dict = {"size": list(SIZE), "changes": steps, "steps_per_optimizer": 1000, "optimizers": 6,
                    "load_average_at_start": os.getloadavg()[0]}
    for name, case in CASES.items():
        for interaction in INTERACTIONS:
            ml, changes = bench_mathlens(app, case, interaction, steps)
            fig, _ = bench_mathlens(app, case, interaction, steps, figure_only=True)
            mpl = bench_matplotlib(case, changes)
            result[f"{name} {interaction}"] = {
                "mathlens": ml, "mathlens_plots": fig, "model_only": bench_model(case, changes), "matplotlib": mpl,
                "ratio_p95": mpl["p95_ms"] / ml["p95_ms"], "ratio_median": mpl["median_ms"] / ml["median_ms"],
                "ratio_p95_plots": mpl["p95_ms"] / fig["p95_ms"], "budget_p95_ms": 16.0,
                "within_budget": ml["p95_ms"] <= 16.0}
    result["load_average_at_end"] = os.getloadavg()[0]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120, help="changes to time after warm-up (≥ 100)")
    args = parser.parse_args(argv)
    r = run(max(100, args.steps))
    print(f"{'case':<18}{'who':<16}{'median ms':>10}{'p95 ms':>9}")
    for name in CASES:
        for interaction in INTERACTIONS:
            key = f"{name} {interaction}"
            for who in WHO:
                s = r[key][who]
                print(f"{key:<18}{who:<16}{s['median_ms']:>10.2f}{s['p95_ms']:>9.2f}")
            print(f"{key:<18}{'ratio p95':<16}{r[key]['ratio_p95']:>9.1f}×  (plots only {r[key]['ratio_p95_plots']:.1f}×)"
                  f"   within 16 ms: {r[key]['within_budget']}")
    print(f"load average {r['load_average_at_start']:.1f} → {r['load_average_at_end']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
