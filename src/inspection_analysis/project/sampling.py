"""Reproducible random samples of case IDs for the next audit.

The next quarterly audit should grade a random sample of case files, drawn so
that anyone can redraw exactly the same sample from the same case list and
seed. :func:`draw_sample` draws a simple random sample, or a stratified one
with proportional allocation (for example by case type).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis.errors import FIRST_DATA_ROW

__all__ = ["read_case_list", "allocate_proportional", "draw_sample"]


def read_case_list(path: str | Path, id_column: str = "case_id") -> pd.DataFrame:
    """Read a list of candidate case files from CSV or Excel.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv``, ``.xlsx`` or ``.xls`` file with one row per case file.
    id_column : str, default "case_id"
        The column holding the case identifier.

    Returns
    -------
    pandas.DataFrame
        Every column of the file, read as strings (so identifiers such as
        ``"00123"`` keep their leading zeros).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file type is not supported, ``id_column`` is missing, or an
        identifier is blank or repeated.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cases.csv").write_text("case_id,case_type\\n007,cse\\n008,missing\\n")
    >>> read_case_list(d / "cases.csv")["case_id"].tolist()
    ['007', '008']
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"case list not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    elif suffix in (".xlsx", ".xls"):
        frame = pd.read_excel(path, dtype=str, engine="calamine").fillna("")
    else:
        raise ValueError(f"unsupported case-list file type {suffix!r} ({path.name}); use .csv or .xlsx")
    if id_column not in frame.columns:
        raise ValueError(f"case list {path.name} has no column {id_column!r}; columns are {list(frame.columns)}")
    ids = frame[id_column].str.strip()
    if (ids == "").any():
        raise ValueError(f"case list {path.name} has a blank {id_column!r} in row {int(np.argmax(ids == '')) + FIRST_DATA_ROW}")
    if ids.duplicated().any():
        raise ValueError(f"case list {path.name} repeats a value of {id_column!r} ({int(ids.duplicated().sum())} repeats)")
    return frame.assign(**{id_column: ids})


def _check_n(n, total: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= total:
        raise ValueError(f"sample size n must be a whole number from 1 to {total} (the case list), got {n!r}")


def allocate_proportional(sizes: pd.Series, n: int) -> pd.Series:
    """Split a sample of ``n`` across strata in proportion to their sizes.

    Parameters
    ----------
    sizes : pandas.Series
        Number of case files in each stratum, indexed by stratum.
    n : int
        Total sample size, at most ``sizes.sum()``.

    Returns
    -------
    pandas.Series
        Whole-number allocations with the same index, summing to ``n``, none
        larger than its stratum.

    Raises
    ------
    ValueError
        If ``n`` is not a whole number between 1 and the population size, or a
        size is negative.

    Notes
    -----
    Largest-remainder (Hamilton) rounding of the quotas ``n * N_h / N`` [1]_:
    each stratum gets the whole part of its quota, and the files left over go
    to the largest fractional parts, ties broken by stratum order (the index is
    sorted first, so the result does not depend on input order).

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley,
       section 5.5 (proportional allocation).

    Examples
    --------
    >>> import pandas as pd
    >>> allocate_proportional(pd.Series({"a": 50, "b": 30, "c": 20}), 7).tolist()
    [4, 2, 1]
    """
    sizes = sizes.sort_index().astype(int)
    if (sizes < 0).any():
        raise ValueError(f"stratum sizes must not be negative, got {sizes[sizes < 0].iloc[0]}")
    total = int(sizes.sum())
    _check_n(n, total)
    quota = sizes.to_numpy() * n / total
    alloc = np.floor(quota).astype(int)
    left = n - int(alloc.sum())
    order = np.argsort(-(quota - alloc), kind="stable")
    alloc[order[:left]] += 1
    return pd.Series(alloc, index=sizes.index, name="n_sample")


def draw_sample(
    cases: pd.DataFrame,
    n: int,
    seed: int,
    by: str | None = None,
    id_column: str = "case_id",
) -> pd.DataFrame:
    """Draw a reproducible simple or stratified random sample of case files.

    Parameters
    ----------
    cases : pandas.DataFrame
        The case list, one row per case file (see :func:`read_case_list`).
        Not modified.
    n : int
        Number of case files to draw.
    seed : int
        Seed of the random generator (numpy ``PCG64``); the same case list and
        seed always give the same sample.
    by : str, optional
        Stratify by this column with proportional allocation
        (:func:`allocate_proportional`); default a simple random sample.
    id_column : str, default "case_id"
        The identifier column.

    Returns
    -------
    pandas.DataFrame
        The sampled rows with all their columns, sorted by ``by`` (if given)
        and ``id_column``, with a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        If ``n`` is out of range, ``seed`` is not a non-negative whole number,
        or ``id_column`` / ``by`` is not a column.

    Notes
    -----
    The rows are first sorted by identifier so the sample depends only on the
    set of cases, not their order in the file. A simple random sample without
    replacement is then drawn with ``numpy.random.Generator.choice``; for a
    stratified sample, each stratum is sampled in turn (in sorted order) from
    the one generator [1]_.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley,
       chapters 2 and 5.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(10)],
    ...                       "case_type": ["cse"] * 6 + ["missing"] * 4})
    >>> s = draw_sample(cases, n=5, seed=1, by="case_type")
    >>> s["case_type"].value_counts().sort_index().tolist()
    [3, 2]
    """
    for col in (id_column, by):
        if col is not None and col not in cases.columns:
            raise ValueError(f"column {col!r} is not in the case list; columns are {list(cases.columns)}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, got {seed!r}")
    ordered = cases.sort_values(id_column, kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(seed)
    if by is None:
        _check_n(n, len(ordered))
        picked = ordered.iloc[np.sort(rng.choice(len(ordered), size=n, replace=False))]
    else:
        alloc = allocate_proportional(ordered.groupby(by, sort=True).size(), n)
        parts = []
        for stratum, k in alloc.items():
            rows = ordered[ordered[by] == stratum]
            parts.append(rows.iloc[np.sort(rng.choice(len(rows), size=int(k), replace=False))])
        picked = pd.concat(parts)
    keys = [by, id_column] if by is not None else [id_column]
    return picked.sort_values(keys, kind="stable").reset_index(drop=True)


