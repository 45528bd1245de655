"""Tests for assessors.assessor_agreement: Frechet bounds and kappa by hand."""

import math

import pytest

from inspection_analysis.assessors import assessor_agreement


def test_mps_2016_default_bounds_by_hand():
    res = assessor_agreement()
    # Derived from published percentages of 132 cases: force ~80% good or adequate -> 106 pass / 26 fail;
    # inspectorate 76% RI or inadequate -> 100 fail / 32 pass.
    # Most agreement: min(106, 32) + min(26, 100) = 32 + 26 = 58 (58/132 = 43.9%).
    # Fewest: both pass at least 106 + 32 - 132 = 6; both fail at least 26 + 100 - 132 < 0 -> 0; so 6.
    assert (res.n, res.min_agreement, res.max_agreement) == (132, 6, 58)
    assert res.max_proportion == pytest.approx(58 / 132)
    assert res.derived
    assert "the force and the inspectorate can have agreed on at most 58 of the 132 cases (44%)" in res.sentence
    assert "derived from published percentages" in res.sentence
    assert "cannot be computed" in res.sentence
    assert math.isnan(res.kappa)


def test_two_by_two_table_gives_unweighted_kappa_by_hand():
    res = assessor_agreement(table=[[20, 5], [10, 15]], names=("force", "inspectorate"))
    # hand: po = 35/50 = 0.7; margins rows 25, 25, columns 30, 20; pe = (25*30 + 25*20)/2500 = 0.5;
    # kappa = (0.7 - 0.5)/(1 - 0.5) = 0.4
    assert res.kappa == pytest.approx(0.4)
    assert res.weights == "none"
    assert res.observed_agreement == 35
    # Frechet bounds of margins (25, 25) and (30, 20): max = 25 + 20 = 45; min = max(0, 55 - 50) = 5
    assert (res.min_agreement, res.max_agreement) == (5, 45)
    assert not res.derived
    assert "Cohen's kappa = 0.40" in res.sentence


def test_three_grades_use_linear_weights_by_hand():
    res = assessor_agreement(table=[[4, 1, 0], [1, 3, 1], [0, 1, 4]], labels=("good", "RI", "inadequate"))
    # hand, linear weights 1, 0.5, 0: po = (11 + 0.5*4)/15 = 0.866667; all margins 5, so
    # pe = (1/9)*(3*1 + 4*0.5 + 2*0) = 0.555556; kappa = 0.311111/0.444444 = 0.7
    assert res.weights == "linear"
    assert res.kappa == pytest.approx(0.7)
    assert "linear-weighted kappa = 0.70" in res.sentence


def test_marginals_only():
    res = assessor_agreement([17, 8, 5, 3], [9, 8, 7, 9], labels=("good", "adequate", "RI", "inadequate"))
    # hand: max = min(17,9) + min(8,8) + min(5,7) + min(3,9) = 9 + 8 + 5 + 3 = 25 of 33;
    # min = max(0, max_k(a_k + b_k) - 33) = max(0, 26 - 33) = 0
    assert (res.min_agreement, res.max_agreement, res.n) == (0, 25, 33)
    assert "at most 25 of the 33 cases (76%) and on as few as 0 (0%)" in res.sentence


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, 2],), {}, "both"),
        (([1, 2], [2, 1]), {"table": [[1, 0], [0, 1]]}, "not both"),
        ((), {"table": [[1, 0, 0], [0, 1, 0]]}, "square"),
        (([1, 2], [2, 1]), {"labels": ("a",)}, "labels"),
        (([1, 2], [2, 2]), {}, "totals differ"),
    ],
)
def test_validation(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        assessor_agreement(*args, **kwargs)
