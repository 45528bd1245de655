"""Benchmark: loading and counting a national case-level file of about 1,000,000 rows.

Targets
-------
load_counts_csv       ``to_counts(load_cases(csv, rounds=registry))``
                      <= 5.0 x bare ``pandas.read_csv(csv, engine="pyarrow")``
load_counts_parquet   ``to_counts(load_cases(parquet, rounds=registry))``
                      <= 12.0 x bare ``pandas.read_parquet(parquet)``
load_memory_csv,      peak memory of ``load_cases`` + ``to_counts`` <= 10 x the loaded
load_memory_parquet   frame's ``memory_usage(deep=True).sum()``

The file is synthetic (43 forces x 24 quarters x about 1,000 cases, five
criterion columns), seeded, written to a temporary folder together with a
temporary rounds registry, and deleted afterwards. ``load_cases`` runs with
every validation rule on. Timings alternate project and baseline in one
process (7 runs each, medians). Peak memory is measured in fresh child
processes: the increase of the resident set from just after the imports to
its high-water mark (``VmHWM``), so the interpreter and the libraries do not
count. It varies from run to run by several MiB (pyarrow's readers decode on
two threads, and what their allocator still holds at the peak depends on
timing), so each figure is the median of three children, all three printed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import _common as bench

BY = ("round_id", "force", "case_type")
FORMATS = ("csv", "parquet")
TIME_RUNS = 7
MEMORY_RUNS = 3
#: time goals, retuned from 3 (issue 11) with the measured trade in benchmarks/README.md
GOALS = {"csv": 5.0, "parquet": 12.0}


def _baseline(fmt: str):
    import pandas as pd

    return (lambda p: pd.read_csv(p, engine="pyarrow")) if fmt == "csv" else pd.read_parquet


def _project(path: Path, rounds):
    from inspection_analysis.counts.table import to_counts
    from inspection_analysis.io import load_cases

    frame = load_cases(path, rounds=rounds)
    return frame, to_counts(frame, by=BY)


def child(kind: str, fmt: str, path: str, registry: str) -> None:
    """Child process: load once (project or baseline) and report the memory used."""
    # imported before the baseline RSS is taken: libraries (pyarrow's readers are otherwise imported lazily,
    # about 5 MiB for pyarrow.parquet) are not the data's memory
    import pandas as pd  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import inspection_analysis.counts.table  # noqa: F401
    from inspection_analysis.io import load_rounds

    rounds = load_rounds(registry)
    before = bench.rss_now()
    if kind == "project":
        frame, _ = _project(Path(path), rounds)
    else:
        frame = _baseline(fmt)(path)
    bench.child_report(rss_before=before, frame_bytes=int(frame.memory_usage(deep=True).sum()), rows=len(frame))


def main() -> None:
    from inspection_analysis.io import load_rounds

    bench.print_header("load: load_cases + to_counts on a 1,000,000-row synthetic national file")
    with tempfile.TemporaryDirectory(prefix="ia-bench-load-") as tmp:
        tmp = Path(tmp)
        registry = tmp / "rounds_synthetic.csv"
        bench.national_rounds().to_csv(registry, index=False)
        table = bench.national_table()
        paths = {fmt: bench.write_table(table, tmp / f"national_cases_synthetic.{fmt}") for fmt in FORMATS}
        print(f"  {table.num_rows:,} rows; CSV {bench.mib(paths['csv'].stat().st_size)}, "
              f"Parquet {bench.mib(paths['parquet'].stat().st_size)}")
        del table
        rounds = load_rounds(registry)

        speed, memory = {}, {}
        for fmt, path in paths.items():
            print(f"\n{fmt}: time (alternating, medians)")
            read = _baseline(fmt)
            times = bench.time_alternating(
                {
                    "load_cases + to_counts": lambda: _project(path, rounds),
                    f"bare pandas.read_{fmt}": lambda: read(path),
                },
                repeat=TIME_RUNS,
            )
            speed[fmt] = tuple(bench.print_timings(times).values())
            print(f"{fmt}: peak memory (median of {MEMORY_RUNS} child processes)")
            for kind in ("project", "baseline"):
                runs = [bench.run_self_child(__file__, kind, fmt, str(path), str(registry)).json() for _ in range(MEMORY_RUNS)]
                rises = [data["peak_rss_bytes"] - data["rss_before"] for data in runs]
                used, frame_bytes = bench.median(rises), runs[0]["frame_bytes"]
                print(f"  {kind:<8}  peak increase {bench.mib(used)} (runs: {', '.join(bench.mib(r) for r in rises)}), "
                      f"loaded frame {bench.mib(frame_bytes)}, ratio {used / frame_bytes:.2f}")
                memory[fmt, kind] = (used, frame_bytes)

    print()
    for fmt in FORMATS:
        bench.ratio_target(f"load_counts_{fmt}", *speed[fmt], goal=GOALS[fmt])
    for fmt in FORMATS:
        bench.ratio_target(f"load_memory_{fmt}", *memory[fmt, "project"], goal=10.0)
        bench.info_line(f"read_memory_{fmt}_baseline", "ratio {:.2f} (bare pandas reader; no goal)".format(
            memory[fmt, "baseline"][0] / memory[fmt, "baseline"][1]))


if __name__ == "__main__":
    bench.dispatch(main, child)
