"""Tests for monitor (trend, p_chart) and funnel, with R outputs and hand calculations."""

import pandas as pd
import pytest

from inspection_analysis.funnel import funnel, funnel_curves
from inspection_analysis.monitor import p_chart, trend


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


def test_p_chart_laney_auto():
    counts, reg = _series([20, 30], [100, 100])
    res = p_chart(counts, force="x", rounds=reg)
    # hand: z = -/+1.1547, moving range 2.3094, sigma_z = 2.3094/1.128 = 2.0473 > 1 -> Laney
    assert res.laney
    assert res.dispersion_ratio == pytest.approx(2.0473, abs=1e-4)
    assert any("Laney's p' limits used" in w for w in res.warnings)


def test_p_chart_warns_on_mixed_assessors():
    counts, reg = _series([50, 40], [100, 100])
    reg.loc[0, "assessor"] = "force_audit"
    res = p_chart(counts, force="x", rounds=reg)
    assert any("mix assessors" in w for w in res.warnings)


def test_funnel_labels_by_hand():
    counts = pd.DataFrame({"force": list("abcde"), "round_id": ["a1", "b1", "c1", "d1", "e1"], "n": [10] * 5,
                           "failures": [8, 9, 5, 1, 0]})
    out = funnel(counts, centre=0.5)
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
        funnel(counts)


def test_funnel_curves_grid():
    curves = funnel_curves(0.5, 10, num=10)
    assert set(curves["level"]) == {0.95, 0.998}
    assert list(curves.columns) == ["n", "level", "low", "high"]
    row = curves[(curves["n"] == 10) & (curves["level"] == 0.998)].iloc[0]
    assert row["high"] == pytest.approx(0.89976, abs=1e-7)  # hand, as above
    with pytest.raises(ValueError, match="n_min"):
        funnel_curves(0.5, 0)


def test_shipped_mps_series():
    io = pytest.importorskip("inspection_analysis.io")
    counts_mod = pytest.importorskip("inspection_analysis.counts")
    counts = counts_mod.to_counts(io.load_published())
    res = trend(counts)
    # rounds with published counts, in time order: 278/374, 125/135, 191/214, 210/303 (published figures)
    assert list(res.table["failures"]) == [278, 125, 191, 210]
    assert any("2017 Q2 update" in w for w in res.warnings)
    chart = p_chart(counts)
    assert chart.warnings[0].startswith("only 4 rounds: these are trial limits")
