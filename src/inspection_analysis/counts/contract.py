"""The counts-table contract: what every counts table holds, and how published and case-level tables combine."""

from __future__ import annotations

import pandas as pd

__all__ = ["check_counts_table", "combine_counts"]


def check_counts_table(counts) -> None:
    """Raise unless ``counts`` is a counts table with ``round_id``, ``n`` and ``failures``.

    Parameters
    ----------
    counts : object
        The table to check.

    Raises
    ------
    TypeError
        If ``counts`` is not a DataFrame.
    ValueError
        If a required column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> check_counts_table(pd.DataFrame({"round_id": ["a"], "n": [1], "failures": [0]}))
    """
    if not isinstance(counts, pd.DataFrame):
        raise TypeError(f"counts must be a pandas DataFrame (a counts table), got {type(counts).__name__}")
    missing = [c for c in ("round_id", "n", "failures") if c not in counts.columns]
    if missing:
        raise ValueError(f"counts table lacks column(s) {missing}; build it with to_counts()")


def combine_counts(published, case_level) -> pd.DataFrame:
    """Published counts with every round counted from case files in place of its published figures.

    Parameters
    ----------
    published : pandas.DataFrame
        A counts table of published figures (``to_counts(load_published())``).
    case_level : pandas.DataFrame
        A counts table counted from case files (``to_counts(load_cases(...))``).

    Returns
    -------
    pandas.DataFrame
        The rows of ``published`` for rounds absent from ``case_level``, then
        the rows of ``case_level`` with at least one case file; ``round_id``
        as text, the index reset.

    Raises
    ------
    TypeError, ValueError
        If either is not a counts table.

    Notes
    -----
    A round's case files are the fuller record, so its published figures are
    dropped, never mixed with them. Rows of 0 case files (rounds a
    categorical ``round_id`` knows but the files do not hold) are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> pub = pd.DataFrame({"round_id": ["a", "b"], "n": [374, 170], "failures": [278, None]})
    >>> new = pd.DataFrame({"round_id": ["b", "c"], "n": [170, 0], "failures": [100, 0]})
    >>> combine_counts(pub, new)[["round_id", "n", "failures"]].values.tolist()
    [['a', 374, 278.0], ['b', 170, 100.0]]
    """
    check_counts_table(published)
    check_counts_table(case_level)
    cases = case_level[case_level["n"] > 0]
    cases = cases.assign(round_id=cases["round_id"].astype(str))
    kept = published.assign(round_id=published["round_id"].astype(str))
    kept = kept[~kept["round_id"].isin(set(cases["round_id"]))]
    return pd.concat([kept, cases], ignore_index=True)
