"""The 3-D view of the gradient-descent explorer, under a real X server with (software) OpenGL.

Choice: the GL part runs in a subprocess with QT_QPA_PLATFORM=xcb and the inherited DISPLAY,
because the rest of the suite runs on the offscreen platform (one platform per process) where
QOpenGLWidget is not supported. Without DISPLAY this test FAILS with a message (it does not
skip): `make test` runs the suite under xvfb-run, so a missing DISPLAY means a broken set-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from app.lessons import LESSONS_DIR, load_lesson
    from app.explorers.descent import DescentExplorer
    from app.widgets.theme import DARK
    w = DescentExplorer(load_lesson(LESSONS_DIR / "gradient-descent.toml"))
    w.resize(1000, 700)
    w.show()
    w.tabs.setCurrentIndex(1)
    for _ in range(20):
        app.processEvents()
    v = w._view3d
    report = {"created": v is not None, "placeholder": w.placeholder3d.text()}
    if v is not None:
        img1 = v.grabFramebuffer()
        report["size"] = [img1.width(), img1.height()]
        lines = [l for l in v.lines if l.visible()]
        report["lines"] = len(lines)
        adam = w._race.paths["adam"]
        z = v.map.pz(adam.f)
        pos = lines[-1].pos  # wholly inside the box: one strip through the path's points
        report["lifted"] = bool(len(pos) == len(adam.xy) and np.allclose(pos[:, 2], z + 0.04))
        report["x_ok"] = bool(len(pos) == len(adam.xy) and np.allclose(pos[:, 0], v.map.px(adam.xy[:, 0])))
        colors = {img1.pixelColor(x, y).name() for x in range(0, img1.width(), 25) for y in range(0, img1.height(), 25)}
        report["colors1"] = len(colors)
        w.set_params({"lr_adam": 0.5})
        for _ in range(5):
            app.processEvents()
        report["moved"] = not np.allclose(lines[-1].pos[:, :2], pos[:, :2]) if len(lines[-1].pos) == len(pos) else True
        v.setCameraPosition(azimuth=60)
        img2 = v.grabFramebuffer()
        report["rotated_differs"] = img1 != img2
        w.apply_theme(DARK)
        img3 = v.grabFramebuffer()
        report["dark_corner"] = img3.pixelColor(2, 2).name()
        # Rosenbrock with the quadratic's lrs: GD and momentum shoot off to 1e6 within a few steps
        w.set_params({"surface": 1.0, "x0": -1.2, "y0": 1.0, "lr_sgd": 0.05, "lr_momentum": 0.02})
        for _ in range(5):
            app.processEvents()
        gd = w._race.paths["sgd"]
        report["gd_diverged"] = bool(gd.diverged and np.abs(gd.xy).max() > 100)
        shown = [l.pos for l in v.lines if l.visible()]
        report["inside_box"] = bool(all(np.abs(p[:, :2]).max() <= 5.0 + 1e-9 for p in shown))
        report["gd_starts_at_start"] = bool(np.allclose(v.lines[0].pos[0, :2], [v.map.px(-1.2), v.map.py(1.0)]))
        report["gd_as_segments"] = v.lines[0].mode == "lines" and len(v.lines[0].pos) % 2 == 0
        report["gd_ends_on_box_edge"] = bool(np.isclose(np.abs(v.lines[0].pos[-1, :2]).max(), 5.0))
        if len(sys.argv) > 1:
            img1.save(sys.argv[1] + "_light.png"); img3.save(sys.argv[1] + "_dark.png")
    print(json.dumps(report))
    """
)


@pytest.mark.gl
def test_3d_view_draws_the_surface_and_lifted_paths(tmp_path):
    display = os.environ.get("DISPLAY")
    assert display, "DISPLAY is not set: run the suite under xvfb-run (make test does)"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "shot")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["created"], report["placeholder"]
    assert report["lines"] == 6
    assert report["lifted"] and report["x_ok"]
    assert report["colors1"] > 20  # a coloured surface, not a blank canvas
    assert report["moved"]
    assert report["rotated_differs"]
    assert report["dark_corner"].upper() == "#15181D"
    # a diverged path is clipped to the plotted box (it used to shoot a line far outside it)
    assert report["gd_diverged"] and report["inside_box"]
    assert report["gd_starts_at_start"] and report["gd_ends_on_box_edge"] and report["gd_as_segments"]
