"""What an audit without published counts could have shown, and what a planned audit could detect.

:func:`audit_sensitivity` says, for a round whose grade counts were never
published, how good its result would have had to be to show a significant
improvement on a baseline, without ever guessing what it found; with no round
named it answers the same question for an audit being planned.
:func:`detectable_improvements` gives the smallest detectable improvement for
a range of audit sizes. Both depend only on the audit's size, never on its result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.rounds import round_info, round_warnings, rounds_table
from inspection_analysis.analysis.tiny_samples import best_case
from inspection_analysis.counts.contract import check_counts_table
from inspection_analysis.stats.checks import check_level
from inspection_analysis.stats.hypotests import critical_count
from inspection_analysis.stats.power import min_detectable_change

__all__ = ["AuditSensitivity", "audit_sensitivity", "detectable_improvements"]


@dataclass(frozen=True)
class AuditSensitivity:
    """What an audit without published counts could have shown against a baseline.

    Attributes
    ----------
    round_id : str or None
        The unpublished round, if named; None for an audit being planned.
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
        What the unpublished audit could have detected, or (no ``round_id``)
        what a planned audit would have to find; it never guesses a result.
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


def audit_sensitivity(counts, baseline, n_follow_up=None, *, rounds, round_id=None, alpha=0.05,
                      power=0.8, method="boschloo") -> AuditSensitivity:
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
        The unpublished round (used for its size, label and assessor
        caveats). Without it the sentence is worded for planning: what an
        audit of ``n_follow_up`` files would have to find.
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

    x2, n2 = _baseline_counts(counts, baseline)
    alpha, power = check_level(alpha, "alpha"), check_level(power, "power")
    if n_follow_up is None:
        audit = counts[counts["round_id"] == round_id] if round_id is not None else counts.iloc[0:0]
        if audit.empty or audit["n"].isna().any():
            raise ValueError(f"give n_follow_up: the size of round {round_id!r} is not in the counts table")
        n_follow_up = audit["n"].sum()
    n = int(_audit_sizes(n_follow_up, "n_follow_up")[0])
    p2 = x2 / n2
    mdi = -min_detectable_change(p2, n, n2, power=power, alpha=alpha, alternative="less")
    crit = critical_count(x2, n2, n, alpha=alpha, method=method)
    reg = rounds_table(rounds)
    info_b = round_info(reg, baseline)
    info_a = round_info(reg, round_id) if round_id is not None else None
    caveats = tuple(round_warnings(info_b, info_a, n2, n)) if info_a is not None else ()
    test = f"one-sided {say.test_name(method)} at {100 * alpha:g}%"
    failing = say.failing_phrase(_failing(counts))
    detect = (f"could reliably detect ({100 * power:.0f}% power) only an improvement of at least "
              f"{100 * mdi:.0f} percentage points" if not math.isnan(mdi) and crit is not None else "")
    best = best_case(x2, n2, n, alpha=alpha, test=method) if crit is None else None
    if info_a is None:
        text = f"An audit of {say.case_files(n)} against {x2} of {n2} ({say.pct(p2)}) in the {info_b.label} "
        text += (f"could not show a significant improvement whatever it found ({test}: even with none failing, "
                 f"{say.format_p(best.pvalue)}), so no minimum detectable change is given" if crit is None else
                 f"would show a significant improvement ({test}) only if at most {crit} of the {n} files "
                 f"({say.pct(crit / n)}) {failing}")
        text += f"; it {detect}." if detect else "."
    else:
        known = _has_failures(counts, round_id)
        text = (f"The {info_a.label} ({n} case files) has its own failure count, which the comparison of rounds "
                f"tests; before its result was known, against {x2} of {n2} ({say.pct(p2)}) in the "
                f"{info_b.label}, " if known else
                f"No failure counts were published for the {info_a.label} ({n} case files), so its result cannot "
                f"be tested. Against {x2} of {n2} ({say.pct(p2)}) in the {info_b.label}, ")
        text += (f"no result among {n} files would have been a significant improvement ({test}: even with none "
                 f"failing, {say.format_p(best.pvalue)}), so no minimum detectable change is given." if crit is None
                 else f"it would have shown a significant improvement ({test}) only if at most {crit} of the {n} "
                      f"files ({say.pct(crit / n)}) {failing}.")
        text += f" It {detect}." if detect else ""
        text += "" if known else " What the audit found is not known from the published figures."
    return AuditSensitivity(round_id=round_id, n=n, baseline=baseline, n_baseline=n2, failures_baseline=x2,
                            baseline_rate=p2, min_detectable_improvement=float(mdi), critical_count=crit,
                            alpha=alpha, power=power, sentence=text, caveats=caveats)


def _has_failures(counts, round_id: str) -> bool:
    """True when ``counts`` holds a failure count for ``round_id`` (from a published figure or its own file)."""
    rows = counts[counts["round_id"] == round_id]
    return "failures" in counts.columns and not rows.empty and bool(rows["failures"].notna().all())


def _failing(counts) -> str | None:
    return str(counts["failing"].iloc[0]) if "failing" in counts.columns and len(counts) else None


def _baseline_counts(counts, baseline) -> tuple[int, int]:
    """Failures and case files of the baseline round (its rows added up); raise if it has no failure count."""
    check_counts_table(counts)
    base = counts[counts["round_id"] == baseline]
    if base.empty or base["failures"].isna().any() or base["n"].isna().any():
        raise ValueError(f"baseline round {baseline!r} has no failure count in the counts table")
    return int(base["failures"].sum()), int(base["n"].sum())


def _audit_sizes(values, name: str) -> np.ndarray:
    """Audit sizes as a 1-d int array; raise unless each is a whole number of at least 1."""
    sizes = np.atleast_1d(np.asarray(values, dtype=object))
    bad = [v for v in sizes.ravel() if isinstance(v, bool | np.bool_) or not _whole_at_least_one(v)]
    if sizes.ndim != 1 or sizes.size == 0 or bad:
        raise ValueError(f"{name} must be whole numbers of at least 1 case file, got {values!r}")
    return sizes.astype(int)


def _whole_at_least_one(value) -> bool:
    try:
        return float(value) == int(value) and int(value) >= 1
    except (TypeError, ValueError, OverflowError):
        return False


def detectable_improvements(counts, baseline, n_files, *, power=0.8, alpha=0.05, critical=False,
                            method="boschloo") -> pd.DataFrame:
    """The smallest improvement audits of each size could detect against a baseline round.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table holding the baseline round.
    baseline : str
        The baseline round id; it must have a failure count.
    n_files : int or array_like of int
        Audit sizes (case files in the new audit), each at least 1.
    power : float, default 0.8
        Power for the minimum detectable improvement.
    alpha : float, default 0.05
        One-sided significance level.
    critical : bool, default False
        Also give ``critical_count`` (an exact test per size: about a tenth
        to a second each, so leave it off for long grids).
    method : str, default "boschloo"
        The exact test for ``critical_count`` (``"boschloo"`` or ``"fisher"``).

    Returns
    -------
    pandas.DataFrame
        One row per distinct audit size, in increasing order: ``baseline``,
        ``n_baseline``, ``failures_baseline``, ``baseline_rate``, ``n``,
        ``min_detectable_improvement`` (the smallest fall in the failure rate,
        a positive proportion, detected with ``power`` by a one-sided test at
        ``alpha``; NaN if none), ``power``, ``alpha``, and with
        ``critical=True`` also ``critical_count`` (nullable ``Int64``: the
        most failing files among ``n`` that would still be a significant
        improvement; ``<NA>`` if none would).

    Raises
    ------
    ValueError
        If the baseline is missing or has no failure count, an audit size is
        not a whole number of at least 1, ``n_files`` is empty,
        ``alpha``/``power`` is outside (0, 1) or ``method`` is unknown.

    Notes
    -----
    The same quantities as :func:`audit_sensitivity`, for many audit sizes at
    once: ``min_detectable_improvement`` from ``stats.min_detectable_change``
    (normal approximation, pooled variance under the null [1]_), and
    ``critical_count`` from ``stats.critical_count`` (Boschloo's exact test
    [2]_). Both depend only on the audit's size, never on its result.

    References
    ----------
    .. [1] Fleiss JL, Levin B, Paik MC. Statistical Methods for Rates and
       Proportions. 3rd ed. Wiley; 2003. Chapter 4.
    .. [2] Boschloo RD. Raised conditional level of significance for the
       2 x 2-table when testing the equality of two probabilities. Statistica
       Neerlandica. 1970;24(1):1-9.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a"], "n": [374], "failures": [278]})
    >>> table = detectable_improvements(counts, "a", [170, 50], critical=True)
    >>> table[["n", "critical_count"]].values.tolist()
    [[50, 31], [170, 114]]
    >>> print(f"{table['min_detectable_improvement'].iloc[1]:.3f}")
    0.105
    """

    x2, n2 = _baseline_counts(counts, baseline)
    alpha, power = check_level(alpha, "alpha"), check_level(power, "power")
    sizes = np.unique(_audit_sizes(n_files, "n_files"))
    mdi = -np.asarray(min_detectable_change(x2 / n2, sizes, n2, power=power, alpha=alpha, alternative="less"),
                      dtype=float)
    out = pd.DataFrame({"baseline": baseline, "n_baseline": n2, "failures_baseline": x2, "baseline_rate": x2 / n2,
                        "n": sizes, "min_detectable_improvement": mdi + 0.0, "power": power, "alpha": alpha})
    if critical:
        out["critical_count"] = pd.array([critical_count(x2, n2, int(n), alpha=alpha, method=method)
                                          for n in sizes], dtype="Int64")
    return out
