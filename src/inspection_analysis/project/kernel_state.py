"""The kernel side of :class:`~inspection_analysis.project.kernel_pool.KernelPool`: save and restore a kernel's state.

A pooled kernel executes several notebooks one after another. These two
functions run inside the kernel (the pool sends them as silent code, which
binds no names): :func:`snapshot_kernel_state` once, when the kernel is warm,
and :func:`restore_kernel_state` before every notebook, so that each notebook
starts from the same state, whatever ran before it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

__all__ = ["import_modules", "restore_kernel_state", "snapshot_kernel_state"]

# The state saved once the kernel is warm (set by snapshot_kernel_state).
_saved: dict[str, Any] | None = None


def snapshot_kernel_state(modules: Iterable[str] = ()) -> None:
    """Import ``modules``, then record what :func:`restore_kernel_state` restores.

    Runs inside a kernel (the pool sends it), once, when the kernel starts.

    Parameters
    ----------
    modules : iterable of str
        Modules to import first, e.g. ``["pandas", "matplotlib.pyplot"]``. A
        module that cannot be imported is skipped: the notebook that imports it
        will raise the error itself.

    Returns
    -------
    None

    Notes
    -----
    Recorded: the working directory, environment variables, ``sys.path``, the
    warning filters, numpy's print and error options, pandas' options and
    matplotlib's ``rcParams``; the objects alive then are frozen
    (``gc.freeze``). matplotlib.pyplot is imported and its backend (the inline
    one in a kernel) loaded first, so that it has set itself up before any
    notebook draws.
    """
    import gc
    import warnings

    global _saved
    import_modules(modules)
    try:
        import matplotlib
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass
    else:
        # pyplot loads its backend on first use: load it now, so that the inline backend sets itself
        # up (interactive mode, its rcParams, the hook that shows figures) before anything else. Set
        # up later, inside a figure function's rc_context, interactive mode would end with that
        # context, and no figure after the first would be shown.
        plt.switch_backend(matplotlib.get_backend())
        if "inline" in matplotlib.get_backend():
            # In interactive mode pyplot redraws every figure after each cell (its REPL hook); the inline
            # backend then draws it again for the PNG it shows. The first drawing is thrown away:
            # about a tenth of a second per figure.
            plt.uninstall_repl_displayhook()
    state: dict[str, Any] = {
        "cwd": os.getcwd(),
        "environ": dict(os.environ),
        "path": list(sys.path),
        "warnings": list(warnings.filters),
    }
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        state["numpy"] = (np.get_printoptions(), np.geterr())
    if "matplotlib" in sys.modules:
        state["rc"] = sys.modules["matplotlib"].rcParams.copy()
    if "pandas" in sys.modules:
        state["pandas"] = _pandas_options(sys.modules["pandas"])
    _saved = state
    # Everything alive now (the imported modules, above all) stays alive: the garbage collector
    # leaves it out of every later collection, so the collection IPython's reset makes before each
    # notebook scans only what the notebooks made (a quarter of a second less each).
    gc.freeze()


def import_modules(modules: Iterable[str]) -> None:
    """Import ``modules``, skipping any that fails: the notebook that imports it shows the error itself.

    Parameters
    ----------
    modules : iterable of str
        Module names, e.g. ``["pandas", "matplotlib.pyplot"]``.

    Returns
    -------
    None

    Examples
    --------
    >>> import sys
    >>> import_modules(["json", "no_such_module_here"])
    >>> "json" in sys.modules
    True
    """
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - as above
            continue


def _pandas_options(pd) -> dict[str, Any]:
    """Every pandas option's value, by its dotted name (deprecated ones read without their warning)."""
    import warnings

    def walk(node, prefix: str) -> dict[str, Any]:
        values = {}
        for name in dir(node):
            value = getattr(node, name)
            if isinstance(value, type(pd.options)):
                values.update(walk(value, f"{prefix}{name}."))
            else:
                values[f"{prefix}{name}"] = value
        return values

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return walk(pd.options, "")


def restore_kernel_state(cwd: str | None = None) -> None:
    """Put the kernel back as :func:`snapshot_kernel_state` found it, for the next notebook.

    Runs inside a kernel (the pool sends it) before every notebook.

    Parameters
    ----------
    cwd : str, optional
        The working directory for the next notebook (its folder); default the
        one recorded.

    Returns
    -------
    None

    Raises
    ------
    RuntimeError
        If :func:`snapshot_kernel_state` has not run in this process.

    Notes
    -----
    IPython's ``reset(new_session=True)`` empties the user namespace and the
    input and output history and sets the execution counter back to 1.
    Figures are closed; matplotlib's ``rcParams``, numpy's and pandas'
    options, the warning filters (and, through them, the record of warnings
    already shown), the working directory, environment variables and
    ``sys.path`` are restored (only the values that changed are set again).
    Modules stay imported, which is the point.
    """
    import warnings

    if _saved is None:
        raise RuntimeError("snapshot_kernel_state() has not run in this kernel")
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "rc" in _saved:
        rc = sys.modules["matplotlib"].rcParams
        changed = {key: value for key, value in dict.items(_saved["rc"]) if dict.get(rc, key) != value}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # setting a deprecated key back warns
            rc.update(changed)
    if "numpy" in _saved:
        np = sys.modules["numpy"]
        np.set_printoptions(**_saved["numpy"][0])
        np.seterr(**_saved["numpy"][1])
    if "pandas" in _saved:
        pd = sys.modules["pandas"]
        now = _pandas_options(pd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # setting a deprecated option back warns
            for key, value in _saved["pandas"].items():
                if now.get(key) != value:
                    pd.set_option(key, value)
    # Any change to the filters invalidates every module's record of warnings already shown,
    # so a warning a previous notebook triggered is shown again; then the saved filters return.
    warnings.simplefilter("default")
    warnings.filters[:] = _saved["warnings"]
    warnings.onceregistry.clear()
    os.chdir(cwd or _saved["cwd"])
    os.environ.clear()
    os.environ.update(_saved["environ"])
    sys.path[:] = _saved["path"]
