"""`mathlens render`: lesson clips rendered in parallel, one manim process per job (a pool of
``--jobs`` workers, default one per core), into the clip cache the app reads (and copied to
``--out`` if given). No Qt event loop, no manim import here: each job is a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from app.render.jobs import ClipCache, ProgressParser, RenderError, RenderRequest, manim_command, manim_env


@dataclass
class Outcome:
    lesson_id: str
    ok: bool
    seconds: float
    cached: bool = False
    video: Path | None = None
    message: str = ""
    log: str = ""


def render_one(request: RenderRequest, cache: ClipCache, timeout: float | None = None) -> Outcome:
    """Render ``request`` into ``cache`` (blocking); a cache hit starts no process."""
    t0 = time.perf_counter()
    clip = cache.lookup(request)
    if clip is not None:
        return Outcome(request.lesson_id, True, 0.0, cached=True, video=clip.video)
    scratch = cache.scratch(request)
    try:
        proc = subprocess.run(manim_command(request, scratch), cwd=scratch, env=manim_env(scratch),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        parser = ProgressParser()
        parser.feed(proc.stdout.decode("utf-8", "replace") + "\n")
        log = parser.log()
        if proc.returncode != 0:
            last = next((ln.strip(" │") for ln in reversed(log.splitlines()) if "Error" in ln), "")
            return Outcome(request.lesson_id, False, time.perf_counter() - t0,
                           message=last or f"manim exited with code {proc.returncode}", log=log)
        seconds = time.perf_counter() - t0
        clip = cache.commit(request, scratch, seconds=round(seconds, 2))
        if parser.played:
            cache.remember_animations(request.class_name, parser.played)
        return Outcome(request.lesson_id, True, seconds, video=clip.video, log=log)
    except (RenderError, OSError, subprocess.TimeoutExpired) as exc:
        return Outcome(request.lesson_id, False, time.perf_counter() - t0, message=str(exc))
    finally:
        cache.discard(scratch)  # a no-op after a commit


def render_lessons(lessons, quality: str = "preview", jobs: int | None = None, out: Path | None = None,
                   lang: str = "en", cache: ClipCache | None = None, stream=sys.stdout) -> list[Outcome]:
    """Render every lesson's clip with its own parameters; prints one line per start and finish."""
    cache = cache or ClipCache()
    jobs = max(1, jobs or os.cpu_count() or 1)
    requests = [RenderRequest.for_lesson(lesson, None, lang, quality) for lesson in lessons]
    lock = threading.Lock()
    total = len(requests)

    def say(text: str) -> None:
        with lock:
            print(text, file=stream, flush=True)

    def job(request: RenderRequest) -> Outcome:
        say(f"  start  {request.lesson_id} ({request.class_name}, {quality})")
        return render_one(request, cache)

    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(job, r) for r in requests]
        for future in as_completed(futures):
            o = future.result()
            outcomes.append(o)
            state = "cached" if o.cached else ("ok" if o.ok else "FAILED")
            say(f"[{len(outcomes)}/{total}] {state:<6} {o.lesson_id:<22} {o.seconds:6.1f} s"
                f"{'  ' + o.message if o.message else ''}")
            if o.ok and out is not None and o.video is not None:
                out.mkdir(parents=True, exist_ok=True)
                shutil.copy2(o.video, out / f"{o.lesson_id}.mp4")
                if o.video.with_suffix(".srt").is_file():
                    shutil.copy2(o.video.with_suffix(".srt"), out / f"{o.lesson_id}.srt")
    order = {r.lesson_id: i for i, r in enumerate(requests)}
    return sorted(outcomes, key=lambda o: order[o.lesson_id])


def cmd_render(lesson_id: str | None, all_lessons: bool, quality: str, jobs: int | None,
               out: str | None, lang: str = "en", stream=sys.stdout) -> int:
    """The CLI command; exit status 1 with a summary when any clip failed, 2 for a bad request."""
    from app.lessons import load_all

    lessons, errors = load_all()
    if all_lessons:
        chosen = lessons
    else:
        chosen = [lesson for lesson in lessons if lesson.id == lesson_id]
        if not chosen:
            known = ", ".join(lesson.id for lesson in lessons)
            print(f"error: no lesson {lesson_id!r} (known: {known})", file=sys.stderr)
            return 2
    cache = ClipCache()
    print(f"rendering {len(chosen)} clip(s) at {quality} with {jobs or os.cpu_count()} job(s) into "
          f"{cache.root}", file=stream, flush=True)
    t0 = time.perf_counter()
    outcomes = render_lessons(chosen, quality, jobs, Path(out) if out else None, lang, cache, stream)
    wall = time.perf_counter() - t0
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed, wall time {wall:.1f} s", file=stream)
    for o in failed:
        print(f"FAILED {o.lesson_id}: {o.message}", file=stream)
        for line in o.log.splitlines()[-8:]:
            print(f"    {line}", file=stream)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 1 if failed or errors else 0
