"""Tests of change_test, homogeneity_test, equivalence_test and critical_count.

Every expected value is an independent reference named beside it: an R output,
a published worked example, or a hand calculation written out here. Checks
against scipy's own boschloo_exact/barnard_exact are labelled as equivalence
checks of the optimisation, not as references.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.equivalence import equivalence_test
from inspection_analysis.stats.homogeneity import homogeneity_test
from inspection_analysis.stats.hypotests import CHANGE_METHODS, change_test, change_tests, critical_count


def normal_sf(z: float) -> float:
    """Upper normal tail by the identity Q(z) = erfc(z / sqrt 2) / 2 (math module only)."""
    return 0.5 * math.erfc(z / math.sqrt(2))


# --------------------------------------------------------------------------------------
# Fisher: R's ?fisher.test TeaTasting example, fisher.test(matrix(c(3, 1, 1, 3), 2)).
# Hand check: X ~ Hypergeometric(8, 4, 4); P(X = 3) = 16/70, P(X = 4) = 1/70.
# --------------------------------------------------------------------------------------


def test_fisher_tea_tasting_matches_r():
    # R: fisher.test(TeaTasting) p-value = 0.4857 (= 34/70 by hand)
    assert change_test(3, 4, 1, 4, method="fisher").pvalue == pytest.approx(34 / 70, rel=1e-12)
    # R: fisher.test(TeaTasting, alternative = "greater") p-value = 0.2429 (= 17/70)
    res = change_test(3, 4, 1, 4, method="fisher", alternative="greater")
    assert res.pvalue == pytest.approx(17 / 70, rel=1e-12)
    # sample odds ratio 3*3 / (1*1) = 9 (scipy's statistic; R reports the conditional MLE)
    assert res.statistic == pytest.approx(9.0)
    # "less" (H1: p1 < p2): P(X <= 3) = 1 - 1/70
    assert change_test(3, 4, 1, 4, method="fisher", alternative="less").pvalue == pytest.approx(69 / 70)


# --------------------------------------------------------------------------------------
# Barnard / Boschloo: Mehta & Senchaudhuri (2003), "Conditional versus unconditional
# exact tests for comparing two binomials", Table 1: vaccine 7/15 infected, placebo
# 12/15. One-sided exact p-values: Fisher 0.0641, Barnard 0.0341.
# --------------------------------------------------------------------------------------


def test_vaccine_example_mehta_senchaudhuri():
    fisher = change_test(7, 15, 12, 15, method="fisher", alternative="less")
    assert fisher.pvalue == pytest.approx(0.0641, abs=5e-5)  # Mehta & Senchaudhuri (2003)
    barnard = change_test(7, 15, 12, 15, method="barnard", alternative="less")
    assert barnard.pvalue == pytest.approx(0.0341, abs=5e-5)  # Mehta & Senchaudhuri (2003)
    # Wald statistic by hand: p1 = 7/15, p2 = 12/15, pooled 19/30;
    # se = sqrt(19/30 * 11/30 * 2/15) = 0.175959; z = (-5/15) / 0.175959 = -1.894400
    assert barnard.statistic == pytest.approx(-(5 / 15) / math.sqrt(19 / 30 * 11 / 30 * 2 / 15), rel=1e-12)
    # Boschloo is at least as powerful as Fisher (Boschloo 1970): p <= Fisher's p
    assert change_test(7, 15, 12, 15, alternative="less").pvalue <= fisher.pvalue


def test_boschloo_hand_calculations():
    # n1 = n2 = 1, x1 = 0, x2 = 1, H1: p1 < p2. Fisher p of (0, 1) is P(A <= 0 | s = 1) = 1/2;
    # the other tables have Fisher p 1, so the region is {(0, 1)} and
    # P(pi) = (1 - pi) pi, maximal at pi = 1/2: p = 1/4. Statistic = 1/2.
    res = change_test(0, 1, 1, 1, alternative="less")
    assert res.statistic == pytest.approx(0.5)
    assert res.pvalue == pytest.approx(0.25, rel=1e-9)
    # n1 = n2 = 2, x1 = 0, x2 = 2: Fisher p of (0, 2) = C(2,0)C(2,2)/C(4,2) = 1/6; (0, 1) and
    # (1, 2) have Fisher p 1/2, so the region is {(0, 2)}: P(pi) = (1 - pi)^2 pi^2, max 1/16.
    res = change_test(0, 2, 2, 2, alternative="less")
    assert res.statistic == pytest.approx(1 / 6)
    assert res.pvalue == pytest.approx(1 / 16, rel=1e-9)
    # two-sided = twice the smaller one-sided p (scipy's convention): 2 / 16
    assert change_test(0, 2, 2, 2).pvalue == pytest.approx(1 / 8, rel=1e-9)
    # Barnard pooled, same table: z(0, 2) = -2 / sqrt(1/2 * 1/2 * 1) = -2 is the minimum, so
    # the region is again {(0, 2)} and p = 1/16.
    assert change_test(0, 2, 2, 2, method="barnard", alternative="less").pvalue == pytest.approx(1 / 16, rel=1e-9)
    # Unpooled Wald, 0/3 vs 3/3: both sample variances are 0, z = -inf, reached only by the
    # table (0, 3) itself: P(pi) = (1 - pi)^3 pi^3, max (1/2)^6 = 1/64.
    res = change_test(0, 3, 3, 3, method="barnard_unpooled", alternative="less")
    assert res.statistic == -np.inf
    assert res.pvalue == pytest.approx(1 / 64, rel=1e-9)


# --------------------------------------------------------------------------------------
# Independent brute force, written plainly: exact rational Fisher p-values, every table
# enumerated, the supremum over a fine grid of pi.
# --------------------------------------------------------------------------------------


def fisher_less_exact(a: int, b: int, n1: int, n2: int) -> Fraction:
    """P(A <= a | A + B = a + b) as an exact fraction."""
    s = a + b
    denom = math.comb(n1 + n2, s)
    return Fraction(sum(math.comb(n1, k) * math.comb(n2, s - k) for k in range(0, a + 1) if s - k <= n2), denom)


def brute_sup(region: list[tuple[int, int]], n1: int, n2: int) -> float:
    pis = np.linspace(0.0, 1.0, 40001)
    total = np.zeros_like(pis)
    for a, b in region:
        total += math.comb(n1, a) * math.comb(n2, b) * pis ** (a + b) * (1 - pis) ** (n1 + n2 - a - b)
    return float(total.max())


def brute_boschloo_less(x1: int, n1: int, x2: int, n2: int) -> float:
    observed = fisher_less_exact(x1, x2, n1, n2)
    region = [
        (a, b) for a in range(n1 + 1) for b in range(n2 + 1) if fisher_less_exact(a, b, n1, n2) <= observed
    ]
    return brute_sup(region, n1, n2)


def brute_barnard(x1: int, n1: int, x2: int, n2: int, alternative: str) -> float:
    def z(a, b):
        p = Fraction(a + b, n1 + n2)
        var = p * (1 - p) * Fraction(n1 + n2, n1 * n2)
        diff = Fraction(a, n1) - Fraction(b, n2)
        return 0.0 if diff == 0 else float(diff) / math.sqrt(var)

    t = z(x1, x2)
    keep = {
        "less": lambda v: v <= t,
        "greater": lambda v: v >= t,
        "two-sided": lambda v: abs(v) >= abs(t),
    }[alternative]
    region = [(a, b) for a in range(n1 + 1) for b in range(n2 + 1) if keep(z(a, b))]
    return brute_sup(region, n1, n2)


TABLES = [(2, 9, 7, 10), (5, 12, 5, 8), (0, 6, 3, 11), (8, 8, 3, 9), (4, 10, 6, 10), (1, 7, 7, 7)]


@pytest.mark.parametrize("x1,n1,x2,n2", TABLES)
def test_boschloo_matches_brute_force(x1, n1, x2, n2):
    less = brute_boschloo_less(x1, n1, x2, n2)
    greater = brute_boschloo_less(x2, n2, x1, n1)  # swap the groups: H1 p2 < p1
    expected = {"less": less, "greater": greater, "two-sided": min(1.0, 2 * min(less, greater))}
    for alternative, ref in expected.items():
        got = change_test(x1, n1, x2, n2, alternative=alternative).pvalue
        # the grid supremum is at most the true one and within ~1e-7 of it
        assert ref * (1 - 1e-12) <= got <= ref * (1 + 1e-6) + 1e-15, alternative


def test_change_tests_share_work_and_match_brute_force():
    # Arrays of tables, all three alternatives at once, against the brute-force Boschloo supremum (as above).
    x1, n1, x2, n2 = (np.array(v) for v in zip(*TABLES, strict=True))
    res = change_tests(x1, n1, x2, n2, alternatives=("less", "two-sided", "greater", "less"))
    assert list(res) == ["less", "two-sided", "greater"]  # repeats ignored, order kept
    for i, (a, na, b, nb) in enumerate(TABLES):
        less, greater = brute_boschloo_less(a, na, b, nb), brute_boschloo_less(b, nb, a, na)
        for alternative, ref in (("less", less), ("greater", greater), ("two-sided", min(1.0, 2 * min(less, greater)))):
            assert res[alternative].alternative == alternative and res[alternative].method == "boschloo"
            assert ref * (1 - 1e-12) <= res[alternative].pvalue[i] <= ref * (1 + 1e-6) + 1e-15, (alternative, i)


def test_change_tests_other_methods_and_errors():
    # Fisher, R's TeaTasting table (see test_fisher_tea_tasting_matches_r): two-sided 34/70, "greater" 17/70.
    res = change_tests(3, 4, 1, 4, method="fisher", alternatives=("two-sided", "greater"))
    assert res["two-sided"].pvalue == pytest.approx(34 / 70, rel=1e-12)
    assert res["greater"].pvalue == pytest.approx(17 / 70, rel=1e-12)
    with pytest.raises(ValueError, match="at least one"):
        change_tests(3, 4, 1, 4, alternatives=())
    with pytest.raises(ValueError, match="unknown alternative 'up'"):
        change_tests(3, 4, 1, 4, alternatives=("up",))


@pytest.mark.parametrize("x1,n1,x2,n2", TABLES)
@pytest.mark.parametrize("alternative", ["less", "greater", "two-sided"])
def test_barnard_matches_brute_force(x1, n1, x2, n2, alternative):
    ref = brute_barnard(x1, n1, x2, n2, alternative)
    got = change_test(x1, n1, x2, n2, method="barnard", alternative=alternative).pvalue
    assert ref * (1 - 1e-12) <= got <= ref * (1 + 1e-6) + 1e-15


# --------------------------------------------------------------------------------------
# Equivalence with scipy's implementations (checks the fast optimisation, not a reference)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("x1,n1,x2,n2", [(12, 40, 21, 35), (30, 50, 18, 45), (0, 20, 4, 25), (74, 117, 31, 63)])
@pytest.mark.parametrize("alternative", ["less", "greater", "two-sided"])
def test_boschloo_agrees_with_scipy(x1, n1, x2, n2, alternative):
    from scipy.stats import boschloo_exact

    ref = boschloo_exact([[x1, x2], [n1 - x1, n2 - x2]], alternative=alternative)
    res = change_test(x1, n1, x2, n2, alternative=alternative)
    assert res.statistic == ref.statistic
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-9)


def test_boschloo_large_table_agrees_with_scipy():
    # scipy.stats.boschloo_exact([[740, 690], [260, 310]]) with scipy 1.17 (26 s):
    # statistic 0.007588122769347586, pvalue 0.013770146695687843. Equivalence check only.
    res = change_test(740, 1000, 690, 1000)
    assert res.statistic == pytest.approx(0.007588122769347586, rel=1e-12)
    assert res.pvalue == pytest.approx(0.013770146695687843, rel=1e-9)


def test_orientation_less_means_improvement():
    # 2/20 failures now against 15/20 before: a clear fall in the failure rate.
    from scipy.stats import boschloo_exact

    for method in ("boschloo", "fisher", "barnard", "barnard_unpooled", "score", "chi2", "chi2_yates"):
        less = change_test(2, 20, 15, 20, method=method, alternative="less").pvalue
        greater = change_test(2, 20, 15, 20, method=method, alternative="greater").pvalue
        assert less < 0.001 < 0.99 < greater, method
    # the groups are scipy's columns: table [[x1, x2], [n1 - x1, n2 - x2]]
    ref = boschloo_exact([[2, 15], [18, 5]], alternative="less").pvalue
    assert change_test(2, 20, 15, 20, alternative="less").pvalue == pytest.approx(ref, rel=1e-9)


def test_identical_rounds():
    for method in ("fisher", "barnard", "barnard_unpooled", "score", "chi2", "chi2_yates"):
        assert change_test(5, 10, 5, 10, method=method).pvalue == pytest.approx(1.0), method
    # Boschloo two-sided = 2 * min(one-sided) is below 1 here. Hand calculation: the "less"
    # region is every table with P(A <= a | s) <= P(A <= 5 | s = 10) = 0.6719 (Fisher), and the
    # sup of its probability is 0.4725 (brute force above), so 2 * 0.4725 = 0.9449.
    half = brute_boschloo_less(5, 10, 5, 10)
    assert change_test(5, 10, 5, 10).pvalue == pytest.approx(2 * half, rel=1e-6)


# --------------------------------------------------------------------------------------
# Score and chi-square: table failures (10, 20) of (40, 60), the 2x2 table of R's
# chisq.test(matrix(c(10, 30, 20, 40), 2), correct = FALSE).
# By hand: E = 12, 18, 28, 42; X2 = 4/12 + 4/18 + 4/28 + 4/42 = 0.793651; the chi-square
# tail on 1 df is erfc(sqrt(X2 / 2)) = 0.3730.
# --------------------------------------------------------------------------------------

X2_HAND = 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42


def test_chi2_and_score_by_hand():
    res = change_test(10, 40, 20, 60, method="chi2")
    assert res.statistic == pytest.approx(X2_HAND, rel=1e-12)
    assert res.pvalue == pytest.approx(math.erfc(math.sqrt(X2_HAND / 2)), rel=1e-10)  # chi2_1 tail
    assert res.pvalue == pytest.approx(0.3730, abs=5e-5)  # the same, rounded by hand
    # score z: pooled 0.3, se = sqrt(0.21 * (1/40 + 1/60)) = 0.0935414, z = -0.0833333 / se
    score = change_test(10, 40, 20, 60, method="score")
    assert score.statistic == pytest.approx((0.25 - 1 / 3) / math.sqrt(0.21 * (1 / 40 + 1 / 60)), rel=1e-12)
    assert score.statistic == pytest.approx(-math.sqrt(X2_HAND), rel=1e-12)
    one_sided = change_test(10, 40, 20, 60, method="chi2", alternative="less")
    assert one_sided.pvalue == pytest.approx(normal_sf(math.sqrt(X2_HAND)), rel=1e-10)


def test_chi2_yates_by_hand():
    # Yates's correction as R's chisq.test applies it (|O - E| reduced by min(0.5, |O - E|)).
    # By hand: |ad - bc| / N = |400 - 600| / 100 = 2; minus 1/2 = 1.5;
    # X2 = 1.5^2 * 100^3 / (40 * 60 * 30 * 70) = 0.446429; p = erfc(sqrt(X2 / 2)) = 0.5040.
    res = change_test(10, 40, 20, 60, method="chi2_yates")
    assert res.statistic == pytest.approx(2.25e6 / (40 * 60 * 30 * 70), rel=1e-12)
    assert res.pvalue == pytest.approx(math.erfc(math.sqrt(2.25e6 / (40 * 60 * 30 * 70) / 2)), rel=1e-10)
    assert res.pvalue == pytest.approx(0.5040, abs=5e-5)
    # |O - E| = 0.2 < 0.5: R's correction stops at |O - E|, so X2 = 0 (p = 1)
    # (table failures (1, 1) of (5, 5): E = 1 in each failure cell).
    assert change_test(1, 5, 1, 5, method="chi2_yates").statistic == 0.0


def test_asymptotic_tests_with_no_information_and_large_n():
    # no failures anywhere: the pooled rate is 0, z undefined -> statistic 0, p = 1
    assert change_test(0, 10, 0, 12, method="score").pvalue == 1.0
    assert change_test(7, 7, 3, 3, method="chi2").pvalue == 1.0
    # very large n: 50.0% vs 50.1% of 10^8 each; z = -0.001 / sqrt(0.25 * 2e-8) by hand
    # (pooled rate 0.5005, p(1-p) = 0.24999975)
    res = change_test(50_000_000, 10**8, 50_100_000, 10**8, method="score")
    assert res.statistic == pytest.approx(-0.001 / math.sqrt(0.24999975 * 2e-8), rel=1e-9)
    assert np.isfinite(res.pvalue)


def test_vectorised_change_test():
    res = change_test([10, 3], [40, 4], [20, 1], [60, 4], method="chi2")
    assert res.statistic[0] == pytest.approx(X2_HAND)
    res = change_test([3, 0], 4, [1, 2], 4, method="fisher", alternative="greater")
    assert res.pvalue[0] == pytest.approx(17 / 70)  # TeaTasting, as above
    assert res.pvalue[1] == pytest.approx(1.0)  # x1 = 0 cannot be "greater"


def test_edge_cases_exact():
    # x = 0 and x = n in both rounds: one table only in each margin-slice; p = 1
    assert change_test(0, 5, 0, 5, method="fisher").pvalue == 1.0
    assert change_test(5, 5, 5, 5, method="barnard").pvalue == pytest.approx(1.0)
    # all failing before, none now, n = 1: see test_boschloo_hand_calculations (p = 1/4)
    assert change_test(0, 1, 1, 1, method="barnard", alternative="less").pvalue == pytest.approx(0.25)


# --------------------------------------------------------------------------------------
# homogeneity_test
# --------------------------------------------------------------------------------------


def test_homogeneity_by_hand():
    res = homogeneity_test([[10, 30], [20, 40]])  # same counts as above, transposed
    assert res.statistic == pytest.approx(X2_HAND, rel=1e-12)
    assert res.df == 1
    # 2 x 3: rows 6, 6; columns 4, 4, 4; every E = 2; X2 = (1 + 0 + 1 + 1 + 0 + 1) / 2 = 2;
    # chi-square on 2 df has tail exp(-x/2), so p = exp(-1)
    res = homogeneity_test([[1, 2, 3], [3, 2, 1]])
    assert res.statistic == pytest.approx(2.0, rel=1e-12)
    assert res.df == 2
    assert res.pvalue == pytest.approx(math.exp(-1), rel=1e-10)
    assert "df=2" in res.method


def test_homogeneity_rejects_bad_tables():
    with pytest.raises(ValueError, match="row of zeros"):
        homogeneity_test([[0, 0], [3, 4]])
    with pytest.raises(ValueError, match="column of zeros"):
        homogeneity_test([[0, 5], [0, 4]])
    with pytest.raises(ValueError, match="at least 2 rows"):
        homogeneity_test([[3, 4]])
    with pytest.raises(ValueError, match="negative"):
        homogeneity_test([[3, -4], [1, 1]])


# --------------------------------------------------------------------------------------
# equivalence_test (Farrington-Manning TOST)
# --------------------------------------------------------------------------------------


def test_equivalence_symmetric_hand_calculation():
    # 60/100 vs 40/100, margin 0.3. With p1_hat + p2_hat = 1 and n1 = n2 the restricted
    # likelihood under p1 - p2 = d is symmetric about p1 = (1 + d) / 2, so the restricted MLE is
    # (0.65, 0.35) for d = 0.3 and (0.35, 0.65) for d = -0.3; se = sqrt(2 * 0.65 * 0.35 / 100).
    se = math.sqrt(2 * 0.65 * 0.35 / 100)
    z_upper = (0.2 - 0.3) / se  # = -1.482499
    z_lower = (0.2 + 0.3) / se  # = 7.41249
    res = equivalence_test(60, 100, 40, 100, margin=0.3)
    assert res.statistic == pytest.approx(z_upper, rel=1e-9)
    assert res.pvalue == pytest.approx(max(normal_sf(-z_upper), normal_sf(z_lower)), rel=1e-9)
    assert res.pvalue == pytest.approx(0.0691, abs=1e-4)


def restricted_mle_numeric(x1, n1, x2, n2, d):
    """Maximise the log-likelihood on the line p1 - p2 = d by a fine grid then golden section."""
    lo, hi = max(0.0, d) + 1e-12, min(1.0, 1.0 + d) - 1e-12

    def loglik(p1):
        p2 = p1 - d
        return x1 * math.log(p1) + (n1 - x1) * math.log(1 - p1) + x2 * math.log(p2) + (n2 - x2) * math.log(1 - p2)

    grid = np.linspace(lo, hi, 2001)
    k = int(np.argmax([loglik(p) for p in grid]))
    a, b = grid[max(k - 1, 0)], grid[min(k + 1, 2000)]
    g = (math.sqrt(5) - 1) / 2
    for _ in range(200):
        c, e = b - g * (b - a), a + g * (b - a)
        if loglik(c) > loglik(e):
            b = e
        else:
            a = c
    return (a + b) / 2, (a + b) / 2 - d


@pytest.mark.parametrize("x1,n1,x2,n2,margin", [(30, 80, 20, 90, 0.15), (7, 15, 12, 15, 0.4), (50, 300, 60, 280, 0.05)])
def test_equivalence_matches_numeric_restricted_mle(x1, n1, x2, n2, margin):
    diff = x1 / n1 - x2 / n2
    zs = []
    for d in (-margin, margin):
        p1, p2 = restricted_mle_numeric(x1, n1, x2, n2, d)
        zs.append((diff - d) / math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))
    expected = max(normal_sf(zs[0]), normal_sf(-zs[1]))
    assert equivalence_test(x1, n1, x2, n2, margin=margin).pvalue == pytest.approx(expected, rel=1e-7)


def test_equivalence_edge_counts_are_finite():
    for args in [(0, 20, 0, 25), (20, 20, 25, 25), (0, 1, 1, 1)]:
        res = equivalence_test(*args, margin=0.2)
        assert 0.0 <= res.pvalue <= 1.0


# --------------------------------------------------------------------------------------
# critical_count
# --------------------------------------------------------------------------------------


def test_critical_count_fisher_by_exact_fractions():
    x = critical_count(278, 374, 170, method="fisher")
    # exact rational Fisher p-values: P(A <= x | s) <= 0.05 < P(A <= x + 1 | s + 1)
    assert fisher_less_exact(x, 278, 170, 374) <= Fraction(1, 20)
    assert fisher_less_exact(x + 1, 278, 170, 374) > Fraction(1, 20)


def test_critical_count_boschloo_is_the_boundary():
    import time

    start = time.perf_counter()
    x = critical_count(278, 374, 170)
    elapsed = time.perf_counter() - start
    assert elapsed < 10  # target 2 s (see benchmarks/exact.py); generous on a shared machine
    # Boschloo is at least as powerful as Fisher, so allows at least as many failures
    assert x >= critical_count(278, 374, 170, method="fisher")
    assert change_test(x, 170, 278, 374, alternative="less").pvalue <= 0.05
    assert change_test(x + 1, 170, 278, 374, alternative="less").pvalue > 0.05


def test_critical_count_small_hand_cases():
    # n1 = n2 = 2, x2 = 2: x1 = 0 gives Boschloo p = 1/16 (hand calculation above) > 0.05,
    # so no outcome of 2 new files is significant at 5% ...
    assert critical_count(2, 2, 2) is None
    # ... but it is at alpha = 0.1 (1/16 <= 0.1), and x1 = 1 is not (Fisher stat 1/2 -> p >= 1/4).
    assert critical_count(2, 2, 2, alpha=0.1) == 0


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------


def test_input_checks():
    with pytest.raises(ValueError, match=r"x1 \(5\) must not exceed n1 \(4\)"):
        change_test(5, 4, 1, 4)
    with pytest.raises(ValueError, match="negative"):
        change_test(-1, 4, 1, 4)
    with pytest.raises(ValueError, match="whole number"):
        change_test(1.5, 4, 1, 4)
    with pytest.raises(ValueError, match="n2 must be at least 1"):
        change_test(1, 4, 0, 0)
    with pytest.raises(ValueError, match="valid choices are: boschloo, fisher"):
        change_test(1, 4, 1, 4, method="barnard_pooled")
    with pytest.raises(ValueError, match="alternative 'smaller'"):
        change_test(1, 4, 1, 4, alternative="smaller")
    with pytest.raises(ValueError, match="do not match"):
        change_test([1, 2, 3], [4, 4, 4], [1, 2], [4, 4])
    with pytest.raises(ValueError, match="margin"):
        equivalence_test(3, 10, 4, 10, margin=0.0)
    with pytest.raises(ValueError, match="alpha"):
        critical_count(278, 374, 170, alpha=1.5)
    with pytest.raises(ValueError, match="valid choices are: boschloo, fisher"):
        critical_count(278, 374, 170, method="score")
    with pytest.raises(ValueError, match="n1 must be at least 1"):
        critical_count(278, 374, 0)


def test_result_is_frozen_and_named():
    res = change_test(3, 4, 1, 4, method="fisher")
    assert res.method == "fisher" and res.alternative == "two-sided"
    with pytest.raises(AttributeError):
        res.pvalue = 0.0  # type: ignore[misc]
    assert set(CHANGE_METHODS) == {"boschloo", "fisher", "barnard", "barnard_unpooled", "score", "chi2", "chi2_yates"}


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

counts = st.integers(1, 12).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=25, deadline=None)
@given(g1=counts, g2=counts, method=st.sampled_from(CHANGE_METHODS))
def test_swapping_groups_swaps_less_and_greater(g1, g2, method):
    (x1, n1), (x2, n2) = g1, g2
    less = change_test(x1, n1, x2, n2, method=method, alternative="less").pvalue
    swapped = change_test(x2, n2, x1, n1, method=method, alternative="greater").pvalue
    assert less == pytest.approx(swapped, rel=1e-9, abs=1e-14)
    assert 0.0 <= less <= 1.0


@settings(max_examples=20, deadline=None)
@given(g1=counts, g2=counts, method=st.sampled_from(("boschloo", "barnard", "fisher")))
def test_relabelling_failures_as_passes_swaps_less_and_greater(g1, g2, method):
    (x1, n1), (x2, n2) = g1, g2
    less = change_test(x1, n1, x2, n2, method=method, alternative="less").pvalue
    relabelled = change_test(n1 - x1, n1, n2 - x2, n2, method=method, alternative="greater").pvalue
    assert less == pytest.approx(relabelled, rel=1e-8, abs=1e-14)


@settings(max_examples=25, deadline=None)
@given(g1=counts, g2=counts, alternative=st.sampled_from(("less", "greater", "two-sided")))
def test_boschloo_no_larger_than_fisher_one_sided(g1, g2, alternative):
    (x1, n1), (x2, n2) = g1, g2
    bos = change_test(x1, n1, x2, n2, alternative=alternative).pvalue
    assert 0.0 <= bos <= 1.0
    if alternative != "two-sided":  # Boschloo (1970): uniformly more powerful one-sided
        assert bos <= change_test(x1, n1, x2, n2, method="fisher", alternative=alternative).pvalue * (1 + 1e-9)


# --------------------------------------------------------------------------------------
# Huge samples: the exact tests refuse before allocating (issue 13: `plan --files 10000000000`
# tried to allocate 74.5 GiB)
# --------------------------------------------------------------------------------------


def test_exact_tests_refuse_grids_past_their_limit_before_allocating():
    from inspection_analysis.stats._exact_grid import check_grid_size

    # Hand: the grid has (n1 + n2 + 1) (n1 + 1) cells; 3999 and 6000 give 10000 * 4000 = 40,000,000, the limit.
    check_grid_size(3999, 6000, "Boschloo")
    # one more in group 2: 10001 * 4000 = 40,004,000 cells
    with pytest.raises(ValueError, match=r"n1=3999 and n2=6001 case files needs a grid of 40,004,000 cells, more "
                                         r"than its limit of 40,000,000"):
        check_grid_size(3999, 6001, "Boschloo")
    with pytest.raises(ValueError, match=r"n1=10000000000 and n2=374 case files .* limit of 40,000,000"):
        critical_count(278, 374, 10**10)
    # Barnard's grid is the same shape but needs more memory a cell: 2501 x 2501 -> 5003 * 2502 = 12,517,506 cells
    with pytest.raises(ValueError, match=r"Barnard's exact test .* limit of 12,000,000"):
        change_test(1000, 2501, 1200, 2501, method="barnard")
    with pytest.raises(ValueError, match=r"Boschloo's exact test for groups of n1=10000000000"):
        change_test(0, 10**10, 278, 374)
    # Fisher's test needs no grid: against 10^10 new files it still gives a critical count, below the
    # baseline rate 278/374 (only a lower rate can be a significant improvement)
    assert 0 < critical_count(278, 374, 10**10, method="fisher") < 278 / 374 * 10**10
