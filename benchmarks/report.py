"""Benchmark: the end-to-end report, the import time and the CLI start-up.

Targets
-------
report_seconds            ``inspection-analysis report --no-notebooks --out TMP``   < 20 s
report_notebooks_seconds  ``inspection-analysis report --out TMP`` (runs notebooks)  < 60 s
report_notebooks_ratio    the report with notebooks / without, same run             <= 1.5
import_seconds            ``python -c "import inspection_analysis"``               < 1 s
help_seconds              ``inspection-analysis --help``                           < 1 s

Each command runs in a child process on the shipped data; the output goes to a
temporary folder. After one untimed run, the two reports alternate (without,
with, with, without: ABBA, so that drift in the load of the shared machine falls
on both) and are summarised by their medians. Peak memory is the child's own ``ru_maxrss`` from
``os.wait4`` (the per-child form of ``getrusage(RUSAGE_CHILDREN)``), which
includes the notebook kernels the command waited for; so does the CPU time
printed (user + system), which shows how much of the wall time other work on
the machine took. The parent imports nothing heavy, so the memory figure (which
Linux starts from the parent's resident set at the spawn) is the child's. A bare
``python -c pass`` is timed alongside the import as an informational baseline.
Exit code is 0 even when a target fails.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import _common as bench

CLI = str(Path(sys.executable).with_name("inspection-analysis"))
STARTUP_RUNS = 7
REPORT_RUNS = 2  # of each report, alternating
VARIANTS = {"report_seconds": ["--no-notebooks"], "report_notebooks_seconds": []}


def _reports() -> tuple[dict[str, list[bench.ChildRun]], str]:
    """Both reports, REPORT_RUNS times each in ABBA order; the runs by variant, or an error."""
    runs: dict[str, list[bench.ChildRun]] = {name: [] for name in VARIANTS}
    names = list(VARIANTS)
    with tempfile.TemporaryDirectory(prefix="ia-bench-report-") as out:  # warm-up, untimed: file caches, bytecode
        bench.run_child([CLI, "report", "--out", out], timeout=600)
    for i in range(REPORT_RUNS):
        for name in names if i % 2 == 0 else reversed(names):
            with tempfile.TemporaryDirectory(prefix="ia-bench-report-") as out:
                run = bench.run_child([CLI, "report", *VARIANTS[name], "--out", out], timeout=600)
            if run.returncode != 0:
                return runs, f"report {' '.join(VARIANTS[name])} failed:\n{run.stderr[-2000:]}"
            runs[name].append(run)
    return runs, ""


def _startup(argv: list[str]) -> tuple[float, str]:
    times = []
    for _ in range(STARTUP_RUNS):
        run = bench.run_child(argv, timeout=60)
        if run.returncode != 0:
            return float("nan"), run.stderr[-2000:]
        times.append(run.seconds)
    return bench.median(times), ""


def main() -> None:
    bench.print_header("report: end-to-end report, import and CLI start-up")

    bare, _ = _startup([sys.executable, "-c", "pass"])
    imp, err_imp = _startup([sys.executable, "-c", "import inspection_analysis"])
    hlp, err_hlp = _startup([CLI, "--help"])
    bench.info_line("python_startup", f"{bare:.3f} s (bare `python -c pass`, median of {STARTUP_RUNS})")

    runs, err = _reports()
    for name, variant in VARIANTS.items():
        if runs[name]:
            seconds = [r.seconds for r in runs[name]]
            print(
                f"  report {' '.join(variant) or '(with notebooks)'}: median {bench.median(seconds):.2f} s over "
                f"{len(seconds)} runs ({', '.join(f'{s:.2f}' for s in seconds)}), CPU "
                f"{', '.join(f'{r.cpu_seconds:.1f}' for r in runs[name])} s, "
                f"peak RSS {bench.mib(max(r.peak_rss_bytes for r in runs[name]))}"
            )
    if err:
        print(f"  {err}")

    print()
    goals = {"report_seconds": 20.0, "report_notebooks_seconds": 60.0}
    complete = all(len(runs[name]) == REPORT_RUNS for name in VARIANTS)
    for name, goal in goals.items():
        if complete:
            bench.absolute_target(name, bench.median([r.seconds for r in runs[name]]), goal, "s")
            bench.info_line(name.replace("seconds", "peak_rss"), bench.mib(max(r.peak_rss_bytes for r in runs[name])))
        else:
            print(f"target {name}: not measured (the command failed) FAIL")
    if complete:
        with_nb = bench.median([r.seconds for r in runs["report_notebooks_seconds"]])
        without = bench.median([r.seconds for r in runs["report_seconds"]])
        bench.ratio_target("report_notebooks_ratio", with_nb, without, 1.5)
        cpu = [bench.median([r.cpu_seconds for r in runs[name]]) for name in VARIANTS]
        bench.info_line("report_cpu_seconds", f"{cpu[0]:.1f} s without notebooks, {cpu[1]:.1f} s with "
                                              "(user + system, kernels included; no goal)")
    else:
        print("target report_notebooks_ratio: not measured (the command failed) FAIL")
    for name, value, err in (("import_seconds", imp, err_imp), ("help_seconds", hlp, err_hlp)):
        if err:
            print(f"  {name} command failed:\n{err}")
            print(f"target {name}: not measured (the command failed) FAIL")
        else:
            bench.absolute_target(name, value, 1.0, "s")


if __name__ == "__main__":
    main()
