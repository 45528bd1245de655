"""Benchmark: counting a 20,000,000-row Parquet dataset through DuckDB.

Target
------
scale_peak_memory   peak resident memory of ``to_counts(DIR)`` (the DuckDB path:
                    validation and group-by pushed into DuckDB) < 2 GB

Informational: its wall time; a bare DuckDB ``GROUP BY`` of the same files
(no validation) as a baseline; and what the pandas path would need, estimated
from the memory per row of ``load_cases`` + ``to_counts`` on one 1,000,000-row
file times 20 -- estimated, not run.

The dataset is synthetic: 20 Parquet files of about 1,000,000 rows each (the
national file of ``_common.national_table`` with a different seed and case
numbers per file), written one file at a time with pyarrow in row groups, so
that 20 million rows never sit in memory at once. It lives in a temporary
folder that is deleted at the end. Each measurement runs in its own child
process and reports its own peak resident set (``VmHWM``), imports included.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import _common as bench

N_FILES = 20
CASES_PER_CELL = 970  # 43 forces x 24 quarters x ~970 = ~1,000,000 rows per file
BY = ("round_id", "force", "case_type")
GB = 1e9


def child(kind: str, path: str, registry: str) -> None:
    """Child process: count (project or bare DuckDB), or load one file with pandas, against the registry file."""
    import duckdb

    from inspection_analysis.counts.table import to_counts
    from inspection_analysis.io import load_cases, load_rounds

    rounds = load_rounds(registry)
    before = bench.rss_now()
    if kind == "duckdb":
        counts = to_counts(path, by=BY, rounds=rounds)
        bench.child_report(rss_before=before, groups=len(counts), cases=int(counts["n"].sum()))
    elif kind == "bare":
        sql = f"select {', '.join(BY)}, grade, count(*) as n from read_parquet('{path}/*.parquet') group by all"
        counts = duckdb.connect().execute(sql).fetch_df()
        bench.child_report(rss_before=before, groups=len(counts), cases=int(counts["n"].sum()))
    else:
        frame = load_cases(path, rounds=rounds)
        to_counts(frame, by=BY)
        bench.child_report(rss_before=before, rows=len(frame))


def write_dataset(folder: Path) -> int:
    """Write the 20 files of the synthetic dataset; return the number of rows."""
    folder.mkdir()
    rows = 0
    for k in range(N_FILES):
        table = bench.national_table(CASES_PER_CELL, seed=bench.SEED + k, start=k * 10 * CASES_PER_CELL)
        bench.write_table(table, folder / f"part-{k:02d}.parquet")
        rows += table.num_rows
    return rows


def main() -> None:
    bench.print_header("scale: to_counts on a 20,000,000-row synthetic Parquet dataset (DuckDB path)")
    with tempfile.TemporaryDirectory(prefix="ia-bench-scale-") as tmp:
        tmp = Path(tmp)
        registry = str(tmp / "rounds_synthetic.csv")
        bench.national_rounds().to_csv(registry, index=False)
        start = time.perf_counter()
        rows = write_dataset(tmp / "national_cases_synthetic")
        size = sum(p.stat().st_size for p in (tmp / "national_cases_synthetic").iterdir())
        print(f"  wrote {rows:,} rows in {N_FILES} files ({bench.mib(size)}) in {time.perf_counter() - start:.1f} s")

        dataset = str(tmp / "national_cases_synthetic")
        runs = {kind: bench.run_self_child(__file__, kind, dataset, registry, timeout=900) for kind in ("duckdb", "bare")}
        sample = bench.run_self_child(__file__, "pandas", f"{dataset}/part-00.parquet", registry)

    project, bare = runs["duckdb"], runs["bare"]
    counted, bare_data = project.json(), bare.json()
    peak = counted["peak_rss_bytes"]  # the child's own VmHWM: the whole process, imports included
    print(f"  to_counts(DIR): {project.seconds:.1f} s, peak RSS {bench.mib(peak)}, "
          f"{counted['groups']:,} groups, {counted['cases']:,} cases counted")
    print(f"  bare DuckDB GROUP BY: {bare.seconds:.1f} s, peak RSS {bench.mib(bare_data['peak_rss_bytes'])}")
    data = sample.json()
    per_row = (data["peak_rss_bytes"] - data["rss_before"]) / data["rows"]
    estimate = data["rss_before"] + per_row * rows
    print(f"  pandas path on one file ({data['rows']:,} rows): {per_row:.0f} bytes/row above the imports")
    print()
    bench.absolute_target("scale_peak_memory", peak / GB, 2.0, "GB")
    bench.info_line("scale_seconds", f"{project.seconds:.1f} s for {rows:,} rows (no goal); "
              f"ratio {project.seconds / bare.seconds:.2f} against a bare DuckDB GROUP BY")
    bench.info_line("scale_pandas_estimate", f"the pandas path would need about {estimate / GB:.1f} GB "
              f"({per_row:.0f} bytes/row x {rows:,} rows + {bench.mib(data['rss_before'])} for the imports; estimated, not run)")


if __name__ == "__main__":
    bench.dispatch(main, child)
