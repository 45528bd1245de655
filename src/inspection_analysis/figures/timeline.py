"""Rounds along the x axis: on a time axis by their ``reference_date`` when the frame has one, so that gaps show
as gaps (eight years between 2018 and 2026 never look like one quarter), else evenly spaced and labelled."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from inspection_analysis.figures.style import wrap_labels

__all__ = ["round_positions", "on_time_axis", "short_round_label", "row_positions", "LONG_GAP_MONTHS"]

#: Rounds further apart than this are not consecutive quarters: figures that list rounds mark the gap.
LONG_GAP_MONTHS = 15
_DAYS_PER_MONTH = 365.25 / 12


def short_round_label(label: str) -> str:
    """A round's label cut to its year and quarter, for crowded labels: "2017 Q3 update" -> "2017 Q3".

    Examples
    --------
    >>> short_round_label("2017 Q3 update"), short_round_label("2018 post-inspection review"), short_round_label("x")
    ('2017 Q3', '2018', 'x')
    """
    words = str(label).split()
    if len(words) > 1 and words[1][:1] == "Q" and words[1][1:].isdigit():
        return " ".join(words[:2])
    return words[0] if words else str(label)


def on_time_axis(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` dates every round (a ``reference_date`` column with no missing value).

    Examples
    --------
    >>> import pandas as pd
    >>> on_time_axis(pd.DataFrame({"reference_date": ["2016-05-31"]})), on_time_axis(pd.DataFrame({"label": ["a"]}))
    (True, False)
    """
    return "reference_date" in frame.columns and bool(frame["reference_date"].notna().all())


def round_positions(ax, frame: pd.DataFrame) -> np.ndarray:
    """Place the rounds of ``frame`` along the x axis of ``ax`` and return their positions.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to set up.
    frame : pandas.DataFrame
        One row per round, in time order, with ``label`` and, optionally, ``reference_date`` (ISO dates).

    Returns
    -------
    numpy.ndarray
        With dates: matplotlib date numbers, the axis ticked by year (every year up to eight years, else every
        few years) and padded so that the first and last rounds are not on the edge; the caller labels the
        rounds directly. Without: ``0, 1, ..., n - 1`` with the wrapped round labels as ticks.

    Raises
    ------
    ValueError
        If a ``reference_date`` is not a date.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> fig, ax = plt.subplots()
    >>> x = round_positions(ax, pd.DataFrame({"label": ["2018", "2026"], "reference_date": ["2018-10-19", "2026-03-31"]}))
    >>> round(float((x[1] - x[0]) / 365.25), 1)
    7.4
    >>> plt.close(fig)
    """
    if not on_time_axis(frame):
        x = np.arange(len(frame), dtype=float)
        ax.set_xticks(x, wrap_labels(frame["label"]))
        return x
    import matplotlib.dates as mdates

    try:
        dates = pd.to_datetime(frame["reference_date"].astype(str), format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"reference_date must hold ISO dates, got {frame['reference_date'].tolist()}") from exc
    x = mdates.date2num(dates.to_numpy())
    span = max(float(x.max() - x.min()), 365.0)
    # From the first round's new year (so that its year is ticked) to past the last round, with room for labels.
    first_year = mdates.date2num(pd.Timestamp(year=int(dates.min().year), month=1, day=1))
    # A little before that new year, so that its tick label does not meet the y axis's lowest one in the corner.
    ax.set_xlim(min(first_year, x.min() - 0.05 * span - 30) - 0.03 * span, x.max() + 0.12 * span + 45)
    ax.xaxis.set_major_locator(mdates.YearLocator(base=max(1, math.ceil(span / 365.25 / 8))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return x


def _gap_words(days: float) -> str:
    months = round(days / _DAYS_PER_MONTH)
    years, months = divmod(months, 12)
    parts = [f"{years} year{'s' * (years != 1)}"] * bool(years) + [f"{months} month{'s' * (months != 1)}"] * bool(months)
    return " ".join(parts) + " later"


def row_positions(frame: pd.DataFrame) -> tuple[np.ndarray, list[tuple[float, str]]]:
    """Heights of the rounds of ``frame`` listed top to bottom, with a marked gap where rounds are far apart in time.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per round in time order; ``reference_date`` (ISO dates) is optional.

    Returns
    -------
    y : numpy.ndarray
        One height per row, the first row highest, one unit apart.
    gaps : list of (float, str)
        Where consecutive dated rounds are more than :data:`LONG_GAP_MONTHS` months apart, an extra
        0.8 of a unit between them, and the height and words ("7 years 5 months later") to write there.

    Examples
    --------
    >>> import pandas as pd
    >>> y, gaps = row_positions(pd.DataFrame({"reference_date": ["2017-12-31", "2018-10-19", "2026-03-31"]}))
    >>> y.tolist(), gaps
    ([2.8, 1.8, 0.0], [(0.9, '7 years 5 months later')])
    """
    slots, gaps, cur = [], [], 0.0
    days = np.zeros(len(frame))
    if on_time_axis(frame) and len(frame) > 1:
        dates = pd.to_datetime(frame["reference_date"].astype(str), format="ISO8601")
        days[1:] = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(float)
    for i in range(len(frame)):
        if i and days[i] > LONG_GAP_MONTHS * _DAYS_PER_MONTH:
            gaps.append((cur + 0.4 - 0.5, _gap_words(days[i])))
            cur += 0.8
        slots.append(cur)
        cur += 1
    top = slots[-1] if slots else 0.0
    return np.round(top - np.array(slots), 10), [(round(top - g, 10), text) for g, text in gaps]
