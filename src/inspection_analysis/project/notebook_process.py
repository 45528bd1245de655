"""Notebooks run by a child process forked from this one, so that this process keeps its interpreter to itself.

Running the notebooks takes work in the process that drives the kernels:
reading the notebooks, nbclient's handling of every message, and rendering each
page with nbconvert. Done in threads of the report's own process, that work
competes with the report for one interpreter lock. :func:`start_in_child`
forks a child (the notebooks' manager) that does all of it, and from which the
kernels themselves are forked (:mod:`inspection_analysis.project.forked_kernel`),
so that they start with every module this process had imported. The child
prints nothing: it sends back the pages it wrote, or the error, through a pipe.
"""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from collections.abc import Callable
from pathlib import Path

__all__ = ["NotebookProcess", "start_in_child"]


def start_in_child(run: Callable[[], list[Path]], cancel: Callable[[], None]) -> NotebookProcess:
    """Fork a child that calls ``run()`` and sends back its result.

    Parameters
    ----------
    run : callable
        Called in the child; returns the pages written, or raises.
    cancel : callable
        Called in the child when the caller cancels (on SIGTERM): it should make
        ``run`` start nothing more and return soon.

    Returns
    -------
    NotebookProcess

    Raises
    ------
    RuntimeError
        If this process runs more than one thread (see
        :func:`inspection_analysis.project.forked_kernel.can_fork`).
    """
    from inspection_analysis.project.forked_kernel import can_fork

    if not can_fork():
        raise RuntimeError("the notebooks' process can be forked only from a process running a single thread")
    read, write = os.pipe()
    # SIGTERM (the caller's cancel) stays blocked until the child's handler is in place.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
        os.close(read)
        _child(run, cancel, write, blocked)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    os.close(write)
    return NotebookProcess(pid, read)


def _child(run, cancel, write: int, blocked) -> None:
    """In the forked child: run, send the outcome, leave."""
    status = 1
    try:
        signal.signal(signal.SIGTERM, lambda *_: cancel())
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the caller's to handle: it cancels
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        try:
            outcome = ("pages", run())
        except BaseException as exc:  # noqa: BLE001 - sent to the caller, which raises it
            outcome = ("error", _picklable(exc))
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(outcome, pipe)
        status = 0
    finally:
        os._exit(status)


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` itself when it pickles, else a RuntimeError carrying its traceback as text."""
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - anything that does not pickle
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"running the notebooks failed:\n{text}")
    return exc


class NotebookProcess:
    """The notebooks running in a child process (made by :func:`start_in_child`).

    Parameters
    ----------
    pid : int
        The child's process id.
    read : int
        The pipe's end the child's outcome arrives on.
    """

    def __init__(self, pid: int, read: int):
        self._pid, self._read = pid, read
        self._outcome: tuple[str, object] | None = None

    def result(self, timeout: float | None = None) -> list[Path]:
        """Wait for the child; return the pages it wrote, in notebook order.

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
            As :func:`inspection_analysis.project.notebooks.run_notebooks`.
        TimeoutError
            If ``timeout`` passed first.
        RuntimeError
            If the child died without an answer.
        """
        if self._outcome is None:
            import select

            if timeout is not None and not select.select([self._read], [], [], timeout)[0]:
                raise TimeoutError(f"the notebooks were not done within {timeout} s")
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            code = os.waitstatus_to_exitcode(status)
            self._outcome = pickle.loads(data) if data else (
                "error", RuntimeError(f"the notebooks' process ended without an answer (exit code {code})"))
        kind, value = self._outcome
        if kind == "error":
            raise value
        return list(value)

    def cancel(self) -> None:
        """Run no notebook not yet started; wait for the running ones and the kernels' shutdown.

        Returns
        -------
        None
        """
        if self._outcome is None:
            try:
                os.kill(self._pid, signal.SIGTERM)
            except ProcessLookupError:  # pragma: no cover - already reaped
                pass
            try:
                self.result()
            except Exception:  # noqa: BLE001 - the caller asked for no result
                pass
