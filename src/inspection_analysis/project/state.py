"""The project's data folder as one state: the registry, the published figures, the recorded case-level files and their counts.

:func:`load_project` is the one way the report, every CLI subcommand and every
notebook read the data folder, so that the same question gets the same answer
wherever it is asked. Only files that ``data/manifest.csv`` records are read
from ``data/raw/``, each with the column mapping stored beside it and checked
against its SHA-256.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.counts.contract import combine_counts
from inspection_analysis.counts.table import to_counts
from inspection_analysis.errors import AuditDataError, Problem
from inspection_analysis.grades import DEFAULT_FAILING
from inspection_analysis.io import load_cases, load_mapping, load_published, load_rounds
from inspection_analysis.project.lock import data_lock
from inspection_analysis.project.manifest import check_manifest, read_manifest
from inspection_analysis.project.transaction import STAGING, pending_commits, recover

__all__ = ["ProjectState", "load_project", "integrity_warnings"]


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
        The counts table: the published rounds, with every round that has a
        recorded case-level file counted from it instead. Its ``data_kind``
        column says where each round's counts came from (``published``,
        ``case-level`` or ``synthetic``).
    synthetic : pandas.DataFrame or None
        The shipped synthetic case-level sample, if present.
    files : list of pathlib.Path
        Every data file read, for the report's checksums.
    case_level_rounds : list of str
        The rounds counted from case-level files.
    manifest : pandas.DataFrame
        Every recorded file and its checksum now (see
        :func:`~inspection_analysis.project.manifest.check_manifest`).
    integrity_warnings : tuple of str
        One sentence per recorded file that changed or went missing since it
        was recorded; empty when every checksum matches.
    cases : dict of str to pandas.DataFrame
        Each recorded case-level round's validated case files (as
        :func:`~inspection_analysis.io.load_cases` returns them), by round id.
    """

    data: Path
    rounds: pd.DataFrame
    published: pd.DataFrame
    counts: pd.DataFrame
    synthetic: pd.DataFrame | None
    files: list[Path]
    case_level_rounds: list[str]
    manifest: pd.DataFrame
    integrity_warnings: tuple[str, ...]
    cases: dict[str, pd.DataFrame]

    @property
    def integrity_note(self) -> str:
        """The integrity warnings as Markdown, one bold-headed paragraph each, or a line saying every checksum matches.

        Examples
        --------
        >>> load_project().integrity_note
        'Every recorded data file matches the checksum in the manifest.'
        """
        return "\n\n".join(f"**DATA INTEGRITY WARNING:** {w}" for w in self.integrity_warnings) or \
            "Every recorded data file matches the checksum in the manifest."

    def latest_quarter(self, force: str = "mps") -> str:
        """The force's latest round (by ``reference_date``) with a recorded case-level file.

        Without one, the latest round of the shipped synthetic sample, whose
        rows are flagged synthetic: the quarterly notebook then runs on the
        shipped data and says that its results are synthetic.

        Raises
        ------
        ValueError
            If the force has no recorded case-level round and the synthetic
            sample none either.

        Examples
        --------
        >>> load_project().latest_quarter()  # no recorded file in the shipped data: the synthetic sample's
        'mps-2018'
        """
        synthetic = set() if self.synthetic is None else set(self.synthetic["round_id"].astype(str))
        for candidates in (set(self.cases), synthetic):
            mine = self.rounds[(self.rounds["force"] == force) & self.rounds["round_id"].isin(candidates)]
            if not mine.empty:
                return str(mine.sort_values(["reference_date", "round_id"], kind="stable")["round_id"].iloc[-1])
        raise ValueError(f"force {force!r} has no round with case-level data: add one with add-quarter")

    def quarter_cases(self, round_id: str) -> pd.DataFrame:
        """The case files of one round: its recorded file, else the synthetic sample's rows of that round.

        Either way the frame has a ``synthetic`` column (False for a recorded file that has none).

        Raises
        ------
        ValueError
            If the round has neither.

        Examples
        --------
        >>> cases = load_project().quarter_cases("mps-2018")
        >>> len(cases), bool(cases["synthetic"].all())  # 303 cases published for 2018; the rows are synthetic
        (303, True)
        """
        if round_id in self.cases:
            cases = self.cases[round_id]
            return cases if "synthetic" in cases.columns else cases.assign(synthetic=False)
        if self.synthetic is not None and (self.synthetic["round_id"] == round_id).any():
            return self.synthetic[self.synthetic["round_id"] == round_id].reset_index(drop=True)
        raise ValueError(f"round {round_id!r} has no recorded case-level file (add it with add-quarter) "
                         "and no rows in the synthetic sample")


def integrity_warnings(status: pd.DataFrame) -> tuple[str, ...]:
    """One sentence per recorded file whose checksum no longer matches (``check_manifest`` output).

    Examples
    --------
    >>> status = pd.DataFrame([{"path": "raw/a.csv", "round_id": "a-1", "kind": "cases", "expected": "ab" * 32,
    ...                         "actual": "cd" * 32, "status": "changed"}])
    >>> integrity_warnings(status)[0][:60]
    'data file raw/a.csv (a-1) has changed since it was recorded:'
    """
    what = {"changed": "has changed since it was recorded", "missing": "is missing"}
    return tuple(f"data file {r.path} ({r.round_id}) {what[r.status]}: its SHA-256 no longer matches the manifest "
                 f"(recorded {r.expected[:12]}..., now {r.actual[:12] + '...' if r.actual else 'absent'})"
                 for r in status.itertuples() if r.status != "ok")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _stray_problems(data: Path, manifest: pd.DataFrame) -> list[Problem]:
    """Files in ``raw/`` and ``backups/`` that the manifest does not record, and symlinks that leave the data folder."""
    recorded = set(manifest["path"])
    problems = []
    layout = paths.data_folder(data)
    for folder in (layout.raw, layout.backups):
        if not folder.is_dir():
            continue
        sub = folder.name
        for p in sorted(folder.iterdir()):
            rel = f"{sub}/{p.name}"
            if p.is_symlink() and not _inside(p, data):
                problems.append(Problem(rel, None, None, None, "no symlink out of the data folder: it points outside "
                                        f"{data.name}/ and is not followed. Copy the file in with add-quarter instead"))
            elif p.name.startswith(".") or p.name.lower().startswith("readme") or rel in recorded:
                continue
            elif p.is_file():
                command = f"inspection-analysis add-quarter {shlex.quote(p.name)} --round ROUND_ID --assessor WHO " \
                          "--reference-date YYYY-MM-DD [--mapping MAP.toml]"
                problems.append(Problem(rel, None, None, None, "a file recorded in manifest.csv: an unrecorded file "
                                        f"is never read. Move it out of {sub}/ and register it with: {command}"))
    return problems


def _recover_interrupted(data: Path) -> None:
    """Finish or roll back an interrupted add-quarter before reading, if this process may write."""
    if not (data / STAGING).is_dir():
        return
    if os.access(data, os.W_OK | os.X_OK):
        with data_lock(data, exclusive=True):
            recover(data)
    elif pending_commits(data):
        raise PermissionError(f"an add-quarter in {data} was interrupted after it committed, and this process may "
                              "not write there to finish it: run any inspection-analysis command as a user who may")


def load_project(data: str | os.PathLike | None = None, *, failing=DEFAULT_FAILING,
                 cases: str | os.PathLike | None = None, engine: str = "duckdb") -> ProjectState:
    """Load the data folder: registry, published figures, recorded case-level files, and the combined counts table.

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
        such as ``s3://...`` or a table name) counted instead of the recorded
        case-level files of ``raw/``.
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
        Listing every problem in the registry, the published figures, a
        recorded case-level file or its stored mapping, and every file in
        ``raw/`` or ``backups/`` that the manifest does not record (with the
        ``add-quarter`` command that would register it) or that is a symlink
        out of the data folder.
    PermissionError
        If an interrupted ``add-quarter`` must be finished and this process
        may not write in the data folder.

    Notes
    -----
    An ``add-quarter`` interrupted at any instant is finished or rolled back
    first (:func:`~inspection_analysis.project.transaction.recover`); the
    folder is then read under its shared lock, so a concurrent add is never
    seen half done. A recorded file whose checksum changed is still read, and
    named in ``integrity_warnings``.

    Examples
    --------
    >>> project = load_project()
    >>> project.counts.set_index("round_id").loc["mps-2016", ["n", "failures"]].tolist()
    [374, 278]
    """
    data = paths.data_folder(data).root
    _recover_interrupted(data)
    with data_lock(data, exclusive=False):
        return _read(data, failing, cases, engine)


def _read(data: Path, failing, cases, engine: str) -> ProjectState:
    layout = paths.data_folder(data)
    rounds_file, published_file = layout.rounds, layout.published
    rounds = load_rounds(rounds_file)
    published = load_published(published_file, rounds=rounds)
    counts = to_counts(published, failing=failing, rounds=rounds)
    manifest = read_manifest(data)
    problems = _stray_problems(data, manifest)
    if problems:
        raise AuditDataError(problems)
    status = check_manifest(data, manifest)
    files = [rounds_file, published_file]
    frames: dict[str, pd.DataFrame] = {}
    if cases is None:
        frames = _recorded_cases(data, manifest, status, rounds, files)
        case_counts = (to_counts(pd.concat(frames.values(), ignore_index=True), failing=failing, rounds=rounds)
                       if frames else None)
    elif engine == "pandas":
        case_counts = to_counts(load_cases(cases, rounds=rounds), failing=failing)
    else:
        case_counts = to_counts(cases, failing=failing, rounds=rounds, engine=engine)
    case_rounds: list[str] = []
    if case_counts is not None:
        counts = combine_counts(counts, case_counts)
        case_rounds = sorted(case_counts.loc[case_counts["n"] > 0, "round_id"].astype(str).unique())
    synth_dir = layout.synthetic
    synth_files = sorted(synth_dir.glob("*_case_files_synthetic.csv")) if synth_dir.is_dir() else []
    synthetic = load_cases(synth_files[0], rounds=rounds) if synth_files else None
    files += synth_files[:1]
    return ProjectState(data, rounds, published, counts, synthetic, files, case_rounds, status,
                        integrity_warnings(status), frames)


def _recorded_cases(data: Path, manifest: pd.DataFrame, status: pd.DataFrame, rounds: pd.DataFrame,
                    files: list[Path]) -> dict[str, pd.DataFrame]:
    """The validated frame of each recorded case-level file, by round (each read file is appended to ``files``)."""
    changed = {r.path: [Problem(r.path, None, None, None, "the file as add-quarter recorded it: it has changed since "
                                f"(SHA-256 recorded {r.expected[:12]}..., now {r.actual[:12]}...)")]
               for r in status.itertuples() if r.status == "changed"}
    frames, problems, omitted = {}, [], 0
    for entry in manifest[manifest["kind"] == "cases"].itertuples():
        file = data / entry.path
        if not file.exists():
            continue  # named in integrity_warnings
        try:
            mapping = load_mapping(data / entry.mapping) if entry.mapping else None
            frames[entry.round_id] = load_cases(file, mapping=mapping, rounds=rounds, round_id=entry.round_id)
        except AuditDataError as exc:
            problems += [*changed.get(entry.path, []), *exc.problems]
            omitted += exc.omitted
        files.append(file)
    if problems:
        raise AuditDataError(problems, omitted)
    return frames
