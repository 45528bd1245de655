"""The duplicate check across case files: a ``case_id`` may appear once per round."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from inspection_analysis.errors import FIRST_DATA_ROW, MAX_PROBLEMS_PER_RULE, Problem, duplicate_problems
from inspection_analysis.schema import CASE_RULE

__all__ = ["duplicate_case_problems"]


def duplicate_case_problems(frame: pd.DataFrame, files: Sequence[tuple[str, int]]) -> tuple[list[Problem], int]:
    """Problems for every row whose ``case_id`` repeats within its round (across files too).

    Parameters
    ----------
    frame : pandas.DataFrame
        Validated rows of one or more files, with ``round_id`` and ``case_id``
        columns.
    files : sequence of (str, int)
        The files the rows came from, in the order of their rows in
        ``frame``: each file's name and number of rows (so that a row is
        named by its file and spreadsheet row, header = row 1).

    Returns
    -------
    tuple of (list of Problem, int)
        One :class:`~inspection_analysis.errors.Problem` per repeated row
        (column ``case_id``, naming the other rows with the same id), at most
        ``MAX_PROBLEMS_PER_RULE`` of them, and the number not listed.

    Notes
    -----
    The comparison is exact: pandas' ``DataFrame.duplicated`` on the
    (``round_id``, ``case_id``) pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"round_id": ["q1", "q1", "q2"], "case_id": ["A1", "A1", "A1"]})
    >>> found, omitted = duplicate_case_problems(rows, [("a.csv", 2), ("b.csv", 1)])
    >>> [(p.file, p.row, p.expected) for p in found]
    [('a.csv', 2, 'a case_id unique within round q1 (also at a.csv row 3)'), ('a.csv', 3, 'a case_id unique within round q1 (also at a.csv row 2)')]
    """
    repeated = np.flatnonzero(frame[["round_id", "case_id"]].duplicated(keep=False).to_numpy())
    if not repeated.size:
        return [], 0
    shown = repeated[:MAX_PROBLEMS_PER_RULE]
    starts = np.cumsum([0, *(n for _, n in files)])
    which = np.searchsorted(starts, shown, side="right") - 1
    names, rows = [files[i][0] for i in which], (shown - starts[which] + FIRST_DATA_ROW).tolist()
    keys = zip(frame["round_id"].iloc[shown].astype(str), frame["case_id"].iloc[shown])
    rows_found = [(name, row, rid, cid) for name, row, (rid, cid) in zip(names, rows, keys)]
    return duplicate_problems(rows_found, CASE_RULE["case_id_duplicate"].expected), len(repeated) - len(shown)
