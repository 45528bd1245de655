"""Layout, literal text, direct labels, time axis and source lines of the figures (issues 12, 13 and 15).

Geometry is checked with the Agg renderer's own text boxes (the browser test in tests/e2e checks the saved SVGs
the same way in Chromium). Expected values are worked out by hand in the comments.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from inspection_analysis import figures as F  # noqa: E402
from inspection_analysis.figures.change import points_label  # noqa: E402
from inspection_analysis.figures.layout import fill_text  # noqa: E402
from inspection_analysis.figures.sources import DATA_KINDS, source_line  # noqa: E402
from inspection_analysis.figures.style import add_note, house_rc, new_figure, save_figure  # noqa: E402

DOLLARS = "2026 $Q1^$ audit"  # two dollar signs; as mathtext this is invalid ("^" with nothing after it)


def _drawn_texts(fig):
    """The texts drawn: figure texts, annotations, axis labels and the tick labels inside each axis's view."""
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [*ax.texts, ax.xaxis.label, ax.yaxis.label]
        for axis, coord in ((ax.xaxis, 0), (ax.yaxis, 1)):
            low, high = sorted(axis.get_view_interval())
            texts += [t for t in axis.get_ticklabels() if low - 1e-9 <= t.get_position()[coord] <= high + 1e-9]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in _drawn_texts(fig)]


def _clipped_and_overlapping(fig):
    boxes = _boxes(fig)
    clipped = [text for text, b in boxes if b.x0 < -0.5 or b.y0 < -0.5 or b.x1 > fig.bbox.width + 0.5
               or b.y1 > fig.bbox.height + 0.5]
    overlaps = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1:
                overlaps.append((ta, tb))
    return clipped, overlaps


def _rates(label_last="2018 post-inspection review", dated=True):
    # Published MPS rounds (data/published): 278/374, 125/135, 191/214, 210/303; 2017 Q2: 170 files, nothing published.
    frame = pd.DataFrame({
        "label": ["2016 inspection", "2017 Q2 update", "2017 Q3 update", "2017 Q4 update", label_last],
        "n": [374, 170, 135, 214, 303], "rate": [278 / 374, None, 125 / 135, 191 / 214, 210 / 303],
        "ci_low": [0.70, None, 0.87, 0.84, 0.64], "ci_high": [0.78, None, 0.96, 0.93, 0.74],
        "reference_date": ["2016-05-31", "2017-06-30", "2017-09-30", "2017-12-31", "2018-10-19"],
        "data_kind": ["published"] * 5})
    return frame if dated else frame.drop(columns=["reference_date"])


def test_house_style_is_afcharts_with_literal_text():
    rc = house_rc()
    # afcharts.mplstyle: y grid, no left spine, the Analysis Function categorical cycle.
    assert rc["axes.grid"] is True and rc["axes.grid.axis"] == "y" and rc["axes.spines.left"] is False
    assert rc["axes.prop_cycle"].by_key()["color"][:2] == ["#12436D", "#28A197"]
    assert rc["text.parse_math"] is False and rc["font.family"] == "DejaVu Sans"
    assert F.style.CATEGORICAL[:4] == ("#12436D", "#28A197", "#801650", "#F46A25")  # DESIGN.md section 6
    assert (F.style.HIGHLIGHT, F.style.GREY) == ("#12436D", "#BFBFBF")


def test_dollar_signs_are_drawn_literally(tmp_path):
    for dated in (True, False):
        fig, ax = F.failure_rates(_rates(DOLLARS, dated), title="Failure rate by round", subtitle=f"n {DOLLARS}")
        add_note(fig, f"Note on {DOLLARS}")
        paths = save_figure(fig, f"dollars{int(dated)}", tmp_path, _rates(DOLLARS), f"Rates, {DOLLARS}.")
        svg = paths["svg"].read_text()
        assert "$Q1^$" in svg  # the text itself, kept as text, not typeset
    chart = pd.DataFrame({"label": ["2018", DOLLARS], "rate": [0.69, 0.5], "centre": [0.6] * 2, "lcl": [0.55, 0.5],
                          "ucl": [0.65, 0.7], "special_cause": ["concern", "common cause"],
                          "reference_date": ["2018-10-19", "2026-03-31"]})
    fig, ax = F.p_chart_figure(chart, title="One special cause", subtitle="n")
    assert all(not t.get_parse_math() for t in fig.findobj(Text))
    save_figure(fig, "pchart", tmp_path, chart, "A chart.")


def test_long_subtitle_and_note_stay_off_the_plot_and_inside_the_image():
    fig, ax = new_figure("A finding", "Case files failing with 95% Wilson intervals, " * 4, "Source: test. " * 12)
    note = add_note(fig, "Agreement between the two gradings: between 5% and 44% of cases " * 3)
    ax.plot([0, 1], [0, 1])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    subtitle, source = fig.texts[1], fig.texts[2]
    plot = ax.get_tightbbox(renderer)
    assert subtitle.get_window_extent(renderer).y0 > plot.y1  # above the plot area, tick labels included
    assert note.get_window_extent(renderer).y1 < plot.y0  # below the axis label
    assert source.get_window_extent(renderer).y1 < note.get_window_extent(renderer).y0  # note above the source
    clipped, overlaps = _clipped_and_overlapping(fig)
    assert clipped == [] and overlaps == []
    plt.close(fig)


def test_fill_text_breaks_at_spaces():
    # Widths counted in characters: "aa bb" is 5 wide, "aa bb cc" 8.
    assert fill_text("aa bb cc", 5, len) == "aa bb\ncc"
    assert fill_text("averyverylongword x", 5, len) == "averyverylongword\nx"


@pytest.mark.parametrize("dated", [True, False])
def test_failure_rates_no_text_clipped_or_overlapping(dated):
    fig, _ = F.failure_rates(_rates(dated=dated), title="No significant fall in failure rate since 2016",
                             subtitle="Case files failing with 95% Wilson intervals, Metropolitan Police Service, "
                                      "2016 inspection to 2018 post-inspection review")
    clipped, overlaps = _clipped_and_overlapping(fig)
    assert clipped == [] and overlaps == []
    plt.close(fig)


def test_rounds_on_a_time_axis_show_gaps():
    # 2018-10-19 to 2026-03-31 is 2720 days; 2017-09-30 to 2017-12-31 is 92 days (counted by hand).
    frame = pd.DataFrame({"label": ["2017 Q3", "2017 Q4", "2018", "2026 Q1"], "n": [135, 214, 303, 100],
                          "rate": [0.93, 0.89, 0.69, 0.5], "ci_low": [0.87, 0.84, 0.64, 0.4],
                          "ci_high": [0.96, 0.93, 0.74, 0.6],
                          "reference_date": ["2017-09-30", "2017-12-31", "2018-10-19", "2026-03-31"]})
    fig, ax = F.failure_rates(frame, title="Rates by round", subtitle="n")
    xs = sorted({float(line.get_xdata()[i]) for line in ax.lines for i in range(len(line.get_xdata()))})
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert gaps == [92, 292, 2720]
    assert [t.get_text() for t in ax.texts] == ["2017 Q3: 93%", "2017 Q4: 89%", "2018: 69%", "2026 Q1: 50%"]
    plt.close(fig)


def test_change_forest_labels_clear_of_the_zero_line_and_no_plus_zero():
    changes = pd.DataFrame({"label": ["2017 Q3 update", "2018 post-inspection review"], "difference": [0.183, -0.050],
                            "difference_low": [0.11, -0.12], "difference_high": [0.24, 0.02]})
    fig, ax = F.change_forest(changes, title="2018 failure rate 5 points below 2016, not significant",
                              subtitle="n")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (label,) = [t for t in ax.texts if t.get_text() == "no change"]
    assert label.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1  # above the dashed line's end
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "0 pp" in ticks and "+0 pp" not in ticks and "-0 pp" not in ticks
    assert points_label(0.0) == "0 pp" and points_label(-0.0) == "0 pp" and points_label(0.05) == "+5 pp"
    plt.close(fig)


def _funnel(assessors=None):
    # Forces' latest inspectorate rounds (data/published): n and failures as published.
    points = pd.DataFrame({
        "group": ["Metropolitan Police Service", "Lincolnshire Police", "Dorset Police", "Hampshire Constabulary",
                  "Cambridgeshire Constabulary", "North Yorkshire Police", "Cheshire Constabulary"],
        "n": [303, 81, 31, 30, 24, 33, 38], "rate": [210 / 303, 72 / 81, 21 / 31, 18 / 30, 18 / 24, 22 / 33, 28 / 38],
        "outlier": ["", "high (99.8%)", "", "", "", "", ""],
        "period": ["2018 review", "2019 inspection", "2022 review", "2022 review", "2022 review", "2023 review",
                   "2023 review"],
        "assessor": assessors or ["inspectorate"] * 7, "highlight": [True] + [False] * 6,
        "data_kind": ["published"] * 7})
    # Limits of a pooled rate of 0.727 (funnel_limits_frame on the shipped data), at the ends of the grid only.
    limits = pd.DataFrame({"n": [10, 60, 363], "centre": [0.727] * 3, "low_95": [0.38, 0.61, 0.68],
                           "high_95": [0.94, 0.83, 0.77], "low_998": [0.2, 0.52, 0.655],
                           "high_998": [1.0, 0.88, 0.797]})
    return points, limits


def test_funnel_labels_collide_with_nothing_and_name_period_and_assessor():
    points, limits = _funnel()
    fig, ax = F.funnel_figure(points, limits, title="1 of 7 forces outside the 95% funnel", subtitle="n")
    clipped, overlaps = _clipped_and_overlapping(fig)
    assert clipped == [] and overlaps == []
    texts = [t.get_text() for t in ax.texts]
    assert "Metropolitan Police Service\n(2018 review, inspectorate)" in texts
    assert "Lincolnshire Police\n(2019 inspection, inspectorate)" in texts
    key = [t.get_text() for t in fig.texts if t.get_gid() == "ia-note"][0].replace("\n", " ")
    # The five others, numbered in alphabetical order of their labels.
    assert key.startswith("Other forces: 1 Cambridgeshire Constabulary (2022 review, inspectorate); 2 Cheshire")
    assert not any("Not like with like" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_funnel_notes_a_forces_own_audit_among_inspections():
    points, limits = _funnel(["force_audit"] + ["inspectorate"] * 6)
    fig, ax = F.funnel_figure(points, limits, title="1 of 7 forces outside the 95% funnel", subtitle="n")
    notes = " ".join(t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == "ia-note")
    assert "Not like with like: the point of Metropolitan Police Service is the force's own grading of its cases" \
        in notes
    assert "Metropolitan Police Service\n(2018 review, force's own audit)" in [t.get_text() for t in ax.texts]
    plt.close(fig)
    # A case-level round registered with the default assessor (inspectorate) is still the force's own audit.
    points = points.assign(assessor="inspectorate", data_kind=["case-level"] + ["published"] * 6)
    fig, _ = F.funnel_figure(points, limits, title="1 of 7 forces outside the 95% funnel", subtitle="n")
    assert any("Not like with like" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_source_line_names_each_kind_of_data():
    assert source_line(["published"]) == f"Source: {DATA_KINDS['published']}."
    both = source_line(["published", "published", "case-level"], ["2016", "2018", "2026 Q1"])
    assert both == (f"Source: {DATA_KINDS['published']} for 2016, 2018; {DATA_KINDS['case-level']} for 2026 Q1.")
    assert "SYNTHETIC" in source_line(["synthetic"])
    with pytest.raises(ValueError, match="data_kind must be one of"):
        source_line(["guessed"])
    fig, _ = F.failure_rates(_rates().assign(data_kind=["published"] * 4 + ["case-level"]), title="Rates",
                             subtitle="n")
    assert "the force's own case-level audit" in fig.texts[2].get_text().replace("\n", " ")
    plt.close(fig)


def test_figure_svg_is_byte_identical_across_runs(tmp_path):
    points, limits = _funnel()
    for run in ("a", "b"):
        fig, _ = F.funnel_figure(points, limits, title="1 of 7 forces outside the 95% funnel", subtitle="n")
        save_figure(fig, "funnel", tmp_path / run, points, "A funnel.")
    assert (tmp_path / "a" / "funnel.svg").read_bytes() == (tmp_path / "b" / "funnel.svg").read_bytes()
    assert 'id="ia-' not in (tmp_path / "a" / "funnel.svg").read_text()  # layout roles are not written as ids
    assert (tmp_path / "a" / "funnel.png").read_bytes() == (tmp_path / "b" / "funnel.png").read_bytes()


def test_grade_distribution_marks_a_long_gap_between_rounds():
    # 2018-10-19 to 2026-03-31: 2720 days = 89 months (2720 / 30.44 = 89.4) = 7 years 5 months; 2016-05-31 to
    # 2018-10-19 is 29 months, also more than 15.
    counts = pd.DataFrame({"label": ["2016", "2018", "2026 Q1"], "n": [374, 303, 120], "failures": [278, 210, 80],
                           "n_good": [None, 93, 40], "n_adequate": [None, None, None],
                           "n_requires_improvement": [None, 127, 50], "n_inadequate": [None, 83, 30],
                           "reference_date": ["2016-05-31", "2018-10-19", "2026-03-31"]})
    fig, ax = F.grade_distribution(counts, title="Most case files failed in every round", subtitle="Share")
    gaps = [t.get_text() for t in ax.texts if "later" in t.get_text()]
    assert gaps == ["\u2026 2 years 5 months later \u2026", "\u2026 7 years 5 months later \u2026"]
    clipped, overlaps = _clipped_and_overlapping(fig)
    assert clipped == [] and overlaps == []
    plt.close(fig)


def test_fit_layout_is_idempotent():
    from inspection_analysis.figures.layout import fit_layout

    fig, _ = F.failure_rates(_rates(), title="No significant fall in failure rate since 2016", subtitle="n " * 60)
    before = (fig.subplotpars.left, fig.subplotpars.right, fig.subplotpars.bottom, fig.subplotpars.top,
              tuple(fig.get_size_inches()), [t.get_text() for t in fig.texts])
    fit_layout(fig)
    after = (fig.subplotpars.left, fig.subplotpars.right, fig.subplotpars.bottom, fig.subplotpars.top,
             tuple(fig.get_size_inches()), [t.get_text() for t in fig.texts])
    assert after[4:] == before[4:]
    assert after[:4] == pytest.approx(before[:4], abs=1e-3)
    plt.close(fig)
