"""Orchestration: data -> tables, figures and the HTML report.

:func:`run_report` is what ``inspection-analysis report`` (``make report``)
runs. Every number comes from the library (``to_counts``, ``compare``,
``verdict``, ``monitor``, ``assessors``, ``stats``); this module only chooses
what to show and writes it: ``figures/`` (PNG, SVG, CSV, text alternative),
``reports/summary.csv``, ``reports/summary.md``, the tables behind them and
``reports/report.html``. Only counts are written, never case identifiers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths
from .rounds_meta import force_rounds

__all__ = ["ReportResult", "run_report", "FORCE"]

#: The force the report answers the question for (the Metropolitan Police Service).
FORCE = "mps"
_STEPS = 7


@dataclass(frozen=True)
class ReportResult:
    """What :func:`run_report` wrote.

    Attributes
    ----------
    answer : str
        ``"yes"``, ``"no"`` or ``"no — worse"`` (see ``Verdict.answer``).
    verdict_sentence : str
        The plain-English verdict, as printed.
    html : pathlib.Path
        The report page.
    files : tuple of pathlib.Path
        Every file written, sorted.
    integrity_warnings : tuple of str
        Data files whose checksum no longer matches the manifest.
    """

    answer: str
    verdict_sentence: str
    html: Path
    files: tuple[Path, ...]
    integrity_warnings: tuple[str, ...]


@dataclass
class _Inputs:
    data: Path
    rounds: pd.DataFrame
    published: pd.DataFrame
    counts: pd.DataFrame
    synthetic: pd.DataFrame | None
    files: list[Path]
    case_level_rounds: list[str]


def _load(data: Path, failing: str) -> _Inputs:
    from .counts import to_counts
    from .io import load_cases, load_published, load_rounds

    rounds_file, published_file = data / "rounds.csv", data / "published" / "published_counts.csv"
    rounds = load_rounds(rounds_file)
    published = load_published(published_file, rounds=rounds)
    counts = to_counts(published, failing=failing)
    files = [rounds_file, published_file]
    case_rounds: list[str] = []
    raw = data / "raw"
    raw_files = sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith(".")
                       and not p.name.lower().startswith("readme")) if raw.is_dir() else []
    if raw_files:
        cases = load_cases(raw, rounds=rounds)
        case_counts = to_counts(cases, failing=failing)
        case_rounds = sorted(case_counts["round_id"].astype(str).unique())
        counts = pd.concat([counts[~counts["round_id"].astype(str).isin(case_rounds)], case_counts],
                           ignore_index=True)
        files += raw_files
    synth_dir = data / "synthetic"
    synth_files = sorted(synth_dir.glob("*_case_files_synthetic.csv")) if synth_dir.is_dir() else []
    synthetic = load_cases(synth_files[0], rounds=rounds) if synth_files else None
    files += synth_files[:1]
    counts = counts.assign(round_id=counts["round_id"].astype(str))
    return _Inputs(data, rounds, published, counts, synthetic, files, case_rounds)


def _series(inputs: _Inputs) -> pd.DataFrame:
    """The force's rounds in time order (subsample re-gradings left out) with their counts."""
    reg = force_rounds(inputs.rounds, FORCE)
    cols = ["round_id", "n", "failures", "n_good", "n_adequate", "n_requires_improvement", "n_inadequate", "failing"]
    return reg[["round_id", "label", "assessor", "reference_date"]].merge(inputs.counts[cols], on="round_id")


def _rates(series: pd.DataFrame, confidence_level: float) -> pd.DataFrame:
    from .stats import rate_ci

    out = series[["round_id", "label", "assessor", "n", "failures"]].copy()
    out["rate"] = out["ci_low"] = out["ci_high"] = float("nan")
    known = out["failures"].notna()
    if known.any():
        x, n = out.loc[known, "failures"].astype(int).to_numpy(), out.loc[known, "n"].astype(int).to_numpy()
        ci = rate_ci(x, n, method="wilson", confidence_level=confidence_level)
        out.loc[known, "rate"] = x / n
        out.loc[known, "ci_low"], out.loc[known, "ci_high"] = ci.low, ci.high
    out["confidence_level"], out["method"] = confidence_level, "wilson"
    return out.reset_index(drop=True)


def _comparisons(inputs: _Inputs, rates: pd.DataFrame, baseline: str, confidence_level: float) -> pd.DataFrame:
    from .compare import compare_rounds

    known = rates.loc[rates["rate"].notna(), "round_id"].tolist()
    later = known[known.index(baseline) + 1:] if baseline in known else []
    pairs = [(baseline, r) for r in later] + [(a, b) for a, b in zip(known, known[1:], strict=False)
                                               if a != baseline]
    frames = [compare_rounds(inputs.counts, a, b, confidence_level=confidence_level, rounds=inputs.rounds)
              .assign(kind="from baseline" if a == baseline else "consecutive") for a, b in pairs]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _compute(inputs: _Inputs, confidence_level: float) -> dict:
    """Every table and result the report shows, from the library."""
    from .assessors import assessor_agreement
    from .monitor import funnel, funnel_curves, p_chart, trend
    from .verdict import audit_sensitivity, has_improved

    alpha = 1 - confidence_level
    verdict = has_improved(inputs.counts, force=FORCE, confidence_level=confidence_level, rounds=inputs.rounds)
    baseline = verdict.comparison["baseline"]
    series = _series(inputs)
    rates = _rates(series, confidence_level)
    unpublished = series[series["failures"].isna() & series["n"].notna()]
    sensitivity = [audit_sensitivity(inputs.counts, baseline, round_id=rid, alpha=alpha, rounds=inputs.rounds)
                   for rid in unpublished["round_id"]]
    audit_rounds = inputs.rounds.loc[inputs.rounds["role"] == "audit", "round_id"]
    full = inputs.counts[inputs.counts[["n_good", "n_requires_improvement", "n_inadequate"]].notna().all(axis=1)
                         & inputs.counts["failures"].notna()
                         & inputs.counts["round_id"].isin(audit_rounds)]
    full = full.merge(inputs.rounds[["round_id", "force", "reference_date"]], on="round_id")
    latest = full.sort_values("reference_date").groupby("force").tail(1)
    funnel_table = funnel(latest.drop(columns=["force", "reference_date"]), rounds=inputs.rounds)
    return {
        "verdict": verdict, "baseline": baseline, "series": series, "rates": rates,
        "comparisons": _comparisons(inputs, rates, baseline, confidence_level),
        "trend": trend(inputs.counts, force=FORCE, rounds=inputs.rounds),
        "p_chart": p_chart(inputs.counts, force=FORCE, rounds=inputs.rounds),
        "sensitivity": sensitivity, "funnel": funnel_table,
        "funnel_curves": funnel_curves(float(funnel_table["pooled_rate"].iloc[0]),
                                       int(funnel_table["n"].max() * 1.2), n_min=10),
        "agreement": assessor_agreement(),
    }


def _summary(results: dict) -> pd.DataFrame:
    """One tidy table: each round's rate, each comparison, the trend and the verdict."""
    rates, comp, tr, v = results["rates"], results["comparisons"], results["trend"], results["verdict"]
    rows = [{"section": "rate", "round_id": r.round_id, "label": r.label, "n": r.n, "failures": r.failures,
             "estimate": r.rate, "ci_low": r.ci_low, "ci_high": r.ci_high, "result": ""}
            for r in rates.itertuples()]
    rows += [{"section": f"change ({c.kind})", "round_id": f"{c.baseline} -> {c.follow_up}",
              "estimate": c.difference, "ci_low": c.difference_low, "ci_high": c.difference_high,
              "pvalue": c.pvalue, "pvalue_improvement": c.pvalue_improvement,
              "min_detectable_improvement": c.min_detectable_improvement, "result": c.verdict}
             for c in comp.itertuples()]
    rows.append({"section": "trend", "round_id": FORCE, "estimate": tr.z, "pvalue": tr.pvalue,
                 "pvalue_improvement": tr.pvalue_falling, "result": tr.sentence})
    c = v.comparison
    rows.append({"section": "verdict", "round_id": f"{c['baseline']} -> {c['follow_up']}",
                 "estimate": c["difference"], "ci_low": c["difference_low"], "ci_high": c["difference_high"],
                 "pvalue": c["pvalue"], "pvalue_improvement": c["pvalue_improvement"],
                 "min_detectable_improvement": c["min_detectable_improvement"], "result": v.answer})
    cols = ["section", "round_id", "label", "n", "failures", "estimate", "ci_low", "ci_high", "pvalue",
            "pvalue_improvement", "min_detectable_improvement", "result"]
    table = pd.DataFrame(rows).reindex(columns=cols)
    table[["n", "failures"]] = table[["n", "failures"]].astype("Int64")
    return table


def _write_tables(results: dict, reports: Path, publish: bool) -> tuple[dict[str, pd.DataFrame], list[Path]]:
    from .disclosure import suppress_small_counts

    tables = {
        "summary": _summary(results),
        "rates": results["rates"],
        "comparisons": results["comparisons"],
        "p_chart": results["p_chart"].table,
        "funnel": results["funnel"],
    }
    if publish:
        comp_counts = ["n_baseline", "failures_baseline", "n_follow_up", "failures_follow_up"]
        tables = {
            "summary": suppress_small_counts(tables["summary"], rate_columns=["estimate", "ci_low", "ci_high"]),
            "rates": suppress_small_counts(tables["rates"]),
            "comparisons": suppress_small_counts(
                tables["comparisons"], count_columns=comp_counts, total_column=None,
                rate_columns=[c for c in tables["comparisons"].columns
                              if c.startswith(("rate_", "difference")) and c in tables["comparisons"]]),
            "p_chart": suppress_small_counts(tables["p_chart"], rate_columns=["rate"]),
            "funnel": suppress_small_counts(tables["funnel"], rate_columns=["rate"]),
        }
    reports.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = reports / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return tables, written


def _integrity(data: Path) -> list[str]:
    from .quarters import check_manifest

    status = check_manifest(data)
    return [f"data file {r.path} ({r.round_id}) is {r.status}: its SHA-256 no longer matches the manifest "
            f"(recorded {r.expected[:12]}..., now {r.actual[:12] or 'absent'})"
            for r in status.itertuples() if r.status != "ok"]


def run_report(
    data: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    *,
    failing: str = "ri_or_inadequate",
    confidence_level: float = 0.95,
    publish: bool = False,
    notebooks: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> ReportResult:
    """Write the figures, summary tables and HTML report, and return the verdict.

    Parameters
    ----------
    data : str or path-like, optional
        A data folder laid out like ``data/`` (``rounds.csv``,
        ``published/published_counts.csv``, optional ``raw/`` case-level files,
        ``synthetic/``, ``manifest.csv``); default the project's ``data/``.
    out : str or path-like, optional
        Root for ``figures/`` and ``reports/``; default the project root.
    failing : {"ri_or_inadequate", "inadequate"}, default "ri_or_inadequate"
        The failure definition.
    confidence_level : float, default 0.95
        For every interval; ``1 - confidence_level`` is the level of the tests.
    publish : bool, default False
        Apply :func:`~inspection_analysis.disclosure.suppress_small_counts` to
        every table written.
    notebooks : bool, default True
        Also execute the notebooks and render them to ``reports/notebooks/``
        when :mod:`inspection_analysis.notebook_runner` imports.
    progress : callable, optional
        Called as ``progress(step, total, what)`` before each long step.

    Returns
    -------
    ReportResult

    Raises
    ------
    AuditDataError
        If a data file fails validation.
    ValueError
        For an unknown ``failing`` or a ``confidence_level`` outside (0, 1).
    FileNotFoundError
        If ``data`` is not an existing folder.

    Notes
    -----
    Before anything else every file recorded in the manifest is checked
    against its SHA-256; a mismatch is returned in ``integrity_warnings`` and
    shown at the top of the HTML report. Output is deterministic: the same data
    gives byte-identical CSV, Markdown and SVG files.

    Examples
    --------
    >>> import tempfile
    >>> res = run_report(out=tempfile.mkdtemp(), notebooks=False)  # doctest: +SKIP
    >>> res.answer  # doctest: +SKIP
    'no'
    """
    from .grades import failure_definition
    from .report_html import render_html, render_markdown
    from .stats._checks import check_level

    failure_definition(failing)
    check_level(confidence_level)
    say = progress or (lambda *_: None)
    data_dir = Path(data).resolve() if data is not None else paths.data_dir()
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    root = Path(out).resolve() if out is not None else paths.project_root()
    say(1, _STEPS, "checking data files against the manifest")
    warnings = _integrity(data_dir)
    say(2, _STEPS, "loading and validating data")
    inputs = _load(data_dir, failing)
    say(3, _STEPS, "computing rates, comparisons, trend and verdict")
    results = _compute(inputs, confidence_level)
    say(4, _STEPS, "writing tables")
    tables, written = _write_tables(results, root / "reports", publish)
    say(5, _STEPS, "drawing figures")
    figures, fig_files = _draw_figures(results, inputs, root / "figures", confidence_level)
    say(6, _STEPS, "writing summary.md and report.html")
    md = root / "reports" / "summary.md"
    md.write_text(render_markdown(results, tables), encoding="utf-8")
    html = root / "reports" / "report.html"
    html.write_text(render_html(results, tables, figures, inputs, warnings, publish), encoding="utf-8")
    written += [*fig_files, md, html]
    if notebooks:
        say(7, _STEPS, "executing notebooks")
        written += _run_notebooks(root / "reports" / "notebooks")
    v = results["verdict"]
    return ReportResult(v.answer, v.sentence, html, tuple(sorted(written)), tuple(warnings))


def _run_notebooks(out_dir: Path) -> list[Path]:
    try:
        from .notebook_runner import run_notebooks
    except ImportError:
        return []
    return list(run_notebooks(out_dir))


def _year(label: str) -> str:
    return label.split()[0] if label else label


def _draw_figures(results: dict, inputs: _Inputs, out: Path, confidence_level: float):
    """Draw and save every figure; return their descriptions and the files written."""
    from . import figures as F
    from .style import pct

    v, rates, series = results["verdict"], results["rates"], results["series"]
    labels = dict(zip(inputs.rounds["round_id"], inputs.rounds["label"], strict=True))
    span = f"{rates['label'].iloc[0]} to {rates['label'].iloc[-1]}"
    force_name = inputs.rounds.loc[inputs.rounds["force"] == FORCE, "force_name"].iloc[0]
    base = results["baseline"]
    shown, files = [], []

    def save(name, fig, data, alt):
        paths_ = F.save_figure(fig, name, out, data, alt)
        shown.append({"name": name, "title": fig.texts[0].get_text(), "alt": " ".join(alt.split()),
                      "png": paths_["png"]})
        files.extend(paths_.values())

    known = rates[rates["rate"].notna()]
    fell = {"yes": "Failure rate fell significantly since", "no": "No significant fall in failure rate since",
            "no — worse": "Failure rate rose significantly since"}[v.answer]
    gap = ", ".join(f"{labels[r]} ({int(n)} files)" for r, n in zip(series["round_id"], series["n"], strict=True)
                    if pd.isna(series.set_index("round_id").loc[r, "failures"]) and pd.notna(n))
    published = ", ".join(f"{r.label} {pct(r.rate)}" for r in known.itertuples())
    fig, _ = F.grade_distribution(series, title=f"Most case files failed in every published round"
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
    fig, _ = F.change_forest(comp, title=f"Change in failure rate since {_year(labels[base])}",
                             subtitle=f"Difference from the {labels[base]}, percentage points, "
                                      f"{confidence_level:.0%} Newcombe intervals")
    save("03_change_from_baseline", fig, comp[["baseline", "follow_up", "label", "difference", "difference_low",
                                               "difference_high", "pvalue", "verdict"]],
         "Change in failure rate from the baseline, with intervals: " + "; ".join(
             f"{r.label} {100 * r.difference:+.1f} points ({100 * r.difference_low:+.1f} to "
             f"{100 * r.difference_high:+.1f}), {r.verdict}" for r in comp.itertuples()) + ".")
    _more_figures(results, inputs, F, save, labels, force_name, confidence_level)
    return shown, files


def _more_figures(results, inputs, F, save, labels, force_name, confidence_level):
    import numpy as np

    from .stats import min_detectable_change
    from .style import pct

    base, alpha = results["baseline"], 1 - confidence_level
    row = results["rates"].set_index("round_id").loc[base]
    unpublished = results["sensitivity"]
    mark = int(unpublished[0].n) if unpublished else int(row["n"])
    grid = np.unique(np.r_[np.arange(50, 1001, 10), mark])
    mdc = -np.asarray(min_detectable_change(row["rate"], grid, int(row["n"]), power=0.8, alpha=alpha,
                                            alternative="less"))
    curve = pd.DataFrame({"n": grid, "min_detectable_change": mdc})
    at = curve.loc[curve["n"] == mark, "min_detectable_change"].iloc[0]
    fig, _ = F.power_curve(curve, mark, title=f"An audit of {mark} files detects only large falls",
                           subtitle=f"Smallest fall in failure rate detectable (80% power, one-sided alpha "
                                    f"{alpha:g}) against the {labels[base]} (n = {int(row['n'])})")
    save("04_power_curve", fig, curve,
         f"Line chart: the smallest fall in failure rate an audit of 50 to 1,000 files could detect with 80% "
         f"power against the {labels[base]} ({pct(row['rate'])} of {int(row['n'])} failing). An audit of {mark} "
         f"files could detect a fall of {100 * at:.1f} percentage points or more.")
    pc = results["p_chart"]
    chart = pc.table.assign(special_cause=pc.table["special_cause"] != "common cause")
    k = int(chart["special_cause"].sum())
    trial = [w[0].upper() + w[1:] + "." for w in pc.warnings if "trial" in w]
    fig, _ = F.p_chart_figure(chart, " ".join(trial) or "Limits computed from the rounds shown.",
                              title=f"{k} of {len(chart)} rounds show special-cause variation" if k
                              else "No round shows special-cause variation",
                              subtitle=f"p-chart of the failure rate, {force_name}, 3-sigma limits")
    save("05_p_chart", fig, pc.table, " ".join([pc.sentence, *(w[0].upper() + w[1:] + "." for w in pc.warnings)]))
    fun, curves = results["funnel"], results["funnel_curves"]
    names = dict(zip(inputs.rounds["force"], inputs.rounds["force_name"], strict=False))
    points = fun.assign(group=fun["force"].map(names), outlier=fun["label"].where(fun["label"] != "not significant", ""))
    limits = curves.pivot(index="n", columns="level", values=["low", "high"])
    limits = pd.DataFrame({"n": limits.index, "centre": float(fun["pooled_rate"].iloc[0]),
                           "low_95": limits[("low", 0.95)].to_numpy(), "high_95": limits[("high", 0.95)].to_numpy(),
                           "low_998": limits[("low", 0.998)].to_numpy(),
                           "high_998": limits[("high", 0.998)].to_numpy()})
    flagged = points[points["outlier"] != ""]
    fig, _ = F.funnel_figure(points, limits, title=f"{len(flagged)} of {len(points)} forces outside the 95% funnel",
                             subtitle="Failure rate against case files audited, latest round with a full grade "
                                      "split per force, 95% and 99.8% limits")
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
                                        "from published percentages)")
    save("07_assessor_agreement", fig, marg.assign(min_agreement=ag.min_proportion, max_agreement=ag.max_proportion),
         ag.sentence)
    if inputs.synthetic is not None:
        _synthetic_figures(inputs, F, save, labels, confidence_level)


def _synthetic_figures(inputs, F, save, labels, confidence_level):
    from .counts import to_counts
    from .criteria import compare_criteria
    from .stats import rate_ci

    synth = inputs.synthetic
    present = [r for r in inputs.rounds.sort_values("reference_date")["round_id"]
               if (synth["round_id"].astype(str) == r).any()]
    first, last = present[0], present[-1]
    crit = compare_criteria(synth, first, last, confidence_level=confidence_level)
    crit = crit[crit["case_type"] == "all"]
    long = pd.concat([pd.DataFrame({"criterion": crit["criterion"].str.replace("_", " "), "label": labels[r],
                                    "n": crit[f"n_{k}"], "failures": crit[f"failures_{k}"]})
                      for r, k in ((first, "baseline"), (last, "follow_up"))], ignore_index=True)
    by_type = to_counts(synth[synth["round_id"].astype(str).isin([first, last])], by=("round_id", "case_type"))
    by_type = pd.DataFrame({"case_type": by_type["case_type"].astype(str),
                            "label": by_type["round_id"].astype(str).map(labels),
                            "n": by_type["n"], "failures": by_type["failures"]})
    source = "Source: SYNTHETIC case-level data (data/synthetic), generated to match published margins."
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
