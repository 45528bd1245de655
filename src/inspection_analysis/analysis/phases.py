"""Phases of a force's series, set from the rounds registry: a new phase where the assessor or the scale changes.

Control limits are recalculated at a known change of the process
(NHSRplotthedots ``rebase=``, qicharts2 ``part=``). For case-file audits the
changes the registry records are who graded the files (the inspectorate, the
force's own audit team) and the grading scale (3-point, 4-point): either can
move the failure rate without any change in case handling, so each starts a
phase, and the reason is carried for the chart to show.
"""

from __future__ import annotations

import pandas as pd

from inspection_analysis.analysis.rounds import force_rounds
from inspection_analysis.analysis.series import force_series, series_doc
from inspection_analysis.analysis.wording import ASSESSOR_PHRASES

__all__ = ["registry_phases", "PHASE_COLUMNS"]

#: The registry columns whose change starts a new phase, with how a change of each is described.
PHASE_COLUMNS = {"assessor": "assessor", "scale": "grading scale"}


def _phrase(column: str, value: str) -> str:
    if column == "assessor":
        return ASSESSOR_PHRASES.get(value, value)
    return value or "unrecorded"


@series_doc
def registry_phases(counts, force="mps", *, rounds) -> pd.DataFrame:
    """The force's rounds with failure counts, numbered into phases where the assessor or grading scale changes.

    Parameters
    ----------
    <series>

    Returns
    -------
    pandas.DataFrame
        One row per round with failure counts, in time order: ``round_id``,
        ``label``, ``n``, ``failures``, ``rate``, ``assessor``, ``scale``
        (empty where the registry has none), ``phase`` (0, 1, ... in time
        order), ``phase_label`` (e.g. ``"the inspectorate, 3-point scale"``)
        and ``phase_reason`` (empty except on the first round of each phase
        after the first, where it says what changed, e.g. ``"assessor changed
        from the inspectorate to the force's own audit team"``).

    Raises
    ------
    ValueError
        If none of the force's rounds has failure counts, or as
        :func:`~inspection_analysis.analysis.series.round_counts`.

    Notes
    -----
    Only the rounds that can be plotted (those with failure counts) are
    phased: a round whose counts were never published cannot move the limits,
    so a force audit with no published counts between two inspections does
    not split them. A phase is a block of consecutive rounds; an assessor who
    returns after another starts a new phase (limits are never pooled across
    a gap). An empty registry value counts as a value of its own.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b", "c"], "n": [100, 100, 100], "failures": [50, 40, 45]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b", "c"], "force": "x", "reference_date": ["1", "2", "3"],
    ...                     "assessor": ["inspectorate", "force_audit", "force_audit"], "scale": "3-point"})
    >>> registry_phases(counts, "x", rounds=reg)[["round_id", "phase", "phase_reason"]].values.tolist()
    [['a', 0, ''], ['b', 1, "assessor changed from the inspectorate to the force's own audit team"], ['c', 1, '']]
    """
    table, _ = force_series(counts, force, rounds)
    if table.empty:
        raise ValueError(f"no round of force {force!r} has failure counts")
    meta = force_rounds(rounds, force).set_index("round_id")
    for col in PHASE_COLUMNS:
        values = meta[col] if col in meta.columns else pd.Series("", index=meta.index)
        table[col] = [("" if pd.isna(v) else str(v)) for v in values.reindex(table["round_id"])]
    phase, reasons, current = [], [], 0
    for i in range(len(table)):
        changes = []
        if i:
            for col, what in PHASE_COLUMNS.items():
                before, now = table[col].iloc[i - 1], table[col].iloc[i]
                if before != now:
                    changes.append(f"{what} changed from {_phrase(col, before)} to {_phrase(col, now)}")
        current += bool(changes)
        phase.append(current)
        reasons.append("; ".join(changes))
    table["phase"] = phase
    table["phase_label"] = [f"{_phrase('assessor', a) or 'an unrecorded assessor'}, {s or 'unrecorded'} scale"
                            for a, s in zip(table["assessor"], table["scale"], strict=True)]
    table["phase_reason"] = reasons
    return table
