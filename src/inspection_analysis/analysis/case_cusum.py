"""The Bernoulli CUSUM of case-level data, file by file in date order, with limits for a stated run length.

Case-level files (or the shipped SYNTHETIC sample) give one pass or fail per
case file. :func:`case_cusum` puts them in order (rounds by the registry's
``reference_date``; within a round by a date column when there is one, else
in file order), tunes the two one-sided CUSUMs of ``stats.bernoulli_cusum``
to the baseline round's rate, and sets their limit for a stated in-control
average run length (``stats.cusum_limit_for_arl``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.rounds import force_rounds
from inspection_analysis.grades import DEFAULT_FAILING, failure_definition
from inspection_analysis.stats.cusum import BernoulliCusum, bernoulli_cusum
from inspection_analysis.stats.cusum_arl import cusum_arl, cusum_limit_for_arl

__all__ = ["CaseCusum", "case_cusum"]


@dataclass(frozen=True)
class CaseCusum:
    """A Bernoulli CUSUM of case files in date order.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per case file in the order charted: ``case`` (1, 2, ...),
        ``round_id``, ``label``, ``failure`` (1 or 0), ``upper``, ``lower``
        (drawn below 0), ``signal_upper``, ``signal_lower``. No case ID.
    chart : BernoulliCusum
        ``stats.bernoulli_cusum``'s result.
    baseline : str
        The round whose failure rate is ``p0``.
    arl : float or None
        The in-control average run length asked for, in case files (None
        when the limit was given).
    arl_upper, arl_lower : float
        The achieved in-control ARLs of the two CUSUMs at ``chart.limit``.
    order : str
        How the files were ordered, for the subtitle.
    synthetic : bool
        Whether the cases are labelled synthetic.
    sentence : str
        What the chart shows (beginning "SYNTHETIC DATA" when ``synthetic``).
    """

    table: pd.DataFrame
    chart: BernoulliCusum
    baseline: str
    arl: float | None
    arl_upper: float
    arl_lower: float
    order: str
    synthetic: bool
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def _ordered(cases: pd.DataFrame, rounds, force: str, date_column: str | None) -> tuple[pd.DataFrame, str]:
    mine = force_rounds(rounds, force)
    rank = {rid: i for i, rid in enumerate(mine["round_id"].astype(str))}
    data = cases.assign(round_id=cases["round_id"].astype(str))
    data = data[data["round_id"].isin(rank)].assign(_rank=lambda d: d["round_id"].map(rank),
                                                    _row=np.arange(int(data["round_id"].isin(rank).sum())))
    if data.empty:
        raise ValueError(f"no case file belongs to a round of force {force!r}")
    keys = ["_rank", "_row"]
    order = "rounds in date order, files within a round in the order of the file (no dates recorded)"
    if date_column is not None:
        if date_column not in data.columns:
            raise ValueError(f"date_column {date_column!r} is not a column of the cases: {list(cases.columns)}")
        if data[date_column].isna().any():
            raise ValueError(f"date_column {date_column!r} has {int(data[date_column].isna().sum())} empty value(s)")
        keys = ["_rank", date_column, "_row"]
        order = f"rounds in date order, files within a round by {date_column}"
    return data.sort_values(keys, kind="stable"), order


def case_cusum(cases, *, rounds, force="mps", baseline=None, failing=DEFAULT_FAILING, odds_ratio=2.0, arl=1000.0,
               limit=None, date_column=None) -> CaseCusum:
    """Bernoulli CUSUMs for a rise and for a fall in the failure rate, case file by case file.

    Parameters
    ----------
    cases : pandas.DataFrame
        Case-level rows (``load_cases()`` or ``project.synthetic``) with
        ``round_id`` and ``grade``; a ``synthetic`` column marks synthetic data.
    rounds : pandas.DataFrame
        The rounds registry (for the order of the rounds and their labels).
    force : str, default "mps"
        The force whose rounds are charted.
    baseline : str, optional
        The round whose failure rate is the in-control rate ``p0``; default
        the force's first round among the cases.
    failing : str or tuple of str, default DEFAULT_FAILING
        The failure definition.
    odds_ratio : float, default 2.0
        The change in the odds of failure the CUSUMs are tuned to detect
        (qicharts2's ``or = 2``); the lower CUSUM looks for odds divided by it.
    arl : float, default 1000
        The in-control average run length, in case files, that each CUSUM's
        limit must reach: with no change, a false signal about once in this
        many files.
    limit : float, optional
        A control limit to use instead of one chosen for ``arl`` (qicharts2's
        default is 3.5); the achieved run lengths are still reported.
    date_column : str, optional
        A column to order the files within a round by.

    Returns
    -------
    CaseCusum
        See :class:`CaseCusum` for every attribute.

    Raises
    ------
    ValueError
        If no case belongs to the force, ``baseline`` is not among its
        rounds, its rate is 0 or 1, or a setting is invalid.

    Notes
    -----
    Each CUSUM adds each file's log-likelihood ratio for the shifted rate
    against ``p0`` and restarts at 0 after a signal (Neuburger et al. [1]_,
    qicharts2 ``bchart``). The limit is the smallest on the lattice of the
    exact Markov chain whose in-control ARL reaches ``arl`` for both CUSUMs
    (the larger of the two sides' limits), so neither side signals falsely
    more often than stated. ``p0`` is estimated from the baseline round and
    treated as known. For a failure rate, a lower-CUSUM signal is evidence of
    improvement.

    References
    ----------
    .. [1] Neuburger J, Walker K, Sherlaw-Johnson C, van der Meulen J, Cromwell
       DA. Comparison of control charts for monitoring clinical performance
       using binary data. BMJ Quality & Safety. 2017;26(11):919-928.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"round_id": ["a"] * 4 + ["b"] * 4,
    ...                       "grade": ["good", "inadequate"] * 2 + ["inadequate"] * 4})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> res = case_cusum(cases, rounds=reg, force="x", arl=20)
    >>> res.chart.p0, int(res.table["signal_upper"].sum())
    (0.5, 1)
    """
    fails = set(failure_definition(failing))
    data, order = _ordered(cases, rounds, force, date_column)
    present = list(dict.fromkeys(data["round_id"]))
    baseline = present[0] if baseline is None else str(baseline)
    if baseline not in present:
        raise ValueError(f"baseline round {baseline!r} has no case file here; rounds present: {present}")
    x = data["grade"].astype(str).str.strip().str.lower().isin(fails).to_numpy(dtype=int)
    p0 = float(x[(data["round_id"] == baseline).to_numpy()].mean())
    if not 0 < p0 < 1:
        raise ValueError(f"the baseline round {baseline!r} has a failure rate of {p0:g}: a CUSUM needs one "
                         "strictly between 0 and 1")
    if limit is None:
        limit = max(cusum_limit_for_arl(arl, p0=p0, odds_ratio=odds_ratio, side=side).limit
                    for side in ("upper", "lower"))
    else:
        arl = None
    chart = bernoulli_cusum(x, p0=p0, odds_ratio=odds_ratio, limit=limit)
    arl_up, arl_low = (cusum_arl(p0, p0=p0, odds_ratio=odds_ratio, limit=limit, side=side).arl
                       for side in ("upper", "lower"))
    labels = dict(zip(rounds["round_id"].astype(str), rounds.get("label", rounds["round_id"]).astype(str),
                      strict=True))
    table = pd.DataFrame({"case": np.arange(1, x.size + 1), "round_id": data["round_id"].to_numpy(),
                          "label": data["round_id"].map(labels).to_numpy(), "failure": x, "upper": chart.upper,
                          "lower": chart.lower, "signal_upper": chart.signal_upper,
                          "signal_lower": chart.signal_lower})
    synthetic = bool("synthetic" in data.columns and data["synthetic"].astype(bool).all())
    text = _sentence(table, chart, labels[baseline], min(arl_up, arl_low))
    if synthetic:
        text = "SYNTHETIC DATA, not real audit results: " + text
    return CaseCusum(table=table, chart=chart, baseline=baseline, arl=None if arl is None else float(arl), arl_upper=float(arl_up),
                     arl_lower=float(arl_low), order=order, synthetic=synthetic, sentence=text)


def _first(table: pd.DataFrame, column: str) -> str:
    hits = table[table[column]]
    if hits.empty:
        return "never"
    first = hits.iloc[0]
    more = f", {len(hits)} times in all" if len(hits) > 1 else ""
    return f"first at case file {int(first['case'])} (in the {first['label']}){more}"


def _sentence(table, chart, baseline_label, arl) -> str:
    return (f"Tuned to the {baseline_label}'s rate of {say.pct(chart.p0)} and to a change in the odds of failure "
            f"by a factor of {chart.odds_ratio:g} (rates of {say.pct(chart.p_upper)} and {say.pct(chart.p_lower)}), "
            f"with a limit of {chart.limit:.2f} (in-control average run length at least {arl:,.0f} case files on "
            f"each side), the "
            f"CUSUM for a rise signals {_first(table, 'signal_upper')}, and the CUSUM for a fall (improvement) "
            f"signals {_first(table, 'signal_lower')}, over {len(table):,} case files.")
