"""Regression: PySide6 6.12.0 + pyqtgraph 0.14 abort at interpreter exit ("Fatal Python error:
bool_dealloc", exit code 134) after a plot of NaN-separated lines beside a filled item has been
on screen for a while. The app pins pyside6<6.12 for this; these tests fail if the pin is lifted
while the bug is still there.

Root cause (found while writing this test, checked against a scratch 6.12.0 install): in 6.12.0
every ``SignalInstance.emit()`` of a Python-defined Signal drops one reference to ``True``.
pyqtgraph emits ``sigPrepareForPaint`` on every paint, so each repaint or grab costs one; after
about two thousand (Python 3.11 starts with ~2 300) the interpreter frees ``True`` — at the
latest during shutdown, which is the abort. The plot itself is incidental: any busy signal does it.

So the script draws the reported scene, then measures the refcount of ``True`` across a few
hundred emits and grabs; if it leaks, it keeps emitting until the count is nearly gone, so the
real symptom (the abort at exit) shows up at once instead of after a long session. The script
runs in its own interpreter because the crash happens during interpreter shutdown.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import sys

    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QColor, QPolygonF
    from PySide6.QtWidgets import QApplication, QGraphicsPolygonItem

    from app.models.linear import LinearMap

    app = QApplication(sys.argv)
    m = LinearMap(1.5, 0.5, 0.5, 1.0)
    plot = pg.PlotWidget()
    xs, ys = m.grid_lines(10)  # NaN-separated segments
    assert np.isnan(xs).any()
    plot.addItem(pg.PlotDataItem(xs, ys, connect="finite", pen=pg.mkPen((0, 114, 178), width=1)))
    sq = np.vstack([m.unit_square(), [0.0, 0.0]])
    plot.addItem(pg.PlotDataItem(sq[:, 0], sq[:, 1], fillLevel=0.0, brush=(240, 228, 66, 120)))
    poly = QGraphicsPolygonItem(QPolygonF([QPointF(float(x), float(y)) for x, y in m.unit_square()]))
    poly.setBrush(QBrush(QColor(0, 158, 115, 120)))
    plot.addItem(poly)
    top = pg.PlotDataItem([0.0, 1.0, 2.0], [0.0, 1.0, 0.0])
    bottom = pg.PlotDataItem([0.0, 1.0, 2.0], [-1.0, -1.0, -1.0])
    plot.addItem(top)
    plot.addItem(bottom)
    plot.addItem(pg.FillBetweenItem(top, bottom, brush=(0, 114, 178, 80)))
    plot.setRange(xRange=(-3, 3), yRange=(-3, 3))
    plot.resize(400, 300)
    plot.show()
    app.processEvents()
    img = plot.grab().toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 4) for y in range(0, img.height(), 4)}
    print("GRABBED", img.width(), img.height(), len(colours), flush=True)

    from PySide6.QtCore import QObject, Signal


    class Emitter(QObject):
        changed = Signal(float)


    emitter = Emitter()
    emitter.changed.connect(lambda value: None)
    before = sys.getrefcount(True)
    for i in range(300):
        emitter.changed.emit(float(i))
    for _ in range(100):
        plot.grab()
    drift = sys.getrefcount(True) - before
    print("DRIFT", drift, flush=True)
    if drift < -200:  # leaking: use up the rest now, so the exit abort happens in this run
        for _ in range(100_000):
            if sys.getrefcount(True) < 40:
                break
            emitter.changed.emit(0.0)
    # no explicit clean-up: the crash this guards against happens in the interpreter's own teardown
    """
)


def test_plot_with_nan_lines_and_fills_exits_cleanly(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # Qt warns about a missing or shared runtime dir
    os.chmod(tmp_path, 0o700)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    words = proc.stdout.split()
    assert "Fatal Python error" not in proc.stderr, proc.stdout + proc.stderr[-4000:]
    assert proc.returncode == 0, f"exit code {proc.returncode}\n{proc.stdout}{proc.stderr[-4000:]}"
    assert "GRABBED" in words, proc.stdout + proc.stderr
    _, width, height, colours = words[words.index("GRABBED"):][:4]
    assert int(width) >= 300 and int(height) >= 200
    assert int(colours) > 5, "the grabbed plot is blank: nothing was drawn, so nothing was tested"
    drift = int(words[words.index("DRIFT") + 1])
    assert drift > -50, f"400 emits/repaints dropped {-drift} references to True (PySide6 6.12.0 bug)"
