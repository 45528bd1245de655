"""Synthetic case-level samples: seeded, labelled, and faithful to every published margin.

Reference margins are the inspectorate's published figures (see
data/published/published_counts.csv and its quotes).
"""

import pandas as pd
import pytest

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataWarning
from inspection_analysis.io.synthetic import (
    make_synthetic_cases,
    make_synthetic_double_graded,
    synthetic_margins,
    write_synthetic,
)
from inspection_analysis.schema import CRITERIA


@pytest.fixture(scope="module")
def cases():
    return make_synthetic_cases()


def grade_counts(frame):
    return frame["grade"].value_counts(sort=False).to_dict()


def test_published_margins_reproduced(cases):
    by_round = {r: g for r, g in cases.groupby("round_id", observed=True)}
    q3 = grade_counts(by_round["mps-2017-q3"])  # 10 good / 64 RI / 61 inadequate
    assert (q3["good"], q3["requires improvement"], q3["inadequate"]) == (10, 64, 61)
    y18 = grade_counts(by_round["mps-2018"])  # 93 / 127 / 83
    assert (y18["good"], y18["requires improvement"], y18["inadequate"]) == (93, 127, 83)
    y16 = by_round["mps-2016"]  # 278 of 374 RI or inadequate
    assert len(y16) == 374 and (y16["grade"] != "good").sum() == 278
    q4 = by_round["mps-2017-q4"]  # 191 of 214
    assert len(q4) == 214 and (q4["grade"] != "good").sum() == 191
    online = by_round["mps-2018"][by_round["mps-2018"]["case_type"] == "online abuse"]
    assert len(online) == 34 and (online["grade"] != "good").sum() == 29  # 29 of 34 online cases
    assert (y16["case_type"] == "custody").sum() == 40  # custody subset of 40


def test_labelled_and_identified(cases):
    assert cases["synthetic"].all()
    assert cases["case_id"].str.fullmatch(r"SYN-mps-20\d\d(-q\d)?-\d{4}").all()
    assert set(cases["round_id"].astype(str)) == {"mps-2016", "mps-2017-q3", "mps-2017-q4", "mps-2018"}  # no Q2 rows


def test_deterministic():
    pd.testing.assert_frame_equal(make_synthetic_cases(seed=1), make_synthetic_cases(seed=1))
    assert not make_synthetic_cases(seed=1)["case_type"].equals(make_synthetic_cases(seed=2)["case_type"])


def test_round_without_counts_gets_nothing():
    with pytest.warns(AuditDataWarning, match="without published counts: mps-2017-q2"):
        frame = make_synthetic_cases(["mps-2017-q2", "mps-2017-q3"])
    assert set(frame["round_id"].astype(str)) == {"mps-2017-q3"}


def test_unknown_round():
    with pytest.raises(ValueError, match=r"\['mps-1999'\] not in the rounds registry"):
        make_synthetic_cases(["mps-1999"])


def test_other_force_round():
    frame = make_synthetic_cases(["lincolnshire-2019"])
    g = grade_counts(frame)  # 9 good, 47 RI, 25 inadequate (BBC, Feb 2019)
    assert (g["good"], g["requires improvement"], g["inadequate"]) == (9, 47, 25)


def test_criteria_apply_by_case_type_and_track_grade(cases):
    na = cases["crit_suspect_traced"] == "not applicable"
    assert (na == (cases["case_type"] != "child sexual exploitation")).all()
    na = cases["crit_missing_child_traced_promptly"] == "not applicable"
    assert (na == (cases["case_type"] != "missing child")).all()
    fails = (cases[list(CRITERIA)] == "fail").sum(axis=1)
    by_grade = fails.groupby(cases["grade"], observed=True).mean()
    assert by_grade["inadequate"] > by_grade["requires improvement"] > by_grade["good"]


def test_margins_record_published_derived_invented():
    m = synthetic_margins().set_index(["round_id", "case_type", "margin"])["status"]
    assert m[("mps-2016", "", "n_failing")] == "published"
    assert m[("mps-2016", "", "n_good")] == "derived"  # 374 - 278
    assert m[("mps-2016", "", "n_inadequate")] == "invented"
    assert m[("mps-2017-q3", "", "n_inadequate")] == "published"
    assert m[("mps-2018", "online abuse", "n_failing")] == "published"
    values = synthetic_margins().set_index(["round_id", "case_type", "margin"])["value"]
    # invented split of 191 in the pooled published proportion 191/335: 191 * 191 / 335 = 108.9 -> 109
    assert values[("mps-2017-q4", "", "n_requires_improvement")] == 109


def test_double_graded_sample():
    cases, margins = make_synthetic_double_graded()
    assert len(cases) == 132 and cases["synthetic"].all()
    hmic_fail = cases["grade_inspectorate"].isin(["requires improvement", "inadequate"])
    force_fail = cases["grade_force"].isin(["requires improvement", "inadequate"])
    assert hmic_fail.sum() == 100  # 0.76 x 132 = 100.3 (derived)
    assert (~force_fail).sum() == 106  # 0.80 x 132 = 105.6 (derived)
    assert pd.crosstab(force_fail, hmic_fail).values.tolist() == [[30, 76], [2, 24]]  # the invented table
    assert not cases["grade_inspectorate"].eq("adequate").any()  # HMIC used the 3-point scale in 2016
    assert set(margins.loc[margins["margin"].str.startswith("n_failing_force"), "status"]) == {"invented"}


def test_write_synthetic(tmp_path):
    written = write_synthetic(tmp_path)
    assert all("synthetic" in p.name for p in written if p.name != "README.md")
    first = {p.name: p.read_bytes() for p in written}
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        write_synthetic(tmp_path)
    assert {p.name: p.read_bytes() for p in written} == first  # untouched
    write_synthetic(tmp_path, overwrite=True)
    assert {p.name: p.read_bytes() for p in written} == first  # deterministic bytes


def test_shipped_files_are_current(tmp_path):
    written = write_synthetic(tmp_path)
    for p in written:
        assert (paths.synthetic_dir() / p.name).read_bytes() == p.read_bytes(), p.name
