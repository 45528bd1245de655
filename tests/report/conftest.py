"""Shared helpers of the report tests."""

import pandas as pd
import pytest


def _xlsx_table(wb, sheet: str) -> pd.DataFrame:
    ws = wb[sheet]
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture
def xlsx_table():
    """``xlsx_table(wb, sheet)``: the one Excel table of an openpyxl workbook's sheet, headings as columns."""
    return _xlsx_table
