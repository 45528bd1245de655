"""ODS workbooks (io/ods.py): error cells, hidden rows, number cells shown as text, repeated cells and rows.

Every workbook is written by hand in the test as the zip of a ``content.xml`` in the OpenDocument 1.3
form LibreOffice Calc saves (part 3, sections 9.1.3 and 9.1.4), so each attribute under test is visible
here. The expected values are the cells as the sheet shows them.
"""

from __future__ import annotations

import warnings
import zipfile

import pytest

from inspection_analysis.errors import AuditDataError, AuditDataWarning
from inspection_analysis.io import load_cases

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def number(value, shown: str) -> str:
    return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{shown}</text:p></table:table-cell>'


def row(*cells: str, attributes: str = "") -> str:
    return f"<table:table-row {attributes}>{''.join(cells)}</table:table-row>"


EXPECTED = "a value, not an Excel error: correct the formula in this cell (or clear the cell if not recorded)"
HEADER = row(text("round_id"), text("case_id"), text("grade"), text("notes"))


def ods(path, *rows: str, sheet: str = "Cases"):
    body = f'<table:table table:name="{sheet}">{"".join(rows)}</table:table>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
                                        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
                                        "</office:document-content>")
    return path


def case(case_id: str = "A1", grade: str = "good", notes: str = "ok", **kw) -> str:
    return row(text("mps-2017-q3"), text(case_id), text(grade), text(notes), **kw)


def test_error_cells_are_reported_with_their_sheet_and_cell(tmp_path, error_cells):
    error = ('<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
             'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    formula = '<table:table-cell table:formula="of:=VLOOKUP(1;A1:A2;3)"><text:p>#N/A</text:p></table:table-cell>'
    path = ods(tmp_path / "team.ods", HEADER, row(text("mps-2017-q3"), text("A1"), error, text("ok")),
               row(text("mps-2017-q3"), text("A2"), text("good"), formula))
    assert error_cells(path) == [("Cases", 2, "grade", "C2", "#DIV/0!", EXPECTED),
                                 ("Cases", 3, "notes", "D3", "#N/A", EXPECTED)]


def test_a_text_cell_that_looks_like_an_error_is_text(tmp_path):
    # no formula: someone typed "#N/A" as a note; it is read as typed
    path = ods(tmp_path / "team.ods", HEADER, case(notes="#N/A"))
    assert load_cases(path)["notes"].tolist() == ["#N/A"]


def test_hidden_rows_are_counted_with_a_notice(tmp_path):
    path = ods(tmp_path / "hidden.ods", HEADER, case("A1"), case("A2", attributes='table:visibility="collapse"'),
               case("A3", attributes='table:visibility="filter"'), case("A4"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cases = load_cases(path)
    assert cases["case_id"].tolist() == ["A1", "A2", "A3", "A4"]
    [w] = [w for w in caught if issubclass(w.category, AuditDataWarning)]
    assert "hidden.ods, sheet 'Cases': 2 hidden row(s) read and counted" in str(w.message)
    assert "row(s) 3, 4" in str(w.message)


def test_number_ids_are_read_as_shown_or_reported(tmp_path):
    # 42 shown as 000042 (a zero-padded format); 1.23456789012346E+22 shown in scientific form cannot be exact
    path = ods(tmp_path / "ids.ods", HEADER,
               row(text("mps-2017-q3"), number(12345, "12345"), text("good")),
               row(text("mps-2017-q3"), number(42, "000042"), text("good")))
    assert load_cases(path)["case_id"].tolist() == ["12345", "000042"]
    bad = ods(tmp_path / "bad.ods", HEADER, row(text("mps-2017-q3"), number(1.5e15, "1.5E+15"), text("good")))
    with pytest.raises(AuditDataError) as exc:
        load_cases(bad)
    [p] = exc.value.problems
    assert (p.row, p.cell) == (2, "B2") and "format the column as Text" in p.expected


def test_date_cells_become_iso_dates(tmp_path):
    header = row(text("round_id"), text("case_id"), text("grade"), text("date_audited"))
    date = '<table:table-cell office:value-type="date" office:date-value="2017-07-03"><text:p>03/07/17</text:p></table:table-cell>'
    path = ods(tmp_path / "dates.ods", header, row(text("mps-2017-q3"), text("A1"), text("good"), date))
    assert str(load_cases(path)["date_audited"].iloc[0].date()) == "2017-07-03"


def test_repeated_cells_and_rows_as_calc_saves_them(tmp_path):
    # a repeated grade, a blank row kept between cases (reported), and the million trailing empty rows and
    # thousands of trailing empty cells LibreOffice writes, never expanded
    empty_tail = '<table:table-cell table:number-columns-repeated="16380"/>'
    two = row(text("mps-2017-q3"), text("A1"), '<table:table-cell office:value-type="string" '
              'table:number-columns-repeated="2"><text:p>good</text:p></table:table-cell>', empty_tail)
    blank = row('<table:table-cell table:number-columns-repeated="16384"/>', attributes='table:number-rows-repeated="2"')
    tail = row('<table:table-cell table:number-columns-repeated="16384"/>',
               attributes='table:number-rows-repeated="1048570"')
    path = ods(tmp_path / "calc.ods", HEADER, two, blank, case("A2"), tail)
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    # rows 3-4 blank (one problem for the run), A2 on row 5: the repeats were counted where they stand
    assert [(p.file, p.row, p.last_row, p.value) for p in exc.value.problems] == [("calc.ods", 3, 4, "(blank row)")]
