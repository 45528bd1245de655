"""Funnel plots across forces: each force's failure rate against its sample size.

:func:`funnel_inputs` chooses the round of each force to compare (one rule,
used by the report and the notebooks); :func:`funnel` places each in the
funnel; :func:`funnel_curves`, :func:`funnel_limits_frame` and
:func:`funnel_points` give the limits and points to draw. The limits around the
pooled rate are by default PHEindicatormethods' Wilson-score limits, as
Fingertips draws them (``method="wilson"``), or Spiegelhalter's (2005) exact
binomial limits with interpolation (``method="exact"``), computed in
:func:`inspection_analysis.stats.funnel.funnel_limits`. Wilson is the default
because the exact limits, interpolated between whole counts, flag an
in-control force above the upper 95% limit 3.6-3.9% of the time on average at
these sample sizes (10 to 100 files), against 1.7-3.0% on each side for
Wilson: for a failure rate the upper side is the one that accuses a force.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspection_analysis.analysis.rounds import rounds_table
from inspection_analysis.counts.contract import check_counts_table
from inspection_analysis.stats.checks import check_method
from inspection_analysis.stats.funnel import FUNNEL_METHODS, funnel_limits

__all__ = ["funnel_inputs", "funnel", "funnel_curves", "funnel_limits_frame", "funnel_points", "FUNNEL_LABELS",
           "FUNNEL_LEVELS", "DEFAULT_FUNNEL_METHOD"]

#: The two limit levels: inner (95%) and outer (99.8%).
FUNNEL_LEVELS = (0.95, 0.998)
#: The labels :func:`funnel` gives, highest rate first.
FUNNEL_LABELS = ("high (99.8%)", "high (95%)", "not significant", "low (95%)", "low (99.8%)")
#: The default limits of :func:`funnel` (see the module's docstring for why).
DEFAULT_FUNNEL_METHOD = "wilson"


#: The rounds :func:`funnel_inputs` compares: registry column -> required value.
COMPARABLE = {"role": "audit", "assessor": "inspectorate", "scale": "3-point"}
_SPLIT = ("n_good", "n_requires_improvement", "n_inadequate")


def funnel_inputs(counts, rounds) -> pd.DataFrame:
    """The counts of each force's latest round that can be set against the other forces'.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table (see ``to_counts``), one row per round, with ``n``,
        ``failures``, ``n_good``, ``n_requires_improvement`` and ``n_inadequate``.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one. It needs ``force``,
        ``reference_date``, ``role``, ``assessor`` and ``scale``.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``counts`` with ``force`` first, one per force,
        in time order (``reference_date``, then ``round_id``); ``round_id`` as
        text. Ready for :func:`funnel`.

    Raises
    ------
    ValueError
        If ``counts`` has several rows for one round, a column is missing, or
        no round qualifies.

    Notes
    -----
    One rule: a round qualifies if the registry says it is a round of the
    series (``role == "audit"``, not a re-grading), graded by the
    inspectorate (``assessor == "inspectorate"``, so a force's own audit is
    never set against an inspection) on the 3-point scale (``scale ==
    "3-point"``, not the older 4-point scale), and its counts give the full
    split: ``failures``, ``n_good``, ``n_requires_improvement`` and
    ``n_inadequate`` all published. Of each force's qualifying rounds the
    latest (by ``reference_date``) is kept.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a1", "a2", "b1"], "n": [30, 40, 50], "failures": [20, 25, 30],
    ...                        "n_good": [10, 15, 20], "n_requires_improvement": [10, 15, 20],
    ...                        "n_inadequate": [10, 10, 10]})
    >>> reg = pd.DataFrame({"round_id": ["a1", "a2", "b1"], "force": ["a", "a", "b"],
    ...                     "reference_date": ["2016", "2018", "2017"], "role": "audit",
    ...                     "assessor": ["inspectorate", "force_audit", "inspectorate"], "scale": "3-point"})
    >>> funnel_inputs(counts, reg)[["force", "round_id"]].values.tolist()
    [['a', 'a1'], ['b', 'b1']]
    """
    check_counts_table(counts)
    reg = rounds_table(rounds)
    missing = [c for c in ("force", "reference_date", *COMPARABLE) if c not in reg.columns]
    missing += [c for c in _SPLIT if c not in counts.columns]
    if missing:
        raise ValueError(f"funnel_inputs needs column(s) {missing} (registry: force, reference_date, role, "
                         f"assessor, scale; counts: the grade counts)")
    data = counts.assign(round_id=counts["round_id"].astype(str))
    repeated = sorted(data.loc[data["round_id"].duplicated(), "round_id"].unique())
    if repeated:
        raise ValueError(f"counts has several rows for round(s) {repeated}; give one row per round")
    ok = reg[np.logical_and.reduce([reg[col] == value for col, value in COMPARABLE.items()])]
    data = data[data[["failures", *_SPLIT]].notna().all(axis=1)]
    data = data.merge(ok[["round_id", "force", "reference_date"]].astype({"round_id": str}), on="round_id")
    if data.empty:
        raise ValueError("no round is an inspectorate audit on the 3-point scale with its full grade split published")
    latest = data.sort_values(["reference_date", "round_id"], kind="stable").groupby("force").tail(1)
    return latest[["force", *counts.columns]].reset_index(drop=True)


def _limits(centre, n, level, method=DEFAULT_FUNNEL_METHOD):
    tail = (1 - level) / 2
    return (funnel_limits(centre, n, probability=tail, method=method),
            funnel_limits(centre, n, probability=1 - tail, method=method))


def funnel(counts_by_force, *, rounds=None, centre=None, method=DEFAULT_FUNNEL_METHOD) -> pd.DataFrame:
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
    method : {"wilson", "exact"}, default "wilson"
        The limits: PHEindicatormethods' Wilson-score inversion (as
        Fingertips), or the interpolated exact binomial (Spiegelhalter 2005).

    Returns
    -------
    pandas.DataFrame
        One row per force and round: ``force``, ``round_id``, ``n``,
        ``failures``, ``rate``, ``pooled_rate`` (the centre), ``inner_low``,
        ``inner_high`` (95% limits at this ``n``), ``outer_low``,
        ``outer_high`` (99.8% limits), ``label``, one of "high (99.8%)",
        "high (95%)", "not significant", "low (95%)", "low (99.8%)", and
        ``limit_method`` (``method``).

    Raises
    ------
    ValueError
        If no row has failure counts, ``centre`` is outside [0, 1], or a round
        has no force.

    Notes
    -----
    Rows without failure counts are left out (nothing is imputed). A rate
    strictly above an upper limit is "high", strictly below a lower one "low".
    Limits are by default the Wilson-score limits of PHEindicatormethods, as
    Public Health England's Fingertips tools draw them, or exact binomial
    with interpolation [1]_ (see ``stats.funnel_limits``). A
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
    check_method(method, FUNNEL_METHODS)
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
    out["inner_low"], out["inner_high"] = _limits(pooled, n, FUNNEL_LEVELS[0], method)
    out["outer_low"], out["outer_high"] = _limits(pooled, n, FUNNEL_LEVELS[1], method)
    rate = out["rate"]
    out["label"] = np.select(
        [rate > out["outer_high"], rate > out["inner_high"], rate < out["outer_low"], rate < out["inner_low"]],
        [FUNNEL_LABELS[0], FUNNEL_LABELS[1], FUNNEL_LABELS[4], FUNNEL_LABELS[3]],
        default=FUNNEL_LABELS[2],
    )
    out["limit_method"] = method
    return out


def funnel_curves(centre, n_max, *, n_min=1, num=200, method=DEFAULT_FUNNEL_METHOD) -> pd.DataFrame:
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
    method : {"wilson", "exact"}, default "wilson"
        The limits, as in :func:`funnel`.

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
    The same limits as :func:`funnel`; the exact ones, being discrete, step
    slightly between neighbouring ``n``.

    Examples
    --------
    >>> curves = funnel_curves(0.5, 10, num=10, method="exact")
    >>> print(f"{curves.query('n == 10 and level == 0.95')['high'].iloc[0]:.4f}")
    0.7676
    """
    grid = _grid(n_min, n_max, num)
    parts = []
    for level in FUNNEL_LEVELS:
        low, high = _limits(centre, grid, level, method)
        parts.append(pd.DataFrame({"n": grid, "level": level, "low": low, "high": high}))
    return pd.concat(parts, ignore_index=True)


def _grid(n_min, n_max, num):
    if int(n_min) < 1 or int(n_max) < int(n_min):
        raise ValueError(f"need 1 <= n_min <= n_max, got n_min={n_min!r}, n_max={n_max!r}")
    return np.unique(np.round(np.geomspace(int(n_min), int(n_max), int(num))).astype(int))


def funnel_limits_frame(table, *, n_min=10, n_max=None, num=200, method=None) -> pd.DataFrame:
    """The funnel of a :func:`funnel` table in wide form, one row per sample size, for drawing.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`funnel` (its ``pooled_rate`` is the centre).
    n_min : int, default 10
        The smallest sample size on the grid.
    n_max : int, optional
        The largest; default 1.2 times the largest ``n`` in ``table``.
    num : int, default 200
        Grid points, as :func:`funnel_curves`.
    method : {"wilson", "exact"} or None, default None
        The limits; None takes the table's ``limit_method`` (the default of
        :func:`funnel` when the table has none).

    Returns
    -------
    pandas.DataFrame
        ``n``, ``centre``, ``low_95``, ``high_95``, ``low_998``, ``high_998``
        (the 95% and 99.8% limits at each ``n``), as
        ``figures.funnel_figure`` takes them.

    Raises
    ------
    ValueError
        If ``table`` lacks ``n`` or ``pooled_rate`` or is empty, or as :func:`funnel_curves`.

    Notes
    -----
    The same limits as :func:`funnel` and :func:`funnel_curves`.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"n": [10], "pooled_rate": [0.5], "limit_method": "exact"})
    >>> lim = funnel_limits_frame(table, n_max=10, num=10)
    >>> print(f"{lim['high_95'].iloc[-1]:.4f}")
    0.7676
    """
    if not isinstance(table, pd.DataFrame) or table.empty or not {"n", "pooled_rate"} <= set(table.columns):
        raise ValueError("table must be a non-empty result of funnel() with 'n' and 'pooled_rate'")
    if method is None:
        method = str(table["limit_method"].iloc[0]) if "limit_method" in table.columns else DEFAULT_FUNNEL_METHOD
    check_method(method, FUNNEL_METHODS)
    centre = float(table["pooled_rate"].iloc[0])
    grid = _grid(n_min, int(table["n"].max() * 1.2) if n_max is None else n_max, num)
    out = pd.DataFrame({"n": grid, "centre": centre})
    for level, tag in zip(FUNNEL_LEVELS, ("95", "998"), strict=True):
        out[f"low_{tag}"], out[f"high_{tag}"] = _limits(centre, grid, level, method)
    return out


def funnel_points(table, rounds) -> pd.DataFrame:
    """The forces of a :func:`funnel` table as points to draw, named and flagged.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`funnel`.
    rounds : pandas.DataFrame, optional
        The rounds registry, for ``force_name``; default the shipped one.

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``group`` (the force's name from the registry, else
        its code) and ``outlier`` (the ``label`` when outside a limit, else
        an empty string) added, as ``figures.funnel_figure`` takes them.

    Raises
    ------
    ValueError
        If ``table`` lacks ``force`` or ``label``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"force": ["a", "b"], "label": ["not significant", "high (95%)"]})
    >>> reg = pd.DataFrame({"round_id": ["a1"], "force": ["a"], "force_name": ["Force A"]})
    >>> funnel_points(table, reg)[["group", "outlier"]].values.tolist()
    [['Force A', ''], ['b', 'high (95%)']]
    """
    if not isinstance(table, pd.DataFrame) or not {"force", "label"} <= set(table.columns):
        raise ValueError("table must be a result of funnel() with 'force' and 'label'")
    reg = rounds_table(rounds)
    names = dict(zip(reg["force"], reg["force_name"], strict=False)) if "force_name" in reg.columns else {}
    return table.assign(group=[names.get(f, f) for f in table["force"]],
                        outlier=table["label"].where(table["label"] != FUNNEL_LABELS[2], ""))
