"""The report's figures after a case-level quarter is added (issues 12 and 13), on a copy of the shipped data.

The quarter is hand-made: 120 case files, 40 good, 50 requires improvement and 30 inadequate, so 80 of 120 fail
(66.7%) against 278 of 374 (74.3%) in 2016: a fall of 7.7 points, shown as "8 points" (worked by hand). Its label
holds two dollar signs, which matplotlib would read as (invalid) mathtext.
"""

import shutil
import xml.etree.ElementTree as ET

import pytest

from inspection_analysis import paths
from inspection_analysis.figures.sources import DATA_KINDS
from inspection_analysis.project.add_quarter import add_quarter
from inspection_analysis.report.run import run_report

pytestmark = pytest.mark.slow

LABEL = "2026 Q1 $x^$ audit"


def _svg_text(path) -> str:
    """Every text of an SVG, in order, joined with spaces (wrapped lines are separate <text> elements)."""
    root = ET.parse(path).getroot()
    return " ".join(" ".join("".join(el.itertext()).split()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    grades = ["good"] * 40 + ["requires improvement"] * 50 + ["inadequate"] * 30
    audit = tmp_path_factory.mktemp("in") / "audit.csv"
    audit.write_text("round_id,case_id,case_type,grade\n" + "".join(
        f"mps-2026-q1,C{i:04d},missing child,{g}\n" for i, g in enumerate(grades)))
    add_quarter(audit, "mps-2026-q1", label=LABEL, period="first quarter of 2026", reference_date="2026-03-31",
                assessor="force_audit", root=root)
    run_report(data=root / "data", out=root, notebooks=False, progress=lambda *_: None)
    return root / "figures"


def test_dollar_label_is_drawn_literally(report):
    assert LABEL in _svg_text(report / "02_failure_rate.svg")


def test_source_lines_name_both_kinds_of_data(report):
    for name in ("01_grade_distribution", "02_failure_rate", "03_change_from_baseline", "05_p_chart"):
        text = _svg_text(report / f"{name}.svg")
        assert " ".join(DATA_KINDS["published"].split()) in text, name
        assert f"{DATA_KINDS['case-level']} for {LABEL}" in text, name


def test_change_title_states_the_latest_change_as_the_verdict_does(report):
    text = _svg_text(report / "03_change_from_baseline.svg")
    assert "2026 Q1 failure rate 8 points below 2016, " in text
    # The title's "significant" or "not significant" is the verdict's, never the opposite.
    verdict = (report.parent / "reports" / "summary.md").read_text()
    significant = "which is not a significant change" not in verdict
    assert ("2016, significant" in text) is significant and ("2016, not significant" in text) is not significant


def test_funnel_keeps_like_with_like(report):
    # the 2026 round is the force's own audit: the funnel compares inspections, so the Met's point stays its
    # latest inspectorate inspection, labelled with its period and assessor
    text = _svg_text(report / "06_funnel.svg")
    assert "Metropolitan Police Service (2018 post-inspection review, inspectorate)" in text
    assert LABEL not in text
