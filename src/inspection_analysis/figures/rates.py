"""Failure rates by round with confidence intervals (figure 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.figures.style import (
    CATEGORICAL,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    is_known,
    new_figure,
    pct,
    percent_axis,
    require_columns,
    styled,
    wrap_labels,
)

__all__ = ["failure_rates"]


@styled
def failure_rates(rates: pd.DataFrame, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 2: the failure rate of each round with its confidence interval.

    Parameters
    ----------
    rates : pandas.DataFrame
        One row per round in time order with ``label``, ``n``, ``rate``,
        ``ci_low``, ``ci_high``; rounds with a missing ``rate`` are marked
        "not published" at their place in the sequence.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        One error bar per published round, each point labelled with its rate;
        the round labels under the axis are wrapped at
        :data:`~inspection_analysis.figures.style.TICK_LABEL_WIDTH` characters so that
        six or more rounds do not overlap.

    Raises
    ------
    ValueError
        If a column is missing or ``rates`` is empty.

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
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(rates))
    known = rates["rate"].notna().to_numpy()
    r = rates["rate"].astype(float).to_numpy()
    lo = rates["ci_low"].astype(float).to_numpy()
    hi = rates["ci_high"].astype(float).to_numpy()
    ax.errorbar(x[known], r[known], yerr=[r[known] - lo[known], hi[known] - r[known]], fmt="o", color=HIGHLIGHT,
                ecolor=HIGHLIGHT, capsize=4, markersize=7, linestyle="none")
    for xi, row in zip(x, rates.itertuples(), strict=True):
        if is_known(row.rate):
            ax.text(xi + 0.08, row.rate, pct(row.rate), va="center", ha="left", color=HIGHLIGHT)
        else:
            n = f"{int(row.n)} files: " if is_known(row.n) else ""
            ax.annotate(f"{n}not published", (xi, 0.5), ha="center", va="center", rotation=90, color=CATEGORICAL[4])
    ax.set_xticks(x, wrap_labels(rates["label"]))
    fig.subplots_adjust(bottom=0.2)  # room for round labels of up to three lines above the source line
    percent_axis(ax, "y", "Case files failing")
    return fig, ax
