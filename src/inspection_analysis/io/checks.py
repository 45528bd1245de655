"""Vectorised validation of case-level frames: one pass of boolean masks per rule.

Each rule builds a boolean mask over all rows; only the rows it flags are
formatted into :class:`~inspection_analysis.errors.Problem` objects (at most
``MAX_PROBLEMS_PER_RULE`` per rule, the rest counted). Categorical columns are
trimmed and normalised on their *unique* values (``pandas.factorize``), so the
cost per row is a few vectorised operations, never Python code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from inspection_analysis.errors import AuditDataError, Problem, missing_column_problems, problems_from_mask
from inspection_analysis.grades import GRADE_DTYPE, GRADES
from inspection_analysis.schema import (
    CASE_RULE,
    CASE_TYPES,
    CRITERION_VALUES,
    is_criterion_column,
    is_date_column,
    is_known_case_column,
    normalise_text,
)

__all__ = ["RULES", "Findings", "check_allowed", "strip_text", "canonical_name", "reads_as_categorical",
           "rename_columns", "validate_case_frame"]

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
            raise AuditDataError(self.problems, self.omitted)


def strip_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim every cell; a cell left empty becomes missing (for small tables such as the registry)."""
    return frame.apply(lambda s: s.str.strip().replace("", None))


def check_allowed(frame: pd.DataFrame, file: str, col: str, allowed, *, required: bool = True) -> tuple[list[Problem], int]:
    """Problems for cells of ``col`` not in ``allowed`` (and empty cells when ``required``)."""
    values = frame[col]
    bad = (~values.isin(list(allowed)) & values.notna()) | (values.isna() if required else False)
    expected = "one of: " + ", ".join(allowed) + ("" if required else ", or empty")
    return problems_from_mask(bad.to_numpy(), file=file, column=col, values=values, expected=expected)


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


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    """Integer codes (-1 for missing) and the distinct values: a categorical's own, else ``pandas.factorize``."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories
    return pd.factorize(values, use_na_sentinel=True)


def _recode(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``table[codes]``, with a missing code (-1) staying -1; ``codes`` itself when ``table`` changes nothing.

    ``int8`` codes go through a 256-entry table indexed by their bytes,
    about twice as fast as indexing with the codes.
    """
    if codes.dtype == table.dtype and np.array_equal(table, np.arange(len(table))):
        return codes  # the values are already in order (e.g. a categorical written by this package)
    if codes.dtype == np.int8 and table.dtype == np.int8:
        lookup = np.full(256, -1, dtype=np.int8)
        lookup[: len(table)] = table
        return np.take(lookup, codes.view(np.uint8))
    return np.append(table, -1).astype(table.dtype)[codes]


def _codes(values: pd.Series, allowed, lookup: dict[str, str]):
    """Codes into ``allowed`` (-1 for empty or unknown) and the unknown and empty masks.

    Values are normalised per distinct value; per row there is one table
    look-up, and the masks are built only when some row is empty or unknown
    (otherwise they are ``None``).
    """
    codes, uniques = _factorize(values)
    position = {v: i for i, v in enumerate(allowed)}
    norm = [normalise_text(u) for u in uniques]
    norm = [lookup.get(v, v) for v in norm]
    unique_codes = np.array([position.get(v, -1) for v in norm], dtype=np.int8 if len(allowed) < 127 else np.int64)
    new_codes = _recode(codes, unique_codes)
    if not len(new_codes) or new_codes.min() >= 0:  # no empty or unknown value (a minimum is cheaper than a mask)
        return new_codes, None, None
    missing = new_codes < 0
    blank = np.array([v == "" for v in norm] + [True])[codes]  # whitespace-only cells count as empty
    return new_codes, missing & ~blank, blank


def _stripped(text: pd.Series) -> pd.Series:
    """Trim text; a cell left empty becomes missing."""
    text = text.str.strip()
    return text.mask(text == "")


def _arrow_chunks(values: pd.Series) -> list | None:
    """The pyarrow string arrays (chunks) behind a text column, or ``None`` if it is not pyarrow-backed text."""
    import pyarrow as pa

    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return None
    array = pa.array(values.array)  # through __arrow_array__: no copy
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    return chunks if all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks) else None


def _offsets_and_bytes(array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (``len + 1``) and the UTF-8 bytes of a pyarrow string array, as views (no copies)."""
    import pyarrow as pa

    _, offset_buffer, data_buffer = array.buffers()
    dtype = np.dtype(np.int64 if pa.types.is_large_string(array.type) else np.int32)
    offsets = np.frombuffer(offset_buffer, dtype=dtype, count=len(array) + 1, offset=array.offset * dtype.itemsize)
    data = np.frombuffer(data_buffer, dtype=np.uint8, count=int(offsets[-1])) if data_buffer is not None else np.zeros(0, np.uint8)
    return offsets, data


def _untrimmable(chunk) -> bool:
    """True when no text in the pyarrow chunk is missing or empty, or has a byte at either end that trimming could remove."""
    if chunk.null_count:
        return False
    offsets, data = _offsets_and_bytes(chunk)
    start, end = offsets[:-1], offsets[1:]
    if not (end > start).all():
        return False
    if data.size and data.min() > 0x20 and data.max() < 0x7F:  # printable ASCII only, no spaces: nothing to trim
        return True
    first, last = data[start], data[end - 1]
    return not ((first <= 0x20) | (first >= 0x7F) | (last <= 0x20) | (last >= 0x7F)).any()


def _trimmed_text(values: pd.Series) -> tuple[pd.Series, np.ndarray | None]:
    """Text trimmed (a cell left empty is missing) and the mask of missing cells (``None`` if none is).

    Fast path: when the column is pyarrow text in which no cell is empty
    or starts or ends with a space, a control character or a non-ASCII
    byte (which could begin or end Unicode whitespace), trimming would
    change nothing and the column is returned as it is.
    """
    chunks = _arrow_chunks(values)
    if chunks is not None and all(_untrimmable(chunk) for chunk in chunks):
        return values, None
    text = _stripped(values.astype(str).where(values.notna()))
    missing = text.isna().to_numpy()
    return text, missing if missing.any() else None


def _other_column(values: pd.Series):
    """A column outside the schema, trimmed: categorical when it has few distinct values (fast to group by), else text."""
    codes, uniques = _factorize(values)
    if len(uniques) > max(1000, len(values) // 10):
        return _stripped(values.astype(str).where(values.notna()))
    trimmed = pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.strip()
    new_codes, new_uniques = pd.factorize(trimmed.mask(trimmed == ""), use_na_sentinel=True)
    table = new_codes.astype(np.int8 if len(new_uniques) < 127 else np.int32)
    return pd.Categorical.from_codes(_recode(codes, table), categories=pd.Index(new_uniques, dtype="str"), validate=False)


def validate_case_frame(raw: pd.DataFrame, file: str, mapping, registry: pd.DataFrame) -> tuple[pd.DataFrame | None, Findings]:
    """Validate and normalise one file's rows; return the clean frame (or ``None``) and its findings.

    Checks across files (duplicate ``case_id``) are the caller's.
    """
    found = Findings()
    rename, clash = rename_columns(raw.columns, mapping, file)
    found.problems += clash
    heading = {v: k for k, v in rename.items()}
    frame = raw.rename(columns=rename)
    found.problems += missing_column_problems(frame, file, CASE_RULE["column_missing"].columns, raw.columns,
                                              CASE_RULE["column_missing"].expected)
    if found.problems:
        return None, found
    values = mapping.values if mapping is not None else {}
    out, empties, checks = {}, [], []
    round_ids = registry["round_id"].tolist()

    def expected(name):
        return CASE_RULE[name].expected

    def categorical(col, allowed, lookup, dtype, unknown, empty=None):
        codes, bad, blank = _codes(frame[col], allowed, lookup)
        checks.append((bad, col, unknown))
        if empty:
            checks.append((blank, col, empty))
        empties.append(blank)
        out[col] = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
        return codes

    rcodes = categorical("round_id", round_ids, values.get("round_id", {}), pd.CategoricalDtype(round_ids),
                         expected("round_id_unknown"), expected("round_id_empty"))
    out["case_id"], no_id = _trimmed_text(frame["case_id"])
    empties.append(no_id)
    checks.append((no_id, "case_id", expected("case_id_empty")))
    if "case_type" in frame.columns:
        categorical("case_type", CASE_TYPES, values.get("case_type", {}), _CASE_TYPE_DTYPE, expected("case_type_unknown"))
    gcodes = categorical("grade", GRADES, values.get("grade", {}), GRADE_DTYPE, expected("grade_unknown"),
                         expected("grade_empty"))
    three = np.append(registry["scale"].to_numpy() == "3-point", False)  # by round code; code -1 (unknown): False
    adequate = gcodes == GRADES.index("adequate")
    checks.append((adequate & three[rcodes] if adequate.any() else None, "grade", expected("grade_off_scale")))
    for col in frame.columns:
        if is_criterion_column(col):
            categorical(col, CRITERION_VALUES, values.get("criteria", {}), _CRITERION_DTYPE, expected("criterion_unknown"))
        elif col == "synthetic":
            codes = categorical(col, ("false", "true"), {}, pd.CategoricalDtype(["false", "true"]),
                                expected("synthetic_unknown"), expected("synthetic_empty"))
            out[col] = codes == 1
        elif is_date_column(col):
            text = _stripped(frame[col])
            empties.append(text.isna().to_numpy())
            out[col] = pd.to_datetime(text, format="ISO8601", errors="coerce")
            checks.append((out[col].isna().to_numpy() & ~empties[-1], col, "an ISO date YYYY-MM-DD (e.g. 2017-06-30)"))
        elif col not in out:
            out[col] = _other_column(frame[col])
            empties.append(np.asarray(out[col].isna()))
    # a blank row is empty in every column: none can be when some column has no empty cell (mask None)
    blank = None if any(e is None for e in empties) else np.logical_and.reduce(empties)
    if blank is not None:
        found.add(problems_from_mask(blank, file=file, column=None, values=pd.Series("(blank row)", index=frame.index),
                                     expected="a case row; delete blank rows between cases"))
    for mask, col, expected in checks:
        if mask is not None:
            found.add(problems_from_mask(mask if blank is None else mask & ~blank, file=file,
                                         column=heading.get(col, col), values=frame[col], expected=expected))
    return pd.DataFrame(out, index=frame.index, copy=False), found
