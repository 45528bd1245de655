"""Criterion by criterion: which parts of case handling changed between two rounds?

A case-level audit scores each case against criteria (``crit_*`` columns,
``pass`` / ``fail`` / ``not applicable``). :func:`compare_criteria` compares the
failure rate of every criterion, overall and within each case type, and adjusts
the p-values for the number of comparisons.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from inspection_analysis.analysis.compare import pair_statistics, verdict_of
from inspection_analysis.schema import CRITERION_VALUES
from inspection_analysis.stats.checks import check_level
from inspection_analysis.stats.multiplicity import adjust_pvalues

__all__ = ["compare_criteria"]


_COLUMNS = ["criterion", "case_type", "n_baseline", "failures_baseline", "rate_baseline", "n_follow_up",
            "failures_follow_up", "rate_follow_up", "difference", "difference_low", "difference_high",
            "min_detectable_improvement", "pvalue", "pvalue_adjusted", "adjust_method", "verdict"]


def _criterion_values(cases: pd.DataFrame, column: str) -> pd.Series:
    values = cases[column].astype("string").str.strip().str.lower()
    bad = values.dropna()[~values.dropna().isin(CRITERION_VALUES)]
    if not bad.empty:
        raise ValueError(f"criterion column {column!r} holds {bad.iloc[0]!r}; allowed: {', '.join(CRITERION_VALUES)}")
    return values


def compare_criteria(cases, baseline, follow_up, *, method="holm", test="boschloo",
                     confidence_level=0.95) -> pd.DataFrame:
    """Compare each criterion's failure rate between two rounds, overall and by case type.

    Parameters
    ----------
    cases : pandas.DataFrame
        Case-level rows: ``round_id``, optionally ``case_type``, and one or
        more ``crit_<name>`` columns holding ``pass``, ``fail`` or ``not
        applicable`` (missing values count as not applicable).
    baseline, follow_up : str
        The earlier and the later ``round_id``.
    method : str, default "holm"
        Multiplicity adjustment for ``stats.adjust_pvalues`` (e.g. ``"fdr_bh"``).
    test : str, default "boschloo"
        The exact test for ``stats.change_test``.
    confidence_level : float, default 0.95
        For the Newcombe interval; ``1 - confidence_level`` is the level of the verdict.

    Returns
    -------
    pandas.DataFrame
        One row per criterion overall (``case_type`` "all") and per criterion
        and case type: ``criterion`` (the name without ``crit_``),
        ``case_type``, ``n_baseline``, ``failures_baseline``,
        ``rate_baseline``, the same for ``_follow_up`` (n counts only pass
        and fail), ``difference`` (follow-up minus baseline),
        ``difference_low``, ``difference_high``,
        ``min_detectable_improvement``, ``pvalue`` (two-sided, raw),
        ``pvalue_adjusted``, ``adjust_method`` and ``verdict`` (from the
        adjusted p-value; see :func:`~inspection_analysis.analysis.compare.compare_rounds`).

    Raises
    ------
    ValueError
        If a column is missing, there is no ``crit_`` column, a round is
        absent, or a criterion holds an unknown value.

    Notes
    -----
    "Not applicable" is left out of ``n``. Two families are adjusted
    separately: the overall rows (one test per criterion), and the
    case-type rows (one test per criterion and case type). Cells where either
    round has no applicable case are "not assessable" and left out of the
    adjustment. Raw and adjusted p-values are shown side by side.

    References
    ----------
    .. [1] Holm S. A simple sequentially rejective multiple test procedure.
       Scand J Stat. 1979;6:65-70.
    .. [2] Benjamini Y, Hochberg Y. Controlling the false discovery rate.
       J R Stat Soc B. 1995;57:289-300.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"round_id": ["a"] * 4 + ["b"] * 4,
    ...                       "crit_visit": ["fail", "fail", "fail", "pass", "pass", "pass", "fail", "not applicable"]})
    >>> out = compare_criteria(cases, "a", "b")
    >>> out[["criterion", "case_type", "n_baseline", "failures_follow_up", "n_follow_up"]].values.tolist()
    [['visit', 'all', 4, 1, 3]]
    """

    if not isinstance(cases, pd.DataFrame):
        raise TypeError(f"cases must be a pandas DataFrame, got {type(cases).__name__}")
    confidence_level = check_level(confidence_level)
    if "round_id" not in cases.columns:
        raise ValueError("cases lacks the 'round_id' column")
    criteria = [c for c in cases.columns if str(c).startswith("crit_")]
    if not criteria:
        raise ValueError("cases has no criterion column (named crit_<name>)")
    for rid in (baseline, follow_up):
        if not (cases["round_id"] == rid).any():
            raise ValueError(f"round {rid!r} is not in the cases")
    sub = cases[cases["round_id"].isin([baseline, follow_up])]
    types = sorted(sub["case_type"].dropna().unique()) if "case_type" in sub.columns else []
    rows = []
    for column in criteria:
        values = _criterion_values(sub, column)
        for case_type in ["all", *types]:
            mask = pd.Series(True, index=sub.index) if case_type == "all" else sub["case_type"] == case_type
            row = {"criterion": column[len("crit_"):], "case_type": case_type}
            for side, rid in (("1", follow_up), ("2", baseline)):
                v = values[mask & (sub["round_id"] == rid)]
                n = int(v.isin(["pass", "fail"]).sum())
                row["n" + side] = float(n) if n else math.nan
                row["x" + side] = float((v == "fail").sum()) if n else math.nan
            rows.append(row)
    cells = pd.DataFrame(rows)
    stats = pair_statistics(*(cells[c].to_numpy() for c in ("x1", "n1", "x2", "n2")),
                            confidence_level=confidence_level, test=test, margin=0.1)
    out = pd.concat([cells[["criterion", "case_type"]], pd.DataFrame(stats)], axis=1)
    out["pvalue_adjusted"] = np.nan
    for family in (out["case_type"] == "all", out["case_type"] != "all"):
        ok = family & out["pvalue"].notna()
        if ok.any():
            out.loc[ok, "pvalue_adjusted"] = adjust_pvalues(out.loc[ok, "pvalue"].to_numpy(), method=method)
    out["adjust_method"] = method
    out["verdict"] = [verdict_of(p, d, 1 - confidence_level)
                      for p, d in zip(out["pvalue_adjusted"], out["difference"], strict=True)]
    for col in ("n_baseline", "failures_baseline", "n_follow_up", "failures_follow_up"):
        out[col] = out[col].astype("Int64")
    return out[_COLUMNS]
