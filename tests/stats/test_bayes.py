"""Tests for stats.bayes against Cook's (2005) closed-form sum and hand calculations."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.bayes import prob_improvement


def cook_p_greater(a1, b1, a2, b2):
    """P(X2 > X1) for X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2), integer a2 (Cook 2005, eq. for g(a, b, c, d)):
    sum_{i=0}^{a2-1} B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1))."""

    def log_beta(x, y):
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    return sum(
        math.exp(log_beta(a1 + i, b1 + b2) - math.log(b2 + i) - log_beta(1 + i, b2) - log_beta(a1, b1))
        for i in range(a2)
    )


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(3, 10, 7, 10), (0, 4, 2, 5), (12, 20, 9, 15), (210, 303, 278, 374)])
def test_matches_cook_closed_form(x1, n1, x2, n2):
    # Uniform prior: posteriors Beta(1 + x, 1 + n - x).
    expected = cook_p_greater(1 + x1, 1 + n1 - x1, 1 + x2, 1 + n2 - x2)
    assert prob_improvement(x1, n1, x2, n2) == pytest.approx(expected, abs=1e-9)


def test_vectorised_matches_cook_in_both_orientations():
    # Group 1's posterior is the narrower in the first two (n1 = 2000, 500 against a handful), the wider in
    # the last two: both ways of setting up the integral, in one call, against Cook's sum.
    cases = [(5, 2000, 3, 5), (0, 500, 1, 2), (7, 8, 400, 1000), (30, 60, 300, 600)]
    got = prob_improvement(*(list(v) for v in zip(*cases, strict=True)))
    for value, (x1, n1, x2, n2) in zip(got, cases, strict=True):
        assert value == pytest.approx(cook_p_greater(1 + x1, 1 + n1 - x1, 1 + x2, 1 + n2 - x2), abs=1e-11)


def test_hand_calculation_single_cases():
    # Hand: x1 = 0 of 1 -> p1 ~ Beta(1, 2) (density 2(1 - p)); x2 = 1 of 1 -> p2 ~ Beta(2, 1) (density 2p).
    # P(p1 < p2) = int_0^1 F1(t) 2t dt with F1(t) = 2t - t^2: int (4t^2 - 2t^3) dt = 4/3 - 1/2 = 5/6.
    assert prob_improvement(0, 1, 1, 1) == pytest.approx(5 / 6, abs=1e-10)
    # Identical data: by symmetry exactly 1/2.
    assert prob_improvement(4, 9, 4, 9) == pytest.approx(0.5, abs=1e-10)


def test_margin_hand_calculation():
    # Hand: x1 = 0 of 1 (p1 ~ Beta(1, 2)) and x2 = 1 of 1 (p2 ~ Beta(2, 1)) with margin 0.5:
    # P(p1 < p2 - .5) = int_.5^1 F1(t - .5) 2t dt, F1(u) = 2u - u^2.
    # Substitute u = t - .5: int_0^.5 (2u - u^2) 2(u + .5) du = int_0^.5 (4u^2 + 2u - 2u^3 - u^2) du
    #   = int_0^.5 (-2u^3 + 3u^2 + 2u) du = -.5*.0625 + .125 + .25 = 0.34375
    assert prob_improvement(0, 1, 1, 1, margin=0.5) == pytest.approx(0.34375, abs=1e-10)
    # Negative margin: P(p1 < p2 + .5) = 1 - P(p2 < p1 - .5); by the same integral with roles swapped
    # (p2 ~ Beta(2,1), F2(u) = u^2, p1 density 2(1 - t)): int_.5^1 (t - .5)^2 2(1 - t) dt = 1/96
    assert prob_improvement(0, 1, 1, 1, margin=-0.5) == pytest.approx(1 - 1 / 96, abs=1e-10)


def test_jeffreys_prior_and_edges_are_finite():
    value = prob_improvement(0, 5, 5, 5, prior=(0.5, 0.5))
    assert 0.99 < value <= 1
    assert 0 <= prob_improvement(5, 5, 0, 5) < 0.01
    big = prob_improvement(100_000, 1_000_000, 100_500, 1_000_000)
    assert 0.5 < big < 1 and math.isfinite(big)


def test_vectorised():
    out = prob_improvement([3, 3], [10, 10], [7, 3], [10, 10])
    assert out.shape == (2,)
    assert out[1] == pytest.approx(0.5, abs=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"prior": (0, 1)}, "positive"),
        ({"prior": 1}, "pair"),
        ({"margin": 1.0}, "margin"),
    ],
)
def test_invalid_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        prob_improvement(1, 2, 1, 2, **kwargs)


def test_invalid_counts():
    with pytest.raises(ValueError, match="must not exceed"):
        prob_improvement(3, 2, 1, 2)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 30), st.integers(1, 30), st.integers(0, 30), st.integers(1, 30))
def test_swapping_groups_complements(x1, n1, x2, n2):
    x1, x2 = min(x1, n1), min(x2, n2)
    p = prob_improvement(x1, n1, x2, n2)
    assert 0 <= p <= 1
    assert prob_improvement(x2, n2, x1, n1) == pytest.approx(1 - p, abs=1e-8)
