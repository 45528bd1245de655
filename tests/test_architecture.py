"""The package's shape: no import reaches into another module's private names, and imports form no cycle.

The layer contracts themselves are import-linter's (``[tool.importlinter]`` in
``pyproject.toml``), run by ``make test``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[1] / "src" / "inspection_analysis"


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private_reaches() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        importer = _module(path)
        package = importer if path.name == "__init__.py" else importer.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("inspection_analysis"):
                continue
            target = node.module
            target_package = target.rsplit(".", 1)[0]
            private_module = any(p.startswith("_") and not p.startswith("__") for p in target.split(".")[1:])
            if private_module and target_package != package:
                found.append(f"{importer} imports the private module {target}")
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{importer} imports the private name {target}.{alias.name}")
    return found


def test_no_import_reaches_into_another_modules_private_names():
    assert _private_reaches() == []


def test_no_import_cycles():
    graph = grimp.build_graph("inspection_analysis")
    cycles = [(a, b) for a in sorted(graph.modules) for b in sorted(graph.find_modules_directly_imported_by(a))
              if a < b and graph.chain_exists(importer=b, imported=a)]
    assert cycles == []
