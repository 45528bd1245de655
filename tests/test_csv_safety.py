"""CSV formula injection is neutralised (issue #13), following OWASP's "CSV Injection" advice.

Expected values are written out by hand: OWASP's rule is to prefix ``'`` to a
text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, and to leave real numbers alone.
"""

import io

import numpy as np
import pandas as pd
import pytest

from inspection_analysis.csv_safety import neutralise_cell, neutralise_frame, write_csv


@pytest.mark.parametrize(("cell", "expected"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("2016 inspection", "2016 inspection"),
    ("a=b", "a=b"),
    ("", ""),
    # numbers written as text stay numbers
    ("-0.05", "-0.05"), ("+3", "+3"), ("-1e-5", "-1e-5"), ("-.5", "-.5"),
    # ... but not text that merely starts like one
    ("-1-1", "'-1-1"), ("-", "'-"), ("- bullet", "'- bullet"),
])
def test_text_cells(cell, expected):
    assert neutralise_cell(cell) == expected


@pytest.mark.parametrize("number", [-0.05, -3, np.int64(-7), np.float64(-1.5), float("nan"), None, True])
def test_numbers_and_missing_values_unchanged(number):
    assert neutralise_cell(number) is number


def test_frame_columns_keep_numbers_and_dates():
    frame = pd.DataFrame({
        "label": ["=HYPERLINK(\"http://x\")", "ok"],
        "difference": [-0.05, 0.1],
        "n": pd.array([3, None], dtype="Int64"),
        "when": pd.to_datetime(["2016-05-31", "2018-10-19"]),
        "kind": pd.Categorical(["@x", "y"]),
        "mixed": [-0.25, "-[c]"],
    })
    out = neutralise_frame(frame)
    assert out["label"].tolist() == ["'=HYPERLINK(\"http://x\")", "ok"]
    assert out["kind"].tolist() == ["'@x", "y"]
    assert out["mixed"].tolist() == [-0.25, "'-[c]"]
    assert out["difference"].dtype == frame["difference"].dtype and out["when"].dtype == frame["when"].dtype
    assert out["n"].dtype == "Int64"
    assert frame["label"].iloc[0].startswith("=")  # the caller's frame is not modified


def test_headings_are_neutralised_too():
    assert list(neutralise_frame(pd.DataFrame({"=x": [1], "rate": [2]})).columns) == ["'=x", "rate"]


def test_written_csv():
    buffer = io.StringIO()
    write_csv(pd.DataFrame({"label": ["-cmd", "2018"], "rate": [-0.5, 0.693], "when": pd.to_datetime(
        ["2016-05-31", "2018-10-19"])}), buffer)
    assert buffer.getvalue() == "label,rate,when\n'-cmd,-0.5,2016-05-31\n2018,0.693,2018-10-19\n"
