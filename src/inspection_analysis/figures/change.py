"""The change in failure rate since the baseline, with its interval (figure 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.figures.style import (
    CATEGORICAL,
    HIGHLIGHT,
    SOURCE_PUBLISHED,
    new_figure,
    require_columns,
    styled,
)

__all__ = ["change_forest"]


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
        See :func:`inspection_analysis.figures.style.new_figure`.

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
    require_columns(changes, ["label", "difference", "difference_low", "difference_high"], "changes")
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
