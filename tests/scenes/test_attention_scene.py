"""scenes/attention.py: the clip renders (manim dry run) with the lesson's defaults or the
$MATHLENS_PARAMS file, shows the model's own numbers at every stage, and loads from the plain CLI."""

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
    # import-time deprecations inside third-party packages (warnings are errors in this suite):
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

    import scenes.attention as sa

from app.models import attention as model

ROOT = Path(__file__).resolve().parents[2]
DRY_RUN = {"dry_run": True, "quality": "low_quality", "disable_caching": True, "frame_rate": 5}
QUIET = {"progress_bar": "none", "verbosity": "WARNING"}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(sa.PARAMS_ENV, raising=False)


class Recorded(sa.AttentionScene):
    def __init__(self, *args, **kwargs):
        self.sections_seen, self.captions_seen = [], []
        super().__init__(*args, **kwargs)

    def next_section(self, name="unnamed", *args, **kwargs):
        self.sections_seen.append(name)
        super().next_section(name, *args, **kwargs)

    def add_subcaption(self, content, *args, **kwargs):
        self.captions_seen.append(content)
        super().add_subcaption(content, *args, **kwargs)


def render(tmp_path) -> Recorded:
    with tempconfig({**DRY_RUN, **QUIET, "media_dir": str(tmp_path / "media")}):
        scene = Recorded()
        scene.render()
    return scene


def write_params(tmp_path, monkeypatch, params) -> Path:
    path = tmp_path / "params.json"
    path.write_text(json.dumps(params, ensure_ascii=False), "utf-8")
    monkeypatch.setenv(sa.PARAMS_ENV, str(path))
    return path


def _texts(values: np.ndarray) -> list[str]:
    return [sa.cell_text(float(v)) for v in values.ravel()]


def test_renders_the_lesson_defaults_stage_by_stage(tmp_path):
    scene = render(tmp_path)
    assert scene.sections_seen == ["tokens", "scores", "scaled", "softmax", "weighted sum"]
    assert len(scene.captions_seen) == 5 and all(c.strip() for c in scene.captions_seen)
    assert not any("\u4e00" <= ch <= "\u9fff" for c in scene.captions_seen for ch in c)  # English
    assert scene.tokens == model.tokenize(sa.SENTENCE)
    lesson = sa.lesson_defaults()
    assert scene.model.config.d_k == int(lesson["d_k"]) and scene.model.config.heads == int(lesson["heads"])
    # every number on screen is the model's, which is PyTorch's softmax(QKᵀ/√d_k)
    m = model.AttentionModel(sa.SENTENCE, model.Config.from_params(lesson))
    q, k, _ = m.qkv[:, 0]
    assert scene.shown["scores"] == _texts(q @ k.T)
    assert scene.shown["scaled"] == _texts(q @ k.T / np.sqrt(m.config.d_k))
    assert scene.shown["softmax"] == _texts(model.attention_weights(q, k))
    row = scene.weights()[scene.query]
    assert scene.shown["output"] == [f"{x:.2f}" for x in (row @ m.qkv[2, 0])[:4]]
    assert f"“{scene.tokens[int(np.argmax(row))]}”" in scene.captions_seen[-1]


def test_renders_the_params_file_causal_chinese_and_hot(tmp_path, monkeypatch):
    write_params(tmp_path, monkeypatch, {"causal": 1, "temperature": 2.0, "query": 2, "lang": "zh",
                                         "sentence": "我们学习注意力", "head": 1, "d_k": 4})
    scene = render(tmp_path)
    assert "mask" in scene.sections_seen
    assert scene.tokens == list("我们学习注意力") and scene.query == 2 and scene.head == 1
    n = len(scene.tokens)
    masked = np.array(scene.shown["mask"]).reshape(n, n)
    assert all(masked[i, j] == "−∞" for i in range(n) for j in range(n) if j > i)
    assert all(masked[i, j] != "−∞" for i in range(n) for j in range(n) if j <= i)
    weights = np.array(scene.shown["softmax"]).reshape(n, n)
    assert all(weights[i, j] == "0.00" for i in range(n) for j in range(n) if j > i)
    assert any("\u4e00" <= ch <= "\u9fff" for c in scene.captions_seen for ch in c)
    assert "T = 2" in "".join(scene.captions_seen)
    assert any(r"\sqrt{d_k}\, T" in f for f in scene.formulas)


def test_without_scaling_the_formula_and_caption_say_so(tmp_path, monkeypatch):
    write_params(tmp_path, monkeypatch, {"scaled": 0, "d_k": 64})
    scene = render(tmp_path)
    assert not any("sqrt" in f for f in scene.formulas)
    assert any("Without ÷√d_k" in c for c in scene.captions_seen)
    w = scene.weights()
    assert w.max(axis=1).mean() > 0.75  # unscaled at d_k = 64: nearly one-hot rows


def test_a_long_sentence_is_cut_to_a_readable_grid(tmp_path, monkeypatch):
    write_params(tmp_path, monkeypatch, {"sentence": "one two three four five six seven eight nine ten", "query": 9})
    scene = render(tmp_path)
    assert len(scene.tokens) == sa.MAX_TOKENS and scene.query == sa.MAX_TOKENS - 1
    assert len(scene.shown["softmax"]) == sa.MAX_TOKENS**2


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"temperature": "hot"}', "'temperature' must be a finite number"),
    ('{"causal": true}', "'causal' must be a finite number"),
    ('{"lang": "fr"}', "'lang' must be one of"),
    ('{"sentence": "   "}', "'sentence' must be text"),
])
def test_bad_params_file_is_reported_with_its_name(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    with pytest.raises(sa.ParamsError, match=fragment) as info:
        sa.load_params(path)
    assert "bad.json" in str(info.value)


def test_params_are_clamped_to_the_models_ranges(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"temperature": 1e9, "d_k": 1000, "unknown": 3}', "utf-8")
    p = sa.load_params(path)
    assert p["temperature"] == 1e6 and p["d_k"] == 64 and "unknown" not in p


def test_missing_params_file_is_an_error_not_a_silent_default(tmp_path, monkeypatch):
    monkeypatch.setenv(sa.PARAMS_ENV, str(tmp_path / "nope.json"))
    with pytest.raises(sa.ParamsError, match="nope.json.*cannot read"):
        sa.AttentionScene()


def test_plain_manim_cli_loads_the_file_from_the_repo_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", sa.PARAMS_ENV)}
    env |= {"MATHLENS_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "render", "--dry_run", "-ql", "--progress_bar", "none",
         "--media_dir", str(tmp_path / "media"), "scenes/attention.py", "AttentionScene"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    assert "Rendered AttentionScene" in " ".join(proc.stdout.split())
