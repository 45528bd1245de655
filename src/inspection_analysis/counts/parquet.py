"""Count a Parquet file or folder inside DuckDB (embedded, no server).

The rules of :data:`~inspection_analysis.schema.CASE_RULES` are judged by
:mod:`~inspection_analysis.counts.dataset_checks`; DuckDB answers its
questions in as few scans as possible, and only small results come back to
Python:

1. one scan gives the counts: a ``GROUP BY`` of the key columns (the
   ``by`` columns, ``round_id``, ``grade``, ``synthetic``, so every raw
   value of those columns to judge), which reads only those columns
   (dictionary-encoded, few distinct values);
2. the other checked columns (case type, criteria) are filters that select
   the values not already canonical. DuckDB evaluates them on each Parquet
   column chunk's dictionary, so they cost little when every value is
   canonical;
3. blank case ids are a filter (``case_id`` below ``'!'`` or from U+0085
   on, then trimmed), which DuckDB skips for the row groups whose
   statistics rule it out;
4. the duplicate check, once every other rule passes, is first one
   aggregate: ``count(*) - count(DISTINCT hash(round_id, case_id))``.
   Equal pairs have equal hashes, so 0 proves that no pair repeats; only
   otherwise (a repeat, or two pairs sharing a hash) does the exact
   ``GROUP BY round_id, case_id HAVING count(*) > 1`` run and decide. The
   distinct count of 64-bit hashes costs about a third of the exact
   ``GROUP BY`` of 20 million (round, text) pairs, and a quarter of its
   memory (``benchmarks/README.md``).

Case ids are compared as stored: trimming every id in SQL would cost more
than the rest of the check (the pandas path trims cells typed into
spreadsheets; an id that is only whitespace is empty on every path). Bad
rows are located (file, first and last row of each run) only when a rule
fails. Rows are numbered as in a spreadsheet: the Parquet row + 2.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from inspection_analysis.counts.dataset_checks import Run, as_text, check_dataset, rules_implemented
from inspection_analysis.errors import MAX_PROBLEMS_PER_RULE
from inspection_analysis.schema import WHITESPACE

__all__ = ["RULES", "MEMORY_LIMIT", "DuckDBDataset", "parquet_long_counts"]

_KINDS = frozenset({"column", "unknown", "empty", "scale", "duplicate"})
#: The rules this engine applies (every rule of :data:`~inspection_analysis.schema.CASE_RULES`).
RULES: tuple[str, ...] = rules_implemented(_KINDS)
#: DuckDB's memory limit for one count; beyond it, DuckDB spills to a temporary folder deleted afterwards.
MEMORY_LIMIT = "1GB"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _texts(values) -> str:
    return ", ".join(_literal(v) for v in values)


class DuckDBDataset:
    """A Parquet file or folder of Parquet files (searched recursively) as an engine of :mod:`~inspection_analysis.counts.dataset_checks`.

    Parameters
    ----------
    path : pathlib.Path
        A Parquet file, or a folder searched recursively for ``*.parquet``.
    """

    kinds = _KINDS

    def __init__(self, path: Path):
        import duckdb

        if not path.exists():
            raise ValueError(f"no Parquet file or folder at {str(path)!r}")
        self.pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        # a bounded memory: the duplicate check's aggregates over every (round, case id) pair spill to a private
        # temporary folder beyond it (the exact GROUP BY of 20 million pairs, when it runs, peaks at 2.6 GB unbounded)
        self.spill = tempfile.TemporaryDirectory(prefix="ia-duckdb-")
        self.con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": self.spill.name})
        source = f"read_parquet({_literal(self.pattern)}, union_by_name=true"
        self.con.execute(f"CREATE TEMP VIEW plain AS SELECT * FROM {source})")
        self.con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM {source}, filename=true, file_row_number=true)")
        described = self.con.execute("DESCRIBE plain").fetchall()
        self.columns = [r[0] for r in described]
        self.text = {r[0]: r[1] == "VARCHAR" for r in described}

    def _text(self, column: str) -> str:
        """The column as text in SQL (a cast only when it is not text already, so that filters stay pushed down)."""
        return _ident(column) if self.text[column] else f"CAST({_ident(column)} AS VARCHAR)"

    def file_columns(self):
        files = [r[0] for r in self.con.execute(f"SELECT file FROM glob({_literal(self.pattern)}) ORDER BY file").fetchall()]
        return [(f, [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM read_parquet({_literal(f)})").fetchall()])
                for f in files]

    def grouped(self, keys, canonical):
        cols = ", ".join(_ident(k) for k in keys)
        rows = self.con.execute(f"SELECT {cols}, count(*) FROM plain GROUP BY ALL").fetchall()
        return [(*map(as_text, r[:-1]), r[-1]) for r in rows]

    def off_list(self, canonical):
        if not canonical:
            return {}
        parts = [f"SELECT DISTINCT {_literal(c)}, {self._text(c)} FROM plain WHERE {self._text(c)} NOT IN ({_texts(v)})"
                 for c, v in canonical.items()]
        found = {c: [] for c in canonical}
        for column, value in self.con.execute(" UNION ALL ".join(parts)).fetchall():
            found[column].append(value)
        return found

    def blank_case_ids(self):
        # a blank text starts with whitespace, and every whitespace character is below '!' or from U+0085 on, so the
        # cheap comparisons (which row-group statistics can rule out) come before the trim
        cid = self._text("case_id")
        return [r[0] for r in self.con.execute(
            f"SELECT DISTINCT {cid} FROM plain WHERE {cid} IS NULL OR (({cid} < '!' OR {cid} >= "
            f"{_literal(chr(0x85))}) AND trim({cid}, {_literal(WHITESPACE)}) = '')").fetchall()]

    def _where(self, any_of) -> str:
        terms = []
        for conjunction in any_of:
            parts = []
            for column, values, missing in conjunction:
                alternatives = ([f"{self._text(column)} IN ({_texts(values)})"] if values else []) + (
                    [f"{_ident(column)} IS NULL"] if missing else [])
                parts.append("(" + " OR ".join(alternatives) + ")")
            terms.append("(" + " AND ".join(parts) + ")")
        return " OR ".join(terms)

    def locate(self, any_of, column):
        sql = f"""
            WITH bad AS (SELECT filename AS f, file_row_number AS r, coalesce({self._text(column)}, '') AS v
                         FROM src WHERE {self._where(any_of)}),
            islands AS (SELECT f, v, r - row_number() OVER (PARTITION BY f, v ORDER BY r) AS k, r FROM bad),
            runs AS (SELECT f, v, min(r) AS a, max(r) AS b FROM islands GROUP BY f, v, k),
            ranked AS (SELECT *, row_number() OVER (PARTITION BY f ORDER BY a) AS i, count(*) OVER (PARTITION BY f) AS n
                       FROM runs)
            SELECT f, a, b, v, n FROM ranked WHERE i <= {MAX_PROBLEMS_PER_RULE} ORDER BY f, a"""
        rows = self.con.execute(sql).fetchall()
        totals = {f: n for f, *_, n in rows}
        return ([Run(f, int(a), int(b), v) for f, a, b, v, _ in rows],
                sum(max(n - MAX_PROBLEMS_PER_RULE, 0) for n in totals.values()))

    def duplicates(self, round_map):
        rid, cid = self._text("round_id"), self._text("case_id")
        if round_map:  # raw round ids spelled differently: compare the canonical ids
            rid = ("CASE " + rid + " " + " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in round_map.items())
                   + f" ELSE {rid} END")
        # equal pairs hash alike: no fewer distinct hashes than rows proves there is no repeat (see the module's notes)
        if not self.con.execute(f"SELECT count(*) - count(DISTINCT hash({rid}, {cid})) FROM plain").fetchone()[0]:
            return [], 0
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE pairs AS SELECT {rid} AS rid, {cid} AS cid, count(*) AS n "
                         "FROM plain GROUP BY ALL HAVING count(*) > 1")
        total = self.con.execute("SELECT coalesce(sum(n), 0) FROM pairs").fetchone()[0]
        if not total:
            return [], 0
        rows = self.con.execute(f"""
            SELECT f, r, rid, cid FROM (SELECT filename AS f, file_row_number AS r, {rid} AS rid, {cid} AS cid FROM src)
            SEMI JOIN pairs USING (rid, cid) ORDER BY f, r LIMIT {MAX_PROBLEMS_PER_RULE}""").fetchall()
        return [(f, int(r), i, c) for f, r, i, c in rows], int(total)


def parquet_long_counts(path: Path, by: list[str], registry: pd.DataFrame) -> pd.DataFrame:
    """Check and count a Parquet file or folder in DuckDB: the (by, grade, synthetic, count) rows.

    Parameters
    ----------
    path : pathlib.Path
        A Parquet file, or a folder searched recursively for ``*.parquet``.
    by : list of str
        The grouping columns.
    registry : pandas.DataFrame
        The rounds registry ``round_id`` must be in (its ``scale`` column, if
        present, for the grade-scale rule).

    Returns
    -------
    pandas.DataFrame
        See :func:`~inspection_analysis.counts.dataset_checks.check_dataset`;
        :func:`~inspection_analysis.counts.table.counts_from_long` turns it
        into the counts table.

    Raises
    ------
    ValueError
        For a missing path or ``by`` column.
    inspection_analysis.errors.AuditDataError
        For rows failing a rule.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp) / "cases.parquet"
    ...     pd.DataFrame({"round_id": ["r1", "r1"], "case_id": ["a", "b"], "grade": ["good", " Inadequate"]}).to_parquet(file)
    ...     parquet_long_counts(file, ["round_id"], pd.DataFrame({"round_id": ["r1"]}))["count"].tolist()
    [1, 1]
    """
    dataset = DuckDBDataset(path)
    try:
        return check_dataset(dataset, by, registry)
    finally:
        dataset.con.close()
        dataset.spill.cleanup()
