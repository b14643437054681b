"""scenes/diagnostic.py: the diagnostic-test clip constructs (manim dry run) with the lesson's
defaults or the learner's rates from $MATHLENS_PARAMS; its people, positives and answer are the
model's; a rare disease, a positive that cannot happen and a repeated test are told as they are;
bad parameter files are reported with their name; the plain manim CLI renders it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

    from scenes import diagnostic as clip

from app.lessons import LESSONS_DIR, load_lesson
from app.models.bayes_diagnostic import Diagnostic, sequential
from scenes.params import PARAMS_ENV, ParamsError

ROOT = Path(__file__).resolve().parents[2]
DRY_RUN = {"dry_run": True, "quality": "low_quality", "disable_caching": True, "progress_bar": "none",
           "verbosity": "WARNING", "frame_rate": 5}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(PARAMS_ENV, raising=False)


class Recorded(clip.DiagnosticTestScene):
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
        monkeypatch.setenv(PARAMS_ENV, str(path))
    with tempconfig({**DRY_RUN, "media_dir": str(tmp_path / "media")}):
        scene = Recorded()
        scene.render()
    return scene


def test_the_lesson_points_to_this_scene():
    lesson = load_lesson(LESSONS_DIR / "bayes-diagnostic.toml")
    assert (lesson.scene.file, lesson.scene.class_name) == ("diagnostic.py", "DiagnosticTestScene")


def test_defaults_count_1000_people_and_split_the_positives(tmp_path, monkeypatch):
    scene = render(tmp_path, monkeypatch)
    assert (scene.params["base_rate"], scene.params["sensitivity"], scene.params["specificity"]) == (0.01, 0.9, 0.91)
    assert scene.counts == {"tp": 9, "fn": 1, "fp": 89, "tn": 901} and scene.people == 1000
    assert len(scene.dots) == 1000
    assert scene.sections_seen == ["base rate", "people", "test", "positives", "answer"]
    assert "1.0 %" in scene.captions_seen[0] and "10 are sick" in scene.captions_seen[1]
    assert "9 are sick, 89 are false alarms" in scene.captions_seen[3]
    assert "9 / (9 + 89) ≈ 9.2 %" in scene.captions_seen[4]
    exact, counted = scene.answer
    assert r"\frac{9}{9 + 89}" in counted.latex and r"\approx 0.0917" in exact.latex  # 0.009 / 0.0981
    spans = [tuple(s) for s in scene.spans]  # the subcaptions tile the clip
    assert spans[0][0] == 0 and spans[-1][1] == pytest.approx(scene.time)
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(spans, spans[1:], strict=False))


def test_the_learners_rates_and_repeated_tests(tmp_path, monkeypatch):
    scene = render(tmp_path, monkeypatch, {"base_rate": 0.02, "sensitivity": 0.95, "specificity": 0.8, "tests": 3,
                                            "lang": "zh", "alpha": 5, "order": "HT"})  # coin keys: ignored
    chain = sequential(Diagnostic(0.02, 0.95, 0.8), 3)
    assert scene.test == chain[-1] and scene.counts == chain[-1].counts(chain[-1].crowd())
    assert "第 3 次检测" in scene.captions_seen[0]
    post = chain[-1].p_disease_given_positive
    assert f"{100 * post:.1f} %" in scene.captions_seen[-1]


def test_a_rare_disease_is_counted_in_a_bigger_crowd(tmp_path, monkeypatch):
    scene = render(tmp_path, monkeypatch, {"base_rate": 0.0004})
    assert scene.people == 100_000 and scene.counts["tp"] == 36
    assert "Of 100 000 people, 40 are sick" in scene.captions_seen[1]
    assert "36 / (36 + 8 996)" in scene.captions_seen[-1]
    assert scene.dots_counts["tp"] == 0  # of the 1 000 drawn, nobody: the captions say more


def test_a_positive_that_cannot_happen_is_undefined(tmp_path, monkeypatch):
    scene = render(tmp_path, monkeypatch, {"base_rate": 0.0, "specificity": 1.0})
    assert "undefined" in scene.captions_seen[-1] and scene.answer.latex == r"P({+}) = 0"
    assert len(scene.captions_seen) >= 3 and scene.sections_seen[-1] == "answer"


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "not valid JSON"),
    ('{"base_rate": 1.5}', "'base_rate' must be a probability"),
    ('{"sensitivity": "high"}', "'sensitivity' must be a finite number"),
    ('{"lang": "fr"}', "'lang' must be one of"),
])
def test_bad_params_file_is_reported_with_its_name(tmp_path, monkeypatch, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    monkeypatch.setenv(PARAMS_ENV, str(path))
    with pytest.raises(ParamsError, match=fragment) as info:
        clip.load_params()
    assert "bad.json" in str(info.value)


def test_plain_manim_cli_renders_it_from_the_repo_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", PARAMS_ENV)}
    params = tmp_path / "params.json"
    params.write_text('{"base_rate": 0.05, "tests": 2}', "utf-8")
    env |= {"MATHLENS_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200", PARAMS_ENV: str(params)}
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "render", "--dry_run", "-ql", "--fps", "5", "--progress_bar", "none",
         "--media_dir", str(tmp_path / "media"), "scenes/diagnostic.py", "DiagnosticTestScene"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    assert "Rendered DiagnosticTestScene" in " ".join(proc.stdout.split())
