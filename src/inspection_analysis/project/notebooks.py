"""Execute the project's notebooks and render them to HTML.

The notebooks in ``notebooks/`` are committed without outputs. This module
runs them top to bottom with papermill (so the cell tagged ``parameters`` can
be overridden, e.g. for a new quarter) and renders each executed notebook to a
self-contained HTML page with nbconvert. papermill, nbformat and nbconvert are
imported only when a function here is called, so ``import inspection_analysis``
stays fast.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from inspection_analysis.paths import project_root

__all__ = ["NotebookExecutionError", "execute_notebook", "find_notebooks", "render_html", "run_notebooks"]

#: The matplotlib backend the kernel uses, so figures appear as PNG outputs
#: even when the calling process (e.g. the test suite) has set ``MPLBACKEND=Agg``.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

# Metadata that records when or where a notebook ran; dropped so the HTML is reproducible.
_VOLATILE_METADATA = ("papermill", "execution")


class NotebookExecutionError(RuntimeError):
    """A notebook raised an exception while it was executed."""


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


@contextlib.contextmanager
def _kernel_environment():
    """Set environment variables the kernel inherits; restore them afterwards."""
    wanted = {"MPLBACKEND": INLINE_BACKEND, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    saved = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(
    notebook: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    parameters: Mapping[str, Any] | None = None,
    kernel_name: str = "python3",
    timeout: float = 600,
):
    """Execute one notebook top to bottom with papermill.

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
        If a cell raises; the executed notebook, with the traceback, is still
        written to ``output_path``.

    Notes
    -----
    The working directory is the notebook's folder, as when a reader opens it
    in JupyterLab. The kernel runs with matplotlib's inline backend whatever
    ``MPLBACKEND`` the caller has set; the variable is set for the duration of
    the call and restored afterwards (so this function is not thread-safe).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "01.ipynb"
    >>> nb = execute_notebook("01_data_overview", out)  # doctest: +SKIP
    """
    import papermill as pm

    if not float(timeout) > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    (source,) = find_notebooks([notebook])
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _kernel_environment():
            return pm.execute_notebook(
                str(source),
                str(output_path),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name,
                cwd=str(source.parent),
                progress_bar=False,
                execution_timeout=timeout,
            )
    except pm.PapermillExecutionError as exc:
        raise NotebookExecutionError(
            f"notebook {source.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        ) from exc


def render_html(notebook, html_path: str | os.PathLike) -> Path:
    """Render an executed notebook to a reproducible HTML page.

    Parameters
    ----------
    notebook : nbformat.NotebookNode or str or path-like
        The executed notebook, or the path of an ``.ipynb`` file.
    html_path : str or path-like
        The HTML file to write; its folder is created if needed.

    Returns
    -------
    pathlib.Path
        ``html_path``.

    Raises
    ------
    FileNotFoundError
        If ``notebook`` is a path that does not exist.

    Notes
    -----
    Metadata that records when or where the notebook ran (papermill's and
    nbclient's timings, temporary paths) is removed first, so the same outputs
    always give the same HTML. The JupyterLab template of nbconvert is used;
    figures are embedded as base64 PNG.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello")])
    >>> page = render_html(nb, pathlib.Path(tempfile.mkdtemp()) / "hello.html")
    >>> "Hello" in page.read_text(encoding="utf-8")
    True
    """
    import copy

    import nbformat
    from nbconvert import HTMLExporter

    if isinstance(notebook, str | os.PathLike):
        notebook = nbformat.read(Path(notebook), as_version=4)
    else:
        notebook = copy.deepcopy(notebook)
    for meta in [notebook.metadata, *(cell.metadata for cell in notebook.cells)]:
        for key in _VOLATILE_METADATA:
            meta.pop(key, None)
    html_path = Path(html_path)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        notebook, resources={"metadata": {"name": html_path.stem}}
    )
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def run_notebooks(
    out_dir: str | os.PathLike,
    *,
    notebooks: Iterable[str | os.PathLike] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    kernel_name: str = "python3",
    timeout: float = 600,
) -> list[Path]:
    """Execute notebooks and render each to ``out_dir/<name>.html``.

    Parameters
    ----------
    out_dir : str or path-like
        Folder for the HTML pages, e.g. ``reports/notebooks``; created if needed.
    notebooks : iterable of str or path-like, optional
        Names or paths (see :func:`find_notebooks`). Default: every notebook in
        ``notebooks/``, in order.
    parameters : mapping of str to mapping, optional
        Papermill parameters per notebook, keyed by notebook name without
        suffix, e.g. ``{"04_new_quarter": {"DATA_PATH": "q1.csv"}}``. Notebooks
        not named run with their own defaults.
    kernel_name : str, default "python3"
        The Jupyter kernel to run.
    timeout : float, default 600
        Seconds any one cell may run.

    Returns
    -------
    list of pathlib.Path
        The HTML pages written, one per notebook, in order.

    Raises
    ------
    ValueError
        If a notebook cannot be found, or ``parameters`` names a notebook that
        is not being run.
    NotebookExecutionError
        If a notebook fails. Its HTML page, showing the traceback, is written
        first; notebooks after it are not run.

    Notes
    -----
    Executed ``.ipynb`` files go to a temporary folder that is removed
    afterwards; the notebooks in ``notebooks/`` are never modified. Notebooks
    run one after another (the machine's cores are better spent inside each).

    Examples
    --------
    >>> import tempfile
    >>> pages = run_notebooks(tempfile.mkdtemp(), notebooks=["02_failure_rates"])  # doctest: +SKIP
    >>> [p.name for p in pages]  # doctest: +SKIP
    ['02_failure_rates.html']
    """
    sources = find_notebooks(notebooks)
    parameters = dict(parameters or {})
    unknown = sorted(set(parameters) - {p.stem for p in sources})
    if unknown:
        raise ValueError(f"parameters given for notebooks that are not being run: {', '.join(unknown)}")
    out_dir = Path(out_dir)
    pages = []
    with tempfile.TemporaryDirectory(prefix="ia-notebooks-") as tmp:
        for source in sources:
            executed = Path(tmp) / source.name
            html = out_dir / f"{source.stem}.html"
            try:
                nb = execute_notebook(
                    source,
                    executed,
                    parameters=parameters.get(source.stem),
                    kernel_name=kernel_name,
                    timeout=timeout,
                )
            except NotebookExecutionError as exc:
                if executed.is_file():
                    render_html(executed, html)
                raise NotebookExecutionError(f"{exc}; see {html}") from exc
            pages.append(render_html(nb, html))
    return pages
