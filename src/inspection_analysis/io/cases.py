"""Case-level files: one row per case file, read, validated and checked for duplicate IDs.

Every problem in every file is reported at once, each naming the file, the
spreadsheet row (header = row 1), the column, the bad value and what was
expected. A row either loads or is reported: nothing is silently dropped or
coerced. Case identifiers may appear in these error messages, which are shown
to the owner of the file; they must never be copied into figures, reports or
logs.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError, AuditDataWarning, Problem, problems_from_mask
from inspection_analysis.io.checks import (
    Findings,
    canonical_name,
    holds_case_headings,
    is_id_heading,
    reads_as_categorical,
    validate_case_frame,
)
from inspection_analysis.io.duplicate_ids import duplicate_case_problems
from inspection_analysis.io.mapping import ColumnMapping, load_mapping
from inspection_analysis.io.read import SUPPORTED_SUFFIXES, read_file
from inspection_analysis.io.registry import load_rounds

__all__ = ["load_cases"]

PathLike = str | os.PathLike


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
        held = (f"a folder holding {len(skipped)} item(s), none a case file: " + ", ".join(p.name for p in skipped[:20])
                + (", ..." if len(skipped) > 20 else "")) if skipped else "an empty folder"
        raise AuditDataError([Problem(path.name, None, None, held, "at least one case file: a file ending in "
                                      + ", ".join(SUPPORTED_SUFFIXES[:-1]) + f" or {SUPPORTED_SUFFIXES[-1]}")])
    return files


def _other_round_problems(raw: pd.DataFrame, clean: pd.DataFrame, file: str, mapping, round_id: str):
    """Rows whose (valid) round is not ``round_id``, reported under the file's own round heading."""
    heading = next(h for h in raw.columns if canonical_name(h, mapping) == "round_id")
    other = (clean["round_id"].astype(str) != round_id).to_numpy() & clean["round_id"].notna().to_numpy()
    return problems_from_mask(other, file=file, column=heading, values=raw[heading],
                              expected=f"{round_id!r}, the round given with --round (one round per file)")


def load_cases(path_or_dir: PathLike | None = None, mapping: PathLike | ColumnMapping | None = None,
               rounds: pd.DataFrame | None = None, *, round_id: str | None = None) -> pd.DataFrame:
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
    round_id : str, optional
        The round every row belongs to (``add-quarter --round``). A file with
        no round column is read as this round; in a file with one, every row
        whose round differs is reported.

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
        between cases, a date that is not ISO ``YYYY-MM-DD`` text or a date
        cell, an Excel error cell, an ID that cannot be read exactly, a
        repeated heading, a duplicate ``case_id`` within a round (exact, or
        probable: the same after Unicode normalisation and case-folding), a
        row whose round is not ``round_id``.

    Warns
    -----
    AuditDataWarning
        Trailing blank rows ignored; a CSV read as Windows-1252; hidden rows
        in a workbook (read and counted); files skipped in a folder.

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
    found, frames, files, id_headings = Findings(), [], [], {}
    for file in _case_files(path):
        try:
            raw = read_file(file, categorical=lambda heading: reads_as_categorical(heading, mapping),
                            exact=lambda heading: is_id_heading(heading, mapping),
                            sheet=mapping.sheet if mapping is not None else None,
                            has_header=lambda headings: holds_case_headings(headings, mapping))
        except AuditDataError as exc:
            found.add((exc.problems, exc.omitted))
            continue
        given = round_id is not None and not any(canonical_name(h, mapping) == "round_id" for h in raw.frame.columns)
        frame = raw.frame.assign(round_id=round_id) if given else raw.frame
        clean, file_found = validate_case_frame(frame, file.name, mapping, registry)
        problems, omitted = file_found.problems, file_found.omitted
        if clean is not None and round_id is not None and not given:
            other, more = _other_round_problems(frame, clean, file.name, mapping, round_id)
            problems, omitted = problems + other, omitted + more
        found.add((raw.with_validation(problems), omitted))
        if clean is not None:
            frames.append(clean)
            files.append((file.name, len(clean)))
            id_headings[file.name] = next(h for h in raw.frame.columns if canonical_name(h, mapping) == "case_id")
    if frames:  # duplicates are reported with every other problem, in one pass
        combined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
        repeated, omitted = duplicate_case_problems(combined, files)
        found.add(([replace(p, column=id_headings[p.file]) for p in repeated], omitted))  # the file's own heading
    _withhold_ids(found, mapping).raise_if_any()
    return combined


def _withhold_ids(found: Findings, mapping) -> Findings:
    """Mark the problems of case-identifier columns, whose values are then never printed (``Problem.identifier``)."""
    found.problems = [replace(p, identifier=True) if p.column is not None and is_id_heading(p.column, mapping)
                      else p for p in found.problems]
    return found
