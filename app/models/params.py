"""Parameter specs shared by models, lesson files and explorers (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParamSpec:
    """One numeric parameter of an explorer: its label, default, range and slider step."""

    label: str
    default: float
    lo: float
    hi: float
    step: float = 0.01
    unit: str = ""

    def clamp(self, value: float) -> float:
        return min(self.hi, max(self.lo, float(value)))

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi
