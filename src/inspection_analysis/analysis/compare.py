"""Round-versus-round comparison: has the failure rate changed significantly, and which way?

:func:`compare_rounds` takes the counts table and two round ids and returns one
tidy row per group with the rates, the change and its interval, exact tests,
power, a Bayesian probability of improvement, an equivalence check, the
verdict, a plain-English sentence and the warnings that qualify it. Every
statistic comes from :mod:`inspection_analysis.stats`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from inspection_analysis.analysis import wording as say
from inspection_analysis.analysis.rounds import round_info, round_warnings, rounds_table
from inspection_analysis.analysis.tiny_samples import best_case, interval_test_note, no_outcome_sentence
from inspection_analysis.counts.contract import check_counts_table
from inspection_analysis.stats.bayes import prob_improvement
from inspection_analysis.stats.checks import check_level
from inspection_analysis.stats.differences import diff_ci
from inspection_analysis.stats.equivalence import equivalence_test
from inspection_analysis.stats.hypotests import change_tests
from inspection_analysis.stats.multiplicity import adjust_pvalues
from inspection_analysis.stats.power import min_detectable_change, power_change
from inspection_analysis.stats.proportions import rate_ci
from inspection_analysis.stats.stratified import stratified_test

__all__ = ["compare_rounds", "VERDICTS"]

#: The verdicts :func:`compare_rounds` can give, in the order improvement, deterioration, neither, unknown.
VERDICTS = ("significant improvement", "significant deterioration", "no significant change", "not assessable")

_POWER = 0.8




def _total(values) -> float:
    """Sum of a count column; NaN if any value is missing (nothing is imputed)."""
    values = pd.Series(values, dtype="Float64")
    return math.nan if values.isna().any() or values.empty else float(values.sum())


def pair_statistics(x1, n1, x2, n2, *, confidence_level, test, margin) -> dict[str, np.ndarray]:
    """Every statistic of many comparisons at once; follow-up (1) against baseline (2), failures of n.

    The counts are float arrays of one length (NaN where missing); each
    statistic is NaN where a count it needs is missing. Returns one array per
    column of :func:`compare_rounds` from ``n_baseline`` to
    ``equivalent_within_margin`` (boolean). Used by :func:`compare_rounds` and
    :func:`~inspection_analysis.analysis.criteria.compare_criteria`.
    """

    x1, n1, x2, n2 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x1, n1, x2, n2))
    alpha = 1 - confidence_level
    out = {"n_baseline": n2, "failures_baseline": x2, "n_follow_up": n1, "failures_follow_up": x1}

    def fill(known, **values):  # each value (computed on the known rows) scattered into a NaN column
        for key, value in values.items():
            out[key] = np.full(x1.shape, np.nan)
            out[key][known] = value

    for side, x, n in (("baseline", x2, n2), ("follow_up", x1, n1)):
        known = ~np.isnan(x) & ~np.isnan(n)
        ci = rate_ci(x[known], n[known], confidence_level=confidence_level)
        fill(known, **{f"rate_{side}": x[known] / n[known], f"rate_{side}_low": ci.low, f"rate_{side}_high": ci.high})
    p2 = x2 / n2
    planned = ~np.isnan(p2) & ~np.isnan(n1)
    fill(planned, min_detectable_improvement=-np.asarray(min_detectable_change(
        p2[planned], n1[planned], n2[planned], power=_POWER, alpha=alpha, alternative="less")))
    reachable = planned & (p2 - margin >= 0)
    fill(reachable, power_at_margin=power_change(p2[reachable] - margin, p2[reachable], n1[reachable], n2[reachable],
                                                 alpha=alpha, alternative="less"))
    full = planned & ~np.isnan(x1)
    counts = [v[full].astype(np.int64) for v in (x1, n1, x2, n2)]
    diff = diff_ci(*counts, confidence_level=confidence_level)
    tests = change_tests(*counts, method=test, alternatives=("two-sided", "less"))
    fill(full, difference=x1[full] / n1[full] - p2[full], difference_low=diff.low, difference_high=diff.high,
         pvalue=tests["two-sided"].pvalue, pvalue_improvement=tests["less"].pvalue,
         prob_improvement=prob_improvement(*counts))
    out["equivalent_within_margin"] = np.zeros(x1.shape, dtype=bool)
    out["equivalent_within_margin"][full] = equivalence_test(*counts, margin=margin).pvalue <= alpha
    return out


def verdict_of(pvalue: float, difference: float, alpha: float) -> str:
    """The verdict: the two-sided test decides significance (``p <= alpha``), the sign of the change its direction."""
    if math.isnan(pvalue):
        return VERDICTS[3]
    if pvalue <= alpha:
        return VERDICTS[0] if difference < 0 else VERDICTS[1]
    return VERDICTS[2]


def comparison_sentence(row: dict, *, baseline_label: str, follow_up_label: str, failing: str | None,
                        test: str, confidence_level: float, margin: float, adjusted: bool = False,
                        group: str = "") -> str:
    """The plain-English sentence for one comparison row (see :func:`compare_rounds`)."""
    lead = f"For {group}, in" if group else "In"
    cl = f"{100 * confidence_level:.0f}%"
    if row["verdict"] == VERDICTS[3]:
        missing = follow_up_label if math.isnan(row["failures_follow_up"]) else baseline_label
        text = f"{lead} the {follow_up_label} no comparison is possible: no failure counts were published for the {missing}."
        mdi = row["min_detectable_improvement"]
        hopeless = _hopeless(row, confidence_level, test, baseline_label)
        if hopeless:
            text += f" {hopeless}"
        elif not math.isnan(mdi):
            text += (f" With {say.case_files(row['n_follow_up'])} it could reliably detect (80% power) only an "
                     f"improvement of at least {100 * mdi:.0f} percentage points.")
        return text
    diff = row["difference"]
    size = abs(round(100 * diff))
    change = f"a {'fall' if diff < 0 else 'rise'} of {size} percentage points" if size else "a change of less than 1 percentage point"
    judged = {VERDICTS[0]: "a significant improvement", VERDICTS[1]: "a significant deterioration",
              VERDICTS[2]: "not a significant change"}[row["verdict"]]
    p_text = say.format_p(row["pvalue_adjusted"] if adjusted else row["pvalue"])
    if adjusted:
        p_text = f"Holm-adjusted {p_text}"
    text = (
        f"{lead} the {follow_up_label} {int(row['failures_follow_up'])} of {say.case_files(row['n_follow_up'])} "
        f"({say.pct(row['rate_follow_up'])}, {cl} CI {say.pct(row['rate_follow_up_low'])} to "
        f"{say.pct(row['rate_follow_up_high'])}) {say.failing_phrase(failing)}, against "
        f"{int(row['failures_baseline'])} of {int(row['n_baseline'])} ({say.pct(row['rate_baseline'])}) in the "
        f"{baseline_label}: {change} ({cl} CI for the change {say.points(row['difference_low'])} to "
        f"{say.points(row['difference_high'])}), which is {judged} ({say.test_name(test)}, {p_text})."
    )
    if not adjusted:
        note = interval_test_note(row["difference_low"], row["difference_high"], row["pvalue"],
                                  alpha=1 - confidence_level, confidence_level=confidence_level, test=test)
        text += f" {note}" if note else ""
    hopeless = _hopeless(row, confidence_level, test, baseline_label) if row["verdict"] == VERDICTS[2] else ""
    if hopeless:
        text += f" {hopeless}"
    elif row["verdict"] == VERDICTS[2]:
        mdi = row["min_detectable_improvement"]
        if math.isnan(mdi):
            text += " These samples could not reliably detect (80% power) any improvement."
        else:
            text += (f" These samples could reliably detect (80% power, one-sided {100 * (1 - confidence_level):.0f}% "
                     f"test) only an improvement of at least {100 * mdi:.0f} percentage points; a smaller real "
                     "improvement may have gone undetected.")
        if row["equivalent_within_margin"]:
            text += f" The data do rule out a change of more than {100 * margin:.0f} percentage points either way."
    return text


def _hopeless(row: dict, confidence_level: float, test: str, baseline_label: str) -> str:
    """The no-outcome-could-be-significant sentence when that is so for this row's sizes; else empty."""
    x2, n2, n1 = row["failures_baseline"], row["n_baseline"], row["n_follow_up"]
    if any(math.isnan(v) for v in (x2, n2, n1)):
        return ""
    res = best_case(x2, n2, n1, alpha=1 - confidence_level, test=test)
    return no_outcome_sentence(res, baseline_label) if res is not None else ""


def _cmh(sub: pd.DataFrame, baseline: str, follow_up: str, confidence_level: float) -> dict:
    """Case-mix (case type) adjusted odds ratio and CMH test; case types in only one round are dropped."""

    strata = []
    for _, grp in sub.groupby("case_type", sort=True):
        f = grp[grp["round_id"] == follow_up]
        b = grp[grp["round_id"] == baseline]
        if f.empty or b.empty:
            continue
        x1, n1, x2, n2 = _total(f["failures"]), _total(f["n"]), _total(b["failures"]), _total(b["n"])
        strata.append([[x1, n1 - x1], [x2, n2 - x2]])
    if not strata or any(math.isnan(v) for t in strata for r in t for v in r):
        return dict.fromkeys(("cmh_odds_ratio", "cmh_odds_ratio_low", "cmh_odds_ratio_high", "cmh_pvalue"), math.nan)
    res = stratified_test(np.asarray(strata, dtype=float), confidence_level=confidence_level)
    return {"cmh_odds_ratio": float(res.mh_odds_ratio), "cmh_odds_ratio_low": float(res.mh_odds_ratio_low),
            "cmh_odds_ratio_high": float(res.mh_odds_ratio_high), "cmh_pvalue": float(res.cmh_pvalue)}


def _simpson_warning(row: dict, alpha: float) -> str | None:
    """A warning when crude and case-mix-adjusted answers differ in direction or significance."""
    odds, p_adj = row["cmh_odds_ratio"], row["cmh_pvalue"]
    if math.isnan(odds) or math.isnan(row["pvalue"]):
        return None
    crude_sign, adj_sign = np.sign(row["difference"]), np.sign(math.log(odds)) if odds > 0 else -1.0
    crude_sig, adj_sig = row["pvalue"] <= alpha, p_adj <= alpha
    if crude_sign * adj_sign < 0 or crude_sig != adj_sig:
        return (
            "case mix: the crude comparison and the comparison adjusted for case type disagree "
            f"(crude change {say.points(row['difference'])} points, {say.format_p(row['pvalue'])}, against an adjusted "
            f"Mantel-Haenszel odds ratio {odds:.2f}, {say.format_p(p_adj)}), a possible Simpson's paradox"
        )
    return None


def _pairs(sub: pd.DataFrame, by: tuple, baseline, follow_up) -> pd.DataFrame:
    """One row per group (sorted, missing keys last): the ``by`` columns, then ``x1``, ``n1`` (follow-up) and
    ``x2``, ``n2`` (baseline) as floats, NaN where absent; without ``by``, each round's rows added up."""
    if not by:
        f, b = sub[sub["round_id"] == follow_up], sub[sub["round_id"] == baseline]
        return pd.DataFrame({"x1": [_total(f["failures"])], "n1": [_total(f["n"])],
                             "x2": [_total(b["failures"])], "n2": [_total(b["n"])]})
    sides = []
    for rid, suffix in ((follow_up, "1"), (baseline, "2")):
        rows = sub.loc[sub["round_id"] == rid, [*by, "n", "failures"]]
        twice = rows.duplicated(list(by), keep=False)
        if twice.any():
            raise ValueError(f"group {rows.loc[twice, list(by)].iloc[0].to_dict()} has more than one row per round")
        sides.append(rows.rename(columns={"n": "n" + suffix, "failures": "x" + suffix}))
    pairs = sides[0].merge(sides[1], on=list(by), how="outer")  # missing keys match each other
    pairs = pairs.sort_values(list(by), na_position="last", kind="stable").reset_index(drop=True)
    for c in ("x1", "n1", "x2", "n2"):
        pairs[c] = pd.to_numeric(pairs[c]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return pairs


def compare_rounds(counts, baseline, follow_up, *, rounds, by=None, confidence_level=0.95,
                   test="boschloo", margin=0.10) -> pd.DataFrame:
    """Compare the failure rate of a follow-up round with a baseline round.

    Parameters
    ----------
    counts : pandas.DataFrame
        A counts table (see ``to_counts``): ``round_id``, any ``by`` columns,
        ``n``, ``failures`` (``<NA>`` where not published), optionally
        ``failing``, ``data_kind`` and ``case_type``. With ``by=None`` and
        several rows per round, the rows are added up (they must be the
        subgroups of a ``case_type`` column).
    baseline, follow_up : str
        The ``round_id`` of the earlier and of the later round.
    by : str or sequence of str, optional
        Columns to compare within: one row per group, p-values Holm-adjusted
        across groups.
    confidence_level : float, default 0.95
        For the intervals; ``alpha = 1 - confidence_level`` is also the level of
        the verdict's test, the equivalence test and the power calculations.
    test : str, default "boschloo"
        The exact test passed to ``stats.change_test`` (e.g. ``"fisher"``).
    margin : float, default 0.10
        The change (as a proportion) for ``power_at_margin`` and the TOST
        equivalence bound.
    rounds : pandas.DataFrame, optional
        The rounds registry; default the shipped one (``load_rounds()``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``baseline``, ``follow_up``, the ``by`` columns,
        ``n_baseline``, ``failures_baseline``, ``rate_baseline``,
        ``rate_baseline_low``, ``rate_baseline_high`` (Wilson), the same for
        ``_follow_up``; ``difference`` (follow-up minus baseline, negative = a
        fall), ``difference_low``, ``difference_high`` (Newcombe); ``pvalue``
        (two-sided exact test); ``pvalue_improvement`` (one-sided, H1: the
        follow-up rate is lower); ``pvalue_adjusted`` (Holm across groups when
        ``by`` is given, else equal to ``pvalue``); ``min_detectable_improvement``
        (a positive proportion: the smallest fall detected with 80% power by a
        one-sided test at ``alpha``, given both sample sizes; NaN if none is
        possible); ``power_at_margin`` (power to detect a fall of ``margin``;
        NaN when the baseline rate is below ``margin``); ``prob_improvement``
        (posterior probability that the rate fell, uniform priors);
        ``equivalent_within_margin`` (TOST at ``alpha`` within ±``margin``);
        ``verdict``; ``sentence``; ``warnings`` (one string, warnings joined by
        "; ", empty when none). With a ``case_type`` column and ``by=None``
        also ``cmh_odds_ratio``, ``cmh_odds_ratio_low``, ``cmh_odds_ratio_high``
        and ``cmh_pvalue`` (Mantel-Haenszel, follow-up against baseline).

    Raises
    ------
    ValueError
        If a round is absent from ``counts``, a column is missing, a group has
        duplicate rows, ``baseline == follow_up``, or ``margin`` is not in (0, 1).
    TypeError
        If ``counts`` or ``rounds`` is not a DataFrame.

    Notes
    -----
    The verdict is decided by the two-sided exact test at ``alpha`` (by its
    Holm-adjusted p-value when ``by`` is given): "significant improvement"
    when significant and the rate fell, "significant deterioration" when
    significant and it rose, otherwise "no significant change"; it is "not
    assessable" when either round has no failure count. A two-sided test keeps
    the question honest: a significant rise is reported, not hidden in a
    one-sided test. The one-sided ``pvalue_improvement`` is shown beside it.
    "No significant change" is not "no change": the sentence then says how
    large an improvement the samples could have detected. Warnings name
    different assessors or grading scales, small samples (fewer than 30 case
    files), missing counts, synthetic data, and a crude result that disagrees
    with the case-type-adjusted one (Simpson's paradox).

    References
    ----------
    .. [1] Newcombe RG. Interval estimation for the difference between
       independent proportions. Statistics in Medicine. 1998;17:873-890.
    .. [2] Boschloo RD. Raised conditional level of significance for the 2x2
       table when testing the equality of two probabilities. Statistica
       Neerlandica. 1970;24:1-9.
    .. [3] Schuirmann DJ. A comparison of the two one-sided tests procedure
       and the power approach. J Pharmacokinet Biopharm. 1987;15:657-680.
    .. [4] Holm S. A simple sequentially rejective multiple test procedure.
       Scand J Stat. 1979;6:65-70.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"round_id": ["a", "b"], "n": [374, 214], "failures": [278, 191]})
    >>> reg = pd.DataFrame({"round_id": ["a", "b"], "label": ["2016 inspection", "2017 Q4 update"]})
    >>> row = compare_rounds(counts, "a", "b", rounds=reg).iloc[0]
    >>> row["verdict"], f"{row['difference']:.3f}"
    ('significant deterioration', '0.149')
    """
    check_counts_table(counts)
    if baseline == follow_up:
        raise ValueError(f"baseline and follow_up are the same round ({baseline!r})")
    if not 0 < margin < 1:
        raise ValueError(f"margin must lie between 0 and 1 (a proportion), got {margin!r}")

    confidence_level = check_level(confidence_level)
    alpha = 1 - confidence_level
    by = () if by is None else ((by,) if isinstance(by, str) else tuple(by))
    for col in by:
        if col not in counts.columns:
            raise ValueError(f"by column {col!r} is not in the counts table")
    for rid in (baseline, follow_up):
        if not (counts["round_id"] == rid).any():
            raise ValueError(f"round {rid!r} is not in the counts table")
    reg = rounds_table(rounds)
    info_b, info_f = round_info(reg, baseline), round_info(reg, follow_up)
    sub = counts[counts["round_id"].isin([baseline, follow_up])]
    failing = str(sub["failing"].iloc[0]) if "failing" in sub.columns else None
    synthetic = "data_kind" in sub.columns and (sub["data_kind"] == "synthetic").any()
    with_cmh = not by and "case_type" in sub.columns
    if not by:
        extra = sub.groupby("round_id").size()
        if (extra > 1).any() and not with_cmh:
            raise ValueError(f"round {extra.idxmax()!r} has several rows in the counts table; pass by=[...]")
        if with_cmh and sub["case_type"].isna().any():
            raise ValueError("case_type is missing for some rows: whole-round rows cannot be mixed with subgroups")
    pairs = _pairs(sub, by, baseline, follow_up)
    stats = pair_statistics(*(pairs[c].to_numpy() for c in ("x1", "n1", "x2", "n2")),
                            confidence_level=confidence_level, test=test, margin=margin)
    pvals = stats["pvalue"]
    adjusted = pvals.copy()
    if by and np.isfinite(pvals).any():

        ok = np.isfinite(pvals)
        adjusted[ok] = adjust_pvalues(pvals[ok], method="holm")
    table = pd.DataFrame({"baseline": baseline, "follow_up": follow_up, **{c: pairs[c] for c in by}, **stats,
                          "pvalue_adjusted": adjusted})
    if with_cmh:
        table = table.assign(**_cmh(sub, baseline, follow_up, confidence_level))
    rows = table.to_dict("records")
    for row in rows:
        row["verdict"] = verdict_of(row["pvalue_adjusted"], row["difference"], alpha)
        group = ", ".join(f"{c} {row[c]}" for c in by)
        row["sentence"] = ("Synthetic data: " if synthetic else "") + comparison_sentence(
            row, baseline_label=info_b.label, follow_up_label=info_f.label, failing=failing, test=test,
            confidence_level=confidence_level, margin=margin, adjusted=bool(by), group=group)
        warns = round_warnings(info_b, info_f, row["n_baseline"], row["n_follow_up"])
        for label, x in ((info_b.label, row["failures_baseline"]), (info_f.label, row["failures_follow_up"])):
            if math.isnan(x):
                warns.append(f"no failure counts published for the {label}: no test is possible (see audit_sensitivity)")
        if synthetic:
            warns.insert(0, "synthetic data: not real inspection results")
        simpson = _simpson_warning(row, alpha) if with_cmh else None
        if simpson:
            warns.append(simpson)
        row["warnings"] = "; ".join(warns)
    columns = ["baseline", "follow_up", *by]
    for side in ("baseline", "follow_up"):
        columns += [f"n_{side}", f"failures_{side}", f"rate_{side}", f"rate_{side}_low", f"rate_{side}_high"]
    columns += ["difference", "difference_low", "difference_high", "pvalue", "pvalue_improvement",
                "pvalue_adjusted", "min_detectable_improvement", "power_at_margin", "prob_improvement",
                "equivalent_within_margin"]
    if with_cmh:
        columns += ["cmh_odds_ratio", "cmh_odds_ratio_low", "cmh_odds_ratio_high", "cmh_pvalue"]
    columns += ["verdict", "sentence", "warnings"]
    return pd.DataFrame(rows, columns=columns)
