"""Tests for the monitoring figures (phased p-chart, icons, run chart, CUSUM, sequential, funnel pair).

Inputs are small hand-made frames; what each figure must hold is worked out by hand in the comments.
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from inspection_analysis.figures.cusum import cusum_figure  # noqa: E402
from inspection_analysis.figures.funnel_dispersion import funnel_dispersion_figure  # noqa: E402
from inspection_analysis.figures.icons import ASSURANCE_ICONS, VARIATION_ICONS, add_icons, icon_caption  # noqa: E402
from inspection_analysis.figures.phased_pchart import phased_p_chart_figure  # noqa: E402
from inspection_analysis.figures.runchart import run_chart_figure  # noqa: E402
from inspection_analysis.figures.sequential import sequential_figure  # noqa: E402
from inspection_analysis.figures.style import new_figure  # noqa: E402


def _chart():
    return pd.DataFrame({"label": ["a", "b", "c", "d"], "rate": [0.2, 0.45, 0.5, 0.3], "centre": [0.2, 0.2, 0.5, 0.5],
                         "lcl": [0.08, 0.08, 0.35, 0.35], "ucl": [0.32, 0.32, 0.65, 0.65], "phase": [0, 0, 1, 1],
                         "phase_reason": ["", "", "grading scale changed from 3-point to 4-point", ""],
                         "included": [True, True, True, False],
                         "point_type": ["common cause", "concern", "common cause", "improvement"]})


def test_phased_chart_breaks_limits_at_the_phase_and_shows_its_reason():
    fig, ax = phased_p_chart_figure(_chart(), title="One concern", subtitle="n", variation_icon="improvement_low",
                                    assurance_icon="inconsistent", target=0.4, note="Trial limits.")
    texts = [t.get_text() for t in ax.texts]
    assert "grading scale changed from 3-point to 4-point" in texts
    assert "excluded" in texts and "concern" in texts and "improvement" in texts and "target" in texts
    # the centre is drawn once per phase: 2 centre lines; the phase break is a vertical line at x = 1.5
    centres = [line for line in ax.lines if list(line.get_ydata()) in ([0.2, 0.2], [0.5, 0.5])]
    assert len(centres) == 2
    icons = [a.get_label() for a in fig.axes[1:]]
    assert icons == ["variation: improvement_low", "assurance: inconsistent"]
    # the excluded point (d) is hollow: a white marker face
    hollow = [line for line in ax.lines if line.get_marker() == "v"]
    assert to_hex(hollow[0].get_markerfacecolor()) == "#ffffff"


def test_phased_chart_validation():
    with pytest.raises(ValueError, match="point_type"):
        phased_p_chart_figure(_chart().assign(point_type="odd"), title="Bad", subtitle="n")
    with pytest.raises(ValueError, match="lacks column"):
        phased_p_chart_figure(_chart().drop(columns="phase"), title="Bad", subtitle="n")


def test_icons_carry_their_meaning_in_a_letter_and_in_words():
    fig, _ = new_figure("Icons", "Test", "Source: test")
    axes = add_icons(fig, "concern_high", "fail")
    letters = [t.get_text() for a in axes for t in a.texts]
    assert letters == ["H", "F"]  # not colour alone
    assert icon_caption("common_cause") == "Variation: common-cause variation."
    assert len(add_icons(fig, "common_cause")) == 1
    assert set(VARIATION_ICONS) >= {"common_cause", "improvement_low", "concern_high"}
    assert set(ASSURANCE_ICONS) == {"pass", "fail", "inconsistent"}
    with pytest.raises(ValueError, match="variation icon"):
        add_icons(fig, "better")
    with pytest.raises(ValueError, match="assurance icon"):
        icon_caption("common_cause", "maybe")


def test_run_chart_cusum_and_sequential_figures():
    fig, ax = run_chart_figure(pd.DataFrame({"label": ["a", "b"], "rate": [0.4, 0.6], "centre": 0.5}),
                               title="No signal", subtitle="n", note="Too short.")
    assert [t.get_text() for t in ax.texts] == ["median"]
    table = pd.DataFrame({"case": [1, 2, 3, 4], "label": ["a", "a", "b", "b"], "upper": [0.3, 0.6, 0.0, 0.2],
                          "lower": [0.0, -0.2, -0.5, 0.0], "signal_upper": [False, True, False, False],
                          "signal_lower": [False, False, True, False]})
    fig, ax = cusum_figure(table, 0.5, title="Two signals", subtitle="n", source="Source: SYNTHETIC", synthetic=True)
    texts = [t.get_text() for t in ax.texts]
    assert "a" in texts and "b" in texts  # round labels at each round's first file
    assert "SYNTHETIC DATA" in [t.get_text() for t in fig.texts]  # the header stamp
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert [list(c.get_xdata()) for c in crosses] == [[2], [3]]  # hand: signals at cases 2 (rise) and 3 (fall)
    with pytest.raises(ValueError, match="limit"):
        cusum_figure(table, 0, title="Bad", subtitle="n", source="s")
    fig, ax = sequential_figure(pd.DataFrame({"label": ["q1", "q2"], "z": [-1.0, 2.5], "critical": [3.0, 2.0]}),
                                title="Crossed at look 2", subtitle="n")
    assert "boundary for improvement" in [t.get_text() for t in ax.texts]


def test_funnel_pair_names_only_forces_outside_each_panels_limits():
    pts = pd.DataFrame({"n": [30, 80, 50], "rate": [0.6, 0.9, 0.7], "group": ["A", "B", "C"],
                        "label": ["not significant", "high (99.8%)", "high (95%)"],
                        "label_adjusted": ["not significant", "high (95%)", "not significant"]})
    lim = pd.DataFrame({"n": [10, 100], "centre": 0.7, "low_95": [0.4, 0.6], "high_95": [0.95, 0.8],
                        "low_998": [0.2, 0.55], "high_998": [1.0, 0.85]})
    fig, axes = funnel_dispersion_figure(pts, lim, lim, title="Fewer outside when adjusted", subtitle="n")
    assert [t.get_text() for t in axes[0].texts] == ["B", "C"]
    assert [t.get_text() for t in axes[1].texts] == ["B"]
