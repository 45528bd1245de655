"""Tests for figures and style: the returned objects and the CSV of plotted numbers.

Inputs are small hand-made frames; expected shares and labels are worked out
by hand in the comments (the published counts are quoted in
data/published/published_counts.csv).
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from inspection_analysis import figures as F  # noqa: E402
from inspection_analysis.figures.style import CATEGORICAL, GREY, new_figure, save_figure  # noqa: E402

NA = pd.NA


def _colours(ax):
    """Distinct data colours (patch faces and line colours), ignoring white and black."""
    found = {to_hex(p.get_facecolor()) for p in ax.patches}
    found |= {to_hex(line.get_color()) for line in ax.lines}
    for coll in ax.collections:
        found |= {to_hex(c) for c in coll.get_edgecolor()} | {to_hex(c) for c in coll.get_facecolor()}
    return found - {"#ffffff", "#000000"}


def _counts():
    # Published: 2016 374 files, 278 RI or inadequate (no split); 2017 Q2 170 files,
    # no grades; 2017 Q3 135 = 10 good + 64 RI + 61 inadequate.
    return pd.DataFrame({
        "label": ["2016", "2017 Q2", "2017 Q3"],
        "n": pd.array([374, 170, 135], dtype="Int64"),
        "failures": pd.array([278, NA, 125], dtype="Int64"),
        "n_good": pd.array([NA, NA, 10], dtype="Int64"),
        "n_adequate": pd.array([NA, NA, 0], dtype="Int64"),
        "n_requires_improvement": pd.array([NA, NA, 64], dtype="Int64"),
        "n_inadequate": pd.array([NA, NA, 61], dtype="Int64"),
    })


def test_grade_distribution_segments_and_gap():
    fig, ax = F.grade_distribution(_counts(), title="Most case files failed in every round", subtitle="Share")
    widths = sorted(round(p.get_width(), 4) for p in ax.patches)
    # 2016: 96/374 = 0.2567, 278/374 = 0.7433; 2017 Q3: 10/135 = 0.0741,
    # 64/135 = 0.4741, 61/135 = 0.4519 (adequate 0 is not drawn); Q2: no bar.
    assert widths == [0.0741, 0.2567, 0.4519, 0.4741, 0.7433]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2  # the two-segment round is hatched
    texts = [t.get_text() for t in ax.texts]
    assert "170 files audited \u2014 grades not published" in texts
    assert "74%" in texts  # 278/374 = 74.3%
    assert len(_colours(ax)) <= 4
    assert fig.texts[0].get_text() == "Most case files failed in every round"
    assert ax.get_legend() is None
    matplotlib.pyplot.close(fig)


def test_failure_rates_marks_unpublished():
    rates = pd.DataFrame({"label": ["2016", "2017 Q2", "2018"], "n": [374, 170, 303],
                          "rate": [278 / 374, None, 210 / 303], "ci_low": [0.70, None, 0.64],
                          "ci_high": [0.78, None, 0.74]})
    fig, ax = F.failure_rates(rates, title="Failure rate fell by 2018", subtitle="n")
    # 278/374 = 74.3% -> '74%'; 210/303 = 69.3% -> '69%'
    assert [t.get_text() for t in ax.texts] == ["74%", "170 files: not published", "69%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2016", "2017 Q2", "2018"]
    assert len(_colours(ax)) <= 4
    matplotlib.pyplot.close(fig)


def test_failure_rates_wraps_six_round_labels():
    # The six MPS rounds of data/rounds.csv; textwrap at 12 characters, by hand: "2016 inspection" (15) ->
    # "2016" + "inspection"; "2017 Q1 update" (14) -> "2017 Q1" + "update"; "2018 post-inspection review"
    # -> "2018 post-" (breaking after the hyphen) + "inspection" + "review".
    labels = ["2016 inspection", "2017 Q1 update", "2017 Q2 update", "2017 Q3 update", "2017 Q4 update",
              "2018 post-inspection review"]
    rates = pd.DataFrame({"label": labels, "n": [374, None, 170, 135, 214, 303],
                          "rate": [0.74, None, None, 0.93, 0.89, 0.69], "ci_low": [0.70, None, None, 0.87, 0.84, 0.64],
                          "ci_high": [0.78, None, None, 0.96, 0.92, 0.74]})
    fig, ax = F.failure_rates(rates, title="No significant fall since 2016", subtitle="n")
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2016\ninspection", "2017 Q1\nupdate", "2017 Q2\nupdate", "2017 Q3\nupdate", "2017 Q4\nupdate",
        "2018 post-\ninspection\nreview"]
    assert max(len(line) for t in ax.get_xticklabels() for line in t.get_text().split("\n")) <= 12
    assert [t.get_text() for t in ax.texts if "not published" in t.get_text()] == [
        "not published", "170 files: not published"]
    matplotlib.pyplot.close(fig)


def test_change_forest_zero_line_and_labels():
    changes = pd.DataFrame({"label": ["2017 Q3", "2018"], "difference": [0.185, -0.050],
                            "difference_low": [0.11, -0.12], "difference_high": [0.25, 0.02]})
    fig, ax = F.change_forest(changes, title="No significant improvement on 2016", subtitle="n")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["+18.5 pp", "-5.0 pp", "no change"]
    ticks = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    assert ticks["2017 Q3"] > ticks["2018"]  # first row drawn at the top
    assert any(tuple(line.get_xdata()) == (0, 0) for line in ax.lines)
    matplotlib.pyplot.close(fig)


def test_power_curve_marks_n():
    curve = pd.DataFrame({"n": [50, 100, 170, 500], "min_detectable_improvement": [0.24, 0.17, 0.135, 0.09]})
    fig, ax = F.power_curve(curve, 170, title="An audit of 170 detects only large falls", subtitle="n")
    assert ax.texts[0].get_text() == "170 files: 14 pp"  # 0.135 = 13.5 pp, shown to 0 dp
    with pytest.raises(ValueError, match="mark_n 171"):
        F.power_curve(curve, 171, title="t", subtitle="s")
    matplotlib.pyplot.close("all")


def test_p_chart_special_causes_distinguished_by_marker():
    chart = pd.DataFrame({"label": ["a", "b", "c"], "rate": [0.74, 0.93, 0.80], "centre": [0.8] * 3,
                          "lcl": [0.76, 0.72, 0.74], "ucl": [0.84, 0.88, 0.86],
                          "special_cause": ["improvement", "concern", "common cause"]})
    fig, ax = F.p_chart_figure(chart, "Trial limits: fewer than 12 points", title="Special causes", subtitle="n")
    markers = {line.get_marker(): len(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "None"}
    assert markers == {"o": 1, "D": 2}
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("special cause: improvement") == 1 and texts.count("special cause: concern") == 1
    assert "Trial limits: fewer than 12 points" in [t.get_text() for t in fig.texts]
    assert len(_colours(ax)) <= 4
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match=r"special_cause.*\[True\]"):
        F.p_chart_figure(chart.assign(special_cause=True), title="t", subtitle="s")


def test_p_chart_figure_takes_the_p_chart_result_as_it_is():
    from inspection_analysis.analysis.pchart import p_chart

    # Seven rounds of 100 files; the last (30 of 100) lies far below the lower limit (hand, tests/test_monitor.py:
    # centre 450/700 = 0.642857, LCL 0.4991): a special cause signalling improvement; 7 < 12 points: trial limits.
    counts = pd.DataFrame({"round_id": [f"r{i}" for i in range(7)], "n": [100] * 7,
                           "failures": [70, 72, 68, 71, 69, 70, 30]})
    reg = pd.DataFrame({"round_id": counts["round_id"], "force": "x", "reference_date": [f"201{i}" for i in range(7)]})
    result = p_chart(counts, force="x", rounds=reg, laney=False)
    fig, ax = F.p_chart_figure(result, title="One round signals improvement", subtitle="n")
    markers = {line.get_marker(): len(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "None"}
    assert markers == {"o": 6, "D": 1}
    assert [t.get_text() for t in ax.texts].count("special cause: improvement") == 1
    notes = [t.get_text() for t in fig.texts if "trial limits" in t.get_text()]
    assert notes == ["Only 7 rounds: these are trial limits (NHS Making Data Count advises at least 12 points "
                     "before limits are relied on)."]
    matplotlib.pyplot.close(fig)
    fig, _ = F.p_chart_figure(result.table, title="One round signals improvement", subtitle="n")
    assert not any("trial limits" in t.get_text() for t in fig.texts)  # a bare table carries no warnings
    matplotlib.pyplot.close(fig)


def test_funnel_labels_outliers_only():
    points = pd.DataFrame({"group": ["Dorset", "Thames Valley", "Hampshire"], "n": [31, 70, 30],
                           "rate": [21 / 31, 51 / 70, 18 / 30], "outlier": ["", "above 95%", ""]})
    limits = pd.DataFrame({"n": [20, 80], "centre": [0.65, 0.65], "low_95": [0.44, 0.55], "high_95": [0.86, 0.75],
                           "low_998": [0.32, 0.48], "high_998": [0.98, 0.82]})
    fig, ax = F.funnel_figure(points, limits, title="One force outside the funnel", subtitle="n")
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("95%") == 2 and texts.count("99.8%") == 2
    assert "Thames Valley" in texts and "Dorset" not in texts
    assert len(_colours(ax)) <= 4
    matplotlib.pyplot.close(fig)


def test_assessor_figure():
    # Published: HMIC 76% RI or inadequate; the force ~80% good or adequate -> 20% failing.
    m = pd.DataFrame({"assessor": ["Inspectorate", "Force"], "rate": [0.76, 0.20]})
    fig, ax = F.assessor_figure(m, 0.44, 0.24 + 0.20, title="The force and inspectorate graded differently",
                                subtitle="n = 132")
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.76, 0.20]
    assert len({p.get_hatch() for p in ax.patches}) == 2
    with pytest.raises(ValueError, match="agreement bounds"):
        F.assessor_figure(m, 0.5, 0.4, title="t", subtitle="s")
    matplotlib.pyplot.close("all")


def test_synthetic_stamp_and_round_limit():
    r = pd.DataFrame({"criterion": ["a", "a", "b", "b"], "label": ["2016", "2018"] * 2, "rate": [0.8, 0.7, 0.5, 0.4],
                      "ci_low": [0.7, 0.6, 0.4, 0.3], "ci_high": [0.9, 0.8, 0.6, 0.5]})
    fig, ax = F.synthetic_dot_plot(r, "criterion", title="Synthetic criteria", subtitle="made up", source="s")
    assert fig.texts[1].get_text().startswith("SYNTHETIC DATA")
    assert any(t.get_text() == "SYNTHETIC DATA" for t in fig.texts[3:])
    assert {to_hex(line.get_color()) for line in ax.lines if line.get_marker() in "os"} == {CATEGORICAL[0].lower(),
                                                                                          GREY.lower()}
    five = pd.concat([r.assign(label=str(y)) for y in range(5)])
    with pytest.raises(ValueError, match="at most four rounds"):
        F.synthetic_dot_plot(five, "criterion", title="t", subtitle="s", source="s")
    matplotlib.pyplot.close("all")


def test_missing_column_and_empty():
    with pytest.raises(ValueError, match="lacks column"):
        F.failure_rates(pd.DataFrame({"label": ["a"]}), title="t", subtitle="s")
    with pytest.raises(ValueError, match="no rows"):
        F.failure_rates(pd.DataFrame(columns=["label", "n", "rate", "ci_low", "ci_high"]), title="t", subtitle="s")


def test_title_rules():
    with pytest.raises(ValueError, match="1 to 10 words"):
        new_figure("one two three four five six seven eight nine ten eleven", "s", "src")
    with pytest.raises(ValueError, match="subtitle and source"):
        new_figure("ok", "", "src")


def test_save_figure_deterministic(tmp_path):
    data = pd.DataFrame({"label": ["2016"], "rate": [278 / 374]})

    def draw():
        fig, ax = new_figure("A point", "n = 374", "Source: test")
        ax.plot([0], [278 / 374], "o")
        return fig

    a = save_figure(draw(), "fig", tmp_path / "a", data, "One point at 74%.")
    b = save_figure(draw(), "fig", tmp_path / "b", data, "One point at 74%.")
    for ext in ("svg", "png", "csv", "txt"):
        assert a[ext].read_bytes() == b[ext].read_bytes(), ext
    assert "Date" not in a["svg"].read_text()
    assert pd.read_csv(a["csv"])["rate"].iloc[0] == pytest.approx(0.743315508)  # 278/374 by hand
    assert a["txt"].read_text() == "One point at 74%.\n"
    with pytest.raises(ValueError, match="one non-empty paragraph"):
        save_figure(draw(), "fig", tmp_path, data, "Para one.\n\nPara two.")
    with pytest.raises(ValueError, match="figure name"):
        save_figure(draw(), "Bad Name", tmp_path, data, "x")
    matplotlib.pyplot.close("all")
