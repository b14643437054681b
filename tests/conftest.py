"""Shared test set-up: headless Qt, and settings/caches in a throwaway folder."""

import os
import tempfile

# must happen before any QApplication exists
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = tempfile.mkdtemp(prefix="mathlens-test-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_tmp, "config")
os.environ["XDG_CACHE_HOME"] = os.path.join(_tmp, "cache")
os.environ["XDG_RUNTIME_DIR"] = os.path.join(_tmp, "runtime")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

import pytest  # noqa: E402


@pytest.fixture
def linear_lesson():
    from app.lessons import LESSONS_DIR, load_lesson

    return load_lesson(LESSONS_DIR / "linear-transforms.toml")
