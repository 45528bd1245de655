"""Delimited text files (CSV): the encoding, the delimiter, and cells holding quoted line breaks.

The file is parsed by pyarrow's documented CSV reader
(:func:`pyarrow.csv.read_csv`) with ``newlines_in_values=True``, so a line
break inside a quoted cell is part of the cell; a row longer than pyarrow's
blocks is read by parsing the file again as one block, so whether a file
reads never depends on where blocks fall. Every cell is read
as text, an empty cell as missing. A row with too many or too few cells is
refused, naming the row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Callable
from pathlib import Path

from inspection_analysis.errors import AuditDataWarning
from inspection_analysis.io.raw import MAX_COLUMNS, RawTable, repeated_heading_problems
from inspection_analysis.io.sniff import fail

__all__ = ["DELIMITERS", "read_delimited"]

#: The delimiters recognised, in order of preference when the header row holds as many of each.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
#: A file holding nothing but byte-order-mark bytes and then whitespace.
_BLANK = re.compile(rb"(\xef\xbb\xbf)?\s*")
_SAVE_AS = "text encoded as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)')"


def read_delimited(path: Path, categorical: Callable[[str], bool] | None) -> RawTable:
    """Read a CSV (comma, semicolon, tab or vertical-bar delimited) into text cells.

    ``categorical`` picks (by trimmed heading) the columns read as
    categoricals of their text. See :func:`inspection_analysis.io.read.read_table`.
    A UTF-8 file is parsed straight from the disk; a UTF-16 or Windows-1252
    one is re-encoded in memory first.
    """
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if _BLANK.fullmatch(head) and _BLANK.fullmatch(path.read_bytes()):
        raise fail(path.name, "a header row and at least one case row", "only blank lines")
    source: Path | bytes = path
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        source = _from_utf16(path.name, path.read_bytes())
        head = source[: 1 << 16]
    _check_no_nul(path.name, source)
    try:
        return _parse(path.name, source, head, categorical)
    except UnicodeDecodeError:
        raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        raise fail(path.name, _SAVE_AS, "text that pyarrow's reader could not read as UTF-8")
    except UnicodeDecodeError as exc:
        row = raw.count(b"\n", 0, exc.start) + 1
        byte = f"byte 0x{raw[exc.start]:02X} at row {row}"
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise fail(path.name, _SAVE_AS, f"undecodable {byte}") from None
    warnings.warn(f"{path.name}: not UTF-8 ({byte}); read as Windows-1252. Save it as 'CSV UTF-8' to remove this notice.",
                  AuditDataWarning, stacklevel=4)
    data = text.encode("utf-8")
    return _parse(path.name, data, data[: 1 << 16], categorical)


def _from_utf16(name: str, raw: bytes) -> bytes:
    try:
        return raw.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(name, _SAVE_AS, f"a file marked as UTF-16 (it starts with a UTF-16 byte-order mark) with "
                   f"bytes that are not UTF-16 at byte {exc.start}") from None


def _check_no_nul(name: str, source: Path | bytes) -> None:
    """Raise for a NUL byte anywhere in the file, naming its line (read 1 MiB at a time, never held whole)."""
    lines, chunks = 1, [source] if isinstance(source, bytes) else _chunks(source)
    for chunk in chunks:
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line = lines + chunk.count(b"\n", 0, nul)
            raise fail(name, "a CSV text file (a NUL byte is not text: the file is damaged, or is not a CSV)",
                       f"a NUL byte (0x00) on line {line}")
        lines += chunk.count(b"\n")


def _chunks(path: Path):
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            yield chunk


def _header(data: bytes) -> tuple[str, list[str]]:
    """The delimiter and the headings of the first row, as Python's csv module reads them (to pick column types).

    The delimiter is the one of :data:`DELIMITERS` that splits the header
    row into the most headings (a header row has no empty headings, so a
    stray delimiter inside a quoted heading does not count).
    """
    text = data[: 1 << 16].decode("utf-8", errors="replace").removeprefix("\ufeff")
    best = (",", [])
    for delimiter in DELIMITERS:
        row = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        if len(row) > len(best[1]):
            best = (delimiter, row)
    return best


def _parse(name: str, source: Path | bytes, head: bytes, categorical: Callable[[str], bool] | None) -> RawTable:
    """Parse UTF-8 ``source`` (``UnicodeDecodeError`` if it is not UTF-8), whose first bytes are ``head``.

    pyarrow parses in blocks of 1 MiB, on several threads; a row longer
    than a block makes it fail ("straddles two block boundaries"), and the
    file is then parsed again as one block, which no row can straddle.
    """
    delimiter, headings = _header(head)
    if len(headings) > MAX_COLUMNS:
        raise fail(name, f"at most {MAX_COLUMNS:,} columns (an audit file has tens)", f"{len(headings):,} columns")
    import pyarrow as pa

    text = pa.string()
    types = {h: pa.dictionary(pa.int32(), text) if categorical is not None and categorical(h.strip()) else text
             for h in headings}
    try:
        try:
            table = _read_csv(source, delimiter, types, None)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            size = len(source) if isinstance(source, bytes) else source.stat().st_size
            table = _read_csv(source, delimiter, types, size + 1)
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message or "UTF-8" in message:
            raise UnicodeDecodeError("utf-8", b"", 0, 0, message) from None
        what = _DELIMITER_NAMES[delimiter]
        raise fail(name, f"a well-formed CSV file ({what}-delimited, read from its header row: one header row, "
                   "the same number of cells in every row)", message.splitlines()[0]) from None
    headings = table.column_names  # pyarrow's reading of the header row (repeated headings stay apart here)
    found, keep = repeated_heading_problems(name, headings)
    table = table.select(keep).rename_columns([str(i) for i in range(len(keep))])
    frame = table.to_pandas().set_axis([headings[i].strip() for i in keep], axis=1)
    return RawTable(frame, found)


def _read_csv(source: Path | bytes, delimiter: str, types: dict, block_size: int | None):
    """:func:`pyarrow.csv.read_csv` with every cell text, only an empty cell missing, and quoted line breaks kept."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        str(source) if isinstance(source, Path) else pa.BufferReader(source),
        read_options=pacsv.ReadOptions(**({} if block_size is None else {"block_size": block_size})),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=True,
                                             quoted_strings_can_be_null=True),
    )
