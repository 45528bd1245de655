"""Fixtures shared by the input tests."""

import pytest

from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_cases


@pytest.fixture
def error_cells():
    """Load a workbook that must fail on its error cells; its problems as (sheet, row, column, cell, value, expected)."""

    def found(path):
        with pytest.raises(AuditDataError) as exc:
            load_cases(path)
        return [(p.sheet, p.row, p.column, p.cell, p.value, p.expected) for p in exc.value.problems]

    return found

