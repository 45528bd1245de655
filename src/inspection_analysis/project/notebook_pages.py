"""Executed notebooks as reproducible, self-contained HTML pages (nbconvert's JupyterLab template).

nbconvert is imported only when a page is first rendered, and its exporter (with
its templates) is made once per process.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

__all__ = ["render_html"]

# Metadata that records when or where a notebook ran; dropped so the HTML is reproducible.
_VOLATILE_METADATA = ("papermill", "execution")
_EXPORTER_LOCK = threading.Lock()


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
    always give the same HTML. The JupyterLab template of nbconvert is used
    (one exporter per process: its templates are loaded once); figures are
    embedded as base64 PNG.

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

    if isinstance(notebook, str | os.PathLike):
        notebook = nbformat.read(Path(notebook), as_version=4)
    else:
        notebook = copy.deepcopy(notebook)
    for meta in [notebook.metadata, *(cell.metadata for cell in notebook.cells)]:
        for key in _VOLATILE_METADATA:
            meta.pop(key, None)
    html_path = Path(html_path)
    with _EXPORTER_LOCK:
        body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": html_path.stem}})
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path


@functools.cache
def _exporter():
    """nbconvert's HTML exporter with the JupyterLab template, made once."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab")
