"""Count a Parquet file or folder inside DuckDB (embedded, no server).

The rules of :data:`~inspection_analysis.schema.CASE_RULES` are judged by
:mod:`~inspection_analysis.dataset_checks`; DuckDB answers its questions in
as few scans as possible, and only small results come back to Python:

1. one ``GROUP BY`` of the key columns (the ``by`` columns, ``round_id``,
   ``grade``, ``synthetic``) gives the counts and, at once, every raw value
   of those columns to judge;
2. the other checked columns (case type, criteria) and blank case ids are
   filters that select the rows not already canonical. DuckDB evaluates
   them on each Parquet column chunk's dictionary and statistics, so they
   read almost nothing when every value is canonical;
3. the duplicate check hashes every (round, ``case_id``) pair in one
   scan and finds repeated hashes in numpy (a sort of 32 bits of each,
   then the full 64 bits of the few candidates); only when a hash repeats
   are those rows compared exactly, in SQL, so a collision can neither
   report nor hide a duplicate. Case ids are compared as stored: trimming
   every id in SQL would cost more than the rest of the check (the pandas
   path trims cells typed into spreadsheets; an id that is only whitespace
   is empty on every path).

Bad rows are located (file, first and last row of each run) only when a
rule fails. Rows are numbered as in a spreadsheet: the Parquet row + 2.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis.dataset_checks import Run, as_text, check_dataset, rules_implemented
from inspection_analysis.problems import MAX_PROBLEMS_PER_RULE
from inspection_analysis.schema import WHITESPACE

__all__ = ["RULES", "DuckDBDataset", "parquet_long_counts"]

_KINDS = frozenset({"column", "unknown", "empty", "scale", "duplicate"})
#: The rules this engine applies (every rule of :data:`~inspection_analysis.schema.CASE_RULES`).
RULES: tuple[str, ...] = rules_implemented(_KINDS)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _texts(values) -> str:
    return ", ".join(_literal(v) for v in values)


def _repeated_hashes(chunks: list[np.ndarray]) -> np.ndarray:
    """The 64-bit hashes occurring more than once in ``chunks`` (``uint64`` arrays), in ascending order.

    Sorting 32 bits of each hash is several times faster than sorting all 64.
    The 32-bit values that repeat (by chance, tens of thousands among 20
    million) mark a table of flags by their low bits (2**16 to 2**20, small
    enough to stay in the processor's cache), so one look-up per hash, chunk
    by chunk (temporary arrays stay small), finds the few hashes to compare
    whole.
    """
    low = np.concatenate([np.zeros(0, np.uint32), *(c.view(np.uint32)[::2] for c in chunks)])
    low.sort()
    repeated = np.unique(low[1:][low[1:] == low[:-1]])
    del low
    if not repeated.size:
        return np.zeros(0, np.uint64)
    bits = min(20, max(16, int(repeated.size).bit_length() + 4))
    mask = np.uint32((1 << bits) - 1)
    flags = np.zeros(1 << bits, dtype=bool)
    flags[repeated & mask] = True
    low, full = [np.zeros(0, np.uint32)], [np.zeros(0, np.uint64)]
    for chunk in chunks:
        part = chunk.view(np.uint32)[::2]
        hit = np.flatnonzero(flags[part & mask])
        low.append(part[hit])
        full.append(chunk[hit])
    full = np.concatenate(full)
    values, counts = np.unique(full[np.isin(np.concatenate(low), repeated)], return_counts=True)
    return values[counts > 1]


class DuckDBDataset:
    """A Parquet file or folder of Parquet files (searched recursively) as an engine of :mod:`~inspection_analysis.dataset_checks`."""

    kinds = _KINDS

    def __init__(self, path: Path):
        import duckdb

        if not path.exists():
            raise ValueError(f"no Parquet file or folder at {str(path)!r}")
        self.pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        self.con = duckdb.connect()
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
        return [(*map(as_text, row[:-1]), row[-1]) for row in rows]

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
        cid = self._text("case_id")
        # a blank text starts with whitespace, and every whitespace character is below '!' or from U+0085 on: the
        # first two comparisons prune row groups by their statistics before any text is trimmed
        maybe = f"{cid} < '!' OR {cid} >= {_literal(chr(0x85))}" if self.text["case_id"] else "false"
        sql = (f"SELECT DISTINCT {cid} FROM plain WHERE ({_ident('case_id')} IS NULL OR {maybe}) "
               f"AND coalesce(trim({cid}, {_literal(WHITESPACE)}), '') = ''")
        return [r[0] for r in self.con.execute(sql).fetchall()]

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
        rid = self._text("round_id")
        if round_map:
            rid = "CASE " + rid + " " + " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in round_map.items()) \
                + f" ELSE {rid} END"
        cid = self._text("case_id")
        pair = f"hash({rid}, {cid})"
        chunks = [c.to_numpy() for c in self.con.sql(f"SELECT {pair} FROM plain").to_arrow_table().column(0).chunks]
        repeated = _repeated_hashes(chunks)
        if not repeated.size:
            return [], 0
        self.con.register("repeated_hashes", pd.DataFrame({"h": repeated}))
        rows = self.con.execute(f"""
            WITH c AS (SELECT filename AS f, file_row_number AS r, {rid} AS rid, {cid} AS cid FROM src WHERE {pair} IN (SELECT h FROM repeated_hashes)),
            d AS (SELECT *, count(*) OVER (PARTITION BY rid, cid) AS k FROM c)
            SELECT f, r, rid, cid, count(*) OVER () FROM d WHERE k > 1 ORDER BY f, r LIMIT {MAX_PROBLEMS_PER_RULE}
            """).fetchall()
        return [(f, int(r), i, c) for f, r, i, c, _ in rows], (rows[0][-1] if rows else 0)


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
        See :func:`~inspection_analysis.dataset_checks.check_dataset`; turn
        it into the counts table with
        :func:`~inspection_analysis.counts.counts_from_long`.

    Raises
    ------
    ValueError
        For a missing path or ``by`` column.
    inspection_analysis.problems.AuditDataError
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
