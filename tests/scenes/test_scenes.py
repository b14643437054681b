"""scenes/linear_transform.py: every scene renders (manim dry run), with the lesson's matrix or
the one in the $MATHLENS_PARAMS file, for ordinary and degenerate matrices, and the plain manim
CLI can load the file from the repo root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest

with warnings.catch_warnings():
    # import-time deprecations inside third-party packages (warnings are errors in this suite):
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

    import scenes.linear_transform as lt

ROOT = Path(__file__).resolve().parents[2]
SCENES = [lt.LinearTransformScene, lt.DeterminantScene, lt.EigenvectorScene]
DRY_RUN = {"dry_run": True, "quality": "low_quality", "disable_caching": True}
QUIET = {"progress_bar": "none", "verbosity": "WARNING"}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("MATHLENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(lt.PARAMS_ENV, raising=False)


def recording(cls):
    """``cls`` with its sections and subcaptions recorded on the instance."""

    class Recorded(cls):
        def __init__(self, *args, **kwargs):
            self.sections_seen, self.captions_seen, self.caption_spans, self.plays = [], [], [], 0
            super().__init__(*args, **kwargs)

        def next_section(self, name="unnamed", *args, **kwargs):
            self.sections_seen.append(name)
            super().next_section(name, *args, **kwargs)

        def play(self, *args, **kwargs):
            self.plays += 1
            super().play(*args, **kwargs)

        def add_subcaption(self, content, duration=1, offset=0):
            self.captions_seen.append(content)
            self.caption_spans.append((self.time + offset, self.time + offset + duration))
            super().add_subcaption(content, duration, offset)

    Recorded.__name__ = cls.__name__
    return Recorded


def render(cls, tmp_path, **extra):
    with tempconfig({**DRY_RUN, **QUIET, "media_dir": str(tmp_path / "media"), **extra}):
        scene = recording(cls)()
        scene.render()
    return scene


def write_params(tmp_path, monkeypatch, params) -> Path:
    path = tmp_path / "params.json"
    path.write_text(json.dumps(params), "utf-8")
    monkeypatch.setenv(lt.PARAMS_ENV, str(path))
    return path


def toml_matrix(lesson_id: str) -> np.ndarray:
    with open(ROOT / "lessons" / f"{lesson_id}.toml", "rb") as f:
        p = tomllib.load(f)["params"]
    return np.array([[p["a"], p["b"]], [p["c"], p["d"]]], dtype=float)


# --- rendering ------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", SCENES, ids=lambda c: c.__name__)
def test_renders_with_the_lessons_matrix_without_a_params_file(cls, tmp_path):
    scene = render(cls, tmp_path)
    np.testing.assert_array_equal(scene.matrix(), toml_matrix(cls.lesson_id))
    assert scene.params["lang"] == "en"
    assert len(scene.sections_seen) >= 3 and all(name.isascii() for name in scene.sections_seen)
    assert len(scene.captions_seen) >= 3 and all(c.strip() for c in scene.captions_seen)
    assert not any("\u4e00" <= ch <= "\u9fff" for c in scene.captions_seen for ch in c)  # English
    # the subcaptions tile the clip: each runs until the next starts, the last until the end
    spans = np.array(scene.caption_spans)
    assert spans[0, 0] == 0 and spans[-1, 1] == pytest.approx(scene.time)
    np.testing.assert_allclose(spans[1:, 0], spans[:-1, 1])
    assert np.all(spans[:, 1] - spans[:, 0] >= 1.0)
    assert scene.plays >= 5


@pytest.mark.parametrize("cls", SCENES, ids=lambda c: c.__name__)
def test_renders_the_matrix_from_the_params_file(cls, tmp_path, monkeypatch):
    write_params(tmp_path, monkeypatch, {"a": 0.5, "b": -1.5, "c": 2.0, "d": 0.25, "lang": "zh"})
    scene = render(cls, tmp_path, frame_rate=5)  # fewer frames: what is drawn, not how it moves
    np.testing.assert_array_equal(scene.matrix(), [[0.5, -1.5], [2.0, 0.25]])
    # the matrix on screen is that matrix too
    assert scene.matrix_label.latex.split("=")[1].split() == [
        r"\begin{bmatrix}", "0.5", "&", "{-1.5}", r"\\", "2", "&", "0.25", r"\end{bmatrix}"
    ]
    assert scene.lang == "zh"
    if cls is lt.LinearTransformScene:  # numbers in captions are plain text
        assert "î 落在 (0.5, 2)，ĵ 落在 (-1.5, 0.25)。" in scene.captions_seen
    assert any("\u4e00" <= ch <= "\u9fff" for c in scene.captions_seen for ch in c)


MATRICES = {
    "zero": [[0, 0], [0, 0]],
    "projection": [[1, 0], [0, 0]],
    "reflection": [[0, 1], [1, 0]],
    "corner": [[4, -4], [4, 4]],  # the largest entries a lesson allows
    # the eigen cases, rendered by test_eigen_scene_states_the_eigen_structure:
    "singular": [[1, 2], [0.5, 1]],
    "defective": [[1, 1], [0, 1]],
    "scalar": [[2, 0], [0, 2]],
    "rotation": [[0, -1], [1, 0]],
}


@pytest.mark.parametrize("name", ["zero", "projection", "reflection", "corner"])
@pytest.mark.parametrize("cls", SCENES, ids=lambda c: c.__name__)
def test_degenerate_and_extreme_matrices_render_without_warnings(cls, name, tmp_path, monkeypatch):
    (a, b), (c, d) = MATRICES[name]
    write_params(tmp_path, monkeypatch, {"a": a, "b": b, "c": c, "d": d})
    scene = render(cls, tmp_path, frame_rate=5)
    np.testing.assert_array_equal(scene.matrix(), MATRICES[name])


def test_eigen_scene_states_the_eigen_structure(tmp_path, monkeypatch):
    cases = {
        "defective": ("repeated", r"\lambda_1 = \lambda_2 = 1", "only one eigenline"),
        "scalar": ("repeated", r"\lambda_1 = \lambda_2 = 2", "every direction"),
        "rotation": ("complex", r"\lambda = \pm i", "no real direction"),
        "singular": ("real", r"\lambda_1 = 2,\; \lambda_2 = 0", "two lines"),
    }
    for name, (kind, roots, caption) in cases.items():
        (a, b), (c, d) = MATRICES[name]
        write_params(tmp_path, monkeypatch, {"a": a, "b": b, "c": c, "d": d})
        scene = render(lt.EigenvectorScene, tmp_path, frame_rate=5)
        assert scene.eigen.kind == kind, name
        assert scene.eigen_label.latex.endswith(roots), name
        assert any(caption in cap for cap in scene.captions_seen), (name, scene.captions_seen)


def test_plain_manim_cli_loads_the_file_from_the_repo_root(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", lt.PARAMS_ENV)}
    env |= {"MATHLENS_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    names = [cls.__name__ for cls in SCENES]
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "render", "--dry_run", "-ql", "--fps", "5", "--progress_bar", "none",
         "--media_dir", str(tmp_path / "media"), "scenes/linear_transform.py", *names],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    log = " ".join(proc.stdout.split())  # rich wraps long log lines
    for name in names:
        assert f"Rendered {name}" in log, log[-3000:]


# --- parameters -----------------------------------------------------------------------------
def test_every_lesson_that_names_this_file_maps_to_a_scene_with_its_id():
    for path in sorted((ROOT / "lessons").glob("*.toml")):
        with open(path, "rb") as f:
            lesson = tomllib.load(f)
        scene = lesson.get("scene", {})
        if scene.get("file") == "linear_transform.py":
            assert getattr(lt, scene["class"]).lesson_id == lesson["id"], path.name


def test_partial_params_keep_the_lessons_other_entries(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"b": 3, "t": 0.5, "beat": "Shear"}', "utf-8")  # unknown keys are ignored
    params = lt.load_params("determinant", path)
    assert params == {"a": 1.5, "b": 3.0, "c": 0.5, "d": 1.0, "lang": "en"}


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"a": "2"}', "'a' must be a finite number"),
        ('{"d": NaN}', "'d' must be a finite number"),
        ('{"c": true}', "'c' must be a finite number"),
        ('{"lang": "fr"}', "'lang' must be one of"),
    ],
)
def test_bad_params_file_is_reported_with_its_name(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    with pytest.raises(lt.ParamsError, match=fragment) as info:
        lt.load_params("eigenvectors", path)
    assert "bad.json" in str(info.value)


def test_missing_params_file_is_an_error_not_a_silent_default(tmp_path, monkeypatch):
    monkeypatch.setenv(lt.PARAMS_ENV, str(tmp_path / "nope.json"))
    with pytest.raises(lt.ParamsError, match="nope.json.*cannot read"):
        lt.LinearTransformScene()


@pytest.mark.parametrize(
    "x, text", [(1.0, "1"), (-0.5, "{-0.5}"), (0.7071, "0.71"), (-0.001, "0"), (2.999, "3"), (12.5, "12.5")]
)
def test_numbers_are_short(x, text):
    assert lt.num(x) == text


@pytest.mark.parametrize(
    "tr, det, text",
    [(4, 3, r"\lambda^2 - 4\lambda + 3"), (0, 1, r"\lambda^2 + 1"), (-1, 0, r"\lambda^2 + \lambda"),
     (2, 1, r"\lambda^2 - 2\lambda + 1"), (0, 0, r"\lambda^2")],
)
def test_characteristic_polynomial_text(tr, det, text):
    assert lt.char_poly(tr, det) == text
