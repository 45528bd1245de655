"""Tests for analysis.status (latest_round_status): variation and assurance, by hand."""

import pytest

from inspection_analysis.analysis.phased_chart import phased_p_chart
from inspection_analysis.analysis.status import latest_round_status


def test_variation_and_assurance_of_the_latest_round(series):
    counts, reg = series([20, 45], [100, 100])
    chart = phased_p_chart(counts, "x", rounds=reg, freeze=1)
    # hand: limits from round 0: 0.2 -/+ 3 x 0.04 = 0.08 to 0.32; 0.45 lies above: a concern for a failure rate
    st = latest_round_status(chart, target=0.35, target_label="the target")
    assert (st.variation, st.variation_icon) == ("special_cause_concern", "concern_high")
    # a target of 0.35 above the upper limit 0.32: lower is better, so always met (NHSRplotthedots' rule)
    assert (st.assurance, st.assurance_icon) == ("consistent_pass", "pass")
    assert (st.lcl, st.ucl) == pytest.approx((0.08, 0.32))
    assert "the target (35%)" in st.sentence and "consistently meet" in st.sentence
    assert latest_round_status(chart, target=0.05).assurance == "consistent_fail"  # below the lower limit 0.08
    assert latest_round_status(chart, target=0.2).assurance == "inconsistent"
    none = latest_round_status(chart)
    assert none.assurance is None and none.assurance_icon is None
    assert list(none.to_frame().columns)[:3] == ["round_id", "label", "variation"]


def test_improving_icon_follows_the_direction(series):
    counts, reg = series([45, 20], [100, 100])
    chart = phased_p_chart(counts, "x", rounds=reg, freeze=1)
    # hand: 0.45 -/+ 3 sqrt(0.45 x 0.55 / 100) = 0.45 -/+ 0.149248: 0.20 lies below 0.300752
    assert latest_round_status(chart).variation_icon == "improvement_low"
    up = phased_p_chart(counts, "x", rounds=reg, freeze=1, improvement="increase")
    assert latest_round_status(up).variation_icon == "concern_low"


def test_validation(series):
    with pytest.raises(ValueError, match="phased_p_chart"):
        latest_round_status("chart")
    counts, reg = series([20, 45], [100, 100])
    with pytest.raises(ValueError, match="target"):
        latest_round_status(phased_p_chart(counts, "x", rounds=reg), target=1.5)
