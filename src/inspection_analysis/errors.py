"""Problems found in input files, and the error and warning that report them.

Every problem names the file, the row as the user sees it in a spreadsheet
(1-based, the header row counted: the first data row is row 2), the column,
the bad value and what was expected. Case identifiers may appear here: these
messages are shown to the owner of the file, who sees their own data. They
must never be copied into figures, reports or logs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Problem", "AuditDataError", "AuditDataWarning", "FIRST_DATA_ROW", "MAX_PROBLEMS_PER_RULE",
           "problems_from_mask", "missing_column_problems", "duplicate_problems"]

#: At most this many problems are listed per rule; the rest are counted.
MAX_PROBLEMS_PER_RULE = 50

#: The spreadsheet row of the first data row (the header is row 1): data row ``i`` (0-based) is row ``i + FIRST_DATA_ROW``.
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Problem:
    """One problem in an input file.

    Attributes
    ----------
    file : str
        The file name (not the full path).
    row : int or None
        The spreadsheet row (header = row 1, first data row = row 2), or
        ``None`` when the problem concerns the whole file or a column.
    column : str or None
        The column as headed in the file, or ``None``.
    value : str or None
        The offending value as read, or ``None``.
    expected : str
        What was expected instead.
    last_row : int or None
        For the same problem repeated on consecutive rows (the same value in
        the same column), the last of those rows; ``None`` for a single row.
    sheet : str or None
        The worksheet, for a workbook (XLSX, ODS, XLS); ``None`` otherwise.
    cell : str or None
        The cell (``C4``) or cells (``C4:C9``) as a spreadsheet names them,
        for a workbook; ``None`` otherwise.
    identifier : bool
        True when ``value`` is a case identifier: it is kept for the caller
        but never printed (``str`` shows ``[case identifier withheld]``), so
        that tracebacks, notebooks and logs never carry case IDs.

    Examples
    --------
    >>> print(Problem("q.csv", 3, "Case Ref", "MPS/0001", "each case_id once", identifier=True))
    q.csv, row 3, column 'Case Ref': got [case identifier withheld]; expected each case_id once
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    last_row: int | None = None
    sheet: str | None = None
    cell: str | None = None
    identifier: bool = False

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None and self.last_row is not None and self.last_row > self.row:
            where.append(f"rows {self.row}-{self.last_row}")
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}" + (f" (cell {self.cell})" if self.cell else ""))
        shown = "[case identifier withheld]" if self.identifier else repr(self.value)
        got = "" if self.value is None else f"got {shown}; "
        return f"{', '.join(where)}: {got}expected {self.expected}"


class AuditDataError(Exception):
    """An input file failed validation; ``.problems`` lists every problem found.

    Parameters
    ----------
    problems : list of Problem
        The problems, listed one per line in the message.
    omitted : int, default 0
        How many further problems were found but not listed (beyond
        ``MAX_PROBLEMS_PER_RULE`` per rule).

    Attributes
    ----------
    problems : list of Problem
    omitted : int

    Examples
    --------
    >>> err = AuditDataError([Problem("q3.csv", 4, "grade", "goood", "one of: good, inadequate")])
    >>> print(err)
    1 problem found:
      q3.csv, row 4, column 'grade': got 'goood'; expected one of: good, inadequate
    """

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = list(problems)
        self.omitted = int(omitted)
        total = len(self.problems) + self.omitted
        lines = [f"{total} problem{'s' if total != 1 else ''} found:"]
        lines += [f"  {p}" for p in self.problems]
        if self.omitted:
            lines.append(f"  ... and {self.omitted} more not listed (at most {MAX_PROBLEMS_PER_RULE} per rule)")
        super().__init__("\n".join(lines))


class AuditDataWarning(UserWarning):
    """Something in an input file was handled but the user should know (e.g. ignored trailing blank rows)."""


def missing_column_problems(frame: pd.DataFrame, file: str, required, headings=None, hint: str = "") -> list[Problem]:
    """One problem (at row 1, the header row) per required column absent from ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows read (only its columns are looked at).
    file : str
        The file name.
    required : iterable of str
        The columns that must be present.
    headings : iterable of str, optional
        The headings as found in the file (by default ``frame.columns``).
    hint : str, default ""
        Text that follows ``a column 'NAME'`` in each problem.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> [str(p) for p in missing_column_problems(pd.DataFrame(columns=["case_id"]), "a.csv", ["grade"])]
    ["a.csv, row 1, column 'grade': expected a column 'grade'; headings found: case_id"]
    """
    found = ", ".join(map(str, frame.columns if headings is None else headings))
    return [Problem(file, 1, col, None, f"a column {col!r}{hint}; headings found: {found}")
            for col in required if col not in frame.columns]


def duplicate_problems(rows, expected: str) -> list[Problem]:
    """One problem per row whose ``case_id`` repeats within its round, naming the other listed rows with that id.

    Parameters
    ----------
    rows : iterable of (str, int, str, str)
        The repeated rows: file name, spreadsheet row, ``round_id`` and
        ``case_id``, in the order they are to be listed.
    expected : str
        What was expected, with ``{round_id}`` to fill in (the rule's text in
        :data:`~inspection_analysis.schema.CASE_RULES`).

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> [p.expected for p in duplicate_problems([("a.csv", 2, "q1", "A1"), ("b.csv", 5, "q1", "A1")], "unique in {round_id}")]
    ['unique in q1 (also at b.csv row 5)', 'unique in q1 (also at a.csv row 2)']
    """
    rows = list(rows)
    where = [f"{file} row {row}" for file, row, _, _ in rows]
    at: dict[tuple[str, str], list[str]] = {}
    for (_, _, rid, cid), w in zip(rows, where):
        at.setdefault((rid, cid), []).append(w)
    problems = []
    for (file, row, rid, cid), w in zip(rows, where):
        others = [o for o in at[rid, cid] if o != w]
        problems.append(Problem(file, row, "case_id", cid, expected.format(round_id=rid)
                                + (f" (also at {', '.join(others)})" if others else ""), identifier=True))
    return problems


def problems_from_mask(mask, *, file: str, column: str | None, values, expected, rows=None) -> tuple[list[Problem], int]:
    """Turn a boolean mask of bad rows into problems; only flagged rows are ever formatted.

    The same bad value on consecutive spreadsheet rows is one problem naming
    the run of rows (``rows 2-304``), so that a file whose every row carries
    the same unregistered round id gets one line, not hundreds.

    Parameters
    ----------
    mask : array-like of bool
        True where a row breaks the rule.
    file : str
        The file name.
    column : str or None
        The column as headed in the file.
    values : pandas.Series or array-like
        The offending values, aligned with ``mask`` (read only at flagged rows).
    expected : str, or pandas.Series or array-like of str
        What was expected: one text for all rows, or one per row.
    rows : array-like of int, optional
        The spreadsheet row of each position; by default position + 2
        (header = row 1).

    Returns
    -------
    problems : list of Problem
        At most ``MAX_PROBLEMS_PER_RULE`` problems (runs of rows), in row order.
    omitted : int
        How many further problems (runs of rows) broke the rule.

    Examples
    --------
    >>> probs, more = problems_from_mask([False, True], file="a.csv", column="grade",
    ...                                  values=["good", "gud"], expected="a grade")
    >>> str(probs[0]), more
    ("a.csv, row 3, column 'grade': got 'gud'; expected a grade", 0)
    >>> probs, _ = problems_from_mask([True, True, True], file="a.csv", column="round_id",
    ...                               values=["x-1", "x-1", "x-1"], expected="a registered round")
    >>> str(probs[0])
    "a.csv, rows 2-4, column 'round_id': got 'x-1'; expected a registered round"
    """
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    text = np.array(["" if pd.isna(v) else str(v) for v in _take(values, idx)], dtype=object)
    exp = np.full(len(idx), expected, dtype=object) if isinstance(expected, str) else np.array(
        [str(e) for e in _take(expected, idx)], dtype=object)
    row_numbers = (idx + FIRST_DATA_ROW) if rows is None else np.asarray(_take(rows, idx), dtype=np.int64)
    # a run continues while the row follows the previous one with the same value and expectation
    continues = (np.diff(row_numbers) == 1) & (text[1:] == text[:-1]) & (exp[1:] == exp[:-1])
    starts = np.flatnonzero(np.r_[True, ~continues]) if len(idx) else idx
    ends = np.r_[starts[1:], len(idx)] - 1
    shown = slice(0, MAX_PROBLEMS_PER_RULE)
    problems = [Problem(file, int(row_numbers[a]), column, text[a], exp[a],
                        int(row_numbers[b]) if b > a else None)
                for a, b in zip(starts[shown], ends[shown])]
    return problems, max(len(starts) - MAX_PROBLEMS_PER_RULE, 0)


def _take(values, positions):
    if isinstance(values, pd.Series | pd.Index):
        return values.take(positions).tolist()
    return np.asarray(values, dtype=object)[positions].tolist()
