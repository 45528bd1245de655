"""Read one tabular file (CSV, XLSX, XLS, ODS, Parquet) into a frame of trimmed strings.

File-level problems (missing, empty, header-only, wrong type, undecodable
bytes) raise :class:`~inspection_analysis.errors.AuditDataError` at once.
Every cell comes back as a string exactly as written (only an empty cell is a
missing value; "N/A" and "NA" stay text), and nothing is converted here:
trimming and normalisation happen in validation, column by column. Trailing
rows of empty cells are removed and reported with an
:class:`AuditDataWarning`; blank rows between cases are kept so that
validation reports them.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis.errors import FIRST_DATA_ROW, AuditDataError, AuditDataWarning, Problem

__all__ = ["SUPPORTED_SUFFIXES", "read_table"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xls", ".ods", ".parquet")

_MAGIC = {  # what the first bytes say a file really is
    b"PK\x03\x04": "a ZIP container (an XLSX, ODS or DOCX document)",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "a legacy Office document (XLS or DOC)",
    b"PAR1": "a Parquet file",
    b"\xff\xd8\xff": "a JPEG image",
}
_EXPECTED_MAGIC = {".xlsx": b"PK\x03\x04", ".ods": b"PK\x03\x04", ".xls": b"\xd0\xcf\x11\xe0", ".parquet": b"PAR1"}


def _fail(name: str, expected: str, value: str | None = None, row: int | None = None) -> AuditDataError:
    return AuditDataError([Problem(name, row, None, value, expected)])


def _sniff(path: Path, head: bytes) -> None:
    name, suffix = path.name, path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _fail(name, "a CSV, XLSX, XLS, ODS or Parquet file", f"file type {suffix or '(none)'!r}")
    if not head:
        raise _fail(name, "a header row and at least one case row", "an empty file (0 bytes)")
    found = next((what for magic, what in _MAGIC.items() if head.startswith(magic)), None)
    if suffix == ".csv":
        if found is not None or b"\x00" in head[:4096]:
            raise _fail(name, "a CSV text file", f"{found or 'binary content'} named .csv")
    elif not head.startswith(_EXPECTED_MAGIC[suffix]):
        raise _fail(name, f"a real {suffix} file", f"{found or 'other content'} named {suffix}")


def _decode_csv(path: Path, raw: bytes) -> bytes:
    """Return UTF-8 bytes for ``raw`` (known not to be UTF-8), re-encoded from Windows-1252 with a warning."""
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError as exc:
        row = raw.count(b"\n", 0, exc.start) + 1
        byte = f"byte 0x{raw[exc.start]:02X} at row {row}"
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise _fail(path.name, "text encoded as UTF-8 (save the file as 'CSV UTF-8')", f"undecodable {byte}") from None
    warnings.warn(
        f"{path.name}: not UTF-8 ({byte}); read as Windows-1252. Save it as 'CSV UTF-8' to remove this notice.",
        AuditDataWarning,
        stacklevel=4,
    )
    return text.encode("utf-8")


def _read_csv(path: Path, categorical) -> pd.DataFrame:
    """A CSV read by pyarrow straight from the file (no copy of it in Python); re-read as Windows-1252 if not UTF-8."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    _sniff(path, head[:8])
    if _BLANK_CSV.fullmatch(head) and _BLANK_CSV.fullmatch(path.read_bytes()):
        raise _fail(path.name, "a header row and at least one case row", "only blank lines")
    try:
        return _parse_csv(path, _header(head), categorical)
    except ValueError as exc:  # pyarrow.ArrowInvalid is a ValueError
        if "UTF8" not in str(exc) and "UTF-8" not in str(exc):
            raise _fail(path.name, "a well-formed CSV file (one header row, the same number of cells in every row)",
                        str(exc).splitlines()[0]) from None
    data = _decode_csv(path, path.read_bytes())
    return _parse_csv(data, _header(data[: 1 << 16]), categorical)


#: A file holding nothing but byte-order-mark bytes and then whitespace.
_BLANK_CSV = re.compile(rb"[\xef\xbb\xbf]*\s*")


def _header(head: bytes) -> list[str]:
    """The headings of a CSV's first row, as Python's csv module reads them from the file's first bytes."""
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return next(csv.reader(io.StringIO(text)), [])


def _dedup(names: list[str]) -> list[str]:
    """Repeated headings made unique as pandas does: ``x``, ``x.1``, ``x.2``."""
    counts: dict[str, int] = {}
    out = []
    for name in names:
        count = counts.get(name, 0)
        while count > 0:
            counts[name] = count + 1
            name = f"{name}.{count}"
            count = counts.get(name, 0)
        out.append(name)
        counts[name] = count + 1
    return out


def _parse_csv(source: Path | bytes, headings: list[str], categorical) -> pd.DataFrame:
    """Every cell as text, only empty cells missing; columns picked by ``categorical`` dictionary-encoded.

    pyarrow's reader is called directly, with the options pandas'
    ``read_csv(engine="pyarrow", dtype=str, keep_default_na=False,
    na_values=[""], skip_blank_lines=False)`` passes to it (and pandas'
    renaming of repeated headings), so that low-cardinality columns come
    back as categoricals built while parsing rather than hashed afterwards.
    """
    # the table is passed on, never held here, so that it is freed while being converted
    return _to_pandas(_csv_table(source, headings, categorical))


def _csv_table(source: Path | bytes, headings: list[str], categorical):
    """The CSV as a pyarrow table, headings made unique (see :func:`_parse_csv`)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    dictionary = pa.dictionary(pa.int32(), pa.string())
    types = {h: dictionary for h in headings if categorical is not None and categorical(h.strip())}
    try:
        table = pacsv.read_csv(
            str(source) if isinstance(source, Path) else pa.BufferReader(source),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types, default_column_type=pa.large_string(),
                                                 null_values=[""], strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            raise ValueError("No columns to parse from file") from None
        raise
    names = _dedup(table.column_names)
    return table.rename_columns(names) if names != table.column_names else table


def _to_pandas(table) -> pd.DataFrame:
    """A pyarrow table as a frame, freeing each column as it is converted.

    Dictionary-encoded text columns become categoricals here (see
    :func:`_categorical`), one at a time, each dropped from the table once
    converted; pyarrow converts the rest. The caller must not keep a
    reference to ``table``, or nothing can be freed. Memory that Arrow's
    allocator holds but no longer uses (the reader's buffers, then the
    converted columns) is returned to the system before and after
    converting: otherwise it stays resident, about as much again as the
    table.
    """
    import pyarrow as pa

    pool = pa.default_memory_pool()
    pool.release_unused()
    names = table.column_names
    unique = len(set(names)) == len(names)  # with repeated names, pyarrow converts every column
    coded = {}
    for name in names if unique else ():
        if _is_text_dictionary(table.schema.field(name).type):
            coded[name] = _categorical(table.column(name))
            table = table.drop_columns([name])  # its int32 indices are freed here, not at the end
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    pool.release_unused()
    if any(level is not None for level in frame.index.names):  # a named index (a file written by pandas) is data
        frame = frame.reset_index()
    if not coded:
        return frame
    # one frame built from the arrays (setting columns one by one would copy each categorical); an unnamed
    # index written by pandas (``__index_level_0__``) stays the index, as the bare reader leaves it
    return pd.DataFrame({name: coded[name] if name in coded else frame[name] for name in names
                         if name in coded or name in frame.columns}, copy=False)


def _is_text_dictionary(arrow_type) -> bool:
    import pyarrow as pa

    return pa.types.is_dictionary(arrow_type) and (pa.types.is_string(arrow_type.value_type)
                                                   or pa.types.is_large_string(arrow_type.value_type))


def _categorical(column) -> pd.Categorical:
    """A dictionary-encoded Arrow text column as a categorical with the smallest codes (``int8`` for < 127 values).

    Each chunk (a Parquet row group, a CSV block) has a dictionary of its
    own; rather than unifying them in Arrow, every chunk's indices are
    mapped through a small table onto the union of the dictionaries, written
    straight into one array of codes. Compared with pyarrow's ``to_pandas``
    this saves the ``int32`` codes (four times the memory of ``int8``).
    """
    import pyarrow as pa

    position: dict[str, int] = {}
    tables = []
    for chunk in column.chunks:  # a missing cell: index len(dictionary), the table's last entry, -1
        values = chunk.dictionary.to_pylist()
        tables.append([-1 if v is None else position.setdefault(v, len(position)) for v in values] + [-1])
    codes = np.empty(len(column), dtype=np.int8 if len(position) < 127 else np.int32)
    start = 0
    for chunk, table in zip(column.chunks, tables):
        indices = chunk.indices
        out = codes[start : start + len(chunk)]
        if not chunk.null_count and table[:-1] == list(range(len(table) - 1)):
            out[...] = indices.to_numpy()  # the chunk's dictionary is the union's start, in order: codes as they are
        else:
            if chunk.null_count:
                indices = indices.fill_null(pa.scalar(len(table) - 1, indices.type))
            np.take(np.array(table, dtype=codes.dtype), indices.to_numpy(), out=out)
        start += len(chunk)
    dtype = pd.CategoricalDtype(pd.Index(list(position), dtype="str"), ordered=column.type.ordered)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def _read_other(path: Path, categorical) -> pd.DataFrame:
    with path.open("rb") as fh:
        head = fh.read(8)
    _sniff(path, head)
    try:
        if path.suffix.lower() == ".parquet":
            return _parquet_as_text(_read_parquet(path, categorical))
        return pd.read_excel(path, engine="calamine", dtype=str, header=0, keep_default_na=False, na_values=[""])
    except Exception as exc:  # the readers raise many types for a damaged file
        raise _fail(path.name, f"a readable {path.suffix.lower()} file", f"{type(exc).__name__}: {exc}") from None


def _read_parquet(path: Path, categorical) -> pd.DataFrame:
    """A Parquet file; its text columns picked by ``categorical`` read as dictionaries (categoricals)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    picked = [name for name in text if categorical is not None and categorical(str(name).strip())]
    return _to_pandas(pq.read_table(path, read_dictionary=picked or None, use_pandas_metadata=True))


def _parquet_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed Parquet columns as text; dictionary (categorical) columns stay categorical with text categories."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            if pd.api.types.is_string_dtype(s.cat.categories.dtype):
                out[col] = s
                continue
            text = s.cat.categories.astype(str)
            out[col] = s.cat.rename_categories(text) if text.is_unique else s.astype(str).where(s.notna())
        elif pd.api.types.is_string_dtype(s.dtype):
            out[col] = s
        else:
            out[col] = _typed_as_text(s)
    return pd.DataFrame(out, index=frame.index, copy=False)


def _typed_as_text(s: pd.Series):
    """A typed column's values as text: a categorical of their texts when they are few (each converted once)."""
    if s.dtype == bool:  # no hashing needed: False and True are codes 0 and 1
        return pd.Categorical.from_codes(s.to_numpy().view(np.int8), categories=["False", "True"], validate=False)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    text = pd.Index(uniques).astype(str)
    if len(uniques) <= max(1000, len(s) // 10) and text.is_unique:
        return pd.Categorical.from_codes(codes, categories=text, validate=False)
    return s.astype(str).where(s.notna())


def read_table(path: str | Path, *, categorical: Callable[[str], bool] | None = None) -> pd.DataFrame:
    """Read a CSV, XLSX, XLS, ODS or Parquet file into trimmed strings.

    Parameters
    ----------
    path : str or path-like
        The file. CSV is read with pyarrow's reader; a UTF-8 byte-order
        mark is removed; a Windows-1252 file is read with an
        :class:`AuditDataWarning`. Spreadsheets are read from their first
        sheet with python-calamine.
    categorical : callable, optional
        Given a (trimmed) heading, true when that column should be read
        dictionary-encoded, as a categorical of its text values: cheap for
        columns with few distinct values such as grades. Applies to CSV and
        to Parquet text columns; by default every column is plain text.

    Returns
    -------
    pandas.DataFrame
        One row per data row (the index is 0-based: spreadsheet row =
        index + 2), columns headed as in the file (whitespace trimmed), cells
        as strings as written (categoricals of strings where ``categorical``
        says so, or where a Parquet column is stored as a dictionary), empty
        cells missing. Trailing rows of empty cells removed.

    Raises
    ------
    AuditDataError
        If the file is missing, empty, header-only, of an unsupported or
        mislabelled type, damaged, or not decodable as text.

    Warns
    -----
    AuditDataWarning
        When trailing blank rows were ignored (naming the rows) or a CSV was
        read as Windows-1252.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.csv"
    >>> _ = p.write_text("case_id, grade\\n1,N/A\\n")
    >>> read_table(p).to_dict("records")
    [{'case_id': '1', 'grade': 'N/A'}]
    """
    path = Path(path)
    if not path.is_file():
        raise _fail(path.name, "an existing file", str(path))
    frame = _read_csv(path, categorical) if path.suffix.lower() == ".csv" else _read_other(path, categorical)
    if frame.shape[1] == 0:
        raise _fail(path.name, "a header row naming the columns", "no columns")
    frame.columns = [str(c).strip() for c in frame.columns]
    n_trailing = 0
    if len(frame) and frame.iloc[-1].isna().all():  # only then look for the first trailing blank row
        blank = frame.isna().all(axis=1).to_numpy()
        n_trailing = len(blank) - (np.flatnonzero(~blank)[-1] + 1) if (~blank).any() else len(blank)
    if n_trailing:
        first = len(frame) - n_trailing + FIRST_DATA_ROW
        if n_trailing == len(frame):
            raise _fail(path.name, "at least one case row under the header", "a header row only")
        warnings.warn(f"{path.name}: ignored {n_trailing} trailing blank row(s), rows {first} to {first + n_trailing - 1}",
                      AuditDataWarning, stacklevel=3)
        frame = frame.iloc[: len(frame) - n_trailing]
    if len(frame) == 0:
        raise _fail(path.name, "at least one case row under the header", "a header row only")
    return frame
