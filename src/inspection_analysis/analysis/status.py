"""The latest round's variation and assurance, as data: the two Making Data Count icons of a chart.

Variation says whether the latest round is common cause or a special cause
improving or concerning; assurance says whether, at the latest round's limits,
the process will consistently meet a target, consistently miss it, or
sometimes each. Both come from ``stats.latest_status`` applied to a
:class:`~inspection_analysis.analysis.phased_chart.PhasedPChart`, within its
latest phase.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.phased_chart import PhasedPChart
from inspection_analysis.stats.point_types import latest_status
from inspection_analysis.stats.special_causes import SpecialCauses

__all__ = ["RoundStatus", "latest_round_status", "VARIATION_WORDS", "ASSURANCE_WORDS"]

#: How each variation reads in a sentence.
VARIATION_WORDS = {
    "common_cause": "common-cause variation (no Making Data Count rule fires)",
    "special_cause_improvement": "special-cause variation, improving",
    "special_cause_concern": "special-cause variation, concerning",
    "special_cause_neutral": "special-cause variation (neither direction is better)",
}
#: How each assurance reads in a sentence.
ASSURANCE_WORDS = {
    "consistent_pass": "will consistently meet the target (it lies outside the limits on the better side)",
    "consistent_fail": "will consistently miss the target (it lies outside the limits on the worse side)",
    "inconsistent": "will sometimes meet and sometimes miss the target (it lies between the limits)",
}


@dataclass(frozen=True)
class RoundStatus:
    """Variation and assurance of a chart's latest round, with the names of their icons.

    Attributes
    ----------
    round_id, label : str
        The latest round.
    variation : str
        One of ``stats.POINT_TYPES``.
    variation_icon : str
        The Making Data Count variation icon (``stats.LatestStatus``).
    assurance : str or None
        ``"consistent_pass"``, ``"consistent_fail"`` or ``"inconsistent"``;
        None without a target.
    assurance_icon : str or None
        ``"pass"``, ``"fail"`` or ``"inconsistent"``; None without a target.
    target : float or None
        The target rate.
    target_label : str
        What the target is (e.g. "the 2016 inspection's rate"); empty without one.
    lcl, ucl : float
        The latest round's limits, against which the target is placed.
    sentence : str
        Both in plain English.
    """

    round_id: str
    label: str
    variation: str
    variation_icon: str
    assurance: str | None
    assurance_icon: str | None
    target: float | None
    target_label: str
    lcl: float
    ucl: float
    sentence: str

    def __str__(self) -> str:
        return self.sentence

    def to_frame(self) -> pd.DataFrame:
        """The status as a one-row DataFrame."""
        return pd.DataFrame([asdict(self)])


def latest_round_status(chart: PhasedPChart, *, target: float | None = None, target_label: str = "") -> RoundStatus:
    """The Making Data Count variation and assurance of the latest round of a phased p-chart.

    Parameters
    ----------
    chart : PhasedPChart
        The result of :func:`~inspection_analysis.analysis.phased_chart.phased_p_chart`.
    target : float or None, default None
        The target rate, in [0, 1]; without one, assurance is None.
    target_label : str, default ""
        What the target is, for the sentence (e.g. "the 2016 rate").

    Returns
    -------
    RoundStatus
        See :class:`RoundStatus` for every attribute.

    Raises
    ------
    ValueError
        If ``chart`` is not a ``PhasedPChart`` or ``target`` lies outside [0, 1].

    Notes
    -----
    The rules' flags of the latest phase and the latest round's limits go to
    ``stats.latest_status``, as NHSRplotthedots' ``ptd_get_icons`` reads the
    last row of a chart. Assurance is about the process the limits describe,
    not about one round: a target between the limits will be met by some
    future rounds and missed by others if nothing changes. Trial limits from
    few rounds make both icons provisional.

    Examples
    --------
    >>> import pandas as pd
    >>> from inspection_analysis.analysis.phased_chart import phased_p_chart
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [100, 100], "failures": [20, 45]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "reference_date": ["1", "2"]})
    >>> status = latest_round_status(phased_p_chart(counts, "x", rounds=reg, freeze=1), target=0.3)
    >>> status.variation, status.assurance
    ('special_cause_concern', 'inconsistent')
    """
    if not isinstance(chart, PhasedPChart):
        raise ValueError(f"chart must be the result of phased_p_chart(), got {type(chart).__name__}")
    if target is not None and not 0 <= float(target) <= 1:
        raise ValueError(f"target must be a rate in [0, 1], got {target!r}")
    table = chart.table
    last = (table["phase"] == table["phase"].iloc[-1]).to_numpy()
    flags = SpecialCauses(**{name: value[last] for name, value in chart.flags.to_dict().items()})
    lcl, ucl = table["lcl"].to_numpy()[last], table["ucl"].to_numpy()[last]
    st = latest_status(flags, lcl, ucl, target=target, improvement=chart.improvement)
    row = table.iloc[-1]
    text = f"The {row['label']} ({say.pct(row['rate'])} failing) shows {VARIATION_WORDS[st.variation]}."
    if st.assurance is not None:
        what = f"{target_label} ({say.pct(target)})" if target_label else f"a target of {say.pct(target)}"
        text += (f" Against {what}, with limits of {say.pct(lcl[-1])} to {say.pct(ucl[-1])}, the process "
                 f"{ASSURANCE_WORDS[st.assurance]}.")
    return RoundStatus(round_id=str(row["round_id"]), label=str(row["label"]), variation=st.variation,
                       variation_icon=st.variation_icon, assurance=st.assurance, assurance_icon=st.assurance_icon,
                       target=None if target is None else float(target), target_label=target_label,
                       lcl=float(lcl[-1]), ucl=float(ucl[-1]), sentence=text)
