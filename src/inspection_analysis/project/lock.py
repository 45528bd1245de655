"""A lock on the data folder: one writer at a time, readers never see a half-written change.

``add-quarter`` holds the lock exclusively while it stages and commits a
quarter; :func:`~inspection_analysis.project.state.load_project` holds it
shared while it reads. Concurrent adds therefore queue, and a second add that
waits longer than ``timeout`` seconds fails with a clear message instead of
losing a registration.

The lock is an advisory ``flock`` on ``data/.inspection-analysis.lock``
(POSIX). Where ``fcntl`` does not exist (Windows) ``msvcrt.locking`` is used,
which knows only exclusive locks, so readers then queue behind each other too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_NAME", "LockTimeout", "data_lock"]

#: The lock file's name inside the data folder.
LOCK_NAME = ".inspection-analysis.lock"

try:  # POSIX
    import fcntl

    def _try_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int, exclusive: bool) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


class LockTimeout(TimeoutError):
    """Another process held the data folder's lock for longer than the timeout."""


@contextmanager
def data_lock(folder: str | os.PathLike, *, exclusive: bool, timeout: float = 120.0) -> Iterator[bool]:
    """Hold the data folder's lock for the ``with`` block.

    Parameters
    ----------
    folder : str or path-like
        The data folder.
    exclusive : bool
        True for a writer (``add-quarter``), False for a reader.
    timeout : float, default 120
        Seconds to wait for another holder before giving up.

    Yields
    ------
    bool
        True if the lock is held; False for a reader of a folder it cannot
        write in which no lock file exists yet (nobody has ever written
        there through this package, so there is nothing to wait for).

    Raises
    ------
    LockTimeout
        If the lock could not be taken within ``timeout`` seconds.
    PermissionError
        For a writer that may not create the lock file.

    Examples
    --------
    >>> import tempfile
    >>> with data_lock(tempfile.mkdtemp(), exclusive=True) as held:
    ...     held
    True
    """
    path = Path(folder) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        if exclusive:
            raise
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            yield False
            return
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd, exclusive):
            if time.monotonic() > deadline:
                raise LockTimeout(f"another inspection-analysis process has held {path} for over {timeout:.0f} s; "
                                  "wait for it to finish, then run the command again")
            time.sleep(0.05)
        try:
            yield True
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
