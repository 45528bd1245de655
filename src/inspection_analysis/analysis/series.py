"""Many rounds at once: each round's counts and rate, and the trend in a force's failure rate.

The SPC p-chart is in :mod:`inspection_analysis.analysis.pchart` and funnel plots
across forces in :mod:`inspection_analysis.analysis.funnel`; both are re-exported here.
The trend uses only rounds with failure counts; the others are named in the
warnings, never imputed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.rounds import force_rounds
from inspection_analysis.counts.table import check_counts_table
from inspection_analysis.grades import GRADE_COUNT_COLUMNS
from inspection_analysis.stats.checks import check_level, check_method
from inspection_analysis.stats.homogeneity import homogeneity_test
from inspection_analysis.stats.proportions import RATE_METHODS, rate_ci
from inspection_analysis.stats.trend import trend_test

__all__ = ["round_counts", "round_rates", "TrendResult", "trend"]

_COUNT_COLUMNS = ("n", "failures", *GRADE_COUNT_COLUMNS.values())

_SERIES_PARAMETERS = """counts : pandas.DataFrame
        A counts table with ``round_id``, ``n`` and ``failures``.
    force : str, default "mps"
        The force code in the rounds registry.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one."""


def series_doc(func):
    """Fill the ``<series>`` parameters (``counts``, ``force``, ``rounds``) of a function over a force's rounds."""
    if func.__doc__:
        func.__doc__ = func.__doc__.replace("<series>", _SERIES_PARAMETERS)
    return func


def round_counts(counts, force="mps", *, rounds) -> pd.DataFrame:
    """Each round of a force's series in time order, with its counts.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table (see ``to_counts``) with ``round_id``, ``n``,
        ``failures`` and optionally the grade counts. Several rows of one round
        are added up when they are the subgroups of a ``case_type`` column.
    force : str, default "mps"
        The force code in the rounds registry.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.

    Returns
    -------
    pandas.DataFrame
        One row per round of the force's series (``rounds_meta.force_rounds``:
        re-gradings left out), ordered by ``reference_date``: ``round_id``,
        ``label`` ("round <id>" where the registry has none), ``assessor``,
        ``reference_date`` (empty where the registry lacks them), ``n``,
        ``failures``, ``n_good``, ``n_adequate``, ``n_requires_improvement``,
        ``n_inadequate`` (nullable ``Int64``).

    Raises
    ------
    ValueError
        If the force has no round in the registry, or a round has several rows
        in ``counts`` without a ``case_type`` column.
    TypeError
        If ``counts`` or ``rounds`` is not a DataFrame.

    Notes
    -----
    A count is ``<NA>`` where it was not published, including for a
    registered round with no row in ``counts`` at all; a sum over subgroups is
    ``<NA>`` if any subgroup's count is. Nothing is imputed.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["b", "a"], "n": [170, 374], "failures": [None, 278]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b", "c"], "force": "x", "reference_date": ["1", "2", "3"]})
    >>> round_counts(counts, "x", rounds=reg)[["round_id", "n", "failures"]]
      round_id     n  failures
    0        a   374       278
    1        b   170      <NA>
    2        c  <NA>      <NA>
    """
    check_counts_table(counts)
    mine = force_rounds(rounds, force)
    if mine.empty:
        raise ValueError(f"force {force!r} has no round in the rounds registry")
    ids = mine["round_id"].astype(str)
    data = counts.assign(round_id=counts["round_id"].astype(str))
    data = data[data["round_id"].isin(set(ids))]
    if "case_type" not in data.columns and data["round_id"].duplicated().any():
        dup = sorted(data.loc[data["round_id"].duplicated(), "round_id"].unique())
        raise ValueError(f"round(s) {dup} have several rows in the counts table and no case_type column")
    cols = [c for c in _COUNT_COLUMNS if c in data.columns]
    grouped = data[["round_id", *cols]].astype(dict.fromkeys(cols, "Int64")).groupby("round_id")
    totals = grouped.sum().where(grouped.count().eq(grouped.size(), axis=0))
    out = pd.DataFrame({"round_id": ids.to_numpy()})
    for col in ("label", "assessor", "reference_date"):
        out[col] = mine[col].to_numpy() if col in mine.columns else ""
    out["label"] = [lab if isinstance(lab, str) and lab else f"round {rid}"
                    for lab, rid in zip(out["label"], out["round_id"], strict=True)]
    out = out.join(totals.reindex(columns=list(_COUNT_COLUMNS)), on="round_id")
    return out.astype(dict.fromkeys(_COUNT_COLUMNS, "Int64"))


@series_doc
def round_rates(counts, force="mps", *, rounds, confidence_level=0.95, method="wilson") -> pd.DataFrame:
    """Each round's failure rate with its confidence interval, for a force's series in time order.

    Parameters
    ----------
    <series>
    confidence_level : float, default 0.95
        Two-sided level of the intervals.
    method : str, default "wilson"
        The interval of ``stats.rate_ci``: ``"wilson"``, ``"wilson_cc"``,
        ``"clopper_pearson"``, ``"jeffreys"``, ``"agresti_coull"`` or ``"wald"``.

    Returns
    -------
    pandas.DataFrame
        One row per round of :func:`round_counts`: ``round_id``, ``label``,
        ``assessor``, ``reference_date``, ``n``, ``failures``, ``rate``
        (``failures / n``), ``ci_low``, ``ci_high``, ``confidence_level``,
        ``method`` and ``counts_published`` (True where the failure count is
        known, published or counted from case files). Rounds without it, such
        as an audit whose size alone was published, keep their row with NaN
        ``rate``, ``ci_low`` and ``ci_high``.

    Raises
    ------
    ValueError
        As :func:`round_counts`, or for a ``confidence_level`` outside (0, 1)
        or an unknown ``method``.

    Notes
    -----
    The intervals come from ``stats.rate_ci``; Wilson's score interval [1]_
    is the default for its coverage close to nominal [2]_. A round of 0 case
    files has no rate.

    References
    ----------
    .. [1] Wilson EB. Probable inference, the law of succession, and
       statistical inference. JASA. 1927;22:209-212.
    .. [2] Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial
       proportion. Statistical Science. 2001;16(2):101-133.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [374, 170], "failures": [278, None]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> res = round_rates(counts, "x", rounds=reg)
    >>> print(f"{res['ci_low'].iloc[0]:.4f} {res['ci_high'].iloc[0]:.4f}")
    0.6968 0.7849
    >>> res["counts_published"].tolist()
    [True, False]
    """

    check_level(confidence_level)
    check_method(method, RATE_METHODS)
    table = round_counts(counts, force, rounds=rounds)
    out = table[["round_id", "label", "assessor", "reference_date", "n", "failures"]].copy()
    known = (out["failures"].notna() & (out["n"].fillna(0) > 0)).to_numpy(dtype=bool)
    for col in ("rate", "ci_low", "ci_high"):
        out[col] = np.nan
    if known.any():
        x, n = out.loc[known, "failures"].to_numpy(dtype=int), out.loc[known, "n"].to_numpy(dtype=int)
        ci = rate_ci(x, n, method=method, confidence_level=confidence_level)
        out.loc[known, "rate"], out.loc[known, "ci_low"], out.loc[known, "ci_high"] = x / n, ci.low, ci.high
    out["confidence_level"], out["method"], out["counts_published"] = float(confidence_level), method, known
    return out


def force_series(counts, force, rounds):
    """The force's rounds with counts, in time order, and warnings about the rest."""
    mine = force_rounds(rounds, force)
    totals = round_counts(counts, force, rounds=mine)[["round_id", "label", "n", "failures"]]
    warnings = []
    missing = totals[totals["failures"].isna()]
    if not missing.empty:
        warnings.append("left out, no failure counts published: " + ", ".join(missing["label"]))
    totals = totals[totals["failures"].notna()].reset_index(drop=True)
    kept = mine[mine["round_id"].isin(totals["round_id"])]
    for col, what in (("assessor", "assessors"), ("scale", "grading scales")):
        if col in kept.columns and kept[col].dropna().nunique() > 1:
            warnings.append(f"the rounds mix {what}: " + ", ".join(sorted(kept[col].dropna().unique())))
    totals = totals.astype({"n": int, "failures": int})
    totals["rate"] = totals["failures"] / totals["n"]
    return totals, warnings


class DescribedResult:
    """``str()`` gives the sentence, then the warnings as a list."""

    def __str__(self) -> str:
        return self.sentence + "".join(f"\n- {w}" for w in self.warnings)


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
