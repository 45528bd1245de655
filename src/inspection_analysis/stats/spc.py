"""Statistical process control for failure rates: p-chart limits, the NHS rules, funnel limits.

The stats core (numpy in, numpy and frozen dataclasses out) for
:mod:`inspection_analysis.analysis.pchart`. The rules flag each side separately;
which side is an improvement (the low side for a failure rate) is decided in
:mod:`inspection_analysis.stats.point_types`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import check_counts, check_level, check_method, check_probability
from inspection_analysis.stats.results import ResultMixin

__all__ = ["PChartLimits", "SpecialCauses", "p_chart_limits", "special_causes", "RULES"]

#: Bias-correction constant d2 for moving ranges of two points (Montgomery, table VI).
D2 = 1.128
#: NHS "Making Data Count": a run of this many points on one side of the centre is a shift
#: (NHSRplotthedots ``ptd_seven_point_one_side_mean``; the Making Data Count Excel tool also allows 6).
SHIFT_RUN = 7
#: NHS "Making Data Count": this many points all rising (or all falling) is a trend
#: (NHSRplotthedots ``ptd_seven_point_trend``).
TREND_RUN = 7
#: Laney's p' is chosen automatically only from this many baseline points: NHS "Making Data Count"
#: treats limits from fewer than 12 points as trial limits (NHSRplotthedots vignette
#: "number-of-points-required"), and sigma_z is a moving-range estimate like theirs.
LANEY_MIN_POINTS = 12
#: Nelson's screen: moving ranges of at least this many times their mean are left out of
#: sigma_z (qicharts2 ``qic.pp`` with ``qic.screenedmr``, its default once attached).
MR_SCREEN = 3.267
#: The special-cause rules, by the prefix of their :class:`SpecialCauses` attributes.
RULES = ("beyond", "two_of_three", "shift", "trend")


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


@dataclass(frozen=True, repr=False)
class SpecialCauses(ResultMixin):
    """Which points each NHS "Making Data Count" rule flags, low side and high side.

    A rule switched off (left out of ``rules``) flags no point.

    Attributes
    ----------
    beyond_low, beyond_high : numpy.ndarray of bool
        The point lies below the lower (above the upper) 3-sigma limit.
    shift_low, shift_high : numpy.ndarray of bool
        The point belongs to a run of at least ``shift_length`` consecutive
        points below (above) the centre line.
    trend_falling, trend_rising : numpy.ndarray of bool
        The point belongs to a run of at least ``trend_length`` consecutive
        points each lower (higher) than the one before.
    two_of_three_low, two_of_three_high : numpy.ndarray of bool
        The point lies between 2 and 3 sigma below (above) the centre, in a
        window of three consecutive points all below (above) the centre at
        least two of which lie between 2 and 3 sigma.
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


def _two_of_three(near: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Near-limit points in a window of three, all on ``side``, with two or more near the limit."""
    out = np.zeros(near.size, dtype=bool)
    for start in range(near.size - 2):
        window = slice(start, start + 3)
        if side[window].all() and near[window].sum() >= 2:
            out[window] |= near[window]
    return out


def _check_length(value, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 2:
        raise ValueError(f"{name} must be a whole number of at least 2 points, got {value!r}")
    return int(value)


def special_causes(values, z, *, shift_length: int = SHIFT_RUN, trend_length: int = TREND_RUN,
                   rules=RULES) -> SpecialCauses:
    """Apply the NHS "Making Data Count" special-cause rules to a series.

    Parameters
    ----------
    values : array_like of float
        The plotted rates, in time order (used for the trend rule).
    z : array_like of float
        Each point's distance from the centre in sigma units (``PChartLimits.z``).
    shift_length : int, default 7
        The shortest run on one side of the centre that is a shift (Making
        Data Count's Excel tool also offers 6).
    trend_length : int, default 7
        The fewest points all rising (or all falling) that are a trend.
    rules : collection of str, default all four
        The rules switched on, from ``"beyond"``, ``"two_of_three"``,
        ``"shift"`` and ``"trend"``; the flags of the others are all false.

    Returns
    -------
    SpecialCauses
        Boolean flags per point for each rule and side; see :class:`SpecialCauses`.

    Raises
    ------
    ValueError
        If ``values`` and ``z`` differ in length or hold non-finite numbers, a
        length is not a whole number of at least 2, or a rule is unknown.

    Notes
    -----
    The four rules of NHS England's "Making Data Count" [1]_, as NHSRplotthedots
    implements them [2]_ (``R/ptd_calculate_point_type.R``):

    * beyond a limit: ``|z| > 3``;
    * a shift: ``shift_length`` or more consecutive points on one side of the
      centre (a point exactly on the centre breaks the run);
    * a trend: ``trend_length`` or more consecutive points each higher (or each
      lower) than the last (a repeated value breaks it), whichever side of the
      centre they lie;
    * two of three: in a window of three consecutive points all on the same
      side of the centre, at least two lie between 2 and 3 sigma
      (``2 < |z| <= 3``); those points are flagged. Points beyond 3 sigma count
      towards the side but not towards the two (they are flagged by the first
      rule), as ``ptd_two_in_three`` after NHSRplotthedots issue #143 and as
      its issue #153 confirms. (Making Data Count announced in NHSRplotthedots
      issue #194 that its own tool would count points beyond 3 sigma too; this
      follows NHSRplotthedots.)

    Which side is an improvement is decided by :func:`classify_points`.

    References
    ----------
    .. [1] NHS England and NHS Improvement. Making Data Count: Getting started.
       2019. https://www.england.nhs.uk/publication/making-data-count/
    .. [2] NHS-R Community. NHSRplotthedots: Draw XmR charts for NHSE/I "Making
       Data Count". https://github.com/nhs-r-community/NHSRplotthedots

    Examples
    --------
    >>> flags = special_causes([0.5, 0.4, 0.9], [0.0, -0.5, 3.2])
    >>> flags.beyond_high.tolist()
    [False, False, True]
    >>> special_causes([0.3, 0.3, 0.3], [2.5, 1.0, 2.2]).two_of_three_high.tolist()
    [True, False, True]
    """
    v = np.asarray(values, dtype=float)
    za = np.asarray(z, dtype=float)
    if v.shape != za.shape or v.ndim != 1:
        raise ValueError(f"values {v.shape} and z {za.shape} must be one-dimensional and of one length")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(za))):
        raise ValueError("values and z must be finite numbers")
    shift_length = _check_length(shift_length, "shift_length")
    trend_length = _check_length(trend_length, "trend_length")
    on = {check_method(rule, RULES, "rule") for rule in ([rules] if isinstance(rules, str) else rules)}
    steps = np.diff(v)
    near = (np.abs(za) > 2) & (np.abs(za) <= 3)
    flags = {
        "beyond_low": za < -3,
        "beyond_high": za > 3,
        "shift_low": _in_long_runs(za < 0, shift_length),
        "shift_high": _in_long_runs(za > 0, shift_length),
        "trend_falling": _trend(steps < 0, trend_length)[: v.size],  # [: 0] for an empty series
        "trend_rising": _trend(steps > 0, trend_length)[: v.size],
        "two_of_three_low": _two_of_three(near, za < 0),
        "two_of_three_high": _two_of_three(near, za > 0),
    }
    off = np.zeros(v.size, dtype=bool)
    return SpecialCauses(**{name: flag if name.rsplit("_", 1)[0] in on else off for name, flag in flags.items()})


def funnel_limits(centre: float, n, *, probability: float) -> np.ndarray:
    """Exact binomial funnel-plot limit around ``centre`` for samples of ``n``.

    Parameters
    ----------
    centre : float
        The target or pooled rate, in [0, 1].
    n : array_like of int
        Sample sizes (case files) at which to give the limit.
    probability : float
        The cumulative probability of the limit, in (0, 1): 0.025 and 0.975 are
        the 95% limits, 0.001 and 0.999 the 99.8% limits.

    Returns
    -------
    numpy.ndarray or float
        The limit on the rate scale, clipped to [0, 1], one per ``n``.

    Raises
    ------
    ValueError
        If ``centre`` is outside [0, 1], ``probability`` outside (0, 1), or an
        ``n`` is not a whole number of at least 1.

    Notes
    -----
    The p-quantile of Binomial(n, centre) is a whole number ``r``; the limit is
    interpolated between ``r - 1`` and ``r`` as in Spiegelhalter [1]_,
    Appendix A.1.1, and the Association of Public Health Observatories'
    technical briefing used by Public Health England's Fingertips tools [2]_:
    with ``F`` the binomial cdf,
    ``alpha = (F(r) - p) / (F(r) - F(r - 1))`` and the limit is ``(r - alpha) / n``.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional
       performance. Statistics in Medicine. 2005;24(8):1185-1202.
    .. [2] Flowers J. Statistical process control methods in public health
       intelligence. APHO Technical Briefing 2. Association of Public Health
       Observatories; 2007.

    Examples
    --------
    >>> print(f"{funnel_limits(0.5, 10, probability=0.975):.4f}")
    0.7676
    """
    from scipy.stats import binom

    p0 = float(check_probability(centre, "centre"))
    prob = check_level(probability, "probability")
    _, na = check_counts(0, n, xname="x", nname="n")
    r = binom.ppf(prob, na, p0)
    upper_cdf = binom.cdf(r, na, p0)
    lower_cdf = binom.cdf(r - 1, na, p0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(upper_cdf > lower_cdf, (upper_cdf - prob) / (upper_cdf - lower_cdf), 0.0)
    limit = np.clip((r - alpha) / na, 0.0, 1.0)
    return float(limit) if limit.ndim == 0 else limit
