"""Case-level rows or published figures -> the counts table (the sufficient statistics).

Every downstream statistic needs, per group, only ``n``, ``failures`` and the
per-grade counts. Case-level frames are counted with a pandas group-by;
Parquet files or folders are counted inside DuckDB (embedded, no server) or
on Spark, with the row checks run there first; published frames are read off,
never imputed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis.counts.parquet import parquet_long_counts
from inspection_analysis.grades import DEFAULT_FAILING, GRADE_COUNT_COLUMNS, GRADE_DTYPE, GRADES, failure_definition
from inspection_analysis.schema import COUNT_COLUMNS, COUNTS_TRAILING_COLUMNS, DATASET_ENGINES

__all__ = ["to_counts", "counts_from_long", "as_counts", "ENGINES"]

#: The engines that count a Parquet path (:data:`~inspection_analysis.schema.DATASET_ENGINES`).
ENGINES: tuple[str, ...] = DATASET_ENGINES

_GRADE_COLS = list(GRADE_COUNT_COLUMNS.values())


def to_counts(data, by: str | Iterable[str] = ("round_id",), failing=DEFAULT_FAILING, *,
              rounds: pd.DataFrame | None = None, engine: str | None = None, spark=None) -> pd.DataFrame:
    """Count case files per group: ``n``, ``failures`` and each grade.

    Parameters
    ----------
    data : pandas.DataFrame, pyspark.sql.DataFrame, str or path-like
        A case-level frame (from :func:`~inspection_analysis.io.load_cases`
        or :func:`~inspection_analysis.io.synthetic.make_synthetic_cases`), a
        published frame (from :func:`~inspection_analysis.io.load_published`),
        the path of a Parquet file or folder of Parquet files (counted in
        DuckDB unless ``engine`` says otherwise), or a Spark DataFrame
        (counted on Spark).
    by : str or iterable of str, default ("round_id",)
        The grouping columns.
    failing : str or iterable of str, default DEFAULT_FAILING
        The failure definition (see
        :func:`~inspection_analysis.grades.failure_definition`), e.g.
        ``INADEQUATE_ONLY`` or ``"inadequate"``.
    rounds : pandas.DataFrame, optional
        The rounds registry (``load_rounds()``), for ordering rounds in time
        and for checking a Parquet input's ``round_id`` (required for a
        Parquet input or a Spark DataFrame). Without it, rounds are sorted by
        their id, or by the categories of a categorical ``round_id`` (as
        ``load_cases`` gives).
    engine : {None, "duckdb", "spark"}, optional
        How a path is counted: ``"duckdb"`` (the default) inside DuckDB,
        ``"spark"`` on Spark by
        :func:`~inspection_analysis.counts.spark.spark_long_counts` (pyspark,
        the ``spark`` extra, is imported only then; a Spark DataFrame is
        always counted so). Both apply the rules of
        :data:`~inspection_analysis.schema.CASE_RULES`, as ``load_cases``
        does, and give the table the pandas path gives.
    spark : pyspark.sql.SparkSession, optional
        For ``engine="spark"`` with a path: the session to read it with (by
        default the active one, else a local one).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by the ``by`` columns (rounds in registry
        order), with columns: the ``by`` columns; ``n`` (case files);
        ``failures`` (case files with a failing grade, ``<NA>`` when the
        published figures do not allow it); ``n_good``, ``n_adequate``,
        ``n_requires_improvement``, ``n_inadequate`` (``<NA>`` when not
        published); ``failing`` (the definition, e.g.
        ``"requires improvement|inadequate"``); ``data_kind``
        (``published``, ``case-level`` or ``synthetic``); ``failures_source``
        (how ``failures`` was obtained: ``"counted"``, ``"derived: sum of
        published grade counts"``, ``"published n_failing"`` or ``"not
        computable"``; sources joined by ``"; "`` for a group adding up rows
        of different sources). Counts are ``Int64``.

    Raises
    ------
    ValueError
        For an empty ``by``, a ``by`` column not in the data, unknown or
        missing grades, or a group mixing synthetic and real rows; for an
        ``engine`` not in :data:`ENGINES`, or one given with a pandas frame.
    TypeError
        If ``data`` is neither a DataFrame nor a path.
    inspection_analysis.io.AuditDataError
        For a Parquet input or a Spark DataFrame failing a rule of
        :data:`~inspection_analysis.schema.CASE_RULES` (nothing is counted then).

    Notes
    -----
    Published figures: only rows with ``status == "primary"`` are counted
    (``variant`` and ``inconsistent`` rows are provenance only). Whole-round
    rows (empty ``case_type``) are used unless ``by`` includes
    ``case_type``, when only the subgroup rows are used. ``failures`` is the
    sum of the failing grade counts when all are published (arithmetic on
    published numbers, recorded as derived); otherwise the published
    ``n_failing`` when the definition is exactly requires improvement or
    inadequate; otherwise ``<NA>``. Nothing is imputed.

    Examples
    --------
    >>> from inspection_analysis.io import load_published, load_rounds
    >>> c = to_counts(load_published(), rounds=load_rounds()).set_index("round_id")
    >>> c.loc["mps-2016", ["n", "failures"]].tolist()
    [374, 278]
    >>> c.loc["mps-2017-q3", ["n_good", "n_requires_improvement", "n_inadequate", "failures"]].tolist()
    [10, 64, 61, 125]
    """
    by = _check_by(by)
    fails = failure_definition(failing)
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    spark_frame = type(data).__module__.startswith("pyspark.")
    if isinstance(data, str | os.PathLike) or spark_frame:
        if rounds is None:
            raise ValueError("counting a Parquet dataset or a Spark DataFrame needs the rounds registry: pass rounds=")
        if engine == "spark" or spark_frame:
            from inspection_analysis.counts.spark import spark_long_counts

            long = spark_long_counts(data, by, rounds, spark=spark)
        else:
            long = parquet_long_counts(Path(data), by, rounds)
        return counts_from_long(long, by, fails, order=_order(rounds))
    if engine is not None:
        raise ValueError(f"engine={engine!r} applies to a path; a pandas DataFrame is counted with pandas")
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame or the path of a Parquet file or folder, got {type(data).__name__}")
    if "n_cases" in data.columns and "status" in data.columns:
        return _finish(_published(data, by, fails), by, fails, _order(rounds))
    rid = data["round_id"] if "round_id" in data.columns else None
    if isinstance(getattr(rid, "dtype", None), pd.CategoricalDtype):
        order = list(rid.cat.categories)  # load_cases keeps the registry order here
    else:
        order = _order(rounds) if "round_id" in by else None
    return _finish(_case_wide(data, by, fails), by, fails, order)


def counts_from_long(long: pd.DataFrame, by: str | Iterable[str], failing=DEFAULT_FAILING, *,
                     order: list[str] | None = None) -> pd.DataFrame:
    """The counts table from rows already counted elsewhere: one per group, grade and synthetic flag.

    Parameters
    ----------
    long : pandas.DataFrame
        Columns ``by``, ``grade`` (canonical grades), ``synthetic`` (bool)
        and ``count``, as an engine that validated and grouped the rows
        returns them (DuckDB or Spark).
    by : str or iterable of str
        The grouping columns.
    failing : str or iterable of str, default DEFAULT_FAILING
        The failure definition.
    order : list of str, optional
        The registry's round ids, to put rounds in registry order.

    Returns
    -------
    pandas.DataFrame
        The counts table, as :func:`to_counts` returns it.

    Raises
    ------
    ValueError
        If a group mixes synthetic and real rows.

    Examples
    --------
    >>> long = pd.DataFrame({"round_id": ["r2", "r1", "r2"], "grade": ["good", "inadequate", "inadequate"],
    ...                      "synthetic": False, "count": [3, 1, 2]})
    >>> counts_from_long(long, "round_id", order=["r1", "r2"])[["round_id", "n", "failures"]].values.tolist()
    [['r1', 1, 1], ['r2', 5, 2]]
    """
    by, fails = _check_by(by), failure_definition(failing)
    flags = long.groupby(by, sort=False, dropna=False, observed=True)["synthetic"].agg(["all", "any"]).reset_index()
    wide = _wide_from_long(long[[*by, "grade", "count"]], _data_kinds(flags, by), by, fails)
    return _finish(wide, by, fails, order)


def _check_by(by) -> list[str]:
    cols = [by] if isinstance(by, str) else list(by)
    if not cols:
        raise ValueError("by must name at least one column, got an empty sequence")
    if len(set(cols)) != len(cols):
        raise ValueError(f"by names a column twice: {cols}")
    return cols


def _need(frame: pd.DataFrame, cols) -> None:
    absent = [c for c in cols if c not in frame.columns]
    if absent:
        raise ValueError(f"column(s) {absent} not in the data; columns are: {', '.join(map(str, frame.columns))}")


def _case_wide(data: pd.DataFrame, by: list[str], fails):
    """One row per group of a case-level frame with every grade count, ``n``, ``failures`` and ``data_kind``."""
    _need(data, [*by, "grade"])
    grade = data["grade"]
    if grade.dtype != GRADE_DTYPE:
        unknown = ~grade.isin(GRADES) & grade.notna()
        if unknown.any():
            raise ValueError(f"unknown grade {grade[unknown].iloc[0]!r}; known grades: {', '.join(GRADES)}")
        grade = grade.astype(GRADE_DTYPE)
    if grade.isna().any():
        raise ValueError(f"grade is missing in {int(grade.isna().sum())} row(s); every case file needs a grade")
    keys = [data[c] for c in by]
    synthetic = data["synthetic"].astype(bool) if "synthetic" in data.columns else pd.Series(False, index=data.index)
    # one pass over the rows: the count and the synthetic flags per (group, grade); the flags per group from those
    long = (synthetic.rename("synthetic").groupby([*keys, grade.rename("grade")], observed=True, sort=False, dropna=False)
            .agg(["size", "all", "any"]).reset_index())
    flags = long.groupby(by, observed=True, sort=False, dropna=False).agg({"all": "all", "any": "any"}).reset_index()
    return _wide_from_long(long.drop(columns=["all", "any"]).rename(columns={"size": "count"}), _data_kinds(flags, by),
                           by, fails)


def _data_kinds(flags: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``data_kind`` per group from whether ``all`` or ``any`` of its rows are synthetic."""
    return flags[by].assign(data_kind=_kinds(flags["all"].to_numpy(), flags["any"].to_numpy()))


def _kinds(all_synthetic: np.ndarray, any_synthetic: np.ndarray) -> np.ndarray:
    """``"synthetic"`` or ``"case-level"`` per group; a group mixing synthetic and real rows is an error."""
    if (any_synthetic & ~all_synthetic).any():
        raise ValueError("a group mixes synthetic and real case files; count them separately")
    return np.where(all_synthetic, "synthetic", "case-level").astype(object)


def _wide_from_long(long: pd.DataFrame, kinds: pd.DataFrame, by: list[str], fails):
    """(by, grade, count) rows -> one row per group with every grade count, n and failures."""
    long = long.astype({"grade": str})
    wide = long.groupby([*by, "grade"], sort=False, dropna=False, observed=True)["count"].sum().unstack("grade", fill_value=0)
    wide = wide.reindex(columns=list(GRADES), fill_value=0).rename(columns=GRADE_COUNT_COLUMNS)
    wide.columns.name = None
    wide = wide.reset_index()
    wide["n"] = wide[_GRADE_COLS].sum(axis=1)
    wide["failures"] = wide[[GRADE_COUNT_COLUMNS[g] for g in fails]].sum(axis=1)
    for c in by:  # align key dtypes (categoricals, strings) before merging
        wide[c], kinds[c] = wide[c].astype(object), kinds[c].astype(object)
    return wide.merge(kinds, on=by, how="left")


def _published(data: pd.DataFrame, by: list[str], fails):
    _need(data, [*by, "case_type", "n_cases", "n_failing", *_GRADE_COLS])
    rows = data[(data["status"] == "primary") & ((data["case_type"] != "") == ("case_type" in by))].copy()
    fail_cols = [GRADE_COUNT_COLUMNS[g] for g in fails]
    present = rows[fail_cols].notna().all(axis=1)
    summed = rows[fail_cols].sum(axis=1, min_count=1).where(present)
    use_nf = ~present & rows["n_failing"].notna() & (tuple(fails) == DEFAULT_FAILING)
    rows["failures"] = summed.mask(use_nf, rows["n_failing"]).astype("Int64")
    rows["_source"] = np.select([present, use_nf], ["derived: sum of published grade counts", "published n_failing"],
                                "not computable")
    rows["n"] = rows["n_cases"]
    keep = ["n", "failures", *_GRADE_COLS]
    grouped = rows.groupby(by, sort=False, dropna=False)
    wide = grouped[keep].agg(lambda s: s.sum() if s.notna().all() else pd.NA).reset_index()
    source = grouped["_source"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else "; ".join(sorted(set(s))))
    wide["data_kind"] = "published"
    wide["failures_source"] = source.to_numpy()
    return wide


def _order(registry: pd.DataFrame | None) -> list[str] | None:
    return None if registry is None else registry["round_id"].tolist()


def _rank(values: pd.Series, order: list[str] | None) -> np.ndarray:
    """Sort rank of each value: its place in ``order`` when every value is listed there, else by its text; missing last.

    A categorical is ranked through its categories (as text), so only they
    are sorted, not every value.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories.astype("str")
        ranks = np.argsort(np.argsort(np.asarray(uniques, dtype=object), kind="stable"))
    else:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        ranks = np.arange(len(uniques))
    if order is not None:
        place = pd.Index(order).get_indexer(uniques)
        if (place >= 0).all():
            ranks = place
    return np.append(ranks, np.iinfo(np.int64).max)[codes]  # code -1 (missing): the last entry


def _key_column(values: pd.Series, rows: np.ndarray):
    """A key column's values at ``rows``, as text (missing stays missing) unless numeric."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # the categories converted once, then taken
        return pd.array(values.cat.categories.astype("str")).take(values.cat.codes.to_numpy()[rows], allow_fill=True)
    if pd.api.types.is_numeric_dtype(values):
        return values.array.take(rows)
    return values.astype("str").where(values.notna()).array.take(rows)


def _finish(wide: pd.DataFrame, by: list[str], fails, order: list[str] | None) -> pd.DataFrame:
    """The counts table: contract columns and dtypes, rounds in registry order; counted groups' source "counted"."""
    rows = np.lexsort([_rank(wide[c], order if c == "round_id" else None) for c in reversed(by)])
    columns = {c: _key_column(wide[c], rows) for c in by}
    for c in COUNT_COLUMNS:
        values = wide[c]
        columns[c] = (pd.array(values.to_numpy()[rows], dtype="Int64") if values.dtype.kind == "i"
                      else values.astype("Int64").array.take(rows))
    source = wide["failures_source"].to_numpy(dtype=object) if "failures_source" in wide.columns else "counted"
    trailing = {"failing": "|".join(fails), "data_kind": wide["data_kind"].to_numpy(dtype=object), "failures_source": source}
    for c in COUNTS_TRAILING_COLUMNS:
        text = trailing[c]
        columns[c] = pd.array(text[rows] if isinstance(text, np.ndarray) else np.full(len(rows), text, dtype=object),
                              dtype="str")
    return pd.DataFrame(columns, copy=False)


def as_counts(data: pd.DataFrame, *, failing=DEFAULT_FAILING, rounds: pd.DataFrame | None = None) -> pd.DataFrame:
    """A counts table as it is, or the counts of published or case-level rows.

    Parameters
    ----------
    data : pandas.DataFrame
        A counts table (it has ``n`` and ``failures``), or rows that
        :func:`to_counts` counts.
    failing : str or iterable of str, optional
        The failure definition used when ``data`` must be counted.
    rounds : pandas.DataFrame, optional
        The rounds registry, to order the rounds when ``data`` must be counted.

    Returns
    -------
    pandas.DataFrame
        A counts table.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"round_id": ["a"], "n": [10], "failures": [3]})
    >>> as_counts(table) is table
    True
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if {"n", "failures"} <= set(data.columns):
        return data
    return to_counts(data, failing=failing, rounds=rounds)
