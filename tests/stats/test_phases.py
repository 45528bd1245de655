"""Phases (rebase / part), frozen baselines and exclusions (stats.phases).

References: hand calculations written out beside each value; the semantics of NHSRplotthedots
(repo nhs-r-community/NHSRplotthedots, R/ptd_spc_standard.R and tests/testthat/test-ptd_spc_standard.R)
and qicharts2 (repo anhoej/qicharts2, R/qic.R, R/helper.functions.R ``qic.agg``).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.phases import phase_index, phased_p_chart_limits, phased_special_causes
from inspection_analysis.stats.special_causes import special_causes


def test_phase_index_from_rebase_indicator():
    # test-ptd_spc_standard.R "it sets the rebase_group field": rebase = c(rep(0, 10), 1, rep(0, 9))
    # gives rebase_group = c(rep(0, 10), rep(1, 10)) (cumsum of the indicator)
    rebase = [0] * 10 + [1] + [0] * 9
    assert phase_index(np.cumsum(rebase), 20).tolist() == [0] * 10 + [1] * 10
    assert phase_index(None, 3).tolist() == [0, 0, 0]
    assert phase_index(["2019", "2019", "2021"], 3).tolist() == [0, 0, 1]


def test_phase_index_validation():
    with pytest.raises(ValueError, match="'a' comes back at point 2"):
        phase_index(["a", "b", "a"], 3)
    with pytest.raises(ValueError, match="one label per point"):
        phase_index(["a", "b"], 3)


def test_limits_recalculated_per_phase():
    lim = phased_p_chart_limits([20, 30, 10, 12, 8], [100] * 5, phase=["old", "old", "new", "new", "new"],
                                laney=False)
    # hand: phase old 50/200 = 0.25, sigma 0.0433013, UCL 0.3799038;
    # phase new 30/300 = 0.10, sigma 0.03, UCL 0.19, LCL 0.01
    assert lim.phase.tolist() == [0, 0, 1, 1, 1]
    assert lim.centre == pytest.approx([0.25, 0.25, 0.1, 0.1, 0.1])
    assert lim.ucl == pytest.approx([0.3799038, 0.3799038, 0.19, 0.19, 0.19], abs=1e-7)
    assert lim.lcl == pytest.approx([0.1200962, 0.1200962, 0.01, 0.01, 0.01], abs=1e-7)
    # hand: z in phase new = (0.12 - 0.10)/0.03 = 0.6666667
    assert lim.z[3] == pytest.approx(0.6666667, abs=1e-7)
    assert lim.limits.tolist() == ["p"] * 5
    assert len(lim.to_frame()) == 5


def test_freeze_holds_limits_after_baseline():
    lim = phased_p_chart_limits([20, 30, 90, 10], [100] * 4, freeze=2, laney=False)
    # hand: baseline the first two points (NHSRplotthedots fix_after_n_points, qicharts2 freeze = 2):
    # centre 0.25 for all four; z4 = (0.10 - 0.25)/0.0433013 = -3.4641016
    assert lim.baseline.tolist() == [True, True, False, False]
    assert lim.centre == pytest.approx([0.25] * 4)
    assert lim.z[3] == pytest.approx(-3.4641016, abs=1e-6)
    assert lim.n_baseline.tolist() == [2] * 4


def test_freeze_counts_within_each_phase():
    lim = phased_p_chart_limits([20, 30, 90, 10, 20, 90], [100] * 6, phase=[0, 0, 0, 1, 1, 1], freeze=2,
                                laney=False)
    # hand: phase 0 from points 0, 1 -> 0.25; phase 1 from points 3, 4 -> 30/200 = 0.15
    assert lim.baseline.tolist() == [True, True, False, True, True, False]
    assert lim.centre == pytest.approx([0.25] * 3 + [0.15] * 3)


def test_excluded_points_stay_on_the_chart_but_out_of_the_limits():
    for exclude in ([2], [False, False, True]):
        lim = phased_p_chart_limits([20, 30, 90], [100] * 3, exclude=exclude, laney=False)
        # hand: centre 50/200 = 0.25 without the third point; its z = (0.90 - 0.25)/0.0433013 = 15.011107
        assert lim.included.tolist() == [True, True, False]
        assert lim.centre == pytest.approx([0.25] * 3)
        assert lim.z[2] == pytest.approx(15.011107, abs=1e-5)


def test_exclude_and_freeze_combined():
    lim = phased_p_chart_limits([90, 20, 30, 40], [100] * 4, freeze=3, exclude=[0], laney=False)
    # hand: the freeze counts the excluded point (qicharts2 baseline <- xx <= freeze; include <- !xx %in% exclude),
    # so the baseline is points 1 and 2: centre 50/200 = 0.25
    assert lim.baseline.tolist() == [False, True, True, False]
    assert lim.centre == pytest.approx([0.25] * 4)


def test_laney_decided_in_each_phase():
    x = [45, 55] * 5 + [85, 15] + [50, 52, 48]
    lim = phased_p_chart_limits(x, [100] * 15, phase=[0] * 12 + [1] * 3)
    # phase 0 is test_pchart_laney.py's screened series: 12 points, sigma_z = 2.1276596 -> p';
    # phase 1 has three points, too few for the automatic choice -> p
    assert lim.limits.tolist() == ["laney p'"] * 12 + ["p"] * 3
    assert lim.dispersion_ratio[0] == pytest.approx(2.1276596, abs=1e-7)


def test_phase_validation():
    with pytest.raises(ValueError, match="phase 1 .* has no baseline point"):
        phased_p_chart_limits([20, 30, 40], [100] * 3, phase=[0, 0, 1], exclude=[2])
    with pytest.raises(ValueError, match="exclude must hold positions 0 to 2"):
        phased_p_chart_limits([20, 30, 40], [100] * 3, exclude=[3])
    with pytest.raises(ValueError, match="freeze must be a whole number"):
        phased_p_chart_limits([20, 30, 40], [100] * 3, freeze=0)
    with pytest.raises(ValueError, match="one length"):
        phased_p_chart_limits([20, 30], [100] * 3)


def test_rules_do_not_cross_a_rebase():
    # hand: eight points below the centre, split 4 + 4 by a rebase: no run of 7 in either phase
    z = [-0.5] * 8
    assert special_causes(np.zeros(8), z).shift_low.all()
    assert not phased_special_causes(np.zeros(8), z, phase=[0] * 4 + [1] * 4).shift_low.any()
    # a 2-of-3 window straddling the rebase does not count either
    assert not phased_special_causes(np.zeros(3), [2.5, 2.5, 0.5], phase=[0, 1, 1]).two_of_three_high.any()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), max_size=25))
def test_one_phase_is_the_whole_series(z):
    z = np.asarray(z)
    assert phased_special_causes(z, z).to_dict().keys() == special_causes(z, z).to_dict().keys()
    for name, flags in special_causes(z, z, shift_length=6).to_dict().items():
        assert getattr(phased_special_causes(z, z, shift_length=6), name).tolist() == flags.tolist()
