"""Run-chart analysis by Anhøj's rules: unusually long runs and unusually few crossings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.results import ResultMixin

__all__ = ["RunsAnalysis", "runs_analysis", "longest_run_max", "crossings_min"]


def longest_run_max(n_useful):
    """Anhøj's upper limit for the longest run: ``round(log2(n_useful)) + 3``.

    Parameters
    ----------
    n_useful : int or array_like of int
        Useful points (not on the centre line), at least 1.

    Returns
    -------
    int or numpy.ndarray of int
        The longest run expected in a random process; a longer one signals.

    Raises
    ------
    ValueError
        If a count is not a whole number of at least 1.

    Notes
    -----
    The approximate upper 95% prediction limit of the longest run of a random
    sequence, after Schilling [1]_, as qicharts2's ``runs.analysis`` computes it [2]_.

    References
    ----------
    .. [1] Schilling MF. The surprising predictability of long runs.
       Mathematics Magazine. 2012;85(2):141-149.
    .. [2] Anhoej J, Olesen AV. Run charts revisited: a simulation study of run
       chart rules for detection of non-random variation in health care
       processes. PLoS One. 2014;9(11):e113825.

    Examples
    --------
    >>> longest_run_max(24)
    8
    """
    n = _useful(n_useful)
    out = np.round(np.log2(n)).astype(int) + 3
    return int(out) if out.ndim == 0 else out


def crossings_min(n_useful):
    """Anhøj's lower limit for the number of crossings: the 5th percentile of Binomial(n_useful - 1, 0.5).

    Parameters
    ----------
    n_useful : int or array_like of int
        Useful points (not on the centre line), at least 1.

    Returns
    -------
    int or numpy.ndarray of int
        R's ``qbinom(0.05, n_useful - 1, 0.5)``; fewer crossings signal.

    Raises
    ------
    ValueError
        If a count is not a whole number of at least 1.

    Notes
    -----
    In a random sequence each of the ``n_useful - 1`` steps crosses the centre
    with probability one half (Chen [1]_), as qicharts2 computes it [2]_.

    References
    ----------
    .. [1] Chen Z. A note on the runs test. Model Assisted Statistics and
       Applications. 2010;5:73-77.
    .. [2] Anhoej J. qicharts2, R/helper.functions.R (``runs.analysis``).
       https://github.com/anhoej/qicharts2

    Examples
    --------
    >>> crossings_min(24)
    8
    """
    from scipy.stats import binom

    n = _useful(n_useful)
    out = binom.ppf(0.05, n - 1, 0.5).astype(int)
    return int(out) if out.ndim == 0 else out


def _useful(n_useful) -> np.ndarray:
    arr = np.asarray(n_useful)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.any(arr != np.round(arr)) \
            or np.any(arr < 1):
        raise ValueError(f"n_useful must be a whole number of at least 1, got {n_useful!r}")
    return arr.astype(int)


@dataclass(frozen=True, repr=False)
class RunsAnalysis(ResultMixin):
    """Anhøj's runs analysis of a series around its centre line.

    Attributes
    ----------
    n_useful : int
        The points not on the centre line.
    longest_run : int
        The most consecutive useful points on one side of the centre.
    longest_run_max : int or None
        ``round(log2(n_useful)) + 3``: a longer run signals (None with no useful point).
    crossings : int
        How many times consecutive useful points lie on opposite sides.
    crossings_min : int or None
        The 5th percentile of Binomial(n_useful - 1, 0.5): fewer crossings
        signal (None with no useful point).
    signal : bool
        ``longest_run > longest_run_max`` or ``crossings < crossings_min``:
        non-random variation, a shift in the process.
    """

    n_useful: int
    longest_run: int
    longest_run_max: int | None
    crossings: int
    crossings_min: int | None
    signal: bool


def runs_analysis(values, centre) -> RunsAnalysis:
    """Anhøj's rules for a run chart: a shift shows as an unusually long run or unusually few crossings.

    Parameters
    ----------
    values : array_like of float
        The plotted values (rates), in time order.
    centre : float or array_like of float
        The centre line: one value (a run chart's median of a baseline) or one per point.

    Returns
    -------
    RunsAnalysis
        See :class:`RunsAnalysis` for every attribute.

    Raises
    ------
    ValueError
        If ``values`` is not one-dimensional, ``centre`` has neither one value
        nor one per point, or a value is not finite.

    Notes
    -----
    As qicharts2's ``runs.analysis`` [1]_ with its default ``method = "anhoej"``:
    points exactly on the centre line neither break nor contribute to a run,
    and are dropped; a run is a maximal block of consecutive remaining points
    on one side; the crossings are the number of runs less one. The series
    signals when its longest run exceeds ``round(log2(n_useful)) + 3``
    (Schilling [2]_) or its crossings fall below ``qbinom(0.05, n_useful - 1,
    0.5)`` (Chen [3]_); Anhøj and Olesen [4]_ show the pair detects moderate,
    persistent shifts from as few as 10 points. With no useful point nothing
    signals, and the two limits are None (qicharts2 gives NA).

    References
    ----------
    .. [1] Anhoej J. qicharts2, R/helper.functions.R (``runs.analysis``,
       ``crsignal``). https://github.com/anhoej/qicharts2
    .. [2] Schilling MF. The surprising predictability of long runs.
       Mathematics Magazine. 2012;85(2):141-149.
    .. [3] Chen Z. A note on the runs test. Model Assisted Statistics and
       Applications. 2010;5:73-77.
    .. [4] Anhoej J, Olesen AV. Run charts revisited: a simulation study of run
       chart rules for detection of non-random variation in health care
       processes. PLoS One. 2014;9(11):e113825.

    Examples
    --------
    >>> res = runs_analysis([1, 2, 1, 2, 3, 4, 5, 4, 5, 4], 3)
    >>> res.n_useful, res.longest_run, res.longest_run_max, res.crossings, res.crossings_min, res.signal
    (9, 5, 6, 1, 2, True)
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {v.shape}")
    c = np.asarray(centre, dtype=float)
    if c.shape not in ((), v.shape):
        raise ValueError(f"centre must be one value or one per point ({v.size}), got shape {c.shape}")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(c))):
        raise ValueError("values and centre must be finite numbers")
    side = np.sign(v - c)
    side = side[side != 0]
    if side.size == 0:
        return RunsAnalysis(n_useful=0, longest_run=0, longest_run_max=None, crossings=0, crossings_min=None,
                            signal=False)
    starts = np.flatnonzero(np.diff(side, prepend=0))
    lengths = np.diff(np.append(starts, side.size))
    longest, crossings = int(lengths.max()), int(lengths.size - 1)
    run_max, cross_min = longest_run_max(side.size), crossings_min(side.size)
    return RunsAnalysis(n_useful=int(side.size), longest_run=longest, longest_run_max=run_max, crossings=crossings,
                        crossings_min=cross_min, signal=bool(longest > run_max or crossings < cross_min))
