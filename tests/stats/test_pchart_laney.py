"""Laney's p' guard, screened moving ranges, baseline points and the over-dispersion statistic (stats.spc).

References: hand calculations written out beside each value, qicharts2's ``qic.pp`` (repo anhoej/qicharts2,
R/helper.functions.R) for how sigma_z is screened, and R's chisq.test (script and output in
tests/stats/reference/spc_reference.R and spc_reference.txt) for the Pearson statistic.
"""

import numpy as np
import pytest

from inspection_analysis.stats.spc import LANEY_MIN_POINTS, p_chart_limits

# twelve points, n = 100 each, 600 failures: pbar = 0.5, sigma = sqrt(0.25 / 100) = 0.05,
# z = (x - 50) / 5 = -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, 7, -7
SCREENED = [45, 55] * 5 + [85, 15]


def test_sigma_z_screens_moving_ranges_as_qicharts2():
    lim = p_chart_limits(SCREENED, [100] * 12)
    # hand: moving ranges nine of 2, then |7 - 1| = 6 and |-7 - 7| = 14; mean 38 / 11 = 3.4545455.
    # qic.pp: ulmr = 3.267 * 3.4545455 = 11.286; 14 >= ulmr is dropped -> mean (18 + 6) / 10 = 2.4;
    # sigma_z = 2.4 / 1.128 = 2.1276596
    assert lim.dispersion_ratio == pytest.approx(2.1276596, abs=1e-7)
    # 12 points (>= LANEY_MIN_POINTS) and sigma_z > 1: p' drawn; 3 * 0.05 * 2.1276596 = 0.3191489
    assert lim.laney and lim.limits == "laney p'"
    assert lim.ucl == pytest.approx([0.8191489] * 12, abs=1e-7)
    assert lim.lcl == pytest.approx([0.1808511] * 12, abs=1e-7)
    # hand: the z of the p' chart is the binomial z over sigma_z: 7 / 2.1276596 = 3.29
    assert lim.z[-2] == pytest.approx(7 / 2.1276596, abs=1e-6)


def test_sigma_z_unscreened():
    lim = p_chart_limits(SCREENED, [100] * 12, screen=False)
    # hand: 3.4545455 / 1.128 = 3.0625402
    assert lim.dispersion_ratio == pytest.approx(3.0625402, abs=1e-6)


def test_laney_guard_below_twelve_points():
    assert LANEY_MIN_POINTS == 12  # NHSRplotthedots vignette number-of-points-required: >= 12 points
    lim = p_chart_limits(SCREENED[:11], [100] * 11)
    # hand: 11 points, sigma_z > 1 but fewer than 12 -> plain p limits (the auto choice stays p)
    assert lim.dispersion_ratio > 1
    assert not lim.laney and lim.limits == "p"
    assert p_chart_limits(SCREENED[:11], [100] * 11, laney_min_points=11).laney
    assert p_chart_limits(SCREENED[:11], [100] * 11, laney=True).laney  # asked for explicitly


def test_pearson_overdispersion_matches_r_chisq_test():
    # R chisq.test(cbind(x, n - x), correct = FALSE), tests/stats/reference/spc_reference.txt
    four = p_chart_limits([60, 75, 90, 70], [150] * 4)
    assert four.phi == pytest.approx(12.5034731870 / 3, rel=1e-9)
    assert four.overdispersion_pvalue == pytest.approx(0.005843213158, rel=1e-8)
    assert four.limits == "p" and four.n_baseline == 4
    unequal = p_chart_limits([12, 30, 41, 8, 25], [40, 90, 110, 35, 60])
    assert unequal.phi == pytest.approx(4.2404302745 / 4, rel=1e-9)
    assert unequal.overdispersion_pvalue == pytest.approx(0.3744439387, rel=1e-8)
    one = p_chart_limits([3], [10])
    assert np.isnan(one.phi) and np.isnan(one.overdispersion_pvalue) and np.isnan(one.dispersion_ratio)


def test_baseline_sets_centre_and_statistics_only():
    lim = p_chart_limits([20, 30, 90], [100] * 3, baseline=[True, True, False])
    # hand: centre 50/200 = 0.25 from the first two; sigma 0.0433013; z3 = (0.90 - 0.25)/0.0433013 = 15.011107
    assert lim.centre == pytest.approx(0.25)
    assert lim.z[2] == pytest.approx(15.011107, abs=1e-5)
    assert lim.ucl == pytest.approx([0.3799038] * 3, abs=1e-7)
    # R chisq.test of the first two rounds: X2 = 2.6666666667, df = 1, p = 0.1024704349
    assert lim.phi == pytest.approx(2.6666666667, rel=1e-9)
    assert lim.overdispersion_pvalue == pytest.approx(0.1024704349, rel=1e-8)
    assert lim.n_baseline == 2


def test_to_frame_one_row_per_point():
    frame = p_chart_limits([20, 30, 25], [100] * 3).to_frame()
    assert len(frame) == 3 and set(frame["limits"]) == {"p"}


def test_validation():
    with pytest.raises(ValueError, match="baseline must be a boolean array"):
        p_chart_limits([1, 2], [10, 10], baseline=[1, 0])
    with pytest.raises(ValueError, match="at least one point"):
        p_chart_limits([1, 2], [10, 10], baseline=[False, False])
    with pytest.raises(ValueError, match="laney_min_points"):
        p_chart_limits([1, 2], [10, 10], laney_min_points=1)
    with pytest.raises(ValueError, match="at least two points"):
        p_chart_limits([1, 2], [10, 10], laney=True, baseline=[True, False])
