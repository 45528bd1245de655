"""Figures 5 to 8, for monitoring across rounds and forces, in the house style of :mod:`inspection_analysis.style`.

The SPC p-chart, the funnel plot of forces, the agreement of two assessors
and the dot plot of synthetic criteria or case types. As in
:mod:`inspection_analysis.figures` (which re-exports these functions), every
function draws only the numbers it is given, already computed by the library,
and returns ``(fig, ax)``; save with :func:`inspection_analysis.style.save_figure`.
No colour carries meaning alone: markers, line styles and hatching keep every
figure readable in greyscale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    TWO_SERIES,
    _percent_axis,
    _require,
    as_sentence,
    new_figure,
    pct,
    styled,
    wrap_labels,
)

__all__ = ["p_chart_figure", "funnel_figure", "assessor_figure", "synthetic_dot_plot"]


#: How a point of each special-cause class of ``PChartResult.table`` is labelled on the chart.
_SPECIAL_CAUSE_LABELS = {"improvement": "special cause: improvement", "concern": "special cause: concern"}


@styled
def p_chart_figure(chart, note: str | None = None, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 5: SPC p-chart of the rounds with control limits and special causes.

    Parameters
    ----------
    chart : PChartResult or pandas.DataFrame
        The result of :func:`inspection_analysis.pchart.p_chart` as it is, or
        its ``table``: one row per round in time order with ``label``,
        ``rate``, ``centre``, ``lcl``, ``ucl`` (control limits for that
        round's n) and ``special_cause`` (``"improvement"``, ``"concern"`` or
        ``"common cause"``).
    note : str, optional
        Printed below the chart. Default: for a ``PChartResult``, its
        trial-limits warning (fewer than 12 points), if it has one; else none.
    title, subtitle, source : str
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Common-cause points as grey circles, special-cause points as orange
        diamonds labelled "special cause: improvement" or "special cause:
        concern", limits as dashed steps, the centre line solid; round labels
        wrapped as in :func:`inspection_analysis.style.wrap_labels`.

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
    _require(table, ["label", "rate", "centre", "lcl", "ucl", "special_cause"], "chart")
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
    _percent_axis(ax, "y", "Case files failing", limits=False)
    return fig, ax


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
        See :func:`inspection_analysis.style.new_figure`.

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
    _require(points, ["group", "n", "rate", "outlier"], "points")
    _require(limits, ["n", "centre", "low_95", "high_95", "low_998", "high_998"], "limits")
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


@styled
def assessor_figure(marginals: pd.DataFrame, agreement_low: float, agreement_high: float, *, title: str,
                    subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 7: two assessors' gradings of the same cases and their possible agreement.

    Parameters
    ----------
    marginals : pandas.DataFrame
        One row per assessor with ``assessor`` (label) and ``rate`` (share of
        the cases that assessor graded failing).
    agreement_low, agreement_high : float
        The bounds on the share of cases both assessors graded alike, implied by
        the two marginal distributions.
    title, subtitle, source : str
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        One bar per assessor (different hatching), labelled with its rate, and
        the agreement bounds written below the bars.

    Raises
    ------
    ValueError
        If a column is missing, there are more than four assessors, or the
        bounds are not ordered within [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"assessor": ["Inspectorate", "Force"], "rate": [0.76, 0.20]})
    >>> fig, ax = assessor_figure(m, 0.24, 0.44, title="Assessors disagreed", subtitle="n = 132")
    >>> len(ax.patches)
    2
    """
    _require(marginals, ["assessor", "rate"], "marginals")
    if len(marginals) > 4:
        raise ValueError(f"at most four assessors can be shown, got {len(marginals)}")
    if not 0 <= agreement_low <= agreement_high <= 1:
        raise ValueError(f"agreement bounds must satisfy 0 <= low <= high <= 1, got {agreement_low}, {agreement_high}")
    fig, ax = new_figure(title, subtitle, source)
    y = np.arange(len(marginals))[::-1]
    for yi, row, colour, hatch in zip(y, marginals.itertuples(), CATEGORICAL, ("", "//", "..", "xx"), strict=False):
        ax.barh(yi, row.rate, color=colour, hatch=hatch, edgecolor="white")
        ax.text(row.rate + 0.01, yi, pct(row.rate), va="center", color=CATEGORICAL[4])
    ax.set_yticks(y, marginals["assessor"].astype(str).tolist())
    fig.subplots_adjust(left=0.3)
    _percent_axis(ax, "x", "Share of the same cases graded requires improvement or inadequate")
    ax.text(0, -0.25, f"Agreement between the two gradings: between {pct(agreement_low)} and {pct(agreement_high)} "
            "of cases (bounds from the two distributions alone)", transform=ax.transAxes, fontsize=9)
    return fig, ax


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
        See :func:`inspection_analysis.style.new_figure`. ``"SYNTHETIC DATA"``
        is prefixed to the subtitle and stamped in the title area.

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
    _require(rates, [group, "label", "rate", "ci_low", "ci_high"], "rates")
    rounds = list(dict.fromkeys(rates["label"].astype(str)))
    if len(rounds) > 4:
        raise ValueError(f"at most four rounds can be shown, got {len(rounds)}: {rounds}")
    fig, ax = new_figure(title, f"SYNTHETIC DATA \u2014 {subtitle}", source)
    fig.text(0.98, 0.95, "SYNTHETIC DATA", ha="right", va="top", fontsize=12, fontweight="bold",
             color=CATEGORICAL[2], bbox={"edgecolor": CATEGORICAL[2], "facecolor": "white"})
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
    _percent_axis(ax, "x", "Case files failing (synthetic)")
    return fig, ax
