"""Many rounds at once: each round's counts and rate, and the trend in a force's failure rate.

The SPC p-chart is in :mod:`inspection_analysis.analysis.pchart` and funnel plots
across forces in :mod:`inspection_analysis.analysis.funnel`; both are re-exported here.
The trend uses only rounds with failure counts; the others are named in the
warnings, never imputed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.analysis.rounds import force_rounds
from inspection_analysis.counts.contract import check_counts_table
from inspection_analysis.grades import GRADE_COUNT_COLUMNS
from inspection_analysis.stats.checks import check_level, check_method
from inspection_analysis.stats.proportions import RATE_METHODS, rate_ci

__all__ = ["round_counts", "round_rates", "force_series", "series_doc", "DescribedResult"]

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


