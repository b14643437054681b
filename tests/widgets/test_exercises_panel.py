"""Exercises tick themselves when the explorer's quantities meet their checks."""


from app.widgets.exercises_panel import DONE, TODO, ExercisesPanel
from app.widgets.theme import DARK


def test_ticks_and_unticks(qtbot, linear_lesson):
    panel = ExercisesPanel()
    qtbot.addWidget(panel)
    panel.set_exercises(linear_lesson.exercises)
    total = len(linear_lesson.exercises)
    assert panel.summary.text() == f"0 of {total} done"
    with qtbot.waitSignal(panel.progress_changed) as signal:
        panel.update_quantities({"det": -1.0, "rank": 2.0, "complex_eigenvalues": 0.0})
    assert signal.args == [1, total]
    assert panel.done() == ["flip"]
    marks = {row.exercise.id: row.mark.text() for row in panel._rows}
    assert marks["flip"] == DONE and marks["squash"] == TODO
    panel.update_quantities({"det": 0.0, "rank": 1.0, "complex_eigenvalues": 0.0})
    assert panel.done() == ["squash"]
    assert panel.summary.text() == f"1 of {total} done"


def test_chinese_text_and_hint_tooltip(qtbot, linear_lesson):
    panel = ExercisesPanel()
    qtbot.addWidget(panel)
    panel.set_exercises(linear_lesson.exercises, lang="zh")
    first = panel._rows[0]
    assert "两倍" in first.text.text()
    assert first.toolTip().startswith("Hint: ")
    panel.apply_theme(DARK)
    assert DARK.foreground in first.text.styleSheet()


def test_lesson_without_exercises(qtbot):
    panel = ExercisesPanel()
    qtbot.addWidget(panel)
    panel.set_exercises([])
    assert panel.summary.text() == "No exercises in this lesson."
