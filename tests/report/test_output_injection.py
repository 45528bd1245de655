"""Outputs that cannot carry an attack (issue #13): round labels crafted as attacks, through the real command.

Two labels of the shipped registry are replaced: the 2016 inspection by a CSV
formula (OWASP's example ``=cmd|' /C calc'!A0``), the 2018 review by raw
HTML, a Markdown cell break, a link, emphasis and a line break. The report is
then run on that copy of the data and every output is read back as its
reader would: each CSV by a CSV parser (no text cell may start a formula),
``summary.md`` as Markdown (no raw HTML, one table row per round), the HTML
page (no script), and ``tables.xlsx`` (the label is a text cell, not a
formula). The expected forms are written out by hand.
"""

import csv
import os
import re
import shutil
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from inspection_analysis import paths

pytestmark = pytest.mark.slow

FORMULA = "=cmd|' /C calc'!A0"
MARKUP = "<script>alert(1)</script> | [x](http://evil.example) *b*\nrow"
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inject")
    root = tmp / "project"
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    (root / "data" / "raw").mkdir()
    registry = root / "data" / "rounds.csv"
    rounds = pd.read_csv(registry, dtype=str, keep_default_na=False)
    rounds.loc[rounds["round_id"] == "mps-2016", "label"] = FORMULA
    rounds.loc[rounds["round_id"] == "mps-2018", "label"] = MARKUP
    rounds.to_csv(registry, index=False)
    res = subprocess.run([sys.executable, "-m", "inspection_analysis.cli", "report", "--no-notebooks", "--data",
                          str(root / "data"), "--out", str(tmp / "out")], capture_output=True, text=True,
                         env={**os.environ, "MPLBACKEND": "Agg", "INSPECTION_ANALYSIS_HOME": str(root)}, timeout=300)
    assert res.returncode == 0, res.stderr
    return tmp / "out"


def test_no_csv_cell_starts_a_formula(out):
    files = sorted((out / "reports").glob("*.csv")) + sorted((out / "figures").glob("*.csv"))
    assert len(files) >= 5 + 9  # summary, rates, comparisons, p_chart, funnel; one per figure
    seen = 0
    for path in files:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for cell in row:
                    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert NUMBER.fullmatch(cell), f"{path.name}: {cell!r}"
                    seen += cell.startswith("'=cmd")
    assert seen > 0
    rates = pd.read_csv(out / "reports" / "rates.csv").set_index("round_id")
    assert rates.loc["mps-2016", "label"] == "'" + FORMULA
    assert rates.loc["mps-2018", "rate"] == pytest.approx(210 / 303)  # the numbers are untouched


def test_markdown_carries_no_markup(out):
    md = (out / "reports" / "summary.md").read_text()
    assert "<script" not in md and "](http://evil" not in md and "*b*" not in md
    assert "&lt;script>alert(1)&lt;/script> \\| [x]\\(http://evil.example) \\*b\\*<br>row" in md
    # Every table keeps one line per row, with as many cells as its heading.
    for block in re.findall(r"(?:^\|.*\|\n)+", md, flags=re.M):
        counts = {len(re.findall(r"(?<!\\)\|", line)) for line in block.splitlines()}
        assert len(counts) == 1, block
    rates = md.split("## Failure rate by round")[1].split("##")[0]
    assert len([line for line in rates.splitlines() if line.startswith("|")]) == 2 + 6  # heading, rule, 6 rounds


def test_html_carries_no_script(out):
    page = (out / "reports" / "report.html").read_text()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="http://evil' not in page


def test_workbook_writes_the_label_as_text(out):
    wb = openpyxl.load_workbook(out / "reports" / "tables.xlsx")
    cells = [c for row in wb["Table_1"].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" and c.hyperlink is None for c in cells)
    links = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.hyperlink is not None and "evil" in str(c.hyperlink.target)]
    assert not links
