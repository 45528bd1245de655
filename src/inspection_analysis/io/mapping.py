"""Column mappings: an audit team's own headings and spellings mapped to canonical names.

A mapping is a TOML file (see ``data/mappings/example_mapping.toml``); the
spreadsheet itself is never edited.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError, Problem
from inspection_analysis.grades import GRADES
from inspection_analysis.schema import CASE_TYPES, CRITERION_VALUES, is_known_case_column, normalise_text

__all__ = ["ColumnMapping", "load_mapping", "given_mapping", "mapping_text_with_sheet"]

PathLike = str | os.PathLike


@dataclass(frozen=True)
class ColumnMapping:
    """An audit team's headings and spellings mapped to canonical names.

    Attributes
    ----------
    columns : dict of str to str
        Normalised heading (lower case, trimmed) -> canonical column name.
    values : dict of str to dict of str to str
        For ``grade``, ``criteria``, ``case_type`` and ``round_id``: normalised
        spelling -> canonical value.
    source : str
        The file the mapping came from.
    sheet : str or None
        The workbook sheet holding the cases (a top-level ``sheet = "..."``
        line), or ``None`` for the only sheet holding anything.
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = ""
    sheet: str | None = None


_VALUE_TARGETS = {"grade": GRADES, "criteria": CRITERION_VALUES, "case_type": CASE_TYPES}


def load_mapping(path: PathLike | None = None) -> ColumnMapping:
    """Load a TOML column mapping (headings and spellings -> canonical names).

    Parameters
    ----------
    path : str or path-like, optional
        The TOML file; by default the shipped
        ``data/mappings/example_mapping.toml``. It may hold a ``[columns]``
        table (heading -> canonical column) and ``[values.grade]``,
        ``[values.criteria]``, ``[values.case_type]``, ``[values.round_id]``
        tables (spelling -> canonical value), and, before the tables, a line
        ``sheet = "NAME"`` naming the workbook sheet that holds the cases.

    Returns
    -------
    ColumnMapping
        Keys normalised (trimmed, lower case, single spaces) so that matching
        ignores case and surrounding whitespace.

    Raises
    ------
    AuditDataError
        For a file that is not valid TOML, an unknown table, a target column
        that is not canonical, a target value that is not allowed, or two
        spellings that are the same once trimmed and case-folded but map to
        different targets.

    Examples
    --------
    >>> m = load_mapping()
    >>> m.columns["case ref"], m.values["grade"]["ri"]
    ('case_id', 'requires improvement')
    """
    path = Path(path) if path is not None else paths.example_mapping_path()
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise AuditDataError([Problem(name, None, None, str(path), "an existing TOML file")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AuditDataError([Problem(name, None, None, str(exc), "valid TOML")]) from None
    problems = [Problem(name, None, f"[{k}]", k, "a [columns] or [values.*] table, or a line sheet = \"NAME\"")
                for k in data if k not in ("columns", "values", "sheet")]
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append(Problem(name, None, "sheet", str(sheet), 'the name of a workbook sheet in quotes, e.g. sheet = "Cases"'))
    columns, clashes = _normalised_keys(name, "columns", data.get("columns", {}), str)
    problems += clashes
    problems += [Problem(name, None, f"[columns] {k!r}", v, "a canonical column name such as case_id, round_id, "
                         "grade, case_type, crit_<name> or date_<name>") for k, v in columns.items() if not is_known_case_column(v)]
    values = {}
    for kind, table in data.get("values", {}).items():
        if kind not in (*_VALUE_TARGETS, "round_id"):
            problems.append(Problem(name, None, f"[values.{kind}]", kind, "[values.grade], [values.criteria], [values.case_type] or [values.round_id]"))
            continue
        values[kind], clashes = _normalised_keys(name, f"values.{kind}", table, normalise_text)
        problems += clashes
        allowed = _VALUE_TARGETS.get(kind)
        problems += [Problem(name, None, f"[values.{kind}] {k!r}", v, "one of: " + ", ".join(allowed))
                     for k, v in values[kind].items() if allowed is not None and v not in allowed]
    if problems:
        raise AuditDataError(problems)
    return ColumnMapping(columns, values, str(path), sheet)


def _normalised_keys(name: str, table: str, entries: dict, target) -> tuple[dict[str, str], list[Problem]]:
    """``entries`` keyed by their normalised spelling, and a problem for two spellings read alike but mapped apart.

    ``"RI"`` and ``"ri "`` are one spelling once trimmed and case-folded:
    mapped to different targets, the last would silently win.
    """
    out, first, problems = {}, {}, []
    for key, value in entries.items():
        norm, value = normalise_text(key), target(value)
        if norm in out and out[norm] != value:
            problems.append(Problem(name, None, f"[{table}] {key!r}", value,
                                    f"one target for each spelling: {first[norm]!r} and {key!r} are the same spelling "
                                    f"once trimmed and case-folded, but map to {out[norm]!r} and {value!r}"))
        out.setdefault(norm, value)
        first.setdefault(norm, key)
    return out, problems


def mapping_text_with_sheet(text: str, sheet: str | None) -> str:
    """A mapping's TOML text with its top-level ``sheet`` line set to ``sheet`` (``None``: the text unchanged).

    This is how ``--sheet`` reaches the mapping stored beside the data: any
    ``sheet = ...`` line before the first table is dropped, and the new one
    is written first, so that every later read uses the same sheet.

    Parameters
    ----------
    text : str
        The mapping's TOML text (``""`` for no mapping).
    sheet : str or None
        The sheet name.

    Returns
    -------
    str

    Examples
    --------
    >>> print(mapping_text_with_sheet('sheet = "Old"\\n[columns]\\n"Ref" = "case_id"\\n', "Q1 cases"), end="")
    sheet = "Q1 cases"
    [columns]
    "Ref" = "case_id"
    """
    if sheet is None:
        return text
    first_table = re.search(r"(?m)^[ \t]*\[", text)
    cut = first_table.start() if first_table else len(text)
    kept = "".join(line for line in text[:cut].splitlines(keepends=True) if not re.match(r"[ \t]*sheet[ \t]*=", line))
    return f"sheet = {json.dumps(sheet, ensure_ascii=False)}\n" + kept + text[cut:]


def given_mapping(path: PathLike | None, sheet: str | None = None) -> ColumnMapping | None:
    """The mapping a command was given: the file's (``--mapping``), its sheet set by ``sheet`` (``--sheet``).

    Parameters
    ----------
    path : str or path-like or None
        The TOML mapping, or ``None`` for none (headings read as they are).
    sheet : str, optional
        The workbook sheet holding the cases; it overrides the mapping's own
        ``sheet`` line.

    Returns
    -------
    ColumnMapping or None
        ``None`` when neither is given.

    Examples
    --------
    >>> given_mapping(None, "Q1").sheet, given_mapping(None) is None
    ('Q1', True)
    """
    mapping = load_mapping(path) if path is not None else None
    if sheet is None:
        return mapping
    return replace(mapping if mapping is not None else ColumnMapping(), sheet=sheet)

