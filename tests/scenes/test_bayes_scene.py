"""scenes/bayes.py: the clip constructs (manim dry run) with the lesson's defaults or the learner's
numbers from $MATHLENS_PARAMS (the counts at the timeline's step, in the explorer's order), its
posterior after each flip is the model's, its sections and subcaptions tile the clip, and bad
parameter files are reported with their name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

with warnings.catch_warnings():
    # import-time deprecations inside third-party packages (warnings are errors in this suite)
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

    from scenes import bayes as clip

from app.models import bayes as model

ROOT = Path(__file__).resolve().parents[2]
DRY_RUN = {"dry_run": True, "quality": "low_quality", "disable_caching": True, "progress_bar": "none",
           "verbosity": "WARNING", "frame_rate": 5}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(clip.PARAMS_ENV, raising=False)


class Recorded(clip.BayesUpdateScene):
    def __init__(self, *args, **kwargs):
        self.sections_seen, self.captions_seen, self.spans = [], [], []
        super().__init__(*args, **kwargs)

    def next_section(self, name="unnamed", *args, **kwargs):
        self.sections_seen.append(name)
        super().next_section(name, *args, **kwargs)

    def add_subcaption(self, content, duration=1, offset=0):
        self.captions_seen.append(content)
        self.spans.append((self.time + offset, self.time + offset + duration))
        super().add_subcaption(content, duration, offset)


def render(tmp_path, monkeypatch, params: dict | None = None) -> Recorded:
    if params is not None:
        path = tmp_path / "params.json"
        path.write_text(json.dumps(params), "utf-8")
        monkeypatch.setenv(clip.PARAMS_ENV, str(path))
    with tempconfig({**DRY_RUN, "media_dir": str(tmp_path / "media")}):
        scene = Recorded()
        scene.render()
    return scene


def test_defaults_come_from_the_lesson_and_flips_are_seeded(tmp_path, monkeypatch):
    monkeypatch.setattr(clip, "FLIPS", 12)  # fewer flips: the same steps, faster
    p = clip.load_params()
    assert (p["alpha"], p["beta"], p["true_p"], p["seed"], p["lang"]) == (1.0, 1.0, 0.7, 6.0, "en")
    scene = render(tmp_path, monkeypatch)
    expected = model.flips(np.random.default_rng(6), clip.FLIPS, 0.7)
    np.testing.assert_array_equal(scene.obs, expected)
    # one posterior per flip (and the prior first), each the model's Beta(1 + h, 1 + t)
    assert len(scene.coins) == clip.FLIPS + 1
    for k, coin in enumerate(scene.coins):
        h = int(expected[:k].sum())
        assert (coin.heads, coin.tails) == (h, k - h)
    assert scene.sections_seen == ["prior", "flips", "posterior"]
    assert len(scene.captions_seen) == 3 and "Beta(1, 1)" in scene.captions_seen[0]
    final = scene.coins[-1]
    lo, hi = final.equal_tailed
    assert f"[{clip.short(lo)}, {clip.short(hi)}]" in scene.captions_seen[-1]
    # the subcaptions tile the clip: each runs until the next starts, the last until the end
    spans = np.array(scene.spans)
    assert spans[0, 0] == 0 and spans[-1, 1] == pytest.approx(scene.time)
    np.testing.assert_allclose(spans[1:, 0], spans[:-1, 1])
    assert scene.post_tex.latex.endswith(rf"\mathrm{{Beta}}({clip.short(1 + final.heads)},\ {clip.short(1 + final.tails)})")


def test_the_learners_counts_and_prior_are_replayed(tmp_path, monkeypatch):
    scene = render(tmp_path, monkeypatch, {"alpha": 2.5, "beta": 4, "heads": 7, "tails": 3, "lang": "zh", "h": 1})
    assert len(scene.obs) == 10 and scene.obs.sum() == 7
    final = scene.coins[-1]
    assert (final.alpha, final.beta, final.heads, final.tails) == (2.5, 4.0, 7, 3)
    assert any("\u4e00" <= ch <= "\u9fff" for c in scene.captions_seen for ch in c)  # Chinese captions


def test_the_explorers_order_is_replayed_exactly(tmp_path, monkeypatch):
    """"Render current state" sends the counts at the timeline's step and their order."""
    scene = render(tmp_path, monkeypatch, {"alpha": 2, "beta": 2, "heads": 3, "tails": 2, "order": "TTHHH"})
    np.testing.assert_array_equal(scene.obs, [0, 0, 1, 1, 1])  # not the even spread HTHTH
    assert [(c.heads, c.tails) for c in scene.coins] == [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (3, 2)]
    # an order shorter than the counts (the explorer sends the first ORDER_MAX): the rest follow it
    p = {"heads": 5, "tails": 3, "order": "HHT"}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(p), "utf-8")
    obs = clip.observations(clip.load_params(path))
    assert list(obs[:3]) == [1, 1, 0] and obs.sum() == 5 and len(obs) == 8


def test_an_empty_record_shows_the_prior_alone(tmp_path, monkeypatch):
    scene = render(tmp_path, monkeypatch, {"alpha": 3, "beta": 2, "heads": 0, "tails": 0, "order": ""})
    assert len(scene.obs) == 0 and len(scene.coins) == 1  # no random flips: the timeline was at step 0
    assert any("No flips yet" in c for c in scene.captions_seen)
    assert scene.sections_seen == ["prior", "flips", "posterior"]


def test_many_flips_arrive_in_one_step_after_the_first_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(clip, "SHOWN", 8)
    scene = render(tmp_path, monkeypatch, {"heads": 600000, "tails": 400000})
    assert len(scene.coins) == 8 + 2  # the prior, SHOWN flips one by one, then the rest
    assert (scene.coins[-1].heads, scene.coins[-1].tails) == (600000, 400000)
    assert any("999,992 more" in c for c in scene.captions_seen)
    assert np.isfinite(scene.band.get_all_points()).all()


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "not valid JSON"),
    ("[1]", "expected a JSON object"),
    ('{"alpha": 0}', "'alpha' must be > 0"),
    ('{"beta": "2"}', "'beta' must be a finite number"),
    ('{"heads": NaN}', "'heads' must be a finite number"),
    ('{"lang": "fr"}', "'lang' must be one of"),
    ('{"heads": 2, "tails": 1, "order": "HXT"}', "'order' must be a string of H"),
    ('{"heads": 2, "tails": 1, "order": 7}', "'order' must be a string of H"),
    ('{"heads": 1, "tails": 1, "order": "HHT"}', "'order' has 2 heads and 1 tails, more than"),
])
def test_bad_params_file_is_reported_with_its_name(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    with pytest.raises(clip.ParamsError, match=fragment) as info:
        clip.load_params(path)
    assert "bad.json" in str(info.value)


def test_missing_params_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(clip.PARAMS_ENV, str(tmp_path / "nope.json"))
    with pytest.raises(clip.ParamsError, match="nope.json.*cannot read"):
        clip.BayesUpdateScene()


def test_plain_manim_cli_renders_it_from_the_repo_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", clip.PARAMS_ENV)}
    params = tmp_path / "params.json"
    params.write_text('{"heads": 3, "tails": 2}', "utf-8")  # five flips: quick, yet every section
    env |= {"MATHLENS_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200", clip.PARAMS_ENV: str(params)}
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "render", "--dry_run", "-ql", "--fps", "5", "--progress_bar", "none",
         "--media_dir", str(tmp_path / "media"), "scenes/bayes.py", "BayesUpdateScene"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    assert "Rendered BayesUpdateScene" in " ".join(proc.stdout.split())
