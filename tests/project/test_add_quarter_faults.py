"""Fault tests for adding a quarter, with real processes: concurrency, SIGKILL at each step, read-only folders, strays.

Each test works in a temporary copy of the shipped data folder and runs the
real ``inspection-analysis`` command in child processes. The expected counts
are written out by hand from the files below.
"""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError
from inspection_analysis.project.manifest import check_manifest, read_manifest
from inspection_analysis.project.state import load_project
from inspection_analysis.project.transaction import STAGING

#: 3 case files, 2 failing (requires improvement, inadequate): counted by hand.
QUARTER = "Case Ref,Grade\nQ1,RI\nQ2,Good\nQ3,Inadequate\n"
#: The steps of an add at which the fault tests kill the child (see project/transaction.py ``kill_point``).
BEFORE_COMMIT = ("locked", "copied", "staged")
AFTER_COMMIT = ("committed", "moved-one", "moved-all")


@pytest.fixture
def data(tmp_path):
    shutil.copytree(paths.data_dir(), tmp_path / "data", ignore=shutil.ignore_patterns("raw", "manifest.csv", "backups"))
    (tmp_path / "data" / "raw").mkdir()
    return tmp_path / "data"


def _add_args(data, file, round_id, *extra):
    return [sys.executable, "-m", "inspection_analysis.cli", "add-quarter", str(file), "--round", round_id,
            "--assessor", "force_audit", "--reference-date", "2026-03-31", "--mapping",
            str(paths.example_mapping_path()), "--root", str(data.parent), *extra]


def _run(args, env=None, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}, **kw)


def _quarter(tmp_path, name="Q1 2026 audit.csv"):
    path = tmp_path / name
    path.write_text(QUARTER)
    return path


def _registered(data):
    return set(load_project(data).rounds["round_id"])


def test_concurrent_adds_both_registered(data, tmp_path):
    """Three trials of two adds at once, for different rounds: both are always registered and recorded."""
    file = _quarter(tmp_path)
    for trial in range(3):
        ids = [f"mps-2026-q{2 * trial + 1}", f"mps-2026-q{2 * trial + 2}"]
        children = [subprocess.Popen(_add_args(data, file, rid), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True) for rid in ids]
        outs = [c.communicate(timeout=300) for c in children]
        assert [c.returncode for c in children] == [0, 0], outs
        assert set(ids) <= _registered(data)
        manifest = read_manifest(data)
        assert {f"raw/{rid}.csv" for rid in ids} <= set(manifest["path"])
    assert set(check_manifest(data)["status"]) == {"ok"}
    counts = load_project(data).counts.set_index("round_id")
    assert counts.loc[[f"mps-2026-q{i}" for i in range(1, 7)], "n"].tolist() == [3] * 6
    assert counts.loc[[f"mps-2026-q{i}" for i in range(1, 7)], "failures"].tolist() == [2] * 6


@pytest.mark.parametrize("step", BEFORE_COMMIT + AFTER_COMMIT)
def test_kill_at_each_step_leaves_old_or_new_state(data, tmp_path, step):
    file = _quarter(tmp_path)
    before = (data / "rounds.csv").read_bytes()
    res = _run(_add_args(data, file, "mps-2026-q1"), env={"INSPECTION_ANALYSIS_KILL_AT": step})
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert (data / STAGING).exists() == (step != "locked")  # a killed child leaves its staging folder behind
    state = load_project(data)  # finishes or rolls back the interrupted add
    assert not (data / STAGING).exists()  # ... and removes every temporary file
    if step in BEFORE_COMMIT:  # the old state, exactly
        assert (data / "rounds.csv").read_bytes() == before
        assert sorted(p.name for p in (data / "raw").iterdir()) == []
        assert "mps-2026-q1" not in set(state.rounds["round_id"])
    else:  # the new state, complete and recorded
        row = state.counts.set_index("round_id").loc["mps-2026-q1"]
        assert (int(row["n"]), int(row["failures"])) == (3, 2)
        assert set(check_manifest(data)["status"]) == {"ok"}
    rerun = _run(_add_args(data, file, "mps-2026-q1"))  # the same command again: no --replace needed
    assert rerun.returncode == 0, rerun.stderr
    assert ("nothing to do" in rerun.stdout) == (step in AFTER_COMMIT)
    row = load_project(data).counts.set_index("round_id").loc["mps-2026-q1"]
    assert (int(row["n"]), int(row["failures"])) == (3, 2)


def test_next_add_cleans_up_after_kill(data, tmp_path):
    """Temporary case data left by a kill -9 is removed by the next add, not only by a load."""
    file = _quarter(tmp_path)
    assert _run(_add_args(data, file, "mps-2026-q1"), env={"INSPECTION_ANALYSIS_KILL_AT": "copied"}).returncode < 0
    assert any((data / STAGING).rglob("*.csv"))
    assert _run(_add_args(data, file, "mps-2026-q2")).returncode == 0
    assert not (data / STAGING).exists()
    assert "mps-2026-q1" not in _registered(data)


def _without_file_privileges():
    """Run a child as this user but without root's power to ignore file permissions (a no-op for other users)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only for a child")
    caps = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", "--bounding-set", caps, "--inh-caps", caps]


def test_read_only_folder_one_clear_line_nothing_written(data, tmp_path):
    file = _quarter(tmp_path)
    snapshot = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    os.chmod(data, 0o555)
    try:
        res = _run([*_without_file_privileges(), *_add_args(data, file, "mps-2026-q1")])
    finally:
        os.chmod(data, 0o755)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "permission denied" in lines[0] and "Nothing was written" in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == snapshot


def test_hand_dropped_raw_file_is_refused(data, tmp_path):
    """An unrecorded file never joins or replaces a round (it once replaced mps-2018's published n of 303)."""
    shutil.copy(_quarter(tmp_path), data / "raw" / "mps-2018.csv")
    res = _run([sys.executable, "-m", "inspection_analysis.cli", "compare", "--data", str(data), "--baseline",
                "mps-2016", "--follow-up", "mps-2018"])
    assert res.returncode == 2
    assert "raw/mps-2018.csv" in res.stderr and "inspection-analysis add-quarter mps-2018.csv --round" in res.stderr
    with pytest.raises(AuditDataError, match="an unrecorded file is never read"):
        load_project(data)


def test_symlink_out_of_the_data_folder_is_refused(data, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (data / "raw" / "link.csv").symlink_to(outside)
    with pytest.raises(AuditDataError) as err:
        load_project(data)
    assert "no symlink out of the data folder" in str(err.value)
    assert "root:x" not in str(err.value)  # the target's content is never read, let alone shown


def test_tampered_file_warns_everywhere_and_exits_non_zero(data, tmp_path):
    assert _run(_add_args(data, _quarter(tmp_path), "mps-2026-q1")).returncode == 0
    (data / "raw" / "mps-2026-q1.csv").write_text(QUARTER.replace("Inadequate", "Good"))
    out = tmp_path / "out"
    report = [sys.executable, "-m", "inspection_analysis.cli", "report", "--data", str(data), "--out", str(out),
              "--no-notebooks"]
    res = _run(report)
    assert res.returncode == 1
    assert "WARNING: data file raw/mps-2026-q1.csv (mps-2026-q1) has changed" in res.stderr
    assert "--accept-changed" in res.stderr
    html = (out / "reports" / "report.html").read_text()
    assert html.index("DATA INTEGRITY WARNING") < html.index("Answer")
    assert (out / "reports" / "summary.md").read_text().startswith("> **DATA INTEGRITY WARNING:** data file raw/mps")
    assert (out / "reports" / "summary.csv").read_text().splitlines()[1].startswith("data integrity warning,")
    compare = _run([sys.executable, "-m", "inspection_analysis.cli", "compare", "--data", str(data), "--baseline",
                    "mps-2016", "--follow-up", "mps-2026-q1"])
    assert "WARNING: data file raw/mps-2026-q1.csv" in compare.stderr
    res = _run([*report, "--accept-changed"])
    assert res.returncode == 0, res.stderr
    assert "accepted with --accept-changed" in (out / "reports" / "summary.md").read_text()
