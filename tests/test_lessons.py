"""The lesson loader: every shipped lesson is valid, and each kind of bad file gets a clear message."""

from pathlib import Path

import pytest

from app.lessons import LESSONS_DIR, LessonError, load_all, load_lesson

GOOD = (LESSONS_DIR / "linear-transforms.toml").read_text("utf-8")


def write(tmp_path: Path, text: str, name: str = "lesson.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_every_shipped_lesson_is_valid():
    lessons, errors = load_all()
    assert errors == []
    assert {lesson.id for lesson in lessons} >= {"linear-transforms", "determinant", "eigenvectors"}
    assert [lesson.week for lesson in lessons] == sorted(lesson.week for lesson in lessons)


def test_good_lesson_fields():
    lesson = load_lesson(LESSONS_DIR / "linear-transforms.toml")
    assert lesson.week == 1
    assert lesson.title.get("zh") == "线性变换"
    assert lesson.title.get("en") == "Linear transforms"
    assert lesson.defaults() == {"a": 1.0, "b": 1.0, "c": 0.0, "d": 1.0, "t": 1.0}
    squash = next(ex for ex in lesson.exercises if ex.id == "squash")
    assert squash.met({"det": 0.01, "rank": 1.0})
    assert not squash.met({"det": 0.01, "rank": 0.0})
    assert not squash.met({"det": 0.5, "rank": 1.0})


def test_missing_chinese_falls_back_to_english(tmp_path):
    text = GOOD.replace('title = { en = "Linear transforms", zh = "线性变换" }', 'title = { en = "Linear transforms" }')
    lesson = load_lesson(write(tmp_path, text))
    assert lesson.title.get("zh") == "Linear transforms"


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda t: t.replace("week = 1\n", 'week = "one"\n'), ["lesson.toml", "week", "integer", "'one'"]),
        (lambda t: t.replace("week = 1\n", "week = 40\n"), ["week", "less than or equal to 16", "40"]),
        (lambda t: t.replace("week = 1\n", ""), ["week", "required but missing"]),
        (lambda t: t.replace('explorer = "linear"', 'explorer = "spline"'), ["explorer", "'linear'", "'spline'"]),
        (lambda t: t.replace('derivation = "linear"', 'derivation = "svd"'), ["derivation", "'linear'", "'svd'"]),
        (lambda t: t.replace("a = 1.0\nb = 1.0", "a = 9.0\nb = 1.0", 1), ["params.a", "[-4.0, 4.0]", "9.0"]),
        (lambda t: t.replace("a = 1.0\nb = 1.0", "alpha = 1.0\nb = 1.0", 1), ["params.alpha", "'alpha'"]),
        (lambda t: t.replace('quantity = "det", less_than', 'quantity = "volume", less_than'),
         ["quantity", "'volume'", "det"]),
        (lambda t: t.replace("order = 1\n", "order = 1\ncolour = 3\n"), ["colour", "not a known field"]),
        (lambda t: t.replace('file = "linear_transform.py"', 'file = "nope.py"'), ["scene.file", "'nope.py'"]),
        (lambda t: t.replace('file = "linear_transform.py"', 'file = "../../etc/passwd"'), ["scene.file"]),
        (lambda t: t.replace('id = "linear-transforms"', 'id = "Linear Transforms!"'), ["id", "pattern"]),
        (lambda t: t.replace("less_than = 0.0", "tol = 0.1"), ["check", "at least one of"]),
        (lambda t: t.replace('title = { en = "Linear transforms", zh = "线性变换" }', 'title = { zh = "线性变换" }'),
         ["title.en", "required but missing"]),
    ],
)
def test_bad_field_message_names_file_field_expected_and_found(tmp_path, change, expected):
    text = change(GOOD)
    assert text != GOOD
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith("lesson.toml:")
    for fragment in expected:
        assert fragment in message, message


def test_not_toml(tmp_path):
    with pytest.raises(LessonError, match=r"lesson\.toml: is not valid TOML: .*line 1"):
        load_lesson(write(tmp_path, "id = = 3"))


def test_not_utf8(tmp_path):
    path = tmp_path / "lesson.toml"
    path.write_bytes(b'id = "\xff\xfe"')
    with pytest.raises(LessonError, match="not UTF-8"):
        load_lesson(path)


def test_unreadable(tmp_path):
    with pytest.raises(LessonError, match="cannot be read"):
        load_lesson(tmp_path / "missing.toml")


def test_lesson_text_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = GOOD.replace('title = { en = "Linear transforms"', f'title = {{ en = "__import__(\'os\').system(\'touch {marker}\')"')
    lesson = load_lesson(write(tmp_path, text))
    assert "__import__" in lesson.title.en
    assert not marker.exists()


def test_bad_files_do_not_stop_the_good_ones(tmp_path):
    write(tmp_path, GOOD, "good.toml")
    write(tmp_path, "this is not toml", "broken.toml")
    write(tmp_path, GOOD, "again.toml")  # same id
    lessons, errors = load_all(tmp_path)
    assert [lesson.id for lesson in lessons] == ["linear-transforms"]
    messages = sorted(str(e) for e in errors)
    assert messages[0].startswith("broken.toml: is not valid TOML")
    assert "already has the id" in messages[1] and ("good.toml" in messages[1] or "again.toml" in messages[1])
