"""Tests for stats.bayes_monitor: beta-binomial sequential updating.

References: exact Beta integrals and beta-binomial probabilities written out below in rational
arithmetic. For whole-number parameters the Beta cdf is a finite binomial sum,
I_t(a, b) = sum_{j=a}^{a+b-1} C(a+b-1, j) t^j (1-t)^(a+b-1-j), and
B(p, q) = (p-1)! (q-1)! / (p+q-1)!.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.bayes_monitor import beta_binomial_monitor


def _beta_cdf(t, a: int, b: int) -> Fraction:
    """Regularised incomplete beta I_t(a, b) for whole a, b, as an exact binomial sum."""
    t = Fraction(t)
    m = a + b - 1
    return sum(math.comb(m, j) * t**j * (1 - t) ** (m - j) for j in range(a, m + 1))


def _beta_fn(p: int, q: int) -> Fraction:
    return Fraction(math.factorial(p - 1) * math.factorial(q - 1), math.factorial(p + q - 1))


def _betabinom_cdf(k: int, m: int, a: int, b: int) -> Fraction:
    return sum(math.comb(m, j) * _beta_fn(j + a, m - j + b) / _beta_fn(a, b) for j in range(k + 1))


def _quantile(m, a, b, prob):
    """Smallest k with P(K <= k) >= prob."""
    return next(k for k in range(m + 1) if _betabinom_cdf(k, m, a, b) >= prob)


def test_sequential_update_and_prob_below_exact():
    # uniform prior; rounds 12/40, 9/40, 5/40 -> Beta(13, 29), Beta(22, 60), Beta(27, 95)
    mon = beta_binomial_monitor([12, 9, 5], [40, 40, 40], target=Fraction(1, 4), prior=(1, 1))
    assert mon.a.tolist() == [13, 22, 27] and mon.b.tolist() == [29, 60, 95]
    expected = [_beta_cdf(Fraction(1, 4), a, b) for a, b in [(13, 29), (22, 60), (27, 95)]]
    np.testing.assert_allclose(mon.prob_below, [float(e) for e in expected], rtol=1e-12)
    np.testing.assert_allclose(mon.mean, [13 / 42, 22 / 82, 27 / 122], rtol=1e-15)


def test_credible_interval_ends_have_their_tail_mass():
    mon = beta_binomial_monitor([7], [30], target=0.3, prior=(1, 1), credible_level=0.9)  # Beta(8, 24)
    # I_low(8, 24) = 0.05 and I_high(8, 24) = 0.95, checked with the exact sum at the returned ends
    assert float(_beta_cdf(Fraction(float(mon.low[0])), 8, 24)) == pytest.approx(0.05, abs=1e-12)
    assert float(_beta_cdf(Fraction(float(mon.high[0])), 8, 24)) == pytest.approx(0.95, abs=1e-12)


def test_predictive_range_exact():
    # after 12/40 and 9/40 with a uniform prior: Beta(22, 60); next audit of 30 files
    mon = beta_binomial_monitor([12, 9], [40, 40], target=0.3, prior=(1, 1), n_next=30)
    assert mon.n_next.tolist() == [30, 30]
    for i, (a, b) in enumerate([(13, 29), (22, 60)]):
        assert mon.predictive_low[i] == _quantile(30, a, b, Fraction(1, 40))
        assert mon.predictive_high[i] == _quantile(30, a, b, Fraction(39, 40))
    # written out for Beta(22, 60), m = 30: P(K <= 2) = 0.0143 < 0.025 <= P(K <= 3) = 0.0426;
    # P(K <= 13) = 0.9669 < 0.975 <= P(K <= 14) = 0.9842
    assert _betabinom_cdf(2, 30, 22, 60) < Fraction(1, 40) <= _betabinom_cdf(3, 30, 22, 60)
    assert _betabinom_cdf(13, 30, 22, 60) < Fraction(39, 40) <= _betabinom_cdf(14, 30, 22, 60)
    assert (mon.predictive_low[1], mon.predictive_high[1]) == (3, 14)


def test_predictive_pmf_sums_to_one_small_case():
    # Beta(2, 3), m = 2: P(K=0) = B(2,5)/B(2,3) = (1/30)/(1/12) = 2/5; P(K=1) = 2 B(3,4)/B(2,3) = 2 (1/60) 12 = 2/5;
    # P(K=2) = B(4,3)/B(2,3) = (1/60) 12 = 1/5 -> central 50% range is 0..1
    assert _betabinom_cdf(0, 2, 2, 3) == Fraction(2, 5) and _betabinom_cdf(1, 2, 2, 3) == Fraction(4, 5)
    mon = beta_binomial_monitor([1], [3], target=0.5, prior=(1, 1), n_next=2, credible_level=0.5)  # Beta(2, 3)
    assert (mon.predictive_low[0], mon.predictive_high[0]) == (0, 1)


def test_jeffreys_default_and_discount():
    mon = beta_binomial_monitor([10, 4], [20, 20], target=0.4)
    assert mon.prior == (0.5, 0.5)
    np.testing.assert_allclose(mon.a, [10.5, 14.5]) and np.testing.assert_allclose(mon.b, [10.5, 26.5])
    # discount 0.5: round 2's counts are 4 + 0.5*10 = 9 failures, 16 + 0.5*10 = 21 passes
    half = beta_binomial_monitor([10, 4], [20, 20], target=0.4, prior=(1, 1), discount=0.5)
    np.testing.assert_allclose(half.a, [11, 10]) and np.testing.assert_allclose(half.b, [11, 22])
    assert half.prob_below[1] == pytest.approx(float(_beta_cdf(Fraction(2, 5), 10, 22)), rel=1e-12)


def test_to_frame_and_no_mutation():
    x = np.array([3, 5])
    mon = beta_binomial_monitor(x, [20, 25], target=0.2)
    x[0] = 99
    assert mon.x.tolist() == [3, 5]
    frame = mon.to_frame()
    assert frame["round"].tolist() == [1, 2] and "prob_below" in frame.columns and len(frame.columns) == 12


def test_validation():
    with pytest.raises(ValueError, match="target"):
        beta_binomial_monitor([1], [10], target=1.0)
    with pytest.raises(ValueError, match="prior"):
        beta_binomial_monitor([1], [10], target=0.5, prior=(0, 1))
    with pytest.raises(ValueError, match="discount"):
        beta_binomial_monitor([1], [10], target=0.5, discount=0)
    with pytest.raises(ValueError, match="one per round"):
        beta_binomial_monitor([1, 2], [10, 10], target=0.5, n_next=[5, 5, 5])
    with pytest.raises(ValueError, match="n_next"):
        beta_binomial_monitor([1], [10], target=0.5, n_next=0)
    with pytest.raises(ValueError, match="must not exceed"):
        beta_binomial_monitor([11], [10], target=0.5)
    with pytest.raises(ValueError, match="credible_level"):
        beta_binomial_monitor([1], [10], target=0.5, credible_level=1)


@settings(max_examples=40, deadline=None)
@given(rounds=st.lists(st.tuples(st.integers(1, 60), st.floats(0, 1)), min_size=1, max_size=6),
       target=st.floats(0.05, 0.95))
def test_invariants(rounds, target):
    n = np.array([r[0] for r in rounds])
    x = np.round(n * np.array([r[1] for r in rounds])).astype(int)
    mon = beta_binomial_monitor(x, n, target=target)
    assert np.all((mon.prob_below >= 0) & (mon.prob_below <= 1))
    assert np.all(mon.low <= mon.mean) and np.all(mon.mean <= mon.high)
    assert np.all((0 <= mon.predictive_low) & (mon.predictive_low <= mon.predictive_high)
                  & (mon.predictive_high <= mon.n_next))
    assert np.all(np.diff(mon.a + mon.b) > 0)  # with no discount the evidence only grows
