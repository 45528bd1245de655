"""The funnel plot of forces: rate against cases sampled, with control limits (figure 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.figures.labels import place_labels
from inspection_analysis.figures.layout import fit_layout
from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import (
    CATEGORICAL,
    GREY,
    HIGHLIGHT,
    add_note,
    new_figure,
    pct,
    require_columns,
    styled,
)

__all__ = ["funnel_figure", "ASSESSOR_WORDS"]

#: How each assessor of the registry is named beside a point.
ASSESSOR_WORDS = {"inspectorate": "inspectorate", "force_audit": "force's own audit",
                  "force_self_assessment": "force self-assessment"}


def _point_labels(points: pd.DataFrame) -> list[str]:
    """Each point's label: the force, then its period and assessor when the frame gives them."""
    labels = []
    for row in points.itertuples():
        said = [str(getattr(row, col)) for col in ("period",) if col in points.columns and pd.notna(getattr(row, col))]
        if "assessor" in points.columns and pd.notna(row.assessor):
            said.append(ASSESSOR_WORDS.get(str(row.assessor), str(row.assessor)))
        labels.append(f"{row.group}\n({', '.join(said)})" if said else str(row.group))
    return labels


def _spread(ys_px, sep_px):
    """Pixel heights moved apart, in order, so that neighbours are at least ``sep_px`` apart (bottom one fixed)."""
    order = sorted(range(len(ys_px)), key=lambda i: ys_px[i])
    out = list(ys_px)
    for prev, cur in zip(order, order[1:], strict=False):
        out[cur] = max(out[cur], out[prev] + sep_px)
    return out


def _mixed_assessors_note(points: pd.DataFrame) -> str:
    """The note a funnel needs when a force's own grading stands among inspections, else ``""``.

    A point is the force's own grading when its ``assessor`` is not the inspectorate, or its ``data_kind`` is
    ``case-level`` (the force's own audit of its case files).
    """
    own = pd.Series(False, index=points.index)
    if "assessor" in points.columns:
        own |= points["assessor"].astype(str) != "inspectorate"
    if "data_kind" in points.columns:
        own |= points["data_kind"].astype(str) == "case-level"
    if not own.any() or own.all():
        return ""
    names = ", ".join(str(g) for g in points.loc[own, "group"])
    return (f"Not like with like: the point of {names} is the force's own grading of its cases; every other point "
            "is an inspectorate inspection. Assessors differ in how strictly they grade, so these points are not "
            "directly comparable.")


@styled
def funnel_figure(points: pd.DataFrame, limits: pd.DataFrame, *, title: str, subtitle: str,
                  source: str | None = None, note: str | None = None):
    """Figure 6: funnel plot of forces, failure rate against files audited.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per force with ``group`` (label), ``n``, ``rate`` and
        ``outlier`` (empty string, or a description such as "above 99.8%").
        Optional columns: ``period`` (e.g. "2022") and ``assessor``
        (``inspectorate``, ``force_audit``, ``force_self_assessment``), which
        are written beside each point, and then every point is labelled;
        ``highlight`` (bool), the force the report is about, drawn in the
        highlight colour; ``data_kind``, which names the kind of data in the
        source line.
    limits : pandas.DataFrame
        The funnel, one row per n (increasing), with ``n``, ``centre``,
        ``low_95``, ``high_95``, ``low_998``, ``high_998``.
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line; default built from ``data_kind``.
    note : str, optional
        Printed above the source line. When ``assessor`` or ``data_kind``
        shows some points graded by a force itself (an assessor other than the
        inspectorate, or case-level files) among inspectorate inspections, a
        note saying so is always added (a force's own audit is never shown
        against other forces' inspections without one).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Forces as circles (outliers as diamonds); 95% limits dashed, 99.8%
        limits dotted, labelled at the right; labels placed where they
        collide with no other text, marker or line where possible.

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
    require_columns(points, ["group", "n", "rate", "outlier"], "points")
    require_columns(limits, ["n", "centre", "low_95", "high_95", "low_998", "high_998"], "limits")
    fig, ax = new_figure(title, subtitle, figure_source(points, source), figsize=(8.0, 6.0))
    ax.plot(limits["n"], limits["centre"], color=HIGHLIGHT, linewidth=1.5)
    last = limits.iloc[-1]
    curves = (("low_998", ":", "99.8%"), ("low_95", "--", "95%"), ("high_95", "--", "95%"), ("high_998", ":", "99.8%"))
    for col, style, _ in curves:
        ax.plot(limits["n"], limits[col], color=CATEGORICAL[4], linestyle=style, linewidth=1)
    flagged = (points["outlier"].fillna("").astype(str) != "").to_numpy()
    focus = points["highlight"].fillna(False).astype(bool).to_numpy() if "highlight" in points.columns else flagged
    ax.plot(points.loc[~focus & ~flagged, "n"], points.loc[~focus & ~flagged, "rate"], "o", color=GREY,
            markeredgecolor=CATEGORICAL[4])
    ax.plot(points.loc[focus & ~flagged, "n"], points.loc[focus & ~flagged, "rate"], "o", color=HIGHLIGHT)
    ax.plot(points.loc[flagged, "n"], points.loc[flagged, "rate"], "D", color=HIGHLIGHT)
    ax.set_ylim(0, 1)
    ax.set_xlim(0, float(last["n"]))
    ax.yaxis.set_major_formatter(lambda v, _: pct(v))
    ax.set_xlabel("Case files audited")
    ax.set_ylabel("Case files failing")
    labels = _point_labels(points)
    named = focus | flagged
    others = [i for i in sorted(range(len(points)), key=lambda i: labels[i]) if not named[i]]
    described = "period" in points.columns or "assessor" in points.columns
    key = {i: str(k) for k, i in enumerate(others, start=1)} if described else {}
    if key:
        add_note(fig, "Other forces: " + "; ".join(f"{key[i]} {labels[i].replace(chr(10), ' ')}" for i in others)
                 + ".")
    for text in filter(None, (note, _mixed_assessors_note(points))):
        add_note(fig, text)
    fit_layout(fig)  # labels are placed in the final plot area
    _limit_labels(ax, limits, curves)
    order = [*np.flatnonzero(named), *key]  # the named points first, then the numbered ones
    place_labels(ax, points["n"].to_numpy()[order], points["rate"].to_numpy()[order],
                 [labels[i] if named[i] else key[i] for i in order], points=(points["n"], points["rate"]),
                 fontsize=8)
    return fig, ax


def _limit_labels(ax, limits, curves) -> None:
    """Name each limit at the right end of its curve, nudged apart so that no two labels touch."""
    fig = ax.figure
    last = limits.iloc[-1]
    ys = [ax.transData.transform((last["n"], last[col]))[1] for col, _, _ in curves]
    size = 8
    moved = _spread(ys, 1.25 * size * fig.dpi / 72)
    for (col, _, text), y0, y1 in zip(curves, ys, moved, strict=True):
        ax.annotate(text, (last["n"], last[col]), xytext=(4, (y1 - y0) * 72 / fig.dpi), textcoords="offset points",
                    va="center", fontsize=size, color=CATEGORICAL[4], annotation_clip=False)
