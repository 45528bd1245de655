"""Failure rates by round with confidence intervals (figure 2)."""

from __future__ import annotations

import pandas as pd

from inspection_analysis.figures.labels import place_labels
from inspection_analysis.figures.layout import fit_layout
from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import (
    CATEGORICAL,
    HIGHLIGHT,
    is_known,
    new_figure,
    pct,
    percent_axis,
    require_columns,
    styled,
    wrap_labels,
)
from inspection_analysis.figures.timeline import on_time_axis, round_positions

__all__ = ["failure_rates"]


@styled
def failure_rates(rates: pd.DataFrame, *, title: str, subtitle: str, source: str | None = None):
    """Figure 2: the failure rate of each round with its confidence interval.

    Parameters
    ----------
    rates : pandas.DataFrame
        One row per round in time order with ``label``, ``n``, ``rate``,
        ``ci_low``, ``ci_high``; rounds with a missing ``rate`` are marked
        "not published" at their place. Optional: ``reference_date`` (ISO
        dates), which puts the rounds on a time axis, and ``data_kind``,
        which names the kind of data in the source line.
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line; default built from ``data_kind``
        (:func:`~inspection_analysis.figures.sources.figure_source`).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        One error bar per published round. With ``reference_date`` the x
        axis is time (ticked by year) and each point is labelled with its
        round and rate where the label collides with nothing; without, the
        rounds are evenly spaced, labelled under the axis (wrapped at
        :data:`~inspection_analysis.figures.style.TICK_LABEL_WIDTH`
        characters) and each point carries its rate.

    Raises
    ------
    ValueError
        If a column is missing, ``rates`` is empty or a ``reference_date`` is not a date.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"label": ["2016", "2018"], "n": [374, 303], "rate": [0.74, 0.69],
    ...                   "ci_low": [0.70, 0.64], "ci_high": [0.78, 0.74]})
    >>> fig, ax = failure_rates(r, title="Failure rate fell slightly", subtitle="n = 677")
    >>> [t.get_text() for t in ax.texts]
    ['74%', '69%']
    """
    require_columns(rates, ["label", "n", "rate", "ci_low", "ci_high"], "rates")
    fig, ax = new_figure(title, subtitle, figure_source(rates, source))
    dated = on_time_axis(rates)
    x = round_positions(ax, rates)
    known = rates["rate"].notna().to_numpy()
    r = rates["rate"].astype(float).to_numpy()
    lo = rates["ci_low"].astype(float).to_numpy()
    hi = rates["ci_high"].astype(float).to_numpy()
    ax.errorbar(x[known], r[known], yerr=[r[known] - lo[known], hi[known] - r[known]], fmt="o", color=HIGHLIGHT,
                ecolor=HIGHLIGHT, capsize=4, markersize=7, linestyle="none")
    percent_axis(ax, "y", "Case files failing")
    for xi, row in zip(x, rates.itertuples(), strict=True):
        if not is_known(row.rate):
            n = f"{int(row.n)} files: " if is_known(row.n) else ""
            what = f"{row.label}, " if dated else ""
            ax.annotate(f"{what}{n}not published", (xi, 0.02 if dated else 0.5), ha="center",
                        va="bottom" if dated else "center", rotation=90, color=CATEGORICAL[4],
                        fontsize=9 if dated else None)
        elif not dated:
            ax.text(xi + 0.08, row.rate, pct(row.rate), va="center", ha="left", color=HIGHLIGHT)
    if dated:
        fit_layout(fig)  # labels are placed in the final plot area
        labels = [f"{wrap_labels([row.label])[0]}: {pct(row.rate)}" for row in rates[known].itertuples()]
        place_labels(ax, x[known], r[known], labels, color=HIGHLIGHT, fontsize=9)
    return fig, ax
