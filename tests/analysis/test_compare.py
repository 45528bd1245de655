"""Tests for compare.compare_rounds, on hand-made counts of the real published MPS figures.

Verdicts are justified by two-proportion z statistics worked out by hand:
z = (p1 - p2) / sqrt(pbar (1 - pbar) (1/n1 + 1/n2)), pbar = (x1 + x2) / (n1 + n2).
"""

import math

import pandas as pd
import pytest

from inspection_analysis.analysis.compare import compare_rounds
from inspection_analysis.io import load_rounds

LABELS = {
    "mps-2016": "2016 inspection",
    "mps-2017-q2": "2017 Q2 update",
    "mps-2017-q3": "2017 Q3 update",
    "mps-2017-q4": "2017 Q4 update",
    "mps-2018": "2018 post-inspection review",
}
# Published: 278/374 (2016), 170 files no counts (Q2), 10/64/61 -> 125/135 (Q3), 191/214 (Q4), 93/127/83 -> 210/303.
N = {"mps-2016": 374, "mps-2017-q2": 170, "mps-2017-q3": 135, "mps-2017-q4": 214, "mps-2018": 303}
F = {"mps-2016": 278, "mps-2017-q2": pd.NA, "mps-2017-q3": 125, "mps-2017-q4": 191, "mps-2018": 210}


@pytest.fixture
def counts():
    return pd.DataFrame(
        {
            "round_id": list(N),
            "n": pd.array(list(N.values()), dtype="Int64"),
            "failures": pd.array(list(F.values()), dtype="Int64"),
            "failing": "requires improvement|inadequate",
            "data_kind": "published",
        }
    )


@pytest.fixture
def rounds():
    return pd.DataFrame(
        {
            "round_id": list(LABELS),
            "force": "mps",
            "force_name": "Metropolitan Police Service",
            "label": list(LABELS.values()),
            "reference_date": ["2016-05-01", "2017-06-30", "2017-09-30", "2017-12-31", "2018-10-19"],
            "assessor": ["inspectorate", "force_audit", "inspectorate", "inspectorate", "inspectorate"],
            "scale": "3-point",
            "notes": "",
        }
    )


def test_2016_vs_2017_q4_significant_deterioration(counts, rounds):
    row = compare_rounds(counts, "mps-2016", "mps-2017-q4", rounds=rounds).iloc[0]
    # hand: p1 = 191/214 = 0.892523, p2 = 278/374 = 0.743316, difference = +0.149208;
    # pbar = 469/588 = 0.797619, se = sqrt(0.797619*0.202381*(1/214 + 1/374)) = 0.034437, z = 4.33 -> p < 0.001
    assert row["difference"] == pytest.approx(0.149208, abs=1e-6)
    assert row["verdict"] == "significant deterioration"
    assert row["pvalue"] < 0.001
    assert row["pvalue_improvement"] > 0.99  # one-sided for a fall: the rate rose
    # Wilson 95% for 191/214 by hand: centre (p + z^2/2n)/(1 + z^2/n) = 0.885601, half-width 0.041707
    # -> (0.843894, 0.927309)
    assert row["rate_follow_up_low"] == pytest.approx(0.843894, abs=1e-5)
    assert row["rate_follow_up_high"] == pytest.approx(0.927309, abs=1e-5)
    s = row["sentence"]
    assert s.startswith("In the 2017 Q4 update 191 of 214 case files (89%, 95% CI 84% to 93%) required improvement")
    assert "against 278 of 374 (74%) in the 2016 inspection: a rise of 15 percentage points" in s
    assert "significant deterioration (Boschloo's exact test, p < 0.001)" in s
    # 2016-05-01 to 2017-12-31 is 609 days = 20.0 months of 365.25/12 days: more than 15, so a warning
    assert row["warnings"].startswith("far apart in time: the 2016 inspection and the 2017 Q4 update are 20 months apart")


def test_rounds_a_quarter_apart_carry_no_time_warning(counts, rounds):
    row = compare_rounds(counts, "mps-2017-q3", "mps-2017-q4", rounds=rounds).iloc[0]
    assert "far apart" not in row["warnings"]  # 2017-09-30 to 2017-12-31: 92 days, 3.0 months


def test_2016_vs_2017_q3_significant_deterioration(counts, rounds):
    row = compare_rounds(counts, "mps-2016", "mps-2017-q3", rounds=rounds).iloc[0]
    # hand: 125/135 = 0.925926 vs 0.743316: +0.182610; pbar = 403/509, se = 0.040770, z = 4.48 -> p < 0.001
    assert row["difference"] == pytest.approx(0.182610, abs=1e-6)
    assert row["verdict"] == "significant deterioration"
    assert row["pvalue"] < 0.001


def test_2016_vs_2018_no_significant_change_reports_detectable_improvement(counts, rounds):
    row = compare_rounds(counts, "mps-2016", "mps-2018", rounds=rounds).iloc[0]
    # hand: 210/303 = 0.693069 vs 0.743316: -0.050246; pbar = 488/677 = 0.720827,
    # se = sqrt(0.720827*0.279173*(1/303 + 1/374)) = 0.034673, z = -1.449;
    # normal two-sided p = 2*(1 - Phi(1.449)) = 0.147, one-sided 0.074: not significant either way.
    assert row["difference"] == pytest.approx(-0.050246, abs=1e-6)
    assert row["verdict"] == "no significant change"
    assert 0.05 < row["pvalue"] < 0.3
    assert 0.03 < row["pvalue_improvement"] < 0.15
    assert row["pvalue_adjusted"] == row["pvalue"]  # one comparison: nothing to adjust
    # Minimum detectable fall, one-sided 5%, 80% power (normal approximation, by hand):
    # d = 1.6449*sqrt(pbar q (1/303 + 1/374)) + 0.8416*sqrt(p1 q1/303 + p2 q2/374); at p1 = 0.655,
    # pbar = 0.70380: d = 1.6449*0.035289 + 0.8416*0.035440 = 0.0879
    assert row["min_detectable_improvement"] == pytest.approx(0.0879, abs=0.003)
    # Power for a fall of 10 points (p1 = 0.6433), same formula: pbar = 0.6986, se0 = 0.035466,
    # se1 = 0.035602, power = Phi((0.1 - 1.6449*0.035466)/0.035602) = Phi(1.170) = 0.879
    assert row["power_at_margin"] == pytest.approx(0.879, abs=0.02)
    # Posterior Beta(279, 97) for 2016 and Beta(211, 94) for 2018 (uniform priors); normal approximation:
    # means 0.742021, 0.691803; variances 0.00050776, 0.00069677; z = 0.050218/0.034706 = 1.447 -> 0.926
    assert row["prob_improvement"] == pytest.approx(0.926, abs=0.01)
    s = row["sentence"]
    assert "a fall of 5 percentage points" in s
    assert "not a significant change" in s
    assert "only an improvement of at least 9 percentage points" in s
    assert "a smaller real improvement may have gone undetected" in s
    assert "no improvement" not in s.replace("real improvement", "")


def test_2017_q3_vs_2018_significant_improvement(counts, rounds):
    row = compare_rounds(counts, "mps-2017-q3", "mps-2018", rounds=rounds).iloc[0]
    # hand: 0.693069 - 0.925926 = -0.232857; pbar = 335/438, se = 0.043885, z = -5.31 -> p < 0.001
    assert row["difference"] == pytest.approx(-0.232857, abs=1e-6)
    assert row["verdict"] == "significant improvement"
    assert row["pvalue"] < 0.001 and row["pvalue_improvement"] < 0.001
    assert row["prob_improvement"] > 0.999
    assert "a fall of 23 percentage points" in row["sentence"]


def test_newcombe_interval_matches_published_example():
    # Newcombe (1998) Stat Med 17:873-890, Table II example (a): 56/70 - 48/80 = 0.2,
    # method 10 (hybrid score) 95% CI 0.0524 to 0.3339.
    counts = pd.DataFrame({"round_id": ["b", "f"], "n": [80, 70], "failures": [48, 56]})
    reg = pd.DataFrame({"round_id": ["b", "f"], "label": ["baseline", "follow-up"]})
    row = compare_rounds(counts, "b", "f", rounds=reg).iloc[0]
    assert row["difference"] == pytest.approx(0.2)
    assert row["difference_low"] == pytest.approx(0.0524, abs=5e-5)
    assert row["difference_high"] == pytest.approx(0.3339, abs=5e-5)


def test_unpublished_round_is_not_assessable(counts, rounds):
    row = compare_rounds(counts, "mps-2016", "mps-2017-q2", rounds=rounds).iloc[0]
    assert row["verdict"] == "not assessable"
    assert math.isnan(row["pvalue"])
    assert "no failure counts published for the 2017 Q2 update" in row["warnings"]
    assert "different assessors" in row["warnings"]
    assert "the force's own audit team" in row["warnings"]
    assert "no failure counts were published" in row["sentence"]


def test_scale_and_small_sample_warnings():
    counts = pd.DataFrame({"round_id": ["b", "f"], "n": [33, 20], "failures": [8, 10]})
    reg = pd.DataFrame(
        {"round_id": ["b", "f"], "label": ["self-audit", "re-grade"], "assessor": "inspectorate",
         "scale": ["4-point", "3-point"]}
    )
    warnings = compare_rounds(counts, "b", "f", rounds=reg).iloc[0]["warnings"]
    assert "different grading scales: 4-point in the self-audit, 3-point in the re-grade" in warnings
    assert "small sample: only 20 case files in the re-grade" in warnings
    assert "33 case files" not in warnings


def test_unregistered_round_is_flagged_and_labelled_by_id():
    counts = pd.DataFrame({"round_id": ["x", "y"], "n": [100, 100], "failures": [50, 40]})
    row = compare_rounds(counts, "x", "y", rounds=pd.DataFrame({"round_id": ["x"], "label": ["first"]})).iloc[0]
    assert "y is not in the rounds registry" in row["warnings"]
    assert row["sentence"].startswith("In the round y ")


def test_synthetic_data_is_labelled():
    counts = pd.DataFrame({"round_id": ["x", "y"], "n": [100, 100], "failures": [50, 40], "data_kind": "synthetic"})
    reg = pd.DataFrame({"round_id": ["x", "y"], "label": ["first", "second"]})
    row = compare_rounds(counts, "x", "y", rounds=reg).iloc[0]
    assert row["sentence"].startswith("Synthetic data: ")
    assert row["warnings"].startswith("synthetic data")


def test_by_groups_holm_adjusted():
    counts = pd.DataFrame(
        {
            "round_id": ["b", "b", "f", "f"],
            "case_type": ["missing", "online", "missing", "online"],
            "n": [100, 100, 100, 100],
            "failures": [60, 80, 30, 75],
        }
    )
    reg = pd.DataFrame({"round_id": ["b", "f"], "label": ["baseline", "follow-up"]})
    out = compare_rounds(counts, "b", "f", by="case_type", rounds=reg)
    assert list(out["case_type"]) == ["missing", "online"]
    p = out["pvalue"].to_numpy()
    # Holm by hand for two p-values: smaller * 2, larger * 1, then made monotone and capped at 1
    lo, hi = sorted(p)
    expected_lo = min(1, 2 * lo)
    expected_hi = min(1, max(expected_lo, hi))
    adj = dict(zip(p, out["pvalue_adjusted"], strict=True))
    assert adj[lo] == pytest.approx(expected_lo)
    assert adj[hi] == pytest.approx(expected_hi)
    # missing: 60% -> 30%: z by hand = -0.30/sqrt(0.45*0.55*0.02) = -4.26 -> significant improvement
    assert out.loc[0, "verdict"] == "significant improvement"
    # online: 80% -> 75%: z = -0.05/sqrt(0.775*0.225*0.02) = -0.85 -> not significant
    assert out.loc[1, "verdict"] == "no significant change"
    assert out.loc[0, "sentence"].startswith("For case_type missing, in the follow-up")
    assert "Holm-adjusted p" in out.loc[0, "sentence"]
    assert "cmh_odds_ratio" not in out.columns


def test_by_group_in_one_round_only_and_duplicate_rows():
    # "custody" is only in the follow-up: not assessable, no p-value, left out of the Holm adjustment;
    # "missing" 60/100 -> 30/100 as in test_by_groups_holm_adjusted (z = -4.26), alone in the family, so unadjusted.
    counts = pd.DataFrame({"round_id": ["b", "f", "f"], "case_type": ["missing", "missing", "custody"],
                           "n": [100, 100, 40], "failures": [60, 30, 10]})
    reg = pd.DataFrame({"round_id": ["b", "f"], "label": ["baseline", "follow-up"]})
    out = compare_rounds(counts, "b", "f", by="case_type", rounds=reg).set_index("case_type")
    assert list(out.index) == ["custody", "missing"]  # sorted
    custody = out.loc["custody"]
    assert custody["verdict"] == "not assessable" and math.isnan(custody["pvalue"])
    assert math.isnan(custody["n_baseline"]) and custody["n_follow_up"] == 40
    assert custody["rate_follow_up"] == 0.25 and not custody["equivalent_within_margin"]
    assert out.loc["missing", "pvalue_adjusted"] == out.loc["missing", "pvalue"]
    assert out.loc["missing", "verdict"] == "significant improvement"
    twice = pd.concat([counts, counts.iloc[[0]]])
    with pytest.raises(ValueError, match="more than one row per round"):
        compare_rounds(twice, "b", "f", by="case_type", rounds=reg)


def _two_types(baseline, follow_up):
    rows = []
    for rid, data in (("b", baseline), ("f", follow_up)):
        for case_type, (x, n) in data.items():
            rows.append({"round_id": rid, "case_type": case_type, "n": n, "failures": x})
    return pd.DataFrame(rows)


def test_simpsons_paradox_warning():
    # Both case types improve (hard 90% -> 85%, easy 25% -> 20%) but the follow-up sampled far more hard cases.
    counts = _two_types({"hard": (90, 100), "easy": (100, 400)}, {"hard": (340, 400), "easy": (20, 100)})
    reg = pd.DataFrame({"round_id": ["b", "f"], "label": ["baseline", "follow-up"]})
    row = compare_rounds(counts, "b", "f", rounds=reg).iloc[0]
    # crude by hand: 190/500 = 0.38 -> 360/500 = 0.72, +0.34; pbar = 0.55, se = 0.031464, z = 10.8
    assert row["difference"] == pytest.approx(0.34)
    assert row["verdict"] == "significant deterioration"
    # Mantel-Haenszel OR by hand (follow-up row first): hard a=340 b=60 c=90 d=10, N=500: ad/N=6.8, bc/N=10.8;
    # easy a=20 b=80 c=100 d=300, N=500: ad/N=12, bc/N=16. OR = 18.8/26.8 = 0.701493
    assert row["cmh_odds_ratio"] == pytest.approx(0.701493, abs=1e-6)
    assert "Simpson's paradox" in row["warnings"]


def test_no_simpson_warning_when_crude_and_adjusted_agree():
    counts = _two_types({"hard": (90, 100), "easy": (100, 400)}, {"hard": (50, 100), "easy": (40, 400)})
    reg = pd.DataFrame({"round_id": ["b", "f"], "label": ["baseline", "follow-up"]})
    row = compare_rounds(counts, "b", "f", rounds=reg).iloc[0]
    # crude 0.38 -> 0.18, adjusted: hard 90% -> 50%, easy 25% -> 10%: both clearly fall
    assert row["verdict"] == "significant improvement"
    assert row["cmh_odds_ratio"] < 1 and row["cmh_pvalue"] < 0.05
    assert "Simpson" not in row["warnings"]


def test_input_not_mutated(counts, rounds):
    before = counts.copy()
    compare_rounds(counts, "mps-2016", "mps-2018", rounds=rounds)
    pd.testing.assert_frame_equal(counts, before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": "mps-2099", "follow_up": "mps-2018"}, "mps-2099"),
        ({"baseline": "mps-2018", "follow_up": "mps-2018"}, "same round"),
        ({"baseline": "mps-2016", "follow_up": "mps-2018", "margin": 10}, "margin"),
        ({"baseline": "mps-2016", "follow_up": "mps-2018", "by": "region"}, "region"),
        ({"baseline": "mps-2016", "follow_up": "mps-2018", "confidence_level": 95}, "confidence_level"),
    ],
)
def test_validation(counts, rounds, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_rounds(counts, rounds=rounds, **kwargs)


def test_several_rows_per_round_without_case_type_is_an_error(rounds):
    counts = pd.DataFrame({"round_id": ["mps-2016", "mps-2016", "mps-2018"], "n": [10, 10, 10], "failures": [1, 2, 3]})
    with pytest.raises(ValueError, match="several rows"):
        compare_rounds(counts, "mps-2016", "mps-2018", rounds=rounds)


def test_counts_must_be_a_frame(rounds):
    with pytest.raises(TypeError, match="DataFrame"):
        compare_rounds([1, 2], "a", "b", rounds=rounds)


def test_shipped_data_integration():
    io = pytest.importorskip("inspection_analysis.io")
    counts_mod = pytest.importorskip("inspection_analysis.counts.table")
    counts = counts_mod.to_counts(io.load_published())
    row = compare_rounds(counts, "mps-2016", "mps-2017-q4", rounds=load_rounds()).iloc[0]
    # the inspectorate's own published figures: 278 of 374 and 191 of 214
    assert (row["failures_baseline"], row["n_baseline"]) == (278, 374)
    assert (row["failures_follow_up"], row["n_follow_up"]) == (191, 214)
    assert row["verdict"] == "significant deterioration"


def _pair(xb, nb, xf, nf):
    counts = pd.DataFrame({"round_id": ["b", "f"], "n": [nb, nf], "failures": [xb, xf]})
    reg = pd.DataFrame({"round_id": ["b", "f"], "label": ["baseline", "follow-up"]})
    return compare_rounds(counts, "b", "f", rounds=reg).iloc[0]


def test_all_failing_to_none_failing():
    row = _pair(20, 20, 0, 20)
    # hand: 0/20 - 20/20 = -1; pbar = 0.5, se = sqrt(0.25*0.1) = 0.158, z = -6.3 -> significant improvement
    assert row["difference"] == -1.0
    assert row["verdict"] == "significant improvement"
    assert row["rate_follow_up_low"] == 0.0  # Wilson lower limit at x = 0 is exactly 0
    assert "small sample: only 20 case files in the baseline" in row["warnings"]


def test_one_case_each_is_not_significant_and_says_so():
    row = _pair(1, 1, 0, 1)
    # with one file per round no test can reach 5%: the smallest two-sided exact p-value for 1/1 vs 0/1 is far above
    assert row["verdict"] == "no significant change"
    assert "a fall of 100 percentage points" in row["sentence"]
    # hand, issue 13: the best outcome is 0 of 1 against 1 of 1; Fisher's p for it is P(A <= 0 | A + B = 1) = 1/2,
    # the only table that extreme, so Boschloo's one-sided p = sup_pi (1 - pi) pi = 0.25 > 0.05: nothing could be
    # significant, and no minimum detectable change is quoted
    assert "No outcome of 1 case file could be a significant improvement" in row["sentence"]
    assert "p = 0.25" in row["sentence"] and "could reliably detect" not in row["sentence"]


def test_power_at_margin_undefined_when_baseline_below_margin():
    row = _pair(5, 100, 3, 100)
    # a fall of 10 points from 5% is impossible, so there is no power to quote
    assert math.isnan(row["power_at_margin"])
