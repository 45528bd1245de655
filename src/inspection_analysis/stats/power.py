"""Power and sample size for comparing two failure rates (normal approximation).

Group 1 is the later round and group 2 the earlier one; ``alternative="less"``
means H1: p1 < p2, an improvement when the outcome is failure.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from inspection_analysis.stats.checks import (
    as_scalar_or_array,
    check_alternative,
    check_level,
    check_method,
    check_probability,
)

__all__ = ["power_change", "sample_size", "min_detectable_change", "cohens_h", "ci_sample_size"]


def normal_quantile(q):
    """Standard normal quantile."""
    return special.ndtri(q)


def _check_sizes(value, name):
    arr = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(arr) | (arr <= 0)):
        bad = arr[~np.isfinite(arr) | (arr <= 0)].flat[0] if arr.ndim else arr.item()
        raise ValueError(f"{name} must be a positive, finite number of case files, got {bad!r}")
    return arr


def _check_test(alternative, alpha):
    """Validate the test options shared by every power function."""
    return check_alternative(alternative), check_level(alpha, "alpha")


def _z_alpha(alpha, alternative):
    tails = 2.0 if alternative == "two-sided" else 1.0
    return normal_quantile(1.0 - alpha / tails)


def _signed_difference(p1, p2, alternative):
    """The difference in the direction the test looks for (|d| when two-sided)."""
    d = p1 - p2
    if alternative == "two-sided":
        return np.abs(d)
    return -d if alternative == "less" else d


def power_change(p1, p2, n1, n2, *, alpha=0.05, alternative="two-sided"):
    """Power of the two-sample z-test for a change in failure rate.

    Parameters
    ----------
    p1, p2 : float or array_like
        True failure rates in the later round (group 1) and the earlier round (group 2).
    n1, n2 : float or array_like
        Case files sampled in each round (non-integers are allowed, as in R).
    alpha : float, default 0.05
        Significance level of the test.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"`` is the test for an improvement (H1: p1 < p2).

    Returns
    -------
    float or numpy.ndarray
        The probability that the test rejects H0 at level ``alpha``.

    Raises
    ------
    ValueError
        If a rate lies outside [0, 1], a sample size is not positive, ``alpha``
        lies outside (0, 1) or ``alternative`` is unknown.

    Notes
    -----
    The test statistic is the difference of the observed rates over its
    standard error under H0 (pooled rate ``pbar = (n1 p1 + n2 p2) / (n1 + n2)``),
    and the power is ``Phi((d - z * s0) / s1)``, where ``d`` is the difference
    in the direction tested (``|p1 - p2|`` when two-sided), ``z`` the critical
    value, ``s0 = sqrt(pbar (1 - pbar) (1/n1 + 1/n2))`` and
    ``s1 = sqrt(p1 (1 - p1)/n1 + p2 (1 - p2)/n2)`` [1]_. For ``n1 = n2`` this is
    exactly what R's ``power.prop.test`` computes with its default
    ``strict = FALSE``: in the two-sided case the tiny probability of rejecting
    in the wrong direction is ignored, so the power is ``alpha / 2`` (not
    ``alpha``) when ``p1 = p2``. Unlike R, the one-sided power knows the
    direction: with ``alternative="less"`` a worsening (``p1 > p2``) has power
    below ``alpha``. When both variances are zero (rates of 0 or 1) the power
    is 1 if the difference exceeds the critical distance and 0 otherwise.

    References
    ----------
    .. [1] Fleiss, J. L., Levin, B. and Paik, M. C. (2003). *Statistical Methods
       for Rates and Proportions*, 3rd ed., section 4.2. Wiley.

    Examples
    --------
    >>> from inspection_analysis.stats.power import power_change
    >>> print(f"{power_change(0.50, 0.75, 50, 50):.4f}")
    0.7402
    """
    alternative, alpha = _check_test(alternative, alpha)
    p1 = check_probability(p1, "p1")
    p2 = check_probability(p2, "p2")
    n1 = _check_sizes(n1, "n1")
    n2 = _check_sizes(n2, "n2")
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    s0 = np.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    s1 = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    margin = _signed_difference(p1, p2, alternative) - _z_alpha(alpha, alternative) * s0
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.where(s1 > 0, special.ndtr(margin / np.where(s1 > 0, s1, 1.0)), (margin > 0).astype(float))
    return as_scalar_or_array(power)


def sample_size(p1, p2, *, power=0.8, alpha=0.05, alternative="two-sided", ratio=1.0):
    """Case files needed in the earlier round (group 2) to detect a change.

    Parameters
    ----------
    p1, p2 : float or array_like
        Failure rates to distinguish in the later (1) and earlier (2) round.
    power : float, default 0.8
        The power wanted.
    alpha : float, default 0.05
        Significance level.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"`` plans a one-sided test for an improvement (p1 < p2).
    ratio : float, default 1.0
        ``n1 / n2``; group 1 then needs ``ratio * n`` case files.

    Returns
    -------
    float or numpy.ndarray
        The unrounded ``n2`` (round up before use); ``inf`` when the rates do
        not differ in the direction tested.

    Raises
    ------
    ValueError
        If a rate lies outside [0, 1], ``power`` or ``alpha`` outside (0, 1),
        ``power <= alpha``, ``ratio`` is not positive or ``alternative`` is unknown.

    Notes
    -----
    Solves the power equation of :func:`power_change` in closed form:
    ``n2 = (z_a sqrt(pbar qbar (1 + 1/r)) + z_b sqrt(p1 q1 / r + p2 q2))^2 / d^2``
    with ``pbar = (r p1 + p2) / (r + 1)`` [1]_. For ``ratio = 1`` this is the
    ``n`` of R's ``power.prop.test(p1=, p2=, power=)`` (R finds it with
    ``uniroot``, so it agrees with this exact solution to about four
    significant digits).

    References
    ----------
    .. [1] Fleiss, J. L., Levin, B. and Paik, M. C. (2003). *Statistical Methods
       for Rates and Proportions*, 3rd ed., section 4.4. Wiley.

    Examples
    --------
    >>> from inspection_analysis.stats.power import sample_size
    >>> print(f"{sample_size(0.50, 0.75, power=0.90):.2f}")
    76.71
    """
    alternative, alpha = _check_test(alternative, alpha)
    power = check_level(power, "power")
    if power <= alpha:
        raise ValueError(f"power ({power!r}) must exceed alpha ({alpha!r})")
    r = _check_sizes(ratio, "ratio")
    p1 = check_probability(p1, "p1")
    p2 = check_probability(p2, "p2")
    pbar = (r * p1 + p2) / (r + 1)
    spread = _z_alpha(alpha, alternative) * np.sqrt(pbar * (1 - pbar) * (1 + 1 / r)) + normal_quantile(power) * np.sqrt(
        p1 * (1 - p1) / r + p2 * (1 - p2)
    )
    d = _signed_difference(p1, p2, alternative)
    with np.errstate(divide="ignore"):
        n = np.where(d > 0, (spread / np.where(d > 0, d, 1.0)) ** 2, np.inf)
    return as_scalar_or_array(n)


def _one_detectable_change(p2, n1, n2, power, alpha, alternative, sign):
    """Smallest |p1 - p2| (signed) reaching ``power``, or nan if none within [0, 1]."""
    end = 0.0 if sign < 0 else 1.0

    def gap(p1):
        return power_change(p1, p2, n1, n2, alpha=alpha, alternative=alternative) - power

    if gap(p2) >= 0:
        return 0.0
    grid = np.linspace(p2, end, 2001)
    reached = np.flatnonzero(gap(grid) >= 0)
    if reached.size == 0:
        return np.nan
    i = reached[0]
    return optimize.brentq(gap, grid[i - 1], grid[i], xtol=1e-12) - p2


def min_detectable_change(p2, n1, n2, *, power=0.8, alpha=0.05, alternative="less", direction=None):
    """Smallest change in failure rate the two samples detect with the given power.

    Parameters
    ----------
    p2 : float or array_like
        Failure rate in the earlier round (group 2).
    n1, n2 : float or array_like
        Case files in the later (1) and earlier (2) round.
    power : float, default 0.8
        The power wanted.
    alpha : float, default 0.05
        Significance level.
    alternative : {"less", "greater", "two-sided"}, default "less"
        The test to be run; ``"less"`` looks for a fall (an improvement).
    direction : {"decrease", "increase"}, optional
        Required with ``"two-sided"``: which way the change is sought.
        Must be omitted (or agree) for one-sided tests.

    Returns
    -------
    float or numpy.ndarray
        The signed difference ``p1 - p2`` (negative for a decrease) with power
        ``power``; ``nan`` when no rate in [0, 1] reaches that power.

    Raises
    ------
    ValueError
        For rates outside [0, 1], sizes not positive, levels outside (0, 1), an
        unknown ``alternative`` or ``direction``, or a ``direction`` that is
        missing (two-sided) or contradicts a one-sided ``alternative``.

    Notes
    -----
    The root of ``power_change(p1, p2, n1, n2) = power`` in ``p1`` nearest to
    ``p2`` on the side sought, found by scanning a grid of 2000 steps and then
    Brent's method [1]_. "No significant change" from samples whose minimum
    detectable change is large is weak evidence of no change.

    References
    ----------
    .. [1] Brent, R. P. (1973). *Algorithms for Minimization without
       Derivatives*, ch. 4. Prentice-Hall.

    Examples
    --------
    >>> from inspection_analysis.stats.power import min_detectable_change
    >>> print(f"{min_detectable_change(0.743, 135, 374):.3f}")
    -0.115
    """
    alternative, alpha = _check_test(alternative, alpha)
    power = check_level(power, "power")
    implied = {"less": "decrease", "greater": "increase"}.get(alternative)
    if direction is None:
        if implied is None:
            raise ValueError("direction ('decrease' or 'increase') is required when alternative='two-sided'")
        direction = implied
    direction = check_method(direction, ("decrease", "increase"), "direction")
    if implied is not None and direction != implied:
        raise ValueError(f"direction {direction!r} contradicts alternative {alternative!r}")
    p2 = check_probability(p2, "p2")
    n1 = _check_sizes(n1, "n1")
    n2 = _check_sizes(n2, "n2")
    sign = -1 if direction == "decrease" else 1
    p2b, n1b, n2b = np.broadcast_arrays(p2, n1, n2)
    out = np.array(
        [
            _one_detectable_change(float(a), float(b), float(c), power, alpha, alternative, sign)
            for a, b, c in zip(p2b.flat, n1b.flat, n2b.flat, strict=True)
        ]
    ).reshape(p2b.shape)
    return as_scalar_or_array(out)


def cohens_h(p1, p2):
    """Cohen's effect size h for two proportions.

    Parameters
    ----------
    p1, p2 : float or array_like
        Failure rates in the later (1) and earlier (2) round.

    Returns
    -------
    float or numpy.ndarray
        ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))``; negative for a fall.

    Raises
    ------
    ValueError
        If a rate lies outside [0, 1].

    Notes
    -----
    The arcsine transformation stabilises the variance of a proportion, so the
    same ``h`` is about equally detectable anywhere on [0, 1]. Cohen's rough
    guides are 0.2 small, 0.5 medium and 0.8 large [1]_.

    References
    ----------
    .. [1] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral
       Sciences*, 2nd ed., ch. 6. Erlbaum.

    Examples
    --------
    >>> from inspection_analysis.stats.power import cohens_h
    >>> print(f"{cohens_h(0.25, 0.5):.4f}")
    -0.5236
    """
    p1 = check_probability(p1, "p1")
    p2 = check_probability(p2, "p2")
    return as_scalar_or_array(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)))


def ci_sample_size(p, half_width, *, confidence_level=0.95):
    """Case files needed to estimate a failure rate to within ``half_width``.

    Parameters
    ----------
    p : float or array_like
        Anticipated failure rate (0.5 is the conservative choice).
    half_width : float or array_like
        Wanted half-width of the Wald confidence interval, in (0, 1).
    confidence_level : float, default 0.95
        Confidence level.

    Returns
    -------
    int or numpy.ndarray
        ``ceil(z^2 p (1 - p) / half_width^2)``, at least 1.

    Raises
    ------
    ValueError
        If ``p`` lies outside [0, 1] or ``half_width`` or ``confidence_level``
        outside (0, 1).

    Notes
    -----
    The normal-approximation (Wald) formula [1]_; it ignores the finite
    population correction and is optimistic for rates near 0 or 1.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., section 4.4. Wiley.

    Examples
    --------
    >>> from inspection_analysis.stats.power import ci_sample_size
    >>> ci_sample_size(0.5, 0.05)
    385
    """
    confidence_level = check_level(confidence_level)
    p = check_probability(p, "p")
    d = check_probability(half_width, "half_width", closed=False)
    z = normal_quantile(0.5 + confidence_level / 2)
    n = np.maximum(np.ceil(z**2 * p * (1 - p) / d**2), 1).astype(np.int64)
    return int(n) if n.ndim == 0 else n
