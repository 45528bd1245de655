"""The notebooks: committed clean, paired with their py:percent text, thin, and runnable.

The static checks are fast. Executing the notebooks (marked ``notebooks``) runs
each one top to bottom on the shipped data with papermill, plus the quarterly
notebook once more on a copy of the data folder with a SYNTHETIC quarter added.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from inspection_analysis import paths
from inspection_analysis.project.add_quarter import add_quarter
from inspection_analysis.project.notebooks import (
    NotebookExecutionError,
    execute_notebook,
    find_notebooks,
    render_html,
    run_notebooks,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
# The py:percent pairs live in a subfolder, so that JupyterLab lists each notebook once.
SCRIPTS = NOTEBOOKS / "scripts"
EXPECTED = [
    "01_data_overview",
    "02_failure_rates",
    "03_has_improvement_occurred",
    "04_new_quarter",
    "05_forces_compared",
    "06_self_assessment_vs_inspection",
    "07_case_level_analysis",
    "08_monitoring_quarter_by_quarter",
]
IPYNB = [NOTEBOOKS / f"{name}.ipynb" for name in EXPECTED]
# Statistics belong in the library: a notebook that imports these is computing something itself.
FORBIDDEN_IMPORTS = {"scipy", "statsmodels"}


def _code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _text(nb) -> str:
    """Every text output of an executed notebook (streams, plain text and the Markdown it displays), joined."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif "data" in out:
                parts.append(out.data.get("text/markdown", out.data.get("text/plain", "")))
    return "\n".join(parts)


def test_the_expected_notebooks_and_their_pairs_exist():
    found = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert found == EXPECTED
    assert sorted(p.stem for p in SCRIPTS.glob("[0-9][0-9]_*.py")) == EXPECTED
    assert not list(NOTEBOOKS.glob("*.py")), "the py:percent pairs belong in notebooks/scripts/"
    assert [p.stem for p in find_notebooks()] == EXPECTED


def test_jupytext_pairs_each_notebook_with_its_script():
    from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file
    from jupytext.paired_paths import paired_paths

    config = load_jupytext_configuration_file(find_jupytext_configuration_file(str(NOTEBOOKS)))
    for path in IPYNB:
        formats = config.default_formats(str(path))
        assert formats == "ipynb,scripts//py:percent"
        paths = {Path(p) for p, _ in paired_paths(str(path), "ipynb", formats)}
        assert paths == {path, SCRIPTS / f"{path.stem}.py"}


@pytest.mark.parametrize("path", IPYNB, ids=EXPECTED)
def test_committed_without_outputs_or_execution_counts(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(_code_cells(path)):
        assert cell.outputs == [], f"{path.name}: code cell {i} has outputs"
        assert cell.execution_count is None, f"{path.name}: code cell {i} has an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", "no kernelspec: JupyterLab would ask for one"


@pytest.mark.parametrize("path", IPYNB, ids=EXPECTED)
def test_ipynb_is_in_sync_with_its_py_percent_pair(path):
    pair = SCRIPTS / f"{path.stem}.py"
    assert pair.read_text(encoding="utf-8").startswith("# ---\n# jupyter:"), f"{pair.name} has no jupytext header"
    a, b = jupytext.read(path), jupytext.read(pair, fmt="py:percent")

    def cells(nb):
        return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]

    assert cells(a) == cells(b), f"{path.name} and {pair.name} differ: run `jupytext --sync {pair}`"


@pytest.mark.parametrize("path", IPYNB, ids=EXPECTED)
def test_first_code_cell_is_tagged_parameters(path):
    first = _code_cells(path)[0]
    assert "parameters" in first.metadata.get("tags", []), f"{path.name}: first code cell not tagged 'parameters'"


@pytest.mark.parametrize("path", IPYNB, ids=EXPECTED)
def test_notebook_defines_no_functions_or_classes_and_imports_no_statistics(path):
    for i, cell in enumerate(_code_cells(path)):
        tree = ast.parse(cell.source)  # also rejects IPython magics: notebooks are plain Python
        for node in ast.walk(tree):
            kind = type(node).__name__
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda), (
                f"{path.name}: code cell {i} defines a {kind} (line {node.lineno}); move it into the library"
            )
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                top = {n.split(".")[0] for n in names if n}
                assert not top & FORBIDDEN_IMPORTS, f"{path.name}: code cell {i} imports {top & FORBIDDEN_IMPORTS}"


@pytest.mark.parametrize("name", ["06_self_assessment_vs_inspection", "07_case_level_analysis",
                                  "08_monitoring_quarter_by_quarter"])
def test_synthetic_analyses_are_labelled_synthetic(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert sum("SYNTHETIC" in m or "INVENTED" in m for m in markdown) >= 2, name
    if name == "07_case_level_analysis":  # synthetic throughout: labelled from its title
        assert "SYNTHETIC" in markdown[0]


def test_render_html_drops_run_specific_metadata(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "input_path": "/tmp/somewhere-unique"}
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:01"}
    first = render_html(nb, tmp_path / "a.html").read_text(encoding="utf-8")
    nb.metadata["papermill"]["start_time"] = "2027-06-30T12:00:00"
    second = render_html(nb, tmp_path / "a.html").read_text(encoding="utf-8")
    assert first == second
    assert "somewhere-unique" not in first
    assert "papermill" in nb.metadata, "the caller's notebook must not be modified"


def test_find_notebooks_names_the_unknown_notebook():
    with pytest.raises(ValueError, match="no notebook '99_missing'"):
        find_notebooks(["99_missing"])


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_executes_top_to_bottom(name, tmp_path):
    nb = execute_notebook(name, tmp_path / f"{name}.ipynb", timeout=300)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    stderr = "\n".join(o.text for c in nb.cells for o in c.get("outputs", [])
                       if o.output_type == "stream" and o.name == "stderr")
    assert "FutureWarning" not in stderr and "DeprecationWarning" not in stderr, stderr
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
    if name == "03_has_improvement_occurred":
        import inspection_analysis as ia

        project = ia.load_project()
        assert ia.has_improved(project.counts, rounds=project.rounds).sentence in _text(nb)


@pytest.mark.notebooks
@pytest.mark.slow
def test_new_quarter_notebook_with_a_synthetic_quarter_file(tmp_path):
    """04_new_quarter run by papermill on a copy of the data folder with a SYNTHETIC quarter added.

    The file is built from the library's synthetic generator: the 135 SYNTHETIC
    case files reproducing the 2017 Q3 margins (10 good, 64 RI, 61 inadequate),
    relabelled as the 2017 Q2 round, for which no counts were published, and
    added with ``add_quarter``. The notebook gets only ``DATA_DIR`` and
    ``ROUND_ID``: it reads the recorded file through the project state.
    Expected, by hand: 125 of 135 failing (64 + 61) against 278 of 374 in
    2016; the shipped data have no 2017 Q2 counts at all, so seeing them
    proves the parameters were used. Notebook 03, run on the same folder,
    then compares the round with the baseline as ``compare`` does.
    """
    import inspection_analysis as ia

    quarter = ia.make_synthetic_cases(["mps-2017-q3"])
    quarter["round_id"] = "mps-2017-q2"
    quarter["case_id"] = quarter["case_id"].str.replace("mps-2017-q3", "mps-2017-q2")
    data_path = tmp_path / "mps 2017 q2 synthetic.csv"
    quarter.to_csv(data_path, index=False)
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    add_quarter(data_path, "mps-2017-q2", root=root, replace=True)  # registered, with no file until now

    nb = execute_notebook(
        "04_new_quarter",
        tmp_path / "04_out.ipynb",
        parameters={"DATA_DIR": str(root / "data"), "ROUND_ID": "mps-2017-q2", "BASELINE": "mps-2016"},
        timeout=300,
    )
    text = _text(nb)
    assert "SYNTHETIC DATA: these are not real audit results." in text
    # By hand: 64 + 61 = 125 of 135 = 0.926 (93%) against 278/374 = 0.743, a rise of 0.183 (+18
    # points). Pooled rate 403/509 = 0.792, SE = sqrt(0.792 * 0.208 * (1/135 + 1/374)) = 0.0408,
    # z = 0.183 / 0.0408 = 4.48, two-sided p about 7e-6: a significant deterioration by any of the
    # exact tests too. The shipped data hold no 2017 Q2 counts, so this proves DATA_DIR and ROUND_ID were used.
    assert ("2017 Q2 update (mps-2017-q2, SYNTHETIC data, not real audit results): 125 of 135 case files (93%) "
            "required improvement or were inadequate. The failure rate changed significantly:") in text
    # The previous round with counts before 2017 Q2 is the 2016 baseline itself: one clause says so.
    assert ("against the 2016 inspection (baseline, also the previous round with counts, 74%), significant "
            "deterioration (+18 points, p < 0.001).") in text
    assert "no improvement" not in text.lower()
    html = render_html(nb, tmp_path / "04.html").read_text(encoding="utf-8")
    assert "mps-2017-q2" in html

    # Notebook 03 on the same folder states the added round as `compare` does, and no longer calls it unpublished.
    project = ia.load_project(root / "data")
    text03 = _text(execute_notebook("03_has_improvement_occurred", tmp_path / "03_out.ipynb",
                                    parameters={"DATA_DIR": str(root / "data")}, timeout=300))
    added = ia.compare_rounds(project.counts, "mps-2016", "mps-2017-q2", rounds=project.rounds)["sentence"].iloc[0]
    assert "125 of 135 case files (93%" in added and "against 278 of 374 (74%)" in added  # by hand, as above
    assert added in text03
    assert ia.has_improved(project.counts, rounds=project.rounds).sentence in text03
    assert "No failure counts were published for the 2017 Q2 update" not in text03


def test_run_notebooks_rejects_parameters_for_a_notebook_not_run(tmp_path):
    with pytest.raises(ValueError, match="not being run: 04_new_quarter"):
        run_notebooks(tmp_path, notebooks=["01_data_overview"], parameters={"04_new_quarter": {"ROUND_ID": "x"}})
    assert not any(tmp_path.iterdir()), "nothing is executed or written when the arguments are wrong"


@pytest.mark.notebooks
def test_a_failing_notebook_raises_and_still_renders_its_traceback(tmp_path):
    source = tmp_path / "99_broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    out = tmp_path / "html"
    with pytest.raises(NotebookExecutionError, match="99_broken.ipynb failed in cell 2: ZeroDivisionError"):
        run_notebooks(out, notebooks=[source])
    assert "ZeroDivisionError" in (out / "99_broken.html").read_text(encoding="utf-8")
    assert nbformat.read(source, as_version=4).cells[1].outputs == [], "the source notebook is never modified"
