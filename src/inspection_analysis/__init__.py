"""inspection-analysis: has any significant improvement occurred?

Failure rates with confidence intervals, the significance and size of change
between inspection rounds, trends across quarters, the power of each sample and
a plain-English verdict, for police child-protection case-file audits.

The public API is re-exported here and imported lazily, so that
``import inspection_analysis`` stays fast (heavy libraries such as statsmodels
and matplotlib load only when a function that needs them is first used).

Examples
--------
>>> import inspection_analysis as ia
>>> counts = ia.to_counts(ia.load_published())
>>> row = counts.set_index("round_id").loc["mps-2016"]
>>> int(row["n"]), int(row["failures"])
(374, 278)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._lazy import lazy_exports

try:
    __version__ = version("inspection-analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

# public name -> module that defines it
_EXPORTS = {
    "stats": "stats",
    "load_rounds": "io",
    "load_cases": "io",
    "load_published": "io",
    "load_mapping": "io",
    "AuditDataError": "io",
    "to_counts": "counts",
    "make_synthetic_cases": "synthetic",
    "DEFAULT_FAILING": "grades",
    "INADEQUATE_ONLY": "grades",
    "compare_rounds": "compare",
    "compare_criteria": "criteria",
    "has_improved": "verdict",
    "Verdict": "verdict",
    "audit_sensitivity": "sensitivity",
    "detectable_improvements": "sensitivity",
    "round_rates": "monitor",
    "round_counts": "monitor",
    "funnel_inputs": "forces",
    "quarter_update": "quarterly",
    "QuarterUpdate": "quarterly",
    "series_comparisons": "quarterly",
    "trend": "monitor",
    "p_chart": "pchart",
    "funnel": "forces",
    "assessor_agreement": "assessors",
    "agreement_from_cases": "assessors",
    "suppress_small_counts": "disclosure",
}

__all__ = sorted([*_EXPORTS, "__version__"])
__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
