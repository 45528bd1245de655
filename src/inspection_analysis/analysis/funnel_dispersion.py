"""The funnel of forces with and without an over-dispersion adjustment (Spiegelhalter 2005, as FunnelPlotR).

Forces differ for reasons sampling error does not cover (years, case
selection, local practice), so plain binomial funnel limits flag many forces.
:func:`funnel_dispersion` estimates the over-dispersion from the forces'
winsorised z-scores, tests whether it needs adjusting for, and gives the
limits both ways, so a figure and a table can show them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.funnel import FUNNEL_LABELS, FUNNEL_LEVELS
from inspection_analysis.stats.overdispersion import Overdispersion, overdispersion

__all__ = ["FunnelDispersion", "funnel_dispersion"]


@dataclass(frozen=True)
class FunnelDispersion:
    """A funnel's over-dispersion estimate, its test, and the adjusted limits.

    Attributes
    ----------
    estimate : Overdispersion
        ``stats.overdispersion``: ``phi``, ``tau2``, the chi-square test.
    method : str
        ``"additive"`` (random effects, tau^2) or ``"multiplicative"`` (phi).
    needed : bool
        Whether the test finds over-dispersion at ``alpha`` (then the adjusted
        limits are the ones to read).
    alpha : float
        The level of that test.
    table : pandas.DataFrame
        The :func:`~inspection_analysis.analysis.funnel.funnel` table with
        ``z`` (on the estimate's scale), ``adj_inner_low``, ``adj_inner_high``,
        ``adj_outer_low``, ``adj_outer_high`` (the adjusted limits at each
        force's ``n``) and ``label_adjusted`` (the labels of ``funnel``
        against those limits).
    limits : pandas.DataFrame
        For drawing: ``n``, ``centre``, ``low_95``, ``high_95``,
        ``low_998``, ``high_998`` (adjusted), one row per grid size.
    sentence : str
        What the adjustment changes.
    """

    estimate: Overdispersion
    method: str
    needed: bool
    alpha: float
    table: pd.DataFrame
    limits: pd.DataFrame
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def _labels(rate, bounds) -> np.ndarray:
    inner_low, inner_high, outer_low, outer_high = bounds
    return np.select([rate > outer_high, rate > inner_high, rate < outer_low, rate < inner_low],
                     [FUNNEL_LABELS[0], FUNNEL_LABELS[1], FUNNEL_LABELS[4], FUNNEL_LABELS[3]],
                     default=FUNNEL_LABELS[2])


def _bounds(est: Overdispersion, n, method: str) -> list[np.ndarray]:
    out = []
    for level in FUNNEL_LEVELS:
        tail = (1 - level) / 2
        out += [np.atleast_1d(est.limits(n, probability=tail, method=method)),
                np.atleast_1d(est.limits(n, probability=1 - tail, method=method))]
    return [out[0], out[1], out[2], out[3]]


def funnel_dispersion(table, *, method="additive", trim=0.1, alpha=0.05, grid=None) -> FunnelDispersion:
    """Over-dispersion among the forces of a funnel, its test, and limits widened for it.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`~inspection_analysis.analysis.funnel.funnel`
        (``n``, ``failures``, ``rate``, ``pooled_rate``), at least 2 forces.
    method : {"additive", "multiplicative"}, default "additive"
        ``"additive"``: random effects, the DerSimonian-Laird tau^2 added to
        each force's variance (FunnelPlotR's default); ``"multiplicative"``:
        the variance multiplied by phi.
    trim : float, default 0.1
        Fraction of z-scores winsorised at each end (FunnelPlotR ``trim_by``).
    alpha : float, default 0.05
        Level of the test of over-dispersion.
    grid : array_like of int, optional
        Sample sizes for ``limits``; default 10 to 1.2 times the largest ``n``.

    Returns
    -------
    FunnelDispersion
        See :class:`FunnelDispersion` for every attribute.

    Raises
    ------
    ValueError
        If ``table`` is not a funnel table of at least two forces, or for an
        unknown ``method`` or a ``trim``/``alpha`` out of range.

    Notes
    -----
    On the arcsine scale, as FunnelPlotR does for proportions: each force's
    z-score ``(asin(sqrt(p_i)) - asin(sqrt(p_0))) 2 sqrt(n_i)`` is winsorised,
    ``phi`` is their mean square and ``k phi`` is referred to chi-square on
    ``k - 1`` degrees of freedom (Spiegelhalter [1]_). The adjusted limits
    are normal on that scale with variance ``1/(4n) + tau^2`` or ``phi/(4n)``,
    mapped back. A force outside adjusted limits differs by more than the
    usual spread between forces, not only by more than sampling error. The
    adjustment does not say why forces differ; with few forces tau^2 is
    itself uncertain.

    References
    ----------
    .. [1] Spiegelhalter DJ. Handling over-dispersion of performance
       indicators. Quality and Safety in Health Care. 2005;14(5):347-351.

    Examples
    --------
    >>> import pandas as pd
    >>> from inspection_analysis.analysis.funnel import funnel
    >>> counts = pd.DataFrame({"force": list("abcdef"), "round_id": list("abcdef"),
    ...                        "n": [35, 42, 60, 28, 50, 75], "failures": [12, 20, 31, 8, 30, 25]})
    >>> res = funnel_dispersion(funnel(counts))
    >>> print(f"{res.estimate.phi:.3f} {res.needed}")
    2.026 True
    """
    if method not in ("additive", "multiplicative"):
        raise ValueError(f"method must be 'additive' or 'multiplicative', got {method!r}")
    if not 0 < float(alpha) < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    if not isinstance(table, pd.DataFrame) or not {"n", "failures", "rate", "pooled_rate"} <= set(table.columns) \
            or len(table) < 2:
        raise ValueError("table must be a result of funnel() with 'n', 'failures', 'rate' and 'pooled_rate' and "
                         "at least two forces")
    n, x = table["n"].to_numpy(dtype=int), table["failures"].to_numpy(dtype=int)
    est = overdispersion(x, n, centre=float(table["pooled_rate"].iloc[0]), trim=trim, scale="arcsine")
    out = table.copy()
    out["z"] = est.z
    bounds = _bounds(est, n, method)
    for name, values in zip(("adj_inner_low", "adj_inner_high", "adj_outer_low", "adj_outer_high"), bounds,
                            strict=True):
        out[name] = values
    out["label_adjusted"] = _labels(out["rate"].to_numpy(), bounds)
    sizes = np.unique(np.round(np.geomspace(10, max(11, int(n.max() * 1.2)), 200)).astype(int)) if grid is None \
        else np.asarray(grid, dtype=int)
    low95, high95, low998, high998 = _bounds(est, sizes, method)
    limits = pd.DataFrame({"n": sizes, "centre": est.centre, "low_95": low95, "high_95": high95,
                           "low_998": low998, "high_998": high998})
    needed = bool(est.pvalue < alpha)
    before = int((out["label"] != FUNNEL_LABELS[2]).sum())
    after = int((out["label_adjusted"] != FUNNEL_LABELS[2]).sum())
    model = ("additive random-effects (tau^2 = " + f"{est.tau2:.4f}" + " on the arcsine scale)"
             if method == "additive" else f"multiplicative (phi = {est.phi:.2f})")
    test = (f"The {len(out)} forces vary more than sampling error explains (dispersion ratio phi = {est.phi:.2f}, "
            f"chi-square {est.statistic:.1f} on {est.df} df, {say.format_p(est.pvalue)})" if needed else
            f"The {len(out)} forces vary no more than sampling error explains at the {100 * alpha:g}% level "
            f"(phi = {est.phi:.2f}, {say.format_p(est.pvalue)}), so the unadjusted limits stand")
    text = (f"{test}. Outside the 95% limits: {before} of {len(out)} without adjustment, {after} with the "
            f"{model} adjustment.")
    return FunnelDispersion(estimate=est, method=method, needed=needed, alpha=float(alpha), table=out,
                            limits=limits, sentence=text)
