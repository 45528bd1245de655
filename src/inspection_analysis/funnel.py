"""Funnel plots across forces: each force's failure rate against its sample size.

The limits are exact binomial limits with interpolation around the pooled rate
(Spiegelhalter 2005; the method of Public Health England's Fingertips tools),
computed in :func:`inspection_analysis.stats.spc.funnel_limits`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compare import check_counts_table
from .rounds_meta import rounds_table

__all__ = ["funnel", "funnel_curves", "FUNNEL_LABELS", "FUNNEL_LEVELS"]

#: The two limit levels: inner (95%) and outer (99.8%).
FUNNEL_LEVELS = (0.95, 0.998)
#: The labels :func:`funnel` gives, highest rate first.
FUNNEL_LABELS = ("high (99.8%)", "high (95%)", "not significant", "low (95%)", "low (99.8%)")


def _limits(centre, n, level):
    from .stats.spc import funnel_limits

    tail = (1 - level) / 2
    return funnel_limits(centre, n, probability=tail), funnel_limits(centre, n, probability=1 - tail)


def funnel(counts_by_force, *, rounds=None, centre=None) -> pd.DataFrame:
    """Place each force's failure rate in a funnel around the pooled rate.

    Parameters
    ----------
    counts_by_force : pandas.DataFrame
        A counts table with ``round_id``, ``n`` and ``failures``, one row per
        force and round to compare (typically each force's latest round). A
        ``force`` column is used if present, else the force comes from the
        rounds registry.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.
    centre : float, optional
        The target rate; default the pooled rate, total failures over total
        case files of the rows used.

    Returns
    -------
    pandas.DataFrame
        One row per force and round: ``force``, ``round_id``, ``n``,
        ``failures``, ``rate``, ``pooled_rate`` (the centre), ``inner_low``,
        ``inner_high`` (95% limits at this ``n``), ``outer_low``,
        ``outer_high`` (99.8% limits) and ``label``, one of "high (99.8%)",
        "high (95%)", "not significant", "low (95%)", "low (99.8%)".

    Raises
    ------
    ValueError
        If no row has failure counts, ``centre`` is outside [0, 1], or a round
        has no force.

    Notes
    -----
    Rows without failure counts are left out (nothing is imputed). A rate
    strictly above an upper limit is "high", strictly below a lower one "low".
    Limits are exact binomial with interpolation [1]_, as Public Health
    England's Fingertips tools draw them (see ``stats.spc.funnel_limits``). A
    higher failure rate is worse, so "high" is a concern and "low" is better
    than expected. Different assessors and case mixes across forces are not
    adjusted for.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional
       performance. Statistics in Medicine. 2005;24(8):1185-1202.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"force": ["a", "b", "c"], "round_id": ["a1", "b1", "c1"],
    ...                        "n": [100, 100, 100], "failures": [50, 52, 90]})
    >>> funnel(counts)["label"].tolist()
    ['low (95%)', 'low (95%)', 'high (99.8%)']
    """
    check_counts_table(counts_by_force)
    data = counts_by_force[counts_by_force["failures"].notna()].copy()
    if data.empty:
        raise ValueError("no row of counts_by_force has failure counts")
    if "force" not in data.columns:
        reg = rounds_table(rounds)
        data = data.merge(reg[["round_id", "force"]], on="round_id", how="left")
        if data["force"].isna().any():
            raise ValueError(f"no force for round(s) {list(data.loc[data['force'].isna(), 'round_id'])}")
    n = data["n"].to_numpy(dtype=int)
    x = data["failures"].to_numpy(dtype=int)
    pooled = x.sum() / n.sum() if centre is None else float(centre)
    out = pd.DataFrame({"force": data["force"].to_numpy(), "round_id": data["round_id"].to_numpy(),
                        "n": n, "failures": x, "rate": x / n, "pooled_rate": pooled})
    out["inner_low"], out["inner_high"] = _limits(pooled, n, FUNNEL_LEVELS[0])
    out["outer_low"], out["outer_high"] = _limits(pooled, n, FUNNEL_LEVELS[1])
    rate = out["rate"]
    out["label"] = np.select(
        [rate > out["outer_high"], rate > out["inner_high"], rate < out["outer_low"], rate < out["inner_low"]],
        [FUNNEL_LABELS[0], FUNNEL_LABELS[1], FUNNEL_LABELS[4], FUNNEL_LABELS[3]],
        default=FUNNEL_LABELS[2],
    )
    return out


def funnel_curves(centre, n_max, *, n_min=1, num=200) -> pd.DataFrame:
    """Funnel limits over a grid of sample sizes, for drawing the funnel.

    Parameters
    ----------
    centre : float
        The pooled or target rate.
    n_max : int
        The largest sample size on the grid.
    n_min : int, default 1
        The smallest sample size.
    num : int, default 200
        Grid points (spaced evenly on a log scale, rounded to whole numbers;
        repeats dropped).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``n``, ``level`` (0.95 or 0.998), ``low``, ``high``; one row per
        grid size and level.

    Raises
    ------
    ValueError
        If ``n_min < 1``, ``n_max < n_min`` or ``centre`` is outside [0, 1].

    Notes
    -----
    The same exact binomial limits as :func:`funnel`; being discrete they
    step slightly between neighbouring ``n``.

    Examples
    --------
    >>> curves = funnel_curves(0.5, 10, num=10)
    >>> print(f"{curves.query('n == 10 and level == 0.95')['high'].iloc[0]:.4f}")
    0.7676
    """
    if int(n_min) < 1 or int(n_max) < int(n_min):
        raise ValueError(f"need 1 <= n_min <= n_max, got n_min={n_min!r}, n_max={n_max!r}")
    grid = np.unique(np.round(np.geomspace(int(n_min), int(n_max), int(num))).astype(int))
    parts = []
    for level in FUNNEL_LEVELS:
        low, high = _limits(centre, grid, level)
        parts.append(pd.DataFrame({"n": grid, "level": level, "low": low, "high": high}))
    return pd.concat(parts, ignore_index=True)
