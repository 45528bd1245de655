"""Rate ratios and odds ratios of failure, with their confidence intervals.

Group 1 is the later round and group 2 the earlier one; ``x`` failures out of
``n`` case files. Every function is vectorised, as in :mod:`.proportions`,
whose score-inversion, normal-quantile and docstring helpers are shared here.
Score limits are searched for on the log scale; the exact conditional odds
ratio (Cornfield limits, as R's ``fisher.test``) is computed table by table.
scipy is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import check_level, check_method, check_two_groups
from inspection_analysis.stats.proportions import (
    BISECTIONS,
    interval_result,
    invert_score,
    normal_quantile,
    score_z,
    two_group_doc,
)
from inspection_analysis.stats.results import IntervalEstimate

__all__ = ["ratio_ci", "odds_ratio_ci"]

RATIO_METHODS = ("katz_log", "koopman", "miettinen_nurminen")
ODDS_RATIO_METHODS = ("woolf", "exact_conditional", "miettinen_nurminen")

_LOG_BRACKET = 60.0  # score intervals for ratios are searched for on log scale in [-60, 60]


def _log_limits(log_estimate, se, z, zero_low, zero_high):
    """``exp(log_estimate -+ z * se)``, with the limit forced to 0 or inf where a count is zero."""
    low = np.where(zero_low, 0.0, np.exp(log_estimate - z * se))
    high = np.where(zero_high, np.inf, np.exp(log_estimate + z * se))
    return low, high


def _ratio_statistic(x1, n1, x2, n2, mn: bool):
    """Score statistic for ``p1 / p2 = exp(t)``: Koopman (1984), or Miettinen-Nurminen with N/(N-1)."""
    p1, p2, total = x1 / n1, x2 / n2, n1 + n2
    factor = total / (total - 1) if mn else 1.0

    def statistic(t):
        r = np.exp(t)
        a, b, c = total * r, -(n1 * r + x1 + n2 + x2 * r), x1 + x2
        r2 = np.clip(2 * c / (-b + np.sqrt(np.maximum(b * b - 4 * a * c, 0))), 0, 1)  # stable root
        r1 = np.clip(r * r2, 0, 1)
        variance = (r1 * (1 - r1) / n1 + r * r * r2 * (1 - r2) / n2) * factor
        return score_z(p1 - r * p2, variance)

    return statistic


def _odds_ratio_statistic(x1, n1, x2, n2):
    """Miettinen-Nurminen score statistic for the odds ratio ``exp(t)``.

    The restricted estimates solve a quadratic (Miettinen and Nurminen 1985);
    the rate of group 2 and its complement are each taken from the stable root
    of their own quadratic, so that rates near 0 or 1 keep full precision.
    """
    total = n1 + n2
    y1, y2 = n1 - x1, n2 - x2

    def root(events, psi):  # the root in [0, 1] of n2(psi-1) r^2 + (n1 psi + n2 - events(psi-1)) r - events = 0
        a, b = n2 * (psi - 1), n1 * psi + n2 - events * (psi - 1)
        sq = np.sqrt(np.maximum(b * b + 4 * a * events, 0))
        with np.errstate(divide="ignore", invalid="ignore"):  # each form is used where it is stable
            r = np.where(b > 0, 2 * events / (b + sq), (sq - b) / (2 * a))
        return np.clip(r, 0, 1)

    def statistic(t):
        psi = np.exp(t)
        r2, q2 = root(x1 + x2, psi), root(y1 + y2, 1 / psi)
        scale = q2 + r2 * psi
        r1, q1 = r2 * psi / scale, q2 / scale
        numerator = np.where(r1 < 0.5, x1 - n1 * r1, n1 * q1 - y1)
        with np.errstate(divide="ignore"):
            information = 1 / (n1 * r1 * q1) + 1 / (n2 * r2 * q2)
        return score_z(numerator, (total / (total - 1)) / information)

    return statistic


def _score_ratio_limits(statistic, shape, z, zero_low, zero_high):
    low, high = invert_score(statistic, np.full(shape, -_LOG_BRACKET), _LOG_BRACKET, z)
    return np.where(zero_low, 0.0, np.exp(low)), np.where(zero_high, np.inf, np.exp(high))


@two_group_doc
def ratio_ci(x1, n1, x2, n2, *, method: str = "katz_log", confidence_level: float = 0.95) -> IntervalEstimate:
    """Rate ratio ``p1 / p2`` with its confidence interval.

    Parameters
    ----------
    <groups>
    method : str, default ``"katz_log"``
        ``"katz_log"``, ``"koopman"`` (score) or ``"miettinen_nurminen"``
        (score with the :math:`N/(N-1)` variance factor).
    <level>

    Returns
    -------
    IntervalEstimate
        ``estimate`` (:math:`\\hat p_1/\\hat p_2`: 0 when ``x1 = 0``, inf when
        ``x2 = 0``, nan when both are 0), ``low`` and ``high``.

    Raises
    ------
    <raises>

    Notes
    -----
    ``katz_log`` is :math:`\\log(\\hat p_1/\\hat p_2) \\pm z\\sqrt{1/x_1 -
    1/n_1 + 1/x_2 - 1/n_2}` [1]_. ``koopman`` inverts the score test with
    the variance at the restricted maximum-likelihood estimates [2]_;
    ``miettinen_nurminen`` multiplies that variance by :math:`N/(N-1)` [3]_.
    Score limits are found by vectorised bisection on the log scale.

    Zero counts: with ``x1 = 0`` the lower limit is 0, and with ``x2 = 0`` the
    upper limit is infinite, for every method (the score methods reach these
    limits by themselves). For ``katz_log`` the other limit then uses 0.5
    added to ``x1``, ``x2``, ``n1`` and ``n2`` (the adjusted log interval of
    [4]_), since the Katz variance is infinite. Like the Wald interval, Katz
    has zero width when every case file in both groups fails; the score
    methods do not.

    References
    ----------
    .. [1] Katz, D., Baptista, J., Azen, S. P. and Pike, M. C. (1978).
       Obtaining confidence intervals for the risk ratio in cohort studies.
       Biometrics 34, 469-474.
    .. [2] Koopman, P. A. R. (1984). Confidence intervals for the ratio of
       two binomial proportions. Biometrics 40, 513-517.
    .. [3] Miettinen, O. and Nurminen, M. (1985). Comparative analysis of two
       rates. Stat Med 4, 213-226.
    .. [4] Fagerland, M. W., Lydersen, S. and Laake, P. (2015). Recommended
       confidence intervals for two independent binomial proportions. Stat
       Methods Med Res 24, 224-254.

    Examples
    --------
    >>> r = ratio_ci(210, 303, 278, 374)
    >>> print(f"{r.estimate:.4f} ({r.low:.4f} to {r.high:.4f})")
    0.9324 (0.8473 to 1.0261)
    """
    method = check_method(method, RATIO_METHODS)
    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    z = normal_quantile(confidence_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = (x1 / n1) / (x2 / n2)
    zero_low, zero_high = x1 == 0, x2 == 0
    if method == "katz_log":
        adj = np.where(zero_low | zero_high, 0.5, 0.0)
        a1, m1, a2, m2 = x1 + adj, n1 + adj, x2 + adj, n2 + adj
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(1 / a1 - 1 / m1 + 1 / a2 - 1 / m2)
            low, high = _log_limits(np.log((a1 / m1) / (a2 / m2)), se, z, zero_low, zero_high)
    else:
        statistic = _ratio_statistic(x1, n1, x2, n2, mn=method == "miettinen_nurminen")
        low, high = _score_ratio_limits(statistic, estimate.shape, z, zero_low, zero_high)
    return interval_result(low, high, estimate)


@two_group_doc
def odds_ratio_ci(
    x1, n1, x2, n2, *, method: str = "woolf", confidence_level: float = 0.95
) -> IntervalEstimate:
    """Odds ratio of failure, group 1 against group 2, with its confidence interval.

    Parameters
    ----------
    <groups>
    method : str, default ``"woolf"``
        ``"woolf"`` (logit), ``"exact_conditional"`` (Cornfield exact limits,
        as R's ``fisher.test``) or ``"miettinen_nurminen"`` (score).
    <level>

    Returns
    -------
    IntervalEstimate
        ``estimate``, ``low`` and ``high``. The estimate is the sample odds
        ratio :math:`x_1(n_2 - x_2) / ((n_1 - x_1) x_2)` (0, inf or nan when
        a cell is zero), except for ``exact_conditional``, where it is the
        conditional maximum-likelihood estimate, as ``fisher.test`` reports.

    Raises
    ------
    <raises>

    Notes
    -----
    ``woolf`` is :math:`\\log \\widehat{OR} \\pm z\\sqrt{\\sum 1/\\text{cell}}` [1]_.
    ``exact_conditional`` inverts Fisher's noncentral hypergeometric
    distribution of ``x1`` given the margins [2]_ and gives the conditional
    maximum-likelihood estimate, as R's ``fisher.test``. It is written here
    rather than taken from ``scipy.stats.contingency.odds_ratio(kind=
    "conditional")``, which agrees but did not finish in minutes for 10**7
    cases; only the part of the distribution within 40 standard deviations
    of ``x1`` is summed, which changes nothing at double precision.
    ``miettinen_nurminen`` inverts the score test for the odds ratio with the
    :math:`N/(N-1)` variance factor [3]_, by vectorised bisection.

    Zero cells: when ``x1 = 0`` or ``x2 = n2`` the estimate and lower limit
    are 0; when ``x2 = 0`` or ``x1 = n1`` the estimate and upper limit are
    infinite; when both happen the estimate is nan and the interval is
    ``(0, inf)``. The score and exact methods reach these limits by
    themselves. For ``woolf`` the other limit then adds 0.5 to every cell
    (Haldane-Anscombe correction [4]_), since the Woolf variance is infinite.

    References
    ----------
    .. [1] Woolf, B. (1955). On estimating the relation between blood group
       and disease. Ann Hum Genet 19, 251-253.
    .. [2] Cornfield, J. (1956). A statistical problem arising from
       retrospective studies. Proc. Third Berkeley Symp. 4, 135-148.
    .. [3] Miettinen, O. and Nurminen, M. (1985). Comparative analysis of two
       rates. Stat Med 4, 213-226.
    .. [4] Haldane, J. B. S. (1956). The estimation and significance of the
       logarithm of a ratio of frequencies. Ann Hum Genet 20, 309-311.

    Examples
    --------
    The odds of failure in 2018 (210 of 303) against 2016 (278 of 374), then
    the tea-tasting table of R's ``?fisher.test``, by the exact method:

    >>> print(odds_ratio_ci(210, 303, 278, 374))
    IntervalEstimate(estimate=0.779763, low=0.556793, high=1.09202)
    >>> exact = odds_ratio_ci(3, 4, 1, 4, method="exact_conditional")
    >>> print(f"{exact.estimate:.4f}, {exact.low:.4f} to {exact.high:.1f}")
    6.4083, 0.2117 to 626.2
    """
    method = check_method(method, ODDS_RATIO_METHODS)
    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    level = check_level(confidence_level)
    y1, y2 = n1 - x1, n2 - x2
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = (x1 * y2) / (y1 * x2)
    zero_low, zero_high = (x1 == 0) | (y2 == 0), (x2 == 0) | (y1 == 0)
    if method == "exact_conditional":
        return _exact_conditional(x1, y1, x2, y2, level)
    z = normal_quantile(level)
    if method == "woolf":
        cells = np.stack([x1, y1, x2, y2]).astype(float)
        cells = cells + np.where((cells == 0).any(axis=0), 0.5, 0.0)
        se = np.sqrt((1 / cells).sum(axis=0))
        log_or = np.log(cells[0] * cells[3] / (cells[1] * cells[2]))
        low, high = _log_limits(log_or, se, z, zero_low, zero_high)
    else:
        low, high = _score_ratio_limits(_odds_ratio_statistic(x1, n1, x2, n2), estimate.shape, z, zero_low, zero_high)
    return interval_result(low, high, estimate)


def _exact_conditional(x1, y1, x2, y2, level):
    """Conditional MLE and Cornfield exact limits, one table at a time (see ``_fisher_noncentral``)."""
    out = np.empty((3, *x1.shape))
    for i in np.ndindex(x1.shape):
        out[(slice(None), *i)] = _fisher_noncentral(int(x1[i]), int(y1[i]), int(x2[i]), int(y2[i]), level)
    return interval_result(out[1], out[2], out[0])


def _fisher_noncentral(a, b, c, d, level):
    """Conditional MLE and exact limits of the odds ratio of the table [[a, b], [c, d]].

    Given the margins, ``a`` follows Fisher's noncentral hypergeometric
    distribution, P(k) proportional to C(a+b, k) C(c+d, m-k) psi^k. Its
    variance is at most a quarter of the support size (the distribution is a
    sum of independent Bernoulli variables), so only a window of 40 standard
    deviations either side of ``a`` is summed; this keeps 10**7 cases fast
    without changing the answer. Limits solve P(X >= a) = alpha/2 (lower) and
    P(X <= a) = alpha/2 (upper); the MLE solves E(X) = a, as R's fisher.test.
    """
    from scipy.special import gammaln

    n1, n2, m = a + b, c + d, a + c
    first, last = max(0, m - n2), min(n1, m)
    if first == last:
        return np.nan, 0.0, np.inf
    width = int(20 * np.sqrt(last - first + 1)) + 20
    k = np.arange(max(first, a - width), min(last, a + width) + 1)
    base = -gammaln(k + 1) - gammaln(n1 - k + 1) - gammaln(m - k + 1) - gammaln(n2 - m + k + 1)
    base -= base.max()
    above, below = k >= a, k <= a

    def moments(t):  # P(X >= a), P(X <= a) and E(X) at log odds ratio t
        w = base + k * t
        p = np.exp(w - w.max())
        p /= p.sum()
        return p[above].sum(), p[below].sum(), p @ k

    def solve(f):  # root in log odds ratio of an increasing f, by bisection
        lo, hi = -_LOG_BRACKET, _LOG_BRACKET
        for _ in range(BISECTIONS):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
        return np.exp((lo + hi) / 2)

    alpha = (1 - level) / 2
    estimate = 0.0 if a == first else np.inf if a == last else solve(lambda t: moments(t)[2] - a)
    low = 0.0 if a == first else solve(lambda t: moments(t)[0] - alpha)
    high = np.inf if a == last else solve(lambda t: alpha - moments(t)[1])
    return estimate, low, high
