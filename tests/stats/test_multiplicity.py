"""Tests for stats.multiplicity: R p.adjust definitions worked by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.multiplicity import METHODS, adjust_pvalues

P5 = [0.01, 0.02, 0.03, 0.04, 0.05]


def test_bonferroni_hand():
    # Hand: 5 * p -> .05, .10, .15, .20, .25
    np.testing.assert_allclose(adjust_pvalues(P5, method="bonferroni"), [0.05, 0.10, 0.15, 0.20, 0.25], atol=1e-15)


def test_holm_hand():
    # Hand: (m - i + 1) p(i) = 5*.01, 4*.02, 3*.03, 2*.04, 1*.05 = .05, .08, .09, .08, .05; cummax -> .05 .08 .09 .09 .09
    np.testing.assert_allclose(adjust_pvalues(P5), [0.05, 0.08, 0.09, 0.09, 0.09], atol=1e-15)


def test_hochberg_hand():
    # Hand: same products .05 .08 .09 .08 .05; cumulative min from the largest p -> all .05
    np.testing.assert_allclose(adjust_pvalues(P5, method="hochberg"), [0.05] * 5, atol=1e-15)
    # Hand: p = (.01, .04, .045, .05): products 4*.01=.04, 3*.04=.12, 2*.045=.09, 1*.05=.05;
    # cummin from the top -> .04, .05, .05, .05 (Holm instead: cummax -> .04, .12, .12, .12)
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.04, 0.045, 0.05], method="hochberg"), [0.04, 0.05, 0.05, 0.05], atol=1e-15)
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.04, 0.045, 0.05], method="holm"), [0.04, 0.12, 0.12, 0.12], atol=1e-15)


def test_bh_and_by_hand():
    # Hand BH: m p(i) / i = 5*.01/1, 5*.02/2, 5*.03/3, 5*.04/4, 5*.05/5 = .05 each
    np.testing.assert_allclose(adjust_pvalues(P5, method="fdr_bh"), [0.05] * 5, atol=1e-15)
    # Hand BY: BH * (1 + 1/2 + 1/3 + 1/4 + 1/5) = .05 * 2.2833333 = 0.1141667
    np.testing.assert_allclose(adjust_pvalues(P5, method="fdr_by"), [0.05 * (137 / 60)] * 5, atol=1e-15)


def test_unsorted_input_and_cap():
    # Hand: p = (.04, .001, .3, .02), sorted .001 .02 .04 .3 (m = 4)
    # Holm: 4*.001 = .004, 3*.02 = .06, 2*.04 = .08, 1*.3 = .3 -> back in input order .08 .004 .3 .06
    p = [0.04, 0.001, 0.3, 0.02]
    np.testing.assert_allclose(adjust_pvalues(p), [0.08, 0.004, 0.3, 0.06], atol=1e-15)
    # Bonferroni: .16 .004 1.2 -> capped at 1, .08
    np.testing.assert_allclose(adjust_pvalues(p, method="bonferroni"), [0.16, 0.004, 1.0, 0.08], atol=1e-15)
    # BH: 4*.001/1 = .004, 4*.02/2 = .04, 4*.04/3 = .0533333, 4*.3/4 = .3 -> .0533333 .004 .3 .04
    np.testing.assert_allclose(adjust_pvalues(p, method="fdr_bh"), [0.16 / 3, 0.004, 0.3, 0.04], atol=1e-15)


def test_nan_kept_and_not_counted():
    # R: p.adjust(c(.01, NA, .02), "bonferroni") -> 0.02 NA 0.04 (n counts non-missing values)
    out = adjust_pvalues([0.01, math.nan, 0.02], method="bonferroni")
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.04)
    assert adjust_pvalues([]).size == 0


def test_invalid():
    with pytest.raises(ValueError, match="valid choices"):
        adjust_pvalues(P5, method="sidak")
    with pytest.raises(ValueError, match="1.5"):
        adjust_pvalues([0.1, 1.5])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=12), st.sampled_from(METHODS))
def test_properties(p, method):
    out = adjust_pvalues(p, method=method)
    assert np.all((out >= np.asarray(p) - 1e-15) & (out <= 1))
    # Order of the input does not matter beyond carrying the values along.
    perm = np.random.default_rng(0).permutation(len(p))
    np.testing.assert_allclose(adjust_pvalues(np.asarray(p)[perm], method=method), out[perm], atol=1e-15)


def test_matches_statsmodels_multipletests():
    # Cross-check with an independent implementation (statsmodels), not called by this module.
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.003, 0.2, 0.04, 0.011, 0.5, 0.049])
    for ours, theirs in [("holm", "holm"), ("hochberg", "simes-hochberg"), ("fdr_bh", "fdr_bh"), ("fdr_by", "fdr_by")]:
        np.testing.assert_allclose(adjust_pvalues(p, method=ours), multipletests(p, method=theirs)[1], atol=1e-12)
