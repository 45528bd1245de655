"""The project's data folder as one state: the registry, the published figures, the case-level files and their counts.

:func:`load_project` is the one way the report reads the data folder, so that
the same question gets the same answer wherever it is asked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.counts.table import combine_counts, to_counts
from inspection_analysis.grades import DEFAULT_FAILING
from inspection_analysis.io import load_cases, load_published, load_rounds

__all__ = ["ProjectState", "load_project"]


@dataclass(frozen=True)
class ProjectState:
    """Everything the data folder holds, validated and counted for one failure definition.

    Attributes
    ----------
    data : pathlib.Path
        The data folder.
    rounds : pandas.DataFrame
        The rounds registry, with any rounds added.
    published : pandas.DataFrame
        The published figures.
    counts : pandas.DataFrame
        The counts table: the published rounds, with every round that has
        case-level files in ``data/raw/`` counted from them instead.
    synthetic : pandas.DataFrame or None
        The shipped synthetic case-level sample, if present.
    files : list of pathlib.Path
        Every data file read, for the report's checksums.
    case_level_rounds : list of str
        The rounds counted from case-level files.
    """

    data: Path
    rounds: pd.DataFrame
    published: pd.DataFrame
    counts: pd.DataFrame
    synthetic: pd.DataFrame | None
    files: list[Path]
    case_level_rounds: list[str]


def load_project(data: str | os.PathLike | None = None, *, failing=DEFAULT_FAILING,
                 cases: str | os.PathLike | None = None, engine: str = "duckdb") -> ProjectState:
    """Load the data folder: registry, published figures, case-level files, and the combined counts table.

    Parameters
    ----------
    data : str or path-like, optional
        The data folder; by default the project's ``data/`` (see
        :mod:`inspection_analysis.paths`).
    failing : str or iterable of str, optional
        The failure definition the counts table uses; default requires
        improvement or inadequate.
    cases : str or path-like, optional
        A case-level Parquet file or dataset (a folder, or for Spark a URI
        such as ``s3://...`` or a table name) counted instead of ``raw/``.
        It is not in the manifest, so it has no checksum in ``files``.
    engine : {"duckdb", "spark", "pandas"}, default "duckdb"
        How ``cases`` is counted: inside DuckDB or on Spark (see
        :func:`~inspection_analysis.counts.table.to_counts`), or read with
        :func:`~inspection_analysis.io.load_cases` (any file type) and
        counted with pandas. Every engine applies the same rules.

    Returns
    -------
    ProjectState

    Raises
    ------
    inspection_analysis.errors.AuditDataError
        Listing every problem in the registry, the published figures or a
        case-level file.

    Examples
    --------
    >>> project = load_project()
    >>> project.counts.set_index("round_id").loc["mps-2016", ["n", "failures"]].tolist()
    [374, 278]
    """
    data = Path(data) if data is not None else paths.data_dir()
    rounds_file, published_file = data / "rounds.csv", data / "published" / "published_counts.csv"
    rounds = load_rounds(rounds_file)
    published = load_published(published_file, rounds=rounds)
    counts = to_counts(published, failing=failing, rounds=rounds)
    files = [rounds_file, published_file]
    case_rounds: list[str] = []
    raw = data / "raw"
    raw_files = sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith(".")
                       and not p.name.lower().startswith("readme")) if raw.is_dir() else []
    case_counts = None
    if cases is not None:
        case_counts = (to_counts(load_cases(cases, rounds=rounds), failing=failing) if engine == "pandas"
                       else to_counts(cases, failing=failing, rounds=rounds, engine=engine))
    elif raw_files:
        case_counts = to_counts(load_cases(raw, rounds=rounds), failing=failing)
        files += raw_files
    if case_counts is not None:
        counts = combine_counts(counts, case_counts)
        case_rounds = sorted(case_counts.loc[case_counts["n"] > 0, "round_id"].astype(str).unique())
    synth_dir = data / "synthetic"
    synth_files = sorted(synth_dir.glob("*_case_files_synthetic.csv")) if synth_dir.is_dir() else []
    synthetic = load_cases(synth_files[0], rounds=rounds) if synth_files else None
    files += synth_files[:1]
    return ProjectState(data, rounds, published, counts, synthetic, files, case_rounds)
