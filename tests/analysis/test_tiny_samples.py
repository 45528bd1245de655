"""Issue 13, honest sentences at tiny samples: no minimum detectable change where no outcome could be
significant, an explained disagreement of interval and test, "1 case file", and plan's grid limit in CLI terms.

References (hand calculations written out in tests/stats/test_small_samples.py): one new file against 278
of 374 has best one-sided Boschloo p = sup (1 - pi) P(B >= 278 | 374, pi) = 0.2113 (Fisher 97/375 = 0.2587);
0 of 2 against 278 of 374 has the 95% Newcombe interval -78.5 to -8.4 points and two-sided Boschloo p = 0.0952.
"""

import os
import subprocess
import sys

import pandas as pd
import pytest

from inspection_analysis.analysis.planning import audit_sensitivity
from inspection_analysis.analysis.rounds import RoundInfo, round_warnings
from inspection_analysis.analysis.tiny_samples import best_case, interval_test_note
from inspection_analysis.analysis.verdict import has_improved

REG = pd.DataFrame({"round_id": ["a", "b"], "force": "x", "label": ["2016 inspection", "tiny round"],
                    "reference_date": ["1", "2"]})


def _counts(n1, x1):
    return pd.DataFrame({"round_id": ["a", "b"], "n": [374, n1], "failures": [278, x1]})


def test_one_file_verdict_says_nothing_could_be_significant_and_gives_no_detectable_change():
    v = has_improved(_counts(1, 0), force="x", rounds=REG)
    assert "No outcome of 1 case file could be a significant improvement on the 2016 inspection" in v.sentence
    assert "p = 0.21" in v.sentence  # 0.2113, by hand
    assert "could reliably detect" not in v.sentence and "percentage points of" not in v.sentence
    assert "0 of 1 case file (" in v.sentence  # singular
    assert any(c == "small sample: only 1 case file in the tiny round" for c in v.caveats)


def test_two_files_interval_and_test_disagreement_is_explained():
    v = has_improved(_counts(2, 0), force="x", rounds=REG)
    assert "(95% CI for the change -78 to -8)" in v.sentence and "p = 0.0952" in v.sentence
    assert ("The 95% interval for the change lies wholly below zero, yet the test is not significant: the interval "
            "(Newcombe's hybrid score) and the test (Boschloo's exact test) are different methods") in v.sentence
    # two files can be significant one-sided (p = 0.0476 at none failing): a detectable change is still quoted
    assert "could reliably detect" in v.sentence


def test_interval_test_note_both_ways_and_agreement():
    assert interval_test_note(-0.2, -0.1, 0.01, alpha=0.05, confidence_level=0.95, test="boschloo") == ""
    note = interval_test_note(-0.2, 0.01, 0.03, alpha=0.05, confidence_level=0.95, test="fisher")
    assert note.startswith("The test is significant, yet the 95% interval for the change includes zero")
    assert "Fisher's exact test" in note
    assert interval_test_note(float("nan"), 0.1, 0.5, alpha=0.05, confidence_level=0.95, test="boschloo") == ""


def test_best_case_shortcut_and_exact_value():
    res = best_case(278, 374, 1, alpha=0.05)
    assert res.pvalue == pytest.approx(0.2113, abs=5e-5)
    assert best_case(278, 374, 1, alpha=0.05, test="fisher").pvalue == pytest.approx(97 / 375, rel=1e-12)
    assert best_case(278, 374, 170, alpha=0.05) is None  # Fisher's best p is tiny: no Boschloo needed


def test_plan_one_file_gives_no_detectable_change():
    res = audit_sensitivity(_counts(1, 0).iloc[:1], "a", 1, rounds=REG)
    assert res.critical_count is None
    assert "could not show a significant improvement whatever it found" in res.sentence
    assert "even with none failing, p = 0.21), so no minimum detectable change is given." in res.sentence
    assert "could reliably detect" not in res.sentence and res.sentence.startswith("An audit of 1 case file against")


def test_small_sample_warning_is_singular_for_one_file():
    a, b = RoundInfo("a", "first", registered=True), RoundInfo("b", "second", registered=True)
    assert round_warnings(a, b, 374, 1) == ["small sample: only 1 case file in the second"]
    assert round_warnings(a, b, 374, 2) == ["small sample: only 2 case files in the second"]


def test_plan_files_grid_limit_in_cli_terms():
    run = subprocess.run([sys.executable, "-m", "inspection_analysis.cli", "plan", "--baseline", "mps-2016",
                          "--files", "10000000000"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert run.returncode != 0
    # hand: the grid has (n1 + 374 + 1)(n1 + 1) cells, at most 40,000,000: n1 = 6139 gives 6514 x 6140 =
    # 39,995,960, n1 = 6140 gives 6515 x 6141 = 40,008,615
    assert ("--files 10,000,000,000 is too large for the exact test behind `plan --files`: against the 374 case "
            "files of mps-2016 it works up to --files 6,139") in run.stderr
    assert "--improvement" in run.stderr and "n1=" not in run.stderr
