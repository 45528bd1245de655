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

from inspection_analysis._lazy import lazy_exports

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
    "load_project": "project.state",
    "ProjectState": "project.state",
    "AuditDataError": "errors",
    "to_counts": "counts.table",
    "make_synthetic_cases": "io.synthetic",
    "DEFAULT_FAILING": "grades",
    "INADEQUATE_ONLY": "grades",
    "compare_rounds": "analysis.compare",
    "compare_criteria": "analysis.criteria",
    "has_improved": "analysis.verdict",
    "Verdict": "analysis.verdict",
    "audit_sensitivity": "analysis.planning",
    "detectable_improvements": "analysis.planning",
    "round_rates": "analysis.series",
    "round_counts": "analysis.series",
    "funnel_inputs": "analysis.funnel",
    "funnel_points": "analysis.funnel",
    "funnel_limits_frame": "analysis.funnel",
    "figures": "figures",
    "quarter_update": "analysis.quarter_update",
    "QuarterUpdate": "analysis.quarter_update",
    "series_comparisons": "analysis.quarter_update",
    "trend": "analysis.trend",
    "p_chart": "analysis.pchart",
    "funnel": "analysis.funnel",
    "assessor_agreement": "analysis.assessors",
    "agreement_from_cases": "analysis.assessors",
    "suppress_small_counts": "report.disclosure",
    "registry_phases": "analysis.phases",
    "phased_p_chart": "analysis.phased_chart",
    "PhasedPChart": "analysis.phased_chart",
    "latest_round_status": "analysis.status",
    "RoundStatus": "analysis.status",
    "run_chart": "analysis.runchart",
    "funnel_dispersion": "analysis.funnel_dispersion",
    "case_cusum": "analysis.case_cusum",
    "sequential_verdict": "analysis.sequential_verdict",
    "SequentialVerdict": "analysis.sequential_verdict",
    "rate_below_target": "analysis.rate_belief",
    "chart_against_tests": "analysis.chart_agreement",
}

__all__ = sorted([*_EXPORTS, "__version__"])
__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
