"""Count case files on Apache Spark: the rules and the group-by run in the cluster, only the counts come back.

The rules of :data:`~inspection_analysis.schema.CASE_RULES` are judged by
:mod:`~inspection_analysis.counts.dataset_checks`, as on the DuckDB path; Spark
answers its questions with jobs whose results are small:

1. one ``groupBy`` of the key columns (the ``by`` columns, ``round_id``,
   ``grade``, ``synthetic``) gives the counts and every raw value of those
   columns to judge;
2. the same scan counts the rows of the other checked columns (case type,
   criteria) whose values are not already canonical; only if there are any
   does a job fetch those values. Blank case ids are found by a filter the
   Parquet reader applies to each row group's statistics first, so it reads
   almost nothing when no id can be blank;
3. the duplicate check is a ``groupBy`` of (round, ``case_id``) kept where
   the count is above 1 (Spark's own hash aggregate, no hand-made hashing);
   one job counts the repeated pairs, and only when there are any are their
   rows looked up (a semi join) and the first ones collected.

Bad rows are located only when a rule fails: at most
``MAX_PROBLEMS_PER_RULE`` runs of rows per file and rule are collected, each
named by its file (``_metadata.file_path``) and row within the file
(``_metadata.row_index``, shown as a spreadsheet row: + 2). A DataFrame not
read from files has no rows to name: its problems give the value only.

pyspark (the ``spark`` extra) is imported only inside these functions, so
the package imports and runs without it.
"""

from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager

import pandas as pd

from inspection_analysis.counts.dataset_checks import Run, as_text, check_dataset, rules_implemented
from inspection_analysis.errors import MAX_PROBLEMS_PER_RULE
from inspection_analysis.schema import WHITESPACE

__all__ = ["RULES", "SparkDataset", "spark_long_counts", "local_spark_session"]

_KINDS = frozenset({"column", "unknown", "empty", "scale", "duplicate"})
#: The rules this engine applies (every rule of :data:`~inspection_analysis.schema.CASE_RULES`).
RULES: tuple[str, ...] = rules_implemented(_KINDS)

_FILE, _ROW = "_ia_file", "_ia_row"


@contextmanager
def _quiet():
    """Silence pyspark's warning about pandas 3 (the counts are built by this package, not by pyspark's pandas code)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        yield


def local_spark_session(partitions: int = 4, *, master: str = "local[2]"):
    """A local SparkSession for tests, benchmarks and one machine: no web UI, no network, few shuffle partitions.

    Parameters
    ----------
    partitions : int, default 4
        ``spark.sql.shuffle.partitions`` (Spark's default of 200 suits a cluster, not one machine).
    master : str, default "local[2]"
        The Spark master.

    Returns
    -------
    pyspark.sql.SparkSession
        The session (the active one if already created; its settings then stay).

    Notes
    -----
    The driver binds to 127.0.0.1, the UI and the progress bar are off, and
    Python workers run this interpreter (``PYSPARK_PYTHON``, unless already
    set), so that they find numpy and pyarrow; ``SPARK_LOCAL_IP`` is
    127.0.0.1 unless set.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with _quiet():
        spark = (SparkSession.builder.master(master).appName("inspection-analysis")
                 .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                 .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                 .config("spark.sql.shuffle.partitions", str(partitions)).config("spark.sql.session.timeZone", "UTC")
                 .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkDataset:
    """A Spark DataFrame (with its file and row, when read from files) as an engine of :mod:`~inspection_analysis.counts.dataset_checks`.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        The case-level rows.
    label : str
        The name problems give when the rows were not read from files.
    """

    kinds = _KINDS

    def __init__(self, frame, label: str):
        from pyspark.errors import AnalysisException
        from pyspark.sql import functions as F

        self.frame, self.label, self.F = frame, label, F
        self.columns = list(frame.columns)
        self.text = {f.name: f.dataType.typeName() == "string" for f in frame.schema.fields}
        try:
            self.located = frame.select("*", F.col("_metadata.file_path").alias(_FILE),
                                        F.col("_metadata.row_index").alias(_ROW))
            self.located.schema  # noqa: B018 - resolving the plan raises here if the rows have no file metadata
        except AnalysisException:
            self.located = frame.select("*", F.lit(label).alias(_FILE), F.lit(None).cast("long").alias(_ROW))

    def _text(self, column: str):
        col = self.F.col(column)
        return col if self.text[column] else col.cast("string")

    def file_columns(self):
        files = sorted(self.frame.inputFiles())
        session = self.frame.sparkSession
        return [(f, session.read.parquet(f).columns) for f in files] or [(self.label, self.columns)]

    def grouped(self, keys, canonical):
        F = self.F
        # the not-yet-canonical rows of the other checked columns are counted in the same scan (Parquet cannot skip
        # row groups for a NOT IN filter): only columns with such rows are looked at again, by off_list
        off = [F.sum(F.when(~self._text(c).isin(list(v)), 1)).alias(f"_off{i}") for i, (c, v) in enumerate(canonical.items())]
        rows = self.frame.groupBy(*keys).agg(F.count(F.lit(1)).alias("_n"), *off).collect()
        self._off = {c: sum(r[f"_off{i}"] or 0 for r in rows) for i, c in enumerate(canonical)}
        return [(*map(as_text, row[: len(keys)]), row["_n"]) for row in rows]

    def off_list(self, canonical):
        F = self.F
        cid = self._text("case_id")
        # a blank text starts with whitespace, and every whitespace character is below '!' or from U+0085 on: these
        # two comparisons let the reader skip row groups by their statistics before any text is trimmed
        # (the second test has no term in common with the first, or Spark would factor it out and push nothing down)
        maybe = F.col("case_id").isNull() | (cid < "!") | (cid >= chr(0x85))
        blank = maybe & (F.coalesce(F.btrim(cid, F.lit(WHITESPACE)), F.lit("")) == "")
        parts = [self.frame.where(~self._text(c).isin(list(v))).select(F.lit(c).alias("c"), self._text(c).alias("v"))
                 for c, v in canonical.items() if self._off.get(c)]
        union = self.frame.where(blank).select(F.lit("case_id").alias("c"), cid.alias("v"))
        for part in parts:
            union = union.unionAll(part)
        found = {c: [] for c in canonical}
        for column, value in union.distinct().collect():
            found.setdefault(column, []).append(value)
        self._blank = found.pop("case_id", [])
        return found

    def blank_case_ids(self):
        return self._blank

    def _where(self, any_of):
        condition = None
        for conjunction in any_of:
            term = None
            for column, values, missing in conjunction:
                part = self._text(column).isin(list(values)) if values else None
                if missing:
                    part = self.F.col(column).isNull() if part is None else part | self.F.col(column).isNull()
                term = part if term is None else term & part
            condition = term if condition is None else condition | term
        return condition

    def locate(self, any_of, column):
        from pyspark.sql import Window

        F = self.F
        bad = self.located.where(self._where(any_of)).select(
            F.col(_FILE).alias("f"), F.col(_ROW).alias("r"), F.coalesce(self._text(column), F.lit("")).alias("v"))
        island = F.col("r") - F.row_number().over(Window.partitionBy("f", "v").orderBy("r"))
        runs = bad.withColumn("k", island).groupBy("f", "v", "k").agg(F.min("r").alias("a"), F.max("r").alias("b"))
        per_file = Window.partitionBy("f")
        ranked = runs.withColumn("i", F.row_number().over(per_file.orderBy("a", "v"))).withColumn(
            "n", F.count(F.lit(1)).over(per_file))
        rows = ranked.where(F.col("i") <= MAX_PROBLEMS_PER_RULE).select("f", "a", "b", "v", "n").collect()
        rows.sort(key=lambda r: (r["f"], -1 if r["a"] is None else r["a"], r["v"]))
        totals = {r["f"]: r["n"] for r in rows}
        return ([Run(r["f"], r["a"], r["b"], r["v"]) for r in rows],
                sum(max(n - MAX_PROBLEMS_PER_RULE, 0) for n in totals.values()))

    def _round(self, round_map):
        rid = self._text("round_id")
        if not round_map:
            return rid
        return self.F.coalesce(self.F.create_map(*[self.F.lit(x) for kv in round_map.items() for x in kv])[rid], rid)

    def duplicates(self, round_map):
        F = self.F
        rid, cid = self._round(round_map), self._text("case_id")
        # equal pairs hash alike, so no repeated 64-bit hash proves there is no repeated pair; grouping by the hash
        # shuffles one number per row instead of two texts (20 million rows: about 20 s instead of 27 s in local[2])
        hashed = self.frame.groupBy(F.xxhash64(rid, cid)).agg(F.count(F.lit(1)).alias("k")).where("k > 1")
        if hashed.isEmpty():
            return [], 0
        pairs = self.frame.groupBy(rid.alias("rid"), cid.alias("cid")).agg(F.count(F.lit(1)).alias("k")).where("k > 1")
        found = pairs.agg(F.count(F.lit(1)).alias("pairs"), F.sum("k").alias("rows")).first()  # one job
        if not found["pairs"]:
            return [], 0
        rows = (self.located.select(F.col(_FILE).alias("f"), F.col(_ROW).alias("r"), rid.alias("rid"), cid.alias("cid"))
                .join(pairs.select("rid", "cid"), ["rid", "cid"], "left_semi")
                .orderBy("f", "r", "rid", "cid").limit(MAX_PROBLEMS_PER_RULE).collect())
        return [(r["f"], r["r"], r["rid"], r["cid"]) for r in rows], found["rows"]


def spark_long_counts(spark_df_or_path, by: list[str], registry: pd.DataFrame, *, spark=None) -> pd.DataFrame:
    """Check and count on Spark: the (by, grade, synthetic, count) rows for :func:`~inspection_analysis.counts.table.counts_from_long`.

    Parameters
    ----------
    spark_df_or_path : pyspark.sql.DataFrame or str or path-like
        The case-level rows: a Spark DataFrame, the path or URI of a Parquet
        file or folder (``s3://...``, ``abfss://...``, a local folder), or
        the name of a table in the session's catalog.
    by : list of str
        The grouping columns.
    registry : pandas.DataFrame
        The rounds registry.
    spark : pyspark.sql.SparkSession, optional
        For a path or table name: the session to read it with; by default
        the active session, else the one ``spark-submit`` or
        ``PYSPARK_SUBMIT_ARGS`` configures (its master, e.g. ``yarn``), else
        :func:`local_spark_session`.

    Returns
    -------
    pandas.DataFrame
        See :func:`~inspection_analysis.counts.dataset_checks.check_dataset`.

    Raises
    ------
    ValueError
        For a ``by`` column not in the data, or a path that does not exist.
    inspection_analysis.errors.AuditDataError
        For rows failing a rule of
        :data:`~inspection_analysis.schema.CASE_RULES` (nothing is counted then).

    Notes
    -----
    Only the grouped counts (one row per group, grade and synthetic flag),
    the few values that are not canonical, and at most
    ``MAX_PROBLEMS_PER_RULE`` bad rows per rule and file are collected to
    the driver's Python; case-level rows stay in Spark.

    Examples
    --------
    >>> spark = local_spark_session()  # doctest: +SKIP
    >>> frame = spark.createDataFrame([("r1", "a", "good")], "round_id string, case_id string, grade string")  # doctest: +SKIP
    >>> spark_long_counts(frame, ["round_id"], pd.DataFrame({"round_id": ["r1"]}))["count"].tolist()  # doctest: +SKIP
    [1]
    """
    with _quiet():
        return _long_counts(spark_df_or_path, by, registry, spark)


def _long_counts(spark_df_or_path, by, registry, spark):
    if hasattr(spark_df_or_path, "sparkSession"):
        frame, label = spark_df_or_path, "Spark DataFrame"
    else:
        from pyspark.sql import SparkSession

        # under spark-submit or the pyspark shell, or with a master in PYSPARK_SUBMIT_ARGS, the session is the one
        # configured there (a cluster's master, e.g. yarn); otherwise a local session
        submitted = "PYSPARK_GATEWAY_PORT" in os.environ or "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", "")
        session = spark or SparkSession.getActiveSession() or (
            SparkSession.builder.appName("inspection-analysis").getOrCreate() if submitted else local_spark_session())
        source = os.fspath(spark_df_or_path)
        label = source.rstrip("/").rsplit("/", 1)[-1]
        if "/" in source or os.path.exists(source):
            if "://" not in source and not os.path.exists(source):
                raise ValueError(f"no Parquet file or folder at {source!r}")
            frame = session.read.option("mergeSchema", "true").parquet(source)  # columns of every file, as DuckDB
        else:
            frame = session.table(source)
    return check_dataset(SparkDataset(frame, label), list(by), registry)
