"""The test of one round's failure rate against a reference rate (a target, or an earlier published rate)."""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import check_alternative, check_counts, check_method, check_probability
from inspection_analysis.stats.normal_tails import normal_pvalue
from inspection_analysis.stats.results import TestResult

__all__ = ["rate_test"]


def rate_test(x, n, p0, *, alternative: str = "two-sided", method: str = "exact") -> TestResult:
    """Test one round's failure rate against a reference rate ``p0``.

    Parameters
    ----------
    x, n : int or array_like of int
        Failures and case files.
    p0 : float or array_like of float
        The rate under the null hypothesis, strictly between 0 and 1.
    alternative : {"two-sided", "less", "greater"}, default ``"two-sided"``
        ``"less"``: H1 p < p0.
    method : {"exact", "score"}, default ``"exact"``
        ``"exact"``: the binomial test (two-sided p-value sums the
        probabilities of outcomes no more likely than the one observed, as R's
        ``binom.test`` and :func:`scipy.stats.binomtest`); ``"score"``: the z
        test with the null standard error.

    Returns
    -------
    TestResult
        ``statistic`` -- ``x / n`` (exact) or ``z = (x/n - p0) / sqrt(p0 (1 - p0) / n)``
        (score); ``pvalue``; ``method``; ``alternative``.

    Raises
    ------
    ValueError
        For invalid counts, ``p0`` outside (0, 1), or an unknown ``method`` or
        ``alternative``.

    Notes
    -----
    The exact test gives the p-values of R's ``binom.test`` [2]_ and
    :func:`scipy.stats.binomtest`: the one-sided ones are binomial tails,
    and the two-sided one adds to the observed tail the opposite tail of
    outcomes whose probability is at most ``pmf(x) (1 + 1e-7)``. The tails
    come from :func:`scipy.stats.binom.cdf` and :func:`~scipy.stats.binom.sf`
    except below 1e-200, where Boost's incomplete beta behind them (and
    behind :func:`scipy.stats.binomtest`) can be 0 or wrong: there the tail
    is the probability of its end outcome times the sum of successive
    probability ratios (:mod:`inspection_analysis.stats._binomial`), exact to
    about 1e-11 relative down to 1e-300. So 38 of 500 against ``p0 = 0.8``
    (``"less"``) gives 4.1508069361e-270, as R and exact arithmetic do,
    where ``binomtest`` gives 0. (:func:`scipy.special.bdtr` is right in
    such tails but badly wrong near the centre for very large ``n``.)

    References
    ----------
    .. [1] Clopper, C. J. and Pearson, E. S. (1934). Biometrika 26(4), 404-413.
    .. [2] R Core Team. ``binom.test``, package stats. R: A Language and
       Environment for Statistical Computing.

    Examples
    --------
    R's ``binom.test(682, 925, p = 0.75)`` example (Mendel's peas):

    >>> print(f"{rate_test(682, 925, 0.75).pvalue:.4f}")
    0.3825
    """
    check_method(method, ("exact", "score"))
    check_alternative(alternative)
    x, n = check_counts(x, n)
    p0 = check_probability(p0, "p0", closed=False)
    try:
        x, n, p0 = np.broadcast_arrays(x, n, p0)
    except ValueError:
        raise ValueError(f"shapes of x {x.shape} and p0 {p0.shape} do not match") from None
    if method == "exact":
        from inspection_analysis.stats._binomial import binomial_tail, two_sided_pvalue

        stats = x / n
        if alternative == "two-sided":
            pvals = two_sided_pvalue(x, n, p0)
        else:
            pvals = binomial_tail(x, n, p0, upper=alternative == "greater")
    else:
        stats = (x / n - p0) / np.sqrt(p0 * (1 - p0) / n)
        pvals = normal_pvalue(stats, alternative)
    return TestResult.from_arrays(stats, pvals, method, alternative)
