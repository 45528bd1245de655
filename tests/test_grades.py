"""Grade scales and failure definitions (inspection_analysis.grades)."""

import pandas as pd
import pytest

from inspection_analysis.grades import (
    DEFAULT_FAILING,
    GRADE_DTYPE,
    INADEQUATE_ONLY,
    SCALES,
    failure_definition,
)


def test_grade_dtype_is_ordered_best_first():
    s = pd.Series(["inadequate", "good", "requires improvement", "adequate"], dtype=GRADE_DTYPE)
    # best first, as the inspectorate lists them: good > adequate > RI > inadequate
    assert s.sort_values().tolist() == ["good", "adequate", "requires improvement", "inadequate"]
    assert GRADE_DTYPE.ordered


def test_scales():
    assert SCALES["3-point"] == ("good", "requires improvement", "inadequate")  # 2016 onwards
    assert SCALES["4-point"] == ("good", "adequate", "requires improvement", "inadequate")  # 2014-15


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ri_or_inadequate", DEFAULT_FAILING),
        ("inadequate", INADEQUATE_ONLY),
        (" Inadequate ", INADEQUATE_ONLY),
        (("inadequate", "requires improvement"), ("requires improvement", "inadequate")),
        (["Requires  Improvement", "inadequate", "inadequate"], ("requires improvement", "inadequate")),
        (("adequate", "requires improvement", "inadequate"), ("adequate", "requires improvement", "inadequate")),
    ],
)
def test_failure_definition_normalises(given, expected):
    assert failure_definition(given) == expected


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (("poor",), "unknown grade 'poor'"),
        ("requires improvement", "unknown failure definition 'requires improvement'"),
        ((), "names no grade"),
        (("good", "adequate", "requires improvement", "inadequate"), "nothing could pass"),
    ],
)
def test_failure_definition_rejects(bad, message):
    with pytest.raises(ValueError, match=message):
        failure_definition(bad)


def test_failure_definition_type_errors():
    with pytest.raises(TypeError, match="iterable of grades"):
        failure_definition(3)
    with pytest.raises(TypeError, match="must be strings"):
        failure_definition([1])
