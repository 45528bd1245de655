"""Has the failure rate improved since the baseline, asked again every quarter without inflating false alarms?

Each quarter's new files are pooled with the follow-up files before them and
compared with the baseline round; a group-sequential plan with Lan-DeMets
alpha spending (``stats.spending_boundaries``) says how strong the evidence
must be at each look so that the chance of ever declaring an improvement
that did not happen stays at ``alpha`` over all the looks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.rounds import round_info, round_warnings
from inspection_analysis.analysis.series import force_series, series_doc
from inspection_analysis.stats.sequential import (
    SequentialCrossing,
    SpendingBoundaries,
    sequential_crossing,
    spending_boundaries,
)

__all__ = ["SequentialVerdict", "sequential_verdict"]

_SPENDING_NAMES = {"obrien_fleming": "O'Brien-Fleming", "pocock": "Pocock"}


@dataclass(frozen=True)
class SequentialVerdict:
    """The group-sequential answer to "has it improved since the baseline?" after each look.

    Attributes
    ----------
    force, baseline : str
        The force and its baseline round.
    table : pandas.DataFrame
        One row per look (a follow-up round with failure counts), in time
        order: ``look``, ``round_id``, ``label``, ``n``, ``failures``,
        ``n_cumulative``, ``failures_cumulative``, ``rate_cumulative`` (the
        follow-up files so far), ``information`` (the fraction of the plan's
        information), ``z`` (positive for a fall against the baseline),
        ``critical``, ``nominal_pvalue``, ``alpha_spent`` and ``crossed``.
    boundaries : SpendingBoundaries
        ``stats.spending_boundaries`` at the looks made.
    crossing : SequentialCrossing
        ``stats.sequential_crossing``: whether, and at which look, the
        boundary was crossed.
    planned_files : int
        The follow-up files the plan's information is measured against.
    plan : str
        The plan in words: spending function, overall alpha, information.
    sentence : str
        Whether the boundary has been crossed, with the latest look's numbers.
    warnings : tuple of str
        Differences of assessor or scale against the baseline; rounds left out.
    """

    force: str
    baseline: str
    table: pd.DataFrame
    boundaries: SpendingBoundaries
    crossing: SequentialCrossing
    planned_files: int
    plan: str
    sentence: str
    warnings: tuple[str, ...]

    def __str__(self) -> str:
        return " ".join([self.plan, self.sentence]) + "".join(f"\n- {w}" for w in self.warnings)


@series_doc
def sequential_verdict(counts, force="mps", *, rounds, baseline=None, planned_files=None, alpha=0.025,
                       spending="obrien_fleming") -> SequentialVerdict:
    """A group-sequential test for improvement since the baseline, one look per follow-up round.

    Parameters
    ----------
    <series>
    baseline : str, optional
        The baseline round; default the force's first round with failure counts.
    planned_files : int, optional
        The follow-up case files the plan expects by its last look (for
        example 12 quarters of 200). Default: the files audited so far, so
        the latest look is the last and spends all of ``alpha``.
    alpha : float, default 0.025
        The one-sided type I error of the whole plan: the chance, if nothing
        changed, of ever declaring an improvement.
    spending : {"obrien_fleming", "pocock"}, default "obrien_fleming"
        The Lan-DeMets spending function (see ``stats.spending_boundaries``).

    Returns
    -------
    SequentialVerdict
        See :class:`SequentialVerdict` for every attribute.

    Raises
    ------
    ValueError
        If the baseline has no failure counts or no round follows it, if
        ``planned_files`` is fewer than the files already audited, or as
        ``stats.spending_boundaries``.

    Notes
    -----
    At look ``k`` the follow-up rounds so far are pooled (``x_k`` failures of
    ``m_k`` files) and compared with the baseline (``x_0`` of ``n_0``) by the
    pooled two-proportion z statistic, signed so that a fall is positive:
    ``z_k = (x_0/n_0 - x_k/m_k) / sqrt(p (1 - p) (1/n_0 + 1/m_k))`` with ``p``
    the pooled rate of both. Because the baseline is shared and the follow-up
    files accumulate, ``cov(D_j, D_k) = var(D_k)`` for the differences
    ``D``, so the ``z_k`` have the independent-increments covariance
    ``sqrt(I_j / I_k)`` with information ``I_k`` proportional to
    ``1 / (1/n_0 + 1/m_k)`` (Jennison and Turnbull [1]_, chapters 3 and 11);
    the information fraction is ``t_k = (1/n_0 + 1/M) / (1/n_0 + 1/m_k)`` for
    ``M = planned_files``. Improvement is declared at the first look with
    ``z_k >= c_k``, the Lan-DeMets [2]_ boundary, and a plan stops there.
    The test is one-sided, for improvement only: a rise is reported by the
    pairwise comparisons, not here. Pooling assumes the follow-up rounds
    measure one rate, true under the null hypothesis that nothing changed.

    References
    ----------
    .. [1] Jennison C, Turnbull BW. Group Sequential Methods with Applications
       to Clinical Trials. Chapman & Hall/CRC; 2000.
    .. [2] Lan KKG, DeMets DL. Discrete sequential boundaries for clinical
       trials. Biometrika. 1983;70(3):659-663.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": list("abc"), "n": [400, 200, 200], "failures": [300, 130, 120]})
    >>> reg = pd.DataFrame({"round_id": list("abc"), "force": "x", "reference_date": list("123")})
    >>> res = sequential_verdict(counts, "x", rounds=reg)
    >>> res.crossing.crossed, res.crossing.look
    (True, 1)
    """
    table, warnings = force_series(counts, force, rounds)
    ids = table["round_id"].tolist()
    baseline = ids[0] if baseline is None and ids else baseline
    if baseline not in ids:
        raise ValueError(f"baseline {baseline!r} is not a round of force {force!r} with failure counts: {ids}")
    start = ids.index(baseline)
    follow = table.iloc[start + 1:].reset_index(drop=True)
    if follow.empty:
        raise ValueError(f"no round with failure counts follows the baseline {baseline!r}")
    x0, n0 = int(table["failures"].iloc[start]), int(table["n"].iloc[start])
    m, xk = follow["n"].cumsum().to_numpy(dtype=float), follow["failures"].cumsum().to_numpy(dtype=float)
    total = int(m[-1]) if planned_files is None else planned_files
    if isinstance(total, bool) or int(total) != total or total < m[-1]:
        raise ValueError(f"planned_files must be a whole number of at least the {int(m[-1])} follow-up case files "
                         f"already audited, got {planned_files!r}")
    total = int(total)
    info = (1 / n0 + 1 / total) / (1 / n0 + 1 / m)
    pooled = (x0 + xk) / (n0 + m)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(pooled * (1 - pooled) > 0, (x0 / n0 - xk / m) / np.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / m)),
                     0.0)
    bounds = spending_boundaries(info, alpha=alpha, spending=spending)
    cross = sequential_crossing(z, bounds)
    out = follow[["round_id", "label", "n", "failures"]].copy()
    out.insert(0, "look", np.arange(1, len(out) + 1))
    out["n_cumulative"], out["failures_cumulative"] = m.astype(int), xk.astype(int)
    out["rate_cumulative"], out["information"], out["z"] = xk / m, info, z
    out["critical"], out["nominal_pvalue"], out["alpha_spent"] = bounds.critical, bounds.nominal_pvalue, \
        bounds.alpha_cumulative
    out["crossed"] = z >= bounds.critical
    info_b = round_info(rounds, baseline)
    for rid in follow["round_id"]:
        info_f = round_info(rounds, rid)
        warnings += [w for w in round_warnings(info_b, info_f, None, None) if w.startswith("different")]
    warnings = [w for w in dict.fromkeys(warnings) if not w.startswith("the rounds mix")]
    plan = _plan(bounds, total, int(m[-1]), info_b.label, len(out))
    sentence = _sentence(out, cross, info_b.label, x0, n0)
    return SequentialVerdict(force=force, baseline=baseline, table=out, boundaries=bounds, crossing=cross,
                             planned_files=total, plan=plan, sentence=sentence, warnings=tuple(warnings))


def _plan(bounds, total, so_far, baseline_label, looks) -> str:
    name = _SPENDING_NAMES[bounds.spending]
    last = ("the latest look is taken as the last, so the whole of alpha is spent by now" if total == so_far else
            f"{so_far:,} of them audited so far, {100 * bounds.alpha_cumulative[-1] / bounds.alpha:.0f}% of alpha "
            "spent")
    return (f"Plan: a one-sided group-sequential test for improvement since the {baseline_label}, with Lan-DeMets "
            f"{name} alpha spending and an overall one-sided alpha of {bounds.alpha:g} (the chance of ever "
            f"declaring an improvement that did not happen, over every look); one look per follow-up round "
            f"({looks} so far), each pooling the follow-up case files so far against the baseline; information "
            f"measured against {total:,} planned follow-up files ({last}).")


def _sentence(table, cross, baseline_label, x0, n0) -> str:
    if cross.crossed:
        row = table.iloc[cross.look - 1]
        return (f"The boundary was crossed at look {cross.look} (the {row['label']}): {int(row['failures_cumulative'])} "
                f"of {int(row['n_cumulative'])} follow-up files failing ({say.pct(row['rate_cumulative'])}) against "
                f"{x0} of {n0} ({say.pct(x0 / n0)}) in the {baseline_label}, z = {row['z']:.2f} against a critical "
                f"value of {row['critical']:.2f}: a significant improvement under the plan.")
    row = table.iloc[-1]
    side = "lower" if row["rate_cumulative"] < x0 / n0 else "higher"
    reach = (f"a z of at least {row['critical']:.2f} (nominal one-sided p {say.format_p(row['nominal_pvalue'])[2:]})"
             if math.isfinite(row["critical"]) else "a boundary")
    return (f"The boundary for improvement has not been crossed at any of {len(table)} look"
            f"{'s' if len(table) != 1 else ''}: at the latest ({row['label']}), {int(row['failures_cumulative'])} of "
            f"{int(row['n_cumulative'])} follow-up files failed ({say.pct(row['rate_cumulative'])}, {side} than the "
            f"{say.pct(x0 / n0)} of the {baseline_label}), z = {row['z']:.2f} where the plan needs {reach}.")
