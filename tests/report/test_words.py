"""The report's tables in words and the Markdown escaping (issues #15 and #13).

Every expected string is written out by hand: 278/374 = 0.743316 is 74.3%;
a p-value of 0.1517 is written "p = 0.15", one below 0.001 "p < 0.001".
"""

import re

import pandas as pd
import pytest

from inspection_analysis.report.html import _link, _md_provenance, frame_to_html, frame_to_markdown, md_escape
from inspection_analysis.report.words import comparisons_in_words, interval, p_value, percent, rates_in_words


@pytest.mark.parametrize(("value", "expected"), [
    (278 / 374, "74.3%"), (0.0, "0.0%"), (1.0, "100.0%"), (None, "not published"), (float("nan"), "not published"),
    (pd.NA, "not published"), ("[c]", "[c]"),
])
def test_percent(value, expected):
    assert percent(value) == expected


def test_signed_points_interval():
    # 210/303 - 278/374 = -0.050246 by hand; limits -0.1185 and +0.0175
    assert interval(210 / 303 - 278 / 374, -0.1185, 0.0175, signed=True, unit="points") == "-5.0 (-11.8 to +1.8)"
    assert interval(0.7433, "[c]", "[c]") == "74.3%"


@pytest.mark.parametrize(("p", "expected"), [
    (1.84e-06, "p < 0.001"), (0.000999, "p < 0.001"), (0.001, "p = 0.001"), (0.0495, "p = 0.0495"),
    (0.1517, "p = 0.15"), (0.5, "p = 0.50"), (0.9999995, "p > 0.99"), (float("nan"), "not available"),
    ("[c]", "[c]"),
])
def test_p_values_as_a_statistician_writes_them(p, expected):
    assert p_value(p) == expected


def test_rates_in_words_rounds_by_label_and_not_published():
    rates = pd.DataFrame({"round_id": ["mps-2016", "mps-2017-q1", "mps-2017-q2"],
                          "label": ["2016 inspection", "2017 Q1 update", "2017 Q2 update"],
                          "n": pd.array([374, None, 170], dtype="Int64"),
                          "failures": pd.array([278, None, None], dtype="Int64"),
                          "rate": [278 / 374, None, None], "ci_low": [0.69673, None, None],
                          "ci_high": [0.78495, None, None]})
    words = rates_in_words(rates)
    assert list(words.columns) == ["Round", "Case files audited", "Failing (requires improvement or inadequate)",
                                   "Failure rate (95% interval)"]
    assert words.values.tolist() == [
        ["2016 inspection", "374", "278", "74.3% (69.7% to 78.5%)"],
        ["2017 Q1 update", "not published", "not published", "not published"],
        ["2017 Q2 update", "170", "not published", "not published"],
    ]
    assert "mps-2016" not in words.to_string()


def test_comparisons_in_words_headings_are_words():
    comp = pd.DataFrame({"kind": ["consecutive"], "baseline": ["q4"], "follow_up": ["y18"],
                         "rate_baseline": [191 / 214], "rate_baseline_low": [0.8439], "rate_baseline_high": [0.9273],
                         "rate_follow_up": [210 / 303], "rate_follow_up_low": [0.6390],
                         "rate_follow_up_high": [0.7423], "difference": [-0.19945], "difference_low": [-0.26376],
                         "difference_high": [-0.13025], "pvalue": [3.76e-08], "pvalue_improvement": [1.88e-08],
                         "min_detectable_improvement": [0.07890], "verdict": ["significant improvement"]})
    words = comparisons_in_words(comp, {"q4": "2017 Q4 update", "y18": "2018 post-inspection review"})
    assert not any("_" in c for c in words.columns)
    assert words.iloc[0].tolist() == [
        "2017 Q4 update to 2018 post-inspection review", "the round before", "89.3% (84.4% to 92.7%)",
        "69.3% (63.9% to 74.2%)", "-19.9 (-26.4 to -13.0)", "p < 0.001", "p < 0.001", "7.9",
        "significant improvement"]


def test_markdown_escapes_html_pipes_links_and_newlines():
    label = "<img src=x onerror=alert(1)> | [click](http://evil.example)\nnew row"
    assert md_escape(label) == "&lt;img src=x onerror=alert(1)> \\| [click]\\(http://evil.example)<br>new row"
    assert md_escape("p < 0.001 & more") == "p < 0.001 & more"  # not markup: left as written
    assert md_escape("&amp; &#60;") == "&amp;amp; &amp;#60;"
    assert md_escape("a\\|b") == "a\\\\\\|b"  # a backslash cannot un-escape the pipe
    table = frame_to_markdown(pd.DataFrame({"Round": [label], "n": [3]}))
    lines = table.split("\n")
    # one table row per row of data, and three unescaped pipes (two cells) on each
    assert len(lines) == 3 and [len(re.findall(r"(?<!\\)\|", line)) for line in lines] == [3, 3, 3]


def test_html_cells_escaped_and_p_values_kept_on_one_line():
    out = frame_to_html(pd.DataFrame({"a": ["<script>x</script>"], "p": ["p = 0.15"]}), "T")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<td class="nowrap">p = 0.15</td>' in out


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.bbc.co.uk/news/x", '<a href="https://www.bbc.co.uk/news/x">https://www.bbc.co.uk/news/x</a>'),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ('https://e.example/"onmouseover="x', "https://e.example/&quot;onmouseover=&quot;x"),
    (None, ""),
])
def test_provenance_links_only_to_web_addresses(url, expected):
    assert _link(url) == expected


def test_markdown_sources_link_only_to_web_addresses():
    published = pd.DataFrame({"figure_id": ["a", "b"], "round_id": ["r", "r"], "status": ["primary", "variant"],
                              "n_cases": [10, 12], "source_url": ["https://e.example/x", "javascript:alert(1)"]})
    assert _md_provenance(published).splitlines()[2:] == ["| a | primary | cases 10 | <https://e.example/x> |",
                                                          "| b | variant | cases 12 | javascript:alert(1) |"]
