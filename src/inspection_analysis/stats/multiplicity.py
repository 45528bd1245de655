"""Adjusting p-values for multiple comparisons (several criteria or case types)."""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import check_method

__all__ = ["adjust_pvalues", "METHODS"]

METHODS = ("holm", "bonferroni", "hochberg", "fdr_bh", "fdr_by")
_STATSMODELS_NAMES = {"hochberg": "simes-hochberg"}


def adjust_pvalues(pvalues, *, method="holm"):
    """Adjust p-values for multiplicity, as R's ``p.adjust``.

    Parameters
    ----------
    pvalues : array_like of float
        Raw p-values, in [0, 1]; ``nan`` entries are kept as ``nan`` and not
        counted.
    method : {"holm", "bonferroni", "hochberg", "fdr_bh", "fdr_by"}, default "holm"
        Holm's step-down and Bonferroni control the family-wise error rate;
        Hochberg's step-up does too under independence or positive dependence;
        Benjamini–Hochberg and Benjamini–Yekuteli control the false discovery
        rate (BY under any dependence).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, capped at 1, in the input order and shape.

    Raises
    ------
    ValueError
        If a p-value lies outside [0, 1] or ``method`` is unknown.

    Notes
    -----
    With the ``m`` non-missing p-values sorted, ``p(1) <= ... <= p(m)``, the
    adjusted values are: Bonferroni ``m p``; Holm ``max_{j <= i} (m - j + 1) p(j)``
    [1]_; Hochberg ``min_{j >= i} (m - j + 1) p(j)`` [2]_; BH
    ``min_{j >= i} m p(j) / j`` [3]_; BY the BH value times ``sum_{k=1}^m 1/k``
    [4]_ — R's ``p.adjust`` definitions, with ``n`` the number of non-missing
    values. Computed by statsmodels' ``multipletests`` (``hochberg`` is its
    ``simes-hochberg``).

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. *Scandinavian Journal of Statistics*, 6, 65–70.
    .. [2] Hochberg, Y. (1988). A sharper Bonferroni procedure for multiple
       tests of significance. *Biometrika*, 75, 800–802.
    .. [3] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false
       discovery rate. *JRSS B*, 57, 289–300.
    .. [4] Benjamini, Y. and Yekutieli, D. (2001). The control of the false
       discovery rate in multiple testing under dependency. *Annals of
       Statistics*, 29, 1165–1188.

    Examples
    --------
    >>> from inspection_analysis.stats.multiplicity import adjust_pvalues
    >>> print(adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.05]).round(4).tolist())
    [0.05, 0.08, 0.09, 0.09, 0.09]
    """
    method = check_method(method, METHODS)
    p = np.asarray(pvalues, dtype=float)
    present = ~np.isnan(p)
    if np.any((p[present] < 0) | (p[present] > 1)):
        bad = p[present][(p[present] < 0) | (p[present] > 1)][0]
        raise ValueError(f"p-values must lie in [0, 1], got {bad!r}")
    out = np.full(p.shape, np.nan)
    if present.any():
        from statsmodels.stats.multitest import multipletests

        out[present] = multipletests(p[present], method=_STATSMODELS_NAMES.get(method, method))[1]
    return out
