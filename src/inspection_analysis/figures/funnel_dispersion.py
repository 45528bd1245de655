"""The funnel of forces twice, side by side: limits without and with an over-dispersion adjustment."""

from __future__ import annotations

from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    new_figure,
    percent_axis,
    require_columns,
    styled,
)

__all__ = ["funnel_dispersion_figure"]

_LIMITS = ["n", "centre", "low_95", "high_95", "low_998", "high_998"]


@styled
def funnel_dispersion_figure(points, plain, adjusted, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED,
                             panel_titles=("Without adjustment", "Adjusted for over-dispersion")):
    """Two funnel panels with the same forces: binomial limits, and limits widened for over-dispersion.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per force with ``n``, ``rate``, ``group`` (its name),
        ``label`` and ``label_adjusted`` (``"not significant"`` inside both limits).
    plain, adjusted : pandas.DataFrame
        The limits to draw, each with ``n``, ``centre``, ``low_95``,
        ``high_95``, ``low_998``, ``high_998``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    panel_titles : pair of str
        The two panels' titles.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : numpy.ndarray of matplotlib.axes.Axes
        The two panels; forces outside a panel's 95% limits are dark blue and
        named, the others grey.

    Raises
    ------
    ValueError
        If a column is missing or a frame is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"n": [30, 80], "rate": [0.6, 0.9], "group": ["A", "B"],
    ...                     "label": ["not significant", "high (95%)"], "label_adjusted": ["not significant"] * 2})
    >>> lim = pd.DataFrame({"n": [10, 100], "centre": 0.7, "low_95": [0.4, 0.6], "high_95": [0.95, 0.8],
    ...                     "low_998": [0.2, 0.55], "high_998": [1.0, 0.85]})
    >>> fig, ax = funnel_dispersion_figure(pts, lim, lim, title="One force outside", subtitle="n")
    >>> len(ax)
    2
    """
    require_columns(points, ["n", "rate", "group", "label", "label_adjusted"], "points")
    require_columns(plain, _LIMITS, "plain")
    require_columns(adjusted, _LIMITS, "adjusted")
    fig, axes = new_figure(title, subtitle, source, figsize=(10.0, 5.0), ncols=2)
    for ax, limits, col, name in zip(axes, (plain, adjusted), ("label", "label_adjusted"), panel_titles,
                                     strict=True):
        ax.plot(limits["n"], limits["centre"], color=HIGHLIGHT, linewidth=1)
        for level, style in (("95", "--"), ("998", ":")):
            for side in ("low", "high"):
                ax.plot(limits["n"], limits[f"{side}_{level}"], style, color=CATEGORICAL[4], linewidth=1)
        out = (points[col] != "not significant").to_numpy()
        ax.scatter(points.loc[~out, "n"], points.loc[~out, "rate"], color=GREY, edgecolor=CATEGORICAL[4], zorder=3)
        ax.scatter(points.loc[out, "n"], points.loc[out, "rate"], color=HIGHLIGHT, edgecolor="black", marker="D",
                   zorder=3)
        for row in points[out].itertuples():
            ax.annotate(str(row.group), (row.n, row.rate), xytext=(5, 3), textcoords="offset points", fontsize=8)
        ax.set_title(name, fontsize=10, loc="left")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}")
        ax.set_xlabel("Case files audited (log scale)")
        percent_axis(ax, "y", "Case files failing", limits=True)
    fig.subplots_adjust(left=0.08, wspace=0.25, top=0.78)
    return fig, axes
