"""Cochran–Armitage test for a trend in failure rates over ordered rounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from inspection_analysis.stats.checks import check_alternative, check_counts
from inspection_analysis.stats.results import TestResult

__all__ = ["TrendTestResult", "trend_test"]


@dataclass(frozen=True, repr=False)
class TrendTestResult(TestResult):
    """Result of :func:`trend_test`.

    Attributes
    ----------
    statistic : float
        The trend chi-squared statistic ``X^2 = z^2`` on 1 degree of freedom,
        as R's ``prop.trend.test`` reports it.
    pvalue : float
        The p-value for ``alternative``.
    method : str
        ``"cochran-armitage"``.
    alternative : str
        ``"two-sided"``, ``"less"`` (falling failure rate) or ``"greater"`` (rising).
    z : float
        The signed statistic; negative when the failure rate falls as the score rises.
    """

    z: float


def trend_test(x, n, *, scores=None, alternative="two-sided"):
    """Test for a linear trend in failure rates across ordered rounds.

    Parameters
    ----------
    x : array_like of int
        Failures in each round, in time order.
    n : array_like of int
        Case files in each round.
    scores : array_like of float, optional
        A score per round (e.g. years since the first inspection); default
        ``1, 2, ..., k``.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"``: H1 that the failure rate falls as the score rises (an
        improvement over time); ``"greater"``: that it rises.

    Returns
    -------
    TrendTestResult
        ``statistic`` (X^2, 1 df), ``pvalue``, ``method``, ``alternative`` and
        the signed ``z``.

    Raises
    ------
    ValueError
        For fewer than two rounds, invalid counts, scores of the wrong length,
        non-finite or all-equal scores, or an unknown ``alternative``.

    Notes
    -----
    With pooled rate ``p = sum(x) / sum(n)`` and ``sbar = sum(n s) / sum(n)``,
    ``z = sum(x (s - sbar)) / sqrt(p (1 - p) sum(n (s - sbar)^2))`` [1]_ [2]_.
    ``X^2 = z^2`` equals R's ``prop.trend.test`` statistic (the regression sum
    of squares of the weighted least-squares fit of rate on score with weights
    ``n / (p (1 - p))``). The two-sided p-value is the upper chi-squared(1)
    tail; one-sided p-values are normal tails of ``z``: ``Phi(z)`` for
    ``"less"``, ``1 - Phi(z)`` for ``"greater"``. When no round or every round
    fails every case (``p`` is 0 or 1) there is no variation to test:
    ``z = 0`` and the p-value is 1.

    References
    ----------
    .. [1] Cochran, W. G. (1954). Some methods for strengthening the common
       chi-squared tests. *Biometrics*, 10, 417–451.
    .. [2] Armitage, P. (1955). Tests for linear trends in proportions and
       frequencies. *Biometrics*, 11, 375–386.

    Examples
    --------
    >>> from inspection_analysis.stats.trend import trend_test
    >>> res = trend_test([83, 90, 129, 70], [86, 93, 136, 82])
    >>> print(f"{res.statistic:.4f} {res.pvalue:.6f} {res.z:.4f}")
    8.2249 0.004132 -2.8679
    """
    alternative = check_alternative(alternative)
    x, n = check_counts(np.atleast_1d(x), np.atleast_1d(n))
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"trend_test needs counts for at least two rounds, got shape {x.shape}")
    k = x.size
    s = np.arange(1.0, k + 1) if scores is None else np.asarray(scores, dtype=float)
    if s.shape != (k,):
        raise ValueError(f"scores must have one value per round ({k}), got shape {s.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"scores must be finite, got {s.tolist()!r}")
    if np.all(s == s[0]):
        raise ValueError(f"scores must not all be equal, got {s.tolist()!r}")
    big_n = n.sum()
    p = x.sum() / big_n
    centred = s - (n * s).sum() / big_n
    variance = p * (1 - p) * (n * centred**2).sum()
    z = float((x * centred).sum() / np.sqrt(variance)) if variance > 0 else 0.0
    if variance > 0:
        pvalue = {
            "two-sided": special.erfc(abs(z) / np.sqrt(2)),
            "less": special.ndtr(z),
            "greater": special.ndtr(-z),
        }[alternative]
    else:
        pvalue = 1.0
    return TrendTestResult(
        statistic=z * z, pvalue=float(pvalue), method="cochran-armitage", alternative=alternative, z=z
    )
