"""The change in failure rate since the baseline, with its interval (figure 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import CATEGORICAL, HIGHLIGHT, new_figure, require_columns, styled

__all__ = ["change_forest", "points_label"]


def points_label(value: float, digits: int = 0) -> str:
    """A change in percentage points with its sign, and no sign on zero (not ``+0 pp``).

    Examples
    --------
    >>> points_label(0.185, 1), points_label(-0.05), points_label(0.0), points_label(-0.0001, 1)
    ('+18.5 pp', '-5 pp', '0 pp', '0.0 pp')
    """
    text = f"{100 * value:+.{digits}f}"
    return (text[1:] if float(text) == 0 else text) + " pp"


@styled
def change_forest(changes: pd.DataFrame, *, title: str, subtitle: str, source: str | None = None):
    """Figure 3: forest plot of the change in failure rate from the baseline.

    Parameters
    ----------
    changes : pandas.DataFrame
        One row per later round (top first) with ``label``, ``difference``
        (later minus baseline rate), ``difference_low`` and ``difference_high``
        (the columns of ``compare_rounds``).
        An optional ``data_kind`` column names the kind of data in the
        source line.
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line; default built from ``data_kind``
        (:func:`~inspection_analysis.figures.sources.figure_source`).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Squares with interval lines, each labelled with its change; a dashed
        zero line labelled "no change" above the plot area (clear of the
        line); the axis in percentage points with no sign on zero; the
        improvement side (negative, fewer failures) named in the axis label.

    Raises
    ------
    ValueError
        If a column is missing or ``changes`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"label": ["2018"], "difference": [-0.05], "difference_low": [-0.12],
    ...                   "difference_high": [0.02]})
    >>> fig, ax = change_forest(d, title="No significant change since 2016", subtitle="n = 677")
    >>> ax.get_yticklabels()[0].get_text()
    '2018'
    """
    require_columns(changes, ["label", "difference", "difference_low", "difference_high"], "changes")
    fig, ax = new_figure(title, subtitle, figure_source(changes, source))
    y = np.arange(len(changes))[::-1]
    d = changes["difference"].astype(float).to_numpy()
    lo = changes["difference_low"].astype(float).to_numpy()
    hi = changes["difference_high"].astype(float).to_numpy()
    ax.errorbar(d, y, xerr=[d - lo, hi - d], fmt="s", color=HIGHLIGHT, capsize=4, markersize=7, linestyle="none")
    for yi, di in zip(y, d, strict=True):
        ax.annotate(points_label(di, 1), (di, yi), xytext=(0, 8), textcoords="offset points", ha="center",
                    color=HIGHLIGHT)
    ax.axvline(0, color=CATEGORICAL[4], linestyle="--", linewidth=1)
    # Above the plot area, where the dashed line ends, so that the label is never drawn through it.
    ax.annotate("no change", (0, 1), xycoords=("data", "axes fraction"), xytext=(0, 3), textcoords="offset points",
                ha="center", va="bottom", color=CATEGORICAL[4], annotation_clip=False)
    ax.set_yticks(y, changes["label"].astype(str).tolist())
    ax.set_ylim(-0.6, y.max() + 0.6)
    ax.grid(False, axis="y")  # afcharts grids the value axis, here x
    ax.grid(True, axis="x")
    ax.xaxis.set_major_formatter(lambda v, _: points_label(v))
    ax.set_xlabel("Change in failure rate from baseline (\u2190 improvement, fewer failing)")
    return fig, ax
