"""Adding a quarter as one transaction: lock, stage and validate, then commit the file, its mapping, the registry and the manifest.

A new quarter's case-level file enters the project through one function,
:func:`add_quarter` (the ``inspection-analysis add-quarter`` command). Under
the data folder's exclusive lock it finishes or rolls back any interrupted
earlier add, stages a byte copy of the file, the column mapping, the new
``rounds.csv`` and the new ``manifest.csv``, validates the staged copy against
the staged registry, and commits everything at once
(:class:`~inspection_analysis.project.transaction.Transaction`). An
interruption at any instant leaves the old state or the new one; concurrent
adds queue on the lock.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_cases, load_mapping, load_rounds
from inspection_analysis.io.mapping import given_mapping, mapping_text_with_sheet
from inspection_analysis.project.lock import data_lock
from inspection_analysis.project.manifest import manifest_csv, manifest_path, read_manifest, sha256_file
from inspection_analysis.project.transaction import Transaction, kill_point, recover

__all__ = ["AddedQuarter", "add_quarter", "check_writable"]

#: The registry column each add-quarter option sets, for blaming a bad value on the option the user typed.
_OPTIONS = {"round_id": "--round", "label": "--label", "assessor": "--assessor", "period": "--period",
            "scale": "--scale", "reference_date": "--reference-date", "force": "--round (its force code)",
            "force_name": "--force-name"}


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
    mapping : pathlib.Path or None
        The stored copy of the column mapping, beside the data.
    backup : pathlib.Path or None
        Where the replaced file was kept (``replace=True`` only).
    already : bool
        True when this very add had already been made (the same file, mapping
        and fields), so nothing was written.
    """

    round_id: str
    path: Path
    sha256: str
    n_cases: int
    mapping: Path | None = None
    backup: Path | None = None
    already: bool = False


def check_writable(folder: Path) -> None:
    """Raise one clear :class:`PermissionError` if this process may not write in ``folder`` and ``folder/raw``."""
    layout = paths.data_folder(folder)
    for d in (folder, layout.raw):
        if d.exists() and not os.access(d, os.W_OK | os.X_OK):
            raise PermissionError(f"cannot write in {d}: permission denied. Nothing was written; ask for write "
                                  "access to the data folder, or work in a copy of it (--root)")
    for f in (layout.rounds, layout.manifest):
        if f.exists() and not os.access(f, os.W_OK):
            raise PermissionError(f"cannot write {f}: permission denied. Nothing was written")


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


def _force_of(round_id: str, rows: list[dict], force_name: str | None) -> tuple[str, str]:
    """The force code and name of a new round: the longest registered force code that prefixes the id."""
    known = sorted({r["force"] for r in rows if round_id.startswith(r["force"] + "-")}, key=len)
    if known:
        name = next(r["force_name"] for r in rows if r["force"] == known[-1])
        return known[-1], force_name or name
    code = round_id.rsplit("-", 1)[0] if "-" in round_id else round_id
    if not force_name:
        forces = ", ".join(sorted({r["force"] for r in rows}))
        raise ValueError(f"--round {round_id!r}: no registered force code starts it (registered: {forces}). "
                         f"Check the round id, or add a new force {code!r} by naming it with --force-name")
    return code, force_name


def _new_registry(rows: list[dict], header: list[str], round_id: str, replace_round: bool, fields: dict,
                  force_name: str | None) -> tuple[list[dict], int]:
    """The registry rows with the round added (or updated), and the new row's spreadsheet row number."""
    existing = [i for i, r in enumerate(rows) if r["round_id"] == round_id]
    if existing and not replace_round:
        raise ValueError(f"round {round_id!r} is already registered; add it again with --replace to replace its "
                         "file (the old one is kept in data/backups/)")
    if existing:
        row = dict(rows[existing[0]])
    else:
        why = {"assessor": "--assessor (who graded the files: inspectorate, force_audit or force_self_assessment)",
               "reference_date": "--reference-date (YYYY-MM-DD, the date the round refers to, which places it in time)"}
        missing = [text for k, text in why.items() if fields.get(k) is None]
        if missing:
            raise ValueError(f"a new round needs {' and '.join(missing)}")
        force, name = _force_of(round_id, rows, force_name)
        row = {c: "" for c in header} | {
            "round_id": round_id, "force": force, "force_name": name, "label": round_id, "scale": "3-point",
            "role": "audit", "sample": "case-level file added with add-quarter",
            "notes": "added with inspection-analysis add-quarter"}
    row.update({k: v for k, v in fields.items() if v is not None})
    if existing:
        rows = [row if i == existing[0] else r for i, r in enumerate(rows)]
        return rows, existing[0] + 2
    return [*rows, row], len(rows) + 2


def _blame_options(exc: AuditDataError, row: int) -> AuditDataError:
    """Problems on the new registry row, said of the add-quarter option that set the value."""
    blamed = [replace(p, file=_OPTIONS.get(p.column, p.column), row=None, column=None)
              if p.row == row and p.column in _OPTIONS else p for p in exc.problems]
    return AuditDataError(blamed, exc.omitted)


def add_quarter(
    file: str | os.PathLike,
    round_id: str,
    *,
    label: str | None = None,
    assessor: str | None = None,
    period: str | None = None,
    scale: str | None = None,
    reference_date: str | None = None,
    force_name: str | None = None,
    mapping: str | os.PathLike | None = None,
    sheet: str | None = None,
    replace: bool = False,
    root: str | os.PathLike | None = None,
) -> AddedQuarter:
    """Validate a quarter's case-level file and add it to the project, as one transaction.

    Parameters
    ----------
    file : str or path-like
        The case-level file (CSV, XLSX, XLS, ODS or Parquet), as the audit
        team saved it: it is never edited. With no round column every row is
        read as ``round_id``; with one, every row must be ``round_id``.
    round_id : str
        The round, lower-case words joined by ``-`` (e.g. ``"mps-2026-q1"``).
        Its force is the longest registered force code that starts it; a new
        force needs ``force_name``.
    label, assessor, period, scale, reference_date : str, optional
        Registry fields (see ``data/README.md``). A new round needs
        ``assessor`` (who graded it) and ``reference_date`` (``YYYY-MM-DD``,
        which places it in time); the label defaults to ``round_id`` and the
        scale to ``"3-point"``. With ``replace=True`` fields not given keep
        their registered values.
    force_name : str, optional
        The name of a force not yet in the registry (e.g. ``"Kent Police"``).
    mapping : str or path-like, optional
        A TOML column mapping for the file's headings and spellings (the
        format of ``data/mappings/example_mapping.toml``). A copy is stored
        beside the data as ``raw/<round_id>.mapping.toml`` and recorded in the
        manifest, so every later load reads the file with it.
    sheet : str, optional
        The workbook sheet holding the cases (``--sheet``), overriding the
        mapping's own ``sheet`` line; it is written into the stored mapping
        (which is then made even without ``mapping``).
    replace : bool, default False
        Replace a round already registered; its old file is kept in
        ``data/backups/`` with a UTC timestamp in its name.
    root : str or path-like, optional
        The project root (default: see :func:`inspection_analysis.paths.project_root`).

    Returns
    -------
    AddedQuarter

    Raises
    ------
    AuditDataError
        If the file, the mapping or the new registry row fails validation
        (a bad option value is blamed on the option). Nothing is written.
    ValueError
        If the round is already registered with another file, mapping or
        fields and ``replace`` is false (the same add made again succeeds,
        with ``already`` true, and writes nothing), a new
        round lacks ``assessor`` or ``reference_date``, or its force is
        unknown and ``force_name`` is not given. Nothing is written.
    PermissionError
        If the data folder may not be written. Nothing is written.
    FileNotFoundError
        If ``file`` does not exist.
    inspection_analysis.project.lock.LockTimeout
        If another add held the data folder's lock for too long.

    Notes
    -----
    The staged copy of the file, not the original, is validated and
    checksummed, so the bytes recorded are the bytes checked. See
    :mod:`inspection_analysis.project.transaction` for why an interruption
    at any instant leaves a consistent folder, and ``tests/project/`` for the
    fault tests (concurrent adds, a SIGKILL at each step, a read-only folder).

    Examples
    --------
    >>> import tempfile, shutil, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir()
    >>> _ = shutil.copy(paths.rounds_path(), root / "data" / "rounds.csv")
    >>> f = root / "q.csv"
    >>> _ = f.write_text("case_id,grade\\nA1,good\\nA2,inadequate\\n")
    >>> added = add_quarter(f, "mps-2019-q1", label="2019 Q1", assessor="force_audit",
    ...                     reference_date="2019-03-31", root=root)
    >>> added.n_cases, added.path.name
    (2, 'mps-2019-q1.csv')
    """
    source = Path(file)
    if not source.is_file():
        raise FileNotFoundError(f"case file not found: {source}")
    folder = paths.data_dir(root)
    check_writable(folder)
    fields = {"label": label, "assessor": assessor, "period": period, "scale": scale,
              "reference_date": reference_date}
    with data_lock(folder, exclusive=True):
        recover(folder)
        kill_point("locked")
        header, rows = _registry_rows(paths.data_folder(folder).rounds)
        map_bytes = _mapping_bytes(mapping, sheet)
        done = None if replace else _already_added(folder, rows, round_id, source, map_bytes, fields)
        if done is not None:
            return done
        rows, new_row = _new_registry(rows, header, round_id, replace, fields, force_name)
        tx = Transaction(folder)
        try:
            added = _stage(tx, folder, source, round_id, header, rows, new_row, given_mapping(mapping, sheet), map_bytes,
                           replace)
        except BaseException:
            tx.abort()
            raise
        tx.commit()
    return added


def _mapping_bytes(mapping, sheet: str | None) -> bytes | None:
    """The bytes of the mapping to store: the file as given, with ``sheet`` written in when given."""
    if sheet is None:
        return Path(mapping).read_bytes() if mapping is not None else None
    text = Path(mapping).read_bytes().decode("utf-8") if mapping is not None else ""
    return mapping_text_with_sheet(text, sheet).encode("utf-8")


def _already_added(folder: Path, rows: list[dict], round_id: str, source: Path, map_bytes: bytes | None,
                   fields: dict):
    """The round as recorded, if this very add already happened (same file, mapping and fields); else None.

    So the same command run again, after an interruption or by mistake, succeeds without ``--replace``.
    """
    row = next((r for r in rows if r["round_id"] == round_id), None)
    manifest = read_manifest(folder).set_index("path")
    mine = manifest[(manifest["round_id"] == round_id) & (manifest["kind"] == "cases")]
    if row is None or len(mine) != 1 or any(v is not None and row.get(k) != v for k, v in fields.items()):
        return None
    path, entry = folder / mine.index[0], mine.iloc[0]
    stored_map = folder / entry["mapping"] if entry["mapping"] else None
    same_map = (stored_map is None) == (map_bytes is None) and (
        map_bytes is None or hashlib.sha256(map_bytes).hexdigest() == manifest.loc[entry["mapping"], "sha256"])
    if not (same_map and path.suffix == source.suffix.lower() and sha256_file(source) == entry["sha256"]):
        return None
    n = len(load_cases(path, mapping=load_mapping(stored_map) if stored_map else None,
                       rounds=load_rounds(paths.data_folder(folder).rounds), round_id=round_id))
    return AddedQuarter(round_id, path, entry["sha256"], n, stored_map, None, already=True)


def _stage(tx: Transaction, folder: Path, source: Path, round_id: str, header, rows, new_row: int,
           column_map, map_bytes: bytes | None, replace_round: bool) -> AddedQuarter:
    """Stage the file, mapping, registry and manifest, validating the staged copies; nothing is committed here."""
    layout = paths.data_folder(folder)
    staged_registry = tx.write_bytes(layout.rounds, _csv_bytes(header, rows))
    try:
        registry = load_rounds(staged_registry)
    except AuditDataError as exc:
        raise _blame_options(exc, new_row) from None
    raw = layout.raw
    target = raw / f"{round_id}{source.suffix.lower()}"
    stored_map = raw / f"{round_id}.mapping.toml" if map_bytes is not None else None
    manifest = read_manifest(folder)
    mine = manifest[(manifest["round_id"] == round_id) & (manifest["kind"] != "backup")]
    old = [folder / p for p in mine["path"]]
    if target.exists() and target not in old:
        raise ValueError(f"{target.name} is in data/raw but not recorded in the manifest; move it out of data/raw "
                         "(it is never read while unrecorded), then run add-quarter again")
    if old and not replace_round:
        raise ValueError(f"round {round_id!r} already has a recorded file ({mine['path'].iloc[0]}); "
                         "add again with --replace to replace it")
    staged = tx.copy_file(target, source)
    kill_point("copied")
    cases = load_cases(staged, mapping=column_map, rounds=registry, round_id=round_id)
    now = datetime.now(UTC)
    entries, backup = [], None
    for entry in mine.itertuples():
        old_file = folder / entry.path
        if entry.kind == "cases" and old_file.exists():
            backup = layout.backups / f"{old_file.stem}.{now.strftime('%Y%m%dT%H%M%S%fZ')}{old_file.suffix}"
            tx.copy_file(backup, old_file)
            entries.append(_entry(backup, folder, sha256_file(old_file), round_id, "backup", "", now))
        if old_file not in (target, stored_map):
            tx.remove(old_file)
    if stored_map is not None:
        staged_map = tx.write_bytes(stored_map, map_bytes)
        entries.append(_entry(stored_map, folder, sha256_file(staged_map), round_id, "mapping", "", now))
    digest = sha256_file(staged)
    entries.append(_entry(target, folder, digest, round_id, "cases",
                          stored_map.relative_to(folder).as_posix() if stored_map else "", now))
    kept = manifest[~manifest["path"].isin([p.relative_to(folder).as_posix() for p in old])]
    tx.write_bytes(manifest_path(folder), manifest_csv(pd.concat([kept, pd.DataFrame(entries)], ignore_index=True)))
    return AddedQuarter(round_id, target, digest, len(cases), stored_map, backup)


def _entry(file: Path, folder: Path, digest: str, round_id: str, kind: str, mapping: str, when: datetime) -> dict:
    return {"path": file.relative_to(folder).as_posix(), "sha256": digest, "round_id": round_id, "kind": kind,
            "mapping": mapping, "recorded_at": when.isoformat(timespec="seconds")}
