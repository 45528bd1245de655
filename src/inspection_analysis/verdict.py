"""The headline answer, and what an audit without published counts could have shown.

:func:`has_improved` answers "has any significant improvement occurred?" for
one force, with its caveats. :func:`audit_sensitivity` says, for a round whose
grade counts were never published, how good its result would have had to be to
show a significant improvement, without ever guessing what it found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import sentences as say
from .compare import VERDICTS, check_counts_table, compare_rounds
from .grades import DEFAULT_FAILING
from .rounds_meta import force_rounds, round_info, round_warnings, rounds_table

__all__ = ["Verdict", "has_improved", "AuditSensitivity", "audit_sensitivity"]

_ANSWERS = {VERDICTS[0]: "yes", VERDICTS[1]: "no — worse", VERDICTS[2]: "no"}


@dataclass(frozen=True)
class Verdict:
    """The answer to "has any significant improvement occurred?".

    Attributes
    ----------
    question : str
        The question, naming the force and the two rounds.
    answer : str
        ``"yes"`` (significant improvement), ``"no"`` (no significant change;
        not evidence of no improvement) or ``"no — worse"`` (significant deterioration).
    comparison : dict
        The :func:`~inspection_analysis.compare.compare_rounds` row.
    caveats : tuple of str
        Warnings and round notes that qualify the answer.
    sentence : str
        The plain-English answer with its numbers.
    """

    question: str
    answer: str
    comparison: dict
    caveats: tuple[str, ...]
    sentence: str

    def __str__(self) -> str:
        lines = [self.sentence]
        if self.caveats:
            lines.append("Caveats:")
            lines += [f"- {c}" for c in self.caveats]
        return "\n".join(lines)

    __repr__ = __str__

    def to_frame(self) -> pd.DataFrame:
        """The comparison as a one-row DataFrame."""
        return pd.DataFrame([self.comparison])


def _counts_from(data, failing):
    if data is None:
        from .io import load_published

        data = load_published()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if {"n", "failures"} <= set(data.columns):
        return data
    from .counts import to_counts

    return to_counts(data, failing=failing)


def has_improved(data=None, *, force="mps", baseline=None, follow_up=None, failing=DEFAULT_FAILING,
                 confidence_level=0.95, rounds=None) -> Verdict:
    """Has any significant improvement occurred in a force's failure rate?

    Parameters
    ----------
    data : pandas.DataFrame, optional
        A counts table, or case-level or published rows (counted with
        ``to_counts(data, failing=failing)``). Default: the shipped published
        figures (``load_published()``).
    force : str, default "mps"
        The force code in the rounds registry.
    baseline, follow_up : str, optional
        Round ids. Defaults: the force's first round with failure counts, and
        its latest round with failure counts (rounds ordered by ``reference_date``).
    failing : str or tuple of str, default DEFAULT_FAILING
        The failure definition (requires improvement or inadequate); used only
        when ``data`` is not already a counts table.
    confidence_level : float, default 0.95
        Passed to :func:`~inspection_analysis.compare.compare_rounds`.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.

    Returns
    -------
    Verdict
        ``question``, ``answer``, ``comparison``, ``caveats`` and ``sentence``.

    Raises
    ------
    ValueError
        If the force has fewer than two rounds with failure counts, or a
        named round has none.
    TypeError
        If ``data`` is not a DataFrame.

    Notes
    -----
    The verdict is :func:`~inspection_analysis.compare.compare_rounds`'s: the
    two-sided exact (Boschloo) test at ``1 - confidence_level``. "No" means no
    statistically significant improvement, which is not evidence that nothing
    improved: the sentence says how large an improvement the samples could
    have detected.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [374, 303], "failures": [278, 210]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "label": ["first", "second"],
    ...                     "reference_date": ["2016-01-01", "2018-01-01"]})
    >>> has_improved(counts, force="x", rounds=reg).answer
    'no'
    """
    counts = _counts_from(data, failing)
    check_counts_table(counts)
    reg = rounds_table(rounds)
    mine = force_rounds(reg, force)
    with_counts = set(counts.loc[counts["failures"].notna(), "round_id"])
    usable = [r for r in mine["round_id"] if r in with_counts]
    for name, rid in (("baseline", baseline), ("follow_up", follow_up)):
        if rid is not None and rid not in with_counts:
            raise ValueError(f"{name} round {rid!r} has no failure counts")
    if baseline is None or follow_up is None:
        if len(usable) < 2:
            raise ValueError(f"force {force!r} has fewer than two rounds with failure counts: {usable}")
        baseline = baseline or usable[0]
        follow_up = follow_up or usable[-1]
    row = compare_rounds(counts, baseline, follow_up, confidence_level=confidence_level, rounds=reg).iloc[0]
    info_b, info_f = round_info(reg, baseline), round_info(reg, follow_up)
    force_name = info_f.force_name or info_b.force_name or force
    question = (f"Has any significant improvement occurred in {force_name} between the "
                f"{info_b.label} and the {info_f.label}?")
    caveats = [w for w in row["warnings"].split("; ") if w]
    for info in (info_b, info_f):
        if info.notes:
            caveats.append(f"{info.label}: {info.notes}")
    answer = _ANSWERS[row["verdict"]]
    if answer == "no":
        caveats.append("'No' means no statistically significant improvement, not evidence that nothing improved.")
    return Verdict(question=question, answer=answer, comparison=row.to_dict(), caveats=tuple(caveats),
                   sentence=row["sentence"])


@dataclass(frozen=True)
class AuditSensitivity:
    """What an audit without published counts could have shown against a baseline.

    Attributes
    ----------
    round_id : str or None
        The unpublished round, if named.
    n : int
        Case files in the audit.
    baseline : str
        The baseline round id.
    n_baseline, failures_baseline : int
        The baseline counts.
    baseline_rate : float
        ``failures_baseline / n_baseline``.
    min_detectable_improvement : float
        The smallest fall in the failure rate (a positive proportion) the audit
        would detect with ``power`` by a one-sided test at ``alpha``; NaN if none.
    critical_count : int or None
        The most failing files among ``n`` that would still have been a
        significant improvement (one-sided exact test at ``alpha``); None if no
        count would be.
    alpha, power : float
        The settings used.
    sentence : str
        What the audit could have detected; it never guesses the result.
    caveats : tuple of str
        Warnings that would qualify any comparison of the two rounds, such as
        different assessors (the force's own audit team against the
        inspectorate) or grading scales.
    """

    round_id: str | None
    n: int
    baseline: str
    n_baseline: int
    failures_baseline: int
    baseline_rate: float
    min_detectable_improvement: float
    critical_count: int | None
    alpha: float
    power: float
    sentence: str
    caveats: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.sentence + "".join(f"\n- {c}" for c in self.caveats)


def audit_sensitivity(counts, baseline, n_follow_up=None, *, round_id=None, alpha=0.05, power=0.8,
                      method="boschloo", rounds=None) -> AuditSensitivity:
    """How good an unpublished audit's result would have had to be to show significant improvement.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table holding the baseline round (and ``round_id``, if named).
    baseline : str
        The baseline round id; it must have a failure count.
    n_follow_up : int, optional
        Case files in the audit; default ``n`` of ``round_id`` in ``counts``.
    round_id : str, optional
        The unpublished round (used for its size and label).
    alpha : float, default 0.05
        One-sided significance level.
    power : float, default 0.8
        Power for the minimum detectable improvement.
    method : str, default "boschloo"
        The exact test for ``stats.critical_count``.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.

    Returns
    -------
    AuditSensitivity
        See :class:`AuditSensitivity` for every attribute.

    Raises
    ------
    ValueError
        If the baseline is missing or has no failure count, the audit size is
        unknown or not a whole number of at least 1, or ``alpha``/``power`` is
        outside (0, 1).

    Notes
    -----
    ``critical_count`` is the largest ``x`` with the one-sided exact test of
    ``x`` of ``n`` against the baseline significant at ``alpha``
    (``stats.critical_count``); ``min_detectable_improvement`` comes from
    ``stats.min_detectable_change``. Both depend only on the audit's size, so
    they can be stated when its result was never published.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a"], "n": [374], "failures": [278]})
    >>> res = audit_sensitivity(counts, "a", 170, rounds=pd.DataFrame({"round_id": ["a"]}))
    >>> res.critical_count < 0.743 * 170
    True
    """
    from .stats._checks import check_level
    from .stats.power import min_detectable_change
    from .stats.tests import critical_count

    check_counts_table(counts)
    alpha, power = check_level(alpha, "alpha"), check_level(power, "power")
    base = counts[counts["round_id"] == baseline]
    if base.empty or base["failures"].isna().any():
        raise ValueError(f"baseline round {baseline!r} has no failure count in the counts table")
    if n_follow_up is None:
        audit = counts[counts["round_id"] == round_id] if round_id is not None else counts.iloc[0:0]
        if audit.empty or audit["n"].isna().any():
            raise ValueError(f"give n_follow_up: the size of round {round_id!r} is not in the counts table")
        n_follow_up = audit["n"].sum()
    if isinstance(n_follow_up, bool) or float(n_follow_up) != int(n_follow_up) or int(n_follow_up) < 1:
        raise ValueError(f"n_follow_up must be a whole number of at least 1 case file, got {n_follow_up!r}")
    n = int(n_follow_up)
    x2, n2 = int(base["failures"].sum()), int(base["n"].sum())
    p2 = x2 / n2
    mdi = -min_detectable_change(p2, n, n2, power=power, alpha=alpha, alternative="less")
    crit = critical_count(x2, n2, n, alpha=alpha, method=method)
    reg = rounds_table(rounds)
    info_b = round_info(reg, baseline)
    info_a = round_info(reg, round_id) if round_id is not None else None
    label = info_a.label if info_a is not None else "audit"
    caveats = tuple(round_warnings(info_b, info_a, n2, n)) if info_a is not None else ()
    text = (f"No failure counts were published for the {label} ({n} case files), so its result cannot be tested. "
            f"Against {x2} of {n2} ({say.pct(p2)}) in the {info_b.label}, ")
    if crit is None:
        text += f"no result among {n} files would have been a significant improvement (one-sided {say.test_name(method)} at {100 * alpha:g}%)."
    else:
        text += (f"it would have shown a significant improvement (one-sided {say.test_name(method)} at "
                 f"{100 * alpha:g}%) only if at most {crit} of the {n} files ({say.pct(crit / n)}) "
                 f"{say.failing_phrase(_failing(counts))}.")
    if not math.isnan(mdi):
        text += (f" It could reliably detect ({100 * power:.0f}% power) only an improvement of at least "
                 f"{100 * mdi:.0f} percentage points.")
    text += " What the audit found is not known from the published figures."
    return AuditSensitivity(round_id=round_id, n=n, baseline=baseline, n_baseline=n2, failures_baseline=x2,
                            baseline_rate=p2, min_detectable_improvement=float(mdi), critical_count=crit,
                            alpha=alpha, power=power, sentence=text, caveats=caveats)


def _failing(counts) -> str | None:
    return str(counts["failing"].iloc[0]) if "failing" in counts.columns and len(counts) else None
