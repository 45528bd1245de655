"""Tests for stats.ordinal against lawstat's documented Brunner–Munzel example and hand calculations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.ordinal import grade_shift_test

# Brunner & Munzel (2000), Table 1 pain scores, as counts of scores 1..5 (best first):
# Y = c(1,2,1,1,1,1,1,1,1,1,2,4,1,1) -> 11 ones, 2 twos, 1 four
# N = c(3,3,4,3,1,2,3,1,1,5,4)       -> 3 ones, 1 two, 4 threes, 2 fours, 1 five
Y = [11, 2, 0, 1, 0]
N = [3, 1, 4, 2, 1]


def test_brunner_munzel_matches_lawstat_documented_output():
    # lawstat::brunner.munzel.test(Y, N), example output in lawstat 2.2 to 3.6 help pages
    # (R/brunner.munzel.test.R): Statistic = 3.1375, df = 17.683, p-value = 0.005786,
    # 95 percent CI 0.5952169 0.9827052, P(X<Y)+.5*P(X=Y) = 0.788961.
    # (The brief quoted 0.5952034-0.9827187; the package's own documented output is used here.)
    res = grade_shift_test(Y, N)
    assert res.statistic == pytest.approx(3.1375, abs=5e-5)
    assert res.df == pytest.approx(17.683, abs=5e-4)
    assert res.pvalue == pytest.approx(0.005786, abs=5e-7)
    assert res.relative_effect == pytest.approx(0.788961, abs=5e-7)
    assert res.low == pytest.approx(0.5952169, abs=5e-7)
    assert res.high == pytest.approx(0.9827052, abs=5e-7)


def test_relative_effect_hand_calculation():
    # Hand: pairs (Y_i, N_j) with Y better (lower) plus half ties, over 14 * 11 = 154 pairs.
    # Y=1 (11 cases): N worse = 11 - 3 = 8, ties 3 -> 11 * (8 + 1.5) = 104.5
    # Y=2 (2 cases): N worse = 7, ties 1 -> 2 * 7.5 = 15
    # Y=4 (1 case): N worse = 1 (the 5), ties 2 -> 2
    # total 121.5 / 154 = 0.7889610
    assert grade_shift_test(Y, N).relative_effect == pytest.approx(121.5 / 154, abs=1e-12)


def test_mann_whitney_hand_calculation():
    # U for group 1 = pairs with Y worse + half ties = 154 - 121.5 = 32.5 (R: wilcox.test(Y, N) W = 32.5).
    # Tie correction: grade totals 14, 3, 4, 3, 1 -> sum(t^3 - t) = 2730 + 24 + 60 + 24 + 0 = 2838
    # sigma^2 = 14*11/12 * (26 - 2838/(25*24)) = 12.833333 * (26 - 4.73) = 272.965; sigma = 16.521652
    # z = (32.5 - 77 + 0.5) / 16.521652 = -2.6631717; p = 2 Phi(-2.6631717) = 0.0077408
    res = grade_shift_test(Y, N, method="mann_whitney")
    assert res.statistic == 32.5
    assert res.pvalue == pytest.approx(math.erfc(2.6631717 / math.sqrt(2)), abs=1e-7)
    assert math.isnan(res.low) and math.isnan(res.high)
    less = grade_shift_test(Y, N, method="mann_whitney", alternative="less").pvalue
    # one-sided "less" (later grades better): Phi(-2.6631717) = 0.0038704
    assert less == pytest.approx(0.5 * math.erfc(2.6631717 / math.sqrt(2)), abs=1e-7)


def test_one_sided_directions_brunner_munzel():
    # lawstat: alternative "greater" gives pt(statistic, df); so P(T > 3.1375) = 0.005786 / 2 for H1 of later better.
    assert grade_shift_test(Y, N, alternative="less").pvalue == pytest.approx(0.005786 / 2, abs=5e-7)
    assert grade_shift_test(Y, N, alternative="greater").pvalue == pytest.approx(1 - 0.005786 / 2, abs=5e-7)


def test_identical_rounds_and_separation():
    same = grade_shift_test([3, 4, 5], [3, 4, 5])
    assert same.relative_effect == 0.5 and same.statistic == pytest.approx(0.0, abs=1e-12)
    one_grade = grade_shift_test([5, 0, 0], [5, 0, 0])
    assert (one_grade.statistic, one_grade.pvalue, one_grade.relative_effect) == (0.0, 1.0, 0.5)
    separated = grade_shift_test([5, 0, 0], [0, 0, 5])
    assert separated.relative_effect == 1.0 and separated.statistic == math.inf


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1, 2], [1, 2, 3]), {}, "same grades"),
        (([1, -2], [1, 2]), {}, "negative"),
        (([0, 0], [1, 2]), {}, "at least one"),
        (([1, 0], [1, 2]), {}, "at least 2"),
        (([1, 2], [1, 2]), {"method": "t_test"}, "method"),
        (([1, 2], [1, 2]), {"confidence_level": 95}, "confidence_level"),
        (([5], [5]), {}, "at least two grades"),
    ],
)
def test_invalid_inputs(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        grade_shift_test(*args, **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=3, max_size=3).filter(lambda c: sum(c) >= 2),
    st.lists(st.integers(0, 30), min_size=3, max_size=3).filter(lambda c: sum(c) >= 2),
    st.sampled_from(["brunner_munzel", "mann_whitney"]),
)
def test_properties(c1, c2, method):
    res = grade_shift_test(c1, c2, method=method)
    assert 0 <= res.pvalue <= 1
    swapped = grade_shift_test(c2, c1, method=method)
    assert swapped.relative_effect == pytest.approx(1 - res.relative_effect, abs=1e-12)
    assert swapped.pvalue == pytest.approx(res.pvalue, abs=1e-9)
    if method == "brunner_munzel" and np.isfinite(res.df):
        assert res.low <= res.relative_effect <= res.high
