"""The SPC p-chart of a force's failure rate across its rounds, with NHS "Making Data Count" rules.

The rounds and their counts come from :mod:`inspection_analysis.analysis.series`
(rounds without failure counts are left out and named in the warnings, never
imputed); the limits and the special-cause rules from
:mod:`inspection_analysis.stats.spc`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.series import DescribedResult, force_series, series_doc
from inspection_analysis.stats.point_types import classify_points
from inspection_analysis.stats.spc import LANEY_MIN_POINTS, p_chart_limits
from inspection_analysis.stats.special_causes import special_causes

__all__ = ["PChartResult", "p_chart", "MIN_POINTS_FOR_LIMITS"]

#: NHS "Making Data Count": fewer points than this and control limits are trial limits.
MIN_POINTS_FOR_LIMITS = 12


@dataclass(frozen=True)
class PChartResult(DescribedResult):
    """A p-chart of a force's failure rate with the NHS special-cause rules applied.

    Attributes
    ----------
    force : str
        The force code.
    table : pandas.DataFrame
        One row per round in time order: ``round_id``, ``label``, ``n``,
        ``failures``, ``rate``, ``centre``, ``lcl``, ``ucl``, ``sigma_score``
        (distance from the centre in sigma units), ``zone`` (``"within 1
        sigma"``, ``"1 to 2 sigma"``, ``"2 to 3 sigma"``, ``"beyond 3
        sigma"``), ``rules`` (the rules that flag the point, joined by ", ")
        and ``special_cause`` (``"improvement"``, ``"concern"`` or ``"common cause"``).
    laney : bool
        Whether Laney's p' limits were used.
    dispersion_ratio : float
        Laney's sigma_z (about 1 when the binomial model fits).
    sentence : str
        What the chart shows.
    warnings : tuple of str
        Trial limits, rounds left out, mixed assessors or scales, over-dispersion.
    limits : str
        The limits drawn, ``"p"`` or ``"laney p'"``, for the subtitle to name.
    """

    force: str
    table: pd.DataFrame
    laney: bool
    dispersion_ratio: float
    sentence: str
    warnings: tuple[str, ...]
    limits: str = "p"


# (flag attribute, rule name): the rules named in the table; a point's class is
# stats.point_types.classify_points' (improvement beats concern, as Making Data Count).
_RULES = (
    ("beyond_low", "beyond limit"),
    ("beyond_high", "beyond limit"),
    ("two_of_three_low", "2 of 3 between 2 and 3 sigma"),
    ("two_of_three_high", "2 of 3 between 2 and 3 sigma"),
    ("shift_low", "shift"),
    ("shift_high", "shift"),
    ("trend_falling", "trend"),
    ("trend_rising", "trend"),
)
_CLASS = {"special_cause_improvement": "improvement", "special_cause_concern": "concern",
          "common_cause": "common cause"}


@series_doc
def p_chart(counts, force="mps", *, rounds, laney=None) -> PChartResult:
    """An SPC p-chart of a force's failure rate across its rounds.

    Parameters
    ----------
    <series>
    laney : bool or None, default None
        Laney's p' adjustment: always, never, or (None) when there are at
        least 12 rounds and the dispersion ratio exceeds 1; see
        ``stats.spc.p_chart_limits``.

    Returns
    -------
    PChartResult
        See :class:`PChartResult` for every attribute.

    Raises
    ------
    ValueError
        If none of the force's rounds has failure counts.

    Notes
    -----
    Centre and 3-sigma limits follow the p-chart (with Laney's p' when
    over-dispersed [1]_); the special-cause rules are NHS England's "Making
    Data Count" [2]_: a point beyond a limit, a shift of 7 points on one side
    of the centre, a trend of 7 points rising or falling, and 2 of 3 points
    on one side with two between 2 and 3 sigma. A lower failure rate is an
    improvement, and a round flagged both ways counts as an improvement, as
    Making Data Count shows it (``stats.point_types.classify_points``). With
    fewer than 12 points the limits are trial limits and the result says so.

    References
    ----------
    .. [1] Laney DB. Improved control charts for attributes. Quality
       Engineering. 2002;14(4):531-537.
    .. [2] NHS England and NHS Improvement. Making Data Count: Getting
       started. 2019.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [100, 100], "failures": [20, 30]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> res = p_chart(counts, force="x", rounds=reg, laney=False)
    >>> print(f"{res.table['ucl'].iloc[0]:.4f}")
    0.3799
    """

    table, warnings = force_series(counts, force, rounds)
    if table.empty:
        raise ValueError(f"no round of force {force!r} has failure counts")
    lim = p_chart_limits(table["failures"].to_numpy(), table["n"].to_numpy(), laney=laney)
    flags = special_causes(table["rate"].to_numpy(), lim.z)
    table["centre"], table["lcl"], table["ucl"], table["sigma_score"] = lim.centre, lim.lcl, lim.ucl, lim.z
    size = np.abs(lim.z)
    table["zone"] = np.select([size > 3, size > 2, size > 1], ["beyond 3 sigma", "2 to 3 sigma", "1 to 2 sigma"],
                              default="within 1 sigma")
    rules = [", ".join(dict.fromkeys(name for attr, name in _RULES if getattr(flags, attr)[i]))
             for i in range(len(table))]
    classes = [_CLASS[t] for t in classify_points(flags, improvement="decrease")]
    table["rules"], table["special_cause"] = rules, classes
    if len(table) < MIN_POINTS_FOR_LIMITS:
        warnings.insert(0, f"only {len(table)} rounds: these are trial limits (NHS Making Data Count advises "
                           f"at least {MIN_POINTS_FOR_LIMITS} points before limits are relied on)")
    if lim.laney:
        warnings.append(f"over-dispersed (sigma_z = {lim.dispersion_ratio:.2f}): Laney's p' limits used")
    elif laney is None and lim.n_baseline < LANEY_MIN_POINTS and lim.overdispersion_pvalue < 0.05:
        warnings.append(f"over-dispersed (Pearson chi-square / df = {lim.phi:.2f}, "
                        f"{say.format_p(lim.overdispersion_pvalue)}), but {lim.n_baseline} rounds are too few to "
                        "estimate Laney's sigma_z: plain p limits drawn, narrower than this variation warrants")
    counted = pd.Series(classes).value_counts()
    n_imp, n_con = int(counted.get("improvement", 0)), int(counted.get("concern", 0))
    if n_imp or n_con:
        found = f"special-cause variation: {n_imp} round(s) signal improvement, {n_con} signal concern"
    else:
        found = "only common-cause variation (no rule fired)"
    sentence = (f"Around a centre line of {say.pct(lim.centre)} across {len(table)} rounds, the p-chart shows "
                f"{found}.")
    return PChartResult(force=force, table=table, laney=lim.laney, dispersion_ratio=lim.dispersion_ratio,
                        sentence=sentence, warnings=tuple(warnings), limits=lim.limits)
