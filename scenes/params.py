"""How every scene reads its parameters: one JSON file whose path the app passes in
$MATHLENS_PARAMS (the explorer's params() plus "lang"), over the lesson's defaults
(lessons/<id>.toml [params]) when a key is missing or no file is given.

    raw = read_params_file(path)        # {} without a file; ParamsError for a bad one
    params["x"] = number(raw, "x", where, params["x"])
    params["lang"] = lang(raw, where)

A named file that cannot be read is an error, never a silent fall-back to the defaults: a clip of
"what I see now" must show what the user saw.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from pathlib import Path

PARAMS_ENV = "MATHLENS_PARAMS"
LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"
LANGS = ("en", "zh")


class ParamsError(ValueError):
    """The parameter file cannot be used; ``str()`` says which file and why."""


def lesson_table(lesson_id: str) -> dict:
    """lessons/<id>.toml's [params] table (data only; {} if the file is missing or broken)."""
    try:
        with open(LESSONS_DIR / f"{lesson_id}.toml", "rb") as f:
            return dict(tomllib.load(f).get("params", {}))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def params_path(path: str | os.PathLike | None = None) -> str | None:
    """``path``, else $MATHLENS_PARAMS, else None."""
    path = os.environ.get(PARAMS_ENV) if path is None else path
    return os.fspath(path) if path else None


def where(path: str | os.PathLike) -> str:
    return f"{PARAMS_ENV} file {os.fspath(path)!r}"


def read_params_file(path: str | os.PathLike | None = None) -> dict:
    """The JSON object in ``path`` (default: $MATHLENS_PARAMS); {} when no file is named.
    Raises ParamsError for an unreadable file, invalid JSON or anything but an object."""
    path = params_path(path)
    if not path:
        return {}
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ParamsError(f"{where(path)}: cannot read it ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{where(path)}: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ParamsError(f"{where(path)}: expected a JSON object, found {type(raw).__name__}")
    return raw


def number(raw: dict, key: str, default: float, where_: str = "params") -> float:
    """``raw[key]`` as a finite float (``default`` when absent). Raises ParamsError otherwise."""
    if key not in raw:
        return default
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParamsError(f"{where_}: {key!r} must be a finite number, found {value!r}")
    return float(value)


def lang(raw: dict, where_: str = "params", default: str = "en") -> str:
    """The subcaption language: "en" or "zh"."""
    value = raw.get("lang", default)
    if value not in LANGS:
        raise ParamsError(f"{where_}: 'lang' must be one of {LANGS}, found {value!r}")
    return value
