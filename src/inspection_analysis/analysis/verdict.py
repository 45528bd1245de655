"""The headline answer: has any significant improvement occurred?

:func:`has_improved` answers the question for one force, with its caveats.
What an audit without published counts could have shown, and what a planned
audit could detect, are in :mod:`inspection_analysis.analysis.planning`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from inspection_analysis.analysis.compare import VERDICTS, compare_rounds
from inspection_analysis.analysis.rounds import force_rounds, round_info, rounds_table
from inspection_analysis.counts.contract import check_counts_table
from inspection_analysis.counts.table import as_counts
from inspection_analysis.grades import DEFAULT_FAILING

__all__ = ["Verdict", "has_improved"]

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
        The :func:`~inspection_analysis.analysis.compare.compare_rounds` row.
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




def _split_warnings(warnings) -> list[str]:
    """The comparison's ``warnings`` string (warnings joined by "; ") as a list; none when empty or missing."""
    if not isinstance(warnings, str):
        return []
    return [w.strip() for w in warnings.split("; ") if w.strip()]


def has_improved(data, *, rounds, force="mps", baseline=None, follow_up=None, failing=DEFAULT_FAILING,
                 confidence_level=0.95) -> Verdict:
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
        Passed to :func:`~inspection_analysis.analysis.compare.compare_rounds`.
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
    The verdict is :func:`~inspection_analysis.analysis.compare.compare_rounds`'s: the
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
    counts = as_counts(data, failing=failing, rounds=rounds)
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
    caveats = _split_warnings(row["warnings"])
    for info in (info_b, info_f):
        if info.notes:
            caveats.append(f"{info.label}: {info.notes}")
    answer = _ANSWERS[row["verdict"]]
    if answer == "no":
        caveats.append("'No' means no statistically significant improvement, not evidence that nothing improved.")
    return Verdict(question=question, answer=answer, comparison=row.to_dict(), caveats=tuple(caveats),
                   sentence=row["sentence"])
