"""Barnard's exact unconditional test for two binomials, on the same grid of tables as Boschloo's.

The engine behind ``change_test(method="barnard" | "barnard_unpooled")``; see
:mod:`inspection_analysis.stats._boschloo` for why summing conditional
probabilities along each total makes it fast.
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats._exact_grid import TIE_RTOL, check_grid_size, conditional_log_pmf
from inspection_analysis.stats._nuisance import logsumexp_rows, max_over_nuisance

__all__ = ["barnard_test"]


def barnard_test(
    x1: int, n1: int, x2: int, n2: int, alternative: str = "two-sided", *, pooled: bool = True
) -> tuple[float, float]:
    """Barnard's exact unconditional test (Wald statistic) for two binomial proportions.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Failures and case files in group 1 (later) and group 2 (earlier).
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: H1 p1 < p2.
    pooled : bool
        Pooled (score) or unpooled (Wald) variance in the statistic.

    Returns
    -------
    statistic : float
        The Wald statistic ``(p1 - p2) / se`` of the observed table, as
        :func:`scipy.stats.barnard_exact` defines it (0 when ``p1 == p2``).
    pvalue : float
        The supremum over ``pi`` of the probability of the region
        ``T <= t`` ("less"), ``T >= t`` ("greater") or ``|T| >= |t|``.

    Notes
    -----
    The statistic grid is computed with scipy's floating-point operations.
    Tables whose statistic equals the observed one to a relative 1e-13 are
    counted as ties and kept in the region, as scipy's Boschloo test does
    (scipy gh-14178). scipy's ``barnard_exact`` compares without tolerance and
    so drops tables tied in exact arithmetic whose floating-point statistics
    differ in the last bit: for 1/7 against 7/7 (``"less"``) the tables
    (1, 7) and (0, 6) both have ``z = -sqrt(10.5)``, scipy returns 0.000547
    and the exact answer, returned here, is 0.000916. Otherwise the two agree.
    The region's conditional probabilities ``q_s`` are summed in log space
    along each total ``s``.

    References
    ----------
    .. [1] Barnard, G. A. (1947). Significance tests for 2 x 2 tables.
       Biometrika 34(1/2), 123-138.

    Examples
    --------
    >>> stat, p = barnard_test(7, 15, 12, 15, "less")
    >>> print(f"{stat:.4f} {p:.4f}")
    -1.8943 0.0341
    """
    check_grid_size(n1, n2, "Barnard")
    total = n1 + n2
    s = np.arange(total + 1, dtype=np.int64)[:, None]
    a = np.arange(n1 + 1, dtype=np.int64)[None, :]
    b = s - a
    valid = (b >= 0) & (b <= n2)
    b_in = np.clip(b, 0, n2)
    p1, p2 = a / n1, b_in / n2
    if pooled:
        p = (a + b_in) / total
        variances = p * (1 - p) * (1 / n1 + 1 / n2)
    else:
        variances = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        wald = np.divide(p1 - p2, np.sqrt(variances))
    wald[p1 == p2] = 0
    observed = wald[x1 + x2, x1]
    # keep tables tied in exact arithmetic (an infinite statistic needs no tolerance)
    tol = TIE_RTOL * max(1.0, abs(observed)) if np.isfinite(observed) else 0.0
    if alternative == "two-sided":
        region = np.abs(wald) >= abs(observed) - tol
    elif alternative == "less":
        region = wald <= observed + tol
    else:
        region = wald >= observed - tol
    log_pmf = np.where(valid & region, conditional_log_pmf(n1, n2), -np.inf)
    log_q = np.minimum(logsumexp_rows(log_pmf), 0.0)
    pvalue, _ = max_over_nuisance(log_q)
    return float(observed), pvalue
