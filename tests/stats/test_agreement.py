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


def _exact_kappa(table, weights):
    """Kappa, ase and ase_h0 by the FCE (1969) formulas as printed, in exact rational arithmetic.

    The textbook difference-of-squares forms cancel badly in floating point as pe nears 1, but not
    in fractions; the square roots are taken with 40 significant digits.
    """
    from decimal import Decimal, getcontext
    from fractions import Fraction

    getcontext().prec = 40
    k = len(table)
    n = sum(sum(row) for row in table)
    p = [[Fraction(c, n) for c in row] for row in table]
    rows = [sum(row) for row in p]
    cols = [sum(p[i][j] for i in range(k)) for j in range(k)]

    def w(i, j):
        dist = Fraction(abs(i - j), k - 1)
        return {"none": Fraction(int(i == j)), "linear": 1 - dist, "quadratic": 1 - dist**2}[weights]

    cells = [(i, j) for i in range(k) for j in range(k)]
    po = sum(w(i, j) * p[i][j] for i, j in cells)
    pe = sum(w(i, j) * rows[i] * cols[j] for i, j in cells)
    kap = (po - pe) / (1 - pe)
    wbar_row = [sum(cols[j] * w(i, j) for j in range(k)) for i in range(k)]
    wbar_col = [sum(rows[i] * w(i, j) for i in range(k)) for j in range(k)]
    scale = n * (1 - pe) ** 2
    var = (sum(p[i][j] * (w(i, j) - (wbar_row[i] + wbar_col[j]) * (1 - kap)) ** 2 for i, j in cells)
           - (kap - pe * (1 - kap)) ** 2) / scale
    var0 = (sum(rows[i] * cols[j] * (w(i, j) - (wbar_row[i] + wbar_col[j])) ** 2 for i, j in cells) - pe**2) / scale

    def root(q):
        return float((Decimal(q.numerator) / Decimal(q.denominator)).sqrt())

    return float(kap), root(var), root(var0)


def _sparse_table(k, cells):
    table = [[0] * k for _ in range(k)]
    for (i, j), count in cells.items():
        table[i][j] = count
    return table


def test_kappa_defined_when_chance_agreement_is_near_but_not_one():
    # 10 x 10, diagonal (2465, 1), quadratic weights: pe = 1 - 2 * 2465 / (2466^2 * 81) = 1 - 1.0009e-5,
    # within np.isclose's tolerance of 1, but kappa is defined. R 4.2.2 vcd::Kappa (weights = "Fleiss-Cohen"):
    # value 1, ASE 0 (tests/stats/reference/numeric_edges.R and .txt); ase_h0 from exact fractions.
    table = _sparse_table(10, {(0, 0): 2465, (1, 1): 1})
    _, _, exact_ase0 = _exact_kappa(table, "quadratic")
    for weights in ("quadratic", None):
        res = kappa(table, weights=weights)
        assert res.kappa == 1.0 and res.ase == 0.0 and (res.low, res.high) == (1.0, 1.0)
    assert kappa(table, weights="quadratic").ase_h0 == pytest.approx(exact_ase0, rel=1e-12)


def test_kappa_null_standard_error_keeps_precision_as_chance_agreement_nears_one():
    # 8 x 8 with [0,0] = 4923, [0,1] = 1, [1,1] = 1, quadratic weights: pe = 1 - 8.2e-7.
    # Exact fractions (FCE formulas, _exact_kappa): ase_h0 = 0.013434017755...; the textbook
    # difference form in doubles gave 0.013434002856. vcd::Kappa (R 4.2.2, numeric_edges.txt):
    # value 0.66657639969614624, ASE 0.31431222790470043 (vcd also cancels: it agrees to 5e-10 only).
    table = _sparse_table(8, {(0, 0): 4923, (0, 1): 1, (1, 1): 1})
    exact_kappa, exact_ase, exact_ase0 = _exact_kappa(table, "quadratic")
    assert exact_ase0 == pytest.approx(0.013434017755, abs=5e-13)
    res = kappa(table, weights="quadratic")
    assert res.ase_h0 == pytest.approx(exact_ase0, rel=1e-12)
    assert res.ase == pytest.approx(exact_ase, rel=1e-12)
    assert res.kappa == pytest.approx(exact_kappa, rel=1e-12)
    assert res.kappa == pytest.approx(0.66657639969614624, rel=1e-9)
    assert res.ase == pytest.approx(0.31431222790470043, rel=1e-8)


def test_kappa_nan_only_when_chance_agreement_is_exactly_one():
    # Both assessors give every case grade 2 of 4: pe = 1 exactly, kappa = 0/0.
    for weights in (None, "linear", "quadratic"):
        res = kappa(_sparse_table(4, {(2, 2): 9}), weights=weights)
        assert all(math.isnan(v) for v in (res.kappa, res.ase, res.low, res.high, res.ase_h0, res.z, res.pvalue))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.integers(0, 30), min_size=k * k, max_size=k * k).filter(lambda c: sum(c) > 0),
    st.sampled_from(["none", "linear", "quadratic"]))))
def test_kappa_matches_exact_fractions(case):
    k, cells, weights = case
    table = [cells[i * k:(i + 1) * k] for i in range(k)]
    res = kappa(table, weights=weights)
    rows_used = {i for i in range(k) if sum(table[i])}
    cols_used = {j for j in range(k) if sum(row[j] for row in table)}
    if len(rows_used) == len(cols_used) == 1 and rows_used == cols_used:
        assert math.isnan(res.kappa)
        return
    exact_kappa, exact_ase, exact_ase0 = _exact_kappa(table, weights)
    assert res.kappa == pytest.approx(exact_kappa, rel=1e-10, abs=1e-12)
    assert res.ase == pytest.approx(exact_ase, rel=1e-9, abs=1e-12)
    assert res.ase_h0 == pytest.approx(exact_ase0, rel=1e-9, abs=1e-12)
