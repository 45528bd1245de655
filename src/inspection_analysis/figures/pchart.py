"""The SPC p-chart of a force's series, special causes marked (figure 5)."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.labels import place_labels
from inspection_analysis.figures.layout import fit_layout
from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    TWO_SERIES,
    add_note,
    as_sentence,
    new_figure,
    percent_axis,
    require_columns,
    styled,
)
from inspection_analysis.figures.timeline import on_time_axis, round_positions, short_round_label

__all__ = ["p_chart_figure"]


_SPECIAL_CAUSE_LABELS = {"improvement": "special cause: improvement", "concern": "special cause: concern"}

@styled
def p_chart_figure(chart, note: str | None = None, *, title: str, subtitle: str, source: str | None = None):
    """Figure 5: SPC p-chart of the rounds with control limits and special causes.

    Parameters
    ----------
    chart : PChartResult or pandas.DataFrame
        The result of :func:`inspection_analysis.analysis.pchart.p_chart` as it is, or
        its ``table``: one row per round in time order with ``label``,
        ``rate``, ``centre``, ``lcl``, ``ucl`` (control limits for that
        round's n) and ``special_cause`` (``"improvement"``, ``"concern"`` or
        ``"common cause"``). Optional: ``reference_date`` (ISO dates) puts
        the rounds on a time axis; ``data_kind`` names the kind of data in
        the source line.
    note : str, optional
        Printed below the chart, above the source line. Default: for a
        ``PChartResult``, its trial-limits warning (fewer than 12 points), if
        it has one; else none.
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line; default built from ``data_kind``
        (:func:`~inspection_analysis.figures.sources.figure_source`).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Common-cause points as grey circles, special-cause points as orange
        diamonds labelled "special cause: improvement" or "special cause:
        concern", each round's limits as a dashed segment at that round, the
        centre line solid; rounds placed as
        :func:`~inspection_analysis.figures.timeline.round_positions` places
        them (by date when dated, else evenly spaced with wrapped labels).

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
    fig, ax = new_figure(title, subtitle, figure_source(table, source))
    x = round_positions(ax, table)
    rate = table["rate"].astype(float).to_numpy()
    special = np.array([c != "common cause" for c in causes], dtype=bool)
    # Each round's limits as a segment at that round: 0.4 of the way to its nearest neighbour, at most 120 days.
    near = np.diff(x, prepend=-np.inf, append=np.inf)
    half = np.minimum(0.4 * np.minimum(near[:-1], near[1:]), 120.0 if on_time_axis(table) else 0.4)
    half = np.where(np.isfinite(half), half, 0.4)
    ax.plot([x[0] - half[0], x[-1] + half[-1]], [table["centre"].iloc[0], table["centre"].iloc[-1]], color=HIGHLIGHT,
            linewidth=1.5)
    for col in ("ucl", "lcl"):  # NaN between rounds, so that one line holds every segment
        seg_x = np.column_stack([x - half, x + half, np.full(len(x), np.nan)]).ravel()
        seg_y = np.repeat(table[col].astype(float).to_numpy(), 3)
        ax.plot(seg_x, seg_y, color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.plot(x[~special], rate[~special], "o", color=GREY, markeredgecolor=CATEGORICAL[4])
    ax.plot(x[special], rate[special], "D", color=TWO_SERIES[1], markeredgecolor="black")
    last = len(table) - 1
    for text, y in (("centre line", table["centre"].iloc[last]), ("upper limit", table["ucl"].iloc[last]),
                    ("lower limit", table["lcl"].iloc[last])):
        ax.annotate(text, (x[last] + half[-1], y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
                    color=CATEGORICAL[4], annotation_clip=False)
    percent_axis(ax, "y", "Case files failing", limits=False)
    if note:
        add_note(fig, note)
    fit_layout(fig)  # labels are placed in the final plot area
    if on_time_axis(table):  # no round labels under the axis: each point names its round
        texts = [short_round_label(label) + (f"\n{_SPECIAL_CAUSE_LABELS[c]}" if c in _SPECIAL_CAUSE_LABELS else "")
                 for label, c in zip(table["label"].astype(str), causes, strict=True)]
        place_labels(ax, x, rate, texts, fontsize=8, color="black")
    else:
        place_labels(ax, x[special], rate[special], [_SPECIAL_CAUSE_LABELS[causes[i]] for i in np.flatnonzero(special)],
                     points=(x[~special], rate[~special]), fontsize=8, color="black")
    return fig, ax
