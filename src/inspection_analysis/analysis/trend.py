"""The trend in a force's failure rate across its rounds: Cochran–Armitage, with homogeneity beside it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.series import DescribedResult, force_series, series_doc
from inspection_analysis.stats.homogeneity import homogeneity_test
from inspection_analysis.stats.trend import trend_test

__all__ = ["TrendResult", "trend"]


@dataclass(frozen=True)
class TrendResult(DescribedResult):
    """Cochran-Armitage trend and homogeneity across a force's rounds.

    Attributes
    ----------
    force : str
        The force code.
    table : pandas.DataFrame
        ``round_id``, ``label``, ``n``, ``failures``, ``rate`` and ``score`` (1, 2, ... in time order).
    statistic : float
        The trend chi-squared (1 df), as R's ``prop.trend.test``.
    pvalue : float
        Two-sided p-value for a linear trend.
    pvalue_falling : float
        One-sided p-value, H1: the failure rate falls over the rounds.
    z : float
        The signed trend statistic (negative when the rate falls).
    homogeneity_statistic, homogeneity_pvalue : float
        The k-round chi-squared test that all rounds share one rate.
    sentence : str
        The result in plain English.
    warnings : tuple of str
        Rounds left out, mixed assessors or scales.
    """

    force: str
    table: pd.DataFrame
    statistic: float
    pvalue: float
    pvalue_falling: float
    z: float
    homogeneity_statistic: float
    homogeneity_pvalue: float
    sentence: str
    warnings: tuple[str, ...]


@series_doc
def trend(counts, force="mps", *, rounds, alpha=0.05) -> TrendResult:
    """Test for a trend in a force's failure rate over its rounds.

    Parameters
    ----------
    <series>
    alpha : float, default 0.05
        Significance level for the wording of the sentence.

    Returns
    -------
    TrendResult
        See :class:`TrendResult` for every attribute.

    Raises
    ------
    ValueError
        If fewer than two of the force's rounds have failure counts.

    Notes
    -----
    Rounds with counts are taken in ``reference_date`` order and scored
    1, 2, ..., k: equally spaced, whatever the calendar gaps, so the test asks
    whether later rounds fail less, not how fast. The Cochran-Armitage test
    [1]_ [2]_ comes from ``stats.trend_test`` and the homogeneity chi-squared
    from ``stats.homogeneity_test``.

    References
    ----------
    .. [1] Cochran WG. Some methods for strengthening the common chi-squared
       tests. Biometrics. 1954;10:417-451.
    .. [2] Armitage P. Tests for linear trends in proportions and
       frequencies. Biometrics. 1955;11:375-386.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b", "c"], "n": [100, 100, 100], "failures": [80, 60, 40]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b", "c"], "force": "x", "reference_date": ["1", "2", "3"]})
    >>> res = trend(counts, force="x", rounds=reg)
    >>> print(f"{res.z:.3f}")
    -5.774
    """

    table, warnings = force_series(counts, force, rounds)
    if len(table) < 2:
        raise ValueError(f"force {force!r} has {len(table)} round(s) with failure counts; a trend needs two")
    table["score"] = np.arange(1, len(table) + 1)
    x, n = table["failures"].to_numpy(), table["n"].to_numpy()
    two = trend_test(x, n, scores=table["score"].to_numpy())
    falling = trend_test(x, n, scores=table["score"].to_numpy(), alternative="less")
    homog = homogeneity_test(np.column_stack([x, n - x]))
    if two.pvalue <= alpha:
        found = f"a significant {'falling' if two.z < 0 else 'rising'} trend"
    else:
        found = "no significant linear trend"
    differ = "differ significantly" if homog.pvalue <= alpha else "do not differ significantly"
    sentence = (
        f"Across {len(table)} rounds with failure counts ({table['label'].iloc[0]} to "
        f"{table['label'].iloc[-1]}) the failure rate went {', '.join(say.pct(r) for r in table['rate'])}. "
        f"The Cochran-Armitage test finds {found} ({say.format_p(two.pvalue)}; one-sided for a falling rate "
        f"{say.format_p(falling.pvalue)}); the rates {differ} between rounds "
        f"(chi-squared test of homogeneity, {say.format_p(homog.pvalue)})."
    )
    if two.pvalue > alpha:
        sentence += " No significant trend is not evidence that the rate stayed the same."
    return TrendResult(force=force, table=table, statistic=float(two.statistic), pvalue=float(two.pvalue),
                       pvalue_falling=float(falling.pvalue), z=float(two.z),
                       homogeneity_statistic=float(homog.statistic), homogeneity_pvalue=float(homog.pvalue),
                       sentence=sentence, warnings=tuple(warnings))
