"""Tests for monitor (round_counts, round_rates, trend), pchart (p_chart) and forces (funnel and its inputs).

References are R outputs and hand calculations written out beside each value.
"""

import math

import pandas as pd
import pytest

from inspection_analysis.analysis.funnel import funnel, funnel_curves, funnel_inputs, funnel_limits_frame, funnel_points
from inspection_analysis.analysis.pchart import p_chart
from inspection_analysis.analysis.series import round_counts, round_rates
from inspection_analysis.analysis.trend import trend
from inspection_analysis.io import load_rounds

Z975 = 1.959963984540054  # R: qnorm(0.975)


def _series(failures, n, *, missing=()):
    ids = [f"r{i:02d}" for i in range(len(failures) + len(missing))]
    fails = list(failures) + [pd.NA] * len(missing)
    sizes = list(n) + list(missing)
    counts = pd.DataFrame({"round_id": ids, "n": pd.array(sizes, dtype="Int64"),
                           "failures": pd.array(fails, dtype="Int64")})
    reg = pd.DataFrame({"round_id": ids, "force": "x", "label": [f"round {i}" for i in range(len(ids))],
                        "reference_date": pd.date_range("2016-01-01", periods=len(ids), freq="90D"),
                        "assessor": "inspectorate", "scale": "3-point"})
    return counts, reg


def test_trend_matches_r_prop_trend_test_and_prop_test():
    # R documentation example for prop.test: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82)
    # prop.trend.test(smokers, patients): X-squared = 8.2249, df = 1, p-value = 0.004132
    # prop.test(smokers, patients): X-squared = 12.6, df = 3, p-value = 0.005585
    counts, reg = _series([83, 90, 129, 70], [86, 93, 136, 82])
    res = trend(counts, force="x", rounds=reg)
    assert res.statistic == pytest.approx(8.2249, abs=1e-4)
    assert res.pvalue == pytest.approx(0.004132, abs=1e-6)
    assert res.z < 0  # rates 0.965, 0.968, 0.949, 0.854: falling
    assert res.pvalue_falling == pytest.approx(0.004132 / 2, abs=1e-6)  # one tail of the same z
    assert res.homogeneity_statistic == pytest.approx(12.6, abs=0.05)
    assert res.homogeneity_pvalue == pytest.approx(0.005585, abs=1e-5)
    assert list(res.table["score"]) == [1, 2, 3, 4]
    assert "a significant falling trend" in res.sentence


def test_trend_leaves_out_rounds_without_counts_and_says_so():
    counts, reg = _series([50, 50], [100, 100], missing=[170])
    res = trend(counts, force="x", rounds=reg)
    assert len(res.table) == 2
    assert any("left out, no failure counts published: round 2" in w for w in res.warnings)
    # equal rates -> z = 0 by hand, no trend
    assert res.z == pytest.approx(0.0)
    assert "no significant linear trend" in res.sentence
    assert "not evidence that the rate stayed the same" in res.sentence


def test_trend_needs_two_rounds():
    counts, reg = _series([50], [100], missing=[170])
    with pytest.raises(ValueError, match="needs two"):
        trend(counts, force="x", rounds=reg)


def test_trend_unknown_force():
    counts, reg = _series([50, 40], [100, 100])
    with pytest.raises(ValueError, match="'nope'"):
        trend(counts, force="nope", rounds=reg)


def test_p_chart_point_beyond_lower_limit_is_improvement():
    counts, reg = _series([70, 72, 68, 71, 69, 70, 30], [100] * 7)
    res = p_chart(counts, force="x", rounds=reg, laney=False)
    t = res.table
    # hand: centre = 450/700 = 0.642857; sigma = sqrt(0.642857*0.357143/100) = 0.047916;
    # LCL = 0.6428571 - 3*0.0479157 = 0.4991099, UCL = 0.7866043
    assert t["centre"].iloc[0] == pytest.approx(0.642857, abs=1e-6)
    assert t["lcl"].iloc[0] == pytest.approx(0.4991099, abs=1e-6)
    assert t["ucl"].iloc[0] == pytest.approx(0.7866043, abs=1e-6)
    # last point: z = (0.30 - 0.642857)/0.047916 = -7.155
    assert t["sigma_score"].iloc[-1] == pytest.approx(-7.155, abs=1e-3)
    assert list(t["special_cause"]) == ["common cause"] * 6 + ["improvement"]
    assert t["rules"].iloc[-1] == "beyond limit"
    assert t["zone"].iloc[-1] == "beyond 3 sigma"
    # 0.72: z = (0.72 - 0.642857)/0.047916 = 1.61 -> 1 to 2 sigma
    assert t["zone"].iloc[1] == "1 to 2 sigma"
    assert res.warnings[0].startswith("only 7 rounds: these are trial limits")
    assert "1 round(s) signal improvement, 0 signal concern" in res.sentence


def test_p_chart_shift_above_centre_is_concern():
    counts, reg = _series([52, 53, 52, 53, 52, 53, 52, 20], [100] * 8)
    res = p_chart(counts, force="x", rounds=reg, laney=False)
    t = res.table
    # hand: centre = 387/800 = 0.48375; the first seven rates (0.52-0.53) all lie above it, within 1 sigma
    # (sigma = 0.049973, z = 0.73 or 0.93): a shift of 7 -> concern; the last, z = -5.68, beyond the LCL
    assert list(t["special_cause"]) == ["concern"] * 7 + ["improvement"]
    assert set(t["rules"].iloc[:7]) == {"shift"}


def test_p_chart_no_rule_fires_and_twelve_points_have_no_trial_warning():
    counts, reg = _series([50, 52, 48, 51, 49, 50, 52, 48, 50, 51, 49, 50], [100] * 12)
    res = p_chart(counts, force="x", rounds=reg)
    assert set(res.table["special_cause"]) == {"common cause"}
    assert not any("trial limits" in w for w in res.warnings)
    assert "only common-cause variation" in res.sentence


def test_p_chart_laney_auto_needs_twelve_rounds():
    # Updated for issue 14: sigma_z from one moving range is no estimate, so the automatic choice keeps plain
    # p limits below 12 rounds (stats.spc.LANEY_MIN_POINTS); it used to apply Laney here.
    counts, reg = _series([20, 30], [100, 100])
    res = p_chart(counts, force="x", rounds=reg)
    # hand: z = -/+1.1547, moving range 2.3094, sigma_z = 2.3094/1.128 = 2.0473 > 1, but only 2 rounds
    assert not res.laney and res.limits == "p"
    assert res.dispersion_ratio == pytest.approx(2.0473, abs=1e-4)
    assert not any("Laney" in w for w in res.warnings)  # X2 = 2.667 on 1 df, p = 0.102 (R chisq.test): no claim


def test_p_chart_states_overdispersion_it_cannot_adjust_for():
    counts, reg = _series([60, 75, 90, 70], [150] * 4)
    res = p_chart(counts, force="x", rounds=reg)
    # R chisq.test(cbind(x, n - x), correct = FALSE): X-squared = 12.5034731870, df = 3, p = 0.005843213158
    # (tests/stats/reference/spc_reference.txt); phi = 12.503473 / 3 = 4.17
    assert res.limits == "p"
    assert any("Pearson chi-square / df = 4.17, p = 0.00584" in w and "too few" in w for w in res.warnings)


def test_p_chart_laney_auto_from_twelve_rounds():
    failures = [40, 60] * 6
    counts, reg = _series(failures, [100] * 12)
    res = p_chart(counts, force="x", rounds=reg)
    # hand: pbar = 0.5, sigma = 0.05, z = -/+2; eleven moving ranges of 4 (none screened out);
    # sigma_z = 4/1.128 = 3.5460993 > 1 with 12 rounds -> Laney
    assert res.laney and res.limits == "laney p'"
    assert res.dispersion_ratio == pytest.approx(3.5460993, abs=1e-6)
    assert any("Laney's p' limits used" in w for w in res.warnings)


def test_p_chart_warns_on_mixed_assessors():
    counts, reg = _series([50, 40], [100, 100])
    reg.loc[0, "assessor"] = "force_audit"
    res = p_chart(counts, force="x", rounds=reg)
    assert any("mix assessors" in w for w in res.warnings)


def test_funnel_labels_by_hand():
    counts = pd.DataFrame({"force": list("abcde"), "round_id": ["a1", "b1", "c1", "d1", "e1"], "n": [10] * 5,
                           "failures": [8, 9, 5, 1, 0]})
    out = funnel(counts, centre=0.5, rounds=load_rounds(), method="exact")
    # Binomial(10, 0.5), interpolated limits (Spiegelhalter 2005 appendix; worked in tests/stats/test_spc.py):
    # 95%: 0.1324444 to 0.7675556; 99.8%: 0.00024 to 0.89976
    assert out["inner_low"].iloc[0] == pytest.approx(0.1324444, abs=1e-7)
    assert out["inner_high"].iloc[0] == pytest.approx(0.7675556, abs=1e-7)
    assert out["outer_low"].iloc[0] == pytest.approx(0.00024, abs=1e-7)
    assert out["outer_high"].iloc[0] == pytest.approx(0.89976, abs=1e-7)
    assert list(out["label"]) == ["high (95%)", "high (99.8%)", "not significant", "low (95%)", "low (99.8%)"]


def test_funnel_pools_and_maps_forces_from_registry():
    counts = pd.DataFrame({"round_id": ["p1", "q1", "q0"], "n": pd.array([30, 70, 50], dtype="Int64"),
                           "failures": pd.array([12, 28, pd.NA], dtype="Int64")})
    reg = pd.DataFrame({"round_id": ["p1", "q1", "q0"], "force": ["p", "q", "q"]})
    out = funnel(counts, rounds=reg)
    assert list(out["force"]) == ["p", "q"]  # the row without counts is left out
    assert out["pooled_rate"].iloc[0] == pytest.approx(0.4)  # hand: 40/100
    assert set(out["label"]) == {"not significant"}


def test_funnel_validation():
    counts = pd.DataFrame({"force": ["a"], "round_id": ["a1"], "n": pd.array([10], dtype="Int64"),
                           "failures": pd.array([pd.NA], dtype="Int64")})
    with pytest.raises(ValueError, match="no row"):
        funnel(counts, rounds=load_rounds())


def test_funnel_curves_grid():
    curves = funnel_curves(0.5, 10, num=10, method="exact")
    assert set(curves["level"]) == {0.95, 0.998}
    assert list(curves.columns) == ["n", "level", "low", "high"]
    row = curves[(curves["n"] == 10) & (curves["level"] == 0.998)].iloc[0]
    assert row["high"] == pytest.approx(0.89976, abs=1e-7)  # hand, as above
    with pytest.raises(ValueError, match="n_min"):
        funnel_curves(0.5, 0)


def test_shipped_mps_series():
    io = pytest.importorskip("inspection_analysis.io")
    counts_mod = pytest.importorskip("inspection_analysis.counts.table")
    counts = counts_mod.to_counts(io.load_published())
    res = trend(counts, rounds=load_rounds())
    # rounds with published counts, in time order: 278/374, 125/135, 191/214, 210/303 (published figures)
    assert list(res.table["failures"]) == [278, 125, 191, 210]
    assert any("2017 Q2 update" in w for w in res.warnings)
    chart = p_chart(counts, rounds=load_rounds())
    assert chart.warnings[0].startswith("only 4 rounds: these are trial limits")


def _wilson_by_hand(x, n, z=Z975):
    """Wilson (1927) score interval written out: (p + z^2/2n -/+ z sqrt(p q / n + z^2 / 4n^2)) / (1 + z^2/n)."""
    p = x / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_round_rates_shipped_series_with_hand_wilson_intervals():
    io = pytest.importorskip("inspection_analysis.io")
    counts_mod = pytest.importorskip("inspection_analysis.counts.table")
    rounds = io.load_rounds()
    rates = round_rates(counts_mod.to_counts(io.load_published(rounds=rounds)), 'mps', rounds=rounds)
    # data/rounds.csv, mps rounds by reference_date; the two 2016 re-gradings (role "regrade") are not in the series
    assert rates["round_id"].tolist() == ["mps-2016", "mps-2017-q1", "mps-2017-q2", "mps-2017-q3", "mps-2017-q4",
                                          "mps-2018"]
    assert list(rates.columns) == ["round_id", "label", "assessor", "reference_date", "n", "failures", "rate",
                                   "ci_low", "ci_high", "confidence_level", "method", "counts_published"]
    row = rates.set_index("round_id")
    # Published: 278 of 374 (2016); 170 files audited in 2017 Q2, no counts; nothing at all for 2017 Q1.
    assert row.loc["mps-2016", ["n", "failures"]].tolist() == [374, 278]
    assert row.loc["mps-2016", "rate"] == pytest.approx(0.743316, abs=1e-6)  # 278/374 by hand
    # Wilson by hand (R: prop.test(278, 374, correct = FALSE)$conf.int = 0.6967, 0.7850):
    # p = 0.743316, z^2/n = 0.0102713, centre (0.743316 + 0.0051356)/1.0102713 = 0.740842,
    # half-width 1.940037 * sqrt(0.00051015 + 0.00000687) = 0.044113 -> 0.696729 to 0.784955.
    assert row.loc["mps-2016", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.696729, 0.784955], abs=2e-6)
    assert row.loc["mps-2018", ["ci_low", "ci_high"]].tolist() == pytest.approx(_wilson_by_hand(210, 303))
    assert row.loc["mps-2017-q2", "n"] == 170 and pd.isna(row.loc["mps-2017-q2", "failures"])
    assert math.isnan(row.loc["mps-2017-q2", "rate"]) and math.isnan(row.loc["mps-2017-q2", "ci_low"])
    assert pd.isna(row.loc["mps-2017-q1", "n"])
    assert rates["counts_published"].tolist() == [True, False, False, True, True, True]
    assert row.loc["mps-2017-q2", "assessor"] == "force_audit"
    assert set(rates["method"]) == {"wilson"} and set(rates["confidence_level"]) == {0.95}


def test_round_rates_other_method_and_level_by_hand():
    counts, reg = _series([0, 5], [10, 10])
    rates = round_rates(counts, 'x', confidence_level=0.9, method='clopper_pearson', rounds=reg)
    # Clopper-Pearson, 0 of 10 at 90%: lower 0, upper 1 - 0.05^(1/10) = 1 - 0.741134 = 0.258866 (hand)
    assert rates["ci_low"].iloc[0] == 0
    assert rates["ci_high"].iloc[0] == pytest.approx(1 - 0.05 ** 0.1)
    assert rates["ci_high"].iloc[0] == pytest.approx(0.258866, abs=1e-6)
    assert rates["method"].iloc[0] == "clopper_pearson" and rates["confidence_level"].iloc[0] == 0.90


def test_round_rates_adds_case_type_subgroups_and_keeps_unknown_sums_missing():
    counts = pd.DataFrame({"round_id": ["a", "a", "b", "b"], "case_type": ["x", "y", "x", "y"],
                           "n": [20, 10, 30, 10], "failures": pd.array([10, 5, 12, pd.NA], dtype="Int64")})
    reg = pd.DataFrame({"round_id": ["a", "b"], "force": "f", "reference_date": ["2016", "2017"]})
    rates = round_rates(counts, 'f', rounds=reg)
    # a: 10 + 5 = 15 of 20 + 10 = 30 (hand); b: one subgroup unpublished -> the total is unknown, n = 40
    assert rates[["n", "failures"]].iloc[0].tolist() == [30, 15]
    assert rates["rate"].iloc[0] == 0.5
    assert rates["n"].iloc[1] == 40 and pd.isna(rates["failures"].iloc[1])
    assert rates["counts_published"].tolist() == [True, False]
    assert rates["label"].tolist() == ["round a", "round b"]  # no label in the registry


def test_round_counts_keeps_grade_counts_and_rounds_with_nothing_published():
    counts = pd.DataFrame({"round_id": ["b"], "n": [135], "failures": [125], "n_good": [10],
                           "n_requires_improvement": [64], "n_inadequate": [61]})
    reg = pd.DataFrame({"round_id": ["a", "b"], "force": "f", "reference_date": ["2016", "2017"],
                        "label": ["first", "second"]})
    out = round_counts(counts, 'f', rounds=reg)
    assert out["round_id"].tolist() == ["a", "b"]
    assert out.loc[1, ["n_good", "n_requires_improvement", "n_inadequate"]].tolist() == [10, 64, 61]
    assert pd.isna(out.loc[1, "n_adequate"]) and out.loc[0, ["n", "failures"]].isna().all()
    assert str(out["n"].dtype) == "Int64"


def test_round_rates_validation():
    counts, reg = _series([5], [10])
    with pytest.raises(ValueError, match="'nope'"):
        round_rates(counts, 'nope', rounds=reg)
    with pytest.raises(ValueError, match="method"):
        round_rates(counts, 'x', method='guess', rounds=reg)
    with pytest.raises(ValueError, match="confidence_level"):
        round_rates(counts, 'x', confidence_level=95, rounds=reg)
    doubled = pd.concat([counts, counts], ignore_index=True)
    with pytest.raises(ValueError, match="several rows"):
        round_rates(doubled, 'x', rounds=reg)
    with pytest.raises(TypeError, match="DataFrame"):
        round_rates(counts.to_dict(), 'x', rounds=reg)
    assert counts.equals(_series([5], [10])[0])  # the caller's frame is not modified


def _funnel_registry():
    return pd.DataFrame({
        "round_id": ["a-old", "a-new", "a-own", "a-regrade", "b-4pt", "b-1", "c-1"],
        "force": ["a", "a", "a", "a", "b", "b", "c"],
        "force_name": ["Force A"] * 4 + ["Force B"] * 2 + ["Force C"],
        "reference_date": ["2016", "2018", "2019", "2020", "2021", "2015", "2017"],
        "role": ["audit", "audit", "audit", "regrade", "audit", "audit", "audit"],
        "assessor": ["inspectorate", "inspectorate", "force_audit", "inspectorate", "inspectorate", "inspectorate",
                     "inspectorate"],
        "scale": ["3-point"] * 4 + ["4-point", "3-point", "3-point"],
    })


def test_funnel_inputs_one_rule_for_comparable_rounds():
    reg = _funnel_registry()
    ids = reg["round_id"].tolist()
    counts = pd.DataFrame({"round_id": ids, "n": [30] * 7,
                           "failures": pd.array([20, 21, 5, 6, 22, 23, 24], dtype="Int64"),
                           "n_good": pd.array([10, 9, 25, 24, 8, 7, pd.NA], dtype="Int64"),
                           "n_requires_improvement": pd.array([10] * 7, dtype="Int64"),
                           "n_inadequate": pd.array([10, 11, 0, 1, 12, 13, 14], dtype="Int64")})
    out = funnel_inputs(counts, reg)
    # a: the force's own audit (a-own) and the re-grade (a-regrade) are later but not comparable -> a-new.
    # b: its 4-point round is left out -> b-1. c: no good count published -> no full split, left out.
    assert out[["force", "round_id"]].values.tolist() == [["b", "b-1"], ["a", "a-new"]]  # time order
    assert list(out.columns) == ["force", *counts.columns]
    table = funnel(out, rounds=reg)
    assert table["pooled_rate"].iloc[0] == pytest.approx(44 / 60)  # hand: (23 + 21) / (30 + 30)
    points = funnel_points(table, reg)
    assert points["group"].tolist() == ["Force B", "Force A"]
    assert set(points["outlier"]) == {""}  # 23/30 and 21/30 are within the limits around 44/60


def test_funnel_inputs_shipped_data():
    io = pytest.importorskip("inspection_analysis.io")
    counts_mod = pytest.importorskip("inspection_analysis.counts.table")
    rounds = io.load_rounds()
    out = funnel_inputs(counts_mod.to_counts(io.load_published(rounds=rounds)), rounds).set_index("force")
    # Published full splits: mps 2018 93/127/83 of 303; Lincolnshire 2019 9 good of 81 (72 failing).
    assert out.loc["mps", "round_id"] == "mps-2018" and out.loc["mps", "n"] == 303
    assert out.loc["lincolnshire", "failures"] == 72
    # West Yorkshire graded on the 4-point scale; Lancashire published no good count; Nottinghamshire no split.
    assert not {"west-yorkshire", "lancashire", "nottinghamshire"} & set(out.index)
    assert len(out) == 11


def test_funnel_inputs_validation():
    reg = _funnel_registry()
    counts = pd.DataFrame({"round_id": ["c-1"], "n": [30], "failures": [24], "n_good": [6],
                           "n_requires_improvement": [10], "n_inadequate": [14]})
    with pytest.raises(ValueError, match="role"):
        funnel_inputs(counts, reg.drop(columns="role"))
    with pytest.raises(ValueError, match="several rows"):
        funnel_inputs(pd.concat([counts, counts]), reg)
    with pytest.raises(ValueError, match="no round"):
        funnel_inputs(counts.assign(n_good=pd.array([pd.NA], dtype="Int64")), reg)


def test_funnel_limits_frame_wide_by_hand():
    table = pd.DataFrame({"n": [8], "pooled_rate": [0.5], "limit_method": "exact"})
    lim = funnel_limits_frame(table, n_max=10, num=10)
    assert list(lim.columns) == ["n", "centre", "low_95", "high_95", "low_998", "high_998"]
    assert lim["n"].tolist() == [10]  # n_min defaults to 10
    # Binomial(10, 0.5), interpolated limits as in test_funnel_labels_by_hand
    assert lim.iloc[0, 2:].tolist() == pytest.approx([0.1324444, 0.7675556, 0.00024, 0.89976], abs=1e-7)
    assert funnel_limits_frame(table, n_min=1)["n"].max() == 9  # default n_max: 1.2 x 8 = 9.6 -> 9
    with pytest.raises(ValueError, match="pooled_rate"):
        funnel_limits_frame(pd.DataFrame({"n": [8]}))
