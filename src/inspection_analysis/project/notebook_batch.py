"""Notebooks executing in the background: their pages rendered in order, the first failure named.

:class:`NotebookBatch` is what :func:`inspection_analysis.project.notebooks.start_notebooks`
returns: the notebooks run in a :class:`~inspection_analysis.project.kernel_pool.KernelPool`
while the caller works, and each page is rendered as soon as its notebook is done.
"""

from __future__ import annotations

import concurrent.futures
import threading
from pathlib import Path

from inspection_analysis.project.kernel_pool import KernelPool
from inspection_analysis.project.notebook_pages import render_html

__all__ = ["NotebookBatch", "NotebookExecutionError", "execution_error"]


class NotebookExecutionError(RuntimeError):
    """A notebook raised an exception while it was executed."""


def execution_error(source: Path, error: Exception, notebook, see: Path | None = None) -> NotebookExecutionError:
    """A :class:`NotebookExecutionError` naming the notebook, the failing cell, the error and the page.

    Parameters
    ----------
    source : pathlib.Path
        The notebook's file.
    error : Exception
        What nbclient raised: a ``CellExecutionError`` for an error raised by
        a cell, else a timeout or a dead kernel.
    notebook : nbformat.NotebookNode
        The notebook as executed, up to the failing cell.
    see : pathlib.Path, optional
        The page that shows the traceback.

    Returns
    -------
    NotebookExecutionError
        With ``error`` as its cause.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> str(execution_error(Path("01_x.ipynb"), TimeoutError("cell took too long"), nb))
    'notebook 01_x.ipynb failed: TimeoutError: cell took too long'
    """
    from nbclient.exceptions import CellExecutionError

    if isinstance(error, CellExecutionError):
        failed = [c for c in notebook.cells if c.cell_type == "code"
                  and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        where = f" in cell {failed[0].execution_count}" if failed else ""
        what = f"{where}: {error.ename}: {error.evalue}"
    else:
        what = f": {type(error).__name__}: {error}"
    exc = NotebookExecutionError(f"notebook {source.name} failed{what}" + (f"; see {see}" if see else ""))
    exc.__cause__ = error
    return exc


class NotebookBatch:
    """Notebooks executing in the background (made by :func:`start_notebooks`).

    Attributes
    ----------
    sources : list of pathlib.Path
        The notebooks, in order.
    """

    def __init__(self, pool: KernelPool, sources: list[Path], futures: list, out_dir: Path):
        self._pool, self.sources, self._futures, self._out_dir = pool, sources, futures, out_dir
        self._done = concurrent.futures.Future()
        threading.Thread(target=self._render, name="ia-notebook-pages", daemon=True).start()

    def _render(self) -> None:
        pages, failure = [], None
        try:
            for source, future in zip(self.sources, self._futures):
                try:
                    run = future.result()
                except concurrent.futures.CancelledError:
                    continue
                except Exception as exc:  # noqa: BLE001 - a kernel that did not start
                    failure = failure or NotebookExecutionError(f"notebook {source.name} was not run: {exc}")
                    self._pool.cancel()
                    continue
                html = render_html(run.notebook, self._out_dir / f"{source.stem}.html")
                if run.error is None:
                    pages.append(html)
                elif failure is None:
                    failure = execution_error(source, run.error, run.notebook, see=html)
                    self._pool.cancel()
        except BaseException as exc:  # noqa: BLE001 - handed to result()
            failure = exc
        finally:
            self._pool.close()
        if failure is not None:
            self._done.set_exception(failure)
        else:
            self._done.set_result(pages)

    def result(self, timeout: float | None = None) -> list[Path]:
        """Wait for every notebook; return the HTML pages in notebook order.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait; default no limit.

        Returns
        -------
        list of pathlib.Path

        Raises
        ------
        NotebookExecutionError
            As :func:`run_notebooks`.
        TimeoutError
            If ``timeout`` passed first.
        """
        return self._done.result(timeout)

    def cancel(self, wait: bool = True) -> None:
        """Run no notebook not yet started; wait for the running ones and the kernels' shutdown.

        Parameters
        ----------
        wait : bool, default True
            With ``False``, return at once; ``result()`` then gives the pages
            of the notebooks that ran.

        Returns
        -------
        None
        """
        self._pool.cancel()
        if not wait:
            return
        try:
            self._done.exception()
        except concurrent.futures.CancelledError:  # pragma: no cover - never cancelled itself
            pass
