"""Fast unconditional exact test for two binomials: Boschloo's (Barnard's is in ``_barnard.py``).

The engine behind ``change_test(method="boschloo" | "barnard" | "barnard_unpooled")``
and ``critical_count``. It returns the p-values of
:func:`scipy.stats.boschloo_exact` and :func:`scipy.stats.barnard_exact`, many
times faster for hundreds of case files per round; where scipy's optimiser
stops below the supremum, or scipy's Barnard test drops tables tied in exact
arithmetic, the value here is the correct, larger one.

Why it is fast
--------------
An unconditional exact p-value is
``sup over pi of sum over tables (a, b) in R of Binom(a; n1, pi) Binom(b; n2, pi)``,
where ``R`` is the rejection region: the tables at least as extreme as the one
observed. Grouping the tables by their total ``s = a + b`` gives

``P(pi) = sum_s q_s Binom(s; n1 + n2, pi)``, with ``q_s = P((A, s - A) in R | A + B = s)``,

the probability of the region under the hypergeometric distribution of ``A``
given ``s``. The ``q_s`` depend only on the group sizes and the observed
statistic, so they are computed once (vectorised over the whole
``(n1 + 1) x (n2 + 1)`` grid); each evaluation of ``P(pi)`` then costs
``O(n1 + n2)``. The supremum is found on a dense grid in
``pi = sin(theta)**2`` (equally spaced ``theta`` resolve the binomial kernel
near 0 and 1 as well as near 1/2), then every near-best local maximum is
refined by safeguarded Newton steps on the stationarity condition
(:mod:`inspection_analysis.stats._nuisance`).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from inspection_analysis.stats._exact_grid import TIE_RTOL, check_grid_size, conditional_log_pmf, windows
from inspection_analysis.stats._nuisance import log_comb, max_over_nuisance

__all__ = ["BoschlooRegion", "boschloo_test", "boschloo_tests"]

# Cells whose Fisher p-value lies this close (relative) to the threshold are
# re-evaluated with scipy's hypergeometric cdf, so the region matches scipy's.
_RECHECK_REL = 1e-9
# Below this Fisher p-value the linear-scale cdf grid could underflow: use logs.
_LINEAR_FLOOR = 1e-280
# Up to this many case files in all, C(n1 + n2, s) <= 2.7e299 fits in a double: the pmf grid is built by products.
_LINEAR_TOTAL = 1000

def _hypergeom_cdf(k, s, n1: int, n2: int) -> np.ndarray:
    """``P(A <= k | A + B = s)``: ``scipy.stats.hypergeom.cdf(k, n1 + n2, s, n1)``, the documented call."""
    from scipy.stats import hypergeom

    return hypergeom.cdf(k, n1 + n2, s, n1)


class BoschlooRegion:
    """Boschloo's test for fixed group sizes: the Fisher p-value grid, computed once.

    Holds, for every table ``(a, b)`` with ``a`` failures of ``n1`` and ``b``
    of ``n2``, the one-sided Fisher p-value ``P(A <= a | A + B = a + b)``
    (small when group 1 has fewer failures). The Boschloo p-value for
    ``alternative="less"`` (H1: p1 < p2) of any observed table with these
    group sizes then needs only a threshold and one maximisation, which is how
    :func:`critical_count` scans many candidate tables cheaply.

    Parameters
    ----------
    n1, n2 : int
        Case files in group 1 (later round) and group 2 (earlier round), >= 1.

    Notes
    -----
    The table is oriented as scipy's ``[[x1, x2], [n1 - x1, n2 - x2]]``
    (groups as columns), so ``pvalue_less`` equals
    ``scipy.stats.boschloo_exact(table, alternative="less").pvalue``.
    Along each total ``s`` the Fisher p-value increases with ``a``, so the
    region is ``a <= a*(s)`` and ``q_s`` is simply the conditional cdf at
    ``a*(s)``.

    References
    ----------
    .. [1] Boschloo, R. D. (1970). Raised conditional level of significance for
       the 2 x 2-table when testing the equality of two probabilities.
       Statistica Neerlandica 24(1), 1-9.

    Examples
    --------
    >>> region = BoschlooRegion(15, 15)
    >>> stat, p = region.pvalue_less(7, 12)
    >>> print(f"{stat:.4f} {p:.4f}")
    0.0641 0.0341
    """

    def __init__(self, n1: int, n2: int):
        self.n1, self.n2 = int(n1), int(n2)
        if self.n1 < 1 or self.n2 < 1:
            raise ValueError(f"group sizes must be at least 1, got n1={n1!r}, n2={n2!r}")
        check_grid_size(self.n1, self.n2, "Boschloo")

    @cached_property
    def _log_pmf(self) -> np.ndarray:
        return conditional_log_pmf(self.n1, self.n2)

    @cached_property
    def _cdf(self) -> np.ndarray:
        """``P(A <= a | s)`` laid out as ``[s, a]`` (0 below the support); may underflow to 0.

        Up to ``_LINEAR_TOTAL`` case files the binomial coefficients fit in a
        double, so the pmf is ``C(n1, a) C(n2, s - a) / C(n1 + n2, s)`` by
        products (no exponential per cell); above, ``exp`` of the log pmf.
        """
        n1, n2 = self.n1, self.n2
        if n1 + n2 > _LINEAR_TOTAL:
            pmf = np.exp(self._log_pmf)
        else:
            comb1 = np.exp(log_comb(n1))
            padded = np.zeros(2 * n1 + n2 + 1)
            padded[n1 : n1 + n2 + 1] = comb1 if n2 == n1 else np.exp(log_comb(n2))
            pmf = windows(padded[::-1], n1 + 1)[::-1] * comb1  # C(n2, s - a) C(n1, a)
            pmf /= np.exp(log_comb(n1 + n2))[:, None]
        return np.cumsum(pmf, axis=1, out=pmf)

    @cached_property
    def _log_cdf(self) -> np.ndarray:
        """``log P(A <= a | s)`` as ``[s, a]``, in log space throughout (no underflow)."""
        return np.logaddexp.accumulate(self._log_pmf, axis=1)

    def fisher_less(self, x1: int, x2: int) -> float:
        """Fisher's one-sided p-value ``P(A <= x1 | A + B = x1 + x2)``, as scipy computes it."""
        return float(_hypergeom_cdf(x1, x1 + x2, self.n1, self.n2))

    def pvalue_less(self, x1: int, x2: int) -> tuple[float, float]:
        """Boschloo statistic (Fisher's one-sided p) and p-value for H1: p1 < p2.

        Parameters
        ----------
        x1, x2 : int
            Observed failures in group 1 and group 2.

        Returns
        -------
        statistic, pvalue : float

        Notes
        -----
        The region is found on the linear-scale cdf grid, or, when the Fisher
        p-value is below 1e-280 (where the linear grid may underflow), on the
        log-scale one. Cells within 1e-9 (relative) of the threshold are
        re-evaluated with scipy's hypergeometric cdf (the function behind
        :func:`scipy.stats.hypergeom.cdf`), so ties are decided exactly as
        scipy decides them.
        """
        n1, total = self.n1, self.n1 + self.n2
        stat = self.fisher_less(x1, x2)
        threshold = stat * (1 + TIE_RTOL)
        if stat > _LINEAR_FLOOR:
            grid, limit, log_scale = self._cdf, threshold, False
            tol = _RECHECK_REL * limit
        else:  # tiny p-values: log scale; scipy's own value may have underflowed
            grid, log_scale = self._log_cdf, True
            limit = np.log(threshold) if stat > 0.0 else grid[x1 + x2, x1] + TIE_RTOL
            tol = _RECHECK_REL if stat > 0.0 else 0.0
        s = np.arange(total + 1)
        # the cdf does not decrease along a row, so on each total s the cells below column sure[s] are inside,
        # those from maybe[s] on are outside, and the run between (within tol of the limit) is re-checked
        if tol > 0.0:
            sure, maybe = (grid < limit - tol).sum(axis=1), (grid <= limit + tol).sum(axis=1)
        else:
            sure = maybe = (grid <= limit).sum(axis=1)
        a_star = sure - 1
        width = maybe - sure
        if width.any():
            rows = np.repeat(s, width)
            cols = np.arange(rows.size) + np.repeat(sure - (np.cumsum(width) - width), width)
            passed = (_hypergeom_cdf(cols, rows, n1, self.n2) <= threshold) | ((rows == x1 + x2) & (cols == x1))
            a_star += np.bincount(rows[passed], minlength=total + 1)
        # the observed table is in its own region; cells above the support repeat the cdf's last value
        # (and its re-check, 1), so counting them can only move a*(s) onto cells holding that same value
        a_star[x1 + x2] = max(a_star[x1 + x2], x1)
        empty = a_star < np.maximum(0, s - self.n2)
        q = grid[s, np.minimum(np.maximum(a_star, 0), n1)]
        with np.errstate(divide="ignore"):
            log_q = q if log_scale else np.log(q)
        log_q = np.minimum(np.where(empty, -np.inf, log_q), 0.0)
        pvalue, _ = max_over_nuisance(log_q)
        return stat, pvalue


def boschloo_test(x1: int, n1: int, x2: int, n2: int, alternative: str = "two-sided") -> tuple[float, float]:
    """Boschloo's exact unconditional test for two binomial proportions.

    Parameters
    ----------
    x1, n1 : int
        Failures and case files in group 1 (the later round).
    x2, n2 : int
        Failures and case files in group 2 (the earlier round).
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: H1 p1 < p2 (an improvement when the outcome is failure).

    Returns
    -------
    statistic : float
        Fisher's one-sided p-value, as in :func:`scipy.stats.boschloo_exact`
        (for two-sided, the one of the side with the smaller Boschloo p-value).
    pvalue : float
        The Boschloo p-value; two-sided is twice the smaller one-sided value,
        clipped to 1 (scipy's convention).

    Notes
    -----
    Inputs are assumed valid (checked by :func:`change_test`). The "greater"
    test is the "less" test with the groups swapped. See
    :class:`BoschlooRegion` and :func:`max_over_nuisance`; several
    alternatives at once: :func:`boschloo_tests`.

    References
    ----------
    .. [1] Boschloo, R. D. (1970). Statistica Neerlandica 24(1), 1-9.

    Examples
    --------
    >>> stat, p = boschloo_test(7, 15, 12, 15, "less")
    >>> print(f"{stat:.4f} {p:.4f}")
    0.0641 0.0341
    """
    return boschloo_tests(x1, n1, x2, n2, (alternative,))[alternative]


def boschloo_tests(x1: int, n1: int, x2: int, n2: int, alternatives) -> dict[str, tuple[float, float]]:
    """Boschloo's test of one table for several alternatives, each one-sided p-value computed once.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Failures and case files in group 1 (later) and group 2 (earlier).
    alternatives : iterable of {"two-sided", "less", "greater"}
        The alternatives wanted.

    Returns
    -------
    dict
        ``(statistic, pvalue)`` per alternative, as :func:`boschloo_test`
        returns them.

    Notes
    -----
    The two-sided p-value is built from both one-sided ones, so asking for
    ``"two-sided"`` and ``"less"`` costs what ``"two-sided"`` alone does;
    with equal group sizes both sides share one :class:`BoschlooRegion`.

    Examples
    --------
    >>> out = boschloo_tests(7, 15, 12, 15, ("two-sided", "less"))
    >>> print(f"{out['less'][1]:.4f} {out['two-sided'][1]:.4f}")
    0.0341 0.0682
    """
    regions: dict[tuple[int, int], BoschlooRegion] = {}

    def lower(a: int, na: int, b: int, nb: int) -> tuple[float, float]:  # H1: the rate of a of na is lower
        region = regions.setdefault((na, nb), BoschlooRegion(na, nb))
        return region.pvalue_less(a, b)

    alternatives = tuple(alternatives)
    sides = {}
    if {"less", "two-sided"} & set(alternatives):
        sides["less"] = lower(x1, n1, x2, n2)
    if {"greater", "two-sided"} & set(alternatives):
        sides["greater"] = lower(x2, n2, x1, n1)
    if "two-sided" in alternatives:
        less, greater = sides["less"], sides["greater"]
        stat, p = less if less[1] < greater[1] else greater
        sides["two-sided"] = (stat, min(1.0, 2.0 * p))
    return {alternative: sides[alternative] for alternative in alternatives}
