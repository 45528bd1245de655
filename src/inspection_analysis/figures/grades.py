"""The grade distribution of each round (figure 1): stacked bars of good, requires improvement and inadequate."""

from __future__ import annotations

import pandas as pd

from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import (
    CATEGORICAL,
    SEQUENTIAL,
    is_known,
    new_figure,
    pct,
    percent_axis,
    require_columns,
    styled,
)
from inspection_analysis.figures.timeline import row_positions

__all__ = ["grade_distribution"]


_GRADE_SEGMENTS = (
    ("n_good", "Good", SEQUENTIAL[0], ""),
    ("n_adequate", "Adequate", CATEGORICAL[1], ".."),
    ("n_requires_improvement", "Requires improvement", SEQUENTIAL[1], ""),
    ("n_inadequate", "Inadequate", SEQUENTIAL[2], ""),
)


@styled
def grade_distribution(counts: pd.DataFrame, *, title: str, subtitle: str, source: str | None = None):
    """Figure 1: the grade distribution of each round as stacked horizontal bars.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per round, in plotting order (top first), with ``label``,
        ``n``, ``failures``, ``n_good``, ``n_adequate``,
        ``n_requires_improvement``, ``n_inadequate`` (the counts table of
        ``to_counts`` with the default failure definition, plus a label). An
        optional ``data_kind`` column names the kind of data in the source
        line, and an optional ``reference_date`` marks the gap between rounds
        more than fifteen months apart
        (:func:`~inspection_analysis.figures.timeline.row_positions`).
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line; default built from ``data_kind``
        (:func:`~inspection_analysis.figures.sources.figure_source`).

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
    require_columns(counts, ["label", "n", "failures", *(s[0] for s in _GRADE_SEGMENTS)], "counts")
    fig, ax = new_figure(title, subtitle, figure_source(counts, source))
    labels = counts["label"].astype(str).tolist()
    y, gaps = row_positions(counts)
    for gap_y, words in gaps:  # rounds far apart in time are not drawn as if they were consecutive quarters
        ax.text(0.5, gap_y, f"\u2026 {words} \u2026", ha="center", va="center", style="italic", color=CATEGORICAL[4])
    for yi, (_, row) in zip(y, counts.iterrows(), strict=True):
        n = row["n"]
        grades = [(col, name, colour, hatch) for col, name, colour, hatch in _GRADE_SEGMENTS if is_known(row[col])]
        if is_known(n) and grades and sum(int(row[c]) for c, *_ in grades) == int(n):
            segments = [(int(row[c]) / n, name, colour, hatch) for c, name, colour, hatch in grades if row[c] > 0]
        elif is_known(n) and is_known(row["failures"]):
            f = int(row["failures"])
            segments = [((n - f) / n, "Good or better", SEQUENTIAL[0], "//"),
                        (f / n, "Requires improvement or inadequate", SEQUENTIAL[2], "\\\\")]
        else:
            what = f"{int(n)} files audited" if is_known(n) else "No files reported"
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
    ax.set_ylim(-0.9, float(y.max()) + 0.9)
    percent_axis(ax, "x", "Share of case files audited")
    ax.grid(False, axis="y")  # afcharts grids the value axis, here x
    ax.grid(True, axis="x")
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
