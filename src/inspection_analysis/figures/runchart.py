"""The run chart: each round's failure rate around the median, for Anhøj's rules."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.round_axis import finish_round_chart
from inspection_analysis.figures.style import (
    CATEGORICAL,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    new_figure,
    require_columns,
    styled,
)

__all__ = ["run_chart_figure"]


@styled
def run_chart_figure(table, *, title: str, subtitle: str, note: str = "", source: str = SOURCE_PUBLISHED):
    """A run chart: the rates joined in time order, the median as a line, no control limits.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per round in time order with ``label``, ``rate`` and
        ``centre`` (the median), as ``RunChartResult.table``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    note : str, default ""
        Printed below the chart (the runs analysis in words).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The series as a line with points and the median labelled directly.

    Raises
    ------
    ValueError
        If a column is missing or ``table`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["a", "b", "c"], "rate": [0.5, 0.6, 0.4], "centre": 0.5})
    >>> fig, ax = run_chart_figure(t, title="No signal", subtitle="n")
    >>> len(ax.lines)
    2
    """
    require_columns(table, ["label", "rate", "centre"], "table")
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(table))
    ax.plot(x, table["rate"].astype(float), "-o", color=HIGHLIGHT, markersize=6)
    ax.plot(x, table["centre"].astype(float), color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.annotate("median", (x[-1] + 0.2, float(table["centre"].iloc[-1])), va="center", fontsize=8,
                color=CATEGORICAL[4], annotation_clip=False)
    finish_round_chart(fig, ax, table["label"].tolist(), note, right=0.88)
    return fig, ax
