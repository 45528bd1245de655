"""load_mapping: one spelling mapped two ways, and the optional sheet line (hand-written TOML)."""

import pytest

from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_mapping


def mapping_problems(tmp_path, text):
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AuditDataError) as exc:
        load_mapping(path)
    return exc.value.problems


def test_one_spelling_mapped_two_ways_is_rejected_naming_both_keys(tmp_path):
    [p] = mapping_problems(tmp_path, '[values.grade]\n"RI" = "requires improvement"\n"ri" = "inadequate"\n')
    assert (p.file, p.column, p.value) == ("m.toml", "[values.grade] 'ri'", "inadequate")
    assert "'RI' and 'ri' are the same spelling once trimmed and case-folded" in p.expected
    assert "map to 'requires improvement' and 'inadequate'" in p.expected


def test_spellings_that_differ_only_by_spaces_are_one_spelling(tmp_path):
    [p] = mapping_problems(tmp_path, '[values.criteria]\n"Y" = "pass"\n"y " = "fail"\n')
    assert "'Y' and 'y ' are the same spelling" in p.expected


def test_headings_mapped_two_ways_are_rejected(tmp_path):
    [p] = mapping_problems(tmp_path, '[columns]\n"Ref" = "case_id"\n"REF" = "round_id"\n')
    assert p.column == "[columns] 'REF'" and "'Ref' and 'REF'" in p.expected


def test_the_same_target_twice_is_harmless(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[values.grade]\n"RI" = "requires improvement"\n"ri" = "Requires Improvement"\n', encoding="utf-8")
    assert load_mapping(path).values["grade"] == {"ri": "requires improvement"}


def test_the_shipped_mapping_still_loads_without_a_sheet():
    assert load_mapping().sheet is None


def test_a_sheet_line_is_read(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('sheet = "Cases"\n[columns]\n"Ref" = "case_id"\n', encoding="utf-8")
    mapping = load_mapping(path)
    assert (mapping.sheet, mapping.columns) == ("Cases", {"ref": "case_id"})


def test_a_sheet_that_is_not_text_is_a_problem(tmp_path):
    [p] = mapping_problems(tmp_path, "sheet = 2\n")
    assert (p.column, p.value) == ("sheet", "2")
