"""Statistical process control for failure rates: p-chart limits, the NHS rules, funnel limits.

The stats core (numpy in, numpy and frozen dataclasses out) for
:mod:`inspection_analysis.analysis.series`. The lower a failure rate, the better, so
a signal on the low side is an improvement and on the high side a concern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import check_counts
from inspection_analysis.stats.results import ResultMixin

__all__ = ["PChartLimits", "SpecialCauses", "p_chart_limits", "special_causes"]

#: Bias-correction constant d2 for moving ranges of two points (Montgomery, table VI).
D2 = 1.128
#: NHS "Making Data Count": a run of this many points on one side of the centre is a shift.
SHIFT_RUN = 7
#: NHS "Making Data Count": this many points all rising (or all falling) is a trend.
TREND_RUN = 7


@dataclass(frozen=True, repr=False)
class PChartLimits(ResultMixin):
    """Centre line and control limits of a p-chart (or Laney p'-chart).

    Attributes
    ----------
    centre : float
        The pooled rate, total failures over total case files.
    sigma : numpy.ndarray
        The standard deviation of each point's rate, ``sqrt(centre (1 - centre) / n)``,
        multiplied by ``dispersion_ratio`` when ``laney`` is true.
    lcl, ucl : numpy.ndarray
        The lower and upper 3-sigma limits, clipped to [0, 1].
    z : numpy.ndarray
        Each point's distance from the centre in units of ``sigma``.
    dispersion_ratio : float
        Laney's sigma_z: the mean moving range of the binomial z-scores over
        1.128 (NaN with fewer than two points). About 1 when the binomial model fits.
    laney : bool
        Whether the limits were widened (or narrowed) by ``dispersion_ratio``.
    """

    centre: float
    sigma: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    z: np.ndarray
    dispersion_ratio: float
    laney: bool


def p_chart_limits(x, n, *, laney: bool | None = None) -> PChartLimits:
    """3-sigma limits of a p-chart, with Laney's p' adjustment for over-dispersion.

    Parameters
    ----------
    x, n : array_like of int
        Failures and case files at each point, in time order.
    laney : bool or None, default None
        ``True`` always applies Laney's adjustment, ``False`` never does, and
        ``None`` applies it when the dispersion ratio exceeds 1 (so the
        adjustment only ever widens limits).

    Returns
    -------
    PChartLimits
        See :class:`PChartLimits` for every attribute.

    Raises
    ------
    ValueError
        If counts are negative, not whole, ``n`` is 0 or ``x > n``; if there are
        no points; or if ``laney=True`` with fewer than two points.

    Notes
    -----
    The p-chart (Montgomery [1]_, section 7.2) has centre ``pbar = sum(x) / sum(n)``
    and limits ``pbar +/- 3 sqrt(pbar (1 - pbar) / n_i)``. Laney's p'-chart [2]_
    first computes the z-scores ``z_i = (p_i - pbar) / sigma_i``, estimates their
    between-point spread ``sigma_z`` as the mean moving range over ``d2 = 1.128``,
    and multiplies every ``sigma_i`` by ``sigma_z``. When every rate is 0 or 1
    the binomial sigma is 0: the limits then collapse onto the centre.

    References
    ----------
    .. [1] Montgomery DC. Introduction to Statistical Quality Control, 6th ed. Wiley; 2009.
    .. [2] Laney DB. Improved control charts for attributes. Quality Engineering.
       2002;14(4):531-537.

    Examples
    --------
    >>> lim = p_chart_limits([20, 30], [100, 100], laney=False)
    >>> print(f"{lim.centre:.2f} {lim.lcl[0]:.4f} {lim.ucl[0]:.4f}")
    0.25 0.1201 0.3799
    """
    xa, na = check_counts(x, n)
    xa, na = np.atleast_1d(xa), np.atleast_1d(na)
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"need a one-dimensional series of at least one point, got shape {xa.shape}")
    centre = xa.sum() / na.sum()
    rate = xa / na
    base_sigma = np.sqrt(centre * (1 - centre) / na)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_binomial = np.where(base_sigma > 0, (rate - centre) / base_sigma, 0.0)
    ratio = float(np.mean(np.abs(np.diff(z_binomial))) / D2) if xa.size > 1 else float("nan")
    if laney is None:
        laney = bool(ratio > 1)
    elif laney and xa.size < 2:
        raise ValueError(f"Laney's adjustment needs at least two points, got {xa.size}")
    sigma = base_sigma * ratio if laney else base_sigma
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sigma > 0, (rate - centre) / sigma, 0.0)
    return PChartLimits(
        centre=float(centre),
        sigma=sigma,
        lcl=np.clip(centre - 3 * sigma, 0.0, 1.0),
        ucl=np.clip(centre + 3 * sigma, 0.0, 1.0),
        z=z,
        dispersion_ratio=ratio,
        laney=bool(laney),
    )


@dataclass(frozen=True, repr=False)
class SpecialCauses(ResultMixin):
    """Which points each NHS "Making Data Count" rule flags, low side and high side.

    Attributes
    ----------
    beyond_low, beyond_high : numpy.ndarray of bool
        The point lies below the lower (above the upper) 3-sigma limit.
    shift_low, shift_high : numpy.ndarray of bool
        The point belongs to a run of at least 7 consecutive points below
        (above) the centre line.
    trend_falling, trend_rising : numpy.ndarray of bool
        The point belongs to a run of at least 7 consecutive points each lower
        (higher) than the one before.
    two_of_three_low, two_of_three_high : numpy.ndarray of bool
        The point lies beyond 2 sigma below (above) the centre in a window of
        three consecutive points at least two of which do so on the same side.
    """

    beyond_low: np.ndarray
    beyond_high: np.ndarray
    shift_low: np.ndarray
    shift_high: np.ndarray
    trend_falling: np.ndarray
    trend_rising: np.ndarray
    two_of_three_low: np.ndarray
    two_of_three_high: np.ndarray


def _in_long_runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark the elements of every run of consecutive ``True`` at least ``length`` long."""
    out = np.zeros(flags.size, dtype=bool)
    start = None
    for i, flag in enumerate(np.append(flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _trend(steps: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` points linked by ``length - 1`` qualifying steps."""
    # a step i links point i and point i + 1
    in_run = _in_long_runs(steps, length - 1)
    out = np.zeros(steps.size + 1, dtype=bool)
    out[:-1] |= in_run
    out[1:] |= in_run
    return out


def _two_of_three(beyond2: np.ndarray) -> np.ndarray:
    out = np.zeros(beyond2.size, dtype=bool)
    for start in range(beyond2.size - 2):
        window = beyond2[start : start + 3]
        if window.sum() >= 2:
            out[start : start + 3] |= window
    return out


def special_causes(values, z) -> SpecialCauses:
    """Apply the NHS "Making Data Count" special-cause rules to a series.

    Parameters
    ----------
    values : array_like of float
        The plotted rates, in time order (used for the trend rule).
    z : array_like of float
        Each point's distance from the centre in sigma units (``PChartLimits.z``).

    Returns
    -------
    SpecialCauses
        Boolean flags per point for each rule and side; see :class:`SpecialCauses`.

    Raises
    ------
    ValueError
        If ``values`` and ``z`` differ in length or hold non-finite numbers.

    Notes
    -----
    The four rules of NHS England's "Making Data Count" [1]_: a point beyond a
    3-sigma limit; a shift, 7 or more consecutive points on one side of the
    centre (a point exactly on the centre breaks the run); a trend, 7 or more
    consecutive points each higher (or each lower) than the last (a repeated
    value breaks it); and 2 of 3 consecutive points beyond 2 sigma on the same
    side. For failure rates the low side is an improvement.

    References
    ----------
    .. [1] NHS England and NHS Improvement. Making Data Count: Getting started.
       2019. https://www.england.nhs.uk/publication/making-data-count/

    Examples
    --------
    >>> flags = special_causes([0.5, 0.4, 0.9], [0.0, -0.5, 3.2])
    >>> flags.beyond_high.tolist()
    [False, False, True]
    """
    v = np.asarray(values, dtype=float)
    za = np.asarray(z, dtype=float)
    if v.shape != za.shape or v.ndim != 1:
        raise ValueError(f"values {v.shape} and z {za.shape} must be one-dimensional and of one length")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(za))):
        raise ValueError("values and z must be finite numbers")
    steps = np.diff(v)
    return SpecialCauses(
        beyond_low=za < -3,
        beyond_high=za > 3,
        shift_low=_in_long_runs(za < 0, SHIFT_RUN),
        shift_high=_in_long_runs(za > 0, SHIFT_RUN),
        trend_falling=_trend(steps < 0, TREND_RUN),
        trend_rising=_trend(steps > 0, TREND_RUN),
        two_of_three_low=_two_of_three(za < -2),
        two_of_three_high=_two_of_three(za > 2),
    )
