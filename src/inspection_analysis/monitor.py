"""Many rounds at once: the trend in a force's failure rate, and its SPC p-chart.

Funnel plots across forces are in :mod:`inspection_analysis.funnel` and are
re-exported here. Only rounds with published failure counts are used; the
others are named in the warnings, never imputed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import sentences as say
from .compare import check_counts_table, round_totals
from .funnel import funnel, funnel_curves
from .rounds_meta import force_rounds

__all__ = ["TrendResult", "trend", "PChartResult", "p_chart", "funnel", "funnel_curves"]

#: NHS "Making Data Count": fewer points than this and control limits are trial limits.
MIN_POINTS_FOR_LIMITS = 12


def _force_series(counts, force, rounds):
    """The force's rounds with counts, in time order, and warnings about the rest."""
    check_counts_table(counts)
    mine = force_rounds(rounds, force)
    if mine.empty:
        raise ValueError(f"force {force!r} has no round in the rounds registry")
    totals = round_totals(counts, list(mine["round_id"]))
    labels = mine["label"].fillna("").tolist() if "label" in mine.columns else [""] * len(mine)
    totals["label"] = [lab or f"round {rid}" for lab, rid in zip(labels, totals["round_id"], strict=True)]
    warnings = []
    missing = totals[totals["failures"].isna()]
    if not missing.empty:
        warnings.append("left out, no failure counts published: " + ", ".join(missing["label"]))
    totals = totals[totals["failures"].notna()].reset_index(drop=True)
    kept = mine[mine["round_id"].isin(totals["round_id"])]
    for col, what in (("assessor", "assessors"), ("scale", "grading scales")):
        if col in kept.columns and kept[col].dropna().nunique() > 1:
            warnings.append(f"the rounds mix {what}: " + ", ".join(sorted(kept[col].dropna().unique())))
    totals["n"] = totals["n"].astype(int)
    totals["failures"] = totals["failures"].astype(int)
    totals["rate"] = totals["failures"] / totals["n"]
    return totals, warnings


class _Described:
    """``str()`` gives the sentence, then the warnings as a list."""

    def __str__(self) -> str:
        return self.sentence + "".join(f"\n- {w}" for w in self.warnings)


@dataclass(frozen=True)
class TrendResult(_Described):
    """Cochran-Armitage trend and homogeneity across a force's rounds.

    Attributes
    ----------
    force : str
        The force code.
    table : pandas.DataFrame
        ``round_id``, ``n``, ``failures``, ``label``, ``rate`` and ``score`` (1, 2, ... in time order).
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


def trend(counts, force="mps", rounds=None, *, alpha=0.05) -> TrendResult:
    """Test for a trend in a force's failure rate over its rounds.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table with ``round_id``, ``n`` and ``failures``.
    force : str, default "mps"
        The force code in the rounds registry.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.
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
    from .stats.tests import homogeneity_test
    from .stats.trend import trend_test

    table, warnings = _force_series(counts, force, rounds)
    if len(table) < 2:
        raise ValueError(f"force {force!r} has {len(table)} round(s) with failure counts; a trend needs two")
    table["score"] = np.arange(1, len(table) + 1)
    x, n = table["failures"].to_numpy(), table["n"].to_numpy()
    two = trend_test(x, n, scores=table["score"].to_numpy())
    falling = trend_test(x, n, scores=table["score"].to_numpy(), alternative="less")
    homog = homogeneity_test(np.column_stack([x, n - x]))
    if two.pvalue < alpha:
        found = f"a significant {'falling' if two.z < 0 else 'rising'} trend"
    else:
        found = "no significant linear trend"
    differ = "differ significantly" if homog.pvalue < alpha else "do not differ significantly"
    sentence = (
        f"Across {len(table)} rounds with published counts ({table['label'].iloc[0]} to "
        f"{table['label'].iloc[-1]}) the failure rate went {', '.join(say.pct(r) for r in table['rate'])}. "
        f"The Cochran-Armitage test finds {found} ({say.format_p(two.pvalue)}; one-sided for a falling rate "
        f"{say.format_p(falling.pvalue)}); the rates {differ} between rounds "
        f"(chi-squared test of homogeneity, {say.format_p(homog.pvalue)})."
    )
    if two.pvalue >= alpha:
        sentence += " No significant trend is not evidence that the rate stayed the same."
    return TrendResult(force=force, table=table, statistic=float(two.statistic), pvalue=float(two.pvalue),
                       pvalue_falling=float(falling.pvalue), z=float(two.z),
                       homogeneity_statistic=float(homog.statistic), homogeneity_pvalue=float(homog.pvalue),
                       sentence=sentence, warnings=tuple(warnings))


@dataclass(frozen=True)
class PChartResult(_Described):
    """A p-chart of a force's failure rate with the NHS special-cause rules applied.

    Attributes
    ----------
    force : str
        The force code.
    table : pandas.DataFrame
        One row per round in time order: ``round_id``, ``label``, ``n``,
        ``failures``, ``rate``, ``centre``, ``lcl``, ``ucl``, ``sigma_score``
        (distance from the centre in sigma units), ``zone`` (``"within 1
        sigma"``, ``"1 to 2 sigma"``, ``"2 to 3 sigma"``, ``"beyond 3
        sigma"``), ``rules`` (the rules that flag the point, joined by ", ")
        and ``special_cause`` (``"improvement"``, ``"concern"`` or ``"common cause"``).
    laney : bool
        Whether Laney's p' limits were used.
    dispersion_ratio : float
        Laney's sigma_z (about 1 when the binomial model fits).
    sentence : str
        What the chart shows.
    warnings : tuple of str
        Trial limits, rounds left out, mixed assessors or scales.
    """

    force: str
    table: pd.DataFrame
    laney: bool
    dispersion_ratio: float
    sentence: str
    warnings: tuple[str, ...]


# (flag attribute, rule name, class): the first rule that flags a point sets its class.
_RULES = (
    ("beyond_low", "beyond limit", "improvement"),
    ("beyond_high", "beyond limit", "concern"),
    ("two_of_three_low", "2 of 3 beyond 2 sigma", "improvement"),
    ("two_of_three_high", "2 of 3 beyond 2 sigma", "concern"),
    ("shift_low", "shift", "improvement"),
    ("shift_high", "shift", "concern"),
    ("trend_falling", "trend", "improvement"),
    ("trend_rising", "trend", "concern"),
)


def p_chart(counts, force="mps", rounds=None, *, laney=None) -> PChartResult:
    """An SPC p-chart of a force's failure rate across its rounds.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table with ``round_id``, ``n`` and ``failures``.
    force : str, default "mps"
        The force code in the rounds registry.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.
    laney : bool or None, default None
        Laney's p' adjustment: always, never, or (None) when the dispersion
        ratio exceeds 1; see ``stats.spc.p_chart_limits``.

    Returns
    -------
    PChartResult
        See :class:`PChartResult` for every attribute.

    Raises
    ------
    ValueError
        If none of the force's rounds has failure counts.

    Notes
    -----
    Centre and 3-sigma limits follow the p-chart (with Laney's p' when
    over-dispersed [1]_); the special-cause rules are NHS England's "Making
    Data Count" [2]_: a point beyond a limit, a shift of 7 points on one side
    of the centre, a trend of 7 points rising or falling, and 2 of 3 points
    beyond 2 sigma on one side. A lower failure rate is an improvement. With
    fewer than 12 points the limits are trial limits and the result says so.

    References
    ----------
    .. [1] Laney DB. Improved control charts for attributes. Quality
       Engineering. 2002;14(4):531-537.
    .. [2] NHS England and NHS Improvement. Making Data Count: Getting
       started. 2019.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [100, 100], "failures": [20, 30]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> res = p_chart(counts, force="x", rounds=reg, laney=False)
    >>> print(f"{res.table['ucl'].iloc[0]:.4f}")
    0.3799
    """
    from .stats.spc import p_chart_limits, special_causes

    table, warnings = _force_series(counts, force, rounds)
    if table.empty:
        raise ValueError(f"no round of force {force!r} has failure counts")
    lim = p_chart_limits(table["failures"].to_numpy(), table["n"].to_numpy(), laney=laney)
    flags = special_causes(table["rate"].to_numpy(), lim.z)
    table["centre"], table["lcl"], table["ucl"], table["sigma_score"] = lim.centre, lim.lcl, lim.ucl, lim.z
    size = np.abs(lim.z)
    table["zone"] = np.select([size > 3, size > 2, size > 1], ["beyond 3 sigma", "2 to 3 sigma", "1 to 2 sigma"],
                              default="within 1 sigma")
    rules, classes = [], []
    for i in range(len(table)):
        fired = [(name, cls) for attr, name, cls in _RULES if getattr(flags, attr)[i]]
        rules.append(", ".join(dict.fromkeys(name for name, _ in fired)))
        classes.append(fired[0][1] if fired else "common cause")
    table["rules"], table["special_cause"] = rules, classes
    if len(table) < MIN_POINTS_FOR_LIMITS:
        warnings.insert(0, f"only {len(table)} rounds: these are trial limits (NHS Making Data Count advises "
                           f"at least {MIN_POINTS_FOR_LIMITS} points before limits are relied on)")
    if lim.laney:
        warnings.append(f"over-dispersed (sigma_z = {lim.dispersion_ratio:.2f}): Laney's p' limits used")
    counted = pd.Series(classes).value_counts()
    n_imp, n_con = int(counted.get("improvement", 0)), int(counted.get("concern", 0))
    if n_imp or n_con:
        found = f"special-cause variation: {n_imp} round(s) signal improvement, {n_con} signal concern"
    else:
        found = "only common-cause variation (no rule fired)"
    sentence = (f"Around a centre line of {say.pct(lim.centre)} across {len(table)} rounds, the p-chart shows "
                f"{found}.")
    return PChartResult(force=force, table=table, laney=lim.laney, dispersion_ratio=lim.dispersion_ratio,
                        sentence=sentence, warnings=tuple(warnings))
