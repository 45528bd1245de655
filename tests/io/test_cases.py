"""load_cases: every malformed input is reported with file, spreadsheet row, column, value and expectation.

Row numbers are as a spreadsheet shows them: the header is row 1, so the first
case is row 2. Fixtures are written by hand inside each test.
"""

import warnings

import pandas as pd
import pytest

from inspection_analysis.errors import AuditDataError, AuditDataWarning, Problem
from inspection_analysis.io import load_cases, load_mapping

HEADER = "round_id,case_id,grade\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def only_problem(excinfo) -> Problem:
    problems = excinfo.value.problems
    assert len(problems) == 1, str(excinfo.value)
    return problems[0]


def load_problem(path, **kwargs) -> Problem:
    """Load ``path``, expecting exactly one problem, and return it."""
    with pytest.raises(AuditDataError) as exc:
        load_cases(path, **kwargs)
    return only_problem(exc)


def test_valid_csv_loads_with_normalised_spellings(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,Requires Improvement \nMPS-2017-Q3 , A2,GOOD\n")
    cases = load_cases(path)
    assert cases["grade"].tolist() == ["requires improvement", "good"]
    assert cases["round_id"].astype(str).tolist() == ["mps-2017-q3", "mps-2017-q3"]
    assert cases["case_id"].tolist() == ["A1", "A2"]
    assert cases["grade"].dtype.ordered


def test_unknown_grade_spelling(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,good\nmps-2017-q3,A2,goood\n")
    p = load_problem(path)
    assert (p.file, p.row, p.column, p.value) == ("q3.csv", 3, "grade", "goood")
    assert "requires improvement" in p.expected
    assert str(p).startswith("q3.csv, row 3, column 'grade': got 'goood'; expected one of: good")


def test_missing_required_column(tmp_path):
    path = write(tmp_path, "q3.csv", "round_id,case_id,Outcome\nmps-2017-q3,A1,good\n")
    p = load_problem(path)
    assert (p.file, p.row, p.column) == ("q3.csv", 1, "grade")
    assert "headings found: round_id, case_id, Outcome" in str(p)


def test_duplicate_case_id_within_round(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,good\nmps-2017-q3,A2,good\nmps-2017-q3,A1,inadequate\n")
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    rows = [(p.row, p.column, p.value) for p in exc.value.problems]
    assert rows == [(2, "case_id", "A1"), (4, "case_id", "A1")]
    assert "unique within round mps-2017-q3 (also at q3.csv row 4)" in str(exc.value)


def test_same_case_id_in_two_rounds_is_allowed(tmp_path):
    path = write(tmp_path, "both.csv", HEADER + "mps-2017-q3,A1,good\nmps-2017-q4,A1,inadequate\n")
    assert len(load_cases(path)) == 2


def test_duplicate_case_id_across_files_in_a_folder(tmp_path):
    write(tmp_path, "a.csv", HEADER + "mps-2017-q3,A1,good\n")
    write(tmp_path, "b.csv", HEADER + "mps-2017-q3,A2,good\nmps-2017-q3,A1,good\n")
    with pytest.raises(AuditDataError) as exc:
        load_cases(tmp_path)
    found = [(p.file, p.row) for p in exc.value.problems]
    assert found == [("a.csv", 2), ("b.csv", 3)]
    assert "also at b.csv row 3" in exc.value.problems[0].expected


def test_folder_concatenates_files_and_warns_about_others(tmp_path):
    write(tmp_path, "a.csv", HEADER + "mps-2017-q3,A1,good\n")
    write(tmp_path, "b.csv", HEADER + "mps-2017-q4,B1,inadequate\n")
    write(tmp_path, "notes.txt", "not a case file")
    write(tmp_path, "README.md", "ignored silently: documentation")
    with pytest.warns(AuditDataWarning, match=r"skipped 1 item\(s\) that are not case files: notes.txt"):
        cases = load_cases(tmp_path)
    assert cases["case_id"].tolist() == ["A1", "B1"]


def test_empty_folder(tmp_path):
    with pytest.raises(AuditDataError, match="at least one case file"):
        load_cases(tmp_path)


def test_empty_file(tmp_path):
    path = write(tmp_path, "empty.csv", b"")
    p = load_problem(path)
    assert (p.file, p.row, p.value) == ("empty.csv", None, "an empty file (0 bytes)")


def test_header_only_file(tmp_path):
    path = write(tmp_path, "header.csv", HEADER)
    assert load_problem(path).value == "a header row only"


def test_png_renamed_csv(tmp_path):
    path = write(tmp_path, "grades.csv", b"\x89PNG\r\n\x1a\n" + bytes(40))
    p = load_problem(path)
    assert (p.file, p.value, p.expected) == ("grades.csv", "a PNG image named .csv", "a CSV text file")


def test_word_document_renamed_csv(tmp_path):
    path = write(tmp_path, "grades.csv", b"PK\x03\x04" + bytes(40))
    with pytest.raises(AuditDataError, match=r"grades.csv: got 'a ZIP container \(an XLSX, ODS or DOCX document\) named .csv'"):
        load_cases(path)


def test_unsupported_extension(tmp_path):
    path = write(tmp_path, "grades.docx", b"PK\x03\x04" + bytes(40))
    p = load_problem(path)
    assert (p.value, p.expected) == ("file type '.docx'", "a CSV, XLSX, XLS, ODS or Parquet file")


def test_damaged_xlsx(tmp_path):
    path = write(tmp_path, "grades.xlsx", b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(AuditDataError, match=r"grades.xlsx: got .*expected a readable .xlsx file"):
        load_cases(path)


def test_missing_file(tmp_path):
    with pytest.raises(AuditDataError, match="nowhere.csv: got .*expected an existing file"):
        load_cases(tmp_path / "nowhere.csv")


def test_ragged_csv(tmp_path):
    path = write(tmp_path, "ragged.csv", HEADER + "mps-2017-q3,A1,good,extra\n")
    with pytest.raises(AuditDataError, match="ragged.csv: got .*the same number of cells in every row"):
        load_cases(path)


def test_dates_parse(tmp_path):
    path = write(tmp_path, "q3.csv", "round_id,case_id,grade,date_audited\nmps-2017-q3,A1,good,2017-07-03\nmps-2017-q3,A2,good,\n")
    cases = load_cases(path)
    assert cases["date_audited"].iloc[0] == pd.Timestamp("2017-07-03")
    assert pd.isna(cases["date_audited"].iloc[1])


def test_utf8_bom_loads_transparently(tmp_path):
    path = write(tmp_path, "bom.csv", "\ufeff" + HEADER + "mps-2017-q3,A1,good\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cases = load_cases(path)
    assert list(cases.columns[:3]) == ["round_id", "case_id", "grade"]


def test_windows_1252_loads_with_a_notice(tmp_path):
    path = write(tmp_path, "cp.csv", HEADER.replace("\n", ",officer\n") + "mps-2017-q3,A1,good,Zoë\n", encoding="cp1252")
    with pytest.warns(AuditDataWarning, match=r"cp.csv: not UTF-8 \(byte 0xEB at row 2\); read as Windows-1252"):
        cases = load_cases(path)
    assert cases["officer"].tolist() == ["Zoë"]  # decoded correctly, no mojibake


def test_undecodable_bytes_raise(tmp_path):
    # 0x81 is invalid in UTF-8 here and undefined in Windows-1252
    path = write(tmp_path, "bad.csv", HEADER.encode() + b"mps-2017-q3,A\x81,good\n")
    p = load_problem(path)
    assert (p.file, p.value) == ("bad.csv", "undecodable byte 0x81 at row 2")
    assert "UTF-8" in p.expected


def test_trailing_blank_rows_are_ignored_and_reported(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,good\n,,\n\n")
    with pytest.warns(AuditDataWarning, match=r"q3.csv: ignored 2 trailing blank row\(s\), rows 3 to 4"):
        cases = load_cases(path)
    assert len(cases) == 1


def test_every_problem_is_listed_one_per_line(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,goood\nmps-1999,A2,good\nmps-2017-q3,,good\n")
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    lines = str(exc.value).splitlines()
    assert lines[0] == "3 problems found:"
    assert sorted(line.split(":")[0].strip() for line in lines[1:]) == [
        "q3.csv, row 2, column 'grade'", "q3.csv, row 3, column 'round_id'", "q3.csv, row 4, column 'case_id'"]


def test_many_problems_are_capped_per_rule(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "".join(f"mps-2017-q3,A{i},bad{i}\n" for i in range(60)))
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    assert len(exc.value.problems) == 50 and exc.value.omitted == 10  # 60 different bad values, 50 listed
    assert str(exc.value).splitlines()[-1].strip().startswith("... and 10 more not listed")


def test_the_same_problem_on_consecutive_rows_is_one_line(tmp_path):
    # 60 rows (spreadsheet rows 2-61) all graded 'bad', then a good row, then 'bad' again on row 63.
    rows = [f"mps-2017-q3,A{i},bad\n" for i in range(60)] + ["mps-2017-q3,B1,good\n", "mps-2017-q3,B2,bad\n"]
    path = write(tmp_path, "q3.csv", HEADER + "".join(rows))
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    assert [(p.row, p.last_row) for p in exc.value.problems] == [(2, 61), (63, None)]
    lines = str(exc.value).splitlines()
    assert lines[0] == "2 problems found:"
    assert lines[1].strip().startswith("q3.csv, rows 2-61, column 'grade': got 'bad'; expected")
    assert lines[2].strip().startswith("q3.csv, row 63, column 'grade': got 'bad'; expected")


def test_xlsx_with_mapping(tmp_path):
    path = tmp_path / "team.xlsx"
    pd.DataFrame({"Case Ref": ["T1", "T2"], "Round": ["mps-2017-q4", "mps-2017-q4"], "Grade": ["RI", "Good"],
                  "Suspect traced": ["N/A", "Y"]}).to_excel(path, index=False)
    cases = load_cases(path, mapping=load_mapping())
    assert cases["grade"].tolist() == ["requires improvement", "good"]
    assert cases["crit_suspect_traced"].tolist() == ["not applicable", "pass"]  # "N/A" is a value, not a missing cell


def test_xlsx_problem_names_the_heading_as_written(tmp_path):
    path = tmp_path / "team.xlsx"
    pd.DataFrame({"Case Ref": ["T1", "T2"], "Round": ["mps-2017-q4"] * 2, "Grade": ["Good", "Outstanding"]}).to_excel(path, index=False)
    p = load_problem(path, mapping=load_mapping())
    assert (p.file, p.row, p.column, p.value) == ("team.xlsx", 3, "Grade", "Outstanding")


def test_ods_and_parquet_load(tmp_path):
    frame = pd.DataFrame({"round_id": ["mps-2018"] * 2, "case_id": ["O1", "O2"], "grade": ["inadequate", "good"]})
    frame.to_excel(tmp_path / "cases.ods", index=False)
    frame.to_parquet(tmp_path / "cases.parquet")
    for name in ("cases.ods", "cases.parquet"):
        assert load_cases(tmp_path / name)["grade"].tolist() == ["inadequate", "good"]


def test_parquet_written_by_pandas_with_an_index(tmp_path):
    # pandas stores its index in the file: an unnamed one is row labels, a named one (here case_id) is a column
    frame = pd.DataFrame({"round_id": ["mps-2018"] * 3, "case_id": ["O1", "O2", "O3"],
                          "grade": ["inadequate", "good", "good"]}, index=[5, 7, 9])
    frame.to_parquet(tmp_path / "labelled.parquet")
    frame.set_index("case_id").to_parquet(tmp_path / "indexed.parquet")
    for name in ("labelled.parquet", "indexed.parquet"):
        cases = load_cases(tmp_path / name)
        assert cases["case_id"].tolist() == ["O1", "O2", "O3"], name
        assert cases["grade"].tolist() == ["inadequate", "good", "good"], name
        assert cases.index.tolist() == [0, 1, 2], name
    bad = frame.assign(grade=["inadequate", "excellent", "good"]).set_index("case_id")
    bad.to_parquet(tmp_path / "bad.parquet")
    p = load_problem(tmp_path / "bad.parquet")
    assert (p.file, p.row, p.column, p.value) == ("bad.parquet", 3, "grade", "excellent")


def test_two_headings_mapped_to_one_column(tmp_path):
    path = write(tmp_path, "q3.csv", "round_id,Case Ref,case_id,grade\nmps-2017-q3,A,A,good\n")
    p = load_problem(path, mapping=load_mapping())
    assert (p.row, p.column) == (1, "case_id")
    assert "'Case Ref' is also read as 'case_id'" in p.expected


ROW_PROBLEMS = [
    # (header, data rows, spreadsheet row, column, value, text expected in the message)
    (HEADER, "mps-2017-q3,A1,\n", 2, "grade", "", "a grade (the cell is empty)"),
    (HEADER, "mps-2017-q3,A1,good\nmps-2019-q1,A2,good\n", 3, "round_id", "mps-2019-q1", "registered in data/rounds.csv"),
    # west-yorkshire-2015 used the 4-point scale, so only row 2 is wrong
    (HEADER, "mps-2017-q3,A1,adequate\nwest-yorkshire-2015,W1,adequate\n", 2, "grade", "adequate", "not on the 3-point scale"),
    ("round_id,case_id,grade,date_audited\n", "mps-2017-q3,A1,good,2017-07-03\nmps-2017-q3,A2,good,31/07/2017\n",
     3, "date_audited", "31/07/2017", "an ISO date YYYY-MM-DD"),
    ("round_id,case_id,grade,crit_suspect_traced\n", "mps-2017-q3,A1,good,pass\nmps-2017-q3,A2,inadequate,maybe\n",
     3, "crit_suspect_traced", "maybe", "one of: pass, fail, not applicable"),
    ("round_id,case_id,grade,case_type\n", "mps-2017-q3,A1,good,burglary\n", 2, "case_type", "burglary", "missing child"),
    (HEADER, "mps-2017-q3,A1,good\n , ,\nmps-2017-q3,A2,good\n", 3, None, "(blank row)", "delete blank rows between cases"),
]


@pytest.mark.parametrize(("header", "rows", "row", "column", "value", "expected"), ROW_PROBLEMS)
def test_row_problems(tmp_path, header, rows, row, column, value, expected):
    p = load_problem(write(tmp_path, "q3.csv", header + rows))
    assert (p.file, p.row, p.column, p.value) == ("q3.csv", row, column, value)
    assert expected in p.expected and expected in str(p)


@pytest.mark.parametrize("value", ["2026", "2026-02", "20260305", "2026-03-05 10:00", "05/03/2026"])
def test_only_iso_dates_are_dates(tmp_path, value):
    path = write(tmp_path, "q3.csv", "round_id,case_id,grade,date_audited\nmps-2017-q3,A1,good,2026-03-05\n"
                 f"mps-2017-q3,A2,good,{value}\n")
    p = load_problem(path)
    assert (p.row, p.column, p.value) == (3, "date_audited", value)
    assert p.expected.startswith("an ISO date YYYY-MM-DD")


def test_mixed_time_zones_give_the_usual_problem_lines(tmp_path):
    # pandas alone raises its own message here, naming no file, row or column
    path = write(tmp_path, "q3.csv", "round_id,case_id,grade,date_audited\n"
                 "mps-2017-q3,A1,good,2026-03-05T10:00:00+01:00\nmps-2017-q3,A2,good,2026-03-05T10:00:00Z\n")
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    assert [(p.file, p.row, p.column) for p in exc.value.problems] == [("q3.csv", 2, "date_audited"),
                                                                       ("q3.csv", 3, "date_audited")]


def test_a_cyrillic_look_alike_is_shown_by_its_code_points(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,g\u043e\u043ed\n")
    p = load_problem(path)
    assert p.value == "g\u043e\u043ed"
    assert p.expected.endswith("(it holds U+043E CYRILLIC SMALL LETTER O, twice)")


def test_a_folder_without_case_files_says_what_it_holds(tmp_path):
    write(tmp_path, "notes.txt", "x")
    write(tmp_path, "cases.docx", "x")
    with pytest.warns(AuditDataWarning):
        p = load_problem(tmp_path)
    assert p.value == "a folder holding 2 item(s), none a case file: cases.docx, notes.txt"
    assert p.expected == "at least one case file: a file ending in .csv, .xlsx, .xls, .ods or .parquet"


def test_a_duplicate_id_is_reported_with_every_other_problem_in_one_file(tmp_path):
    path = write(tmp_path, "q3.csv", HEADER + "mps-2017-q3,A1,good\nmps-2017-q3,A2,goood\nmps-2017-q3,A1,good\n")
    with pytest.raises(AuditDataError) as exc:
        load_cases(path)
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "case_id"), (3, "grade"), (4, "case_id")]


def test_a_duplicate_across_a_folder_is_reported_with_other_files_problems(tmp_path):
    write(tmp_path, "a.csv", HEADER + "mps-2017-q3,A1,good\nmps-2017-q3,A2,excellent\n")
    write(tmp_path, "b.csv", HEADER + "mps-2017-q3,A1,good\n")
    write(tmp_path, "c.csv", "round_id,case_id\nmps-2017-q3,C1\n")  # no grade column: its rows cannot be checked
    with pytest.raises(AuditDataError) as exc:
        load_cases(tmp_path)
    # one report, sorted by file and row
    assert [(p.file, p.row, p.column) for p in exc.value.problems] == [
        ("a.csv", 2, "case_id"), ("a.csv", 3, "grade"), ("b.csv", 2, "case_id"), ("c.csv", 1, "grade")]


def test_a_float_id_column_in_parquet_is_reported(tmp_path):
    frame = pd.DataFrame({"round_id": ["mps-2018"] * 2, "case_id": [123.0, 124.0], "grade": ["good", "good"]})
    frame.to_parquet(tmp_path / "float_ids.parquet")
    p = load_problem(tmp_path / "float_ids.parquet")
    assert (p.file, p.row, p.column, p.value) == ("float_ids.parquet", None, "case_id", "a column of float64 numbers")
    assert "identifiers stored as text" in p.expected


def test_whole_number_ids_in_parquet_are_exact(tmp_path):
    frame = pd.DataFrame({"round_id": ["mps-2018"] * 2, "case_id": [2**62, 7], "grade": ["good", "good"]})
    frame.to_parquet(tmp_path / "int_ids.parquet")
    assert load_cases(tmp_path / "int_ids.parquet")["case_id"].tolist() == [str(2**62), "7"]


def test_case_id_twice_in_a_workbook_is_reported(tmp_path):
    path = tmp_path / "twice.xlsx"
    pd.DataFrame([["mps-2017-q3", "A1", "good", "A9"]], columns=["round_id", "case_id", "grade", "case_id "]).to_excel(
        path, index=False)
    p = load_problem(path)
    assert (p.sheet, p.row, p.column, p.cell) == ("Sheet1", 1, "case_id", "B1")
    assert p.expected == "each heading once: 'case_id' heads columns B and D"


def test_duplicate_ids_are_blamed_on_the_users_own_heading(tmp_path):
    # issue 13: a mapping reads "Case ref" as case_id; the duplicate problems name "Case ref", as every other
    # problem of that column does, in each file (an exact repeat across files, and a case-only look-alike)
    (tmp_path / "map.toml").write_text('[columns]\n"Case ref" = "case_id"\n"Grade given" = "grade"\n',
                                       encoding="utf-8")
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.csv").write_text("round_id,Case ref,Grade given\nmps-2017-q3,X1,good\nmps-2017-q3,ab2,good\n",
                                  encoding="utf-8")
    (folder / "b.csv").write_text("round_id,Case ref,Grade given\nmps-2017-q3,X1,inadequate\nmps-2017-q3,AB2,good\n",
                                  encoding="utf-8")
    with pytest.raises(AuditDataError) as err:
        load_cases(folder, mapping=tmp_path / "map.toml")
    found = [(p.file, p.row, p.column, p.expected.split(" (")[0].split(":")[0]) for p in err.value.problems]
    assert found == [
        ("a.csv", 2, "Case ref", "a case_id unique within round mps-2017-q3"),
        ("a.csv", 3, "Case ref", found[1][3]),
        ("b.csv", 2, "Case ref", "a case_id unique within round mps-2017-q3"),
        ("b.csv", 3, "Case ref", found[3][3]),
    ]
    assert "probable duplicate" in err.value.problems[1].expected and "b.csv row 3" in err.value.problems[1].expected
    assert all(p.identifier for p in err.value.problems)
    assert "'Case ref'" in str(err.value) and "X1" not in str(err.value)  # the heading shown, the ids withheld
