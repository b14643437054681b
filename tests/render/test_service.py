"""app/render: a real manim render of a tiny scene at preview quality (480p15), checked with PyAV;
the cache (a second request starts no process); cancel leaves nothing behind; a scene that raises
reaches the error dialog. One render of ~1 s of video, so the module stays around 20 s."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import av
import pytest

from app.render import dialog
from app.render.jobs import ClipCache, RenderRequest
from app.render.service import RenderService

ROOT = Path(__file__).resolve().parents[2]

TINY = textwrap.dedent(f'''
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    from manim import BLUE, LEFT, RIGHT, FadeIn, Rotate, Scene, Square
    from scenes.mathtex import math_tex
    from scenes.params import number, read_params_file

    class Tiny(Scene):
        def construct(self):
            raw = read_params_file()
            side = number(raw, "side", 1.0)
            self.next_section("square")
            self.add_subcaption("A square.", duration=0.5)
            sq = Square(side_length=side, color=BLUE, fill_opacity=1).shift(LEFT * 3)
            self.play(FadeIn(sq), run_time=0.5)
            self.next_section("formula")
            self.add_subcaption("A formula.", duration=0.5)
            self.add(math_tex(r"a^2 + b^2 = c^2", font_size=96).shift(RIGHT * 2))
            self.wait(0.5)

    class Slow(Scene):
        def construct(self):
            sq = Square()
            for _ in range(60):
                self.play(Rotate(sq, 0.5), run_time=1.0)

    class Broken(Scene):
        def construct(self):
            raise ValueError("this scene is broken on purpose")
''')


@pytest.fixture
def scenes_dir(tmp_path) -> Path:
    d = tmp_path / "scenes"
    d.mkdir()
    (d / "tiny.py").write_text(TINY, "utf-8")
    return d


@pytest.fixture
def service(qtbot, tmp_path):
    s = RenderService(ClipCache(tmp_path / "cache"))
    yield s
    s.shutdown()


def request(scenes_dir: Path, cls: str = "Tiny", **params) -> RenderRequest:
    return RenderRequest("tiny", "tiny.py", cls, params, "en", "preview", scenes_dir)


def leftovers(cache: ClipCache) -> list[Path]:
    return list((cache.root / "tmp").glob("*")) if (cache.root / "tmp").exists() else []


def test_renders_checks_the_mp4_and_a_second_request_is_a_cache_hit(qtbot, service, scenes_dir):
    req = request(scenes_dir, side=2.0)
    labels = []
    service.progress.connect(lambda overall, anim, label: labels.append(label))
    with qtbot.waitSignal(service.finished, timeout=90_000) as done:
        assert service.render(req) is None  # not cached: a process starts
    clip = done.args[0]
    assert service.processes_started == 1 and not leftovers(service.cache)
    assert any("FadeIn(Square)" in label for label in labels), labels  # the current animation's name

    with av.open(str(clip.video)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (854, 480)
        assert float(stream.duration * stream.time_base) == pytest.approx(1.0, abs=0.15)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == pytest.approx(15, abs=2)
    last = frames[-1].astype(int)
    assert last.std() > 10  # not blank
    left, right = last[:, :300], last[:, 480:]
    blue = (left[..., 2] > 150) & (left[..., 0] < 120)
    assert blue.sum() > 60 * 60  # the 2-unit square (~140 px wide) on the left
    assert (right.max(axis=2) > 200).sum() > 2000  # the white formula on the right has ink
    assert frames[0].astype(int).std() < last.std()  # the square fades in

    info = json.loads((clip.folder / "clip.json").read_text("utf-8"))
    assert info["params"] == {"side": 2.0, "lang": "en"} and info["quality"] == "preview"
    assert [s.name for s in clip.sections()] == ["square", "formula"]
    assert clip.sections()[1].start == pytest.approx(0.5, abs=0.07)
    assert "A formula." in clip.subtitles.read_text("utf-8")

    assert service.cache.animation_count("Tiny") == 2  # the next render's bar can show the whole clip

    again = service.render(request(scenes_dir, side=2.0))
    assert again is not None and again.video == clip.video
    assert service.processes_started == 1  # the cache answered; no manim
    # other parameters, or another quality, are another clip
    assert service.lookup(request(scenes_dir, side=1.5)) is None
    assert service.lookup(RenderRequest("tiny", "tiny.py", "Tiny", {"side": 2.0}, "en", "720p", scenes_dir)) is None


def test_sweep_removes_only_old_scratch(tmp_path, scenes_dir):
    cache = ClipCache(tmp_path / "c")
    old, new = cache.scratch(request(scenes_dir)), cache.scratch(request(scenes_dir))
    os.utime(old, (0, 0))
    cache.sweep()
    assert not old.exists() and new.exists()


def test_an_edited_scene_is_a_different_clip(scenes_dir):
    before = request(scenes_dir).key()
    (scenes_dir / "tiny.py").write_text(TINY + "\n# edited\n", "utf-8")
    assert request(scenes_dir).key() != before
    assert request(scenes_dir, side=1).key() == request(scenes_dir, side=1.0).key()  # same JSON number


def test_cancel_kills_manim_and_leaves_no_file(qtbot, service, scenes_dir):
    req = request(scenes_dir, "Slow")
    with qtbot.waitSignal(service.progress, timeout=60_000,
                          check_params_cb=lambda overall, anim, label: "Rotate" in label):
        service.render(req)
    assert service.is_busy() and leftovers(service.cache)  # it is rendering, in scratch
    with qtbot.waitSignal(service.cancelled, timeout=10_000):
        service.cancel()
    assert not service.is_busy()
    assert not leftovers(service.cache)
    assert not (service.cache.root / "clips").exists() or not any((service.cache.root / "clips").iterdir())
    assert service.lookup(req) is None


class FakeBox:
    """Stands in for QMessageBox: records what the dialog would show."""

    shown: list[FakeBox] = []

    class Icon:
        Warning = 2

    class ButtonRole:
        ActionRole = 3

    class StandardButton:
        Close = 4

    def __init__(self, parent=None):
        self.texts, self.buttons = {}, []
        FakeBox.shown.append(self)

    def __getattr__(self, name):
        if name.startswith("set"):
            return lambda value: self.texts.__setitem__(name[3:], value)
        raise AttributeError(name)

    def addButton(self, *args):  # noqa: N802 (Qt name)
        from PySide6.QtWidgets import QPushButton

        button = QPushButton(str(args[0]))
        self.buttons.append(button)
        return button

    def open(self):
        self.texts["opened"] = True


def test_a_scene_that_raises_opens_the_error_dialog_and_the_panel_stays_usable(qtbot, service, scenes_dir,
                                                                               monkeypatch):
    from PySide6.QtGui import QGuiApplication

    monkeypatch.setattr(dialog, "QMessageBox", FakeBox)
    FakeBox.shown.clear()
    with qtbot.waitSignal(service.failed, timeout=90_000) as failed:
        service.render(request(scenes_dir, "Broken"))
    failure = failed.args[0]
    assert "this scene is broken on purpose" in failure.message
    assert not service.is_busy() and not leftovers(service.cache)

    dialog.show_render_error(None, failure)
    box = FakeBox.shown[-1]
    assert box.texts["opened"]
    assert "this scene is broken on purpose" in box.texts["Text"]
    assert "broken on purpose" in box.texts["InformativeText"]  # the last lines of the log
    assert box.texts["DetailedText"] == failure.log
    copy = next(b for b in box.buttons if b.text() == "Copy full log")
    copy.click()
    assert QGuiApplication.clipboard().text() == failure.log
    # the service renders again after a failure
    with qtbot.waitSignal(service.failed, timeout=90_000):
        service.render(request(scenes_dir, "Broken", side=3.0))
    assert service.processes_started == 2


def test_batch_render_one_fills_and_uses_the_cache(tmp_path, scenes_dir):
    from app.render.batch import render_one

    cache = ClipCache(tmp_path / "batch-cache")
    first = render_one(request(scenes_dir, side=0.5), cache)
    assert first.ok and not first.cached and first.video.is_file(), first.message
    again = render_one(request(scenes_dir, side=0.5), cache)
    assert again.cached and again.video == first.video and again.seconds == 0.0
    broken = render_one(request(scenes_dir, "Broken"), cache)
    assert not broken.ok and "broken on purpose" in broken.message and not leftovers(cache)


def test_cli_render_arguments(capsys):
    from app.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(["render"])
    assert info.value.code == 2 and "--lesson ID or --all" in capsys.readouterr().err
    assert main(["render", "--lesson", "no-such-lesson"]) == 2
    assert "no lesson 'no-such-lesson'" in capsys.readouterr().err


def test_the_gui_side_never_imports_manim():
    import subprocess
    import sys

    code = ("import sys; import app.render.service, app.render.batch, app.widgets.clip_panel, "
            "app.widgets.clip_player, app.shell.lesson_page; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('manim', 'scenes')); "
            "assert not bad, bad")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
