"""Pearson's chi-square test of homogeneity across several rounds (k rounds x outcomes)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import as_count_array
from inspection_analysis.stats.results import TestResult

__all__ = ["ChiSquareResult", "homogeneity_test"]


@dataclass(frozen=True, repr=False)
class ChiSquareResult(TestResult):
    """A chi-square test result: a :class:`TestResult` plus its degrees of freedom.

    Attributes
    ----------
    statistic, pvalue, method, alternative
        As in :class:`TestResult`.
    df : int
        Degrees of freedom of the reference chi-square distribution.
    """

    df: int = 1


def homogeneity_test(table) -> ChiSquareResult:
    """Pearson's chi-square test that several rounds share one outcome distribution.

    Parameters
    ----------
    table : array_like of int, shape (k, c)
        Rounds as rows, outcomes as columns: ``k`` rounds of (failures,
        passes), or rounds by grades. ``k >= 2`` and ``c >= 2``.

    Returns
    -------
    ChiSquareResult
        ``statistic`` -- X² = sum (O - E)² / E with E = row total x column
        total / N; ``pvalue`` -- upper tail of chi-square on ``df``;
        ``df`` -- (k - 1)(c - 1); ``method`` -- ``"pearson chi2, df=<df>"``;
        ``alternative`` -- ``"two-sided"`` (the omnibus test has no direction).

    Raises
    ------
    ValueError
        If the table is not two-dimensional, has fewer than 2 rows or columns,
        holds a negative or non-integer count, or has a row or column of zeros.

    Notes
    -----
    No continuity correction. The approximation wants most expected counts
    of 5 or more [1]_; with small samples prefer an exact test for two rounds.

    References
    ----------
    .. [1] Agresti, A. (2013). Categorical Data Analysis, 3rd ed. Wiley, s. 3.2.

    Examples
    --------
    Grades in 2017 Q3 (10 good, 64 RI, 61 inadequate) and 2018 (93, 127, 83):

    >>> res = homogeneity_test([[10, 64, 61], [93, 127, 83]])
    >>> print(f"X2 = {res.statistic:.2f} on {res.df} df, p = {res.pvalue:.1e}")
    X2 = 31.17 on 2 df, p = 1.7e-07
    """
    from scipy.stats import chi2

    raw = np.asarray(table)
    if raw.ndim != 2 or raw.shape[0] < 2 or raw.shape[1] < 2:
        raise ValueError(f"table must be 2-D with at least 2 rows and 2 columns, got shape {raw.shape}")
    counts = as_count_array(raw, "table")
    for axis, name in ((1, "row"), (0, "column")):
        sums = counts.sum(axis=axis)
        if np.any(sums == 0):
            raise ValueError(f"table has a {name} of zeros ({name} {int(np.flatnonzero(sums == 0)[0])})")
    total = counts.sum()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / total
    stat = float(((counts - expected) ** 2 / expected).sum())
    df = (counts.shape[0] - 1) * (counts.shape[1] - 1)
    return ChiSquareResult(
        statistic=stat,
        pvalue=float(chi2.sf(stat, df)),
        method=f"pearson chi2, df={df}",
        alternative="two-sided",
        df=df,
    )
