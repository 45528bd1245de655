"""Making Data Count point types, and the variation and assurance of the latest point.

The rules of :func:`~inspection_analysis.stats.spc.special_causes` flag each
side of the centre; this module says which side is an improvement, settles a
point flagged on both sides, and gives the two summary "icons" of NHS
England's Making Data Count as data: the variation of the latest point and the
assurance that a target will be met.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import check_method
from inspection_analysis.stats.results import ResultMixin
from inspection_analysis.stats.special_causes import SpecialCauses

__all__ = ["IMPROVEMENT_DIRECTIONS", "POINT_TYPES", "LatestStatus", "classify_points", "assurance_type",
           "latest_status"]

#: ``"decrease"``: lower is better (a failure rate); ``"increase"``: higher is better (a pass rate).
IMPROVEMENT_DIRECTIONS = ("decrease", "increase", "neutral")
#: The point types, as NHSRplotthedots' ``ptd_calculate_point_type`` names them.
POINT_TYPES = ("common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral")

_LOW = ("beyond_low", "two_of_three_low", "shift_low", "trend_falling")
_HIGH = ("beyond_high", "two_of_three_high", "shift_high", "trend_rising")


def _sides(flags: SpecialCauses) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(flags, SpecialCauses):
        raise ValueError(f"flags must be the SpecialCauses of special_causes(), got {type(flags).__name__}")
    low = np.logical_or.reduce([getattr(flags, name) for name in _LOW])
    high = np.logical_or.reduce([getattr(flags, name) for name in _HIGH])
    return low, high


def classify_points(flags: SpecialCauses, *, improvement: str = "decrease") -> np.ndarray:
    """Each point's Making Data Count type: common cause, or special cause improving, concerning or neutral.

    Parameters
    ----------
    flags : SpecialCauses
        The rules' flags, from :func:`~inspection_analysis.stats.spc.special_causes`.
    improvement : {"decrease", "increase", "neutral"}, default "decrease"
        Which direction is an improvement: ``"decrease"`` for a failure rate,
        ``"increase"`` for a pass rate, ``"neutral"`` when neither is.

    Returns
    -------
    numpy.ndarray of str
        One of :data:`POINT_TYPES` per point: ``"common_cause"``,
        ``"special_cause_improvement"``, ``"special_cause_concern"`` or (only
        with ``improvement="neutral"``) ``"special_cause_neutral"``.

    Raises
    ------
    ValueError
        If ``flags`` is not a :class:`~inspection_analysis.stats.spc.SpecialCauses`
        or ``improvement`` is not one of the three directions.

    Notes
    -----
    A point is special cause when any rule switched on flags it. Its side is
    that of the rule: below the centre, below the lower limit or a falling
    trend is the low side; the high side likewise. With ``"decrease"`` the low
    side is an improvement and the high side a concern; with ``"increase"`` the
    reverse (NHSRplotthedots ``ptd_point_type`` [1]_).

    **Precedence.** A point can be flagged on both sides at once: the last
    point of a falling trend can be the first of a rising one, or a point
    beyond the upper limit can end a shift below the centre. Making Data Count's
    own Single Chart tool then shows **improvement** (NHSRplotthedots issue #194
    [2]_), and so does this function: improvement beats concern, whichever rule
    fired. (NHSRplotthedots' code instead takes the first of beyond-limit,
    trend, two-of-three and shift, its issue #200 being open on the question.)

    References
    ----------
    .. [1] NHS-R Community. NHSRplotthedots, R/ptd_calculate_point_type.R.
       https://github.com/nhs-r-community/NHSRplotthedots
    .. [2] Callus M. Upcoming Making Data Count change to two-sigma rule logic
       used in tools. NHSRplotthedots issue #194, 2023.

    Examples
    --------
    >>> from inspection_analysis.stats.special_causes import special_causes
    >>> flags = special_causes([0.5, 0.4, 0.9], [0.0, -3.5, 3.2])
    >>> classify_points(flags).tolist()
    ['common_cause', 'special_cause_improvement', 'special_cause_concern']
    >>> classify_points(flags, improvement="increase").tolist()
    ['common_cause', 'special_cause_concern', 'special_cause_improvement']
    """
    check_method(improvement, IMPROVEMENT_DIRECTIONS, "improvement")
    low, high = _sides(flags)
    if improvement == "neutral":
        return np.where(low | high, "special_cause_neutral", "common_cause")
    good, bad = (low, high) if improvement == "decrease" else (high, low)
    return np.where(good, "special_cause_improvement", np.where(bad, "special_cause_concern", "common_cause"))


def assurance_type(target: float, lcl: float, ucl: float, *, improvement: str = "decrease") -> str | None:
    """Making Data Count assurance: will the process consistently pass its target, fail it, or sometimes each?

    Parameters
    ----------
    target : float
        The target rate.
    lcl, ucl : float
        The lower and upper control limits the process is expected to stay within.
    improvement : {"decrease", "increase", "neutral"}, default "decrease"
        Which direction is an improvement (see :func:`classify_points`).

    Returns
    -------
    str or None
        ``"consistent_pass"``, ``"consistent_fail"`` or ``"inconsistent"``;
        None when ``improvement`` is ``"neutral"`` (no side passes).

    Raises
    ------
    ValueError
        If a value is not finite, ``lcl > ucl``, or ``improvement`` is unknown.

    Notes
    -----
    As NHSRplotthedots' ``ptd_calculate_assurance_type`` [1]_: a target above
    the upper limit is always met when lower is better (consistent pass) and
    never when higher is better (consistent fail); a target below the lower
    limit the reverse; a target between the limits, or on one, is met by some
    points and missed by others (inconsistent).

    References
    ----------
    .. [1] NHS-R Community. NHSRplotthedots, R/ptd_calculate_assurance_type.R.
       https://github.com/nhs-r-community/NHSRplotthedots

    Examples
    --------
    >>> assurance_type(0.30, 0.10, 0.25)
    'consistent_pass'
    >>> assurance_type(0.30, 0.10, 0.25, improvement="increase")
    'consistent_fail'
    >>> assurance_type(0.20, 0.10, 0.25)
    'inconsistent'
    """
    check_method(improvement, IMPROVEMENT_DIRECTIONS, "improvement")
    t, lo, hi = float(target), float(lcl), float(ucl)
    if not np.all(np.isfinite([t, lo, hi])):
        raise ValueError(f"target, lcl and ucl must be finite, got {target!r}, {lcl!r}, {ucl!r}")
    if lo > hi:
        raise ValueError(f"lcl {lcl!r} must not exceed ucl {ucl!r}")
    if improvement == "neutral":
        return None
    if t > hi:
        return "consistent_pass" if improvement == "decrease" else "consistent_fail"
    if t < lo:
        return "consistent_fail" if improvement == "decrease" else "consistent_pass"
    return "inconsistent"


@dataclass(frozen=True, repr=False)
class LatestStatus(ResultMixin):
    """The Making Data Count variation and assurance of the latest point, with their icons' names.

    Attributes
    ----------
    variation : str
        The latest point's type, one of :data:`POINT_TYPES`.
    variation_icon : str
        The Making Data Count variation icon, named as NHSRplotthedots'
        ``inst/icons/variation`` files: ``"common_cause"``,
        ``"improvement_low"`` or ``"improvement_high"`` (the improving side),
        ``"concern_high"`` or ``"concern_low"``, ``"neutral_high"`` or ``"neutral_low"``.
    assurance : str or None
        ``"consistent_pass"``, ``"consistent_fail"`` or ``"inconsistent"``
        (:func:`assurance_type` at the latest point's limits); None without a
        target or with a neutral direction.
    assurance_icon : str or None
        ``"pass"``, ``"fail"`` or ``"inconsistent"`` (NHSRplotthedots'
        ``inst/icons/assurance`` files); None when ``assurance`` is.
    """

    variation: str
    variation_icon: str
    assurance: str | None
    assurance_icon: str | None


def latest_status(flags: SpecialCauses, lcl, ucl, *, target: float | None = None,
                  improvement: str = "decrease") -> LatestStatus:
    """Variation and assurance of the latest point, as the two Making Data Count icons show them.

    Parameters
    ----------
    flags : SpecialCauses
        The rules' flags for the series (of its latest phase or all of it).
    lcl, ucl : array_like of float
        The control limits at each point; the latest point's are used.
    target : float or None, default None
        The target rate, if there is one.
    improvement : {"decrease", "increase", "neutral"}, default "decrease"
        Which direction is an improvement (see :func:`classify_points`).

    Returns
    -------
    LatestStatus
        See :class:`LatestStatus` for every attribute.

    Raises
    ------
    ValueError
        If the series is empty, ``lcl`` and ``ucl`` do not have one value per
        point, or as :func:`classify_points` and :func:`assurance_type` do.

    Notes
    -----
    Variation is the type of the latest point (:func:`classify_points`), and
    assurance compares the target with the latest point's limits, as
    NHSRplotthedots' ``ptd_get_icons`` does with the last row of a chart [1]_.
    The improvement icon points the improving way ("improvement_low" when lower
    is better); a neutral signal points to the side flagged, high when both are.

    References
    ----------
    .. [1] NHS-R Community. NHSRplotthedots, R/geom_ptd_icon.R.
       https://github.com/nhs-r-community/NHSRplotthedots

    Examples
    --------
    >>> from inspection_analysis.stats.special_causes import special_causes
    >>> flags = special_causes([0.5, 0.4, 0.1], [0.0, -0.5, -3.2])
    >>> s = latest_status(flags, [0.2, 0.2, 0.2], [0.6, 0.6, 0.6], target=0.7)
    >>> s.variation, s.variation_icon, s.assurance, s.assurance_icon
    ('special_cause_improvement', 'improvement_low', 'consistent_pass', 'pass')
    """
    types = classify_points(flags, improvement=improvement)
    low_arr, high_arr = np.asarray(lcl, dtype=float), np.asarray(ucl, dtype=float)
    if types.size == 0:
        raise ValueError("need at least one point")
    if low_arr.shape != types.shape or high_arr.shape != types.shape:
        raise ValueError(f"lcl {low_arr.shape} and ucl {high_arr.shape} need one value per point ({types.size})")
    variation = str(types[-1])
    _, high = _sides(flags)
    good, bad = ("low", "high") if improvement == "decrease" else ("high", "low")
    icon = {
        "common_cause": "common_cause",
        "special_cause_improvement": f"improvement_{good}",
        "special_cause_concern": f"concern_{bad}",
        "special_cause_neutral": "neutral_high" if high[-1] else "neutral_low",
    }[variation]
    assurance = None if target is None else assurance_type(target, low_arr[-1], high_arr[-1],
                                                           improvement=improvement)
    assurance_icon = None if assurance is None else {"consistent_pass": "pass", "consistent_fail": "fail",
                                                     "inconsistent": "inconsistent"}[assurance]
    return LatestStatus(variation=variation, variation_icon=icon, assurance=assurance,
                        assurance_icon=assurance_icon)
