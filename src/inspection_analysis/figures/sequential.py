"""The group-sequential chart: each look's z statistic for improvement against the plan's boundary."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.style import (
    CATEGORICAL,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    new_figure,
    require_columns,
    styled,
    wrap_labels,
)

__all__ = ["sequential_figure"]


@styled
def sequential_figure(table, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """The z statistic for a fall at each look, with the alpha-spending boundary it must reach.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per look with ``label``, ``z`` and ``critical``, as
        ``SequentialVerdict.table``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The z statistics as points joined by a line, the boundary as a dashed
        line labelled directly, 0 as a thin line.

    Raises
    ------
    ValueError
        If a column is missing or ``table`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["a", "b"], "z": [-1.0, 0.5], "critical": [3.0, 2.0]})
    >>> fig, ax = sequential_figure(t, title="Boundary not crossed", subtitle="n")
    >>> len(ax.lines)
    3
    """
    require_columns(table, ["label", "z", "critical"], "table")
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(table))
    crit = table["critical"].astype(float).to_numpy()
    z = table["z"].astype(float).to_numpy()
    ax.plot(x, crit, "--", color=CATEGORICAL[4], linewidth=1.2, marker="_", markersize=12)
    ax.plot(x, z, "-o", color=HIGHLIGHT)
    ax.axhline(0, color=CATEGORICAL[4], linewidth=0.6)
    ax.annotate("boundary for improvement", (x[-1] + 0.15, crit[-1]), fontsize=8, va="center",
                color=CATEGORICAL[4], annotation_clip=False)
    ax.annotate("z for a fall since the baseline", (x[-1] + 0.15, z[-1]), fontsize=8, va="center", color=HIGHLIGHT,
                annotation_clip=False)
    fig.subplots_adjust(right=0.74, bottom=0.2)
    ax.set_xticks(x, wrap_labels(table["label"]))
    ax.set_xlim(-0.4, len(table) - 0.6)
    ax.set_ylabel("z (positive: failure rate fell)")
    return fig, ax
