"""What a tiny sample can and cannot show: the best any outcome could do, and intervals that disagree with tests.

:func:`best_case_test` answers "could any result of the new round be
significant?" before it is audited, so a sentence can say that nothing could
be, instead of quoting a minimum detectable change from a normal
approximation that the exact test can never reach. :func:`interval_test_agreement`
says whether a confidence interval for the change and a test of no change
tell the same story, so a sentence can explain a disagreement (different
methods, very small samples) instead of implying a contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspection_analysis.stats.checks import (
    as_scalar_or_array,
    check_alternative,
    check_level,
    check_method,
    check_planned,
)
from inspection_analysis.stats.results import ResultMixin

__all__ = ["BestCaseResult", "best_case_test", "IntervalTestAgreement", "interval_test_agreement"]


@dataclass(frozen=True, repr=False)
class BestCaseResult(ResultMixin):
    """Result of :func:`best_case_test`.

    Attributes
    ----------
    x1 : int
        The most favourable outcome for the alternative: failures among the
        ``n1`` new files (0 for ``"less"``, ``n1`` for ``"greater"``, the
        better of the two for ``"two-sided"``).
    n1 : int
        Case files in the new round.
    x2, n2 : int
        Failures and case files in the earlier round.
    pvalue : float
        The p-value of that outcome: no outcome of ``n1`` files gives a
        smaller one.
    alpha : float
        The significance level.
    can_be_significant : bool
        ``pvalue <= alpha``: whether any outcome at all could be significant.
    method, alternative : str
        The test, as in :func:`~inspection_analysis.stats.hypotests.change_test`.
    """

    x1: int
    n1: int
    x2: int
    n2: int
    pvalue: float
    alpha: float
    can_be_significant: bool
    method: str
    alternative: str


def best_case_test(x2, n2, n1, *, alpha=0.05, method="boschloo", alternative="less") -> BestCaseResult:
    """The smallest p-value any outcome of ``n1`` new case files could give against an earlier round.

    Parameters
    ----------
    x2, n2 : int
        Failures and case files in the earlier round (group 2).
    n1 : int
        Case files in the new round (group 1), at least 1.
    alpha : float, default 0.05
        Significance level.
    method : {"boschloo", "fisher"}, default "boschloo"
        The exact test of :func:`~inspection_analysis.stats.hypotests.change_test`.
    alternative : {"less", "greater", "two-sided"}, default "less"
        ``"less"`` looks for an improvement (fewer failures in the new round).
        ``"two-sided"`` only with ``method="boschloo"``.

    Returns
    -------
    BestCaseResult
        ``x1``, ``n1``, ``x2``, ``n2``, ``pvalue``, ``alpha``,
        ``can_be_significant``, ``method``, ``alternative``.

    Raises
    ------
    ValueError
        For invalid or non-scalar counts, ``n1 = 0``, ``alpha`` outside (0, 1),
        an unknown ``method`` or ``alternative``, ``"two-sided"`` with
        ``"fisher"``, or rounds too large for Boschloo's grid (as
        :func:`~inspection_analysis.stats.hypotests.change_test`).

    Notes
    -----
    Both tests' one-sided p-values for ``"less"`` grow with ``x1`` for fixed
    ``x2``: Fisher's ``P(A <= x1 | A + B = x1 + x2)`` does, because one more
    case in the total raises ``A`` by at most one, and Boschloo's p-value is
    the supremum of the probability of the tables whose Fisher p-value is at
    most the observed one, a region that grows with it [1]_. So ``x1 = 0`` is
    the best any new round can do for ``"less"`` (and ``x1 = n1`` for
    ``"greater"``), and Boschloo's two-sided p-value, twice the smaller
    one-sided one, is smallest at one of those two ends. Fisher's two-sided
    p-value is not monotone in this way, so it is not offered. When
    ``can_be_significant`` is false no result of the audit could be reported
    as significant, whatever it finds, and a minimum detectable change from
    :func:`~inspection_analysis.stats.power.min_detectable_change` (a normal
    approximation) should not be quoted: the exact test cannot detect it.
    :func:`~inspection_analysis.stats.hypotests.critical_count` returns ``None``
    in exactly the same case for ``"less"``.

    References
    ----------
    .. [1] Boschloo, R. D. (1970). Statistica Neerlandica 24(1), 1-9.

    Examples
    --------
    One new case file against 278 of 374 failing: even no failure is not
    significant.

    >>> res = best_case_test(278, 374, 1)
    >>> print(f"{res.pvalue:.4f} {res.can_be_significant}")
    0.2113 False
    >>> best_case_test(278, 374, 2).can_be_significant
    True
    """
    from inspection_analysis.stats.hypotests import change_tests

    alpha = check_level(alpha, "alpha")
    method = check_method(method, ("boschloo", "fisher"))
    alternative = check_alternative(alternative)
    if alternative == "two-sided" and method == "fisher":
        raise ValueError("alternative 'two-sided' needs method 'boschloo': Fisher's two-sided p-value is not "
                         "smallest at the extreme outcomes")
    x2, n2, n1 = check_planned(x2, n2, n1, "best_case_test")
    ends = {"less": (0,), "greater": (n1,), "two-sided": (0, n1)}[alternative]
    pvalues = [float(change_tests(x1, n1, x2, n2, method=method, alternatives=(alternative,))[alternative].pvalue)
               for x1 in ends]
    best = int(np.argmin(pvalues))
    return BestCaseResult(x1=ends[best], n1=n1, x2=x2, n2=n2, pvalue=pvalues[best], alpha=alpha,
                          can_be_significant=pvalues[best] <= alpha, method=method, alternative=alternative)


@dataclass(frozen=True, repr=False)
class IntervalTestAgreement(ResultMixin):
    """Result of :func:`interval_test_agreement`.

    Attributes
    ----------
    interval_excludes_null : bool or numpy.ndarray
        Whether the interval lies wholly on the side of ``null`` that the
        alternative looks for (either side for ``"two-sided"``).
    test_significant : bool or numpy.ndarray
        ``pvalue <= alpha``.
    agree : bool or numpy.ndarray
        Whether the two say the same thing.
    low, high, pvalue : float or numpy.ndarray
        As given.
    alpha, null : float
        As given.
    alternative : str
        As given.
    """

    interval_excludes_null: bool | np.ndarray
    test_significant: bool | np.ndarray
    agree: bool | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray
    pvalue: float | np.ndarray
    alpha: float
    null: float
    alternative: str


def _as_bool(value):
    arr = np.asarray(value)
    return bool(arr) if arr.ndim == 0 else arr


def interval_test_agreement(low, high, pvalue, *, alpha=0.05, alternative="two-sided", null=0.0
                            ) -> IntervalTestAgreement:
    """Whether a confidence interval for a change and a test of no change agree.

    Parameters
    ----------
    low, high : float or array_like
        The confidence interval for the change (for example ``p1 - p2``).
    pvalue : float or array_like
        The test's p-value for H0: change = ``null``. Arrays broadcast together.
    alpha : float, default 0.05
        The test's significance level.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        The test's alternative; for ``"less"`` only an interval wholly below
        ``null`` counts as excluding it, for ``"greater"`` one wholly above.
    null : float, default 0.0
        The value of no change (1 for a ratio).

    Returns
    -------
    IntervalTestAgreement
        ``interval_excludes_null``, ``test_significant``, ``agree``, ``low``,
        ``high``, ``pvalue``, ``alpha``, ``null``, ``alternative``.

    Raises
    ------
    ValueError
        If ``alpha`` lies outside (0, 1), ``alternative`` is unknown, a
        limit or p-value is not finite, ``low > high``, a p-value lies
        outside [0, 1], or the shapes do not broadcast.

    Notes
    -----
    Match the interval to the test: a ``1 - alpha`` two-sided interval with
    a two-sided test at ``alpha``, or a ``1 - 2 alpha`` one with a one-sided
    test. Even then an interval and a test computed by different methods
    (Newcombe's hybrid score interval [1]_ against Boschloo's exact test, say)
    can disagree near the boundary, and at very small samples the gap can be
    wide: for 0 of 2 new files failing against 278 of 374, the 95% Newcombe
    interval for the change is -78 to -8 percentage points, wholly below 0,
    yet Boschloo's two-sided p-value is 0.095. Neither is wrong; they answer
    slightly different questions with different approximations, and a
    sentence should say so rather than report one as if it contradicted the
    other.

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference
       between independent proportions: comparison of eleven methods.
       Statistics in Medicine 17, 873-890.

    Examples
    --------
    >>> res = interval_test_agreement(-0.785, -0.084, 0.0952)
    >>> print(res.interval_excludes_null, res.test_significant, res.agree)
    True False False
    """
    alpha = check_level(alpha, "alpha")
    alternative = check_alternative(alternative)
    null = float(null)
    try:
        low, high, pvalue = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(low, high, pvalue))
    except ValueError:
        raise ValueError(f"shapes of low {np.shape(low)}, high {np.shape(high)} and pvalue {np.shape(pvalue)} "
                         "do not match") from None
    for name, values in (("low", low), ("high", high), ("pvalue", pvalue)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} must be finite, got {values[~np.isfinite(values)].flat[0]!r}")
    if np.any(low > high):
        raise ValueError(f"low must not exceed high, got low {low[low > high].flat[0]!r} > "
                         f"high {high[low > high].flat[0]!r}")
    if np.any((pvalue < 0) | (pvalue > 1)):
        raise ValueError(f"pvalue must lie in [0, 1], got {pvalue[(pvalue < 0) | (pvalue > 1)].flat[0]!r}")
    below, above = high < null, low > null
    excludes = {"two-sided": below | above, "less": below, "greater": above}[alternative]
    significant = pvalue <= alpha
    return IntervalTestAgreement(
        interval_excludes_null=_as_bool(excludes), test_significant=_as_bool(significant),
        agree=_as_bool(excludes == significant), low=as_scalar_or_array(low), high=as_scalar_or_array(high),
        pvalue=as_scalar_or_array(pvalue), alpha=alpha, null=null, alternative=alternative)
