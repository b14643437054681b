"""The Clip tab of a lesson page: a cached clip shows at once (no process); "Render current state"
renders the explorer's params() (not the lesson's); Cancel returns the panel to idle; a failure
opens the dialog; page.clip_player.toggle_play() exists for the projector's P key."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from app.lessons import LESSONS_DIR, load_lesson
from app.render import dialog
from app.render.jobs import CACHE_ENV, RenderRequest
from app.render.service import RenderFailure


@pytest.fixture
def page(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    from app.shell.lesson_page import LessonPage

    p = LessonPage(load_lesson(LESSONS_DIR / "linear-transforms.toml"))
    qtbot.addWidget(p)
    yield p
    p.clip_panel.shutdown()


def fake_clip(folder) -> None:
    """What a finished render leaves in the cache: a 1 s mp4 (PyAV, no manim)."""
    folder.mkdir(parents=True)
    with av.open(str(folder / "clip.mp4"), "w") as out:
        stream = out.add_stream("libx264", rate=15)
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 15)
        for i in range(15):
            frame = av.VideoFrame.from_ndarray(np.full((96, 160, 3), 16 * i, np.uint8), format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())


def test_a_cached_clip_shows_at_once_without_a_render(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    from app.shell.lesson_page import LessonPage

    lesson = load_lesson(LESSONS_DIR / "linear-transforms.toml")
    request = RenderRequest.for_lesson(lesson)
    fake_clip(tmp_path / "cache" / "clips" / request.key())
    page = LessonPage(lesson)
    qtbot.addWidget(page)
    assert page.clip_player.clip is not None and page.clip_player.clip.video.is_file()
    assert page.clip_panel.service.processes_started == 0
    assert "from the cache" in page.clip_panel.status.text()
    page.clip_player.toggle_play()  # the projector's P key
    qtbot.waitUntil(page.clip_player.is_playing, timeout=5_000)
    page.clip_player.toggle_play()
    assert not page.clip_player.is_playing()
    page.clip_panel.shutdown()


def test_not_rendered_yet_says_so(page):
    assert page.clip_player.clip is None
    assert "not rendered yet" in page.clip_panel.status.text()
    page.clip_player.toggle_play()  # harmless without a clip
    assert not page.clip_player.is_playing()


def test_render_current_state_uses_the_explorers_params_and_cancel_returns_to_idle(qtbot, page):
    panel = page.clip_panel
    page.explorer.set_params({"a": 2.0, "b": -1.0, "c": 0.5, "d": 0.25})
    shown = page.explorer.params()
    assert shown != page.lesson.defaults()
    with qtbot.waitSignal(panel.service.started, timeout=5_000) as started:
        panel.current_button.click()
    request = started.args[0]
    assert request.params == shown and request.lang == "en" and request.quality == "preview"
    assert request.class_name == "LinearTransformScene"
    assert panel.cancel_button.isEnabled() and panel.progress.isVisible() is not None
    assert "current state" in panel.status.text()
    with qtbot.waitSignal(panel.service.cancelled, timeout=10_000):
        panel.cancel_button.click()
    assert not panel.service.is_busy() and not panel.cancel_button.isEnabled()
    assert panel.status.text() == "Render cancelled."
    assert panel.service.processes_started == 1


def test_a_failure_opens_the_dialog_and_the_panel_stays_usable(qtbot, page, monkeypatch):
    shown = []
    monkeypatch.setattr(dialog, "show_render_error", lambda parent, failure: shown.append(failure))
    panel = page.clip_panel
    failure = RenderFailure(RenderRequest.for_lesson(page.lesson), "ValueError: boom", "line 1\nValueError: boom")
    panel.service.failed.emit(failure)
    assert shown == [failure] and panel.last_failure is failure
    assert "boom" in panel.status.text() and panel.render_button.isEnabled() and panel.quality.isEnabled()


def test_quality_choice_is_part_of_the_request(page):
    panel = page.clip_panel
    panel.quality.setCurrentIndex(panel.quality.findData("1080p"))
    req = panel.request(current=False)
    assert req.quality == "1080p" and req.params == page.lesson.defaults()
    assert req.key() != RenderRequest.for_lesson(page.lesson).key()
