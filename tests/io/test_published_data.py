"""The shipped published figures and rounds registry, checked against the sources' own words.

Reference values are the numbers in each source's verbatim quote (also in
docs: /work/shared/data/published_figures.md when this was compiled), e.g.
"A review of 374 cases found 278 ..." (PA, 24 Nov 2016).
"""

import re

import pandas as pd
import pytest

from inspection_analysis.counts.table import to_counts
from inspection_analysis.io import load_published, load_rounds

WORDS = {1: "one", 5: "five", 6: "six", 9: "nine"}
# Stated elsewhere in the same source, not in the quoted sentence: Lincolnshire's 81 ("Details of 81 cases
# of children at risk were examined."); the Met's 2017 Q3 sample of 135 (the compiled source table's
# n_cases column, which holds only numbers stated in the source; 10 + 64 + 61 = 135 agrees); West Yorkshire's
# self-audit of 33 (the next sentence of the ITV article: "in the same 33 cases, HMIC inspectors found ...").
NOT_IN_QUOTE = {("lincolnshire-2019", "n_cases"), ("mps-2017-q3", "n_cases"),
                ("west-yorkshire-2015-self-assessment-force", "n_cases")}


@pytest.fixture(scope="module")
def pub():
    return load_published().set_index("figure_id")


def test_every_count_appears_in_its_quote(pub):
    missing = []
    for fid, row in pub.iterrows():
        for col in ("n_cases", "n_good", "n_adequate", "n_requires_improvement", "n_inadequate", "n_failing"):
            v = row[col]
            if pd.isna(v) or (fid, col) in NOT_IN_QUOTE:
                continue
            numbers = set(re.findall(r"\d+", row["quote"]))
            if not (str(v) in numbers or WORDS.get(v, "#") in row["quote"].lower()):
                missing.append((fid, col, v))
    assert missing == []


def test_percentages_appear_in_their_quote(pub):
    for fid, row in pub.iterrows():
        for col in ("pct_failing_published", "pct_passing_published"):
            if pd.notna(row[col]):
                assert f"{row[col]:g}%" in row["quote"], (fid, col)


def test_every_row_has_a_source(pub):
    assert pub["source_url"].str.startswith("http").all()
    assert (pub["quote"].str.len() > 10).all()


@pytest.mark.parametrize(
    ("figure_id", "expected"),
    [
        # "A review of 374 cases found 278 ... were handled inadequately or required improvement"
        ("mps-2016", dict(n_cases=374, n_failing=278, n_good=pd.NA, n_requires_improvement=pd.NA)),
        # "10 cases were handled well, 64 needed improvement and 61 were inadequate"; 135 cases
        ("mps-2017-q3", dict(n_cases=135, n_good=10, n_requires_improvement=64, n_inadequate=61, n_failing=pd.NA)),
        # "reviewed a sample of 214 ... and rated 191 ... 'requiring improvement' or 'inadequate'"
        ("mps-2017-q4", dict(n_cases=214, n_failing=191, n_inadequate=pd.NA)),
        # "An audit of 303 cases found ... good in 93, required improvement in 127 and was inadequate in 83"
        ("mps-2018", dict(n_cases=303, n_good=93, n_requires_improvement=127, n_inadequate=83)),
        # "In a review of 34 online cases, 29 were assessed as either inadequate or requiring improvement"
        ("mps-2018-online", dict(n_cases=34, n_failing=29)),
        # "An internal audit team examined a further 170 case files" (no grade counts)
        ("mps-2017-q2", dict(n_cases=170, n_good=pd.NA, n_requires_improvement=pd.NA, n_inadequate=pd.NA, n_failing=pd.NA)),
        # "graded 30 of the 79 cases ... as inadequate"
        ("lancashire-2018", dict(n_cases=79, n_inadequate=30, n_good=pd.NA, n_requires_improvement=pd.NA)),
        # "9 cases to be good, 8 adequate, 7 requiring improvement and 10 inadequate" of "the same 33 cases"
        ("west-yorkshire-2015-self-assessment-hmic", dict(n_cases=33, n_good=9, n_adequate=8, n_requires_improvement=7, n_inadequate=10)),
        # "In 132 of the cases audited, HMIC judged 76% ... but the Met's own assessment deemed around 80% to be good or adequate"
        ("mps-2016-self-assessment-hmic", dict(n_cases=132, pct_failing_published=76.0, n_failing=pd.NA)),
        ("mps-2016-self-assessment-force", dict(n_cases=132, pct_passing_published=80.0)),
    ],
)
def test_key_figures(pub, figure_id, expected):
    row = pub.loc[figure_id]
    for col, value in expected.items():
        assert (pd.isna(row[col]) if value is pd.NA else row[col] == value), (figure_id, col, row[col])


def test_derived_numbers_stay_in_derived_columns(pub):
    # 64 + 61 = 125 is arithmetic, not published: derived column only
    assert pd.isna(pub.loc["mps-2017-q3", "n_failing"]) and pub.loc["mps-2017-q3", "n_failing_derived"] == 125
    # 0.76 x 132 = 100.32 -> about 100; 0.80 x 132 = 105.6 -> about 106 (hand calculation)
    assert pub.loc["mps-2016-self-assessment-hmic", "n_failing_derived"] == 100
    assert pub.loc["mps-2016-self-assessment-force", "n_passing_derived"] == 106
    assert pub.loc["mps-2017-q3", "derived_note"].startswith("derived:")


def test_statuses_keep_conflicts_out_of_the_counts(pub):
    assert pub.loc["mps-2016-guardian-variant", ["status", "n_cases"]].tolist() == ["variant", 384]
    wy = pub.loc["west-yorkshire-2015-self-assessment-hmic"]
    assert wy["status"] == "inconsistent" and "34" in wy["source_inconsistency"]  # 9 + 8 + 7 + 10 = 34, not 33
    counts = to_counts(load_published()).set_index("round_id")
    assert counts.loc["mps-2016", "n"] == 374  # not 384
    assert "west-yorkshire-2015-self-assessment-hmic" not in counts.index


def test_done_when_counts(pub):
    c = to_counts(load_published()).set_index("round_id")
    assert c.loc["mps-2016", ["n", "failures"]].tolist() == [374, 278]  # published
    assert c.loc["mps-2017-q3", ["n", "n_good", "n_requires_improvement", "n_inadequate"]].tolist() == [135, 10, 64, 61]
    assert c.loc["mps-2017-q3", "failures"] == 125  # 64 + 61, by hand
    assert c.loc["mps-2017-q4", ["n", "failures"]].tolist() == [214, 191]
    assert c.loc["mps-2018", ["n", "failures"]].tolist() == [303, 210]  # 127 + 83 = 210
    assert c.loc["mps-2017-q2", "n"] == 170 and pd.isna(c.loc["mps-2017-q2", "failures"])


def test_registry():
    rounds = load_rounds().set_index("round_id")
    assert rounds.loc["mps-2017-q2", "assessor"] == "force_audit"
    assert rounds.loc["mps-2018", "assessor"] == "inspectorate" and "unverified" in rounds.loc["mps-2018", "notes"]
    assert rounds.loc["west-yorkshire-2015", "scale"] == "4-point"
    assert set(load_published()["round_id"]) <= set(rounds.index)
    mps = rounds[rounds["force"] == "mps"].sort_values("reference_date")
    assert mps.index[mps.index.str.startswith("mps-2017")].tolist() == ["mps-2017-q1", "mps-2017-q2", "mps-2017-q3", "mps-2017-q4"]
