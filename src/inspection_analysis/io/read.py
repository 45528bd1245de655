"""Read one tabular file (CSV, XLSX, XLS, ODS, Parquet) into a frame of text cells.

File-level problems (missing, empty, header-only, wrong type, encrypted,
too large when unzipped, too wide, undecodable bytes) raise
:class:`~inspection_analysis.errors.AuditDataError` at once. Every cell comes
back as text as written (only an empty cell is missing; "N/A" and "NA" stay
text), and nothing is converted here: trimming and normalisation happen in
validation, column by column. Problems in single cells (an Excel error cell,
a number that cannot be read exactly, a repeated heading) are returned with
the table, to be reported with validation's own. Trailing rows of empty
cells are removed and reported with an :class:`AuditDataWarning`; blank rows
between cases are kept so that validation reports them.

Each format is read by its library's documented reader:
:mod:`inspection_analysis.io.delimited` (pyarrow's CSV reader),
:mod:`inspection_analysis.io.sheets` (openpyxl, the ODS content.xml, xlrd) and
:func:`pandas.read_parquet`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis.errors import FIRST_DATA_ROW, AuditDataError, AuditDataWarning, Problem
from inspection_analysis.io.delimited import read_delimited
from inspection_analysis.io.raw import MAX_COLUMNS, RawTable, repeated_heading_problems
from inspection_analysis.io.sheets import read_workbook
from inspection_analysis.io.sniff import SUPPORTED_SUFFIXES, check_container, fail

__all__ = ["SUPPORTED_SUFFIXES", "read_file", "read_table"]


def read_file(path: str | Path, *, categorical: Callable[[str], bool] | None = None,
              exact: Callable[[str], bool] | None = None, sheet: str | None = None,
              has_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    """Read a CSV, XLSX, XLS, ODS or Parquet file into text cells, with the problems found in single cells.

    Parameters
    ----------
    path : str or path-like
        The file. A CSV may be UTF-8 (with or without a byte-order mark),
        UTF-16 with a byte-order mark, or Windows-1252 (read with an
        :class:`AuditDataWarning`), delimited by commas, semicolons, tabs or
        vertical bars (the one that splits its header row into the most
        headings).
    categorical : callable, optional
        Given a trimmed heading, true when that CSV or Parquet column is best
        read as a categorical of its text (few distinct values, such as
        grades).
    exact : callable, optional
        Given a trimmed heading, true for an identifier column, which must be
        read exactly as the spreadsheet shows it: a workbook's date or
        formatted number cell there, or a Parquet column of floating-point
        numbers, is a problem asking for text.
    sheet : str, optional
        The workbook sheet to read (see :func:`inspection_analysis.io.sheets.read_workbook`).
    has_header : callable, optional
        Given a sheet's row-1 headings, true for the headings of a case file.

    Returns
    -------
    RawTable
        ``frame``: one row per data row (0-based index: spreadsheet row =
        index + 2), columns headed as in the file (trimmed), cells as text
        (categoricals of text where ``categorical`` says so, or where a
        Parquet column is stored as a dictionary), empty cells missing,
        trailing rows of empty cells removed; ``problems`` found in single
        cells; for a workbook, the sheet and each heading's column letter.

    Raises
    ------
    AuditDataError
        If the file is missing, empty, header-only, of an unsupported or
        mislabelled type, encrypted, damaged, a ZIP container that would
        expand too far, wider than ``MAX_COLUMNS`` columns, or not decodable
        as text.

    Warns
    -----
    AuditDataWarning
        When trailing blank rows were ignored (naming the rows), a CSV was
        read as Windows-1252, or a workbook sheet has hidden rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.csv"
    >>> _ = p.write_text("case_id; grade\\n1;N/A\\n")
    >>> read_file(p).frame.to_dict("records")
    [{'case_id': '1', 'grade': 'N/A'}]
    """
    path = Path(path)
    if not path.is_file():
        raise fail(path.name, "an existing file", str(path))
    with path.open("rb") as fh:
        check_container(path, fh.read(8))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = read_delimited(path, categorical)
    elif suffix == ".parquet":
        table = _read_parquet(path, exact or (lambda heading: False))
    else:
        table = read_workbook(path, sheet=sheet, exact=exact, has_header=has_header)
    if table.frame.shape[1] == 0:
        raise fail(path.name, "a header row naming the columns", "no columns")
    _unheaded(path.name, table)
    table.frame = _without_trailing_blank_rows(path.name, table.frame)
    return table


def read_table(path: str | Path, *, categorical: Callable[[str], bool] | None = None) -> pd.DataFrame:
    """The frame of :func:`read_file`, raising :class:`AuditDataError` for any problem in a single cell too.

    For small tables such as the rounds registry and the published figures.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.csv"
    >>> _ = p.write_text("case_id, grade\\n1,N/A\\n")
    >>> read_table(p).to_dict("records")
    [{'case_id': '1', 'grade': 'N/A'}]
    """
    table = read_file(path, categorical=categorical)
    if table.problems:
        raise AuditDataError(table.problems)
    return table.frame


def _unheaded(file: str, table: RawTable) -> None:
    """Drop empty columns without a heading; a column without a heading that holds something is a problem."""
    frame = table.frame
    for position, heading in enumerate(list(frame.columns)):
        if heading != "":
            continue
        filled = np.flatnonzero(frame.iloc[:, position].notna().to_numpy())
        if filled.size:
            row = int(filled[0]) + FIRST_DATA_ROW
            table.problems.append(Problem(file, 1, None, "", f"a heading for every column that holds data (column "
                                          f"{position + 1} has none, yet holds a value in row {row})"))
    table.frame = frame.loc[:, frame.columns != ""]


def _without_trailing_blank_rows(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    n_trailing = 0
    if len(frame) and frame.iloc[-1].isna().all():  # only then look for the first trailing blank row
        blank = frame.isna().all(axis=1).to_numpy()
        n_trailing = len(blank) - (np.flatnonzero(~blank)[-1] + 1) if (~blank).any() else len(blank)
    if n_trailing == len(frame):
        raise fail(name, "at least one case row under the header", "a header row only")
    if n_trailing:
        first = len(frame) - n_trailing + FIRST_DATA_ROW
        warnings.warn(f"{name}: ignored {n_trailing} trailing blank row(s), rows {first} to {first + n_trailing - 1}",
                      AuditDataWarning, stacklevel=4)
        frame = frame.iloc[: len(frame) - n_trailing]
    return frame


def _read_parquet(path: Path, exact: Callable[[str], bool]) -> RawTable:
    """A Parquet file by :func:`pandas.read_parquet`, every column as text (see :func:`_as_text`)."""
    import pyarrow.parquet as pq

    try:
        width = len(pq.read_schema(path).names)
        if width > MAX_COLUMNS:
            raise fail(path.name, f"at most {MAX_COLUMNS:,} columns (an audit file has tens)", f"{width:,} columns")
        frame = pd.read_parquet(path)
    except AuditDataError:
        raise
    except Exception as exc:  # the reader raises many types for a damaged file
        raise fail(path.name, "a readable .parquet file", f"{type(exc).__name__}: {exc}") from None
    if any(level is not None for level in frame.index.names):  # a named index (a file written by pandas) is data
        frame = frame.reset_index()
    found, keep = repeated_heading_problems(path.name, [str(c) for c in frame.columns])
    frame = frame.iloc[:, keep]
    out = {}
    for col in frame.columns:
        heading = str(col).strip()
        out[heading] = _as_text(frame[col])
        if exact(heading) and pd.api.types.is_float_dtype(frame[col].dtype):
            found.append(Problem(path.name, None, heading, f"a column of {frame[col].dtype} numbers",
                                 "identifiers stored as text (a string column): floating-point numbers cannot hold "
                                 "every ID exactly (123 is stored as 123.0, and digits beyond 2^53 are lost)"))
    return RawTable(pd.DataFrame(out, index=pd.RangeIndex(len(frame))), found)


def _as_text(s: pd.Series):
    """A typed Parquet column as text; text and categoricals of text stay as they are."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        if pd.api.types.is_string_dtype(s.cat.categories.dtype):
            return s.reset_index(drop=True)
        return s.astype(str).where(s.notna()).reset_index(drop=True)
    if pd.api.types.is_string_dtype(s.dtype):
        return s.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(s.dtype):  # two values: each converted once, as a categorical's categories
        return s.astype("category").cat.rename_categories(str).reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        midnight = (s.dropna() == s.dropna().dt.normalize()).all()
        text = s.dt.strftime("%Y-%m-%d") if midnight else s.astype(str)
        return text.where(s.notna()).reset_index(drop=True)
    return s.astype(str).where(s.notna()).reset_index(drop=True)
