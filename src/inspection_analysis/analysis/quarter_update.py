"""Each round against the baseline and the round before it, and the quarterly update.

:func:`series_comparisons` compares every round of a force's series with the
baseline and with the previous round with counts. :func:`quarter_update` does
what the quarterly rerun needs in one call: count the new quarter's case files,
put those counts in place of anything published for the round
(:func:`combine_counts`), compare the round with the baseline and with the
previous round, update the p-chart and say in one sentence whether anything
changed significantly. Every statistic comes from
:mod:`inspection_analysis.analysis.compare` and :mod:`inspection_analysis.analysis.series`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.compare import VERDICTS, compare_rounds
from inspection_analysis.analysis.pchart import PChartResult, p_chart
from inspection_analysis.analysis.rounds import round_info, rounds_table
from inspection_analysis.analysis.series import round_rates, series_doc
from inspection_analysis.counts.contract import combine_counts
from inspection_analysis.counts.table import as_counts, to_counts
from inspection_analysis.grades import DEFAULT_FAILING

__all__ = ["series_comparisons", "QuarterUpdate", "quarter_update"]




def _counted_rounds(counts, force, rounds) -> list[str]:
    """The force's rounds with failure counts, in the registry's time order (re-gradings left out)."""

    rates = round_rates(counts, force, rounds=rounds)
    return rates.loc[rates["counts_published"], "round_id"].tolist()


@series_doc
def series_comparisons(counts, force="mps", *, rounds, baseline=None, confidence_level=0.95,
                       margin=0.10) -> pd.DataFrame:
    """Every round of a force's series against the baseline, and against the round before it.

    Parameters
    ----------
    <series>
    baseline : str, optional
        The baseline round; default the force's first round with failure counts.
    confidence_level : float, default 0.95
        Passed to :func:`~inspection_analysis.analysis.compare.compare_rounds`.
    margin : float, default 0.10
        Passed to :func:`~inspection_analysis.analysis.compare.compare_rounds`.

    Returns
    -------
    pandas.DataFrame
        :func:`~inspection_analysis.analysis.compare.compare_rounds` rows and ``kind``:
        first the baseline against each later round with counts (``"from
        baseline"``), then each round with counts against the previous one
        (``"consecutive"``) where that is not the baseline. Empty (no columns)
        when there is nothing to compare.

    Raises
    ------
    ValueError
        If the force has no round in the registry, or ``baseline`` is not one
        of its rounds with failure counts.

    Notes
    -----
    Rounds are ordered by the registry (``rounds_meta.force_rounds``:
    ``reference_date``, re-gradings left out); rounds without failure counts,
    such as an audit whose size alone was published, are skipped, never
    imputed. No adjustment is made for the number of comparisons.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b", "c"], "n": [374, 135, 303], "failures": [278, 125, 210]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b", "c"], "force": "x", "reference_date": ["1", "2", "3"]})
    >>> series_comparisons(counts, "x", rounds=reg)[["baseline", "follow_up", "kind"]].values.tolist()
    [['a', 'b', 'from baseline'], ['a', 'c', 'from baseline'], ['b', 'c', 'consecutive']]
    """

    reg = rounds_table(rounds)
    known = _counted_rounds(counts, force, reg)
    baseline = baseline if baseline is not None else (known[0] if known else None)
    if baseline not in known:
        raise ValueError(f"baseline {baseline!r} is not a round of force {force!r} with failure counts: {known}")
    pairs = [(baseline, r) for r in known[known.index(baseline) + 1:]]
    pairs += [(a, b) for a, b in zip(known, known[1:], strict=False) if a != baseline]
    frames = [compare_rounds(counts, a, b, confidence_level=confidence_level, margin=margin, rounds=reg)
              .assign(kind="from baseline" if a == baseline else "consecutive") for a, b in pairs]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass(frozen=True)
class QuarterUpdate:
    """A new quarter compared with the baseline and the previous round, and the updated p-chart.

    Attributes
    ----------
    round_id : str
        The new quarter's round.
    force : str
        Its force (from the rounds registry).
    baseline : str
        The baseline round.
    previous : str or None
        The force's latest round before ``round_id`` (registry time order)
        with failure counts; None if there is none.
    counts : pandas.DataFrame
        The counts table used: published counts, with the new quarter's
        case-level counts in place of any published for its round.
    vs_baseline : pandas.DataFrame
        The :func:`~inspection_analysis.analysis.compare.compare_rounds` row, baseline
        against the new quarter.
    vs_previous : pandas.DataFrame or None
        The same against ``previous``; None when there is no previous round.
    p_chart : PChartResult
        :func:`~inspection_analysis.analysis.pchart.p_chart` of the force with the new quarter.
    synthetic : bool
        Whether the quarter's case files are labelled synthetic.
    sentence : str
        Whether anything changed significantly, in plain English; labelled
        SYNTHETIC when ``synthetic``.
    """

    round_id: str
    force: str
    baseline: str
    previous: str | None
    counts: pd.DataFrame
    vs_baseline: pd.DataFrame
    vs_previous: pd.DataFrame | None
    p_chart: PChartResult
    synthetic: bool
    sentence: str

    @property
    def warnings(self) -> tuple[str, ...]:
        """The comparisons' and the p-chart's warnings, each once."""
        found = [frame["warnings"].iloc[0] for frame in self._frames()]
        return tuple(dict.fromkeys(w for w in [*found, *self.p_chart.warnings] if w))

    def _frames(self) -> list[pd.DataFrame]:
        return [self.vs_baseline] + ([self.vs_previous] if self.vs_previous is not None else [])

    def to_frame(self) -> pd.DataFrame:
        """Both comparisons as rows of one DataFrame, with a ``against`` column ("baseline", "previous")."""
        names = ["baseline", "previous"]
        return pd.concat([f.assign(against=name) for f, name in zip(self._frames(), names, strict=False)],
                         ignore_index=True)

    def __str__(self) -> str:
        return "\n".join([self.sentence, self.p_chart.sentence, *(f"- {w}" for w in self.warnings)])


def _cases_of(cases, round_id) -> pd.DataFrame:
    if not isinstance(cases, pd.DataFrame):
        raise TypeError(f"cases must be a pandas DataFrame (load_cases()), got {type(cases).__name__}")
    if "round_id" not in cases.columns:
        raise ValueError("cases needs a 'round_id' column; load it with load_cases()")
    quarter = cases[cases["round_id"].astype(str) == round_id]
    if quarter.empty:
        held = sorted(cases["round_id"].astype(str).unique())
        raise ValueError(f"no case files for round {round_id!r} in cases (rounds held: {held})")
    return quarter


def _clause(row: pd.Series, label: str, what: str) -> str:
    """``against the <label> (<what>, 74%), no significant change (-5 points, p = 0.15)``."""
    if row["verdict"] == VERDICTS[3]:
        return f"against the {label} ({what}), {row['verdict']}: its failure count was not published"
    return (f"against the {label} ({what}, {say.pct(row['rate_baseline'])}), {row['verdict']} "
            f"({say.points(row['difference'])} points, {say.format_p(row['pvalue'])})")


def _sentence(quarter_row: pd.Series, label: str, rows: list[tuple[pd.Series, str, str]], synthetic: bool) -> str:
    x, n = int(quarter_row["failures"]), int(quarter_row["n"])
    tag = ", SYNTHETIC data, not real audit results" if synthetic else ""
    verdicts = [row["verdict"] for row, *_ in rows]
    quiet = [(row, lab) for row, lab, _ in rows if row["verdict"] == VERDICTS[2]]
    if any(v in VERDICTS[:2] for v in verdicts):
        lead = f"The failure rate changed significantly{' against at least one round' if len(rows) > 1 else ''}"
    elif quiet:
        lead = "The failure rate did not change significantly"
    else:
        lead = "No comparison was possible"
    text = (f"{label} ({quarter_row['round_id']}{tag}): {x} of {n} case files ({say.pct(x / n)}) "
            f"{say.failing_phrase(quarter_row.get('failing'))}. {lead}: "
            + "; ".join(_clause(row, lab, what) for row, lab, what in rows) + ".")
    if quiet:
        row, lab = quiet[0]
        mdi = row["min_detectable_improvement"]
        text += (" No significant change is not evidence that nothing changed"
                 + (f": against the {lab} these samples could reliably detect (80% power) only an improvement "
                    f"of at least {100 * mdi:.0f} percentage points." if pd.notna(mdi) else "."))
    return text


def quarter_update(cases, round_id, *, baseline="mps-2016", failing=DEFAULT_FAILING, rounds, published,
                   confidence_level=0.95) -> QuarterUpdate:
    """Set a new quarter's case files against the baseline, the previous round and the p-chart.

    Parameters
    ----------
    cases : pandas.DataFrame
        Case-level rows (``load_cases()``) holding the new quarter; rows of
        other rounds are ignored.
    round_id : str
        The new quarter's round; it must be in the rounds registry.
    baseline : str, default "mps-2016"
        The round to compare with (the 2016 inspection).
    failing : str or tuple of str, default DEFAULT_FAILING
        The failure definition (requires improvement or inadequate).
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one.
    published : pandas.DataFrame, optional
        Published rows (``load_published()``, counted with ``failing``) or a
        counts table (used as it is); default the shipped published figures.
    confidence_level : float, default 0.95
        For every interval; ``1 - confidence_level`` is the level of the tests.

    Returns
    -------
    QuarterUpdate
        See :class:`QuarterUpdate` for every attribute.

    Raises
    ------
    ValueError
        If ``cases`` holds no case file of ``round_id``, ``round_id`` is not in
        the registry or is the baseline, or as ``compare_rounds``.
    TypeError
        If ``cases`` or ``published`` is not a DataFrame.

    Notes
    -----
    The previous round is the force's latest round before ``round_id`` in
    the registry's time order (``rounds_meta.force_rounds``, re-gradings
    left out) with failure counts; rounds without them, such as an audit whose
    size alone was published, are skipped. The verdicts are those of
    :func:`~inspection_analysis.analysis.compare.compare_rounds` (two-sided exact
    test); a non-significant result is reported as "no significant change",
    never as "no improvement", with the smallest improvement the samples could
    detect.

    Examples
    --------
    >>> import pandas as pd
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "label": ["2016 inspection", "2019 Q1"],
    ...                     "reference_date": ["2016-05-31", "2019-03-31"]})
    >>> pub = pd.DataFrame({"round_id": ["a"], "n": [374], "failures": [278]})
    >>> cases = pd.DataFrame({"round_id": "b", "case_id": [f"c{i}" for i in range(100)],
    ...                       "grade": ["good"] * 40 + ["inadequate"] * 60})
    >>> upd = quarter_update(cases, "b", baseline="a", rounds=reg, published=pub)
    >>> upd.vs_baseline["verdict"].iloc[0], upd.previous, upd.synthetic
    ('significant improvement', 'a', False)
    """

    quarter = _cases_of(cases, round_id)
    reg = rounds_table(rounds)
    info = round_info(reg, round_id)
    if not info.registered:
        raise ValueError(f"round {round_id!r} is not in the rounds registry; register it first (add-quarter)")
    if round_id == baseline:
        raise ValueError(f"round_id {round_id!r} is the baseline itself; compare a later round")
    new = to_counts(quarter, failing=failing, rounds=reg)
    counts = combine_counts(as_counts(published, failing=failing, rounds=rounds), new)
    known = _counted_rounds(counts, info.force, reg)
    previous = known[known.index(round_id) - 1] if round_id in known and known.index(round_id) > 0 else None
    compare = dict(confidence_level=confidence_level, rounds=reg)
    vs_baseline = compare_rounds(counts, baseline, round_id, **compare)
    vs_previous = compare_rounds(counts, previous, round_id, **compare) if previous is not None else None
    synthetic = bool((new.loc[new["n"] > 0, "data_kind"] == "synthetic").all())
    both = "baseline, also the previous round with counts"
    rows = [(vs_baseline.iloc[0], round_info(reg, baseline).label, both if previous == baseline else "baseline")]
    if vs_previous is not None and previous != baseline:
        rows.append((vs_previous.iloc[0], round_info(reg, previous).label, "previous round with counts"))
    quarter_row = counts[counts["round_id"] == round_id].iloc[0]
    return QuarterUpdate(round_id=round_id, force=info.force, baseline=baseline, previous=previous, counts=counts,
                         vs_baseline=vs_baseline, vs_previous=vs_previous,
                         p_chart=p_chart(counts, force=info.force, rounds=reg), synthetic=synthetic,
                         sentence=_sentence(quarter_row, info.label, rows, synthetic))
