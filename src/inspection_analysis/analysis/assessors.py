"""How far two assessors agree: bounds from published grade counts, kappa from a cross-tab or double-graded cases.

In 2016 the Metropolitan Police graded 132 of its own case files and the
inspectorate re-graded them; only percentages were published (about 80% good
or adequate by the force, 76% requiring improvement or inadequate by the
inspectorate). Without the cross-tabulation, agreement itself cannot be
measured, but the published margins bound it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.grades import SCALES, failure_definition
from inspection_analysis.stats.agreement import agreement_bounds, kappa

__all__ = ["AgreementResult", "assessor_agreement", "agreement_from_cases", "MPS_2016_MARGINALS"]

#: The 2016 MPS comparison, 132 cases, as (pass, fail) counts DERIVED from published percentages:
#: force about 80% good or adequate -> 0.80 * 132 = 105.6 ~ 106 pass, 26 fail;
#: inspectorate 76% requires improvement or inadequate -> 0.76 * 132 = 100.3 ~ 100 fail, 32 pass.
MPS_2016_MARGINALS = {
    "force": (106, 26),
    "inspectorate": (32, 100),
    "labels": ("passed (good or adequate)", "failed (requires improvement or inadequate)"),
    "names": ("the force", "the inspectorate"),
}


@dataclass(frozen=True)
class AgreementResult:
    """Agreement between two assessors grading the same case files.

    Attributes
    ----------
    n : int
        Case files graded by both.
    labels : tuple of str
        The grades, in the order of the margins.
    marginals_a, marginals_b : tuple of int
        Each assessor's count per grade.
    min_agreement, max_agreement : int
        Fewest and most cases the two can have graded alike, given the margins.
    min_proportion, max_proportion : float
        The same as proportions of ``n``.
    observed_agreement : float
        Cases graded alike (a count) when a cross-tab was given, else NaN.
    kappa, kappa_low, kappa_high, kappa_pvalue : float
        Cohen's (weighted) kappa, its confidence interval and the p-value of
        the test of kappa = 0, when a cross-tab was given; else NaN.
    weights : str
        ``"none"``, ``"linear"`` or ``"quadratic"`` (kappa weights), or
        ``"not computed"`` without a cross-tab.
    derived : bool
        True when the margins are derived from published percentages.
    sentence : str
        What the numbers imply, in plain English.
    table : pandas.DataFrame or None
        The cross-tab when one was given (rows assessor A, columns assessor
        B, labelled with the grades), else None.
    """

    n: int
    labels: tuple[str, ...]
    marginals_a: tuple[int, ...]
    marginals_b: tuple[int, ...]
    min_agreement: int
    max_agreement: int
    min_proportion: float
    max_proportion: float
    observed_agreement: float
    kappa: float
    kappa_low: float
    kappa_high: float
    kappa_pvalue: float
    weights: str
    derived: bool
    sentence: str
    table: pd.DataFrame | None = None

    def __str__(self) -> str:
        return self.sentence


def assessor_agreement(marginals_a=None, marginals_b=None, *, table=None, labels=None,
                       names=("assessor A", "assessor B"), weights="auto", confidence_level=0.95) -> AgreementResult:
    """Bound or measure how far two assessors agreed on the same case files.

    Parameters
    ----------
    marginals_a, marginals_b : sequence of int, optional
        Each assessor's count of cases per grade (same grades, same order,
        same total). With neither these nor ``table``, the 2016 MPS comparison
        (:data:`MPS_2016_MARGINALS`, derived counts) is used.
    table : array_like, shape (k, k), optional
        The full cross-tab (rows assessor A, columns assessor B); gives kappa.
    labels : sequence of str, optional
        Grade names, for the sentence; default "grade 1", "grade 2", ...
    names : tuple of str, default ("assessor A", "assessor B")
        How the two assessors are named in the sentence.
    weights : {"auto", None, "linear", "quadratic"}, default "auto"
        Kappa weights; "auto" is unweighted for two grades and linear for
        more (ordinal grades).
    confidence_level : float, default 0.95
        For the kappa interval.

    Returns
    -------
    AgreementResult
        See :class:`AgreementResult` for every attribute; ``table`` is the
        cross-tab labelled with ``labels`` and ``names``.

    Raises
    ------
    ValueError
        If ``table`` is combined with margins, only one margin is given, or
        the counts are invalid (negative, unequal totals, wrong shape).

    Notes
    -----
    The bounds are the Fréchet bounds on the diagonal of a table with the
    given margins, from ``stats.agreement_bounds``; kappa and its
    large-sample interval come from ``stats.kappa`` (Cohen [1]_, weighted
    for ordinal grades [2]_).

    References
    ----------
    .. [1] Cohen J. A coefficient of agreement for nominal scales. Educational
       and Psychological Measurement. 1960;20:37-46.
    .. [2] Cohen J. Weighted kappa: nominal scale agreement with provision for
       scaled disagreement or partial credit. Psychological Bulletin. 1968;70:213-220.

    Examples
    --------
    >>> res = assessor_agreement()
    >>> res.min_agreement, res.max_agreement, res.n
    (6, 58, 132)
    """

    derived = False
    result_kappa = None
    if table is not None:
        if marginals_a is not None or marginals_b is not None:
            raise ValueError("give either a cross-tab (table) or the two margins, not both")
        cross = np.asarray(table)
        if cross.ndim != 2 or cross.shape[0] != cross.shape[1]:
            raise ValueError(f"table must be a square cross-tab, got shape {cross.shape}")
        if weights == "auto":
            weights = None if cross.shape[0] == 2 else "linear"
        result_kappa = kappa(cross, weights=weights, confidence_level=confidence_level)
        marginals_a, marginals_b = cross.sum(axis=1), cross.sum(axis=0)
    elif marginals_a is None and marginals_b is None:
        marginals_a, marginals_b = MPS_2016_MARGINALS["force"], MPS_2016_MARGINALS["inspectorate"]
        labels = labels or MPS_2016_MARGINALS["labels"]
        names = MPS_2016_MARGINALS["names"] if names == ("assessor A", "assessor B") else names
        derived = True
    elif marginals_a is None or marginals_b is None:
        raise ValueError("give both marginals_a and marginals_b (or a table)")
    low, high = agreement_bounds(marginals_a, marginals_b)
    a = tuple(int(v) for v in np.asarray(marginals_a).ravel())
    b = tuple(int(v) for v in np.asarray(marginals_b).ravel())
    n = sum(a)
    labels = tuple(labels) if labels is not None else tuple(f"grade {i + 1}" for i in range(len(a)))
    if len(labels) != len(a):
        raise ValueError(f"labels has {len(labels)} names for {len(a)} grades")
    name_a, name_b = names
    sentence = (f"From their grade counts alone, {name_a} and {name_b} can have agreed on at most {high} of the "
                f"{n} cases ({say.pct(high / n)})")
    sentence += f" and on as few as {low} ({say.pct(low / n)})." if low < high else "."
    nan = math.nan
    observed, kap, klo, khi, kp, wname, frame = nan, nan, nan, nan, nan, "not computed", None
    if result_kappa is not None:
        frame = pd.DataFrame(cross, index=pd.Index(labels, name=name_a), columns=pd.Index(labels, name=name_b))
        observed = float(np.trace(cross))
        kap, klo, khi, kp, wname = (result_kappa.kappa, result_kappa.low, result_kappa.high,
                                    result_kappa.pvalue, result_kappa.weights)
        kind = "Cohen's kappa" if wname == "none" else f"{wname}-weighted kappa"
        sentence += (f" They gave the same grade to {observed:.0f} ({say.pct(observed / n)}); {kind} = {kap:.2f} "
                     f"({100 * confidence_level:.0f}% CI {klo:.2f} to {khi:.2f}).")
    else:
        sentence += " Without a cross-tabulation of their grades, agreement itself (kappa) cannot be computed."
    if derived:
        sentence += (" The counts are derived from published percentages (the force about 80% good or adequate, "
                     "the inspectorate 76% requiring improvement or inadequate, of 132 cases), not published as counts.")
    return AgreementResult(n=n, labels=labels, marginals_a=a, marginals_b=b, min_agreement=low, max_agreement=high,
                           min_proportion=low / n, max_proportion=high / n, observed_agreement=observed, kappa=kap,
                           kappa_low=klo, kappa_high=khi, kappa_pvalue=kp, weights=wname, derived=derived,
                           sentence=sentence, table=frame)


def agreement_from_cases(cases, grader_a="grade_force", grader_b="grade_inspectorate", *, scale="4-point",
                         failing=None, names=None, weights="auto", confidence_level=0.95) -> AgreementResult:
    """Cross-tabulate double-graded case files and measure the two assessors' agreement (kappa).

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case file graded by both assessors, with the two grade
        columns (grades as in :data:`~inspection_analysis.grades.GRADES`;
        case and surrounding white space are ignored). A ``synthetic`` column
        that is True marks the sentence as synthetic.
    grader_a, grader_b : str, default "grade_force", "grade_inspectorate"
        The columns holding each assessor's grade (the columns of
        ``data/synthetic/mps_self_assessment_double_graded_synthetic.csv``);
        assessor A gives the rows of the cross-tab, B the columns.
    scale : {"4-point", "3-point"}, default "4-point"
        The grade scale (:data:`~inspection_analysis.grades.SCALES`), best
        first: every grade of it is a row and a column of the cross-tab, even
        when no case has it.
    failing : str or tuple of str, optional
        A failure definition (as :func:`~inspection_analysis.grades.failure_definition`,
        e.g. ``"ri_or_inadequate"``): with it the grades are first collapsed
        to "passing" and "failing" and the cross-tab is 2 x 2.
    names : tuple of str, optional
        How the two assessors are named; default the column names without a
        leading ``grade_`` (e.g. "force" and "inspectorate").
    weights : {"auto", None, "linear", "quadratic"}, default "auto"
        Kappa weights, as :func:`assessor_agreement`: "auto" is unweighted
        for 2 x 2 and linear for more grades.
    confidence_level : float, default 0.95
        For the kappa interval.

    Returns
    -------
    AgreementResult
        As :func:`assessor_agreement` with a cross-tab: ``kappa`` and its
        interval, the Fréchet bounds of its margins, and ``table`` (a
        DataFrame of counts, rows ``names[0]``'s grades and columns
        ``names[1]``'s, best first).

    Raises
    ------
    ValueError
        If a grade column is missing, ``cases`` has no rows, a grade is
        missing or not on the scale, or ``scale``, ``failing`` or ``weights``
        is unknown.
    TypeError
        If ``cases`` is not a DataFrame.

    Notes
    -----
    The cases are only counted here; the cross-tab then goes to
    :func:`assessor_agreement`, whose Notes and References give the method
    (Cohen's kappa, weighted for ordinal grades). Linear and quadratic
    weights depend on the number of grades: an unused grade left in the scale
    (``adequate`` on the 4-point scale, when the cases were graded on the
    3-point one) moves the other grades apart and changes the weighted kappa,
    so give the scale the cases were graded on.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"grade_force": ["good", "good", "inadequate", "inadequate"],
    ...                       "grade_inspectorate": ["good", "inadequate", "inadequate", "inadequate"]})
    >>> res = agreement_from_cases(cases, scale="3-point", weights=None)
    >>> res.table.to_numpy().tolist()
    [[1, 0, 1], [0, 0, 0], [0, 0, 2]]
    >>> print(f"{res.kappa:.2f}")
    0.50
    """
    if not isinstance(cases, pd.DataFrame):
        raise TypeError(f"cases must be a pandas DataFrame, got {type(cases).__name__}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use one of {list(SCALES)}")
    missing = [c for c in (grader_a, grader_b) if c not in cases.columns]
    if missing:
        raise ValueError(f"cases lacks grade column(s) {missing}; it has {list(cases.columns)}")
    if cases.empty:
        raise ValueError("cases has no rows: nothing to cross-tabulate")
    grades = SCALES[scale]
    codes = [_grade_codes(cases[col], col, grades) for col in (grader_a, grader_b)]
    labels = grades
    if failing is not None:
        fails = failure_definition(failing)
        fail_on_scale = np.array([g in fails for g in grades])
        codes = [fail_on_scale[c].astype(int) for c in codes]
        labels = ("passing", "failing")
    cross = np.zeros((len(labels), len(labels)), dtype=int)
    np.add.at(cross, (codes[0], codes[1]), 1)
    if names is None:
        names = tuple(col.removeprefix("grade_").replace("_", " ") for col in (grader_a, grader_b))
    result = assessor_agreement(table=cross, labels=labels, names=names, weights=weights,
                                confidence_level=confidence_level)
    if "synthetic" in cases.columns and cases["synthetic"].fillna(False).astype(bool).any():
        result = replace(result, sentence="SYNTHETIC DATA, not real gradings: " + result.sentence)
    return result


def _grade_codes(values: pd.Series, column: str, grades: tuple[str, ...]) -> np.ndarray:
    """Each grade's position on the scale (best first); raise naming missing or unknown grades."""
    if values.isna().any():
        raise ValueError(f"{column} has {int(values.isna().sum())} missing grade(s); every case must be graded by both")
    cleaned = values.astype(str).map(lambda g: " ".join(g.split()).lower())
    unknown = sorted(set(cleaned) - set(grades))
    if unknown:
        raise ValueError(f"{column} has grade(s) {unknown} not on the scale {list(grades)}")
    return cleaned.map({g: i for i, g in enumerate(grades)}).to_numpy(dtype=int)
