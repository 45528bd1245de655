"""A failing report leaves no half of its outputs behind (issue #13): outputs are staged, then moved into place.

Expected trees are written out by hand; the last two tests run the real report,
once made to fail at step 5 in-process and once as a real process killed there.
"""

import os
import subprocess
import sys

import pytest

from inspection_analysis.report import run as report_run
from inspection_analysis.report.staging import STAGING_PREFIX, staged_outputs


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_success_moves_every_file_into_place_and_keeps_others(tmp_path):
    (tmp_path / "reports" / "notebooks").mkdir(parents=True)
    (tmp_path / "reports" / "notebooks" / "old.html").write_text("kept")
    (tmp_path / "reports" / "summary.csv").write_text("old")
    with staged_outputs(tmp_path) as stage:
        assert stage.parent == tmp_path and stage.name.startswith(STAGING_PREFIX)
        (stage / "reports").mkdir()
        (stage / "reports" / "summary.csv").write_text("new")
        (stage / "figures").mkdir()
        (stage / "figures" / "a.svg").write_text("svg")
        assert _tree(tmp_path)["reports/summary.csv"] == "old"  # nothing moves before the block ends
    assert _tree(tmp_path) == {"figures/a.svg": "svg", "reports/notebooks/old.html": "kept",
                               "reports/summary.csv": "new"}


@pytest.mark.parametrize("error", [RuntimeError("figure 5 failed"), KeyboardInterrupt()])
def test_failure_leaves_the_root_as_it_was(tmp_path, error):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "summary.csv").write_text("old")
    with pytest.raises(type(error)):
        with staged_outputs(tmp_path) as stage:
            (stage / "reports").mkdir()
            (stage / "reports" / "summary.csv").write_text("half")
            (stage / "reports" / "rates.csv").write_text("half")
            raise error
    assert _tree(tmp_path) == {"reports/summary.csv": "old"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)]


@pytest.mark.slow
def test_report_failing_at_the_figures_writes_nothing(tmp_path, monkeypatch):
    """run_report on the shipped data, made to fail at step 4 (drawing figures), after the tables were written."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.html").write_text("the last complete report")

    def broken(*args, **kwargs):
        raise RuntimeError("figure 5 could not be drawn")

    monkeypatch.setattr(report_run, "draw_figures", broken)
    steps = []
    with pytest.raises(RuntimeError, match="figure 5"):
        report_run.run_report(out=tmp_path, notebooks=False, progress=lambda step, total, what: steps.append(step))
    assert steps == [1, 2, 3, 4]  # the tables (step 3) had been written before the failure
    assert _tree(tmp_path) == {"reports/report.html": "the last complete report"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


@pytest.mark.slow
def test_report_killed_mid_way_leaves_no_outputs(tmp_path):
    """A real ``report`` process, killed (SIGKILL) while it draws the figures: no table, figure or page appears."""
    proc = subprocess.Popen([sys.executable, "-m", "inspection_analysis.cli", "report", "--no-notebooks", "--out",
                             str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    try:
        for line in proc.stderr:
            if line.startswith("[4/6]"):  # tables and tables.xlsx are written; the figures are being drawn
                break
        else:
            pytest.fail("the report ended before step 4")
        proc.kill()
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stderr.close()
    left = list(tmp_path.iterdir())
    assert len(left) == 1 and left[0].name.startswith(f"{STAGING_PREFIX}{proc.pid}-"), left  # hidden staging only
    # The next run removes the abandoned staging folder of the killed process, and stages in its own.
    with staged_outputs(tmp_path) as stage:
        assert sorted(tmp_path.iterdir()) == [stage]
    assert list(tmp_path.iterdir()) == []


def test_a_live_runs_staging_folder_is_never_removed(tmp_path):
    mine = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-other"  # this process is alive
    mine.mkdir()
    with staged_outputs(tmp_path):
        pass
    assert mine.is_dir()
