"""pyproject.toml, requirements.lock and environment.yml must list the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower()


def pyproject_packages() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    return {_name(r) for r in reqs}


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*==?\s*([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            name = m.group(1).lower()
            pins[CONDA_TO_PYPI.get(name, name)] = m.group(2)
    return pins


def lock_pins() -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
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


def test_lock_is_hashed():
    text = (ROOT / "requirements.lock").read_text()
    assert "--hash=sha256:" in text
