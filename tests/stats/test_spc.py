"""Tests for stats.spc: p-chart limits (hand-calculated), the NHS rules one by one, funnel limits."""

import numpy as np
import pytest

from inspection_analysis.stats.funnel import funnel_limits
from inspection_analysis.stats.spc import p_chart_limits
from inspection_analysis.stats.special_causes import special_causes


def test_p_chart_limits_equal_n_by_hand():
    lim = p_chart_limits([20, 30], [100, 100], laney=False)
    # hand: pbar = 50/200 = 0.25; sigma = sqrt(0.25*0.75/100) = 0.0433013;
    # 3 sigma = 0.1299038 -> LCL 0.1200962, UCL 0.3799038
    assert lim.centre == pytest.approx(0.25)
    assert lim.lcl == pytest.approx([0.1200962, 0.1200962], abs=1e-7)
    assert lim.ucl == pytest.approx([0.3799038, 0.3799038], abs=1e-7)
    # z = (0.20 - 0.25)/0.0433013 = -1.1547005
    assert lim.z == pytest.approx([-1.1547005, 1.1547005], abs=1e-7)
    assert lim.laney is False


def test_p_chart_limits_variable_n_by_hand():
    lim = p_chart_limits([5, 30], [50, 200], laney=False)
    # hand: pbar = 35/250 = 0.14
    # sigma1 = sqrt(0.14*0.86/50) = 0.0490714 -> LCL 0.14 - 0.1472143 < 0 -> 0; UCL 0.2872143
    # sigma2 = sqrt(0.14*0.86/200) = 0.0245357 -> LCL 0.0663929; UCL 0.2136071
    assert lim.centre == pytest.approx(0.14)
    assert lim.lcl == pytest.approx([0.0, 0.0663929], abs=1e-6)
    assert lim.ucl == pytest.approx([0.2872143, 0.2136071], abs=1e-6)


def test_laney_widens_limits_by_hand():
    # laney=True: since issue 14 the automatic choice needs 12 baseline points (test_pchart_laney.py), so the
    # two-point hand calculation asks for Laney explicitly
    lim = p_chart_limits([20, 30], [100, 100], laney=True)
    # hand: z = -1.1547005, +1.1547005; moving range 2.3094011; sigma_z = 2.3094011/1.128 = 2.0473414
    # (one moving range, below 3.267 times its own mean, so the screen keeps it).
    # Since sigma * |z| = 0.05, 3 * sigma * sigma_z = 3 * 2 * 0.05 / 1.128 = 0.2659574:
    # UCL = 0.25 + 0.2659574 = 0.5159574; LCL clipped to 0
    assert lim.laney is True
    assert lim.limits == "laney p'"
    assert lim.dispersion_ratio == pytest.approx(2.0473414, abs=1e-6)
    assert lim.ucl == pytest.approx([0.5159574, 0.5159574], abs=1e-6)
    assert lim.lcl == pytest.approx([0.0, 0.0])


def test_laney_auto_not_applied_when_under_dispersed():
    lim = p_chart_limits([10, 12, 8], [100, 100, 100])
    # hand: pbar = 0.1, sigma = 0.03; z = 0, 0.6667, -0.6667; moving ranges 0.6667, 1.3333 -> mean 1.0
    # sigma_z = 1/1.128 = 0.8865248 < 1, so plain p-chart limits 0.1 +/- 0.09
    assert lim.laney is False
    assert lim.dispersion_ratio == pytest.approx(0.8865248, abs=1e-6)
    assert lim.ucl == pytest.approx([0.19] * 3)
    assert lim.lcl == pytest.approx([0.01] * 3)


def test_p_chart_validation():
    with pytest.raises(ValueError, match="must not exceed"):
        p_chart_limits([5], [4])
    with pytest.raises(ValueError, match="at least two points"):
        p_chart_limits([5], [10], laney=True)


def _flags(z, values=None):
    z = np.asarray(z, dtype=float)
    return special_causes(z if values is None else values, z)


def test_rule_beyond_limit_fires_and_not():
    f = _flags([0.0, 3.1, -0.5, -3.2, 2.99])
    assert f.beyond_high.tolist() == [False, True, False, False, False]
    assert f.beyond_low.tolist() == [False, False, False, True, False]


def test_rule_shift_seven_fires_six_does_not():
    seven = _flags([0.5] + [-0.4] * 7 + [0.5])
    assert seven.shift_low.tolist() == [False] + [True] * 7 + [False]
    assert not seven.shift_high.any()
    six = _flags([0.5] + [-0.4] * 6 + [0.5])
    assert not six.shift_low.any()
    above = _flags([0.3] * 7)
    assert above.shift_high.all()


def test_rule_shift_broken_by_point_on_centre():
    f = _flags([-1.0] * 3 + [0.0] + [-1.0] * 4)
    assert not f.shift_low.any()


def test_rule_trend_seven_fires_six_does_not():
    z = np.zeros(8)
    falling = _flags(z, values=[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.35])
    assert falling.trend_falling.tolist() == [True] * 7 + [False]
    assert not falling.trend_rising.any()
    six = _flags(np.zeros(6), values=[0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    assert not six.trend_falling.any()
    rising = _flags(np.zeros(7), values=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    assert rising.trend_rising.all()


def test_rule_trend_broken_by_repeat():
    f = _flags(np.zeros(8), values=[0.9, 0.8, 0.7, 0.7, 0.6, 0.5, 0.4, 0.3])
    assert not f.trend_falling.any()


def test_rule_two_of_three_beyond_two_sigma():
    # Updated for issue 14: the middle (third) point of a window must lie on the same side of the centre too,
    # NHSRplotthedots R/ptd_calculate_point_type.R ptd_two_in_three (abs(sum(relative_to_mean)) == 3, after
    # its issue #143); a point exactly on the centre (z = 0) is on neither side, so the old series
    # [2.5, 0.0, 2.1, ...] and [-2.2, -2.4, 0.0] no longer fire and the windows are filled with same-side points.
    same = _flags([2.5, 0.5, 2.1, 0.0, 0.0])
    assert same.two_of_three_high.tolist() == [True, False, True, False, False]
    on_centre = _flags([2.5, 0.0, 2.1])
    assert not on_centre.two_of_three_high.any()
    opposite = _flags([2.5, 0.0, -2.1])
    assert not opposite.two_of_three_high.any() and not opposite.two_of_three_low.any()
    spread = _flags([2.5, 1.0, 1.0, 2.5])  # never two in any window of three
    assert not spread.two_of_three_high.any()
    low = _flags([-2.2, -2.4, -0.1])
    assert low.two_of_three_low.tolist() == [True, True, False]


def test_rules_validation():
    with pytest.raises(ValueError, match="one length"):
        special_causes([0.1, 0.2], [0.0])
    with pytest.raises(ValueError, match="finite"):
        special_causes([0.1, np.nan], [0.0, 0.0])


def test_funnel_limits_exact_binomial_by_hand():
    # Binomial(10, 0.5) cdf in 1024ths: F(0)=1, F(1)=11, F(2)=56, F(7)=968, F(8)=1013, F(9)=1023.
    # Spiegelhalter (2005) appendix A.1.1: r = smallest with F(r) >= p,
    # alpha = (F(r) - p)/(F(r) - F(r-1)), limit = (r - alpha)/n.
    # p = 0.975: r = 8, alpha = (1013 - 998.4)/45 = 0.3244444, limit = 0.7675556
    assert funnel_limits(0.5, 10, probability=0.975) == pytest.approx(0.7675556, abs=1e-7)
    # p = 0.025: r = 2, alpha = (56 - 25.6)/45 = 0.6755556, limit = 0.1324444
    assert funnel_limits(0.5, 10, probability=0.025) == pytest.approx(0.1324444, abs=1e-7)
    # p = 0.999: r = 9, alpha = (1023 - 1022.976)/10 = 0.0024, limit = 0.89976
    assert funnel_limits(0.5, 10, probability=0.999) == pytest.approx(0.89976, abs=1e-7)
    # p = 0.001: r = 1, alpha = (11 - 1.024)/10 = 0.9976, limit = 0.00024
    assert funnel_limits(0.5, 10, probability=0.001) == pytest.approx(0.00024, abs=1e-7)


def test_funnel_limits_vectorised_and_narrowing():
    n = np.array([10, 100, 1000])
    upper = funnel_limits(0.3, n, probability=0.975)
    lower = funnel_limits(0.3, n, probability=0.025)
    assert upper.shape == (3,)
    assert np.all(np.diff(upper) < 0) and np.all(np.diff(lower) > 0)
    # large n: close to the normal approximation 0.3 + 1.96*sqrt(0.21/1000) = 0.3284 (hand)
    assert upper[2] == pytest.approx(0.3284, abs=0.0015)


def test_funnel_limits_validation():
    with pytest.raises(ValueError, match="centre"):
        funnel_limits(1.2, 10, probability=0.975)
    with pytest.raises(ValueError, match="probability"):
        funnel_limits(0.5, 10, probability=1.0)
    with pytest.raises(ValueError, match="at least 1"):
        funnel_limits(0.5, 0, probability=0.975)
