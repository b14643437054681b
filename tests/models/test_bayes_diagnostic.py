"""app/models/bayes_diagnostic.py: the diagnostic test against closed forms, its sequential updates,
its edges (rates at 0 and 1, a positive that cannot happen), and the people it is counted in —
rounded halves up, in a crowd big enough that a rare disease does not round to nobody."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.bayes import BayesInputError
from app.models.bayes_diagnostic import MAX_CROWD, PEOPLE, SICK, Diagnostic, sequential


def test_diagnostic_closed_form():
    d = Diagnostic(0.01, 0.9, 0.91)
    assert d.p_positive == pytest.approx(0.9 * 0.01 + 0.09 * 0.99)
    assert d.p_disease_given_positive == pytest.approx(0.009 / 0.0981)
    assert d.p_disease_given_negative == pytest.approx(0.001 / (0.001 + 0.91 * 0.99))
    assert sum(d.joint.values()) == pytest.approx(1.0)
    assert d.counts() == {"tp": 9, "fn": 1, "fp": 89, "tn": 901}
    assert sum(d.counts().values()) == PEOPLE


def test_test_again_uses_the_posterior_as_prior_and_matches_one_batch_update():
    d = Diagnostic(0.01, 0.9, 0.91)
    chain = sequential(d, 4)
    assert [c.base_rate for c in chain[1:]] == pytest.approx([c.p_disease_given_positive for c in chain[:-1]])
    for k, c in enumerate(chain, start=1):  # k positives at once: odds × LR^k
        odds = 0.01 / 0.99 * (0.9 / 0.09) ** k
        assert c.p_disease_given_positive == pytest.approx(odds / (1 + odds), rel=1e-12)
    assert chain[1].p_disease_given_positive == pytest.approx(0.5025, abs=1e-4)


@pytest.mark.parametrize("base, sens, spec, expected", [
    (0.01, 1.0, 1.0, 1.0),  # a perfect test
    (0.01, 0.0, 0.9, 0.0),  # never positive when sick
    (0.0, 0.9, 0.9, 0.0),  # nobody is sick
    (1.0, 0.9, 0.9, 1.0),  # everybody is
    (0.3, 1.0, 0.0, 0.3),  # everybody tests positive: no information
])
def test_diagnostic_edges(base, sens, spec, expected):
    assert Diagnostic(base, sens, spec).p_disease_given_positive == pytest.approx(expected)


@pytest.mark.parametrize("base, sens, spec", [(0.0, 0.9, 1.0), (0.5, 0.0, 1.0), (1.0, 0.0, 0.3)])
def test_impossible_positive_is_nan_and_cannot_be_tested_again(base, sens, spec):
    d = Diagnostic(base, sens, spec)
    assert d.p_positive == 0 and math.isnan(d.p_disease_given_positive)
    with pytest.raises(BayesInputError, match="cannot happen"):
        d.after_positive()
    assert len(sequential(d, 5)) == 1  # the chain stops
    assert sum(d.counts().values()) == PEOPLE


@pytest.mark.parametrize("bad", [-0.1, 1.1, math.nan])
def test_rates_must_be_probabilities(bad):
    with pytest.raises(BayesInputError, match="between 0 and 1"):
        Diagnostic(0.01, bad, 0.9)


@settings(max_examples=150, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_diagnostic_random_rates(base, sens, spec):
    d = Diagnostic(base, sens, spec)
    j = d.joint
    assert sum(j.values()) == pytest.approx(1.0)
    post = d.p_disease_given_positive
    if d.p_positive > 0:  # Bayes' theorem: P(D | +) P(+) = P(+ | D) P(D)
        assert 0 <= post <= 1
        assert post * d.p_positive == pytest.approx(sens * base, abs=1e-15)
    counts = d.counts()
    assert sum(counts.values()) == PEOPLE and min(counts.values()) >= 0


def test_counts_round_halves_up():
    # 0.005 × 1 000 = 5 sick, 4.5 of them positive: 5 (round() would say 4); 995 × 0.09 = 89.55 → 90
    assert Diagnostic(0.005, 0.9, 0.91).counts() == {"tp": 5, "fn": 0, "fp": 90, "tn": 905}
    # 9 950 × (1 − 0.91) is 895.4999… in floating point: still the 895.5 it stands for → 896
    assert Diagnostic(0.005, 0.9, 0.91).counts(10_000)["fp"] == 896
    assert Diagnostic(0.0025, 0.9, 0.91).counts(10_000) == {"tp": 23, "fn": 2, "fp": 898, "tn": 9077}


@pytest.mark.parametrize("base, crowd", [(0.01, 1000), (0.3, 1000), (0.005, 10_000), (0.0004, 100_000),
                                         (1e-9, MAX_CROWD), (0.0, 1000), (1.0, 1000)])
def test_a_rare_disease_is_counted_in_a_bigger_crowd(base, crowd):
    d = Diagnostic(base, 0.9, 0.91)
    assert d.crowd() == crowd
    if 0 < base and crowd < MAX_CROWD:
        assert base * crowd >= SICK and (crowd == PEOPLE or base * crowd / 10 < SICK)
    # base rate 0.0004: not "0 of the 90 who test positive are sick" but 36 of 9 032 in 100 000
    if base == 0.0004:
        assert d.counts() == {"tp": 0, "fn": 0, "fp": 90, "tn": 910}
        assert d.counts(crowd) == {"tp": 36, "fn": 4, "fp": 8996, "tn": 90964}
