"""Count a Parquet file or folder inside DuckDB (embedded, no server).

The rules of :data:`~inspection_analysis.schema.CASE_RULES` are judged by
:mod:`~inspection_analysis.counts.dataset_checks`; DuckDB answers its
questions in as few scans as possible, and only small results come back to
Python:

1. one scan with two grouping sets gives, at once, the counts (a
   ``GROUP BY`` of the key columns: the ``by`` columns, ``round_id``,
   ``grade``, ``synthetic``, so every raw value of those columns to judge)
   and the duplicate check (a ``GROUP BY round_id, case_id ... HAVING
   count(*) > 1``, which also keeps the blank case ids). The repeated pairs
   stay in DuckDB (a temporary table, however many they are); only the key
   groups and the blank ids come back;
2. the other checked columns (case type, criteria) are filters that select
   the values not already canonical. DuckDB evaluates them on each Parquet
   column chunk's dictionary, so they cost little when every value is
   canonical.

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
        # a bounded memory: the duplicate check's hash aggregate of every (round, case id) pair spills to a private
        # temporary folder beyond it (on 20 million rows: 1.1 GB instead of 2.6 GB, for about a third more time)
        self.spill = tempfile.TemporaryDirectory(prefix="ia-duckdb-")
        self.con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": self.spill.name})
        source = f"read_parquet({_literal(self.pattern)}, union_by_name=true"
        self.con.execute(f"CREATE TEMP VIEW plain AS SELECT * FROM {source})")
        self.con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM {source}, filename=true, file_row_number=true)")
        described = self.con.execute("DESCRIBE plain").fetchall()
        self.columns = [r[0] for r in described]
        self.text = {r[0]: r[1] == "VARCHAR" for r in described}
        self._blank: list = []

    def _text(self, column: str) -> str:
        """The column as text in SQL (a cast only when it is not text already, so that filters stay pushed down)."""
        return _ident(column) if self.text[column] else f"CAST({_ident(column)} AS VARCHAR)"

    def file_columns(self):
        files = [r[0] for r in self.con.execute(f"SELECT file FROM glob({_literal(self.pattern)}) ORDER BY file").fetchall()]
        return [(f, [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM read_parquet({_literal(f)})").fetchall()])
                for f in files]

    def grouped(self, keys, canonical):
        # one scan, two grouping sets: the key groups, and the (round, case id) pairs that repeat or are blank, kept
        # in DuckDB (a temporary table: they may be many); a blank text starts with whitespace, and every whitespace
        # character is below '!' or from U+0085 on, so the cheap comparisons come before the trim
        cid, rid = _ident("_ia_case_id"), _ident("round_id")
        blank = (f"{cid} IS NULL OR (({cid} < '!' OR {cid} >= {_literal(chr(0x85))}) "
                 f"AND trim({cid}, {_literal(WHITESPACE)}) = '')")
        cols = ", ".join(_ident(k) for k in keys)
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE grouped AS
            SELECT {cols}, {cid}, count(*) AS n, grouping({cid}) AS key_row
            FROM (SELECT *, {self._text("case_id")} AS {cid} FROM plain)
            GROUP BY GROUPING SETS (({cols}), ({rid}, {cid}))
            HAVING grouping({cid}) = 1 OR count(*) > 1 OR {blank}""")
        self._blank = [r[0] for r in self.con.execute(
            f"SELECT DISTINCT {cid} FROM grouped WHERE key_row = 0 AND ({blank})").fetchall()]
        rows = self.con.execute(f"SELECT {cols}, n FROM grouped WHERE key_row = 1").fetchall()
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
        return self._blank

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
        if round_map:  # raw round ids spelled differently: compare the canonical ids (a plain GROUP BY ... HAVING)
            rid = ("CASE " + rid + " " + " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in round_map.items())
                   + f" ELSE {rid} END")
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE pairs AS SELECT {rid} AS rid, {cid} AS cid, count(*) AS n "
                             "FROM plain GROUP BY ALL HAVING count(*) > 1")
        else:  # the repeated pairs the first scan kept
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE pairs AS SELECT {_ident('round_id')} AS rid, "
                             f"{_ident('_ia_case_id')} AS cid, n FROM grouped WHERE key_row = 0 AND n > 1")
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
