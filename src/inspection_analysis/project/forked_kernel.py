"""Jupyter kernels forked from this process, so that they start with its modules already imported.

A kernel launched the usual way is a new Python process: it imports ipykernel,
then pandas, scipy, matplotlib and this package again before it can run a
notebook (about two seconds of CPU each on the project's machines). A kernel
forked from a process that has already imported them starts in a fraction of
that. :func:`fork_kernel` does this for
:class:`~inspection_analysis.project.kernel_pool.KernelPool`, and
:class:`ForkedKernel` is the small part of jupyter_client's ``KernelManager``
interface that the pool and nbclient use (``client``, ``is_alive``,
``interrupt_kernel``, ``request_shutdown``, ``finish_shutdown``,
``cleanup_resources``).

Forking is safe only from a process running a single thread (:func:`can_fork`).
The child becomes a kernel at once: its own session (so a Ctrl-C in the
terminal reaches the caller, not the kernel), standard streams on
``/dev/null`` (ipykernel sends what cells print to the caller, as outputs),
the environment it is given, the warning filters and matplotlib settings of a
new Python process, and an ``IPKernelApp`` on the given IPC connection file.
It never returns into the caller's code: it leaves with ``os._exit``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time

__all__ = ["ForkedKernel", "can_fork", "fork_kernel"]

#: The warning filters of a new Python process (Python's documented defaults).
_DEFAULT_FILTERS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
)


def can_fork() -> bool:
    """Whether this process may fork kernels: a POSIX system and no thread but this one.

    Returns
    -------
    bool

    Examples
    --------
    >>> isinstance(can_fork(), bool)
    True
    """
    return hasattr(os, "fork") and threading.active_count() == 1 and threading.current_thread() is threading.main_thread()


def fork_kernel(connection_file: str, *, cwd: str, env: dict[str, str], extra_arguments: list[str]) -> ForkedKernel:
    """Fork this process into an ipykernel listening on ``connection_file``.

    Parameters
    ----------
    connection_file : str
        A connection file already written (``jupyter_client.connect.write_connection_file``).
    cwd : str
        The kernel's working directory.
    env : dict of str to str
        The kernel's whole environment.
    extra_arguments : list of str
        Further ``IPKernelApp`` options, e.g. ``["--HistoryManager.hist_file=:memory:"]``.

    Returns
    -------
    ForkedKernel

    Raises
    ------
    RuntimeError
        If :func:`can_fork` is false.
    """
    if not can_fork():
        raise RuntimeError("kernels can be forked only from a process running a single thread")
    import ipykernel.kernelapp  # noqa: F401 - imported once here rather than in every kernel

    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
        _become_kernel(connection_file, cwd, env, extra_arguments)
    return ForkedKernel(pid, connection_file)


def _become_kernel(connection_file: str, cwd: str, env: dict[str, str], extra_arguments: list[str]) -> None:
    """In the forked child: start an ipykernel on ``connection_file``; never returns."""
    status = 1
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]  # kept from loading in the notebooks' process only
        _fresh_process_settings(env)
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, *extra_arguments]
        app = IPKernelApp.instance()
        app.initialize(sys.argv[1:])
        app.start()
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 0
    finally:
        os._exit(status)


def _fresh_process_settings(env: dict[str, str]) -> None:
    """Warning filters and matplotlib settings as a new Python process has them."""
    import warnings

    warnings.resetwarnings()
    for action, category, module in _DEFAULT_FILTERS:
        warnings.filterwarnings(action, category=category, module=module, append=True)
    if "matplotlib" in sys.modules:
        import matplotlib

        matplotlib.rc_file_defaults()
        if env.get("MPLBACKEND"):
            matplotlib.rcParams["backend"] = env["MPLBACKEND"]


class ForkedKernel:
    """A kernel made by :func:`fork_kernel`, managed as jupyter_client's ``AsyncKernelManager`` manages its own.

    Parameters
    ----------
    pid : int
        The kernel's process id (a child of this process).
    connection_file : str
        Its connection file.
    """

    has_kernel = True

    def __init__(self, pid: int, connection_file: str):
        self.pid, self.connection_file = pid, connection_file
        self._status: int | None = None
        self._control = None

    def _client(self):
        from jupyter_client.asynchronous import AsyncKernelClient

        kc = AsyncKernelClient(connection_file=self.connection_file)
        kc.load_connection_file()
        return kc

    def client(self):
        """A new client of this kernel (channels not started)."""
        return self._client()

    def _poll(self) -> int | None:
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = os.waitstatus_to_exitcode(status)
        return self._status

    async def is_alive(self) -> bool:
        """Whether the kernel's process is still running."""
        return self._poll() is None

    async def interrupt_kernel(self) -> None:
        """Send the kernel SIGINT, as jupyter_client does for a kernel whose interrupt mode is ``signal``."""
        if self._poll() is None:
            os.kill(self.pid, signal.SIGINT)

    async def request_shutdown(self, restart: bool = False) -> None:
        """Send a shutdown request on the control channel (the kernel then leaves on its own)."""
        self._control = self._client()
        self._control.start_channels(shell=False, iopub=False, stdin=False, hb=False, control=True)
        self._control.shutdown(restart=restart)

    async def finish_shutdown(self, waittime: float = 5.0, pollinterval: float = 0.02, restart: bool = False) -> None:
        """Wait up to ``waittime`` seconds for the kernel to leave, then kill it."""
        deadline = time.monotonic() + waittime
        while self._poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(pollinterval)
        if self._poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            self._status = os.waitstatus_to_exitcode(status)
        if self._control is not None:
            self._control.stop_channels()
            self._control = None

    async def cleanup_resources(self, restart: bool = False) -> None:
        """Remove the connection file (the IPC socket files go with the pool's folder)."""
        try:
            os.remove(self.connection_file)
        except FileNotFoundError:
            pass
