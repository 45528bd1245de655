"""Lazy re-exports: a package's public names are imported from their modules on first use.

This keeps ``import inspection_analysis`` fast: statsmodels, scipy.stats and
matplotlib load only when a function that needs them is first called.
"""

from __future__ import annotations

from importlib import import_module


def lazy_exports(package: str, namespace: dict, exports: dict[str, str]):
    """Make a package's ``__getattr__`` and ``__dir__`` for lazily imported names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    namespace : dict
        The package's ``globals()``; each name is cached there once imported.
    exports : dict of str to str
        Public name -> the submodule (relative to ``package``) that defines it.
        A name mapped to itself is a submodule exported as it is.

    Returns
    -------
    getattr_, dir_ : callable
        To be bound as the package's module-level ``__getattr__`` and ``__dir__``.

    Examples
    --------
    >>> ns = {}
    >>> getattr_, dir_ = lazy_exports("inspection_analysis.stats", ns, {"rate_ci": "proportions"})
    >>> getattr_("rate_ci").__name__, "rate_ci" in ns
    ('rate_ci', True)
    """
    public = sorted({*exports, "__version__"} if "__version__" in namespace else exports)

    def getattr_(name: str):
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        imported = import_module(f"{package}.{module}")
        value = imported if module == name else getattr(imported, name)
        namespace[name] = value
        return value

    def dir_():
        return public

    return getattr_, dir_
