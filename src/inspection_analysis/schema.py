"""Canonical column names, allowed values and validation rules, in one place.

Everything the loaders check, and everything the synthetic generator makes up,
is defined here: column names of the rounds registry, the case-level frame,
the published frame and the counts table; case types; the criterion columns
(modelled on the five failings named for the 2017 quarter-2 audit of 170 case
files); criterion values; assessors; statuses of published figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspection_analysis.grades import GRADE_COUNT_COLUMNS, GRADES, SCALES

__all__ = [
    "ROUNDS_COLUMNS",
    "ROLES",
    "ASSESSORS",
    "DATASET_ENGINES",
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
    "CaseRule",
    "CASE_RULES",
    "CASE_RULE",
    "SPREADSHEET_RULES",
    "WHITESPACE",
    "normalise_text",
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
#: The engines that count a case-level Parquet dataset where it lives: ``duckdb`` (the default) and ``spark``
#: (the ``spark`` extra). ``report --engine`` adds ``pandas`` (read with ``load_cases``, any file type).
DATASET_ENGINES: tuple[str, ...] = ("duckdb", "spark")
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


# --- the rules every case-level row must pass, on every engine ------------------------------------
@dataclass(frozen=True)
class CaseRule:
    """One rule for case-level rows, applied alike by the pandas, DuckDB and Spark paths.

    Attributes
    ----------
    name : str
        A stable identifier, e.g. ``"grade_unknown"``.
    kind : str
        What is checked: ``"column"`` (the ``columns`` are present),
        ``"unknown"`` (a non-empty cell, normalised, is one of ``allowed``),
        ``"empty"`` (the cell is not missing or blank), ``"scale"`` (the grade
        is on the scale of its round in the registry), ``"duplicate"`` (the
        ``case_id`` appears once in its round).
    columns : tuple of str
        The columns the rule reads; ``("crit_*",)`` stands for every criterion column.
    expected : str
        What a problem says was expected (``{round_id}`` is filled in); for
        the ``"column"`` rule, the hint that follows ``a column 'NAME'``.
    allowed : tuple of str, optional
        The allowed values after normalising (``None``: the rounds registry's
        ids, or no list at all).

    Examples
    --------
    >>> CASE_RULE["grade_empty"].expected
    'a grade (the cell is empty)'
    """

    name: str
    kind: str
    columns: tuple[str, ...]
    expected: str
    allowed: tuple[str, ...] | None = None


_ROUND_EXPECTED = ("a round_id registered in data/rounds.csv (for a new quarter: check it with "
                   "`inspection-analysis validate FILE --round ID`, then add it with `add-quarter`)")

#: The case-level rules, in the order their problems are listed within a file.
#: Criterion and ``synthetic`` checks follow the file's column order.
CASE_RULES: tuple[CaseRule, ...] = (
    CaseRule("column_missing", "column", CASE_REQUIRED_COLUMNS, " (or a heading mapped to it in the column mapping)"),
    CaseRule("round_id_unknown", "unknown", ("round_id",), _ROUND_EXPECTED),
    CaseRule("round_id_empty", "empty", ("round_id",), "a round_id (the cell is empty)"),
    CaseRule("case_id_empty", "empty", ("case_id",), "a case_id (the cell is empty)"),
    CaseRule("case_type_unknown", "unknown", ("case_type",), "one of: " + ", ".join(CASE_TYPES) + ", or empty",
             CASE_TYPES),
    CaseRule("grade_unknown", "unknown", ("grade",),
             "one of: " + ", ".join(GRADES) + " (or a spelling listed under [values.grade] in the column mapping)",
             GRADES),
    CaseRule("grade_empty", "empty", ("grade",), "a grade (the cell is empty)"),
    CaseRule("grade_off_scale", "scale", ("round_id", "grade"),
             "good, requires improvement or inadequate: 'adequate' is not on the 3-point scale of this round"),
    CaseRule("criterion_unknown", "unknown", (CRITERION_PREFIX + "*",),
             "one of: " + ", ".join(CRITERION_VALUES) + ", or empty if not recorded", CRITERION_VALUES),
    CaseRule("synthetic_unknown", "unknown", ("synthetic",), "True or False", ("false", "true")),
    CaseRule("synthetic_empty", "empty", ("synthetic",), "True or False"),
    CaseRule("case_id_duplicate", "duplicate", ("round_id", "case_id"), "a case_id unique within round {round_id}"),
)

#: Rules only the spreadsheet loader (:func:`~inspection_analysis.io.load_cases`) applies: they concern the
#: layout of a file typed by hand (blank rows between cases, two headings read as one column) or columns
#: that do not change the counts (dates).
SPREADSHEET_RULES: tuple[str, ...] = ("blank_row", "heading_clash", "date_invalid")

#: Every character Python's ``str.strip`` and ``str.split`` treat as whitespace (none lies above U+3000),
#: for engines that trim in SQL as pandas does in Python.
WHITESPACE: str = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

#: Each rule by name.
CASE_RULE: dict[str, CaseRule] = {rule.name: rule for rule in CASE_RULES}


def normalise_text(value: str) -> str:
    """Case-fold, trim and collapse internal whitespace: ``" Requires  Improvement "`` -> ``"requires improvement"``.

    Every engine reads a cell against the allowed values of :data:`CASE_RULES` in this form (DuckDB and Spark
    with SQL ``lower``, the same as case-folding for the ASCII spellings the rules allow).

    Examples
    --------
    >>> normalise_text(" Requires  Improvement ")
    'requires improvement'
    """
    return " ".join(str(value).split()).casefold()


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

