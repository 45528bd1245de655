"""Tests for stats.cusum: the Bernoulli CUSUM path, its Markov-chain ARL, and limits for an ARL.

References: hand calculations written out below (scores, paths, and the closed-form ARL of a
+-1 random walk); tests/stats/reference/cusum_arl.R and cusum_arl.txt (surveillance::arlCusum,
Hawkins' Markov chain, in R); and an exact run-length recursion over the chart's own values
written out in this file (no lattice, no simulation).
"""

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.cusum import bernoulli_cusum
from inspection_analysis.stats.cusum_arl import cusum_arl, cusum_limit_for_arl

LN4 = math.log(4.0)


def test_path_by_hand():
    # p0 = 0.2, odds ratio 16: p_upper has odds 0.25 * 16 = 4 -> 0.8; p_lower odds 0.25/16 -> 0.015625/1.015625.
    # upper scores: failure log(0.8/0.2) = +ln 4, pass log(0.2/0.8) = -ln 4
    # lower scores: failure log(p2/0.2) = -2.5649494, pass log((1 - p2)/0.8) = +0.2076394
    chart = bernoulli_cusum([1, 1, 0, 1, 1, 1, 0, 0], p0=0.2, odds_ratio=16, limit=2.7)
    assert chart.p_upper == pytest.approx(0.8, abs=1e-15)
    assert chart.p_lower == pytest.approx(0.015625 / 1.015625, abs=1e-15)
    # upper: ln4, 2ln4 = 2.7726 >= 2.7 signal -> restart; 0 -> max(0, -ln4) = 0; ln4; 2ln4 signal; ln4; 0; 0
    np.testing.assert_allclose(chart.upper, [LN4, 2 * LN4, 0, LN4, 2 * LN4, LN4, 0, 0], atol=1e-15)
    assert chart.signal_upper.tolist() == [False, True, False, False, True, False, False, False]
    # lower (drawn negative): 0, 0, -0.2076394, 0 (0.2076 - 2.5649 < 0), 0, 0, -0.2076394, -0.4152788
    pass_score = math.log((1 - 0.015625 / 1.015625) / 0.8)
    assert pass_score == pytest.approx(0.2076394, abs=1e-7)
    np.testing.assert_allclose(chart.lower, [0, 0, -pass_score, 0, 0, 0, -pass_score, -2 * pass_score], atol=1e-15)
    assert not chart.signal_lower.any()
    frame = chart.to_frame()
    assert frame["case"].tolist() == list(range(1, 9)) and len(frame.columns) == 6


def test_lower_signal_and_baseline_estimate():
    # p0 from the first 4 cases (2 failures of 4 = 0.5), odds ratio 3: p_lower = 0.25
    # lower scores: failure log(0.25/0.5) = -ln 2, pass log(0.75/0.5) = ln 1.5 = 0.4054651
    chart = bernoulli_cusum([1, 0, 1, 0, 0, 0, 0, 0], baseline=4, odds_ratio=3, limit=1.0)
    assert chart.p0 == 0.5 and chart.p_lower == pytest.approx(0.25, abs=1e-15)
    ln15 = math.log(1.5)
    # |lower|: 0, ln1.5, 0 (ln1.5 - ln2 < 0), ln1.5, 2 ln1.5 = 0.811, 3 ln1.5 = 1.216 >= 1 signal -> 0, ln1.5, 2 ln1.5
    np.testing.assert_allclose(-chart.lower, [0, ln15, 0, ln15, 2 * ln15, 3 * ln15, ln15, 2 * ln15], atol=1e-15)
    assert np.flatnonzero(chart.signal_lower).tolist() == [5]


def _walk_arl(p_up, states):
    """ARL from 0 of a +-1 walk (up with p_up) held at 0 and absorbed at `states`, by hand.

    L(i) - L(i+1) = D(i) with D(0) = 1/p and D(i) = (1 + q D(i-1))/p, so
    L(0) = (1/p) sum_{i<H} sum_{j<=i} (q/p)^j.
    """
    q = 1 - p_up
    return sum(sum((q / p_up) ** j for j in range(i + 1)) for i in range(states)) / p_up


@pytest.mark.parametrize("p", [0.4, 0.5, 0.6, 0.9])
@pytest.mark.parametrize("states", [1, 2, 4, 7])
def test_arl_closed_form_walk(p, states):
    # p0 = 0.4, odds ratio 2.25 -> p1 = 0.6 and gamma = ln(0.6/0.4)/ln(2.25) = 1/2: each failure adds
    # +1/2, each pass -1/2 (in units of ln 2.25); limit = states * ln(2.25)/2 signals after `states` net steps.
    limit = states * math.log(2.25) / 2
    res = cusum_arl(p, p0=0.4, odds_ratio=2.25, limit=limit)
    assert res.arl == pytest.approx(_walk_arl(p, states), rel=1e-12)
    # the lower chart of p0 = 0.6 is the same walk on passes (p_lower = 0.4, gamma' = 1/2)
    low = cusum_arl(1 - p, p0=0.6, odds_ratio=2.25, limit=limit, side="lower")
    assert low.arl == pytest.approx(_walk_arl(p, states), rel=1e-12)


def test_arl_by_hand_numbers():
    # 4 states, in control p = 0.4: rho = 1.5; (1/0.4)(1 + 2.5 + 4.75 + 8.125) = 40.9375
    # p = 0.5: H (H + 1) / (2 p) = 20
    assert cusum_arl(0.4, p0=0.4, odds_ratio=2.25, limit=2 * math.log(2.25)).arl == pytest.approx(40.9375, rel=1e-12)
    assert cusum_arl(0.5, p0=0.4, odds_ratio=2.25, limit=2 * math.log(2.25)).arl == pytest.approx(20.0, rel=1e-12)


def _r_reference():
    rows = []
    for line in (Path(__file__).parent / "reference" / "cusum_arl.txt").read_text().splitlines():
        rows.append({k: v for k, v in (kv.split("=") for kv in line.split())})
    return rows


@pytest.mark.parametrize("row", _r_reference(), ids=lambda r: f"{r['side']}-p0={r['p0']}-p={r['p']}")
def test_arl_matches_r_surveillance(row):
    res = cusum_arl(float(row["p"]), p0=float(row["p0"]), odds_ratio=float(row["odds_ratio"]),
                    limit=float(row["limit"]), side=row["side"])
    assert res.arl == pytest.approx(float(row["arl"]), rel=1e-10)
    assert res.arl_low <= res.arl <= res.arl_high


def _exact_recursion_arl(p, p_alt, p0, limit):
    """ARL = sum_k P(no signal in k cases), propagating the chart's value distribution case by case.

    Values are the chart's own sums of log-likelihood ratios (merged when equal to 1e-9),
    so there is no lattice approximation; stops when the surviving mass is below 1e-12.
    """
    a, b = math.log(p_alt / p0), math.log((1 - p_alt) / (1 - p0))
    dist, arl = {0.0: 1.0}, 0.0
    while (alive := sum(dist.values())) > 1e-12:
        arl += alive
        new = {}
        for s, mass in dist.items():
            for step, prob in ((a, p), (b, 1 - p)):
                t = round(max(0.0, s + step), 9)
                if t < limit:
                    new[t] = new.get(t, 0.0) + mass * prob
        dist = new
    return arl


@pytest.mark.parametrize(("p", "side"), [(0.2, "lower"), (0.55, "upper")])
def test_arl_matches_exact_recursion_on_unrounded_chart(p, side):
    p0, odds_ratio, limit = 0.3, 2.0, 2.0
    odds = (odds_ratio if side == "upper" else 1 / odds_ratio) * p0 / (1 - p0)
    expected = _exact_recursion_arl(p, odds / (1 + odds), p0, limit)
    res = cusum_arl(p, p0=p0, odds_ratio=odds_ratio, limit=limit, side=side)
    assert res.arl_low - 1e-9 <= expected <= res.arl_high + 1e-9
    assert res.arl == pytest.approx(expected, rel=1e-9)


def test_limit_for_arl_by_hand():
    # the walk above: 3 states give ARL 2.5 (1 + 2.5 + 4.75) = 20.625 < 40, 4 states 40.9375 >= 40
    res = cusum_limit_for_arl(40, p0=0.4, odds_ratio=2.25)
    assert res.limit == pytest.approx(4 * math.log(2.25) / 2, rel=1e-14)
    assert res.arl == pytest.approx(40.9375, rel=1e-12)
    assert res.arl_target == 40


@pytest.mark.parametrize(("target", "p0", "side"), [(500, 0.3, "upper"), (1000, 0.05, "upper"), (300, 0.4, "lower")])
def test_limit_for_arl_is_smallest_on_lattice(target, p0, side):
    res = cusum_limit_for_arl(target, p0=p0, side=side)
    assert res.arl >= target
    assert cusum_arl(p0, p0=p0, limit=res.limit, side=side).arl == pytest.approx(res.arl, rel=1e-12)
    # one lattice step (log(odds_ratio) / denominator of the reference value) lower falls short
    odds = (2.0 if side == "upper" else 0.5) * p0 / (1 - p0)
    gamma = abs(math.log((1 - p0) / (1 - odds / (1 + odds)))) / math.log(2.0)
    step = math.log(2.0) / Fraction(gamma).limit_denominator(1000).denominator
    assert cusum_arl(p0, p0=p0, limit=res.limit - step, side=side).arl < target


def test_validation():
    with pytest.raises(ValueError, match="0 \\(pass\\) and 1"):
        bernoulli_cusum([0, 2, 1], p0=0.3)
    with pytest.raises(ValueError, match="p0"):
        bernoulli_cusum([0, 0, 0])  # estimated p0 = 0
    with pytest.raises(ValueError, match="baseline"):
        bernoulli_cusum([0, 1, 1], baseline=5)
    with pytest.raises(ValueError, match="odds_ratio"):
        bernoulli_cusum([0, 1], p0=0.3, odds_ratio=0.5)
    with pytest.raises(ValueError, match="limit"):
        bernoulli_cusum([0, 1], p0=0.3, limit=0)
    with pytest.raises(ValueError, match="unknown side 'both'"):
        cusum_arl(0.3, p0=0.3, side="both")
    with pytest.raises(ValueError, match="max_denominator"):
        cusum_arl(0.3, p0=0.3, max_denominator=0)
    with pytest.raises(ValueError, match="arl"):
        cusum_limit_for_arl(0.5, p0=0.3)
    with pytest.raises(ValueError, match="p must lie"):
        cusum_arl(1.0, p0=0.3)


@settings(max_examples=25, deadline=None)
@given(p0=st.floats(0.02, 0.9), limit=st.floats(0.5, 4.0), odds_ratio=st.floats(1.2, 5.0),
       side=st.sampled_from(["upper", "lower"]))
def test_arl_falls_as_the_rate_moves_away(p0, limit, odds_ratio, side):
    # a worse (upper) or better (lower) rate than p0 is detected sooner than p0 itself
    moved = min(0.99, p0 * 1.5) if side == "upper" else p0 / 1.5
    base = cusum_arl(p0, p0=p0, odds_ratio=odds_ratio, limit=limit, side=side, max_denominator=200)
    shifted = cusum_arl(moved, p0=p0, odds_ratio=odds_ratio, limit=limit, side=side, max_denominator=200)
    assert 1 <= shifted.arl <= base.arl
    assert base.arl_low <= base.arl <= base.arl_high
