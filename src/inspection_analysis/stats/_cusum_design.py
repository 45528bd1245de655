"""Design quantities shared by the Bernoulli CUSUM chart and its run-length calculations."""

from __future__ import annotations

import math

from inspection_analysis.stats.checks import check_probability

#: CUSUM sides: "upper" detects a rise in the failure rate, "lower" a fall (an improvement).
SIDES = ("upper", "lower")
#: A statistic within this of the limit counts as reaching it (floating-point rounding).
TOL = 1e-9


def shifted_rate(p0: float, odds_ratio: float) -> float:
    """The rate whose odds are ``odds_ratio`` times those of ``p0``."""
    odds = odds_ratio * p0 / (1 - p0)
    return odds / (1 + odds)


def check_design(p0, odds_ratio, limit=None):
    """Check ``p0`` in (0, 1), ``odds_ratio`` above 1 and (if given) ``limit`` positive; return floats."""
    p0 = float(check_probability(p0, "p0", closed=False))
    odds_ratio = float(odds_ratio)
    if not (odds_ratio > 1 and math.isfinite(odds_ratio)):
        raise ValueError(f"odds_ratio must be a finite number above 1, got {odds_ratio!r}")
    if limit is not None:
        limit = float(limit)
        if not (limit > 0 and math.isfinite(limit)):
            raise ValueError(f"limit must be a positive finite number, got {limit!r}")
    return p0, odds_ratio, limit
