"""OpenDocument spreadsheets (ODS): every sheet's cells with their types, the error cells and the hidden rows.

python-calamine reads an ODS's values but not which cells hold a formula
error, nor which rows are hidden, nor the text a number cell shows. An ODS
is a zip holding ``content.xml``, whose cells carry all three (OpenDocument
1.3, part 3, sections 9.1.3 ``table:table-row`` and 9.1.4
``table:table-cell``), so it is read here with the standard library's
streaming XML parser:

- ``office:value-type`` gives the cell's type and ``office:value``,
  ``office:date-value`` or ``office:boolean-value`` its value; ``text:p``
  is the text shown;
- an error cell is one LibreOffice marks ``calcext:value-type="error"``, or
  a formula cell showing an error code (``#DIV/0!``, ``Err:502``);
- a row is hidden when ``table:visibility`` is ``collapse`` or ``filter``;
- ``table:number-rows-repeated`` and ``table:number-columns-repeated``
  repeat a row or cell; trailing empty ones (LibreOffice writes a million)
  are never expanded.

The rows come out in the form of :func:`inspection_analysis.io.sheets.read_workbook`'s
XLSX reader: ``(value, kind, number_format)`` per cell, with ``kind`` ``"e"``
for an error, and for a number the text shown standing in for its format.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

__all__ = ["read_ods_sheets"]

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}
_ERROR_TEXT = re.compile(r"#(DIV/0!|VALUE!|N/A|REF!|NAME\?|NUM!|NULL!)|Err:\d{3}")
_HIDDEN = {"collapse", "filter"}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_TABLE, _ROW, _CELL, _COVERED = _q("table", "table"), _q("table", "table-row"), _q("table", "table-cell"), \
    _q("table", "covered-table-cell")
_P = _q("text", "p")


def read_ods_sheets(path: Path, max_columns: int) -> dict[str, tuple[list[list], list[int]]]:
    """Every sheet's rows of ``(value, kind, number_format)`` cells, and its hidden data rows (spreadsheet numbers).

    Parameters
    ----------
    path : pathlib.Path
        The ODS file (its size once unzipped is checked before this is called).
    max_columns : int
        The widest sheet accepted; a wider one raises ``ValueError`` naming its width.

    Returns
    -------
    dict of str to (list of list of tuple, list of int)
        By sheet name, in the workbook's order: the rows (row 1 first, with
        trailing empty rows and cells left out), and the hidden rows below
        row 1 that hold something.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> p = Path(tempfile.mkdtemp()) / "a.ods"
    >>> body = ('<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">'
    ...         '<text:p>case_id</text:p></table:table-cell></table:table-row>'
    ...         '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="float" '
    ...         'office:value="7"><text:p>007</text:p></table:table-cell></table:table-row></table:table>')
    >>> with zipfile.ZipFile(p, "w") as z:
    ...     z.writestr("content.xml", '<office:document-content ' + " ".join(
    ...         f'xmlns:{k}="{v}"' for k, v in _NS.items()) + f'><office:body><office:spreadsheet>{body}'
    ...         '</office:spreadsheet></office:body></office:document-content>')
    >>> read_ods_sheets(p, 1000)
    {'S': ([[('case_id', 's', 'General')], [(7.0, 'n', '000')]], [2])}
    """
    sheets: dict[str, tuple[list[list], list[int]]] = {}
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        name, rows, hidden, pending_rows = None, [], [], 0
        row, pending_cells, row_repeat, row_hidden = [], 0, 1, False
        for event, el in iterparse(content, events=("start", "end")):
            if event == "start":
                if el.tag == _TABLE:
                    name, rows, hidden, pending_rows = el.get(_q("table", "name")), [], [], 0
                elif el.tag == _ROW:
                    row, pending_cells = [], 0
                    row_repeat = int(el.get(_q("table", "number-rows-repeated"), "1"))
                    row_hidden = el.get(_q("table", "visibility"), "visible") in _HIDDEN
                continue
            if el.tag in (_CELL, _COVERED):
                cell = _cell(el)
                repeat = int(el.get(_q("table", "number-columns-repeated"), "1"))
                if cell[0] is None:
                    pending_cells += repeat  # expanded only if a cell with something follows
                else:
                    row += [(None, None, "General")] * pending_cells + [cell] * repeat
                    pending_cells = 0
                    if len(row) > max_columns:
                        raise ValueError(f"{len(row):,} columns")
                el.clear()
            elif el.tag == _ROW:
                if row:
                    rows += [[] for _ in range(pending_rows)]
                    pending_rows = 0
                    for _ in range(row_repeat):
                        rows.append(list(row))
                        if row_hidden and len(rows) > 1:
                            hidden.append(len(rows))
                else:
                    pending_rows += row_repeat  # expanded only if a row with something follows
                el.clear()
            elif el.tag == _TABLE:
                sheets[name] = (rows, hidden)
                el.clear()
    return sheets


def _cell(el) -> tuple:
    """One cell as ``(value, kind, number_format)``; ``(None, None, "General")`` when empty."""
    shown = "\n".join("".join(p.itertext()) for p in el.iter(_P))
    kind = el.get(_q("office", "value-type"))
    formula = el.get(_q("table", "formula"))
    if el.get(_q("calcext", "value-type")) == "error" or (formula is not None and _ERROR_TEXT.fullmatch(shown)):
        return shown, "e", "General"
    if kind in ("float", "percentage", "currency"):
        value = float(el.get(_q("office", "value")))
        if not value.is_integer() or shown in ("", str(int(value))):
            return value, "n", "General"
        # zero-padded digits are a format of zeros, as in XLSX; any other text shown stands for its format
        padded = shown.isdigit() and int(shown) == value
        return value, "n", "0" * len(shown) if padded else shown
    if kind == "date":
        return dt.datetime.fromisoformat(el.get(_q("office", "date-value"))), "d", "General"
    if kind == "boolean":
        return el.get(_q("office", "boolean-value")) == "true", "b", "General"
    if kind is None and not shown:
        return None, None, "General"
    return shown, "s", "General"
