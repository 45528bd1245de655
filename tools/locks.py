"""Rewrite the split locks from pyproject.toml, then environment.yml (what `make locks` runs).

    python tools/locks.py                                # after editing pyproject.toml
    python tools/locks.py --upgrade-package NAME         # also move NAME to its newest allowed version
    python tools/locks.py --print                        # print the uv commands, run nothing

Each lock is made by ``uv pip compile pyproject.toml`` with the groups (extras) it holds, with
hashes of every file, for every platform (``--universal``) and Python 3.11 and later:

- ``requirements-report.lock``: the dependencies and the groups ``notebooks`` and ``build``
  (what ``make report`` installs);
- ``requirements-lab.lock``: the same plus ``lab`` (JupyterLab; ``make lab``);
- ``requirements-test.lock``: the same plus ``dev`` (the test tools; ``make test``);
- ``requirements-NAME.lock`` for every other group ``NAME`` of pyproject.toml (for example
  ``spark``): the test lock plus that group, installed only by its own make target.

Each lock after the first is constrained by the one before it (``-c``), so a package shared by
several locks has the same version in each. uv keeps every pin already in a lock unless asked
to move it. Extra arguments are passed to every ``uv pip compile``. uv runs through
``tools/run_uv.py`` (pip's package indexes). Then ``tools/environment_yml.py`` rewrites
environment.yml from the new locks.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_UV = ROOT / "tools" / "run_uv.py"
PYTHON_VERSION = "3.11"
#: (lock, the groups it holds besides the dependencies), in order: each constrains the next
CHAIN = (
    ("requirements-report.lock", ("notebooks", "build")),
    ("requirements-lab.lock", ("notebooks", "build", "lab")),
    ("requirements-test.lock", ("notebooks", "build", "lab", "dev")),
)


def plan(extras: list[str]) -> list[tuple[str, tuple[str, ...], str | None]]:
    """Every lock to write: (file name, groups, the lock constraining it or ``None``).

    Parameters
    ----------
    extras : list of str
        The optional groups of pyproject.toml, in order.

    Returns
    -------
    list of tuple

    Raises
    ------
    SystemExit
        If pyproject.toml lacks a group that one of the chained locks needs.

    Examples
    --------
    >>> [(name, c) for name, _, c in plan(["notebooks", "lab", "build", "dev", "spark"])][2:]
    [('requirements-test.lock', 'requirements-lab.lock'), ('requirements-spark.lock', 'requirements-test.lock')]
    """
    missing = sorted({g for _, groups in CHAIN for g in groups} - set(extras))
    if missing:
        raise SystemExit(f"pyproject.toml has no optional group {', '.join(missing)}: the locks need it")
    locks, before = [], None
    for name, groups in CHAIN:
        locks.append((name, groups, before))
        before = name
    test_name, test_groups = CHAIN[-1]
    locks += [(f"requirements-{extra}.lock", (*test_groups, extra), test_name)
              for extra in extras if extra not in test_groups]
    return locks


def compile_command(lock: str, groups: tuple[str, ...], constraint: str | None, extra: list[str]) -> list[str]:
    """The ``uv pip compile`` arguments (after ``uv``) that write ``lock``."""
    argv = ["pip", "compile", "pyproject.toml", *(a for g in groups for a in ("--extra", g))]
    if constraint:
        argv += ["-c", constraint]
    return [*argv, "--universal", "--python-version", PYTHON_VERSION, "--generate-hashes", "--quiet", *extra,
            "-o", lock]


def main(argv: list[str]) -> int:
    dry = "--print" in argv
    extra = [a for a in argv if a != "--print"]
    extras = list(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
                  .get("optional-dependencies", {}))
    for lock, groups, constraint in plan(extras):
        command = [sys.executable, str(RUN_UV), *compile_command(lock, groups, constraint, extra)]
        if dry:
            print(" ".join(command[1:]))
            continue
        print(f"writing {lock}", flush=True)
        subprocess.run(command, cwd=ROOT, check=True)
    if not dry:
        subprocess.run([sys.executable, str(ROOT / "tools" / "environment_yml.py")], cwd=ROOT, check=True)
        print("wrote environment.yml; commit the locks and environment.yml with pyproject.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
