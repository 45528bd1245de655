"""Tests for sampling: proportional allocation and reproducible samples.

Allocations are checked against hand calculations of largest-remainder
(Hamilton) rounding, Cochran (1977) section 5.5.
"""

import pandas as pd
import pytest

from inspection_analysis.project.sampling import allocate_proportional, draw_sample, read_case_list


def _cases(k=200):
    types = ["cse", "domestic abuse", "missing", "online"]
    return pd.DataFrame({"case_id": [f"ZX{i:04d}" for i in range(k)],
                         "case_type": [types[i % 7 % 4] for i in range(k)]})


def test_allocation_by_hand():
    # quotas 170 * (500, 300, 150, 50) / 1000 = 85, 51, 25.5, 8.5; floors 85+51+25+8 = 169;
    # one file left, remainders .0 .0 .5 .5 tie -> first in sorted order (c) gets it.
    sizes = pd.Series({"a": 500, "b": 300, "c": 150, "d": 50})
    assert allocate_proportional(sizes, 170).tolist() == [85, 51, 26, 8]
    # quotas 10 * 30/90 = 3.33 each: floors 3+3+3 = 9, one left to the first in sorted order (a).
    assert allocate_proportional(pd.Series({"b": 30, "a": 30, "c": 30}), 10).tolist() == [4, 3, 3]
    # the whole population
    assert allocate_proportional(sizes, 1000).tolist() == [500, 300, 150, 50]


@pytest.mark.parametrize("n", [0, 1001, 2.5, True])
def test_allocation_bad_n(n):
    with pytest.raises(ValueError, match="sample size n"):
        allocate_proportional(pd.Series({"a": 500, "b": 500}), n)


def test_simple_sample_reproducible_and_order_free():
    cases = _cases()
    a = draw_sample(cases, n=17, seed=42)
    b = draw_sample(cases.sample(frac=1, random_state=3), n=17, seed=42)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 17 and a["case_id"].is_unique and set(a["case_id"]) <= set(cases["case_id"])
    assert not draw_sample(cases, n=17, seed=43)["case_id"].equals(a["case_id"])


def test_stratified_sample_matches_allocation():
    cases = _cases()
    before = cases.copy()
    s = draw_sample(cases, n=50, seed=7, by="case_type")
    pd.testing.assert_frame_equal(cases, before)
    # stratum sizes of i % 7 % 4 over i = 0..199: residues 0..6 map to types
    # 0,1,2,3,0,1,2; 200 = 28*7 + 4, so residues 0-3 occur 29 times, 4-6 28 times:
    # cse 29+28 = 57, domestic abuse 29+28 = 57, missing 29+28 = 57, online 29.
    # quotas 50*57/200 = 14.25 (x3), 50*29/200 = 7.25: floors 14,14,14,7 = 49;
    # the one left goes to the first of the tied .25 remainders, cse.
    assert s["case_type"].value_counts().sort_index().tolist() == [15, 14, 14, 7]
    assert s["case_id"].is_unique


def test_read_case_list_csv_and_xlsx(tmp_path):
    frame = pd.DataFrame({"case_id": ["007", "010"], "case_type": ["cse", "online"]})
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_excel(tmp_path / "c.xlsx", index=False)
    assert read_case_list(tmp_path / "c.csv")["case_id"].tolist() == ["007", "010"]
    assert read_case_list(tmp_path / "c.xlsx")["case_type"].tolist() == ["cse", "online"]


def test_read_case_list_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_case_list(tmp_path / "none.csv")
    (tmp_path / "c.txt").write_text("x")
    with pytest.raises(ValueError, match="unsupported"):
        read_case_list(tmp_path / "c.txt")
    (tmp_path / "d.csv").write_text("id\n1\n1\n")
    with pytest.raises(ValueError, match="no column 'case_id'"):
        read_case_list(tmp_path / "d.csv")
    with pytest.raises(ValueError, match="repeats"):
        read_case_list(tmp_path / "d.csv", id_column="id")
    (tmp_path / "e.csv").write_text("case_id,t\nA,x\n,y\n")
    with pytest.raises(ValueError, match="blank"):
        read_case_list(tmp_path / "e.csv")


def test_draw_sample_errors():
    cases = _cases(10)
    with pytest.raises(ValueError, match="'kind'"):
        draw_sample(cases, n=3, seed=1, by="kind")
    with pytest.raises(ValueError, match="seed"):
        draw_sample(cases, n=3, seed=-1)
    with pytest.raises(ValueError, match="from 1 to 10"):
        draw_sample(cases, n=11, seed=1)
