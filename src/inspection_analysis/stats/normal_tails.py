"""P-values of a statistic that is standard normal under the null hypothesis."""

from __future__ import annotations

import numpy as np

__all__ = ["normal_pvalue"]


def normal_pvalue(z, alternative: str) -> np.ndarray:
    """The p-value of a standard-normal statistic ``z`` for ``alternative``.

    Parameters
    ----------
    z : float or array_like
        The statistic, standard normal under the null hypothesis.
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: small ``z`` is evidence against the null, so the p-value is
        the lower tail; ``"greater"``: the upper tail; ``"two-sided"``: twice
        the tail beyond ``|z|``.

    Returns
    -------
    numpy.ndarray
        The p-values, the shape of ``z``.

    Examples
    --------
    >>> print(f"{float(normal_pvalue(-1.959963984540054, 'two-sided')):.6f}")
    0.050000
    """
    from scipy.stats import norm

    if alternative == "less":
        return norm.cdf(z)
    if alternative == "greater":
        return norm.sf(z)
    return 2 * norm.sf(np.abs(z))
