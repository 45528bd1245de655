"""Making Data Count point types, precedence, assurance and the latest point's icons (stats.point_types).

References: NHSRplotthedots (repo nhs-r-community/NHSRplotthedots, commit 050b07d7eacc011767532732f69b8fd7d6a28fd3) tests/testthat/
test-ptd_calculate_assurance_type.R for assurance; its issue #194 for the precedence (Making Data
Count's Single Chart tool shows improvement when improvement and concern fire on one point); its
R/geom_ptd_icon.R for the icon names; hand-made series with the flags worked out beside them.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.point_types import assurance_type, classify_points, latest_status
from inspection_analysis.stats.special_causes import special_causes


def test_each_side_and_direction():
    # hand: point 1 below the LCL (low side), point 2 above the UCL (high side)
    flags = special_causes([0.5, 0.1, 0.9], [0.0, -3.5, 3.5])
    assert classify_points(flags).tolist() == ["common_cause", "special_cause_improvement", "special_cause_concern"]
    assert classify_points(flags, improvement="increase").tolist() == [
        "common_cause", "special_cause_concern", "special_cause_improvement"]
    assert classify_points(flags, improvement="neutral").tolist() == [
        "common_cause", "special_cause_neutral", "special_cause_neutral"]


def test_every_rule_sets_its_side():
    # hand-made series, one rule each, lower is better:
    # two of three between 2 and 3 sigma above the centre -> concern on those two points
    two = special_causes(np.zeros(3), [2.5, 0.5, 2.2])
    assert classify_points(two).tolist() == ["special_cause_concern", "common_cause", "special_cause_concern"]
    # seven below the centre -> improvement
    shift = special_causes(np.zeros(7), [-0.3] * 7)
    assert set(classify_points(shift)) == {"special_cause_improvement"}
    # seven rising -> concern, whichever side of the centre (NHSRplotthedots issue #171)
    trend = special_causes([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [-1, -0.5, -0.2, 0.1, 0.4, 0.6, 1.0])
    assert set(classify_points(trend)) == {"special_cause_concern"}


def test_improvement_beats_concern_on_one_point():
    # NHSRplotthedots issue #194: "When special cause is triggered for both improvement and concern ... In the
    # Single Chart tool, improvement is shown."
    # hand: seven rates rising while all below the centre: a shift below (improvement when lower is better)
    # and a rising trend (concern when lower is better) on every point
    values = [0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16]
    z = [-1.5, -1.3, -1.1, -0.9, -0.7, -0.5, -0.3]
    flags = special_causes(values, z)
    assert flags.shift_low.all() and flags.trend_rising.all()
    assert set(classify_points(flags)) == {"special_cause_improvement"}
    # higher better: the rising trend is now the improvement, the shift the concern; improvement still wins
    assert set(classify_points(flags, improvement="increase")) == {"special_cause_improvement"}


def test_beyond_limit_concern_loses_to_trend_improvement():
    # issue 14: the old pchart._RULES order let a beyond-limit concern beat an improvement.
    # hand: seven rates falling (a falling trend, improvement when lower is better) while above the centre,
    # the last two beyond the UCL (concern); Making Data Count shows improvement (NHSRplotthedots #194).
    # NHSRplotthedots' own ptd_special_cause_type (commit 050b07d7) would label them "Above UCL", a
    # concern: the package follows the Making Data Count tool here, as docs/methodology.md says.
    values = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.35]
    z = [3.5, 3.2, 2.9, 2.6, 2.3, 3.4, 3.1]
    flags = special_causes(values, z)
    assert flags.trend_falling.all() and flags.beyond_high[-2:].all()
    assert classify_points(flags)[-1] == "special_cause_improvement"


@pytest.mark.parametrize(("improvement", "expected"), [
    # test-ptd_calculate_assurance_type.R: lpl = (1, 5, 1), upl = (3, 7, 5), target = 4
    ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
    ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
    ("neutral", [None, None, None]),
])
def test_assurance_nhsrplotthedots(improvement, expected):
    got = [assurance_type(4, lo, hi, improvement=improvement) for lo, hi in [(1, 3), (5, 7), (1, 5)]]
    assert got == expected


def test_assurance_target_on_a_limit_is_inconsistent():
    # NHSRplotthedots R/ptd_calculate_assurance_type.R compares strictly (target > upl, target < lpl)
    assert assurance_type(0.5, 0.2, 0.5) == "inconsistent"
    assert assurance_type(0.2, 0.2, 0.5) == "inconsistent"


def test_assurance_validation():
    with pytest.raises(ValueError, match="must not exceed"):
        assurance_type(0.5, 0.6, 0.4)
    with pytest.raises(ValueError, match="finite"):
        assurance_type(float("nan"), 0.1, 0.4)
    with pytest.raises(ValueError, match="unknown improvement 'down'"):
        assurance_type(0.5, 0.1, 0.4, improvement="down")


def test_latest_status_icons():
    # R/geom_ptd_icon.R: improvement_low when lower is better, concern_high; improvement_high / concern_low
    # when higher is better; pass / fail / inconsistent for assurance
    common = special_causes([0.5, 0.4], [0.0, 0.5])
    s = latest_status(common, [0.2, 0.2], [0.6, 0.6], target=0.3)
    assert (s.variation, s.variation_icon, s.assurance, s.assurance_icon) == (
        "common_cause", "common_cause", "inconsistent", "inconsistent")
    high = special_causes([0.5, 0.9], [0.0, 3.5])
    s = latest_status(high, [0.2, 0.2], [0.6, 0.6], target=0.1)
    assert (s.variation, s.variation_icon, s.assurance, s.assurance_icon) == (
        "special_cause_concern", "concern_high", "consistent_fail", "fail")
    s = latest_status(high, [0.2, 0.2], [0.6, 0.6], target=0.1, improvement="increase")
    assert (s.variation, s.variation_icon, s.assurance, s.assurance_icon) == (
        "special_cause_improvement", "improvement_high", "consistent_pass", "pass")
    s = latest_status(high, [0.2, 0.2], [0.6, 0.6], improvement="neutral")
    assert (s.variation, s.variation_icon, s.assurance, s.assurance_icon) == (
        "special_cause_neutral", "neutral_high", None, None)
    low = special_causes([0.5, 0.1], [0.0, -3.5])
    assert latest_status(low, [0.2, 0.2], [0.6, 0.6], improvement="increase").variation_icon == "concern_low"
    assert latest_status(low, [0.2, 0.2], [0.6, 0.6], improvement="neutral").variation_icon == "neutral_low"


def test_latest_status_uses_the_latest_limits():
    # hand: the target 0.5 is above the last point's UCL 0.45 but inside the first point's limits
    flags = special_causes([0.3, 0.3], [0.0, 0.0])
    assert latest_status(flags, [0.1, 0.15], [0.6, 0.45], target=0.5).assurance == "consistent_pass"


def test_classify_validation():
    with pytest.raises(ValueError, match="SpecialCauses"):
        classify_points([True, False])
    with pytest.raises(ValueError, match="one value per point"):
        latest_status(special_causes([0.1], [0.0]), [0.1, 0.2], [0.3, 0.4])
    with pytest.raises(ValueError, match="at least one point"):
        latest_status(special_causes([], []), [], [])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), max_size=25))
def test_directions_are_mirror_images(z):
    # property: flipping the direction of improvement swaps improvement and concern on every special point,
    # except where both sides fire, which is improvement either way (the precedence rule)
    z = np.asarray(z)
    flags = special_causes(z, z)
    down, up = classify_points(flags), classify_points(flags, improvement="increase")
    swap = {"special_cause_improvement": "special_cause_concern", "special_cause_concern": "special_cause_improvement",
            "common_cause": "common_cause"}
    both = [flags.beyond_low | flags.shift_low | flags.two_of_three_low | flags.trend_falling,
            flags.beyond_high | flags.shift_high | flags.two_of_three_high | flags.trend_rising]
    clash = both[0] & both[1]
    assert np.all(down[clash] == "special_cause_improvement") and np.all(up[clash] == "special_cause_improvement")
    assert [swap[t] for t in down[~clash]] == up[~clash].tolist()
