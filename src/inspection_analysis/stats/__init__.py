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
from inspection_analysis.stats.bayes_monitor import BetaBinomialMonitor, beta_binomial_monitor
from inspection_analysis.stats.cusum import BernoulliCusum, bernoulli_cusum
from inspection_analysis.stats.cusum_arl import CusumARL, CusumLimit, cusum_arl, cusum_limit_for_arl
from inspection_analysis.stats.differences import diff_ci
from inspection_analysis.stats.equivalence import equivalence_test
from inspection_analysis.stats.funnel import FUNNEL_METHODS, funnel_limits
from inspection_analysis.stats.homogeneity import homogeneity_test
from inspection_analysis.stats.hypotests import change_test, critical_count
from inspection_analysis.stats.multiplicity import adjust_pvalues
from inspection_analysis.stats.one_rate import rate_test
from inspection_analysis.stats.ordinal import grade_shift_test
from inspection_analysis.stats.overdispersion import Overdispersion, overdispersion
from inspection_analysis.stats.phases import PhasedLimits, phase_index, phased_p_chart_limits, phased_special_causes
from inspection_analysis.stats.point_types import (
    IMPROVEMENT_DIRECTIONS,
    POINT_TYPES,
    LatestStatus,
    assurance_type,
    classify_points,
    latest_status,
)
from inspection_analysis.stats.power import ci_sample_size, cohens_h, min_detectable_change, power_change, sample_size
from inspection_analysis.stats.proportions import rate_ci
from inspection_analysis.stats.ratios import odds_ratio_ci, ratio_ci
from inspection_analysis.stats.results import ConfidenceInterval, IntervalEstimate, TestResult
from inspection_analysis.stats.runs import RunsAnalysis, crossings_min, longest_run_max, runs_analysis
from inspection_analysis.stats.sequential import (
    SequentialCrossing,
    SpendingBoundaries,
    crossing_probability,
    sequential_crossing,
    spending_boundaries,
)
from inspection_analysis.stats.small_samples import (
    BestCaseResult,
    IntervalTestAgreement,
    best_case_test,
    interval_test_agreement,
)
from inspection_analysis.stats.spc import LANEY_MIN_POINTS, PChartLimits, p_chart_limits
from inspection_analysis.stats.special_causes import RULES, SpecialCauses, special_causes
from inspection_analysis.stats.stratified import stratified_test
from inspection_analysis.stats.trend import trend_test

__all__ = [
    "BernoulliCusum",
    "BestCaseResult",
    "BetaBinomialMonitor",
    "ConfidenceInterval",
    "CusumARL",
    "CusumLimit",
    "FUNNEL_METHODS",
    "IMPROVEMENT_DIRECTIONS",
    "IntervalEstimate",
    "IntervalTestAgreement",
    "LANEY_MIN_POINTS",
    "LatestStatus",
    "Overdispersion",
    "PChartLimits",
    "POINT_TYPES",
    "PhasedLimits",
    "RULES",
    "RunsAnalysis",
    "SequentialCrossing",
    "SpecialCauses",
    "SpendingBoundaries",
    "TestResult",
    "adjust_pvalues",
    "agreement_bounds",
    "assurance_type",
    "bernoulli_cusum",
    "best_case_test",
    "beta_binomial_monitor",
    "change_test",
    "ci_sample_size",
    "classify_points",
    "cohens_h",
    "critical_count",
    "crossing_probability",
    "crossings_min",
    "cusum_arl",
    "cusum_limit_for_arl",
    "diff_ci",
    "equivalence_test",
    "funnel_limits",
    "grade_shift_test",
    "homogeneity_test",
    "interval_test_agreement",
    "kappa",
    "latest_status",
    "longest_run_max",
    "min_detectable_change",
    "odds_ratio_ci",
    "overdispersion",
    "p_chart_limits",
    "phase_index",
    "phased_p_chart_limits",
    "phased_special_causes",
    "power_change",
    "prob_improvement",
    "rate_ci",
    "rate_test",
    "ratio_ci",
    "runs_analysis",
    "sample_size",
    "sequential_crossing",
    "special_causes",
    "spending_boundaries",
    "stratified_test",
    "trend_test",
]
