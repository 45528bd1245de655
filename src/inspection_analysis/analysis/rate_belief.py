"""Bayesian monitoring of a force's failure rate: P(rate below a target) after each round, and the next audit.

``stats.beta_binomial_monitor`` updates a Beta posterior round by round;
this module feeds it the rounds of a force since a baseline, with the target
named in words, and says what the posterior does and does not mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.series import force_series, series_doc
from inspection_analysis.stats.bayes_monitor import BetaBinomialMonitor, beta_binomial_monitor

__all__ = ["RateBelief", "rate_below_target"]


@dataclass(frozen=True)
class RateBelief:
    """The posterior probability that a force's failure rate is below a target, after each round.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per round monitored: ``round_id``, ``label``, ``n``,
        ``failures``, ``a``, ``b`` (the Beta posterior), ``mean``, ``low``,
        ``high`` (equal-tailed credible interval), ``prob_below``,
        ``n_next``, ``predictive_low``, ``predictive_high`` (the range of
        failures expected in a next audit of ``n_next`` files).
    monitor : BetaBinomialMonitor
        ``stats.beta_binomial_monitor``'s result.
    target : float
        The target rate.
    target_label : str
        What the target is.
    sentence : str
        The latest round's probability and predictive range, with the
        assumption behind them.
    """

    table: pd.DataFrame
    monitor: BetaBinomialMonitor
    target: float
    target_label: str
    sentence: str

    def __str__(self) -> str:
        return self.sentence


@series_doc
def rate_below_target(counts, force="mps", *, rounds, target, target_label="", since=None, prior=(0.5, 0.5),
                      n_next=None, credible_level=0.95, discount=1.0) -> RateBelief:
    """After each round, the probability that the failure rate is below a target, and the next audit's range.

    Parameters
    ----------
    <series>
    target : float
        The target rate, in (0, 1).
    target_label : str, default ""
        What the target is, for the sentence (e.g. "the 2016 rate").
    since : str, optional
        Monitor only the rounds after this one (e.g. the baseline, whose
        rate is the target); default every round with failure counts.
    prior : tuple of float, default (0.5, 0.5)
        The Beta prior (Jeffreys' by default).
    n_next : int, optional
        The size of the next audit; default each round's own size.
    credible_level : float, default 0.95
        Level of the credible and predictive intervals.
    discount : float, default 1.0
        The weight the evidence of each earlier round keeps per round (1:
        every round measures one rate; below 1: the posterior follows a rate
        that moves).

    Returns
    -------
    RateBelief
        See :class:`RateBelief` for every attribute.

    Raises
    ------
    ValueError
        If ``since`` is not a round with failure counts or no round follows
        it, or as ``stats.beta_binomial_monitor``.

    Notes
    -----
    Conjugate Beta-binomial updating (Gelman et al., *Bayesian Data
    Analysis*, section 2.4); ``prob_below`` is the regularised incomplete
    beta function at the target. It is a statement of belief given the prior
    and the assumption about how the rounds relate (``discount``), not a test:
    the target is treated as a fixed number, so a target taken from a
    baseline round ignores that round's own sampling error, which
    ``compare_rounds``' ``prob_improvement`` includes.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [60, 60], "failures": [30, 18]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> res = rate_below_target(counts, "x", rounds=reg, target=0.45, prior=(1, 1))
    >>> print(f"{res.table['prob_below'].iloc[-1]:.3f}")
    0.862
    """
    table, _ = force_series(counts, force, rounds)
    if since is not None:
        ids = table["round_id"].tolist()
        if since not in ids:
            raise ValueError(f"since {since!r} is not a round of force {force!r} with failure counts: {ids}")
        table = table.iloc[ids.index(since) + 1:].reset_index(drop=True)
    if table.empty:
        raise ValueError(f"no round of force {force!r} to monitor" + (f" after {since!r}" if since else ""))
    mon = beta_binomial_monitor(table["failures"].to_numpy(), table["n"].to_numpy(), target=target, prior=prior,
                                n_next=n_next, credible_level=credible_level, discount=discount)
    frame = mon.to_frame().drop(columns=["round", "x", "n"])
    out = pd.concat([table[["round_id", "label", "n", "failures"]], frame], axis=1)
    last = out.iloc[-1]
    what = f"{target_label} ({say.pct(target)})" if target_label else f"a target of {say.pct(target)}"
    assume = ("treating every round monitored as a sample of one rate" if discount == 1 else
              f"keeping a weight of {discount:g} per round for the evidence of earlier rounds")
    cl = f"{100 * credible_level:.0f}%"
    text = (f"After the {last['label']}, {assume} (Beta({prior[0]:g}, {prior[1]:g}) prior), the probability that the "
            f"failure rate is below {what} is {last['prob_below']:.3f}; the posterior mean is {say.pct(last['mean'])} "
            f"({cl} credible interval {say.pct(last['low'])} to {say.pct(last['high'])}), and a next audit of "
            f"{int(last['n_next'])} files would find {int(last['predictive_low'])} to {int(last['predictive_high'])} "
            f"failing ({cl} predictive range).")
    return RateBelief(table=out, monitor=mon, target=float(target), target_label=target_label, sentence=text)
