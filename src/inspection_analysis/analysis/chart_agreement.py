"""Does the monitoring chart tell the same story as the pairwise tests against the baseline?

A p-chart with limits frozen on the baseline round and the exact test of each
later round against it ask nearly the same question in two ways: 3-sigma
limits for the later round's binomial spread around the baseline rate, and a
test at ``alpha`` that also counts the baseline's own sampling error. They
usually agree; :func:`chart_against_tests` finds where they do not and says why,
so a report never sets a chart's finding beside a test's without explanation.
"""

from __future__ import annotations

import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.compare import VERDICTS

__all__ = ["chart_against_tests"]

# chart point type -> the pairwise verdict that tells the same story
_SAME = {"concern": VERDICTS[1], "improvement": VERDICTS[0], "common cause": VERDICTS[2]}


def chart_against_tests(chart_table, comparisons, *, baseline) -> tuple[pd.DataFrame, str]:
    """Each later round's chart signal beside its pairwise verdict against the baseline.

    Parameters
    ----------
    chart_table : pandas.DataFrame
        ``PhasedPChart.table`` (``round_id``, ``label``, ``point_type``).
    comparisons : pandas.DataFrame
        ``series_comparisons`` or ``compare_rounds`` rows with ``baseline``,
        ``follow_up``, ``verdict`` and ``pvalue``.
    baseline : str
        The baseline round.

    Returns
    -------
    table : pandas.DataFrame
        One row per later round on the chart with a comparison: ``round_id``,
        ``label``, ``point_type``, ``verdict``, ``pvalue`` and ``agree``.
    sentence : str
        The agreement in words; where they differ, why.

    Raises
    ------
    ValueError
        If a column is missing.

    Notes
    -----
    A failure rate's "concern" matches a significant deterioration,
    "improvement" a significant improvement and common cause no significant
    change. They can differ near the boundary: 3-sigma limits are stricter
    than a 5% test, but ignore the sampling error of the baseline rate they
    are centred on.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = pd.DataFrame({"round_id": ["a", "b"], "label": ["A", "B"], "point_type": ["common cause", "concern"]})
    >>> comp = pd.DataFrame({"baseline": ["a"], "follow_up": ["b"], "verdict": ["significant deterioration"],
    ...                      "pvalue": [0.001]})
    >>> chart_against_tests(chart, comp, baseline="a")[0]["agree"].tolist()
    [True]
    """
    for frame, cols, name in ((chart_table, ("round_id", "label", "point_type"), "chart_table"),
                              (comparisons, ("baseline", "follow_up", "verdict", "pvalue"), "comparisons")):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}")
    pairs = comparisons[comparisons["baseline"] == baseline][["follow_up", "verdict", "pvalue"]]
    table = chart_table[["round_id", "label", "point_type"]].merge(pairs, left_on="round_id", right_on="follow_up")
    table = table.drop(columns="follow_up")
    table["agree"] = [_SAME.get(t) == v for t, v in zip(table["point_type"], table["verdict"], strict=True)]
    if table.empty:
        return table, "No later round has both a chart point and a comparison with the baseline."
    if table["agree"].all():
        return table, ("The chart and the exact tests against the baseline agree on every later round: "
                       + "; ".join(f"the {r.label} is {r.point_type} on the chart and {r.verdict} "
                                   f"({say.format_p(r.pvalue)})" for r in table.itertuples()) + ".")
    odd = table[~table["agree"]]
    return table, ("The chart and the exact tests against the baseline differ on "
                   + "; ".join(f"the {r.label} ({r.point_type} on the chart, {r.verdict} by the test, "
                               f"{say.format_p(r.pvalue)})" for r in odd.itertuples())
                   + ". They ask slightly different questions: the 3-sigma limits are stricter than a 5% test "
                     "but ignore the sampling error of the baseline rate they are centred on; the test counts "
                     "it. Read such a round as borderline.")
