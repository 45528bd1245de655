"""Input checks shared by the statistics core.

Every check raises ``ValueError`` naming the offending value; none uses
``assert``, which disappears under ``python -O``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

ALTERNATIVES = ("two-sided", "less", "greater")


def as_scalar_or_array(value):
    """Return a Python float for a 0-d result, else the numpy array."""
    arr = np.asarray(value)
    return float(arr) if arr.ndim == 0 else arr


def check_method(method: str, valid: Iterable[str], what: str = "method") -> str:
    """Raise ``ValueError`` listing the valid choices unless ``method`` is one."""
    valid = tuple(valid)
    if method not in valid:
        raise ValueError(f"unknown {what} {method!r}; valid choices are: {', '.join(valid)}")
    return method


def check_alternative(alternative: str) -> str:
    """Check ``alternative`` is ``"two-sided"``, ``"less"`` or ``"greater"``."""
    return check_method(alternative, ALTERNATIVES, "alternative")


def check_level(value: float, name: str = "confidence_level") -> float:
    """Check a probability such as a confidence level or alpha lies in (0, 1)."""
    v = float(value)
    if not (0.0 < v < 1.0) or not np.isfinite(v):
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return v


def check_probability(p, name: str = "p", *, closed: bool = True) -> np.ndarray:
    """Check rates lie in [0, 1] (or (0, 1) with ``closed=False``)."""
    arr = np.asarray(p, dtype=float)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 1) if closed else ~np.isfinite(arr) | (arr <= 0) | (arr >= 1)
    if np.any(bad):
        first = arr[bad].flat[0] if arr.ndim else arr.item()
        interval = "[0, 1]" if closed else "(0, 1)"
        raise ValueError(f"{name} must lie in {interval}, got {first!r}")
    return arr


def check_beta_prior(prior) -> tuple[float, float]:
    """Check a Beta prior ``(a, b)`` of two positive finite numbers; return them as floats."""
    try:
        a, b = (float(v) for v in prior)
    except (TypeError, ValueError):
        raise ValueError(f"prior must be a pair (a, b) of Beta parameters, got {prior!r}") from None
    if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"prior Beta parameters must be positive and finite, got {prior!r}")
    return a, b


def as_count_array(value, name: str) -> np.ndarray:
    """Check whole, non-negative counts; return them as int64 (a read-only view when already int64).

    Integer input is checked in one pass for negatives, with no float copy.
    """
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind in "iu":
        if kind == "i" and arr.size and arr.min() < 0:
            raise ValueError(f"{name} must not be negative, got {float(arr[arr < 0].flat[0]):g}")
        out = arr.astype(np.int64, copy=False)
        if out is arr:  # never hand back the caller's own array writable
            out = arr.view()
            out.flags.writeable = False
        return out
    if kind == "b" or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be a whole number of case files, got {value!r}")
    as_float = arr.astype(float)
    bad = ~np.isfinite(as_float) | (as_float != np.round(as_float))
    if np.any(bad):
        raise ValueError(f"{name} must be a whole number of case files, got {as_float[bad].flat[0]!r}")
    if np.any(as_float < 0):
        raise ValueError(f"{name} must not be negative, got {as_float[as_float < 0].flat[0]:g}")
    return as_float.astype(np.int64)


def check_counts(x, n, *, xname: str = "x", nname: str = "n") -> tuple[np.ndarray, np.ndarray]:
    """Check failures ``x`` out of ``n`` case files; return int64 arrays of one shape.

    Raises ``ValueError`` for negative or non-integer counts, ``n = 0``,
    ``x > n``, or shapes that do not broadcast. The arrays returned may be
    read-only views of the input: copy before writing into them.
    """
    xa = as_count_array(x, xname)
    na = as_count_array(n, nname)
    if xa.shape != na.shape:
        try:
            xa, na = np.broadcast_arrays(xa, na)
        except ValueError:
            raise ValueError(f"shapes of {xname} {np.shape(x)} and {nname} {np.shape(n)} do not match") from None
    if na.size and na.min() == 0:  # counts are non-negative here
        raise ValueError(f"{nname} must be at least 1 case file, got 0")
    over = xa > na
    if over.any():
        i = np.flatnonzero(over)[0]
        raise ValueError(f"{xname} ({xa.flat[i]}) must not exceed {nname} ({na.flat[i]})")
    return xa, na


def check_planned(x2, n2, n1, caller: str) -> tuple[int, int, int]:
    """Check scalar counts of an earlier round (``x2`` of ``n2``) and a new round's size ``n1``; return ints.

    Raises ``ValueError`` as :func:`check_counts` does (so also for ``n1 = 0``),
    or naming ``caller`` when a count is not a scalar.
    """
    x2_arr, n2_arr = check_counts(x2, n2, xname="x2", nname="n2")
    n1_arr, _ = check_counts(n1, n1, xname="n1", nname="n1")
    if x2_arr.ndim or n1_arr.ndim:
        raise ValueError(f"{caller} takes scalar counts x2, n2 and n1")
    return int(x2_arr), int(n2_arr), int(n1_arr)


def check_two_groups(x1, n1, x2, n2):
    """Check two groups of counts and broadcast all four to one shape."""
    x1, n1 = check_counts(x1, n1, xname="x1", nname="n1")
    x2, n2 = check_counts(x2, n2, xname="x2", nname="n2")
    if x1.shape == x2.shape:
        return x1, n1, x2, n2
    try:
        x1, n1, x2, n2 = np.broadcast_arrays(x1, n1, x2, n2)
    except ValueError:
        raise ValueError(f"shapes of group 1 {x1.shape} and group 2 {x2.shape} do not match") from None
    return x1, n1, x2, n2
