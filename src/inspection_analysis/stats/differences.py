"""Confidence intervals for the difference of two failure rates (later minus earlier round).

Newcombe's hybrid score interval by default, with the Miettinen-Nurminen score
interval, Wald and Agresti-Caffo available; the shared helpers are in
:mod:`.proportions`. See that module for why statsmodels is not used here.
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import check_method, check_two_groups
from inspection_analysis.stats.proportions import (
    interval_result,
    invert_score,
    normal_quantile,
    score_z,
    two_group_doc,
    wilson_limits,
)
from inspection_analysis.stats.results import ConfidenceInterval

__all__ = ["diff_ci", "DIFF_METHODS"]

DIFF_METHODS = ("newcombe", "newcombe_cc", "miettinen_nurminen", "wald", "wald_cc", "agresti_caffo")


def _mn_diff_statistic(x1, n1, x2, n2):
    """Miettinen-Nurminen score statistic for ``p1 - p2 = delta``.

    The restricted maximum-likelihood estimate is a root of the cubic of
    Farrington and Manning (1990). The likelihood is concave along the line
    ``p1 - p2 = delta``, so their usual root is the estimate whenever it lies
    strictly inside the feasible range; elsewhere (degenerate tables such as
    0/10 against 0/20) all three roots are tried and the feasible one with
    the highest likelihood is kept.
    """
    p1, p2, total = x1 / n1, x2 / n2, n1 + n2
    theta = n2 / n1
    a = 1 + theta

    def statistic(delta):
        b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
        c = delta**2 + delta * (2 * p1 + theta + 1) + p1 + theta * p2
        d = -p1 * delta * (1 + delta)
        v = b**3 / (27 * a**3) - b * c / (6 * a**2) + d / (2 * a)
        u = np.sign(v) * np.sqrt(np.maximum(b**2 / (9 * a**2) - c / (3 * a), 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(u != 0, v / u**3, 0.0)
        w = (np.pi + np.arccos(np.clip(ratio, -1, 1))) / 3
        lo, hi = np.maximum(delta, 0), np.minimum(1 + delta, 1)
        r1 = 2 * u * np.cos(w) - b / (3 * a)
        odd = ~((lo < r1) & (r1 < hi))
        if np.any(odd):
            shift = 2 * np.pi / 3 * np.arange(3)[:, None]
            roots = np.clip(2 * u[odd] * np.cos(w[odd] + shift) - b[odd] / (3 * a[odd]), lo[odd], hi[odd])
            r1[odd] = _most_likely(roots, roots - delta[odd], x1[odd], n1[odd], x2[odd], n2[odd])
        r2 = np.clip(r1 - delta, 0, 1)
        variance = (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * total / (total - 1)
        return score_z(p1 - p2 - delta, variance)

    return statistic


def _most_likely(r1, r2, x1, n1, x2, n2):
    """Of candidate rate pairs (rows), the one with the highest binomial log-likelihood."""
    from scipy.special import xlogy

    r2 = np.clip(r2, 0, 1)
    loglik = xlogy(x1, r1) + xlogy(n1 - x1, 1 - r1) + xlogy(x2, r2) + xlogy(n2 - x2, 1 - r2)
    best = np.argmax(np.nan_to_num(loglik, nan=-np.inf), axis=0)
    return r1[best, np.arange(r1.shape[1])]


@two_group_doc
def diff_ci(x1, n1, x2, n2, *, method: str = "newcombe", confidence_level: float = 0.95) -> ConfidenceInterval:
    """Confidence interval for the difference of failure rates ``p1 - p2``.

    Parameters
    ----------
    <groups>
    method : str, default ``"newcombe"``
        ``"newcombe"`` (hybrid score), ``"newcombe_cc"`` (with continuity
        correction), ``"miettinen_nurminen"`` (score), ``"wald"``,
        ``"wald_cc"`` or ``"agresti_caffo"``.
    <level>

    Returns
    -------
    ConfidenceInterval
        ``low`` and ``high``: the limits for ``p1 - p2``, within [-1, 1].
        A negative difference is a fall in the failure rate.

    Raises
    ------
    <raises>

    Notes
    -----
    * ``newcombe`` combines the Wilson limits :math:`(l_i, u_i)` of each rate
      (Newcombe's method 10 [1]_): :math:`d - \\sqrt{(\\hat p_1 - l_1)^2 +
      (u_2 - \\hat p_2)^2}` to :math:`d + \\sqrt{(u_1 - \\hat p_1)^2 +
      (\\hat p_2 - l_2)^2}`; ``newcombe_cc`` uses the continuity-corrected
      Wilson limits (method 11). It is the default: it avoids the aberrations
      of Wald intervals and its coverage is close to nominal (``docs/
      methodology.md``). Written by hand: statsmodels' ``newcomb`` matches
      method 10 but has no method 11.
    * ``miettinen_nurminen`` inverts the score test with the restricted
      maximum-likelihood variance multiplied by :math:`N/(N-1)`,
      :math:`N = n_1 + n_2` [2]_. The restricted estimates are the closed
      form of [3]_, and the interval is found by vectorised bisection.
      statsmodels' score interval disagrees with [1]_ Table II, so it is not
      used (see the module docstring).
    * ``wald`` is :math:`d \\pm z\\sqrt{\\hat p_1\\hat q_1/n_1 + \\hat p_2\\hat
      q_2/n_2}`; ``wald_cc`` widens it by :math:`(1/n_1 + 1/n_2)/2`;
      ``agresti_caffo`` adds one failure and one success to each group
      first [4]_. These three are clipped to [-1, 1].

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference
       between independent proportions: comparison of eleven methods. Stat
       Med 17, 873-890.
    .. [2] Miettinen, O. and Nurminen, M. (1985). Comparative analysis of two
       rates. Stat Med 4, 213-226.
    .. [3] Farrington, C. P. and Manning, G. (1990). Test statistics and
       sample size formulae for comparative binomial trials with null
       hypothesis of non-zero risk difference or non-unity relative risk.
       Stat Med 9, 1447-1454.
    .. [4] Agresti, A. and Caffo, B. (2000). Simple and effective confidence
       intervals for proportions and differences of proportions result from
       adding two successes and two failures. Am Stat 54, 280-288.

    Examples
    --------
    2018 (210 of 303 failing) against 2016 (278 of 374):

    >>> ci = diff_ci(210, 303, 278, 374)
    >>> print(f"{ci.low:.4f} to {ci.high:.4f}")
    -0.1185 to 0.0175
    """
    method = check_method(method, DIFF_METHODS)
    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    z = normal_quantile(confidence_level)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    if method in ("newcombe", "newcombe_cc"):
        l1, u1 = wilson_limits(x1, n1, z, cc=method == "newcombe_cc")
        l2, u2 = wilson_limits(x2, n2, z, cc=method == "newcombe_cc")
        return interval_result(d - np.hypot(p1 - l1, u2 - p2), d + np.hypot(u1 - p1, p2 - l2))
    if method == "miettinen_nurminen":
        flat = [np.ravel(v).astype(float) for v in (x1, n1, x2, n2)]
        low, high = invert_score(_mn_diff_statistic(*flat), np.full(d.size, -1.0), 1.0, z)
        return interval_result(low.reshape(d.shape), high.reshape(d.shape))
    if method == "agresti_caffo":
        p1, p2, n1, n2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2), n1 + 2, n2 + 2
    half = z * np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if method == "wald_cc":
        half = half + (1 / n1 + 1 / n2) / 2
    centre = p1 - p2
    return interval_result(np.clip(centre - half, -1, 1), np.clip(centre + half, -1, 1))
