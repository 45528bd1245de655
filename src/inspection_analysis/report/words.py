"""The report's tables in words, for ``report.html`` and ``summary.md``.

The CSVs keep their machine-readable columns (``rate_baseline``, ``ci_low``,
``pvalue_improvement``); a reader of the report sees the same numbers with
headings in words, rates as percentages with their intervals, p-values as a
statistician writes them (``p < 0.001``, ``p = 0.15``), rounds by their label
and "not published" where nothing was. Pure formatting: every number comes
from the tables the report wrote, and a suppressed cell (``[c]``) is shown as
it is.
"""

from __future__ import annotations

import pandas as pd

from inspection_analysis.analysis.wording import format_p

__all__ = ["COMPARISON_KINDS", "NOT_PUBLISHED", "percent", "interval", "p_value", "rates_in_words",
           "comparisons_in_words"]

#: What a cell shows when the sources published nothing for it.
NOT_PUBLISHED = "not published"


#: How each ``kind`` of comparison reads: what the second round is compared with.
COMPARISON_KINDS = {"from baseline": "the baseline", "consecutive": "the round before"}


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def percent(value, digits: int = 1, *, signed: bool = False, missing: str = NOT_PUBLISHED) -> str:
    """A proportion as a percentage (``0.74332 -> '74.3%'``); text such as ``[c]`` is kept.

    Examples
    --------
    >>> percent(0.7433155), percent(-0.0502, signed=True), percent(None), percent("[c]")
    ('74.3%', '-5.0%', 'not published', '[c]')
    """
    if isinstance(value, str):
        return value
    if _missing(value):
        return missing
    return f"{100 * float(value):{'+' if signed else ''}.{digits}f}%"


def interval(estimate, low, high, *, signed: bool = False, unit: str = "%", missing: str = NOT_PUBLISHED) -> str:
    """An estimate with its interval in words: ``'74.3% (69.7% to 78.5%)'``.

    With ``unit="points"`` the numbers are percentage points without a ``%``
    sign (the heading names the unit). A suppressed or missing limit shows
    the estimate alone.

    Examples
    --------
    >>> interval(0.7433, 0.6967, 0.7850)
    '74.3% (69.7% to 78.5%)'
    >>> interval(-0.0502, -0.1185, 0.0175, signed=True, unit="points")
    '-5.0 (-11.8 to +1.8)'
    >>> interval("[c]", "[c]", "[c]"), interval(None, None, None)
    ('[c]', 'not published')
    """
    def one(v):
        text = percent(v, signed=signed, missing=missing)
        return text.removesuffix("%") if unit == "points" and not isinstance(v, str) and not _missing(v) else text

    if isinstance(estimate, str) or _missing(estimate):
        return one(estimate)
    if isinstance(low, str) or isinstance(high, str) or _missing(low) or _missing(high):
        return one(estimate)
    return f"{one(estimate)} ({one(low)} to {one(high)})"


def p_value(value) -> str:
    """A p-value as a statistician writes it (see :func:`~inspection_analysis.analysis.wording.format_p`).

    Examples
    --------
    >>> p_value(1.84e-06), p_value(0.1517), p_value(0.0758), p_value(0.9999995), p_value(None), p_value("[c]")
    ('p < 0.001', 'p = 0.15', 'p = 0.0758', 'p > 0.99', 'not available', '[c]')
    """
    if isinstance(value, str):
        return value
    if _missing(value):
        return "not available"
    if float(value) > 0.99:  # format_p would round it up to "p = 1.00"
        return "p > 0.99"
    return format_p(float(value))


def _count(value) -> str:
    if isinstance(value, str):
        return value
    return NOT_PUBLISHED if _missing(value) else f"{int(value):,}"


def rates_in_words(rates: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """Each round's failure rate with its interval, headings in words.

    Parameters
    ----------
    rates : pandas.DataFrame
        The report's rates table (``label``, ``n``, ``failures``, ``rate``,
        ``ci_low``, ``ci_high``), possibly with suppressed cells.
    confidence_level : float, default 0.95
        Named in the heading of the interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``Round``, ``Case files audited``, ``Failing (requires
        improvement or inadequate)`` and ``Failure rate (95% interval)``, all
        text; "not published" where the sources gave nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["2016 inspection", "2017 Q2 update"], "n": [374, 170],
    ...                   "failures": [278, None], "rate": [278 / 374, None], "ci_low": [0.6967, None],
    ...                   "ci_high": [0.7850, None]})
    >>> rates_in_words(t).iloc[:, 1:].values.tolist()
    [['374', '278', '74.3% (69.7% to 78.5%)'], ['170', 'not published', 'not published']]
    """
    return pd.DataFrame({
        "Round": rates["label"].astype(str),
        "Case files audited": [_count(v) for v in rates["n"]],
        "Failing (requires improvement or inadequate)": [_count(v) for v in rates["failures"]],
        f"Failure rate ({confidence_level:.0%} interval)": [
            interval(r.rate, r.ci_low, r.ci_high) for r in rates.itertuples()],
    })


def comparisons_in_words(comparisons: pd.DataFrame, labels: dict[str, str],
                         confidence_level: float = 0.95) -> pd.DataFrame:
    """Every comparison between rounds, headings in words.

    Parameters
    ----------
    comparisons : pandas.DataFrame
        The report's comparisons table (``kind``, ``baseline``, ``follow_up``,
        the rates and their limits, ``difference`` and its limits, ``pvalue``,
        ``pvalue_improvement``, ``min_detectable_improvement``, ``verdict``).
    labels : dict of str to str
        Round id to its label.
    confidence_level : float, default 0.95
        Named in the headings.

    Returns
    -------
    pandas.DataFrame
        One row per comparison, all text.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"kind": ["from baseline"], "baseline": ["a"], "follow_up": ["b"],
    ...     "rate_baseline": [0.7433], "rate_baseline_low": [0.6967], "rate_baseline_high": [0.7850],
    ...     "rate_follow_up": [0.6931], "rate_follow_up_low": [0.6390], "rate_follow_up_high": [0.7423],
    ...     "difference": [-0.0502], "difference_low": [-0.1185], "difference_high": [0.0175],
    ...     "pvalue": [0.1517], "pvalue_improvement": [0.0758], "min_detectable_improvement": [0.0879],
    ...     "verdict": ["no significant change"]})
    >>> comparisons_in_words(c, {"a": "2016", "b": "2018"}).iloc[0].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['2016 to 2018', 'the baseline', '74.3% (69.7% to 78.5%)', '69.3% (63.9% to 74.2%)',
     '-5.0 (-11.8 to +1.8)', 'p = 0.15', 'p = 0.0758', '8.8', 'no significant change']
    """
    level = f"{confidence_level:.0%}"
    name = labels.get
    return pd.DataFrame({
        "Rounds compared": [f"{name(r.baseline, r.baseline)} to {name(r.follow_up, r.follow_up)}"
                            for r in comparisons.itertuples()],
        "Compared with": [COMPARISON_KINDS.get(k, k) for k in comparisons["kind"].astype(str)],
        f"Failure rate, first round ({level} interval)": [
            interval(r.rate_baseline, r.rate_baseline_low, r.rate_baseline_high) for r in comparisons.itertuples()],
        f"Failure rate, second round ({level} interval)": [
            interval(r.rate_follow_up, r.rate_follow_up_low, r.rate_follow_up_high)
            for r in comparisons.itertuples()],
        f"Change (percentage points, {level} interval)": [
            interval(r.difference, r.difference_low, r.difference_high, signed=True, unit="points")
            for r in comparisons.itertuples()],
        "Test of any change (two-sided)": [p_value(v) for v in comparisons["pvalue"]],
        "Test of an improvement (one-sided)": [p_value(v) for v in comparisons["pvalue_improvement"]],
        "Smallest improvement detectable (percentage points, 80% power)": [
            percent(v, missing="not available").removesuffix("%") for v in comparisons["min_detectable_improvement"]],
        "Verdict": comparisons["verdict"].astype(str),
    })
