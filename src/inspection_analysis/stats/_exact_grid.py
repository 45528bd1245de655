"""The grid of 2 x 2 tables that the unconditional exact tests (Boschloo's, Barnard's) sum over, and its size limit.

Both tests lay the tables ``(a, b)`` out by their total ``s = a + b`` and sum
the conditional (hypergeometric) probabilities of the tables in their
rejection region along each total; see :mod:`inspection_analysis.stats._boschloo`.
"""

from __future__ import annotations

import numpy as np

from inspection_analysis.stats._nuisance import log_comb

__all__ = ["TIE_RTOL", "MAX_GRID_CELLS", "check_grid_size", "windows", "conditional_log_pmf"]

# scipy.stats.boschloo_exact includes tables whose Fisher p-value is within this
# relative tolerance of the observed one (scipy gh-14178); we do the same.
TIE_RTOL = 1e-13
# The most (n1 + n2 + 1) x (n1 + 1) grid cells each test may hold: at their peak Boschloo's test needs about
# 20 bytes a cell and Barnard's about 75, so either limit is under 1 GB of memory.
MAX_GRID_CELLS = {"Boschloo": 40_000_000, "Barnard": 12_000_000}


def check_grid_size(n1: int, n2: int, test: str) -> None:
    """Raise ``ValueError`` before an exact test would build a grid of more than ``MAX_GRID_CELLS[test]`` cells.

    Parameters
    ----------
    n1, n2 : int
        Case files in the group whose failures index the grid's columns, and in the other group.
    test : {"Boschloo", "Barnard"}
        The test, which sets the limit.

    Raises
    ------
    ValueError
        Naming both group sizes, the cells needed and the limit.

    Examples
    --------
    >>> check_grid_size(374, 170, "Boschloo")
    >>> check_grid_size(10**10, 374, "Boschloo")
    Traceback (most recent call last):
    ...
    ValueError: Boschloo's exact test for groups of n1=10000000000 and n2=374 case files needs ...
    """
    cells = (n1 + n2 + 1) * (n1 + 1)
    limit = MAX_GRID_CELLS[test]
    if cells > limit:
        raise ValueError(f"{test}'s exact test for groups of n1={n1} and n2={n2} case files needs a grid of "
                         f"{cells:,} cells, more than its limit of {limit:,} (about 1 GB of memory); for samples "
                         "this large use the score or chi-squared test, which agree closely with it there")


def windows(values: np.ndarray, width: int) -> np.ndarray:
    """Every run of ``width`` consecutive values, one per row: a read-only strided view, not a copy.

    :func:`numpy.lib.stride_tricks.sliding_window_view` of a 1-D array,
    without its argument handling (a noticeable part of a small test).
    """
    step = values.strides[0]
    return np.lib.stride_tricks.as_strided(values, (values.size - width + 1, width), (step, step), writeable=False)


def conditional_log_pmf(n1: int, n2: int) -> np.ndarray:
    """``log P(A = a | A + B = s)`` (hypergeometric) laid out as ``[s, a]``; ``-inf`` off the support.

    Row ``s`` is ``log C(n1, a) + log C(n2, s - a) - log C(n1 + n2, s)``; the
    ``log C(n2, s - a)`` part is a sliding window over ``log C(n2, .)`` padded
    with ``-inf``, so no index arithmetic is needed.
    """
    total = n1 + n2
    pad = np.full(n1, -np.inf)
    padded = np.concatenate([pad, log_comb(n2), pad])  # padded[j] = log C(n2, j - n1)
    # row s, column a needs padded[s - a + n1]: a window of the reversed array
    shifted = windows(padded[::-1], n1 + 1)[::-1]  # shifted[s, a] = padded[s + n1 - a]
    return shifted[: total + 1] + (log_comb(n1)[None, :] - log_comb(total)[:, None])
