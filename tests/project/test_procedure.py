"""The README's "Adding a new quarter's audit", run as written, by a new analyst, in a copy of the project.

The spreadsheet is what an audit team sends: its own headings ("Case Ref",
"Case Type", "Overall Grade", criterion columns with "Y"/"N"/"N/A"), "RI" for
requires improvement, extra columns (auditor, comments with a line break), no
round column, and a file name with spaces. After the procedure, the new
round's numbers must be the same in summary.csv, the `compare` and `trend`
output and the executed notebooks 03 and 04.

Expected values, by hand: 40 case files, 10 good, 18 requires improvement
and 12 inadequate, so 30 of 40 fail (75%). Against 278 of 374 (74.3316%) in
2016 (HMIC, quoted in data/published/published_counts.csv), the difference is
0.75 - 0.743316 = +0.006684, a rise of 1 percentage point.
"""

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inspection_analysis import paths

pytestmark = pytest.mark.slow

ROUND, LABEL = "mps-2026-q1", "2026 Q1 force audit"
GRADES = ["Good"] * 10 + ["RI"] * 18 + ["Inadequate"] * 12


def _procedure(readme: Path) -> list[str]:
    text = readme.read_text(encoding="utf-8")
    block = re.search(r"<!-- procedure:start -->\n```bash\n(.*?)```\n<!-- procedure:end -->", text, re.S)
    assert block, f"{readme} has no procedure block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _spreadsheet(path: Path) -> None:
    types = ["DA", "CSE", "Missing", "Online", "SOM"]
    frame = pd.DataFrame({
        "Case Ref": [f"MPS/26/{i:04d}" for i in range(1, 41)],
        "Case Type": [types[i % 5] for i in range(40)],
        "Overall Grade": GRADES[1::2] + GRADES[::2],  # the same 40 grades, interleaved
        "Victim visited promptly": [["Y", "N", "N/A"][i % 3] for i in range(40)],
        "Suspect traced": [["Yes", "No"][i % 2] for i in range(40)],
        "Auditor": ["J. Smith", "A. Khan"] * 20,
        "Comments": ["file reviewed\nsecond line"] + [""] * 39,
    })
    frame.to_excel(path, index=False, sheet_name="Audit")


@pytest.fixture(scope="module")
def analyst(tmp_path_factory):
    """Copy the project, write the team's spreadsheet, and run the README procedure line by line."""
    root = tmp_path_factory.mktemp("analyst") / "project"
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    (root / "data" / "raw").mkdir()
    shutil.copytree(paths.project_root() / "notebooks", root / "notebooks")
    _spreadsheet(root / "Q1 2026 audit.xlsx")
    env = {**os.environ, "INSPECTION_ANALYSIS_HOME": str(root), "MPLBACKEND": "Agg"}
    bin_dir = Path(sys.executable).parent
    outputs = {}
    for line in _procedure(paths.project_root() / "README.md"):
        args = shlex.split(line)
        if args[:2] == ["make", "report"]:
            args = [".venv/bin/inspection-analysis", "report"]  # what `make report` runs, once set up
        if args[0].startswith(".venv/bin/"):
            args[0] = str(bin_dir / args[0].removeprefix(".venv/bin/"))
        res = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, f"{line}\n{res.stdout}\n{res.stderr}"
        outputs[Path(args[0]).name + " " + args[1]] = res
    trend = subprocess.run([str(bin_dir / "inspection-analysis"), "trend"], cwd=root, env=env, capture_output=True,
                           text=True, timeout=300)
    assert trend.returncode == 0, trend.stderr
    return root, outputs, trend.stdout


def test_readme_and_data_readme_give_one_procedure():
    assert _procedure(paths.project_root() / "README.md") == _procedure(paths.data_dir() / "README.md")


def test_summary_csv_has_the_new_round(analyst):
    root, _, _ = analyst
    summary = pd.read_csv(root / "reports" / "summary.csv")
    rate = summary[(summary["section"] == "rate") & (summary["round_id"] == ROUND)].iloc[0]
    assert (rate["label"], rate["n"], rate["failures"]) == (LABEL, 40, 30)
    assert rate["estimate"] == pytest.approx(0.75)
    verdict = summary[summary["section"] == "verdict"].iloc[0]
    assert verdict["round_id"] == f"mps-2016 -> {ROUND}"  # the latest round is the new one
    assert verdict["estimate"] == pytest.approx(0.75 - 278 / 374)  # +0.006684
    assert verdict["result"] == "no"


def _sentence(root) -> str:
    """The library's sentence for 2016 against the new round, as the report's comparisons table holds it."""
    comparisons = pd.read_csv(root / "reports" / "comparisons.csv")
    row = comparisons[(comparisons["baseline"] == "mps-2016") & (comparisons["follow_up"] == ROUND)].iloc[0]
    return row["sentence"]


def test_compare_output_agrees(analyst):
    root, outputs, _ = analyst
    out = outputs["inspection-analysis compare"].stdout
    sentence = _sentence(root)
    assert sentence.startswith(f"In the {LABEL} 30 of 40 case files (75%")
    assert "a rise of 1 percentage point" in sentence and "not a significant change" in sentence
    assert sentence in out
    table = out.splitlines()[1].split()
    assert table[:2] == ["mps-2016", ROUND] and float(table[4]) == 40 and float(table[6]) == pytest.approx(0.0067)


def test_trend_output_agrees(analyst):
    root, _, trend = analyst
    row = next(line for line in trend.splitlines() if line.strip().startswith(LABEL))
    assert row.split()[len(LABEL.split()):][:2] == ["40", "0.7500"]
    summary = pd.read_csv(root / "reports" / "summary.csv")
    pvalue = summary.loc[summary["section"] == "trend", "pvalue"].iloc[0]
    assert f"finds no significant linear trend (p = {pvalue:.2f};" in trend  # the report's trend p-value, as printed


def _notebook_text(path: Path) -> str:
    """The text a reader sees: of a rendered notebook page (HTML), or of an executed notebook's outputs."""
    if path.suffix == ".html":
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))).split())
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            parts += output.get("text", [])
            for value in output.get("data", {}).values():
                parts += value if isinstance(value, list) else [str(value)]
    return " ".join("".join(parts).split())


@pytest.mark.parametrize("notebook", ["notebooks/03_has_improvement_occurred.html",
                                      "notebooks/04_new_quarter.html", "04_mps-2026-q1.ipynb"])
def test_executed_notebooks_agree(analyst, notebook):
    root, _, _ = analyst
    text = _notebook_text(root / "reports" / notebook)
    sentence = " ".join(_sentence(root).split())
    assert sentence.split(":")[0] in text  # the new round: 30 of 40 (75%, CI) against 278 of 374
    assert "a rise of 1 percentage point" in text and "not a significant change" in text
