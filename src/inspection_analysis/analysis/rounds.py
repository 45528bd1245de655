"""Round metadata for the domain layer: labels, assessors, scales and the checks that compare them.

The rounds registry (``load_rounds()``) says who graded each round and on which
scale. The comparison functions use it to label rounds in sentences and to warn
when two rounds were graded by different assessors or on different scales.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from inspection_analysis.analysis.wording import ASSESSOR_PHRASES, case_files

__all__ = ["RoundInfo", "rounds_table", "force_rounds", "round_info", "round_warnings", "months_apart", "SMALL_SAMPLE",
           "FAR_APART_MONTHS"]

#: Fewer case files than this in a round earns a small-sample warning.
SMALL_SAMPLE = 30
#: Rounds further apart than this many months (by ``reference_date``) earn a warning: a change between them
#: spans several quarters of unobserved change, and policies, staff and case mix may all have moved.
FAR_APART_MONTHS = 15
_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class RoundInfo:
    """What the registry says about one round (empty strings where it says nothing)."""

    round_id: str
    label: str
    force: str = ""
    force_name: str = ""
    assessor: str = ""
    scale: str = ""
    reference_date: str = ""
    notes: str = ""
    registered: bool = False


def rounds_table(rounds) -> pd.DataFrame:
    """The rounds registry, checked: a DataFrame with a ``round_id`` column (``load_rounds()`` or ``project.rounds``)."""
    if not isinstance(rounds, pd.DataFrame):
        raise TypeError(f"rounds must be a pandas DataFrame (the rounds registry), got {type(rounds).__name__}")
    if "round_id" not in rounds.columns:
        raise ValueError("the rounds registry needs a 'round_id' column")
    return rounds


def force_rounds(rounds, force: str) -> pd.DataFrame:
    """The registry rows of one force's series, in time order (``reference_date``, then ``round_id``).

    Re-gradings (``role == "regrade"``: cases from another round graded again to
    compare assessors) are not rounds of the series and are left out.
    """
    reg = rounds_table(rounds)
    if "force" not in reg.columns:
        raise ValueError("the rounds registry needs a 'force' column")
    mine = reg[reg["force"] == force]
    if "role" in mine.columns:
        mine = mine[mine["role"] != "regrade"]
    if "reference_date" in mine.columns:
        mine = mine.sort_values(["reference_date", "round_id"], kind="stable")
    return mine


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def round_info(rounds: pd.DataFrame, round_id: str) -> RoundInfo:
    """Look ``round_id`` up in a rounds registry; an unregistered round is labelled by its id."""
    match = rounds[rounds["round_id"] == round_id]
    if match.empty:
        return RoundInfo(round_id=round_id, label=f"round {round_id}")
    row = match.iloc[0]
    fields = ("force", "force_name", "assessor", "scale", "reference_date", "notes")
    values = {f: _text(row.get(f)) for f in fields}
    label = _text(row.get("label")) or f"round {round_id}"
    return RoundInfo(round_id=round_id, label=label, registered=True, **values)


def months_apart(baseline: RoundInfo, follow_up: RoundInfo) -> float | None:
    """Months between two rounds' reference dates (``None`` when either is unknown).

    Examples
    --------
    >>> a = RoundInfo("a", "A", reference_date="2016-05-31")
    >>> b = RoundInfo("b", "B", reference_date="2018-10-19")
    >>> round(months_apart(a, b), 1)  # 871 days / (365.25 / 12)
    28.6
    """
    dates = pd.to_datetime(pd.Series([baseline.reference_date, follow_up.reference_date]), format="ISO8601",
                           errors="coerce")
    if dates.isna().any():
        return None
    return abs((dates.iloc[1] - dates.iloc[0]).days) / _DAYS_PER_MONTH


def round_warnings(baseline: RoundInfo, follow_up: RoundInfo, n_baseline, n_follow_up) -> list[str]:
    """Warnings that qualify any comparison of two rounds: assessor, scale, time apart, sample size, registry."""
    out = []
    for info in (baseline, follow_up):
        if not info.registered:
            out.append(f"{info.round_id} is not in the rounds registry: its assessor and scale could not be checked")
    if baseline.assessor and follow_up.assessor and baseline.assessor != follow_up.assessor:
        who_b = ASSESSOR_PHRASES.get(baseline.assessor, baseline.assessor)
        who_f = ASSESSOR_PHRASES.get(follow_up.assessor, follow_up.assessor)
        out.append(
            f"different assessors: the {baseline.label} was graded by {who_b}, the {follow_up.label} by {who_f}, "
            "and assessors can grade the same files very differently"
        )
    if baseline.scale and follow_up.scale and baseline.scale != follow_up.scale:
        out.append(
            f"different grading scales: {baseline.scale} in the {baseline.label}, "
            f"{follow_up.scale} in the {follow_up.label}"
        )
    months = months_apart(baseline, follow_up)
    if months is not None and months > FAR_APART_MONTHS:
        out.append(f"far apart in time: the {baseline.label} and the {follow_up.label} are {months:.0f} months apart, "
                   "so the change between them may hide rises and falls in between, and who and what was audited "
                   "may have changed too")
    for info, n in ((baseline, n_baseline), (follow_up, n_follow_up)):
        if n is not None and not pd.isna(n) and n < SMALL_SAMPLE:
            out.append(f"small sample: only {case_files(n)} in the {info.label}")
    return out
