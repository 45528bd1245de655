"""Write environment.yml from pyproject.toml and the locks.

    python tools/environment_yml.py          # rewrite environment.yml (run by `make locks`)
    python tools/environment_yml.py --check  # exit 1 if environment.yml is out of date

environment.yml lists, for conda users, every package that pyproject.toml names
(its dependencies, then each optional group in order) at the version pinned in
the ``requirements-*.lock`` files. conda-forge names that differ from the PyPI
ones are in ``CONDA_NAMES``; packages that conda-forge does not carry are in
``PIP_ONLY`` and go under ``pip:``. tests/test_environment.py checks the result.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = ROOT / "environment.yml"
#: the lock of uv itself (installed with pip before anything else); not a project dependency
UV_LOCK = "requirements-uv.lock"
#: PyPI name -> conda-forge name, where they differ
CONDA_NAMES = {"duckdb": "python-duckdb"}
#: installed from PyPI by conda's pip: not on conda-forge (playwright's browsers are not used here), or
#: not known to be there (the Analysis Function's own packages)
PIP_ONLY = {"playwright", "afcharts", "gptables"}
PYTHON = "3.11"

HEADER = """\
# Conda environment for inspection-analysis (conda-forge). Lists the same packages as
# pyproject.toml at the versions pinned in the requirements-*.lock files for Python {python}.
# Written by `make locks` (tools/environment_yml.py): do not edit by hand;
# tests/test_environment.py fails if pyproject.toml, the locks and this file drift apart.
#   conda env create -f environment.yml && conda activate inspection-analysis
#   pip install --no-deps -e .
name: inspection-analysis
channels:
  - conda-forge
dependencies:
  - python={python}
"""


def normalize(name: str) -> str:
    """A package name in its PEP 503 normal form (lower case, runs of ``-_.`` as one ``-``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The normalized package name of a requirement string such as ``"numpy>=2.0"``."""
    return normalize(re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0])


def pyproject_groups(path: Path = ROOT / "pyproject.toml") -> dict[str, list[str]]:
    """Package names by group: ``"core"`` (the dependencies), then each optional group in order."""
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    groups = {"core": [requirement_name(r) for r in project["dependencies"]]}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        groups[extra] = [requirement_name(r) for r in requirements]
    return groups


def lock_files(root: Path = ROOT) -> list[Path]:
    """The project's locks (``requirements-*.lock``), uv's own lock left out."""
    return sorted(p for p in root.glob("requirements-*.lock") if p.name != UV_LOCK)


def lock_pins(path: Path) -> dict[str, list[str]]:
    """Versions pinned in one lock, by normalized package name, in file order."""
    pins: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if m:
            pins.setdefault(normalize(m.group(1)), []).append(m.group(2))
    return pins


def locked_version(name: str, locks: list[Path] | None = None) -> str:
    """The version the locks pin ``name`` at (the first pin found).

    Raises
    ------
    KeyError
        If no lock pins ``name``.
    """
    for path in lock_files() if locks is None else locks:
        versions = lock_pins(path).get(name)
        if versions:
            return versions[0]
    raise KeyError(f"{name} is in pyproject.toml but in no requirements-*.lock: run `make locks`")


def render() -> str:
    """The text of environment.yml for the current pyproject.toml and locks."""
    locks = lock_files()
    lines = [HEADER.format(python=PYTHON)]
    pip_lines = []
    for group, names in pyproject_groups().items():
        conda = [n for n in names if n not in PIP_ONLY]
        pip_lines += [f"      - {n}=={locked_version(n, locks)}" for n in names if n in PIP_ONLY]
        if conda:
            lines.append(f"  # {group}\n")
            lines += [f"  - {CONDA_NAMES.get(n, n)}={locked_version(n, locks)}\n" for n in conda]
    lines.append("  - pip\n")
    if pip_lines:
        lines.append("  - pip:\n" + "".join(f"{line}\n" for line in pip_lines))
    return "".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if argv[:1] == ["--check"]:
        if ENVIRONMENT.read_text(encoding="utf-8") != text:
            print("environment.yml is out of date: run `make locks` (or python tools/environment_yml.py)")
            return 1
        return 0
    ENVIRONMENT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
