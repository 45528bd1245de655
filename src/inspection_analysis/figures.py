"""One function per figure, in the house style of :mod:`inspection_analysis.style`.

Every function draws only what it is given: the numbers come from the library
(``to_counts``, ``compare``, ``monitor``, ``stats``), already computed, in the
tidy frames described in each docstring. Each returns ``(fig, ax)``; save with
:func:`inspection_analysis.style.save_figure`. No colour carries meaning alone:
markers, line styles and hatching keep every figure readable in greyscale.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from .style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    SEQUENTIAL,
    SOURCE_PUBLISHED,
    TWO_SERIES,
    new_figure,
    pct,
    save_figure,
    styled,
)

__all__ = [
    "grade_distribution",
    "failure_rates",
    "change_forest",
    "power_curve",
    "p_chart_figure",
    "funnel_figure",
    "assessor_figure",
    "synthetic_dot_plot",
    "save_figure",
]

_GRADE_SEGMENTS = (
    ("n_good", "Good", SEQUENTIAL[0], ""),
    ("n_adequate", "Adequate", CATEGORICAL[1], ".."),
    ("n_requires_improvement", "Requires improvement", SEQUENTIAL[1], ""),
    ("n_inadequate", "Inadequate", SEQUENTIAL[2], ""),
)


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{what} has no rows to plot")


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def _percent_axis(ax, axis: str, label: str, *, limits: bool = True) -> None:
    """Show proportions on ``axis`` ("x" or "y") as percentages, from 0% to 100% when ``limits``."""
    getattr(ax, f"{axis}axis").set_major_formatter(lambda v, _: pct(v))
    getattr(ax, f"set_{axis}label")(label)
    if limits:
        getattr(ax, f"set_{axis}lim")(0, 1)


@styled
def grade_distribution(counts: pd.DataFrame, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 1: the grade distribution of each round as stacked horizontal bars.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per round, in plotting order (top first), with ``label``,
        ``n``, ``failures``, ``n_good``, ``n_adequate``,
        ``n_requires_improvement``, ``n_inadequate`` (the counts table of
        ``to_counts`` with the default failure definition, plus a label).
    title, subtitle, source : str
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Bars show shares of ``n``. A round with every grade published is split
        into its grades; a round with only ``failures`` published shows two
        hatched segments (good vs requires improvement or inadequate); a round
        with neither is an annotated gap ("N files audited - grades not
        published").

    Raises
    ------
    ValueError
        If a column is missing or ``counts`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"label": ["2016", "2017 Q2"], "n": [374, 170], "failures": [278, None],
    ...                   "n_good": [None] * 2, "n_adequate": [None] * 2,
    ...                   "n_requires_improvement": [None] * 2, "n_inadequate": [None] * 2})
    >>> fig, ax = grade_distribution(c, title="Most files failed", subtitle="Share, n = 544")
    >>> len(ax.patches)
    2
    """
    _require(counts, ["label", "n", "failures", *(s[0] for s in _GRADE_SEGMENTS)], "counts")
    fig, ax = new_figure(title, subtitle, source)
    labels = counts["label"].astype(str).tolist()
    y = np.arange(len(labels))[::-1]
    for yi, (_, row) in zip(y, counts.iterrows(), strict=True):
        n = row["n"]
        grades = [(col, name, colour, hatch) for col, name, colour, hatch in _GRADE_SEGMENTS if _known(row[col])]
        if _known(n) and grades and sum(int(row[c]) for c, *_ in grades) == int(n):
            segments = [(int(row[c]) / n, name, colour, hatch) for c, name, colour, hatch in grades if row[c] > 0]
        elif _known(n) and _known(row["failures"]):
            f = int(row["failures"])
            segments = [((n - f) / n, "Good or better", SEQUENTIAL[0], "//"),
                        (f / n, "Requires improvement or inadequate", SEQUENTIAL[2], "\\\\")]
        else:
            what = f"{int(n)} files audited" if _known(n) else "No files reported"
            ax.text(0.01, yi, f"{what} \u2014 grades not published", va="center", color=CATEGORICAL[4])
            continue
        left = 0.0
        for share, name, colour, hatch in segments:
            bar = ax.barh(yi, share, left=left, color=colour, hatch=hatch, edgecolor="white")
            bar.patches[0].set_label(name)
            text_colour = "white" if colour != SEQUENTIAL[0] else "black"
            if share >= 0.07:
                ax.text(left + share / 2, yi, pct(share), ha="center", va="center", color=text_colour, fontsize=9,
                        bbox={"facecolor": colour, "edgecolor": "none", "pad": 1})
            left += share
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.9, len(labels) - 0.1)
    _percent_axis(ax, "x", "Share of case files audited")
    fig.subplots_adjust(left=0.28)
    _direct_segment_labels(ax)
    return fig, ax


def _direct_segment_labels(ax) -> None:
    """Name each segment once (no legend): hatched ones above the top hatched bar, others below the lowest bar."""
    seen = set()
    for patch in sorted(ax.patches, key=lambda p: (not p.get_hatch(), -p.get_y() if p.get_hatch() else p.get_y())):
        name = patch.get_label()
        if name in seen:
            continue
        seen.add(name)
        above = bool(patch.get_hatch())
        ax.annotate(name, (patch.get_x() + patch.get_width() / 2, patch.get_y() + (patch.get_height() if above else 0)),
                    xytext=(0, 3 if above else -3), textcoords="offset points", ha="center",
                    va="bottom" if above else "top", fontsize=8, color=CATEGORICAL[4])


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
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        One error bar per published round, each point labelled with its rate.

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
    _require(rates, ["label", "n", "rate", "ci_low", "ci_high"], "rates")
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(rates))
    known = rates["rate"].notna().to_numpy()
    r = rates["rate"].astype(float).to_numpy()
    lo = rates["ci_low"].astype(float).to_numpy()
    hi = rates["ci_high"].astype(float).to_numpy()
    ax.errorbar(x[known], r[known], yerr=[r[known] - lo[known], hi[known] - r[known]], fmt="o", color=HIGHLIGHT,
                ecolor=HIGHLIGHT, capsize=4, markersize=7, linestyle="none")
    for xi, row in zip(x, rates.itertuples(), strict=True):
        if _known(row.rate):
            ax.text(xi + 0.08, row.rate, pct(row.rate), va="center", ha="left", color=HIGHLIGHT)
        else:
            n = f"{int(row.n)} files: " if _known(row.n) else ""
            ax.annotate(f"{n}not published", (xi, 0.5), ha="center", va="center", rotation=90, color=CATEGORICAL[4])
    ax.set_xticks(x, [textwrap.fill(lab, 16) for lab in rates["label"].astype(str)])
    _percent_axis(ax, "y", "Case files failing")
    return fig, ax


@styled
def change_forest(changes: pd.DataFrame, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 3: forest plot of the change in failure rate from the baseline.

    Parameters
    ----------
    changes : pandas.DataFrame
        One row per later round (top first) with ``label``, ``difference``
        (later minus baseline rate), ``difference_low`` and ``difference_high``
        (the columns of ``compare_rounds``).
    title, subtitle, source : str
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Squares with interval lines; a dashed zero line labelled "no change";
        the improvement side (negative, fewer failures) is labelled.

    Raises
    ------
    ValueError
        If a column is missing or ``changes`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"label": ["2018"], "difference": [-0.05], "difference_low": [-0.12],
    ...                   "difference_high": [0.02]})
    >>> fig, ax = change_forest(d, title="No significant change since 2016", subtitle="n = 677")
    >>> ax.get_yticklabels()[0].get_text()
    '2018'
    """
    _require(changes, ["label", "difference", "difference_low", "difference_high"], "changes")
    fig, ax = new_figure(title, subtitle, source)
    y = np.arange(len(changes))[::-1]
    d = changes["difference"].astype(float).to_numpy()
    lo = changes["difference_low"].astype(float).to_numpy()
    hi = changes["difference_high"].astype(float).to_numpy()
    ax.errorbar(d, y, xerr=[d - lo, hi - d], fmt="s", color=HIGHLIGHT, capsize=4, markersize=7, linestyle="none")
    for yi, di in zip(y, d, strict=True):
        ax.annotate(f"{100 * di:+.1f} pp", (di, yi), xytext=(0, 8), textcoords="offset points", ha="center",
                    color=HIGHLIGHT)
    ax.axvline(0, color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.annotate("no change", (0, y.max() + 0.45), ha="center", color=CATEGORICAL[4])
    ax.set_yticks(y, changes["label"].astype(str).tolist())
    ax.set_ylim(-0.6, y.max() + 0.8)
    fig.subplots_adjust(left=0.28)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:+.0f} pp")
    ax.set_xlabel("Change in failure rate from baseline (\u2190 improvement, fewer failing)")
    return fig, ax


@styled
def power_curve(curve: pd.DataFrame, mark_n: int, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 4: the smallest improvement an audit of n files could detect.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``n`` (files in the new audit, increasing) and
        ``min_detectable_change`` (the smallest fall in failure rate detectable
        against the baseline, a positive proportion, or NaN where none is).
    mark_n : int
        An audit size to mark (e.g. 170); it must be one of ``curve["n"]``.
    title, subtitle, source : str
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        The curve, a dotted vertical line at ``mark_n`` and its value labelled.

    Raises
    ------
    ValueError
        If a column is missing or ``mark_n`` is not in ``curve["n"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"n": [50, 170, 1000], "min_detectable_change": [0.25, 0.13, 0.07]})
    >>> fig, ax = power_curve(c, 170, title="Small audits detect only large changes", subtitle="n")
    >>> ax.texts[0].get_text()
    '170 files: 13 pp'
    """
    _require(curve, ["n", "min_detectable_change"], "curve")
    at = curve.loc[curve["n"] == mark_n, "min_detectable_change"]
    if at.empty:
        raise ValueError(f"mark_n {mark_n!r} is not one of the audit sizes in curve['n']")
    fig, ax = new_figure(title, subtitle, source)
    ax.plot(curve["n"], curve["min_detectable_change"], color=HIGHLIGHT, linewidth=2)
    ax.axvline(mark_n, color=CATEGORICAL[4], linestyle=":", linewidth=1.5)
    ax.plot([mark_n], [at.iloc[0]], marker="o", color=TWO_SERIES[1], linestyle="none", markersize=8)
    ax.annotate(f"{mark_n} files: {100 * at.iloc[0]:.0f} pp", (mark_n, at.iloc[0]), xytext=(10, 10),
                textcoords="offset points", color=CATEGORICAL[4])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f} pp")
    ax.set_xlabel("Case files in the new audit")
    ax.set_ylabel("Smallest detectable fall in failure rate")
    return fig, ax


@styled
def p_chart_figure(chart: pd.DataFrame, note: str, *, title: str, subtitle: str, source: str = SOURCE_PUBLISHED):
    """Figure 5: SPC p-chart of the rounds with control limits and special causes.

    Parameters
    ----------
    chart : pandas.DataFrame
        One row per round in time order with ``label``, ``rate``, ``centre``,
        ``lcl``, ``ucl`` (control limits for that round's n) and
        ``special_cause`` (bool).
    note : str
        Printed on the chart, e.g. the trial-limits warning for fewer than 12 points.
    title, subtitle, source : str
        See :func:`inspection_analysis.style.new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Common-cause points as grey circles, special-cause points as orange
        diamonds, limits as dashed steps, the centre line solid.

    Raises
    ------
    ValueError
        If a column is missing or ``chart`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"label": ["a", "b"], "rate": [0.74, 0.93], "centre": [0.8, 0.8],
    ...                   "lcl": [0.75, 0.72], "ucl": [0.85, 0.88], "special_cause": [True, True]})
    >>> fig, ax = p_chart_figure(c, "Trial limits", title="Two special causes", subtitle="n")
    >>> len(ax.lines)
    5
    """
    _require(chart, ["label", "rate", "centre", "lcl", "ucl", "special_cause"], "chart")
    fig, ax = new_figure(title, subtitle, source)
    x = np.arange(len(chart))
    special = chart["special_cause"].astype(bool).to_numpy()
    ax.plot(x, chart["centre"], color=HIGHLIGHT, linewidth=1.5)
    ax.step(x, chart["ucl"], where="mid", color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.step(x, chart["lcl"], where="mid", color=CATEGORICAL[4], linestyle="--", linewidth=1)
    ax.plot(x[~special], chart["rate"].to_numpy()[~special], "o", color=GREY, markeredgecolor=CATEGORICAL[4])
    ax.plot(x[special], chart["rate"].to_numpy()[special], "D", color=TWO_SERIES[1], markeredgecolor="black")
    last = len(chart) - 1
    for text, y in (("centre line", chart["centre"].iloc[last]), ("upper limit", chart["ucl"].iloc[last]),
                    ("lower limit", chart["lcl"].iloc[last])):
        ax.annotate(text, (last + 0.3, y), va="center", fontsize=8, color=CATEGORICAL[4], annotation_clip=False)
    for xi in x[special]:
        ax.annotate("special cause", (xi, chart["rate"].iloc[xi]), xytext=(0, -14), textcoords="offset points",
                    ha="center", fontsize=8, color="black")
    fig.text(0.02, 0.07, note, fontsize=8, color=CATEGORICAL[4], ha="left", va="bottom", wrap=True)
    fig.subplots_adjust(right=0.85, bottom=0.24)
    ax.set_xticks(x, [textwrap.fill(lab, 16) for lab in chart["label"].astype(str)])
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
        top = np.argmax(y)
        ax.annotate(label, (r[top], y[top]), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(list(ypos.values()), list(ypos.keys()))
    _percent_axis(ax, "x", "Case files failing (synthetic)")
    return fig, ax
