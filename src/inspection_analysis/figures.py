"""Figures 1 to 4, one function per figure, in the house style of :mod:`inspection_analysis.style`.

Every function draws only what it is given: the numbers come from the library
(``to_counts``, ``compare``, ``monitor``, ``stats``), already computed, in the
tidy frames described in each docstring. Each returns ``(fig, ax)``; save with
:func:`inspection_analysis.style.save_figure`. No colour carries meaning alone:
markers, line styles and hatching keep every figure readable in greyscale.

Figures 1 to 4 (grade distribution, failure rates, change forest, power curve)
are defined here; figures 5 to 8 (p-chart, funnel, assessor agreement,
synthetic dot plot) are in :mod:`inspection_analysis.figures_monitoring` and
re-exported here, so every figure can be imported from this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .figures_monitoring import assessor_figure, funnel_figure, p_chart_figure, synthetic_dot_plot
from .style import (
    CATEGORICAL,
    HIGHLIGHT,
    SEQUENTIAL,
    SOURCE_PUBLISHED,
    TWO_SERIES,
    _percent_axis,
    _require,
    new_figure,
    pct,
    save_figure,
    styled,
    wrap_labels,
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


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


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
        One error bar per published round, each point labelled with its rate;
        the round labels under the axis are wrapped at
        :data:`~inspection_analysis.style.TICK_LABEL_WIDTH` characters so that
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
    ax.set_xticks(x, wrap_labels(rates["label"]))
    fig.subplots_adjust(bottom=0.2)  # room for round labels of up to three lines above the source line
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
        ``min_detectable_improvement`` (the smallest fall in failure rate
        detectable against the baseline, a positive proportion, or NaN where
        none is): the frame of
        :func:`~inspection_analysis.sensitivity.detectable_improvements` as it is.
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
    >>> c = pd.DataFrame({"n": [50, 170, 1000], "min_detectable_improvement": [0.25, 0.13, 0.07]})
    >>> fig, ax = power_curve(c, 170, title="Small audits detect only large changes", subtitle="n")
    >>> ax.texts[0].get_text()
    '170 files: 13 pp'
    """
    _require(curve, ["n", "min_detectable_improvement"], "curve")
    at = curve.loc[curve["n"] == mark_n, "min_detectable_improvement"]
    if at.empty:
        raise ValueError(f"mark_n {mark_n!r} is not one of the audit sizes in curve['n']")
    fig, ax = new_figure(title, subtitle, source)
    ax.plot(curve["n"], curve["min_detectable_improvement"], color=HIGHLIGHT, linewidth=2)
    ax.axvline(mark_n, color=CATEGORICAL[4], linestyle=":", linewidth=1.5)
    ax.plot([mark_n], [at.iloc[0]], marker="o", color=TWO_SERIES[1], linestyle="none", markersize=8)
    ax.annotate(f"{mark_n} files: {100 * at.iloc[0]:.0f} pp", (mark_n, at.iloc[0]), xytext=(10, 10),
                textcoords="offset points", color=CATEGORICAL[4])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f} pp")
    ax.set_xlabel("Case files in the new audit")
    ax.set_ylabel("Smallest detectable fall in failure rate")
    return fig, ax
