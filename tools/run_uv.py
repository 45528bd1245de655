"""Run uv with the package indexes pip is configured with on this machine.

    python tools/run_uv.py pip install --require-hashes -r requirements-report.lock

The Makefile installs every package with uv, but the machines this project runs on
(developers' and CI's alike) tell pip, not uv, where packages come from: local
indexes, a wheel folder, a certificate bundle (``pip config list``). This wrapper
reads pip's effective configuration, translates it for uv, and replaces itself with
the uv installed in the same environment (``.venv/bin/uv``, or the ``uv`` package's
binary). Nothing machine-specific is written into the repository: where pip has no
configuration uv uses its own defaults (PyPI), and a ``UV_*`` variable that is
already set always wins.

Translated (pip option -> uv environment variable):

- ``index-url`` -> ``UV_INDEX_URL``; ``extra-index-url`` -> ``UV_EXTRA_INDEX_URL``
  (space-separated); ``find-links`` -> ``UV_FIND_LINKS`` (comma-separated);
  ``no-index`` -> ``UV_NO_INDEX``; ``cert`` -> ``SSL_CERT_FILE``;
  ``timeout``/``default-timeout`` -> ``UV_HTTP_TIMEOUT``.
- ``UV_INDEX_STRATEGY=unsafe-best-match`` whenever there is more than one place to
  look: pip takes the best version across all its indexes, whereas uv by default
  stops at the first index that has the package at all.

Precedence follows pip's: ``PIP_*`` environment variables, then the ``install``
section of the configuration files, then ``global``.

``--print`` prints the translated variables (``NAME=value`` lines) instead of
running uv.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

# pip option -> (uv variable, separator joining several values; None for a single value)
TRANSLATION = {
    "index-url": ("UV_INDEX_URL", None),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "no-index": ("UV_NO_INDEX", None),
    "cert": ("SSL_CERT_FILE", None),
    "timeout": ("UV_HTTP_TIMEOUT", None),
    "default-timeout": ("UV_HTTP_TIMEOUT", None),
}
# pip's order of precedence, lowest first: a later section overrides an earlier one
SECTIONS = ("global", "install", ":env:")


def pip_config(python: str = sys.executable) -> dict[str, str]:
    """pip's effective option values (``pip config list``), by option name, precedence applied.

    Returns an empty dict when pip is missing or has no configuration.
    """
    try:
        listing = subprocess.run([python, "-m", "pip", "config", "list"], capture_output=True, text=True,
                                 check=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    by_section: dict[str, dict[str, str]] = {}
    for line in listing.splitlines():
        key, sep, value = line.partition("=")
        section, dot, option = key.rpartition(".")
        if not (sep and dot) or section not in SECTIONS:
            continue
        try:
            by_section.setdefault(section, {})[option] = str(ast.literal_eval(value))
        except (ValueError, SyntaxError):
            continue
    merged: dict[str, str] = {}
    for section in SECTIONS:
        merged.update(by_section.get(section, {}))
    return merged


def uv_environment(config: dict[str, str], environ: dict[str, str] | None = None) -> dict[str, str]:
    """The ``UV_*`` (and ``SSL_CERT_FILE``) variables that give uv pip's ``config``.

    Variables already set in ``environ`` (default ``os.environ``) are left out, so
    that they win.
    """
    environ = os.environ if environ is None else environ
    wanted: dict[str, str] = {}
    for option, (variable, separator) in TRANSLATION.items():
        value = config.get(option, "").strip()
        if not value:
            continue
        if separator is not None:
            value = separator.join(value.split())
        elif option == "no-index":
            value = "1" if value.lower() in {"1", "true", "yes", "on"} else ""
        if value:
            wanted[variable] = value
    if {"UV_EXTRA_INDEX_URL", "UV_FIND_LINKS"} & set(wanted):
        wanted["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    return {k: v for k, v in wanted.items() if k not in environ}


def uv_binary() -> str:
    """The uv beside this Python (a virtual environment's ``bin/uv``), else the uv package's, else PATH's."""
    beside = Path(sys.executable).with_name("uv")
    if beside.is_file():
        return str(beside)
    try:
        from uv import find_uv_bin
    except ImportError:
        found = shutil.which("uv")
        if found is None:
            raise SystemExit("uv is not installed: run `make setup` (it installs uv from requirements-uv.lock)")
        return found
    return find_uv_bin()


def main(argv: list[str]) -> None:
    extra = uv_environment(pip_config())
    if argv[:1] == ["--print"]:
        for name, value in sorted(extra.items()):
            print(f"{name}={value}")
        return
    uv = uv_binary()
    os.execve(uv, [uv, *argv], {**os.environ, **extra})


if __name__ == "__main__":
    main(sys.argv[1:])
