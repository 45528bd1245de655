"""CSV files: quoted line breaks, encodings, delimiters, NUL bytes and very wide files (hand-made fixtures)."""

import codecs

import pytest

from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_cases
from inspection_analysis.io.raw import MAX_COLUMNS
from inspection_analysis.io.read import read_file

HEADER = "round_id,case_id,grade,notes\n"


def one_problem(path):
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    assert len(exc.value.problems) == 1, str(exc.value)
    return exc.value.problems[0]


def test_a_two_megabyte_cell_with_line_breaks_is_read_whole(tmp_path):
    # one cell of 2,000,000 characters (1,000,000 lines of "x"), then 300,000 ordinary rows: the cell spans
    # pyarrow's default 1 MiB blocks, which made the reader fail with "straddles two block boundaries"
    note = "x\n" * 1_000_000
    rows = [f'mps-2017-q3,A0,good,"{note}"\n'] + [f"mps-2017-q3,B{i},good,plain\n" for i in range(300_000)]
    path = tmp_path / "long_note.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    cases = load_cases(path)
    assert len(cases) == 300_001
    assert cases["notes"].iloc[0] == note.strip()  # cells are trimmed; the line breaks inside stay
    assert cases["case_id"].iloc[-1] == "B299999"


def test_many_quoted_line_breaks_across_blocks(tmp_path):
    # 200,000 rows, one in five with a quoted line break (and a quoted comma and quote): about 8 MB, many blocks
    rows = [f'mps-2017-q3,C{i},good,"first line\nsecond, ""quoted"" line"\n' if i % 5 == 0
            else f"mps-2017-q3,C{i},inadequate,plain\n" for i in range(200_000)]
    path = tmp_path / "notes.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    cases = load_cases(path)
    assert len(cases) == 200_000
    assert (cases["notes"] == 'first line\nsecond, "quoted" line').sum() == 40_000
    assert cases["case_id"].tolist()[-3:] == ["C199997", "C199998", "C199999"]


def test_a_row_after_a_quoted_line_break_keeps_its_spreadsheet_row(tmp_path):
    # row 2 holds a line break inside its note, so the bad grade is on row 3 (line 4 of the text)
    path = tmp_path / "q3.csv"
    path.write_text(HEADER + 'mps-2017-q3,A1,good,"two\nlines"\nmps-2017-q3,A2,goood,\n', encoding="utf-8")
    p = one_problem(path)
    assert (p.row, p.column, p.value) == (3, "grade", "goood")


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path, bom):
    text = HEADER + "mps-2017-q3,A1,good,Zoë\n"
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    path = tmp_path / "excel_unicode.csv"
    path.write_bytes(bom + text.encode(codec))
    cases = load_cases(path)
    assert cases["notes"].tolist() == ["Zoë"] and cases["grade"].tolist() == ["good"]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_delimited_files_are_read(tmp_path, delimiter, name):
    # European Excel writes semicolons (the comma is the decimal mark); the note holds a comma
    text = HEADER.replace(",", delimiter) + delimiter.join(["mps-2017-q3", "A1", "good", "1,5 days"]) + "\n"
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    cases = load_cases(path)
    assert cases["notes"].tolist() == ["1,5 days"] and cases["case_id"].tolist() == ["A1"]


def test_a_ragged_semicolon_file_names_its_delimiter(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("round_id;case_id;grade\nmps-2017-q3;A1;good;extra\n", encoding="utf-8")
    p = one_problem(path)
    assert "semicolon-delimited" in p.expected and "Expected 3 columns, got 4" in p.value


def test_a_short_row_is_refused_not_padded(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(HEADER + "mps-2017-q3,A1,good\n", encoding="utf-8")
    assert "Expected 4 columns, got 3" in one_problem(path).value


def test_a_nul_byte_far_into_the_file_is_found(tmp_path):
    # the old check looked at the first 8 bytes only; this NUL is on line 1,002
    body = "".join(f"mps-2017-q3,A{i},good,x\n" for i in range(1000))
    path = tmp_path / "nul.csv"
    path.write_bytes((HEADER + body).encode() + b"mps-2017-q3,B1,go\x00od,x\n")
    p = one_problem(path)
    assert (p.file, p.value) == ("nul.csv", "a NUL byte (0x00) on line 1002")
    assert p.expected.startswith("a CSV text file")


def test_a_file_wider_than_the_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "wide.csv"
    width = MAX_COLUMNS + 1
    path.write_text(",".join(f"c{i}" for i in range(width)) + "\n" + ",".join("x" * width) + "\n", encoding="utf-8")
    p = one_problem(path)
    assert (p.value, p.expected) == (f"{width:,} columns", f"at most {MAX_COLUMNS:,} columns (an audit file has tens)")


def test_a_file_at_the_limit_reads(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n" + ",".join("x" * MAX_COLUMNS) + "\n")
    assert read_file(path).frame.shape == (1, MAX_COLUMNS)


def test_repeated_headings_are_reported_not_renamed(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("round_id,case_id,grade,grade\nmps-2017-q3,A1,good,inadequate\n", encoding="utf-8")
    p = one_problem(path)
    assert (p.row, p.column, p.value) == (1, "grade", "grade")
    assert p.expected == "each heading once: 'grade' heads columns C and D"


def test_a_column_without_a_heading_that_holds_data_is_reported(tmp_path):
    path = tmp_path / "unheaded.csv"
    path.write_text("round_id,case_id,grade,\nmps-2017-q3,A1,good,\nmps-2017-q3,A2,good,note\n", encoding="utf-8")
    p = one_problem(path)
    assert p.row == 1 and "column 4 has none, yet holds a value in row 3" in p.expected


def test_an_empty_column_without_a_heading_is_left_out(tmp_path):
    path = tmp_path / "trailing_comma.csv"
    path.write_text("round_id,case_id,grade,\nmps-2017-q3,A1,good,\n", encoding="utf-8")
    assert list(read_file(path).frame.columns) == ["round_id", "case_id", "grade"]
