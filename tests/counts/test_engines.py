"""The same counts and the same problems from every engine: pandas (load_cases), DuckDB and a real local Spark.

Expected counts are counted in the test itself with ``collections.Counter``
over the rows it generated (an independent count, not the code under test);
expected problems are written out by hand from the rows written to each file
(spreadsheet row = Parquet row + 2). The texts of ``expected`` are the
rules' own descriptions in ``schema.CASE_RULES``.
"""

from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inspection_analysis.counts import parquet as duckdb_engine
from inspection_analysis.counts import spark as spark_engine
from inspection_analysis.counts.table import to_counts
from inspection_analysis.errors import AuditDataError, Problem
from inspection_analysis.grades import GRADES
from inspection_analysis.io import checks, load_cases
from inspection_analysis.schema import CASE_RULE, CASE_RULES, CASE_TYPES, CRITERION_VALUES, SPREADSHEET_RULES

ENGINES = ["pandas", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]
# registry order differs from alphabetical order on purpose; t-2020 is graded on 4 points, t-2021 on 3
REGISTRY = pd.DataFrame({"round_id": ["t-2021", "t-2020"], "scale": ["3-point", "4-point"]})
INADEQUATE = ("inadequate",)


def counts(folder, engine, request, **kwargs):
    """The counts table of the Parquet files in ``folder`` on one engine (pandas: load_cases, then to_counts)."""
    if engine == "pandas":
        return to_counts(load_cases(folder, rounds=REGISTRY), rounds=REGISTRY, **kwargs)
    session = request.getfixturevalue("spark") if engine == "spark" else None
    return to_counts(folder, rounds=REGISTRY, engine=engine, spark=session, **kwargs)


def problems(folder, engine, request):
    with pytest.raises(AuditDataError) as exc:
        counts(folder, engine, request)
    return exc.value.problems, exc.value.omitted


def write(folder, name, columns):
    folder.mkdir(exist_ok=True)
    pq.write_table(pa.table(columns), folder / name)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Seeded rows in three Parquet files: every grade, a criterion often missing, t-2020 synthetic and t-2021 not."""
    rng = np.random.default_rng(20240601)
    folder = tmp_path_factory.mktemp("engines") / "cases"
    rows = []
    for k in range(3):
        n = 150 + 25 * k
        rid = rng.choice(["t-2020", "t-2021"], n)
        scale4 = rid == "t-2020"
        grade = np.where(scale4, rng.choice(GRADES, n), rng.choice(["good", "requires improvement", "inadequate"], n))
        columns = {
            "round_id": rid.tolist(),
            "force": rng.choice(["f1", "f2", "f3"], n).tolist(),
            "case_id": [f"{k}-{i}" for i in range(n)],
            "case_type": [None if u < 0.1 else CASE_TYPES[int(u * 100) % len(CASE_TYPES)] for u in rng.random(n)],
            "grade": grade.tolist(),
            "crit_suspect_traced": [None if u < 0.3 else CRITERION_VALUES[int(u * 10) % 3] for u in rng.random(n)],
            "synthetic": scale4.tolist(),
        }
        write(folder, f"part-{k}.parquet", columns)
        rows += list(zip(*columns.values()))
    return folder, pd.DataFrame(rows, columns=list(columns), dtype=object)  # None stays None


def expected_counts(rows: pd.DataFrame, by):
    """The counts table built by hand: Counter over the generated rows, rounds in registry order, then by text."""
    groups = Counter(tuple(r) for r in rows[list(by)].itertuples(index=False))
    grades = Counter((*r[:-1], r[-1]) for r in rows[[*by, "grade"]].itertuples(index=False))
    place = {r: i for i, r in enumerate(REGISTRY["round_id"])}
    keys = sorted(groups, key=lambda g: (place[g[0]], *[(v is None, v or "") for v in g[1:]]))
    table = {c: pd.array([k[i] for k in keys], dtype="str") for i, c in enumerate(by)}
    table["n"] = pd.array([groups[k] for k in keys], dtype="Int64")
    table["failures"] = pd.array([grades[(*k, "inadequate")] for k in keys], dtype="Int64")
    for g in GRADES:
        table["n_" + g.replace(" ", "_")] = pd.array([grades[(*k, g)] for k in keys], dtype="Int64")
    table["failing"] = pd.array(["inadequate"] * len(keys), dtype="str")
    table["data_kind"] = pd.array(["synthetic" if k[0] == "t-2020" else "case-level" for k in keys], dtype="str")
    table["failures_source"] = pd.array(["counted"] * len(keys), dtype="str")
    return pd.DataFrame(table)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("by", [("round_id",), ("round_id", "force", "case_type")])
def test_same_counts_on_every_engine(synthetic, engine, by, request):
    folder, rows = synthetic
    assert set(rows["grade"]) == set(GRADES) and rows["crit_suspect_traced"].isna().any()  # the data cover both
    got = counts(folder, engine, request, by=by, failing=INADEQUATE)
    pd.testing.assert_frame_equal(got, expected_counts(rows, by))


@pytest.fixture
def bad(tmp_path):
    """Two files breaking every value rule once; expected problems, by hand, in the order load_cases lists them."""
    ok = {"case_type": "custody", "crit_suspect_traced": "pass", "synthetic": True}
    a = [("t-2020", "a0", "good", {}), ("x-1999", "a1", "good", {}), ("x-1999", "a2", "good", {}),
         ("t-2020", "a3", "excelent", {}), ("t-2020", "a4", None, {}), ("t-2021", "a5", " Adequate", {}),
         ("t-2020", "a6", "good", {"case_type": "burglary"}), ("t-2020", "a7", "good", {"crit_suspect_traced": "maybe"})]
    b = [("t-2020", "b0", "  ", {}), (None, "b1", "good", {}), ("t-2020", None, "good", {})]
    for name, rows in (("a.parquet", a), ("b.parquet", b)):
        write(tmp_path, name, {"round_id": [r[0] for r in rows], "case_id": [r[1] for r in rows],
                               "grade": [r[2] for r in rows],
                               **{c: [r[3].get(c, v) for r in rows] for c, v in ok.items()}})

    def p(file, row, column, value, rule, last=None):
        return Problem(file, row, column, value, CASE_RULE[rule].expected, last, identifier=column == "case_id")

    return tmp_path, [  # sorted by file and row, as load_cases lists them
        p("a.parquet", 3, "round_id", "x-1999", "round_id_unknown", 4),  # parquet rows 1-2: one run
        p("a.parquet", 5, "grade", "excelent", "grade_unknown"),
        p("a.parquet", 6, "grade", "", "grade_empty"),
        p("a.parquet", 7, "grade", " Adequate", "grade_off_scale"),  # t-2021 is on the 3-point scale
        p("a.parquet", 8, "case_type", "burglary", "case_type_unknown"),
        p("a.parquet", 9, "crit_suspect_traced", "maybe", "criterion_unknown"),
        p("b.parquet", 2, "grade", "  ", "grade_empty"),  # whitespace only is empty
        p("b.parquet", 3, "round_id", "", "round_id_empty"),
        p("b.parquet", 4, "case_id", "", "case_id_empty"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_same_problems_on_every_engine(bad, engine, request):
    folder, expected = bad
    assert problems(folder, engine, request) == (expected, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_same_duplicate_problems_on_every_engine(synthetic, tmp_path, engine, request):
    folder, _ = synthetic
    copy = tmp_path / "cases"
    copy.mkdir()
    for f in folder.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    first = pq.read_table(folder / "part-0.parquet").slice(0, 1)  # case 0-0 again, in part-9 (sorted last)
    pq.write_table(first, copy / "part-9.parquet")
    rid = first.column("round_id")[0].as_py()
    text = CASE_RULE["case_id_duplicate"].expected.format(round_id=rid)
    assert problems(copy, engine, request) == ([
        Problem("part-0.parquet", 2, "case_id", "0-0", text + " (also at part-9.parquet row 2)", identifier=True),
        Problem("part-9.parquet", 2, "case_id", "0-0", text + " (also at part-0.parquet row 2)", identifier=True)], 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_same_missing_column_problems_on_every_engine(tmp_path, engine, request):
    write(tmp_path, "a.parquet", {"round_id": ["t-2020"], "case_id": ["1"]})
    write(tmp_path, "b.parquet", {"round_id": ["t-2020"], "case_id": ["2"]})
    hint = CASE_RULE["column_missing"].expected
    # one problem per file, at the header row (1), listing the file's headings
    assert problems(tmp_path, engine, request) == ([
        Problem("a.parquet", 1, "grade", None, f"a column 'grade'{hint}; headings found: round_id, case_id"),
        Problem("b.parquet", 1, "grade", None, f"a column 'grade'{hint}; headings found: round_id, case_id")], 0)


def test_rule_sets_do_not_drift():
    # every engine applies exactly the rules of schema.CASE_RULES; pandas adds only the spreadsheet-layout ones
    names = tuple(rule.name for rule in CASE_RULES)
    assert duckdb_engine.RULES == names
    assert spark_engine.RULES == names
    assert set(checks.RULES) == set(names) | set(SPREADSHEET_RULES)
    assert not set(SPREADSHEET_RULES) & set(names)
    # and every rule's text is the one problems give on every path (the pandas loader takes them from CASE_RULE)
    assert {r.kind for r in CASE_RULES} == set(duckdb_engine.DuckDBDataset.kinds) == set(spark_engine.SparkDataset.kinds)


@pytest.mark.spark
def test_spark_dataframe_not_read_from_files(spark):
    rows = [("t-2020", "1", "good"), ("t-2020", "2", "inadequate"), ("t-2021", "3", "requires improvement")]
    frame = spark.createDataFrame(rows, "round_id string, case_id string, grade string")
    # by hand: t-2021 (registry first) 1 case, 0 inadequate; t-2020 2 cases, 1 inadequate
    got = to_counts(frame, failing=INADEQUATE, rounds=REGISTRY)
    assert got[["round_id", "n", "failures"]].values.tolist() == [["t-2021", 1, 0], ["t-2020", 2, 1]]
    pd.testing.assert_frame_equal(got, to_counts(pd.DataFrame(rows, columns=["round_id", "case_id", "grade"]),
                                                 failing=INADEQUATE, rounds=REGISTRY))
    bad = spark.createDataFrame([*rows, ("t-2020", "4", "excelent")], "round_id string, case_id string, grade string")
    with pytest.raises(AuditDataError) as exc:
        to_counts(bad, rounds=REGISTRY)
    # no file, no row to name: the value and the DataFrame only
    assert exc.value.problems == [Problem("Spark DataFrame", None, "grade", "excelent", CASE_RULE["grade_unknown"].expected)]


def test_engine_errors(tmp_path):
    with pytest.raises(ValueError, match="engine must be one of duckdb, spark, got 'dask'"):
        to_counts(tmp_path, engine="dask", rounds=REGISTRY)
    with pytest.raises(ValueError, match="applies to a path"):
        to_counts(pd.DataFrame({"round_id": ["t-2020"], "case_id": ["1"], "grade": ["good"]}), engine="duckdb")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_report_counts_a_dataset_on_every_engine(tmp_path, engine, request):
    from inspection_analysis.cli import main

    if engine == "spark":
        request.getfixturevalue("spark")  # the session the report then finds active
    # 40 case files of the registered round mps-2018 in two files: 25 inadequate, 15 good (synthetic, made up here)
    grades, ids = ["inadequate"] * 25 + ["good"] * 15, [f"c{i}" for i in range(40)]
    for k, part in enumerate((slice(0, 22), slice(22, 40))):
        write(tmp_path / "cases", f"part-{k}.parquet",
              {"round_id": ["mps-2018"] * len(ids[part]), "case_id": ids[part], "grade": grades[part]})
    out = tmp_path / "out"
    assert main(["report", "--no-notebooks", "--out", str(out), "--cases", str(tmp_path / "cases"),
                 "--engine", engine]) == 0
    rates = pd.read_csv(out / "reports" / "rates.csv").set_index("round_id")
    assert rates.loc["mps-2018", ["n", "failures"]].tolist() == [40, 25]  # the case files replace the published 303
    assert rates.loc["mps-2016", ["n", "failures"]].tolist() == [374, 278]  # published, as quoted
