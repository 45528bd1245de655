"""The duplicate case_id check (io/duplicate_ids.py) against hand-made cases and pandas' ``duplicated`` on plain objects.

The cases cover texts that share their length and ends, short and empty
texts, non-ASCII text and text split across Arrow chunks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.io.duplicate_ids import duplicate_case_problems


def _frame(rounds, ids, chunks: int = 1) -> pd.DataFrame:
    """Validated-looking rows: categorical rounds, pyarrow text ids (in ``chunks`` Arrow chunks)."""
    ids = list(ids)
    cut = np.linspace(0, len(ids), chunks + 1).astype(int)
    array = pa.chunked_array([pa.array(ids[a:b], pa.large_string()) for a, b in zip(cut[:-1], cut[1:])],
                             type=pa.large_string())
    return pd.DataFrame({
        "round_id": pd.Categorical(rounds),
        "case_id": pd.Series(pd.arrays.ArrowStringArray(array), dtype="str") if ids else pd.Series([], dtype="str"),
    })


def _reference(frame: pd.DataFrame) -> list[int]:
    """Spreadsheet rows (header = row 1) whose (round, case_id) repeats, found by pandas' exact duplicated()."""
    plain = pd.DataFrame({"r": frame["round_id"].astype(object), "c": frame["case_id"].astype(object)})
    return (np.flatnonzero(plain.duplicated(keep=False).to_numpy()) + 2).tolist()


def _reported(frame: pd.DataFrame) -> list[int]:
    problems, omitted = duplicate_case_problems(frame, [("cases.csv", len(frame))])
    assert omitted == 0
    assert {p.file for p in problems} <= {"cases.csv"}
    return sorted(p.row for p in problems)


def test_ids_sharing_length_and_both_ends_are_told_apart():
    # 24-byte ids equal in length, first 8 and last 8 bytes: only the middle differs, so the cheap key repeats
    ids = [f"MPS-2017-{i:06d}-Q3-CASE" for i in range(2000)] + ["MPS-2017-000123-Q3-CASE"]
    frame = _frame(["q3"] * len(ids), ids, chunks=3)
    assert _reported(frame) == [125, 2002] == _reference(frame)


def test_short_and_empty_texts_hash_by_their_own_bytes():
    # texts under 8 bytes: the 8-byte word read at their start also holds the next text's bytes, which must not count
    ids = ["A", "AB", "A", "ABC", "B", "AB", "", "x" * 7, "x" * 7 + "y", "x" * 7]
    frame = _frame(["q1"] * len(ids), ids, chunks=2)
    assert _reported(frame) == [2, 3, 4, 7, 9, 11] == _reference(frame)


def test_same_id_in_different_rounds_is_not_a_duplicate():
    frame = _frame(["q1", "q2", "q1", "q2"], ["Z9", "Z9", "Y8", "Y8"])
    assert _reported(frame) == [] == _reference(frame)


def test_non_arrow_ids_are_checked_too():
    frame = _frame(["q1"] * 4, ["a", "b", "a", "c"])
    frame["case_id"] = frame["case_id"].astype(object)
    assert _reported(frame) == [2, 4]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["q1", "q2"]),
                          st.text(alphabet=st.sampled_from(["A", "B", "é", "0", "-", "📁"]), max_size=20)),
                min_size=1, max_size=60),
       st.integers(1, 4))
def test_matches_pandas_duplicated(rows, chunks):
    rounds, ids = zip(*rows)
    frame = _frame(list(rounds), ids, chunks=min(chunks, len(rows)))
    assert _reported(frame) == _reference(frame)


@pytest.mark.parametrize("n", [70_000, 140_001])
def test_large_frames_cross_the_hashing_slices(n):
    # more rows than one hashing slice (2**16): a duplicate pair far apart, in different slices and chunks
    ids = [f"F{i:07d}" for i in range(n)]
    ids[-1] = ids[3]
    frame = _frame(["q1"] * n, ids, chunks=2)
    assert _reported(frame) == [5, n + 1]


def test_rows_are_named_by_file_and_spreadsheet_row():
    frame = _frame(["q1"] * 5, ["A", "B", "C", "A", "C"])
    problems, omitted = duplicate_case_problems(frame, [("a.csv", 2), ("b.xlsx", 3)])
    assert omitted == 0
    # positions 0-1 are a.csv rows 2-3; positions 2-4 are b.xlsx rows 2-4
    assert [(p.file, p.row, p.value) for p in problems] == [("a.csv", 2, "A"), ("b.xlsx", 2, "C"), ("b.xlsx", 3, "A"),
                                                             ("b.xlsx", 4, "C")]
    assert problems[0].expected == "a case_id unique within round q1 (also at b.xlsx row 3)"


@pytest.mark.parametrize(("first", "second", "what"), [
    ("caf\u00e9-1", "cafe\u0301-1", "NFC against NFD"),
    ("A\u00a01", "A 1", "a no-break space against a space"),
    ("\uff21\uff11", "A1", "full-width against ASCII"),
    ("ab12", "AB12", "case only"),
])
def test_look_alike_ids_are_probable_duplicates_with_both_rows(first, second, what):
    frame = _frame(["q1"] * 3, [first, "other", second])
    problems, omitted = duplicate_case_problems(frame, [("cases.csv", 3)])
    assert omitted == 0
    assert [(p.row, p.value) for p in problems] == [(2, first), (4, second)], what
    assert "it matches cases.csv row 4" in problems[0].expected
    assert first not in problems[0].expected and second not in problems[1].expected  # case ids never printed
    assert problems[0].expected.endswith("after Unicode normalisation and ignoring case: a probable duplicate")
    assert "it matches cases.csv row 2" in problems[1].expected


def test_a_no_break_space_is_named_by_its_code_point():
    frame = _frame(["q1"] * 2, ["A\u00a01", "A 1"])
    problems, _ = duplicate_case_problems(frame, [("cases.csv", 2)])
    assert "U+00A0 NO-BREAK SPACE" in problems[0].expected


def test_look_alikes_in_different_rounds_are_not_duplicates():
    frame = _frame(["q1", "q2"], ["ab12", "AB12"])
    assert duplicate_case_problems(frame, [("cases.csv", 2)]) == ([], 0)
