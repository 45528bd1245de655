"""Hypothesis tests of a change in the failure rate between two rounds, and the critical count of a planned round.

Group 1 is the later round, group 2 the earlier one; ``x`` failures out of
``n`` case files. ``alternative="less"`` means H1: p1 < p2, an improvement
when the outcome is failure.
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import (
    check_alternative,
    check_level,
    check_method,
    check_planned,
    check_two_groups,
)
from inspection_analysis.stats.normal_tails import normal_pvalue
from inspection_analysis.stats.results import TestResult

__all__ = [
    "CHANGE_METHODS",
    "change_test",
    "change_tests",
    "critical_count",
]

CHANGE_METHODS = ("boschloo", "fisher", "barnard", "barnard_unpooled", "score", "chi2", "chi2_yates")
_EXACT_METHODS = ("boschloo", "fisher", "barnard", "barnard_unpooled")


def _exact_one(method: str, x1: int, n1: int, x2: int, n2: int, alternatives) -> dict[str, tuple[float, float]]:
    """One exact test on scalar counts, ``(statistic, pvalue)`` per alternative; the groups are the table's columns."""
    if method == "fisher":
        from scipy.stats import fisher_exact

        table = [[x1, x2], [n1 - x1, n2 - x2]]
        return {alt: tuple(float(v) for v in fisher_exact(table, alternative=alt)) for alt in alternatives}
    from inspection_analysis.stats._barnard import barnard_test
    from inspection_analysis.stats._boschloo import boschloo_tests

    if method == "boschloo":
        return boschloo_tests(x1, n1, x2, n2, alternatives)
    return {alt: barnard_test(x1, n1, x2, n2, alt, pooled=(method == "barnard")) for alt in alternatives}


def _pooled_z(x1, n1, x2, n2) -> np.ndarray:
    """Pooled score z for p1 - p2; 0 where the pooled rate is 0 or 1 (no information)."""
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(se > 0, (p1 - p2) / np.where(se > 0, se, 1.0), 0.0)


def change_test(x1, n1, x2, n2, *, method: str = "boschloo", alternative: str = "two-sided") -> TestResult:
    """Test for a change in the failure rate between two rounds.

    Parameters
    ----------
    x1, n1 : int or array_like of int
        Failures and case files in group 1, the later round.
    x2, n2 : int or array_like of int
        Failures and case files in group 2, the earlier round. Arrays
        broadcast together and give one test per element.
    method : str, default ``"boschloo"``
        ``"boschloo"`` (Boschloo's exact unconditional test), ``"fisher"``,
        ``"barnard"`` (pooled variance), ``"barnard_unpooled"``, ``"score"``
        (pooled z), ``"chi2"`` (Pearson) or ``"chi2_yates"`` (with Yates's
        continuity correction).
    alternative : {"two-sided", "less", "greater"}, default ``"two-sided"``
        ``"less"``: H1 p1 < p2, an improvement (fewer failures in the later
        round); ``"greater"``: H1 p1 > p2, a deterioration.

    Returns
    -------
    TestResult
        ``statistic`` -- by method: ``boschloo`` Fisher's one-sided p-value
        (scipy's :func:`~scipy.stats.boschloo_exact` statistic); ``fisher``
        the sample odds ratio ``x1 (n2 - x2) / (x2 (n1 - x1))`` (scipy's
        :func:`~scipy.stats.fisher_exact` statistic); ``barnard`` and
        ``barnard_unpooled`` the Wald statistic of
        :func:`~scipy.stats.barnard_exact`; ``score`` the pooled z, signed as
        ``p1 - p2``; ``chi2`` and ``chi2_yates`` X² on 1 degree of freedom.
        ``pvalue`` -- for ``alternative``. ``method``, ``alternative`` -- as
        given. Floats for scalar input, arrays otherwise.

    Raises
    ------
    ValueError
        For negative or non-integer counts, ``n = 0``, ``x > n``, shapes that
        do not broadcast, an unknown ``method`` or ``alternative``, or rounds
        too large for an unconditional exact test's grid of
        ``(n1 + n2 + 1) (n1 + 1)`` cells (more than
        :data:`~inspection_analysis.stats._exact_grid.MAX_GRID_CELLS`: 40 million
        for Boschloo, 12 million for Barnard, about 1 GB each).

    Notes
    -----
    The exact tests use the 2x2 table ``[[x1, x2], [n1 - x1, n2 - x2]]``
    with the groups as columns, which is scipy's orientation, so scipy's
    ``alternative="less"`` (H1: p1 < p2) keeps its meaning here.
    Boschloo's test uses Fisher's one-sided p-value as its statistic and
    maximises the tail probability over the common failure rate; it is
    uniformly more powerful than Fisher's test [1]_, [3]_. Its two-sided
    p-value is twice the smaller one-sided one, clipped to 1 (scipy's
    convention), so two identical rounds give a two-sided p-value a little
    below 1 (0.9449 for 5/10 against 5/10). It is computed by the fast engine
    in :mod:`inspection_analysis.stats._boschloo`, which matches
    :func:`scipy.stats.boschloo_exact` and :func:`scipy.stats.barnard_exact`
    except where scipy's search stops below the supremum or (Barnard) drops
    tables tied with the observed one in exact arithmetic; there our p-value
    is the correct, larger one (see ``docs/methodology.md``).

    The score test uses ``z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))``
    with the pooled rate ``p``; ``chi2`` reports ``X² = z²`` (Pearson's
    statistic for the 2x2 table). ``chi2_yates`` reports
    ``X² = N max(0, |ad - bc| - N/2)² / (n1 n2 m1 m2)`` (the correction
    never exceeds ``|O - E|``, as in R's ``chisq.test``). For one-sided
    alternatives both chi-square methods use the signed root
    ``sign(p1 - p2) sqrt(X²)`` as a standard normal deviate. When no round
    has a failure, or every file fails, these asymptotic tests have no
    information: statistic 0, p-value 1 (two-sided) or 0.5 (one-sided).

    References
    ----------
    .. [1] Boschloo, R. D. (1970). Raised conditional level of significance for
       the 2 x 2-table when testing the equality of two probabilities.
       Statistica Neerlandica 24(1), 1-9.
    .. [2] Barnard, G. A. (1947). Significance tests for 2 x 2 tables.
       Biometrika 34(1/2), 123-138.
    .. [3] Lydersen, S., Fagerland, M. W. and Laake, P. (2009). Recommended
       tests for association in 2 x 2 tables. Statistics in Medicine 28,
       1159-1175.
    .. [4] Agresti, A. (2013). Categorical Data Analysis, 3rd ed. Wiley.

    Examples
    --------
    Inspectorate samples of 2017 Q3 (125 of 135 files failing) and 2018
    (210 of 303): did the failure rate fall?

    >>> res = change_test(210, 303, 125, 135, alternative="less")
    >>> print(f"{res.pvalue:.2e}")
    8.30e-09
    >>> res = change_test(3, 4, 1, 4, method="fisher", alternative="greater")
    >>> print(f"{res.pvalue:.4f}")
    0.2429
    """
    return change_tests(x1, n1, x2, n2, method=method, alternatives=(alternative,))[alternative]


def change_tests(x1, n1, x2, n2, *, method: str = "boschloo",
                 alternatives=("two-sided", "less")) -> dict[str, TestResult]:
    """:func:`change_test` for several alternatives at once, sharing the work.

    Parameters
    ----------
    x1, n1, x2, n2, method
        As in :func:`change_test`.
    alternatives : iterable of {"two-sided", "less", "greater"}, default ("two-sided", "less")
        The alternatives wanted; repeats are ignored.

    Returns
    -------
    dict of str to TestResult
        For each alternative, the result :func:`change_test` gives for it.

    Raises
    ------
    ValueError
        As :func:`change_test`, or for an empty ``alternatives``.

    Notes
    -----
    Boschloo's two-sided p-value is twice the smaller one-sided one, so the
    two-sided and one-sided tests of a table need each one-sided p-value only
    once (:func:`~inspection_analysis.stats._boschloo.boschloo_tests`); other
    methods run once per alternative.

    Examples
    --------
    >>> res = change_tests(7, 15, 12, 15)
    >>> print(f"{res['two-sided'].pvalue:.4f} {res['less'].pvalue:.4f}")
    0.0682 0.0341
    """
    check_method(method, CHANGE_METHODS)
    alternatives = tuple(dict.fromkeys(check_alternative(a) for a in alternatives))
    if not alternatives:
        raise ValueError("alternatives must name at least one of: two-sided, less, greater")
    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    if method not in _EXACT_METHODS:
        return {alt: _asymptotic(method, x1, n1, x2, n2, alt) for alt in alternatives}
    stats = {alt: np.empty(x1.shape) for alt in alternatives}
    pvals = {alt: np.empty(x1.shape) for alt in alternatives}
    for idx in np.ndindex(x1.shape):
        one = _exact_one(method, int(x1[idx]), int(n1[idx]), int(x2[idx]), int(n2[idx]), alternatives)
        for alt, (stat, p) in one.items():
            stats[alt][idx], pvals[alt][idx] = stat, p
    return {alt: TestResult.from_arrays(stats[alt], pvals[alt], method, alt) for alt in alternatives}


def _asymptotic(method: str, x1, n1, x2, n2, alternative: str) -> TestResult:
    """The score and chi-square tests of :func:`change_test` (vectorised; inputs checked)."""
    if method == "score":
        stats = _pooled_z(x1, n1, x2, n2)
        return TestResult.from_arrays(stats, normal_pvalue(stats, alternative), method, alternative)
    z = _pooled_z(x1, n1, x2, n2)
    if method == "chi2_yates":
        total = n1 + n2
        m1 = x1 + x2
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = np.maximum(0.0, np.abs(x1 * (n2 - x2) - x2 * (n1 - x1)) / total - 0.5)
            z = np.where(z != 0, np.sign(z) * dev * np.sqrt(total**3 / (n1 * n2 * m1 * (total - m1))), 0.0)
    stats = z**2
    if alternative == "two-sided":
        from scipy.stats import chi2

        pvals = chi2.sf(stats, 1)
    else:
        pvals = normal_pvalue(z, alternative)
    return TestResult.from_arrays(stats, pvals, method, alternative)


def critical_count(x2, n2, n1, *, alpha: float = 0.05, method: str = "boschloo") -> int | None:
    """The most failures among ``n1`` new case files that would still be a significant improvement.

    Parameters
    ----------
    x2, n2 : int
        Failures and case files in the earlier round (group 2).
    n1 : int
        Case files planned for the new round (group 1).
    alpha : float, default 0.05
        One-sided significance level.
    method : {"boschloo", "fisher"}, default ``"boschloo"``
        The exact test of :func:`change_test` with ``alternative="less"``.

    Returns
    -------
    int or None
        The largest ``x1`` in ``0..n1`` whose one-sided p-value is at most
        ``alpha``, or ``None`` when even ``x1 = 0`` would not be significant.

    Raises
    ------
    ValueError
        For invalid counts, ``alpha`` outside (0, 1), an unknown ``method``,
        or (Boschloo) rounds too large for its grid, as in :func:`change_test`
        (Fisher's test has no such limit).

    Notes
    -----
    "Significant" means ``p <= alpha``, the rule under which an exact test's
    size is at most ``alpha``. Both p-values grow with ``x1`` (more failures
    in the new round, less evidence of improvement), so a bisection over
    ``x1`` needs about ``log2(n1)`` tests. For Boschloo the Fisher p-value grid
    depends only on the group sizes; it is built once
    (:class:`~inspection_analysis.stats._boschloo.BoschlooRegion`) and only the
    observed threshold moves.

    References
    ----------
    .. [1] Boschloo, R. D. (1970). Statistica Neerlandica 24(1), 1-9.

    Examples
    --------
    2016: 278 of 374 files failed. With 170 new files, how many failures at
    most would show a significant improvement?

    >>> critical_count(278, 374, 170)
    114
    """
    check_method(method, ("boschloo", "fisher"))
    alpha = check_level(alpha, "alpha")
    x2, n2, n1 = check_planned(x2, n2, n1, "critical_count")
    if method == "boschloo":
        from inspection_analysis.stats._boschloo import BoschlooRegion

        region = BoschlooRegion(n1, n2)

        def pvalue(x1: int) -> float:
            return region.pvalue_less(x1, x2)[1]
    else:
        from scipy.stats import hypergeom

        def pvalue(x1: int) -> float:
            return float(hypergeom.cdf(x1, n1 + n2, x1 + x2, n1))

    if pvalue(0) > alpha:
        return None
    lo, hi = 0, n1  # invariant: pvalue(lo) <= alpha; answer in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pvalue(mid) <= alpha:
            lo = mid
        else:
            hi = mid - 1
    return lo
