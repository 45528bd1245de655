"""The run chart of a force's failure rate, read by Anhøj's rules: unusually long runs or few crossings.

Run charts need no control limits and so suit the short quarterly series
where limits mean little: the rules of ``stats.runs_analysis`` (qicharts2's
``runs.analysis``) detect a persistent shift from as few as 10 points. The
sentence says plainly when a series is too short for either rule to fire.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis.series import DescribedResult, force_series, series_doc
from inspection_analysis.stats.runs import RunsAnalysis, runs_analysis

__all__ = ["RunChartResult", "run_chart", "ANHOEJ_MIN_POINTS"]

#: Anhøj and Olesen (2014) found the rules useful from this many useful points.
ANHOEJ_MIN_POINTS = 10


@dataclass(frozen=True)
class RunChartResult(DescribedResult):
    """A run chart of a force's failure rate around its median, with Anhøj's runs analysis.

    Attributes
    ----------
    force : str
        The force code.
    table : pandas.DataFrame
        One row per round with failure counts, in time order: ``round_id``,
        ``label``, ``n``, ``failures``, ``rate``, ``centre`` (the median) and
        ``side`` (``"above"``, ``"below"`` or ``"on"`` the median).
    median : float
        The centre line: the median rate of the first ``freeze`` rounds, or of all.
    runs : RunsAnalysis
        ``stats.runs_analysis``: ``n_useful``, ``longest_run``,
        ``longest_run_max``, ``crossings``, ``crossings_min``, ``signal``.
    can_signal : bool
        Whether any series of this many useful points could signal at all.
    sentence : str
        What the run chart shows.
    warnings : tuple of str
        A series shorter than 10 useful points; rounds left out.
    """

    force: str
    table: pd.DataFrame
    median: float
    runs: RunsAnalysis
    can_signal: bool
    sentence: str
    warnings: tuple[str, ...]


@series_doc
def run_chart(counts, force="mps", *, rounds, freeze=None) -> RunChartResult:
    """A run chart of a force's failure rate, with Anhøj's rules for non-random variation.

    Parameters
    ----------
    <series>
    freeze : int or None, default None
        Take the median of the first ``freeze`` rounds only (qicharts2
        ``freeze``); None uses every round.

    Returns
    -------
    RunChartResult
        See :class:`RunChartResult` for every attribute.

    Raises
    ------
    ValueError
        If no round has failure counts, or ``freeze`` is not a whole number
        from 1 to the number of rounds.

    Notes
    -----
    The run chart plots each round's rate around the median (qicharts2 ``qic``
    with ``chart = "run"``). Points on the median are not useful. A run longer
    than ``round(log2(n_useful)) + 3`` or fewer crossings than
    ``qbinom(0.05, n_useful - 1, 0.5)`` signals a shift (Anhøj and Olesen
    [1]_). With ``n_useful`` points the longest run can be at most
    ``n_useful``, so nothing can signal until ``n_useful`` exceeds
    ``round(log2(n_useful)) + 3`` or ``qbinom`` gives at least 1: the sentence
    then says that no series of this length could signal.

    References
    ----------
    .. [1] Anhoej J, Olesen AV. Run charts revisited: a simulation study of run
       chart rules for detection of non-random variation in health care
       processes. PLoS One. 2014;9(11):e113825.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": list("abcd"), "n": [100] * 4, "failures": [50, 60, 40, 45]})
    >>> reg = pd.DataFrame({"round_id": list("abcd"), "force": "x", "reference_date": list("1234")})
    >>> res = run_chart(counts, "x", rounds=reg)
    >>> res.median, res.runs.signal, res.can_signal
    (0.475, False, False)
    """
    table, warnings = force_series(counts, force, rounds)
    if table.empty:
        raise ValueError(f"no round of force {force!r} has failure counts")
    rate = table["rate"].to_numpy(dtype=float)
    if freeze is not None and (isinstance(freeze, bool) or int(freeze) != freeze or not 1 <= freeze <= rate.size):
        raise ValueError(f"freeze must be a whole number of rounds from 1 to {rate.size}, got {freeze!r}")
    median = float(np.median(rate[: int(freeze)] if freeze is not None else rate))
    table["centre"] = median
    table["side"] = np.select([rate > median, rate < median], ["above", "below"], default="on")
    runs = runs_analysis(rate, median)
    useful = runs.n_useful
    can_signal = bool(useful and (useful > runs.longest_run_max or runs.crossings_min > 0))
    warnings = [w for w in warnings if w.startswith("left out")]
    if useful < ANHOEJ_MIN_POINTS:
        warnings.insert(0, f"only {useful} useful point{'s' if useful != 1 else ''} (off the median): Anhøj's "
                           f"rules detect shifts reliably from about {ANHOEJ_MIN_POINTS}")
    head = (f"Around a median of {100 * median:.0f}% across {len(table)} rounds ({useful} useful "
            f"point{'s' if useful != 1 else ''}), the longest run is {runs.longest_run} and the series crosses the "
            f"median {runs.crossings} time{'s' if runs.crossings != 1 else ''}")
    if not can_signal:
        tail = (f": no series of {useful} points could signal (a run would need more than {runs.longest_run_max} "
                "points, and no number of crossings is too few), so the run chart cannot yet tell a shift from "
                "random variation.") if useful else ": every point lies on the median, so nothing can signal."
    elif runs.signal:
        tail = (f", which signals non-random variation (a run above {runs.longest_run_max} or fewer than "
                f"{runs.crossings_min} crossings): the process has shifted.")
    else:
        tail = (f", within Anhøj's limits (longest run at most {runs.longest_run_max}, at least "
                f"{runs.crossings_min} crossings): no sign of non-random variation.")
    return RunChartResult(force=force, table=table, median=median, runs=runs, can_signal=can_signal,
                          sentence=head + tail, warnings=tuple(warnings))
