"""pyproject.toml, the requirements-*.lock files and environment.yml must not drift apart.

The locks: requirements-uv.lock (uv itself, installed with pip), requirements-report.lock (what
the report and the notebooks need), requirements-lab.lock (the same plus JupyterLab),
requirements-test.lock (the same as lab plus the test tools, group ``dev``), and one
``requirements-NAME.lock`` for each other group of pyproject.toml. Each lock records in its header
the ``uv pip compile`` command that made it, which must be the one ``make locks``
(tools/locks.py) runs; the ``--extra`` options of that command say which of pyproject.toml's
groups it must hold.
"""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool("environment_yml")
locks_tool = _load_tool("locks")
LOCKS = tool.lock_files()
LOCK_IDS = [p.name for p in LOCKS]
PYPI_NAMES = {conda: pypi for pypi, conda in tool.CONDA_NAMES.items()}


def pyproject_packages() -> set[str]:
    return {name for names in tool.pyproject_groups().values() for name in names}


def environment_pins() -> dict[str, str]:
    """Package -> version as environment.yml pins it (conda ``name=v`` and pip ``name==v`` lines)."""
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*==?\s*([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            name = tool.normalize(m.group(1))
            pins[PYPI_NAMES.get(name, name)] = m.group(2)
    return pins


def compiled_extras(lock: Path) -> list[str]:
    """The ``--extra`` groups of the ``uv pip compile`` command in the lock's header."""
    header = "\n".join(line for line in lock.read_text().splitlines()[:3] if line.startswith("#"))
    assert "uv pip compile pyproject.toml" in header, f"{lock.name}: no `uv pip compile` command in its header"
    return re.findall(r"--extra[ =]([A-Za-z0-9_\-]+)", header)


def all_pins() -> dict[str, dict[str, list[str]]]:
    return {lock.name: tool.lock_pins(lock) for lock in LOCKS}


def test_the_report_and_test_locks_exist():
    assert {"requirements-report.lock", "requirements-lab.lock", "requirements-test.lock"} <= set(LOCK_IDS)
    assert not (ROOT / "requirements.lock").exists(), "the single lock was split: delete requirements.lock"


def test_environment_lists_the_same_packages_as_pyproject():
    assert set(environment_pins()) == pyproject_packages()


def test_environment_versions_are_the_locked_versions():
    pins = all_pins()
    for name, pinned in environment_pins().items():
        locked = {v for lock in pins.values() for v in lock.get(name, [])}
        assert locked, f"{name} is in environment.yml but in no lock"
        assert pinned in locked, f"{name}: environment.yml pins {pinned}, the locks have {sorted(locked)}"


def test_environment_yml_is_up_to_date():
    assert (ROOT / "environment.yml").read_text() == tool.render(), "run `make locks` (tools/environment_yml.py)"


@pytest.mark.parametrize("lock", LOCKS, ids=LOCK_IDS)
def test_each_lock_pins_the_groups_it_was_compiled_for(lock):
    groups = tool.pyproject_groups()
    extras = compiled_extras(lock)
    unknown = set(extras) - set(groups)
    assert not unknown, f"{lock.name} was compiled with extras pyproject.toml does not have: {sorted(unknown)}"
    wanted = {name for group in ["core", *extras] for name in groups[group]}
    missing = wanted - set(tool.lock_pins(lock))
    assert not missing, f"not in {lock.name}: {sorted(missing)} (run `make locks`, see README)"


def test_make_locks_writes_every_lock_and_each_header_is_its_command():
    extras = list(tool.pyproject_groups())[1:]
    planned = locks_tool.plan(extras)
    assert {name for name, _, _ in planned} == set(LOCK_IDS), "run `make locks`: a lock is missing or left over"
    for name, groups, constraint in planned:
        command = [a for a in locks_tool.compile_command(name, groups, constraint, []) if a != "--quiet"]
        header = (ROOT / name).read_text().splitlines()[1].removeprefix("#").strip()
        assert header == "uv " + " ".join(command), f"{name} was not written by `make locks`"
    assert "tools/locks.py" in (ROOT / "Makefile").read_text()


def test_the_report_lock_holds_neither_test_tools_nor_jupyterlab():
    report = tool.lock_pins(ROOT / "requirements-report.lock")
    assert not {"dev", "lab"} & set(compiled_extras(ROOT / "requirements-report.lock"))
    groups = tool.pyproject_groups()
    assert not set(groups["dev"] + groups["lab"]) & set(report)
    # jsonschema's optional IRI checker, which JupyterLab's event schemas pull in, takes about a second to
    # import (it builds its grammars at import): the report process imports jsonschema through nbformat.
    assert "rfc3987-syntax" not in report


def test_the_lab_lock_holds_the_report_lock_and_jupyterlab():
    assert {"notebooks", "build", "lab"} <= set(compiled_extras(ROOT / "requirements-lab.lock"))
    assert set(tool.lock_pins(ROOT / "requirements-report.lock")) <= set(tool.lock_pins(ROOT / "requirements-lab.lock"))


def test_the_test_lock_holds_the_report_lock_and_the_test_tools():
    groups = tool.pyproject_groups()
    assert {"notebooks", "build", "lab", "dev"} <= set(compiled_extras(ROOT / "requirements-test.lock"))
    assert "import-linter" in groups["dev"], "import-linter checks the layer contracts in pyproject.toml"
    report = tool.lock_pins(ROOT / "requirements-report.lock")
    test = tool.lock_pins(ROOT / "requirements-test.lock")
    assert set(report) <= set(test)


def test_a_package_in_several_locks_has_the_same_version_in_each():
    versions: dict[str, dict[str, list[str]]] = {}
    for lock, pins in all_pins().items():
        for name, pinned in pins.items():
            versions.setdefault(name, {})[lock] = sorted(pinned)
    differing = {name: by_lock for name, by_lock in versions.items() if len({tuple(v) for v in by_lock.values()}) > 1}
    assert not differing, f"pinned differently across locks (compile with -c requirements-report.lock): {differing}"


@pytest.mark.parametrize("lock", [*LOCKS, ROOT / tool.UV_LOCK], ids=[*LOCK_IDS, tool.UV_LOCK])
def test_every_pin_carries_a_hash(lock):
    text = lock.read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned = [b for b in blocks if re.match(r"^[A-Za-z0-9_.\-]+==", b)]
    assert pinned, f"{lock.name} pins nothing"
    unhashed = [b.split()[0] for b in pinned if "--hash=sha256:" not in b]
    assert not unhashed, f"{lock.name}: no hash for {unhashed}"


def test_uv_lock_pins_uv_alone():
    assert set(tool.lock_pins(ROOT / tool.UV_LOCK)) == {"uv"}


def test_the_makefile_installs_every_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    for lock in [*LOCK_IDS, tool.UV_LOCK]:
        assert f"-r {lock}" in makefile, f"the Makefile does not install {lock}"
    installs = [line for line in makefile.splitlines() if "install" in line and " -r requirements-" in line]
    assert installs and all("--require-hashes" in line for line in installs)


def test_licence_and_citation_agree_with_pyproject():
    import tomllib

    import yaml

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    licence = (ROOT / "LICENSE").read_text()
    assert project["license"]["text"] == "MIT" and licence.startswith("MIT License")
    assert "Copyright (c) 2026 inspection-analysis contributors" in licence
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version"} <= set(citation)
    assert citation["license"] == "MIT"
    assert citation["authors"] == [{"name": project["authors"][0]["name"]}]
