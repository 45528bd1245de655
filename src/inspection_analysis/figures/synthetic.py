"""The dot plot of synthetic criteria or case types, stamped synthetic (figure 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    new_figure,
    percent_axis,
    require_columns,
    styled,
    wrap_labels,
)

__all__ = ["synthetic_dot_plot"]


@styled
def synthetic_dot_plot(rates: pd.DataFrame, group: str, *, title: str, subtitle: str, source: str):
    """Figure 8: failure rate per group (criterion or case type) across rounds, on SYNTHETIC data.

    Parameters
    ----------
    rates : pandas.DataFrame
        Columns ``group`` (as named by the ``group`` argument), ``label`` (the
        round; at most four), ``rate``, ``ci_low``, ``ci_high``.
    group : str
        The column holding the groups, e.g. ``"criterion"`` or ``"case_type"``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`. ``"SYNTHETIC DATA"``
        is prefixed to the subtitle and stamped above the title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        One row per group; one marker shape per round, the latest round
        highlighted in dark blue against grey; rounds labelled directly.

    Raises
    ------
    ValueError
        If a column is missing or there are more than four rounds.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"case_type": ["cse", "cse"], "label": ["2016", "2018"], "rate": [0.8, 0.7],
    ...                   "ci_low": [0.7, 0.6], "ci_high": [0.9, 0.8]})
    >>> fig, ax = synthetic_dot_plot(r, "case_type", title="Synthetic case types", subtitle="n", source="s")
    >>> any("SYNTHETIC DATA" in t.get_text() for t in fig.texts)
    True
    """
    require_columns(rates, [group, "label", "rate", "ci_low", "ci_high"], "rates")
    rounds = list(dict.fromkeys(rates["label"].astype(str)))
    if len(rounds) > 4:
        raise ValueError(f"at most four rounds can be shown, got {len(rounds)}: {rounds}")
    fig, ax = new_figure(title, f"SYNTHETIC DATA \u2014 {subtitle}", source)
    fig.text(0.02, 0.98, "SYNTHETIC DATA", fontsize=12, fontweight="bold", color=CATEGORICAL[2], gid="ia-stamp",
             bbox={"edgecolor": CATEGORICAL[2], "facecolor": "white"})
    groups = sorted(rates[group].astype(str).unique())
    ypos = {g: i for i, g in enumerate(groups[::-1])}
    offsets = np.linspace(-0.25, 0.25, len(rounds)) if len(rounds) > 1 else [0.0]
    for k, (label, offset, marker) in enumerate(zip(rounds, offsets, ("o", "s", "^", "D"), strict=False)):
        sub = rates[rates["label"].astype(str) == label]
        colour = HIGHLIGHT if k == len(rounds) - 1 else GREY
        y = np.array([ypos[g] for g in sub[group].astype(str)]) + offset
        r = sub["rate"].astype(float).to_numpy()
        ax.errorbar(r, y, xerr=[r - sub["ci_low"].astype(float), sub["ci_high"].astype(float) - r], fmt=marker,
                    color=colour, markeredgecolor="black", ecolor=colour, linestyle="none", capsize=2)
        top = np.argmax(y)  # label each round once, beside the end of its top interval
        ax.annotate(label, (float(sub["ci_high"].astype(float).iloc[top]), y[top]), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(list(ypos.values()), wrap_labels(ypos.keys(), 16))
    ax.grid(False, axis="y")  # afcharts grids the value axis, here x: no line through the rows of points
    ax.grid(True, axis="x")
    percent_axis(ax, "x", "Case files failing (synthetic)")
    return fig, ax
