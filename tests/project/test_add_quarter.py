"""Tests for quarters: adding a quarter safely, the SHA-256 manifest.

Never touches the real data/: every test works in a temporary project root.
Checksums are checked against the FIPS 180-2 test vector and against
hashlib run directly on the bytes (not through the code under test).
"""

import hashlib
import shutil

import pytest

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_rounds
from inspection_analysis.project.add_quarter import add_quarter
from inspection_analysis.project.manifest import check_manifest, read_manifest, sha256_file

GOOD = "round_id,case_id,case_type,grade\nmps-2019-q1,Q1,domestic abuse,good\nmps-2019-q1,Q2,other,inadequate\n"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copy(paths.rounds_path(), tmp_path / "data" / "rounds.csv")
    return tmp_path


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
    assert not list((root / "data" / "raw").glob(".*tmp"))  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("round_id,case_id,grade\nmps-2019-q1,Q1,goood\n", AuditDataError),  # unknown grade
        ("round_id,case_id,grade\nmps-2019-q1,Q1,good\nmps-2018,Q2,good\n", ValueError),  # another round
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
    with pytest.raises(AuditDataError, match="assessor"):
        add_quarter(src, "mps-2019-q1", assessor="journalist", root=root)
    assert _snapshot(root) == before


def test_duplicate_round_refused(root, tmp_path):
    src = tmp_path / "q.csv"
    src.write_text(GOOD)
    add_quarter(src, "mps-2019-q1", root=root)
    before = _snapshot(root)
    with pytest.raises(ValueError, match="already registered"):
        add_quarter(src, "mps-2019-q1", root=root)
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


def test_malformed_manifest(root):
    (root / "data" / "manifest.csv").write_text("path,hash\nx,y\n")
    with pytest.raises(ValueError, match="lacks column"):
        read_manifest(root / "data")
