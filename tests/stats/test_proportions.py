"""Tests for stats/proportions.py: every expected value comes from an independent source named beside it.

Rate ratios and odds ratios (stats/ratios.py) are tested in test_ratios.py.

Sources used
------------
* [N98a] Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
  comparison of seven methods. Stat Med 17, 857-872, Table I (81/263, 15/148, 0/20, 1/29).
  The Clopper-Pearson column is also reproduced in the test file of the R package ratesci
  (PeteLaud/ratesci, tests/testthat/test3.R, ``exactci(..., midp=FALSE)``).
* [N98b] Newcombe, R. G. (1998). Interval estimation for the difference between independent
  proportions: comparison of eleven methods. Stat Med 17, 873-890, Table II, examples (a)-(h).
  Method 10 for (a)-(d) is also quoted in the R package propint's tests and in ratesci's
  test3.R (example (d): method 10 and Miettinen-Nurminen); methods 1, 2 for (a) in the tests of
  GSK-Biostatistics/cicalc (snapshot prop_ci_diff.md); Miettinen-Nurminen for (a), (b), (g) in
  cicalc's test-prop_ci_mn.R ("matches the values in the paper").
* [F15] Fagerland, Lydersen and Laake (2015), Stat Methods Med Res 24, 224-254: the Perondi et al.
  trial, 7/34 against 1/34 (as quoted in statsmodels' test_proportion.py).
* [PropCIs] R package PropCIs outputs for 7/34 against 1/34, as quoted in statsmodels'
  test_proportion.py with the R calls.
* [A02] Agresti, A. (2002). Categorical Data Analysis, 2nd ed., section 2.2: Physicians' Health
  Study aspirin trial, 189/11034 against 104/11037.
* Hand calculations, written out beside the value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.differences import diff_ci
from inspection_analysis.stats.proportions import rate_ci

Z95 = 1.959963984540054  # the 97.5% standard normal quantile, qnorm(0.975) in R


def close(actual, expected, tol):
    """Both limits of an interval (or arrays of them) within ``tol`` of the published values."""
    np.testing.assert_allclose(np.asarray(tuple(actual), float), np.asarray(expected, float), atol=tol, rtol=0)


# ---------------------------------------------------------------- single proportion

N98A_CASES = ([81, 15, 0, 1], [263, 148, 20, 29])


@pytest.mark.parametrize(
    ("method", "low", "high"),
    [
        # [N98a] Table I, method 3 (score, Wilson)
        ("wilson", [0.2553, 0.0624, 0.0, 0.0061], [0.3662, 0.1605, 0.1611, 0.1718]),
        # [N98a] Table I, method 4 (score with continuity correction)
        ("wilson_cc", [0.2535, 0.0598, 0.0, 0.0018], [0.3682, 0.1644, 0.2005, 0.1963]),
        # [N98a] Table I, method 5 (exact, Clopper-Pearson); ratesci test3.R gives the last three
        ("clopper_pearson", [0.2527, 0.0578, 0.0, 0.0009], [0.3676, 0.1617, 0.1684, 0.1776]),
    ],
)
def test_rate_ci_matches_newcombe_table_i(method, low, high):
    close(rate_ci(*N98A_CASES, method=method), [low, high], 5e-5)


def test_rate_ci_wald_and_agresti_coull_by_hand():
    # Wald, 81/263: p = 0.30798479, se = sqrt(p(1-p)/263) = sqrt(0.21313045/263) = 0.02846719;
    # p -+ 1.959964 * 0.02846719 = 0.30798479 -+ 0.05579467 = (0.2521901, 0.3637795)
    close(rate_ci(81, 263, method="wald"), [0.2521901, 0.3637795], 1e-7)
    # Agresti-Coull, 0/20: n~ = 20 + z^2 = 23.841459, p~ = (z^2/2)/n~ = 0.0805626;
    # upper = p~ + z sqrt(p~(1-p~)/n~) = 0.0805626 + 0.1092470 = 0.1898096; lower clipped to 0
    close(rate_ci(0, 20, method="agresti_coull"), [0.0, 0.1898096], 1e-7)


def test_jeffreys_is_equal_tailed_with_fixed_ends():
    from scipy.special import betainc

    # Definition (Brown, Cai and DasGupta 2001): limits are the 2.5% and 97.5% points of
    # Beta(x + 1/2, n - x + 1/2), except lower = 0 at x = 0 and upper = 1 at x = n.
    # statsmodels' proportion_confint(0, 20, method="jeffreys") gives a lower limit of 2.4e-05.
    low, high = rate_ci([0, 15, 20], [20, 148, 20], method="jeffreys")
    assert low[0] == 0.0 and high[2] == 1.0
    np.testing.assert_allclose(betainc(15.5, 133.5, low[1]), 0.025, atol=1e-12)
    np.testing.assert_allclose(betainc(15.5, 133.5, high[1]), 0.975, atol=1e-12)
    np.testing.assert_allclose(betainc(0.5, 20.5, high[0]), 0.975, atol=1e-12)


def test_rate_ci_finite_population():
    # Exact hypergeometric, N = 10, n = 5, x = 0. P(X = 0 | M failing) = C(10 - M, 5) / C(10, 5):
    # M = 3 -> 21/252 = 0.083 > 0.025, M = 4 -> 6/252 = 0.024 <= 0.025, so M_U = 3: upper 0.3.
    # By symmetry x = 5 gives (0.7, 1). x = 2: M_L is the smallest M with P(X >= 2) > 0.025;
    # M = 1 allows X <= 1 only, M = 2 gives P(X = 2) = C(2,2)C(8,3)/252 = 56/252 = 0.22, so M_L = 2.
    # M_U is the largest M with P(X <= 2) > 0.025: M = 7 leaves 3 passing files, so X >= 2 and
    # P(X <= 2) = P(X = 2) = C(7,2)C(3,3)/252 = 21/252 = 0.083; M = 8 forces X >= 3. So M_U = 7.
    close(rate_ci([0, 5, 2], 5, population=10, method="clopper_pearson"), [[0, 0.7, 0.2], [0.3, 1.0, 0.7]], 0)
    # Wald with the finite-population correction (Cochran 1977, eq. 3.4), 61/135 of N = 500:
    # var = p(1-p)/n * (N-n)/(N-1) = 0.45185185 * 0.54814815 / 135 * 365/499
    p = 61 / 135
    se = math.sqrt(p * (1 - p) / 135 * 365 / 499)
    close(rate_ci(61, 135, population=500, method="wald"), [p - Z95 * se, p + Z95 * se], 1e-12)
    # A census has no sampling error: every method gives (p, p).
    for method in ("wilson", "wald", "agresti_coull", "clopper_pearson"):
        close(rate_ci(61, 135, population=135, method=method), [p, p], 1e-12)


@pytest.mark.parametrize("method", ["wilson", "wilson_cc", "clopper_pearson", "jeffreys", "agresti_coull", "wald"])
def test_rate_ci_edge_cases_are_finite(method):
    low, high = rate_ci([0, 1, 0, 1, 0, 10**7], [1, 1, 10**7, 10**7, 374, 10**7], method=method)
    assert np.all(np.isfinite(low)) and np.all(np.isfinite(high))
    assert np.all((0 <= low) & (low <= high) & (high <= 1))
    assert high[2] < 1e-6  # 0 of ten million: the upper limit is tiny
    if method not in ("wald", "agresti_coull"):
        assert low[0] == 0 and high[1] == 1


def test_rate_ci_errors_name_the_bad_value():
    with pytest.raises(ValueError, match=r"x \(5\) must not exceed n \(4\)"):
        rate_ci(5, 4)
    with pytest.raises(ValueError, match="-1"):
        rate_ci(-1, 4)
    with pytest.raises(ValueError, match="2.5"):
        rate_ci(2.5, 4)
    with pytest.raises(ValueError, match="at least 1"):
        rate_ci(0, 0)
    with pytest.raises(ValueError, match="1.5"):
        rate_ci(1, 4, confidence_level=1.5)
    with pytest.raises(ValueError, match="'exact'.*wilson, wilson_cc"):
        rate_ci(1, 4, method="exact")
    with pytest.raises(ValueError, match="do not match"):
        rate_ci([1, 2, 3], [4, 5])
    with pytest.raises(ValueError, match=r"n \(5\) must not exceed population \(4\)"):
        rate_ci(1, 5, population=4)
    with pytest.raises(ValueError, match="jeffreys"):
        rate_ci(1, 5, population=40, method="jeffreys")


# ---------------------------------------------------------------- difference

TABLE_II = (  # [N98b] Table II examples (a) to (h): x1, n1, x2, n2
    [56, 9, 6, 5, 0, 0, 10, 10],
    [70, 10, 7, 56, 10, 10, 10, 10],
    [48, 3, 2, 0, 0, 0, 0, 0],
    [80, 10, 7, 29, 20, 10, 20, 10],
)


def test_newcombe_hybrid_score_matches_table_ii_method_10():
    # [N98b] Table II, method 10, (a)-(d); (e)-(h) are also checked by hand from Wilson limits:
    # 0/10 -> (0, 0.2775), 0/20 -> (0, 0.1611), 10/10 -> (0.7225, 1); e.g. (g) lower
    # = 1 - sqrt((1 - 0.7225)^2 + 0.1611^2) = 1 - sqrt(0.07701 + 0.02595) = 0.6791.
    low = [0.0524, 0.1705, 0.0582, -0.0381, -0.1611, -0.2775, 0.6791, 0.6075]
    high = [0.3339, 0.8090, 0.8062, 0.1926, 0.2775, 0.2775, 1.0, 1.0]
    close(diff_ci(*TABLE_II), [low, high], 5e-5)


def test_newcombe_cc_matches_table_ii_method_11():
    # [N98b] Table II, method 11, (a)-(d). (e)-(h) by hand from the continuity-corrected Wilson
    # limits of [N98a] eq. for method 4: 0/10 upper = (1 + z^2 + z sqrt(z^2 + 2 - 0.1))/(2(10 + z^2))
    # = (4.84146 + 1.95996 * 2.39615)/27.68292 = 0.3445; 0/20 upper = 0.2005 ([N98a] Table I);
    # (g) lower = 1 - sqrt(0.3445^2 + 0.2005^2) = 0.6014; (h) lower = 1 - 0.3445 sqrt(2) = 0.5128.
    low = [0.0428, 0.1013, -0.0290, -0.0667, -0.2005, -0.3445, 0.6014, 0.5128]
    high = [0.3422, 0.8387, 0.8423, 0.2037, 0.3445, 0.3445, 1.0, 1.0]
    close(diff_ci(*TABLE_II, method="newcombe_cc"), [low, high], 6e-5)


def test_miettinen_nurminen_matches_published_values():
    # [N98b] Table II, Miettinen-Nurminen (method 6), examples (a), (b), (d), (g)
    got = diff_ci([56, 9, 5, 10], [70, 10, 56, 10], [48, 3, 0, 0], [80, 10, 29, 20], method="miettinen_nurminen")
    close(got, [[0.0528, 0.1700, -0.0326, 0.7156], [0.3382, 0.8406, 0.1933, 1.0]], 5e-5)
    # [PropCIs] diffscoreci(7, 34, 1, 34, 0.95) -> 0.0270416 0.3452912 (bisection to 1e-7)
    close(diff_ci(7, 34, 1, 34, method="miettinen_nurminen"), [0.0270416, 0.3452912], 2e-7)


def test_wald_family_matches_published_values():
    # [N98b] Table II, method 1 (Wald): (a) 0.0575 0.3425, (b) 0.2605 0.9395, (d) 0.0146 0.1640
    close(diff_ci([56, 9, 5], [70, 10, 56], [48, 3, 0], [80, 10, 29], method="wald"), [[0.0575, 0.2605, 0.0146], [0.3425, 0.9395, 0.1640]], 5e-5)
    # [N98b] Table II, method 2 (Wald, continuity corrected): (a) 0.0441 0.3559, (d) -0.0116 0.1901
    close(diff_ci([56, 5], [70, 56], [48, 0], [80, 29], method="wald_cc"), [[0.0441, -0.0116], [0.3559, 0.1901]], 5e-5)
    # [PropCIs] wald2ci(7, 34, 1, 34, 0.95, adjust="Wald") -> 0.02916942 0.32377176
    close(diff_ci(7, 34, 1, 34, method="wald"), [0.02916942, 0.32377176], 6e-9)
    # [PropCIs] wald2ci(7, 34, 1, 34, 0.95, adjust="AC") -> 0.01161167 0.32172166
    close(diff_ci(7, 34, 1, 34, method="agresti_caffo"), [0.01161167, 0.32172166], 6e-9)
    # [A02] aspirin trial: difference 0.0077 with 95% Wald interval (0.005, 0.011)
    close(diff_ci(189, 11034, 104, 11037, method="wald"), [0.005, 0.011], 5e-4)
    # [F15] Newcombe hybrid score for 7/34 v 1/34: 0.019 to 0.34
    close(diff_ci(7, 34, 1, 34), [0.019, 0.34], 5e-3)



def test_two_group_errors():
    with pytest.raises(ValueError, match=r"x2 \(9\) must not exceed n2 \(8\)"):
        diff_ci(1, 5, 9, 8)
    with pytest.raises(ValueError, match="'score'.*newcombe, newcombe_cc"):
        diff_ci(1, 5, 2, 8, method="score")


def test_large_samples_and_identical_rounds():
    # 10**7 cases per round: the Wald and Newcombe intervals agree closely (both ~ +-1.96 * 2.05e-4)
    w, n = diff_ci(3 * 10**6, 10**7, 3 * 10**6, 10**7, method="wald"), diff_ci(3 * 10**6, 10**7, 3 * 10**6, 10**7)
    half = Z95 * math.sqrt(2 * 0.3 * 0.7 / 10**7)  # hand: 1.959964 * sqrt(4.2e-8) = 4.0168e-4
    close(w, [-half, half], 1e-12)
    close(n, [-half, half], 1e-7)
    # identical rounds give intervals symmetric about 0
    for method in ("newcombe", "newcombe_cc", "miettinen_nurminen", "wald", "wald_cc", "agresti_caffo"):
        low, high = diff_ci(61, 135, 61, 135, method=method)
        assert low < 0 < high and abs(low + high) < 1e-9


# ---------------------------------------------------------------- properties

counts = st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
levels = st.floats(0.5, 0.995)


@settings(max_examples=60, deadline=None)
@given(counts, levels, st.sampled_from(["wilson", "wilson_cc", "clopper_pearson", "jeffreys", "agresti_coull", "wald"]))
def test_rate_interval_properties(xn, level, method):
    x, n = xn
    low, high = rate_ci(x, n, method=method, confidence_level=level)
    assert 0 <= low <= x / n <= high <= 1
    wider = rate_ci(x, n, method=method, confidence_level=min(level + 0.004, 0.999))
    assert wider.low <= low + 1e-12 and wider.high >= high - 1e-12


DIFF = ["newcombe", "newcombe_cc", "miettinen_nurminen", "wald", "wald_cc", "agresti_caffo"]


@settings(max_examples=60, deadline=None)
@given(counts, counts, levels, st.sampled_from(DIFF))
def test_difference_interval_properties(g1, g2, level, method):
    (x1, n1), (x2, n2) = g1, g2
    low, high = diff_ci(x1, n1, x2, n2, method=method, confidence_level=level)
    d = x1 / n1 - x2 / n2
    assert -1 <= low <= high <= 1
    if method != "agresti_caffo":  # Agresti-Caffo is centred on the adjusted difference
        assert low - 1e-9 <= d <= high + 1e-9
    wider = diff_ci(x1, n1, x2, n2, method=method, confidence_level=min(level + 0.004, 0.999))
    assert wider.low <= low + 1e-9 and wider.high >= high - 1e-9
    swapped = diff_ci(x2, n2, x1, n1, method=method, confidence_level=level)
    np.testing.assert_allclose([swapped.low, swapped.high], [-high, -low], atol=1e-9)



def test_vectorised_shapes_and_scalar_floats():
    # Scalars in, floats out; arrays broadcast, one interval per element, each equal to its scalar call.
    ci = rate_ci(278, 374)
    assert isinstance(ci.low, float) and isinstance(ci.high, float)
    x1, n1 = np.array([[56, 9], [6, 5]]), np.array([[70, 10], [7, 56]])
    for method in ("newcombe", "miettinen_nurminen", "wald"):
        low, high = diff_ci(x1, n1, 2, 29, method=method)
        assert low.shape == high.shape == (2, 2)
        one = diff_ci(6, 7, 2, 29, method=method)
        assert (low[1, 0], high[1, 0]) == (one.low, one.high)
