"""The monitoring p-chart: limits by phase, each phase's reason, excluded rounds marked, the two icons."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.icons import add_icons
from inspection_analysis.figures.round_axis import finish_round_chart
from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    SEQUENTIAL,
    SOURCE_PUBLISHED,
    new_figure,
    require_columns,
    styled,
)

__all__ = ["phased_p_chart_figure", "POINT_STYLES"]

#: point type -> (marker, face colour, label); the marker shape carries the meaning as well as the colour.
POINT_STYLES = {
    "common cause": ("o", GREY, ""),
    "improvement": ("v", SEQUENTIAL[1], "improvement"),
    "concern": ("^", CATEGORICAL[3], "concern"),
    "neutral": ("D", CATEGORICAL[5], "special cause"),
}


@styled
def phased_p_chart_figure(table, *, title: str, subtitle: str, variation_icon: str | None = None,
                          assurance_icon: str | None = None, target: float | None = None, note: str = "",
                          source: str = SOURCE_PUBLISHED):
    """A p-chart drawn phase by phase, with the reason for each new phase and the Making Data Count icons.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per round in time order with ``label``, ``rate``,
        ``centre``, ``lcl``, ``ucl``, ``phase``, ``phase_reason``,
        ``included`` and ``point_type`` (``"common cause"``,
        ``"improvement"``, ``"concern"`` or ``"neutral"``), as
        ``PhasedPChart.table``.
    title, subtitle, source : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    variation_icon, assurance_icon : str, optional
        Icon names (``RoundStatus``), drawn at the top right.
    target : float, optional
        Drawn as a dotted line, labelled "target".
    note : str, default ""
        Printed below the chart (trial limits, which limits and why).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Limits as dashed steps and the centre solid, broken between phases;
        points shaped by type (circle, down or up triangle, diamond),
        excluded rounds hollow and labelled "excluded".

    Raises
    ------
    ValueError
        If a column is missing, ``table`` is empty or a point type is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["a", "b", "c"], "rate": [0.2, 0.45, 0.5], "centre": [0.2, 0.2, 0.5],
    ...                   "lcl": [0.08, 0.08, 0.35], "ucl": [0.32, 0.32, 0.65], "phase": [0, 0, 1],
    ...                   "phase_reason": ["", "", "scale changed"], "included": [True, True, True],
    ...                   "point_type": ["common cause", "concern", "common cause"]})
    >>> fig, ax = phased_p_chart_figure(t, title="One concern", subtitle="n", variation_icon="common_cause")
    >>> len(fig.axes)
    2
    """
    require_columns(table, ["label", "rate", "centre", "lcl", "ucl", "phase", "phase_reason", "included",
                            "point_type"], "table")
    unknown = sorted(set(table["point_type"]) - set(POINT_STYLES))
    if unknown:
        raise ValueError(f"table['point_type'] must be one of {sorted(POINT_STYLES)}, got {unknown}")
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(table))
    phase = table["phase"].to_numpy()
    for p in dict.fromkeys(phase.tolist()):
        idx = x[phase == p]
        part = table.iloc[idx]
        ax.plot(idx, part["centre"], color=HIGHLIGHT, linewidth=1.5)
        for col in ("ucl", "lcl"):
            ax.step(idx, part[col], where="mid", color=CATEGORICAL[4], linestyle="--", linewidth=1)
        reason = str(part["phase_reason"].iloc[0])
        if idx[0] > 0:
            ax.axvline(idx[0] - 0.5, color=CATEGORICAL[4], linewidth=0.8, linestyle=":")
            ax.annotate(reason or "new phase", (idx[0] - 0.45, 1.0), xycoords=("data", "axes fraction"),
                        fontsize=7, va="top", ha="left", color=CATEGORICAL[4], wrap=True)
    rate = table["rate"].astype(float).to_numpy()
    included = table["included"].astype(bool).to_numpy()
    for kind, (marker, colour, label) in POINT_STYLES.items():
        mask = (table["point_type"] == kind).to_numpy()
        for inc in (True, False):
            sel = mask & (included == inc)
            if sel.any():
                ax.plot(x[sel], rate[sel], marker, markersize=8, linestyle="none", markeredgecolor="black",
                        color=colour if inc else "white")
        for xi in x[mask]:
            if label:
                ax.annotate(label, (xi, rate[xi]), xytext=(0, -15), textcoords="offset points", ha="center",
                            fontsize=8)
    for xi in x[~included]:
        ax.annotate("excluded", (xi, rate[xi]), xytext=(0, 9), textcoords="offset points", ha="center", fontsize=8)
    last = len(table) - 1
    for text, col in (("centre line", "centre"), ("upper limit", "ucl"), ("lower limit", "lcl")):
        ax.annotate(text, (last + 0.3, table[col].iloc[last]), va="center", fontsize=8, color=CATEGORICAL[4],
                    annotation_clip=False)
    if target is not None:
        ax.axhline(target, color=CATEGORICAL[2], linestyle=":", linewidth=1.2)
        ax.annotate("target", (-0.4, target), xytext=(0, 3), textcoords="offset points", fontsize=8,
                    color=CATEGORICAL[2])
    if variation_icon:
        add_icons(fig, variation_icon, assurance_icon, x=0.855, y=0.66, size=0.055)
    finish_round_chart(fig, ax, table["label"].tolist(), note)
    ax.set_xlim(-0.6, last + 0.6)
    return fig, ax
