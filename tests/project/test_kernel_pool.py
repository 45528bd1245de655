"""The kernel pool: quiet, and a reused kernel behaves as a fresh one.

The notebooks here are tiny and made in the test; the project's notebooks are executed
through the pool by tests/test_notebooks.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import nbformat
import pytest

from inspection_analysis.project.kernel_pool import KernelPool, notebook_modules, usable_cores

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

# Changes everything a notebook can change in its kernel that the next notebook could see.
MEDDLER = [
    "import os, sys, warnings\nimport numpy as np, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt",
    "secret = 42\n"
    "pd.set_option('display.max_colwidth', 7)\n"
    "np.set_printoptions(precision=2)\n"
    "mpl.rcParams['lines.linewidth'] = 9\n"
    "os.environ['IA_MEDDLED'] = '1'\n"
    "sys.path.append('/meddled')\n"
    "os.chdir('/')\n"
    "warnings.simplefilter('ignore')\n"
    "fig = plt.figure()",
]
# Reports what it sees; the figure at the end must be shown as an image.
OBSERVER = [
    "import os, sys, warnings\nimport numpy as np, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt",
    "print(sorted(name for name in globals() if not name.startswith('_')))\n"
    "print(pd.get_option('display.max_colwidth'), np.get_printoptions()['precision'],"
    " mpl.rcParams['lines.linewidth'], mpl.is_interactive(), plt.get_fignums())\n"
    "print(os.path.basename(os.getcwd()), 'IA_MEDDLED' in os.environ, '/meddled' in sys.path)",
    "warnings.warn('a warning the filters let through', UserWarning)",
    "plt.plot([1, 2]);",
]


def _notebook(cells: list[str]):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def _outputs(nb) -> list:
    """Each code cell's execution count and outputs, with the kernel's process id taken out of paths."""
    cells = []
    for cell in nb.cells:
        outputs = []
        for out in cell.outputs:
            if out.output_type == "stream":
                outputs.append((out.name, re.sub(r"ipykernel_\d+", "ipykernel_N", out.text)))
            else:
                outputs.append((out.output_type, sorted(out.get("data", {}))))
        cells.append((cell.execution_count, outputs))
    return cells


def test_usable_cores_and_size_checks():
    assert 1 <= usable_cores() <= (__import__("os").cpu_count() or 1)
    for size in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="size must be a whole number"):
            KernelPool(size)


def test_notebook_modules_lists_the_imports_in_order():
    nb = _notebook(["import pandas as pd\nfrom inspection_analysis import figures", "x = 1", "import os.path"])
    assert notebook_modules([nb]) == ["pandas", "inspection_analysis", "inspection_analysis.figures", "os.path"]


@pytest.mark.notebooks
def test_a_reused_kernel_gives_the_same_outputs_as_a_fresh_one(tmp_path):
    (tmp_path / "work").mkdir()
    with KernelPool(size=1, cwd=tmp_path / "work", preload=["pandas", "numpy"]) as pool:
        fresh = pool.submit(_notebook(OBSERVER), timeout=60).result()
    with KernelPool(size=1, cwd=tmp_path / "work", preload=["pandas", "numpy"]) as pool:
        meddled = pool.submit(_notebook(MEDDLER), timeout=60).result()
        reused = pool.submit(_notebook(OBSERVER), timeout=60).result()
    assert fresh.error is None and meddled.error is None and reused.error is None
    assert _outputs(reused.notebook) == _outputs(fresh.notebook)
    printed = reused.notebook.cells[1].outputs[0].text.splitlines()
    # Hand-checked expectations: pandas' default max_colwidth is 50 and numpy's precision 8; matplotlib's
    # default line width is 1.5; the inline backend has switched interactive mode on; no figure is open.
    # IPython's own names, then the observer's imports: nothing the meddler defined (`secret`, `fig`)
    assert printed[0] == ("['In', 'Out', 'exit', 'get_ipython', 'mpl', 'np', 'open', 'os', 'pd', 'plt', 'quit', "
                          "'sys', 'warnings']")
    assert printed[1] == "50 8 1.5 True []"
    assert printed[2] == "work False False"
    assert [c[0] for c in _outputs(reused.notebook)] == [1, 2, 3, 4], "the execution count starts again at 1"
    assert "a warning the filters let through" in reused.notebook.cells[2].outputs[0].text
    assert "image/png" in reused.notebook.cells[3].outputs[-1].data


@pytest.mark.notebooks
def test_a_failing_cell_is_returned_and_the_kernel_carries_on():
    with KernelPool(size=1) as pool:
        failed = pool.submit(_notebook(["x = 1", "1 / 0"]), timeout=60).result()
        after = pool.submit(_notebook(["print('still here')"]), timeout=60).result()
    assert type(failed.error).__name__ == "CellExecutionError" and failed.error.ename == "ZeroDivisionError"
    assert after.error is None and after.notebook.cells[0].outputs[0].text == "still here\n"


@pytest.mark.notebooks
def test_running_notebooks_prints_nothing(tmp_path):
    """Two kernels start, run a notebook each and shut down: no TCP warning, no KeyboardInterrupt, nothing."""
    for name in ("a", "b"):
        nbformat.write(_notebook(["import time\ntime.sleep(0.2)", "print('done')"]), tmp_path / f"0{name}_tiny.ipynb")
    script = textwrap.dedent(f"""
        from inspection_analysis.project.notebooks import run_notebooks
        pages = run_notebooks({str(tmp_path / "html")!r}, workers=2,
                              notebooks=[{str(tmp_path / "0a_tiny.ipynb")!r}, {str(tmp_path / "0b_tiny.ipynb")!r}])
        print(len(pages))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "2\n"
    assert done.stderr == ""


@pytest.mark.notebooks
def test_cancel_runs_no_notebook_not_yet_started(tmp_path):
    from inspection_analysis.project.notebooks import start_notebooks

    names = []
    for i in range(3):
        nbformat.write(_notebook(["import time\ntime.sleep(0.5)"]), tmp_path / f"0{i}_slow.ipynb")
        names.append(tmp_path / f"0{i}_slow.ipynb")
    batch = start_notebooks(tmp_path / "html", notebooks=names, workers=1)
    batch.cancel()  # returns once the kernel is shut down
    pages = batch.result(timeout=0)
    assert len(pages) <= 1, "the one kernel had taken at most the first notebook"
    assert sorted(p.name for p in (tmp_path / "html").glob("*.html")) == [p.name for p in pages]


@pytest.mark.notebooks
@pytest.mark.slow
def test_the_report_runs_the_notebooks_beside_its_own_work(tmp_path):
    from inspection_analysis.project.notebooks import find_notebooks
    from inspection_analysis.report.run import run_report

    result = run_report(out=tmp_path, notebooks=True)
    pages = sorted((tmp_path / "reports" / "notebooks").glob("*.html"))
    assert [p.stem for p in pages] == [p.stem for p in find_notebooks()]
    assert set(pages) <= set(result.files)
