"""Tests for stats.trend against R's prop.trend.test and a hand calculation."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.trend import trend_test

SMOKERS = [83, 90, 129, 70]
PATIENTS = [86, 93, 136, 82]


def test_matches_r_help_example():
    # R ?prop.trend.test: prop.trend.test(smokers, patients) -> X-squared = 8.2249, df = 1, p-value = 0.004132
    res = trend_test(SMOKERS, PATIENTS)
    assert res.statistic == pytest.approx(8.2249, abs=5e-5)
    assert res.pvalue == pytest.approx(0.004132, abs=5e-7)
    assert res.z < 0  # the smoking rate falls over the ordered groups
    assert res.method == "cochran-armitage"


def test_scores_change_the_statistic_as_hand_calculation():
    # Hand: x = (6, 2, 2), n = (10, 10, 10), scores (0, 0, 1). p = 10/30 = 1/3, sbar = 1/3,
    # sum x (s - sbar) = 6(-1/3) + 2(-1/3) + 2(2/3) = -4/3;
    # p(1-p) sum n (s - sbar)^2 = (2/9) * (10/9 + 10/9 + 40/9) = (2/9)(60/9) = 120/81;
    # X^2 = (16/9) / (120/81) = 1.2
    res = trend_test([6, 2, 2], [10, 10, 10], scores=[0, 0, 1])
    assert res.statistic == pytest.approx(1.2, abs=1e-12)


def test_hand_calculation_two_rounds():
    # Hand: x = (6, 2), n = (10, 10), scores (1, 2). p = 8/20 = .4, sbar = 1.5,
    # sum x (s - sbar) = 6(-.5) + 2(.5) = -2; p(1-p) sum n (s - sbar)^2 = .24 * (2.5 + 2.5) = 1.2;
    # z = -2 / sqrt(1.2) = -1.8257419; X^2 = 3.3333333 (= Pearson chi-squared of the 2x2 table).
    res = trend_test([6, 2], [10, 10])
    assert res.z == pytest.approx(-2 / math.sqrt(1.2), abs=1e-12)
    assert res.statistic == pytest.approx(10 / 3, abs=1e-12)
    # One-sided "less" (falling rate) = Phi(z); hand: Phi(-1.8257419) = 0.0339446
    assert trend_test([6, 2], [10, 10], alternative="less").pvalue == pytest.approx(0.0339446, abs=1e-6)
    assert trend_test([6, 2], [10, 10], alternative="greater").pvalue == pytest.approx(1 - 0.0339446, abs=1e-6)


def test_no_variation_gives_pvalue_one():
    res = trend_test([0, 0, 0], [5, 6, 7])
    assert (res.statistic, res.pvalue) == (0.0, 1.0)
    assert trend_test([5, 6, 7], [5, 6, 7]).pvalue == 1.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [1], "n": [2]}, "at least two"),
        ({"x": [3, 1], "n": [2, 2]}, "must not exceed"),
        ({"x": [1, 1], "n": [2, 2], "scores": [1, 2, 3]}, "one value per round"),
        ({"x": [1, 1], "n": [2, 2], "scores": [1, 1]}, "not all be equal"),
        ({"x": [1, 1], "n": [2, 2], "alternative": "down"}, "alternative"),
        ({"x": [1, -1], "n": [2, 2]}, "negative"),
    ],
)
def test_invalid_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        trend_test(**kwargs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=2, max_size=6))
def test_properties(pairs):
    x = [min(a, b) for a, b in pairs]
    n = [b for _, b in pairs]
    res = trend_test(x, n)
    assert 0 <= res.pvalue <= 1
    # Reversing the order of the rounds flips the sign of z and keeps X^2.
    rev = trend_test(x[::-1], n[::-1])
    assert rev.z == pytest.approx(-res.z, abs=1e-9)
    assert rev.statistic == pytest.approx(res.statistic, rel=1e-9, abs=1e-12)
    less = trend_test(x, n, alternative="less").pvalue
    greater = trend_test(x, n, alternative="greater").pvalue
    if res.statistic > 0:
        assert less + greater == pytest.approx(1.0, abs=1e-12)
