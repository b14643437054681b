""""Render current state" from every explorer: the parameter file the app writes from the
explorer's params() (after a user edit) is accepted by the lesson's scene, and what the scene reads
is what the explorer shows."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import pytest

from app import registry
from app.lessons import load_all
from app.render.jobs import PARAMS_ENV, RenderRequest

LESSONS, _ = load_all()


def scene_module(lesson):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # manim's own imports
        return importlib.import_module(f"scenes.{Path(lesson.scene.file).stem}")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_the_scene_reads_the_explorers_current_state(lesson, qtbot, tmp_path, monkeypatch):
    explorer = registry.load(registry.TOPICS[lesson.explorer].explorer)(lesson)
    qtbot.addWidget(explorer)
    edit = {"linear": {"a": -0.5, "d": 2.5}, "svd": {"k": 3}, "descent": {"x0": 1.5},
            "bayes": {"alpha": 3.0}, "attention": {"temperature": 2.0}}.get(lesson.explorer, {})
    if edit:
        explorer.set_params(edit)
    params = explorer.scene_params()  # what the Clip tab sends
    request = RenderRequest.for_lesson(lesson, params, "zh")
    path = tmp_path / "params.json"
    path.write_text(request.params_json(), "utf-8")
    monkeypatch.setenv(PARAMS_ENV, str(path))
    module = scene_module(lesson)
    read = module.load_params(lesson.id) if lesson.scene.file == "linear_transform.py" else module.load_params()
    if isinstance(read, tuple):  # descent: (params, typed formula)
        read = read[0]
    assert edit, f"no edit for topic {lesson.explorer!r}"
    for key, value in edit.items():
        assert params[key] == pytest.approx(value), key  # the explorer shows the edit …
        assert read[key] == pytest.approx(value), key  # … and the scene reads it
    assert read.get("lang", "zh") == "zh"
    assert request.key() != RenderRequest.for_lesson(lesson, lang="zh").key()  # another clip than the lesson's


def test_the_svd_clip_uses_the_image_the_user_opened(qtbot, tmp_path, monkeypatch):
    lesson = next(x for x in LESSONS if x.explorer == "svd")
    explorer = registry.load(registry.TOPICS["svd"].explorer)(lesson)
    qtbot.addWidget(explorer)
    qtbot.waitUntil(lambda: not explorer.busy(), timeout=20000)
    assert "image" not in explorer.scene_params()  # a sample: the scene knows it by number
    mine = tmp_path / "mine.png"
    mine.write_bytes((Path(__file__).resolve().parents[2] / "assets" / "samples" / "tartan.png").read_bytes())
    assert explorer.open_image(mine)
    qtbot.waitUntil(lambda: not explorer.busy(), timeout=20000)
    params = explorer.scene_params()
    assert params["image"] == str(mine)
    path = tmp_path / "params.json"
    path.write_text(RenderRequest.for_lesson(lesson, params).params_json(), "utf-8")
    monkeypatch.setenv(PARAMS_ENV, str(path))
    assert scene_module(lesson).image_file() == mine
    # touching the file makes another clip (the cache key covers the file's time stamp)
    key = RenderRequest.for_lesson(lesson, params).key()
    import os
    os.utime(mine, ns=(1, 1))
    assert RenderRequest.for_lesson(lesson, explorer.scene_params()).key() != key
