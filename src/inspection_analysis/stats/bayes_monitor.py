"""Bayesian monitoring of one failure rate across audit rounds: beta-binomial sequential updating."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import check_beta_prior, check_counts, check_level, check_probability
from inspection_analysis.stats.results import ResultMixin

__all__ = ["BetaBinomialMonitor", "beta_binomial_monitor"]


@dataclass(frozen=True, repr=False)
class BetaBinomialMonitor(ResultMixin):
    """The posterior for a failure rate after each audit round, and what the next audit may show.

    Every array has one entry per round, in the order given.

    Attributes
    ----------
    x, n : numpy.ndarray of int
        Failures and case files in each round.
    a, b : numpy.ndarray
        The Beta posterior's parameters after the round.
    mean : numpy.ndarray
        The posterior mean ``a / (a + b)``.
    low, high : numpy.ndarray
        The equal-tailed credible interval at ``credible_level``.
    prob_below : numpy.ndarray
        The posterior probability that the rate is below ``target``.
    n_next : numpy.ndarray of int
        The size of the next audit the prediction is for.
    predictive_low, predictive_high : numpy.ndarray of int
        The equal-tailed ``credible_level`` range of failures in that audit
        under the beta-binomial posterior predictive distribution.
    prior : tuple of float
        The Beta prior ``(a, b)``.
    target : float
        The rate the probability refers to.
    credible_level : float
        The level of both intervals.
    discount : float
        The weight kept by the evidence of each earlier round per round.
    """

    x: np.ndarray
    n: np.ndarray
    a: np.ndarray
    b: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    prob_below: np.ndarray
    n_next: np.ndarray
    predictive_low: np.ndarray
    predictive_high: np.ndarray
    prior: tuple
    target: float
    credible_level: float
    discount: float

    def to_frame(self):
        """One row per round: ``round`` (1-based) and every per-round array (the settings are left out)."""
        import pandas as pd

        names = ("x", "n", "a", "b", "mean", "low", "high", "prob_below", "n_next", "predictive_low",
                 "predictive_high")
        return pd.DataFrame({"round": np.arange(1, self.x.size + 1)} | {k: getattr(self, k) for k in names})


def beta_binomial_monitor(x, n, *, target: float, prior=(0.5, 0.5), n_next=None, credible_level: float = 0.95,
                          discount: float = 1.0) -> BetaBinomialMonitor:
    """Update a Beta posterior for the failure rate round by round.

    Parameters
    ----------
    x, n : array_like of int
        Failures and case files in each audit round, in time order.
    target : float
        The rate to compare with, in (0, 1): ``prob_below`` is
        ``P(rate < target)``.
    prior : tuple of float, default (0.5, 0.5)
        Beta(a, b) prior for the rate before the first round: Jeffreys'
        prior by default; (1, 1) is uniform.
    n_next : int or array_like of int, optional
        Size of the next audit for the predictive range, one for all rounds or
        one per round; by default each round's own size.
    credible_level : float, default 0.95
        Level of the credible and predictive intervals, in (0, 1).
    discount : float, default 1.0
        In (0, 1]: before each round the evidence gathered so far (the
        posterior's counts beyond the prior) is multiplied by ``discount``.
        1 treats every round as measuring the same rate; 0.5 halves the
        weight of the past at each round, letting the posterior follow a
        rate that changes.

    Returns
    -------
    BetaBinomialMonitor
        Per-round posterior, ``P(rate < target)`` and predictive range; see
        :class:`BetaBinomialMonitor`.

    Raises
    ------
    ValueError
        For invalid counts or an empty series, ``target`` outside (0, 1), a bad
        prior, ``n_next`` not whole and positive (or of the wrong length),
        ``credible_level`` outside (0, 1), or ``discount`` outside (0, 1].

    Notes
    -----
    The Beta prior is conjugate to the binomial likelihood (Gelman et al.
    [1]_, section 2.4): after failures ``x`` of ``n`` the posterior is
    ``Beta(a + x, b + n - x)``, and the next round's prior is this posterior,
    so after round ``k`` the parameters are the prior's plus the discounted
    sums ``sum_j discount**(k - j) x_j`` and likewise for passes (with
    ``discount = 1`` the plain totals, a power prior in the sense of Ibrahim
    and Chen [2]_ otherwise). ``prob_below`` is the regularised incomplete
    beta function ``I_target(a, b)``. The number of failures in a next audit
    of ``m`` files then has the beta-binomial distribution
    ``P(K = k) = C(m, k) B(k + a, m - k + b) / B(a, b)``; its range runs from
    the ``(1 - level)/2`` to the ``(1 + level)/2`` quantile. These are
    statements of belief given the prior and the assumption that the rounds
    sample one rate (or, with a discount, a slowly moving one), not tests.

    References
    ----------
    .. [1] Gelman A, Carlin JB, Stern HS, Dunson DB, Vehtari A, Rubin DB.
       Bayesian Data Analysis. 3rd ed. CRC Press; 2013.
    .. [2] Ibrahim JG, Chen MH. Power prior distributions for regression
       models. Statistical Science. 2000;15(1):46-60.

    Examples
    --------
    >>> mon = beta_binomial_monitor([30, 18], [60, 60], target=0.45, prior=(1, 1), n_next=60)
    >>> print(mon.a.tolist(), mon.b.tolist(), [f"{p:.3f}" for p in mon.prob_below])
    [31.0, 49.0] [31.0, 73.0] ['0.216', '0.862']
    >>> print(mon.predictive_low[-1], mon.predictive_high[-1])
    15 33
    """
    from scipy.stats import beta, betabinom

    xa, na = check_counts(x, n)
    xa, na = np.atleast_1d(xa), np.atleast_1d(na)
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"need a one-dimensional series of at least one round, got shape {xa.shape}")
    target = float(check_probability(target, "target", closed=False))
    a0, b0 = check_beta_prior(prior)
    level = check_level(credible_level, "credible_level")
    discount = float(discount)
    if not 0 < discount <= 1:
        raise ValueError(f"discount must lie in (0, 1], got {discount!r}")
    if n_next is None:
        m = np.array(na)
    else:
        _, m = check_counts(0, n_next, xname="x", nname="n_next")
        m = np.array(np.broadcast_to(m, xa.shape) if m.ndim == 0 else m)
        if m.shape != xa.shape:
            raise ValueError(f"n_next must be one number or one per round ({xa.size}), got {m.size}")
    fails, passes = np.empty(xa.size), np.empty(xa.size)
    acc_f = acc_p = 0.0
    for i in range(xa.size):
        acc_f, acc_p = discount * acc_f + xa[i], discount * acc_p + (na[i] - xa[i])
        fails[i], passes[i] = acc_f, acc_p
    a, b = a0 + fails, b0 + passes
    tail = (1 - level) / 2
    return BetaBinomialMonitor(
        x=np.array(xa), n=np.array(na), a=a, b=b, mean=a / (a + b), low=beta.ppf(tail, a, b), high=beta.isf(tail, a, b),
        prob_below=beta.cdf(target, a, b), n_next=m,
        predictive_low=betabinom.ppf(tail, m, a, b).astype(np.int64),
        predictive_high=betabinom.ppf(1 - tail, m, a, b).astype(np.int64),
        prior=(a0, b0), target=target, credible_level=level, discount=discount,
    )
