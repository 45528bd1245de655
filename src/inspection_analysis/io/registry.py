"""The rounds registry (``data/rounds.csv``): loading and validation.

The registry is the single list of rounds that case files and published
figures may refer to. It is loaded once by the caller (CLI, report, notebook)
and passed down to counting and analysis.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis import paths
from inspection_analysis.errors import missing_column_problems, problems_from_mask
from inspection_analysis.io.checks import Findings, check_allowed, naming_hidden, strip_text
from inspection_analysis.io.read import read_table
from inspection_analysis.schema import ASSESSORS, ROLES, ROUND_ID_PATTERN, ROUNDS_COLUMNS, SCALE_NAMES

__all__ = ["load_rounds", "validate_rounds"]

PathLike = str | os.PathLike


def load_rounds(path: PathLike | None = None) -> pd.DataFrame:
    """Load and validate the rounds registry.

    Parameters
    ----------
    path : str or path-like, optional
        A rounds CSV; by default the shipped ``data/rounds.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per round, sorted by ``force``, ``reference_date``,
        ``round_id``, with columns ``round_id``, ``force``, ``force_name``,
        ``label``, ``period``, ``publication_date`` (datetime, ``NaT`` when
        not found), ``reference_date`` (datetime, orders rounds in time),
        ``assessor`` (``inspectorate``, ``force_audit`` or
        ``force_self_assessment``), ``scale`` (``3-point`` or ``4-point``),
        ``sample``, ``source_url`` and ``notes`` (text; empty as ``""``).

    Raises
    ------
    AuditDataError
        For a missing column, a duplicate or malformed ``round_id``, an
        unknown assessor or scale, or a date that is not ISO ``YYYY-MM-DD``.

    Notes
    -----
    The registry is the single list of rounds that case files and published
    figures may refer to.

    Examples
    --------
    >>> rounds = load_rounds()
    >>> rounds.set_index("round_id").loc["mps-2017-q2", "assessor"]
    'force_audit'
    """
    path = Path(path) if path is not None else paths.rounds_path()
    if not path.is_file():
        read_table(path)  # raises AuditDataError naming the missing file
    stat = path.stat()
    return _registry(str(path.resolve()), stat.st_mtime_ns, stat.st_size).copy()


@lru_cache(maxsize=8)
def _registry(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """The validated registry, cached while the file is unchanged (same path, modification time and size)."""
    return validate_rounds(read_table(path), Path(path).name)


def validate_rounds(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """Validate a raw rounds table (trimmed strings) and return the typed, sorted registry.

    Raises :class:`~inspection_analysis.errors.AuditDataError` listing every
    problem; see :func:`inspection_analysis.io.load_rounds` for the columns.
    """
    raw = strip_text(raw)
    found = Findings(missing_column_problems(raw, file, ROUNDS_COLUMNS))
    found.raise_if_any()

    def report(mask, col, expected):
        mask, values = np.asarray(mask, dtype=bool), raw[col].to_numpy(dtype=object)
        found.add(problems_from_mask(mask, file=file, column=col, values=values,
                                     expected=naming_hidden(expected, values, mask)))

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
