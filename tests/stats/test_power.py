"""Tests for stats.power against R's power.prop.test and hand calculations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.power import (
    ci_sample_size,
    cohens_h,
    min_detectable_change,
    power_change,
    sample_size,
)


def test_power_matches_r_power_prop_test():
    # R: power.prop.test(n = 50, p1 = .50, p2 = .75)  -> power = 0.7401659
    assert power_change(0.50, 0.75, 50, 50) == pytest.approx(0.7401659, abs=1e-7)


def test_power_hand_calculation_equal_n():
    # Hand: z = 1.959964, pbar = .625, sqrt(2 * .625 * .375) = 0.6846532,
    # sqrt(.25 + .1875) = 0.6614378; (sqrt(50) * .25 - 1.959964 * 0.6846532) / 0.6614378
    # = (1.7677670 - 1.3418956) / 0.6614378 = 0.6438504 -> Phi = 0.7401659.
    expected = 0.5 * math.erfc(-((math.sqrt(50) * 0.25 - 1.959964 * 0.6846532) / 0.6614378) / math.sqrt(2))
    assert power_change(0.75, 0.50, 50, 50) == pytest.approx(expected, abs=1e-6)


def test_power_two_sided_equal_rates_is_half_alpha():
    # R's default strict = FALSE ignores the opposite tail: power = alpha / 2 when p1 = p2
    # (R: power.prop.test(n = 50, p1 = .3, p2 = .3) gives power = 0.025).
    assert power_change(0.3, 0.3, 50, 50) == pytest.approx(0.025, abs=1e-12)
    assert power_change(0.3, 0.3, 50, 50, alternative="less") == pytest.approx(0.05, abs=1e-12)


def test_power_one_sided_hand_calculation():
    # Hand: one-sided z = 1.644854; (1.7677670 - 1.644854 * 0.6846532) / 0.6614378
    # = (1.7677670 - 1.1261548) / 0.6614378 = 0.9700269 -> Phi = 0.8339835.
    assert power_change(0.50, 0.75, 50, 50, alternative="less") == pytest.approx(0.8339835, abs=1e-6)
    # The worsening direction has power below alpha for the improvement test.
    assert power_change(0.75, 0.50, 50, 50, alternative="less") < 0.05


def test_power_unequal_n_hand_calculation():
    # Hand (Fleiss, Levin & Paik 2003, sec. 4.4, pooled pbar weighted by n):
    # p1 = .69, p2 = .74, n1 = 303, n2 = 374; pbar = (303*.69 + 374*.74)/677 = 0.7176219
    # s0 = sqrt(.7176219*.2823781*(1/303 + 1/374)) = 0.0347937
    # s1 = sqrt(.69*.31/303 + .74*.26/374) = 0.0349339
    # two-sided: (0.05 - 1.959964*0.0347937)/0.0349339 = -0.520823 -> Phi = 0.301245
    assert power_change(0.69, 0.74, 303, 374) == pytest.approx(0.301245, abs=1e-5)


def test_power_degenerate_rates_finite():
    assert power_change(0.0, 0.0, 10, 10) == 0.0
    assert power_change(0.0, 1.0, 10, 10) == 1.0
    assert power_change(1.0, 0.0, 10, 10, alternative="less") == 0.0


def test_power_vectorised():
    out = power_change(0.5, 0.75, np.array([50, 100]), np.array([50, 100]))
    assert out.shape == (2,)
    assert out[0] == pytest.approx(0.7401659, abs=1e-7)


def test_sample_size_matches_r():
    # R help for power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) => n = 76.7
    # Hand, closed form: ((1.959964*0.6846532 + 1.281552*0.6614378) / 0.25)^2
    # = ((1.3418956 + 0.8476676) / 0.25)^2 = 8.7582528^2 = 76.70698
    assert sample_size(0.50, 0.75, power=0.90) == pytest.approx(76.70698, abs=1e-3)


def test_sample_size_round_trips_power():
    # Power at the returned n equals the requested power (definition of the inverse).
    n = sample_size(0.6, 0.74, power=0.8, alternative="less", ratio=2.0)
    assert power_change(0.6, 0.74, 2 * n, n, alternative="less") == pytest.approx(0.8, abs=1e-10)


def test_sample_size_no_difference_is_infinite():
    assert sample_size(0.5, 0.5) == math.inf
    assert sample_size(0.8, 0.5, alternative="less") == math.inf


def test_min_detectable_change_hand_round_trip():
    d = min_detectable_change(0.743, 135, 374)
    assert d < 0
    assert power_change(0.743 + d, 0.743, 135, 374, alternative="less") == pytest.approx(0.8, abs=1e-8)
    # Smaller than any larger change: slightly smaller change has less power.
    assert power_change(0.743 + d / 1.01, 0.743, 135, 374, alternative="less") < 0.8


def test_min_detectable_change_two_sided_needs_direction():
    with pytest.raises(ValueError, match="direction"):
        min_detectable_change(0.5, 100, 100, alternative="two-sided")
    up = min_detectable_change(0.5, 100, 100, alternative="two-sided", direction="increase")
    assert up > 0
    assert power_change(0.5 + up, 0.5, 100, 100) == pytest.approx(0.8, abs=1e-8)
    with pytest.raises(ValueError, match="contradicts"):
        min_detectable_change(0.5, 100, 100, alternative="less", direction="increase")


def test_min_detectable_change_unreachable_is_nan():
    assert math.isnan(min_detectable_change(0.0, 10, 10))
    assert math.isnan(min_detectable_change(0.05, 2, 2))


def test_cohens_h_hand():
    # Hand: 2*asin(sqrt(.25)) - 2*asin(sqrt(.5)) = 2*(pi/6) - 2*(pi/4) = -pi/6 = -0.5235988
    assert cohens_h(0.25, 0.5) == pytest.approx(-math.pi / 6, abs=1e-12)
    # Hand: 2*asin(1) - 2*asin(0) = pi
    assert cohens_h(1.0, 0.0) == pytest.approx(math.pi, abs=1e-12)


def test_ci_sample_size_hand():
    # Hand: 1.959964^2 * .25 / .05^2 = 3.841459 * 100 = 384.1459 -> 385
    assert ci_sample_size(0.5, 0.05) == 385
    # Hand: 1.644854^2 * .3*.7 / .1^2 = 2.705543 * 21 = 56.8164 -> 57 (90% level)
    assert ci_sample_size(0.3, 0.1, confidence_level=0.90) == 57
    assert ci_sample_size(0.0, 0.1) == 1
    assert ci_sample_size(np.array([0.5, 0.3]), 0.1).tolist() == [97, 81]  # 96.04 -> 97; 80.67 -> 81


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: power_change(1.2, 0.5, 10, 10), "p1"),
        (lambda: power_change(0.5, 0.5, 0, 10), "n1"),
        (lambda: power_change(0.5, 0.5, 10, 10, alpha=1.5), "alpha"),
        (lambda: power_change(0.5, 0.5, 10, 10, alternative="up"), "alternative"),
        (lambda: sample_size(0.5, 0.6, power=0.01), "power"),
        (lambda: sample_size(0.5, 0.6, ratio=-1), "ratio"),
        (lambda: ci_sample_size(0.5, 0.0), "half_width"),
        (lambda: cohens_h(-0.1, 0.5), "p1"),
    ],
)
def test_invalid_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@settings(max_examples=60, deadline=None)
@given(
    p1=st.floats(0.01, 0.99),
    p2=st.floats(0.01, 0.99),
    n=st.integers(2, 500),
    alt=st.sampled_from(["two-sided", "less", "greater"]),
)
def test_power_properties(p1, p2, n, alt):
    small = power_change(p1, p2, n, n, alternative=alt)
    large = power_change(p1, p2, 2 * n, 2 * n, alternative=alt)
    assert 0 <= small <= 1
    if alt == "two-sided":
        # Swapping groups mirrors the two-sided power exactly.
        assert power_change(p2, p1, n, n) == pytest.approx(small, abs=1e-12)
    if (alt == "less" and p1 < p2) or (alt == "greater" and p1 > p2) or (alt == "two-sided" and p1 != p2):
        assert large >= small - 1e-12  # power grows with n when there is a true effect
    mirrored = {"less": "greater", "greater": "less", "two-sided": "two-sided"}[alt]
    assert power_change(p2, p1, n, n, alternative=mirrored) == pytest.approx(small, abs=1e-12)
