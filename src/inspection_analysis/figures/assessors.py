"""The grades two assessors gave the same round, and the bounds on their agreement (figure 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.figures.sources import figure_source
from inspection_analysis.figures.style import (
    CATEGORICAL,
    add_note,
    new_figure,
    pct,
    percent_axis,
    require_columns,
    styled,
)

__all__ = ["assessor_figure"]


@styled
def assessor_figure(marginals: pd.DataFrame, agreement_low: float, agreement_high: float, *, title: str,
                    subtitle: str, source: str | None = None):
    """Figure 7: two assessors' gradings of the same cases and their possible agreement.

    Parameters
    ----------
    marginals : pandas.DataFrame
        One row per assessor with ``assessor`` (label) and ``rate`` (share of
        the cases that assessor graded failing); an optional ``data_kind``
        column names the kind of data in the source line.
    agreement_low, agreement_high : float
        The bounds on the share of cases both assessors graded alike, implied by
        the two marginal distributions.
    title, subtitle : str
        See :func:`inspection_analysis.figures.style.new_figure`.
    source : str, optional
        The source line; default built from ``data_kind``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        One bar per assessor (different hatching), labelled with its rate, and
        the agreement bounds in a note above the source line.

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
    require_columns(marginals, ["assessor", "rate"], "marginals")
    if len(marginals) > 4:
        raise ValueError(f"at most four assessors can be shown, got {len(marginals)}")
    if not 0 <= agreement_low <= agreement_high <= 1:
        raise ValueError(f"agreement bounds must satisfy 0 <= low <= high <= 1, got {agreement_low}, {agreement_high}")
    fig, ax = new_figure(title, subtitle, figure_source(marginals, source))
    y = np.arange(len(marginals))[::-1]
    for yi, row, colour, hatch in zip(y, marginals.itertuples(), CATEGORICAL, ("", "//", "..", "xx"), strict=False):
        ax.barh(yi, row.rate, color=colour, hatch=hatch, edgecolor="white")
        ax.text(row.rate + 0.01, yi, pct(row.rate), va="center", color=CATEGORICAL[4])
    ax.set_yticks(y, marginals["assessor"].astype(str).tolist())
    ax.grid(False, axis="y")  # afcharts grids the value axis, here x
    ax.grid(True, axis="x")
    percent_axis(ax, "x", "Share of the same cases graded requires improvement or inadequate")
    add_note(fig, f"Agreement between the two gradings: between {pct(agreement_low)} and {pct(agreement_high)} "
             "of cases (bounds from the two distributions alone).")
    return fig, ax
