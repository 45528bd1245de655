"""Count a Parquet file or folder inside DuckDB (embedded, no server).

The row checks of :func:`~inspection_analysis.io.load_cases` that matter for
counting are pushed into SQL (unknown or missing grade, round not in the
registry, duplicate ``case_id`` within a round), and so is the group-by; only
the small table of (group, grade, count) comes back to pandas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis.errors import FIRST_DATA_ROW, MAX_PROBLEMS_PER_RULE, AuditDataError, Problem
from inspection_analysis.grades import GRADES

__all__ = ["parquet_long_counts"]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _duplicate_case_ids(con) -> list[tuple]:
    """``(round_id, case_id, count)`` of the first duplicated case ids of the view ``src``, in order.

    Grouping 20 million ``(round_id, case_id)`` strings needs a hash table
    of the strings (2.6 GB). So the rows are first grouped by a 64-bit hash of
    the pair, which needs only the hashes (about 1 GB); a hash seen more than
    once marks a duplicate or a collision of different pairs. Only the rows
    with such a hash are then grouped by the strings themselves, so a
    collision can neither report nor hide a duplicate.
    """
    pair = "CAST(round_id AS VARCHAR), CAST(case_id AS VARCHAR)"
    return con.execute(
        f"WITH repeated AS (SELECT hash({pair}) AS h FROM src GROUP BY h HAVING count(*) > 1) "
        f"SELECT {pair}, count(*) FROM src WHERE hash({pair}) IN (SELECT h FROM repeated) "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY 1, 2 LIMIT {MAX_PROBLEMS_PER_RULE}"
    ).fetchall()


def parquet_long_counts(path: Path, by: list[str], round_ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (by, grade, count) rows and the data kind per group for a Parquet file or folder.

    Raises :class:`AuditDataError` for failed row checks (``round_id`` must be
    one of ``round_ids``) and ``ValueError`` for a missing path or column. Spreadsheet-style row numbers are the Parquet
    row number + 2, as for every other input.
    """
    import duckdb

    if not path.exists():
        raise ValueError(f"no Parquet file or folder at {str(path)!r}")
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    con = duckdb.connect()
    con.execute("CREATE TEMP VIEW src AS SELECT * FROM read_parquet("
                f"{_literal(pattern)}, filename=true, file_row_number=true, union_by_name=true)")
    columns = [r[0] for r in con.execute("DESCRIBE src").fetchall()]
    absent = [c for c in [*by, "grade"] if c not in columns]
    if absent:
        raise ValueError(f"column(s) {absent} not in the data; columns are: {', '.join(columns)}")
    grade = "lower(trim(CAST(grade AS VARCHAR)))"
    grade_list = ", ".join(_literal(g) for g in GRADES)
    checks = [(f"grade IS NULL OR {grade} NOT IN ({grade_list})", "grade", "grade",
               "one of: " + ", ".join(GRADES))]
    if "round_id" in columns:
        rounds = ", ".join(_literal(r) for r in round_ids)
        checks.append((f"CAST(round_id AS VARCHAR) NOT IN ({rounds}) OR round_id IS NULL", "round_id", "round_id",
                       "a round_id registered in data/rounds.csv"))
    problems, omitted = [], 0
    for where, column, value, expected in checks:
        total = con.execute(f"SELECT count(*) FROM src WHERE {where}").fetchone()[0]
        rows = con.execute(f"SELECT filename, file_row_number, CAST({_ident(value)} AS VARCHAR) FROM src WHERE {where} "
                           f"ORDER BY filename, file_row_number LIMIT {MAX_PROBLEMS_PER_RULE}").fetchall()
        problems += [Problem(Path(f).name, int(r) + FIRST_DATA_ROW, column, "" if v is None else v, expected) for f, r, v in rows]
        omitted += total - len(rows)
    if "round_id" in columns and "case_id" in columns:
        problems += [Problem(path.name, None, "case_id", c, f"a case_id unique within round {r} (it appears {k} times)")
                     for r, c, k in _duplicate_case_ids(con)]
    if problems:
        raise AuditDataError(problems, omitted)
    keys = ", ".join(_ident(c) for c in by)
    synthetic = "coalesce(bool_and(CAST(synthetic AS BOOLEAN)), false), coalesce(bool_or(CAST(synthetic AS BOOLEAN)), false)" \
        if "synthetic" in columns else "false, false"
    long = con.execute(f"SELECT {keys}, {grade} AS grade, count(*) AS count FROM src GROUP BY ALL").df()
    flags = con.execute(f"SELECT {keys}, {synthetic} FROM src GROUP BY ALL").df()
    con.close()
    flags.columns = [*by, "all", "any"]
    if (flags["any"] & ~flags["all"]).any():
        raise ValueError("a group mixes synthetic and real case files; count them separately")
    kinds = flags[by].assign(data_kind=np.where(flags["all"], "synthetic", "case-level"))
    long["count"] = long["count"].astype("int64")
    return long, kinds
