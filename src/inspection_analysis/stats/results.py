"""Result objects shared by the statistics core.

Every result is a frozen dataclass, like scipy's result objects. Fields hold
floats for scalar input, or numpy arrays of one common shape when the function
was called with arrays (vectorised over groups).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from inspection_analysis.stats.checks import as_scalar_or_array

__all__ = ["ConfidenceInterval", "IntervalEstimate", "TestResult", "ResultMixin"]


def _fmt(value) -> str:
    if isinstance(value, str) or value is None:
        return repr(value)
    arr = np.asarray(value)
    if arr.ndim == 0:
        v = arr.item()
        if isinstance(v, bool | np.bool_):
            return str(bool(v))
        if isinstance(v, int | np.integer):
            return str(int(v))
        return f"{float(v):.6g}"
    return np.array2string(arr, precision=6, separator=", ", threshold=8)


class ResultMixin:
    """Readable ``repr`` and ``to_frame`` for the frozen result dataclasses."""

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={_fmt(getattr(self, f.name))}" for f in fields(self))
        return f"{type(self).__name__}({inner})"

    def to_dict(self) -> dict:
        """The fields as a plain ``dict`` (numpy scalars become Python scalars)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.generic):
                value = value.item()
            out[f.name] = value
        return out

    def to_frame(self):
        """The result as a one-row (or one-row-per-group) pandas DataFrame.

        pandas is imported here only, so the numeric core does not depend on it.
        """
        import pandas as pd

        data = {k: np.atleast_1d(v) if not isinstance(v, str) else v for k, v in self.to_dict().items()}
        return pd.DataFrame(data)


@dataclass(frozen=True, repr=False)
class ConfidenceInterval(ResultMixin):
    """A confidence interval ``(low, high)``.

    Attributes
    ----------
    low, high : float or numpy.ndarray
        The lower and upper limits.
    """

    low: float | np.ndarray
    high: float | np.ndarray

    def __iter__(self):
        return iter((self.low, self.high))


@dataclass(frozen=True, repr=False)
class IntervalEstimate(ResultMixin):
    """A point estimate with its confidence interval.

    Attributes
    ----------
    estimate : float or numpy.ndarray
        The point estimate.
    low, high : float or numpy.ndarray
        The lower and upper confidence limits.
    """

    estimate: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray

    def __iter__(self):
        return iter((self.estimate, self.low, self.high))


@dataclass(frozen=True, repr=False)
class TestResult(ResultMixin):
    """The result of a hypothesis test.

    Attributes
    ----------
    statistic : float or numpy.ndarray
        The test statistic, as the method defines it (see each function).
    pvalue : float or numpy.ndarray
        The p-value for ``alternative``.
    method : str
        The method used.
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    """

    __test__ = False  # not a pytest test class

    statistic: float | np.ndarray
    pvalue: float | np.ndarray
    method: str
    alternative: str

    @classmethod
    def from_arrays(cls, statistic, pvalue, method: str, alternative: str) -> TestResult:
        """The result of a vectorised test: floats for scalar input, and p-values clipped to [0, 1].

        Examples
        --------
        >>> TestResult.from_arrays(np.array(2.5), np.array(1.0000000002), "score", "greater").pvalue
        1.0
        """
        return cls(statistic=as_scalar_or_array(statistic), pvalue=as_scalar_or_array(np.clip(pvalue, 0.0, 1.0)),
                   method=method, alternative=alternative)
