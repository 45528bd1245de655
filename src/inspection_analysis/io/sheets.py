"""Workbooks (XLSX, ODS, XLS): which sheet to read, and each cell as the text the spreadsheet shows.

XLSX is read with openpyxl, which gives each cell's type and number format,
the error cells and the hidden rows; ODS from its ``content.xml``, which holds
the same (:mod:`inspection_analysis.io.ods`); XLS with xlrd, which does too
(:mod:`inspection_analysis.io.xls`). One
sheet is read: the one the column mapping names (``sheet = "Cases"``), else
the only sheet holding anything; a workbook with several such sheets is
refused, listing them with their row counts and saying which have the
required headings in row 1. Row 1 is the header.

Cells become text as the spreadsheet shows them, and nothing is coerced in
silence:

- an error cell (``#DIV/0!``, ``#VALUE!``, ``#N/A``, ``#REF!``) is a problem
  naming its cell, never "not recorded";
- a whole number becomes its digits (zero-padded where its format says
  ``000000``); a whole number beyond 2**53, where a spreadsheet keeps only
  15-17 significant digits, is a problem, since its digits may not be the
  ones typed;
- in an identifier column (``exact``), a date, a fraction or a number in a
  display format other than plain digits is a problem asking for a Text
  column, since the text shown cannot be recovered exactly;
- a date cell becomes ISO ``YYYY-MM-DD`` (with ``HH:MM:SS`` if it has a time);
- hidden rows are read and counted like any other, with an
  :class:`~inspection_analysis.errors.AuditDataWarning` saying how many.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from inspection_analysis.errors import AuditDataWarning, Problem
from inspection_analysis.io.ods import read_ods_sheets
from inspection_analysis.io.raw import MAX_COLUMNS, RawTable, column_letter, repeated_heading_problems
from inspection_analysis.io.sniff import fail
from inspection_analysis.io.xls import read_xls_sheets

__all__ = ["read_workbook"]

_EXACT_LIMIT = 2**53
_PLAIN_FORMATS = {"General", "0", "@"}
_ZEROS = re.compile(r"0+")
_ASK_TEXT = "; format the column as Text and type the ID again"


def read_workbook(path: Path, *, sheet: str | None = None, exact: Callable[[str], bool] | None = None,
                  has_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    """Read one sheet of a workbook into text cells (see the module notes).

    Parameters
    ----------
    path : pathlib.Path
        An XLSX, ODS or XLS file, already checked by
        :func:`inspection_analysis.io.sniff.check_container`.
    sheet : str, optional
        The sheet to read; by default the only sheet holding anything.
    exact : callable, optional
        Given a trimmed heading, true for an identifier column, whose cells
        must be read back exactly as typed.
    has_header : callable, optional
        Given a sheet's row-1 headings, true when they are the headings of a
        case file: used to name the candidate sheets when refusing.

    Returns
    -------
    RawTable
        The cells as text, with the sheet's name, each heading's column
        letter and the cell problems found.

    Raises
    ------
    AuditDataError
        For a damaged workbook, a named sheet that is not there, several
        sheets holding data and none named, or more than ``MAX_COLUMNS``
        columns.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.xlsx"
    >>> book = openpyxl.Workbook(); book.active.append(["case_id", "n"]); book.active.append([1234, 2.5])
    >>> book.save(p)
    >>> read_workbook(p).frame.to_dict("records")
    [{'case_id': '1234', 'n': '2.5'}]
    """
    try:
        sheets = _xlsx_sheets(path) if _is_ooxml(path) else _read(read_xls_sheets if _is_xls(path) else read_ods_sheets,
                                                                 path)
    except Exception as exc:  # the readers raise many types for a damaged file
        raise fail(path.name, f"a readable {path.suffix.lower()} file", f"{type(exc).__name__}: {exc}") from None
    name = _choose(path.name, sheets, sheet, has_header)
    rows, hidden = sheets[name]
    if hidden:
        shown = ", ".join(map(str, hidden[:20])) + (", ..." if len(hidden) > 20 else "")
        warnings.warn(f"{path.name}, sheet {name!r}: {len(hidden)} hidden row(s) read and counted like the others "
                      f"(hiding a row is formatting, not deletion): row(s) {shown}", AuditDataWarning, stacklevel=4)
    return _table(path.name, name, rows, exact or (lambda heading: False))


def _is_ooxml(path: Path) -> bool:
    """True for an Office Open XML workbook (XLSX), whatever its suffix (pandas writes one for a path ending .ods)."""
    if path.suffix.lower() == ".xls":
        return False
    with zipfile.ZipFile(path) as archive:
        return "[Content_Types].xml" in archive.namelist()


def _xlsx_sheets(path: Path) -> dict[str, tuple[list[list], list[int]]]:
    """Every sheet's rows of ``(value, data_type, number_format)`` cells, and its hidden data rows."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl's notes on styles and extensions it does not read
        with path.open("rb") as fh:  # a file object: openpyxl refuses a path not ending .xlsx
            book = openpyxl.load_workbook(fh, data_only=True)
    sheets = {}
    for ws in book.worksheets:
        if ws.max_column > MAX_COLUMNS:
            raise _too_wide(path.name, ws.max_column)
        rows = [[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()]
        hidden = [r for r, dim in ws.row_dimensions.items() if dim.hidden and 1 < r <= len(rows)]
        sheets[ws.title] = (rows, sorted(hidden))
    return sheets


def _is_xls(path: Path) -> bool:
    """True for a legacy Excel workbook (an OLE2 compound file), whatever its suffix."""
    with path.open("rb") as fh:
        return fh.read(8) == bytes.fromhex("d0cf11e0a1b11ae1")


def _read(reader, path: Path) -> dict[str, tuple[list[list], list[int]]]:
    """Every sheet's rows of ``(value, kind, number_format)`` cells and its hidden data rows, from ``reader``."""
    try:
        return reader(path, MAX_COLUMNS)
    except ValueError as exc:
        if str(exc).endswith(" columns"):
            raise _too_wide(path.name, int(str(exc).split()[0].replace(",", ""))) from None
        raise


def _too_wide(name: str, columns: int):
    return fail(name, f"at most {MAX_COLUMNS:,} columns (an audit file has tens)", f"{columns:,} columns")


def _filled(rows: list[list]) -> int:
    return sum(any(v is not None and v != "" for v, _, _ in row) for row in rows)


def _choose(file: str, sheets: dict, wanted: str | None, has_header) -> str:
    """The sheet to read (see :func:`read_workbook`)."""
    counts = {name: _filled(rows) for name, (rows, _) in sheets.items()}
    listing = ", ".join(f"{name!r} ({n} row{'s' if n != 1 else ''})" for name, n in counts.items())
    if wanted is not None:
        if wanted not in sheets:
            raise fail(file, f"a sheet named {wanted!r}, as the column mapping says", f"the sheets {listing}")
        return wanted
    filled = [name for name, n in counts.items() if n]
    if not filled:
        raise fail(file, "a header row and at least one case row", f"a workbook with nothing in it (sheets {listing})")
    if len(filled) == 1:
        return filled[0]
    headed = [name for name in filled if has_header is not None and has_header(_headings(sheets[name][0]))]
    hint = (("; the sheets with the case headings in row 1: " + ", ".join(map(repr, headed))) if headed else
            "; no sheet has the case headings in row 1")
    raise fail(file, "one sheet of cases, or the sheet to read named in the column mapping (a line "
               f'sheet = "NAME" at its top){hint}', f"{len(filled)} sheets holding data: {listing}")


def _headings(rows: list[list]) -> list[str]:
    return [] if not rows else ["" if v is None else str(v).strip() for v, _, _ in rows[0]]


def _table(file: str, sheet: str, rows: list[list], exact: Callable[[str], bool]) -> RawTable:
    headings = _headings(rows)
    found, keep = repeated_heading_problems(file, headings)
    letters = {headings[i]: column_letter(i) for i in keep}
    columns = []
    for i in keep:
        heading, is_id = headings[i], exact(headings[i])
        texts = []
        for r, row in enumerate(rows[1:], start=2):
            value, kind, number_format = row[i] if i < len(row) else (None, None, "General")
            text, expected = _cell_text(value, kind, number_format, is_id)
            texts.append(text)
            if expected is not None:
                found.append(Problem(file, r, heading, _shown(value), expected, sheet=sheet, cell=f"{letters[heading]}{r}"))
        columns.append(pd.array(texts, dtype="str"))
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(max(len(rows) - 1, 0)))
    frame.columns = [headings[i] for i in keep]  # set afterwards: columns without a heading share the name ""
    return RawTable(frame, found, sheet, letters)


def _shown(value) -> str:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)


def _cell_text(value, kind: str | None, number_format: str, is_id: bool) -> tuple[str | None, str | None]:
    """A cell's text, and what was expected instead when it cannot be read as the text shown (else ``None``)."""
    if value is None or value == "":
        return None, None
    if kind == "e":
        return None, "a value, not an Excel error: correct the formula in this cell (or clear the cell if not recorded)"
    if isinstance(value, str):
        return value, None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        if is_id:
            return None, "the ID as text: this cell holds a date, shown as its format says" + _ASK_TEXT
        midnight = isinstance(value, dt.datetime) and value.time() == dt.time(0)
        return (value.date().isoformat() if midnight else value.isoformat(sep=" ")), None
    if isinstance(value, int | float) and float(value).is_integer():
        if abs(value) >= _EXACT_LIMIT and isinstance(value, float):
            return None, ("a number with at most 15 digits, or the value as text: beyond 2^53 a spreadsheet keeps only "
                          "15-17 significant digits, so the digits read may not be the ones typed" + _ASK_TEXT)
        digits = str(int(value))
        if _ZEROS.fullmatch(number_format):
            return digits.zfill(len(number_format)), None
        if is_id and number_format not in _PLAIN_FORMATS:
            return None, f"the ID as text: this number cell is shown in the format {number_format!r}" + _ASK_TEXT
        return digits, None
    if is_id:
        return None, "the ID as text: this cell holds a fraction, shown rounded as its format says" + _ASK_TEXT
    return repr(value) if isinstance(value, float) else str(value), None
