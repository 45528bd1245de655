"""pyproject.toml, requirements.lock and environment.yml must list the same packages.

The ``spark`` extra is the exception: pyspark (about 400 MB) is pinned in a lock
of its own, ``requirements-spark.lock``, which only ``make spark-test`` installs,
and is not part of the conda environment.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
# extras locked on their own, outside requirements.lock and environment.yml
SEPARATE_LOCKS = {"spark": "requirements-spark.lock"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower()


def pyproject_packages(extras=None) -> set[str]:
    """The direct dependencies, with those of every extra (or of the extras named)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project["optional-dependencies"]
    reqs = list(project["dependencies"]) if extras is None else []
    for name in optional if extras is None else extras:
        if extras is not None or name not in SEPARATE_LOCKS:
            reqs.extend(optional[name])
    return {_name(r) for r in reqs}


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*==?\s*([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            name = m.group(1).lower()
            pins[CONDA_TO_PYPI.get(name, name)] = m.group(2)
    return pins


def lock_pins(lock: str = "requirements.lock") -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in (ROOT / lock).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if m:
            pins.setdefault(m.group(1).lower(), set()).add(m.group(2))
    return pins


def test_environment_lists_the_same_packages_as_pyproject():
    assert set(environment_pins()) == pyproject_packages()


def test_environment_versions_are_the_locked_versions():
    lock = lock_pins()
    for name, pinned in environment_pins().items():
        assert name in lock, f"{name} is in environment.yml but not in requirements.lock"
        assert pinned in lock[name], f"{name}: environment.yml pins {pinned}, the lock has {sorted(lock[name])}"


def test_every_direct_dependency_is_locked():
    missing = pyproject_packages() - set(lock_pins())
    assert not missing, f"not in requirements.lock: {sorted(missing)} (run: uv pip compile, see README)"


@pytest.mark.parametrize("lock", ["requirements.lock", *SEPARATE_LOCKS.values()])
def test_lock_is_hashed(lock):
    text = (ROOT / lock).read_text()
    assert "--hash=sha256:" in text


@pytest.mark.parametrize(("extra", "lock"), SEPARATE_LOCKS.items())
def test_separate_extras_are_locked_on_their_own(extra, lock):
    packages = pyproject_packages([extra])
    assert packages <= set(lock_pins(lock)), f"{extra}: not in {lock}: {sorted(packages - set(lock_pins(lock)))}"
    assert not packages & set(lock_pins()), f"{extra} must stay out of requirements.lock (make test must not download it)"
    main_pins = lock_pins()
    for name, versions in lock_pins(lock).items():  # a package in both locks has the same pin (-c requirements.lock)
        assert name not in main_pins or versions == main_pins[name], name
