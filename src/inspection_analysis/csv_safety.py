"""CSV cells that cannot carry a spreadsheet formula (CSV formula injection).

A spreadsheet program opening a CSV runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, in some programs, a tab or a carriage return) as a
formula, so a round label such as ``=cmd|' /C calc'!A0`` would run a command on
the reader's machine. Every CSV the package writes goes through
:func:`write_csv`, which applies OWASP's advice: a text cell starting with one
of those characters gets a leading ``'``, which spreadsheets show as text.
Real numbers are never changed, so ``-0.05`` stays a number. This module is
shared vocabulary: ``report/`` and ``figures/`` both use it, and it imports no
layer of the package.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "neutralise_frame", "write_csv"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number as text ("-0.05", "+3", "1e-5"): a spreadsheet reads it as that number, never as a formula.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(value):
    """A cell value that a spreadsheet will not run as a formula.

    Parameters
    ----------
    value : object
        One cell. Only ``str`` values are ever changed.

    Returns
    -------
    object
        ``"'" + value`` when ``value`` is text starting with one of
        :data:`FORMULA_PREFIXES` and is not a plain number; otherwise
        ``value`` unchanged (numbers, missing values and other text).

    References
    ----------
    .. [1] OWASP Foundation, "CSV Injection",
       https://owasp.org/www-community/attacks/CSV_Injection

    Examples
    --------
    >>> neutralise_cell("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> neutralise_cell("-0.05"), neutralise_cell(-0.05), neutralise_cell("2016 inspection")
    ('-0.05', -0.05, '2016 inspection')
    >>> neutralise_cell("-1+2"), neutralise_cell("\\tx")
    ("'-1+2", "'\\tx")
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headings are passed through :func:`neutralise_cell`.

    Text, categorical and mixed (``object``) columns become ``object``
    columns; numeric, boolean and date columns are returned unchanged. ``frame`` is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> t = neutralise_frame(pd.DataFrame({"label": ["=1+1", "ok"], "rate": [-0.5, 0.25]}))
    >>> t["label"].tolist(), t["rate"].tolist()
    (["'=1+1", 'ok'], [-0.5, 0.25])
    """
    out = frame.copy()
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        if _holds_text(series):
            out.isetitem(i, series.astype(object).map(neutralise_cell))
    out.columns = [neutralise_cell(c) for c in frame.columns]
    return out


def _holds_text(series: pd.Series) -> bool:
    return (series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype)
            or pd.api.types.is_string_dtype(series.dtype))


def write_csv(frame: pd.DataFrame, path: str | os.PathLike | TextIO) -> None:
    """Write ``frame`` as CSV (no index, ``\\n`` line endings) with formula cells neutralised.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pd.DataFrame({"label": ["@SUM(A1)"], "n": [-3]}), p)
    >>> p.read_text()
    "label,n\\n'@SUM(A1),-3\\n"
    """
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n")
