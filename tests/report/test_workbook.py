"""``reports/tables.xlsx``: an accessible spreadsheet written with gptables (issue #15).

The workbook written by the real command is opened with openpyxl and checked
against ``summary.csv`` written by the same run (the numbers must agree, to
the rounding the workbook states), against the published counts by hand
(2016: 278 of 374 failing, 74.33% by hand; 2018: 210 of 303, 69.31% by hand)
and against the layout of the Analysis Function's guidance: a cover, a
contents and a notes sheet, one table per sheet marked as an Excel table, no
merged cells, units in the headings and the shorthand [c], [x] and [z].
"""

import hashlib

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

from inspection_analysis import paths

pytestmark = pytest.mark.slow

SHEETS = ["Cover", "Contents", "Notes", "Table_1", "Table_2", "Table_3", "Table_4", "Table_5", "Table_6", "Table_7"]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, cli):
    out = tmp_path_factory.mktemp("out")
    res = cli("report", "--no-notebooks", "--out", str(out))
    assert res.returncode == 0, res.stderr
    return openpyxl.load_workbook(out / "reports" / "tables.xlsx"), pd.read_csv(out / "reports" / "summary.csv"), out


def test_sheets_in_order_without_merged_cells(shipped, xlsx_table):
    wb, _, _ = shipped
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
    for sheet in SHEETS[3:]:
        assert len(wb[sheet].tables) == 1, sheet
    contents = xlsx_table(wb, "Contents")
    assert contents.iloc[:, 0].tolist() == SHEETS[3:]


def test_cover_says_what_where_who_and_which_data(shipped):
    wb, _, _ = shipped
    text = "\n".join(str(c) for row in wb["Cover"].iter_rows(values_only=True) for c in row if c)
    assert "Has any significant improvement occurred?" in text
    assert "Source:" in text and "Contact" in text and "inspection-analysis 0.2.0" in text
    assert "[c]" in text and "[x]" in text and "[z]" in text
    # SHA-256 of the shipped registry, as sha256sum would print it
    digest = hashlib.sha256((paths.data_dir() / "rounds.csv").read_bytes()).hexdigest()
    assert f"\nrounds.csv: {digest}\n" in text


def test_rates_sheet_headings_units_and_numbers(shipped, xlsx_table):
    wb, summary, _ = shipped
    rates = xlsx_table(wb, "Table_1")
    assert list(rates.columns) == ["Round", "Round ID", "Assessor", "Reference date", "Case files audited\n(number)",
                                   "Case files failing\n(number)", "Failure rate\n(%)", "Lower 95% limit\n(%)",
                                   "Upper 95% limit\n(%)"]
    rates = rates.set_index("Round ID")
    assert rates.loc["mps-2016", "Failure rate\n(%)"] == 74.3  # 278/374 = 74.33% by hand
    assert rates.loc["mps-2018", "Failure rate\n(%)"] == 69.3  # 210/303 = 69.31% by hand
    assert rates.loc["mps-2016", "Case files failing\n(number)"] == 278
    assert rates.loc["mps-2017-q1"].iloc[3:].tolist() == ["[x]"] * 5  # nothing published
    assert rates.loc["mps-2017-q2", "Case files audited\n(number)"] == 170
    assert rates.loc["mps-2017-q2", "Case files failing\n(number)"] == "[x]"
    csv = summary[summary["section"] == "rate"].set_index("round_id")
    for rid, row in csv.iterrows():
        got = rates.loc[rid]
        if pd.isna(row["estimate"]):
            assert got["Failure rate\n(%)"] == "[x]"
            continue
        assert got["Case files audited\n(number)"] == row["n"] and got["Case files failing\n(number)"] == row["failures"]
        for col, heading in (("estimate", "Failure rate\n(%)"), ("ci_low", "Lower 95% limit\n(%)"),
                             ("ci_high", "Upper 95% limit\n(%)")):
            assert got[heading] == pytest.approx(100 * row[col], abs=0.05), (rid, col)


def test_comparisons_and_trend_agree_with_summary(shipped, xlsx_table):
    wb, summary, _ = shipped
    comp = xlsx_table(wb, "Table_2")
    assert "Change in failure rate\n(percentage points)" in comp.columns
    assert "p-value, any change (two-sided)\n(probability)" in comp.columns
    comp.index = comp["First round ID"] + " -> " + comp["Second round ID"]
    changes = summary[summary["section"].str.startswith("change")].set_index("round_id")
    assert sorted(comp.index) == sorted(changes.index)
    for key, row in changes.iterrows():
        got = comp.loc[key]
        assert got["Change in failure rate\n(percentage points)"] == pytest.approx(100 * row["estimate"], abs=0.05)
        assert got["Lower 95% limit of the change\n(percentage points)"] == pytest.approx(100 * row["ci_low"],
                                                                                           abs=0.05)
        assert got["p-value, any change (two-sided)\n(probability)"] == pytest.approx(row["pvalue"], rel=5e-3)
        assert got["Verdict"] == row["result"]
    trend = xlsx_table(wb, "Table_3").iloc[0]
    tr = summary[summary["section"] == "trend"].iloc[0]
    assert trend["p-value, any linear trend (two-sided)\n(probability)"] == pytest.approx(tr["pvalue"], rel=5e-3)
    assert trend["Cochran-Armitage statistic\n(z)"] == pytest.approx(tr["estimate"], abs=5e-4)


def test_other_tables(shipped, xlsx_table):
    wb, _, out = shipped
    pchart = xlsx_table(wb, "Table_4")
    p_csv = pd.read_csv(out / "reports" / "p_chart.csv")
    assert pchart["Round ID"].tolist() == p_csv["round_id"].tolist()
    assert pchart["Upper control limit\n(%)"].tolist() == pytest.approx((100 * p_csv["ucl"]).tolist(), abs=0.05)
    funnel = xlsx_table(wb, "Table_5")
    assert len(funnel) == len(pd.read_csv(out / "reports" / "funnel.csv"))
    agreement = xlsx_table(wb, "Table_6")
    # 2016 regrade of 132 cases: agreement between 6 and 58 cases (Frechet bounds, see tests/analysis/test_assessors)
    assert agreement["Case files (of 132)\n(number)"].tolist()[2:] == [6, 58]
    assert agreement["Share of the 132 case files\n(%)"].tolist()[2:] == [4.5, 43.9]  # 6/132, 58/132 by hand
    prov = xlsx_table(wb, "Table_7")
    published = pd.read_csv(paths.data_dir() / "published" / "published_counts.csv")
    assert sorted(prov["Published figure"]) == sorted(published["figure_id"])
    mps16 = prov.set_index("Published figure").loc["mps-2016"]
    assert mps16["Case files\n(number)"] == 374 and mps16["Case files failing\n(number)"] == 278
    assert mps16["Case files adequate\n(number)"] == "[z]"  # the 2016 inspection used the 3-point scale
    assert mps16["Case files good\n(number)"] == "[x]"  # not published
    first_col, header_row, _, _ = range_boundaries(wb["Table_7"].tables["table_7"].ref)
    source = wb["Table_7"].cell(row=header_row + 1, column=first_col + prov.columns.get_loc("Source"))
    assert source.hyperlink is not None and source.hyperlink.target == source.value  # a link to the URL shown
    assert source.value.startswith("https://")


def test_byte_identical_for_the_same_data(shipped, tmp_path, cli):
    _, _, out = shipped
    res = cli("report", "--no-notebooks", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "reports" / "tables.xlsx").read_bytes() == (out / "reports" / "tables.xlsx").read_bytes()
