"""Validation of the published figures (``data/published/published_counts.csv``).

Counts hold only numbers stated in a source; derived numbers live in the
``*_derived`` columns and ``derived_note``. Grade counts must add up to
``n_cases`` unless the row is marked ``inconsistent`` and the source's own
inconsistency is described in ``source_inconsistency`` (kept, never "fixed",
never counted by default).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis import paths
from inspection_analysis.errors import missing_column_problems, problems_from_mask
from inspection_analysis.grades import GRADE_COUNT_COLUMNS, SCALES
from inspection_analysis.io.checks import Findings, check_allowed, naming_hidden, strip_text
from inspection_analysis.io.read import read_table
from inspection_analysis.io.registry import load_rounds
from inspection_analysis.schema import (
    CASE_TYPES,
    PUBLISHED_COLUMNS,
    PUBLISHED_COUNT_COLUMNS,
    PUBLISHED_DERIVED_COLUMNS,
    PUBLISHED_PCT_COLUMNS,
    PUBLISHED_STATUSES,
)

__all__ = ["load_published", "validate_published"]

PathLike = str | os.PathLike

_WHOLE = "a whole number of case files, 0 or more (leave the cell empty if not published)"


def validate_published(raw: pd.DataFrame, file: str, registry: pd.DataFrame) -> pd.DataFrame:
    """Validate a raw published-figures table (trimmed strings) and return it typed.

    Raises :class:`~inspection_analysis.errors.AuditDataError` listing every
    problem; see :func:`inspection_analysis.io.load_published` for the columns.
    """
    raw = strip_text(raw)
    found = Findings(missing_column_problems(raw, file, PUBLISHED_COLUMNS))
    found.raise_if_any()

    def report(mask, col, expected, values=None):
        vals = raw[col].to_numpy(dtype=object) if values is None else np.asarray(values, dtype=object)
        mask = np.asarray(mask, dtype=bool)
        found.add(problems_from_mask(mask, file=file, column=col, values=vals,
                                     expected=naming_hidden(expected, vals, mask)))

    out = raw.loc[:, list(PUBLISHED_COLUMNS)].copy()
    unreadable = np.zeros(len(raw), dtype=bool)  # rows with a count cell that is not a count: no arithmetic on them
    for col in (*PUBLISHED_COUNT_COLUMNS, *PUBLISHED_DERIVED_COLUMNS, *PUBLISHED_PCT_COLUMNS):
        num = pd.to_numeric(raw[col], errors="coerce")
        given = raw[col].notna()
        if col in PUBLISHED_PCT_COLUMNS:
            report(given & ~num.between(0, 100), col, "a percentage between 0 and 100, or empty")
            out[col] = num.astype("Float64")
        else:
            whole = num.notna() & (num >= 0) & (num == np.floor(num))
            report(given & ~whole, col, _WHOLE)
            unreadable |= (given & ~whole).to_numpy()
            out[col] = num.where(whole).astype("Int64")
    report((out["n_cases"] == 0).fillna(False), "n_cases",
           "at least 1 case file: a published round of 0 case files has no rate to analyse (leave the row out)")
    found.add(check_allowed(raw, file, "status", PUBLISHED_STATUSES))
    found.add(check_allowed(raw, file, "round_id", registry["round_id"].tolist()))
    found.add(check_allowed(raw, file, "case_type", CASE_TYPES, required=False))
    for col in ("figure_id", "source_url", "quote"):
        report(raw[col].isna(), col, f"a {col} (every published figure needs its source and verbatim quote)")
    report(raw["figure_id"].duplicated(keep=False) & raw["figure_id"].notna(), "figure_id", "each figure_id once")
    primary = raw["status"] == "primary"
    twice = raw[primary].duplicated(["round_id", "case_type"], keep=False).reindex(raw.index, fill_value=False)
    report(twice, "case_type", "one primary figure per round and case type (mark conflicting reports 'variant')")

    n_cases = out["n_cases"]
    for col in (*PUBLISHED_COUNT_COLUMNS[1:], *PUBLISHED_DERIVED_COLUMNS):
        report((out[col] > n_cases).fillna(False), col, "a count no larger than n_cases (" + n_cases.astype(str) + ")")
    inconsistent = (out["status"] == "inconsistent").to_numpy()
    report(inconsistent & out["source_inconsistency"].isna(), "source_inconsistency",
           "a note describing the source's own inconsistency (status is 'inconsistent')")
    scale = raw["round_id"].map(registry.set_index("round_id")["scale"])
    three = (scale == "3-point").to_numpy()
    report(three & out["n_adequate"].notna(), "n_adequate", "empty: 'adequate' is not on the 3-point scale of this round")
    grade_cols = list(GRADE_COUNT_COLUMNS.values())
    counts = out[grade_cols].astype("float64").to_numpy()  # <NA> -> nan
    needed = np.where(three[:, None], [g in SCALES["3-point"] for g in GRADE_COUNT_COLUMNS], True)
    complete = ~np.isnan(np.where(needed, counts, 0.0)).any(axis=1)
    total = np.nansum(counts, axis=1)
    nc = n_cases.astype("float64").to_numpy()
    parts = [" + ".join(f"{c} {int(v)}" for c, v in zip(grade_cols, row) if not np.isnan(v)) for row in counts]
    off = (complete & (total != nc)) | (~complete & (total > nc))
    report(off & ~inconsistent & ~np.isnan(nc) & ~unreadable, "n_cases",
           [f"the grade counts to add up to {'' if whole else 'at most '}n_cases ({n:.0f}"
            f"{'' if whole else ', as some are not published'}), but {p} = {t:.0f} "
            "(if the source itself is inconsistent, set status 'inconsistent' and describe it in source_inconsistency)"
            for p, t, n, whole in zip(parts, total, nc, complete)])
    fail_sum = out["n_requires_improvement"] + out["n_inadequate"]
    report((out["n_failing"] != fail_sum).fillna(False) & ~unreadable, "n_failing",
           "n_failing equal to n_requires_improvement + n_inadequate (" + fail_sum.astype(str) + ")")
    found.raise_if_any()
    text = [c for c in PUBLISHED_COLUMNS if c not in out.select_dtypes(include="number").columns]
    out[text] = out[text].fillna("")
    return out


def load_published(path: PathLike | None = None, rounds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate the published figures (one row per published figure).

    Parameters
    ----------
    path : str or path-like, optional
        A published-figures CSV; by default the shipped
        ``data/published/published_counts.csv``.
    rounds : pandas.DataFrame, optional
        The rounds registry to check ``round_id`` against; by default
        :func:`load_rounds`.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``data/README.md``: ``figure_id``, ``round_id``,
        ``case_type`` (``""`` for the whole round), ``status`` (``primary``,
        ``variant`` or ``inconsistent``), the published counts ``n_cases``,
        ``n_good``, ``n_adequate``, ``n_requires_improvement``,
        ``n_inadequate``, ``n_failing`` (``Int64``, ``<NA>`` when not
        published), ``pct_failing_published`` and ``pct_passing_published``
        (``Float64`` percentages, only where a percentage is the only figure),
        the derived numbers ``n_failing_derived`` and ``n_passing_derived``
        (``Int64``; never published, see ``derived_note``), and the text
        columns ``derived_note``, ``source_inconsistency``,
        ``other_figures``, ``source_url``, ``quote``.

    Raises
    ------
    AuditDataError
        Listing every problem at once: negative or non-integer counts,
        ``n_cases`` of 0, a count above ``n_cases``, grade counts not summing
        to ``n_cases`` (unless the row is marked
        ``inconsistent`` with a ``source_inconsistency`` note), an unknown
        round, status or case type, or a missing source.

    Examples
    --------
    >>> pub = load_published()
    >>> pub.set_index("figure_id").loc["mps-2016", ["n_cases", "n_failing"]].tolist()
    [374, 278]
    """
    path = Path(path) if path is not None else paths.published_counts_path()
    registry = load_rounds() if rounds is None else rounds
    return validate_published(read_table(path), path.name, registry)
