"""Tests for stats.stratified against R (mantelhaen.test), DescTools::BreslowDayTest outputs and hand calculations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.stratified import stratified_test

# UCBAdmissions by department, rows (Male, Female), columns (Admitted, Rejected).
UCB = [
    [[512, 313], [89, 19]],
    [[353, 207], [17, 8]],
    [[120, 205], [202, 391]],
    [[138, 279], [131, 244]],
    [[53, 138], [94, 299]],
    [[22, 351], [24, 317]],
]


def test_ucb_admissions_cmh_hand_and_r():
    # Hand: sum over departments of a - r1 c1 / t = -15.357167 and of the hypergeometric
    # variances r1 c1 (t - r1)(t - c1) / (t^2 (t - 1)) = 154.690762, so
    # uncorrected X^2 = 15.357167^2 / 154.690762 = 1.524607 (R: mantelhaen.test(UCBAdmissions,
    # correct = FALSE) -> 1.5246, p-value = 0.2169) and corrected (|.| - 0.5)^2 / 154.690762 = 1.426946
    # (R default correct = TRUE -> Mantel-Haenszel X-squared = 1.4269, p-value = 0.2323).
    res = stratified_test(UCB)
    assert res.cmh_statistic == pytest.approx(14.857167**2 / 154.690762, abs=1e-5)
    assert res.cmh_pvalue == pytest.approx(0.2323, abs=5e-5)
    raw = stratified_test(UCB, continuity_correction=False)
    assert raw.cmh_statistic == pytest.approx(1.5246, abs=5e-5)
    assert raw.cmh_pvalue == pytest.approx(0.2169, abs=5e-5)


def test_ucb_admissions_common_odds_ratio_matches_r():
    # R: mantelhaen.test(UCBAdmissions) -> common odds ratio 0.9046968, 95% CI 0.7719074 1.0603298 (RBG)
    res = stratified_test(UCB)
    assert res.mh_odds_ratio == pytest.approx(0.9046968, abs=5e-8)
    assert res.mh_odds_ratio_low == pytest.approx(0.7719074, abs=5e-8)
    assert res.mh_odds_ratio_high == pytest.approx(1.0603298, abs=5e-8)


def test_breslow_day_china_smoking_sas():
    # Agresti (2002) Categorical Data Analysis, Table 3.3 (Chinese smoking and lung cancer, 8 cities),
    # rows (smoker, non-smoker), columns (cancer, control). SAS PROC FREQ / CMH output published at
    # http://www.stanford.edu/class/ed257/exs/chinasmokehndt:
    #   CMH general association 280.138; Mantel-Haenszel common odds ratio 2.174;
    #   Breslow-Day Test for Homogeneity of the Odds Ratios Chi-Square = 5.200 DF = 7 Prob = 0.636.
    china = [
        [[126, 100], [35, 61]],
        [[908, 688], [497, 807]],
        [[913, 747], [336, 598]],
        [[235, 172], [58, 121]],
        [[402, 308], [121, 215]],
        [[182, 156], [72, 98]],
        [[60, 99], [11, 43]],
        [[104, 89], [21, 36]],
    ]
    res = stratified_test(china, continuity_correction=False)
    assert res.cmh_statistic == pytest.approx(280.138, abs=5e-4)
    assert res.mh_odds_ratio == pytest.approx(2.174, abs=5e-4)
    assert res.breslow_day_statistic == pytest.approx(5.200, abs=5e-4)
    assert res.breslow_day_pvalue == pytest.approx(0.636, abs=5e-4)
    # Tarone's correction subtracts a non-negative term (sum(a - E))^2 / sum(Var) (Tarone 1985).
    assert res.breslow_day_tarone_statistic <= res.breslow_day_statistic


def test_breslow_day_desctools_examples():
    # https://msph-p8120.github.io/breslow_day.html, DescTools::BreslowDayTest output:
    # teeth: X-squared = 0.57493, df = 1, p-value = 0.4483
    teeth = [[[94, 68], [6, 4]], [[17, 12], [25, 30]]]
    res = stratified_test(teeth)
    assert res.breslow_day_statistic == pytest.approx(0.57493, abs=5e-6)
    assert res.breslow_day_pvalue == pytest.approx(0.4483, abs=5e-5)
    # cervical: X-squared = 4.2069, df = 1, p-value = 0.04026
    cervical = [[[150, 92], [148, 96]], [[118, 25], [21, 12]]]
    res = stratified_test(cervical)
    assert res.breslow_day_statistic == pytest.approx(4.2069, abs=5e-5)
    assert res.breslow_day_pvalue == pytest.approx(0.04026, abs=5e-6)


def test_rabbits_r_help_example_with_empty_margins():
    # R ?mantelhaen.test, Penicillin and Rabbits (Agresti 1990): mantelhaen.test(Rabbits) => p = 0.047.
    # Strata 1 (no cures) and 5 (no deaths) have a zero margin and contribute nothing.
    rabbits = [[[0, 6], [0, 5]], [[3, 3], [0, 6]], [[6, 0], [2, 4]], [[5, 1], [6, 0]], [[2, 0], [5, 0]]]
    res = stratified_test(rabbits)
    assert res.cmh_pvalue == pytest.approx(0.047, abs=5e-4)


def test_single_stratum_hand_calculation():
    # Hand: one table [[20, 10], [30, 10]]: t = 70, r1 = 30, c1 = 50, E[a] = 30*50/70 = 21.428571,
    # a - E = -1.428571; Var = 30*50*40*20 / (70^2 * 69) = 1200000/338100 = 3.549246;
    # corrected X^2 = (1.428571 - 0.5)^2 / 3.549246 = 0.242964; MH OR = (20*10/70)/(10*30/70) = 2/3.
    res = stratified_test([[20, 10], [30, 10]])
    assert res.cmh_statistic == pytest.approx(0.928571**2 / 3.549246, abs=1e-5)
    assert res.mh_odds_ratio == pytest.approx(2 / 3, abs=1e-12)
    assert res.n_strata == 1 and np.isnan(res.breslow_day_statistic)


def test_no_variation_is_finite():
    res = stratified_test([[0, 5], [0, 5]])
    assert (res.cmh_statistic, res.cmh_pvalue) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("strata", "kwargs", "match"),
    [
        ([[1, 2, 3], [1, 2, 3]], {}, "2x2"),
        ([[[1, -2], [3, 4]]], {}, "negative"),
        ([[[1, 0], [0, 0]]], {}, "at least 2"),
        ([[[1, 1], [1, 1]]], {"confidence_level": 1.0}, "confidence_level"),
    ],
)
def test_invalid_inputs(strata, kwargs, match):
    with pytest.raises(ValueError, match=match):
        stratified_test(strata, **kwargs)


def test_does_not_mutate_input():
    tables = np.array(UCB)
    copy = tables.copy()
    stratified_test(tables)
    np.testing.assert_array_equal(tables, copy)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 40), min_size=4, max_size=4), min_size=1, max_size=4))
def test_properties(cells):
    tables = np.array(cells).reshape(-1, 2, 2)
    res = stratified_test(tables)
    assert 0 <= res.cmh_pvalue <= 1
    swapped = stratified_test(tables[:, ::-1, :])  # swap the groups
    assert swapped.cmh_statistic == pytest.approx(res.cmh_statistic, rel=1e-9)
    assert swapped.mh_odds_ratio == pytest.approx(1 / res.mh_odds_ratio, rel=1e-9)
    assert res.mh_odds_ratio_low <= res.mh_odds_ratio <= res.mh_odds_ratio_high


def test_continuity_correction_at_a_deviation_of_exactly_one_half():
    # Hand: stratum [[1, 1], [0, 4]]: t = 6, r1 = 2, c1 = 1, E[a] = 2/6 = 1/3, a - E = 2/3,
    #   Var = 2*1*4*5 / (36*5) = 2/9; stratum [[4, 1], [1, 0]]: r1 = c1 = 5, E[a] = 25/6, a - E = -1/6,
    #   Var = 5*5*1*1 / (36*5) = 5/36. Summed deviation 2/3 - 1/6 = 1/2 exactly, Var = 13/36.
    # The documented rule (correct when |deviation| >= 1/2) gives (1/2 - 1/2)^2 / (13/36) = 0, p = 1.
    # R 4.2.2 mantelhaen.test (tests/stats/reference/numeric_edges.txt) sums the deviation to
    # 0.49999999999999978, skips the correction and reports 0.69230769230769174 = 9/13: we do better.
    strata = [[[1, 1], [0, 4]], [[4, 1], [1, 0]]]
    res = stratified_test(strata)
    assert (res.cmh_statistic, res.cmh_pvalue) == (0.0, 1.0)
    # without the correction: (1/2)^2 / (13/36) = 9/13, which R's corrected value equals
    uncorrected = stratified_test(strata, continuity_correction=False)
    assert uncorrected.cmh_statistic == pytest.approx(9 / 13, rel=1e-14)
    assert uncorrected.cmh_statistic == pytest.approx(0.69230769230769174, rel=1e-14)


def test_continuity_correction_just_below_one_half_is_not_applied():
    # Hand: one stratum [[1, 1], [1, 4]]: t = 7, r1 = 2, c1 = 2, E[a] = 4/7, a - E = 3/7 < 1/2: no correction;
    # Var = 2*2*5*5 / (49*6) = 100/294 = 50/147; X^2 = (9/49) / (50/147) = 27/50.
    res = stratified_test([[1, 1], [1, 4]])
    assert res.cmh_statistic == pytest.approx(27 / 50, rel=1e-14)
