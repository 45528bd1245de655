"""Tests for assessors.assessor_agreement and assessors.agreement_from_cases: Frechet bounds and kappa by hand."""

import math

import pandas as pd
import pytest

from inspection_analysis.analysis.assessors import agreement_from_cases, assessor_agreement


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


def _double_graded():
    # Ten hand-made double-graded files (force, inspectorate): good/good x3, good/RI, RI/RI x2, RI/inadequate,
    # inadequate/inadequate x2, inadequate/RI; written with stray case and spaces, shuffled.
    pairs = ([("Good", "good")] * 3 + [("good", "requires improvement")]
             + [("requires  improvement", "requires improvement")] * 2 + [("requires improvement", "inadequate")]
             + [("inadequate", "Inadequate ")] * 2 + [("inadequate", "requires improvement")])
    order = [4, 0, 9, 2, 7, 1, 5, 8, 3, 6]
    return pd.DataFrame({"case_id": [f"c{i}" for i in range(10)],
                         "grade_force": [pairs[i][0] for i in order],
                         "grade_inspectorate": [pairs[i][1] for i in order]})


def test_agreement_from_cases_cross_tab_and_linear_kappa_by_hand():
    cases = _double_graded()
    before = cases.copy()
    res = agreement_from_cases(cases)
    # Cross-tab by hand, best first (good, adequate, RI, inadequate); adequate unused but present:
    assert res.table.to_numpy().tolist() == [[3, 0, 1, 0], [0, 0, 0, 0], [0, 0, 2, 1], [0, 0, 1, 2]]
    assert list(res.table.index) == list(res.table.columns) == ["good", "adequate", "requires improvement",
                                                                 "inadequate"]
    assert (res.table.index.name, res.table.columns.name) == ("force", "inspectorate")
    # Linear weights, 4 grades: 1, 2/3, 1/3, 0. po = (7 + 1/3 [good/RI] + 2/3 + 2/3 [RI/inad, inad/RI]) / 10
    # = 0.866667. Margins rows 4, 0, 3, 3; columns 3, 0, 4, 3: sum w r_i c_j = 4*(3 + 4/3) + 3*(1 + 4 + 2)
    # + 3*(8/3 + 3) = 17.3333 + 21 + 17 = 55.3333 -> pe = 0.553333; kappa = 0.313333 / 0.446667 = 0.701493.
    assert res.weights == "linear"
    assert res.kappa == pytest.approx(0.701493, abs=1e-6)
    assert res.observed_agreement == 7 and res.n == 10
    # Frechet bounds of the margins: max = min(4,3) + 0 + min(3,4) + min(3,3) = 9;
    # min = max(0, max_k (a_k + b_k) - n) = max(0, 7 - 10) = 0 (a_k + b_k: good 7, RI 7, inadequate 6).
    assert (res.min_agreement, res.max_agreement) == (0, 9)
    assert "force and inspectorate" in res.sentence and "linear-weighted kappa = 0.70" in res.sentence
    assert cases.equals(before)  # the caller's frame is not modified


def test_agreement_from_cases_unweighted_three_point_and_pass_fail_by_hand():
    cases = _double_graded()
    # Unweighted on the 4-point table above: po = 7/10; pe = (4*3 + 0*0 + 3*4 + 3*3)/100 = 0.33;
    # kappa = 0.37/0.67 = 0.552239.
    assert agreement_from_cases(cases, weights=None).kappa == pytest.approx(0.552239, abs=1e-6)
    # 3-point scale (no adequate): linear weights 1, 0.5, 0, and good/RI is now one grade apart.
    # po = (7 + 0.5*3 [good/RI, RI/inad, inad/RI]) / 10 = 0.85;
    # sum w r_i c_j = 4*(3 + 0.5*4) + 3*(0.5*3 + 4 + 0.5*3) + 3*(0.5*4 + 3) = 20 + 21 + 15 = 56 -> pe = 0.56;
    # kappa = 0.29/0.44 = 0.659091 (the unused grade of the 4-point scale had changed the weights).
    three = agreement_from_cases(cases, scale="3-point")
    assert three.table.shape == (3, 3) and three.kappa == pytest.approx(0.659091, abs=1e-6)
    # Pass/fail (RI or inadequate fails): [[3, 1], [0, 6]]; po = 0.9; rows 4, 6; columns 3, 7;
    # pe = (12 + 42)/100 = 0.54; kappa = 0.36/0.46 = 0.782609, unweighted.
    two = agreement_from_cases(cases, failing="ri_or_inadequate", names=("the force", "the inspectorate"))
    assert two.table.to_numpy().tolist() == [[3, 1], [0, 6]]
    assert list(two.table.index) == ["passing", "failing"]
    assert two.weights == "none" and two.kappa == pytest.approx(0.782609, abs=1e-6)
    assert "Cohen's kappa = 0.78" in two.sentence


def test_agreement_from_cases_labels_synthetic_data():
    res = agreement_from_cases(_double_graded().assign(synthetic=True))
    assert res.sentence.startswith("SYNTHETIC DATA, not real gradings: ")


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        ({"grade_force": "excellent"}, {}, "excellent"),
        ({"grade_force": None}, {}, "missing grade"),
        ({"grade_force": "adequate"}, {"scale": "3-point"}, "adequate"),
        ({}, {"grader_b": "grade_hmic"}, "grade_hmic"),
        ({}, {"scale": "5-point"}, "5-point"),
    ],
)
def test_agreement_from_cases_validation(change, kwargs, message):
    cases = _double_graded()
    for col, value in change.items():
        cases.loc[0, col] = value
    with pytest.raises(ValueError, match=message):
        agreement_from_cases(cases, **kwargs)


def test_agreement_from_cases_rejects_non_frames_and_empty_frames():
    with pytest.raises(TypeError, match="DataFrame"):
        agreement_from_cases({"grade_force": ["good"], "grade_inspectorate": ["good"]})
    with pytest.raises(ValueError, match="no rows"):
        agreement_from_cases(pd.DataFrame(columns=["grade_force", "grade_inspectorate"]))
