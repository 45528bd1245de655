"""Tests for analysis.phases (registry_phases) and analysis.phased_chart (phased_p_chart).

Every limit is a hand calculation of the p-chart, centre = sum(x) / sum(n) of the baseline
rounds and limits centre +/- 3 sqrt(centre (1 - centre) / n) (Montgomery, section 7.2), written out.
"""

import math

import pandas as pd
import pytest

from inspection_analysis.analysis.compare import compare_rounds
from inspection_analysis.analysis.phased_chart import phased_p_chart
from inspection_analysis.analysis.phases import registry_phases
from inspection_analysis.project.state import load_project


def test_phases_start_where_the_assessor_or_scale_changes(series):
    counts, reg = series([50, 40, 45, 30, 35], [100] * 5,
                         assessor=["inspectorate", "force_audit", "force_audit", "inspectorate", "inspectorate"],
                         scale=["3-point", "3-point", "3-point", "3-point", "4-point"])
    out = registry_phases(counts, "x", rounds=reg)
    assert out["phase"].tolist() == [0, 1, 1, 2, 3]  # the inspectorate's return is a new phase, not phase 0 again
    assert out["phase_reason"].tolist() == [
        "", "assessor changed from the inspectorate to the force's own audit team", "",
        "assessor changed from the force's own audit team to the inspectorate",
        "grading scale changed from 3-point to 4-point"]
    assert out["phase_label"].iloc[4] == "the inspectorate, 4-point scale"


def test_rounds_without_counts_do_not_split_a_phase(series):
    # round 1 (a force audit) has no published failures: it is not plotted and cannot move the limits
    counts, reg = series([50, 45], [100, 100], missing=[170],
                         assessor=["inspectorate", "inspectorate", "force_audit"])
    reg = reg.assign(reference_date=["2016-01-01", "2018-01-01", "2017-01-01"])
    out = registry_phases(counts, "x", rounds=reg)
    assert out["round_id"].tolist() == ["r00", "r01"]
    assert out["phase"].tolist() == [0, 0]


def test_shipped_met_series_is_one_phase_and_frozen_limits_agree_with_pairwise_tests():
    project = load_project()
    chart = phased_p_chart(project.counts, "mps", rounds=project.rounds, freeze=1)
    t = chart.table.set_index("round_id")
    # every plotted Met round was graded by the inspectorate on the 3-point scale: one phase
    assert t["phase"].tolist() == [0, 0, 0, 0]
    # hand: centre 278/374 = 0.7433155, centre (1 - centre) = 0.1907976; at n = 303
    # sigma = sqrt(0.1907976 / 303) = 0.0250937, limits 0.7433155 -/+ 0.0752812 = 0.6680343 and 0.8185967;
    # at n = 135 sigma = sqrt(0.1907976 / 135) = 0.0375941, ucl 0.7433155 + 0.1127823 = 0.8560978
    assert t.loc["mps-2018", "centre"] == pytest.approx(278 / 374, abs=1e-12)
    assert t.loc["mps-2018", "lcl"] == pytest.approx(0.6680343, abs=1e-6)
    assert t.loc["mps-2018", "ucl"] == pytest.approx(0.8185967, abs=1e-6)
    assert t.loc["mps-2017-q3", "ucl"] == pytest.approx(0.8560978, abs=1e-6)
    # 125/135 = 0.926 and 191/214 = 0.893 lie above their upper limits; 210/303 = 0.693 within
    assert t["point_type"].tolist() == ["common cause", "concern", "concern", "common cause"]
    assert chart.limits_drawn == "3-sigma p limits"
    assert "needs at least 12 baseline rounds" in chart.limits_reason and "the smallest baseline here has 1 round;" in \
        chart.limits_reason
    # no contradiction: each concern is a significant deterioration, the common-cause 2018 no significant change
    for rid, kind in (("mps-2017-q3", "concern"), ("mps-2017-q4", "concern"), ("mps-2018", "common cause")):
        verdict = compare_rounds(project.counts, "mps-2016", rid, rounds=project.rounds)["verdict"].iloc[0]
        assert (verdict == "significant deterioration") == (kind == "concern")


def test_each_phase_has_its_own_limits(series):
    counts, reg = series([20, 30, 60, 70], [100] * 4, scale=["3-point", "3-point", "4-point", "4-point"])
    t = phased_p_chart(counts, "x", rounds=reg, laney=False).table
    # hand: phase 0 centre 50/200 = 0.25, sigma sqrt(0.25 * 0.75 / 100) = 0.0433013, ucl 0.3799038
    # phase 1 centre 130/200 = 0.65, sigma sqrt(0.65 * 0.35 / 100) = 0.0476970, lcl 0.5069091
    assert t["centre"].tolist() == pytest.approx([0.25, 0.25, 0.65, 0.65])
    assert t["ucl"].iloc[0] == pytest.approx(0.3799038, abs=1e-7)
    assert t["lcl"].iloc[2] == pytest.approx(0.5069091, abs=1e-7)
    assert t["phase_reason"].iloc[2] == "grading scale changed from 3-point to 4-point"
    assert set(t["point_type"]) == {"common cause"}


def test_excluded_round_is_drawn_and_tested_but_not_in_the_limits(series):
    counts, reg = series([20, 22, 18, 60], [100] * 4)
    t = phased_p_chart(counts, "x", rounds=reg, exclude="r03").table
    # hand: centre from r00-r02 = 60/300 = 0.2, sigma 0.04, ucl 0.32; r03 at 0.60 lies beyond it
    assert t["included"].tolist() == [True, True, True, False]
    assert t["centre"].iloc[0] == pytest.approx(0.2)
    assert t["ucl"].iloc[3] == pytest.approx(0.32)
    assert t["point_type"].iloc[3] == "concern" and t["rules"].iloc[3] == "beyond limit"
    with pytest.raises(ValueError, match="not rounds of the chart"):
        phased_p_chart(counts, "x", rounds=reg, exclude=["r99"])


def test_shift_length_and_direction_are_parameters(series):
    # 8 rounds: two at 0.4, then six at 0.3 (below the centre but within 2 sigma)
    counts, reg = series([40, 40, 30, 30, 30, 30, 30, 30], [100] * 8)
    # hand: centre 260/800 = 0.325; sigma sqrt(0.325 * 0.675 / 100) = 0.046837; z of 0.4 = 1.60, of 0.3 = -0.534
    six = phased_p_chart(counts, "x", rounds=reg, shift_length=6, laney=False).table
    seven = phased_p_chart(counts, "x", rounds=reg, laney=False).table
    assert six["point_type"].tolist()[2:] == ["improvement"] * 6 and six["rules"].iloc[2] == "shift"
    assert set(seven["point_type"]) == {"common cause"}  # a run of 6 is not a shift of 7
    higher_better = phased_p_chart(counts, "x", rounds=reg, shift_length=6, improvement="increase").table
    assert higher_better["point_type"].tolist()[2:] == ["concern"] * 6
    off = phased_p_chart(counts, "x", rounds=reg, shift_length=6, rules=("beyond",)).table
    assert set(off["point_type"]) == {"common cause"}


def test_phases_given_by_hand_and_validation(series):
    counts, reg = series([20, 30, 60, 70], [100] * 4)
    t = phased_p_chart(counts, "x", rounds=reg, phases=["a", "a", "b", "b"]).table
    assert t["phase"].tolist() == [0, 0, 1, 1] and set(t["phase_reason"]) == {""}
    assert set(phased_p_chart(counts, "x", rounds=reg, phases=None).table["phase"]) == {0}
    with pytest.raises(ValueError, match="one label per round"):
        phased_p_chart(counts, "x", rounds=reg, phases=["a"])
    with pytest.raises(ValueError, match="freeze"):
        phased_p_chart(counts, "x", rounds=reg, freeze=0)


def test_overdispersion_is_stated_when_plain_limits_are_drawn(series):
    counts, reg = series([20, 60, 20, 60], [100] * 4)
    chart = phased_p_chart(counts, "x", rounds=reg)
    # hand: centre 0.4, z = +/-0.2 / sqrt(0.24 / 100) = +/-4.0825, chi-square 4 x 16.667 = 66.67 on 3 df
    assert any(f"{66.6667 / 3:.2f}" in w and "narrower" in w for w in chart.warnings)
    assert math.isclose(chart.table["sigma_score"].iloc[1], 0.2 / math.sqrt(0.0024), rel_tol=1e-9)
    assert chart.warnings[0].startswith("4 rounds in the shortest phase: these are trial limits")
    assert isinstance(chart.table, pd.DataFrame)
