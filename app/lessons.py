"""Lesson files (lessons/*.toml): read with tomllib, validated, never executed.

A bad file produces one readable message naming the file, the field, what was expected and
what was found; the other lessons still load.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app import registry

LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"
SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"
CURRICULUM_FILE = "curriculum.toml"
LANGUAGES = ("en", "zh")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in English (required) and optionally Chinese."""

    en: str = Field(min_length=1)
    zh: str | None = None

    def get(self, lang: str = "en") -> str:
        return (self.zh if lang == "zh" else None) or self.en


class Check(_Strict):
    """A condition on one of the explorer's named quantities, e.g. det within 0.02 of 0."""

    quantity: str
    equals: float | None = None
    tol: float = Field(default=0.02, ge=0)
    less_than: float | None = None
    greater_than: float | None = None

    @model_validator(mode="after")
    def _one_condition(self):
        if self.equals is None and self.less_than is None and self.greater_than is None:
            raise ValueError("a check needs at least one of: equals, less_than, greater_than")
        return self

    def met(self, quantities: dict[str, float]) -> bool:
        value = quantities.get(self.quantity)
        if value is None:
            return False
        if self.equals is not None and abs(value - self.equals) > self.tol:
            return False
        if self.less_than is not None and not value < self.less_than:
            return False
        if self.greater_than is not None and not value > self.greater_than:
            return False
        return True


class Exercise(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    task: Text
    check: Check | list[Check]
    hint: Text | None = None

    @property
    def checks(self) -> list[Check]:
        return self.check if isinstance(self.check, list) else [self.check]

    def met(self, quantities: dict[str, float]) -> bool:
        return all(c.met(quantities) for c in self.checks)


class Beat(_Strict):
    """A named parameter state a teacher can jump or animate to (projector mode)."""

    name: Text
    params: dict[str, float]


class SceneRef(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    file: str = Field(pattern=r"^[a-z0-9_]+\.py$")
    class_name: str = Field(alias="class", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")


class Lesson(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    week: int = Field(ge=1, le=16)
    order: int = 0
    title: Text
    summary: Text
    body: Text
    explorer: str
    derivation: str
    scene: SceneRef
    params: dict[str, float] = Field(default_factory=dict)
    exercises: list[Exercise] = Field(default_factory=list)
    beats: list[Beat] = Field(default_factory=list)
    notes: Text | None = None  # teacher notes, shown in the presenter view

    @field_validator("explorer", "derivation")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        if value not in registry.TOPICS:
            raise ValueError(f"expected one of {sorted(registry.TOPICS)}, found {value!r}")
        return value

    @model_validator(mode="after")
    def _params_fit_topic(self):
        if self.derivation != self.explorer:  # its live steps read the explorer's numbers
            raise ValueError(f"derivation: must be the explorer's topic {self.explorer!r} (its live steps read "
                             f"that explorer's parameters), found {self.derivation!r}")
        topic = registry.TOPICS[self.explorer]
        specs = registry.load(topic.params)
        quantities = set(registry.load(topic.quantities))
        where = [("params", self.params)] + [(f"beats[{i}].params", b.params) for i, b in enumerate(self.beats)]
        for field, params in where:
            for name, value in params.items():
                spec = specs.get(name)
                if spec is None:
                    raise ValueError(
                        f"{field}.{name}: expected one of the {self.explorer!r} explorer's parameters "
                        f"{sorted(specs)}, found {name!r}"
                    )
                if not spec.contains(value):
                    raise ValueError(f"{field}.{name}: expected a number in [{spec.lo}, {spec.hi}], found {value}")
        for i, ex in enumerate(self.exercises):
            for check in ex.checks:
                if check.quantity not in quantities:
                    raise ValueError(
                        f"exercises[{i}].check.quantity: expected one of {sorted(quantities)}, "
                        f"found {check.quantity!r}"
                    )
        ids = [ex.id for ex in self.exercises]
        if len(ids) != len(set(ids)):
            raise ValueError(f"exercises: ids must be unique, found {ids}")
        if not (SCENES_DIR / self.scene.file).is_file():
            raise ValueError(f"scene.file: expected a file in scenes/, found {self.scene.file!r}")
        return self

    def defaults(self) -> dict[str, float]:
        """Every parameter of the explorer: the topic's defaults overridden by this lesson's."""
        specs = registry.load(registry.TOPICS[self.explorer].params)
        return {name: spec.default for name, spec in specs.items()} | dict(self.params)


class Week(_Strict):
    week: int = Field(ge=1, le=16)
    title: Text


class Curriculum(_Strict):
    weeks: list[Week]

    def title(self, week: int, lang: str = "en") -> str:
        for w in self.weeks:
            if w.week == week:
                return w.title.get(lang)
        return f"Week {week}"


class LessonError(Exception):
    """A lesson file that cannot be used; str() is the message for people."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{path.name}: {message}")
        self.path = path


def _describe(err: dict) -> str:
    loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        return f"field '{loc}': required but missing"
    if err["type"] == "extra_forbidden":
        return f"field '{loc}': not a known field (found {err.get('input')!r})"
    if err["type"] in ("value_error", "assertion_error") and not loc:
        field, _, rest = msg.partition(": ")
        if rest and re.fullmatch(r"[\w.\[\]]+", field):
            return f"field '{field}': {rest}"
        return msg
    found = err.get("input")
    found_s = repr(found) if not isinstance(found, dict) else "a table"
    return f"field '{loc}': {msg[0].lower() + msg[1:]} (found {found_s})"


def load_lesson(path: Path) -> Lesson:
    """Read and validate one lesson file; raise LessonError with a readable message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise LessonError(path, f"cannot be read ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LessonError(path, f"is not UTF-8 text (byte {e.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LessonError(path, f"is not valid TOML: {e}") from None
    try:
        return Lesson.model_validate(data)
    except ValidationError as e:
        details = "; ".join(_describe(err) for err in e.errors())
        raise LessonError(path, details) from None


def load_curriculum(folder: Path = LESSONS_DIR) -> Curriculum:
    path = Path(folder) / CURRICULUM_FILE
    try:
        return Curriculum.model_validate(tomllib.loads(path.read_text("utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError):
        return Curriculum(weeks=[])


def load_all(folder: Path = LESSONS_DIR) -> tuple[list[Lesson], list[LessonError]]:
    """Every valid lesson in ``folder`` sorted by (week, order, id), and the errors of the rest."""
    lessons: list[Lesson] = []
    errors: list[LessonError] = []
    seen: set[str] = set()
    for path in sorted(Path(folder).glob("*.toml")):
        if path.name == CURRICULUM_FILE:
            continue
        try:
            lesson = load_lesson(path)
        except LessonError as e:
            errors.append(e)
            continue
        if lesson.id in seen:
            errors.append(LessonError(path, f"field 'id': another lesson already has the id {lesson.id!r}"))
            continue
        seen.add(lesson.id)
        lessons.append(lesson)
    lessons.sort(key=lambda lesson: (lesson.week, lesson.order, lesson.id))
    return lessons, errors
