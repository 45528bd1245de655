"""Tests for analysis.case_cusum: order, baseline rate, the CUSUM path by hand, the synthetic label.

References: the CUSUM recursion of Neuburger et al. (2017) written out by hand below; run lengths
through stats.cusum_arl, which tests/stats/test_cusum.py checks against R's spc (cusum_arl.R/.txt).
"""

import math

import pandas as pd
import pytest

from inspection_analysis.analysis.case_cusum import case_cusum
from inspection_analysis.project.state import load_project


def _cases():
    # round "b" is listed first but comes second by reference_date
    return pd.DataFrame({"round_id": ["b"] * 4 + ["a"] * 4, "case_id": [f"id{i}" for i in range(8)],
                         "grade": ["inadequate"] * 4 + ["good", "inadequate", "good", "requires improvement"]})


REG = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "label": ["first", "second"],
                    "reference_date": ["2016-01-01", "2017-01-01"]})


def test_path_by_hand_with_a_given_limit():
    res = case_cusum(_cases(), rounds=REG, force="x", limit=1.0)
    t = res.table
    assert t["round_id"].tolist() == ["a"] * 4 + ["b"] * 4  # date order of rounds, file order within
    assert "case_id" not in t.columns
    assert t["failure"].tolist() == [0, 1, 0, 1, 1, 1, 1, 1]
    # hand: p0 = 2/4 = 0.5 from round a; odds 2 -> p1 = 2/3: a failure adds log(4/3) = 0.2876821,
    # a pass log(2/3) = -0.4054651; upper path 0, 0.2877, 0, 0.2877, 0.5754, 0.8630, 1.1507 >= 1 signal -> 0, 0.2877
    up = math.log(4 / 3)
    expected = [0, up, 0, up, 2 * up, 3 * up, 0.0, up]
    assert t["upper"].tolist()[:6] == pytest.approx(expected[:6], abs=1e-12)
    assert t["upper"].iloc[6] == pytest.approx(4 * up, abs=1e-12)  # the value at the signal, then restart
    assert t["upper"].iloc[7] == pytest.approx(up, abs=1e-12)
    assert t["signal_upper"].tolist() == [False] * 6 + [True, False]
    # lower CUSUM for p2 = 1/3: a pass adds log((2/3)/0.5) = 0.2876821, a failure log((1/3)/0.5) = -0.4054651
    assert t["lower"].tolist()[:3] == pytest.approx([-up, 0.0, -up], abs=1e-12)
    assert res.chart.p0 == 0.5 and res.arl is None
    assert res.order.startswith("rounds in date order, files within a round in the order of the file")
    assert not res.synthetic and "first at case file 7 (in the second)" in res.sentence


def test_limit_for_the_arl_holds_on_both_sides():
    res = case_cusum(_cases(), rounds=REG, force="x", arl=50)
    assert res.arl == 50 and min(res.arl_upper, res.arl_lower) >= 50


def test_date_column_orders_files_within_a_round():
    cases = _cases().assign(seen=["2017-03-01", "2017-01-01", "2017-02-01", "2017-04-01",
                                  "2016-04-01", "2016-03-01", "2016-02-01", "2016-01-01"])
    res = case_cusum(cases, rounds=REG, force="x", limit=1.0, date_column="seen")
    # round a by date: requires improvement, good, inadequate, good
    assert res.table["failure"].tolist()[:4] == [1, 0, 1, 0]
    assert "by seen" in res.order
    with pytest.raises(ValueError, match="date_column"):
        case_cusum(cases, rounds=REG, force="x", date_column="when")


def test_synthetic_cases_are_labelled_synthetic():
    project = load_project()
    res = case_cusum(project.synthetic, rounds=project.rounds)
    assert res.synthetic and res.sentence.startswith("SYNTHETIC DATA, not real audit results:")
    assert len(res.table) == 1026  # 374 + 135 + 214 + 303 synthetic case files
    assert res.chart.p0 == pytest.approx(278 / 374)  # the synthetic 2016 round reproduces the published margin


def test_validation():
    with pytest.raises(ValueError, match="baseline"):
        case_cusum(_cases(), rounds=REG, force="x", baseline="c")
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        case_cusum(_cases(), rounds=REG, force="x", baseline="b")
    with pytest.raises(ValueError, match="no case file"):
        case_cusum(_cases(), rounds=REG, force="y")
