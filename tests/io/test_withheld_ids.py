"""Case identifiers never appear in an error's text: tracebacks in notebooks, logs and the CLI withhold them."""

import pytest

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_cases, load_rounds


def test_duplicate_ids_withheld_under_the_teams_heading(tmp_path):
    f = tmp_path / "q.csv"
    f.write_text("Case Ref,Grade,Round\nSECRET-1,Good,mps-2018\nSECRET-1,RI,mps-2018\n")
    with pytest.raises(AuditDataError) as err:
        load_cases(f, mapping=paths.example_mapping_path(), rounds=load_rounds())
    assert [(p.row, p.value, p.identifier) for p in err.value.problems] == [(2, "SECRET-1", True), (3, "SECRET-1", True)]
    assert "SECRET" not in str(err.value)  # kept for the caller, never printed
    assert "got [case identifier withheld]" in str(err.value)
