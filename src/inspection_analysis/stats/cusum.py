"""Bernoulli CUSUM chart for case-by-case pass/fail data (qicharts2 ``bchart``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats._cusum_design import TOL, check_design, shifted_rate
from inspection_analysis.stats.results import ResultMixin

__all__ = ["BernoulliCusum", "bernoulli_cusum"]


@dataclass(frozen=True, repr=False)
class BernoulliCusum(ResultMixin):
    """The two one-sided Bernoulli CUSUMs of a 0/1 series, as qicharts2's ``bchart`` draws them.

    Attributes
    ----------
    x : numpy.ndarray of int
        The cases, 1 for a failure, in date order.
    upper : numpy.ndarray
        The CUSUM for a rise to ``p_upper`` (never negative).
    lower : numpy.ndarray
        The CUSUM for a fall to ``p_lower``, drawn below zero (never positive).
    signal_upper, signal_lower : numpy.ndarray of bool
        The case at which each CUSUM reached its limit (it then restarts at 0).
    p0 : float
        The in-control (baseline) failure rate.
    p_upper, p_lower : float
        The rates whose odds are ``odds_ratio`` times, and ``1 / odds_ratio``
        times, those of ``p0``.
    odds_ratio : float
        The smallest change the chart is tuned to detect.
    limit : float
        The control limit (``+limit`` and ``-limit``).
    """

    x: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    signal_upper: np.ndarray
    signal_lower: np.ndarray
    p0: float
    p_upper: float
    p_lower: float
    odds_ratio: float
    limit: float

    def to_frame(self):
        """One row per case: ``case`` (1-based), ``x``, ``upper``, ``lower`` and the two signals."""
        import pandas as pd

        return pd.DataFrame({
            "case": np.arange(1, self.x.size + 1), "x": self.x, "upper": self.upper, "lower": self.lower,
            "signal_upper": self.signal_upper, "signal_lower": self.signal_lower,
        })


def bernoulli_cusum(x, *, p0=None, baseline=None, odds_ratio: float = 2.0, limit: float = 3.5) -> BernoulliCusum:
    """Bernoulli CUSUM chart of case-by-case failures (qicharts2 ``bchart``).

    Parameters
    ----------
    x : array_like of {0, 1} or bool
        One entry per case file in date order, 1 (True) for a failure.
    p0 : float, optional
        The in-control failure rate, in (0, 1). By default the mean of the
        first ``baseline`` cases.
    baseline : int, optional
        With ``p0`` omitted, the number of leading cases whose mean is ``p0``
        (qicharts2's ``target > 1``); all cases by default.
    odds_ratio : float, default 2.0
        The change in odds to detect, above 1: the upper CUSUM tests for odds
        ``odds_ratio`` times ``p0``'s, the lower for ``1 / odds_ratio`` times
        (qicharts2's ``or = 2``).
    limit : float, default 3.5
        The control limit, positive (qicharts2's default 3.5). Choose it for an
        in-control run length with :func:`~inspection_analysis.stats.cusum_arl.cusum_limit_for_arl`.

    Returns
    -------
    BernoulliCusum
        Both CUSUMs and their signals; see :class:`BernoulliCusum`.

    Raises
    ------
    ValueError
        If ``x`` is not a non-empty one-dimensional 0/1 series, if ``p0``
        (given or estimated) is not strictly between 0 and 1, if ``baseline``
        is not between 1 and ``len(x)``, or for an invalid ``odds_ratio`` or
        ``limit``.

    Notes
    -----
    Each case adds its log-likelihood ratio, ``x log(p1/p0) + (1 - x)
    log((1 - p1)/(1 - p0))``, to a sum kept at or above 0 (Neuburger et al.
    [1]_, after Steiner et al. [2]_); the upper CUSUM uses ``p1 = p_upper``.
    The lower CUSUM accumulates the ratio for ``p_lower`` the same way and is
    drawn negated. A CUSUM signals at the case where it reaches ``limit``
    (within 1e-9) and restarts from 0, as qicharts2 does (qicharts2 restarts
    only above the limit, so the two differ only when a sum lands exactly on
    it). For a failure rate a lower-CUSUM signal is evidence of improvement.

    References
    ----------
    .. [1] Neuburger J, Walker K, Sherlaw-Johnson C, van der Meulen J, Cromwell
       DA. Comparison of control charts for monitoring clinical performance
       using binary data. BMJ Quality & Safety. 2017;26(11):919-928.
    .. [2] Steiner SH, Cook RJ, Farewell VT, Treasure T. Monitoring surgical
       performance using risk-adjusted cumulative sum charts. Biostatistics.
       2000;1(4):441-452.
    .. [3] Anhøj J. qicharts2: quality improvement charts (R package),
       R/bchart.R. https://github.com/anhoej/qicharts2

    Examples
    --------
    >>> chart = bernoulli_cusum([1, 1, 0, 1, 1, 1], p0=0.2, odds_ratio=16, limit=2.7)
    >>> chart.signal_upper.tolist()
    [False, True, False, False, True, False]
    """
    xa = np.asarray(x)
    if xa.ndim != 1 or xa.size == 0 or not np.all((xa == 0) | (xa == 1)):
        raise ValueError("x must be a non-empty one-dimensional series of 0 (pass) and 1 (failure)")
    xa = xa.astype(np.int64)
    if p0 is None:
        stop = xa.size if baseline is None else int(baseline)
        if not 1 <= stop <= xa.size or (baseline is not None and stop != baseline):
            raise ValueError(f"baseline must be a whole number of cases from 1 to {xa.size}, got {baseline!r}")
        p0 = xa[:stop].mean()
    p0, odds_ratio, limit = check_design(p0, odds_ratio, limit)
    p1, p2 = shifted_rate(p0, odds_ratio), shifted_rate(p0, 1 / odds_ratio)
    paths = []
    for p in (p1, p2):
        score = np.where(xa == 1, math.log(p / p0), math.log((1 - p) / (1 - p0)))
        path, signal, s = np.empty(xa.size), np.zeros(xa.size, dtype=bool), 0.0
        for i, step in enumerate(score):
            s = max(0.0, s + step)
            path[i] = s
            if s >= limit - TOL:
                signal[i], s = True, 0.0
        paths.append((path, signal))
    (up, sig_up), (down, sig_down) = paths
    return BernoulliCusum(x=xa, upper=up, lower=0.0 - down, signal_upper=sig_up, signal_lower=sig_down,
                          p0=p0, p_upper=p1, p_lower=p2, odds_ratio=odds_ratio, limit=limit)
