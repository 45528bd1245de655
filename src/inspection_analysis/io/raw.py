"""A file as read, before validation: its text cells, the problems found in them, and where each cell sits."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from inspection_analysis.errors import Problem

__all__ = ["MAX_COLUMNS", "RawTable", "column_letter", "repeated_heading_problems"]

#: Files with more columns than this are refused before they are parsed (an audit file has tens of columns).
MAX_COLUMNS = 1000


@dataclass
class RawTable:
    """One file's cells as text, headed as in the file.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per data row (0-based index: spreadsheet row = index + 2),
        columns headed as in the file (trimmed; a repeated heading's later
        columns left out, and reported in ``problems``).
    problems : list of Problem
        Problems in single cells found while reading (an Excel error cell, a
        number that cannot be read exactly, a repeated heading), to be
        reported with validation's own.
    sheet : str or None
        The worksheet read, for a workbook.
    letters : dict of str to str
        For a workbook: each heading's column letter (``C``), so that a
        problem can name its cell.
    """

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)

    def with_validation(self, problems: list[Problem]) -> list[Problem]:
        """This file's problems and validation's, less those validation found in a cell already reported.

        A cell the reader reported (an error cell, an inexact number) is read
        as empty; validation would call it empty again.
        """
        reported = {(p.column, p.row) for p in self.problems}

        def seen(p: Problem) -> bool:
            return p.row is not None and all((p.column, r) in reported for r in range(p.row, (p.last_row or p.row) + 1))

        return self.locate(self.problems + [p for p in problems if not seen(p)])

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """The problems of this file, each given its sheet and cell (a workbook's only; others unchanged)."""
        if self.sheet is None:
            return problems
        out = []
        for p in problems:
            letter = self.letters.get(p.column) if p.row is not None else None
            cell = None if letter is None else f"{letter}{p.row}" + (f":{letter}{p.last_row}" if p.last_row else "")
            out.append(dataclasses.replace(p, sheet=self.sheet, cell=cell))
        return out


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position: 0 -> ``A``, 26 -> ``AA``.

    Examples
    --------
    >>> column_letter(0), column_letter(2), column_letter(27)
    ('A', 'C', 'AB')
    """
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def repeated_heading_problems(file: str, headings: list[str]) -> tuple[list[Problem], list[int]]:
    """A problem (row 1) for each heading that repeats (after trimming), and the positions of the columns to keep.

    The first column of each heading is kept; the later ones are reported
    and left out, never renamed (pandas would read them as ``grade.1``).
    Columns without a heading are all kept.

    Examples
    --------
    >>> found, keep = repeated_heading_problems("a.csv", ["case_id", "grade", "grade "])
    >>> keep, str(found[0])
    ([0, 1], "a.csv, row 1, column 'grade': got 'grade'; expected each heading once: 'grade' heads columns B and C")
    """
    trimmed = [str(h).strip() for h in headings]
    counts = Counter(trimmed)
    problems, keep, seen = [], [], set()
    for position, heading in enumerate(trimmed):
        if heading == "":  # no heading: see the reader
            keep.append(position)
        elif heading not in seen:
            seen.add(heading)
            keep.append(position)
            if counts[heading] > 1:
                where = [column_letter(i) for i, h in enumerate(trimmed) if h == heading]
                problems.append(Problem(file, 1, heading, heading, f"each heading once: {heading!r} heads columns "
                                        + ", ".join(where[:-1]) + f" and {where[-1]}"))
    return problems, keep
