"""Tests of stats.small_samples: what no outcome of a tiny audit can show, and intervals against tests.

The Boschloo p-values are recomputed by hand from the rejection region, written out below, with the
supremum over the common failure rate taken on a fine grid of scipy.stats.binom tails (not the engine
under test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from inspection_analysis.stats.hypotests import critical_count
from inspection_analysis.stats.small_samples import best_case_test, interval_test_agreement

RATES = np.linspace(1e-6, 1 - 1e-6, 200_001)


def test_one_new_file_against_278_of_374_can_never_be_significant():
    # Hand, n1 = 1 against x2 = 278 of n2 = 374, the best outcome x1 = 0:
    # Fisher: P(A = 0 | A + B = 278) = C(374, 278) / C(375, 278) = (375 - 278) / 375 = 97/375 = 0.25867.
    # Boschloo's region: tables (a, b) with Fisher p <= 97/375. a = 1 gives P(A <= 1) = 1: never; a = 0 gives
    # (375 - b) / 375 <= 97/375, i.e. b >= 278. So p = sup_pi (1 - pi) P(B >= 278 | 374, pi) = 0.2113
    # (at pi about 0.78), at least 0.21: no outcome of one file is significant at 5%.
    hand = float(np.max((1 - RATES) * binom.sf(277, 374, RATES)))
    assert hand == pytest.approx(0.2113, abs=5e-5)
    res = best_case_test(278, 374, 1)
    assert (res.x1, res.can_be_significant) == (0, False)
    assert res.pvalue == pytest.approx(hand, rel=1e-6)
    assert res.pvalue >= 0.21
    fisher = best_case_test(278, 374, 1, method="fisher")
    assert fisher.pvalue == pytest.approx(97 / 375, rel=1e-12) and not fisher.can_be_significant
    assert critical_count(278, 374, 1) is None  # the same answer, the way critical_count gives it


def test_two_new_files_one_sided_can_two_sided_cannot():
    # Hand, n1 = 2, x1 = 0 against 278 of 374: Fisher P(A = 0 | 278) = (98 * 97) / (376 * 375) = 9506/141000.
    # Region: a = 0 needs (376 - b)(375 - b) / 141000 <= 9506/141000, i.e. b >= 278; a = 1 needs
    # P(A <= 1 | s) = 1 - s (s - 1) / 141000 <= 9506/141000, i.e. s (s - 1) >= 131494, s >= 364, b >= 363;
    # a = 2 never (p = 1). Boschloo "less": sup_pi (1 - pi)^2 P(B >= 278) + 2 pi (1 - pi) P(B >= 363) = 0.0476;
    # two-sided: twice the smaller one-sided p-value (x1 = 2 "greater" is near 1), 0.0952 > 0.05.
    hand = float(np.max((1 - RATES) ** 2 * binom.sf(277, 374, RATES)
                        + 2 * RATES * (1 - RATES) * binom.sf(362, 374, RATES)))
    assert hand == pytest.approx(0.0476, abs=5e-5)
    less = best_case_test(278, 374, 2)
    assert (less.x1, less.can_be_significant) == (0, True)
    assert less.pvalue == pytest.approx(hand, rel=1e-6)
    two = best_case_test(278, 374, 2, alternative="two-sided")
    assert two.x1 == 0 and not two.can_be_significant
    assert two.pvalue == pytest.approx(2 * hand, rel=1e-6)


def test_greater_looks_at_all_files_failing():
    # Hand, 1 new file failing against 0 of 3 (Fisher, "greater"): P(A >= 1 | A + B = 1) = n1 / (n1 + n2) = 1/4.
    res = best_case_test(0, 3, 1, method="fisher", alternative="greater")
    assert (res.x1, res.pvalue, res.can_be_significant) == (1, pytest.approx(0.25, rel=1e-12), False)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12).flatmap(lambda n2: st.tuples(st.integers(0, n2), st.just(n2))))
def test_no_outcome_beats_the_best_case(n1, x2n2):
    from inspection_analysis.stats.hypotests import change_test

    x2, n2 = x2n2
    for method, alternative in [("boschloo", "less"), ("boschloo", "two-sided"), ("fisher", "greater")]:
        best = best_case_test(x2, n2, n1, method=method, alternative=alternative)
        every = change_test(np.arange(n1 + 1), n1, x2, n2, method=method, alternative=alternative).pvalue
        assert best.pvalue == pytest.approx(float(np.min(every)), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((278, 374, 0), {}, "n1 must be at least 1"),
        ((278, 374, [1, 2]), {}, "scalar"),
        ((375, 374, 1), {}, "x2"),
        ((278, 374, 1), {"method": "score"}, "method"),
        ((278, 374, 1), {"method": "fisher", "alternative": "two-sided"}, "boschloo"),
        ((278, 374, 1), {"alpha": 1.5}, "alpha"),
    ],
)
def test_best_case_invalid(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        best_case_test(*args, **kwargs)


def test_interval_and_test_disagree_at_two_files():
    # 0 of 2 failing against 278 of 374, 95% Newcombe (hybrid score) interval for p1 - p2, by hand:
    #   z^2 = 3.841459. Wilson 0/2: l1 = 0, u1 = z^2 / (2 + z^2) = 0.657621.
    #   Wilson 278/374: centre (278 + z^2/2) / (374 + z^2) = 0.740842, half-width
    #   z sqrt(374 p q + z^2/4) / (374 + z^2) = 1.959964 * 8.504116 / 377.841459 = 0.044113: l2 = 0.696729, u2 = 0.784955.
    #   d = -0.743316; low = d - sqrt(0^2 + (u2 - p2)^2) = -0.784955;
    #   high = d + sqrt(u1^2 + (p2 - l2)^2) = -0.743316 + 0.659269 = -0.084047.
    # Wholly below 0, while Boschloo's two-sided p = 0.0952 (test_two_new_files_one_sided_can_two_sided_cannot).
    from inspection_analysis.stats.differences import diff_ci

    low, high = diff_ci(0, 2, 278, 374)
    assert (low, high) == (pytest.approx(-0.784955, abs=2e-6), pytest.approx(-0.084047, abs=2e-6))
    res = interval_test_agreement(low, high, 0.0952)
    assert (res.interval_excludes_null, res.test_significant, res.agree) == (True, False, False)
    # matched one-sided: the 95% interval's upper limit against the one-sided test at 2.5% (p = 0.0476)
    res = interval_test_agreement(low, high, 0.0476, alpha=0.025, alternative="less")
    assert (res.interval_excludes_null, res.test_significant, res.agree) == (True, False, False)


def test_interval_test_agreement_cases():
    low = [-0.3, -0.3, 0.05, -0.2, 0.1]
    high = [-0.1, 0.2, 0.3, 0.0, 0.4]
    p = [0.01, 0.4, 0.2, 0.03, 0.001]
    res = interval_test_agreement(low, high, p)
    np.testing.assert_array_equal(res.interval_excludes_null, [True, False, True, False, True])
    np.testing.assert_array_equal(res.test_significant, [True, False, False, True, True])
    np.testing.assert_array_equal(res.agree, [True, True, False, False, True])
    # one-sided "less": an interval wholly above 0 does not support an improvement
    less = interval_test_agreement(low, high, p, alternative="less")
    np.testing.assert_array_equal(less.interval_excludes_null, [True, False, False, False, False])
    # a ratio: null 1; p exactly alpha counts as significant (as critical_count's rule)
    ratio = interval_test_agreement(1.1, 2.0, 0.05, null=1.0)
    assert ratio.interval_excludes_null and ratio.test_significant and ratio.agree
    assert "IntervalTestAgreement(interval_excludes_null=True" in repr(ratio)
    assert list(ratio.to_frame().columns)[:3] == ["interval_excludes_null", "test_significant", "agree"]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0.2, 0.1, 0.5), {}, "low must not exceed high"),
        ((0.1, 0.2, 1.5), {}, "pvalue must lie in"),
        ((math.nan, 0.2, 0.5), {}, "low must be finite"),
        (([0.1, 0.2], [0.3, 0.4, 0.5], 0.5), {}, "shapes"),
        ((0.1, 0.2, 0.5), {"alternative": "up"}, "alternative"),
        ((0.1, 0.2, 0.5), {"alpha": 0}, "alpha"),
    ],
)
def test_interval_test_agreement_invalid(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        interval_test_agreement(*args, **kwargs)
