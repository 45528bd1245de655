"""End-to-end tests of ``inspection-analysis report`` (run in a subprocess).

Independent references: the published counts quoted in
data/published/published_counts.csv (2016: "A review of 374 cases found 278 ...",
so 278/374 = 0.743316 by hand; 2018: "good in 93, required improvement in 127
and was inadequate in 83", so (127 + 83)/303 = 210/303 = 0.693069 by hand).
Library numbers (Wilson limits, Newcombe limits) are recomputed through the
library's public API and compared with the CSV the command wrote.
"""

import shutil

import openpyxl
import pandas as pd
import pytest

from inspection_analysis import paths
from inspection_analysis.report.run import run_report

pytestmark = pytest.mark.slow

FIGURES = ["01_grade_distribution", "02_failure_rate", "03_change_from_baseline", "04_power_curve", "05_p_chart",
           "06_funnel", "07_assessor_agreement", "08a_synthetic_criteria", "08b_synthetic_case_types",
           "09_monitoring_p_chart", "10_run_chart", "11_funnel_overdispersion", "12_sequential", "13_synthetic_cusum"]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, cli):
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    ra = cli("report", "--no-notebooks", "--out", str(a))
    rb = cli("report", "--no-notebooks", "--out", str(b))
    return a, b, ra, rb


def test_report_writes_every_file(two_runs):
    a, _, ra, _ = two_runs
    assert ra.returncode == 0, ra.stderr
    for name in FIGURES:
        for ext in ("png", "svg", "csv", "txt"):
            assert (a / "figures" / f"{name}.{ext}").is_file(), f"{name}.{ext}"
        text = (a / "figures" / f"{name}.txt").read_text()
        assert text.strip() and "\n\n" not in text.strip()
    for name in ("summary.csv", "summary.md", "report.html", "rates.csv", "comparisons.csv", "tables.xlsx"):
        assert (a / "reports" / name).is_file(), name
    assert "[1/6]" in ra.stderr and "[5/6]" in ra.stderr


def test_numbers_match_published_and_library(two_runs):
    from inspection_analysis.stats import diff_ci, rate_ci

    a = two_runs[0]
    rates = pd.read_csv(a / "reports" / "rates.csv").set_index("round_id")
    assert rates.loc["mps-2016", "rate"] == pytest.approx(0.743316, abs=1e-6)  # 278/374 by hand
    assert rates.loc["mps-2018", "rate"] == pytest.approx(0.693069, abs=1e-6)  # 210/303 by hand
    assert (rates.loc["mps-2016", ["n", "failures"]] == [374, 278]).all()
    assert pd.isna(rates.loc["mps-2017-q2", "rate"]) and rates.loc["mps-2017-q2", "n"] == 170  # not published
    ci = rate_ci(278, 374)
    assert rates.loc["mps-2016", ["ci_low", "ci_high"]].tolist() == pytest.approx([ci.low, ci.high])
    summary = pd.read_csv(a / "reports" / "summary.csv")
    verdict = summary[summary["section"] == "verdict"].iloc[0]
    d = diff_ci(210, 303, 278, 374)
    assert verdict["estimate"] == pytest.approx(210 / 303 - 278 / 374)
    assert [verdict["ci_low"], verdict["ci_high"]] == pytest.approx([d.low, d.high])
    assert verdict["result"] == "no"
    plotted = pd.read_csv(a / "figures" / "02_failure_rate.csv").set_index("round_id")
    assert plotted.loc["mps-2016", "rate"] == pytest.approx(278 / 374)


def test_verdict_in_terminal_and_html(two_runs):
    a, _, ra, _ = two_runs
    sentence = ra.stdout.strip().splitlines()[0]
    assert "278 of 374" in sentence
    page = (a / "reports" / "report.html").read_text()
    assert sentence.replace("'", "&#x27;") in page
    assert "SYNTHETIC" in page and "170" in page
    assert "http" not in page.split('<h2 id="provenance">')[0].replace('src="data:', "")  # nothing fetched
    assert "<script" not in page and "stylesheet" not in page
    assert page.count('<img src="data:image/png;base64,') == len(FIGURES)
    assert "A review of 374 cases found 278" in page  # the source quote


def test_summary_md_in_words(two_runs):
    md = (two_runs[0] / "reports" / "summary.md").read_text()
    lines = md.splitlines()
    assert lines[2].startswith("[Answer](#answer) · [Failure rate by round](#failure-rate-by-round)")
    assert "| Round | Case files audited | Failing (requires improvement or inadequate) | Failure rate (95% interval) |" in md
    assert "| 2016 inspection | 374 | 278 | 74.3% (69.7% to 78.5%) |" in md  # 278/374 = 74.33% by hand
    assert "| 2017 Q1 update | not published | not published | not published |" in md
    assert "p = 0.15" in md and "p < 0.001" in md and "rate_baseline" not in md
    # the source of the 2016 figure, as data/published/published_counts.csv gives it, as a link
    assert ("| mps-2016 | primary | cases 374, failing 278 | "
            "<https://www.aol.co.uk/2016/11/24/met-police-making-serious-errors-in-child-abuse-cases-inspect/> |") in md


def test_second_run_byte_identical(two_runs):
    a, b, _, rb = two_runs
    assert rb.returncode == 0, rb.stderr
    for sub, ext in (("figures", "csv"), ("figures", "svg"), ("reports", "csv"), ("reports", "md")):
        names = sorted(p.name for p in (a / sub).glob(f"*.{ext}"))
        assert names
        for name in names:
            assert (a / sub / name).read_bytes() == (b / sub / name).read_bytes(), name


def _project(tmp_path):
    """A copy of the shipped data/ in a temporary project root."""
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    (root / "data" / "raw").mkdir()
    return root


def test_case_ids_never_written(tmp_path, cli):
    root = _project(tmp_path)
    ids = [f"ZQXJ{i:05d}SECRET" for i in range(40)]
    grades = ["inadequate"] * 25 + ["good"] * 15
    incoming = tmp_path / "q.csv"
    pd.DataFrame({"round_id": "mps-2019-q1", "case_id": ids, "case_type": "other", "grade": grades}).to_csv(
        incoming, index=False)
    env = {"INSPECTION_ANALYSIS_HOME": str(root)}
    added = cli("add-quarter", str(incoming), "--round", "mps-2019-q1", "--reference-date", "2019-03-31",
                 "--assessor", "force_audit", env=env)
    assert added.returncode == 0, added.stderr
    out = tmp_path / "out"
    res = cli("report", "--no-notebooks", "--data", str(root / "data"), "--out", str(out), env=env)
    assert res.returncode == 0, res.stderr
    rates = pd.read_csv(out / "reports" / "rates.csv").set_index("round_id")
    assert rates.loc["mps-2019-q1", ["n", "failures"]].tolist() == [40, 25]  # counted from the file by hand
    for path in out.rglob("*"):
        if path.is_file():
            assert b"SECRET" not in path.read_bytes(), path
    assert "SECRET" not in res.stdout + res.stderr + added.stdout + added.stderr


def test_publish_suppresses_small_counts(tmp_path, xlsx_table, cli):
    root = _project(tmp_path)
    incoming = tmp_path / "q.csv"
    incoming.write_text("round_id,case_id,grade\n" + "".join(
        f"mps-2019-q1,A{i},{'inadequate' if i < 5 else 'good'}\n" for i in range(30)))
    env = {"INSPECTION_ANALYSIS_HOME": str(root)}
    assert cli("add-quarter", str(incoming), "--round", "mps-2019-q1", "--reference-date", "2019-03-31",
                "--assessor", "force_audit", env=env).returncode == 0
    out = tmp_path / "out"
    res = cli("report", "--no-notebooks", "--publish", "--data", str(root / "data"), "--out", str(out), env=env)
    assert res.returncode == 0, res.stderr
    rates = pd.read_csv(out / "reports" / "rates.csv", dtype=str).set_index("round_id")
    # 5 failing of 30: 5 < 10 is suppressed with its rate; n = 30 alone does not reveal it.
    assert rates.loc["mps-2019-q1", ["n", "failures", "rate"]].tolist() == ["30", "[c]", "[c]"]
    assert rates.loc["mps-2016", "failures"] == "278"
    # tables.xlsx is suppressed as the CSVs are
    wb = openpyxl.load_workbook(out / "reports" / "tables.xlsx")
    sheet = xlsx_table(wb, "Table_1").set_index("Round ID")
    assert sheet.loc["mps-2019-q1", "Case files audited\n(number)"] == 30
    assert sheet.loc["mps-2019-q1"].iloc[4:].tolist() == ["[c]"] * 4
    assert sheet.loc["mps-2016", "Case files failing\n(number)"] == 278
    assert xlsx_table(wb, "Table_6")["Case files (of 132)\n(number)"].tolist()[2] == "[c]"  # 6 of 132 agree at least
    assert "suppressed and shown as [c]" in " ".join(xlsx_table(wb, "Notes")["Note text"])
    page = (out / "reports" / "report.html").read_text()
    assert "<tr><td>mps-2019-q1</td><td>30</td><td>[c]</td><td>[c]</td></tr>" in page  # label = id here


def test_bad_options_clean_errors(tmp_path, cli):
    res = cli("report", "--no-notebooks", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    assert res.returncode == 2 and "Traceback" not in res.stderr and "not found" in res.stderr
    res = cli("report", "--failing", "nonsense")
    assert res.returncode == 2 and "invalid choice" in res.stderr
    res = cli("report", "--confidence-level", "1.5")
    assert res.returncode == 2 and "between 0 and 1" in res.stderr


def test_inadequate_only_report_runs_no_notebooks_on_another_definition(tmp_path):
    # the notebooks answer on the headline definition; beside an inadequate-only report they would give a second
    # answer, so they are not run (the verdict then compares the first round with an inadequate count, 2017 Q3)
    res = run_report(out=tmp_path, failing="inadequate")
    assert not (tmp_path / "reports" / "notebooks").exists()
    assert "were inadequate" in res.verdict_sentence and "2017 Q3 update" in res.verdict_sentence
