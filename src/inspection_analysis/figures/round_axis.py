"""The finish shared by charts of rounds in time order: a note under the chart, wrapped round labels, a % axis."""

from __future__ import annotations

import numpy as np

from inspection_analysis.figures.style import add_note, percent_axis, wrap_labels

__all__ = ["finish_round_chart"]


def finish_round_chart(fig, ax, labels, note: str = "", *, right: float = 0.85, bottom: float = 0.26) -> None:
    """Print ``note`` under the chart, label the rounds along x and show the failure rate as a percentage.

    Examples
    --------
    >>> from inspection_analysis.figures.style import new_figure
    >>> fig, ax = new_figure("Rounds", "Test", "Source: test")
    >>> finish_round_chart(fig, ax, ["2016 inspection", "2018"], "A note.")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2016\\ninspection', '2018']
    """
    fig.subplots_adjust(right=right, bottom=bottom)
    ax.set_xticks(np.arange(len(labels)), wrap_labels(labels))
    percent_axis(ax, "y", "Case files failing", limits=False)
    if note:
        add_note(fig, note)  # above the source line; the layout keeps it off the plot and its labels
