"""Tests for sensitivity.audit_sensitivity and sensitivity.detectable_improvements.

The critical count for the unpublished 170-file audit is cross-checked with a
plainly-written brute-force Boschloo test below (enumerate every table, use
Fisher's one-sided p-value as the statistic, take the supremum over the
nuisance rate on a fine grid), and bracketed by the Fisher critical count from
hypergeometric tail arithmetic (Boschloo is uniformly more powerful than Fisher).
The minimum detectable improvement is checked against a hand-written solution
of the Fleiss-Levin-Paik power equation.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, hypergeom

from inspection_analysis.analysis.planning import audit_sensitivity, detectable_improvements
from inspection_analysis.io import load_rounds


@pytest.fixture
def counts():
    # Published: 278 of 374 failing in the 2016 inspection; 170 files audited in 2017 Q2, no counts published.
    return pd.DataFrame({"round_id": ["mps-2016", "mps-2017-q2"], "n": pd.array([374, 170], dtype="Int64"),
                         "failures": pd.array([278, pd.NA], dtype="Int64"),
                         "failing": "requires improvement|inadequate"})


def _boschloo_less_pvalue(x1, n1, x2, n2, fisher):
    """Brute force: sup over a grid of pi of P(Fisher p <= observed Fisher p) for H1: p1 < p2."""
    observed = fisher[x1, x2]
    mask = (fisher <= observed * (1 + 1e-9)).astype(float)
    a, b = np.arange(n1 + 1), np.arange(n2 + 1)

    def size(pi):
        return binom.pmf(a, n1, pi) @ mask @ binom.pmf(b, n2, pi)

    grid = np.linspace(0, 1, 1001)
    values = np.array([size(p) for p in grid])
    best = grid[values.argmax()]
    fine = np.linspace(max(0, best - 0.002), min(1, best + 0.002), 401)
    return max(values.max(), max(size(p) for p in fine))


def test_critical_count_for_170_against_2016_brute_force(counts):
    rounds = pd.DataFrame({"round_id": ["mps-2016", "mps-2017-q2"], "label": ["2016 inspection", "2017 Q2 update"]})
    res = audit_sensitivity(counts, "mps-2016", round_id="mps-2017-q2", rounds=rounds)
    assert res.n == 170 and res.baseline_rate == pytest.approx(278 / 374)
    n1, n2, x2 = 170, 374, 278
    a = np.arange(n1 + 1)[:, None]
    b = np.arange(n2 + 1)[None, :]
    fisher = hypergeom.cdf(a, n1 + n2, a + b, n1)  # one-sided Fisher p, P(X1 <= a | margins)
    crit = res.critical_count
    assert _boschloo_less_pvalue(crit, n1, x2, n2, fisher) <= 0.05
    assert _boschloo_less_pvalue(crit + 1, n1, x2, n2, fisher) > 0.05
    # Fisher's critical count, hypergeometric tail arithmetic (as R: max x with phyper(x, 170+..., ...) <= 0.05)
    fisher_crit = max(x for x in range(n1 + 1) if fisher[x, x2] <= 0.05)
    assert fisher_crit <= crit
    # Normal approximation by hand: significant when p1 < 0.7433 - 1.645 * se, se ~ 0.040 -> about 0.678,
    # i.e. about 115 of 170; the exact answer must be close.
    assert 110 <= crit <= 118
    assert f"only if at most {crit} of the 170 files" in res.sentence
    assert "What the audit found is not known" in res.sentence
    # power: normal approximation d = (1.645 + 0.842) * ~0.041 = ~0.10 for 170 vs 374 at 74%
    assert 0.08 < res.min_detectable_improvement < 0.12


def test_audit_sensitivity_validation(counts):
    rounds = pd.DataFrame({"round_id": ["mps-2016"]})
    with pytest.raises(ValueError, match="n_follow_up"):
        audit_sensitivity(counts, "mps-2016", rounds=rounds)
    with pytest.raises(ValueError, match="whole number"):
        audit_sensitivity(counts, "mps-2016", 0, rounds=rounds)
    with pytest.raises(ValueError, match="mps-2017-q2"):
        audit_sensitivity(counts, "mps-2017-q2", 100, rounds=rounds)


def test_audit_sensitivity_warns_that_the_170_files_were_graded_by_the_force():
    # Registry (data/rounds.csv): mps-2016 graded by the inspectorate, mps-2017-q2 by the force's
    # internal audit team (HMICFRS, 10 Aug 2017: "An internal audit team examined a further 170 case files").
    import inspection_analysis as ia

    counts = ia.to_counts(ia.load_published())
    res = audit_sensitivity(counts, "mps-2016", round_id="mps-2017-q2", rounds=load_rounds())
    assert res.n == 170
    assert any("different assessors" in c and "audit team" in c for c in res.caveats)
    assert "different assessors" in str(res)


def _fleiss_min_detectable_fall(p2, n1, n2, power=0.8, alpha=0.05):
    """Hand-written solution of the Fleiss-Levin-Paik (2003, section 4.2) power equation for a fall.

    Power of the one-sided test of p1 < p2: Phi((d - z_a * s0) / s1) with d = p2 - p1,
    s0 = sqrt(pbar (1 - pbar) (1/n1 + 1/n2)), pbar = (n1 p1 + n2 p2) / (n1 + n2) and
    s1 = sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2). Solved for d by bisection: the power rises as p1 falls.
    """
    from statistics import NormalDist

    phi, z_a = NormalDist().cdf, NormalDist().inv_cdf(1 - alpha)

    def power_at(p1):
        pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
        s0 = (pbar * (1 - pbar) * (1 / n1 + 1 / n2)) ** 0.5
        s1 = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5
        return phi((p2 - p1 - z_a * s0) / s1)

    lo, hi = 0.0, p2  # power_at(lo) > power > power_at(hi)
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if power_at(mid) > power else (lo, mid)
    return p2 - (lo + hi) / 2


def test_detectable_improvements_against_hand_solved_power_equation_and_brute_force(counts):
    table = detectable_improvements(counts, "mps-2016", [170, 50, 1000, 170], critical=True)
    assert table["n"].tolist() == [50, 170, 1000]  # sorted, the repeated 170 once
    assert (table["baseline"] == "mps-2016").all()
    assert table[["n_baseline", "failures_baseline"]].drop_duplicates().values.tolist() == [[374, 278]]
    assert table["baseline_rate"].iloc[0] == pytest.approx(278 / 374)  # published 2016: 278 of 374
    for n, mdi in zip(table["n"], table["min_detectable_improvement"], strict=True):
        assert mdi == pytest.approx(_fleiss_min_detectable_fall(278 / 374, n, 374), abs=1e-4)
    # Critical count for 50 new files, brute-force Boschloo as in the 170-file test above.
    n1, n2, x2 = 50, 374, 278
    a, b = np.arange(n1 + 1)[:, None], np.arange(n2 + 1)[None, :]
    fisher = hypergeom.cdf(a, n1 + n2, a + b, n1)  # one-sided Fisher p, P(X1 <= a | margins)
    crit = int(table.loc[table["n"] == 50, "critical_count"].iloc[0])
    assert _boschloo_less_pvalue(crit, n1, x2, n2, fisher) <= 0.05
    assert _boschloo_less_pvalue(crit + 1, n1, x2, n2, fisher) > 0.05
    # The 170-file critical count is the one audit_sensitivity reports, checked by brute force above.
    assert table.loc[table["n"] == 170, "critical_count"].iloc[0] == audit_sensitivity(
        counts, "mps-2016", 170, rounds=pd.DataFrame({"round_id": ["mps-2016"]})).critical_count
    # Larger audits detect smaller falls (power rises with n).
    assert table["min_detectable_improvement"].is_monotonic_decreasing


def test_detectable_improvements_without_critical_counts_and_settings(counts):
    table = detectable_improvements(counts, "mps-2016", 170, power=0.9, alpha=0.01)
    assert "critical_count" not in table.columns
    assert table[["power", "alpha"]].iloc[0].tolist() == [0.9, 0.01]
    assert table["min_detectable_improvement"].iloc[0] == pytest.approx(
        _fleiss_min_detectable_fall(278 / 374, 170, 374, power=0.9, alpha=0.01), abs=1e-4)


@pytest.mark.parametrize("sizes", [[0], [], [1.5], [True], [[50, 60]], ["many"]])
def test_detectable_improvements_rejects_bad_sizes(counts, sizes):
    with pytest.raises(ValueError, match="n_files"):
        detectable_improvements(counts, "mps-2016", sizes)


def test_detectable_improvements_needs_a_baseline_with_counts(counts):
    with pytest.raises(ValueError, match="mps-2017-q2"):
        detectable_improvements(counts, "mps-2017-q2", [100])
    with pytest.raises(ValueError, match="power"):
        detectable_improvements(counts, "mps-2016", [100], power=1.5)


def test_audit_sensitivity_without_a_round_is_worded_for_planning(counts):
    rounds = pd.DataFrame({"round_id": ["mps-2016"], "label": ["2016 inspection"]})
    res = audit_sensitivity(counts, "mps-2016", 170, rounds=rounds)
    # 114: the critical count checked by brute force in test_critical_count_for_170_against_2016_brute_force;
    # 114/170 = 0.671 -> 67%; 278/374 = 0.743 -> 74%.
    # 11: the hand-solved Fleiss-Levin-Paik power equation gives a fall of 0.105 -> 11 points (checked below).
    assert round(100 * _fleiss_min_detectable_fall(278 / 374, 170, 374)) == 11
    assert res.sentence == (
        "An audit of 170 case files against 278 of 374 (74%) in the 2016 inspection would show a significant "
        "improvement (one-sided Boschloo's exact test at 5%) only if at most 114 of the 170 files (67%) required "
        "improvement or were inadequate; it could reliably detect (80% power) only an improvement of at least "
        "11 percentage points.")
    assert res.round_id is None and res.caveats == ()
    assert str(res) == res.sentence


def test_audit_sensitivity_of_an_unpublished_round_says_its_result_cannot_be_tested(counts):
    rounds = pd.DataFrame({"round_id": ["mps-2016", "mps-2017-q2"], "label": ["2016 inspection", "2017 Q2 update"]})
    res = audit_sensitivity(counts, "mps-2016", round_id="mps-2017-q2", rounds=rounds)
    # The same 114 and 11 as the planning test above; the round's size (170) comes from the counts table.
    assert res.sentence == (
        "No failure counts were published for the 2017 Q2 update (170 case files), so its result cannot be "
        "tested. Against 278 of 374 (74%) in the 2016 inspection, it would have shown a significant improvement "
        "(one-sided Boschloo's exact test at 5%) only if at most 114 of the 170 files (67%) required improvement "
        "or were inadequate. It could reliably detect (80% power) only an improvement of at least 11 percentage "
        "points. What the audit found is not known from the published figures.")


def test_audit_sensitivity_of_a_round_with_its_own_counts_does_not_call_it_unpublished(counts):
    rounds = pd.DataFrame({"round_id": ["mps-2016", "mps-2017-q2"], "label": ["2016 inspection", "2017 Q2 update"]})
    known = counts.assign(failures=pd.array([278, 120], dtype="Int64"))  # e.g. counted from the force's own file
    res = audit_sensitivity(known, "mps-2016", round_id="mps-2017-q2", rounds=rounds)
    # The same 114 and 11 as above: they depend only on the sizes.
    assert res.sentence == (
        "The 2017 Q2 update (170 case files) has its own failure count, which the comparison of rounds tests; "
        "before its result was known, against 278 of 374 (74%) in the 2016 inspection, it would have shown a "
        "significant improvement (one-sided Boschloo's exact test at 5%) only if at most 114 of the 170 files "
        "(67%) required improvement or were inadequate. It could reliably detect (80% power) only an improvement "
        "of at least 11 percentage points.")


def test_planning_an_audit_too_small_for_any_significant_result(counts):
    rounds = pd.DataFrame({"round_id": ["mps-2016"], "label": ["2016 inspection"]})
    res = audit_sensitivity(counts, "mps-2016", 1, rounds=rounds)
    # Hand: the best possible result, 0 of 1 failing, has Fisher p = 96/375 = 0.256 (table (0, 278)); at the
    # nuisance rate 278/374 the tables at least as extreme (x1 = 0, x2 >= 278) already have probability about
    # 0.257 * 0.5 = 0.13 > 0.05, so Boschloo's p-value (a supremum) exceeds 5%: no result is significant.
    assert res.critical_count is None
    assert res.sentence.startswith(
        "An audit of 1 case file against 278 of 374 (74%) in the 2016 inspection could not show a significant "
        "improvement whatever it found (one-sided Boschloo's exact test at 5%: even with none failing, p = 0.21), "
        "so no minimum detectable change is given.")  # issue 13; p = 0.2113 by hand in tests/stats/test_small_samples.py
