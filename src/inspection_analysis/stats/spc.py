"""Statistical process control for failure rates: p-chart limits (plain p or Laney's p').

The stats core (numpy in, numpy and frozen dataclasses out) for
:mod:`inspection_analysis.analysis.pchart`. The special-cause rules are in
:mod:`inspection_analysis.stats.special_causes`; which side is an improvement
(the low side for a failure rate) is decided in
:mod:`inspection_analysis.stats.point_types`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import check_counts
from inspection_analysis.stats.results import ResultMixin

__all__ = ["PChartLimits", "p_chart_limits", "LANEY_MIN_POINTS"]

#: Bias-correction constant d2 for moving ranges of two points (Montgomery, table VI).
D2 = 1.128
#: Laney's p' is chosen automatically only from this many baseline points: NHS "Making Data Count"
#: treats limits from fewer than 12 points as trial limits (NHSRplotthedots vignette
#: "number-of-points-required"), and sigma_z is a moving-range estimate like theirs.
LANEY_MIN_POINTS = 12
#: Nelson's screen: moving ranges of at least this many times their mean are left out of
#: sigma_z (qicharts2 ``qic.pp`` with ``qic.screenedmr``, its default once attached).
MR_SCREEN = 3.267


@dataclass(frozen=True, repr=False)
class PChartLimits(ResultMixin):
    """Centre line and control limits of a p-chart (or Laney p'-chart).

    Attributes
    ----------
    centre : float
        The pooled rate of the baseline points, their failures over their case files.
    sigma : numpy.ndarray
        The standard deviation of each point's rate, ``sqrt(centre (1 - centre) / n)``,
        multiplied by ``dispersion_ratio`` when ``laney`` is true.
    lcl, ucl : numpy.ndarray
        The lower and upper 3-sigma limits, clipped to [0, 1].
    z : numpy.ndarray
        Each point's distance from the centre in units of ``sigma``.
    dispersion_ratio : float
        Laney's sigma_z: the mean moving range of the baseline points' binomial
        z-scores over 1.128, after Nelson's screen when ``screen`` is true (NaN
        with fewer than two baseline points). About 1 when the binomial model fits.
    laney : bool
        Whether the limits were widened (or narrowed) by ``dispersion_ratio``.
    limits : str
        The limits drawn: ``"p"`` or ``"laney p'"``.
    n_baseline : int
        The number of baseline points behind ``centre`` and ``dispersion_ratio``.
    phi : float
        Pearson's chi-square of the baseline points (the sum of their squared
        binomial z-scores) over its degrees of freedom ``n_baseline - 1``: the
        over-dispersion factor, about 1 when the binomial model fits (NaN with
        one baseline point).
    overdispersion_pvalue : float
        The chi-square upper tail of that statistic on ``n_baseline - 1``
        degrees of freedom: small when the points vary more than binomially.
    """

    centre: float
    sigma: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    z: np.ndarray
    dispersion_ratio: float
    laney: bool
    limits: str
    n_baseline: int
    phi: float
    overdispersion_pvalue: float

    def to_frame(self):
        """One row per point, the chart-wide attributes repeated on each (pandas imported here only)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict())


def _baseline_mask(baseline, size: int) -> np.ndarray:
    if baseline is None:
        return np.ones(size, dtype=bool)
    mask = np.asarray(baseline)
    if mask.dtype != bool or mask.shape != (size,):
        raise ValueError(f"baseline must be a boolean array of one flag per point ({size}), got {baseline!r}")
    if not mask.any():
        raise ValueError("baseline must mark at least one point")
    return mask


def _sigma_z(z_base: np.ndarray, screen: bool) -> float:
    """Laney's sigma_z: mean moving range over d2, moving ranges screened as Nelson (1982)."""
    if z_base.size < 2:
        return float("nan")
    mr = np.abs(np.diff(z_base))
    amr = mr.mean()
    if screen:
        mr = mr[mr < MR_SCREEN * amr]
        amr = mr.mean() if mr.size else 0.0
    return float(amr / D2)


def p_chart_limits(x, n, *, laney: bool | None = None, baseline=None, laney_min_points: int = LANEY_MIN_POINTS,
                   screen: bool = True) -> PChartLimits:
    """3-sigma limits of a p-chart, with Laney's p' adjustment for over-dispersion.

    Parameters
    ----------
    x, n : array_like of int
        Failures and case files at each point, in time order.
    laney : bool or None, default None
        ``True`` always applies Laney's adjustment, ``False`` never does, and
        ``None`` applies it when there are at least ``laney_min_points``
        baseline points and the dispersion ratio exceeds 1 (so the automatic
        choice only ever widens limits, and only from an estimate of sigma_z).
    baseline : array_like of bool or None, default None
        Which points set the centre and sigma_z (all when None): a frozen
        baseline, or every point but the excluded ones. Limits and z-scores
        are given for every point.
    laney_min_points : int, default 12
        The fewest baseline points from which ``laney=None`` may choose p'.
    screen : bool, default True
        Leave moving ranges of at least 3.267 times their mean out of sigma_z.

    Returns
    -------
    PChartLimits
        See :class:`PChartLimits` for every attribute.

    Raises
    ------
    ValueError
        If counts are negative, not whole, ``n`` is 0 or ``x > n``; if there are
        no points; if ``baseline`` is not one flag per point or marks none; if
        ``laney_min_points < 2``; or if ``laney=True`` with fewer than two
        baseline points.

    Notes
    -----
    The p-chart (Montgomery [1]_, section 7.2) has centre ``pbar = sum(x) / sum(n)``
    over the baseline points and limits ``pbar +/- 3 sqrt(pbar (1 - pbar) / n_i)``.
    Laney's p'-chart [2]_ first computes the z-scores ``z_i = (p_i - pbar) / sigma_i``,
    estimates their between-point spread ``sigma_z`` as the mean moving range of
    the baseline z-scores over ``d2 = 1.128``, and multiplies every ``sigma_i`` by
    ``sigma_z``, as qicharts2's ``qic.pp`` does [3]_, which also screens moving
    ranges: those of at least ``3.267`` times their mean are dropped and the mean
    recomputed (Nelson [4]_). A moving-range estimate from a handful of points is
    no estimate (three moving ranges give sigma_z almost any value), so the
    automatic choice keeps plain p limits below ``laney_min_points`` baseline
    points and reports the over-dispersion instead as ``phi``, Pearson's
    chi-square over its degrees of freedom, with its chi-square p-value; this is
    the k x 2 homogeneity test (R's ``chisq.test`` without continuity correction).
    When every rate is 0 or 1 the binomial sigma is 0: the limits then collapse
    onto the centre.

    References
    ----------
    .. [1] Montgomery DC. Introduction to Statistical Quality Control, 6th ed. Wiley; 2009.
    .. [2] Laney DB. Improved control charts for attributes. Quality Engineering.
       2002;14(4):531-537.
    .. [3] Anhoej J. qicharts2: Quality improvement charts for R. Journal of Open
       Source Software. 2018;3(25):699. Source: R/helper.functions.R, ``qic.pp``.
    .. [4] Nelson LS. Control charts for individual measurements. Journal of
       Quality Technology. 1982;14(3):172-173.

    Examples
    --------
    >>> lim = p_chart_limits([20, 30], [100, 100], laney=False)
    >>> print(f"{lim.centre:.2f} {lim.lcl[0]:.4f} {lim.ucl[0]:.4f} {lim.limits}")
    0.25 0.1201 0.3799 p
    """
    from scipy.stats import chi2

    xa, na = check_counts(x, n)
    xa, na = np.atleast_1d(xa), np.atleast_1d(na)
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"need a one-dimensional series of at least one point, got shape {xa.shape}")
    base = _baseline_mask(baseline, xa.size)
    if int(laney_min_points) != laney_min_points or laney_min_points < 2:
        raise ValueError(f"laney_min_points must be a whole number of at least 2, got {laney_min_points!r}")
    centre = xa[base].sum() / na[base].sum()
    rate = xa / na
    base_sigma = np.sqrt(centre * (1 - centre) / na)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_binomial = np.where(base_sigma > 0, (rate - centre) / base_sigma, 0.0)
    n_base = int(base.sum())
    ratio = _sigma_z(z_binomial[base], screen)
    chi_square = float(np.sum(z_binomial[base] ** 2))
    phi = chi_square / (n_base - 1) if n_base > 1 else float("nan")
    pvalue = float(chi2.sf(chi_square, n_base - 1)) if n_base > 1 else float("nan")
    if laney is None:
        laney = bool(n_base >= laney_min_points and ratio > 1)
    elif laney and n_base < 2:
        raise ValueError(f"Laney's adjustment needs at least two points in its baseline, got {n_base}")
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
        limits="laney p'" if laney else "p",
        n_baseline=n_base,
        phi=phi,
        overdispersion_pvalue=pvalue,
    )
