"""The case-level rules on a dataset held by an engine (DuckDB, Spark): what to ask it, and how to judge the answers.

An engine answers a few questions about the rows it holds, each cheap for it
and each returning little: its columns; row counts grouped by the raw values
of the key columns; the raw values of a column that are not already
canonical; which raw case ids are blank; where given raw values lie (file,
first and last row of each run of rows); the first rows whose ``case_id``
repeats within a round. Everything else (which raw value breaks which rule
of :data:`~inspection_analysis.schema.CASE_RULES`, how a value reads once
normalised, the wording and order of the problems) is decided here in
Python, with the normalising of the pandas path
(:func:`~inspection_analysis.schema.normalise_text`), so the engines
cannot drift apart.

An engine is an object with these attributes and methods:

``kinds``
    the rule kinds it can locate (``"column"``, ``"unknown"``, ``"empty"``,
    ``"scale"``, ``"duplicate"``);
``columns``
    the dataset's column names, in order;
``file_columns()``
    ``[(file, [column, ...]), ...]``, each file's own columns;
``grouped(keys, canonical)``
    a list of ``(*raw key values, count)`` tuples, one per distinct key
    (``canonical`` is what ``off_list`` will be asked, should the engine
    answer both in one scan);
``off_list(canonical)``
    for a mapping of column to canonical values, the non-missing raw values
    of each column not among them: ``{column: [value, ...]}``;
``blank_case_ids()``
    the distinct raw ``case_id`` values that are missing (``None``) or blank;
``locate(any_of, column)``
    for a condition (a list of conjunctions of ``(column, raw values,
    missing too)``), the runs of matching rows and how many runs are not
    listed: ``([Run, ...], omitted)``, at most ``MAX_PROBLEMS_PER_RULE``
    runs per file, in file and row order;
``duplicates(round_map)``
    the first ``MAX_PROBLEMS_PER_RULE`` rows whose (round, ``case_id``)
    repeats, as ``(file, row, round, case_id)`` in file and row
    order, and how many such rows there are; ``round_map`` maps raw round
    ids that are not canonical to their canonical form.

Raw values are text (``None`` when missing): engines cast other types to
text, booleans as ``"true"`` and ``"false"``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from inspection_analysis.errors import (
    FIRST_DATA_ROW,
    AuditDataError,
    Problem,
    duplicate_problems,
    missing_column_problems,
)
from inspection_analysis.grades import GRADES, SCALES
from inspection_analysis.schema import CASE_RULE, CASE_RULES, CaseRule, is_criterion_column, normalise_text

__all__ = ["Check", "Run", "RULE_KINDS", "as_text", "rules_implemented", "dataset_checks", "check_dataset"]

#: Every kind of rule in :data:`~inspection_analysis.schema.CASE_RULES`.
RULE_KINDS = frozenset(rule.kind for rule in CASE_RULES)


@dataclass(frozen=True)
class Check:
    """A rule applied to one column of a dataset (a criterion rule applies to each criterion column)."""

    rule: CaseRule
    column: str


@dataclass(frozen=True)
class Run:
    """Rows of one file breaking a rule with the same value, one after another, as an engine located them.

    ``first`` and ``last`` are 0-based rows within the file (``None`` when
    the engine cannot tell rows apart); ``value`` is the text of the cell
    (``""`` when missing).
    """

    file: str
    first: int | None
    last: int | None
    value: str


def as_text(value) -> str | None:
    """A raw value as text, the form engines report: booleans as ``"true"``/``"false"``, missing as ``None``.

    Examples
    --------
    >>> as_text(True), as_text(3), as_text(None)
    ('true', '3', None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def rules_implemented(kinds) -> tuple[str, ...]:
    """The names of the rules of :data:`~inspection_analysis.schema.CASE_RULES` whose kind is in ``kinds``.

    Examples
    --------
    >>> rules_implemented({"duplicate"})
    ('case_id_duplicate',)
    """
    return tuple(rule.name for rule in CASE_RULES if rule.kind in kinds)


def _applies(rule: CaseRule, column: str) -> bool:
    pattern = rule.columns[-1] if rule.kind == "scale" else rule.columns[0]
    return is_criterion_column(column) if pattern.endswith("*") else column == pattern


def dataset_checks(columns) -> list[Check]:
    """The value checks for a dataset with these columns, in the order the pandas path lists their problems.

    Checks of named columns come in rule order; criterion and ``synthetic``
    checks follow, in the dataset's column order.

    Examples
    --------
    >>> [c.rule.name for c in dataset_checks(["round_id", "case_id", "grade", "crit_a"])]
    ['round_id_unknown', 'round_id_empty', 'case_id_empty', 'grade_unknown', 'grade_empty', 'grade_off_scale', 'criterion_unknown']
    """
    value_rules = [r for r in CASE_RULES if r.kind in ("unknown", "empty", "scale")]
    fixed = [Check(r, c) for r in value_rules for c in columns
             if _applies(r, c) and not is_criterion_column(c) and c != "synthetic"]
    by_column = [Check(r, c) for c in columns if is_criterion_column(c) or c == "synthetic"
                 for r in value_rules if _applies(r, c)]
    return fixed + by_column


def _canonical(column: str, raw: str | None, round_ids) -> str | bool | None:
    """A raw key value as the pandas path reads it: a listed value normalised, ``synthetic`` as a bool, else trimmed text."""
    if raw is None:
        return False if column == "synthetic" else None
    if column == "synthetic":
        return normalise_text(raw) == "true"
    allowed = round_ids if column == "round_id" else next(
        (r.allowed for r in CASE_RULES if r.kind == "unknown" and r.allowed and _applies(r, column)), None)
    if allowed is None:
        return raw.strip() or None
    value = normalise_text(raw)
    return value if value in allowed else None


def _judge(check: Check, raw_values, round_ids) -> list[str | None]:
    """The raw values (``None`` for missing) that break ``check``: unknown once normalised, or empty."""
    rule = check.rule
    if rule.kind == "empty":
        return [v for v in raw_values if v is None or normalise_text(v) == ""]
    allowed = round_ids if rule.allowed is None else rule.allowed
    return [v for v in raw_values if v is not None and normalise_text(v) not in allowed and normalise_text(v) != ""]


def _off_scale(pairs, registry: pd.DataFrame) -> list[list[tuple]]:
    """Conditions selecting rows whose grade is not on the scale of their (registered) round."""
    if "scale" not in registry.columns:
        return []
    scale = dict(zip(registry["round_id"], registry["scale"]))
    lacking = defaultdict(set)  # grades missing from a scale -> raw round ids of that scale
    raw_grades = defaultdict(set)
    for raw_round, raw_grade in pairs:
        rid = _canonical("round_id", raw_round, scale)
        grade = _canonical("grade", raw_grade, GRADES)
        if rid is None or grade is None or scale[rid] not in SCALES:
            continue
        raw_grades[grade].add(raw_grade)
        if grade not in SCALES[scale[rid]]:
            lacking[grade].add(raw_round)
    return [[("round_id", sorted(rounds), False), ("grade", sorted(raw_grades[g]), False)]
            for g, rounds in sorted(lacking.items())]


def _run_problems(check: Check, runs: list[Run]) -> list[tuple]:
    """Sortable (file, check, row, problem) entries for the runs located for ``check``."""
    out = []
    for run in runs:
        row = None if run.first is None else run.first + FIRST_DATA_ROW
        last = None if run.last is None or run.last <= run.first else run.last + FIRST_DATA_ROW
        out.append((run.file, row or 0, Problem(PurePosixPath(run.file).name, row, check.column, run.value,
                                                check.rule.expected, last, identifier=check.column == "case_id")))
    return out


def _column_problems(engine) -> list[Problem]:
    rule = CASE_RULE["column_missing"]
    if all(c in engine.columns for c in rule.columns):
        return []
    problems = []
    for file, columns in engine.file_columns():
        problems += missing_column_problems(pd.DataFrame(columns=columns), PurePosixPath(file).name, rule.columns,
                                            columns, rule.expected)
    return problems


def check_dataset(engine, by: list[str], registry: pd.DataFrame) -> pd.DataFrame:
    """Apply every case-level rule through ``engine``, then return the (by, grade, synthetic, count) rows.

    Parameters
    ----------
    engine : object
        An engine as described in this module's docstring.
    by : list of str
        The grouping columns of the counts.
    registry : pandas.DataFrame
        The rounds registry: ``round_id`` and, for the scale rule, ``scale``.

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``grade`` (canonical), ``synthetic`` (bool) and
        ``count``: one row per group, grade and flag, values read as the
        pandas path reads them.

    Raises
    ------
    ValueError
        If a ``by`` column is not in the dataset.
    inspection_analysis.errors.AuditDataError
        Listing every problem when a rule fails: missing columns, then per
        file each rule's runs of bad rows; the duplicate check runs only
        once every other rule passes, as in the pandas path.
    """
    absent = [c for c in by if c not in engine.columns]
    if absent:
        raise ValueError(f"column(s) {absent} not in the data; columns are: {', '.join(engine.columns)}")
    column_problems = _column_problems(engine)
    if column_problems:
        raise AuditDataError(column_problems)
    round_ids = registry["round_id"].tolist()
    keys = list(dict.fromkeys([*by, "round_id", "grade", *(["synthetic"] if "synthetic" in engine.columns else [])]))
    checks = dataset_checks(engine.columns)
    side = {c.column: c.rule.allowed for c in checks if c.column not in keys and c.rule.allowed}
    grouped = pd.DataFrame(engine.grouped(keys, side), columns=[*keys, "count"], dtype=object)  # missing stays None
    raw = {k: grouped[k].drop_duplicates().tolist() for k in keys}
    raw.update({c: values for c, values in engine.off_list(side).items()})
    raw["case_id"] = engine.blank_case_ids()
    entries, omitted = [], 0
    for index, check in enumerate(checks):
        if check.rule.kind == "scale":
            conditions = _off_scale(grouped[["round_id", "grade"]].drop_duplicates().itertuples(index=False), registry)
        else:
            bad = _judge(check, raw.get(check.column, []), round_ids)
            values = [v for v in bad if v is not None]
            conditions = [[(check.column, values, None in bad)]] if bad else []
        if conditions:
            runs, more = engine.locate(conditions, check.column)
            entries += [(file, -1 if row is None else row, index, p) for file, row, p in _run_problems(check, runs)]
            omitted += more
    if entries or omitted:
        raise AuditDataError([p for *_, p in sorted(entries, key=lambda e: e[:3])], omitted)
    round_map = {v: _canonical("round_id", v, round_ids) for v in raw["round_id"]}
    rows, total = engine.duplicates({k: v for k, v in round_map.items() if k != v})
    if total:
        located = [(PurePosixPath(f).name, r + FIRST_DATA_ROW, rid, cid) for f, r, rid, cid in rows]
        raise AuditDataError(duplicate_problems(located, CASE_RULE["case_id_duplicate"].expected), total - len(rows))
    readings = {k: {v: _canonical(k, v, round_ids) for v in raw[k]} for k in keys}
    canonical = pd.DataFrame({k: [readings[k][v] for v in grouped[k]] for k in keys}, dtype=object)
    canonical["synthetic"] = canonical["synthetic"] if "synthetic" in keys else False
    canonical["count"] = grouped["count"].astype("int64")
    return canonical.groupby([*by, "grade", "synthetic"], dropna=False, sort=False, observed=True)["count"].sum().reset_index()
