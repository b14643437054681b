"""SubRip (.srt) captions, as manim writes them from ``Scene.add_subcaption``. Qt-free."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

_TIME = re.compile(r"(\d+):(\d\d):(\d\d)[,.](\d{1,3})\s*-->\s*(\d+):(\d\d):(\d\d)[,.](\d{1,3})")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


def _ms(h: str, m: str, s: str, frac: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))


def parse_srt(text: str) -> list[Cue]:
    """The cues of an .srt file, sorted by start; malformed blocks are skipped."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            m = _TIME.search(line)
            if m:
                body = "\n".join(lines[i + 1:]).strip()
                if body:
                    cues.append(Cue(_ms(*m.groups()[:4]), _ms(*m.groups()[4:]), body))
                break
    return sorted(cues, key=lambda c: c.start_ms)


def read_srt(path: Path | None) -> list[Cue]:
    if path is None:
        return []
    try:
        return parse_srt(Path(path).read_text("utf-8", errors="replace"))
    except OSError:
        return []


def cue_at(cues: list[Cue], ms: int) -> Cue | None:
    """The cue showing at ``ms`` (the latest that started, if it has not ended)."""
    i = bisect.bisect_right([c.start_ms for c in cues], ms) - 1
    if i >= 0 and cues[i].start_ms <= ms < cues[i].end_ms:
        return cues[i]
    return None
