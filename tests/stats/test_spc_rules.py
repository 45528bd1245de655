"""Making Data Count rules one by one (stats.spc.special_causes), firing and not firing.

References: NHSRplotthedots' own tests, tests/testthat/test-ptd_calculate_point_type.R
(repo nhs-r-community/NHSRplotthedots, commit 050b07d7eacc011767532732f69b8fd7d6a28fd3), translated to z-scores: there a point
"close to limits" (between 2 and 3 sigma) is 1 and ``relative_to_mean`` its side; here such a point
is z = +/-2.5 and one not close z = +/-0.5 on its side. Other series are hand-made, the expected flags
worked out beside them.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.special_causes import RULES, special_causes


def _z(close, side):
    """NHSRplotthedots' (close_to_limits, relative_to_mean) pair as z-scores."""
    return np.where(np.asarray(close) == 1, 2.5, 0.5) * np.asarray(side)


def _two_high(close, side):
    z = _z(close, side)
    f = special_causes(np.zeros(z.size), z)
    return (f.two_of_three_high | f.two_of_three_low).astype(int).tolist()


@pytest.mark.parametrize(("close", "expected"), [
    # test-ptd_calculate_point_type.R, "ptd_part_of_two_in_three works as expected": cv, dv, ev, fv, gv, hv, iv
    ([1, 0, 1], [1, 0, 1]),
    ([0, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
])
def test_two_of_three_nhsrplotthedots_same_side(close, expected):
    assert _two_high(close, np.ones(len(close))) == expected


@pytest.mark.parametrize(("close", "side"), [
    # test-ptd_calculate_point_type.R, "ptd_two_in_three works as expected when points are on opposite
    # sides of the mean": d, e, f, g, h all give zeros
    ([1, 0, 1], [1, -1, 1]),
    ([0, 1, 1], [1, -1, 1]),
    ([1, 1, 0], [1, -1, 1]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1]),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1]),
])
def test_two_of_three_nhsrplotthedots_opposite_sides_never_fire(close, side):
    assert _two_high(close, side) == [0] * len(close)


def test_two_of_three_nhsrplotthedots_symmetric_series_opposite_sides():
    # test-ptd_spc_standard.R (commit 050b07d7), "it only reports special cause for 2of3 points close to
    # limits when they are on the same side of the mean": 1, -1 repeated 8 times, then point 15 = 5.5 and
    # point 16 = -5.5; expected point types of the last two: common_cause, common_cause.
    # By hand, as R/ptd_spc_standard.R computes the XmR chart: mean = (7 - 7 + 5.5 - 5.5) / 16 = 0;
    # moving ranges 13 x 2, 6.5, 11, mean 43.5 / 15 = 2.9; screened (mr < 3.267 x 2.9 = 9.47) drops 11, so
    # amr = 32.5 / 14; sigma = amr / 1.128; z = y / sigma: +/-0.4860 for the ones, +/-2.673 for 5.5 and -5.5,
    # between 2 and 3 sigma (limits 2.66 amr = 6.175, close-to-limits 2/3 of it = 4.117 < 5.5).
    y = np.array([1.0, -1.0] * 8)
    y[14], y[15] = 5.5, -5.5
    sigma = (32.5 / 14) / 1.128
    z = y / sigma
    assert z[14] == pytest.approx(2.673, abs=1e-3) and z[15] == pytest.approx(-2.673, abs=1e-3)
    f = special_causes(y, z)
    assert not (f.two_of_three_high | f.two_of_three_low | f.beyond_high | f.beyond_low).any()
    assert not (f.shift_high | f.shift_low | f.trend_rising | f.trend_falling).any()


def test_two_of_three_beyond_three_sigma_counts_for_the_side_not_the_two():
    # NHSRplotthedots issue #153 (tomjemmett's answer): s>3, s>3, 2<s<3 -> the last point is common cause
    # for 2-of-3 (the first two are beyond the limit); s>3, 2<s<3, 2<s<3 -> the last two fire 2-of-3
    first = special_causes(np.zeros(3), [3.5, 3.4, 2.5])
    assert first.two_of_three_high.tolist() == [False, False, False]
    assert first.beyond_high.tolist() == [True, True, False]
    second = special_causes(np.zeros(3), [3.5, 2.5, 2.4])
    assert second.two_of_three_high.tolist() == [False, True, True]
    assert second.beyond_high.tolist() == [True, False, False]


def test_two_of_three_boundaries():
    # NHSRplotthedots R/ptd_spc_standard.R: outside_limits is y > upl (strict), close_to_limits is
    # !outside_limits & y > nupl (strict): z = 3 exactly is between 2 and 3 sigma, z = 2 exactly is not
    assert special_causes(np.zeros(3), [3.0, 0.5, 2.5]).two_of_three_high.tolist() == [True, False, True]
    assert not special_causes(np.zeros(3), [2.0, 0.5, 2.5]).two_of_three_high.any()
    low = special_causes(np.zeros(3), [-2.01, -1.0, -2.99])
    assert low.two_of_three_low.tolist() == [True, False, True]
    assert not low.two_of_three_high.any()


def test_beyond_limits_boundary():
    # hand: beyond means |z| > 3 strictly (NHSRplotthedots y > upl | y < lpl)
    f = special_causes(np.zeros(4), [3.0, 3.0001, -3.0, -3.0001])
    assert f.beyond_high.tolist() == [False, True, False, False]
    assert f.beyond_low.tolist() == [False, False, False, True]


@pytest.mark.parametrize(("side", "expected"), [
    # test-ptd_calculate_point_type.R, "ptd_seven_point_one_side_mean works as expected", then
    # ptd_part_of_seven_trend: the run's points are all flagged
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [1] * 8 + [0]),
])
def test_shift_nhsrplotthedots(side, expected):
    f = special_causes(np.zeros(len(side)), 0.5 * np.asarray(side))
    assert f.shift_high.astype(int).tolist() == expected
    mirrored = special_causes(np.zeros(len(side)), -0.5 * np.asarray(side))
    assert mirrored.shift_low.astype(int).tolist() == expected


@pytest.mark.parametrize(("values", "rising", "falling"), [
    # test-ptd_calculate_point_type.R, "ptd_seven_point_trend works as expected", then ptd_part_of_seven_trend
    (range(1, 7), [0] * 6, [0] * 6),
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7, [0] * 7),
    (range(1, 8), [1] * 7, [0] * 7),
    ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0], [0] * 9),
    (range(7, 0, -1), [0] * 7, [1] * 7),
    ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] * 9, [0] + [1] * 7 + [0]),
])
def test_trend_nhsrplotthedots(values, rising, falling):
    v = np.asarray(list(values), dtype=float)
    f = special_causes(v, np.zeros(v.size))
    assert f.trend_rising.astype(int).tolist() == rising
    assert f.trend_falling.astype(int).tolist() == falling


def test_shift_length_six_fires_on_six_seven_does_not():
    # hand: six points below the centre between two above
    z = [0.5] + [-0.4] * 6 + [0.5]
    assert special_causes(np.zeros(8), z, shift_length=6).shift_low.tolist() == [False] + [True] * 6 + [False]
    assert not special_causes(np.zeros(8), z).shift_low.any()  # default 7 (NHSRplotthedots)


def test_trend_length_six_fires_on_six_points():
    # hand: six points each lower than the last (five falling steps)
    v = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    assert special_causes(v, np.zeros(6), trend_length=6).trend_falling.all()
    assert not special_causes(v, np.zeros(6)).trend_falling.any()


def test_rules_switched_off_flag_nothing():
    z = [3.5, 2.5, 2.5] + [0.5] * 5
    v = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    full = special_causes(v, z)
    # hand: point 0 beyond; points 1, 2 two-of-three; all eight above -> shift; eight rising -> trend
    assert full.beyond_high[0] and full.two_of_three_high[1:3].all() and full.shift_high.all()
    assert full.trend_rising.all()
    only_beyond = special_causes(v, z, rules=["beyond"])
    assert only_beyond.beyond_high.tolist() == full.beyond_high.tolist()
    assert not (only_beyond.two_of_three_high.any() or only_beyond.shift_high.any() or only_beyond.trend_rising.any())
    no_trend = special_causes(v, z, rules=("beyond", "two_of_three", "shift"))
    assert not no_trend.trend_rising.any() and no_trend.shift_high.all()
    assert not special_causes(v, z, rules=()).beyond_high.any()


def test_rule_options_validated():
    with pytest.raises(ValueError, match="unknown rule 'runs'"):
        special_causes([0.1], [0.0], rules=["runs"])
    with pytest.raises(ValueError, match="shift_length must be a whole number of at least 2"):
        special_causes([0.1], [0.0], shift_length=1)
    with pytest.raises(ValueError, match="trend_length"):
        special_causes([0.1], [0.0], trend_length=6.5)


_z_lists = st.lists(st.floats(-5, 5, allow_nan=False), min_size=0, max_size=30)


@settings(max_examples=200, deadline=None)
@given(_z_lists)
def test_mirroring_swaps_sides(z):
    z = np.asarray(z)
    f, m = special_causes(z, z), special_causes(-z, -z)
    for low, high in [("beyond_low", "beyond_high"), ("shift_low", "shift_high"),
                      ("two_of_three_low", "two_of_three_high"), ("trend_falling", "trend_rising")]:
        assert getattr(f, low).tolist() == getattr(m, high).tolist()


@settings(max_examples=200, deadline=None)
@given(_z_lists)
def test_two_of_three_flags_only_points_between_two_and_three_sigma(z):
    z = np.asarray(z)
    f = special_causes(np.zeros(z.size), z)
    flagged = f.two_of_three_high | f.two_of_three_low
    assert np.all((np.abs(z[flagged]) > 2) & (np.abs(z[flagged]) <= 3))
    assert not np.any(f.two_of_three_high & (z <= 0)) and not np.any(f.two_of_three_low & (z >= 0))


@settings(max_examples=100, deadline=None)
@given(_z_lists, st.sets(st.sampled_from(RULES)))
def test_switching_rules_off_changes_only_those_rules(z, on):
    z = np.asarray(z)
    full, part = special_causes(z, z), special_causes(z, z, rules=on)
    for name in full.to_dict():
        rule = name.rsplit("_", 1)[0]
        expected = getattr(full, name).tolist() if rule in on else [False] * z.size
        assert getattr(part, name).tolist() == expected
