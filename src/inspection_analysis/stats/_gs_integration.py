"""Recursive numerical integration for group-sequential z-statistics (Jennison & Turnbull, ch. 19).

Under no change the look statistics ``Z_k`` have independent increments in
``Z_k sqrt(t_k)``. The sub-density of ``Z_k`` on the paths that have not yet
crossed is carried from look to look on a grid with Simpson's rule.
"""

from __future__ import annotations

import math

import numpy as np

#: Looks closer than this in information fraction are refused: the increment's density is too narrow for the grid.
MIN_STEP = 1e-3
#: Jennison & Turnbull's grid parameter r (12r - 3 nodes), raised for close looks up to the maximum.
R_MIN, R_MAX = 64, 512
_ROWS = 1024  # kernel rows evaluated at once (bounds memory to about 50 MB)


def check_information(information) -> np.ndarray:
    """Check information fractions: one-dimensional, in (0, 1], increasing by at least ``MIN_STEP``."""
    t = np.array(information, dtype=float)  # a copy: results keep it
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"information must be a non-empty one-dimensional sequence, got shape {t.shape}")
    if not np.all(np.isfinite(t)) or t[0] <= 0 or t[-1] > 1:
        raise ValueError(f"information fractions must lie in (0, 1], got {t.tolist()}")
    if np.any(np.diff(t) <= 0):
        raise ValueError(f"information fractions must be strictly increasing, got {t.tolist()}")
    if np.any(np.diff(t) < MIN_STEP):
        raise ValueError(f"looks closer than {MIN_STEP} in information fraction cannot be integrated accurately; "
                         f"merge them: {t.tolist()}")
    return t


def grid_sizes(t: np.ndarray) -> np.ndarray:
    """Grid parameter r for each look: fine enough to resolve the increments into and out of it.

    The grid's central spacing, ``0.75 / r`` with midpoints, is kept below a
    twentieth of the narrowest adjacent increment's standard deviation.
    """
    sd = np.sqrt(np.diff(t))
    narrowest = np.minimum(np.append(np.inf, sd), np.append(sd, np.inf))
    with np.errstate(divide="ignore"):
        wanted = np.ceil(15 / narrowest)
    return np.clip(wanted, R_MIN, R_MAX).astype(int)


def simpson_grid(upper: float, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes below ``upper`` and composite Simpson weights for a density of standard-normal scale.

    Jennison and Turnbull (2000), section 19.2: points spaced finely over the
    centre and logarithmically into the tails, cut at ``upper`` (which becomes
    the last point), with each interval's midpoint added for Simpson's rule.
    """
    i = np.arange(1, 6 * r)
    x = np.where(i < r, -3 - 4 * np.log(r / i),
                 np.where(i <= 5 * r, -3 + 3 * (i - r) / (2 * r), 3 + 4 * np.log(r / (6 * r - i))))
    x = np.append(x[x < upper], upper)
    widths = np.diff(x)
    nodes = np.empty(2 * x.size - 1)
    nodes[0::2], nodes[1::2] = x, x[:-1] + widths / 2
    weights = np.zeros(nodes.size)
    weights[1::2] = 4 * widths / 6
    weights[0:-1:2] += widths / 6
    weights[2::2] += widths / 6
    return nodes, weights


def first_look(c: float, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and quadrature-weighted sub-density of ``Z_1`` on ``Z_1 < c``."""
    from scipy.stats import norm

    nodes, weights = simpson_grid(c, r)
    return nodes, weights * norm.pdf(nodes)


def crossing(nodes, mass, t_prev: float, t_now: float, c: float) -> float:
    """``P(no crossing before, Z_now >= c)`` from the previous look's weighted sub-density."""
    from scipy.stats import norm

    sd = math.sqrt(t_now - t_prev)
    return float(mass @ norm.sf((c * math.sqrt(t_now) - nodes * math.sqrt(t_prev)) / sd))


def carry(nodes, mass, t_prev: float, t_now: float, c: float, r: int) -> tuple[np.ndarray, np.ndarray]:
    """The weighted sub-density of ``Z_now`` on ``Z_now < c``, on a new grid."""
    from scipy.stats import norm

    root_prev, root_now, sd = math.sqrt(t_prev), math.sqrt(t_now), math.sqrt(t_now - t_prev)
    new_nodes, new_weights = simpson_grid(c, r)
    density = np.empty(new_nodes.size)
    for start in range(0, new_nodes.size, _ROWS):
        rows = new_nodes[start:start + _ROWS, None]
        density[start:start + _ROWS] = norm.pdf((rows * root_now - nodes[None, :] * root_prev) / sd) @ mass
    return new_nodes, new_weights * density * (root_now / sd)
