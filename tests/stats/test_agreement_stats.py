"""Tests for stats.agreement: kappa by hand (Fleiss, Cohen & Everitt 1969) and Fréchet bounds by brute force."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.agreement import agreement_bounds, kappa


def test_kappa_2x2_hand_calculation():
    # Table [[20, 5], [10, 15]], n = 50: p = [[.4, .1], [.2, .3]], rows (.5, .5), cols (.6, .4).
    # po = .7, pe = .5*.6 + .5*.4 = .5, kappa = (.7 - .5) / .5 = .4
    # FCE (1969) non-null variance, 1 - kappa = .6:
    #   diagonal: .4 (1 - 1.1*.6)^2 + .3 (1 - .9*.6)^2 = .4*.1156 + .3*.2116 = .10972
    #   off-diagonal: .36 * (.1*(.6+.5)^2 + .2*(.4+.5)^2) = .36 * (.121 + .162) = .10188
    #   minus (kappa - pe(1 - kappa))^2 = (.4 - .3)^2 = .01
    #   var = (.10972 + .10188 - .01) / (50 * .25) = .2016 / 12.5 = .016128, ase = 0.1269961
    # Null variance: (pe + pe^2 - sum p_i. p_.i (p_i. + p_.i)) / (n (1 - pe)^2)
    #   = (.5 + .25 - (.5*.6*1.1 + .5*.4*.9)) / 12.5 = (.75 - .51) / 12.5 = .0192, ase0 = 0.1385641
    # z = .4 / 0.1385641 = 2.8867513, p = erfc(z / sqrt 2)
    res = kappa([[20, 5], [10, 15]])
    assert res.kappa == pytest.approx(0.4, abs=1e-12)
    assert res.ase == pytest.approx(math.sqrt(0.016128), abs=1e-12)
    assert res.ase_h0 == pytest.approx(math.sqrt(0.0192), abs=1e-12)
    assert res.z == pytest.approx(0.4 / math.sqrt(0.0192), abs=1e-12)
    assert res.pvalue == pytest.approx(math.erfc(0.4 / math.sqrt(0.0192) / math.sqrt(2)), abs=1e-12)
    half = 1.959963985 * math.sqrt(0.016128)
    assert (res.low, res.high) == (pytest.approx(0.4 - half, abs=1e-8), pytest.approx(0.4 + half, abs=1e-8))


def test_weighted_kappa_3x3_hand_value():
    # Table [[10,3,1],[2,8,4],[0,2,9]], n = 39; linear weights 1, .5, 0.
    # po_w = (10+8+9 + .5*(3+2+4+2)) / 39 = 32.5/39 = 0.8333333
    # rows (14, 14, 11)/39, cols (12, 13, 14)/39; pe_w = sum w_ij r_i c_j / 39^2
    #   = [14*(12 + 6.5 + 0) + 14*(6 + 13 + 7) + 11*(0 + 6.5 + 14)] / 1521 = (259 + 364 + 225.5) / 1521 = 0.5578567
    # kappa_w = (0.8333333 - 0.5578567) / (1 - 0.5578567) = 0.6230483
    res = kappa([[10, 3, 1], [2, 8, 4], [0, 2, 9]], weights="linear")
    assert res.kappa == pytest.approx((32.5 / 39 - 848.5 / 1521) / (1 - 848.5 / 1521), abs=1e-12)


def test_kappa_standard_errors_match_statsmodels_independent_implementation():
    # statsmodels.stats.inter_rater.cohens_kappa is a separate implementation of the FCE (1969)
    # formulas (this module does not call it), so agreement is a genuine cross-check.
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.array([[10, 3, 1], [2, 8, 4], [0, 2, 9]])
    for ours, theirs in [(None, None), ("linear", "linear"), ("quadratic", "quadratic")]:
        ref = cohens_kappa(table, wt=theirs)
        res = kappa(table, weights=ours)
        assert res.kappa == pytest.approx(ref.kappa, abs=1e-12)
        assert res.ase == pytest.approx(ref.std_kappa, abs=1e-12)
        assert res.ase_h0 == pytest.approx(ref.std_kappa0, abs=1e-12)


def test_kappa_perfect_and_degenerate():
    perfect = kappa([[5, 0], [0, 5]])
    assert perfect.kappa == pytest.approx(1.0) and perfect.ase == pytest.approx(0.0, abs=1e-12)
    one_grade = kappa([[7, 0], [0, 0]])
    assert math.isnan(one_grade.kappa)


@pytest.mark.parametrize(
    ("table", "kwargs", "match"),
    [
        ([[1, 2, 3], [1, 2, 3]], {}, "square"),
        ([[0, 0], [0, 0]], {}, "at least one"),
        ([[1, -1], [1, 1]], {}, "negative"),
        ([[1, 1], [1, 1]], {"weights": "cubic"}, "weights"),
        ([[1, 1], [1, 1]], {"confidence_level": 0}, "confidence_level"),
    ],
)
def test_kappa_invalid(table, kwargs, match):
    with pytest.raises(ValueError, match=match):
        kappa(table, **kwargs)


def test_agreement_bounds_hand():
    # Hand, k = 2, n = 100: a = (30, 70), b = (40, 60).
    # max = min(30, 40) + min(70, 60) = 90; min = max(0, 30+40-100) + max(0, 70+60-100) = 0 + 30 = 30
    assert agreement_bounds([30, 70], [40, 60]) == (30, 90)
    # Hand, k = 3 with equal thirds: a cyclic shift avoids every match -> min 0; max = 30
    assert agreement_bounds([10, 10, 10], [10, 10, 10]) == (0, 30)


def _tables_with_margins(a, b):
    """Every non-negative integer table with row sums a and column sums b (brute force)."""
    k = len(a)

    def rows(i, remaining):
        if i == k:
            if all(r == 0 for r in remaining):
                yield []
            return
        for row in itertools.product(*(range(min(a[i], r) + 1) for r in remaining)):
            if sum(row) == a[i]:
                rest = [r - c for r, c in zip(remaining, row, strict=True)]
                for tail in rows(i + 1, rest):
                    yield [row, *tail]

    yield from rows(0, list(b))


@pytest.mark.parametrize("k", [2, 3, 4])
def test_agreement_bounds_brute_force(k):
    rng = np.random.default_rng(20240 + k)
    for _ in range(25):
        n = int(rng.integers(1, 8))
        a = rng.multinomial(n, np.ones(k) / k)
        b = rng.multinomial(n, rng.dirichlet(np.ones(k)))
        diagonals = [sum(t[i][i] for i in range(k)) for t in _tables_with_margins(a.tolist(), b.tolist())]
        assert agreement_bounds(a, b) == (min(diagonals), max(diagonals))


def test_agreement_bounds_invalid():
    with pytest.raises(ValueError, match="totals differ"):
        agreement_bounds([9, 8, 7, 10], [17, 8, 5, 3])
    with pytest.raises(ValueError, match="same grades"):
        agreement_bounds([1, 2], [1, 1, 1])
    with pytest.raises(ValueError, match="negative"):
        agreement_bounds([-1, 4], [1, 2])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=4, max_size=4).filter(lambda c: sum(c) > 0))
def test_kappa_properties(cells):
    table = np.array(cells).reshape(2, 2)
    res = kappa(table)
    if not math.isnan(res.kappa):
        assert -1 <= res.kappa <= 1
        assert res.low <= res.kappa <= res.high
        assert kappa(table.T).kappa == pytest.approx(res.kappa, abs=1e-12)  # swapping assessors
        if not math.isnan(res.pvalue):
            assert 0 <= res.pvalue <= 1
