"""Rank drag on a 1024×1024 RGB image: MathLens vs a competent matplotlib version, same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.svd [--steps 120]

One step = rank change in the model (incremental A_k) + redraw + a forced synchronous paint of the
whole explorer into a 960×720 QImage. The matplotlib peer (Agg, figure built once) does the same
model update, ``imshow.set_data`` + moves the three k markers + ``canvas.draw()`` at 960×720.
Also timed: a 12-megapixel JPEG from open_image() to the first interactive paint.
Writes build/bench/svd.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.stats import stats

ROOT = Path(__file__).resolve().parent.parent
SIZE = (960, 720)


def _photo(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A photo-like test image: the landscape sample resized, with sensor-like noise (uint8 RGB)."""
    from PIL import Image

    base = Image.open(ROOT / "assets" / "samples" / "landscape.png").convert("RGB")
    big = np.asarray(base.resize((width, height), Image.Resampling.BICUBIC), dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0, 4.0, big.shape).astype(np.float32)
    return np.clip(big + noise, 0, 255).astype(np.uint8)


def _ranks(steps: int) -> list[int]:
    """A drag: up one rank at a time from 20, then back down (every change touches one layer)."""
    up = list(range(21, 21 + steps // 2))
    return up + list(range(up[-1] - 1, up[-1] - 1 - (steps - len(up)), -1))


def _wait(app, cond, timeout=120.0):
    end = time.perf_counter() + timeout
    while not cond():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("the explorer did not become ready")
        time.sleep(0.002)  # a benchmark, not a test: polling the event loop is fine here


def bench_mathlens(app, path: Path, ranks: list[int]) -> dict:
    from PySide6.QtGui import QImage

    from app.explorers.svd import SVDExplorer
    from app.lessons import LESSONS_DIR, load_lesson
    from app.widgets.theme import LIGHT

    ex = SVDExplorer(load_lesson(LESSONS_DIR / "svd-images.toml"))
    ex.apply_theme(LIGHT)
    ex.resize(*SIZE)
    ex.show()
    _wait(app, lambda: ex._fact is not None and not ex.worker.busy)
    t0 = time.perf_counter()
    ex.open_image(path)
    _wait(app, lambda: ex._fact is not None and ex._fact.m == 1024 and not ex.worker.busy)
    factor_s = time.perf_counter() - t0
    target = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    for k in range(10, 20):  # warm-up
        ex.set_rank(k)
        ex.render(target)
    times = []
    for k in ranks:
        t = time.perf_counter()
        ex.set_rank(k)
        ex.render(target)  # synchronous paint of the whole explorer, like a repaint on screen
        times.append(time.perf_counter() - t)
    layers = ex._rankk.layers_touched
    ex.shutdown()
    ex.close()
    out = stats(times)
    out["factor_s"] = factor_s
    out["last_step_layers"] = layers
    return out


def bench_matplotlib(image: np.ndarray, ranks: list[int]) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from app.models import svd as model

    fact = model.factorize(image.astype(np.float32) / 255)
    rk = model.RankK(fact, 10, dtype=np.float32)
    curves = fact.curves()
    fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    grid = fig.add_gridspec(2, 3, height_ratios=[2.2, 1])
    ax_o, ax_r = fig.add_subplot(grid[0, :2]), fig.add_subplot(grid[0, 2])
    ax_o.imshow(image)
    shown = ax_r.imshow(np.zeros_like(image))
    for ax in (ax_o, ax_r):
        ax.set_axis_off()
    markers = []
    for j, (key, label) in enumerate((("sigma", "σ"), ("energy", "energy (%)"), ("psnr", "PSNR (dB)"))):
        ax = fig.add_subplot(grid[1, j])
        y = fact.sigma() if key == "sigma" else curves[key]
        ax.plot(curves["k"], y)
        if key == "sigma":
            ax.set_yscale("log")
        ax.set_xlabel("rank k")
        ax.set_ylabel(label)
        markers.append(ax.axvline(10, color="C1", ls="--"))
    title = fig.suptitle("")
    fig.tight_layout()
    buf = np.empty((fact.m, fact.n, 3), np.uint8)
    scratch = np.empty(rk.data.shape, np.float32)

    def step(k):
        from app.explorers.svd_images import to_rgb8

        rk.set_k(k)
        shown.set_data(to_rgb8(rk.data, scratch, buf))
        for line in markers:
            line.set_xdata([k, k])
        met = fact.metrics(k)
        title.set_text(f"k = {k}   PSNR {met.psnr:.2f} dB   energy {met.energy:.2f} %   ratio {met.ratio:.1f}×")
        fig.canvas.draw()

    for k in range(10, 20):
        step(k)
    times = []
    for k in ranks:
        t = time.perf_counter()
        step(k)
        times.append(time.perf_counter() - t)
    plt.close(fig)
    return stats(times)


def bench_12mp(app, folder: Path) -> dict:
    """A 4000×3000 JPEG: seconds from open_image() until the explorer has painted its first A_k."""
    from PIL import Image
    from PySide6.QtGui import QImage

    from app.explorers.svd import SVDExplorer
    from app.lessons import LESSONS_DIR, load_lesson
    from app.widgets.theme import LIGHT

    path = folder / "photo-12mp.jpg"
    Image.fromarray(_photo(4000, 3000, seed=1)).save(path, quality=90)
    ex = SVDExplorer(load_lesson(LESSONS_DIR / "svd-images.toml"))
    ex.apply_theme(LIGHT)
    ex.resize(*SIZE)
    ex.show()
    _wait(app, lambda: ex._fact is not None and not ex.worker.busy)
    target = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    longest_block = 0.0
    t0 = time.perf_counter()
    ex.open_image(path)
    last = time.perf_counter()
    while ex._fact is None or ex._fact.m != 3000 or ex.worker.busy:  # the GUI keeps turning meanwhile
        app.processEvents()
        now = time.perf_counter()
        longest_block = max(longest_block, now - last)
        last = now
        time.sleep(0.002)
    ex.render(target)
    ready = time.perf_counter() - t0
    steps = []
    for k in range(11, 31):
        t = time.perf_counter()
        ex.set_rank(k)
        ex.render(target)
        steps.append(time.perf_counter() - t)
    rank = ex._fact.rank_max
    ex.shutdown()
    ex.close()
    return {"seconds_to_interactive": ready, "longest_gui_block_ms": 1000 * longest_block,
            "reachable_rank": rank, "step": stats(steps)}


def run(steps: int = 120, out: Path = ROOT / "build" / "bench" / "svd.json", with_12mp: bool = True) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    ranks = _ranks(steps)
    image = _photo(1024, 1024)
    with tempfile.TemporaryDirectory(prefix="mathlens-bench-") as tmp:
        path = Path(tmp) / "photo-1024.png"
        Image.fromarray(image).save(path)
        ours = bench_mathlens(app, path, ranks)
        peer = bench_matplotlib(image, ranks)
        big = bench_12mp(app, Path(tmp)) if with_12mp else None
    result = {
        "benchmark": "svd rank drag, 1024×1024 RGB, 960×720 paint",
        "cpus": os.cpu_count(),
        "steps": len(ranks),
        "mathlens": ours,
        "matplotlib": peer,
        "ratio_median": peer["median_ms"] / ours["median_ms"],
        "ratio_p95": peer["p95_ms"] / ours["p95_ms"],
        "photo_12mp": big,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "load_average_at_end": os.getloadavg()[0],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--no-12mp", action="store_true")
    args = parser.parse_args(argv)
    r = run(args.steps, with_12mp=not args.no_12mp)
    m, p = r["mathlens"], r["matplotlib"]
    print(f"svd rank drag ({r['steps']} steps, 1024×1024 RGB, 960×720):")
    print(f"  MathLens   median {m['median_ms']:.1f} ms  p95 {m['p95_ms']:.1f} ms  (SVD {m['factor_s']:.2f} s)")
    print(f"  matplotlib median {p['median_ms']:.1f} ms  p95 {p['p95_ms']:.1f} ms")
    print(f"  ratio      median {r['ratio_median']:.1f}×  p95 {r['ratio_p95']:.1f}×")
    if r["photo_12mp"]:
        b = r["photo_12mp"]
        print(f"  12 MP photo → interactive in {b['seconds_to_interactive']:.2f} s (longest GUI block "
              f"{b['longest_gui_block_ms']:.0f} ms, rank ≤ {b['reachable_rank']}); a step there: "
              f"median {b['step']['median_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
