"""Tests for analysis.funnel_dispersion and the funnel's default Wilson limits.

References: tests/stats/reference/overdispersion.R and its output overdispersion.txt (FunnelPlotR's
formulas for proportions restated in base R from nhs-r-community/FunnelPlotR, commit 9020d497), and
PHEindicatormethods' Wilson-score limits written out by hand.
"""

import math

import numpy as np
import pandas as pd
import pytest

from inspection_analysis.analysis.funnel import funnel, funnel_limits_frame
from inspection_analysis.analysis.funnel_dispersion import funnel_dispersion

X = [12, 20, 31, 8, 30, 25, 22, 9, 48, 18, 27, 40]
N = [35, 42, 60, 28, 50, 75, 40, 33, 90, 55, 48, 62]
GRID = [20, 50, 100, 400]
# overdispersion.txt (R 4.2): additive limits at n = 20, 50, 100, 400
R_ADDITIVE = {
    0.025: [0.198019055190697, 0.242791678244296, 0.261001151293707, 0.276213652224225],
    0.975: [0.750782899870161, 0.702634140251148, 0.683284547279649, 0.667212089809387],
    0.001: [0.0828297230503079, 0.1356435538355273, 0.1590733117969159, 0.1793564392000754],
    0.999: [0.880184301780886, 0.819572333518555, 0.793455526596054, 0.771127900919482],
}
Z975, Z999 = 1.959963984540054, 3.090232306167813  # R: qnorm(0.975), qnorm(0.999)


def _forces():
    return pd.DataFrame({"force": [f"f{i:02d}" for i in range(12)], "round_id": [f"f{i:02d}-1" for i in range(12)],
                         "n": N, "failures": X})


def test_adjusted_limits_match_funnelplotr_formulas_in_r():
    res = funnel_dispersion(funnel(_forces()), grid=GRID)
    assert res.estimate.phi == pytest.approx(2.77034450754974, abs=1e-12)  # R phi
    assert res.estimate.pvalue == pytest.approx(0.000480305399311501, rel=1e-9)  # R p (chi-square, 11 df)
    assert res.needed
    np.testing.assert_allclose(res.limits["low_95"], R_ADDITIVE[0.025], atol=1e-12)
    np.testing.assert_allclose(res.limits["high_95"], R_ADDITIVE[0.975], atol=1e-12)
    np.testing.assert_allclose(res.limits["low_998"], R_ADDITIVE[0.001], atol=1e-12)
    np.testing.assert_allclose(res.limits["high_998"], R_ADDITIVE[0.999], atol=1e-12)
    assert res.limits["centre"].iloc[0] == pytest.approx(0.469255663430421, abs=1e-14)  # R target
    assert "vary more than sampling error explains" in res.sentence


def test_adjustment_flags_fewer_forces():
    res = funnel_dispersion(funnel(_forces()))
    before = (res.table["label"] != "not significant").sum()
    after = (res.table["label_adjusted"] != "not significant").sum()
    assert after <= before
    assert f"{before} of 12 without adjustment, {after} with the additive" in res.sentence
    mult = funnel_dispersion(funnel(_forces()), method="multiplicative")
    assert "multiplicative (phi = 2.77)" in mult.sentence


def test_no_adjustment_needed_when_forces_agree():
    same = pd.DataFrame({"force": list("abc"), "round_id": list("abc"), "n": [100] * 3, "failures": [50, 50, 50]})
    res = funnel_dispersion(funnel(same))
    assert not res.needed and res.estimate.tau2 == 0
    assert "so the unadjusted limits stand" in res.sentence


def test_validation():
    with pytest.raises(ValueError, match="at least two forces"):
        funnel_dispersion(funnel(_forces()).iloc[:1])
    with pytest.raises(ValueError, match="method"):
        funnel_dispersion(funnel(_forces()), method="none")


def test_funnel_default_is_pheindicatormethods_wilson_limits():
    # PHEindicatormethods' limits for proportions (R/Funnels.R, sigma_adjustment in R/utils.R) invert the
    # Wilson score interval; its roots are centre +/- z sqrt(centre (1 - centre) / n) (worked in
    # tests/stats/test_funnel.py). Hand, centre 0.5, n = 10: sqrt(0.025) = 0.1581139;
    # 95%: 0.5 -/+ 1.959964 x 0.1581139 = 0.1901025, 0.8098975; 99.8%: 0.5 -/+ 3.090232 x 0.1581139 = 0.0113881
    counts = pd.DataFrame({"force": list("abcde"), "round_id": list("abcde"), "n": [10] * 5,
                           "failures": [8, 9, 5, 1, 0]})
    out = funnel(counts, centre=0.5)
    half = math.sqrt(0.025)
    assert out["inner_high"].iloc[0] == pytest.approx(0.5 + Z975 * half, abs=1e-12)
    assert out["inner_low"].iloc[0] == pytest.approx(0.1901025, abs=1e-7)
    assert out["outer_low"].iloc[0] == pytest.approx(0.5 - Z999 * half, abs=1e-12)
    # 0.8 < 0.8099 is inside (the exact limits, 0.7676, flag it); 0.9 > 0.8099; 0.1 < 0.1901; 0 < 0.0114
    assert out["label"].tolist() == ["not significant", "high (95%)", "not significant", "low (95%)",
                                     "low (99.8%)"]
    assert set(out["limit_method"]) == {"wilson"}
    frame = funnel_limits_frame(out, n_max=10, num=10)
    assert frame["high_95"].iloc[-1] == pytest.approx(0.5 + Z975 * half, abs=1e-12)
    assert funnel_limits_frame(out, n_max=10, num=10, method="exact")["high_95"].iloc[-1] == \
        pytest.approx(0.7675556, abs=1e-7)  # Binomial(10, 0.5) interpolated, as tests/analysis/test_series.py
    with pytest.raises(ValueError, match="method"):
        funnel(counts, method="normal")


# PHEindicatormethods' own test values (ukhsa-collaboration/PHEindicatormethods,
# tests/testthat/testdata_funnel_prop_outputs.csv, commit 093fd288; as quoted in tests/stats/test_funnel.py):
# Population, Lower2s0025limit, Upper2s0025limit, Lower3s0001limit, Upper3s0001limit (percent)
PHE_BASELINE = 10325813.8504 / 12804440
PHE_ROWS = [(18, 62.390093, 98.894803, 51.864359, 100), (68, 71.251689, 90.033207, 65.836243, 95.448652),
            (1886, 78.859312, 82.425583, 77.831017, 83.453878)]


def test_funnel_default_reproduces_pheindicatormethods_test_values():
    counts = pd.DataFrame({"force": ["a", "b", "c"], "round_id": ["a", "b", "c"], "n": [r[0] for r in PHE_ROWS],
                           "failures": [10, 50, 1500]})
    out = funnel(counts, centre=PHE_BASELINE)
    got = 100 * out[["inner_low", "inner_high", "outer_low", "outer_high"]].to_numpy()
    np.testing.assert_allclose(got, [r[1:] for r in PHE_ROWS], atol=1.5e-6)
