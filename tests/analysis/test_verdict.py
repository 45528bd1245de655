"""Tests for verdict.has_improved: the answer, its question and its caveats."""

import pandas as pd
import pytest

from inspection_analysis.analysis.verdict import Verdict, has_improved
from inspection_analysis.io import load_published, load_rounds

N = {"mps-2016": 374, "mps-2017-q2": 170, "mps-2017-q3": 135, "mps-2017-q4": 214, "mps-2018": 303}
F = {"mps-2016": 278, "mps-2017-q2": pd.NA, "mps-2017-q3": 125, "mps-2017-q4": 191, "mps-2018": 210}


@pytest.fixture
def counts():
    return pd.DataFrame({"round_id": list(N), "n": pd.array(list(N.values()), dtype="Int64"),
                         "failures": pd.array(list(F.values()), dtype="Int64"),
                         "failing": "requires improvement|inadequate"})


@pytest.fixture
def rounds():
    return pd.DataFrame({
        "round_id": list(N), "force": "mps", "force_name": "Metropolitan Police Service",
        "label": ["2016 inspection", "2017 Q2 update", "2017 Q3 update", "2017 Q4 update",
                  "2018 post-inspection review"],
        "reference_date": pd.to_datetime(["2016-05-31", "2017-06-30", "2017-09-30", "2017-12-31", "2018-10-19"]),
        "assessor": ["inspectorate", "force_audit", "inspectorate", "inspectorate", "inspectorate"],
        "scale": "3-point",
        "notes": ["", "", "", "", "Attribution unverified."],
    })


def test_has_improved_defaults_first_vs_latest_with_counts(counts, rounds):
    v = has_improved(counts, rounds=rounds)
    assert isinstance(v, Verdict)
    # 2016 (278/374) vs 2018 (210/303): hand z = -1.449 (see tests/test_compare.py) -> not significant
    assert v.answer == "no"
    assert v.comparison["baseline"] == "mps-2016" and v.comparison["follow_up"] == "mps-2018"
    assert v.question == ("Has any significant improvement occurred in Metropolitan Police Service between "
                          "the 2016 inspection and the 2018 post-inspection review?")
    assert "only an improvement of at least 9 percentage points" in v.sentence
    assert any("not evidence that nothing improved" in c for c in v.caveats)
    assert any("Attribution unverified" in c for c in v.caveats)
    text = str(v)
    assert text.startswith(v.sentence) and "Caveats:" in text
    assert repr(v) == text
    assert v.to_frame().shape[0] == 1


def test_has_improved_worse_and_yes(counts, rounds):
    # 2016 vs 2017 Q4: z = +4.33 by hand -> significantly worse; Q3 vs 2018: z = -5.31 -> significantly better
    assert has_improved(counts, follow_up="mps-2017-q4", rounds=rounds).answer == "no — worse"
    assert has_improved(counts, baseline="mps-2017-q3", rounds=rounds).answer == "yes"


def test_has_improved_refuses_round_without_counts(counts, rounds):
    with pytest.raises(ValueError, match="mps-2017-q2"):
        has_improved(counts, follow_up="mps-2017-q2", rounds=rounds)


def test_has_improved_needs_two_rounds(counts, rounds):
    with pytest.raises(ValueError, match="fewer than two"):
        has_improved(counts, force="nobody", rounds=rounds)


def test_has_improved_shipped_data():
    pytest.importorskip("inspection_analysis.io")
    v = has_improved(load_published(), rounds=load_rounds())
    assert v.answer == "no"
    assert v.comparison["n_baseline"] == 374 and v.comparison["failures_baseline"] == 278  # published 2016
    assert v.comparison["n_follow_up"] == 303 and v.comparison["failures_follow_up"] == 210  # published 2018
    assert "percentage points; a smaller real improvement may have gone undetected" in str(v)


def test_has_improved_keeps_every_caveat_of_a_simpsons_paradox_comparison_whole():
    # Synthetic case mix (as tests/test_compare.py): both case types improve (hard 90% -> 85%, easy 25% -> 20%)
    # but the follow-up sampled far more hard cases, so the crude rate rises 190/500 = 38% -> 360/500 = 72%.
    rows = [{"round_id": rid, "case_type": kind, "n": n, "failures": x, "data_kind": "synthetic"}
            for rid, types in (("b", {"hard": (90, 100), "easy": (100, 400)}),
                               ("f", {"hard": (340, 400), "easy": (20, 100)}))
            for kind, (x, n) in types.items()]
    reg = pd.DataFrame({"round_id": ["b", "f"], "force": "x", "label": ["baseline", "follow-up"],
                        "reference_date": ["2016-01-01", "2017-01-01"],
                        "notes": ["", "Sample chosen by case type; small"]})
    v = has_improved(pd.DataFrame(rows), force="x", rounds=reg)
    assert v.answer == "no — worse"  # crude z = 10.8 by hand (tests/test_compare.py)
    assert len(v.caveats) == 3
    synthetic, simpson, note = v.caveats
    assert synthetic == "synthetic data: not real inspection results"
    # One caveat from "case mix:" to "Simpson's paradox": crude change +34 points (0.72 - 0.38, hand) against the
    # Mantel-Haenszel odds ratio 18.8 / 26.8 = 0.70 (hand, tests/test_compare.py).
    assert simpson.startswith("case mix: the crude comparison and the comparison adjusted for case type disagree")
    assert "crude change +34 points" in simpson and "odds ratio 0.70" in simpson
    assert simpson.endswith("a possible Simpson's paradox")
    # A round's note is its own caveat, whole even with a "; " inside it.
    assert note == "follow-up: Sample chosen by case type; small"
