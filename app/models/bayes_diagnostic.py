"""Discrete Bayes, the diagnostic-test example: a base rate, a test's sensitivity and
specificity → P(disease | positive), and the same test taken again with the posterior as the new
prior. Plain floats; no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.models.bayes import BayesInputError, _probability

PEOPLE = 1000  # the icon array's crowd
SICK = 10  # counting in whole people, at least this many sick (else a bigger crowd)
MAX_CROWD = 1_000_000


@dataclass(frozen=True)
class Diagnostic:
    """A test for a condition: base rate P(D), sensitivity P(+ | D), specificity P(− | ¬D)."""

    base_rate: float = 0.01
    sensitivity: float = 0.9
    specificity: float = 0.91

    def __post_init__(self):
        for name in ("base_rate", "sensitivity", "specificity"):
            _probability(name.replace("_", " "), getattr(self, name))

    @property
    def joint(self) -> dict[str, float]:
        """P of each leaf of the tree: tp = P(D, +), fn = P(D, −), fp = P(¬D, +), tn = P(¬D, −)."""
        d, se, sp = self.base_rate, self.sensitivity, self.specificity
        return {"tp": d * se, "fn": d * (1 - se), "fp": (1 - d) * (1 - sp), "tn": (1 - d) * sp}

    @property
    def p_positive(self) -> float:
        """Total probability: P(+) = P(+ | D)P(D) + P(+ | ¬D)P(¬D)."""
        j = self.joint
        return j["tp"] + j["fp"]

    @property
    def p_disease_given_positive(self) -> float:
        """P(D | +); NaN when a positive result is impossible with these rates (P(+) = 0)."""
        j = self.joint
        total = j["tp"] + j["fp"]
        return j["tp"] / total if total > 0 else math.nan

    @property
    def p_disease_given_negative(self) -> float:
        j = self.joint
        total = j["fn"] + j["tn"]
        return j["fn"] / total if total > 0 else math.nan

    def after_positive(self) -> Diagnostic:
        """Test again (independently): today's posterior P(D | +) is the next test's prior."""
        post = self.p_disease_given_positive
        if math.isnan(post):
            raise BayesInputError("a positive result cannot happen with these rates, so there is nothing to update on")
        return Diagnostic(post, self.sensitivity, self.specificity)

    def counts(self, people: int = PEOPLE) -> dict[str, int]:
        """Whole people in each leaf for a crowd of ``people`` (rounded half up, so they add up)."""
        sick = _round(self.base_rate * people)
        tp = _round(sick * self.sensitivity)
        fp = _round((people - sick) * (1 - self.specificity))
        return {"tp": tp, "fn": sick - tp, "fp": fp, "tn": people - sick - fp}

    def crowd(self, people: int = PEOPLE, sick: float = SICK) -> int:
        """A crowd big enough to count this test in whole people: ``people``, or 10, 100, … times
        as many (at most MAX_CROWD), the first in which ``sick`` or more people are expected to be
        sick. A rare disease (base rate 0.0004: 0.4 sick per 1 000) then does not round to nobody."""
        n = people
        while self.base_rate > 0 and self.base_rate * n < sick and n < MAX_CROWD:
            n *= 10
        return n


def _round(x: float) -> int:
    """To the nearest whole number, halves up (Python's round() sends 4.5 to 4); first to 9 decimals,
    so 9 950 × (1 − 0.91) = 895.4999999999997 counts as the 895.5 it stands for."""
    return math.floor(round(x, 9) + 0.5)


def sequential(test: Diagnostic, positives: int) -> list[Diagnostic]:
    """The tests in a row of ``positives`` positive results: [first, second, …]; each one's base
    rate is the previous one's P(D | +). Stops early if a positive result becomes impossible."""
    chain = [test]
    for _ in range(int(positives) - 1):
        if math.isnan(chain[-1].p_disease_given_positive):
            break
        chain.append(chain[-1].after_positive())
    return chain
