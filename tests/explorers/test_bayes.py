"""The Bayes explorer as a learner meets it: click Heads and Tails, flip with a hidden p, scrub the
timeline, undo, type a bad prior; the unknown-mean tab; themes, hover, export; and what the figure
then shows. The diagnostic tab: test_bayes_diagnostic.py; the audit's coin-tab fixes: test_bayes_coin_view.py."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from scipy import stats

from app.explorers.bayes import BayesExplorer
from app.lessons import LESSONS_DIR, load_lesson
from app.models import bayes as model
from app.widgets.theme import DARK, LIGHT, PROJECTOR


@pytest.fixture
def coin_lesson():
    return load_lesson(LESSONS_DIR / "bayes-coin.toml")


def make(qtbot, lesson, animate=False, size=(1000, 760)) -> BayesExplorer:
    w = BayesExplorer(lesson)
    w.animate = animate
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def explorer(qtbot, coin_lesson):
    return make(qtbot, coin_lesson)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def curve(item) -> tuple[np.ndarray, np.ndarray]:
    x, y = item.getData()
    return (np.array([]), np.array([])) if x is None else (np.asarray(x), np.asarray(y))


def drawn(item) -> tuple[np.ndarray, np.ndarray]:
    """The points a dashed curve draws (its gaps are NaN), after checking it has dashes."""
    x, y = curve(item)
    ok = np.isfinite(y)
    assert 0.2 < ok.mean() < 0.9, "a dashed curve: drawn in dashes, with gaps"
    return x[ok], y[ok]


def image_array(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    arr = arr.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[:, :, 2::-1].copy()  # RGB


def count_colour(arr: np.ndarray, colour: str, tol: int = 12) -> int:
    c = np.array(QColor(colour).getRgb()[:3])
    return int(np.all(np.abs(arr.astype(int) - c) <= tol, axis=-1).sum())


def assert_posterior_drawn(w: BayesExplorer, h: int, t: int) -> None:
    """The posterior curve on screen is Beta(α + h, β + t) on the model's grid."""
    p = w.params()
    expected = model.Coin(p["alpha"], p["beta"], h, t).curves()
    x, y = curve(w.plot.posterior)
    np.testing.assert_allclose(x, expected.theta)
    np.testing.assert_allclose(y, expected.posterior, rtol=1e-12)


# --- the coin ------------------------------------------------------------------------------------------
def test_opens_on_the_lesson(explorer, coin_lesson):
    p = explorer.params()
    assert set(model.PARAMS) <= set(p)
    assert (p["alpha"], p["beta"], p["true_p"], p["seed"]) == (1.0, 1.0, 0.7, 6.0)
    assert p["n"] == p["step"] == 0 and explorer.tabs.currentIndex() == 0
    assert set(explorer.quantities()) == set(model.QUANTITIES)
    assert not explorer.controls.true_p.isVisible() and not explorer.plot.truth.isVisible()
    assert curve(explorer.plot.likelihood)[0].size == 0  # no data: no likelihood yet
    assert_posterior_drawn(explorer, 0, 0)


def test_heads_and_tails_buttons_update_curves_numbers_and_timeline(explorer, qtbot):
    seen = []
    explorer.params_changed.connect(lambda p: seen.append((p["h"], p["t"])))
    before = curve(explorer.plot.posterior)[1].copy()
    shot_before = image_array(explorer.plot.grab().toImage())
    for button in ("heads", "heads", "tails", "heads"):
        click(qtbot, getattr(explorer.controls, button))
    assert seen == [(1, 0), (2, 0), (2, 1), (3, 1)]
    assert_posterior_drawn(explorer, 3, 1)
    assert not np.allclose(curve(explorer.plot.posterior)[1], before)
    x, lik = drawn(explorer.plot.likelihood)
    np.testing.assert_allclose(lik, stats.beta(4, 2).pdf(x), rtol=1e-10)
    assert explorer.timeline.slider.maximum() == 4 and explorer.timeline.slider.value() == 4
    assert explorer.timeline.strip_text() == "HHT[H]"
    q = explorer.quantities()
    assert (q["heads"], q["tails"], q["n"]) == (3, 1, 4)
    assert q["posterior_mean"] == pytest.approx(4 / 6) and q["mle"] == 0.75
    assert "0.667" in explorer.summary.text()
    assert explorer.plot.markers["MLE"].value() == pytest.approx(0.75)
    assert explorer.plot.markers["MAP"].value() == pytest.approx(3 / 4)
    assert explorer.plot.markers["mean"].value() == pytest.approx(4 / 6)
    shot_after = image_array(explorer.plot.grab().toImage())
    assert np.abs(shot_after.astype(int) - shot_before).sum(axis=-1).astype(bool).sum() > 2000  # pixels moved


def test_the_update_glides_then_lands_on_the_posterior(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson, animate=True)
    click(qtbot, w.controls.heads)
    assert w.is_animating()
    qtbot.waitUntil(lambda: not w.is_animating(), timeout=3000)
    assert_posterior_drawn(w, 1, 0)
    for _ in range(3):
        click(qtbot, w.controls.tails)
    frames = []
    w.plot.posterior.sigPlotChanged.connect(lambda item: frames.append(curve(item)[1].max()))
    qtbot.waitUntil(lambda: not w.is_animating(), timeout=3000)
    assert len(frames) >= 3  # several frames in between …
    assert_posterior_drawn(w, 1, 3)  # … ending exactly on Beta(2, 4)


def test_scrubbing_the_timeline_steps_back_and_forth(explorer, qtbot):
    explorer.set_params({"heads": 7, "tails": 3})
    obs = explorer._log.observations.copy()
    shapes = {}
    for k in (10, 0, 4, 9, 2):
        explorer.timeline.slider.setValue(k)
        h = int(obs[:k].sum())
        assert explorer.params()["step"] == k and explorer.quantities()["n"] == k
        assert_posterior_drawn(explorer, h, k - h)
        shapes[k] = curve(explorer.plot.posterior)[1].copy()
    assert not np.allclose(shapes[0], shapes[10]) and not np.allclose(shapes[4], shapes[9])
    assert explorer.params()["heads"] == 7 and explorer.params()["tails"] == 3  # nothing lost
    click(qtbot, explorer.timeline.forward)
    assert explorer.params()["step"] == 3
    click(qtbot, explorer.timeline.back)
    click(qtbot, explorer.timeline.back)
    assert explorer.params()["step"] == 1
    assert explorer.timeline.back.isEnabled()
    explorer.timeline.slider.setValue(0)
    assert not explorer.timeline.back.isEnabled()
    # a new observation while scrubbed back goes to the end of the record; the timeline follows
    click(qtbot, explorer.controls.heads)
    assert explorer.params()["step"] == 11 and explorer.params()["heads"] == 8


def test_keyboard_heads_tails_steps_and_undo(explorer, qtbot):
    explorer.controls.heads.setFocus()
    qtbot.keyClick(explorer.controls.heads, Qt.Key.Key_H)
    qtbot.keyClick(explorer.controls.heads, Qt.Key.Key_T)
    assert (explorer.params()["h"], explorer.params()["t"]) == (1, 1)
    qtbot.keyClick(explorer.controls.heads, Qt.Key.Key_Left)
    assert explorer.params()["step"] == 1
    qtbot.keyClick(explorer.controls.heads, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert explorer.params()["heads"] == 1 and explorer.params()["tails"] == 0


def test_random_flips_are_seeded_and_revealed_on_request(coin_lesson, qtbot):
    a, b = make(qtbot, coin_lesson), make(qtbot, coin_lesson)
    for w in (a, b):
        click(qtbot, w.controls.flip_buttons[2])  # 100
        click(qtbot, w.controls.flip_buttons[1])  # 10
    np.testing.assert_array_equal(a._log.observations, b._log.observations)
    assert len(a._log) == 110
    expected = model.flips(np.random.default_rng(6), 100, 0.7)
    np.testing.assert_array_equal(a._log.observations[:100], expected)
    assert not a.plot.truth.isVisible()
    a.controls.reveal.setChecked(True)
    assert a.controls.true_p.isVisible() and a.plot.truth.isVisible()
    assert a.plot.truth.value() == pytest.approx(0.7)
    a.controls.true_p.spin.setValue(0.2)
    click(qtbot, a.controls.flip_buttons[2])
    assert a._log.observations[110:].mean() < 0.45  # the new p is used from now on
    assert a.params()["true_p"] == 0.2 and a.params()["reveal"] == 1.0


def test_undo_and_clear(explorer, qtbot):
    assert not explorer.controls.undo.isEnabled()
    for _ in range(3):
        click(qtbot, explorer.controls.heads)
    click(qtbot, explorer.controls.undo)
    assert explorer.params()["heads"] == 2 and explorer.params()["step"] == 2
    click(qtbot, explorer.controls.clear)
    assert explorer.params()["n"] == 0 and not explorer.controls.undo.isEnabled()
    assert_posterior_drawn(explorer, 0, 0)


def test_a_bad_prior_is_refused_with_a_message_and_nothing_is_lost(explorer, qtbot):
    for _ in range(4):
        click(qtbot, explorer.controls.tails)
    explorer.controls.alpha.spin.setValue(3.0)
    before = explorer.params()
    explorer.controls.alpha.spin.setValue(0.0)  # what typing "0" + Enter does
    msg = explorer.controls.message
    assert msg.isVisible() and "α must be a positive number" in msg.text() and "Beta(3, 1)" in msg.text()
    assert explorer.controls.alpha.spin.property("invalid") is True
    after = explorer.params()
    assert after["alpha"] == 3.0 and after["tails"] == 4 and after == before
    assert_posterior_drawn(explorer, 0, 4)
    explorer.controls.alpha.spin.setValue(2.5)  # a good value clears the message
    assert not msg.isVisible() and explorer.params()["alpha"] == 2.5
    assert explorer.controls.alpha.spin.property("invalid") is False


def test_log_slider_and_presets(explorer, qtbot):
    explorer.controls.beta.slider.setValue(explorer.controls.beta.slider.maximum())
    assert explorer.params()["beta"] == pytest.approx(1000.0)
    explorer.controls.beta.slider.setValue(0)
    assert explorer.params()["beta"] == pytest.approx(0.01)
    for name, (a, b) in model.PRESETS.items():
        click(qtbot, explorer.controls.preset_buttons[name])
        assert (explorer.params()["alpha"], explorer.params()["beta"]) == (a, b)
        assert explorer.controls.alpha.spin.value() == a
    x, y = drawn(explorer.plot.prior)
    np.testing.assert_allclose(y, stats.beta(50, 50).pdf(x), rtol=1e-9)


def test_hdi_toggle_changes_the_shaded_region(explorer, qtbot):
    explorer.set_params({"heads": 2, "tails": 12})
    eq = curve(explorer.plot.fills[0])[0]
    lo, hi = explorer.coin().equal_tailed
    assert (eq[0], eq[-1]) == pytest.approx((lo, hi))
    explorer.controls.hdi.setChecked(True)
    ((hlo, hhi),) = explorer.coin().hdi
    hdi = curve(explorer.plot.fills[0])[0]
    assert (hdi[0], hdi[-1]) == pytest.approx((hlo, hhi)) and hhi - hlo < hi - lo
    assert explorer.params()["hdi"] == 1.0
    explorer.set_params({"alpha": 0.5, "beta": 0.5, "heads": 0, "tails": 0})  # U-shaped: two pieces
    assert curve(explorer.plot.fills[1])[0].size > 0


def test_set_params_round_trip_keeps_the_record(explorer, qtbot):
    for button in ("tails", "heads", "heads"):
        click(qtbot, getattr(explorer.controls, button))
    obs = explorer._log.observations.copy()
    with qtbot.waitSignal(explorer.params_changed, timeout=1000):
        explorer.set_params(explorer.params())
    np.testing.assert_array_equal(explorer._log.observations, obs)  # same counts: same order
    explorer.set_params({"alpha": -5, "beta": 1e9, "tab": 7})  # clamped to the specs
    p = explorer.params()
    assert p["alpha"] == model.PARAMS["alpha"].lo and p["beta"] == model.PARAMS["beta"].hi and p["tab"] == 2


def test_a_million_flips_zooms_in_and_stays_finite(explorer, qtbot):
    explorer.set_params({"heads": 600_000, "tails": 400_000})
    x, y = curve(explorer.plot.posterior)
    assert np.all(np.isfinite(y)) and y.max() == pytest.approx(stats.beta(600001, 400001).pdf(0.6), rel=1e-3)
    (lo, hi), _ = explorer.plot.vb.viewRange()
    assert 0.59 < lo < 0.6 < hi < 0.61
    assert "zoomed" in explorer.plot.getPlotItem().getAxis("bottom").labelText
    explorer.timeline.slider.setValue(500)  # scrub back to the start: the full range again
    (lo, hi), _ = explorer.plot.vb.viewRange()
    assert (lo, hi) == (0.0, 1.0) or hi - lo > 0.1


def test_hover_shows_exact_densities(explorer, qtbot):
    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    try:
        explorer.set_params({"heads": 3, "tails": 1})
        scene = explorer.plot.vb.mapViewToScene(QPointF(0.4, 0.5))
        qtbot.mouseMove(explorer.plot.viewport(), explorer.plot.mapFromScene(scene))
        qtbot.waitUntil(explorer.plot.hover_text.isVisible, timeout=1000)
    finally:
        pg.setConfigOption("mouseRateLimit", old)
    text = explorer.plot.hover_label()
    theta = float(text.split("θ =")[1].split()[0])
    assert theta == pytest.approx(0.4, abs=0.01)
    post = float(text.split("posterior")[1].split()[0])
    # θ is shown to 3 places: the density shown is the one at a θ within half a unit of that
    ends = stats.beta(4, 2).pdf([theta - 0.0005, theta + 0.0005])
    assert ends.min() - 0.001 <= post <= ends.max() + 0.001


def test_export_table_and_plot_item(explorer):
    explorer.set_params({"heads": 5, "tails": 2})
    cols, rows = explorer.export_table()
    assert cols == ["theta", "prior", "likelihood", "posterior"] and len(rows) == model.GRID
    arr = np.array(rows)
    np.testing.assert_allclose(arr[:, 3], stats.beta(6, 3).pdf(arr[:, 0]), rtol=1e-9)
    assert explorer.plot_item() is explorer.plot.getPlotItem()
    explorer.tabs.setCurrentIndex(2)
    cols, rows = explorer.export_table()
    assert cols == ["mu", "prior", "posterior"] and explorer.plot_item() is explorer.normal.plot.getPlotItem()


# --- the unknown mean --------------------------------------------------------------------------------------
def test_normal_tab_observes_and_narrows(explorer, qtbot):
    explorer.tabs.setCurrentIndex(2)
    assert explorer.params()["tab"] == 2
    panel = explorer.normal
    before = curve(panel.plot.posterior)[1].max()
    click(qtbot, panel.buttons[1])  # observe 10
    click(qtbot, panel.buttons[0])  # observe 1
    assert explorer.params()["normal_n"] == 11
    ticks = panel.plot.ticks.getData()[0]
    assert len(ticks) == 11
    q = explorer.quantities()
    assert q["normal_post_sd"] == pytest.approx(1 / math.sqrt(1 / 4 + 11))
    assert curve(panel.plot.posterior)[1].max() > 3 * before
    panel.reveal.setChecked(True)
    assert panel.plot.truth.isVisible() and panel.plot.truth.value() == 1.5
    click(qtbot, panel.buttons[2])  # clear
    assert explorer.params()["normal_n"] == 0 and len(panel.plot.ticks.getData()[0]) == 0


# --- look ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", [LIGHT, DARK, PROJECTOR], ids=lambda t: t.name)
def test_themes_restyle_every_tab(coin_lesson, qtbot, theme):
    size = (1150, 900) if theme is PROJECTOR else (1000, 760)
    w = make(qtbot, coin_lesson, size=size)
    w.set_params({"heads": 7, "tails": 3})
    w.apply_theme(theme)
    assert w.plot.posterior.opts["pen"].widthF() == pytest.approx(theme.line_width * 1.6)
    assert f"font-size: {theme.font_px}px" in w.styleSheet()
    arr = image_array(w.plot.grab().toImage())
    assert count_colour(arr, theme.background, tol=6) > arr.shape[0] * arr.shape[1] // 4
    assert count_colour(arr, theme.series[1], tol=20) > 300 * theme.line_width / 2  # the posterior
    assert count_colour(arr, theme.series[0], tol=20) > 100  # the prior
    # nothing is cut off: once the layout has settled, every control of the coin tab is inside the
    # explorer and inside the visible part of the controls' scroll area
    buttons = [w.controls.heads, w.controls.undo, w.controls.clear, *w.controls.preset_buttons.values()]

    def all_inside() -> bool:
        view = w.scroll.viewport()
        area = view.rect().translated(view.mapTo(w, view.rect().topLeft()))
        return all(area.contains(b.mapTo(w, b.rect().topLeft())) and area.contains(b.mapTo(w, b.rect().bottomRight()))
                   and w.rect().contains(b.mapTo(w, b.rect().bottomRight())) for b in buttons)

    qtbot.waitUntil(all_inside, timeout=3000)
    assert w.plot.height() >= 200
    for i in (1, 2):
        w.tabs.setCurrentIndex(i)
        shot = image_array(w.grab().toImage())
        assert len(np.unique(shot.reshape(-1, 3)[::5], axis=0)) > 30  # drawn, not blank


def test_projector_fonts_are_large(coin_lesson, qtbot):
    w = make(qtbot, coin_lesson, size=(1150, 900))
    w.apply_theme(PROJECTOR)
    qtbot.waitUntil(lambda: w.controls.heads.height() >= 1.4 * PROJECTOR.font_px, timeout=2000)
    # ticks are a little smaller than body text elsewhere; in projector mode never below it
    assert w.plot.getPlotItem().getAxis("bottom").style["tickFont"].pixelSize() == PROJECTOR.font_px
    assert w.summary.base.pixelSize() == PROJECTOR.font_px
    assert w.summary.height() >= 1.3 * PROJECTOR.font_px  # the larger numbers fit their line
