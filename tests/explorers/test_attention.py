"""The attention explorer as a learner uses it: type a sentence, toggle the mask, drag the
temperature, step through the stages, click rows and columns, hand-edit Q, K, V."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.derivations import attention as deriv
from app.explorers.attention import AttentionExplorer
from app.explorers.attention_text import num
from app.lessons import LESSONS_DIR, load_lesson
from app.models import attention as model
from app.shell.beats import projector_theme
from app.widgets.theme import DARK, LIGHT, PROJECTOR

SIZE = (960, 720)


@pytest.fixture
def lesson():
    return load_lesson(LESSONS_DIR / "attention.toml")


@pytest.fixture
def explorer(qtbot, lesson):
    ex = AttentionExplorer(lesson)
    qtbot.addWidget(ex)
    ex.apply_theme(LIGHT)
    ex.resize(*SIZE)
    ex.show()
    qtbot.waitExposed(ex)
    return ex


def shown(ex) -> np.ndarray:
    return np.asarray(ex.heatmap.image.image)


def type_sentence(qtbot, ex, text: str) -> None:
    """Type like a person: keys for ASCII, an input-method commit for anything else (as a
    Chinese IME does; QTest cannot press keys for characters that are not on a keyboard)."""
    box = ex.controls.sentence
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    if text.isascii():
        qtbot.keyClicks(box, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(box, event)
    qtbot.waitUntil(lambda: ex.model.tokens == model.tokenize(text), timeout=3000)


def render(ex) -> np.ndarray:
    img = QImage(ex.width(), ex.height(), QImage.Format.Format_RGB32)
    ex.render(img)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[:, :, :3].copy()


def has_colour(arr: np.ndarray, colour: str, tol: int = 10, min_pixels: int = 200) -> bool:
    c = QColor(colour)
    close = np.all(np.abs(arr.astype(int) - [c.blue(), c.green(), c.red()]) <= tol, axis=-1)
    return int(close.sum()) >= min_pixels


# --- opening -------------------------------------------------------------------------------------
def test_opens_on_the_lesson_with_the_default_sentence(explorer, lesson):
    p = explorer.params()
    assert set(model.PARAMS) <= set(p)
    assert p["query"] == lesson.params["query"] == 7 and p["tokens"] == 11
    assert set(explorer.quantities()) == set(model.QUANTITIES)
    assert explorer.model.tokens[7] == "it"
    np.testing.assert_array_equal(shown(explorer), explorer.model.weights[0])
    assert explorer.heatmap.left.labels[7] == "it₇" and explorer.heatmap.bottom.labels[0] == "The₀"
    assert explorer.controls.count.text() == "11 tokens"
    steps = deriv.live_steps(p)  # the derivation panel gets everything it needs from params()
    assert steps and all(max(abs(float(r)) for r in s.residuals) < 1e-12 for s in steps)
    assert "query 7" in steps[0].title


# --- typing --------------------------------------------------------------------------------------
def test_typing_a_sentence_retokenises_and_redraws(qtbot, explorer):
    seen = []
    explorer.params_changed.connect(lambda p: seen.append(int(p["tokens"])))
    type_sentence(qtbot, explorer, "Attention is all you need.")
    assert explorer.model.tokens == ["Attention", "is", "all", "you", "need", "."]
    assert seen and seen[-1] == 6
    assert shown(explorer).shape == (6, 6)
    assert explorer.heatmap.left.labels == ["Attention₀", "is₁", "all₂", "you₃", "need₄", ".₅"]
    assert explorer.params()["query"] == 5  # the old query (7) no longer exists: the last token
    assert explorer.controls.count.text() == "6 tokens"


def test_chinese_is_one_token_per_character(qtbot, explorer):
    type_sentence(qtbot, explorer, "我爱机器学习。")
    assert explorer.model.tokens == list("我爱机器学习。")
    assert explorer.heatmap.bottom.labels[0] == "我₀"
    arr = render(explorer)
    assert arr.std() > 20  # something was drawn (CJK fonts are installed on the CI image)


def test_emoji_and_combining_marks_stay_whole_in_the_labels(qtbot, explorer):
    type_sentence(qtbot, explorer, "नमस्ते दुनिया 👨\u200d👩\u200d👧 ❤️ 3.14 अन्तर्राष्ट्रीयकरणस्य")
    assert explorer.model.tokens[:5] == ["नमस्ते", "दुनिया", "👨\u200d👩\u200d👧", "❤️", "3.14"]
    labels = explorer.heatmap.left.labels
    assert labels[2] == "👨\u200d👩\u200d👧₂" and labels[4] == "3.14₄"
    long = labels[5]  # 22 code points, 14 clusters: shortened between clusters, not inside one
    assert long.endswith("…₅") and model.clusters(long[:-2]) == model.clusters(explorer.model.tokens[5])[:11]


def test_empty_and_one_token(qtbot, explorer):
    explorer.set_sentence("")
    p = explorer.params()
    assert p["tokens"] == 0 and deriv.live_steps(p) == []
    assert all(np.isfinite(v) for v in explorer.quantities().values())
    assert not explorer.strip.isVisible()
    render(explorer)  # no exception with nothing to draw
    explorer.set_sentence("Hello")
    assert shown(explorer).tolist() == [[1.0]] and explorer.quantities()["top_weight"] == 1.0


# --- mask, temperature, stages ------------------------------------------------------------------
def test_toggling_the_causal_mask_zeroes_the_upper_triangle(qtbot, explorer):
    box = explorer.controls.switches["causal"]
    with qtbot.waitSignal(explorer.params_changed) as sig:
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert sig.args[0]["causal"] == 1.0 and box.isChecked()
    w = shown(explorer)
    assert np.all(np.triu(w, 1) == 0) and np.allclose(w.sum(axis=1), 1)
    assert explorer.quantities()["above_diagonal"] == 0
    assert sig.args[0]["masked_8"] == 1.0 and sig.args[0]["masked_7"] == 0.0  # query 7 cannot see key 8
    explorer.controls.stage_buttons.button(3).click()
    logits = shown(explorer)
    assert np.isnan(np.triu(logits, 1)[np.triu_indices(11, 1)]).all() and explorer.heatmap.hatch.isVisible()


def test_dragging_the_temperature(qtbot, explorer):
    slider = explorer.controls.temperature
    seen = []
    explorer.params_changed.connect(lambda p: seen.append(p["temperature"]))
    slider.setSliderDown(True)  # what a mouse drag does: press, move the handle, release
    for pos in (50, 100, 200, 300, 600):
        slider.setSliderPosition(pos)
    slider.setSliderDown(False)
    assert seen == pytest.approx([10 ** 0.5, 10, 100, 1000, 1e6])
    w = shown(explorer)
    assert w.max() - w.min() < 1e-5  # T = 10⁶: uniform
    assert explorer.controls.temperature_label.text() == "= 1×10⁶"
    np.testing.assert_allclose(w, explorer.model.weights[0])
    slider.setSliderDown(True)
    for pos in (0, -300, -600):
        slider.setSliderPosition(pos)
    slider.setSliderDown(False)
    w = shown(explorer)
    assert np.all(np.isin(np.round(w, 9), [0.0, 1.0]))  # T = 10⁻⁶: a hard argmax, and no NaN
    assert explorer.quantities()["mean_row_max"] == 1.0


def test_stage_stepper_shows_each_stage_as_a_matrix(qtbot, explorer):
    m, d = explorer.model, explorer.model.config.d_k
    expected = {1: m.scores[0], 2: m.scaled[0], 3: m.logits[0], 4: m.weights[0], 5: m.output[0]}
    for stage, button in enumerate(explorer.controls.stage_buttons.buttons()):
        with qtbot.waitSignal(explorer.params_changed):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert explorer.params()["stage"] == stage
        if stage == 0:
            assert shown(explorer).shape == (11, 3 * d + 2)
            np.testing.assert_array_equal(shown(explorer)[:, :d], m.qkv[0, 0])
        else:
            np.testing.assert_array_equal(shown(explorer), expected[stage])
        assert model.STAGES[stage] == button.text() and button.isChecked()
    explorer.setFocus()
    qtbot.keyClick(explorer, Qt.Key.Key_BracketLeft)
    assert explorer.params()["stage"] == 4
    assert "softmax" in explorer.heatmap.plot.titleLabel.text


# --- pointer -------------------------------------------------------------------------------------
def test_clicking_a_row_selects_the_query_and_hover_shows_exact_numbers(qtbot, explorer):
    view = explorer.heatmap
    with qtbot.waitSignal(explorer.params_changed):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.cell_center(2, 5))
    assert explorer.params()["query"] == 2
    bars = explorer.row_view.bars.opts["height"]
    np.testing.assert_array_equal(bars, explorer.model.weights[0, 2])
    assert explorer.row_view.plot.titleLabel.text.startswith("Query 2 “sat”")
    qtbot.mouseMove(view.viewport(), view.cell_center(4, 1))
    qtbot.waitUntil(lambda: "key 1" in explorer.status.text(), timeout=2000)
    m = explorer.model
    first, second = explorer.status.text().split("\n")  # what is drawn: two lines, neither cut
    assert "query 4 “the” → key 1 “cat”" in first and "head 1" in first
    assert second == (f"weight {num(m.weights[0, 4, 1])}   ·   score {num(m.scores[0, 4, 1])}   ·   "
                      f"scaled {num(m.scaled[0, 4, 1])}")
    assert "−" in second and "-" not in second  # the scores here are negative: a real minus sign
    slider = explorer.controls.temperature  # the numbers under the pointer follow a drag
    slider.setValue(slider.value() + 50)
    assert f"weight {num(m.weights[0, 4, 1])}" in explorer.status.text()
    for width in (960, 640):  # the scaled score is not lost on a narrower explorer
        explorer.resize(width, 720)
        QApplication.processEvents()
        assert "scaled " in explorer.status.text() and "…" not in explorer.status.text().split("\n")[1]
    explorer.controls.stage_buttons.button(0).click()  # another matrix: that cell is gone, so is its text
    assert explorer.status.text().startswith("Click a row")
    qtbot.keyClick(explorer, Qt.Key.Key_Down)
    assert explorer.params()["query"] == 3


def test_hover_in_the_average_view_says_which_head_the_scores_are_of(qtbot, explorer):
    explorer.set_params({"heads": 4, "head": -1})
    qtbot.mouseMove(explorer.heatmap.viewport(), explorer.heatmap.cell_center(2, 3))
    qtbot.waitUntil(lambda: "key 3" in explorer.status.text(), timeout=2000)
    m = explorer.model
    first, second = explorer.status.text().split("\n")
    assert "mean of 4 heads" in first and "scores: head 1" in first
    assert second.startswith(f"mean weight {num(m.mean_weights[2, 3])}")
    assert f"head 1: score {num(m.scores[0, 2, 3])}" in second and f"scaled {num(m.scaled[0, 2, 3])}" in second
    explorer.heatmap.hovered.emit(-1, -1)  # the pointer left the matrix
    assert explorer.status.text().startswith("Click a row")


def test_shift_click_masks_a_key_and_a_fully_masked_row_is_zero(qtbot, explorer):
    explorer.set_params({"causal": 1})
    view = explorer.heatmap
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     view.cell_center(5, 0))
    assert explorer.model.key_mask == {0}
    w = shown(explorer)
    assert np.all(w[:, 0] == 0) and np.all(w[0] == 0) and not np.isnan(w).any()
    q = explorer.quantities()
    assert q["masked_rows"] == 1 and explorer.params()["query"] == 7  # shift+click does not move the query
    explorer.set_params({"query": 0})
    steps = deriv.live_steps(explorer.params())
    assert "Every key is masked" in steps[1].note
    assert next(ex for ex in explorer.lesson.exercises if ex.id == "all-masked").met(q)


def test_heads_small_multiples_and_the_average(qtbot, explorer):
    explorer.controls.heads.setValue(4)
    assert explorer.model.config.heads == 4 and len(explorer.strip.labels) == 5
    with qtbot.waitSignal(explorer.params_changed):
        qtbot.mouseClick(explorer.strip.viewport(), Qt.MouseButton.LeftButton,
                         pos=explorer.strip.tile_center(-1))
    assert explorer.params()["head"] == -1
    np.testing.assert_allclose(shown(explorer), explorer.model.weights.mean(axis=0))
    explorer.strip.head_clicked.emit(2)
    np.testing.assert_array_equal(shown(explorer), explorer.model.weights[2])
    assert explorer.params()["head"] == 2


# --- hand edits ----------------------------------------------------------------------------------
def test_hand_editing_q_makes_token_3_attend_to_token_1(qtbot, explorer, lesson):
    type_sentence(qtbot, explorer, "the cat sat on")
    explorer.side.setCurrentIndex(1)
    table = explorer.editor.table
    assert table.isEnabled() and table.rowCount() == 4 and table.columnCount() == 8
    k1 = explorer.model.qkv[1, 0, 1]
    for a in range(8):  # q₃ := 6·k₁, typed into the table like a person would
        table.setCurrentCell(3, a)
        table.editItem(table.item(3, a))
        editor = QApplication.focusWidget()
        editor.selectAll()
        qtbot.keyClicks(editor, f"{6 * k1[a]:.4f}")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda a=a: len(explorer.model.edits) == a + 1, timeout=2000)  # the view commits later
    np.testing.assert_allclose(explorer.model.qkv[0, 0, 3], np.round(6 * k1, 4))
    q = explorer.quantities()
    assert q["w_3_1"] > 0.8
    assert next(ex for ex in lesson.exercises if ex.id == "hand-edit").met(q)
    assert table.item(3, 0).font().bold() and explorer.editor.reset.isEnabled()
    explorer.controls.temperature.setValue(30)  # a temperature change keeps the edits
    assert len(explorer.model.edits) == 8
    qtbot.mouseClick(explorer.editor.reset, Qt.MouseButton.LeftButton)
    assert not explorer.model.edits


def test_a_typo_or_a_huge_number_in_the_table_changes_nothing(qtbot, explorer):
    explorer.set_sentence("a b c")
    before = explorer.model.qkv.copy()
    explorer.editor.table.item(0, 0).setText("abc")
    assert "not a number" in explorer.editor.message.text()
    np.testing.assert_array_equal(explorer.model.qkv, before)
    for huge in ("1e200", "−1e200", "1000001", "inf"):
        explorer.editor.table.item(1, 0).setText(huge)
        assert "between −10⁶ and 10⁶" in explorer.editor.message.text(), huge
        np.testing.assert_array_equal(explorer.model.qkv, before)
        assert not explorer.model.edits
    explorer.editor.table.item(1, 0).setText("−1000000")  # the limit itself is fine
    assert explorer.model.qkv[0, 0, 1, 0] == -1e6 and np.isfinite(shown(explorer)).all()


def test_editing_needs_a_short_sentence(explorer):
    assert explorer.model.n == 11
    assert not explorer.editor.table.isEnabled() and "1 to 6 tokens" in explorer.editor.message.text()


# --- params, lessons, export ---------------------------------------------------------------------
def test_every_exercise_can_be_met(qtbot, explorer, lesson):
    states = {
        "uniform": [{"temperature": 10.0}],
        "saturate": [{"scaled": 0, "d_k": 64}],
        "rescale": [{"scaled": 1, "d_k": 64, "temperature": 1.0}],
        "previous": [{"preset": 2}],
        "all-masked": [{"causal": 1}, "mask key 0"],
        "hand-edit": ["the cat sat on", "edit"],
    }
    assert set(states) == {ex.id for ex in lesson.exercises}
    for ex in lesson.exercises:
        explorer.reset()
        assert not ex.met(explorer.quantities()), ex.id  # not solved by doing nothing
        for step in states[ex.id]:
            if isinstance(step, dict):
                explorer.set_params(step)
            elif step == "mask key 0":
                explorer._on_cell_clicked(3, 0, True)
            elif step == "edit":
                k1 = explorer.model.qkv[1, 0, 1]
                for a, v in enumerate(6 * k1):
                    explorer._on_entry_edited(0, 3, a, float(v))
            else:
                explorer.set_sentence(step)
        assert ex.met(explorer.quantities()), ex.id


def test_beats_apply_and_emit_once(qtbot, explorer, lesson):
    for beat in lesson.beats:
        with qtbot.waitSignal(explorer.params_changed) as sig:
            explorer.set_params(beat.params)
        for k, v in beat.params.items():
            assert sig.args[0][k] == pytest.approx(v)
    explorer.set_params({"preset": 2, "positional": 1})
    assert explorer.quantities()["prev_weight"] > 0.8


def test_reset_restores_the_sentence_and_the_lesson(qtbot, explorer, lesson):
    type_sentence(qtbot, explorer, "x y")
    explorer.set_params({"temperature": 5.0, "causal": 1})
    explorer.reset()
    assert explorer.model.text == model.DEFAULT_SENTENCE
    assert explorer.controls.sentence.text() == model.DEFAULT_SENTENCE
    assert explorer.params()["temperature"] == 1.0 and explorer.params()["causal"] == 0.0


def test_export(explorer):
    cols, rows = explorer.export_table()
    assert cols[:3] == ["head", "query", "key"] and len(rows) == 121
    assert rows[1][2] == 1 and rows[1][-1] == pytest.approx(explorer.model.weights[0, 0, 1])
    assert explorer.plot_item() is explorer.heatmap.ci


# --- presets that cannot work ------------------------------------------------------------------
def test_a_preset_that_cannot_work_says_why(qtbot, explorer):
    assert not explorer.notice.isVisible()
    explorer.set_params({"preset": 2, "d_k": 1})
    assert explorer.notice.isVisible() and "d_k ≥ 2" in explorer.notice.text()
    assert np.ptp(shown(explorer)) == 0  # what the learner sees: every key the same
    explorer.controls.d_k.setValue(2)
    assert not explorer.notice.isVisible()
    w = shown(explorer)
    assert np.all(w[np.arange(1, 11), np.arange(10)] > 0.9)  # now it attends to the previous token
    explorer.switch = explorer.controls.switches["positional"]
    explorer.switch.click()
    assert explorer.notice.isVisible() and "positions" in explorer.notice.text()


# --- layout: nothing cut, squashed or overlapping -------------------------------------------------
def _fits(title) -> bool:
    """A plot title is drawn whole inside its plot: one of its versions (not cut), left-aligned."""
    label = title.label
    drawn = label.mapRectToItem(title.plot, label.itemRect())
    return drawn.left() >= -1 and drawn.right() <= title.plot.size().width() + 1


@pytest.mark.parametrize("theme_name, size, words", [
    ("projector720", (754, 604), 11), ("projector720", (760, 600), 36), ("projector1080", (1138, 922), 11),
    ("light", (594, 682), 11), ("light", (960, 720), 40)])
def test_panels_keep_readable_sizes(qtbot, explorer, theme_name, size, words):
    theme = {"projector720": projector_theme(720), "projector1080": PROJECTOR, "light": LIGHT}[theme_name]
    explorer.apply_theme(theme)
    if words != 11:
        explorer.set_sentence(" ".join(f"w{i}" for i in range(words)))
    explorer.resize(*size)
    QApplication.processEvents()
    em, rv = theme.font_px, explorer.row_view
    line = rv._line_px()
    assert explorer.split.orientation() == Qt.Orientation.Horizontal
    assert explorer.heatmap.vb.width() >= 6 * em and explorer.heatmap.vb.height() >= 6 * em
    assert rv.plot.vb.height() >= 2 * line and rv.plot.vb.width() >= 8 * em  # the bars are a chart
    ticks = rv.plot.getAxis("left")._tickLevels[0]
    pitch = rv.plot.vb.height() / 1.08 * (ticks[1][0] - ticks[0][0])
    assert len(ticks) >= 2 and pitch >= line  # weight labels do not overlap
    rows = rv.sum_view._shape[0]
    assert rows >= 4 and rv.sum_view.vb.height() / rows >= line * 0.99  # one label per row, no overlap
    assert rv.sum_view.left.labels[-1] == "o = Σ"
    for title in (explorer.heatmap.plot.title, rv.title, rv.sum_view.title):
        assert _fits(title) and title.label.text in title.versions, title.label.text
    assert explorer.body.verticalScrollBar().maximum() == 0  # everything is on screen
    middle = {b.geometry().center().y() for b in [explorer.controls.prev_stage, explorer.controls.next_stage,
                                                   *explorer.controls.stage_buttons.buttons()]}
    assert max(middle) - min(middle) <= 1  # the stage stepper is on one line


def test_the_heatmap_title_is_whole_and_left_aligned(explorer):
    explorer.resize(594, 682)  # the explorer in a 1280×800 window
    QApplication.processEvents()
    title = explorer.heatmap.plot.title
    assert title.label.text.startswith("A = softmax(S / (√8 · T) + M)") and _fits(title)
    assert title.label.mapRectToItem(title.plot, title.label.itemRect()).left() < 10
    explorer.resize(380, 682)  # so narrow that even the shortest version is cut: at its end
    QApplication.processEvents()
    assert _fits(title)


def test_a_narrow_explorer_puts_the_side_column_below(qtbot, explorer):
    explorer.resize(460, 900)
    QApplication.processEvents()
    assert explorer.split.orientation() == Qt.Orientation.Vertical and explorer.row_view.side_by_side
    rv = explorer.row_view
    bars, total = rv.plot.sceneBoundingRect(), rv.sum_view.sceneBoundingRect()
    assert bars.right() <= total.left() + 1  # the bars and the weighted sum side by side
    assert explorer.heatmap.mapTo(explorer, explorer.heatmap.rect().bottomLeft()).y() <= rv.mapTo(explorer, rv.rect().topLeft()).y()
    explorer.resize(960, 720)
    QApplication.processEvents()
    assert explorer.split.orientation() == Qt.Orientation.Horizontal and not rv.side_by_side


# --- look and speed ------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", [LIGHT, DARK, PROJECTOR], ids=lambda t: t.name)
def test_themes_restyle_and_scale(explorer, theme):
    if theme is PROJECTOR:
        explorer.resize(1920, 1080)
    explorer.apply_theme(theme)
    arr = render(explorer)
    assert has_colour(arr, theme.background, min_pixels=5000)
    assert has_colour(arr, "#440154", tol=25)  # the darkest viridis colour: weights near 0
    px = explorer.heatmap.left._font.pixelSize()
    # a little smaller than the body text, except in projector mode where nothing goes below it
    assert px == (theme.font_px if theme is PROJECTOR else max(theme.font_px - 2, 10))
    assert (px >= 28) == (theme is PROJECTOR)


def test_two_hundred_tokens_stay_usable_and_responsive(qtbot, explorer):
    explorer.set_params({"heads": 8, "d_k": 64})
    words = " ".join(f"w{i}" for i in range(200))
    start = time.perf_counter()
    explorer.set_sentence(words)
    typed = time.perf_counter() - start
    render(explorer)
    left = explorer.heatmap.left.visible_labels()
    assert 10 <= len(left) < 50  # thinned to fit …
    explorer.heatmap.vb.setRange(xRange=(100, 110), yRange=(100, 110), padding=0)
    QApplication.processEvents()
    assert explorer.heatmap.left.visible_labels()[:3] == ["w100₁₀₀", "w101₁₀₁", "w102₁₀₂"]  # … all when zoomed
    steps = []
    for pos in range(10, 60, 5):
        t = time.perf_counter()
        explorer.controls.temperature.setValue(pos)
        steps.append(time.perf_counter() - t)
    assert typed < 1.0 and np.median(steps) < 0.25, (typed, steps)  # generous: CI machines are slow
