"""Over-dispersion in funnel plots: winsorised dispersion ratio, DerSimonian-Laird tau^2, widened limits."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from inspection_analysis.stats.checks import check_counts, check_level, check_method, check_probability
from inspection_analysis.stats.results import ResultMixin

__all__ = ["Overdispersion", "overdispersion", "OD_SCALES", "OD_METHODS"]

#: Scales on which the z-scores are computed.
OD_SCALES = ("arcsine", "identity")
#: How :meth:`Overdispersion.limits` widens the limits.
OD_METHODS = ("additive", "multiplicative", "none")


def _transform(rate, scale: str):
    return np.arcsin(np.sqrt(rate)) if scale == "arcsine" else rate


def _standard_error(centre: float, n, scale: str):
    """Within-unit standard error on ``scale``: ``1 / (2 sqrt(n))`` or ``sqrt(centre (1 - centre) / n)``."""
    return 1 / (2 * np.sqrt(n)) if scale == "arcsine" else np.sqrt(centre * (1 - centre) / n)


@dataclass(frozen=True, repr=False)
class Overdispersion(ResultMixin):
    """Spiegelhalter's over-dispersion estimates for a funnel of proportions.

    Attributes
    ----------
    centre : float
        The funnel's centre (the pooled rate unless one was given).
    z : numpy.ndarray
        Each unit's z-score on ``scale``, before winsorising.
    z_winsorised : numpy.ndarray
        The z-scores pulled in to the ``trim`` and ``1 - trim`` quantiles.
    phi : float
        The dispersion ratio, the mean squared winsorised z-score (about 1
        when the binomial model fits).
    statistic : float
        ``k * phi`` for ``k`` units, the heterogeneity statistic.
    df : int
        ``k - 1``, its chi-square degrees of freedom.
    pvalue : float
        ``P(chi-square(df) >= statistic)``: small values are evidence of
        over-dispersion.
    tau2 : float
        DerSimonian-Laird between-unit variance on ``scale`` (0 when
        ``statistic < df``).
    trim : float
        The fraction winsorised at each end.
    scale : str
        ``"arcsine"`` or ``"identity"``.
    """

    centre: float
    z: np.ndarray
    z_winsorised: np.ndarray
    phi: float
    statistic: float
    df: int
    pvalue: float
    tau2: float
    trim: float
    scale: str

    @property
    def adjust(self) -> bool:
        """Whether ``statistic`` exceeds its degrees of freedom, so that ``tau2 > 0`` (FunnelPlotR's rule)."""
        return bool(self.statistic > self.df)

    def to_frame(self):
        """The scalar estimates as a one-row pandas DataFrame (the per-unit z-scores are left out)."""
        import pandas as pd

        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("z", "z_winsorised")}
        return pd.DataFrame([row | {"adjust": self.adjust}])

    def limits(self, n, *, probability: float, method: str = "additive"):
        """Funnel limit at ``n`` case files, widened for over-dispersion.

        Parameters
        ----------
        n : array_like of int
            Sample sizes at which to give the limit.
        probability : float
            Cumulative probability of the limit, in (0, 1): 0.025 and 0.975
            for 95% limits, 0.001 and 0.999 for 99.8%, or any other level.
        method : {"additive", "multiplicative", "none"}, default "additive"
            ``"additive"`` adds ``tau2`` to the within-unit variance;
            ``"multiplicative"`` multiplies it by ``max(phi, 1)``; ``"none"``
            gives the unadjusted normal limits on the same scale.

        Returns
        -------
        numpy.ndarray or float
            The limit on the rate scale, in [0, 1], one per ``n``.

        Raises
        ------
        ValueError
            For an invalid ``n``, ``probability`` or ``method``.

        Notes
        -----
        On the transformed scale the limit is ``g(centre) + z_p sqrt(v)``
        with ``v = s**2 + tau2``, ``phi s**2`` or ``s**2`` and ``s`` the
        within-unit standard error; it is mapped back to the rate scale (on the
        arcsine scale ``sin(angle)**2``, the angle first clipped to
        ``[0, pi/2]`` so the limit is 0 or 1 where FunnelPlotR truncates it).
        ``phi`` below 1 is not used to narrow limits, as ``tau2`` is never
        negative. The models are Spiegelhalter's [1]_.

        References
        ----------
        .. [1] Spiegelhalter DJ. Handling over-dispersion of performance
           indicators. Quality and Safety in Health Care. 2005;14(5):347-351.

        Examples
        --------
        >>> od = overdispersion([12, 20, 31, 8, 30, 25], [35, 42, 60, 28, 50, 75])
        >>> print(f"{od.limits(50, probability=0.025, method='multiplicative'):.4f}")
        0.2490
        """
        from scipy.stats import norm

        prob = check_level(probability, "probability")
        check_method(method, OD_METHODS)
        _, na = check_counts(0, n, xname="x", nname="n")
        s2 = _standard_error(self.centre, na, self.scale) ** 2
        var = {"additive": s2 + self.tau2, "multiplicative": max(self.phi, 1.0) * s2, "none": s2}[method]
        edge = _transform(self.centre, self.scale) + norm.ppf(prob) * np.sqrt(var)
        if self.scale == "arcsine":
            limit = np.sin(np.clip(edge, 0.0, np.pi / 2)) ** 2
        else:
            limit = np.clip(edge, 0.0, 1.0)
        return float(limit) if np.ndim(limit) == 0 else limit


def overdispersion(x, n, *, centre=None, trim: float = 0.1, scale: str = "arcsine") -> Overdispersion:
    """Estimate over-dispersion among units' proportions, for funnel-plot limits.

    Parameters
    ----------
    x, n : array_like of int
        Failures and case files in each unit (force), one-dimensional, at
        least two units.
    centre : float, optional
        The funnel's centre; by default the pooled rate ``sum(x) / sum(n)``.
    trim : float, default 0.1
        Fraction of the z-scores winsorised at each end, in [0, 0.5)
        (FunnelPlotR's default ``trim_by = 0.1``).
    scale : {"arcsine", "identity"}, default "arcsine"
        ``"arcsine"``: z-scores of ``asin(sqrt(x / n))`` with standard error
        ``1 / (2 sqrt(n))``, as FunnelPlotR does for proportions.
        ``"identity"``: ``(x / n - centre) / sqrt(centre (1 - centre) / n)``,
        the normal approximation behind PHEindicatormethods' limits.

    Returns
    -------
    Overdispersion
        ``phi``, ``tau2``, the heterogeneity test and the z-scores; its
        :meth:`~Overdispersion.limits` gives adjusted limits at any level.

    Raises
    ------
    ValueError
        For invalid counts, fewer than two units, ``trim`` outside [0, 0.5),
        an unknown ``scale``, or (on the identity scale) a centre of 0 or 1.

    Notes
    -----
    Spiegelhalter [1]_: each unit's z-score ``z_i = (y_i - y_0) / s_i`` is
    winsorised at the ``trim`` and ``1 - trim`` quantiles (linear
    interpolation, R's default type 7 as FunnelPlotR uses), and
    ``phi = sum(z_w**2) / k``. ``k * phi`` is compared with a chi-square on
    ``k - 1`` degrees of freedom, the standard heterogeneity test (the
    winsorising makes the reference distribution approximate). With weights
    ``w_i = 1 / s_i**2``, the DerSimonian-Laird [2]_ between-unit variance is
    ``tau2 = (k phi - (k - 1)) / (sum(w) - sum(w**2) / sum(w))``, set to 0
    when ``k phi < k - 1``, exactly as FunnelPlotR's ``tau_func`` [3]_. The
    multiplicative model inflates each variance by ``phi``; the additive
    (random-effects) model adds ``tau2``, which widens the limits of large
    units relatively more.

    References
    ----------
    .. [1] Spiegelhalter DJ. Handling over-dispersion of performance
       indicators. Quality and Safety in Health Care. 2005;14(5):347-351;
       and Spiegelhalter DJ. Funnel plots for comparing institutional
       performance. Statistics in Medicine. 2005;24(8):1185-1202.
    .. [2] DerSimonian R, Laird N. Meta-analysis in clinical trials.
       Controlled Clinical Trials. 1986;7(3):177-188.
    .. [3] Mainey C. FunnelPlotR: funnel plots for comparing institutional
       performance (R package), R/od_adjustment.R and R/calculate_limits.R.
       https://github.com/nhs-r-community/FunnelPlotR

    Examples
    --------
    >>> od = overdispersion([12, 20, 31, 8, 30, 25], [35, 42, 60, 28, 50, 75])
    >>> print(f"phi={od.phi:.3f} tau2={od.tau2:.5f} p={od.pvalue:.4f}")
    phi=2.026 tau2=0.00756 p=0.0327
    >>> print(f"{od.limits(50, probability=0.975):.4f}")
    0.6515
    """
    from scipy.stats import chi2

    xa, na = check_counts(x, n)
    if xa.ndim != 1 or xa.size < 2:
        raise ValueError(f"need a one-dimensional set of at least two units, got shape {xa.shape}")
    trim = float(trim)
    if not 0.0 <= trim < 0.5:
        raise ValueError(f"trim must lie in [0, 0.5), got {trim!r}")
    check_method(scale, OD_SCALES, "scale")
    p0 = float(xa.sum() / na.sum()) if centre is None else float(check_probability(centre, "centre"))
    if scale == "identity" and p0 in (0.0, 1.0):
        raise ValueError(f"on the identity scale the centre must lie strictly inside (0, 1), got {p0!r}")
    s = _standard_error(p0, na, scale)
    z = (_transform(xa / na, scale) - _transform(p0, scale)) / s
    low, high = np.quantile(z, [trim, 1 - trim])
    z_w = np.clip(z, low, high)
    k = z.size
    phi = float(np.mean(z_w**2))
    statistic = k * phi
    w = 1 / s**2
    tau2 = 0.0 if statistic < k - 1 else max(0.0, (statistic - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return Overdispersion(
        centre=p0, z=z, z_winsorised=z_w, phi=phi, statistic=float(statistic), df=k - 1,
        pvalue=float(chi2.sf(statistic, k - 1)), tau2=float(tau2), trim=trim, scale=scale,
    )
