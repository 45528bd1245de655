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
    Rows sharing a round and an :func:`id_key` are found with
    ``pandas.factorize`` and ``Series.duplicated``; among them, exact repeats
    are ``DataFrame.duplicated`` on (``round_id``, ``case_id``), and
    probable ones share a key with a row of another text.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"round_id": ["q1", "q1", "q2"], "case_id": ["A1", "A1", "A1"]})
    >>> found, omitted = duplicate_case_problems(rows, [("a.csv", 2), ("b.csv", 1)])
    >>> [(p.file, p.row, p.expected) for p in found]
    [('a.csv', 2, 'a case_id unique within round q1 (also at a.csv row 3)'), ('a.csv', 3, 'a case_id unique within round q1 (also at a.csv row 2)')]
    """
    ids = frame["case_id"]
    keys = ids.str.lower()  # the same as id_key for ASCII; only other IDs need Unicode normalisation
    compared = (frame["round_id"].notna() & ids.notna()).to_numpy()
    other = compared & ~ids.str.isascii().fillna(True).to_numpy(dtype=bool)
    if other.any():
        keys[other] = [id_key(v) for v in ids[other]]
    # rows sharing a round and a key: every exact or probable duplicate is among them (usually none is); the pair
    # is one integer (key code x number of rounds + round code), so one hash of the texts is enough
    key_codes, _ = pd.factorize(keys)
    round_codes, round_ids = pd.factorize(frame["round_id"])
    pair = key_codes.astype(np.int64) * (len(round_ids) + 1) + round_codes
    candidates = pd.Series(pair).duplicated(keep=False).to_numpy() & compared
    rows = np.flatnonzero(candidates)
    pairs = pd.DataFrame({"round_id": frame["round_id"].iloc[rows].astype("str").to_numpy(),
                          "case_id": ids.iloc[rows].to_numpy(), "key": keys.iloc[rows].to_numpy()})
    exact = pairs.duplicated(["round_id", "case_id"], keep=False).to_numpy()
    # a probable duplicate shares its key with a row of another text
    probable = pairs.groupby(["round_id", "key"])["case_id"].transform("nunique").to_numpy() > 1
    starts = np.cumsum([0, *(n for _, n in files)])
    found, omitted = _problems(rows[exact], pairs[exact], "case_id", starts, files, "")
    more, more_omitted = _problems(rows[probable], pairs[probable], "key", starts, files,
                                   " after Unicode normalisation and ignoring case: a probable duplicate")
    return found + more, omitted + more_omitted


def _problems(rows: np.ndarray, pairs: pd.DataFrame, key: str, starts: np.ndarray,
              files: Sequence[tuple[str, int]], how: str) -> tuple[list[Problem], int]:
    """One problem per row in ``rows`` (positions in the frame), naming the other rows of the same round and key."""
    if not rows.size:
        return [], 0
    which = np.searchsorted(starts, rows, side="right") - 1
    where = [f"{files[f][0]} row {r - starts[f] + FIRST_DATA_ROW}" for f, r in zip(which, rows)]
    rounds, ids, keys = pairs["round_id"].tolist(), pairs["case_id"].tolist(), pairs[key].tolist()
    at: dict[tuple[str, str], list[int]] = {}
    for i, group in enumerate(zip(rounds, keys)):
        at.setdefault(group, []).append(i)
    problems = []
    for i in range(min(len(rows), MAX_PROBLEMS_PER_RULE)):
        # the other row's text is not repeated in the message (case ids are never printed): its hidden
        # characters are named instead
        others = [where[j] + (hidden_characters(ids[j]) if how else "")
                  for j in at[rounds[i], keys[i]] if j != i]
        problems.append(Problem(files[which[i]][0], int(rows[i] - starts[which[i]] + FIRST_DATA_ROW), "case_id", ids[i],
                                f"a case_id unique within round {rounds[i]}"
                                + (f"{hidden_characters(ids[i])}: it matches {', '.join(others)}{how}" if how
                                   else f" (also at {', '.join(others)})")))
    return problems, len(rows) - min(len(rows), MAX_PROBLEMS_PER_RULE)
