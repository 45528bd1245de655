"""The funnel plot of forces: rate against cases sampled, with control limits (figure 6)."""

from __future__ import annotations

import pandas as pd

from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    new_figure,
    pct,
    require_columns,
    styled,
)

__all__ = ["funnel_figure"]


@styled
def funnel_figure(points: pd.DataFrame, limits: pd.DataFrame, *, title: str, subtitle: str,
                  source: str = SOURCE_PUBLISHED):
    """Figure 6: funnel plot of forces, failure rate against files audited.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per force with ``group`` (label), ``n``, ``rate`` and
        ``outlier`` (empty string, or a description such as "above 99.8%").
    limits : pandas.DataFrame
        The funnel, one row per n (increasing), with ``n``, ``centre``,
        ``low_95``, ``high_95``, ``low_998``, ``high_998``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Forces as circles (outliers as labelled diamonds); 95% limits dashed,
        99.8% limits dotted, labelled at the right.

    Raises
    ------
    ValueError
        If a column is missing or a frame is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"group": ["A", "B"], "n": [30, 80], "rate": [0.5, 0.9], "outlier": ["", "above 95%"]})
    >>> lim = pd.DataFrame({"n": [20, 100], "centre": [0.6] * 2, "low_95": [0.4, 0.5], "high_95": [0.8, 0.7],
    ...                     "low_998": [0.3, 0.45], "high_998": [0.9, 0.75]})
    >>> fig, ax = funnel_figure(p, lim, title="One force above the funnel", subtitle="n")
    >>> [t.get_text() for t in ax.texts][-1]
    'B'
    """
    require_columns(points, ["group", "n", "rate", "outlier"], "points")
    require_columns(limits, ["n", "centre", "low_95", "high_95", "low_998", "high_998"], "limits")
    fig, ax = new_figure(title, subtitle, source)
    ax.plot(limits["n"], limits["centre"], color=HIGHLIGHT, linewidth=1.5)
    last = limits.iloc[-1]
    for col, style, text in (("low_95", "--", "95%"), ("high_95", "--", "95%"),
                             ("low_998", ":", "99.8%"), ("high_998", ":", "99.8%")):
        ax.plot(limits["n"], limits[col], color=CATEGORICAL[4], linestyle=style, linewidth=1)
        ax.annotate(text, (last["n"], last[col]), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=8, color=CATEGORICAL[4], annotation_clip=False)
    flagged = points["outlier"].fillna("").astype(str) != ""
    ax.plot(points.loc[~flagged, "n"], points.loc[~flagged, "rate"], "o", color=GREY, markeredgecolor=CATEGORICAL[4])
    ax.plot(points.loc[flagged, "n"], points.loc[flagged, "rate"], "D", color=HIGHLIGHT)
    for row in points[flagged].itertuples():
        ax.annotate(str(row.group), (row.n, row.rate), xytext=(5, 5), textcoords="offset points", fontsize=8)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: pct(v))
    ax.set_xlabel("Case files audited")
    ax.set_ylabel("Case files failing")
    return fig, ax
