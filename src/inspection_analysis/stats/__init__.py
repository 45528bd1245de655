"""The pure numeric core: numpy arrays in, numpy arrays or frozen dataclasses out.

Conventions (a contract): group 1 is the later round and group 2 the earlier
one; ``x`` failures out of ``n`` case files; differences are ``p1 - p2``, risk
ratios ``p1 / p2``; ``alternative="less"`` means H1: p1 < p2, which is an
improvement when the outcome is failure. Intervals take ``confidence_level``;
tests and power take ``alpha``.

The package imports only numpy and scipy (statsmodels where a function
needs it, inside that function) and nothing from the package above it.
"""

from __future__ import annotations

from inspection_analysis.stats.agreement import agreement_bounds, kappa
from inspection_analysis.stats.bayes import prob_improvement
from inspection_analysis.stats.equivalence import equivalence_test
from inspection_analysis.stats.homogeneity import homogeneity_test
from inspection_analysis.stats.hypotests import change_test, critical_count, rate_test
from inspection_analysis.stats.multiplicity import adjust_pvalues
from inspection_analysis.stats.ordinal import grade_shift_test
from inspection_analysis.stats.power import ci_sample_size, cohens_h, min_detectable_change, power_change, sample_size
from inspection_analysis.stats.proportions import diff_ci, rate_ci
from inspection_analysis.stats.ratios import odds_ratio_ci, ratio_ci
from inspection_analysis.stats.results import ConfidenceInterval, IntervalEstimate, TestResult
from inspection_analysis.stats.stratified import stratified_test
from inspection_analysis.stats.trend import trend_test

__all__ = [
    "ConfidenceInterval",
    "IntervalEstimate",
    "TestResult",
    "adjust_pvalues",
    "agreement_bounds",
    "change_test",
    "ci_sample_size",
    "cohens_h",
    "critical_count",
    "diff_ci",
    "equivalence_test",
    "grade_shift_test",
    "homogeneity_test",
    "kappa",
    "min_detectable_change",
    "odds_ratio_ci",
    "power_change",
    "prob_improvement",
    "rate_ci",
    "rate_test",
    "ratio_ci",
    "sample_size",
    "stratified_test",
    "trend_test",
]
