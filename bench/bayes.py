"""One coin flip on the Bayes explorer: MathLens vs a competent matplotlib version, same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bayes [--steps 150]

One step = press "Flip 1" (a seeded random flip appended to the record) → the model (posterior,
mean, MAP, MLE, 95 % interval) → every curve redrawn on 1 000 points (prior, normalised likelihood,
posterior), the interval shaded, the markers, the numbers line and the timeline → a forced
synchronous paint of the whole explorer (figure + controls) into a 960×720 QImage with
``widget.render``. The glide between steps is off: each step draws its final state at once (a glide
frame costs the same redraw). Two runs: the first 150 flips of the lesson (prior Beta(1, 1)), and
150 more flips on top of a million (the zoomed-in spike).

The matplotlib peer (Agg, figure built once at 960×720) draws the same from the same model: three
Line2D ``set_data``, the shaded region as a Polygon ``set_xy``, three marker lines ``set_xdata``,
the axis limits, the numbers as a text, a timeline Slider ``set_val``; then ``fig.canvas.draw()``.
Writes build/bench/bayes.json.
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
WARMUP = 20
MILLION = {"heads": 600_000, "tails": 400_000}


def bench_mathlens(app, steps: int, start: dict) -> dict:
    from PySide6.QtGui import QImage

    from app.explorers.bayes import BayesExplorer
    from app.lessons import LESSONS_DIR, load_lesson
    from app.widgets.theme import LIGHT

    ex = BayesExplorer(load_lesson(LESSONS_DIR / "bayes-coin.toml"))
    ex.animate = False
    ex.apply_theme(LIGHT)
    ex.resize(*SIZE)
    ex.show()
    app.processEvents()
    image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    flip = ex.controls.flip_buttons[0]
    for _ in range(WARMUP):
        flip.click()
        ex.render(image)
    ex.set_params(start)
    app.processEvents()
    n0 = ex.params()["n"]
    total, update, cpu = [], [], []
    for _ in range(steps):
        c0 = time.thread_time()
        t0 = time.perf_counter()
        flip.click()  # clicked → _on_flip → model → every view, synchronously
        t1 = time.perf_counter()
        ex.render(image)  # synchronous paint of the whole explorer, like a repaint on screen
        t2 = time.perf_counter()
        cpu.append(time.thread_time() - c0)
        total.append(t2 - t0)
        update.append(t1 - t0)
    assert ex.params()["n"] == n0 + steps, "the flips did not reach the model"
    ex.close()
    out = stats(total)
    out["update_only"] = stats(update)
    out["cpu"] = stats(cpu)  # this thread's CPU time: what the step costs when the machine is shared
    return out


def bench_matplotlib(steps: int, start: dict) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon
    from matplotlib.widgets import Slider

    from app.models import bayes as model

    rng = np.random.default_rng(6)
    log = model.FlipLog()
    fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    ax = fig.add_axes((0.09, 0.25, 0.88, 0.66))
    ax_slider = fig.add_axes((0.15, 0.08, 0.7, 0.04))
    timeline = Slider(ax_slider, "step", 0, 1, valinit=0, valstep=1)
    prior, = ax.plot([], [], "--", color="#0072B2", lw=2, label="prior")
    lik, = ax.plot([], [], ":", color="#E69F00", lw=2, label="likelihood")
    post, = ax.plot([], [], "-", color="#D55E00", lw=3, label="posterior")
    band = Polygon(np.zeros((3, 2)), closed=True, color="#D55E00", alpha=0.22, lw=0)
    ax.add_patch(band)
    markers = [ax.axvline(0.5, color=c, lw=1.5, ls=s) for c, s in
               (("#D55E00", "-"), ("#CC79A7", "-."), ("#E69F00", "--"))]
    text = fig.text(0.02, 0.95, "", fontsize=11)
    ax.set_xlabel("θ = P(heads)")
    ax.set_ylabel("density p(θ)")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.2)

    def step(bit_source) -> None:
        log.extend(bit_source())
        h, t = log.counts()
        coin = model.Coin(1.0, 1.0, h, t)
        cv = coin.curves()
        prior.set_data(cv.theta, cv.prior)
        lik.set_data(cv.theta, cv.likelihood)
        post.set_data(cv.theta, cv.posterior)
        lo, hi = coin.equal_tailed
        xs, ys = coin.shade(cv, lo, hi)
        band.set_xy(np.column_stack([np.concatenate(([xs[0]], xs, [xs[-1]])), np.concatenate(([0], ys, [0]))]))
        for line, v in zip(markers, (coin.posterior.mean, coin.posterior.mode, coin.mle), strict=True):
            line.set_xdata([v, v])
        ax.set_xlim(*cv.window)
        ax.set_ylim(0, cv.ymax)
        text.set_text(f"mean {coin.posterior.mean:.3f}   95 % [{lo:.3f}, {hi:.3f}]   MAP {coin.posterior.mode:.3f}"
                      f"   MLE {coin.mle:.3f}   P(next = H) {coin.predictive_heads:.3f}")
        timeline.valmax = len(log)
        ax_slider.set_xlim(0, max(1, len(log)))
        timeline.set_val(len(log))
        fig.canvas.draw()

    for _ in range(WARMUP):
        step(lambda: model.flips(rng, 1, 0.7))
    log.set_counts(int(start.get("heads", 0)), int(start.get("tails", 0)))
    times, cpu = [], []
    for _ in range(steps):
        c0 = time.thread_time()
        t0 = time.perf_counter()
        step(lambda: model.flips(rng, 1, 0.7))
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    plt.close(fig)
    out = stats(times)
    out["cpu"] = stats(cpu)
    return out


def run(steps: int = 150, out: Path = ROOT / "build" / "bench" / "bayes.json") -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    load0 = os.getloadavg()[0]
    result = {"benchmark": "one coin flip: model + 3 curves on 1 000 points + interval shading + 960×720 paint",
              "cpus": os.cpu_count(), "steps": steps, "runs": {}}
    for name, start in (("first flips", {"heads": 0, "tails": 0}), ("after a million flips", MILLION)):
        ours = bench_mathlens(app, steps, start)
        peer = bench_matplotlib(steps, start)
        result["runs"][name] = {"mathlens": ours, "matplotlib": peer,
                                "ratio_median": peer["median_ms"] / ours["median_ms"],
                                "ratio_p95": peer["p95_ms"] / ours["p95_ms"]}
    result["target_p95_ms"] = 8.0
    result["load_average_at_start_and_end"] = [load0, os.getloadavg()[0]]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args(argv)
    r = run(args.steps)
    print(f"bayes: one flip ({r['steps']} flips per run after warm-up, 960×720 paint; target p95 ≤ 8 ms):")
    for name, run_ in r["runs"].items():
        m, p = run_["mathlens"], run_["matplotlib"]
        print(f"  {name}:")
        print(f"    MathLens   median {m['median_ms']:.2f} ms  p95 {m['p95_ms']:.2f} ms"
              f"  (update {m['update_only']['median_ms']:.2f} ms, paint the rest;"
              f" CPU median {m['cpu']['median_ms']:.2f} p95 {m['cpu']['p95_ms']:.2f})")
        print(f"    matplotlib median {p['median_ms']:.2f} ms  p95 {p['p95_ms']:.2f} ms"
              f"  (CPU median {p['cpu']['median_ms']:.2f} p95 {p['cpu']['p95_ms']:.2f})")
        print(f"    ratio      median {run_['ratio_median']:.1f}×  p95 {run_['ratio_p95']:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
