"""Tests for stats.overdispersion.

References: tests/stats/reference/overdispersion.R (FunnelPlotR's formulas for proportions
restated in base R from nhs-r-community/FunnelPlotR R/od_adjustment.R and R/calculate_limits.R,
commit 9020d497) and its output overdispersion.txt; and hand calculations written out below.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.overdispersion import overdispersion

X = [12, 20, 31, 8, 30, 25, 22, 9, 48, 18, 27, 40]
N = [35, 42, 60, 28, 50, 75, 40, 33, 90, 55, 48, 62]

# overdispersion.txt (R 4.2, base R only)
R_Z = [-1.5273937352942544, 0.0900202311604555, 0.7348365843944814, -2.0180920983412376, 1.8588805371518569,
       -2.4102303094786524, 1.0226483844544720, -2.3571913877749333, 1.2166259391044729, -2.1595645257360609,
       1.2945716110059871, 2.8038665371301867]
R_LIMITS = {  # probability: (additive, unadjusted) at n = 20, 50, 100, 400
    0.025: ([0.198019055190697, 0.242791678244296, 0.261001151293707, 0.276213652224225],
            [0.260379928007354, 0.333865494202747, 0.372656563574267, 0.420575033957817]),
    0.975: ([0.750782899870161, 0.702634140251148, 0.683284547279649, 0.667212089809387],
            [0.683942638698497, 0.606992810452259, 0.567032018418397, 0.518231314439968]),
    0.001: ([0.0828297230503079, 0.1356435538355273, 0.1590733117969159, 0.1793564392000754],
            [0.158258156038943, 0.260922706777512, 0.318935587434949, 0.392818754875614]),
    0.999: ([0.880184301780886, 0.819572333518555, 0.793455526596054, 0.771127900919482],
            [0.794357993857047, 0.683367639573586, 0.622488391005156, 0.546425098242350]),
    0.05: ([0.236911309674827, 0.276526794928152, 0.292410119556925, 0.305597445780226],
           [0.291870086437184, 0.355039200851461, 0.387953216837715, 0.428362303034382]),
    0.95: ([0.708909809636434, 0.666882094235525, 0.650187325085354, 0.636388987487796],
           [0.650753573365180, 0.585128240715367, 0.551388037703533, 0.510356856987045]),
}
GRID = [20, 50, 100, 400]


def test_matches_funnelplotr_formulas_in_r():
    od = overdispersion(X, N)
    assert od.centre == pytest.approx(0.469255663430421, abs=1e-14)
    np.testing.assert_allclose(od.z, R_Z, rtol=0, atol=1e-12)
    assert od.z_winsorised.min() == pytest.approx(-2.33742870157105, abs=1e-12)  # R lz
    assert od.z_winsorised.max() == pytest.approx(1.80244964453727, abs=1e-12)  # R uz
    assert od.phi == pytest.approx(2.77034450754974, abs=1e-12)
    assert od.tau2 == pytest.approx(0.00991941072376127, abs=1e-14)
    assert od.statistic == pytest.approx(33.2441340905969, abs=1e-10)
    assert od.df == 11
    assert od.pvalue == pytest.approx(0.000480305399311501, rel=1e-9)
    assert od.adjust is True


@pytest.mark.parametrize("prob", sorted(R_LIMITS))
def test_limits_match_r_at_user_levels(prob):
    od = overdispersion(X, N)
    additive, plain = R_LIMITS[prob]
    np.testing.assert_allclose(od.limits(GRID, probability=prob), additive, rtol=0, atol=1e-12)
    np.testing.assert_allclose(od.limits(GRID, probability=prob, method="none"), plain, rtol=0, atol=1e-12)


def test_multiplicative_limits_by_hand_from_r_phi():
    od = overdispersion(X, N)
    # Spiegelhalter's multiplicative model on the arcsine scale, with R's phi and target:
    # sin(asin(sqrt(0.469255663430421)) + 1.959964 * sqrt(2.77034450754974) / (2 sqrt(n)))^2
    z975 = 1.959963984540054
    for n in GRID:
        hand = math.sin(math.asin(math.sqrt(0.469255663430421))
                        + z975 * math.sqrt(2.77034450754974) / (2 * math.sqrt(n))) ** 2
        assert od.limits(n, probability=0.975, method="multiplicative") == pytest.approx(hand, abs=1e-12)


def test_identity_scale_by_hand():
    # four forces of 25 files: pooled 30/100 = 0.3; s = sqrt(0.21/25), s^2 = 0.0084
    # rates 0.08, 0.32, 0.20, 0.60 -> deviations -0.22, 0.02, -0.10, 0.30
    od = overdispersion([2, 8, 5, 15], [25, 25, 25, 25], trim=0.0, scale="identity")
    s = math.sqrt(0.0084)
    np.testing.assert_allclose(od.z, [-0.22 / s, 0.02 / s, -0.10 / s, 0.30 / s], rtol=1e-13)
    # sum z^2 = (0.0484 + 0.0004 + 0.01 + 0.09) / 0.0084 = 0.1488 / 0.0084 = 17.7142857; phi = Q / 4
    assert od.statistic == pytest.approx(0.1488 / 0.0084, rel=1e-13)
    assert od.phi == pytest.approx(0.1488 / 0.0084 / 4, rel=1e-13)
    # equal weights w = 1/0.0084: sum(w) - sum(w^2)/sum(w) = 3w, so tau2 = (Q - 3) * 0.0084 / 3
    # = (0.1488 - 0.0252) / 3 = 0.0412
    assert od.tau2 == pytest.approx(0.1236 / 3, rel=1e-12)
    # chi-square with 3 df: sf(q) = erfc(sqrt(q/2)) + sqrt(2q/pi) exp(-q/2)
    q = 0.1488 / 0.0084
    assert od.pvalue == pytest.approx(math.erfc(math.sqrt(q / 2)) + math.sqrt(2 * q / math.pi) * math.exp(-q / 2),
                                      rel=1e-10)
    # limits at n = 25, 97.5%: 0.3 + 1.959964 sqrt(0.0084 + 0.0412) = 0.7365047 (additive),
    # 0.3 + 1.959964 sqrt(4.4285714 * 0.0084) = 0.6780242 (multiplicative),
    # 0.3 + 1.959964 sqrt(0.0084) = 0.4796337 (none; the "wilson" funnel limit)
    z975 = 1.959963984540054
    assert od.limits(25, probability=0.975) == pytest.approx(0.3 + z975 * math.sqrt(0.0084 + 0.1236 / 3), abs=1e-12)
    assert od.limits(25, probability=0.975, method="multiplicative") == pytest.approx(
        0.3 + z975 * math.sqrt(0.1488 / 4), abs=1e-12)
    assert od.limits(25, probability=0.975, method="none") == pytest.approx(0.3 + z975 * s, abs=1e-12)


def test_winsorising_by_hand():
    # same data, trim = 0.25: sorted z = (-0.22, -0.10, 0.02, 0.30)/s; R type-7 quantiles at
    # positions 1.75 and 3.25: lower -0.22 + 0.75 * 0.12 = -0.13, upper 0.02 + 0.25 * 0.28 = 0.09 (over s)
    od = overdispersion([2, 8, 5, 15], [25] * 4, trim=0.25, scale="identity")
    s = math.sqrt(0.0084)
    np.testing.assert_allclose(od.z_winsorised, [-0.13 / s, 0.02 / s, -0.10 / s, 0.09 / s], rtol=1e-12)
    assert od.phi == pytest.approx((0.0169 + 0.0004 + 0.01 + 0.0081) / 0.0084 / 4, rel=1e-12)


def test_no_overdispersion_means_no_widening():
    # rates 0.30, 0.32, 0.28, 0.30 of 50: Q = (0 + 0.0004 + 0.0004 + 0) / (0.21/50) = 0.1905 < 3
    od = overdispersion([15, 16, 14, 15], [50] * 4, trim=0.0, scale="identity")
    assert od.statistic == pytest.approx(0.0008 / 0.0042, rel=1e-12)
    assert od.tau2 == 0.0 and od.adjust is False
    plain = od.limits([10, 50], probability=0.999, method="none")
    np.testing.assert_array_equal(od.limits([10, 50], probability=0.999), plain)
    np.testing.assert_array_equal(od.limits([10, 50], probability=0.999, method="multiplicative"), plain)


def test_arcsine_angle_clipped_at_small_n():
    od = overdispersion(X, N)
    # n = 3: asin(sqrt(0.4693)) - 3.09 * sqrt(1/12 + 0.0099) = 0.7547 - 0.9435 < 0 -> limit 0 (not sin^2 > 0)
    assert od.limits(3, probability=0.001) == 0.0
    assert od.limits(3, probability=0.999) == 1.0


def test_given_centre_and_to_frame():
    od = overdispersion(X, N, centre=0.5)
    assert od.centre == 0.5
    frame = od.to_frame()
    assert list(frame.columns) == ["centre", "phi", "statistic", "df", "pvalue", "tau2", "trim", "scale", "adjust"]
    assert len(frame) == 1


def test_validation():
    with pytest.raises(ValueError, match="at least two units"):
        overdispersion([3], [10])
    with pytest.raises(ValueError, match="trim"):
        overdispersion(X, N, trim=0.5)
    with pytest.raises(ValueError, match="unknown scale 'logit'"):
        overdispersion(X, N, scale="logit")
    with pytest.raises(ValueError, match="strictly inside"):
        overdispersion([0, 0], [10, 10], scale="identity")
    with pytest.raises(ValueError, match="unknown method 'both'"):
        overdispersion(X, N).limits(10, probability=0.975, method="both")
    with pytest.raises(ValueError, match="probability"):
        overdispersion(X, N).limits(10, probability=1.5)


@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.tuples(st.integers(5, 200), st.floats(0, 1)), min_size=2, max_size=15),
       scale=st.sampled_from(["arcsine", "identity"]))
def test_adjusted_limits_never_narrower(data, scale):
    n = np.array([d[0] for d in data])
    x = np.round(n * np.array([d[1] for d in data])).astype(int)
    if scale == "identity" and x.sum() in (0, n.sum()):
        return
    od = overdispersion(x, n, scale=scale)
    assert od.phi >= 0 and od.tau2 >= 0 and 0 <= od.pvalue <= 1
    for prob in (0.025, 0.975):
        plain = od.limits(n, probability=prob, method="none")
        for method in ("additive", "multiplicative"):
            wide = od.limits(n, probability=prob, method=method)
            assert np.all(wide <= plain + 1e-12) if prob < 0.5 else np.all(wide >= plain - 1e-12)
