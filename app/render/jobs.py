"""What a clip render is, where its result lives, and how manim is asked for it. Qt-free: the GUI's
RenderService (QProcess) and the CLI's batch (subprocess) share it, and neither imports manim.

A render request (scene, parameters, language, quality) hashes to a cache key; a finished clip is a
folder ``<cache>/clips/<key>/`` holding ``clip.mp4``, ``clip.srt`` (subcaptions) and ``clip.json``
(sections with their start times). Renders run in ``<cache>/tmp/<key>-<pid>-<n>/`` and the finished
folder is renamed into place, so a cancelled or failed render never leaves a half-written clip.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENES_DIR = ROOT / "scenes"
#: files every scene depends on besides its own module (their edits invalidate every clip)
SHARED_SCENE_FILES = ("mathtex.py", "params.py", "captions.py", "linear_captions.py")
_STATS_LOCK = threading.Lock()  # animations.json is read-modified-written by parallel batch renders
PARAMS_ENV = "MATHLENS_PARAMS"
CACHE_ENV = "MATHLENS_CLIP_CACHE"
OUTPUT_NAME = "clip"
APP_NAME = "MathLens"  # = app.shell.app.ORG and APP (QStandardPaths paths derive from them)


@dataclass(frozen=True)
class Quality:
    name: str
    flag: str  # manim's quality flag
    width: int
    height: int
    fps: int

    @property
    def folder(self) -> str:  # manim's media sub-folder, e.g. "480p15"
        return f"{self.height}p{self.fps}"


QUALITIES: dict[str, Quality] = {
    "preview": Quality("preview", "-ql", 854, 480, 15),
    "720p": Quality("720p", "-qm", 1280, 720, 30),
    "1080p": Quality("1080p", "-qh", 1920, 1080, 60),
}


@lru_cache(maxsize=1)
def manim_version() -> str:
    try:
        return metadata.version("manim")
    except metadata.PackageNotFoundError:
        return "missing"


@dataclass(frozen=True)
class RenderRequest:
    """One clip: ``scene_file`` (a name in scenes/) and ``class_name``, with ``params`` (the
    explorer's or the lesson's parameters; "lang" is added) at a quality from QUALITIES."""

    lesson_id: str
    scene_file: str
    class_name: str
    params: dict = field(default_factory=dict)
    lang: str = "en"
    quality: str = "preview"
    scenes_dir: Path = SCENES_DIR

    def __post_init__(self):
        if self.quality not in QUALITIES:
            raise ValueError(f"quality must be one of {list(QUALITIES)}, found {self.quality!r}")

    @classmethod
    def for_lesson(cls, lesson, params: dict | None = None, lang: str = "en",
                   quality: str = "preview") -> RenderRequest:
        """The lesson's clip with ``params`` (default: the lesson's own, as the explorer opens)."""
        return cls(lesson.id, lesson.scene.file, lesson.scene.class_name,
                   dict(lesson.defaults() if params is None else params), lang, quality)

    @property
    def scene_path(self) -> Path:
        return self.scenes_dir / self.scene_file

    def params_json(self) -> str:
        """The parameter file the scene reads (canonical: sorted keys, so equal dicts hash alike)."""
        params = {k: _plain(v) for k, v in self.params.items()}
        return json.dumps({**params, "lang": self.lang}, sort_keys=True, ensure_ascii=False)

    def key(self) -> str:
        """sha256 of the scene sources, class, parameters JSON, quality and manim version."""
        h = hashlib.sha256()
        for name in (self.scene_file, *SHARED_SCENE_FILES):
            path = self.scenes_dir / name
            h.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
        for part in (self.class_name, self.params_json(), self.quality, manim_version()):
            h.update(part.encode("utf-8") + b"\0")
        return h.hexdigest()[:32]


def _plain(value):
    """Numbers (numpy scalars too) as floats, so 1, 1.0 and np.int64(1) are one clip; others as they are."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


@dataclass(frozen=True)
class Section:
    name: str
    start: float  # seconds from the start of the clip
    duration: float


@dataclass(frozen=True)
class Clip:
    """A finished clip in the cache."""

    folder: Path

    @property
    def video(self) -> Path:
        return self.folder / f"{OUTPUT_NAME}.mp4"

    @property
    def subtitles(self) -> Path | None:
        srt = self.folder / f"{OUTPUT_NAME}.srt"
        return srt if srt.is_file() else None

    def info(self) -> dict:
        try:
            return json.loads((self.folder / f"{OUTPUT_NAME}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def sections(self) -> list[Section]:
        return [Section(s["name"], float(s["start"]), float(s["duration"])) for s in self.info().get("sections", [])]


def default_cache_dir() -> Path:
    """$MATHLENS_CLIP_CACHE, else the platform's cache folder (QStandardPaths.CacheLocation; on
    Linux ~/.cache/MathLens/MathLens). QtCore is imported here only, lazily (the CLI needs no GUI)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    if QCoreApplication.applicationName() != APP_NAME:  # the CLI: use the GUI's names, share its cache
        QCoreApplication.setOrganizationName(APP_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(location or Path(tempfile.gettempdir()) / "mathlens-cache")


class ClipCache:
    """Finished clips by key, and scratch folders for renders in flight."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self._counter = itertools.count()

    def folder(self, key: str) -> Path:
        return self.root / "clips" / key

    def lookup(self, request: RenderRequest) -> Clip | None:
        clip = Clip(self.folder(request.key()))
        return clip if clip.video.is_file() else None

    def scratch(self, request: RenderRequest) -> Path:
        """A fresh folder for one render, holding the parameter file and manim's media folder."""
        path = self.root / "tmp" / f"{request.key()}-{os.getpid()}-{next(self._counter)}"
        path.mkdir(parents=True)
        (path / "params.json").write_text(request.params_json(), "utf-8")
        return path

    # animations per scene class (from the last render's "Played N animations"), so a progress bar
    # can show the whole clip and not only the current animation
    def animation_count(self, class_name: str) -> int | None:
        try:
            return int(json.loads((self.root / "animations.json").read_text("utf-8"))[class_name])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def remember_animations(self, class_name: str, played: int) -> None:
        path = self.root / "animations.json"
        with _STATS_LOCK:  # batch renders finish on several threads of one process
            try:
                stats = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                stats = {}
            stats[class_name] = played
            try:
                tmp = path.with_name(f".animations.{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(json.dumps(stats, indent=1), "utf-8")
                os.replace(tmp, path)
            except OSError:
                pass  # only a nicety

    def sweep(self, older_than_s: float = 6 * 3600) -> None:
        """Remove scratch folders a crashed or killed app left behind (renders never take hours)."""
        now = time.time()
        for path in (self.root / "tmp").glob("*") if (self.root / "tmp").is_dir() else ():
            try:
                if now - path.stat().st_mtime > older_than_s:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass

    def discard(self, scratch: Path) -> None:
        shutil.rmtree(scratch, ignore_errors=True)

    def commit(self, request: RenderRequest, scratch: Path, seconds: float | None = None) -> Clip:
        """Move manim's finished output from ``scratch`` into the cache. Raises RenderError if
        manim wrote no video. The rename is atomic: the clip folder appears complete or not at all."""
        q = QUALITIES[request.quality]
        videos = sorted((scratch / "media" / "videos").glob(f"*/{q.folder}/{OUTPUT_NAME}.mp4"))
        if not videos:
            raise RenderError(f"manim finished but wrote no {OUTPUT_NAME}.mp4 under {scratch}")
        src = videos[0].parent
        done = scratch / "done"
        done.mkdir()
        shutil.move(str(videos[0]), done / f"{OUTPUT_NAME}.mp4")
        if (src / f"{OUTPUT_NAME}.srt").is_file():
            shutil.move(str(src / f"{OUTPUT_NAME}.srt"), done / f"{OUTPUT_NAME}.srt")
        info = {"lesson": request.lesson_id, "scene": request.scene_file, "class": request.class_name,
                "params": json.loads(request.params_json()), "quality": request.quality,
                "manim": manim_version(), "seconds": seconds,
                "sections": read_sections(src / "sections" / f"{OUTPUT_NAME}.json")}
        (done / f"{OUTPUT_NAME}.json").write_text(json.dumps(info, indent=1, ensure_ascii=False), "utf-8")
        target = self.folder(request.key())
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # a concurrent render of the same clip won; keep its folder
            self.discard(scratch)
            return Clip(target)
        os.replace(done, target)
        self.discard(scratch)
        return Clip(target)


class RenderError(RuntimeError):
    pass


def read_sections(path: Path) -> list[dict]:
    """manim's --save_sections JSON as [{"name", "start", "duration"}] (start = sum of earlier durations)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    out, start = [], 0.0
    for entry in raw:
        duration = float(entry.get("duration", 0) or 0)
        out.append({"name": str(entry.get("name", "")), "start": round(start, 6), "duration": duration})
        start += duration
    return out


def manim_command(request: RenderRequest, scratch: Path) -> list[str]:
    """argv for ``python -m manim render`` writing ``clip.mp4`` under ``scratch``/media."""
    return [sys.executable, "-m", "manim", "render", QUALITIES[request.quality].flag,
            "--save_sections", "--disable_caching", "--media_dir", str(scratch / "media"),
            "-o", OUTPUT_NAME, str(request.scene_path), request.class_name]


def manim_env(scratch: Path, base: dict | None = None) -> dict[str, str]:
    """The environment for manim: the parameter file, wide unwrapped log lines, one BLAS thread."""
    env = dict(os.environ if base is None else base)
    env[PARAMS_ENV] = str(scratch / "params.json")
    env["COLUMNS"] = "240"  # rich wraps its log at the terminal width; keep each line whole
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.pop("QT_QPA_PLATFORM", None)
    return env


_BAR = re.compile(r"Animation (\d+): (.*?):\s+(\d+)%\|[^|]*\|\s*(\d+)/(\d+)")
_PLAYED = re.compile(r"Played (\d+) animations")


@dataclass
class Progress:
    """What manim's progress bars say so far: the current animation (index, name) and its percent."""

    index: int = -1
    name: str = ""
    percent: int = 0
    total: int | None = None  # animations in the whole clip, if known (from an earlier render)

    def overall(self) -> int | None:
        """Percent of the whole clip, when the number of animations is known."""
        if not self.total or self.index < 0:
            return None
        return min(99, int(100 * (self.index + self.percent / 100) / self.total))

    def label(self) -> str:
        if self.index < 0:
            return "starting manim…"
        of = f"/{self.total}" if self.total else ""
        return f"animation {self.index + 1}{of}: {self.name}"


class ProgressParser:
    """Feed it manim's output as it arrives (any chunking); it updates ``progress`` and keeps the log."""

    def __init__(self, total: int | None = None):
        self.progress = Progress(total=total)
        self.lines: list[str] = []
        self.played: int | None = None
        self._partial = ""

    def feed(self, text: str) -> bool:
        """Returns True when the progress changed."""
        changed = False
        parts = re.split(r"[\r\n]", self._partial + text)
        self._partial = parts.pop()
        for part in parts:
            changed |= self._line(part)
        return changed

    def _line(self, line: str) -> bool:
        m = _BAR.search(line)
        if m:
            p = self.progress
            p.index, p.name, p.percent = int(m[1]), m[2].strip(), int(m[3])
            return True
        if line.strip():
            self.lines.append(line.rstrip())
            played = _PLAYED.search(line)
            if played:
                self.played = int(played[1])
        return False

    def log(self) -> str:
        return "\n".join(self.lines + ([self._partial] if self._partial.strip() else []))

    def tail(self, n: int = 15) -> str:
        return "\n".join(self.log().splitlines()[-n:])
