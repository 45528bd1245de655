"""The Bernoulli CUSUM chart: the CUSUMs for a rise and for a fall, case file by case file."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.style import (
    CATEGORICAL,
    SEQUENTIAL,
    new_figure,
    require_columns,
    styled,
)

__all__ = ["cusum_figure"]


@styled
def cusum_figure(table, limit: float, *, title: str, subtitle: str, source: str, synthetic: bool = False):
    """Both one-sided Bernoulli CUSUMs against the case files in order, with their limits and signals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per case file in order with ``case``, ``label`` (its round),
        ``upper``, ``lower`` (drawn below 0), ``signal_upper`` and
        ``signal_lower``, as ``CaseCusum.table``.
    limit : float
        The control limit, drawn at ``+limit`` and ``-limit``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    synthetic : bool, default False
        Stamp "SYNTHETIC DATA" above the title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The rise CUSUM above 0 (orange), the fall CUSUM below (blue), the
        limits dashed, signals as crosses, each round's first file marked by
        a dotted line and its label.

    Raises
    ------
    ValueError
        If a column is missing, ``table`` is empty or ``limit`` is not positive.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"case": [1, 2, 3], "label": ["a", "a", "b"], "upper": [0.3, 0.6, 0.0],
    ...                   "lower": [0.0, 0.0, -0.3], "signal_upper": [False, True, False],
    ...                   "signal_lower": [False, False, False]})
    >>> fig, ax = cusum_figure(t, 0.5, title="One signal", subtitle="n", source="Source: test", synthetic=True)
    >>> len(ax.lines)  # two CUSUMs, their signals, three horizontal and two round lines
    9
    """
    require_columns(table, ["case", "label", "upper", "lower", "signal_upper", "signal_lower"], "table")
    if not float(limit) > 0:
        raise ValueError(f"limit must be positive, got {limit!r}")
    fig, ax = new_figure(title, subtitle, source)
    case = table["case"].to_numpy()
    for col, colour, name in (("upper", CATEGORICAL[3], "rise"), ("lower", SEQUENTIAL[1], "fall")):
        values = table[col].astype(float).to_numpy()
        ax.step(case, values, where="post", color=colour, linewidth=1)
        hits = table[f"signal_{col}"].astype(bool).to_numpy()
        ax.plot(case[hits], values[hits], "x", color="black", markersize=7)
        ax.annotate(f"CUSUM for a {name}", (case[-1], values[-1]), xytext=(4, 0), textcoords="offset points",
                    fontsize=8, color=colour, va="center", annotation_clip=False)
    for sign in (1, -1):
        ax.axhline(sign * float(limit), color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.axhline(0, color=CATEGORICAL[4], linewidth=0.6)
    labels = table["label"].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    for s in starts:
        ax.axvline(case[s] - 0.5, color=CATEGORICAL[4], linestyle=":", linewidth=0.8)
        ax.annotate(labels[s], (case[s], 1.0), xycoords=("data", "axes fraction"), fontsize=7, va="top",
                    rotation=90, color=CATEGORICAL[4])
    if synthetic:
        fig.text(0.02, 0.98, "SYNTHETIC DATA", fontsize=12, fontweight="bold", color=CATEGORICAL[2], gid="ia-stamp",
                 bbox={"edgecolor": CATEGORICAL[2], "facecolor": "white"})  # the layout keeps the header stamp clear
    ax.set_xlabel("Case files in order")
    ax.set_ylabel("CUSUM (log-likelihood ratio)")
    fig.subplots_adjust(right=0.8)
    return fig, ax
