"""The report's monitoring section: quarter-by-quarter charts, what they show, and which limits were drawn and why.

:func:`monitoring_results` computes, through :mod:`inspection_analysis.analysis`,
the phased p-chart with limits frozen on the baseline round (the question is
change since the baseline), the latest round's variation and assurance
against the baseline rate, the run chart, the funnel with and without an
over-dispersion adjustment, the Bernoulli CUSUM of the SYNTHETIC case-level
sample, the group-sequential verdict and the Bayesian probability that the
rate is below the baseline's. :func:`draw_monitoring_figures` draws and saves
them; :func:`monitoring_html` and :func:`monitoring_markdown` write the section.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from inspection_analysis.analysis.case_cusum import case_cusum
from inspection_analysis.analysis.chart_agreement import chart_against_tests
from inspection_analysis.analysis.funnel import funnel_limits_frame, funnel_points
from inspection_analysis.analysis.funnel_dispersion import funnel_dispersion
from inspection_analysis.analysis.phased_chart import phased_p_chart
from inspection_analysis.analysis.rate_belief import rate_below_target
from inspection_analysis.analysis.runchart import run_chart
from inspection_analysis.analysis.sequential_verdict import sequential_verdict
from inspection_analysis.analysis.status import latest_round_status
from inspection_analysis.figures.cusum import cusum_figure
from inspection_analysis.figures.funnel_dispersion import funnel_dispersion_figure
from inspection_analysis.figures.icons import icon_caption
from inspection_analysis.figures.phased_pchart import phased_p_chart_figure
from inspection_analysis.figures.runchart import run_chart_figure
from inspection_analysis.figures.sequential import sequential_figure
from inspection_analysis.figures.style import as_sentence, save_figure
from inspection_analysis.report.html import md_escape

__all__ = ["monitoring_section", "monitoring_results", "draw_monitoring_figures", "monitoring_html",
           "monitoring_markdown", "BAYES_DISCOUNT"]

#: The weight kept per round by earlier rounds' evidence in the Bayesian monitor: the Met's rounds differ
#: by far more than sampling error (the p-chart's over-dispersion), so they are not pooled as one rate.
BAYES_DISCOUNT = 0.5
_SOURCE_SYNTHETIC = "Source: SYNTHETIC case-level data (data/synthetic), generated to match published margins."


def monitoring_results(inputs, results: dict, force: str) -> dict:
    """Every monitoring result the section shows, from the library.

    ``results`` is the report's own (its ``verdict``, ``comparisons`` and
    ``funnel``), so the section reads the same baseline and comparisons.
    """
    baseline = results["verdict"].comparison["baseline"]
    chart = phased_p_chart(inputs.counts, force, rounds=inputs.rounds, freeze=1)
    base_row = chart.table.set_index("round_id").loc[baseline]
    target, target_label = float(base_row["rate"]), f"the {base_row['label']}'s rate"
    agreement, agree_sentence = chart_against_tests(chart.table, results["comparisons"], baseline=baseline)
    out = {
        "chart": chart, "status": latest_round_status(chart, target=target, target_label=target_label),
        "agreement": agreement, "agreement_sentence": agree_sentence,
        "run_chart": run_chart(inputs.counts, force, rounds=inputs.rounds),
        "dispersion": funnel_dispersion(results["funnel"]),
        "sequential": sequential_verdict(inputs.counts, force, rounds=inputs.rounds, baseline=baseline),
        "belief": rate_below_target(inputs.counts, force, rounds=inputs.rounds, target=target,
                                    target_label=target_label, since=baseline, discount=BAYES_DISCOUNT),
        "target": target, "baseline_label": str(base_row["label"]),
    }
    mine = inputs.rounds.loc[inputs.rounds["force"] == force, "round_id"]
    synthetic = inputs.synthetic is not None and inputs.synthetic["round_id"].isin(mine).any()
    out["cusum"] = case_cusum(inputs.synthetic, rounds=inputs.rounds, force=force) if synthetic else None
    return out


def _limits_why(mon: dict) -> str:
    return (f"Limits: the question is change since the {mon['baseline_label']}, so the chart is frozen on that "
            f"round (NHSRplotthedots fix_after_n_points = 1) and every later round is judged against what its "
            f"binomial variation allows. {mon['chart'].limits_reason}")


def _chart_title(mon: dict) -> str:
    later = mon["chart"].table.iloc[1:]
    above, below = int((later["point_type"] == "concern").sum()), int((later["point_type"] == "improvement").sum())
    year = mon["baseline_label"].split()[0]
    parts = [f"{above} above" if above else "", f"{below} below" if below else ""]
    found = ", ".join(p for p in parts if p)
    if not found:
        return f"No later round outside the {year} limits"
    return f"{len(later)} later rounds: {found} the {year} limits"


def draw_monitoring_figures(mon: dict, rounds, out: Path, force_name: str) -> tuple[list[dict], list[Path]]:
    """Draw and save the monitoring figures; return their descriptions and the files written."""
    shown, files = [], []

    def save(name, fig, data, alt):
        written = save_figure(fig, name, out, data, alt)
        shown.append({"name": name, "title": fig.texts[0].get_text(), "alt": " ".join(alt.split()),
                      "png": written["png"]})
        files.extend(written.values())

    chart, st = mon["chart"], mon["status"]
    note = " ".join([as_sentence(w) for w in chart.warnings if "trial limits" in w])
    fig, _ = phased_p_chart_figure(chart.table, title=_chart_title(mon), subtitle=(
        f"p-chart of the failure rate, {force_name}, {chart.limits_drawn} from the {mon['baseline_label']}"),
        variation_icon=st.variation_icon, assurance_icon=st.assurance_icon, target=mon["target"], note=note)
    save("09_monitoring_p_chart", fig, chart.table, " ".join(
        [chart.sentence, _limits_why(mon), icon_caption(st.variation_icon, st.assurance_icon), st.sentence]))
    rc = mon["run_chart"]
    fig, _ = run_chart_figure(rc.table, title="Too few rounds for a run chart to signal" if not rc.can_signal
                              else ("The run chart signals a shift" if rc.runs.signal
                                    else "No shift in the run chart"),
                              subtitle=f"Failure rate around its median, {force_name}, {len(rc.table)} rounds")
    save("10_run_chart", fig, rc.table, rc.sentence)
    disp = mon["dispersion"]
    points = funnel_points(disp.table, rounds)
    outside = int((disp.table["label_adjusted"] != "not significant").sum())
    fig, _ = funnel_dispersion_figure(points, funnel_limits_frame(disp.table), disp.limits,
                                      title=f"{outside} of {len(points)} forces outside adjusted limits",
                                      subtitle="Failure rate against case files, latest comparable round per force, "
                                               "95% and 99.8% limits",
                                      panel_titles=("Wilson-score limits, no adjustment",
                                                    f"Arcsine limits with tau-squared = {disp.estimate.tau2:.4f}"))
    save("11_funnel_overdispersion", fig, disp.table, disp.sentence)
    seq = mon["sequential"]
    fig, _ = sequential_figure(seq.table, title="Boundary for improvement crossed" if seq.crossing.crossed
                               else "Boundary for improvement not crossed",
                               subtitle=f"Pooled follow-up files against the {mon['baseline_label']}, "
                                        f"Lan-DeMets spending, one-sided alpha {seq.boundaries.alpha:g}")
    save("12_sequential", fig, seq.table, f"{seq.plan} {seq.sentence}")
    cs = mon["cusum"]
    if cs is not None:
        fig, _ = cusum_figure(cs.table, cs.chart.limit, title="Synthetic data: Bernoulli CUSUM, file by file",
                              subtitle="CUSUMs for the odds of failure doubling or halving, files in round order",
                              source=_SOURCE_SYNTHETIC, synthetic=cs.synthetic)
        save("13_synthetic_cusum", fig, cs.table, cs.sentence)
    return shown, files


def _img(path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _paragraphs(mon: dict) -> list[tuple[str, str]]:
    """(heading, text) pairs of the section, in order."""
    chart, seq = mon["chart"], mon["sequential"]
    parts = [
        ("Which limits, and why", _limits_why(mon)),
        ("What the chart shows", " ".join([chart.sentence, *map(as_sentence, chart.warnings)])),
        ("Against the pairwise tests", mon["agreement_sentence"]),
        ("Variation and assurance of the latest round", mon["status"].sentence
         + " (The target is the baseline's rate: no target has been published.)"),
        ("Run chart", " ".join([mon["run_chart"].sentence, *map(as_sentence, mon["run_chart"].warnings)])),
        ("Funnel with and without over-dispersion", mon["dispersion"].sentence
         + " Unadjusted limits: PHEindicatormethods' Wilson-score limits, as Fingertips draws them (the exact "
           "binomial limits flag an in-control force as high more often than 2.5% at these sample sizes)."),
        ("Sequential verdict", " ".join([seq.plan, seq.sentence, *map(as_sentence, seq.warnings)])),
        ("Bayesian probability of being below the baseline rate", mon["belief"].sentence
         + f" The rounds are not pooled as one rate (each earlier round keeps a weight of {BAYES_DISCOUNT:g} per "
           "round) because they differ by far more than sampling error; the baseline rate is treated as fixed."),
    ]
    if mon["cusum"] is not None:
        parts.append(("Bernoulli CUSUM (SYNTHETIC case-level data)", mon["cusum"].sentence
                      + " The order of files within a round is the synthetic file's own, so its signals illustrate "
                        "the method and say nothing about the real rounds."))
    return parts


def monitoring_markdown(mon: dict) -> str:
    """The section in Markdown."""
    lines = ["## Monitoring quarter by quarter", ""]
    for head, text in _paragraphs(mon):
        lines += [f"**{md_escape(head)}.** {md_escape(text)}", ""]
    return "\n".join(lines)


def monitoring_html(mon: dict, shown: list[dict]) -> str:
    """The section in HTML, its figures embedded."""
    esc = html.escape
    out = ['<section id="monitoring"><h2>Monitoring quarter by quarter</h2>']
    out += [f"<p><strong>{esc(head)}.</strong> {esc(text)}</p>" for head, text in _paragraphs(mon)]
    for f in shown:
        cls = ' class="synthetic"' if "synthetic" in f["name"] else ""
        out.append(f'<figure><img src="{_img(f["png"])}" alt="{esc(f["alt"], quote=True)}">'
                   f"<figcaption{cls}><strong>{esc(f['title'])}.</strong> {esc(f['alt'])}</figcaption></figure>")
    out.append("</section>")
    return "\n".join(out)


def monitoring_section(inputs, results: dict, force: str, out: Path) -> tuple[dict, list[Path]]:
    """Compute, draw and write the section: ``results`` gains ``monitoring``, ``monitoring_html`` and
    ``monitoring_markdown``; returns ``results`` and the figure files written to ``out``."""
    mon = monitoring_results(inputs, results, force)
    force_name = inputs.rounds.loc[inputs.rounds["force"] == force, "force_name"].iloc[0]
    shown, files = draw_monitoring_figures(mon, inputs.rounds, out, force_name)
    results.update(monitoring=mon, monitoring_html=monitoring_html(mon, shown),
                   monitoring_markdown=monitoring_markdown(mon))
    return results, files
