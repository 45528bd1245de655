"""Agreement between two assessors grading the same case files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from inspection_analysis.stats.checks import as_count_array, check_level, check_method
from inspection_analysis.stats.results import ResultMixin

__all__ = ["KappaResult", "kappa", "agreement_bounds"]


@dataclass(frozen=True, repr=False)
class KappaResult(ResultMixin):
    """Result of :func:`kappa`.

    Attributes
    ----------
    kappa : float
        Cohen's kappa (weighted if ``weights`` was given).
    ase : float
        Large-sample standard error of kappa (not assuming kappa = 0).
    low, high : float
        Wald confidence interval ``kappa +/- z * ase``.
    ase_h0 : float
        Standard error under H0: kappa = 0 (ratings independent).
    z : float
        ``kappa / ase_h0``.
    pvalue : float
        Two-sided p-value for H0: kappa = 0.
    weights : str
        ``"none"``, ``"linear"`` or ``"quadratic"``.
    confidence_level : float
        Level of ``low``/``high``.
    """

    kappa: float
    ase: float
    low: float
    high: float
    ase_h0: float
    z: float
    pvalue: float
    weights: str
    confidence_level: float


def _disagreement_matrix(k, weights):
    """``d = 1 - w``: 0 on the diagonal, ``|i - j| / (k - 1)`` (linear) or its square (quadratic) off it."""
    i, j = np.indices((k, k))
    if weights == "none":
        return (i != j).astype(float)
    distance = np.abs(i - j) / (k - 1)
    return distance if weights == "linear" else distance**2


def kappa(table, *, weights=None, confidence_level=0.95):
    """Cohen's kappa, or weighted kappa, for two assessors' grades of the same cases.

    Parameters
    ----------
    table : array_like, shape (k, k)
        Cross-tabulation of case files: rows are assessor A's grade, columns
        assessor B's, in the same grade order.
    weights : {None, "linear", "quadratic"}, default None
        Agreement weights ``1 - |i - j| / (k - 1)`` (linear) or
        ``1 - (i - j)^2 / (k - 1)^2`` (quadratic); None for unweighted kappa.
    confidence_level : float, default 0.95
        Level of the confidence interval.

    Returns
    -------
    KappaResult
        ``kappa``, ``ase``, ``low``, ``high``, ``ase_h0``, ``z``, ``pvalue``,
        ``weights``, ``confidence_level``.

    Raises
    ------
    ValueError
        If the table is not square with at least two grades, counts are
        negative or not whole, the table is empty, ``weights`` is unknown, or
        ``confidence_level`` lies outside (0, 1).

    Notes
    -----
    With cell proportions ``p_ij``, margins ``p_i.`` and ``p_.j`` and
    weights ``w_ij``: ``po = sum w p``, ``pe = sum w p_i. p_.j`` and
    ``kappa = (po - pe) / (1 - pe)``. The variances are the large-sample
    formulas of Fleiss, Cohen & Everitt (1969) [1]_ (also [2]_, ch. 18):
    ``Var = [sum p_ij (w_ij - (wbar_i. + wbar_.j)(1 - kappa))^2 -
    (kappa - pe (1 - kappa))^2] / (n (1 - pe)^2)`` and, under H0,
    ``Var0 = [sum p_i. p_.j (w_ij - (wbar_i. + wbar_.j))^2 - pe^2] / (n (1 - pe)^2)``,
    with ``wbar_i. = sum_j p_.j w_ij`` and ``wbar_.j = sum_i p_i. w_ij``.
    Both numerators are variances, and they are computed as such, in the
    disagreement weights ``d = 1 - w`` (``qo = 1 - po``, ``qe = 1 - pe``,
    ``dbar = 1 - wbar``): ``Var = sum p_ij (d_ij - (1 - kappa)(dbar_i. +
    dbar_.j - qe))^2 / (n qe^2)`` and ``Var0 = sum p_i. p_.j (d_ij - (dbar_i.
    + dbar_.j - qe))^2 / (n qe^2)``, the sum-of-squares form
    ``sum e (w - wbar_i. - wbar_.j + pe)^2`` of the null variance. Unlike the
    textbook difference of two terms near ``pe^2`` these do not cancel, so
    they keep full precision as ``pe`` nears 1, and ``kappa = (qe - qo) / qe``
    is exact where the two assessors always agree. Only when chance agreement
    is complete (``pe = 1`` exactly: both assessors give every case the same
    single grade, so ``qe = 0``) is kappa undefined, and every field is ``nan``.

    References
    ----------
    .. [1] Fleiss, J. L., Cohen, J. and Everitt, B. S. (1969). Large sample
       standard errors of kappa and weighted kappa. *Psychological Bulletin*,
       72, 323–327.
    .. [2] Fleiss, J. L., Levin, B. and Paik, M. C. (2003). *Statistical Methods
       for Rates and Proportions*, 3rd ed. Wiley.

    Examples
    --------
    >>> from inspection_analysis.stats.agreement import kappa
    >>> res = kappa([[20, 5], [10, 15]])
    >>> print(f"{res.kappa:.2f} {res.ase:.4f} {res.ase_h0:.4f}")
    0.40 0.1270 0.1386
    """
    confidence_level = check_level(confidence_level)
    weights = check_method("none" if weights is None else weights, ("none", "linear", "quadratic"), "weights")
    counts = as_count_array(table, "table").astype(float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] < 2:
        raise ValueError(f"table must be square with at least two grades, got shape {counts.shape}")
    n = counts.sum()
    if n == 0:
        raise ValueError("table must contain at least one case file, got all zeros")
    p = counts / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    d = _disagreement_matrix(p.shape[0], weights)
    expected = np.outer(rows, cols)
    qo, qe = (d * p).sum(), (d * expected).sum()  # 1 - po and 1 - pe, without cancellation
    nan = float("nan")
    if qe == 0:
        return KappaResult(nan, nan, nan, nan, nan, nan, nan, weights, confidence_level)
    k = (qe - qo) / qe
    centred = (d @ cols)[:, None] + (rows @ d)[None, :] - qe  # dbar_i. + dbar_.j - qe
    scale = n * qe**2
    var = (p * (d - centred * (qo / qe)) ** 2).sum() / scale
    var0 = (expected * (d - centred) ** 2).sum() / scale
    ase, ase0 = np.sqrt(var), np.sqrt(var0)
    half = special.ndtri(0.5 + confidence_level / 2) * ase
    z = k / ase0 if ase0 > 0 else nan
    pvalue = float(special.erfc(abs(z) / np.sqrt(2))) if ase0 > 0 else nan
    return KappaResult(float(k), float(ase), float(k - half), float(k + half), float(ase0), float(z), pvalue, weights, confidence_level)


def agreement_bounds(marginals_a, marginals_b):
    """Fewest and most cases two assessors could have graded alike, from their grade counts only.

    Parameters
    ----------
    marginals_a, marginals_b : array_like of int
        Each assessor's count of cases per grade (same grades, same order),
        over the same case files.

    Returns
    -------
    tuple of int
        ``(min_agreement, max_agreement)``: the smallest and largest possible
        number of cases given the same grade by both.

    Raises
    ------
    ValueError
        If counts are negative or not whole, the grade lists differ in length,
        or the totals differ (they must describe the same cases).

    Notes
    -----
    These are the bounds on the diagonal sum of a contingency table with the
    given margins (Fréchet bounds [1]_). The most is ``sum_k min(a_k, b_k)``
    (each grade can match at most the smaller count). The fewest is
    ``max(0, max_k (a_k + b_k) - n)``: grade ``k`` must match on at least
    ``a_k + b_k - n`` cases, and when no grade is forced to match a cyclic
    shift of the sorted cases avoids every match, while otherwise the one
    forced grade (at most one can exceed half of the cases per assessor)
    needs only its forced overlap. So published grade counts alone cannot
    show that two assessors agreed: unless ``min_agreement > 0`` they may have
    agreed on no case at all.

    References
    ----------
    .. [1] Fréchet, M. (1951). Sur les tableaux de corrélation dont les marges
       sont données. *Annales de l'Université de Lyon*, Section A, 14, 53–77.

    Examples
    --------
    >>> from inspection_analysis.stats.agreement import agreement_bounds
    >>> agreement_bounds([30, 70], [40, 60])
    (30, 90)
    """
    a = as_count_array(marginals_a, "marginals_a")
    b = as_count_array(marginals_b, "marginals_b")
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"marginals_a and marginals_b must list the same grades, got shapes {a.shape} and {b.shape}")
    n = int(a.sum())
    if n != int(b.sum()):
        raise ValueError(f"the assessors' totals differ ({n} and {int(b.sum())}); they must grade the same cases")
    return int(max(0, (a + b).max() - n)), int(np.minimum(a, b).sum())
