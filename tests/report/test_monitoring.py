"""Tests for report.monitoring on the shipped data: the section never contradicts the pairwise
comparisons, states which limits it drew and why, and labels the CUSUM synthetic.

References: the published counts (278 of 374 in 2016; 125/135, 191/214 and 210/303 later) and the
pairwise verdicts of compare_rounds, which tests/analysis/test_compare.py checks against R.
"""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from inspection_analysis.project.state import load_project  # noqa: E402
from inspection_analysis.report.monitoring import monitoring_section  # noqa: E402
from inspection_analysis.report.run import FORCE, _compute  # noqa: E402


@pytest.fixture(scope="module")
def section(tmp_path_factory):
    inputs = load_project()
    out = tmp_path_factory.mktemp("figures")
    results, files = monitoring_section(inputs, _compute(inputs, 0.95, FORCE), FORCE, out)
    return results, files, out


def test_section_agrees_with_the_pairwise_comparisons(section):
    results, _, _ = section
    mon, comp = results["monitoring"], results["comparisons"]
    from_base = comp[comp["kind"] == "from baseline"].set_index("follow_up")["verdict"]
    assert mon["agreement"]["agree"].all()
    chart = mon["chart"].table.set_index("round_id")["point_type"]
    for rid, verdict in from_base.items():
        if verdict == "significant improvement":
            assert chart[rid] == "improvement"
        elif verdict == "significant deterioration":
            assert chart[rid] == "concern"
        else:
            assert chart[rid] == "common cause"
    # no improvement is claimed anywhere the pairwise tests find none (2018 against 2016: p = 0.15)
    assert not mon["sequential"].crossing.crossed
    assert mon["status"].variation == "common_cause"
    assert "improvement" not in mon["chart"].sentence


def test_section_states_which_limits_and_why(section):
    results, _, _ = section
    md, page = results["monitoring_markdown"], results["monitoring_html"]
    assert "**Which limits, and why.** Limits: the question is change since the 2016 inspection" in md
    assert "Plain 3-sigma p limits (binomial): Laney's p' needs at least 12 baseline rounds" in md
    assert "Wilson-score limits" in md and "O'Brien-Fleming" in md
    assert '<section id="monitoring">' in page and "Plain 3-sigma p limits (binomial)" in page
    svg = (section[2] / "09_monitoring_p_chart.svg").read_text()
    assert "3-sigma p limits from the 2016 inspection" in svg  # the subtitle names the limits drawn


def test_figures_written_and_cusum_labelled_synthetic(section):
    results, files, out = section
    names = sorted({p.stem for p in files})
    assert names == ["09_monitoring_p_chart", "10_run_chart", "11_funnel_overdispersion", "12_sequential",
                     "13_synthetic_cusum"]
    assert (out / "13_synthetic_cusum.txt").read_text().startswith("SYNTHETIC DATA")
    assert "SYNTHETIC" in results["monitoring_markdown"].split("Bernoulli CUSUM")[1]
    csv = (out / "13_synthetic_cusum.csv").read_text()
    assert "case_id" not in csv and "SYN-" not in csv  # no case identifiers
