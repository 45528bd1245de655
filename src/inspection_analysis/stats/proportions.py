"""Confidence intervals for failure rates, and the helpers the two-group intervals share.

Group 1 is the later round and group 2 the earlier one; ``x`` failures out of
``n`` case files. Every function is vectorised: counts broadcast against each
other and the limits come back as floats for scalar input, else as arrays.
scipy is imported inside the functions, so importing this module stays cheap.
The difference of two rates is in :mod:`.differences`, ratios and odds ratios
in :mod:`.ratios`; both share the score-inversion and docstring helpers
defined here.

Where statsmodels was checked and found wrong it is not used: its
``proportion_confint(method="jeffreys")`` gives a lower limit above 0 at
``x = 0`` (2.4e-05 for 0/20) and an upper limit below 1 at ``x = n``, and its
``confint_proportions_2indep(method="score")`` gives 0.0526 to 0.3440 for
56/70 - 48/80, where Newcombe (1998) Table II has 0.0528 to 0.3382 for the
Miettinen-Nurminen interval (and it fails outright for 9/10 - 3/10).
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import (
    as_scalar_or_array,
    check_counts,
    check_level,
    check_method,
)
from inspection_analysis.stats.results import ConfidenceInterval, IntervalEstimate

__all__ = ["rate_ci", "wilson_limits", "normal_quantile", "interval_result", "score_z", "invert_score", "two_group_doc"]

RATE_METHODS = ("wilson", "wilson_cc", "clopper_pearson", "jeffreys", "agresti_coull", "wald")

BISECTIONS = 64


_DOC_PARTS = {
    "groups": """x1, n1 : int or array_like of int
        Failures and case files in group 1 (the later round).
    x2, n2 : int or array_like of int
        Failures and case files in group 2 (the earlier round).""",
    "level": """confidence_level : float, default 0.95
        Two-sided confidence level, strictly between 0 and 1.""",
    "raises": """ValueError
        For invalid counts (see :func:`rate_ci`), shapes that do not
        broadcast, a confidence level outside (0, 1) or an unknown method.""",
}


def two_group_doc(func):
    """Fill the ``<groups>``, ``<level>`` and ``<raises>`` parts shared by the two-group docstrings."""
    for key, text in _DOC_PARTS.items():
        func.__doc__ = func.__doc__.replace(f"<{key}>", text)
    return func


def normal_quantile(confidence_level: float) -> float:
    """The two-sided standard normal quantile for ``confidence_level``."""
    from scipy.special import ndtri

    return float(ndtri(0.5 + check_level(confidence_level) / 2))


def wilson_limits(x, n, z, cc: bool = False):
    """Wilson score limits (Wilson 1927), with Newcombe's continuity correction if ``cc``.

    ``z`` may be an array (the finite-population correction scales it).
    """
    x, n = np.asarray(x, float), np.asarray(n, float)
    z2 = z * z
    if not cc:  # centre +- half, each built in place: fewer large temporaries
        shape = np.broadcast_shapes(x.shape, n.shape, np.shape(z))
        denom = np.add(n, z2, out=np.empty(shape))  # explicit outputs: 0-d input stays an array
        half = np.subtract(n, x, out=np.empty(shape))
        half *= x
        half /= n
        half += z2 / 4
        np.sqrt(half, out=half)
        np.multiply(z, half, out=half)
        half /= denom
        centre = np.add(x, z2 / 2, out=np.empty(shape))
        centre /= denom
        low = np.subtract(centre, half, out=denom)
        high = np.add(centre, half, out=centre)
        np.clip(low, 0, 1, out=low)
        np.clip(high, 0, 1, out=high)
        np.copyto(low, 0.0, where=x == 0)
        np.copyto(high, 1.0, where=x == n)
        return low, high
    p = x / n
    q, denom = 1 - p, 2 * (n + z2)
    root_lo = np.sqrt(np.maximum(z2 - 2 - 1 / n + 4 * p * (n * q + 1), 0))
    root_hi = np.sqrt(np.maximum(z2 + 2 - 1 / n + 4 * p * (n * q - 1), 0))
    low = np.where(x == 0, 0.0, (2 * n * p + z2 - 1 - z * root_lo) / denom)
    high = np.where(x == n, 1.0, (2 * n * p + z2 + 1 + z * root_hi) / denom)
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def _beta_limits(x, n, alpha, shift: float):
    """Equal-tailed beta limits: Clopper-Pearson (``shift=0``) or Jeffreys (``shift=0.5``)."""
    from scipy.special import betaincinv

    a_lo = np.where(x == 0, 1.0, x + shift)  # dummy shape where the limit is fixed at 0 or 1
    b_hi = np.where(x == n, 1.0, n - x + shift)
    low = np.where(x == 0, 0.0, betaincinv(a_lo, n - x + 1 - shift, alpha / 2))
    high = np.where(x == n, 1.0, betaincinv(x + 1 - shift, b_hi, 1 - alpha / 2))
    return low, high


def _hypergeometric_limits(x, n, population, alpha):
    """Exact limits for the number failing in a population of ``population`` (Buonaccorsi 1987)."""
    from scipy.stats import hypergeom

    def search(lo, hi, accept):  # smallest integer m in [lo, hi] with accept(m); accept is monotone
        while np.any(lo < hi):
            mid = (lo + hi) // 2
            ok = accept(mid) | (lo == hi)
            lo, hi = np.where(ok, lo, mid + 1), np.where(ok, mid, hi)
        return lo

    first, last = x, population - n + x  # the failure counts the sample allows
    m_low = search(first, last, lambda m: hypergeom.sf(x - 1, population, m, n) > alpha / 2)
    m_high = search(first, last, lambda m: hypergeom.cdf(x, population, m + 1, n) <= alpha / 2)
    return m_low / population, m_high / population


def rate_ci(x, n, *, method: str = "wilson", confidence_level: float = 0.95, population=None) -> ConfidenceInterval:
    """Confidence interval for a failure rate ``x / n``.

    Parameters
    ----------
    x, n : int or array_like of int
        Failures and case files examined; they broadcast against each other.
    method : str, default ``"wilson"``
        ``"wilson"`` (score), ``"wilson_cc"`` (score with continuity
        correction), ``"clopper_pearson"`` (exact), ``"jeffreys"``
        (equal-tailed), ``"agresti_coull"`` or ``"wald"``.
    confidence_level : float, default 0.95
        Two-sided confidence level, strictly between 0 and 1.
    population : int or array_like of int, optional
        Number of case files the sample was drawn from, without replacement.
        When given, the interval is for the failure rate of that finite
        population (see Notes). ``None`` (default) treats it as infinite.

    Returns
    -------
    ConfidenceInterval
        ``low`` and ``high``: the limits, within [0, 1]; floats for scalar
        input, else arrays of the broadcast shape.

    Raises
    ------
    ValueError
        If a count is negative or not whole, ``n`` is 0, ``x > n``,
        ``n > population``, shapes do not broadcast, ``confidence_level`` is
        outside (0, 1), ``method`` is unknown, or ``population`` is given
        with ``method="wilson_cc"`` or ``"jeffreys"``.

    Notes
    -----
    With :math:`z` the normal quantile and :math:`\\hat p = x/n`:

    * ``wilson`` inverts the score test [1]_; it is the default because its
      mean coverage is closest to nominal among simple methods [2]_ (see
      ``benchmarks/ci_coverage.py`` and ``docs/methodology.md``).
    * ``wilson_cc`` is Newcombe's continuity-corrected score interval [2]_
      (method 4), with the lower limit 0 at ``x = 0`` and the upper 1 at
      ``x = n``.
    * ``clopper_pearson`` takes beta quantiles [3]_; ``jeffreys`` the
      equal-tailed Beta(x + 1/2, n - x + 1/2) quantiles, with lower limit 0
      at ``x = 0`` and upper 1 at ``x = n`` [4]_.
    * ``agresti_coull`` is the Wald interval around
      :math:`(x + z^2/2)/(n + z^2)` with :math:`n + z^2` cases [5]_;
      ``wald`` is :math:`\\hat p \\pm z\\sqrt{\\hat p(1-\\hat p)/n}`. Both
      are clipped to [0, 1]; ``wald`` has zero width at ``x = 0`` and
      ``x = n`` and poor coverage, and is offered only for comparison.

    Finite population (``population = N``): ``wald``, ``wilson`` and
    ``agresti_coull`` multiply the variance by the finite-population
    correction :math:`(N - n)/(N - 1)` [6]_, that is, they use
    :math:`z\\sqrt{(N-n)/(N-1)}` in place of :math:`z` (for
    ``agresti_coull`` also in the pseudo-counts it adds, so that a census
    gives zero width at :math:`\\hat p`); ``clopper_pearson`` gives the exact
    hypergeometric interval for the number failing, :math:`M_L/N` to
    :math:`M_U/N` with :math:`M_L` the smallest :math:`M` with
    :math:`P_M(X \\ge x) > \\alpha/2` and :math:`M_U` the largest with
    :math:`P_M(X \\le x) > \\alpha/2` [7]_. ``wilson_cc`` and ``jeffreys``
    have no standard finite-population version, so combining them with
    ``population`` raises. At ``population = n`` (a census) every
    method returns ``(x/n, x/n)``.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession,
       and statistical inference. JASA 22, 209-212.
    .. [2] Newcombe, R. G. (1998). Two-sided confidence intervals for the
       single proportion: comparison of seven methods. Stat Med 17, 857-872.
    .. [3] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or
       fiducial limits illustrated in the case of the binomial. Biometrika
       26, 404-413.
    .. [4] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval
       estimation for a binomial proportion. Statistical Science 16, 101-133.
    .. [5] Agresti, A. and Coull, B. A. (1998). Approximate is better than
       "exact" for interval estimation of binomial proportions. Am Stat 52,
       119-126.
    .. [6] Cochran, W. G. (1977). Sampling Techniques, 3rd ed., section 3.3.
       Wiley.
    .. [7] Buonaccorsi, J. P. (1987). A note on confidence intervals for
       proportions in finite populations. Am Stat 41, 215-218.

    Examples
    --------
    The 2016 inspection: 278 of 374 case files required improvement or were
    inadequate.

    >>> ci = rate_ci(278, 374)
    >>> print(f"{ci.low:.4f} to {ci.high:.4f}")
    0.6967 to 0.7850
    >>> low, high = rate_ci([0, 61], [135, 135], method="clopper_pearson")
    >>> print(low.round(4), high.round(4))
    [0.     0.3661] [0.027  0.5398]
    """
    method = check_method(method, RATE_METHODS)
    x, n = check_counts(x, n)
    alpha = 1 - check_level(confidence_level)
    z = normal_quantile(confidence_level)
    fpc = 1.0
    if population is not None:
        if method in ("wilson_cc", "jeffreys"):
            raise ValueError(f"method {method!r} has no finite-population version; use 'wilson' or 'clopper_pearson'")
        n, population = check_counts(n, population, xname="n", nname="population")
        x = np.broadcast_to(x, n.shape)
        fpc = np.where(population > 1, (population - n) / np.maximum(population - 1, 1), 0.0)
        if method == "clopper_pearson":
            return interval_result(*_hypergeometric_limits(x, n, population, alpha))
    if method in ("clopper_pearson", "jeffreys"):
        return interval_result(*_beta_limits(x, n, alpha, 0.0 if method == "clopper_pearson" else 0.5))
    z = z * np.sqrt(fpc)
    if method in ("wilson", "wilson_cc"):
        return interval_result(*wilson_limits(x, n, z, cc=method == "wilson_cc"))
    added = z * z if method == "agresti_coull" else 0.0
    centre = (x + added / 2) / (n + added)
    half = z * np.sqrt(centre * (1 - centre) / (n + added))
    return interval_result(np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1))


def interval_result(low, high, estimate=None):
    low, high = as_scalar_or_array(low), as_scalar_or_array(high)
    if estimate is None:
        return ConfidenceInterval(low, high)
    return IntervalEstimate(as_scalar_or_array(estimate), low, high)


def _bisect(statistic, lo, hi, target):
    """Vectorised bisection for the parameter where a decreasing ``statistic`` equals ``target``."""
    lo, hi = np.array(lo, float), np.array(hi, float)
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        right = statistic(mid) > target  # the statistic is still above target: the root lies right
        lo, hi = np.where(right, mid, lo), np.where(right, hi, mid)
    return (lo + hi) / 2


def score_z(numerator, variance):
    """``numerator / sqrt(variance)``, taking 0/0 as 0 and c/0 as +-inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = numerator / np.sqrt(variance)
    return np.where(variance > 0, z, np.where(numerator > 0, np.inf, np.where(numerator < 0, -np.inf, 0.0)))


def invert_score(statistic, lo, hi, z):
    """The two limits of a score interval: where the decreasing ``statistic`` crosses +z and -z."""
    return _bisect(statistic, lo, hi, z), _bisect(statistic, lo, hi, -z)
