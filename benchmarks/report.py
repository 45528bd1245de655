"""Benchmark: the end-to-end report, the import time and the CLI start-up.

Targets
-------
report_seconds            ``inspection-analysis report --no-notebooks --out TMP``   < 20 s
report_notebooks_seconds  ``inspection-analysis report --out TMP`` (runs notebooks)  < 60 s
import_seconds            ``python -c "import inspection_analysis"``               < 1 s
help_seconds              ``inspection-analysis --help``                           < 1 s

Each command runs in a child process on the shipped data; the output goes to a
temporary folder. Wall times are medians; peak memory is the child's own
``ru_maxrss`` from ``os.wait4`` (the per-child form of
``getrusage(RUSAGE_CHILDREN)``), which includes the notebook kernels the
command waited for. The parent imports nothing heavy, so the figure (which
Linux starts from the parent's resident set at the spawn) is the child's.
A bare ``python -c pass`` is timed alongside the import as an informational
baseline. Exit code is 0 even when a target fails.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import _common as bench

CLI = str(Path(sys.executable).with_name("inspection-analysis"))
STARTUP_RUNS = 7
REPORT_RUNS = 2


def _report(extra: list[str]) -> tuple[list[float], list[int], str]:
    seconds, peaks = [], []
    for _ in range(REPORT_RUNS):
        with tempfile.TemporaryDirectory(prefix="ia-bench-report-") as out:
            run = bench.run_child([CLI, "report", *extra, "--out", out], timeout=600)
        if run.returncode != 0:
            return [], [], run.stderr[-2000:]
        seconds.append(run.seconds)
        peaks.append(run.peak_rss_bytes)
    return seconds, peaks, ""


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

    results = {}
    for name, extra, goal in (("report_seconds", ["--no-notebooks"], 20.0), ("report_notebooks_seconds", [], 60.0)):
        seconds, peaks, err = _report(extra)
        results[name] = (seconds, peaks, err, goal)
        if seconds:
            print(
                f"  report {' '.join(extra) or '(with notebooks)'}: median {bench.median(seconds):.2f} s over "
                f"{len(seconds)} runs, peak RSS {bench.mib(max(peaks))}"
            )
        else:
            print(f"  report {' '.join(extra)} FAILED:\n{err}")

    print()
    for name, (seconds, peaks, err, goal) in results.items():
        if seconds:
            bench.absolute_target(name, bench.median(seconds), goal, "s")
            bench.info_line(name.replace("seconds", "peak_rss"), bench.mib(max(peaks)))
        else:
            print(f"target {name}: not measured (the command failed) FAIL")
    for name, value, err in (("import_seconds", imp, err_imp), ("help_seconds", hlp, err_hlp)):
        if err:
            print(f"  {name} command failed:\n{err}")
            print(f"target {name}: not measured (the command failed) FAIL")
        else:
            bench.absolute_target(name, value, 1.0, "s")


if __name__ == "__main__":
    main()
