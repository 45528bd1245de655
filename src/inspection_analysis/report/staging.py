"""Outputs that appear whole or not at all: the report writes into a staging folder, then moves it into place.

A report that fails half-way (a figure that cannot be drawn, a full disk)
must not leave some new tables beside old figures, or a ``summary.csv`` with
no ``report.html``. :func:`staged_outputs` gives the report an empty staging
folder inside the output root; when the report's work ends without an error,
every file written there is moved onto its place in the output root
(``os.replace``, atomic per file, on the same file system), and the staging
folder is removed. When it fails, the staging folder is removed and the
output root is left exactly as it was: the outputs of the last complete
report stay, and nothing new appears.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["staged_outputs", "STAGING_PREFIX"]

#: Name prefix of a staging folder (hidden; one per run, named with its process id, so runs never share one).
STAGING_PREFIX = ".report-staging-"
_OWNER = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_abandoned(root: Path) -> None:
    """Remove staging folders left by runs that were killed outright (their process no longer exists)."""
    for path in root.glob(STAGING_PREFIX + "*"):
        owner = _OWNER.match(path.name)
        if path.is_dir() and owner and not _alive(int(owner.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _move_into_place(stage: Path, root: Path) -> None:
    """Move every file under ``stage`` to the same relative path under ``root``, then remove ``stage``."""
    for path in sorted(p for p in stage.rglob("*") if p.is_file() or p.is_symlink()):
        target = root / path.relative_to(stage)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    shutil.rmtree(stage)


@contextmanager
def staged_outputs(root: str | os.PathLike) -> Iterator[Path]:
    """A staging folder for outputs bound for ``root``, moved into place only if the block succeeds.

    Parameters
    ----------
    root : str or path-like
        The output root (holding ``figures/`` and ``reports/``); created if
        missing.

    Yields
    ------
    pathlib.Path
        An empty folder inside ``root``. Write every output under it at the
        path it should have under ``root`` (``stage / "reports" / "x.csv"``
        becomes ``root / "reports" / "x.csv"``).

    Notes
    -----
    Files already in ``root`` that the block did not write are left alone,
    so other outputs (for example notebooks rendered by an earlier run) are
    kept. The move happens only after the whole block has finished; an
    exception of any kind (including ``KeyboardInterrupt``) removes the
    staging folder and is re-raised. A process killed outright (``SIGKILL``)
    leaves its hidden staging folder behind, never a partial set of outputs;
    the next run removes it (the folder's name holds the process id, and a
    folder whose process no longer exists is abandoned). Only the final
    moves, a few renames, are not one atomic step.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_outputs(root) as stage:
    ...     _ = (stage / "reports").mkdir()
    ...     _ = (stage / "reports" / "a.csv").write_text("x\\n")
    >>> sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    ['reports', 'reports/a.csv']
    >>> try:
    ...     with staged_outputs(root) as stage:
    ...         _ = (stage / "b.csv").write_text("half")
    ...         raise RuntimeError("figure failed")
    ... except RuntimeError:
    ...     pass
    >>> sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    ['reports', 'reports/a.csv']
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(root)
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=root))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _move_into_place(stage, root)
