"""Vectorised validation of case-level frames: one pass of boolean masks per rule.

Each rule builds a boolean mask over all rows; only the rows it flags are
formatted into :class:`~inspection_analysis.problems.Problem` objects (at most
``MAX_PROBLEMS_PER_RULE`` per rule, the rest counted). Categorical columns are
trimmed and normalised on their *unique* values (``pandas.factorize``), so the
cost per row is a few vectorised operations, never Python code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from inspection_analysis.grades import GRADE_DTYPE, GRADES
from inspection_analysis.problems import MAX_PROBLEMS_PER_RULE, AuditDataError, Problem, problems_from_mask
from inspection_analysis.readers import spreadsheet_rows
from inspection_analysis.schema import (
    CASE_REQUIRED_COLUMNS,
    CASE_TYPES,
    CRITERION_VALUES,
    is_criterion_column,
    is_date_column,
    is_known_case_column,
)

__all__ = ["Findings", "missing_column_problems", "check_allowed", "strip_text", "normalise_text", "rename_columns",
           "validate_case_frame", "duplicate_case_problems"]


@dataclass
class Findings:
    """Problems collected across rules and files (``omitted`` counts those not listed)."""

    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0

    def add(self, found: tuple[list[Problem], int]) -> None:
        """Add a ``(problems, omitted)`` pair, as returned by ``problems_from_mask``."""
        self.problems.extend(found[0])
        self.omitted += found[1]

    def raise_if_any(self) -> None:
        """Raise :class:`AuditDataError` listing every problem, if there is one."""
        if self.problems or self.omitted:
            raise AuditDataError(self.problems, self.omitted)


def strip_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim every cell; a cell left empty becomes missing (for small tables such as the registry)."""
    return frame.apply(lambda s: s.str.strip().replace("", None))


def missing_column_problems(frame: pd.DataFrame, file: str, required, headings=None, hint: str = "") -> list[Problem]:
    """One problem (at row 1, the header row) per required column absent from ``frame``."""
    found = ", ".join(map(str, frame.columns if headings is None else headings))
    return [Problem(file, 1, col, None, f"a column {col!r}{hint}; headings found: {found}")
            for col in required if col not in frame.columns]


def check_allowed(frame: pd.DataFrame, file: str, col: str, allowed, *, required: bool = True) -> tuple[list[Problem], int]:
    """Problems for cells of ``col`` not in ``allowed`` (and empty cells when ``required``)."""
    values = frame[col]
    bad = (~values.isin(list(allowed)) & values.notna()) | (values.isna() if required else False)
    expected = "one of: " + ", ".join(allowed) + ("" if required else ", or empty")
    return problems_from_mask(bad.to_numpy(), file=file, column=col, values=values, expected=expected)


def normalise_text(value: str) -> str:
    """Lower-case, trim and collapse internal whitespace: ``" Requires  Improvement "`` -> ``"requires improvement"``.

    Examples
    --------
    >>> normalise_text(" Requires  Improvement ")
    'requires improvement'
    """
    return " ".join(str(value).split()).lower()


def rename_columns(headings, mapping, file: str) -> tuple[dict[str, str], list[Problem]]:
    """Canonical name for each heading: the mapping's, else the heading itself if canonical (any case).

    Two headings landing on one name are a problem at row 1 (the header row).
    """
    column_map = mapping.columns if mapping is not None else {}
    rename, problems, seen = {}, [], {}
    for heading in headings:
        key = normalise_text(heading)
        target = column_map.get(key, key if is_known_case_column(key) else heading)
        if target in seen:
            problems.append(Problem(file, 1, heading, heading,
                                    f"one column per name, but {seen[target]!r} is also read as {target!r}"))
        seen[target] = heading
        rename[heading] = target
    return rename, problems


def _codes(values: pd.Series, allowed, lookup: dict[str, str]):
    """Codes into ``allowed`` (-1 for empty or unknown) and the unknown and empty masks; normalised per unique value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    position = {v: i for i, v in enumerate(allowed)}
    norm = [normalise_text(u) for u in uniques]
    norm = [lookup.get(v, v) for v in norm]
    unique_codes = np.array([position.get(v, -1) for v in norm] + [-1], dtype=np.int64)
    blank = np.array([v == "" for v in norm] + [True])  # whitespace-only cells count as empty
    return unique_codes[codes], ~blank[codes] & (unique_codes[codes] == -1), blank[codes]


def _stripped(text: pd.Series) -> pd.Series:
    """Trim text; a cell left empty becomes missing."""
    text = text.str.strip()
    return text.mask(text == "")


def _other_column(values: pd.Series):
    """A column outside the schema, trimmed: categorical when it has few distinct values (fast to group by), else text."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) > max(1000, len(values) // 10):
        return _stripped(values.astype(str).where(values.notna()))
    trimmed = pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.strip()
    new_codes, new_uniques = pd.factorize(trimmed.mask(trimmed == ""), use_na_sentinel=True)
    return pd.Categorical.from_codes(np.append(new_codes, -1)[codes], categories=pd.Index(new_uniques, dtype="str"))


def validate_case_frame(raw: pd.DataFrame, file: str, mapping, registry: pd.DataFrame) -> tuple[pd.DataFrame | None, Findings]:
    """Validate and normalise one file's rows; return the clean frame (or ``None``) and its findings.

    The clean frame carries ``_file`` and ``_row`` (spreadsheet row) columns
    for cross-file checks; the caller drops them.
    """
    found = Findings()
    rename, clash = rename_columns(raw.columns, mapping, file)
    found.problems += clash
    heading = {v: k for k, v in rename.items()}
    frame = raw.rename(columns=rename)
    found.problems += missing_column_problems(frame, file, CASE_REQUIRED_COLUMNS, raw.columns,
                                              " (or a heading mapped to it in the column mapping)")
    if found.problems:
        return None, found
    values = mapping.values if mapping is not None else {}
    out, empties, checks = {}, [], []
    round_ids = registry["round_id"].tolist()

    def categorical(col, allowed, lookup, dtype, unknown, empty=None):
        codes, bad, blank = _codes(frame[col], allowed, lookup)
        checks.append((bad, col, unknown))
        if empty:
            checks.append((blank, col, empty))
        empties.append(blank)
        out[col] = pd.Categorical.from_codes(codes, dtype=dtype)
        return codes

    rcodes = categorical("round_id", round_ids, values.get("round_id", {}), pd.CategoricalDtype(round_ids),
                         "a round_id registered in data/rounds.csv (add the round there first)", "a round_id (the cell is empty)")
    case_id = _stripped(frame["case_id"].astype(str).where(frame["case_id"].notna()))
    empties.append(case_id.isna().to_numpy())
    checks.append((empties[-1], "case_id", "a case_id (the cell is empty)"))
    out["case_id"] = case_id
    if "case_type" in frame.columns:
        categorical("case_type", CASE_TYPES, values.get("case_type", {}), pd.CategoricalDtype(CASE_TYPES),
                    "one of: " + ", ".join(CASE_TYPES) + ", or empty")
    gcodes = categorical("grade", GRADES, values.get("grade", {}), GRADE_DTYPE,
                         "one of: " + ", ".join(GRADES) + " (or a spelling listed under [values.grade] in the column mapping)",
                         "a grade (the cell is empty)")
    three = np.array([s == "3-point" for s in registry.set_index("round_id")["scale"].reindex(round_ids)] + [False])
    checks.append(((gcodes == GRADES.index("adequate")) & three[rcodes], "grade",
                   "good, requires improvement or inadequate: 'adequate' is not on the 3-point scale of this round"))
    for col in frame.columns:
        if is_criterion_column(col):
            categorical(col, CRITERION_VALUES, values.get("criteria", {}), pd.CategoricalDtype(CRITERION_VALUES),
                        "one of: " + ", ".join(CRITERION_VALUES) + ", or empty if not recorded")
        elif col == "synthetic":
            categorical(col, ("false", "true"), {}, pd.CategoricalDtype(["false", "true"]), "True or False", "True or False")
            out[col] = np.asarray(out[col] == "true")
        elif is_date_column(col):
            text = _stripped(frame[col])
            empties.append(text.isna().to_numpy())
            out[col] = pd.to_datetime(text, format="ISO8601", errors="coerce")
            checks.append((out[col].isna().to_numpy() & ~empties[-1], col, "an ISO date YYYY-MM-DD (e.g. 2017-06-30)"))
        elif col not in out:
            out[col] = _other_column(frame[col])
            empties.append(np.asarray(out[col].isna()))
    blank = np.logical_and.reduce(empties)
    found.add(problems_from_mask(blank, file=file, column=None, values=pd.Series("(blank row)", index=frame.index),
                                 expected="a case row; delete blank rows between cases"))
    for mask, col, expected in checks:
        found.add(problems_from_mask(mask & ~blank, file=file, column=heading.get(col, col), values=frame[col], expected=expected))
    clean = pd.DataFrame(out, index=frame.index)
    clean["_file"], clean["_row"] = file, spreadsheet_rows(len(clean))
    return clean, found


def duplicate_case_problems(frame: pd.DataFrame) -> tuple[list[Problem], int]:
    """Problems for every row whose ``case_id`` repeats within its round (across files too)."""
    if frame["case_id"].is_unique:  # the common case: one hash pass, no per-round key needed
        return [], 0
    case_codes, _ = pd.factorize(frame["case_id"])
    round_codes = frame["round_id"].cat.codes.to_numpy().astype(np.int64)
    key = round_codes * (int(case_codes.max(initial=0)) + 2) + case_codes
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if not dup.any():
        return [], 0
    sub = frame.loc[dup, ["round_id", "case_id", "_file", "_row"]]
    shown = sub.iloc[:MAX_PROBLEMS_PER_RULE]
    where = shown["_file"].astype(str) + " row " + shown["_row"].astype(str)
    problems = []
    for (f, r, rid, cid), w in zip(shown[["_file", "_row", "round_id", "case_id"]].itertuples(index=False), where):
        others = where[(shown["round_id"] == rid) & (shown["case_id"] == cid) & (where != w)].tolist()
        problems.append(Problem(f, int(r), "case_id", cid, f"a case_id unique within round {rid}"
                                + (f" (also at {', '.join(others)})" if others else "")))
    return problems, len(sub) - len(shown)
