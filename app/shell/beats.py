"""Beats: named parameter states of a lesson that the explorer glides to in projector mode, and the
projector theme scaled to the window."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import shiboken6
from PySide6.QtCore import QEasingCurve, QObject, QVariantAnimation, Slot

from app import registry
from app.widgets.theme import PROJECTOR, Theme

BEAT_MS = 400  # how long the explorer takes to glide to a beat
REFERENCE_HEIGHT = 1080  # PROJECTOR's sizes are for a 1920×1080 projector


@cache
def projector_theme(height: int) -> Theme:
    """The projector theme for a window this tall: PROJECTOR at 1080 px and more, proportionally
    smaller below (a 1280×720 projector fills the same wall as a 1920×1080 one)."""
    scale = min(1.0, max(0.5, height / REFERENCE_HEIGHT))
    if scale >= 0.98:
        return PROJECTOR
    return replace(PROJECTOR.scaled(scale), font_px=math.ceil(PROJECTOR.font_px * scale))


def tween(spec, start: float, end: float, t: float) -> float:
    """A parameter's value a fraction t of the way from start to end (log scale for wide positive
    ranges such as a temperature, rounded to the slider's step)."""
    if spec.lo > 0 and spec.hi / spec.lo > 1000 and start > 0 and end > 0:
        value = math.exp(math.log(start) + (math.log(end) - math.log(start)) * t)
    else:
        value = start + (end - start) * t
    if spec.step >= 1:
        value = round(value / spec.step) * spec.step
    return spec.clamp(value)


def jumps(name: str, spec) -> bool:
    """Switches, choices and seeds change at once; only quantities glide."""
    return "seed" in name or (spec.step >= 1 and (spec.hi - spec.lo) / spec.step <= 10)


class BeatGlide(QObject):
    """Moves an explorer's parameters to a beat over a few hundred milliseconds (ease in and out)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self._anim.valueChanged.connect(self._on_frame)
        self._explorer = None
        self._specs: dict = {}
        self._from: dict[str, float] = {}
        self._to: dict[str, float] = {}

    def running(self) -> bool:
        return self._anim.state() == QVariantAnimation.State.Running

    def stop(self) -> None:
        self._anim.stop()
        self._explorer = None

    def start(self, explorer, topic: str, target: dict[str, float], ms: int) -> None:
        """Glide ``explorer`` (of ``topic``) to ``target`` in ``ms`` (0: at once)."""
        self.stop()
        specs = registry.load(registry.TOPICS[topic].params)
        now = explorer.params()
        at_once = {k: v for k, v in target.items() if k in specs and jumps(k, specs[k])}
        glide = {k: v for k, v in target.items() if k in specs and k not in at_once}
        if at_once:
            explorer.set_params(at_once)
        if ms <= 0 or not glide:
            if glide:
                explorer.set_params(glide)
            return
        self._explorer, self._specs, self._to = explorer, specs, glide
        self._from = {k: float(now.get(k, v)) for k, v in glide.items()}
        self._anim.setDuration(ms)
        self._anim.start()

    @Slot(object)
    def _on_frame(self, t) -> None:
        explorer = self._explorer
        if explorer is None or not shiboken6.isValid(explorer):
            self._anim.stop()
            return
        t = float(t)
        if t >= 1.0:
            values = dict(self._to)  # land exactly on the beat
        else:
            values = {k: tween(self._specs[k], self._from[k], v, t) for k, v in self._to.items()}
        explorer.set_params(values)
