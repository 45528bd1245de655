"""Bayesian probability that the failure rate fell between two rounds."""

from __future__ import annotations

import numpy as np
from scipy import integrate, stats

from ._checks import as_scalar_or_array, check_two_groups

__all__ = ["prob_improvement"]


def _check_prior(prior):
    try:
        a, b = (float(v) for v in prior)
    except (TypeError, ValueError):
        raise ValueError(f"prior must be a pair (a, b) of Beta parameters, got {prior!r}") from None
    if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"prior Beta parameters must be positive and finite, got {prior!r}")
    return a, b


def _one(x1, n1, x2, n2, a, b, margin):
    post1 = stats.beta(a + x1, b + n1 - x1)
    post2 = stats.beta(a + x2, b + n2 - x2)
    # Integrate over the region holding all but 1e-14 of group 2's posterior mass.
    lo = max(post2.ppf(1e-15), margin, 0.0)
    hi = min(post2.ppf(1 - 1e-15), 1.0 + min(margin, 0.0))
    if hi <= lo:
        return 0.0 if lo >= post2.ppf(1 - 1e-15) else 1.0
    value, _ = integrate.quad(
        lambda p2: post1.cdf(p2 - margin) * post2.pdf(p2),
        lo,
        hi,
        points=[float(np.clip(post2.mean(), lo, hi))],
        limit=200,
        epsabs=1e-13,
        epsrel=1e-11,
    )
    if margin < 0:  # where p2 > 1 + margin, p2 - margin exceeds 1 and F1 = 1
        value += post2.sf(1.0 + margin)
    return min(max(value, 0.0), 1.0)


def prob_improvement(x1, n1, x2, n2, *, prior=(1, 1), margin=0.0):
    """Posterior probability that the later round's failure rate is lower.

    Parameters
    ----------
    x1, n1 : int or array_like
        Failures and case files in the later round (group 1).
    x2, n2 : int or array_like
        Failures and case files in the earlier round (group 2).
    prior : tuple of float, default (1, 1)
        Beta(a, b) prior for each rate (uniform by default; (0.5, 0.5) is
        Jeffreys').
    margin : float, default 0.0
        Improvement required, in (-1, 1): the result is ``P(p1 < p2 - margin)``.

    Returns
    -------
    float or numpy.ndarray
        ``P(p1 < p2 - margin | data)`` under independent Beta posteriors.

    Raises
    ------
    ValueError
        For invalid counts, a prior that is not two positive numbers, or a
        ``margin`` outside (-1, 1).

    Notes
    -----
    The posteriors are ``Beta(a + x, b + n - x)``. The probability is the
    one-dimensional integral ``int F1(p2 - margin) f2(p2) dp2`` of group 1's
    posterior distribution function against group 2's density, evaluated by
    adaptive quadrature over the range holding all but ``1e-14`` of the
    density's mass — exact to about 1e-10, not Monte Carlo. For integer
    parameters and ``margin = 0`` it equals Cook's closed-form sum [1]_. This
    is a statement of belief given the prior, not a significance test.

    References
    ----------
    .. [1] Cook, J. D. (2005). Exact calculation of beta inequality
       probabilities. UT MD Anderson Cancer Center, Department of
       Biostatistics, Technical Report 54.

    Examples
    --------
    >>> from inspection_analysis.stats.bayes import prob_improvement
    >>> print(f"{prob_improvement(210, 303, 278, 374):.4f}")
    0.9263
    """
    a, b = _check_prior(prior)
    margin = float(margin)
    if not -1 < margin < 1:
        raise ValueError(f"margin must lie in (-1, 1), got {margin!r}")
    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    out = np.array(
        [
            _one(*(float(v) for v in args), a, b, margin)
            for args in zip(x1.flat, n1.flat, x2.flat, n2.flat, strict=True)
        ]
    ).reshape(x1.shape)
    return as_scalar_or_array(out)
