"""ClipPlayer: loads a clip folder (mp4 + srt + sections), plays headless through QtMultimedia's
FFmpeg backend (offscreen Qt), steps sections, speed, loop, captions, Space, and the
"open"/"show file" hand-offs. The clip is written here with PyAV (no manim): 3 sections of 1 s."""

from __future__ import annotations

import json
from fractions import Fraction

import av
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer

from app.render.jobs import Clip
from app.render.subtitles import cue_at, parse_srt
from app.widgets import clip_player
from app.widgets.clip_player import ClipPlayer

FPS, SECONDS, W, H = 15, 3, 320, 180
SRT = "1\n00:00:00,000 --> 00:00:01,000\nRed first.\n\n2\n00:00:01,000 --> 00:00:02,500\n绿色第二。\n"


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Clip:
    folder = tmp_path_factory.mktemp("clip")
    with av.open(str(folder / "clip.mp4"), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.codec_context.time_base = Fraction(1, FPS)
        for i in range(FPS * SECONDS):
            img = np.zeros((H, W, 3), np.uint8)
            img[..., i // FPS] = 220  # second 0 red, 1 green, 2 blue
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    (folder / "clip.srt").write_text(SRT, "utf-8")
    sections = [{"name": n, "start": float(k), "duration": 1.0} for k, n in enumerate(("red", "green", "blue"))]
    (folder / "clip.json").write_text(json.dumps({"class": "Test", "quality": "preview", "sections": sections}))
    return Clip(folder)


@pytest.fixture
def player(qtbot, clip):
    p = ClipPlayer()
    qtbot.addWidget(p)
    p.resize(640, 480)
    p.show()
    p.keep_frames = True
    with qtbot.waitSignal(p.player.durationChanged, timeout=10_000):
        p.load(clip)
    yield p
    p.unload()


def test_srt_parsing():
    cues = parse_srt(SRT)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 1000), (1000, 2500)]
    assert cue_at(cues, 1200).text == "绿色第二。" and cue_at(cues, 2600) is None


def test_loads_and_plays_headless(qtbot, player):
    assert player.player.duration() == pytest.approx(SECONDS * 1000, abs=100)
    assert player.seek.maximum() == player.player.duration()
    assert player.section_label.text() == "Section 1/3: red"
    assert player.caption.text() == "Red first."
    player.toggle_play()
    qtbot.waitUntil(lambda: player.player.position() > 400, timeout=10_000)
    assert player.is_playing() and player.play_button.text() == "Pause"
    # QtMultimedia's FFmpeg backend decodes under offscreen Qt: frames reach the video sink
    qtbot.waitUntil(lambda: player.frames_shown >= 3, timeout=5_000)
    frame = player._last_frame
    assert (frame.width(), frame.height()) == (W, H)
    player.toggle_play()
    assert not player.is_playing() and player.play_button.text() == "Play"


def test_sections_step_forward_and_back(qtbot, player, monkeypatch):
    monkeypatch.setattr(clip_player, "RESTART_GRACE_MS", 300)  # the test clip's sections are 1 s
    player.next_section()
    assert player.player.position() == 1000 and player.section_label.text() == "Section 2/3: green"
    assert player.caption.text() == "绿色第二。"
    player.next_section()
    assert player.player.position() == 2000
    player.next_section()  # no section after the last: stays
    assert player.player.position() == 2000
    player.set_position(2600)
    player.previous_section()  # well into "blue": back to its start
    assert player.player.position() == 2000
    player.previous_section()  # at the start of "blue": to "green"
    assert player.player.position() == 1000


def test_speed_loop_and_captions(player):
    player.set_speed(2.0)
    assert player.player.playbackRate() == 2.0 and player.speed.currentText() == "2×"
    player.set_speed(0.4)  # the nearest offered
    assert player.player.playbackRate() == 0.5
    player.set_loop(True)
    assert player.loop.isChecked() and player.player.loops() == QMediaPlayer.Loops.Infinite
    player.loop.setChecked(False)
    assert player.player.loops() == QMediaPlayer.Loops.Once
    player.captions.setChecked(False)
    assert player.caption.isHidden() and player.caption.text() == ""
    player.captions.setChecked(True)
    assert not player.caption.isHidden() and player.caption.text() == "Red first."


def test_space_toggles_play(qtbot, player):
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=5_000)
    qtbot.keyClick(player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5_000)


def test_open_and_show_file_hand_off_to_the_desktop(player, clip, monkeypatch):
    opened = []
    monkeypatch.setattr(clip_player, "open_url", lambda url: opened.append(url.toLocalFile()) or True)
    assert player.open_external() and player.show_file()
    assert opened == [str(clip.video), str(clip.folder)]


def test_empty_player_ignores_controls(qtbot):
    p = ClipPlayer()
    qtbot.addWidget(p)
    p.toggle_play()
    p.next_section()
    assert not p.is_playing() and not p.play_button.isEnabled() and not p.open_external()
