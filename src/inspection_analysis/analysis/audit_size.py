"""How many case files the next audit needs to detect a given improvement on a baseline."""

from __future__ import annotations

from dataclasses import dataclass

from inspection_analysis.stats.checks import check_level
from inspection_analysis.stats.power import power_change

__all__ = ["AuditPlan", "files_needed"]


@dataclass(frozen=True)
class AuditPlan:
    """How many case files the next audit needs (see :func:`files_needed`).

    Attributes
    ----------
    baseline_rate : float
        Failure rate of the baseline round.
    n_baseline : int
        Case files in the baseline round (fixed).
    improvement : float
        The fall in failure rate to detect, a positive proportion.
    power, alpha : float
        Power wanted and one-sided significance level.
    files : int or None
        The smallest audit reaching ``power``; ``None`` when no audit size can.
    max_power : float
        The power an audit of unlimited size would have (the baseline's own
        sampling error remains).
    sentence : str
        The plan in plain English.
    """

    baseline_rate: float
    n_baseline: int
    improvement: float
    power: float
    alpha: float
    files: int | None
    max_power: float
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def files_needed(baseline_rate: float, n_baseline: int, improvement: float, *, power: float = 0.8,
                 alpha: float = 0.05, max_files: int = 1_000_000) -> AuditPlan:
    """Case files the next audit needs to detect an improvement on a fixed baseline.

    Parameters
    ----------
    baseline_rate : float
        Failure rate of the baseline round, in (0, 1).
    n_baseline : int
        Case files in the baseline round; it is already done, so fixed.
    improvement : float
        Fall in the failure rate to detect, in (0, ``baseline_rate``].
    power : float, default 0.8
        Power wanted.
    alpha : float, default 0.05
        One-sided significance level (the test for an improvement).
    max_files : int, default 1,000,000
        Largest audit considered ("unlimited" for :attr:`AuditPlan.max_power`).

    Returns
    -------
    AuditPlan

    Raises
    ------
    ValueError
        If a rate or level is out of range or ``improvement`` exceeds the
        baseline rate.

    Notes
    -----
    ``stats.sample_size`` assumes both groups are still to be sampled. Here
    the baseline's ``n`` is fixed, so we solve ``power_change(p2 - d, p2, n1,
    n_baseline, alternative="less") = power`` for the new audit's ``n1``
    alone: power rises with ``n1`` towards a ceiling set by the baseline's
    sampling error, so the smallest whole ``n1`` is found by bisection, and
    when even ``max_files`` falls short the plan says so [1]_.

    References
    ----------
    .. [1] Fleiss JL, Levin B, Paik MC. *Statistical Methods for Rates and
       Proportions*, 3rd ed., Wiley, 2003, section 4.4 (unequal sample sizes).

    Examples
    --------
    >>> plan = files_needed(278 / 374, 374, 0.10)
    >>> plan.files is not None and plan.files < 374
    True
    >>> files_needed(278 / 374, 30, 0.05).files is None
    True
    """

    p2 = float(baseline_rate)
    check_level(p2, "baseline_rate")
    check_level(power, "power")
    check_level(alpha, "alpha")
    if not 0 < improvement <= p2:
        raise ValueError(f"improvement must lie in (0, {p2:.4f}] (the baseline rate), got {improvement!r}")
    p1 = p2 - improvement

    def reached(n1: int) -> bool:
        return power_change(p1, p2, n1, n_baseline, alpha=alpha, alternative="less") >= power

    ceiling = float(power_change(p1, p2, max_files, n_baseline, alpha=alpha, alternative="less"))
    want = f"a fall of {100 * improvement:.1f} points from {100 * p2:.1f}% with {power:.0%} power"
    if not reached(max_files):
        text = (f"No audit size can detect {want} against a baseline of {n_baseline} files: even "
                f"{max_files:,} files give only {ceiling:.0%} power, because the baseline sample is small.")
        return AuditPlan(p2, n_baseline, improvement, power, alpha, None, ceiling, text)
    lo, hi = 1, max_files
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if reached(mid) else (mid + 1, hi)
    text = (f"The next audit needs {lo:,} case files to detect {want} against the baseline of {n_baseline} files "
            f"(one-sided test at {alpha:g}).")
    return AuditPlan(p2, n_baseline, improvement, power, alpha, lo, ceiling, text)
