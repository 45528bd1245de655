"""A pool of quiet, warm Jupyter kernels that execute notebooks in parallel.

:class:`KernelPool` starts one kernel per usable core (by default) as soon as it
is created, each in its own thread, and imports the modules the notebooks will
import while the caller does something else (the report computes its own
tables meanwhile). Each kernel then executes notebooks one after another: before
every notebook it is put back into the state it had when it was warm (see
:mod:`inspection_analysis.project.kernel_state`), so a notebook's outputs are the same
whichever kernel runs it and whatever ran there before. What is reused is the process, the
imported modules and their caches; what a notebook itself sets (its variables,
pandas and numpy options, matplotlib settings and figures, warning filters, the
working directory, environment variables, ``sys.path``, the execution counter)
is reset.

Quiet by construction: the kernels talk to this process over IPC sockets (Unix
domain sockets in a private temporary folder), so nothing listens on TCP and
ipykernel has no reason to warn about unencrypted TCP; and they are shut down
with a shutdown request, never interrupted, so no ``KeyboardInterrupt`` is
raised inside them.

jupyter_client and nbclient are imported only when a pool is created.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspection_analysis.project.forked_kernel import ForkedKernel, can_fork, fork_kernel
from inspection_analysis.project.kernel_state import import_modules

__all__ = ["KernelPool", "NotebookRun", "notebook_modules", "usable_cores"]

#: The matplotlib backend the kernels use, so figures appear as PNG outputs
#: even when the calling process (e.g. the test suite) has set ``MPLBACKEND=Agg``.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Environment the kernels get on top of the caller's.
KERNEL_ENVIRONMENT = {"MPLBACKEND": INLINE_BACKEND, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
# The kernels keep no history file.
_KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
# Code run silently in a kernel (no output, no execution count, no history); it binds no names.
_WARM = "__import__('inspection_analysis.project.kernel_state', fromlist=['_']).snapshot_kernel_state({modules!r})"
_RESET = "__import__('inspection_analysis.project.kernel_state', fromlist=['_']).restore_kernel_state({cwd!r})"


def usable_cores() -> int:
    """The number of cores this process may run on (its CPU affinity), at least 1.

    Returns
    -------
    int

    Examples
    --------
    >>> usable_cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class NotebookRun:
    """A notebook the pool executed.

    Attributes
    ----------
    notebook : nbformat.NotebookNode
        The notebook with its outputs (up to the failing cell, if one failed).
    error : Exception or None
        ``None`` when every cell ran; else nbclient's exception (a
        ``CellExecutionError`` for an error raised by a cell, a timeout or a
        dead kernel otherwise).
    """

    notebook: Any
    error: Exception | None = None


@dataclass
class _Job:
    notebook: Any
    timeout: float
    cwd: str
    future: concurrent.futures.Future


class KernelPool:
    """Kernels, started at once, that execute notebooks in parallel.

    Parameters
    ----------
    size : int, optional
        The number of kernels; default :func:`usable_cores`.
    kernel_name : str, default "python3"
        The Jupyter kernel to run.
    cwd : str or path-like, optional
        The kernels' working directory (default the current one).
    preload : iterable of str, default ()
        Modules each kernel imports as it starts (see
        :func:`~inspection_analysis.project.kernel_state.snapshot_kernel_state`).
    startup_timeout : float, default 60
        Seconds a kernel may take to start.
    fork : bool, default False
        Fork the first kernels from this process, so that they start with
        the modules it has imported (see
        :mod:`inspection_analysis.project.forked_kernel`), when it runs a
        single thread; otherwise, and for a kernel that replaces one, launch
        a new Python process as Jupyter does.

    Raises
    ------
    ValueError
        If ``size`` is not a positive whole number or ``startup_timeout`` is
        not positive.

    Notes
    -----
    Each kernel lives in its own thread with its own asyncio event loop and
    takes the next notebook from a shared queue, so the kernels stay busy
    however long each notebook takes. :meth:`submit` returns a future per
    notebook; results are the caller's to put in order. After a notebook's
    cell raised, the kernel carries on with the next notebook; after a timeout
    or a dead kernel it is replaced by a new one first. :meth:`close` (or
    leaving the ``with`` block) lets submitted notebooks finish, then shuts
    every kernel down with a shutdown request.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    >>> nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    >>> with KernelPool(size=1) as pool:  # doctest: +SKIP
    ...     run = pool.submit(nb, timeout=60).result()
    >>> run.notebook.cells[0].outputs[0].text  # doctest: +SKIP
    '42\\n'
    """

    def __init__(self, size: int | None = None, *, kernel_name: str = "python3", cwd: str | os.PathLike | None = None,
                 preload: Iterable[str] = (), startup_timeout: float = 60, fork: bool = False):
        size = usable_cores() if size is None else size
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError(f"size must be a whole number of kernels of at least 1, got {size!r}")
        if not float(startup_timeout) > 0:
            raise ValueError(f"startup_timeout must be a positive number of seconds, got {startup_timeout!r}")
        self.size = size
        self.kernel_name = kernel_name
        self.cwd = str(Path(cwd).resolve()) if cwd is not None else os.getcwd()
        self.preload = tuple(preload)
        self.startup_timeout = float(startup_timeout)
        self._jobs: queue.Queue = queue.Queue()
        self._futures: list[concurrent.futures.Future] = []
        self._closed = False
        self._sockets = tempfile.mkdtemp(prefix="ia-kernels-")
        # Forked before any thread of the pool starts: forking is safe only from a single thread.
        self._forked: list[ForkedKernel | None] = [None] * size
        if fork and can_fork():
            # Imported here, once, rather than in every kernel (pyplot too: each kernel loads it).
            import_modules([*self.preload, "matplotlib.pyplot"])
            self._forked = [self._fork(i) for i in range(size)]
        self._threads = [threading.Thread(target=self._serve, args=(i,), name=f"ia-kernel-{i}", daemon=True)
                         for i in range(size)]
        for thread in self._threads:
            thread.start()

    def submit(self, notebook, *, timeout: float = 600, cwd: str | os.PathLike | None = None
               ) -> concurrent.futures.Future:
        """Queue ``notebook`` for the next free kernel.

        Parameters
        ----------
        notebook : nbformat.NotebookNode
            Executed in place: its cells receive their outputs.
        timeout : float, default 600
            Seconds any one cell may run.
        cwd : str or path-like, optional
            The working directory while it runs (usually the notebook's
            folder); default the pool's ``cwd``.

        Returns
        -------
        concurrent.futures.Future
            Resolves to a :class:`NotebookRun`; cancel it to skip the notebook
            if no kernel has taken it yet.

        Raises
        ------
        RuntimeError
            If the pool is closed.
        ValueError
            If ``timeout`` is not positive.
        """
        if self._closed:
            raise RuntimeError("the kernel pool is closed")
        if not float(timeout) > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        future: concurrent.futures.Future = concurrent.futures.Future()
        cwd = str(Path(cwd).resolve()) if cwd is not None else self.cwd
        self._jobs.put(_Job(notebook, float(timeout), cwd, future))
        self._futures.append(future)
        return future

    def cancel(self) -> None:
        """Cancel every submitted notebook that no kernel has taken yet.

        Returns
        -------
        None
        """
        for future in self._futures:
            future.cancel()

    def close(self, wait: bool = True) -> None:
        """Take no more notebooks; shut each kernel down once the submitted notebooks are done.

        Parameters
        ----------
        wait : bool, default True
            Wait for the notebooks and the kernels' shutdown. With ``False``
            the kernels shut down in the background as soon as they are idle;
            a later ``close()`` waits.

        Returns
        -------
        None
        """
        if not self._closed:
            self._closed = True
            for _ in self._threads:
                self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
            shutil.rmtree(self._sockets, ignore_errors=True)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ one thread per kernel

    def _serve(self, index: int) -> None:
        asyncio.run(self._serve_async(index))

    async def _serve_async(self, index: int) -> None:
        loop = asyncio.get_running_loop()
        kernel, failure = None, None
        try:
            kernel = await self._start(index, self._forked[index])
        except Exception as exc:  # noqa: BLE001 - handed to every notebook this thread takes
            failure = exc
        try:
            while (job := await loop.run_in_executor(None, self._jobs.get)) is not None:
                if not job.future.set_running_or_notify_cancel():
                    continue
                if kernel is None:
                    job.future.set_exception(RuntimeError(f"the kernel did not start: {failure}"))
                    continue
                run = await self._execute(kernel, job)
                job.future.set_result(run)
                if run.error is not None and not _is_cell_error(run.error):
                    await self._stop(kernel)
                    kernel = None
                    try:
                        kernel = await self._start(index)
                    except Exception as exc:  # noqa: BLE001 - as above
                        failure = exc
        finally:
            if kernel is not None:
                await self._stop(kernel)

    def _fork(self, index: int) -> ForkedKernel:
        """A kernel forked from this process (see :mod:`inspection_analysis.project.forked_kernel`)."""
        from jupyter_client.connect import write_connection_file

        path = os.path.join(self._sockets, f"f{index}")
        connection_file, _ = write_connection_file(f"{path}.json", ip=path, transport="ipc",
                                                   key=uuid.uuid4().hex.encode(), kernel_name=self.kernel_name)
        env = {**os.environ, **KERNEL_ENVIRONMENT, "JPY_PARENT_PID": str(os.getpid())}
        return fork_kernel(connection_file, cwd=self.cwd, env=env, extra_arguments=list(_KERNEL_ARGUMENTS))

    async def _start(self, index: int, forked: ForkedKernel | None = None):
        from jupyter_client.manager import AsyncKernelManager

        if forked is not None:
            km = forked
        else:
            km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                    ip=os.path.join(self._sockets, f"k{index}-{id(self) % 10_000}"))
            await km.start_kernel(cwd=self.cwd, env={**os.environ, **KERNEL_ENVIRONMENT},
                                  extra_arguments=list(_KERNEL_ARGUMENTS))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=self.startup_timeout)
            await _run_silently(kc, _WARM.format(modules=list(self.preload)), self.startup_timeout)
        except BaseException:
            await self._stop((km, kc))
            raise
        return km, kc

    @staticmethod
    async def _stop(kernel) -> None:
        km, kc = kernel
        kc.stop_channels()
        if await km.is_alive():
            await km.request_shutdown()
            await km.finish_shutdown(pollinterval=0.02)
        await km.cleanup_resources()

    async def _execute(self, kernel, job: _Job) -> NotebookRun:
        from nbclient import NotebookClient

        km, kc = kernel
        try:
            await _run_silently(kc, _RESET.format(cwd=job.cwd), job.timeout)
            client = NotebookClient(job.notebook, km=km, timeout=job.timeout, kernel_name=self.kernel_name,
                                    resources={"metadata": {"path": job.cwd}})
            client.kc = kc
            await client.async_execute()
        except Exception as exc:  # noqa: BLE001 - returned with the partly executed notebook
            return NotebookRun(job.notebook, exc)
        return NotebookRun(job.notebook)


def _is_cell_error(exc: Exception) -> bool:
    """Whether ``exc`` is an error a cell raised (the kernel is fine), not a timeout or a dead kernel."""
    from nbclient.exceptions import CellExecutionError

    return type(exc) is CellExecutionError


async def _run_silently(kc, code: str, timeout: float) -> None:
    """Run ``code`` in the kernel without output, history or execution count; raise if it fails."""
    reply = await kc.execute_interactive(code, silent=True, store_history=False, allow_stdin=False,
                                         timeout=timeout, output_hook=lambda msg: None)
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}")


def notebook_modules(notebooks: Iterable[Any]) -> list[str]:
    """The modules the code cells of ``notebooks`` import, in first-seen order.

    Parameters
    ----------
    notebooks : iterable of nbformat.NotebookNode

    Returns
    -------
    list of str
        ``import a.b`` gives ``a.b``; ``from a import b`` gives ``a`` and
        ``a.b`` (``b`` may be a submodule). Relative imports and cells that do
        not parse are skipped.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas as pd\\nfrom os import path")])
    >>> notebook_modules([nb])
    ['pandas', 'os', 'os.path']
    """
    import ast

    seen: dict[str, None] = {}
    for nb in notebooks:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    seen.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    seen[node.module] = None
                    seen.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names if a.name != "*"))
    return list(seen)

