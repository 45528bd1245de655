"""Validation of the rounds registry (``data/rounds.csv``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.problems import problems_from_mask
from inspection_analysis.schema import ASSESSORS, ROLES, ROUND_ID_PATTERN, ROUNDS_COLUMNS, SCALE_NAMES
from inspection_analysis.validation import Findings, check_allowed, missing_column_problems, strip_text

__all__ = ["validate_rounds"]


def validate_rounds(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """Validate a raw rounds table (trimmed strings) and return the typed, sorted registry.

    Raises :class:`~inspection_analysis.problems.AuditDataError` listing every
    problem; see :func:`inspection_analysis.io.load_rounds` for the columns.
    """
    raw = strip_text(raw)
    found = Findings(missing_column_problems(raw, file, ROUNDS_COLUMNS))
    found.raise_if_any()

    def report(mask, col, expected):
        found.add(problems_from_mask(np.asarray(mask), file=file, column=col,
                                     values=raw[col].to_numpy(dtype=object), expected=expected))

    ids = raw["round_id"]
    report(~ids.fillna("").str.match(ROUND_ID_PATTERN.pattern), "round_id",
           "a round_id of lower-case letters, digits and hyphens, e.g. mps-2017-q3")
    report(ids.duplicated(keep=False) & ids.notna(), "round_id", "each round_id once")
    report(~raw["force"].fillna("").str.match(ROUND_ID_PATTERN.pattern), "force",
           "a lower-case force code, e.g. mps or west-yorkshire")
    found.add(check_allowed(raw, file, "assessor", ASSESSORS))
    found.add(check_allowed(raw, file, "scale", SCALE_NAMES))
    found.add(check_allowed(raw, file, "role", ROLES))
    dates = {}
    for col in ("publication_date", "reference_date"):
        dates[col] = pd.to_datetime(raw[col], format="%Y-%m-%d", errors="coerce")
        bad = dates[col].isna() & (raw[col].notna() | (col == "reference_date"))
        report(bad, col, "an ISO date YYYY-MM-DD" + (" (required: it orders the rounds in time)" if col == "reference_date" else " or empty"))
    found.raise_if_any()
    out = raw.loc[:, list(ROUNDS_COLUMNS)].fillna("")
    for col, parsed in dates.items():
        out[col] = parsed
    return out.sort_values(["force", "reference_date", "round_id"], ignore_index=True)
