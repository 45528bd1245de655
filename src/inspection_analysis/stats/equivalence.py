"""Equivalence (TOST) of two failure rates with the Farrington-Manning score test."""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import as_scalar_or_array, check_level, check_two_groups
from inspection_analysis.stats.results import TestResult

__all__ = ["equivalence_test"]


def _restricted_mle(x1, n1, x2, n2, delta):
    """Maximum-likelihood ``(p1, p2)`` under ``p1 - p2 = delta`` (Farrington & Manning, 1990).

    The closed-form root of the likelihood's cubic, in FM's notation with
    ``theta = n2 / n1``.
    """
    p1_hat, p2_hat = x1 / n1, x2 / n2
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1_hat + theta * p2_hat + delta * (theta + 2))
    c = delta**2 + delta * (2 * p1_hat + theta + 1) + p1_hat + theta * p2_hat
    d = -p1_hat * delta * (1 + delta)
    v = b**3 / (3 * a) ** 3 - b * c / (6 * a**2) + d / (2 * a)
    u = np.where(v >= 0, 1.0, -1.0) * np.sqrt(np.maximum(b**2 / (3 * a) ** 2 - c / (3 * a), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(u != 0, v / np.where(u != 0, u, 1.0) ** 3, 0.0)
    w = (np.pi + np.arccos(np.clip(ratio, -1.0, 1.0))) / 3
    p1 = np.clip(2 * u * np.cos(w) - b / (3 * a), np.maximum(delta, 0.0), np.minimum(1.0, 1.0 + delta))
    return p1, p1 - delta


def equivalence_test(x1, n1, x2, n2, *, margin: float) -> TestResult:
    """Two one-sided tests (TOST) that the failure rate changed by less than ``margin``.

    Parameters
    ----------
    x1, n1 : int or array_like of int
        Failures and case files in group 1, the later round.
    x2, n2 : int or array_like of int
        Failures and case files in group 2, the earlier round.
    margin : float
        The equivalence margin on ``p1 - p2``, strictly between 0 and 1
        (e.g. 0.10 for ten percentage points).

    Returns
    -------
    TestResult
        ``statistic`` -- the Farrington-Manning z of the one-sided test with
        the larger p-value (the binding one); ``pvalue`` -- the TOST p-value
        for H1: ``|p1 - p2| < margin``, the larger of the two one-sided
        p-values; ``method`` -- ``"tost farrington-manning score"``;
        ``alternative`` -- ``"two-sided"`` (equivalence on both sides).

    Raises
    ------
    ValueError
        For invalid counts or ``margin`` outside (0, 1).

    Notes
    -----
    H0: ``p1 - p2 <= -margin`` or ``p1 - p2 >= margin``. Each one-sided test
    uses Farrington and Manning's score statistic against the shifted null
    ``p1 - p2 = delta0``,
    ``z = (p1_hat - p2_hat - delta0) / sqrt(p1~ (1 - p1~)/n1 + p2~ (1 - p2~)/n2)``,
    where ``(p1~, p2~)`` maximise the likelihood subject to
    ``p1 - p2 = delta0`` (closed-form root of a cubic [1]_). This is the
    Miettinen-Nurminen statistic [2]_ without its ``N / (N - 1)`` variance
    factor. Computed here rather than by statsmodels'
    ``tost_proportions_2indep``, whose constrained MLE for ``value != 0`` has
    a wrong cubic coefficient (statsmodels issue #10269).

    A significant result supports "the change was smaller than ``margin``";
    a non-significant one does not show a change.

    References
    ----------
    .. [1] Farrington, C. P. and Manning, G. (1990). Test statistics and sample
       size formulae for comparative binomial trials with null hypothesis of
       non-zero risk difference or non-unity relative risk. Statistics in
       Medicine 9, 1447-1454.
    .. [2] Miettinen, O. and Nurminen, M. (1985). Comparative analysis of two
       rates. Statistics in Medicine 4, 213-226.
    .. [3] Schuirmann, D. J. (1987). A comparison of the two one-sided tests
       procedure and the power approach for assessing the equivalence of
       average bioavailability. J Pharmacokinet Biopharm 15, 657-680.

    Examples
    --------
    >>> res = equivalence_test(60, 100, 40, 100, margin=0.3)
    >>> print(f"z = {res.statistic:.4f}, p = {res.pvalue:.4f}")
    z = -1.4825, p = 0.0691
    """
    from scipy.stats import norm

    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    margin = check_level(margin, "margin")
    diff = x1 / n1 - x2 / n2
    z = {}
    for delta0 in (-margin, margin):
        p1, p2 = _restricted_mle(x1, n1, x2, n2, delta0)
        z[delta0] = (diff - delta0) / np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    p_lower, p_upper = norm.sf(z[-margin]), norm.cdf(z[margin])
    binding_upper = p_upper >= p_lower
    return TestResult(
        statistic=as_scalar_or_array(np.where(binding_upper, z[margin], z[-margin])),
        pvalue=as_scalar_or_array(np.maximum(p_lower, p_upper)),
        method="tost farrington-manning score",
        alternative="two-sided",
    )
