"""Tests of rate_test: one round's failure rate against a reference rate.

Every expected value is an independent reference named beside it: R's
binom.test output (tests/stats/reference/numeric_edges.R and .txt), the exact
binomial p-value in rational arithmetic, or a hand calculation written out here.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.one_rate import rate_test


def normal_sf(z: float) -> float:
    """Upper normal tail by the identity Q(z) = erfc(z / sqrt 2) / 2 (math module only)."""
    return 0.5 * math.erfc(z / math.sqrt(2))



def test_rate_test_exact_matches_r():
    # R ?binom.test: binom.test(682, 925, p = 0.75) p-value = 0.3825
    res = rate_test(682, 925, 0.75)
    assert res.pvalue == pytest.approx(0.3825, abs=5e-5)
    assert res.statistic == pytest.approx(682 / 925)
    # by hand: P(X <= 2), X ~ Bin(10, 1/2) = (1 + 10 + 45) / 1024; two-sided doubles it (symmetric)
    assert rate_test(2, 10, 0.5, alternative="less").pvalue == pytest.approx(56 / 1024, rel=1e-12)
    assert rate_test(2, 10, 0.5).pvalue == pytest.approx(112 / 1024, rel=1e-12)


def _exact_binomial(x: int, n: int, p0: float, alternative: str) -> float:
    """R's binom.test p-value in exact rational arithmetic (p0 is the double given, exactly).

    less: P(X <= x); greater: P(X >= x); two-sided: P of the outcomes i with P(i) <= P(x) (1 + 1e-7),
    R's rule (src/library/stats/R/binom.test.R), or 1 when x = n p0. Only the terms needed are formed.
    """
    p = Fraction(p0)

    def pmf(i):
        return math.comb(n, i) * p**i * (1 - p) ** (n - i)

    if alternative == "less":
        return float(sum(pmf(i) for i in range(x + 1)))
    if alternative == "greater":
        return float(sum(pmf(i) for i in range(x, n + 1)))
    if x == n * p:
        return 1.0
    limit = pmf(x) * (1 + Fraction(1, 10**7))
    return float(min(1, sum(q for q in map(pmf, range(n + 1)) if q <= limit)))


@pytest.mark.parametrize(
    ("x", "n", "p0", "alternative", "r_value"),
    [
        # R 4.2.2 (tests/stats/reference/numeric_edges.R, .txt); exact fractions give the same to 1e-13
        (38, 500, 0.8, "less", 4.1508069361275966e-270),  # binomtest gave 0.0 (Boost's cdf underflows)
        (38, 500, 0.8, "two-sided", 4.1508069361275966e-270),
        (462, 500, 0.2, "greater", 4.1508069361280691e-270),
        (462, 500, 0.2, "two-sided", 4.1508069361280691e-270),
        (0, 400, 0.8, "less", 2.5822498780866251e-280),
        (0, 400, 0.8, "two-sided", 2.5822498780866251e-280),
        (20, 60, 0.1, "two-sided", 7.8225709302873973e-07),
        (682, 925, 0.75, "two-sided", 0.38249155957485192),
    ],
)
def test_rate_test_far_tails_match_r_and_exact_fractions(x, n, p0, alternative, r_value):
    exact = _exact_binomial(x, n, p0, alternative)
    res = rate_test(x, n, p0, alternative=alternative)
    assert res.pvalue == pytest.approx(exact, rel=1e-11)
    assert res.pvalue == pytest.approx(r_value, rel=1e-11)


def test_rate_test_tails_where_boost_is_wrong_match_exact_fractions():
    # Boost's incomplete beta (scipy.stats.binom.cdf) is 30% off for 38 of 2000 at 0.3 (6.3e-244, exact)
    # and scipy.special.bdtr is 1000 times too small for 30 of 2300 at 0.3 (1.1e-299, exact).
    for x, n, p0 in [(38, 2000, 0.3), (30, 2300, 0.3), (24, 2700, 0.25)]:
        exact = _exact_binomial(x, n, p0, "less")
        assert rate_test(x, n, p0, alternative="less").pvalue == pytest.approx(exact, rel=1e-11)
        assert rate_test(n - x, n, 1 - p0, alternative="greater").pvalue == pytest.approx(exact, rel=1e-11)


def test_rate_test_vectorised_far_tails():
    res = rate_test([38, 462, 682], [500, 500, 925], [0.8, 0.2, 0.75])
    expected = [_exact_binomial(38, 500, 0.8, "two-sided"), _exact_binomial(462, 500, 0.2, "two-sided"),
                _exact_binomial(682, 925, 0.75, "two-sided")]
    assert res.pvalue == pytest.approx(expected, rel=1e-11)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0.01, 0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.9, 0.99]))
def test_rate_test_exact_matches_fractions(xn, p0):
    x, n = xn
    for alternative in ("less", "greater", "two-sided"):
        expected = _exact_binomial(x, n, p0, alternative)
        assert rate_test(x, n, p0, alternative=alternative).pvalue == pytest.approx(expected, rel=1e-10)


def test_rate_test_score_by_hand():
    # z = (682/925 - 0.75) / sqrt(0.75 * 0.25 / 925) = -0.0127027 / 0.0142374 = -0.892209
    z = (682 / 925 - 0.75) / math.sqrt(0.1875 / 925)
    res = rate_test(682, 925, 0.75, method="score")
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.statistic == pytest.approx(-0.8922, abs=1e-4)
    assert res.pvalue == pytest.approx(2 * normal_sf(abs(z)), rel=1e-10)
    assert rate_test(682, 925, 0.75, method="score", alternative="greater").pvalue == pytest.approx(normal_sf(z))


def test_rate_test_rejects_bad_input():
    with pytest.raises(ValueError, match="p0 must lie in"):
        rate_test(3, 10, 1.0)
    with pytest.raises(ValueError, match="valid choices are: exact, score"):
        rate_test(3, 10, 0.5, method="wald")
