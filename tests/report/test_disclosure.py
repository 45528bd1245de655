"""Tests for disclosure.suppress_small_counts.

Every expected table below is worked out by hand from the rule in the
docstring (primary: 0 < count < threshold; secondary: the next-smallest
non-zero count in a row with a single hidden cell; rates hidden with their
counts).
"""

import pandas as pd
import pytest

from inspection_analysis.report.disclosure import suppress_small_counts

C = "[c]"


def _table():
    return pd.DataFrame(
        {
            "round_id": ["a", "b", "c", "d"],
            "n": pd.array([30, 40, 50, 12], dtype="Int64"),
            "failures": pd.array([26, 35, 20, 12], dtype="Int64"),
            "n_good": pd.array([4, 5, 30, 0], dtype="Int64"),
            "n_requires_improvement": pd.array([12, 3, 10, 12], dtype="Int64"),
            "n_inadequate": pd.array([14, 32, 10, 0], dtype="Int64"),
            "rate": [26 / 30, 35 / 40, 20 / 50, 1.0],
        }
    )


def test_primary_and_secondary_by_hand():
    out = suppress_small_counts(_table())
    cols = ["n", "failures", "n_good", "n_requires_improvement", "n_inadequate", "rate"]
    # row a: n_good 4 < 10 is primary, and so is failures, because 30 - 26 = 4
    # not failing; n_good is then the only hidden grade, so the next smallest
    # non-zero of {grades, n}, n_requires_improvement = 12, is hidden too (else
    # 30 - 12 - 14 = 4 recovers it). failures hidden -> rate hidden.
    assert out.loc[0, cols].tolist() == [30, C, C, C, 14, C]
    # row b: 5 and 3 are primary (two hidden grades: no secondary needed);
    # 40 - 35 = 5 not failing is small, so failures and the rate are hidden.
    assert out.loc[1, cols].tolist() == [40, C, C, C, 32, C]
    # row c: no count in 1..9 and 50 - 20 = 30 not failing: nothing hidden.
    assert out.loc[2, cols].tolist() == [50, 20, 30, 10, 10, 20 / 50]
    # row d: zeros are shown; 12 - 12 = 0 not failing is not hidden.
    assert out.loc[3, cols].tolist() == [12, 12, 0, 12, 0, 1.0]


def test_rates_hidden_with_their_counts():
    t = pd.DataFrame({"round_id": ["x"], "n": [40], "failures": [7], "rate": [7 / 40],
                      "ci_low": [0.08], "ci_high": [0.32]})
    out = suppress_small_counts(t)
    # failures 7 < 10 is primary; n = 40 alone does not reveal it, so n stays;
    # the rate and its limits (7/40 with n recovers 7) are hidden.
    assert out.loc[0, ["n", "failures", "rate", "ci_low", "ci_high"]].tolist() == [40, C, C, C, C]


def test_hidden_subtotal_hides_components():
    t = pd.DataFrame({"n": [40], "failures": [35], "n_requires_improvement": [15], "n_inadequate": [20]})
    out = suppress_small_counts(t)
    # 40 - 35 = 5 not failing -> failures hidden; then 15 + 20 = 35 would give
    # it back, so the smallest component (15) is hidden, and then, being the only
    # hidden one of {15, 20, n}, the next smallest (20) is hidden as well.
    assert out.loc[0].tolist() == [40, C, C, C]


def test_threshold_marker_and_total_column():
    t = pd.DataFrame({"g": ["x"], "total": [48], "a": [3], "b": [20], "c": [25]})
    cols = ["total", "a", "b", "c"]
    out = suppress_small_counts(t, threshold=5, marker="*", count_columns=cols, total_column="total")
    # a = 3 < 5 primary; the next smallest non-zero of {a, b, c, total} is b = 20.
    assert out.loc[0, cols].tolist() == [48, "*", "*", 25]
    # 3 is not below 3: nothing hidden.
    out = suppress_small_counts(t, threshold=3, count_columns=cols, total_column="total")
    assert out.loc[0, cols].tolist() == [48, 3, 20, 25]
    # without a total, nothing can be recovered by subtraction: only a is hidden.
    out = suppress_small_counts(t, threshold=5, count_columns=cols, total_column=None)
    assert out.loc[0, cols].tolist() == [48, "[c]", 20, 25]


def test_input_not_mutated_and_missing_kept():
    t = _table()
    t.loc[2, "n_good"] = pd.NA
    before = t.copy()
    out = suppress_small_counts(t)
    pd.testing.assert_frame_equal(t, before)
    assert out.loc[2, "n_good"] is pd.NA
    assert list(out.columns) == list(t.columns)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 2.5}, "threshold"),
        ({"marker": ""}, "marker"),
        ({"count_columns": ["nope"]}, "'nope'"),
        ({"count_columns": ["round_id"]}, "'round_id' must be numeric"),
        ({"rate_columns": ["missing_rate"]}, "'missing_rate'"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        suppress_small_counts(_table(), **kwargs)


def test_not_a_frame():
    with pytest.raises(ValueError, match="DataFrame"):
        suppress_small_counts([1, 2, 3])
