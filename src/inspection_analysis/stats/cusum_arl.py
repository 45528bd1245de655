"""Average run lengths of one-sided Bernoulli CUSUMs by an exact Markov chain, and limits for an ARL."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from inspection_analysis.stats._cusum_design import SIDES, TOL, check_design, shifted_rate
from inspection_analysis.stats.checks import check_method, check_probability
from inspection_analysis.stats.results import ResultMixin

__all__ = ["CusumARL", "CusumLimit", "cusum_arl", "cusum_limit_for_arl"]


def _farey_bounds(value: float, max_denominator: int) -> tuple[Fraction, Fraction]:
    """The fractions just below and just above ``value`` with denominators at most ``max_denominator``.

    Continued-fraction convergents: the last convergent and the best
    semiconvergent within the bound lie on opposite sides of ``value`` and are
    its neighbours in the Farey sequence of that order.
    """
    f = Fraction(value)
    if f.denominator <= max_denominator:
        return f, f
    p0, q0, p1, q1 = 0, 1, 1, 0
    num, den = f.numerator, f.denominator
    while True:
        a = num // den
        if q0 + a * q1 > max_denominator:
            break
        p0, q0, p1, q1 = p1, q1, p0 + a * p1, q0 + a * q1
        num, den = den, num - a * den
    k = (max_denominator - q0) // q1
    semi, conv = Fraction(p0 + k * p1, q0 + k * q1), Fraction(p1, q1)
    return (semi, conv) if semi < conv else (conv, semi)


def _lattice_arl(step: Fraction, q_up: float, threshold: float, side: str) -> float:
    """ARL from 0 of the CUSUM ``B = max(0, B + increment)`` on the lattice of ``step.denominator``.

    Upper: ``B + X - step``; lower: ``B + step - X``; signal at ``B >= threshold``.
    The chain's transient states are ``0 .. H - 1`` in units of ``1 / denominator``.
    """
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    m, r = step.denominator, step.numerator
    up, down = (m - r, r) if side == "upper" else (r, m - r)
    states = max(1, math.ceil(threshold * m - TOL))
    i = np.arange(states)
    rise = i + up
    inside = rise < states
    rows = np.concatenate([i[inside], i])
    cols = np.concatenate([rise[inside], np.maximum(0, i - down)])
    probs = np.concatenate([np.full(inside.sum(), q_up), np.full(states, 1 - q_up)])
    system = sparse.identity(states, format="csc") - sparse.csc_matrix((probs, (rows, cols)), shape=(states, states))
    return float(np.atleast_1d(spsolve(system, np.ones(states)))[0])


def _reference(p0: float, odds_ratio: float, side: str) -> float:
    """The CUSUM's reference value in units of ``log(odds_ratio)``: gamma (upper) or gamma' (lower)."""
    p1 = shifted_rate(p0, odds_ratio if side == "upper" else 1 / odds_ratio)
    return abs(math.log((1 - p0) / (1 - p1))) / math.log(odds_ratio)


def _arl_bracket(p, p0, odds_ratio, limit, side, max_denominator):
    gamma = _reference(p0, odds_ratio, side)
    threshold = limit / math.log(odds_ratio)
    q_up = p if side == "upper" else 1 - p
    below, above = _farey_bounds(gamma, max_denominator)
    closest = Fraction(gamma).limit_denominator(max_denominator)
    value = {frac: _lattice_arl(frac, q_up, threshold, side) for frac in {below, above, closest}}
    return value[closest], min(value[below], value[above]), max(value[below], value[above])


@dataclass(frozen=True, repr=False)
class CusumARL(ResultMixin):
    """Average run length of a one-sided Bernoulli CUSUM.

    Attributes
    ----------
    arl : float
        The expected number of cases to the first signal, starting from 0,
        for the chart whose reference value is the closest fraction with
        denominator at most ``max_denominator``.
    arl_low, arl_high : float
        Bounds on the ARL of the chart with the exact reference value.
    p : float
        The true failure rate.
    p0, odds_ratio, limit : float
        The chart's design.
    side : str
        ``"upper"`` or ``"lower"``.
    """

    arl: float
    arl_low: float
    arl_high: float
    p: float
    p0: float
    odds_ratio: float
    limit: float
    side: str


def _check_side(side, max_denominator):
    check_method(side, SIDES, "side")
    if isinstance(max_denominator, bool) or int(max_denominator) != max_denominator or max_denominator < 1:
        raise ValueError(f"max_denominator must be a whole number of at least 1, got {max_denominator!r}")
    return int(max_denominator)


def cusum_arl(p, *, p0, odds_ratio: float = 2.0, limit: float = 3.5, side: str = "upper",
              max_denominator: int = 1000) -> CusumARL:
    """Average run length of a one-sided Bernoulli CUSUM, by an exact Markov chain.

    Parameters
    ----------
    p : float
        The true failure rate, in (0, 1): ``p0`` for the in-control ARL.
    p0 : float
        The chart's in-control rate, in (0, 1).
    odds_ratio : float, default 2.0
        The chart's odds ratio, above 1 (see :func:`~inspection_analysis.stats.cusum.bernoulli_cusum`).
    limit : float, default 3.5
        The control limit.
    side : {"upper", "lower"}, default "upper"
        The CUSUM for a rise, or for a fall (improvement), in the failure rate.
    max_denominator : int, default 1000
        The largest denominator of the fractions approximating the reference
        value (the number of lattice states per unit).

    Returns
    -------
    CusumARL
        ``arl`` and the bounds ``arl_low``, ``arl_high``; see :class:`CusumARL`.

    Raises
    ------
    ValueError
        For ``p`` or ``p0`` outside (0, 1), an ``odds_ratio`` not above 1, a
        ``limit`` not positive, an unknown ``side`` or a bad ``max_denominator``.

    Notes
    -----
    Divided by ``log(odds_ratio)`` the upper CUSUM is Reynolds and Stoumbos'
    [1]_ ``B = max(0, B + X - gamma)``, signalling at ``B >= h`` with
    ``h = limit / log(odds_ratio)`` and reference value
    ``gamma = log((1 - p0)/(1 - p1)) / log(odds_ratio)``; the lower CUSUM is
    ``B = max(0, B + gamma' - X)``. When ``gamma = r/m`` is a fraction, ``m B``
    is a whole number and the CUSUM is a finite Markov chain on
    ``0, 1, ..., ceil(m h) - 1``: the ARL solves ``(I - Q) L = 1`` (Brook and
    Evans [2]_) exactly, here with a sparse LU factorisation. ``gamma`` is
    replaced by its closest fraction with denominator at most
    ``max_denominator``; since a CUSUM's path falls as its reference value
    rises, the ARLs for the neighbouring fractions below and above ``gamma``
    bound the ARL of the chart with ``gamma`` itself.

    References
    ----------
    .. [1] Reynolds MR Jr, Stoumbos ZG. A CUSUM chart for monitoring a
       proportion when inspecting continuously. Journal of Quality
       Technology. 1999;31(1):87-108.
    .. [2] Brook D, Evans DA. An approach to the probability distribution of
       CUSUM run length. Biometrika. 1972;59(3):539-549.

    Examples
    --------
    >>> res = cusum_arl(0.3, p0=0.3, odds_ratio=2, limit=3.5)
    >>> print(f"{res.arl:.1f} in [{res.arl_low:.1f}, {res.arl_high:.1f}]")
    721.0 in [721.0, 721.0]
    """
    p = float(check_probability(p, "p", closed=False))
    p0, odds_ratio, limit = check_design(p0, odds_ratio, limit)
    max_denominator = _check_side(side, max_denominator)
    arl, low, high = _arl_bracket(p, p0, odds_ratio, limit, side, max_denominator)
    return CusumARL(arl=arl, arl_low=low, arl_high=high, p=p, p0=p0, odds_ratio=odds_ratio, limit=limit, side=side)


@dataclass(frozen=True, repr=False)
class CusumLimit(ResultMixin):
    """A Bernoulli CUSUM limit chosen for an in-control average run length.

    Attributes
    ----------
    limit : float
        The smallest limit (on the chart's lattice) whose in-control ARL is at
        least ``arl_target``.
    arl, arl_low, arl_high : float
        Its in-control ARL and bounds, as :class:`CusumARL`.
    arl_target : float
        The in-control ARL asked for.
    p0, odds_ratio : float
        The chart's design.
    side : str
        ``"upper"`` or ``"lower"``.
    """

    limit: float
    arl: float
    arl_low: float
    arl_high: float
    arl_target: float
    p0: float
    odds_ratio: float
    side: str


def cusum_limit_for_arl(arl: float, *, p0, odds_ratio: float = 2.0, side: str = "upper",
                        max_denominator: int = 1000) -> CusumLimit:
    """Control limit of a one-sided Bernoulli CUSUM for a stated in-control ARL.

    Parameters
    ----------
    arl : float
        The in-control average run length wanted, in cases (at least 1).
    p0 : float
        The in-control failure rate, in (0, 1).
    odds_ratio : float, default 2.0
        The chart's odds ratio, above 1.
    side : {"upper", "lower"}, default "upper"
        Which CUSUM.
    max_denominator : int, default 1000
        As in :func:`cusum_arl`.

    Returns
    -------
    CusumLimit
        The limit and its achieved in-control ARL; see :class:`CusumLimit`.

    Raises
    ------
    ValueError
        For ``arl`` below 1 or not finite, or invalid design parameters.

    Notes
    -----
    The in-control ARL of :func:`cusum_arl` does not fall as the limit rises
    and changes only where ``m h`` passes a whole number, so the limit is
    searched over the lattice ``h = H log(odds_ratio) / m`` (doubling, then
    bisection on ``H``). The ARL is a step function of the limit, so the
    achieved ARL is usually somewhat above the one asked for. The
    Markov-chain method is that of Reynolds and Stoumbos [1]_.

    References
    ----------
    .. [1] Reynolds MR Jr, Stoumbos ZG. A CUSUM chart for monitoring a
       proportion when inspecting continuously. Journal of Quality
       Technology. 1999;31(1):87-108.

    Examples
    --------
    >>> res = cusum_limit_for_arl(500, p0=0.3)
    >>> print(f"{res.limit:.4f} {res.arl:.1f}")
    3.1656 509.9
    """
    target = float(arl)
    if not (target >= 1 and math.isfinite(target)):
        raise ValueError(f"arl must be a finite number of at least 1 case, got {arl!r}")
    p0, odds_ratio, _ = check_design(p0, odds_ratio)
    max_denominator = _check_side(side, max_denominator)
    step = Fraction(_reference(p0, odds_ratio, side)).limit_denominator(max_denominator)
    q_up = p0 if side == "upper" else 1 - p0

    def arl_at(states: int) -> float:
        return _lattice_arl(step, q_up, states / step.denominator, side)

    low, high = 0, 1  # arl_at(low) < target <= arl_at(high); "0 states" signals at once (ARL 0)
    while arl_at(high) < target:
        low, high = high, 2 * high
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if arl_at(mid) < target else (low, mid)
    limit = high * math.log(odds_ratio) / step.denominator
    res = cusum_arl(p0, p0=p0, odds_ratio=odds_ratio, limit=limit, side=side, max_denominator=max_denominator)
    return CusumLimit(limit=limit, arl=res.arl, arl_low=res.arl_low, arl_high=res.arl_high, arl_target=target,
                      p0=p0, odds_ratio=odds_ratio, side=side)
