"""Change in failure rate adjusted for case mix: Cochran–Mantel–Haenszel over strata."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import special

from inspection_analysis.stats.checks import as_count_array, check_level
from inspection_analysis.stats.results import ResultMixin

__all__ = ["StratifiedResult", "stratified_test"]


@dataclass(frozen=True, repr=False)
class StratifiedResult(ResultMixin):
    """Result of :func:`stratified_test`.

    Attributes
    ----------
    cmh_statistic, cmh_pvalue : float
        Mantel–Haenszel chi-squared statistic (1 df) for no association in any
        stratum, and its p-value.
    mh_odds_ratio : float
        Mantel–Haenszel common odds ratio of failure, later round (group 1)
        against earlier round (group 2); below 1 means fewer failures later.
    mh_odds_ratio_low, mh_odds_ratio_high : float
        Its confidence interval (Robins–Breslow–Greenland variance of the log).
    breslow_day_statistic, breslow_day_pvalue : float
        Breslow–Day test that the odds ratio is the same in every stratum
        (K - 1 df); ``nan`` with a single stratum.
    breslow_day_tarone_statistic, breslow_day_tarone_pvalue : float
        The same with Tarone's correction.
    n_strata : int
        Number of strata K.
    confidence_level : float
        Level of the odds-ratio interval.
    continuity_correction : bool
        Whether the CMH statistic used the continuity correction.
    """

    cmh_statistic: float
    cmh_pvalue: float
    mh_odds_ratio: float
    mh_odds_ratio_low: float
    mh_odds_ratio_high: float
    breslow_day_statistic: float
    breslow_day_pvalue: float
    breslow_day_tarone_statistic: float
    breslow_day_tarone_pvalue: float
    n_strata: int
    confidence_level: float
    continuity_correction: bool


def _as_strata(strata) -> np.ndarray:
    arr = np.asarray(strata)
    if arr.ndim == 2:
        arr = arr[np.newaxis]
    if arr.ndim != 3 or arr.shape[1:] != (2, 2) or arr.shape[0] == 0:
        raise ValueError(f"strata must be 2x2 tables (a K x 2 x 2 array), got shape {arr.shape}")
    tables = as_count_array(arr, "strata").astype(float)
    totals = tables.sum(axis=(1, 2))
    if np.any(totals < 2):
        k = int(np.flatnonzero(totals < 2)[0])
        raise ValueError(f"each stratum needs at least 2 case files; stratum {k} has {int(totals[k])}")
    return tables


def _exact_deviation(tables) -> Fraction:
    """``|sum(a - row1 col1 / t)|`` over the strata in exact rational arithmetic (the counts are whole)."""
    counts = tables.astype(np.int64)
    a, row1 = counts[:, 0, 0], counts[:, 0, :].sum(axis=1)
    col1, t = counts[:, :, 0].sum(axis=1), counts.sum(axis=(1, 2))
    return abs(sum((Fraction(int(ai) * int(ti) - int(ri) * int(ci), int(ti))
                    for ai, ri, ci, ti in zip(a, row1, col1, t, strict=True)), Fraction(0)))


def _cmh(tables, continuity_correction):
    row1 = tables[:, 0, :].sum(axis=1)
    col1 = tables[:, :, 0].sum(axis=1)
    t = tables.sum(axis=(1, 2))
    variance = (row1 * col1 * (t - row1) * (t - col1) / (t**2 * (t - 1))).sum()
    if variance == 0:
        return 0.0, 1.0
    deviation = _exact_deviation(tables)
    if continuity_correction and deviation >= Fraction(1, 2):
        deviation -= Fraction(1, 2)
    statistic = float(deviation**2) / variance
    return float(statistic), float(special.chdtrc(1, statistic))


def stratified_test(strata, *, continuity_correction=True, confidence_level=0.95):
    """Compare two rounds within strata of case type (Cochran–Mantel–Haenszel).

    Parameters
    ----------
    strata : array_like, shape (K, 2, 2) or (2, 2)
        One 2x2 table per stratum: rows are the groups (row 0 the later round,
        group 1; row 1 the earlier round, group 2), columns are (failed, not
        failed).
    continuity_correction : bool, default True
        Apply the 1/2 continuity correction to the CMH statistic (as R's
        ``mantelhaen.test(correct = TRUE)``, applied only when the summed
        deviation is at least 1/2).
    confidence_level : float, default 0.95
        Level of the interval for the common odds ratio.

    Returns
    -------
    StratifiedResult
        ``cmh_statistic``, ``cmh_pvalue``, ``mh_odds_ratio``,
        ``mh_odds_ratio_low``, ``mh_odds_ratio_high``,
        ``breslow_day_statistic``, ``breslow_day_pvalue``,
        ``breslow_day_tarone_statistic``, ``breslow_day_tarone_pvalue``,
        ``n_strata``, ``confidence_level``, ``continuity_correction``.

    Raises
    ------
    ValueError
        If the tables are not 2x2, counts are negative or not whole, a
        stratum has fewer than 2 case files, or ``confidence_level`` lies
        outside (0, 1).

    Notes
    -----
    The CMH statistic is ``(|sum(a - E[a])| - c)^2 / sum(Var[a])`` with the
    hypergeometric mean and variance of the top-left cell in each stratum [1]_;
    it is 0 (p = 1) when every stratum has a zero margin. The summed
    deviation ``sum(a - E[a])`` is a sum of fractions ``(a t - r c) / t``
    and is computed exactly, so the rule "correct only when it is at least
    1/2" is applied to the true deviation: for the strata ``[[1, 1], [0, 4]]``
    and ``[[4, 1], [1, 0]]`` it is ``2/3 - 1/6 = 1/2``, the statistic 0 and
    p = 1, where R's ``mantelhaen.test``, summing in floating point
    (0.49999999999999978), skips the correction and reports 0.69. The common odds ratio
    is the Mantel–Haenszel estimate with the Robins–Breslow–Greenland interval
    [2]_ — the interval R's ``mantelhaen.test`` reports. Homogeneity of the odds
    ratios is tested by Breslow–Day, with and without Tarone's correction [3]_.
    A small Breslow–Day p-value means the change differs between case types,
    so one common odds ratio summarises it poorly. Odds ratio, interval and
    Breslow–Day come from :class:`statsmodels.stats.contingency_tables.StratifiedTable`;
    they are ``nan`` or ``inf`` where a zero makes them undefined.

    References
    ----------
    .. [1] Mantel, N. and Haenszel, W. (1959). Statistical aspects of the
       analysis of data from retrospective studies of disease. *Journal of the
       National Cancer Institute*, 22, 719–748.
    .. [2] Robins, J., Breslow, N. and Greenland, S. (1986). Estimators of the
       Mantel–Haenszel variance consistent in both sparse data and large-strata
       limiting models. *Biometrics*, 42, 311–323.
    .. [3] Tarone, R. E. (1985). On heterogeneity tests based on efficient
       scores. *Biometrika*, 72, 91–95.

    Examples
    --------
    >>> from inspection_analysis.stats.stratified import stratified_test
    >>> res = stratified_test([[[20, 10], [30, 10]], [[5, 15], [10, 10]]])
    >>> print(f"{res.mh_odds_ratio:.4f} {res.cmh_pvalue:.4f}")
    0.5111 0.1600
    """
    confidence_level = check_level(confidence_level)
    tables = _as_strata(strata)
    cmh_statistic, cmh_pvalue = _cmh(tables, bool(continuity_correction))
    from statsmodels.stats.contingency_tables import StratifiedTable

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        table = StratifiedTable(np.transpose(tables, (1, 2, 0)))
        odds_ratio = float(table.oddsratio_pooled)
        low, high = (float(v) for v in table.oddsratio_pooled_confint(alpha=1 - confidence_level))
        k = tables.shape[0]
        if k > 1:
            bd = table.test_equal_odds(adjust=False)
            tarone = table.test_equal_odds(adjust=True)
            bd_values = (float(bd.statistic), float(bd.pvalue), float(tarone.statistic), float(tarone.pvalue))
        else:
            bd_values = (float("nan"),) * 4
    return StratifiedResult(
        cmh_statistic,
        cmh_pvalue,
        odds_ratio,
        low,
        high,
        *bd_values,
        n_strata=k,
        confidence_level=confidence_level,
        continuity_correction=bool(continuity_correction),
    )
