"""Orchestration: data -> tables, figures and the HTML report.

:func:`run_report` is what ``inspection-analysis report`` (``make report``)
runs. Every number comes from the library (``to_counts``, ``compare``,
``verdict``, ``monitor``, ``assessors``, ``stats``); this module only chooses
what to show and writes it: ``figures/`` (PNG, SVG, CSV, text alternative),
``reports/summary.csv``, ``reports/summary.md``, the tables behind them and
``reports/report.html``. Only counts are written, never case identifiers.
The figures are drawn and saved by :mod:`inspection_analysis.report_figures`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths
from .report_figures import _draw_figures

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
    from .quarterly import combine_counts

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
        case_counts = to_counts(load_cases(raw, rounds=rounds), failing=failing)
        counts = combine_counts(counts, case_counts)
        case_rounds = sorted(case_counts.loc[case_counts["n"] > 0, "round_id"].astype(str).unique())
        files += raw_files
    synth_dir = data / "synthetic"
    synth_files = sorted(synth_dir.glob("*_case_files_synthetic.csv")) if synth_dir.is_dir() else []
    synthetic = load_cases(synth_files[0], rounds=rounds) if synth_files else None
    files += synth_files[:1]
    return _Inputs(data, rounds, published, counts, synthetic, files, case_rounds)


def _compute(inputs: _Inputs, confidence_level: float) -> dict:
    """Every table and result the report shows, from the library."""
    from .assessors import assessor_agreement
    from .forces import funnel, funnel_inputs, funnel_limits_frame
    from .monitor import round_counts, round_rates, trend
    from .pchart import p_chart
    from .quarterly import series_comparisons
    from .sensitivity import audit_sensitivity
    from .verdict import has_improved

    alpha = 1 - confidence_level
    verdict = has_improved(inputs.counts, force=FORCE, confidence_level=confidence_level, rounds=inputs.rounds)
    baseline = verdict.comparison["baseline"]
    rates = round_rates(inputs.counts, FORCE, inputs.rounds, confidence_level=confidence_level)
    unpublished = rates[~rates["counts_published"] & (rates["n"].fillna(0) > 0)]
    sensitivity = [audit_sensitivity(inputs.counts, baseline, round_id=rid, alpha=alpha, rounds=inputs.rounds)
                   for rid in unpublished["round_id"]]
    funnel_table = funnel(funnel_inputs(inputs.counts, inputs.rounds), rounds=inputs.rounds)
    return {
        "verdict": verdict, "baseline": baseline, "series": round_counts(inputs.counts, FORCE, inputs.rounds),
        "rates": rates, "comparisons": series_comparisons(inputs.counts, FORCE, inputs.rounds, baseline=baseline,
                                          confidence_level=confidence_level),
        "trend": trend(inputs.counts, force=FORCE, rounds=inputs.rounds),
        "p_chart": p_chart(inputs.counts, force=FORCE, rounds=inputs.rounds),
        "sensitivity": sensitivity, "funnel": funnel_table, "funnel_limits": funnel_limits_frame(funnel_table),
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
        when the notebook packages are installed. They run in parallel, in
        their own kernels, while the report itself is computed
        (:func:`inspection_analysis.notebook_runner.start_notebooks`).
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
    # The notebooks run in the background, in their own kernels, while the report is computed.
    batch = _start_notebooks(root / "reports" / "notebooks") if notebooks else None
    try:
        say(1, _STEPS, "checking data files against the manifest")
        warnings = _integrity(data_dir)
        say(2, _STEPS, "loading and validating data")
        inputs = _load(data_dir, failing)
        say(3, _STEPS, "computing rates, comparisons, trend and verdict")
        results = _compute(inputs, confidence_level)
        say(4, _STEPS, "writing tables")
        tables, written = _write_tables(results, root / "reports", publish)
        say(5, _STEPS, "drawing figures")
        figures, fig_files = _draw_figures(results, inputs, root / "figures", confidence_level, FORCE)
        say(6, _STEPS, "writing summary.md and report.html")
        md = root / "reports" / "summary.md"
        md.write_text(render_markdown(results, tables), encoding="utf-8")
        html = root / "reports" / "report.html"
        html.write_text(render_html(results, tables, figures, inputs, warnings, publish), encoding="utf-8")
        written += [*fig_files, md, html]
        if batch is not None:
            say(7, _STEPS, "executing notebooks")
            written += batch.result()
    finally:
        if batch is not None:
            batch.cancel()  # after an error: run no more notebooks; a no-op once they are done
    v = results["verdict"]
    return ReportResult(v.answer, v.sentence, html, tuple(sorted(written)), tuple(warnings))


def _start_notebooks(out_dir: Path):
    """Start the notebooks in the background; ``None`` without the notebook packages (extra ``notebooks``)."""
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in ("nbclient", "nbconvert", "ipykernel")):
        return None
    from .notebook_runner import start_notebooks

    return start_notebooks(out_dir)
