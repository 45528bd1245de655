"""The duplicate check across case files: a ``case_id`` may appear once per round.

Two rows are duplicates when their ``case_id`` is the same text, and
probable duplicates when the texts differ but are the same after Unicode
NFKC normalisation and case-folding (NFC against NFD forms, a no-break space
against a space, full-width against ASCII letters, ``a1`` against ``A1``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from inspection_analysis.errors import FIRST_DATA_ROW, MAX_PROBLEMS_PER_RULE, Problem
from inspection_analysis.io.codepoints import hidden_characters

__all__ = ["duplicate_case_problems", "id_key"]


def id_key(case_id: str) -> str:
    """The form two IDs are compared in: NFKC-normalised and case-folded (then NFKC again, as casefolding may un-normalise).

    Examples
    --------
    >>> id_key("ＡＢ\\u00a01") == id_key("ab 1")
    True
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", case_id).casefold())


def duplicate_case_problems(frame: pd.DataFrame, files: Sequence[tuple[str, int]]) -> tuple[list[Problem], int]:
    """Problems for every row whose ``case_id`` repeats within its round (across files too), exactly or probably.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of one or more files, with ``round_id`` and ``case_id`` columns
        (rows where either is missing are not compared).
    files : sequence of (str, int)
        The files the rows came from, in the order of their rows in
        ``frame``: each file's name and number of rows (so that a row is
        named by its file and spreadsheet row, header = row 1).

    Returns
    -------
    tuple of (list of Problem, int)
        One :class:`~inspection_analysis.errors.Problem` per repeated row
        (column ``case_id``, naming the other rows with the same id), at most
        ``MAX_PROBLEMS_PER_RULE`` of each kind (exact, probable), and the
        number not listed.

    Notes
    -----
    Exact repeats are pandas' ``DataFrame.duplicated`` on the
    (``round_id``, ``case_id``) pairs; probable ones the same on
    (``round_id``, :func:`id_key`), less the exact ones.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"round_id": ["q1", "q1", "q2"], "case_id": ["A1", "A1", "A1"]})
    >>> found, omitted = duplicate_case_problems(rows, [("a.csv", 2), ("b.csv", 1)])
    >>> [(p.file, p.row, p.expected) for p in found]
    [('a.csv', 2, 'a case_id unique within round q1 (also at a.csv row 3)'), ('a.csv', 3, 'a case_id unique within round q1 (also at a.csv row 2)')]
    """
    rounds = frame["round_id"].astype("str")
    ids = frame["case_id"].astype("str")
    compared = (rounds.notna() & ids.notna()).to_numpy()
    pairs = pd.DataFrame({"round_id": rounds, "case_id": ids})
    exact = pairs.duplicated(keep=False).to_numpy() & compared
    keys = ids.str.lower()  # the same as id_key for ASCII; only other IDs need Unicode normalisation
    other = compared & ~ids.str.isascii().fillna(True).to_numpy(dtype=bool)
    if other.any():
        keys[other] = [id_key(v) for v in ids[other]]
    probable = pd.DataFrame({"round_id": rounds, "key": keys}).duplicated(keep=False).to_numpy() & compared
    # a row is a probable duplicate when some other row shares its key but not its text
    distinct_texts = pairs[probable].groupby([rounds[probable], keys[probable]])["case_id"].transform("nunique")
    probable[probable] = distinct_texts.to_numpy() > 1
    starts = np.cumsum([0, *(n for _, n in files)])
    found, omitted = _problems(np.flatnonzero(exact), rounds, ids, ids, starts, files, "")
    more, more_omitted = _problems(np.flatnonzero(probable), rounds, ids, keys, starts, files,
                                   " after Unicode normalisation and ignoring case: a probable duplicate")
    return found + more, omitted + more_omitted


def _problems(rows: np.ndarray, rounds: pd.Series, ids: pd.Series, keys: pd.Series, starts: np.ndarray,
              files: Sequence[tuple[str, int]], how: str) -> tuple[list[Problem], int]:
    """One problem per row in ``rows``, naming the other rows of the same round and key."""
    if not rows.size:
        return [], 0
    which = np.searchsorted(starts, rows, side="right") - 1
    where = [f"{files[f][0]} row {r - starts[f] + FIRST_DATA_ROW}" for f, r in zip(which, rows)]
    at: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        at.setdefault((rounds.iat[row], keys.iat[row]), []).append(i)
    problems = []
    for i, row in enumerate(rows[:MAX_PROBLEMS_PER_RULE]):
        cid = ids.iat[row]
        others = [f"{where[j]}" + (f" as {ids.iat[rows[j]]!r}{hidden_characters(ids.iat[rows[j]])}" if how else "")
                  for j in at[rounds.iat[row], keys.iat[row]] if j != i]
        problems.append(Problem(files[which[i]][0], int(row - starts[which[i]] + FIRST_DATA_ROW), "case_id", cid,
                                f"a case_id unique within round {rounds.iat[row]}"
                                + (f"{hidden_characters(cid)}: it matches {', '.join(others)}{how}" if how
                                   else f" (also at {', '.join(others)})" if others else "")))
    return problems, len(rows) - min(len(rows), MAX_PROBLEMS_PER_RULE)
