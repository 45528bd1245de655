"""Tests for quarterly: combine_counts, series_comparisons and quarter_update.

Independent references are the published figures (2016: 278 of 374 failing; 2017 Q4: 191 of 214;
2018: 93 good, 127 requires improvement, 83 inadequate of 303) and hand calculations written out
beside each value.
"""

import pandas as pd
import pytest

from inspection_analysis.analysis.pchart import PChartResult
from inspection_analysis.analysis.quarter_update import (
    QuarterUpdate,
    combine_counts,
    quarter_update,
    series_comparisons,
)


@pytest.fixture
def rounds():
    return pd.DataFrame({
        "round_id": ["base", "regrade", "audit", "prev", "new"],
        "force": "x", "force_name": "Force X",
        "label": ["2016 inspection", "2016 re-grade", "2017 Q2 update", "2017 Q4 update", "2019 Q1 update"],
        "reference_date": ["2016-05-31", "2016-05-31", "2017-06-30", "2017-12-31", "2019-03-31"],
        "assessor": ["inspectorate", "force_self_assessment", "force_audit", "inspectorate", "inspectorate"],
        "scale": "3-point", "role": ["audit", "regrade", "audit", "audit", "audit"],
    })


@pytest.fixture
def published():
    # 'new' has a (made-up) published figure that the case files must replace.
    return pd.DataFrame({"round_id": ["base", "regrade", "audit", "prev", "new"],
                         "n": pd.array([374, 132, 170, 214, 100], dtype="Int64"),
                         "failures": pd.array([278, 100, pd.NA, 191, 50], dtype="Int64"),
                         "failing": "requires improvement|inadequate", "data_kind": "published"})


def _cases(round_id="new", synthetic=None):
    # The published 2018 split: 93 good, 127 requires improvement, 83 inadequate (303 files, 210 failing).
    grades = ["good"] * 93 + ["requires improvement"] * 127 + ["inadequate"] * 83
    frame = pd.DataFrame({"round_id": round_id, "case_id": [f"c{i:03d}" for i in range(303)], "grade": grades})
    return frame if synthetic is None else frame.assign(synthetic=synthetic)


def test_quarter_update_against_baseline_and_previous_round(rounds, published):
    cases = _cases()
    before = cases.copy()
    upd = quarter_update(cases, "new", baseline="base", rounds=rounds, published=published)
    assert isinstance(upd, QuarterUpdate) and isinstance(upd.p_chart, PChartResult)
    assert cases.equals(before)
    counts = upd.counts.set_index("round_id")
    # The case files replace the published 50 of 100: 127 + 83 = 210 of 303 (hand).
    assert counts.loc["new", ["n", "failures"]].tolist() == [303, 210]
    assert counts.loc["new", "data_kind"] == "case-level" and (upd.counts["round_id"] == "new").sum() == 1
    assert counts.loc["base", ["n", "failures"]].tolist() == [374, 278]
    # The previous round with counts: 'audit' (170 files, no failure count) and the re-grade are skipped.
    assert upd.previous == "prev" and upd.force == "x" and upd.baseline == "base"
    b, p = upd.vs_baseline.iloc[0], upd.vs_previous.iloc[0]
    # Hand: 210/303 - 278/374 = 0.693069 - 0.743316 = -0.050247; pooled 488/677 = 0.720827,
    # SE = sqrt(0.720827 * 0.279173 * (1/303 + 1/374)) = 0.034669, z = -1.449 -> p about 0.15, not significant.
    assert b["difference"] == pytest.approx(-0.050247, abs=1e-6)
    assert b["verdict"] == "no significant change"
    # Hand: 210/303 - 191/214 = 0.693069 - 0.892523 = -0.199454; pooled 401/517 = 0.775629,
    # SE = sqrt(0.775629 * 0.224371 * (1/303 + 1/214)) = 0.037250, z = -5.35 -> p < 0.001.
    assert p["difference"] == pytest.approx(-0.199454, abs=1e-6)
    assert p["verdict"] == "significant improvement" and p["pvalue"] < 0.001
    assert upd.p_chart.table["round_id"].tolist() == ["base", "prev", "new"]
    assert upd.p_chart.table["failures"].tolist() == [278, 191, 210]
    assert upd.synthetic is False
    assert upd.sentence == (
        "2019 Q1 update (new): 210 of 303 case files (69%) required improvement or were inadequate. "
        "The failure rate changed significantly against at least one round: against the 2016 inspection "
        f"(baseline, 74%), no significant change (-5 points, p = {b['pvalue']:.2f}); against the 2017 Q4 update "
        "(previous round with counts, 89%), significant improvement (-20 points, p < 0.001). No significant change "
        "is not evidence that nothing changed: against the 2016 inspection these samples could reliably detect "
        "(80% power) only an improvement of at least 9 percentage points.")
    # 9 points: the 303-versus-374 minimum detectable improvement of tests/test_verdict.py (has_improved).
    assert f"{b['pvalue']:.2f}" == "0.15"
    frame = upd.to_frame()
    assert frame["against"].tolist() == ["baseline", "previous"]
    assert frame["follow_up"].tolist() == ["new", "new"]
    text = str(upd)
    assert text.startswith(upd.sentence) and upd.p_chart.sentence in text
    assert "- only 3 rounds: these are trial limits" in text
    assert "no improvement" not in text.lower()


def test_quarter_update_labels_synthetic_cases(rounds, published):
    upd = quarter_update(_cases(synthetic=True), "new", baseline="base", rounds=rounds, published=published)
    assert upd.synthetic is True
    assert upd.sentence.startswith("2019 Q1 update (new, SYNTHETIC data, not real audit results): 210 of 303")
    assert upd.counts.set_index("round_id").loc["new", "data_kind"] == "synthetic"


def test_quarter_update_when_the_previous_round_is_the_baseline(rounds, published):
    # 'audit' has no published failures: its case files give 125 of 135 (the published 2017 Q3 split 10/64/61).
    cases = pd.DataFrame({"round_id": "audit", "case_id": [f"a{i}" for i in range(135)],
                          "grade": ["good"] * 10 + ["requires improvement"] * 64 + ["inadequate"] * 61})
    upd = quarter_update(cases, "audit", baseline="base", rounds=rounds, published=published)
    assert upd.previous == "base"
    # Hand: 125/135 - 278/374 = 0.925926 - 0.743316 = +0.182610; pooled 403/509 = 0.791749,
    # SE = sqrt(0.791749 * 0.208251 * (1/135 + 1/374)) = 0.040776, z = 4.48 -> p < 0.001, worse.
    assert upd.vs_baseline["difference"].iloc[0] == pytest.approx(0.182610, abs=1e-6)
    assert ("against the 2016 inspection (baseline, also the previous round with counts, 74%), significant "
            "deterioration (+18 points, p < 0.001).") in upd.sentence
    assert upd.sentence.count("against the") == 1
    assert "The failure rate changed significantly: " in upd.sentence
    assert any("different assessors" in w for w in upd.warnings)


def test_quarter_update_without_a_previous_round(rounds, published):
    # Moved before every other round, 'new' has no earlier round with counts.
    early = rounds.assign(reference_date=rounds["reference_date"].where(rounds["round_id"] != "new", "2015-01-01"))
    upd = quarter_update(_cases(), "new", baseline="base", rounds=early, published=published)
    assert upd.previous is None and upd.vs_previous is None
    assert len(upd.to_frame()) == 1
    assert "previous round" not in upd.sentence


def test_quarter_update_validation(rounds, published):
    with pytest.raises(ValueError, match="no case files for round 'prev'.*'new'"):
        quarter_update(_cases(), "prev", baseline="base", rounds=rounds, published=published)
    with pytest.raises(ValueError, match="'unknown' is not in the rounds registry"):
        quarter_update(_cases("unknown"), "unknown", baseline="base", rounds=rounds, published=published)
    with pytest.raises(ValueError, match="baseline itself"):
        quarter_update(_cases("base"), "base", baseline="base", rounds=rounds, published=published)
    with pytest.raises(TypeError, match="DataFrame"):
        quarter_update(_cases().to_dict(), "new", rounds=rounds, published=published)
    with pytest.raises(ValueError, match="round_id"):
        quarter_update(_cases().drop(columns="round_id"), "new", rounds=rounds, published=published)


def test_combine_counts_replaces_published_rounds_and_drops_empty_rows():
    pub = pd.DataFrame({"round_id": ["a", "b"], "n": pd.array([374, 170], dtype="Int64"),
                        "failures": pd.array([278, pd.NA], dtype="Int64")})
    new = pd.DataFrame({"round_id": pd.Categorical(["b", "c"], categories=["a", "b", "c"]),
                        "n": pd.array([170, 0], dtype="Int64"), "failures": pd.array([100, 0], dtype="Int64")})
    out = combine_counts(pub, new)
    assert out["round_id"].tolist() == ["a", "b"]
    assert out["failures"].tolist() == [278, 100]
    assert pub["failures"].isna().sum() == 1 and isinstance(new["round_id"].dtype, pd.CategoricalDtype)
    with pytest.raises(ValueError, match="failures"):
        combine_counts(pub.drop(columns="failures"), new)


def test_series_comparisons_shipped_data():
    io = pytest.importorskip("inspection_analysis.io")
    counts_mod = pytest.importorskip("inspection_analysis.counts.table")
    rounds = io.load_rounds()
    counts = counts_mod.to_counts(io.load_published(rounds=rounds))
    comp = series_comparisons(counts, 'mps', rounds=rounds)
    pairs = list(zip(comp["baseline"], comp["follow_up"], comp["kind"], strict=True))
    # Rounds with published failure counts in time order: 2016, 2017 Q3, 2017 Q4, 2018 (2017 Q1 and Q2 have none).
    assert pairs == [("mps-2016", "mps-2017-q3", "from baseline"), ("mps-2016", "mps-2017-q4", "from baseline"),
                     ("mps-2016", "mps-2018", "from baseline"), ("mps-2017-q3", "mps-2017-q4", "consecutive"),
                     ("mps-2017-q4", "mps-2018", "consecutive")]
    # Differences by hand from the published counts.
    assert comp["difference"].tolist() == pytest.approx(
        [125 / 135 - 278 / 374, 191 / 214 - 278 / 374, 210 / 303 - 278 / 374, 191 / 214 - 125 / 135,
         210 / 303 - 191 / 214])
    assert comp["verdict"].tolist() == ["significant deterioration", "significant deterioration",
                                        "no significant change", "no significant change", "significant improvement"]
    with pytest.raises(ValueError, match="mps-2017-q2"):
        series_comparisons(counts, 'mps', baseline='mps-2017-q2', rounds=rounds)
