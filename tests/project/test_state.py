"""load_project: one state of the data folder, the same for the report and every CLI subcommand.

The new round's counts are written out by hand from the file below (2 case
files, 1 inadequate); nothing is taken from the code under test.
"""

import shutil

import pytest

from inspection_analysis import paths
from inspection_analysis.project.add_quarter import add_quarter
from inspection_analysis.project.state import load_project

NEW = "round_id,case_id,case_type,grade\nmps-2019-q1,Q1,domestic abuse,good\nmps-2019-q1,Q2,other,inadequate\n"


@pytest.fixture
def project(tmp_path):
    shutil.copytree(paths.data_dir(), tmp_path / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv"))
    src = tmp_path / "incoming.csv"
    src.write_text(NEW)
    add_quarter(src, "mps-2019-q1", label="2019 Q1 audit", assessor="inspectorate", reference_date="2019-03-31",
                root=tmp_path)
    return tmp_path / "data"


def test_a_recorded_case_level_round_joins_the_counts(project):
    state = load_project(project)
    row = state.counts.set_index("round_id").loc["mps-2019-q1"]
    assert (int(row["n"]), int(row["failures"]), row["data_kind"]) == (2, 1, "case-level")
    assert state.case_level_rounds == ["mps-2019-q1"]
    published = state.counts.set_index("round_id").loc["mps-2016"]
    assert (int(published["n"]), int(published["failures"])) == (374, 278)  # HMIC 2016: 278 of 374


def test_compare_and_trend_see_the_new_round(project, cli):
    res = cli("compare", "--data", str(project), "--baseline", "mps-2016", "--follow-up", "mps-2019-q1")
    assert res.returncode == 0, res.stderr
    assert "mps-2019-q1" in res.stdout
    res = cli("trend", "--data", str(project))
    assert res.returncode == 0, res.stderr
    assert "2019 Q1 audit" in res.stdout
    left_out = [line for line in res.stdout.splitlines() if "left out" in line]
    assert left_out and all("2019 Q1 audit" not in line for line in left_out)
    assert "2019 Q1 audit   2 0.5000" in res.stdout  # 1 of 2 files failing, counted by hand
