"""Honest sentences at tiny samples: when no outcome could be significant, and when an interval and a test differ.

At a handful of case files a normal-approximation "minimum detectable
change" can be quoted that the exact test could never reach, and a
confidence interval for the change can exclude zero while the exact test is
not significant. The sentences of :mod:`inspection_analysis.analysis.compare`
and :mod:`inspection_analysis.analysis.planning` ask this module first.
"""

from __future__ import annotations

import math

from inspection_analysis.analysis import wording as say
from inspection_analysis.stats.hypotests import change_test
from inspection_analysis.stats.small_samples import BestCaseResult, best_case_test, interval_test_agreement

__all__ = ["best_case", "interval_test_note", "no_outcome_sentence"]


def best_case(x2: int, n2: int, n1: int, *, alpha: float, test: str = "boschloo") -> BestCaseResult | None:
    """The best any outcome of ``n1`` new files could do against ``x2`` of ``n2``, or None if it is significant.

    Parameters
    ----------
    x2, n2 : int
        Failures and case files in the baseline round.
    n1 : int
        Case files in the new round.
    alpha : float
        One-sided significance level of the test for improvement.
    test : str, default "boschloo"
        The exact test (``"fisher"`` or else Boschloo's).

    Returns
    -------
    BestCaseResult or None
        ``stats.best_case_test`` when even no failure among ``n1`` files would
        not be a significant improvement; None when some outcome could be.

    Notes
    -----
    Boschloo's p-value never exceeds Fisher's, and Fisher's p-value for no
    failure among ``n1`` files is a closed-form hypergeometric probability, so
    when that is already significant the (slower) Boschloo computation is
    skipped: some outcome could be significant either way.

    Examples
    --------
    >>> print(f"{best_case(278, 374, 1, alpha=0.05).pvalue:.4f}")
    0.2113
    >>> best_case(278, 374, 2, alpha=0.05) is None
    True
    """
    x2, n2, n1 = int(x2), int(n2), int(n1)
    if change_test(0, n1, x2, n2, method="fisher", alternative="less").pvalue <= alpha:
        return None
    res = best_case_test(x2, n2, n1, alpha=alpha, method="fisher" if test == "fisher" else "boschloo")
    return None if res.can_be_significant else res


def no_outcome_sentence(res: BestCaseResult, baseline_label: str) -> str:
    """The sentence for a sample in which no outcome could be significant, with no minimum detectable change.

    Examples
    --------
    >>> res = best_case(278, 374, 1, alpha=0.05)
    >>> no_outcome_sentence(res, "2016 inspection")[:60]
    'No outcome of 1 case file could be a significant improvement'
    """
    return (f"No outcome of {say.case_files(res.n1)} could be a significant improvement on the {baseline_label}: "
            f"even with none failing, {say.test_name(res.method)} (one-sided) gives {say.format_p(res.pvalue)}, "
            f"above {res.alpha:g}. The sample is too small to detect any change, so no minimum detectable change "
            "is given.")


def interval_test_note(low: float, high: float, pvalue: float, *, alpha: float, confidence_level: float,
                       test: str) -> str:
    """A sentence when the interval for the change and the test of no change disagree; empty when they agree.

    Examples
    --------
    >>> interval_test_note(-0.785, -0.084, 0.0952, alpha=0.05, confidence_level=0.95, test="boschloo")[:58]
    'The 95% interval for the change lies wholly below zero, ye'
    """
    if any(math.isnan(v) for v in (low, high, pvalue)):
        return ""
    res = interval_test_agreement(low, high, pvalue, alpha=alpha, alternative="two-sided")
    if res.agree:
        return ""
    cl = f"{100 * confidence_level:.0f}%"
    why = (f"the interval (Newcombe's hybrid score) and the test ({say.test_name(test)}) are different methods, "
           "which can disagree at very small samples; neither is wrong, and the verdict follows the test")
    if res.interval_excludes_null:
        side = "below" if high < 0 else "above"
        return f"The {cl} interval for the change lies wholly {side} zero, yet the test is not significant: {why}."
    return f"The test is significant, yet the {cl} interval for the change includes zero: {why}."
