"""The monitoring p-chart: phases from the registry, frozen or excluded baselines, configurable rules.

:func:`phased_p_chart` is the Making Data Count chart of a force's failure
rate with everything NHSRplotthedots and qicharts2 let an analyst set: phases
(from the registry by default, see :mod:`inspection_analysis.analysis.phases`),
limits frozen after a baseline, rounds excluded from the limits but still
drawn, the shift and trend lengths, the rules switched on, and the direction
of improvement. It says which limits it drew and why. The latest round's
variation and assurance are in :mod:`inspection_analysis.analysis.status`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.phases import registry_phases
from inspection_analysis.analysis.series import DescribedResult, force_series, series_doc
from inspection_analysis.stats.phases import phased_p_chart_limits, phased_special_causes
from inspection_analysis.stats.point_types import classify_points
from inspection_analysis.stats.spc import LANEY_MIN_POINTS
from inspection_analysis.stats.special_causes import RULES, SHIFT_RUN, TREND_RUN, SpecialCauses

__all__ = ["PhasedPChart", "phased_p_chart", "RULE_NAMES"]

#: How each flag of ``stats.SpecialCauses`` is named in the ``rules`` column.
RULE_NAMES = {
    "beyond_low": "beyond limit", "beyond_high": "beyond limit",
    "two_of_three_low": "2 of 3 between 2 and 3 sigma", "two_of_three_high": "2 of 3 between 2 and 3 sigma",
    "shift_low": "shift", "shift_high": "shift", "trend_falling": "trend", "trend_rising": "trend",
}
_TYPE_WORDS = {"special_cause_improvement": "improvement", "special_cause_concern": "concern",
               "special_cause_neutral": "neutral", "common_cause": "common cause"}


@dataclass(frozen=True)
class PhasedPChart(DescribedResult):
    """A force's p-chart in phases, with the Making Data Count rules applied within each phase.

    Attributes
    ----------
    force : str
        The force code.
    table : pandas.DataFrame
        One row per round with failure counts, in time order: ``round_id``,
        ``label``, ``n``, ``failures``, ``rate``, ``assessor``, ``scale``,
        ``phase``, ``phase_label``, ``phase_reason`` (see
        :func:`~inspection_analysis.analysis.phases.registry_phases`),
        ``included`` (False for a round excluded from the limits),
        ``baseline`` (True for the rounds that set their phase's limits),
        ``centre``, ``lcl``, ``ucl``, ``sigma_score``, ``limits`` (``"p"`` or
        ``"laney p'"``), ``rules`` (the rules that flag the round, joined by
        ", ") and ``point_type`` (``"improvement"``, ``"concern"``,
        ``"neutral"`` or ``"common cause"``).
    flags : SpecialCauses
        The rules' flags per round (``stats.SpecialCauses``).
    limits_drawn : str
        The limits named for a subtitle: ``"3-sigma p limits"``, ``"Laney p' limits"``
        or both when phases differ.
    limits_reason : str
        Why those limits, and how the baseline was set, in a sentence.
    improvement : str
        ``"decrease"``, ``"increase"`` or ``"neutral"``.
    sentence : str
        What the chart shows.
    warnings : tuple of str
        Trial limits, rounds left out, over-dispersion.
    """

    force: str
    table: pd.DataFrame
    flags: SpecialCauses
    limits_drawn: str
    limits_reason: str
    improvement: str
    sentence: str
    warnings: tuple[str, ...]


def _phase_labels(table: pd.DataFrame, phases) -> np.ndarray:
    """The phase label of each round; the registry's reasons are cleared when phases are set by hand."""
    if isinstance(phases, str) and phases == "registry":
        return table["phase"].to_numpy()
    if phases is None:
        table["phase_reason"] = ""
        return np.zeros(len(table), dtype=int)
    labels = np.asarray(phases, dtype=object)
    if labels.shape != (len(table),):
        raise ValueError(f"phases must be 'registry', None or one label per round with failure counts "
                         f"({len(table)}: {', '.join(table['round_id'])}), got {len(labels)}")
    table["phase_reason"] = ""
    return labels


def _exclusions(table: pd.DataFrame, exclude) -> np.ndarray:
    ids = [exclude] if isinstance(exclude, str) else list(exclude or ())
    unknown = [r for r in ids if r not in set(table["round_id"])]
    if unknown:
        raise ValueError(f"exclude names round(s) {unknown} that are not rounds of the chart: "
                         f"{', '.join(table['round_id'])}")
    return table["round_id"].isin(ids).to_numpy()


def _limits_text(lim, freeze) -> tuple[str, str]:
    kinds = list(dict.fromkeys(lim.limits.tolist()))
    drawn = " and ".join({"p": "3-sigma p limits", "laney p'": "Laney p' limits"}[k] for k in kinds)
    n_base = int(lim.n_baseline.min())
    first = "first round (its baseline)" if freeze == 1 else f"first {freeze} rounds"
    how = (f"from the {first} of each phase, held for later rounds" if freeze is not None else "from every round of each phase not excluded")
    if "laney p'" in kinds:
        why = (f"Laney's p' limits, widened by sigma_z = {np.nanmax(lim.dispersion_ratio):.2f} for variation "
               f"beyond the binomial, from at least {LANEY_MIN_POINTS} baseline rounds")
    else:
        why = (f"Plain 3-sigma p limits (binomial): Laney's p' needs at least {LANEY_MIN_POINTS} baseline rounds to "
               f"estimate sigma_z, and the smallest baseline here has {n_base} round{'' if n_base == 1 else 's'}")
    return drawn, f"{why}; centre and limits {how}."


@series_doc
def phased_p_chart(counts, force="mps", *, rounds, phases="registry", freeze=None, exclude=(), laney=None,
                   shift_length=SHIFT_RUN, trend_length=TREND_RUN, rules=RULES,
                   improvement="decrease") -> PhasedPChart:
    """A p-chart of a force's failure rate in phases, with limits frozen or rounds excluded as asked.

    Parameters
    ----------
    <series>
    phases : "registry", None or sequence, default "registry"
        ``"registry"``: a new phase wherever the assessor or grading scale
        changes (:func:`~inspection_analysis.analysis.phases.registry_phases`);
        None: one phase; or one label per round with failure counts.
    freeze : int or None, default None
        Set each phase's limits from its first ``freeze`` rounds and hold
        them (NHSRplotthedots ``fix_after_n_points``, qicharts2 ``freeze``);
        ``freeze=1`` measures every later round against the baseline round.
    exclude : str or sequence of str, default ()
        Round ids left out of the limits but still drawn and tested
        (qicharts2 ``exclude``).
    laney : bool or None, default None
        As ``stats.p_chart_limits``: None uses Laney's p' only from 12
        baseline rounds with sigma_z above 1.
    shift_length, trend_length : int, default 7
        The Making Data Count run lengths (the Excel tool also allows 6).
    rules : collection of str, default all four
        ``"beyond"``, ``"two_of_three"``, ``"shift"``, ``"trend"``.
    improvement : {"decrease", "increase", "neutral"}, default "decrease"
        A failure rate improves downward.

    Returns
    -------
    PhasedPChart
        See :class:`PhasedPChart` for every attribute.

    Raises
    ------
    ValueError
        If no round has failure counts, ``phases`` or ``exclude`` does not
        fit the rounds, a phase has no baseline round, or a setting is invalid
        (as ``stats.phased_p_chart_limits`` and ``stats.special_causes``).

    Notes
    -----
    Limits are ``stats.phased_p_chart_limits`` (Montgomery's p-chart, Laney's
    p' where it can be estimated) and the rules ``stats.phased_special_causes``
    (NHS England's Making Data Count as NHSRplotthedots applies them, within
    each phase). A round flagged both ways is an improvement, as Making Data
    Count shows it (``stats.classify_points``). With fewer than 12 rounds in
    a phase the limits are trial limits, and the warnings say so. A signal
    means a round lies outside what the baseline's binomial variation
    predicts; with ``freeze=1`` that is a one-round-against-baseline
    comparison at 3 sigma, stricter than a 5% test.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [100, 100], "failures": [20, 45]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> res = phased_p_chart(counts, "x", rounds=reg, freeze=1)
    >>> res.table[["round_id", "point_type"]].values.tolist()
    [['a', 'common cause'], ['b', 'concern']]
    """
    table = registry_phases(counts, force, rounds=rounds)
    labels = _phase_labels(table, phases)
    excluded = _exclusions(table, exclude)
    lim = phased_p_chart_limits(table["failures"].to_numpy(), table["n"].to_numpy(), phase=labels, freeze=freeze,
                                exclude=excluded if excluded.any() else None, laney=laney)
    flags = phased_special_causes(table["rate"].to_numpy(), lim.z, phase=labels, shift_length=shift_length,
                                  trend_length=trend_length, rules=rules)
    types = classify_points(flags, improvement=improvement)
    table["phase"] = lim.phase
    table["included"], table["baseline"] = lim.included, lim.baseline
    table["centre"], table["lcl"], table["ucl"], table["sigma_score"] = lim.centre, lim.lcl, lim.ucl, lim.z
    table["limits"] = lim.limits
    table["rules"] = [", ".join(dict.fromkeys(name for attr, name in RULE_NAMES.items() if getattr(flags, attr)[i]))
                      for i in range(len(table))]
    table["point_type"] = [_TYPE_WORDS[t] for t in types]
    drawn, reason = _limits_text(lim, freeze)
    warnings = _warnings(table, lim, counts, force, rounds)
    sentence = _sentence(table)
    return PhasedPChart(force=force, table=table, flags=flags, limits_drawn=drawn, limits_reason=reason,
                        improvement=improvement, sentence=sentence, warnings=tuple(warnings))


def _warnings(table, lim, counts, force, rounds) -> list[str]:
    out = [w for w in force_series(counts, force, rounds)[1] if w.startswith("left out")]
    sizes = table.groupby("phase", sort=False).size()
    if (sizes < 12).any():
        out.insert(0, f"{int(sizes.min())} round{'s' if sizes.min() != 1 else ''} in the shortest phase: these are "
                      "trial limits (NHS Making Data Count advises at least 12 points before limits are relied on)")
    phi, pvalue = np.asarray(lim.phi, dtype=float), np.asarray(lim.overdispersion_pvalue, dtype=float)
    if np.any(lim.limits == "p") and np.any(np.isfinite(pvalue) & (pvalue < 0.05)):
        worst = int(np.nanargmin(np.where(np.isfinite(pvalue), pvalue, np.inf)))
        out.append(f"the baseline rounds vary more than binomially (Pearson chi-square / df = {phi[worst]:.2f}, "
                   f"{say.format_p(pvalue[worst])}), so plain p limits are narrower than this variation warrants")
    return out


def _sentence(table: pd.DataFrame) -> str:
    groups = {kind: table.loc[table["point_type"] == kind, "label"].tolist()
              for kind in ("concern", "improvement", "neutral")}
    found = [f"{kind} in the {' and the '.join(labels)}" for kind, labels in groups.items() if labels]
    phases = int(table["phase"].nunique())
    where = f"in {phases} phases" if phases > 1 else "in one phase"
    if not found:
        return (f"Across {len(table)} rounds {where}, every round lies within its limits and no Making Data Count "
                "rule fires: common-cause variation only.")
    return f"Across {len(table)} rounds {where}, special-cause variation: " + "; ".join(found) + "."
