"""scenes/descent.py: the race clip constructs (dry run), follows $MATHLENS_PARAMS (including a
typed surface packed as the explorer's params() writes it) and reports the model's numbers."""

from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():
    # import-time deprecations inside third-party packages (warnings are errors in this suite)
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

    from scenes import descent as clip

from app.models import descent as model
from app.models.surfaces import encode_text


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "cache"))


def _construct(tmp_path, monkeypatch, params=None):
    if params is not None:
        path = tmp_path / "params.json"
        path.write_text(json.dumps(params))
        monkeypatch.setenv("MATHLENS_PARAMS", str(path))
    else:
        monkeypatch.delenv("MATHLENS_PARAMS", raising=False)
    monkeypatch.setattr(clip, "CELLS", 8)  # fewer contour squares: the same steps, faster
    races, sections, captions = [], [], []
    real_race = clip.race

    def spy_race(p, typed):
        r = real_race(p, typed)
        races.append(r)
        return r

    monkeypatch.setattr(clip, "race", spy_race)
    real_section, real_caption = clip.DescentRaceScene.next_section, clip.DescentRaceScene.add_subcaption

    def section(self, name="unnamed", *args, **kw):
        sections.append(name)
        return real_section(self, name, *args, **kw)

    def caption(self, content, *args, **kw):
        captions.append(content)
        return real_caption(self, content, *args, **kw)

    monkeypatch.setattr(clip.DescentRaceScene, "next_section", section)
    monkeypatch.setattr(clip.DescentRaceScene, "add_subcaption", caption)
    with tempconfig({"dry_run": True, "disable_caching": True, "media_dir": str(tmp_path / "media"),
                     "quality": "low_quality"}):
        scene = clip.DescentRaceScene()
        scene.render()
    texts = [m.original_text for m in scene.mobjects for m in m.get_family() if hasattr(m, "original_text")]
    return scene, races[0], sections, captions, texts


def test_defaults_come_from_the_lesson(tmp_path, monkeypatch):
    params, typed = clip.load_params()
    assert params["lr_sgd"] == 0.05 and params["surface"] == 0 and typed is None
    scene, race, sections, captions, texts = _construct(tmp_path, monkeypatch)
    assert sections == ["surface", "race", "verdict"]
    assert len(captions) == 3
    assert race.surface.name == "quadratic"
    f_gd = race.paths["sgd"].f[-1]
    assert f"Gradient descent: f = {f_gd:.3g}" in texts, texts


def test_params_file_picks_surface_lr_and_shows_divergence(tmp_path, monkeypatch):
    _, race, _, _, texts = _construct(tmp_path, monkeypatch, {"lr_sgd": 0.21, "show": 1.0, "ignored": 3})
    assert race.paths["sgd"].diverged
    assert f"Gradient descent: diverged at step {race.paths['sgd'].diverged_at}" in texts
    assert not any(t.startswith("Adam") for t in texts)  # only GD is shown


def test_typed_surface_from_params(tmp_path, monkeypatch):
    params = {"surface": -1.0, **encode_text("(x - 1)^2 + 4*(y + 2)^2")}
    _, race, _, _, texts = _construct(tmp_path, monkeypatch, params)
    assert race.surface.name == "typed"
    assert model.analysis(race.surface)["lr_max"] == pytest.approx(0.25)
    assert "Racing down: Your surface" in texts


def test_the_clip_shows_the_selected_optimisers_rule(tmp_path, monkeypatch):
    shown = []
    real = clip.math_tex
    monkeypatch.setattr(clip, "math_tex", lambda tex, **kw: shown.append(tex) or real(tex, **kw))
    _construct(tmp_path, monkeypatch, {"optimizer": 5.0})
    assert shown == [clip.RULES["adam"]]  # was always the SGD rule


def test_the_saddle_clip_says_there_is_no_minimum(tmp_path, monkeypatch):
    written = []  # every Text made, including the limit line that fades out before the end
    real = clip.Text
    monkeypatch.setattr(clip, "Text", lambda text, **kw: written.append(text) or real(text, **kw))
    _, race, _, _, _ = _construct(tmp_path, monkeypatch, {"surface": 4.0, "x0": -2.5, "y0": 0.1})
    assert race.surface.name == "saddle"
    assert "No minimum: a saddle" in written  # the branch that never ran: lr_max was 1 here
    assert not any(t.startswith("GD stable") for t in written)


def test_an_empty_path_does_not_crash_the_clip(tmp_path, monkeypatch):
    params = {"surface": -1.0, "x0": -3.0, "y0": 1.0, **encode_text("sqrt(x) + y^2")}
    _, race, _, _, texts = _construct(tmp_path, monkeypatch, params)
    assert all(len(p.xy) == 0 for p in race.paths.values())  # f is undefined at x0 < 0
    assert "Gradient descent: f is undefined at the start" in texts
