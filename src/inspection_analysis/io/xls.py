"""Legacy Excel workbooks (XLS, BIFF8): every sheet's cells with their types and formats, and the hidden rows.

xlrd, opened with ``formatting_info=True``, gives each cell's type (an
error cell is ``XL_CELL_ERROR``, a date ``XL_CELL_DATE``), its number format
through the cell's XF record, and each row's ``hidden`` flag: the three
things python-calamine does not expose. The rows come out in the form of
:func:`inspection_analysis.io.sheets.read_workbook`'s XLSX reader:
``(value, kind, number_format)`` per cell, ``kind`` ``"e"`` for an error.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["read_xls_sheets"]


def read_xls_sheets(path: Path, max_columns: int) -> dict[str, tuple[list[list], list[int]]]:
    """Every sheet's rows of ``(value, kind, number_format)`` cells, and its hidden data rows (spreadsheet numbers).

    Parameters
    ----------
    path : pathlib.Path
        The XLS file.
    max_columns : int
        The widest sheet accepted; a wider one raises ``ValueError`` naming its width.

    Returns
    -------
    dict of str to (list of list of tuple, list of int)
        By sheet name, in the workbook's order: the rows (row 1 first), and
        the hidden rows below row 1.

    Examples
    --------
    >>> import tempfile, xlwt
    >>> p = Path(tempfile.mkdtemp()) / "a.xls"
    >>> book = xlwt.Workbook()
    >>> ws = book.add_sheet("S")
    >>> ws.write(0, 0, "case_id"); ws.write(1, 0, 7, xlwt.easyxf(num_format_str="000"))
    >>> ws.row(1).hidden = True
    >>> book.save(str(p))
    >>> read_xls_sheets(p, 1000)
    {'S': ([[('case_id', 's', 'General')], [(7.0, 'n', '000')]], [2])}
    """
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    kinds = {xlrd.XL_CELL_TEXT: "s", xlrd.XL_CELL_NUMBER: "n", xlrd.XL_CELL_DATE: "d", xlrd.XL_CELL_BOOLEAN: "b",
             xlrd.XL_CELL_ERROR: "e"}
    sheets = {}
    try:
        for sheet in book.sheets():
            if sheet.ncols > max_columns:
                raise ValueError(f"{sheet.ncols:,} columns")
            rows = []
            for r in range(sheet.nrows):
                row = []
                for cell in sheet.row(r):
                    kind = kinds.get(cell.ctype)
                    fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                    if kind is None:
                        value = None
                    elif kind == "e":
                        value = xlrd.error_text_from_code.get(cell.value, f"error {cell.value}")
                    elif kind == "d":
                        value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                    elif kind == "b":
                        value = bool(cell.value)
                    else:
                        value = cell.value
                    row.append((value, kind, fmt))
                rows.append(row)
            hidden = [r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden and 0 < r < sheet.nrows]
            sheets[sheet.name] = (rows, sorted(hidden))
    finally:
        book.release_resources()
    return sheets
