"""Bayesian probability that the failure rate fell between two rounds."""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats.checks import as_scalar_or_array, check_beta_prior, check_two_groups

__all__ = ["prob_improvement"]

_TAIL = 1e-15  # posterior mass left out at each end of the integration range
_PANELS, _ORDER = 16, 16  # composite Gauss-Legendre rule in theta: 256 nodes
_CHUNK = 2048  # comparisons evaluated at once (bounds the (chunk, 256) work arrays)


def _rule() -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``theta`` in (0, pi/2) and weights of the composite Gauss-Legendre rule."""
    nodes, weights = np.polynomial.legendre.leggauss(_ORDER)
    half = np.pi / 4 / _PANELS
    left = np.linspace(0.0, np.pi / 2, _PANELS + 1)[:-1]
    return (left[:, None] + half * (nodes + 1)).ravel(), np.tile(weights * half, _PANELS)


def _below_shifted(a_d, b_d, a_o, b_o, shift):
    """``P(O < D - shift)`` for ``D ~ Beta(a_d, b_d)``, ``O ~ Beta(a_o, b_o)``, 1-D arrays of one length.

    ``int F_O(t - shift) f_D(t) dt`` over ``t`` in ``[max(lo, shift), min(hi, 1 + shift)]``,
    where ``[lo, hi]`` holds all but ``2e-15`` of ``D``'s mass (outside it
    ``F_O`` is 0 or 1), plus ``D``'s mass above ``1 + shift`` (where
    ``F_O = 1``). With ``t = lo + (hi - lo) sin(theta)**2`` the power-law ends
    of Beta densities and distribution functions (``t**(a - 1)``, ``(t - shift)**a``)
    become smooth in ``theta``, so a fixed Gauss-Legendre rule converges.
    """
    from scipy import special
    from scipy.stats import beta

    theta, weights = _rule()
    lo = np.maximum(special.betaincinv(a_d, b_d, _TAIL), np.maximum(shift, 0.0))
    hi = np.minimum(special.betaincinv(a_d, b_d, 1 - _TAIL), 1.0 + np.minimum(shift, 0.0))
    width = np.maximum(hi - lo, 0.0)[:, None]
    t = lo[:, None] + width * np.sin(theta) ** 2
    integrand = beta.pdf(t, a_d[:, None], b_d[:, None])  # Boost's density: accurate for large parameters
    integrand *= special.betainc(a_o[:, None], b_o[:, None], np.clip(t - shift[:, None], 0.0, 1.0))
    integrand *= width * np.sin(2 * theta)  # dt / dtheta
    above = np.where(shift < 0, special.betaincc(a_d, b_d, np.minimum(1.0 + shift, 1.0)), 0.0)
    return integrand @ weights + above


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
    posterior distribution function against group 2's density, or, when group
    1's posterior is the narrower (smaller standard deviation), one minus
    ``int F2(p1 + margin) f1(p1) dp1``: integrating against the narrower
    density keeps the other distribution function smooth on its scale. The
    range is the one holding all but ``2e-15`` of the density's mass, cut
    where the distribution function is 0 or 1, and mapped by
    ``t = lo + (hi - lo) sin(theta)**2``, which smooths the power-law ends of
    Beta densities; the integral is then a fixed 256-node composite
    Gauss-Legendre rule, vectorised over all comparisons, with Boost's Beta
    density and distribution function (as in :mod:`scipy.stats`). In our
    checks, up to a million case files per round, it agrees with Cook's
    closed-form sum [1]_ (integer parameters, ``margin = 0``, summed in
    extended precision) to 2e-13, and with adaptive quadrature (other priors
    and margins) to 1e-11; it is not Monte Carlo. This is a statement of
    belief given the prior, not a significance test.

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
    a, b = check_beta_prior(prior)
    margin = float(margin)
    if not -1 < margin < 1:
        raise ValueError(f"margin must lie in (-1, 1), got {margin!r}")
    x1, n1, x2, n2 = check_two_groups(x1, n1, x2, n2)
    a1, b1 = a + x1.ravel(), b + (n1 - x1).ravel()
    a2, b2 = a + x2.ravel(), b + (n2 - x2).ravel()

    def spread(p, q):  # squared standard deviation of Beta(p, q)
        return p * q / ((p + q) ** 2 * (p + q + 1))

    swap = spread(a1, b1) < spread(a2, b2)  # integrate against group 1's density: P = 1 - P(p2 < p1 + margin)
    a_d, b_d, a_o, b_o = np.where(swap, a1, a2), np.where(swap, b1, b2), np.where(swap, a2, a1), np.where(swap, b2, b1)
    shift = np.where(swap, -margin, margin)
    below = np.concatenate([
        _below_shifted(a_d[i:i + _CHUNK], b_d[i:i + _CHUNK], a_o[i:i + _CHUNK], b_o[i:i + _CHUNK], shift[i:i + _CHUNK])
        for i in range(0, a1.size, _CHUNK)
    ]) if a1.size else np.empty(0)
    out = np.clip(np.where(swap, 1.0 - below, below), 0.0, 1.0).reshape(x1.shape)
    return as_scalar_or_array(out)
