"""Orchestration: data -> tables, figures and the HTML report.

:func:`run_report` is what ``inspection-analysis report`` (``make report``)
runs. Every number comes from the library (``to_counts``, ``compare``,
``verdict``, ``monitor``, ``assessors``, ``stats``); this module only chooses
what to show and writes it: ``figures/`` (PNG, SVG, CSV, text alternative),
``reports/summary.csv``, ``reports/summary.md``, the tables behind them,
``reports/tables.xlsx`` and ``reports/report.html``, all through a staging
folder (:mod:`inspection_analysis.report.staging`). Only counts are written,
never case identifiers.
The figures are drawn and saved by :mod:`inspection_analysis.report.figures`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from inspection_analysis import paths
from inspection_analysis.analysis.assessors import assessor_agreement
from inspection_analysis.analysis.funnel import funnel, funnel_inputs, funnel_limits_frame
from inspection_analysis.analysis.pchart import p_chart
from inspection_analysis.analysis.planning import audit_sensitivity
from inspection_analysis.analysis.quarter_update import series_comparisons
from inspection_analysis.analysis.series import round_counts, round_rates
from inspection_analysis.analysis.trend import trend
from inspection_analysis.analysis.verdict import has_improved
from inspection_analysis.csv_safety import write_csv
from inspection_analysis.grades import DEFAULT_FAILING, failure_definition
from inspection_analysis.project.state import ProjectState, load_project
from inspection_analysis.report.disclosure import suppress_small_counts
from inspection_analysis.report.figures import draw_figures
from inspection_analysis.report.html import render_html, render_markdown
from inspection_analysis.report.monitoring import monitoring_section
from inspection_analysis.report.staging import staged_outputs
from inspection_analysis.report.workbook import write_workbook
from inspection_analysis.stats.checks import check_level

__all__ = ["ReportResult", "run_report", "FORCE"]

#: The force the report answers the question for by default (the Metropolitan Police Service).
FORCE = "mps"
_STEPS = 6


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
    accepted_changes : bool
        True when those changes were accepted (``accept_changed=True``); the
        report then says so beside each warning.
    """

    answer: str
    verdict_sentence: str
    html: Path
    files: tuple[Path, ...]
    integrity_warnings: tuple[str, ...]
    accepted_changes: bool = False


def _compute(inputs: ProjectState, confidence_level: float, force: str) -> dict:
    """Every table and result the report shows, from the library."""

    alpha = 1 - confidence_level
    verdict = has_improved(inputs.counts, force=force, confidence_level=confidence_level, rounds=inputs.rounds)
    baseline = verdict.comparison["baseline"]
    rates = round_rates(inputs.counts, force, rounds=inputs.rounds, confidence_level=confidence_level)
    unpublished = rates[~rates["counts_published"] & (rates["n"].fillna(0) > 0)]
    sensitivity = [audit_sensitivity(inputs.counts, baseline, round_id=rid, alpha=alpha, rounds=inputs.rounds)
                   for rid in unpublished["round_id"]]
    funnel_table = funnel(funnel_inputs(inputs.counts, inputs.rounds), rounds=inputs.rounds)
    return {
        "force": force,
        "verdict": verdict, "baseline": baseline, "series": round_counts(inputs.counts, force, rounds=inputs.rounds),
        "rates": rates, "comparisons": series_comparisons(inputs.counts, force, rounds=inputs.rounds, baseline=baseline,
                                          confidence_level=confidence_level),
        "trend": trend(inputs.counts, force=force, rounds=inputs.rounds),
        "p_chart": p_chart(inputs.counts, force=force, rounds=inputs.rounds),
        "sensitivity": sensitivity, "funnel": funnel_table, "funnel_limits": funnel_limits_frame(funnel_table),
        "agreement": assessor_agreement(),
    }


def _summary(results: dict, warnings: list[str]) -> pd.DataFrame:
    """One tidy table: integrity warnings first, then each round's rate, each comparison, the trend and the verdict."""
    rates, comp, tr, v = results["rates"], results["comparisons"], results["trend"], results["verdict"]
    rows = [{"section": "data integrity warning", "result": w} for w in warnings]
    rows += [{"section": "rate", "round_id": r.round_id, "label": r.label, "n": r.n, "failures": r.failures,
             "estimate": r.rate, "ci_low": r.ci_low, "ci_high": r.ci_high, "result": ""}
            for r in rates.itertuples()]
    rows += [{"section": f"change ({c.kind})", "round_id": f"{c.baseline} -> {c.follow_up}",
              "estimate": c.difference, "ci_low": c.difference_low, "ci_high": c.difference_high,
              "pvalue": c.pvalue, "pvalue_improvement": c.pvalue_improvement,
              "min_detectable_improvement": c.min_detectable_improvement, "result": c.verdict}
             for c in comp.itertuples()]
    rows.append({"section": "trend", "round_id": results["force"], "estimate": tr.z, "pvalue": tr.pvalue,
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


def _write_tables(results: dict, reports: Path, publish: bool,
                  warnings: list[str]) -> tuple[dict[str, pd.DataFrame], list[Path]]:
    tables = {
        "summary": _summary(results, warnings),
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
        write_csv(table, path)
        written.append(path)
    return tables, written


def _warnings(inputs: ProjectState, accept_changed: bool) -> list[str]:
    """The integrity warnings as the report states them: with the acceptance recorded when it was given."""
    accepted = " (accepted with --accept-changed: the report uses the file as it is now)" if accept_changed else ""
    return [w + accepted for w in inputs.integrity_warnings]


def run_report(
    data: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    *,
    failing: str = "ri_or_inadequate",
    confidence_level: float = 0.95,
    publish: bool = False,
    notebooks: bool = True,
    force: str = FORCE,
    accept_changed: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    cases: str | os.PathLike | None = None,
    engine: str = "duckdb",
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
        Apply :func:`~inspection_analysis.report.disclosure.suppress_small_counts` to
        every table written.
    notebooks : bool, default True
        Also execute the notebooks and render them to ``reports/notebooks/``
        when the notebook packages are installed. They run in parallel, in
        their own kernels, on ``data``, while the report itself is computed
        (:func:`inspection_analysis.project.notebooks.start_notebooks`).
        They answer on the headline failure definition and the recorded
        files, so they are not run with ``failing="inadequate"`` or with
        ``cases``: the report would otherwise hold two answers.
    force : str, default "mps"
        The force code (``rounds.csv`` column ``force``) the question is asked
        for; the Metropolitan Police Service by default.
    accept_changed : bool, default False
        Record in the report that recorded files whose checksum changed were
        accepted as they are now (``report --accept-changed``). The command
        exits non-zero on a changed file unless this is given.
    progress : callable, optional
        Called as ``progress(step, total, what)`` before each long step.
    cases : str or path-like, optional
        A case-level Parquet file or dataset counted instead of ``raw/`` (see
        :func:`~inspection_analysis.project.state.load_project`). The
        notebooks are then not run: they read the data folder's recorded files.
    engine : {"duckdb", "spark", "pandas"}, default "duckdb"
        How ``cases`` is counted; only the counts table comes back from the engine.

    Returns
    -------
    ReportResult

    Raises
    ------
    AuditDataError
        If a data file fails validation.
    ValueError
        For an unknown ``failing``, a ``force`` not in the registry, or a
        ``confidence_level`` outside (0, 1).
    FileNotFoundError
        If ``data`` is not an existing folder.

    Notes
    -----
    Every file recorded in the manifest is checked against its SHA-256 as
    the project is loaded (:func:`~inspection_analysis.project.state.load_project`);
    a mismatch is returned in ``integrity_warnings`` and shown at the top of
    ``report.html``, ``summary.md`` and ``summary.csv``. Output is deterministic: the same data
    gives byte-identical CSV, Markdown and SVG files.

    Examples
    --------
    >>> import tempfile
    >>> res = run_report(out=tempfile.mkdtemp(), notebooks=False)  # doctest: +SKIP
    >>> res.answer  # doctest: +SKIP
    'no'
    """

    failure_definition(failing)
    check_level(confidence_level)
    say = progress or (lambda *_: None)
    data_dir = Path(data).resolve() if data is not None else paths.data_dir()
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    root = Path(out).resolve() if out is not None else paths.project_root()
    with staged_outputs(root) as stage:  # nothing appears under root unless every step succeeds
        # The notebooks run in the background, in their own kernels, while the report is computed.
        # They read the data folder's recorded files on the headline definition (see ``notebooks`` above).
        same = cases is None and failure_definition(failing) == DEFAULT_FAILING
        batch = _start_notebooks(stage / "reports" / "notebooks", data_dir) if notebooks and same else None
        try:
            say(1, _STEPS, "loading, validating and checksumming the data")
            inputs = load_project(data_dir, failing=failing, cases=cases, engine=engine)
            staged = _report(inputs, stage, failing, confidence_level, publish, force, accept_changed, say, batch)
        finally:
            if batch is not None:
                batch.cancel()  # after an error: run no more notebooks; a no-op once they are done
    return replace(staged, html=root / staged.html.relative_to(stage),
                   files=tuple(sorted(root / p.relative_to(stage) for p in staged.files)))


def _report(inputs: ProjectState, stage: Path, failing: str, confidence_level: float, publish: bool, force: str,
            accept_changed: bool, say, batch) -> ReportResult:
    """The steps of :func:`run_report` after loading, writing under ``stage``; ``batch`` is the notebooks already
    running, or ``None``."""
    if not (inputs.rounds["force"] == force).any():
        raise ValueError(f"--force {force!r} is not in the registry; forces: "
                         + ", ".join(sorted(set(inputs.rounds["force"]))))
    warnings = _warnings(inputs, accept_changed)
    say(2, _STEPS, "computing rates, comparisons, trend and verdict")
    results = _compute(inputs, confidence_level, force)
    say(3, _STEPS, "writing tables and tables.xlsx")
    tables, written = _write_tables(results, stage / "reports", publish, warnings)
    written.append(write_workbook(stage / "reports" / "tables.xlsx", results, tables, inputs, publish=publish,
                                  confidence_level=confidence_level))
    say(4, _STEPS, "drawing figures")
    figures, fig_files = draw_figures(results, inputs, stage / "figures", confidence_level, force)
    results, monitoring_files = monitoring_section(inputs, results, force, stage / "figures")
    fig_files += monitoring_files
    say(5, _STEPS, "writing summary.md and report.html")
    md = stage / "reports" / "summary.md"
    md.write_text(render_markdown(results, tables, confidence_level, inputs.published, warnings), encoding="utf-8")
    html = stage / "reports" / "report.html"
    html.write_text(render_html(results, tables, figures, inputs, warnings, publish, confidence_level),
                    encoding="utf-8")
    written += [*fig_files, md, html]
    if batch is not None:
        say(6, _STEPS, "executing notebooks")
        written += batch.result()
    v = results["verdict"]
    return ReportResult(v.answer, v.sentence, html, tuple(sorted(written)), inputs.integrity_warnings, accept_changed)


def _start_notebooks(out_dir: Path, data_dir: Path):
    """Start every notebook on the report's data folder (each notebook's ``DATA_DIR`` parameter), in the background.

    ``None`` without the notebook packages (extra ``notebooks``).
    """
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in ("nbclient", "nbconvert", "ipykernel")):
        return None
    from inspection_analysis.project.notebooks import find_notebooks, start_notebooks

    return start_notebooks(out_dir, parameters={p.stem: {"DATA_DIR": str(data_dir)} for p in find_notebooks()})
