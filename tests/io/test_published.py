"""load_published, load_rounds and load_mapping on malformed files (hand-made fixtures)."""

import pandas as pd
import pytest

from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_mapping, load_published, load_rounds
from inspection_analysis.schema import PUBLISHED_COLUMNS, ROUNDS_COLUMNS

GOOD_ROW = {"figure_id": "f1", "round_id": "mps-2017-q3", "status": "primary", "n_cases": "135", "n_good": "10",
            "n_requires_improvement": "64", "n_inadequate": "61", "source_url": "https://example.org", "quote": "10, 64 and 61"}


def write_published(tmp_path, *rows):
    frame = pd.DataFrame([{c: r.get(c, "") for c in PUBLISHED_COLUMNS} for r in rows])
    path = tmp_path / "pub.csv"
    frame.to_csv(path, index=False)
    return path


def problem(tmp_path, **changes):
    with pytest.raises(AuditDataError) as exc:
        load_published(write_published(tmp_path, GOOD_ROW | changes))
    assert len(exc.value.problems) == 1, str(exc.value)
    return exc.value.problems[0]


def test_a_valid_row_loads(tmp_path):
    pub = load_published(write_published(tmp_path, GOOD_ROW))
    # 10 + 64 + 61 = 135, the 2017 Q3 figures
    assert pub.loc[0, ["n_cases", "n_good", "n_requires_improvement", "n_inadequate"]].tolist() == [135, 10, 64, 61]
    assert pd.isna(pub.loc[0, "n_adequate"]) and pub.loc[0, "case_type"] == ""


def test_failures_exceed_n(tmp_path):
    p = problem(tmp_path, n_good="", n_requires_improvement="", n_inadequate="", n_failing="140")
    assert (p.file, p.row, p.column, p.value) == ("pub.csv", 2, "n_failing", "140")
    assert p.expected == "a count no larger than n_cases (135)"


def test_grade_counts_not_summing_to_n(tmp_path):
    p = problem(tmp_path, n_inadequate="60")
    assert (p.row, p.column, p.value) == (2, "n_cases", "135")
    # 10 + 64 + 60 = 134, against the 135 in n_cases: both numbers are named
    assert p.expected.startswith("the grade counts to add up to n_cases (135), but n_good 10 + "
                                 "n_requires_improvement 64 + n_inadequate 60 = 134")


def test_partial_counts_exceeding_n(tmp_path):
    p = problem(tmp_path, n_good="", n_requires_improvement="100", n_inadequate="61")
    assert (p.column, p.value) == ("n_cases", "135")
    assert p.expected.startswith("the grade counts to add up to at most n_cases (135, as some are not published), "
                                 "but n_requires_improvement 100 + n_inadequate 61 = 161")


def test_documented_source_inconsistency_is_allowed(tmp_path):
    # West Yorkshire 2015 re-grade: 9 + 8 + 7 + 10 = 34 for "the same 33 cases", kept as published
    row = GOOD_ROW | {"round_id": "west-yorkshire-2015-self-assessment-hmic", "status": "inconsistent", "n_cases": "33",
                      "n_good": "9", "n_adequate": "8", "n_requires_improvement": "7", "n_inadequate": "10",
                      "source_inconsistency": "sums to 34"}
    pub = load_published(write_published(tmp_path, row))
    assert pub.loc[0, "status"] == "inconsistent" and pub.loc[0, "n_good"] == 9


def test_inconsistent_status_needs_a_note(tmp_path):
    p = problem(tmp_path, status="inconsistent")
    assert (p.row, p.column) == (2, "source_inconsistency")


def test_negative_count(tmp_path):
    p = problem(tmp_path, n_good="-1", n_cases="")
    assert (p.row, p.column, p.value) == (2, "n_good", "-1")
    assert p.expected.startswith("a whole number of case files, 0 or more")


def test_non_integer_count(tmp_path):
    p = problem(tmp_path, n_good="10.5", n_cases="")
    assert (p.column, p.value) == ("n_good", "10.5")


def test_text_in_a_count(tmp_path):
    p = problem(tmp_path, n_cases="about 384")
    assert (p.column, p.value) == ("n_cases", "about 384")


def test_n_failing_disagrees_with_the_grade_counts(tmp_path):
    p = problem(tmp_path, n_failing="124")
    assert (p.column, p.value) == ("n_failing", "124") and "(125)" in p.expected  # 64 + 61 = 125


def test_adequate_count_on_a_three_point_round(tmp_path):
    p = problem(tmp_path, n_adequate="0")
    assert (p.column, p.value) == ("n_adequate", "0")


def test_unknown_round_status_and_missing_quote(tmp_path):
    with pytest.raises(AuditDataError) as exc:
        load_published(write_published(tmp_path, GOOD_ROW | {"round_id": "mps-2099", "status": "draft", "quote": ""}))
    cols = sorted((p.column, p.value) for p in exc.value.problems)
    assert cols == [("quote", ""), ("round_id", "mps-2099"), ("status", "draft")]


def test_missing_column(tmp_path):
    path = tmp_path / "pub.csv"
    pd.DataFrame([GOOD_ROW]).to_csv(path, index=False)
    with pytest.raises(AuditDataError) as exc:
        load_published(path)
    assert {p.column for p in exc.value.problems} >= {"n_adequate", "n_failing", "derived_note"}
    assert all(p.row == 1 for p in exc.value.problems)


ROUND = {"round_id": "x-2020", "force": "x", "force_name": "X Police", "label": "2020", "period": "2020",
         "publication_date": "2020-05-01", "reference_date": "2020-03-31", "assessor": "inspectorate",
         "scale": "3-point", "role": "audit", "sample": "10", "source_url": "https://example.org", "notes": ""}


def write_rounds(tmp_path, *rows):
    path = tmp_path / "rounds.csv"
    pd.DataFrame([{c: r.get(c, "") for c in ROUNDS_COLUMNS} for r in rows]).to_csv(path, index=False)
    return path


def test_rounds_sorted_and_typed(tmp_path):
    later = ROUND | {"round_id": "x-2021", "reference_date": "2021-01-31"}
    rounds = load_rounds(write_rounds(tmp_path, later, ROUND))
    assert rounds["round_id"].tolist() == ["x-2020", "x-2021"]
    assert rounds["reference_date"].iloc[0] == pd.Timestamp("2020-03-31")


@pytest.mark.parametrize(
    ("change", "column", "needle"),
    [
        ({"assessor": "HMIC"}, "assessor", "inspectorate, force_audit, force_self_assessment"),
        ({"scale": "5-point"}, "scale", "3-point, 4-point"),
        ({"reference_date": "March 2020"}, "reference_date", "ISO date"),
        ({"publication_date": "2020-13-01"}, "publication_date", "ISO date"),
        ({"round_id": "X 2020"}, "round_id", "lower-case"),
    ],
)
def test_rounds_problems(tmp_path, change, column, needle):
    with pytest.raises(AuditDataError) as exc:
        load_rounds(write_rounds(tmp_path, ROUND | change))
    (p,) = exc.value.problems
    assert (p.file, p.row, p.column, p.value) == ("rounds.csv", 2, column, next(iter(change.values())))
    assert needle in p.expected


def test_duplicate_round_id(tmp_path):
    with pytest.raises(AuditDataError) as exc:
        load_rounds(write_rounds(tmp_path, ROUND, ROUND))
    # the same duplicated id on consecutive rows 2 and 3 is one problem naming both rows
    assert [(p.row, p.last_row, p.column) for p in exc.value.problems] == [(2, 3, "round_id")]
    assert "rows 2-3" in str(exc.value)


def test_mapping_problems(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[columns]\n"Ref" = "reference"\n[values.grade]\n"Outstanding" = "excellent"\n[extra]\n')
    with pytest.raises(AuditDataError) as exc:
        load_mapping(path)
    found = {(p.column, p.value) for p in exc.value.problems}
    assert found == {("[columns] 'ref'", "reference"), ("[values.grade] 'outstanding'", "excellent"), ("[extra]", "extra")}


def test_mapping_invalid_toml(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[columns\n"Ref" = ')
    with pytest.raises(AuditDataError, match=r"m.toml: got .*line 1.*expected valid TOML"):
        load_mapping(path)


def test_two_primary_figures_for_one_round(tmp_path):
    with pytest.raises(AuditDataError) as exc:
        load_published(write_published(tmp_path, GOOD_ROW, GOOD_ROW | {"figure_id": "f2"}))
    assert [(p.row, p.last_row, p.column) for p in exc.value.problems] == [(2, 3, "case_type")]
    assert "mark conflicting reports 'variant'" in exc.value.problems[0].expected


def test_sums_are_reported_together_with_cell_errors(tmp_path):
    # row 2: a count cell that is not a number; row 3: 10 + 64 + 60 = 134, not 135. Both in one report, sorted by row.
    bad_cell = GOOD_ROW | {"figure_id": "f1", "n_good": "ten"}
    bad_sum = GOOD_ROW | {"figure_id": "f2", "round_id": "mps-2017-q4", "n_inadequate": "60"}
    with pytest.raises(AuditDataError) as exc:
        load_published(write_published(tmp_path, bad_cell, bad_sum))
    found = [(p.row, p.column, p.value) for p in exc.value.problems]
    assert found == [(2, "n_good", "ten"), (3, "n_cases", "135")]
    assert "= 134" in exc.value.problems[1].expected


def test_a_round_of_zero_cases_is_rejected_with_its_row(tmp_path):
    p = problem(tmp_path, n_cases="0", n_good="0", n_requires_improvement="0", n_inadequate="0")
    assert (p.file, p.row, p.column, p.value) == ("pub.csv", 2, "n_cases", "0")
    assert p.expected.startswith("at least 1 case file")


def test_look_alike_letters_are_named_by_code_point_in_published_figures(tmp_path):
    # issue 13: a Cyrillic "а" (U+0430) in "primary" and "з" (U+0437) in a round id look like Latin letters; the
    # message names them
    with pytest.raises(AuditDataError) as exc:
        load_published(write_published(tmp_path, GOOD_ROW | {"status": "prim\u0430ry", "round_id": "mps-2017-q\u0437"}))
    text = {p.column: p.expected for p in exc.value.problems}
    assert text["status"].endswith("(it holds U+0430 CYRILLIC SMALL LETTER A)")
    assert text["round_id"].endswith("(it holds U+0437 CYRILLIC SMALL LETTER ZE)")
    assert "U+0430" in str(exc.value) and "pub.csv, row 2, column 'status'" in str(exc.value)


def test_look_alike_letters_are_named_by_code_point_in_the_registry(tmp_path):
    # a no-break space in an assessor, a Cyrillic "о" in a round id (the pattern check) and a force code
    bad = ROUND | {"assessor": "force\u00a0audit", "round_id": "x-2\u043e20", "force": "\u0445"}
    with pytest.raises(AuditDataError) as exc:
        load_rounds(write_rounds(tmp_path, bad))
    text = {p.column: p.expected for p in exc.value.problems}
    assert text["assessor"].endswith("(it holds U+00A0 NO-BREAK SPACE)")
    assert text["round_id"].endswith("(it holds U+043E CYRILLIC SMALL LETTER O)")
    assert text["force"].endswith("(it holds U+0445 CYRILLIC SMALL LETTER HA)")
