"""``report --force CODE`` answers for any force in the registry; the Met stays the default.

Two case-level rounds of a new force are added through the real CLI. Counts
by hand: 2023, 8 of 10 failing; 2026, 3 of 10 failing, a fall of 50
percentage points.
"""

import shutil

import pandas as pd
import pytest

from inspection_analysis import paths

pytestmark = pytest.mark.slow


def test_report_for_another_force(tmp_path, cli):
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    env = {"INSPECTION_ANALYSIS_HOME": str(root)}
    for year, failing in ((2023, 8), (2026, 3)):
        file = tmp_path / f"kent {year}.csv"
        file.write_text("case_id,grade\n" + "".join(
            f"K{year}-{i},{'inadequate' if i < failing else 'good'}\n" for i in range(10)))
        res = cli("add-quarter", str(file), "--round", f"kent-{year}", "--force-name", "Kent Police", "--assessor",
                   "inspectorate", "--reference-date", f"{year}-06-30", "--label", f"{year} inspection", env=env)
        assert res.returncode == 0, res.stderr
    out = tmp_path / "out"
    res = cli("report", "--no-notebooks", "--force", "kent", "--out", str(out), env=env)
    assert res.returncode == 0, res.stderr
    assert "Kent Police" in (out / "reports" / "report.html").read_text()
    verdict = pd.read_csv(out / "reports" / "summary.csv").query("section == 'verdict'").iloc[0]
    assert verdict["round_id"] == "kent-2023 -> kent-2026"
    assert verdict["estimate"] == pytest.approx(0.3 - 0.8)
    res = cli("report", "--no-notebooks", "--force", "nowhere", "--out", str(out), env=env)
    assert res.returncode == 2 and "--force 'nowhere' is not in the registry" in res.stderr
