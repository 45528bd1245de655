"""Small-count suppression for published tables (statistical disclosure control).

Tables built from real case-level audits can reveal something about an
individual child when a cell holds very few cases. Before a table is
published, :func:`suppress_small_counts` replaces small counts by the
Government Statistical Service symbol ``[c]`` ("confidential") and hides
enough other cells that the small ones cannot be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["suppress_small_counts", "DEFAULT_RATE_COLUMNS"]

#: Derived columns hidden whenever a count they are computed from is hidden.
DEFAULT_RATE_COLUMNS = ("rate", "ci_low", "ci_high")
_RATE_INPUTS = ("failures", "n")


def _default_count_columns(table: pd.DataFrame) -> list[str]:
    return [
        c
        for c in table.columns
        if (c in ("n", "failures") or str(c).startswith("n_")) and pd.api.types.is_numeric_dtype(table[c])
    ]


def _check_columns(table: pd.DataFrame, columns: Sequence[str], what: str) -> list[str]:
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} {missing[0]!r} is not a column of the table; columns are {list(table.columns)}")
    for c in columns:
        if not pd.api.types.is_numeric_dtype(table[c]):
            raise ValueError(f"{what} {c!r} must be numeric, got dtype {table[c].dtype}")
    return columns


def suppress_small_counts(
    table: pd.DataFrame,
    threshold: int = 10,
    marker: str = "[c]",
    count_columns: Sequence[str] | None = None,
    rate_columns: Sequence[str] | None = None,
    total_column: str | None = "n",
) -> pd.DataFrame:
    """Hide small counts (and what would reveal them) before a table is published.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to protect, one row per group (for example a counts table or
        a summary of rates). It is not modified.
    threshold : int, default 10
        Counts ``c`` with ``0 < c < threshold`` are suppressed. Zeros are shown.
    marker : str, default "[c]"
        What replaces a suppressed cell. ``"[c]"`` is the Government Analysis
        Function symbol for "confidential" [2]_.
    count_columns : sequence of str, optional
        The columns holding counts of case files. Default: the numeric columns
        named ``n``, ``failures`` or starting with ``n_``.
    rate_columns : sequence of str, optional
        Columns derived from ``failures`` and ``n`` (rates and their confidence
        limits). Default: those of ``rate``, ``ci_low``, ``ci_high`` present.
    total_column : str or None, default "n"
        The row total: the other count columns except ``failures`` (the
        *components*, e.g. the per-grade counts) add up to it. Ignored when the
        table has no such column.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with the same columns and index. Count and rate
        columns become ``object`` dtype holding the original values or
        ``marker``; missing values stay missing; other columns are unchanged.

    Raises
    ------
    ValueError
        If ``threshold`` is not a whole number of at least 1, ``marker`` is not
        a non-empty string, or a named column is absent or not numeric.

    Notes
    -----
    The rule, applied row by row and repeated until nothing changes:

    1. *Primary suppression*: every count with ``0 < count < threshold`` is
       hidden, and so is ``failures`` when the number not failing
       (``total - failures``) is in that range. Zeros are shown: ONS guidance
       treats an empty cell as disclosive only in particular cases (for
       example when it reveals a fact about every member of a group) and
       those need judgement [1]_.
    2. *Secondary suppression*: when exactly one of the components and the
       total is hidden, the smallest remaining non-zero one is hidden too, so
       the hidden cell cannot be recovered by subtraction from the row total
       [1]_.
    3. *Linked subtotal*: ``failures`` is a sum of some components, so it is
       hidden whenever a component is hidden; when ``failures`` is hidden and
       no component is, the smallest non-zero component is hidden.
    4. *Derived values*: the rate columns are hidden in every row where
       ``failures`` or the total is hidden (or, if the table has neither,
       where any count is hidden), because a rate with its ``n`` recovers the
       count.

    This is a simple, conservative heuristic for the small tables this package
    writes. It does not solve the optimal cell-suppression problem across
    linked tables (for that, use tools such as tau-Argus), so tables that share
    margins must still be checked by hand before publication.

    References
    ----------
    .. [1] Office for National Statistics / Government Statistical Service,
       "Disclosure control guidance for tables produced from administrative
       data sources" (GSS, 2014); and "Statistical disclosure control" (ONS
       methodology pages).
    .. [2] Government Analysis Function, "Using symbols and shorthand in
       tables" (2021): ``[c]`` confidential.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"round_id": ["a"], "n": [30], "n_good": [4],
    ...                   "n_requires_improvement": [12], "n_inadequate": [14]})
    >>> out = suppress_small_counts(t)
    >>> out.loc[0, ["n", "n_good", "n_requires_improvement", "n_inadequate"]].tolist()
    [30, '[c]', '[c]', 14]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, got {threshold!r}")
    if not isinstance(marker, str) or not marker:
        raise ValueError(f"marker must be a non-empty string, got {marker!r}")
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    counts = _check_columns(
        table, _default_count_columns(table) if count_columns is None else count_columns, "count column"
    )
    rates = (
        [c for c in DEFAULT_RATE_COLUMNS if c in table.columns]
        if rate_columns is None
        else _check_columns(table, rate_columns, "rate column")
    )
    values = table[counts].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    total = counts.index(total_column) if total_column in counts else None
    fail = counts.index("failures") if "failures" in counts else None
    parts = [j for j in range(len(counts)) if j not in (total, fail)]
    hidden = (values > 0) & (values < threshold)
    if total is not None and fail is not None:
        rest = values[:, total] - values[:, fail]
        hidden[:, fail] |= (rest > 0) & (rest < threshold)
    for i in range(len(values)):
        _secondary(values[i], hidden[i], total, fail, parts)
    inputs = [j for j in (fail, total) if j is not None] or list(range(len(counts)))
    rate_hidden = hidden[:, inputs].any(axis=1)

    out = table.copy()
    for j, col in enumerate(counts):
        out[col] = _masked(table[col], hidden[:, j], marker)
    for col in rates:
        out[col] = _masked(table[col], rate_hidden, marker)
    return out


def _hide_smallest(row: np.ndarray, hidden: np.ndarray, among: list[int]) -> bool:
    """Hide the smallest shown non-zero cell of ``among``; return whether one was hidden."""
    shown = [j for j in among if not hidden[j] and row[j] > 0]
    if not shown:
        return False
    hidden[min(shown, key=lambda j: row[j])] = True
    return True


def _secondary(row: np.ndarray, hidden: np.ndarray, total, fail, parts: list[int]) -> None:
    """Apply rules 2 and 3 of :func:`suppress_small_counts` to one row, in place."""
    changed = True
    while changed:
        changed = False
        if fail is not None and parts:
            if hidden[parts].any() and not hidden[fail]:
                hidden[fail] = changed = True
            elif hidden[fail] and not hidden[parts].any():
                changed = _hide_smallest(row, hidden, parts) or changed
        if total is not None and parts:
            linked = [*parts, total]
            if hidden[linked].sum() == 1:
                changed = _hide_smallest(row, hidden, linked) or changed


def _masked(column: pd.Series, mask: np.ndarray, marker: str) -> pd.Series:
    values = column.astype(object)
    values[mask] = marker
    return values
