"""to_counts: case-level, published and Parquet (DuckDB) inputs -> the counts table.

Expected values are counted by hand from the small frames written in each test,
or are the inspectorate's published figures.
"""

import pandas as pd
import pytest

from inspection_analysis.counts.table import to_counts
from inspection_analysis.errors import AuditDataError
from inspection_analysis.grades import INADEQUATE_ONLY
from inspection_analysis.io import load_cases, load_published, load_rounds
from inspection_analysis.io.synthetic import make_synthetic_cases

CONTRACT = ["round_id", "n", "failures", "n_good", "n_adequate", "n_requires_improvement", "n_inadequate", "failing", "data_kind",
            "failures_source"]


@pytest.fixture
def cases():
    # mps-2017-q4: good, RI, RI, inadequate -> n 4, failures 3 (RI or inadequate), 1 (inadequate only)
    # mps-2017-q3: inadequate, good -> n 2, failures 1
    return pd.DataFrame({
        "round_id": ["mps-2017-q4", "mps-2017-q3", "mps-2017-q4", "mps-2017-q4", "mps-2017-q4", "mps-2017-q3"],
        "case_id": ["a", "b", "c", "d", "e", "f"],
        "case_type": ["custody", "custody", None, "other", "other", "other"],
        "grade": ["good", "inadequate", "requires improvement", "requires improvement", "inadequate", "good"],
    })


def test_case_level_counts(cases):
    c = to_counts(cases)
    assert list(c.columns) == CONTRACT
    assert all(str(c[col].dtype) == "Int64" for col in CONTRACT[1:7])
    # registry order: 2017 Q3 before Q4
    assert c["round_id"].tolist() == ["mps-2017-q3", "mps-2017-q4"]
    assert c[["n", "failures", "n_good", "n_adequate", "n_requires_improvement", "n_inadequate"]].values.tolist() == [
        [2, 1, 1, 0, 0, 1], [4, 3, 1, 0, 2, 1]]
    assert set(c["failing"]) == {"requires improvement|inadequate"} and set(c["data_kind"]) == {"case-level"}
    assert set(c["failures_source"]) == {"counted"}


def test_inadequate_only(cases):
    c = to_counts(cases, failing=INADEQUATE_ONLY)
    assert c["failures"].tolist() == [1, 1] and set(c["failing"]) == {"inadequate"}


def test_does_not_mutate_the_input(cases):
    before = cases.copy()
    to_counts(cases, by=("round_id", "case_type"))
    pd.testing.assert_frame_equal(cases, before)


def test_by_case_type_keeps_missing_case_type(cases):
    c = to_counts(cases, by=("round_id", "case_type"))
    q4 = c[c["round_id"] == "mps-2017-q4"]
    # custody: good (n 1, 0 failing); other: RI + inadequate (n 2, 2 failing); missing: RI (n 1, 1 failing)
    assert q4["case_type"].tolist()[:2] == ["custody", "other"] and pd.isna(q4["case_type"].iloc[2])
    assert q4["n"].tolist() == [1, 2, 1] and q4["failures"].tolist() == [0, 2, 1]
    assert c["n"].sum() == len(cases)  # nothing dropped


@pytest.mark.parametrize(
    ("by", "grade", "message"),
    [
        ((), None, "at least one column"),
        (("force",), None, r"column\(s\) \['force'\] not in the data"),
        (("round_id",), "excellent", "unknown grade 'excellent'"),
        (("round_id",), None, "grade is missing in 1 row"),
    ],
)
def test_errors(cases, by, grade, message):
    if grade is not None or message.startswith("grade is missing"):
        cases.loc[0, "grade"] = grade
    with pytest.raises(ValueError, match=message):
        to_counts(cases, by=by)


def test_mixed_synthetic_and_real_rows_refused(cases):
    cases["synthetic"] = [True, False, True, True, False, False]  # mps-2017-q4 mixes both
    with pytest.raises(ValueError, match="mixes synthetic and real"):
        to_counts(cases)
    cases["synthetic"] = True
    assert set(to_counts(cases)["data_kind"]) == {"synthetic"}


def test_type_error():
    with pytest.raises(TypeError, match="DataFrame or the path"):
        to_counts([1, 2, 3])


def test_published_rules():
    pub = load_published()
    c = to_counts(pub).set_index("round_id")
    src = c["failures_source"]
    assert c.loc["mps-2016", "failures"] == 278 and src["mps-2016"] == "published n_failing"
    # 2017 Q3: 64 + 61 = 125, arithmetic on published counts, recorded as derived
    assert c.loc["mps-2017-q3", "failures"] == 125 and src["mps-2017-q3"] == "derived: sum of published grade counts"
    assert pd.isna(c.loc["mps-2017-q2", "failures"]) and src["mps-2017-q2"] == "not computable"
    assert set(c["data_kind"]) == {"published"}
    inad = to_counts(pub, failing="inadequate").set_index("round_id")
    assert pd.isna(inad.loc["mps-2016", "failures"])  # only the RI-or-inadequate total was published
    assert inad.loc["mps-2018", "failures"] == 83 and inad.loc["lancashire-2018", "failures"] == 30


def test_published_subgroups_only_by_case_type():
    c = to_counts(load_published(), by=("round_id", "case_type"))
    online = c[(c["round_id"] == "mps-2018") & (c["case_type"] == "online abuse")]
    assert online[["n", "failures"]].values.tolist() == [[34, 29]]  # "34 online cases, 29 ... inadequate or requiring improvement"
    assert "" not in set(c["case_type"])  # whole-round rows are not mixed in


def test_synthetic_counts_equal_published_margins():
    c = to_counts(make_synthetic_cases()).set_index("round_id")
    assert c.loc["mps-2017-q3", ["n", "n_good", "n_requires_improvement", "n_inadequate"]].tolist() == [135, 10, 64, 61]
    assert c.loc["mps-2017-q4", ["n", "failures"]].tolist() == [214, 191]
    assert set(c["data_kind"]) == {"synthetic"}


def test_duckdb_and_pandas_paths_agree(tmp_path):
    cases = make_synthetic_cases()
    cases.to_parquet(tmp_path / "cases.parquet")
    for by in (("round_id",), ("round_id", "case_type")):
        for failing in ("ri_or_inadequate", "inadequate"):
            from_pandas = to_counts(cases, by=by, failing=failing)
            from_duckdb = to_counts(tmp_path / "cases.parquet", by=by, failing=failing, rounds=load_rounds())
            pd.testing.assert_frame_equal(from_duckdb, from_pandas)


def test_duckdb_folder_of_files(tmp_path, cases):
    cases.iloc[:3].to_parquet(tmp_path / "a.parquet")
    cases.iloc[3:].to_parquet(tmp_path / "b.parquet")
    c = to_counts(tmp_path, rounds=load_rounds())
    assert c["n"].tolist() == [2, 4] and c["failures"].tolist() == [1, 3]  # as counted by hand above
    pd.testing.assert_frame_equal(c, to_counts(cases))


def test_duckdb_checks_rows(tmp_path, cases):
    cases.loc[4, "grade"] = "excelent"
    cases.loc[5, "case_id"] = "a"
    cases.loc[5, "round_id"] = "mps-2017-q4"
    cases.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(AuditDataError) as exc:
        to_counts(tmp_path / "bad.parquet", rounds=load_rounds())
    found = [(p.file, p.row, p.column, p.value) for p in exc.value.problems]
    # parquet row 4 (0-based) is spreadsheet-style row 6; as in load_cases, duplicates wait until the other rules pass
    assert found == [("bad.parquet", 6, "grade", "excelent")]
    cases.loc[4, "grade"] = "good"
    cases.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(AuditDataError) as exc:
        to_counts(tmp_path / "bad.parquet", rounds=load_rounds())
    # 'a' in mps-2017-q4 at parquet rows 0 and 5: spreadsheet rows 2 and 7
    assert [(p.row, p.value, p.expected) for p in exc.value.problems] == [
        (2, "a", "a case_id unique within round mps-2017-q4 (also at bad.parquet row 7)"),
        (7, "a", "a case_id unique within round mps-2017-q4 (also at bad.parquet row 2)")]


def test_duckdb_duplicates_across_files_and_only_within_a_round(tmp_path):
    # "a" is in mps-2017-q3 and in mps-2017-q4 (allowed: different rounds); "b" appears three times in
    # mps-2017-q4, twice in one file (rows 4, 5) and once in another (row 2); "c" twice in mps-2017-q3 (two.parquet
    # rows 3, 4). Expected, in file and row order, each naming the other rows:
    pd.DataFrame({"round_id": ["mps-2017-q3", "mps-2017-q4", "mps-2017-q4", "mps-2017-q4"],
                  "case_id": ["a", "a", "b", "b"], "grade": "good"}).to_parquet(tmp_path / "one.parquet")
    pd.DataFrame({"round_id": ["mps-2017-q4", "mps-2017-q3", "mps-2017-q3"],
                  "case_id": ["b", "c", "c"], "grade": "inadequate"}).to_parquet(tmp_path / "two.parquet")
    with pytest.raises(AuditDataError) as exc:
        to_counts(tmp_path, rounds=load_rounds())
    found = [(p.file, p.row, p.value, p.expected) for p in exc.value.problems]
    q3, q4 = "a case_id unique within round mps-2017-q3", "a case_id unique within round mps-2017-q4"
    assert found == [("one.parquet", 4, "b", q4 + " (also at one.parquet row 5, two.parquet row 2)"),
                     ("one.parquet", 5, "b", q4 + " (also at one.parquet row 4, two.parquet row 2)"),
                     ("two.parquet", 2, "b", q4 + " (also at one.parquet row 4, one.parquet row 5)"),
                     ("two.parquet", 3, "c", q3 + " (also at two.parquet row 4)"),
                     ("two.parquet", 4, "c", q3 + " (also at two.parquet row 3)")]


def test_loaded_cases_count_like_frames(tmp_path, cases):
    cases.to_csv(tmp_path / "c.csv", index=False)
    pd.testing.assert_frame_equal(to_counts(load_cases(tmp_path / "c.csv")), to_counts(cases))


def test_parquet_with_another_registry(tmp_path):
    frame = pd.DataFrame({"round_id": ["x-2021", "x-2020", "x-2021"], "case_id": ["1", "2", "3"],
                          "grade": ["good", "inadequate", "requires improvement"]})
    frame.to_parquet(tmp_path / "x.parquet")
    registry = pd.DataFrame({"round_id": ["x-2020", "x-2021"]})
    c = to_counts(tmp_path / "x.parquet", rounds=registry)
    # x-2020: 1 inadequate -> n 1, failures 1; x-2021: good + RI -> n 2, failures 1
    assert c[["round_id", "n", "failures"]].values.tolist() == [["x-2020", 1, 1], ["x-2021", 2, 1]]
    with pytest.raises(AuditDataError, match="x.parquet, row 2, column 'round_id': got 'x-2021'"):
        to_counts(tmp_path / "x.parquet", rounds=load_rounds())  # not in the shipped registry
