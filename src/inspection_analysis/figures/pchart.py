"""The SPC p-chart of a force's series, special causes marked (figure 5)."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    TWO_SERIES,
    as_sentence,
    new_figure,
    percent_axis,
    require_columns,
    styled,
    wrap_labels,
)

__all__ = ["p_chart_figure"]


_SPECIAL_CAUSE_LABELS = {"improvement": "special cause: improvement", "concern": "special cause: concern"}

@styled
def p_chart_figure(chart, note: str | None = None, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 5: SPC p-chart of the rounds with control limits and special causes.

    Parameters
    ----------
    chart : PChartResult or pandas.DataFrame
        The result of :func:`inspection_analysis.analysis.pchart.p_chart` as it is, or
        its ``table``: one row per round in time order with ``label``,
        ``rate``, ``centre``, ``lcl``, ``ucl`` (control limits for that
        round's n) and ``special_cause`` (``"improvement"``, ``"concern"`` or
        ``"common cause"``).
    note : str, optional
        Printed below the chart. Default: for a ``PChartResult``, its
        trial-limits warning (fewer than 12 points), if it has one; else none.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Common-cause points as grey circles, special-cause points as orange
        diamonds labelled "special cause: improvement" or "special cause:
        concern", limits as dashed steps, the centre line solid; round labels
        wrapped as in :func:`inspection_analysis.figures.style.wrap_labels`.

    Raises
    ------
    ValueError
        If a column is missing, ``chart`` is empty or ``special_cause`` holds
        another value.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"label": ["a", "b"], "rate": [0.74, 0.93], "centre": [0.8, 0.8],
    ...                   "lcl": [0.75, 0.72], "ucl": [0.85, 0.88], "special_cause": ["improvement", "concern"]})
    >>> fig, ax = p_chart_figure(c, "Trial limits", title="Two special causes", subtitle="n")
    >>> len(ax.lines)
    5
    """
    table = getattr(chart, "table", chart)
    require_columns(table, ["label", "rate", "centre", "lcl", "ucl", "special_cause"], "chart")
    causes = table["special_cause"].tolist()
    unknown = sorted({c for c in causes if c not in {"common cause", *_SPECIAL_CAUSE_LABELS}}, key=str)
    if unknown:
        raise ValueError(f"chart['special_cause'] must be 'improvement', 'concern' or 'common cause', got {unknown}")
    if note is None:
        note = " ".join(as_sentence(w) for w in getattr(chart, "warnings", ()) if "trial limits" in w)
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(table))
    rate = table["rate"].astype(float).to_numpy()
    special = np.array([c != "common cause" for c in causes], dtype=bool)
    ax.plot(x, table["centre"], color=HIGHLIGHT, linewidth=1.5)
    ax.step(x, table["ucl"], where="mid", color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.step(x, table["lcl"], where="mid", color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.plot(x[~special], rate[~special], "o", color=GREY, markeredgecolor=CATEGORICAL[4])
    ax.plot(x[special], rate[special], "D", color=TWO_SERIES[1], markeredgecolor="black")
    last = len(table) - 1
    for text, y in (("centre line", table["centre"].iloc[last]), ("upper limit", table["ucl"].iloc[last]),
                    ("lower limit", table["lcl"].iloc[last])):
        ax.annotate(text, (last + 0.3, y), va="center", fontsize=8, color=CATEGORICAL[4], annotation_clip=False)
    for xi in x[special]:
        ax.annotate(_SPECIAL_CAUSE_LABELS[causes[xi]], (xi, rate[xi]), xytext=(0, -14), textcoords="offset points",
                    ha="center", fontsize=8, color="black")
    if note:
        fig.text(0.02, 0.07, note, fontsize=8, color=CATEGORICAL[4], ha="left", va="bottom", wrap=True)
    fig.subplots_adjust(right=0.85, bottom=0.24)
    ax.set_xticks(x, wrap_labels(table["label"]))
    percent_axis(ax, "y", "Case files failing", limits=False)
    return fig, ax
