"""Tests for verdict.has_improved and verdict.audit_sensitivity.

The critical count for the unpublished 170-file audit is cross-checked with a
plainly-written brute-force Boschloo test below (enumerate every table, use
Fisher's one-sided p-value as the statistic, take the supremum over the
nuisance rate on a fine grid), and bracketed by the Fisher critical count from
hypergeometric tail arithmetic (Boschloo is uniformly more powerful than Fisher).
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, hypergeom

from inspection_analysis.verdict import Verdict, audit_sensitivity, has_improved

N = {"mps-2016": 374, "mps-2017-q2": 170, "mps-2017-q3": 135, "mps-2017-q4": 214, "mps-2018": 303}
F = {"mps-2016": 278, "mps-2017-q2": pd.NA, "mps-2017-q3": 125, "mps-2017-q4": 191, "mps-2018": 210}


@pytest.fixture
def counts():
    return pd.DataFrame({"round_id": list(N), "n": pd.array(list(N.values()), dtype="Int64"),
                         "failures": pd.array(list(F.values()), dtype="Int64"),
                         "failing": "requires improvement|inadequate"})


@pytest.fixture
def rounds():
    return pd.DataFrame({
        "round_id": list(N), "force": "mps", "force_name": "Metropolitan Police Service",
        "label": ["2016 inspection", "2017 Q2 update", "2017 Q3 update", "2017 Q4 update",
                  "2018 post-inspection review"],
        "reference_date": pd.to_datetime(["2016-05-31", "2017-06-30", "2017-09-30", "2017-12-31", "2018-10-19"]),
        "assessor": ["inspectorate", "force_audit", "inspectorate", "inspectorate", "inspectorate"],
        "scale": "3-point",
        "notes": ["", "", "", "", "Attribution unverified."],
    })


def test_has_improved_defaults_first_vs_latest_with_counts(counts, rounds):
    v = has_improved(counts, rounds=rounds)
    assert isinstance(v, Verdict)
    # 2016 (278/374) vs 2018 (210/303): hand z = -1.449 (see tests/test_compare.py) -> not significant
    assert v.answer == "no"
    assert v.comparison["baseline"] == "mps-2016" and v.comparison["follow_up"] == "mps-2018"
    assert v.question == ("Has any significant improvement occurred in Metropolitan Police Service between "
                          "the 2016 inspection and the 2018 post-inspection review?")
    assert "only an improvement of at least 9 percentage points" in v.sentence
    assert any("not evidence that nothing improved" in c for c in v.caveats)
    assert any("Attribution unverified" in c for c in v.caveats)
    text = str(v)
    assert text.startswith(v.sentence) and "Caveats:" in text
    assert repr(v) == text
    assert v.to_frame().shape[0] == 1


def test_has_improved_worse_and_yes(counts, rounds):
    # 2016 vs 2017 Q4: z = +4.33 by hand -> significantly worse; Q3 vs 2018: z = -5.31 -> significantly better
    assert has_improved(counts, follow_up="mps-2017-q4", rounds=rounds).answer == "no — worse"
    assert has_improved(counts, baseline="mps-2017-q3", rounds=rounds).answer == "yes"


def test_has_improved_refuses_round_without_counts(counts, rounds):
    with pytest.raises(ValueError, match="mps-2017-q2"):
        has_improved(counts, follow_up="mps-2017-q2", rounds=rounds)


def test_has_improved_needs_two_rounds(counts, rounds):
    with pytest.raises(ValueError, match="fewer than two"):
        has_improved(counts, force="nobody", rounds=rounds)


def test_has_improved_shipped_data():
    pytest.importorskip("inspection_analysis.io")
    v = has_improved()
    assert v.answer == "no"
    assert v.comparison["n_baseline"] == 374 and v.comparison["failures_baseline"] == 278  # published 2016
    assert v.comparison["n_follow_up"] == 303 and v.comparison["failures_follow_up"] == 210  # published 2018
    assert "percentage points; a smaller real improvement may have gone undetected" in str(v)


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
    res = audit_sensitivity(counts, "mps-2016", round_id="mps-2017-q2")
    assert res.n == 170
    assert any("different assessors" in c and "audit team" in c for c in res.caveats)
    assert "different assessors" in str(res)
