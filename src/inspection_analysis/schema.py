"""Canonical column names, allowed values and validation rules, in one place.

Everything the loaders check, and everything the synthetic generator makes up,
is defined here: column names of the rounds registry, the case-level frame,
the published frame and the counts table; case types; the criterion columns
(modelled on the five failings named for the 2017 quarter-2 audit of 170 case
files); criterion values; assessors; statuses of published figures.
"""

from __future__ import annotations

import re

from inspection_analysis.grades import GRADE_COUNT_COLUMNS, SCALES

__all__ = [
    "ROUNDS_COLUMNS",
    "ROLES",
    "ASSESSORS",
    "SCALE_NAMES",
    "CASE_REQUIRED_COLUMNS",
    "CASE_OPTIONAL_COLUMNS",
    "CASE_TYPES",
    "CRITERIA",
    "CRITERION_LABELS",
    "CRITERION_VALUES",
    "CRITERION_APPLIES_TO",
    "CRITERION_PREFIX",
    "DATE_PREFIX",
    "ROUND_ID_PATTERN",
    "PUBLISHED_COLUMNS",
    "PUBLISHED_COUNT_COLUMNS",
    "PUBLISHED_PCT_COLUMNS",
    "PUBLISHED_DERIVED_COLUMNS",
    "PUBLISHED_STATUSES",
    "COUNT_COLUMNS",
    "COUNTS_TRAILING_COLUMNS",
    "DATA_KINDS",
    "is_criterion_column",
    "is_date_column",
    "is_known_case_column",
]

# --- rounds registry -------------------------------------------------------
ROUNDS_COLUMNS: tuple[str, ...] = (
    "round_id", "force", "force_name", "label", "period", "publication_date", "reference_date",
    "assessor", "scale", "role", "sample", "source_url", "notes",
)
#: ``audit``: a round of the force's monitoring series. ``regrade``: cases from another round graded
#: again (e.g. the inspectorate re-grading the force's self-assessed cases), used only to compare
#: assessors, never as a point of the series.
ROLES: tuple[str, ...] = ("audit", "regrade")
ASSESSORS: tuple[str, ...] = ("inspectorate", "force_audit", "force_self_assessment")
SCALE_NAMES: tuple[str, ...] = tuple(SCALES)
#: Round ids: lower-case letters, digits and single hyphens, e.g. ``mps-2017-q3``.
ROUND_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# --- case-level frame ------------------------------------------------------
CASE_REQUIRED_COLUMNS: tuple[str, ...] = ("round_id", "case_id", "grade")
CASE_OPTIONAL_COLUMNS: tuple[str, ...] = ("case_type", "synthetic")
CASE_TYPES: tuple[str, ...] = (
    "child sexual exploitation", "missing child", "online abuse", "domestic abuse", "custody",
    "sex offender management", "other",
)
CRITERION_PREFIX = "crit_"
DATE_PREFIX = "date_"
#: Criterion columns modelled on the five failings named for the 2017 audit of 170 files.
CRITERIA: tuple[str, ...] = (
    "crit_victim_visited_promptly",      # delays in officers visiting victims
    "crit_officers_communicated",        # investigating officers not communicating with each other
    "crit_suspect_traced",               # lack of investigation to trace suspects in CSE cases
    "crit_crime_recorded_hocr",          # crimes not recorded under the Home Office Counting Rules
    "crit_missing_child_traced_promptly",  # delays in tracing missing children
)
#: Short readable labels for tables and figures, keyed by the criterion name without ``crit_``.
CRITERION_LABELS: dict[str, str] = {
    "victim_visited_promptly": "Victim visited promptly",
    "officers_communicated": "Officers communicated",
    "suspect_traced": "Suspect traced (CSE)",
    "crime_recorded_hocr": "Crime recorded (HOCR)",
    "missing_child_traced_promptly": "Missing child traced promptly",
}
CRITERION_VALUES: tuple[str, ...] = ("pass", "fail", "not applicable")
_CRIME_TYPES = ("child sexual exploitation", "online abuse", "domestic abuse", "other")
#: The case types each criterion applies to (elsewhere it is "not applicable").
CRITERION_APPLIES_TO: dict[str, tuple[str, ...]] = {
    "crit_victim_visited_promptly": _CRIME_TYPES,
    "crit_officers_communicated": CASE_TYPES,
    "crit_suspect_traced": ("child sexual exploitation",),
    "crit_crime_recorded_hocr": _CRIME_TYPES,
    "crit_missing_child_traced_promptly": ("missing child",),
}

# --- published frame ------------------------------------------------------
PUBLISHED_COUNT_COLUMNS: tuple[str, ...] = (
    "n_cases", "n_good", "n_adequate", "n_requires_improvement", "n_inadequate", "n_failing",
)
PUBLISHED_DERIVED_COLUMNS: tuple[str, ...] = ("n_failing_derived", "n_passing_derived")
PUBLISHED_PCT_COLUMNS: tuple[str, ...] = ("pct_failing_published", "pct_passing_published")
PUBLISHED_COLUMNS: tuple[str, ...] = (
    "figure_id", "round_id", "case_type", "status",
    *PUBLISHED_COUNT_COLUMNS, *PUBLISHED_PCT_COLUMNS, *PUBLISHED_DERIVED_COLUMNS,
    "derived_note", "source_inconsistency", "other_figures", "source_url", "quote",
)
#: ``primary`` rows are counted; ``variant`` (a conflicting report) and
#: ``inconsistent`` (counts that do not add up as published) are kept for provenance only.
PUBLISHED_STATUSES: tuple[str, ...] = ("primary", "variant", "inconsistent")

# --- counts table -----------------------------------------------------------
COUNT_COLUMNS: tuple[str, ...] = ("n", "failures", *GRADE_COUNT_COLUMNS.values())
COUNTS_TRAILING_COLUMNS: tuple[str, ...] = ("failing", "data_kind", "failures_source")
DATA_KINDS: tuple[str, ...] = ("published", "case-level", "synthetic")

_CANONICAL = frozenset(CASE_REQUIRED_COLUMNS + CASE_OPTIONAL_COLUMNS)
_SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def is_criterion_column(name: str) -> bool:
    """True for a criterion column name ``crit_<snake_case>``.

    Examples
    --------
    >>> is_criterion_column("crit_suspect_traced"), is_criterion_column("Crit Suspect")
    (True, False)
    """
    return name.startswith(CRITERION_PREFIX) and bool(_SNAKE.match(name[len(CRITERION_PREFIX):]))


def is_date_column(name: str) -> bool:
    """True for a date column name ``date_<snake_case>`` (ISO dates, e.g. ``date_reported``).

    Examples
    --------
    >>> is_date_column("date_reported")
    True
    """
    return name.startswith(DATE_PREFIX) and bool(_SNAKE.match(name[len(DATE_PREFIX):]))


def is_known_case_column(name: str) -> bool:
    """True for a canonical case-level column: required, optional, criterion or date.

    Examples
    --------
    >>> is_known_case_column("grade"), is_known_case_column("Case Ref")
    (True, False)
    """
    return name in _CANONICAL or is_criterion_column(name) or is_date_column(name)

