"""Slider drag on the linear-transforms explorer: MathLens vs a competent matplotlib version, same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.linear [--steps 150] [--no-startup]

One step = the ``a`` slider moves one notch of a drag (3 ticks = 0.03) → model → view (grid, fill,
arrows, eigen-lines, det text, synced spin boxes) → a forced synchronous paint of the whole explorer
(plot + controls) into a 960×720 QImage with ``widget.render``. The drag goes a = 1 → 3 → −2 → 1 on
the lesson's shear, so it crosses det = 0 (the dense-grid worst case) twice.

The matplotlib peer (Agg, figure built once at 960×720) draws the same things from the same model:
the reference and transformed grids as one NaN-separated Line2D per direction (the same clipped,
thinned segments MathLens draws, from app.explorers.linear_grid.visible_grid), the unit square's
image as a Polygon (``set_xy``), î/ĵ as lines + arrowhead polygons, the eigen-lines, the det text,
and a matplotlib Slider for ``a`` whose ``on_changed`` does the update; then ``fig.canvas.draw()``.

The two run interleaved (one MathLens step, one matplotlib step, …), so load from elsewhere on the
machine affects both alike. Also: process start → first painted main window, from ``python -m app --startup-probe``.
Writes build/bench/linear.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.stats import stats

ROOT = Path(__file__).resolve().parent.parent
SIZE = (960, 720)
WARMUP = 20
STARTUP_RUNS = 3


def drag_ticks(steps: int) -> list[int]:
    """Slider positions (0.01 per tick) of a drag a = 1 → 3 → −2 → 1 in 3-tick notches, ≥ ``steps`` long."""
    path = list(range(100, 300, 3)) + list(range(300, -200, -3)) + list(range(-200, 100, 3))
    while len(path) < steps:
        path += path
    return path[:steps]


class MathLensStep:
    """The real explorer at 960×720; ``step(tick)`` moves the ``a`` slider and paints synchronously."""

    def __init__(self, app):
        from PySide6.QtGui import QImage

        from app.explorers.linear import LinearExplorer
        from app.lessons import LESSONS_DIR, load_lesson

        self.app = app
        self.ex = LinearExplorer(load_lesson(LESSONS_DIR / "linear-transforms.toml"))
        self.ex.resize(*SIZE)
        self.ex.show()
        app.processEvents()
        self.image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
        self.slider = self.ex.controls.sliders["a"]

    def step(self, tick: int) -> tuple[float, float]:
        """Seconds for (value → model → view, value → painted image)."""
        t0 = time.perf_counter()
        self.slider.setValue(tick)  # valueChanged → _on_entry → model → views, synchronously
        t1 = time.perf_counter()
        self.ex.render(self.image)
        t2 = time.perf_counter()
        return t1 - t0, t2 - t0

    def close(self) -> None:
        self.ex.close()
        self.app.processEvents()


class MatplotlibPeer:
    """The same explorer drawn with matplotlib: one figure, artists updated in place."""

    def __init__(self):
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Polygon
        from matplotlib.widgets import Slider

        from app.models.linear import LinearMap
        from app.widgets.theme import LIGHT

        self.LinearMap = LinearMap
        th = LIGHT
        self.fig = Figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.ax = self.fig.add_axes((0.06, 0.16, 0.62, 0.8))
        ax.set_xlim(-4.5, 4.5)
        ax.set_ylim(-4.5, 4.5)
        ax.set_aspect("equal")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        pt = 72 / 100  # points per pixel at 100 dpi
        rx, ry = LinearMap().grid_lines(6)
        h = len(rx) // 2
        for sl in (slice(0, h), slice(h, None)):
            ax.plot(rx[sl], ry[sl], color=th.grid, lw=1 * pt, zorder=0)
        self.grid = [ax.plot([], [], color="#7a7d80", lw=1.4 * pt, zorder=1)[0] for _ in range(2)]
        self.square = Polygon(np.zeros((4, 2)), closed=True, facecolor=th.positive, alpha=0.31,
                              edgecolor=th.positive, lw=2 * pt, zorder=2)
        ax.add_patch(self.square)
        self.eigen = [ax.plot([], [], ls="--", color=th.series[3], lw=2 * pt, zorder=3)[0] for _ in range(2)]
        self.eigen_labels = [ax.text(0, 0, "", color=th.series[3], fontsize=10, fontweight="bold",
                                     ha="center", va="center", zorder=6) for _ in range(2)]
        self.shafts = [ax.plot([], [], color=c, lw=3.2 * pt, zorder=4)[0] for c in th.series[:2]]
        self.heads = [Polygon(np.zeros((3, 2)), closed=True, color=c, zorder=5) for c in th.series[:2]]
        for p in self.heads:
            ax.add_patch(p)
        self.tip_labels = [ax.text(0, 0, s, color=c, fontsize=16, fontweight="bold", ha="center", va="center")
                           for s, c in zip("îĵ", th.series[:2], strict=True)]
        self.det_text = ax.text(0.02, 0.97, "", transform=ax.transAxes, fontsize=20, fontweight="bold", va="top",
                                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        self.matrix_text = self.fig.text(0.72, 0.9, "", fontsize=14, family="monospace", va="top")
        slider_ax = self.fig.add_axes((0.72, 0.55, 0.22, 0.04))
        self.slider = Slider(slider_ax, "a", -4.0, 4.0, valinit=1.0, valstep=0.01)
        self.m = LinearMap(1.0, 1.0, 0.0, 1.0)
        bbox = ax.get_window_extent()
        self.px = 9.0 / min(bbox.width, bbox.height)  # view units per pixel
        self.slider.on_changed(self._on_a)
        self._on_a(1.0)
        self.canvas.draw()

    def _on_a(self, a: float) -> None:
        from app.explorers.linear_grid import visible_grid

        m = self.m = self.LinearMap(float(a), self.m.b, self.m.c, self.m.d)
        # the very segments MathLens draws (clipped to the view, bands thinned), so both draw the same
        for line, (gx, gy) in zip(self.grid, visible_grid(m, 4.5, 4.5, self.px), strict=True):
            line.set_data(gx, gy)
        det = m.det
        th_pos, th_neg = "#009E73", "#CC79A7"
        self.square.set_xy(m.unit_square())
        self.square.set_facecolor(th_pos if det >= 0 else th_neg)
        self.square.set_edgecolor(th_pos if det >= 0 else th_neg)
        for i, (vx, vy) in enumerate(((m.a, m.c), (m.b, m.d))):
            n = max(np.hypot(vx, vy), 1e-12)
            ux, uy = vx / n, vy / n
            head = 0.25
            self.shafts[i].set_data([0, vx - ux * head * 0.6], [0, vy - uy * head * 0.6])
            bx, by = vx - ux * head, vy - uy * head
            self.heads[i].set_xy([[vx, vy], [bx - uy * head * 0.45, by + ux * head * 0.45],
                                  [bx + uy * head * 0.45, by - ux * head * 0.45]])
            self.tip_labels[i].set_position((vx + ux * 0.35, vy + uy * 0.35))
        ev = m.eigen()
        for j in range(2):
            if ev.kind == "complex" or j >= ev.vectors.shape[1]:
                self.eigen[j].set_data([], [])
                self.eigen_labels[j].set_text("")
                continue
            vx, vy = ev.vectors[:, j]
            self.eigen[j].set_data([-7 * vx, 7 * vx], [-7 * vy, 7 * vy])
            s = 3.6 if j == 0 else -3.6
            self.eigen_labels[j].set_position((s * vx, s * vy))
            self.eigen_labels[j].set_text(f"λ{'₁₂'[j]} = {ev.values[j].real:.2f}")
        self.det_text.set_text(f"det = {det:.2f}")
        self.det_text.set_color(th_pos if det > 0.005 else th_neg if det < -0.005 else "#1B1F24")
        self.matrix_text.set_text(f"A = [{m.a:5.2f} {m.b:5.2f}]\n    [{m.c:5.2f} {m.d:5.2f}]")

    def step(self, a: float) -> None:
        self.slider.set_val(a)  # on_changed → _on_a
        self.canvas.draw()


def bench_both(app, ticks: list[int]) -> tuple[dict, dict]:
    """Both implementations, interleaved step by step, so a busy machine slows both alike."""
    ours, peer = MathLensStep(app), MatplotlibPeer()
    for v in drag_ticks(WARMUP)[::-1]:
        ours.step(v + 1)
        peer.step((v + 1) / 100)
    ours.step(ticks[0] - 3)
    peer.step((ticks[0] - 3) / 100)
    update, total, theirs = [], [], []
    for v in ticks:
        u, t = ours.step(v)
        update.append(u)
        total.append(t)
        t0 = time.perf_counter()
        peer.step(v / 100)
        theirs.append(time.perf_counter() - t0)
    assert abs(ours.ex.params()["a"] - ticks[-1] / 100) < 1e-9, "the slider did not reach the model"
    assert abs(peer.m.a - ticks[-1] / 100) < 1e-9
    ours.close()
    return stats(total) | {"update_only": stats(update)}, stats(theirs) | {"canvas": list(peer.canvas.get_width_height())}


def startup_probe(runs: int = STARTUP_RUNS, timeout: float = 60.0) -> dict:
    """Process start → first painted main window, via ``python -m app --startup-probe`` (prints
    ``first-paint-ms <float>`` and exits). Settings go to a throwaway folder."""
    times, errors = [], []
    with tempfile.TemporaryDirectory(prefix="mathlens-bench-") as tmp:
        env = os.environ | {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                            "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        cmd = [sys.executable, "-m", "app", "--lesson", "linear-transforms", "--startup-probe"]
        for _ in range(runs):
            try:
                t0 = time.perf_counter()
                done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
                wall = time.perf_counter() - t0
            except (OSError, subprocess.TimeoutExpired) as e:
                errors.append(str(e))
                continue
            found = re.search(r"first-paint-ms\s+([0-9.]+)", done.stdout)
            if found is None:
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
                errors.append(tail[0])
                continue
            times.append({"first_paint_ms": float(found.group(1)), "process_wall_ms": wall * 1000})
    if not times:
        return {"available": False, "errors": errors}
    paint = [t["first_paint_ms"] for t in times]
    return {"available": True, "runs": times, "median_first_paint_ms": statistics.median(paint),
            "command": " ".join(cmd[1:]), "errors": errors}


def run(steps: int = 150, out: Path = ROOT / "build" / "bench" / "linear.json", startup: bool = True) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.shell.app import create_app

    app = create_app()
    ticks = drag_ticks(steps)
    ours, peer = bench_both(app, ticks)
    result = {
        "benchmark": "linear-transforms: slider 'a' drag → model → view → synchronous 960×720 paint",
        "platform": app.platformName(),
        "cpus": os.cpu_count(),
        "steps": len(ticks),
        "mathlens": ours,
        "matplotlib": peer,
        "ratio_median": peer["median_ms"] / ours["median_ms"],
        "ratio_p95": peer["p95_ms"] / ours["p95_ms"],
        "frame_budget_ms": 1000 / 60,
        "startup": startup_probe() if startup else None,
        "load_average_at_end": os.getloadavg()[0],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def report(r: dict) -> str:
    m, p = r["mathlens"], r["matplotlib"]
    u = m["update_only"]
    rows = [
        f"linear-transforms slider drag: {r['steps']} steps, {SIZE[0]}×{SIZE[1]}, {r['platform']}, {r['cpus']} CPUs",
        f"  {'':34}{'median':>10}{'p95':>10}{'max':>10}",
        f"  {'MathLens  value → paint (ms)':34}{m['median_ms']:10.2f}{m['p95_ms']:10.2f}{m['max_ms']:10.2f}",
        f"  {'  of which value → view (ms)':34}{u['median_ms']:10.2f}{u['p95_ms']:10.2f}{u['max_ms']:10.2f}",
        f"  {'matplotlib value → draw (ms)':34}{p['median_ms']:10.2f}{p['p95_ms']:10.2f}{p['max_ms']:10.2f}",
        f"  {'ratio matplotlib / MathLens':34}{r['ratio_median']:9.1f}×{r['ratio_p95']:9.1f}×",
        f"  60 Hz frame budget {r['frame_budget_ms']:.1f} ms: MathLens p95 "
        + ("within" if m["p95_ms"] <= r["frame_budget_ms"] else "OVER"),
    ]
    s = r["startup"]
    if s is None:
        rows.append("  startup: skipped")
    elif not s["available"]:
        rows.append(f"  startup probe unavailable ({'; '.join(s['errors'][:1]) or 'no output'})")
    else:
        runs = ", ".join(f"{t['first_paint_ms']:.0f}" for t in s["runs"])
        rows.append(f"  process start → first painted window: median {s['median_first_paint_ms']:.0f} ms (runs: {runs})")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150, help="timed slider steps (≥ 100)")
    parser.add_argument("--no-startup", action="store_true", help="skip the startup-probe subprocess")
    args = parser.parse_args(argv)
    r = run(max(100, args.steps), startup=not args.no_startup)
    print(report(r))
    print(f"  → {ROOT / 'build' / 'bench' / 'linear.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
