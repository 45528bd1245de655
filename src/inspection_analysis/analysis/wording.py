"""Plain-English wording shared by the domain layer: numbers, p-values, rounds and verdicts.

Every sentence the package writes about a comparison is built here, so that
"no significant improvement" is never shortened to "no improvement" and the
same numbers are always formatted the same way.
"""

from __future__ import annotations

import math

__all__ = [
    "pct",
    "points",
    "case_files",
    "format_p",
    "failing_phrase",
    "test_name",
    "ASSESSOR_PHRASES",
]

#: How each ``assessor`` code of the rounds registry reads in a sentence.
ASSESSOR_PHRASES = {
    "inspectorate": "the inspectorate",
    "force_audit": "the force's own audit team",
    "force_self_assessment": "the force's self-assessment",
}

_GRADE_VERBS = {
    "good": "were good",
    "adequate": "were adequate",
    "requires improvement": "required improvement",
    "inadequate": "were inadequate",
}

_TEST_NAMES = {
    "boschloo": "Boschloo's exact test",
    "fisher": "Fisher's exact test",
    "barnard": "Barnard's exact test",
}


def pct(rate: float) -> str:
    """A rate as a whole percentage, e.g. ``0.743 -> '74%'``.

    Examples
    --------
    >>> pct(0.7433)
    '74%'
    """
    return f"{100 * rate:.0f}%"


def points(change: float) -> str:
    """A change in rate as signed whole percentage points, e.g. ``-0.05 -> '-5'``.

    Examples
    --------
    >>> points(0.149), points(-0.0502)
    ('+15', '-5')
    """
    value = round(100 * change)
    return "0" if value == 0 else f"{value:+d}"


def case_files(n: int) -> str:
    """A count of case files with the right number: ``"1 case file"``, ``"2 case files"``.

    Examples
    --------
    >>> case_files(1), case_files(170)
    ('1 case file', '170 case files')
    """
    return f"{int(n)} case file{'' if int(n) == 1 else 's'}"


def format_p(p: float) -> str:
    """A p-value as text: ``p < 0.001``, three significant figures below 0.1, else two decimals.

    Examples
    --------
    >>> format_p(0.0004), format_p(0.0495), format_p(0.148)
    ('p < 0.001', 'p = 0.0495', 'p = 0.15')
    """
    if math.isnan(p):
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.1:
        return f"p = {p:.3g}"
    return f"p = {p:.2f}"


def failing_phrase(failing: str | None) -> str:
    """The verb phrase for a counts table's ``failing`` label.

    Examples
    --------
    >>> failing_phrase("requires improvement|inadequate")
    'required improvement or were inadequate'
    >>> failing_phrase(None)
    'failed'
    """
    if not failing:
        return "failed"
    return " or ".join(_GRADE_VERBS.get(g, f"were graded {g}") for g in str(failing).split("|"))


def test_name(method: str) -> str:
    """The name of a change test for a sentence.

    Examples
    --------
    >>> test_name("boschloo")
    "Boschloo's exact test"
    """
    return _TEST_NAMES.get(method, f"{method} test")


test_name.__test__ = False  # not a pytest test
