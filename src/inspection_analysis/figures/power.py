"""The power curve: which improvements a sample of n files could detect (figure 4)."""

from __future__ import annotations

import pandas as pd

from inspection_analysis.figures.change import points_label
from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import (
    CATEGORICAL,
    HIGHLIGHT,
    TWO_SERIES,
    new_figure,
    require_columns,
    styled,
)

__all__ = ["power_curve"]


@styled
def power_curve(curve: pd.DataFrame, mark_n: int, *, title: str, subtitle: str, source: str | None = None):
    """Figure 4: the smallest improvement an audit of n files could detect.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``n`` (files in the new audit, increasing) and
        ``min_detectable_improvement`` (the smallest fall in failure rate
        detectable against the baseline, a positive proportion, or NaN where
        none is): the frame of
        :func:`~inspection_analysis.analysis.planning.detectable_improvements` as it is.
    mark_n : int
        An audit size to mark (e.g. 170); it must be one of ``curve["n"]``.
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line (the kind of data of the baseline the curve is
        computed against); default built from a ``data_kind`` column of
        ``curve``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The curve, a dotted vertical line at ``mark_n`` and its value labelled.

    Raises
    ------
    ValueError
        If a column is missing or ``mark_n`` is not in ``curve["n"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"n": [50, 170, 1000], "min_detectable_improvement": [0.25, 0.13, 0.07]})
    >>> fig, ax = power_curve(c, 170, title="Small audits detect only large changes", subtitle="n")
    >>> ax.texts[0].get_text()
    '170 files: 13 pp'
    """
    require_columns(curve, ["n", "min_detectable_improvement"], "curve")
    at = curve.loc[curve["n"] == mark_n, "min_detectable_improvement"]
    if at.empty:
        raise ValueError(f"mark_n {mark_n!r} is not one of the audit sizes in curve['n']")
    fig, ax = new_figure(title, subtitle, figure_source(curve, source))
    ax.plot(curve["n"], curve["min_detectable_improvement"], color=HIGHLIGHT, linewidth=2)
    ax.axvline(mark_n, color=CATEGORICAL[4], linestyle=":", linewidth=1.5)
    ax.plot([mark_n], [at.iloc[0]], marker="o", color=TWO_SERIES[1], linestyle="none", markersize=8)
    ax.annotate(f"{mark_n} files: {100 * at.iloc[0]:.0f} pp", (mark_n, at.iloc[0]), xytext=(10, 10),
                textcoords="offset points", color=CATEGORICAL[4])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(lambda v, _: points_label(v).lstrip("+"))
    ax.set_xlabel("Case files in the new audit")
    ax.set_ylabel("Smallest detectable fall in failure rate")
    return fig, ax
