"""The pure numeric core: numpy arrays in, numpy arrays or frozen dataclasses out.

Conventions (a contract): group 1 is the later round and group 2 the earlier
one; ``x`` failures out of ``n`` case files; differences are ``p1 - p2``, risk
ratios ``p1 / p2``; ``alternative="less"`` means H1: p1 < p2, which is an
improvement when the outcome is failure. Intervals take ``confidence_level``;
tests and power take ``alpha``.

Functions are imported lazily from their modules on first use.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "ConfidenceInterval": "results",
    "IntervalEstimate": "results",
    "TestResult": "results",
    "rate_ci": "proportions",
    "diff_ci": "proportions",
    "ratio_ci": "ratios",
    "odds_ratio_ci": "ratios",
    "change_test": "tests",
    "rate_test": "tests",
    "homogeneity_test": "homogeneity",
    "equivalence_test": "equivalence",
    "critical_count": "tests",
    "power_change": "power",
    "sample_size": "power",
    "min_detectable_change": "power",
    "cohens_h": "power",
    "ci_sample_size": "power",
    "trend_test": "trend",
    "grade_shift_test": "ordinal",
    "stratified_test": "stratified",
    "kappa": "agreement",
    "agreement_bounds": "agreement",
    "prob_improvement": "bayes",
    "adjust_pvalues": "multiplicity",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
