"""Tests of the ``inspection-analysis`` command through its entry point (subprocesses).

Independent references: the published counts (278 of 374 in 2016, quoted in
data/published/published_counts.csv), and hand calculations written out below.
The report subcommand is tested end to end in test_report.py.
"""

import math
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from inspection_analysis import paths

SUBCOMMANDS = ["report", "validate", "compare", "trend", "plan", "add-quarter", "sample", "synth"]


@pytest.mark.parametrize("sub", [None, *SUBCOMMANDS])
def test_help(sub, cli):
    res = cli(*([sub] if sub else []), "--help")
    assert res.returncode == 0 and "usage: inspection-analysis" in res.stdout


def test_help_imports_nothing_heavy():
    code = ("import sys; sys.argv = ['inspection-analysis', '--help']\n"
            "from inspection_analysis import cli\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'scipy') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip().splitlines()[-1] == "[]"


def test_version(cli):
    from importlib.metadata import version

    res = cli("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"inspection-analysis {version('inspection-analysis')}"


def test_validate_good_and_bad(tmp_path, cli):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("round_id,case_id,grade\nmps-2018,A1,good\nmps-2018,A2,inadequate\n")
    bad.write_text("round_id,case_id,grade\nmps-2018,DUPSECRET,goood\nmps-2018,DUPSECRET,good\nnope,B1,good\n")
    res = cli("validate", str(good))
    assert res.returncode == 0 and "OK (2 case files)" in res.stdout
    res = cli("validate", str(good), str(bad))
    assert res.returncode == 1
    assert "'goood'" in res.stdout and "'nope'" in res.stdout  # every problem printed
    assert "SECRET" not in res.stdout + res.stderr  # the duplicated case id is withheld
    assert "Traceback" not in res.stderr


def test_validate_a_new_quarter_before_it_is_registered(tmp_path, cli):
    new = tmp_path / "new.csv"
    new.write_text("round_id,case_id,grade\n" + "".join(f"mps-2030-q1,N{i},good\n" for i in range(5)))
    res = cli("validate", str(new))
    # one line for the five rows (spreadsheet rows 2-6) that carry the same unregistered round
    assert res.returncode == 1 and "rows 2-6, column 'round_id'" in res.stdout and "--round ID" in res.stdout
    res = cli("validate", str(new), "--round", "mps-2030-q1")
    assert res.returncode == 0 and "OK (5 case files)" in res.stdout and "not registered yet" in res.stdout
    res = cli("validate", str(new), "--round", "mps-2030-q2")  # a different round does not excuse it
    assert res.returncode == 1


def test_compare_sentence(cli):
    res = cli("compare", "--baseline", "mps-2016", "--follow-up", "mps-2018")
    assert res.returncode == 0, res.stderr
    # published: 278 of 374 (2016) and 127 + 83 = 210 of 303 (2018)
    assert "278 of 374" in res.stdout and "210 of 303" in res.stdout
    assert "no significant change" in res.stdout


def test_compare_unknown_round_is_clean_error(cli):
    res = cli("compare", "--baseline", "mps-2016", "--follow-up", "mps-1999")
    assert res.returncode == 2 and "mps-1999" in res.stderr and "Traceback" not in res.stderr


def test_trend(cli):
    res = cli("trend", "--force", "mps")
    assert res.returncode == 0, res.stderr
    assert "trial limits" in res.stdout and "2017 Q3 update" in res.stdout


def _pooled_power(p1, p2, n1, n2, alpha=0.05):
    """One-sided power of the pooled z-test, Fleiss, Levin & Paik (2003) section 4.2, written out."""
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    s0 = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    s1 = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    z_alpha = 1.6448536269514722  # qnorm(0.95) in R
    return 0.5 * (1 + math.erf(((p2 - p1) - z_alpha * s0) / s1 / math.sqrt(2)))


def test_plan_files_needed(cli):
    res = cli("plan", "--baseline", "mps-2016", "--improvement", "0.10")
    assert res.returncode == 0, res.stderr
    words = res.stdout.split()
    n = int(words[words.index("needs") + 1].replace(",", ""))
    p2 = 278 / 374  # published
    assert _pooled_power(p2 - 0.10, p2, n, 374) >= 0.8 > _pooled_power(p2 - 0.10, p2, n - 1, 374)


def test_plan_impossible_and_files(cli):
    # With 374 baseline files, as n1 -> inf: s1 -> sqrt(0.7433 * 0.2567 / 374) = 0.0226 and
    # s0 -> sqrt(0.7233 * 0.2767 / 374) = 0.0231, so the power of detecting a 2-point fall tends to
    # Phi((0.02 - 1.645 * 0.0231) / 0.0226) = Phi(-0.80) = 0.21 < 0.80: no audit size is enough.
    res = cli("plan", "--baseline", "mps-2016", "--improvement", "0.02")
    assert res.returncode == 0 and "No audit size can detect" in res.stdout
    res = cli("plan", "--baseline", "mps-2016", "--files", "170")
    assert res.returncode == 0, res.stderr
    # Worded for planning, not as the unpublished 2017 Q2 audit; 114 and 11 are checked in tests/test_sensitivity.py.
    assert res.stdout.startswith("An audit of 170 case files against 278 of 374 (74%) in the 2016 inspection would "
                                 "show a significant improvement")
    assert "only if at most 114 of the 170 files (67%)" in res.stdout
    assert "at least 11 percentage points" in res.stdout
    assert "cannot be tested" not in res.stdout and "not known from the published figures" not in res.stdout
    res = cli("plan", "--baseline", "mps-2016")
    assert res.returncode == 2 and "exactly one" in res.stderr


def test_sample_reproducible_and_stratified(tmp_path, cli):
    caselist = tmp_path / "cases.csv"
    pd.DataFrame({"case_id": [f"C{i:03d}" for i in range(100)],
                  "case_type": ["cse"] * 60 + ["missing"] * 40}).to_csv(caselist, index=False)
    a = cli("sample", str(caselist), "--n", "10", "--seed", "5", "--by", "case_type")
    b = cli("sample", str(caselist), "--n", "10", "--seed", "5", "--by", "case_type")
    assert a.returncode == 0 and a.stdout == b.stdout
    drawn = pd.read_csv(pd.io.common.StringIO(a.stdout))
    # proportional allocation by hand: 10 * 60/100 = 6 cse, 10 * 40/100 = 4 missing
    assert drawn["case_type"].value_counts().to_dict() == {"cse": 6, "missing": 4}
    out = tmp_path / "s.csv"
    res = cli("sample", str(caselist), "--n", "10", "--seed", "5", "--out", str(out))
    assert res.returncode == 0 and len(pd.read_csv(out)) == 10
    res = cli("sample", str(caselist), "--n", "101", "--seed", "5")
    assert res.returncode == 2 and "from 1 to 100" in res.stderr


def _project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    return root


def test_add_quarter_cli(tmp_path, cli):
    root = _project(tmp_path)
    env = {"INSPECTION_ANALYSIS_HOME": str(root)}
    f = tmp_path / "q.csv"
    f.write_text("round_id,case_id,grade\nmps-2019-q1,A1,good\nmps-2019-q1,A2,inadequate\n")
    res = cli("add-quarter", str(f), "--round", "mps-2019-q1", "--label", "2019 Q1", env=env)
    assert res.returncode == 2 and "a new round needs --assessor" in res.stderr
    res = cli("add-quarter", str(f), "--round", "mps-2019-q1", "--label", "2019 Q1", "--assessor", "force_audit",
               "--reference-date", "2019-03-31", env=env)
    assert res.returncode == 0, res.stderr
    assert (root / "data" / "raw" / "mps-2019-q1.csv").read_bytes() == f.read_bytes()
    res = cli("add-quarter", str(f), "--round", "mps-2019-q1", env=env)
    assert res.returncode == 0 and "nothing to do" in res.stdout  # the same add again: nothing to replace
    f.write_text("round_id,case_id,grade\nmps-2019-q1,A1,good\nmps-2019-q1,A2,good\n")
    res = cli("add-quarter", str(f), "--round", "mps-2019-q1", env=env)
    assert res.returncode == 2 and "already registered" in res.stderr
    res = cli("add-quarter", str(f), "--round", "mps-2019-q1", "--replace", env=env)
    assert res.returncode == 0 and "kept at" in res.stdout
    before = (root / "data" / "rounds.csv").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("round_id,case_id,grade\nmps-2019-q2,A1,goood\n")
    res = cli("add-quarter", str(bad), "--round", "mps-2019-q2", "--assessor", "force_audit", "--reference-date",
               "2019-06-30", env=env)
    assert res.returncode == 2 and "goood" in res.stderr and "Traceback" not in res.stderr
    assert (root / "data" / "rounds.csv").read_bytes() == before
    assert not (root / "data" / "raw" / "mps-2019-q2.csv").exists()


def test_sheet_option_for_validate_and_add_quarter(tmp_path, cli):
    # issue 13: a workbook with the quarter's cases on its second sheet; --sheet names it, and add-quarter writes it
    # into the stored mapping, so every later read (the report, compare) takes the same sheet
    import openpyxl

    root = _project(tmp_path)
    env = {"INSPECTION_ANALYSIS_HOME": str(root)}
    book = openpyxl.Workbook()
    book.active.title = "Q4 2018"
    for row in [["case_id", "grade"], ["A1", "good"]]:
        book.active.append(row)
    sheet = book.create_sheet("Q1 2019")
    for row in [["case_id", "grade"], ["B1", "inadequate"], ["B2", "good"], ["B3", "inadequate"]]:
        sheet.append(row)
    path = tmp_path / "audit workbook.xlsx"
    book.save(path)
    res = cli("validate", str(path), "--round", "mps-2019-q1", env=env)
    assert res.returncode == 1 and "'Q4 2018' (2 rows), 'Q1 2019' (4 rows)" in res.stdout + res.stderr
    res = cli("validate", str(path), "--round", "mps-2019-q1", "--sheet", "Q1 2019", env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "3 case files" in res.stdout
    added = cli("add-quarter", str(path), "--round", "mps-2019-q1", "--sheet", "Q1 2019", "--assessor", "force_audit",
                "--reference-date", "2019-03-31", env=env)
    assert added.returncode == 0, added.stderr
    assert "3 case files" in added.stdout
    stored = root / "data" / "raw" / "mps-2019-q1.mapping.toml"
    assert stored.read_text(encoding="utf-8") == 'sheet = "Q1 2019"\n'
    again = cli("add-quarter", str(path), "--round", "mps-2019-q1", "--sheet", "Q1 2019", env=env)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    res = cli("compare", "--baseline", "mps-2016", "--follow-up", "mps-2019-q1", env=env)
    assert res.returncode == 0, res.stderr
    assert "2 of 3" in res.stdout  # B1 and B3 inadequate: the second sheet, read again from the stored mapping


def test_synth_writes_into_given_root(tmp_path, cli):
    root = _project(tmp_path)
    shutil.rmtree(root / "data" / "synthetic")
    (root / "data" / "synthetic").mkdir()
    res = cli("synth", env={"INSPECTION_ANALYSIS_HOME": str(root)})
    assert res.returncode == 0, res.stderr
    written = sorted(p.name for p in (root / "data" / "synthetic").iterdir())
    assert any("synthetic" in name for name in written)
    shipped = paths.synthetic_dir() / "mps_case_files_synthetic.csv"
    assert (root / "data" / "synthetic" / shipped.name).read_bytes() == shipped.read_bytes()  # same seed, same file
