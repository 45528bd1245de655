"""The figures of the report: :func:`inspection_analysis.report.run_report` draws them through here.

Each figure is drawn by a function of :mod:`inspection_analysis.figures` from
the results :mod:`inspection_analysis.report.run` computed, then saved with
:func:`inspection_analysis.figures.style.save_figure` (PNG, SVG, the CSV of the
plotted numbers and a text alternative). This module only chooses titles,
subtitles, the numbers to plot and the text alternatives; the few numbers it
asks for itself also come from the library (the power curve from
:func:`inspection_analysis.analysis.planning.detectable_improvements`, the funnel's
points from :func:`inspection_analysis.analysis.funnel.funnel_points`, the synthetic
intervals from :func:`inspection_analysis.stats.rate_ci`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from inspection_analysis import figures as F
from inspection_analysis.analysis.criteria import compare_criteria
from inspection_analysis.analysis.funnel import funnel_points
from inspection_analysis.analysis.planning import detectable_improvements
from inspection_analysis.counts.table import to_counts
from inspection_analysis.figures.change import points_label
from inspection_analysis.figures.sources import source_line
from inspection_analysis.figures.style import as_sentence, pct
from inspection_analysis.figures.timeline import short_round_label
from inspection_analysis.schema import CRITERION_LABELS
from inspection_analysis.stats import rate_ci

if TYPE_CHECKING:
    from pathlib import Path

    from inspection_analysis.project.state import ProjectState


def _year(label: str) -> str:
    return label.split()[0] if label else label


def _with_kind(frame: pd.DataFrame, inputs: ProjectState, on: str = "round_id") -> pd.DataFrame:
    """``frame`` with the ``data_kind`` of each row's round (column ``on``) from the counts table."""
    kinds = dict(zip(inputs.counts["round_id"].astype(str), inputs.counts["data_kind"], strict=True))
    return frame.assign(data_kind=frame[on].astype(str).map(kinds).to_numpy())


def _with_registry(frame: pd.DataFrame, inputs: ProjectState, columns) -> pd.DataFrame:
    """``frame`` with registry ``columns`` (e.g. ``reference_date``) of each row's round, merged on ``round_id``."""
    reg = inputs.rounds[["round_id", *columns]].astype({"round_id": str})
    return frame.drop(columns=[c for c in columns if c in frame.columns]).merge(
        reg, on="round_id", how="left", validate="many_to_one")


def draw_figures(results: dict, inputs: ProjectState, out: Path, confidence_level: float, force: str):
    """Draw and save every figure for ``force``; return their descriptions and the files written."""

    v = results["verdict"]
    # Figures 1 and 2 show the rounds with a published size; the alt texts also name those with nothing published.
    sized = results["rates"]["n"].notna().to_numpy()
    rates, series = _with_kind(results["rates"][sized], inputs), _with_kind(results["series"][sized], inputs)
    labels = dict(zip(inputs.rounds["round_id"], inputs.rounds["label"], strict=True))
    span = f"{rates['label'].iloc[0]} to {rates['label'].iloc[-1]}"
    force_name = inputs.rounds.loc[inputs.rounds["force"] == force, "force_name"].iloc[0]
    base = results["baseline"]
    shown, files = [], []

    def save(name, fig, data, alt):
        paths_ = F.save_figure(fig, name, out, data, alt)
        shown.append({"name": name, "title": fig.texts[0].get_text(), "alt": " ".join(alt.split()),
                      "png": paths_["png"]})
        files.extend(paths_.values())

    known = rates[rates["counts_published"]]
    fell = {"yes": "Failure rate fell significantly since", "no": "No significant fall in failure rate since",
            "no — worse": "Failure rate rose significantly since"}[v.answer]
    unknown = results["rates"][~results["rates"]["counts_published"]]
    gap = ", ".join(f"{r.label} ({int(r.n)} files)" if pd.notna(r.n) else f"{r.label} (nothing published)"
                    for r in unknown.itertuples())
    published = ", ".join(f"{r.label} {pct(r.rate)}" for r in known.itertuples())
    fig, _ = F.grade_distribution(series, title="Most case files failed in every published round"
                                  if (known["rate"] > 0.5).all() else "Case-file grades by round",
                                  subtitle=f"Share of case files by grade, {force_name}, {span}")
    save("01_grade_distribution", fig, series.drop(columns=["reference_date"]),
         f"Stacked bars of case-file grades for each {force_name} round, {span}. Share failing "
         f"(requires improvement or inadequate): {published}. Rounds with only the failing total "
         f"published are hatched; grades were not published for {gap or 'no round'}.")
    fig, _ = F.failure_rates(rates, title=f"{fell} {_year(labels[base])}",
                             subtitle=f"Case files failing with {confidence_level:.0%} Wilson intervals, "
                                      f"{force_name}, {span}")
    save("02_failure_rate", fig, rates,
         f"Failure rate by round with {confidence_level:.0%} confidence intervals: " + "; ".join(
             f"{r.label} {pct(r.rate)} ({pct(r.ci_low)} to {pct(r.ci_high)}, n = {int(r.n)})"
             for r in known.itertuples()) + f". Not published: {gap or 'none'}. {v.sentence}")
    comp = results["comparisons"]
    comp = comp[comp["kind"] == "from baseline"].assign(label=lambda d: d["follow_up"].map(labels))
    kinds = _with_kind(comp, inputs, "follow_up")["data_kind"].tolist() + _with_kind(comp, inputs, "baseline")[
        "data_kind"].tolist()[:1]
    fig, _ = F.change_forest(comp, title=_change_title(comp, v, labels),
                             subtitle=f"Difference from the {labels[base]}, percentage points, "
                                      f"{confidence_level:.0%} Newcombe intervals",
                             source=source_line(kinds, [*comp["label"], labels[base]]))
    save("03_change_from_baseline", fig, comp[["baseline", "follow_up", "label", "difference", "difference_low",
                                               "difference_high", "pvalue", "verdict"]],
         "Change in failure rate from the baseline, with intervals: " + "; ".join(
             f"{r.label} {100 * r.difference:+.1f} points ({100 * r.difference_low:+.1f} to "
             f"{100 * r.difference_high:+.1f}), {r.verdict}" for r in comp.itertuples()) + ".")
    _more_figures(results, inputs, F, save, labels, force, confidence_level)
    return shown, files


def _change_title(comp: pd.DataFrame, v, labels: dict) -> str:
    """Figure 3's finding: the latest round's change from the baseline and whether it is significant, as the verdict."""
    latest = comp[comp["follow_up"] == v.comparison["follow_up"]].iloc[0]
    size = points_label(abs(latest["difference"])).removesuffix(" pp").lstrip("+")
    side = "below" if latest["difference"] < 0 else "above"
    significant = "not significant" if latest["verdict"] == "no significant change" else "significant"
    if size == "0":
        return f"{short_round_label(labels[latest['follow_up']])} failure rate as in {_year(labels[latest['baseline']])}"
    return (f"{short_round_label(labels[latest['follow_up']])} failure rate {size} points {side} "
            f"{_year(labels[latest['baseline']])}, {significant}")


def _more_figures(results, inputs, F, save, labels, force, confidence_level):
    force_name = inputs.rounds.loc[inputs.rounds["force"] == force, "force_name"].iloc[0]
    base, alpha = results["baseline"], 1 - confidence_level
    row = results["rates"].set_index("round_id").loc[base]
    unpublished = results["sensitivity"]
    mark = int(unpublished[0].n) if unpublished else int(row["n"])
    curve = detectable_improvements(inputs.counts, base, [*range(50, 1001, 10), mark], alpha=alpha)
    at = curve.loc[curve["n"] == mark, "min_detectable_improvement"].iloc[0]
    fig, _ = F.power_curve(curve, mark, title=f"An audit of {mark} files detects only large falls",
                           subtitle=f"Smallest fall in failure rate detectable (80% power, one-sided alpha "
                                    f"{alpha:g}) against the {labels[base]} (n = {int(row['n'])})",
                           source=source_line(_with_kind(pd.DataFrame({"round_id": [base]}), inputs)["data_kind"]))
    save("04_power_curve", fig, curve[["n", "min_detectable_improvement"]],
         f"Line chart: the smallest fall in failure rate an audit of 50 to 1,000 files could detect with 80% "
         f"power against the {labels[base]} ({pct(row['rate'])} of {int(row['n'])} failing). An audit of {mark} "
         f"files could detect a fall of {100 * at:.1f} percentage points or more.")
    pc = results["p_chart"]
    k = int((pc.table["special_cause"] != "common cause").sum())
    chart = _with_kind(_with_registry(pc.table, inputs, ["reference_date"]), inputs)
    note = " ".join(as_sentence(w) for w in pc.warnings if "trial limits" in w)
    fig, _ = F.p_chart_figure(chart, note, title=f"{k} of {len(pc.table)} rounds show special-cause variation" if k
                              else "No round shows special-cause variation",
                              subtitle=f"p-chart of the failure rate, {force_name}, "
                                       + ("Laney p′ limits" if pc.laney else "3-sigma p limits"))
    save("05_p_chart", fig, pc.table, " ".join([pc.sentence, *map(as_sentence, pc.warnings)]))
    fun = results["funnel"]
    points = _with_kind(funnel_points(fun, inputs.rounds), inputs)
    reg = _with_registry(points[["round_id"]], inputs, ["label", "assessor"])
    points = points.assign(period=reg["label"].to_numpy(), assessor=reg["assessor"].to_numpy(),
                           highlight=(points["force"] == force).to_numpy())
    flagged = points[points["outlier"] != ""]
    fig, _ = F.funnel_figure(points.drop(columns=["label"]), results["funnel_limits"],
                             title=f"{len(flagged)} of {len(points)} forces outside the 95% funnel",
                             subtitle=f"Failure rate against case files audited, each force's latest inspectorate "
                                      f"round with a full grade split ({force_name} highlighted), 95% and 99.8% "
                                      "limits")
    save("06_funnel", fig, points[["group", "round_id", "n", "failures", "rate", "label"]],
         f"Funnel plot of {len(points)} forces' failure rates around the pooled rate of "
         f"{pct(fun['pooled_rate'].iloc[0])}. Outside the limits: "
         + (", ".join(f"{r.group} {pct(r.rate)} ({r.label})" for r in flagged.itertuples()) or "none") + ".")
    ag = results["agreement"]
    marg = pd.DataFrame({"assessor": ["The force (own grading)", "The inspectorate (re-grade)"],
                         "rate": [ag.marginals_a[-1] / ag.n, ag.marginals_b[-1] / ag.n],
                         "failing": [ag.marginals_a[-1], ag.marginals_b[-1]], "n": ag.n})
    fig, _ = F.assessor_figure(marg, ag.min_proportion, ag.max_proportion,
                               title="The force graded its own cases far more favourably",
                               subtitle=f"Share of the same {ag.n} cases graded failing, 2016 (counts derived "
                                        "from published percentages)",
                               source=source_line(["published"]))
    save("07_assessor_agreement", fig, marg.assign(min_agreement=ag.min_proportion, max_agreement=ag.max_proportion),
         ag.sentence)
    if inputs.synthetic is not None:
        _synthetic_figures(inputs, F, save, labels, confidence_level)


def _synthetic_figures(inputs, F, save, labels, confidence_level):
    synth = inputs.synthetic
    present = [r for r in inputs.rounds.sort_values("reference_date")["round_id"]
               if (synth["round_id"].astype(str) == r).any()]
    first, last = present[0], present[-1]
    crit = compare_criteria(synth, first, last, confidence_level=confidence_level)
    crit = crit[crit["case_type"] == "all"]
    long = pd.concat([pd.DataFrame({"criterion": crit["criterion"].map(lambda c: CRITERION_LABELS.get(c, c)), "label": labels[r],
                                    "n": crit[f"n_{k}"], "failures": crit[f"failures_{k}"]})
                      for r, k in ((first, "baseline"), (last, "follow_up"))], ignore_index=True)
    by_type = to_counts(synth[synth["round_id"].astype(str).isin([first, last])], by=("round_id", "case_type"))
    by_type = pd.DataFrame({"case_type": by_type["case_type"].astype(str),
                            "label": by_type["round_id"].astype(str).map(labels),
                            "n": by_type["n"], "failures": by_type["failures"]})
    source = source_line(["synthetic"])
    for name, frame, group, what in (("08a_synthetic_criteria", long, "criterion", "criterion"),
                                     ("08b_synthetic_case_types", by_type, "case_type", "case type")):
        frame = frame[frame["n"].fillna(0) > 0].sort_values([group, "label"], kind="stable").reset_index(drop=True)
        ci = rate_ci(frame["failures"].astype(int).to_numpy(), frame["n"].astype(int).to_numpy(),
                     confidence_level=confidence_level)
        frame = frame.assign(rate=frame["failures"] / frame["n"], ci_low=ci.low, ci_high=ci.high, synthetic=True)
        fig, _ = F.synthetic_dot_plot(frame, group, title=f"Synthetic data: failure rate by {what}",
                                      subtitle=f"share failing by {what}, {labels[first]} and {labels[last]}",
                                      source=source)
        save(name, fig, frame, f"SYNTHETIC DATA, not real audit results: failure rate by {what} in "
             f"{labels[first]} and {labels[last]}, with {confidence_level:.0%} intervals. " + "; ".join(
                 f"{r[group]} {r['label']} {r['rate']:.0%}" for _, r in frame.iterrows()) + ".")
