"""`mathlens list` and `mathlens check-lessons`, run as a user would (a real process)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_list_groups_lessons_by_week():
    result = run("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Week 1: Vectors, linear maps, basis and rank"
    assert any(line.split()[0] == "linear-transforms" and "Linear transforms" in line for line in lines[1:])


def test_check_lessons_passes_on_shipped_lessons():
    result = run("check-lessons")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 with errors" in result.stdout


def test_check_lessons_fails_on_a_bad_file(tmp_path):
    # a copy of the project whose lessons folder has one broken file
    copy = tmp_path / "proj"
    shutil.copytree(ROOT / "app", copy / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "lessons", copy / "lessons")
    shutil.copytree(ROOT / "scenes", copy / "scenes", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "lessons" / "broken.toml").write_text('id = "broken"\nweek = "soon"\n', "utf-8")
    result = run("check-lessons", cwd=copy)
    assert result.returncode == 1
    assert "broken.toml: field 'week'" in result.stdout
    shipped = len(list((ROOT / "lessons").glob("*.toml"))) - 1  # minus curriculum.toml
    assert f"{shipped} lesson(s) valid, 1 with errors" in result.stdout


def test_unknown_command_is_an_error():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
