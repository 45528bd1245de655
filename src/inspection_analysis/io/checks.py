"""Validation of case-level frames: one boolean mask per rule, built with plain pandas calls.

Each rule builds a boolean mask over all rows; only the rows it flags are
formatted into :class:`~inspection_analysis.errors.Problem` objects (at most
``MAX_PROBLEMS_PER_RULE`` per rule, the rest counted). Columns of allowed
values are normalised once per distinct value (``pandas.factorize``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from inspection_analysis.errors import AuditDataError, Problem, missing_column_problems, problems_from_mask
from inspection_analysis.grades import GRADE_DTYPE, GRADES
from inspection_analysis.io.codepoints import hidden_characters
from inspection_analysis.schema import (
    CASE_RULE,
    CASE_TYPES,
    CRITERION_VALUES,
    is_criterion_column,
    is_date_column,
    is_known_case_column,
    normalise_text,
)

__all__ = ["RULES", "Findings", "check_allowed", "naming_hidden", "strip_text", "canonical_name", "reads_as_categorical", "is_id_heading",
           "holds_case_headings", "rename_columns", "validate_case_frame"]

#: The rules :func:`validate_case_frame` applies (with ``load_cases``'s duplicate check across files): those of
#: :data:`~inspection_analysis.schema.CASE_RULES` and the spreadsheet-only ones.
RULES: tuple[str, ...] = (
    "heading_clash", "column_missing", "blank_row", "round_id_unknown", "round_id_empty", "case_id_empty",
    "case_type_unknown", "grade_unknown", "grade_empty", "grade_off_scale", "criterion_unknown", "synthetic_unknown",
    "synthetic_empty", "date_invalid", "case_id_duplicate",
)


_CASE_TYPE_DTYPE = pd.CategoricalDtype(CASE_TYPES)
_CRITERION_DTYPE = pd.CategoricalDtype(CRITERION_VALUES)


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
            raise AuditDataError(self.sorted(), self.omitted)

    def sorted(self) -> list[Problem]:
        """The problems in one report's order: by file, then row (the file's own problems first)."""
        return sorted(self.problems, key=lambda p: (p.file, -1 if p.row is None else p.row))


def strip_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim every cell; a cell left empty becomes missing (for small tables such as the registry)."""
    return frame.apply(lambda s: s.str.strip().replace("", None))


def check_allowed(frame: pd.DataFrame, file: str, col: str, allowed, *, required: bool = True) -> tuple[list[Problem], int]:
    """Problems for cells of ``col`` not in ``allowed`` (and empty cells when ``required``)."""
    values = frame[col]
    bad = ((~values.isin(list(allowed)) & values.notna()) | (values.isna() if required else False)).to_numpy()
    expected = "one of: " + ", ".join(allowed) + ("" if required else ", or empty")
    return problems_from_mask(bad, file=file, column=col, values=values,
                              expected=naming_hidden(expected, values.to_numpy(dtype=object), bad))


def naming_hidden(expected, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``expected`` (one text, or one per row) for each row, with the characters outside printable ASCII of each
    flagged value named.

    A Cyrillic look-alike in ``gооd`` is then told apart from ``good`` in the message
    (:func:`~inspection_analysis.io.codepoints.hidden_characters`).

    Examples
    --------
    >>> naming_hidden("one of: good", np.array(["g\u043eod", "x"], dtype=object), np.array([True, False]))[0]
    'one of: good (it holds U+043E CYRILLIC SMALL LETTER O)'
    """
    out = (np.full(len(values), expected, dtype=object) if isinstance(expected, str)
           else np.array([str(e) for e in np.asarray(expected, dtype=object)], dtype=object))
    for i in np.flatnonzero(mask):
        if isinstance(values[i], str):
            out[i] += hidden_characters(values[i])
    return out


def canonical_name(heading: str, mapping) -> str:
    """The canonical column a heading is read as: the mapping's, else the heading itself if canonical (any case)."""
    key = normalise_text(heading)
    column_map = mapping.columns if mapping is not None else {}
    return column_map.get(key, key if is_known_case_column(key) else heading)


def reads_as_categorical(heading: str, mapping) -> bool:
    """True for a heading best read dictionary-encoded: every column except ``case_id`` and dates (many distinct values)."""
    name = canonical_name(heading, mapping)
    return name != "case_id" and not is_date_column(name)


def rename_columns(headings, mapping, file: str) -> tuple[dict[str, str], list[Problem]]:
    """Canonical name for each heading (see :func:`canonical_name`).

    Two headings landing on one name are a problem at row 1 (the header row).
    """
    rename, problems, seen = {}, [], {}
    for heading in headings:
        target = canonical_name(heading, mapping)
        if target in seen:
            problems.append(Problem(file, 1, heading, heading,
                                    f"one column per name, but {seen[target]!r} is also read as {target!r}"))
        seen[target] = heading
        rename[heading] = target
    return rename, problems


def is_id_heading(heading: str, mapping) -> bool:
    """True for the heading read as ``case_id``: its cells must be read exactly as the spreadsheet shows them."""
    return canonical_name(heading, mapping) == "case_id"


def holds_case_headings(headings, mapping) -> bool:
    """True when ``headings`` (a sheet's row 1) hold every required case column, directly or through ``mapping``."""
    return set(CASE_RULE["column_missing"].columns) <= {canonical_name(h, mapping) for h in headings}


def _coded(values: pd.Series, allowed, lookup: dict[str, str]):
    """Codes into ``allowed`` (-1 for empty or unknown), the unknown and empty masks, and a note per row.

    Each distinct value is normalised once (``pandas.factorize``, or a
    categorical's own categories) and mapped through ``lookup`` (the
    mapping's spellings); the note names any character outside printable
    ASCII in an unknown value (a Cyrillic look-alike, a no-break space).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), list(values.cat.categories)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    position = {v: i for i, v in enumerate(allowed)}
    norm = [lookup.get(v, v) for v in (normalise_text(u) for u in uniques)]
    # code -1 (missing) takes the last entry; the smallest integer type that holds the codes, as a categorical's own
    new_codes = np.array([position.get(v, -1) for v in norm] + [-1], dtype=np.min_scalar_type(-len(allowed) - 1))[codes]
    blank = np.array([v == "" for v in norm] + [True])[codes]  # whitespace-only cells count as empty
    unknown = (new_codes < 0) & ~blank
    notes = np.array([hidden_characters(u) for u in uniques] + [""], dtype=object)[codes] if unknown.any() else ""
    return new_codes, unknown, blank, notes


def _trimmed(values: pd.Series) -> pd.Series:
    """Text trimmed, a cell left empty missing; a categorical stays one (its categories trimmed)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        text = pd.Series(values.cat.categories.astype("str")).str.strip()
        codes, uniques = pd.factorize(text.mask(text == ""), use_na_sentinel=True)
        return pd.Series(pd.Categorical.from_codes(np.append(codes, -1)[values.cat.codes.to_numpy()],
                                                   categories=pd.Index(uniques, dtype="str")), index=values.index)
    text = values.astype("str").str.strip()
    empty = text == ""
    return text.mask(empty) if empty.any() else text  # no copy of a column with no empty cell


def _iso_dates(text: pd.Series) -> pd.Series:
    """ISO ``YYYY-MM-DD`` text as dates; anything else (``2026``, ``2026-02``, ``20260305``, a time) ``NaT``."""
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    return pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")


def validate_case_frame(raw: pd.DataFrame, file: str, mapping, registry: pd.DataFrame) -> tuple[pd.DataFrame | None, Findings]:
    """Validate and normalise one file's rows; return the clean frame (or ``None``) and its findings.

    A heading read as a name another heading already took is reported and
    its column left out; the other rules still run. Without a required
    column the rows are not checked (``None``). Checks across files
    (duplicate ``case_id``) are the caller's.
    """
    found = Findings()
    rename, clash = rename_columns(raw.columns, mapping, file)
    found.problems += clash
    kept = [h for h in raw.columns if not any(p.column == h for p in clash)]
    heading = {rename[h]: h for h in kept}
    frame = raw.loc[:, kept].rename(columns=rename)
    missing = missing_column_problems(frame, file, CASE_RULE["column_missing"].columns, raw.columns,
                                      CASE_RULE["column_missing"].expected)
    found.problems += missing
    if missing:
        return None, found
    values = mapping.values if mapping is not None else {}
    out, empties, checks = {}, [], []
    round_ids = registry["round_id"].tolist()

    def expected(name):
        return CASE_RULE[name].expected

    def categorical(col, allowed, lookup, dtype, unknown, empty=None):
        codes, bad, blank, notes = _coded(frame[col], allowed, lookup)
        checks.append((bad, col, unknown + notes))
        if empty:
            checks.append((blank, col, empty))
        empties.append(blank)
        out[col] = pd.Categorical.from_codes(codes, dtype=dtype)
        return codes

    rcodes = categorical("round_id", round_ids, values.get("round_id", {}), pd.CategoricalDtype(round_ids),
                         expected("round_id_unknown"), expected("round_id_empty"))
    out["case_id"] = _trimmed(frame["case_id"])
    empties.append(out["case_id"].isna().to_numpy())
    checks.append((empties[-1], "case_id", expected("case_id_empty")))
    if "case_type" in frame.columns:
        categorical("case_type", CASE_TYPES, values.get("case_type", {}), _CASE_TYPE_DTYPE, expected("case_type_unknown"))
    gcodes = categorical("grade", GRADES, values.get("grade", {}), GRADE_DTYPE, expected("grade_unknown"),
                         expected("grade_empty"))
    three = np.append(registry["scale"].to_numpy() == "3-point", False)  # by round code; code -1 (unknown): False
    checks.append(((gcodes == GRADES.index("adequate")) & three[rcodes], "grade", expected("grade_off_scale")))
    for col in frame.columns:
        if is_criterion_column(col):
            categorical(col, CRITERION_VALUES, values.get("criteria", {}), _CRITERION_DTYPE, expected("criterion_unknown"))
        elif col == "synthetic":
            codes = categorical(col, ("false", "true"), {}, pd.CategoricalDtype(["false", "true"]),
                                expected("synthetic_unknown"), expected("synthetic_empty"))
            out[col] = codes == 1
        elif is_date_column(col):
            text = _trimmed(frame[col]).astype("str")
            empties.append(text.isna().to_numpy())
            out[col] = _iso_dates(text)
            checks.append((out[col].isna().to_numpy() & ~empties[-1], col,
                           "an ISO date YYYY-MM-DD (e.g. 2017-06-30), as text or as a date cell"))
        elif col not in out:
            out[col] = _trimmed(frame[col])
            empties.append(out[col].isna().to_numpy())
    blank = np.logical_and.reduce(empties)  # a blank row is empty in every column
    found.add(problems_from_mask(blank, file=file, column=None, values=pd.Series("(blank row)", index=frame.index),
                                 expected="a case row; delete blank rows between cases"))
    for mask, col, expected in checks:
        found.add(problems_from_mask(mask & ~blank, file=file, column=heading.get(col, col), values=frame[col],
                                     expected=expected))
    return pd.DataFrame(out, index=frame.index), found
