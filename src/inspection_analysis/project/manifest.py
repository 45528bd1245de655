"""The manifest of recorded files (``data/manifest.csv``): path, SHA-256, round, kind, mapping and time recorded.

Only a file the manifest records is ever read from ``data/raw/``: a case-level
file (kind ``cases``) with the column mapping it was added with (kind
``mapping``, stored beside it), and the copies that ``add-quarter --replace``
keeps (kind ``backup``). Each is checked against its SHA-256 when the project
is loaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

from inspection_analysis import paths

__all__ = ["MANIFEST_COLUMNS", "MANIFEST_KINDS", "sha256_file", "manifest_path", "read_manifest", "check_manifest",
           "manifest_csv"]


MANIFEST_COLUMNS = ("path", "sha256", "round_id", "kind", "mapping", "recorded_at")
#: What a manifest entry records: a case-level file, the column mapping it was added with, or a replaced file kept.
MANIFEST_KINDS = ("cases", "mapping", "backup")


def sha256_file(path: str | os.PathLike) -> str:
    """The SHA-256 checksum of a file, as 64 lower-case hex digits.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]  # FIPS 180-2, appendix B.1: SHA-256("abc")
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(data: str | os.PathLike | None = None) -> Path:
    """The checksum manifest ``manifest.csv`` in a data folder (default the project's ``data/``).

    Examples
    --------
    >>> manifest_path().name
    'manifest.csv'
    """
    return paths.data_folder(data).manifest


def read_manifest(data: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read the checksum manifest (an empty frame if there is none yet).

    Parameters
    ----------
    data : str or path-like, optional
        The data folder (default the project's ``data/``).

    Returns
    -------
    pandas.DataFrame
        Columns ``path`` (relative to the data folder, ``/``-separated),
        ``sha256``, ``round_id``, ``kind`` (one of ``MANIFEST_KINDS``),
        ``mapping`` (for a case-level file, the path of its stored column
        mapping, or empty), ``recorded_at`` (ISO UTC time), all text. A
        manifest written before ``kind`` and ``mapping`` existed reads as
        case-level files (backups under ``backups/``) with no mapping.

    Raises
    ------
    ValueError
        If the manifest lacks one of the columns ``path``, ``sha256``,
        ``round_id``, ``recorded_at``, or names an unknown kind.

    Examples
    --------
    >>> list(read_manifest().columns)
    ['path', 'sha256', 'round_id', 'kind', 'mapping', 'recorded_at']
    """
    path = manifest_path(data)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in MANIFEST_COLUMNS})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "kind" not in frame.columns:
        frame["kind"] = frame["path"].map(lambda p: "backup" if p.startswith("backups/") else "cases")
    if "mapping" not in frame.columns:
        frame["mapping"] = ""
    missing = [c for c in MANIFEST_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"manifest {path} lacks column(s) {missing}")
    unknown = sorted(set(frame["kind"]) - set(MANIFEST_KINDS))
    if unknown:
        raise ValueError(f"manifest {path}: unknown kind(s) {unknown}; expected one of {list(MANIFEST_KINDS)}")
    return frame.loc[:, list(MANIFEST_COLUMNS)]


def manifest_csv(manifest: pd.DataFrame) -> bytes:
    """The manifest as the bytes of ``manifest.csv``: the columns in order, rows sorted by path, ``\\n`` line ends.

    Examples
    --------
    >>> m = pd.DataFrame([{"path": "raw/a.csv", "sha256": "0" * 64, "round_id": "a-1", "kind": "cases",
    ...                    "mapping": "", "recorded_at": "2026-01-01T00:00:00+00:00"}])
    >>> manifest_csv(m).decode().splitlines()[0]
    'path,sha256,round_id,kind,mapping,recorded_at'
    """
    rows = manifest.loc[:, list(MANIFEST_COLUMNS)].sort_values("path", kind="stable")
    return rows.to_csv(index=False, lineterminator="\n").encode("utf-8")


def check_manifest(data: str | os.PathLike | None = None, manifest: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare every file recorded in the manifest with its checksum now.

    Parameters
    ----------
    data : str or path-like, optional
        The data folder (default the project's ``data/``).
    manifest : pandas.DataFrame, optional
        The folder's manifest as :func:`read_manifest` returned it, when the
        caller has read it already; by default it is read here.

    Returns
    -------
    pandas.DataFrame
        One row per manifest entry: ``path``, ``round_id``, ``kind``,
        ``expected`` (recorded SHA-256), ``actual`` (now; empty if the file
        is gone) and ``status``: ``"ok"``, ``"changed"`` or ``"missing"``.

    Raises
    ------
    ValueError
        If the manifest is malformed (see :func:`read_manifest`).

    Examples
    --------
    >>> list(check_manifest().columns)
    ['path', 'round_id', 'kind', 'expected', 'actual', 'status']
    """
    folder = paths.data_folder(data).root
    if manifest is None:
        manifest = read_manifest(folder)
    rows = []
    for entry in manifest.itertuples(index=False):
        file = folder / entry.path
        actual = sha256_file(file) if file.exists() else ""
        status = "missing" if not actual else ("ok" if actual == entry.sha256 else "changed")
        rows.append({"path": entry.path, "round_id": entry.round_id, "kind": entry.kind, "expected": entry.sha256,
                     "actual": actual, "status": status})
    return pd.DataFrame(rows, columns=["path", "round_id", "kind", "expected", "actual", "status"])
