"""Tests for analysis.runchart, analysis.sequential_verdict and analysis.rate_belief.

References: hand calculations written out beside each value (Anhøj's limits from their formulas,
z statistics of the pooled two-proportion test, the Beta integral by its binomial-sum identity), and
R's group-sequential boundaries in tests/stats/reference/sequential.txt (output of sequential.R).
"""

import math

import pytest

from inspection_analysis.analysis.rate_belief import rate_below_target
from inspection_analysis.analysis.runchart import run_chart
from inspection_analysis.analysis.sequential_verdict import sequential_verdict
from inspection_analysis.project.state import load_project

# tests/stats/reference/sequential.txt: "boundaries asOF alpha=0.05 t=0.25,0.5,0.75,1"
R_OF_05 = [3.7495518372, 2.5399425700, 2.0160698518, 1.7201770768]


def test_run_chart_of_the_met_series_cannot_signal():
    project = load_project()
    res = run_chart(project.counts, "mps", rounds=project.rounds)
    # hand: rates 278/374 = 0.7433, 125/135 = 0.9259, 191/214 = 0.8925, 210/303 = 0.6931;
    # median (0.7433 + 0.8925) / 2 = 0.8179; sides below, above, above, below: runs 1, 2, 1; 2 crossings
    assert res.median == pytest.approx((278 / 374 + 191 / 214) / 2, abs=1e-12)
    assert res.table["side"].tolist() == ["below", "above", "above", "below"]
    r = res.runs
    # Anhøj: longest run max round(log2(4)) + 3 = 5; crossings min qbinom(0.05, 3, 0.5) = 0 (P(X = 0) = 0.125)
    assert (r.n_useful, r.longest_run, r.longest_run_max, r.crossings, r.crossings_min) == (4, 2, 5, 2, 0)
    assert not r.signal and not res.can_signal
    assert "no series of 4 points could signal" in res.sentence
    assert res.warnings[0].startswith("only 4 useful points")


def test_run_chart_signals_a_long_run(series):
    # 12 rounds: eight near 0.30, then four near 0.50
    rates = [30, 31, 29, 30, 32, 28, 30, 29, 50, 52, 49, 51]
    counts, reg = series(rates, [100] * 12)
    res = run_chart(counts, "x", rounds=reg)
    # hand: the 6th and 7th of 28,29,29,30,30,30,31,32,49,50,51,52 are 0.30 and 0.31: median 0.305; sides - + - - + - - - + + + +: useful 12, runs 1,1,2,1,3,4 -> longest 4,
    # crossings 5; limits: round(log2(12)) + 3 = 7 and qbinom(0.05, 11, 0.5) = 3 (P(X <= 2) = 0.0327)
    assert res.median == pytest.approx(0.305)
    assert (res.runs.longest_run, res.runs.crossings) == (4, 5)
    assert (res.runs.longest_run_max, res.runs.crossings_min) == (7, 3)
    assert not res.runs.signal and res.can_signal
    # frozen on the first 8 rounds the median is 0.30 (hand: 28,29,29,30,30,30,31,32 -> 0.30)
    frozen = run_chart(counts, "x", rounds=reg, freeze=8)
    assert frozen.median == pytest.approx(0.30)
    shifted, reg2 = series([30, 31, 29, 30, 32, 28, 30, 29, 50, 52, 49, 51, 50, 53, 52, 48], [100] * 16)
    long = run_chart(shifted, "x", rounds=reg2, freeze=8)
    # hand: 16 rounds, three on the median 0.30, 13 useful (+ - + - - then eight +): a run of 8 above,
    # more than round(log2(13)) + 3 = round(3.70) + 3 = 7
    assert long.runs.n_useful == 13 and long.runs.longest_run == 8 and long.runs.longest_run_max == 7
    assert long.runs.signal and "signals non-random variation" in long.sentence
    with pytest.raises(ValueError, match="freeze"):
        run_chart(counts, "x", rounds=reg, freeze=13)


def _z(x0, n0, x, m):
    """Pooled two-proportion z for a fall, written out."""
    p = (x0 + x) / (n0 + m)
    return (x0 / n0 - x / m) / math.sqrt(p * (1 - p) * (1 / n0 + 1 / m))


def test_sequential_verdict_against_r_boundaries_and_hand_z(series):
    # baseline 240 of 300; follow-ups of 60, 90, 150 and 300 files. Information fractions, by hand,
    # t_k = (1/300 + 1/600) / (1/300 + 1/m_k) for cumulative m_k = 60, 150, 300, 600:
    # 0.005 / 0.02 = 0.25, 0.005 / 0.01 = 0.5, 0.005 / (0.02 / 3) = 0.75, 1
    counts, reg = series([240, 36, 63, 120, 240], [300, 60, 90, 150, 300])
    res = sequential_verdict(counts, "x", rounds=reg, alpha=0.05)
    assert res.table["information"].tolist() == pytest.approx([0.25, 0.5, 0.75, 1.0], abs=1e-12)
    assert res.table["critical"].tolist() == pytest.approx(R_OF_05, abs=1e-6)
    # hand: look 1, 36 of 60 against 240 of 300: pooled 276/360, z = 0.2 / sqrt(0.7667 x 0.2333 x 0.02) = 3.344
    assert res.table["z"].iloc[0] == pytest.approx(_z(240, 300, 36, 60), abs=1e-12)
    assert res.table["z"].iloc[0] == pytest.approx(3.3437, abs=1e-4)
    # look 2: 99 of 150, z = 0.14 / sqrt(0.7533 x 0.2467 x 0.01) = 3.248 >= 2.540: crossed at look 2
    assert res.table["z"].iloc[1] == pytest.approx(3.2477, abs=1e-4)
    assert (res.crossing.crossed, res.crossing.look) == (True, 2)
    assert "crossed at look 2 (the round 2)" in res.sentence
    assert "O'Brien-Fleming" in res.plan and "0.05" in res.plan


def test_sequential_verdict_on_the_met_series_is_not_crossed_like_the_pairwise_tests():
    project = load_project()
    res = sequential_verdict(project.counts, "mps", rounds=project.rounds)
    # hand: cumulative follow-up 125/135, 316/349, 526/652 against 278/374; each z for a fall is negative
    assert res.table["n_cumulative"].tolist() == [135, 349, 652]
    assert res.table["z"].iloc[-1] == pytest.approx(_z(278, 374, 526, 652), abs=1e-12)
    assert (res.table["z"] < 0).all() and not res.crossing.crossed
    assert res.sentence.startswith("The boundary for improvement has not been crossed at any of 3 looks")
    assert "the latest look is taken as the last" in res.plan
    planned = sequential_verdict(project.counts, "mps", rounds=project.rounds, planned_files=2400,
                                 spending="pocock")
    # hand: t_1 = (1/374 + 1/2400) / (1/374 + 1/135) = 0.0030904 / 0.0100813 = 0.30655
    assert planned.table["information"].iloc[0] == pytest.approx((1 / 374 + 1 / 2400) / (1 / 374 + 1 / 135))
    assert "Pocock" in planned.plan and "652 of them audited so far" in planned.plan
    with pytest.raises(ValueError, match="planned_files"):
        sequential_verdict(project.counts, "mps", rounds=project.rounds, planned_files=600)
    with pytest.raises(ValueError, match="baseline"):
        sequential_verdict(project.counts, "mps", rounds=project.rounds, baseline="mps-2017-q2")


def _beta_cdf_integer(x, a, b):
    """I_x(a, b) for whole a, b: P(Binomial(a + b - 1, x) >= a), the identity of the incomplete beta."""
    n = a + b - 1
    return sum(math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1))


def _betabinom_quantile(q, m, a, b):
    """The smallest k with P(K <= k) >= q, K beta-binomial, from C(m, k) B(k + a, m - k + b) / B(a, b)."""
    def log_beta(u, v):
        return math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)
    total = 0.0
    for k in range(m + 1):
        total += math.comb(m, k) * math.exp(log_beta(k + a, m - k + b) - log_beta(a, b))
        if total >= q - 1e-12:
            return k
    return m


def test_rate_below_target_by_exact_beta_integrals(series):
    counts, reg = series([30, 18], [60, 60])
    res = rate_below_target(counts, "x", rounds=reg, target=0.45, since="r00", prior=(1, 1), n_next=60)
    # hand: posterior Beta(1 + 18, 1 + 42) = Beta(19, 43); P(rate < 0.45) = P(Binomial(61, 0.45) >= 19)
    row = res.table.iloc[0]
    assert (row["a"], row["b"]) == (19, 43)
    assert row["prob_below"] == pytest.approx(_beta_cdf_integer(0.45, 19, 43), abs=1e-12)
    assert row["predictive_low"] == _betabinom_quantile(0.025, 60, 19, 43)
    assert row["predictive_high"] == _betabinom_quantile(0.975, 60, 19, 43)
    assert "below a target of 45%" in res.sentence
    both = rate_below_target(counts, "x", rounds=reg, target=0.45, prior=(1, 1), discount=0.5,
                             target_label="the goal")
    # hand: after round 1 with discount 0.5: a = 1 + 0.5 x 30 + 18 = 34, b = 1 + 0.5 x 30 + 42 = 58
    assert both.table[["a", "b"]].iloc[1].tolist() == [34, 58]
    assert both.table["prob_below"].iloc[1] == pytest.approx(_beta_cdf_integer(0.45, 34, 58), abs=1e-12)
    assert "the goal (45%)" in both.sentence and "weight of 0.5" in both.sentence
    with pytest.raises(ValueError, match="since"):
        rate_below_target(counts, "x", rounds=reg, target=0.45, since="r09")
    with pytest.raises(ValueError, match="no round"):
        rate_below_target(counts, "x", rounds=reg, target=0.45, since="r01")
