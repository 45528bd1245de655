"""Tests for criteria.compare_criteria on a small hand-made case-level frame."""

import pandas as pd
import pytest

from inspection_analysis.analysis.criteria import compare_criteria


def _cases():
    rows = []
    # baseline "b": visit 8 fail / 2 pass; record 5 fail / 5 pass + 2 not applicable
    # follow-up "f": visit 2 fail / 8 pass; record 5 fail / 5 pass + 2 not applicable
    spec = {"b": (["fail"] * 8 + ["pass"] * 2, ["fail"] * 5 + ["pass"] * 5),
            "f": (["fail"] * 2 + ["pass"] * 8, ["fail"] * 5 + ["pass"] * 5)}
    for rid, (visit, record) in spec.items():
        for i in range(12):
            rows.append({
                "round_id": rid,
                "case_type": "missing" if i % 2 == 0 else "online",
                "crit_visit": visit[i] if i < 10 else None,
                "crit_record": record[i] if i < 10 else " Not Applicable ",
            })
    return pd.DataFrame(rows)


def test_counts_exclude_not_applicable_and_rates_by_hand():
    out = compare_criteria(_cases(), "b", "f")
    overall = out[out["case_type"] == "all"].set_index("criterion")
    assert (overall.loc["visit", "n_baseline"], overall.loc["visit", "failures_baseline"]) == (10, 8)
    assert (overall.loc["visit", "n_follow_up"], overall.loc["visit", "failures_follow_up"]) == (10, 2)
    assert overall.loc["visit", "difference"] == pytest.approx(-0.6)  # 2/10 - 8/10
    assert overall.loc["record", "n_baseline"] == 10  # 12 cases, 2 not applicable
    assert overall.loc["record", "difference"] == pytest.approx(0.0)
    # visit: 80% -> 20%, z by hand = -0.6/sqrt(0.5*0.5*0.2) = -2.68 -> p about 0.007 (normal), significant
    assert overall.loc["visit", "pvalue"] < 0.05
    assert overall.loc["record", "pvalue"] > 0.5  # identical rates, 5/10 and 5/10: no evidence of change
    # Holm by hand for the two overall p-values: smaller doubled, larger kept (monotone, capped at 1)
    p_visit, p_record = overall.loc["visit", "pvalue"], overall.loc["record", "pvalue"]
    assert overall.loc["visit", "pvalue_adjusted"] == pytest.approx(min(1, 2 * p_visit))
    assert overall.loc["record", "pvalue_adjusted"] == pytest.approx(min(1, max(2 * p_visit, p_record)))
    assert set(out["adjust_method"]) == {"holm"}


def test_case_type_rows():
    out = compare_criteria(_cases(), "b", "f")
    # cases 0,2,4,6,8 are "missing": baseline visit (fail at 0-7) fail, fail, fail, fail, pass -> 4/5;
    # follow-up visit (fail at 0-1) fail, pass, pass, pass, pass -> 1/5
    row = out[(out["criterion"] == "visit") & (out["case_type"] == "missing")].iloc[0]
    assert (row["failures_baseline"], row["n_baseline"], row["failures_follow_up"], row["n_follow_up"]) == (4, 5, 1, 5)
    assert sorted(out["case_type"].unique()) == ["all", "missing", "online"]
    assert len(out) == 6


def test_fdr_bh_by_hand():
    out = compare_criteria(_cases(), "b", "f", method="fdr_bh")
    overall = out[out["case_type"] == "all"].set_index("criterion")
    p1, p2 = sorted([overall.loc["visit", "pvalue"], overall.loc["record", "pvalue"]])
    # BH for m = 2: largest unchanged, smallest min(2 p(1), p(2))
    assert sorted(overall["pvalue_adjusted"]) == pytest.approx([min(2 * p1, p2), p2])


def test_validation():
    cases = _cases()
    with pytest.raises(ValueError, match="no criterion column"):
        compare_criteria(cases.drop(columns=["crit_visit", "crit_record"]), "b", "f")
    bad = cases.copy()
    bad.loc[0, "crit_visit"] = "maybe"
    with pytest.raises(ValueError, match="'maybe'"):
        compare_criteria(bad, "b", "f")
    with pytest.raises(ValueError, match="'z'"):
        compare_criteria(cases, "b", "z")
