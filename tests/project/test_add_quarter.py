"""Tests for adding a quarter: validation, the stored mapping, the registry row, the SHA-256 manifest.

Never touches the real data/: every test works in a temporary project root.
Checksums are checked against the FIPS 180-2 test vector and against
hashlib run directly on the bytes (not through the code under test). The
fault tests with real processes are in test_add_quarter_faults.py.
"""

import hashlib
import os
import shutil
import stat

import pytest

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_rounds
from inspection_analysis.project import add_quarter as aq
from inspection_analysis.project.lock import LOCK_NAME
from inspection_analysis.project.manifest import check_manifest, read_manifest, sha256_file

GOOD = "round_id,case_id,case_type,grade\nmps-2019-q1,Q1,domestic abuse,good\nmps-2019-q1,Q2,other,inadequate\n"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copy(paths.rounds_path(), tmp_path / "data" / "rounds.csv")
    return tmp_path


def add_quarter(file, round_id, **fields):
    """add_quarter with the two fields a new round needs, unless the test gives them."""
    fields = {"assessor": "force_audit", "reference_date": "2019-03-31"} | fields
    return aq.add_quarter(file, round_id, **fields)


def _snapshot(folder):
    """Every file's bytes, except the (empty) lock file, which stays once made."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def test_sha256_known_vector(tmp_path):
    p = tmp_path / "abc"
    p.write_bytes(b"abc")
    # FIPS 180-2, appendix B.1
    assert sha256_file(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_add_valid_quarter(root, tmp_path):
    src = tmp_path / "incoming.csv"
    src.write_text(GOOD)
    added = add_quarter(src, "mps-2019-q1", label="2019 Q1 audit", reference_date="2019-03-31", root=root)
    assert added.n_cases == 2 and added.backup is None
    assert added.path == root / "data" / "raw" / "mps-2019-q1.csv"
    assert added.path.read_bytes() == src.read_bytes()
    rounds = load_rounds(root / "data" / "rounds.csv").set_index("round_id")
    assert rounds.loc["mps-2019-q1", "label"] == "2019 Q1 audit"
    assert rounds.loc["mps-2019-q1", "force_name"] == "Metropolitan Police Service"  # taken from the mps rows
    manifest = read_manifest(root / "data")
    assert manifest["path"].tolist() == ["raw/mps-2019-q1.csv"]
    assert manifest["sha256"].iloc[0] == hashlib.sha256(GOOD.encode()).hexdigest()
    assert check_manifest(root / "data")["status"].tolist() == ["ok"]
    assert sorted(p.name for p in (root / "data").iterdir()) == [LOCK_NAME, "manifest.csv", "raw", "rounds.csv"]


MAPPED = "Case Ref,Grade,Case Type,Auditor\nQ1,RI,DA,jo\nQ2,Good,CSE,al\nQ3,Inadequate,DA,jo\n"


def test_mapping_is_stored_and_round_filled(root, tmp_path):
    """A team's headings, no round column: --round fills it and the mapping is kept beside the data."""
    src = tmp_path / "Q1 audit 2019.csv"
    src.write_text(MAPPED)
    added = add_quarter(src, "mps-2019-q1", mapping=paths.example_mapping_path(), root=root)
    assert added.n_cases == 3
    assert added.mapping == root / "data" / "raw" / "mps-2019-q1.mapping.toml"
    assert added.mapping.read_bytes() == paths.example_mapping_path().read_bytes()
    manifest = read_manifest(root / "data").set_index("path")
    assert manifest.loc["raw/mps-2019-q1.csv", "mapping"] == "raw/mps-2019-q1.mapping.toml"
    assert manifest.loc["raw/mps-2019-q1.mapping.toml", "kind"] == "mapping"
    assert manifest.loc["raw/mps-2019-q1.mapping.toml", "sha256"] == hashlib.sha256(
        paths.example_mapping_path().read_bytes()).hexdigest()


def test_round_column_must_match_round(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD + "mps-2018,Q3,other,good\n")
    with pytest.raises(AuditDataError) as err:
        add_quarter(src, "mps-2019-q1", root=root)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("q.csv", 4, "round_id", "mps-2018")
    assert "--round" in problem.expected


def test_new_round_needs_assessor_and_date(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    with pytest.raises(ValueError, match="--assessor .* and --reference-date"):
        aq.add_quarter(src, "mps-2019-q1", root=root)


def test_unknown_force_needs_its_name(root, tmp_path):
    """A one-letter round id would create a force 'a': refused unless the force is named."""
    src = tmp_path / "q.csv"
    src.write_text("case_id,grade\nQ1,good\n")
    with pytest.raises(ValueError, match="no registered force code starts it.*--force-name"):
        add_quarter(src, "a", root=root)
    add_quarter(src, "kent-2026", force_name="Kent Police", root=root)
    rounds = load_rounds(root / "data" / "rounds.csv").set_index("round_id")
    assert tuple(rounds.loc["kent-2026", ["force", "force_name"]]) == ("kent", "Kent Police")


def test_bad_option_blamed_on_the_option(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    with pytest.raises(AuditDataError) as err:
        add_quarter(src, "mps-2019-q1", reference_date="2019-13-01", root=root)
    assert str(err.value.problems[0]).startswith("--reference-date: got '2019-13-01'; expected an ISO date")


def test_modes_are_kept(root, tmp_path):
    """A shared folder stays shared: rewritten files keep their mode (0644 here, not mkstemp's 0600)."""
    for name in ("rounds.csv",):
        os.chmod(root / "data" / name, 0o644)
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    add_quarter(src, "mps-2019-q1", root=root)
    os.chmod(root / "data" / "manifest.csv", 0o664)
    add_quarter(src, "mps-2019-q1", replace=True, root=root)
    assert stat.S_IMODE((root / "data" / "rounds.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((root / "data" / "manifest.csv").stat().st_mode) == 0o664


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("round_id,case_id,grade\nmps-2019-q1,Q1,goood\n", AuditDataError),  # unknown grade
        ("round_id,case_id,grade\nmps-2019-q1,Q1,good\nmps-2018,Q2,good\n", AuditDataError),  # another round
        ("round_id,case_id\nmps-2019-q1,Q1\n", AuditDataError),  # no grade column
    ],
)
def test_invalid_file_writes_nothing(root, tmp_path, content, error):
    src = tmp_path / "bad.csv"
    src.write_text(content)
    before = _snapshot(root)
    with pytest.raises(error):
        add_quarter(src, "mps-2019-q1", root=root)
    assert _snapshot(root) == before


def test_bad_registry_field_writes_nothing(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    before = _snapshot(root)
    with pytest.raises(AuditDataError, match="--assessor: got 'journalist'"):
        add_quarter(src, "mps-2019-q1", assessor="journalist", root=root)
    assert _snapshot(root) == before


def test_duplicate_round_refused(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    add_quarter(src, "mps-2019-q1", root=root)
    before = _snapshot(root)
    assert add_quarter(src, "mps-2019-q1", root=root).already  # the same add again writes nothing
    with pytest.raises(ValueError, match="already registered; add it again with --replace"):
        add_quarter(src, "mps-2019-q1", label="another label", root=root)
    other = tmp_path / "other.csv"
    other.write_text(GOOD.replace("inadequate", "good"))
    before[other.name] = other.read_bytes()
    with pytest.raises(ValueError, match="already registered; add it again with --replace"):
        add_quarter(other, "mps-2019-q1", root=root)
    with pytest.raises(ValueError, match="already registered"):
        add_quarter(src, "mps-2018", root=root)  # a shipped round
    assert _snapshot(root) == before


def test_replace_keeps_backup(root, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(GOOD)
    second.write_text(GOOD.replace("Q2,other,inadequate", "Q2,other,good") + "mps-2019-q1,Q3,other,good\n")
    add_quarter(first, "mps-2019-q1", label="first", root=root)
    added = add_quarter(second, "mps-2019-q1", replace=True, root=root)
    assert added.n_cases == 3
    assert added.backup is not None and added.backup.read_bytes() == first.read_bytes()
    assert added.path.read_bytes() == second.read_bytes()
    rounds = load_rounds(root / "data" / "rounds.csv")
    assert (rounds["round_id"] == "mps-2019-q1").sum() == 1
    assert rounds.set_index("round_id").loc["mps-2019-q1", "label"] == "first"  # kept: not given again
    manifest = read_manifest(root / "data").set_index("path")
    assert manifest.loc["raw/mps-2019-q1.csv", "sha256"] == hashlib.sha256(second.read_bytes()).hexdigest()
    assert len(manifest) == 2  # the new file and the backup
    assert set(check_manifest(root / "data")["status"]) == {"ok"}


def test_tampered_file_detected(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    added = add_quarter(src, "mps-2019-q1", root=root)
    added.path.write_text(GOOD.replace("inadequate", "good"))
    status = check_manifest(root / "data")
    assert status["status"].tolist() == ["changed"]
    added.path.unlink()
    assert check_manifest(root / "data")["status"].tolist() == ["missing"]


def test_missing_file(root, tmp_path):
    with pytest.raises(FileNotFoundError):
        add_quarter(tmp_path / "none.csv", "mps-2019-q1", root=root)


def test_read_only_folder_is_one_clear_error(root, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write in a read-only folder; the CLI test runs this as a normal user")
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    os.chmod(root / "data", 0o555)
    try:
        before = _snapshot(root)
        with pytest.raises(PermissionError, match="Nothing was written"):
            add_quarter(src, "mps-2019-q1", root=root)
        assert _snapshot(root) == before
    finally:
        os.chmod(root / "data", 0o755)


def test_malformed_manifest(root):
    (root / "data" / "manifest.csv").write_text("path,hash\nx,y\n")
    with pytest.raises(ValueError, match="lacks column"):
        read_manifest(root / "data")
