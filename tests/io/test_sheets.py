"""Workbooks: the sheet read, error cells, IDs from number and date cells, dates, hidden rows, and unsafe containers.

Every workbook is made by hand in the test with openpyxl (XLSX) or pandas' odf
writer (ODS).
"""

import datetime as dt
import struct
import warnings
import zipfile

import openpyxl
import pandas as pd
import pytest

from inspection_analysis.errors import AuditDataError, AuditDataWarning
from inspection_analysis.io import load_cases, load_mapping
from inspection_analysis.io.sniff import MAX_UNZIPPED_BYTES

HEADINGS = ["round_id", "case_id", "grade"]


def workbook(path, sheets):
    """Write ``{sheet name: rows}`` as an XLSX; return the workbook's sheets, already saved, for tweaks."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def problems(path, **kwargs):
    with pytest.raises(AuditDataError) as exc:
        load_cases(path, **kwargs)
    return exc.value.problems


def test_several_sheets_are_refused_with_their_row_counts(tmp_path):
    path = workbook(tmp_path / "team.xlsx", {
        "Q2": [HEADINGS, ["mps-2017-q3", "A1", "good"]],
        "Q3": [HEADINGS, ["mps-2017-q3", "B1", "good"], ["mps-2017-q3", "B2", "inadequate"]],
    })
    [p] = problems(path)
    assert (p.file, p.row) == ("team.xlsx", None)
    assert p.value == "2 sheets holding data: 'Q2' (2 rows), 'Q3' (3 rows)"
    assert "the sheets with the case headings in row 1: 'Q2', 'Q3'" in p.expected
    assert 'sheet = "NAME"' in p.expected


def test_a_notes_sheet_first_is_refused_naming_the_sheet_with_the_headings(tmp_path):
    path = workbook(tmp_path / "team.xlsx", {
        "Read me": [["Audit of case files, quarter 3"], ["Prepared by the audit team"]],
        "Cases": [HEADINGS, ["mps-2017-q3", "A1", "good"]],
    })
    [p] = problems(path)
    assert p.value == "2 sheets holding data: 'Read me' (2 rows), 'Cases' (2 rows)"
    assert p.expected.endswith("the sheets with the case headings in row 1: 'Cases'")


def test_the_sheet_named_by_the_mapping_is_read(tmp_path):
    path = workbook(tmp_path / "team.xlsx", {
        "Read me": [["Audit of case files, quarter 3"]],
        "Cases": [["Case Ref", "Round", "Grade"], ["T1", "mps-2017-q4", "RI"], ["T2", "mps-2017-q4", "Good"]],
    })
    mapping = tmp_path / "map.toml"
    # the shipped example mapping with a sheet line on top: the existing format stays valid beside the new key
    example = open(load_mapping().source, encoding="utf-8").read()
    mapping.write_text('sheet = "Cases"\n\n' + example, encoding="utf-8")
    cases = load_cases(path, mapping=load_mapping(mapping))
    assert cases["grade"].tolist() == ["requires improvement", "good"]


def test_a_sheet_the_mapping_names_but_the_workbook_lacks(tmp_path):
    path = workbook(tmp_path / "team.xlsx", {"Cases": [HEADINGS, ["mps-2017-q3", "A1", "good"]]})
    mapping = tmp_path / "map.toml"
    mapping.write_text('sheet = "Quarter 3"\n', encoding="utf-8")
    [p] = problems(path, mapping=load_mapping(mapping))
    assert (p.value, p.expected) == ("the sheets 'Cases' (2 rows)", "a sheet named 'Quarter 3', as the column mapping says")


def test_an_ods_with_several_sheets_is_refused_too(tmp_path):
    path = tmp_path / "team.ods"
    with pd.ExcelWriter(str(path), engine="odf") as writer:
        pd.DataFrame([["mps-2018", "O1", "good"]], columns=HEADINGS).to_excel(writer, sheet_name="A", index=False)
        pd.DataFrame([["mps-2018", "O2", "good"]], columns=HEADINGS).to_excel(writer, sheet_name="B", index=False)
    [p] = problems(path)
    assert p.value == "2 sheets holding data: 'A' (2 rows), 'B' (2 rows)"


def test_excel_error_cells_are_reported_with_their_cell(tmp_path):
    path = workbook(tmp_path / "team.xlsx", {"Cases": [HEADINGS + ["notes"], ["mps-2017-q3", "A1", "good", "ok"],
                                                       ["mps-2017-q3", "A2", "good", "ok"]]})
    book = openpyxl.load_workbook(path)
    for cell, error in (("C2", "#DIV/0!"), ("D3", "#N/A")):
        book["Cases"][cell].value = error
        book["Cases"][cell].data_type = "e"  # an error cell, as Excel stores a formula's error
    book.save(path)
    found = problems(path)
    assert [(p.sheet, p.row, p.column, p.cell, p.value) for p in found] == [
        ("Cases", 2, "grade", "C2", "#DIV/0!"), ("Cases", 3, "notes", "D3", "#N/A")]
    assert found[0].expected.startswith("a value, not an Excel error")
    assert str(found[0]).startswith("team.xlsx, sheet 'Cases', row 2, column 'grade' (cell C2): got '#DIV/0!'")


def test_ids_are_read_as_the_text_the_sheet_shows(tmp_path):
    path = workbook(tmp_path / "ids.xlsx", {"Cases": [HEADINGS, ["mps-2017-q3", 12345, "good"],
                                                      ["mps-2017-q3", 42, "good"], ["mps-2017-q3", "X-7", "good"]]})
    book = openpyxl.load_workbook(path)
    book["Cases"]["B3"].number_format = "000000"  # shown as 000042
    book.save(path)
    assert load_cases(path)["case_id"].tolist() == ["12345", "000042", "X-7"]


def test_ids_that_cannot_be_read_exactly_are_reported(tmp_path):
    # 12345678901234567890123 is beyond 2^53: a sheet keeps 1.2345678901234568e22, not the digits typed
    path = workbook(tmp_path / "ids.xlsx", {"Cases": [
        HEADINGS, ["mps-2017-q3", 12345678901234567890123, "good"], ["mps-2017-q3", dt.datetime(2020, 1, 2), "good"],
        ["mps-2017-q3", 12.5, "good"]]})
    found = problems(path)
    assert [(p.row, p.cell) for p in found] == [(2, "B2"), (3, "B3"), (4, "B4")]
    assert "beyond 2^53" in found[0].expected and "format the column as Text" in found[0].expected
    assert "holds a date" in found[1].expected and found[1].value == "2020-01-02 00:00:00"
    assert "fraction" in found[2].expected


def test_date_cells_are_accepted_and_other_dates_reported(tmp_path):
    path = workbook(tmp_path / "dates.xlsx", {"Cases": [
        HEADINGS + ["date_audited"], ["mps-2017-q3", "A1", "good", dt.datetime(2017, 7, 3)],
        ["mps-2017-q3", "A2", "good", "2017-07-04"], ["mps-2017-q3", "A3", "good", 2026],
        ["mps-2017-q3", "A4", "good", "2026-02"], ["mps-2017-q3", "A5", "good", "20260305"]]})
    found = problems(path)
    assert [(p.row, p.value, p.cell) for p in found] == [(4, "2026", "D4"), (5, "2026-02", "D5"), (6, "20260305", "D6")]
    assert all("an ISO date YYYY-MM-DD" in p.expected for p in found)


def test_hidden_rows_are_counted_with_a_notice(tmp_path):
    path = workbook(tmp_path / "hidden.xlsx", {"Cases": [HEADINGS] + [["mps-2017-q3", f"A{i}", "good"] for i in range(5)]})
    book = openpyxl.load_workbook(path)
    for row in (3, 5):
        book["Cases"].row_dimensions[row].hidden = True
    book.save(path)
    with pytest.warns(AuditDataWarning, match=r"hidden.xlsx, sheet 'Cases': 2 hidden row\(s\) read and counted .*row\(s\) 3, 5"):
        cases = load_cases(path)
    assert len(cases) == 5


def test_a_visible_workbook_gives_no_notice(tmp_path):
    path = workbook(tmp_path / "plain.xlsx", {"Cases": [HEADINGS, ["mps-2017-q3", "A1", "good"]]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_cases(path)) == 1


def _compound_file(stream_names):
    """A minimal OLE compound file (MS-CFB, version 3): a header, one FAT sector and one directory sector.

    Enough for a reader to see the stream names: an encrypted XLSX holds
    ``EncryptionInfo`` and ``EncryptedPackage`` streams (MS-OFFCRYPTO 2.3.4).
    """
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 4096)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<II", header, 60, 0xFFFFFFFE, 0)
    header[76:80] = struct.pack("<I", 0)
    header[80:512] = b"\xff" * 432
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray()
    for name in ["Root Entry", *stream_names]:
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if name == "Root Entry" else 2, 1)
        directory += entry
    return bytes(header + fat + directory.ljust(512, b"\0"))


def test_an_encrypted_xlsx_is_called_encrypted(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(_compound_file(["EncryptionInfo", "EncryptedPackage"]))
    [p] = problems(path)
    assert p.value == "an encrypted (password-protected) workbook"
    assert "clear the password" in p.expected


def test_a_legacy_document_named_xlsx_is_still_named_so(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(_compound_file(["Workbook"]))
    [p] = problems(path)
    assert p.value == "a legacy Office document (XLS or DOC) named .xlsx"


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    # one member of zeros a little past the cap: about 0.3 MB on disk, MAX_UNZIPPED_BYTES + 1 MiB unzipped
    path = tmp_path / "bomb.xlsx"
    chunk = bytes(2**20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 1):
                member.write(chunk)
    [p] = problems(path)
    assert p.value.startswith(f"a workbook of {path.stat().st_size:,} bytes that expands to")
    assert "refused unopened" in p.expected
