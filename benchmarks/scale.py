"""Benchmark: counting a 20,000,000-row Parquet dataset through DuckDB and through Spark.

Targets
-------
scale_peak_memory      peak resident memory of ``to_counts(DIR)`` (the DuckDB path:
                       every rule and the group-by pushed into DuckDB) < 2 GB
scale_duckdb_overhead  time of ``to_counts(DIR)`` over a bare DuckDB ``GROUP BY`` of
                       the same files (no checks), in the same process <= 6
scale_spark_overhead   time of ``to_counts(DIR, engine="spark")`` (every rule in
                       Spark, local[2]) over a bare Spark ``groupBy().count()``
                       of the same files, in the same session <= 10

Informational: the Spark driver's peak memory (the JVM, which in local mode
also runs the executors, and the driver's Python); the wall time of the
DuckDB child; and what the pandas path would need, estimated from the memory
per row of ``load_cases`` + ``to_counts`` on one 1,000,000-row file times
20 -- estimated, not run. The Spark lines need pyspark (``make spark-test``
installs it) and Java; without them they say so and are skipped.

The dataset is synthetic: 20 Parquet files of about 1,000,000 rows each (the
national file of ``_common.national_table`` with a different seed and case
numbers per file), written one file at a time with pyarrow in row groups, so
that 20 million rows never sit in memory at once. It lives in a temporary
folder that is deleted at the end. Each measurement runs in its own child
process and reports its own peak resident set (``VmHWM``), imports included.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
import time
from pathlib import Path

import _common as bench

N_FILES = 20
CASES_PER_CELL = 970  # 43 forces x 24 quarters x ~970 = ~1,000,000 rows per file
BY = ("round_id", "force", "case_type")
GB = 1e9


def bare_duckdb(path: str):
    import duckdb

    sql = f"select {', '.join(BY)}, grade, count(*) as n from read_parquet('{path}/*.parquet') group by all"
    return duckdb.connect().execute(sql).fetch_df()


def child(kind: str, path: str, registry: str) -> None:
    """Child process: count (project or bare DuckDB), time both, time Spark, or load one file with pandas."""
    from inspection_analysis.counts.table import to_counts
    from inspection_analysis.io import load_cases, load_rounds

    rounds = load_rounds(registry)
    before = bench.rss_now()
    if kind == "duckdb":
        counts = to_counts(path, by=BY, rounds=rounds)
        bench.child_report(rss_before=before, groups=len(counts), cases=int(counts["n"].sum()))
    elif kind == "duckdb-time":
        times = bench.time_alternating({"to_counts": lambda: to_counts(path, by=BY, rounds=rounds),
                                        "bare": lambda: bare_duckdb(path)}, repeat=5)
        bench.child_report(times=times)
    elif kind == "spark":
        spark_child(path, rounds)
    else:
        frame = load_cases(path, rounds=rounds)
        to_counts(frame, by=BY)
        bench.child_report(rss_before=before, rows=len(frame))


def spark_child(path: str, rounds) -> None:
    """Time the Spark path against a bare groupBy().count() in one local session; report the driver's peak memory."""
    from inspection_analysis.counts.spark import local_spark_session
    from inspection_analysis.counts.table import to_counts

    spark = local_spark_session(partitions=8)

    def bare():
        return spark.read.parquet(path).groupBy(*BY, "grade").count().collect()

    def project():
        return to_counts(path, by=BY, rounds=rounds, engine="spark", spark=spark)

    counts = project()
    times = bench.time_alternating({"to_counts": project, "bare": bare}, repeat=3)
    jvm = spark.sparkContext._gateway.proc.pid  # the driver JVM (local mode: the executors too)
    with open(f"/proc/{jvm}/status") as fh:
        jvm_peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
    bench.child_report(times=times, jvm_peak_bytes=jvm_peak, groups=len(counts), cases=int(counts["n"].sum()))


def spark_missing() -> str | None:
    """Why the Spark lines cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (`make spark-test` installs it from requirements-spark.lock)"
    if shutil.which("java") is None:
        return "no Java runtime (`make spark-test` installs openjdk-17-jre-headless)"
    return None


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
    bench.print_header("scale: to_counts on a 20,000,000-row synthetic Parquet dataset (DuckDB and Spark paths)")
    no_spark = spark_missing()
    with tempfile.TemporaryDirectory(prefix="ia-bench-scale-") as tmp:
        tmp = Path(tmp)
        registry = str(tmp / "rounds_synthetic.csv")
        bench.national_rounds().to_csv(registry, index=False)
        start = time.perf_counter()
        rows = write_dataset(tmp / "national_cases_synthetic")
        size = sum(p.stat().st_size for p in (tmp / "national_cases_synthetic").iterdir())
        print(f"  wrote {rows:,} rows in {N_FILES} files ({bench.mib(size)}) in {time.perf_counter() - start:.1f} s")

        dataset = str(tmp / "national_cases_synthetic")
        project = bench.run_self_child(__file__, "duckdb", dataset, registry, timeout=900)
        timed = bench.run_self_child(__file__, "duckdb-time", dataset, registry, timeout=900).json()["times"]
        sample = bench.run_self_child(__file__, "pandas", f"{dataset}/part-00.parquet", registry)
        spark = None if no_spark else bench.run_self_child(__file__, "spark", dataset, registry, timeout=1800).json()

    counted = project.json()
    peak = counted["peak_rss_bytes"]  # the child's own VmHWM: the whole process, imports included
    print(f"  to_counts(DIR): {project.seconds:.1f} s in a fresh process, peak RSS {bench.mib(peak)}, "
          f"{counted['groups']:,} groups, {counted['cases']:,} cases counted")
    print("  DuckDB path against a bare DuckDB GROUP BY, same process:")
    duck = bench.print_timings(timed)
    if spark is not None:
        print("  Spark path (local[2]) against a bare Spark groupBy().count(), same session:")
        sparks = bench.print_timings(spark["times"])
        print(f"  Spark: {spark['groups']:,} groups, {spark['cases']:,} cases counted; driver JVM peak RSS "
              f"{bench.mib(spark['jvm_peak_bytes'])}, driver Python peak RSS {bench.mib(spark['peak_rss_bytes'])}")
    data = sample.json()
    per_row = (data["peak_rss_bytes"] - data["rss_before"]) / data["rows"]
    estimate = data["rss_before"] + per_row * rows
    print(f"  pandas path on one file ({data['rows']:,} rows): {per_row:.0f} bytes/row above the imports")
    print()
    bench.absolute_target("scale_peak_memory", peak / GB, 2.0, "GB")
    bench.ratio_target("scale_duckdb_overhead", duck["to_counts"], duck["bare"], 6.0)
    if spark is None:
        bench.info_line("scale_spark_overhead", f"skipped: {no_spark}")
    else:
        bench.ratio_target("scale_spark_overhead", sparks["to_counts"], sparks["bare"], 10.0)
        bench.info_line("scale_spark_driver_memory", f"driver JVM {spark['jvm_peak_bytes'] / GB:.2f} GB, driver Python "
                        f"{spark['peak_rss_bytes'] / GB:.2f} GB (peak RSS; Python workers not included)")
    bench.info_line("scale_seconds", f"{duck['to_counts']:.2f} s for {rows:,} rows with DuckDB (no goal); "
                    f"{project.seconds:.1f} s in a fresh process, imports included")
    bench.info_line("scale_pandas_estimate", f"the pandas path would need about {estimate / GB:.1f} GB "
              f"({per_row:.0f} bytes/row x {rows:,} rows + {bench.mib(data['rss_before'])} for the imports; estimated, not run)")


if __name__ == "__main__":
    bench.dispatch(main, child)
