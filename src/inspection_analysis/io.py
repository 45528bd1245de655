"""Loaders: the rounds registry, published figures, case-level files and column mappings.

With no path each loader reads the data shipped in ``data/``. Every loader
validates what it reads and raises :class:`AuditDataError` listing *all*
problems, each naming the file, the spreadsheet row (header = row 1), the
column, the bad value and what was expected. A row either loads or is
reported: nothing is silently dropped or coerced.

Case identifiers may appear in these error messages, which are shown to the
owner of the file; they must never be copied into figures, reports or logs.
"""

from __future__ import annotations

import os
import tomllib
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.grades import GRADES
from inspection_analysis.problems import AuditDataError, AuditDataWarning, Problem
from inspection_analysis.published import validate_published
from inspection_analysis.readers import SUPPORTED_SUFFIXES, read_table
from inspection_analysis.rounds import validate_rounds
from inspection_analysis.schema import CASE_TYPES, CRITERION_VALUES, is_known_case_column
from inspection_analysis.duplicates import duplicate_case_problems
from inspection_analysis.validation import (
    Findings,
    normalise_text,
    reads_as_categorical,
    validate_case_frame,
)

__all__ = ["AuditDataError", "AuditDataWarning", "Problem", "ColumnMapping", "load_rounds", "load_published",
           "load_cases", "load_mapping"]

PathLike = str | os.PathLike


def load_rounds(path: PathLike | None = None) -> pd.DataFrame:
    """Load and validate the rounds registry.

    Parameters
    ----------
    path : str or path-like, optional
        A rounds CSV; by default the shipped ``data/rounds.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per round, sorted by ``force``, ``reference_date``,
        ``round_id``, with columns ``round_id``, ``force``, ``force_name``,
        ``label``, ``period``, ``publication_date`` (datetime, ``NaT`` when
        not found), ``reference_date`` (datetime, orders rounds in time),
        ``assessor`` (``inspectorate``, ``force_audit`` or
        ``force_self_assessment``), ``scale`` (``3-point`` or ``4-point``),
        ``sample``, ``source_url`` and ``notes`` (text; empty as ``""``).

    Raises
    ------
    AuditDataError
        For a missing column, a duplicate or malformed ``round_id``, an
        unknown assessor or scale, or a date that is not ISO ``YYYY-MM-DD``.

    Notes
    -----
    The registry is the single list of rounds that case files and published
    figures may refer to.

    Examples
    --------
    >>> rounds = load_rounds()
    >>> rounds.set_index("round_id").loc["mps-2017-q2", "assessor"]
    'force_audit'
    """
    path = Path(path) if path is not None else paths.rounds_path()
    if not path.is_file():
        read_table(path)  # raises AuditDataError naming the missing file
    stat = path.stat()
    return _registry(str(path.resolve()), stat.st_mtime_ns, stat.st_size).copy()


@lru_cache(maxsize=8)
def _registry(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """The validated registry, cached while the file is unchanged (same path, modification time and size)."""
    return validate_rounds(read_table(path), Path(path).name)


def load_published(path: PathLike | None = None, rounds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate the published figures (one row per published figure).

    Parameters
    ----------
    path : str or path-like, optional
        A published-figures CSV; by default the shipped
        ``data/published/published_counts.csv``.
    rounds : pandas.DataFrame, optional
        The rounds registry to check ``round_id`` against; by default
        :func:`load_rounds`.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``data/README.md``: ``figure_id``, ``round_id``,
        ``case_type`` (``""`` for the whole round), ``status`` (``primary``,
        ``variant`` or ``inconsistent``), the published counts ``n_cases``,
        ``n_good``, ``n_adequate``, ``n_requires_improvement``,
        ``n_inadequate``, ``n_failing`` (``Int64``, ``<NA>`` when not
        published), ``pct_failing_published`` and ``pct_passing_published``
        (``Float64`` percentages, only where a percentage is the only figure),
        the derived numbers ``n_failing_derived`` and ``n_passing_derived``
        (``Int64``; never published, see ``derived_note``), and the text
        columns ``derived_note``, ``source_inconsistency``,
        ``other_figures``, ``source_url``, ``quote``.

    Raises
    ------
    AuditDataError
        For negative or non-integer counts, a count above ``n_cases``, grade
        counts not summing to ``n_cases`` (unless the row is marked
        ``inconsistent`` with a ``source_inconsistency`` note), an unknown
        round, status or case type, or a missing source.

    Examples
    --------
    >>> pub = load_published()
    >>> pub.set_index("figure_id").loc["mps-2016", ["n_cases", "n_failing"]].tolist()
    [374, 278]
    """
    path = Path(path) if path is not None else paths.published_counts_path()
    registry = load_rounds() if rounds is None else rounds
    return validate_published(read_table(path), path.name, registry)


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
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = ""


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
        tables (spelling -> canonical value).

    Returns
    -------
    ColumnMapping
        Keys normalised (trimmed, lower case, single spaces) so that matching
        ignores case and surrounding whitespace.

    Raises
    ------
    AuditDataError
        For a file that is not valid TOML, an unknown table, a target column
        that is not canonical, or a target value that is not allowed.

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
    problems = [Problem(name, None, f"[{k}]", k, "a [columns] or [values.*] table") for k in data if k not in ("columns", "values")]
    columns = {normalise_text(k): str(v) for k, v in data.get("columns", {}).items()}
    problems += [Problem(name, None, f"[columns] {k!r}", v, "a canonical column name such as case_id, round_id, "
                         "grade, case_type, crit_<name> or date_<name>") for k, v in columns.items() if not is_known_case_column(v)]
    values = {}
    for kind, table in data.get("values", {}).items():
        if kind not in (*_VALUE_TARGETS, "round_id"):
            problems.append(Problem(name, None, f"[values.{kind}]", kind, "[values.grade], [values.criteria], [values.case_type] or [values.round_id]"))
            continue
        values[kind] = {normalise_text(k): normalise_text(v) for k, v in table.items()}
        allowed = _VALUE_TARGETS.get(kind)
        problems += [Problem(name, None, f"[values.{kind}] {k!r}", v, "one of: " + ", ".join(allowed))
                     for k, v in values[kind].items() if allowed is not None and v not in allowed]
    if problems:
        raise AuditDataError(problems)
    return ColumnMapping(columns, values, str(path))


def _case_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    files, skipped = [], []
    for p in sorted(path.iterdir()):
        if p.name.startswith(".") or p.name.lower().startswith("readme"):
            continue
        (files if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES else skipped).append(p)
    if skipped:
        warnings.warn(f"{path.name}: skipped {len(skipped)} item(s) that are not case files: "
                      + ", ".join(p.name for p in skipped), AuditDataWarning, stacklevel=3)
    if not files:
        raise AuditDataError([Problem(path.name, None, None, "an empty folder",
                                      "at least one case file (" + ", ".join(SUPPORTED_SUFFIXES) + ")")])
    return files


def load_cases(path_or_dir: PathLike | None = None, mapping: PathLike | ColumnMapping | None = None,
               rounds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate case-level files: one row per case file.

    Parameters
    ----------
    path_or_dir : str or path-like, optional
        A CSV, XLSX, XLS, ODS or Parquet file, or a folder: every case file in
        it is loaded and the rows concatenated (hidden files and README files
        are skipped; other files are skipped with a warning). By default the
        shipped synthetic sample ``data/synthetic/mps_case_files_synthetic.csv``.
    mapping : str, path-like or ColumnMapping, optional
        A column mapping (see :func:`load_mapping`). Without one, headings
        must be the canonical names (case and surrounding spaces ignored).
    rounds : pandas.DataFrame, optional
        The registry ``round_id`` must be in; by default :func:`load_rounds`.

    Returns
    -------
    pandas.DataFrame
        ``round_id`` (categorical of the registry's ids), ``case_id`` (text),
        ``case_type`` (categorical, if present), ``grade`` (the ordered grade
        dtype, best first), criterion columns ``crit_<name>`` (categorical
        ``pass`` / ``fail`` / ``not applicable``, missing when not recorded),
        date columns ``date_<name>`` (datetime), ``synthetic`` (bool, if
        present) and any other columns as trimmed text (categorical when
        they hold few distinct values).

    Raises
    ------
    AuditDataError
        Listing every problem in every file: unreadable or mislabelled file,
        empty or header-only file, missing required column, unknown grade,
        case type, criterion value or round, empty required cell, blank row
        between cases, unparseable date, duplicate ``case_id`` within a round.

    Warns
    -----
    AuditDataWarning
        Trailing blank rows ignored; a CSV read as Windows-1252; files skipped
        in a folder.

    Notes
    -----
    Grades, case types, criterion values and round ids are matched after
    trimming whitespace and ignoring case, then through the mapping's
    spellings; anything still unknown is reported, never guessed.

    Examples
    --------
    >>> cases = load_cases()
    >>> int((cases["round_id"] == "mps-2017-q3").sum())
    135
    """
    path = Path(path_or_dir) if path_or_dir is not None else paths.synthetic_dir() / "mps_case_files_synthetic.csv"
    if mapping is not None and not isinstance(mapping, ColumnMapping):
        mapping = load_mapping(mapping)
    registry = load_rounds() if rounds is None else rounds
    found, frames, files = Findings(), [], []
    for file in _case_files(path):
        try:
            raw = read_table(file, categorical=lambda heading: reads_as_categorical(heading, mapping))
        except AuditDataError as exc:
            found.add((exc.problems, exc.omitted))
            continue
        clean, file_found = validate_case_frame(raw, file.name, mapping, registry)
        found.add((file_found.problems, file_found.omitted))
        if clean is not None:
            frames.append(clean)
            files.append((file.name, len(clean)))
    found.raise_if_any()
    combined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    found.add(duplicate_case_problems(combined, files))
    found.raise_if_any()
    return combined
