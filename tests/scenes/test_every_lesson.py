"""Every lesson's scene constructs (manim dry run) from exactly the parameter file the app writes
for it (the lesson's defaults + "lang"), with sections and subcaptions in English and Chinese."""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

from app.lessons import load_all
from app.render.jobs import PARAMS_ENV, RenderRequest

ROOT = Path(__file__).resolve().parents[2]
LESSONS, _ = load_all()
DRY_RUN = {"dry_run": True, "quality": "low_quality", "disable_caching": True, "frame_rate": 5,
           "progress_bar": "none", "verbosity": "WARNING"}

#: fewer pixel squares, contour cells and flips: the same steps and captions, a much faster dry run
SMALLER = {"CLIP_SIDE": 16, "RANKS": (1, 2, 5), "CELLS": 8, "FLIPS": 12, "SHOWN": 8}


def scene_class(lesson):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        module = importlib.import_module(f"scenes.{Path(lesson.scene.file).stem}")
    return getattr(module, lesson.scene.class_name)


def _cases():
    """Every lesson in English; in Chinese one lesson per scene module (svd and descent: below)."""
    seen = {"svd.py", "descent.py"}
    for lesson in LESSONS:
        yield pytest.param(lesson, "en", id=f"{lesson.id}-en")
        if lesson.scene.file not in seen:
            seen.add(lesson.scene.file)
            yield pytest.param(lesson, "zh", id=f"{lesson.id}-zh")


@pytest.mark.parametrize("lesson, lang", list(_cases()))
def test_lesson_scene_constructs_from_the_apps_params_file(lesson, lang, tmp_path, monkeypatch):
    request = RenderRequest.for_lesson(lesson, lang=lang)
    path = tmp_path / "params.json"
    path.write_text(request.params_json(), "utf-8")
    monkeypatch.setenv(PARAMS_ENV, str(path))
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "mathtex"))
    cls = scene_class(lesson)
    module = sys.modules[cls.__module__]
    for name, value in SMALLER.items():
        if hasattr(module, name):
            monkeypatch.setattr(module, name, value)
    sections, captions = [], []

    class Recorded(cls):
        def next_section(self, name="unnamed", *args, **kwargs):
            sections.append(name)
            super().next_section(name, *args, **kwargs)

        def add_subcaption(self, content, *args, **kwargs):
            captions.append(content)
            super().add_subcaption(content, *args, **kwargs)

    with tempconfig({**DRY_RUN, "media_dir": str(tmp_path / "media")}):
        Recorded().render()
    assert len(sections) >= 3 and all(sections)
    assert len(captions) >= 3 and all(c.strip() for c in captions)
    chinese = any("\u4e00" <= ch <= "\u9fff" for c in captions for ch in c)
    assert chinese == (lang == "zh")


@pytest.mark.parametrize("file", ["svd.py", "descent.py"])
def test_svd_and_descent_captions_follow_lang(file, tmp_path, monkeypatch):
    lesson = next(x for x in LESSONS if x.scene.file == file)
    module = sys.modules[scene_class(lesson).__module__]
    path = tmp_path / "params.json"
    for lang, han in (("zh", True), ("en", False)):
        path.write_text(RenderRequest.for_lesson(lesson, lang=lang).params_json(), "utf-8")
        monkeypatch.setenv(PARAMS_ENV, str(path))
        for key in module.CAPTIONS:
            text = module.caption(key, title="x", n=2, steps=3, k=4, ratio=2.0, psnr=30.0)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text) == han
    path.write_text('{"lang": "fr"}', "utf-8")
    with pytest.raises(ValueError, match="'lang' must be one of"):
        module.caption("verdict" if file == "descent.py" else "idea")
