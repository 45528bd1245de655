"""Tests for stats/ratios.py: every expected value comes from an independent source named beside it.

Sources used
------------
* [F15] Fagerland, Lydersen and Laake (2015), Stat Methods Med Res 24, 224-254: the Perondi et al.
  trial, 7/34 against 1/34 (as quoted in statsmodels' test_proportion.py).
* [PropCIs] R package PropCIs outputs for 7/34 against 1/34, as quoted in statsmodels'
  test_proportion.py with the R calls.
* [ratesci] R package ratesci, tests/testthat/test3.R: Fagerland-Newcombe examples
  24/73 v 53/65, 29/55 v 11/11, 7/18 v 1/18 (Miettinen-Nurminen ratio and odds ratio).
* [K84] Koopman (1984) Biometrics 40, 513-517, example 36/40 against 16/80, as recomputed by
  Nam (1995) to 2.940 to 7.152.
* [A02] Agresti, A. (2002). Categorical Data Analysis, 2nd ed., section 2.2: Physicians' Health
  Study aspirin trial, 189/11034 against 104/11037.
* [R] R's fisher.test on the TeaTasting table of ?fisher.test, matrix(c(3, 1, 1, 3), 2).
* Hand calculations, written out beside the value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.ratios import odds_ratio_ci, ratio_ci

Z95 = 1.959963984540054  # the 97.5% standard normal quantile, qnorm(0.975) in R


def close(actual, expected, tol):
    """Both limits of an interval (or arrays of them) within ``tol`` of the published values."""
    np.testing.assert_allclose(np.asarray(tuple(actual), float), np.asarray(expected, float), atol=tol, rtol=0)


# ---------------------------------------------------------------- ratio and odds ratio


def test_ratio_ci_matches_published_values():
    # [K84] Koopman's example 36/40 v 16/80: 2.940 to 7.152 (Nam 1995's recomputation)
    r = ratio_ci(36, 40, 16, 80, method="koopman")
    assert r.estimate == 4.5  # (36/40)/(16/80) = 0.9/0.2
    close((r.low, r.high), [2.940, 7.152], 5e-4)
    # [PropCIs] riskscoreci(7, 34, 1, 34, 0.95) -> 1.220853 42.575718
    close(tuple(ratio_ci(7, 34, 1, 34, method="koopman"))[1:], [1.220853, 42.575718], 5e-6 * 42.6)
    # [ratesci] Miettinen-Nurminen ratio, three Fagerland-Newcombe examples
    r = ratio_ci([24, 29, 7], [73, 55, 18], [53, 11, 1], [65, 11, 18], method="miettinen_nurminen")
    close((r.low, r.high), [[0.280, 0.397, 1.296], [0.560, 0.742, 42.544]], 5e-4)
    # [F15] Katz log for 7/34 v 1/34: 0.91 to 54
    katz = ratio_ci(7, 34, 1, 34)
    assert abs(katz.low - 0.91) < 5e-3 and abs(katz.high - 54) < 0.5


def test_katz_by_hand_for_the_aspirin_trial():
    # [A02] data. log RR = log((189/11034)/(104/11037)) = log(1.817802) = 0.597628;
    # se = sqrt(1/189 - 1/11034 + 1/104 - 1/11037) = sqrt(0.0052910 - 0.0000906 + 0.0096154 - 0.0000906)
    #    = sqrt(0.0147252) = 0.121347; limits exp(0.597628 -+ 1.959964 * 0.121347) = 1.4330, 2.3059
    r = ratio_ci(189, 11034, 104, 11037)
    close((r.estimate, r.low, r.high), [1.817802, 1.4330, 2.3059], 5e-5)


def test_odds_ratio_ci_matches_published_values():
    # [A02] aspirin trial: odds ratio 1.832, 95% Woolf interval (1.44, 2.33)
    r = odds_ratio_ci(189, 11034, 104, 11037)
    close((r.estimate, r.low, r.high), [1.832, 1.44, 2.33], 5e-3)
    # [F15] Woolf logit for 7/34 v 1/34: 0.99 to 74; Cornfield exact conditional: 0.97 to 397
    woolf, exact = odds_ratio_ci(7, 34, 1, 34), odds_ratio_ci(7, 34, 1, 34, method="exact_conditional")
    assert abs(woolf.low - 0.99) < 5e-3 and abs(woolf.high - 74) < 0.5
    assert abs(exact.low - 0.97) < 5e-3 and abs(exact.high - 397) < 0.5
    # [ratesci] Miettinen-Nurminen odds ratio, Fagerland-Newcombe examples (29/55 v 11/11 has OR 0)
    r = odds_ratio_ci([24, 29, 7], [73, 55, 18], [53, 11, 1], [65, 11, 18], method="miettinen_nurminen")
    close((r.low, r.high), [[0.050, 0.0, 1.416], [0.245, 0.417, 76.428]], 5e-4)
    # [PropCIs] orscoreci(7, 34, 1, 34, 0.95) -> 1.246309 56.486130; PropCIs stops its
    # iteration early, so agreement is to about 5e-4 relative (as statsmodels also found)
    r = odds_ratio_ci(7, 34, 1, 34, method="miettinen_nurminen")
    np.testing.assert_allclose([r.low, r.high], [1.246309, 56.486130], rtol=5e-4)


def test_exact_conditional_matches_r_fisher_test():
    # [R] fisher.test(TeaTasting): conditional MLE 6.408309; two-sided 95% interval
    # 0.2117329 to 621.9337505. R finds the estimate and limits with uniroot(tol = eps^0.25),
    # so its upper limit is accurate only to about 1%, the others to about 1e-5.
    r = odds_ratio_ci(3, 4, 1, 4, method="exact_conditional")
    np.testing.assert_allclose(r.estimate, 6.408309, rtol=1e-5)
    np.testing.assert_allclose(r.low, 0.2117329, rtol=1e-4)
    np.testing.assert_allclose(r.high, 621.9337505, rtol=1e-2)
    # [R] fisher.test(TeaTasting, alternative = "greater"): lower 0.3135693, the two-sided 90% lower limit
    np.testing.assert_allclose(odds_ratio_ci(3, 4, 1, 4, method="exact_conditional", confidence_level=0.9).low, 0.3135693, rtol=1e-4)


def test_exact_conditional_agrees_with_scipy():
    # scipy.stats.contingency.odds_ratio(kind="conditional") is an independent implementation
    # (BiasedUrn-based) of the same conditional MLE and Cornfield limits; ours is written out.
    from scipy.stats.contingency import odds_ratio

    for x1, n1, x2, n2, level in [(35, 68, 14, 51, 0.8), (2, 68, 34, 44, 0.99), (9, 50, 1, 2, 0.95), (0, 7, 3, 9, 0.95)]:
        ref = odds_ratio([[x1, n1 - x1], [x2, n2 - x2]], kind="conditional")
        ci = ref.confidence_interval(level)
        got = odds_ratio_ci(x1, n1, x2, n2, method="exact_conditional", confidence_level=level)
        np.testing.assert_allclose(tuple(got), [ref.statistic, ci.low, ci.high], rtol=1e-8)


def test_exact_conditional_is_fast_for_large_samples():
    # 10**6 files a round: scipy's odds_ratio does not finish in minutes at this size. Conditional
    # and unconditional estimates agree closely for large samples (Breslow and Day 1980, 4.2),
    # so the Woolf interval is the reference here: hand calculation of the sample odds ratio,
    # (250000 * 740000) / (750000 * 260000) = 0.948718.
    got = odds_ratio_ci(250_000, 10**6, 260_000, 10**6, method="exact_conditional")
    woolf = odds_ratio_ci(250_000, 10**6, 260_000, 10**6)
    assert abs(woolf.estimate - 0.948718) < 1e-6
    np.testing.assert_allclose(tuple(got), tuple(woolf), rtol=1e-4)


@pytest.mark.parametrize("func", [ratio_ci, odds_ratio_ci])
def test_zero_cells(func):
    methods = {ratio_ci: ("katz_log", "koopman", "miettinen_nurminen"), odds_ratio_ci: ("woolf", "exact_conditional", "miettinen_nurminen")}
    for method in methods[func]:
        none_first = func(0, 10, 5, 20, method=method)  # estimate 0: lower limit 0, finite upper
        assert none_first.estimate == 0 and none_first.low == 0 and 0 < none_first.high < np.inf
        none_second = func(10, 10, 0, 20, method=method)  # estimate inf: upper limit inf
        assert none_second.estimate == np.inf and none_second.high == np.inf and 0 < none_second.low < np.inf
        both = func(0, 10, 0, 20, method=method)  # nothing to compare
        assert np.isnan(both.estimate) and both.low == 0 and both.high == np.inf


def test_two_group_errors():
    with pytest.raises(ValueError, match="do not match"):
        ratio_ci([1, 2], [5, 5], [1, 2, 3], [8, 8, 8])
    with pytest.raises(ValueError, match="0"):
        odds_ratio_ci(1, 5, 2, 8, confidence_level=0)


def test_identical_rounds_and_single_files():
    # identical rounds give intervals symmetric about 1 (log scale)
    for method in ("katz_log", "koopman", "miettinen_nurminen"):
        r = ratio_ci(61, 135, 61, 135, method=method)
        assert r.estimate == 1 and abs(math.log(r.low) + math.log(r.high)) < 1e-9
    # n = 1, both files failing. Koopman by hand: for R > 1 the restricted estimates are
    # p1 = 1, p2 = 1/R, so Z = (1 - R)/sqrt(R^2 (1/R)(1 - 1/R)) = -sqrt(R - 1) and Z = -z gives
    # R = 1 + z^2 = 4.841459; for R < 1, p2 = 1, p1 = R, Z = sqrt((1 - R)/R) = z gives
    # R = 1/(1 + z^2) = 0.206549. The Katz variance is 0 here (documented zero width).
    close(tuple(ratio_ci(1, 1, 1, 1, method="koopman"))[1:], [1 / (1 + Z95**2), 1 + Z95**2], 1e-9)
    assert tuple(ratio_ci(1, 1, 1, 1)) == (1.0, 1.0, 1.0)


# ---------------------------------------------------------------- properties

counts = st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
levels = st.floats(0.5, 0.995)


@settings(max_examples=40, deadline=None)
@given(counts, counts, levels, st.sampled_from([(ratio_ci, m) for m in ("katz_log", "koopman", "miettinen_nurminen")] + [(odds_ratio_ci, m) for m in ("woolf", "exact_conditional", "miettinen_nurminen")]))
def test_ratio_interval_properties(g1, g2, level, func_method):
    func, method = func_method
    (x1, n1), (x2, n2) = g1, g2
    r = func(x1, n1, x2, n2, method=method, confidence_level=level)
    assert 0 <= r.low <= r.high <= np.inf
    if not np.isnan(r.estimate):
        assert r.low * (1 - 1e-7) <= r.estimate <= r.high * (1 + 1e-7)
    wider = func(x1, n1, x2, n2, method=method, confidence_level=min(level + 0.004, 0.999))
    assert wider.low <= r.low * (1 + 1e-7) and wider.high >= r.high * (1 - 1e-7)
    s = func(x2, n2, x1, n1, method=method, confidence_level=level)  # swapping groups inverts the ratio
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose([s.low, s.high], np.divide(1.0, [r.high, r.low]), rtol=1e-6)


def test_vectorised_exact_conditional():
    # Arrays broadcast, one interval per element, each equal to its scalar call.
    r = odds_ratio_ci([3, 7], 34, [1, 1], 34, method="exact_conditional")
    assert r.estimate.shape == (2,) and r.low[1] == odds_ratio_ci(7, 34, 1, 34, method="exact_conditional").low
