"""The NHS "Making Data Count" special-cause rules on a series of z-scores, as NHSRplotthedots applies them.

Each rule flags the low and the high side separately; which side is an
improvement is decided in :mod:`inspection_analysis.stats.point_types`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import check_method
from inspection_analysis.stats.results import ResultMixin

__all__ = ["SpecialCauses", "special_causes", "RULES", "SHIFT_RUN", "TREND_RUN"]

#: NHS "Making Data Count": a run of this many points on one side of the centre is a shift
#: (NHSRplotthedots ``ptd_seven_point_one_side_mean``; the Making Data Count Excel tool also allows 6).
SHIFT_RUN = 7
#: NHS "Making Data Count": this many points all rising (or all falling) is a trend
#: (NHSRplotthedots ``ptd_seven_point_trend``).
TREND_RUN = 7
#: The special-cause rules, by the prefix of their :class:`SpecialCauses` attributes.
RULES = ("beyond", "two_of_three", "shift", "trend")


@dataclass(frozen=True, repr=False)
class SpecialCauses(ResultMixin):
    """Which points each NHS "Making Data Count" rule flags, low side and high side.

    A rule switched off (left out of ``rules``) flags no point.

    Attributes
    ----------
    beyond_low, beyond_high : numpy.ndarray of bool
        The point lies below the lower (above the upper) 3-sigma limit.
    shift_low, shift_high : numpy.ndarray of bool
        The point belongs to a run of at least ``shift_length`` consecutive
        points below (above) the centre line.
    trend_falling, trend_rising : numpy.ndarray of bool
        The point belongs to a run of at least ``trend_length`` consecutive
        points each lower (higher) than the one before.
    two_of_three_low, two_of_three_high : numpy.ndarray of bool
        The point lies between 2 and 3 sigma below (above) the centre, in a
        window of three consecutive points all below (above) the centre at
        least two of which lie between 2 and 3 sigma.
    """

    beyond_low: np.ndarray
    beyond_high: np.ndarray
    shift_low: np.ndarray
    shift_high: np.ndarray
    trend_falling: np.ndarray
    trend_rising: np.ndarray
    two_of_three_low: np.ndarray
    two_of_three_high: np.ndarray


def _in_long_runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark the elements of every run of consecutive ``True`` at least ``length`` long."""
    out = np.zeros(flags.size, dtype=bool)
    start = None
    for i, flag in enumerate(np.append(flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _trend(steps: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` points linked by ``length - 1`` qualifying steps."""
    # a step i links point i and point i + 1
    in_run = _in_long_runs(steps, length - 1)
    out = np.zeros(steps.size + 1, dtype=bool)
    out[:-1] |= in_run
    out[1:] |= in_run
    return out


def _two_of_three(near: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Near-limit points in a window of three, all on ``side``, with two or more near the limit."""
    out = np.zeros(near.size, dtype=bool)
    for start in range(near.size - 2):
        window = slice(start, start + 3)
        if side[window].all() and near[window].sum() >= 2:
            out[window] |= near[window]
    return out


def _check_length(value, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 2:
        raise ValueError(f"{name} must be a whole number of at least 2 points, got {value!r}")
    return int(value)


def special_causes(values, z, *, shift_length: int = SHIFT_RUN, trend_length: int = TREND_RUN,
                   rules=RULES) -> SpecialCauses:
    """Apply the NHS "Making Data Count" special-cause rules to a series.

    Parameters
    ----------
    values : array_like of float
        The plotted rates, in time order (used for the trend rule).
    z : array_like of float
        Each point's distance from the centre in sigma units (``PChartLimits.z``).
    shift_length : int, default 7
        The shortest run on one side of the centre that is a shift (Making
        Data Count's Excel tool also offers 6).
    trend_length : int, default 7
        The fewest points all rising (or all falling) that are a trend.
    rules : collection of str, default all four
        The rules switched on, from ``"beyond"``, ``"two_of_three"``,
        ``"shift"`` and ``"trend"``; the flags of the others are all false.

    Returns
    -------
    SpecialCauses
        Boolean flags per point for each rule and side; see :class:`SpecialCauses`.

    Raises
    ------
    ValueError
        If ``values`` and ``z`` differ in length or hold non-finite numbers, a
        length is not a whole number of at least 2, or a rule is unknown.

    Notes
    -----
    The four rules of NHS England's "Making Data Count" [1]_, as NHSRplotthedots
    implements them [2]_ (``R/ptd_calculate_point_type.R``):

    * beyond a limit: ``|z| > 3``;
    * a shift: ``shift_length`` or more consecutive points on one side of the
      centre (a point exactly on the centre breaks the run);
    * a trend: ``trend_length`` or more consecutive points each higher (or each
      lower) than the last (a repeated value breaks it), whichever side of the
      centre they lie;
    * two of three: in a window of three consecutive points all on the same
      side of the centre, at least two lie between 2 and 3 sigma
      (``2 < |z| <= 3``); those points are flagged. Points beyond 3 sigma count
      towards the side but not towards the two (they are flagged by the first
      rule), as ``ptd_two_in_three`` after NHSRplotthedots issue #143 and as
      its issue #153 confirms. (Making Data Count announced in NHSRplotthedots
      issue #194 that its own tool would count points beyond 3 sigma too; this
      follows NHSRplotthedots.)

    Which side is an improvement is decided by :func:`classify_points`.

    References
    ----------
    .. [1] NHS England and NHS Improvement. Making Data Count: Getting started.
       2019. https://www.england.nhs.uk/publication/making-data-count/
    .. [2] NHS-R Community. NHSRplotthedots: Draw XmR charts for NHSE/I "Making
       Data Count". https://github.com/nhs-r-community/NHSRplotthedots

    Examples
    --------
    >>> flags = special_causes([0.5, 0.4, 0.9], [0.0, -0.5, 3.2])
    >>> flags.beyond_high.tolist()
    [False, False, True]
    >>> special_causes([0.3, 0.3, 0.3], [2.5, 1.0, 2.2]).two_of_three_high.tolist()
    [True, False, True]
    """
    v = np.asarray(values, dtype=float)
    za = np.asarray(z, dtype=float)
    if v.shape != za.shape or v.ndim != 1:
        raise ValueError(f"values {v.shape} and z {za.shape} must be one-dimensional and of one length")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(za))):
        raise ValueError("values and z must be finite numbers")
    shift_length = _check_length(shift_length, "shift_length")
    trend_length = _check_length(trend_length, "trend_length")
    on = {check_method(rule, RULES, "rule") for rule in ([rules] if isinstance(rules, str) else rules)}
    steps = np.diff(v)
    near = (np.abs(za) > 2) & (np.abs(za) <= 3)
    flags = {
        "beyond_low": za < -3,
        "beyond_high": za > 3,
        "shift_low": _in_long_runs(za < 0, shift_length),
        "shift_high": _in_long_runs(za > 0, shift_length),
        "trend_falling": _trend(steps < 0, trend_length)[: v.size],  # [: 0] for an empty series
        "trend_rising": _trend(steps > 0, trend_length)[: v.size],
        "two_of_three_low": _two_of_three(near, za < 0),
        "two_of_three_high": _two_of_three(near, za > 0),
    }
    off = np.zeros(v.size, dtype=bool)
    return SpecialCauses(**{name: flag if name.rsplit("_", 1)[0] in on else off for name, flag in flags.items()})
