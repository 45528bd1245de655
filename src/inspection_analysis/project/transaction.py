"""Changes to the data folder as one transaction: stage every file, commit with one rename, recover after a crash.

A :class:`Transaction` writes each new file into its own staging folder
``data/.staging/<id>/``, in the same file system as its target. Nothing in the
data folder changes until :meth:`Transaction.commit`, which first writes the
journal (the list of staged files and their targets) and renames it into
place: that rename is the commit point. Each staged file is then moved onto its
target with ``os.replace``, which is atomic.

A process killed at any instant leaves either no journal (the old state: the
staging folder is deleted by :func:`recover`) or a journal (the new state:
:func:`recover` finishes the moves, which are idempotent). Callers run
:func:`recover` under the exclusive data lock before any change.

Files replaced keep their mode and, where the process may set it, their owner,
so that colleagues sharing the folder are not locked out.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import uuid
from pathlib import Path

__all__ = ["STAGING", "Transaction", "recover", "pending_commits", "kill_point"]

#: The staging folder's name inside the data folder.
STAGING = ".staging"
_JOURNAL = "journal.json"
#: Test hook: ``INSPECTION_ANALYSIS_KILL_AT=<step>`` makes the process kill itself with SIGKILL at that step.
_KILL_ENV = "INSPECTION_ANALYSIS_KILL_AT"


def kill_point(step: str) -> None:
    """For the fault tests: SIGKILL this process if ``INSPECTION_ANALYSIS_KILL_AT`` names ``step``."""
    if os.environ.get(_KILL_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_mode_and_owner(staged: Path, target: Path) -> None:
    if not target.exists():
        return
    st = target.stat()
    os.chmod(staged, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (staged.stat().st_uid, staged.stat().st_gid):
        try:
            os.chown(staged, st.st_uid, st.st_gid)
        except PermissionError:
            pass  # only the owner or root may give a file away; the mode is still kept


class Transaction:
    """A set of files to write into the data folder together, or not at all.

    Parameters
    ----------
    folder : str or path-like
        The data folder. The caller holds its exclusive lock
        (:func:`~inspection_analysis.project.lock.data_lock`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> tx = Transaction(folder)
    >>> _ = tx.write_bytes(folder / "a.txt", b"new")
    >>> (folder / "a.txt").exists()
    False
    >>> tx.commit()
    >>> (folder / "a.txt").read_bytes(), (folder / STAGING).exists()
    (b'new', False)
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.dir = self.folder / STAGING / uuid.uuid4().hex
        self.dir.mkdir(parents=True)
        self._moves: list[tuple[str, str]] = []
        self._removals: list[str] = []

    def _staged(self, target: Path, name: str | None) -> Path:
        staged = self.dir / str(len(self._moves)) / (name or target.name)
        staged.parent.mkdir()
        self._moves.append((staged.relative_to(self.dir).as_posix(), target.relative_to(self.folder).as_posix()))
        return staged

    def write_bytes(self, target: Path, content: bytes) -> Path:
        """Stage ``content`` to become ``target``; return the staged file."""
        staged = self._staged(target, None)
        with open(staged, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode_and_owner(staged, target)
        return staged

    def copy_file(self, target: Path, source: Path) -> Path:
        """Stage a byte copy of ``source`` to become ``target``; return the staged file, named as ``source``."""
        staged = self._staged(target, source.name)
        with open(source, "rb") as src, open(staged, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        _keep_mode_and_owner(staged, target)
        return staged

    def remove(self, target: Path) -> None:
        """Delete ``target`` when the transaction commits."""
        self._removals.append(target.relative_to(self.folder).as_posix())

    def abort(self) -> None:
        """Forget every staged file; the data folder is unchanged."""
        shutil.rmtree(self.dir, ignore_errors=True)
        _remove_empty_staging(self.folder)

    def commit(self) -> None:
        """Make every staged change at once (see the module notes)."""
        kill_point("staged")
        journal = self.dir / (_JOURNAL + ".tmp")
        with open(journal, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"moves": self._moves, "removals": self._removals}))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(journal, self.dir / _JOURNAL)
        _fsync_dir(self.dir)
        kill_point("committed")
        _apply(self.folder, self.dir)


def _apply(folder: Path, staged_dir: Path) -> None:
    plan = json.loads((staged_dir / _JOURNAL).read_text(encoding="utf-8"))
    for name, target in plan["moves"]:
        staged = staged_dir / name
        if staged.exists():  # absent: moved before an interruption
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, folder / target)
            kill_point("moved-one")
    for target in plan["removals"]:
        (folder / target).unlink(missing_ok=True)
    for parent in {(folder / t).parent for _, t in plan["moves"]}:
        _fsync_dir(parent)
    kill_point("moved-all")
    shutil.rmtree(staged_dir)
    _remove_empty_staging(folder)


def _remove_empty_staging(folder: Path) -> None:
    try:
        (folder / STAGING).rmdir()
    except OSError:
        pass  # not empty (another transaction's folder) or already gone


def pending_commits(folder: str | os.PathLike) -> list[Path]:
    """Staging folders of committed transactions whose moves did not all finish."""
    staging = Path(folder) / STAGING
    return sorted(d for d in staging.iterdir() if (d / _JOURNAL).exists()) if staging.is_dir() else []


def recover(folder: str | os.PathLike) -> int:
    """Finish every committed transaction and delete every uncommitted one (under the exclusive lock).

    Parameters
    ----------
    folder : str or path-like
        The data folder.

    Returns
    -------
    int
        How many interrupted transactions were finished or rolled back.

    Examples
    --------
    >>> import tempfile
    >>> recover(tempfile.mkdtemp())
    0
    """
    folder = Path(folder)
    staging = folder / STAGING
    if not staging.is_dir():
        return 0
    done = 0
    for d in sorted(p for p in staging.iterdir() if p.is_dir()):
        if (d / _JOURNAL).exists():
            _apply(folder, d)
        else:
            shutil.rmtree(d)
        done += 1
    _remove_empty_staging(folder)
    return done
