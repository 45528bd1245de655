"""Legacy XLS workbooks (io/xls.py): error cells, hidden rows, number formats and dates, as xlrd reads them.

Every workbook is written in the test with xlwt, which writes BIFF8 records directly: an error cell with
``Row.set_cell_error`` (the ERROR record Excel stores for a formula's error), a hidden row with
``Row.hidden``, a number format with ``easyxf(num_format_str=...)``. The expected values are the cells as
the sheet shows them.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
import xlwt

from inspection_analysis.errors import AuditDataError, AuditDataWarning
from inspection_analysis.io import load_cases

# the text is the one io/sheets.py gives for XLSX, written out here
EXPECTED = "a value, not an Excel error: correct the formula in this cell (or clear the cell if not recorded)"
HEADINGS = ["round_id", "case_id", "grade", "notes"]


def xls(path, rows, hidden=(), errors=(), formats=None):
    """Write ``rows`` (row 1 the headings) to sheet "Cases"; ``errors`` are (row, col, BIFF8 code) error cells."""
    book = xlwt.Workbook()
    ws = book.add_sheet("Cases")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            style = (formats or {}).get((r, c))
            ws.write(r, c, value, style) if style is not None else ws.write(r, c, value)
    for r, c, text in errors:
        ws.row(r).set_cell_error(c, text)
    for r in hidden:
        ws.row(r).hidden = True
    book.save(str(path))
    return path


def test_error_cells_are_reported_with_their_sheet_and_cell(tmp_path, error_cells):
    path = xls(tmp_path / "team.xls", [HEADINGS, ["mps-2017-q3", "A1", None, "ok"], ["mps-2017-q3", "A2", "good"]],
               errors=[(1, 2, 0x07), (2, 3, 0x2A)])  # BIFF8 error codes: 0x07 #DIV/0!, 0x2A #N/A
    assert error_cells(path) == [("Cases", 2, "grade", "C2", "#DIV/0!", EXPECTED),
                                 ("Cases", 3, "notes", "D3", "#N/A", EXPECTED)]


def test_hidden_rows_are_counted_with_a_notice(tmp_path):
    path = xls(tmp_path / "hidden.xls", [HEADINGS] + [["mps-2017-q3", f"A{i}", "good", ""] for i in range(4)],
               hidden=[2, 3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cases = load_cases(path)
    assert len(cases) == 4
    [w] = [w for w in caught if issubclass(w.category, AuditDataWarning)]
    assert "2 hidden row(s) read and counted" in str(w.message) and "row(s) 3, 4" in str(w.message)


def test_number_ids_are_read_as_shown_or_reported(tmp_path):
    padded = xlwt.easyxf(num_format_str="000000")
    path = xls(tmp_path / "ids.xls", [HEADINGS, ["mps-2017-q3", 12345, "good"], ["mps-2017-q3", 42, "good"]],
               formats={(2, 1): padded})
    assert load_cases(path)["case_id"].tolist() == ["12345", "000042"]
    money = xlwt.easyxf(num_format_str="#,##0.00")
    bad = xls(tmp_path / "bad.xls", [HEADINGS, ["mps-2017-q3", 1234, "good"]], formats={(1, 1): money})
    with pytest.raises(AuditDataError) as exc:
        load_cases(bad)
    [p] = exc.value.problems
    assert (p.row, p.cell) == (2, "B2") and "'#,##0.00'" in p.expected and "format the column as Text" in p.expected


def test_date_cells_become_iso_dates(tmp_path):
    date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    path = xls(tmp_path / "dates.xls", [HEADINGS[:3] + ["date_audited"],
                                        ["mps-2017-q3", "A1", "good", dt.datetime(2017, 7, 3)]], formats={(1, 3): date})
    assert str(load_cases(path)["date_audited"].iloc[0].date()) == "2017-07-03"
