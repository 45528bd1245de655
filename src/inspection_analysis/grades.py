"""Grade scales, the ordered grade dtype and failure definitions.

Case files are graded best first: ``good``, ``adequate`` (only on the early
4-point scale of 2014-15), ``requires improvement``, ``inadequate``. The
inspectorate's headline failure is "requires improvement or inadequate"
(:data:`DEFAULT_FAILING`); "inadequate only" is :data:`INADEQUATE_ONLY`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "GRADES",
    "SCALES",
    "GRADE_DTYPE",  # noqa: F822 (made on first use by __getattr__)
    "DEFAULT_FAILING",
    "INADEQUATE_ONLY",
    "GRADE_COUNT_COLUMNS",
    "failure_definition",
    "FAILURE_DEFINITIONS",
]

#: Every grade, best first.
GRADES: tuple[str, ...] = ("good", "adequate", "requires improvement", "inadequate")

#: The grades on each scale, best first.
SCALES: dict[str, tuple[str, ...]] = {
    "3-point": ("good", "requires improvement", "inadequate"),
    "4-point": GRADES,
}

#: The inspectorate's headline failure: requires improvement or inadequate.
DEFAULT_FAILING: tuple[str, ...] = ("requires improvement", "inadequate")

#: The stricter failure: inadequate only.
INADEQUATE_ONLY: tuple[str, ...] = ("inadequate",)

#: The counts-table column holding the count of each grade.
GRADE_COUNT_COLUMNS: dict[str, str] = {
    "good": "n_good",
    "adequate": "n_adequate",
    "requires improvement": "n_requires_improvement",
    "inadequate": "n_inadequate",
}

#: The failure definitions by name, as the CLI's ``--failing`` takes them.
FAILURE_DEFINITIONS = {"ri_or_inadequate": DEFAULT_FAILING, "inadequate": INADEQUATE_ONLY}


def failure_definition(failing: str | Iterable[str] = DEFAULT_FAILING) -> tuple[str, ...]:
    """Normalise a failure definition to a tuple of grades in scale order.

    Parameters
    ----------
    failing : str or iterable of str, default DEFAULT_FAILING
        Either the name ``"ri_or_inadequate"`` (requires improvement or
        inadequate) or ``"inadequate"`` (inadequate only), or an iterable of
        grades such as ``("requires improvement", "inadequate")``. Grades are
        matched after trimming whitespace and ignoring case.

    Returns
    -------
    tuple of str
        The failing grades, without repeats, best first.

    Raises
    ------
    ValueError
        If a grade is unknown, the definition is empty, or every grade fails
        (then nothing could pass and a failure rate means nothing).
    TypeError
        If ``failing`` is neither a string nor an iterable of strings.

    Notes
    -----
    A single string is read as a *name* (``"inadequate"`` or
    ``"ri_or_inadequate"``); to pass one grade, pass a one-element tuple.

    Examples
    --------
    >>> failure_definition("ri_or_inadequate")
    ('requires improvement', 'inadequate')
    >>> failure_definition(["Inadequate", "requires improvement "])
    ('requires improvement', 'inadequate')
    """
    if isinstance(failing, str):
        key = failing.strip().lower()
        if key not in FAILURE_DEFINITIONS:
            raise ValueError(
                f"unknown failure definition {failing!r}; use 'ri_or_inadequate', 'inadequate' "
                f"or a tuple of grades from {GRADES}"
            )
        return FAILURE_DEFINITIONS[key]
    try:
        items = list(failing)
    except TypeError:
        raise TypeError(f"failing must be a string or an iterable of grades, got {failing!r}") from None
    cleaned = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"failing grades must be strings, got {item!r}")
        grade = " ".join(item.split()).lower()
        if grade not in GRADES:
            raise ValueError(f"unknown grade {item!r} in failure definition; known grades: {', '.join(GRADES)}")
        cleaned.append(grade)
    result = tuple(g for g in GRADES if g in cleaned)
    if not result:
        raise ValueError("the failure definition names no grade")
    if result == GRADES:
        raise ValueError("the failure definition cannot include every grade: nothing could pass")
    return result


def __getattr__(name: str):
    """``GRADE_DTYPE``, the ordered categorical dtype for grades (best first, so ``good < inadequate``), made on first use.

    Built lazily so that importing this module (as the CLI's ``--help`` does)
    does not import pandas.
    """
    if name == "GRADE_DTYPE":
        import pandas as pd

        globals()[name] = dtype = pd.CategoricalDtype(list(GRADES), ordered=True)
        return dtype
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
