"""Tests for stats.funnel: exact and PHEindicatormethods ("wilson") funnel limits.

References: hand calculations written out below; PHEindicatormethods' own test
values (ukhsa-collaboration/PHEindicatormethods, tests/testthat/testdata_funnel_prop_outputs.csv,
commit 093fd288); and PHEindicatormethods' formula (R/utils.R, ``sigma_adjustment``) written out.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.funnel import funnel_limits
from inspection_analysis.stats.funnel import funnel_limits as spc_funnel_limits

Z975 = 1.959963984540054  # standard normal 0.975 quantile (Abramowitz & Stegun table 26.1: 1.959964)
Z999 = 3.090232306167813  # 0.999 quantile (A&S: 3.090232)


def _phe_sigma_adjustment(p, population, average_proportion, side):
    """PHEindicatormethods' sigma_adjustment (R/utils.R), written out term by term (multiplier 1)."""
    z2 = {0.975: Z975, 0.999: Z999}[p] ** 2
    first_part = average_proportion * (population / z2 + 1)
    adj = math.sqrt(
        (-8 * average_proportion * (population / z2 + 1)) ** 2
        - 64 * (1 / z2 + 1 / population) * average_proportion
        * (population * (average_proportion * (population / z2 + 2) - 1) + z2 * (average_proportion - 1))
    )
    last_part = 1 / z2 + 1 / population
    count = (first_part - adj / 8) / last_part if side == "low" else (first_part + adj / 8) / last_part
    return count / population


def _binom_cdf(r, n, p):
    """Binomial cdf as a finite sum of terms C(n, j) p^j (1-p)^(n-j)."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(r + 1))


def test_issue_values_p07_n20():
    # issue 14: at p = 0.7, n = 20 PHEindicatormethods' 95% limits are 0.499 and 0.901;
    # the exact method gives 0.463 and 0.869.
    assert funnel_limits(0.7, 20, probability=0.025, method="wilson") == pytest.approx(0.499, abs=5e-4)
    assert funnel_limits(0.7, 20, probability=0.975, method="wilson") == pytest.approx(0.901, abs=5e-4)
    assert funnel_limits(0.7, 20, probability=0.025) == pytest.approx(0.463, abs=5e-4)
    assert funnel_limits(0.7, 20, probability=0.975) == pytest.approx(0.869, abs=5e-4)


def test_wilson_by_hand_p07_n20():
    # hand: sqrt(0.7 * 0.3 / 20) = sqrt(0.0105) = 0.1024695; 1.959964 * 0.1024695 = 0.2008365
    # -> 0.4991635 and 0.9008365
    assert funnel_limits(0.7, 20, probability=0.025, method="wilson") == pytest.approx(0.4991635, abs=1e-7)
    assert funnel_limits(0.7, 20, probability=0.975, method="wilson") == pytest.approx(0.9008365, abs=1e-7)


def test_exact_by_hand_p07_n20():
    # Spiegelhalter (2005) A.1.1 with Binomial(20, 0.7) cdf summed term by term:
    # p = 0.025: r = 10 (F(9) = 0.017 < 0.025 <= F(10) = 0.048); limit = (r - alpha)/20
    f9, f10 = _binom_cdf(9, 20, 0.7), _binom_cdf(10, 20, 0.7)
    assert f9 < 0.025 <= f10
    lower = (10 - (f10 - 0.025) / (f10 - f9)) / 20
    # p = 0.975: r = 18 (F(17) = 0.9645 < 0.975 <= F(18) = 0.9924)
    f17, f18 = _binom_cdf(17, 20, 0.7), _binom_cdf(18, 20, 0.7)
    assert f17 < 0.975 <= f18
    upper = (18 - (f18 - 0.975) / (f18 - f17)) / 20
    assert funnel_limits(0.7, 20, probability=0.025) == pytest.approx(lower, abs=1e-12)
    assert funnel_limits(0.7, 20, probability=0.975) == pytest.approx(upper, abs=1e-12)


@pytest.mark.parametrize("centre", [0.02, 0.3, 0.5, 0.7, 0.95])
@pytest.mark.parametrize("n", [1, 5, 20, 61, 1000])
@pytest.mark.parametrize("p", [0.975, 0.999])
def test_wilson_equals_phe_formula_written_out(centre, n, p):
    low = max(0.0, _phe_sigma_adjustment(p, n, centre, "low"))
    high = min(1.0, _phe_sigma_adjustment(p, n, centre, "high"))
    assert funnel_limits(centre, n, probability=1 - p, method="wilson") == pytest.approx(low, abs=1e-12)
    assert funnel_limits(centre, n, probability=p, method="wilson") == pytest.approx(high, abs=1e-12)


# PHEindicatormethods tests/testthat/testdata_funnel_prop_outputs.csv (percent, 6 decimals):
# Population, Lower2s0025limit, Upper2s0025limit, Lower3s0001limit, Upper3s0001limit.
# Its baseline is sum(numerator) / sum(denominator) of testdata_funnel_prop_inputs.csv:
# 10325813.8504 / 12804440 (printed there as 80.642448).
PHE_BASELINE = 10325813.8504 / 12804440
PHE_ROWS = [
    (1, 3.204264, 100, 0, 100),
    (2, 25.885383, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (20, 63.326743, 97.958152, 53.341156, 100),
    (68, 71.251689, 90.033207, 65.836243, 95.448652),
    (1886, 78.859312, 82.425583, 77.831017, 83.453878),
    (43036, 80.269164, 81.015732, 80.053899, 81.230996),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


@pytest.mark.parametrize("row", PHE_ROWS, ids=lambda r: f"n={r[0]}")
def test_wilson_matches_phe_test_values(row):
    n, low95, high95, low998, high998 = row
    got = [
        funnel_limits(PHE_BASELINE, n, probability=prob, method="wilson") * 100
        for prob in (0.025, 0.975, 0.001, 0.999)
    ]
    assert got == pytest.approx([low95, high95, low998, high998], abs=1.5e-6)


def test_spc_reexport_is_the_same_function():
    assert spc_funnel_limits is funnel_limits


def test_vectorised_and_does_not_mutate():
    n = np.array([20, 80, 320])
    before = n.copy()
    for method in ("exact", "wilson"):
        upper = funnel_limits(0.3, n, probability=0.975, method=method)
        assert upper.shape == (3,) and np.all(np.diff(upper) < 0)
    np.testing.assert_array_equal(n, before)


def test_validation():
    with pytest.raises(ValueError, match="unknown method 'normal'"):
        funnel_limits(0.5, 10, probability=0.975, method="normal")
    with pytest.raises(ValueError, match="centre"):
        funnel_limits(-0.1, 10, probability=0.975, method="wilson")
    with pytest.raises(ValueError, match="probability"):
        funnel_limits(0.5, 10, probability=0.0, method="wilson")


@settings(max_examples=60, deadline=None)
@given(
    centre=st.floats(0.0, 1.0),
    n=st.integers(1, 5000),
    tail=st.sampled_from([0.001, 0.025, 0.1]),
    method=st.sampled_from(["exact", "wilson"]),
)
def test_limits_ordered(centre, n, tail, method):
    low = funnel_limits(centre, n, probability=tail, method=method)
    high = funnel_limits(centre, n, probability=1 - tail, method=method)
    assert 0.0 <= low <= high <= 1.0
    if method == "wilson":  # never on the wrong side of the centre; symmetric about it unless clipped
        assert low <= centre + 1e-12 and centre - 1e-12 <= high
        if 0 < low and high < 1:
            assert high - centre == pytest.approx(centre - low, abs=1e-12)


def _flag_rates(centre, n, method):
    """P(a count is strictly outside the 95% limits) below and above, as binomial sums written out."""
    low = funnel_limits(centre, n, probability=0.025, method=method)
    high = funnel_limits(centre, n, probability=0.975, method=method)
    pmf = [math.comb(n, k) * centre**k * (1 - centre) ** (n - k) for k in range(n + 1)]
    return sum(pmf[k] for k in range(n + 1) if k / n < low), sum(pmf[k] for k in range(n + 1) if k / n > high)


def test_flag_rates_stated_in_the_docstring():
    # the calibration the Notes state (exact: above 3.6-3.9%, up to 11%; below 1.4-1.8%; wilson: 1.7-3.0%,
    # up to 5%), recomputed from binomial sums over n = 10..100 and centres 0.2, 0.3, 0.5, 0.7
    for centre in (0.2, 0.3, 0.5, 0.7):
        exact = np.array([_flag_rates(centre, n, "exact") for n in range(10, 101)])
        wilson = np.array([_flag_rates(centre, n, "wilson") for n in range(10, 101)])
        assert 0.036 <= exact[:, 1].mean() <= 0.039 and exact[:, 1].max() <= 0.114
        assert 0.014 <= exact[:, 0].mean() <= 0.018 and exact[:, 0].max() < 0.025
        assert 0.017 <= wilson.mean(axis=0).min() and wilson.mean(axis=0).max() <= 0.0305 and wilson.max() <= 0.0515
