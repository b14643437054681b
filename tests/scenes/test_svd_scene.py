"""scenes/svd.py: the clip constructs (dry run), follows $MATHLENS_PARAMS and shows the PSNR counter."""

from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():
    # import-time deprecations inside third-party packages (warnings are errors in this suite)
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # pydub, via manim
    warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # ziamath 0.13
    from manim import tempconfig

    from scenes import svd as clip


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
    texts = []
    real = clip.SVDScene._counter

    def spy(fact, k):
        texts.append((k, real(fact, k).text))
        return real(fact, k)

    monkeypatch.setattr(clip.SVDScene, "_counter", staticmethod(spy))
    sections, captions = [], []
    real_section, real_caption = clip.SVDScene.next_section, clip.SVDScene.add_subcaption

    def section(self, name="unnamed", *args, **kw):
        sections.append(name)
        return real_section(self, name, *args, **kw)

    def caption(self, content, *args, **kw):
        captions.append(content)
        return real_caption(self, content, *args, **kw)

    monkeypatch.setattr(clip.SVDScene, "next_section", section)
    monkeypatch.setattr(clip.SVDScene, "add_subcaption", caption)
    monkeypatch.setattr(clip, "CLIP_SIDE", 16)  # fewer pixel squares and ranks: the same steps, faster
    monkeypatch.setattr(clip, "RANKS", (1, 2, 5))
    with tempconfig({"dry_run": True, "disable_caching": True, "media_dir": str(tmp_path / "media"),
                     "quality": "low_quality"}):
        scene = clip.SVDScene()
        scene.render()
    scene.sections, scene.captions = sections, captions
    return scene, texts


def test_defaults_come_from_the_lesson(tmp_path, monkeypatch):
    params = clip.load_params()
    assert params["k"] == 10 and params["sample"] == 0
    scene, texts = _construct(tmp_path, monkeypatch)
    ks = [k for k, _ in texts]
    assert ks[0] == 1 and ks == sorted(ks[:-1]) + [10]  # rebuilt layer by layer, then back to k
    assert ks.count(10) == 2 and max(ks) > 10
    assert all("PSNR" in t and "dB" in t for _, t in texts)
    # the PSNR in the counter is the model's, and it rises with k
    values = [float(t.split("PSNR")[1].split("dB")[0]) for _, t in texts[:-1] if "∞" not in t]
    assert values == sorted(values)
    assert scene.sections == ["idea", "layers", "result"]
    assert len(scene.captions) == 3 and "k = 10" in scene.captions[-1]


def test_params_file_picks_sample_and_k(tmp_path, monkeypatch):
    scene, texts = _construct(tmp_path, monkeypatch, {"k": 3, "sample": 1, "ignored": 5})
    assert texts[-1][0] == 3
    assert float(texts[-1][1].split("PSNR")[1].split("dB")[0]) > 40  # the tartan is nearly rank 3


def test_pictures_draw_under_pillow_12_and_later():
    """manim 0.22 + Pillow ≥ 12 fail to draw any ImageMobject; scenes/svd.py mends the camera."""
    import numpy as np
    from manim.camera.camera import Camera

    canvas = __import__("manim.camera.camera", fromlist=["Image"]).Image.fromarray(np.zeros((4, 6)), mode="RGBA")
    assert canvas.mode == "RGBA" and canvas.size == (6, 4) and not np.asarray(canvas).any()
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[:, :4] = (255, 0, 0)  # left half red, right half black
    pic = clip.picture(rgb, 4.0)
    cam = Camera(pixel_width=160, pixel_height=90)
    cam.capture_mobject(pic)
    drawn = cam.get_image().convert("RGB")
    arr = np.asarray(drawn)
    red = (arr[:, :, 0] > 200) & (arr[:, :, 1] < 50)
    assert red.sum() > 200  # the red half is drawn …
    cols = np.nonzero(red.any(axis=0))[0]
    assert cols.max() < 80  # … on the left of the centre, sharp (nearest-neighbour)
    clip.recolour(pic, np.full((8, 8, 3), 255, np.uint8))
    cam.reset()
    cam.capture_mobject(pic)
    assert (np.asarray(cam.get_image().convert("RGB")) > 250).all(axis=2).sum() > 400  # now white
