"""Adding a quarter safely: validate, register, copy atomically, record a SHA-256.

A new quarter's case-level file enters the project through one function,
:func:`add_quarter` (the ``inspection-analysis add-quarter`` command). It
validates the file before anything is written, registers the round in
``data/rounds.csv``, copies the file into ``data/raw/`` atomically and records
its SHA-256 checksum in ``data/manifest.csv``. :func:`~inspection_analysis.project.manifest.check_manifest` later
tells whether any recorded file has changed since.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.io import load_cases, load_rounds
from inspection_analysis.project.manifest import (
    MANIFEST_COLUMNS,
    manifest_path,
    read_manifest,
    sha256_file,
)

__all__ = ["AddedQuarter", "add_quarter"]


@dataclass(frozen=True)
class AddedQuarter:
    """What :func:`add_quarter` did.

    Attributes
    ----------
    round_id : str
        The round registered.
    path : pathlib.Path
        The copy in ``data/raw/``.
    sha256 : str
        Its checksum, as recorded in the manifest.
    n_cases : int
        Case files in it.
    backup : pathlib.Path or None
        Where the replaced file was kept (``replace=True`` only).
    """

    round_id: str
    path: Path
    sha256: str
    n_cases: int
    backup: Path | None = None


def _atomic_write(target: Path, write) -> None:
    """Write through a temporary file in the same folder, then ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_bytes(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _registry_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _new_registry(root, round_id, replace, fields) -> tuple[bytes, pd.DataFrame]:
    """The registry with the round added or updated, as CSV bytes and validated frame."""

    header, rows = _registry_rows(paths.rounds_path(root))
    existing = [r for r in rows if r["round_id"] == round_id]
    if existing and not replace:
        raise ValueError(f"round {round_id!r} is already registered; use replace=True (--replace) to replace it")
    # the force is the longest registered force code that prefixes the round id (west-yorkshire-2026-q1)
    known = sorted({r["force"] for r in rows if round_id.startswith(r["force"] + "-")}, key=len)
    force = known[-1] if known else round_id.split("-")[0]
    same_force = [r for r in rows if r["force"] == force]
    row = dict(existing[0]) if existing else {c: "" for c in header} | {
        "round_id": round_id, "force": force, "force_name": same_force[0]["force_name"] if same_force else force,
        "label": round_id, "period": "", "assessor": "inspectorate", "scale": "3-point", "role": "audit",
        "reference_date": datetime.now(UTC).date().isoformat(), "sample": "case-level file added with add-quarter",
        "notes": "added with inspection-analysis add-quarter"}
    row.update({k: v for k, v in fields.items() if v is not None})
    rows = [row if r["round_id"] == round_id else r for r in rows] if existing else [*rows, row]
    content = _csv_bytes(header, rows)
    with tempfile.TemporaryDirectory() as tmp:
        check = Path(tmp) / "rounds.csv"
        check.write_bytes(content)
        registry = load_rounds(check)
    return content, registry


def add_quarter(
    file: str | os.PathLike,
    round_id: str,
    *,
    label: str | None = None,
    assessor: str | None = None,
    period: str | None = None,
    scale: str | None = None,
    reference_date: str | None = None,
    mapping: str | os.PathLike | None = None,
    replace: bool = False,
    root: str | os.PathLike | None = None,
) -> AddedQuarter:
    """Validate a quarter's case-level file and add it to the project.

    Parameters
    ----------
    file : str or path-like
        The case-level file (CSV, XLSX, XLS, ODS or Parquet); every row's
        ``round_id`` must be ``round_id``.
    round_id : str
        The round, lower-case words joined by ``-`` (e.g. ``"mps-2019-q1"``);
        the force code is the part before the first ``-``.
    label, assessor, period, scale, reference_date : str, optional
        Registry fields (see ``docs/architecture.md``). For a new round the
        defaults are: label = ``round_id``, assessor ``"inspectorate"``,
        scale ``"3-point"``, reference date today (UTC). With ``replace=True``
        fields not given keep their registered values.
    mapping : str or path-like, optional
        A TOML column mapping for the file's headings and spellings.
    replace : bool, default False
        Replace a round already registered; its old file in ``data/raw/`` is
        kept in ``data/backups/`` with a UTC timestamp in its name.
    root : str or path-like, optional
        The project root (default: see :func:`inspection_analysis.paths.project_root`).

    Returns
    -------
    AddedQuarter

    Raises
    ------
    AuditDataError
        If the file or the new registry row fails validation. Nothing is written.
    ValueError
        If the round is already registered and ``replace`` is false, or the file
        holds rows of other rounds. Nothing is written.
    FileNotFoundError
        If ``file`` does not exist.

    Notes
    -----
    Order of work: validate the registry row and the file (against the
    registry with the new round), then copy the file into ``data/raw/`` (a
    temporary file in the same folder, then ``os.replace``, which is atomic on
    POSIX and Windows), then replace the registry and the manifest the same
    way. The SHA-256 recorded lets :func:`~inspection_analysis.project.manifest.check_manifest` detect later edits.

    Examples
    --------
    >>> import tempfile, shutil, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir()
    >>> _ = shutil.copy(paths.rounds_path(), root / "data" / "rounds.csv")
    >>> f = root / "q.csv"
    >>> _ = f.write_text("round_id,case_id,grade\\nmps-2019-q1,A1,good\\nmps-2019-q1,A2,inadequate\\n")
    >>> added = add_quarter(f, "mps-2019-q1", label="2019 Q1", root=root)
    >>> added.n_cases, added.path.name
    (2, 'mps-2019-q1.csv')
    """

    source = Path(file)
    if not source.is_file():
        raise FileNotFoundError(f"case file not found: {source}")
    fields = {"label": label, "assessor": assessor, "period": period, "scale": scale,
              "reference_date": reference_date}
    registry_bytes, registry = _new_registry(root, round_id, replace, fields)
    cases = load_cases(source, mapping=mapping, rounds=registry)
    others = sorted(set(cases["round_id"].astype(str)) - {round_id})
    if others:
        raise ValueError(f"{source.name} holds rows of round(s) {others}, not only {round_id!r}")

    folder = paths.data_dir(root)
    raw = paths.raw_dir(root)
    raw.mkdir(parents=True, exist_ok=True)
    target = raw / f"{round_id}{source.suffix.lower()}"
    old = sorted(p for p in raw.iterdir() if p.is_file() and p.stem == round_id)
    if old and not replace:
        raise ValueError(f"{old[0].name} already exists in data/raw; use replace=True (--replace) to replace it")
    backup = None
    manifest = read_manifest(folder)
    if old:
        backups = paths.data_dir(root) / "backups"
        backups.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = backups / f"{old[0].stem}.{stamp}{old[0].suffix}"
        shutil.copy2(old[0], backup)
        manifest = pd.concat([manifest, _entry(folder, backup, round_id)], ignore_index=True)
    with open(source, "rb") as fh:
        content = fh.read()
    _atomic_write(target, lambda out: out.write(content))
    for stale in old:
        if stale != target:
            stale.unlink()
    _atomic_write(paths.rounds_path(root), lambda out: out.write(registry_bytes))
    relative = {p.relative_to(folder).as_posix() for p in old}
    entry = _entry(folder, target, round_id)
    manifest = pd.concat([manifest[~manifest["path"].isin(relative | set(entry["path"]))], entry], ignore_index=True)
    rows = manifest.sort_values("path", kind="stable").to_dict("records")
    _atomic_write(manifest_path(folder), lambda out: out.write(_csv_bytes(MANIFEST_COLUMNS, rows)))
    return AddedQuarter(round_id, target, entry["sha256"].iloc[0], len(cases), backup)


def _entry(folder: Path, file: Path, round_id: str) -> pd.DataFrame:
    return pd.DataFrame([{"path": file.relative_to(folder).as_posix(), "sha256": sha256_file(file),
                          "round_id": round_id, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}])
