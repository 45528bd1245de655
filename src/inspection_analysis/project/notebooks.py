"""Execute the project's notebooks and render them to HTML.

The notebooks in ``notebooks/`` are committed without outputs. This module
runs them top to bottom in a pool of warm kernels, one per core, several at a
time (:mod:`inspection_analysis.project.kernel_pool`), with papermill's
parameter injection (so the cell tagged ``parameters`` can be overridden, e.g.
for a new quarter), and renders each executed notebook to a self-contained
HTML page (:mod:`inspection_analysis.project.notebook_pages`). Outputs do not
depend on which kernel ran a notebook or in what order: each notebook starts
from the same kernel state, and pages are returned in notebook order.
jupyter_client, nbclient, nbformat and nbconvert are imported only when a
function here is called, so ``import inspection_analysis`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from inspection_analysis.paths import project_root
from inspection_analysis.project.forked_kernel import can_fork
from inspection_analysis.project.kernel_pool import KernelPool, notebook_modules, usable_cores
from inspection_analysis.project.kernel_state import import_modules
from inspection_analysis.project.notebook_batch import NotebookBatch, NotebookExecutionError, execution_error
from inspection_analysis.project.notebook_pages import render_html
from inspection_analysis.project.notebook_process import NotebookProcess, start_in_child

__all__ = ["NotebookBatch", "NotebookExecutionError", "NotebookProcess", "execute_notebook", "find_notebooks", "render_html",
           "run_notebooks", "start_notebooks"]


def _notebooks_dir() -> Path:
    return project_root() / "notebooks"


def find_notebooks(names: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """Resolve notebook names or paths to ``.ipynb`` files.

    Parameters
    ----------
    names : iterable of str or path-like, optional
        Each item is either an existing ``.ipynb`` path or the name of a
        notebook in the project's ``notebooks/`` folder, with or without the
        ``.ipynb`` suffix (e.g. ``"04_new_quarter"``). ``None`` (the default)
        means every ``NN_*.ipynb`` in ``notebooks/``, in file-name order.
        ``notebooks/`` lies under :func:`inspection_analysis.paths.project_root`.

    Returns
    -------
    list of pathlib.Path
        Absolute paths to the notebooks, in the order given.

    Raises
    ------
    ValueError
        If a name matches no notebook, or ``names`` is empty.

    Notes
    -----
    Notebook file names start with a two-digit number, so file-name order is
    reading order.

    Examples
    --------
    >>> [p.name for p in find_notebooks(["02_failure_rates"])]
    ['02_failure_rates.ipynb']
    """
    folder = _notebooks_dir()
    if names is None:
        return sorted(p.resolve() for p in folder.glob("[0-9][0-9]_*.ipynb"))
    paths = []
    for name in names:
        given = Path(name)
        candidates = [given, folder / given, folder / given.with_suffix(".ipynb")]
        found = next((p for p in candidates if p.suffix == ".ipynb" and p.is_file()), None)
        if found is None:
            available = ", ".join(p.stem for p in sorted(folder.glob("[0-9][0-9]_*.ipynb")))
            raise ValueError(f"no notebook {str(name)!r}; available in {folder}: {available}")
        paths.append(found.resolve())
    if not paths:
        raise ValueError("names is empty; pass None to run every notebook")
    return paths


def _load(source: Path, parameters: Mapping[str, Any] | None, kernel_name: str):
    """The notebook at ``source``, with papermill's injected-parameters cell when there are ``parameters``."""
    if not parameters:
        import nbformat

        return nbformat.read(source, as_version=4)
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    return parameterize_notebook(load_notebook_node(str(source)), dict(parameters), kernel_name=kernel_name)



def execute_notebook(
    notebook: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    parameters: Mapping[str, Any] | None = None,
    kernel_name: str = "python3",
    timeout: float = 600,
):
    """Execute one notebook top to bottom in a fresh kernel.

    Parameters
    ----------
    notebook : str or path-like
        A notebook path or the name of a notebook in ``notebooks/`` (see
        :func:`find_notebooks`).
    output_path : str or path-like
        Where the executed notebook (with outputs) is written. The source
        notebook is never modified.
    parameters : mapping, optional
        Values that papermill injects after the cell tagged ``parameters``,
        e.g. ``{"ROUND_ID": "mps-2019-q1"}``. Default: none (the notebook's own
        defaults).
    kernel_name : str, default "python3"
        The Jupyter kernel to run.
    timeout : float, default 600
        Seconds any one cell may run before execution is abandoned.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, its cells carrying their outputs.

    Raises
    ------
    ValueError
        If the notebook cannot be found or ``timeout`` is not positive.
    NotebookExecutionError
        If a cell raises (or times out); the executed notebook, with the
        traceback, is still written to ``output_path``.

    Notes
    -----
    The working directory is the notebook's folder, as when a reader opens it
    in JupyterLab. The kernel runs with matplotlib's inline backend whatever
    ``MPLBACKEND`` the caller has set (it is set in the kernel's environment
    only), talks to this process over IPC sockets and is shut down with a
    shutdown request (see :class:`~inspection_analysis.project.kernel_pool.KernelPool`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "01.ipynb"
    >>> nb = execute_notebook("01_data_overview", out)  # doctest: +SKIP
    """
    import nbformat

    if not float(timeout) > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    (source,) = find_notebooks([notebook])
    nb = _load(source, parameters, kernel_name)
    with KernelPool(size=1, kernel_name=kernel_name, cwd=source.parent) as pool:
        run = pool.submit(nb, timeout=timeout).result()
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(run.notebook, output_path)
    if run.error is not None:
        raise execution_error(source, run.error, run.notebook)
    return run.notebook


def _without_iri_checker() -> None:
    """Keep jsonschema from loading its optional IRI checker in this process, unless it has already.

    nbformat validates notebooks with jsonschema, which loads rfc3987-syntax
    when it is installed (JupyterLab brings it in: ``make lab`` and ``make
    test`` install it) and builds that package's grammar as it imports it:
    seconds of CPU, for a format no notebook schema uses. Called only where
    the notebooks are run in a process of their own.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # an import of it now fails, as if not installed


def _library_modules() -> list[str]:
    """Every module of this package: the notebooks are thin, the work is done by these (and what they import)."""
    import pkgutil

    package = __name__.partition(".")[0]
    return [m.name for m in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")]


def run_notebooks(
    out_dir: str | os.PathLike,
    *,
    notebooks: Iterable[str | os.PathLike] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    kernel_name: str = "python3",
    timeout: float = 600,
    workers: int | None = None,
) -> list[Path]:
    """Execute notebooks in parallel and render each to ``out_dir/<name>.html``.

    Parameters
    ----------
    out_dir : str or path-like
        Folder for the HTML pages, e.g. ``reports/notebooks``; created if needed.
    notebooks : iterable of str or path-like, optional
        Names or paths (see :func:`find_notebooks`). Default: every notebook in
        ``notebooks/``, in order.
    parameters : mapping of str to mapping, optional
        Papermill parameters per notebook, keyed by notebook name without
        suffix, e.g. ``{"04_new_quarter": {"ROUND_ID": "mps-2026-q1"}}``. Notebooks
        not named run with their own defaults.
    kernel_name : str, default "python3"
        The Jupyter kernel to run.
    timeout : float, default 600
        Seconds any one cell may run.
    workers : int, optional
        The number of kernels; default one per usable core
        (:func:`~inspection_analysis.project.kernel_pool.usable_cores`), and never
        more than there are notebooks.

    Returns
    -------
    list of pathlib.Path
        The HTML pages written, one per notebook, in order.

    Raises
    ------
    ValueError
        If a notebook cannot be found, ``parameters`` names a notebook that
        is not being run, or ``timeout`` or ``workers`` is not positive.
    NotebookExecutionError
        If a notebook fails: the first failing one in notebook order is named.
        Its HTML page, showing the traceback, is written first; notebooks that
        no kernel had started yet are not run.

    Notes
    -----
    Each kernel imports the modules the notebooks import, and every module of
    this package, as it starts, then
    executes notebooks one after another from a shared queue, reset to that
    warm state before each (see :mod:`inspection_analysis.project.kernel_pool`),
    so the outputs are the same as in a fresh kernel and do not depend on
    which kernel ran which notebook. Each page is rendered as soon as its
    notebook is done, while the others still run. The notebooks in
    ``notebooks/`` are never modified. Same as
    ``start_notebooks(...).result()``.

    Examples
    --------
    >>> import tempfile
    >>> pages = run_notebooks(tempfile.mkdtemp(), notebooks=["02_failure_rates"])  # doctest: +SKIP
    >>> [p.name for p in pages]  # doctest: +SKIP
    ['02_failure_rates.html']
    """
    return start_notebooks(out_dir, notebooks=notebooks, parameters=parameters, kernel_name=kernel_name,
                           timeout=timeout, workers=workers).result()


def start_notebooks(out_dir: str | os.PathLike, *, notebooks: Iterable[str | os.PathLike] | None = None,
                    parameters: Mapping[str, Mapping[str, Any]] | None = None, kernel_name: str = "python3",
                    timeout: float = 600, workers: int | None = None) -> NotebookBatch | NotebookProcess:
    """Start :func:`run_notebooks` in the background and return at once.

    Parameters
    ----------
    out_dir, notebooks, parameters, kernel_name, timeout, workers
        As for :func:`run_notebooks`.

    Returns
    -------
    NotebookProcess or NotebookBatch
        Its ``result()`` waits for the pages; ``cancel()`` stops the notebooks
        not yet started and waits for the others.

    Raises
    ------
    ValueError
        As :func:`run_notebooks`, before anything is started.

    Notes
    -----
    The report calls this before computing its own tables, so the kernels
    start and the notebooks run while it works. From a process running a
    single thread (the report's), every module of this package and
    matplotlib.pyplot are imported first; then a child process is forked
    (:mod:`inspection_analysis.project.notebook_process`) that reads the
    notebooks, forks the kernels from itself, drives them and renders the
    pages, so that neither it nor the kernels import any of that again, and
    this process keeps its interpreter to itself. Otherwise the same runs in
    threads of this process, with kernels launched as Jupyter launches them.

    Examples
    --------
    >>> import tempfile
    >>> batch = start_notebooks(tempfile.mkdtemp(), notebooks=["06_self_assessment_vs_inspection"])  # doctest: +SKIP
    >>> [p.name for p in batch.result()]  # doctest: +SKIP
    ['06_self_assessment_vs_inspection.html']
    """
    if not float(timeout) > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise ValueError(f"workers must be a whole number of kernels of at least 1, got {workers!r}")
    sources = find_notebooks(notebooks)
    parameters = dict(parameters or {})
    unknown = sorted(set(parameters) - {p.stem for p in sources})
    if unknown:
        raise ValueError(f"parameters given for notebooks that are not being run: {', '.join(unknown)}")
    size = min(workers or usable_cores(), len(sources))

    def batch() -> NotebookBatch:
        nbs = [_load(source, parameters.get(source.stem), kernel_name) for source in sources]
        preload = [*notebook_modules(nbs), *_library_modules()]
        pool = KernelPool(size, kernel_name=kernel_name, cwd=sources[0].parent, preload=preload, fork=True)
        futures = [pool.submit(nb, timeout=timeout, cwd=source.parent) for nb, source in zip(nbs, sources)]
        pool.close(wait=False)  # each kernel shuts down as soon as the queue is empty
        return NotebookBatch(pool, sources, futures, Path(out_dir))

    if not can_fork():
        return batch()
    import_modules([*_library_modules(), "matplotlib.pyplot"])
    running: list[NotebookBatch] = []
    cancelled: list[bool] = []

    def run() -> list[Path]:
        _without_iri_checker()
        if cancelled:
            return []
        running.append(batch())
        if cancelled:  # cancelled while the batch was being made
            running[0].cancel(wait=False)
        return running[0].result()

    def cancel() -> None:
        cancelled.append(True)
        for each in running:
            each.cancel(wait=False)

    return start_in_child(run, cancel)
