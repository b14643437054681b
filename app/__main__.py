"""Command line: `mathlens` / `python -m app`.

    mathlens                      open the app on the last lesson
    mathlens --lesson ID          open the app on a lesson
    mathlens --projector          open in projector mode
    mathlens --projector --screen N   … on screen N (0 = first), presenter view on another screen
    mathlens list                 the lessons, by curriculum week
    mathlens check-lessons        validate every lesson file (exit 1 on any error)
    mathlens screenshots --out D  write a PNG of every lesson page, normal and projector-sized
    mathlens render --lesson ID | --all [--quality preview|720p|1080p] [--jobs N] [--out DIR]
                                  render lesson clips (manim, in parallel) into the clip cache
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# One BLAS thread: our matrices are small and interactive, and a second busy thread on a 2-core
# machine makes slider frames jittery (measured in bench/). Must be set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# the start of the process as close as we can get it, for --startup-probe
_T0 = time.perf_counter()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mathlens", description="MathLens: touch the math behind AI.")
    p.add_argument("command", nargs="?", choices=["list", "check-lessons", "screenshots", "render"],
                   help="list lessons, validate lesson files, write screenshots or render clips (default: open the app)")
    p.add_argument("--lesson", metavar="ID", help="open this lesson")
    p.add_argument("--projector", action="store_true", help="start in projector mode")
    p.add_argument("--screen", type=int, metavar="N",
                   help="projector mode on screen N (0 = first); with two screens the other shows the presenter view")
    p.add_argument("--lang", choices=["en", "zh"], help="lesson language")
    p.add_argument("--out", default=None, help="folder for `screenshots` (default build/screenshots) or `render`")
    p.add_argument("--all", action="store_true", help="`render`: every lesson's clip")
    p.add_argument("--quality", choices=["preview", "720p", "1080p"], default="preview",
                   help="`render`: 480p15, 720p30 or 1080p60")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="`render`: parallel renders (default: cores)")
    p.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    return p


def cmd_list(out=sys.stdout) -> int:
    from app.lessons import load_all, load_curriculum

    lessons, errors = load_all()
    curriculum = load_curriculum()
    week = None
    for lesson in lessons:
        if lesson.week != week:
            week = lesson.week
            print(f"Week {week}: {curriculum.title(week)}", file=out)
        print(f"  {lesson.id:<24} {lesson.title.en}", file=out)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 0


def cmd_check_lessons(folder=None, out=sys.stdout) -> int:
    from app.lessons import LESSONS_DIR, load_all

    lessons, errors = load_all(folder or LESSONS_DIR)
    for e in errors:
        print(f"error: {e}", file=out)
    print(f"{len(lessons)} lesson(s) valid, {len(errors)} with errors", file=out)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        return cmd_list()
    if args.command == "check-lessons":
        return cmd_check_lessons()
    if args.command == "render":
        from app.render.batch import cmd_render

        if not args.all and not args.lesson:
            _parser().error("render needs --lesson ID or --all")
        return cmd_render(args.lesson, args.all, args.quality, args.jobs, args.out, args.lang or "en")
    from app.shell.app import run_app, write_screenshots

    if args.command == "screenshots":
        return write_screenshots(args.out or "build/screenshots")
    return run_app(lesson_id=args.lesson, projector=args.projector or args.screen is not None, lang=args.lang,
                   startup_probe=_T0 if args.startup_probe else None, screen=args.screen)


if __name__ == "__main__":
    sys.exit(main())
