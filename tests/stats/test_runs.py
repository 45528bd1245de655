"""Anhøj's runs analysis (stats.runs) against qicharts2's table of limits and hand-made series.

References: tests/stats/reference/spc_reference.txt, section anhoej_limits, written by
spc_reference.R with R's round(log2(n) + 3) and qbinom(0.05, n - 1, 0.5) exactly as qicharts2's
vignette Appendix 2 ("Critical values for longest run and number of crossings", repo anhoej/qicharts2,
vignettes/qicharts2.Rmd) computes its table; the output was checked equal, row for row, to the table
rendered in qicharts2's docs/articles/qicharts2.html. Hand-made series have their runs written out.
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.stats.runs import crossings_min, longest_run_max, runs_analysis

REFERENCE = Path(__file__).parent / "reference" / "spc_reference.txt"


def _anhoej_table():
    lines = REFERENCE.read_text().splitlines()
    start = lines.index("## anhoej_limits") + 2  # skip the header line
    rows = []
    for line in lines[start:]:
        if line.startswith("##"):
            break
        rows.append([int(v) for v in line.split("\t")])
    return np.array(rows)


def test_limits_match_qicharts2_table_for_10_to_100():
    table = _anhoej_table()
    assert table[:, 0].tolist() == list(range(10, 101))
    assert longest_run_max(table[:, 0]).tolist() == table[:, 1].tolist()
    assert crossings_min(table[:, 0]).tolist() == table[:, 2].tolist()
    # spot checks read off the published table: n = 10 -> 6 and 2; n = 24 -> 8 and 8 (the vignette's text);
    # n = 100 -> 10 and 41
    assert (longest_run_max(24), crossings_min(24)) == (8, 8)
    assert (longest_run_max(100), crossings_min(100)) == (10, 41)


@pytest.mark.parametrize("n", [10, 37, 64, 100])
def test_runs_analysis_uses_the_table_limits(n):
    table = {row[0]: (row[1], row[2]) for row in _anhoej_table()}
    res = runs_analysis(np.resize([1.0, -1.0], n), 0.0)  # alternating: n - 1 crossings, longest run 1
    assert (res.n_useful, res.longest_run, res.crossings) == (n, 1, n - 1)
    assert (res.longest_run_max, res.crossings_min) == table[n]
    assert not res.signal


def test_points_on_the_centre_neither_break_nor_contribute():
    # qicharts2 runs.analysis drops sign 0: below, on, below, above -> useful 3, runs [2, 1]
    res = runs_analysis([-1, 0, -1, 1], 0)
    assert (res.n_useful, res.longest_run, res.crossings) == (3, 2, 1)


def test_signal_from_a_long_run_only():
    # hand: n = 10 (limits 6 and 2): runs of 7, 1, 1, 1 -> longest 7 > 6, crossings 3 >= 2 -> signal
    values = [1] * 7 + [-1, 1, -1]
    res = runs_analysis(values, 0)
    assert (res.longest_run, res.crossings, res.signal) == (7, 3, True)
    # runs of 6, 1, 1, 1, 1 -> longest 6 is not more than 6, crossings 4 -> no signal
    res = runs_analysis([1] * 6 + [-1, 1, -1, 1], 0)
    assert (res.longest_run, res.crossings, res.signal) == (6, 4, False)


def test_signal_from_few_crossings_only():
    # hand: n = 20 (limits 7 and 6): runs of 5, 5, 5, 5 -> longest 5 <= 7 but crossings 3 < 6 -> signal
    values = [1] * 5 + [-1] * 5 + [1] * 5 + [-1] * 5
    res = runs_analysis(values, 0)
    assert (res.longest_run_max, res.crossings_min) == (7, 6)
    assert (res.longest_run, res.crossings, res.signal) == (5, 3, True)


def test_centre_per_point():
    # hand: centre steps from 0 to 10; values -1, 1 around 0 then 9, 11 around 10 -> alternating, 3 crossings
    res = runs_analysis([-1, 1, 9, 11], [0, 0, 10, 10])
    assert (res.n_useful, res.longest_run, res.crossings) == (4, 1, 3)


def test_no_useful_point():
    res = runs_analysis([2.0, 2.0], 2.0)
    assert (res.n_useful, res.longest_run_max, res.crossings_min, res.signal) == (0, None, None, False)
    res = runs_analysis([], 0.0)
    assert res.n_useful == 0


def test_one_useful_point():
    # hand: round(log2(1)) + 3 = 3; qbinom(0.05, 0, 0.5) = 0
    res = runs_analysis([5.0], 1.0)
    assert (res.longest_run, res.longest_run_max, res.crossings, res.crossings_min, res.signal) == (1, 3, 0, 0, False)


def test_to_frame_and_repr():
    res = runs_analysis([1, 2, 3, 4], 2.5)
    frame = res.to_frame()
    assert list(frame.columns) == ["n_useful", "longest_run", "longest_run_max", "crossings", "crossings_min", "signal"]
    assert len(frame) == 1
    assert repr(res).startswith("RunsAnalysis(n_useful=4")


def test_validation():
    with pytest.raises(ValueError, match="finite"):
        runs_analysis([1.0, np.nan], 0.0)
    with pytest.raises(ValueError, match="one value or one per point"):
        runs_analysis([1.0, 2.0, 3.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="one-dimensional"):
        runs_analysis([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="at least 1"):
        crossings_min(0)
    with pytest.raises(ValueError, match="whole number"):
        longest_run_max(2.5)


_series = st.lists(st.integers(-3, 3), max_size=60)


@settings(max_examples=200, deadline=None)
@given(_series, st.integers(-3, 3))
def test_invariants(values, centre):
    res = runs_analysis(values, centre)
    useful = [v for v in values if v != centre]
    assert res.n_useful == len(useful)
    if useful:
        assert 1 <= res.longest_run <= res.n_useful
        assert 0 <= res.crossings <= res.n_useful - 1
        # n_useful points in crossings + 1 runs: the longest run is at least the mean run length
        assert res.longest_run * (res.crossings + 1) >= res.n_useful
        assert res.signal == (res.longest_run > res.longest_run_max or res.crossings < res.crossings_min)
    # mirrored and shifted series have the same runs
    mirrored = runs_analysis([-v + 10 for v in values], -centre + 10)
    assert mirrored.to_dict() == res.to_dict()
