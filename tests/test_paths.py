"""Project folders: resolved from the repository, overridable by environment variable and argument."""

import pytest

from inspection_analysis import paths
from inspection_analysis.io import load_rounds


def test_default_root_is_the_repository():
    root = paths.project_root()
    assert (root / "pyproject.toml").is_file() and paths.rounds_path() == root / "data" / "rounds.csv"


def test_environment_variable_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    assert paths.data_dir() == tmp_path.resolve() / "data"
    assert paths.figures_dir() == tmp_path.resolve() / "figures"


def test_argument_overrides_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, "/nonexistent-inspection-home")
    assert paths.reports_dir(tmp_path) == tmp_path.resolve() / "reports"


def test_missing_root(monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, "/nonexistent-inspection-home")
    with pytest.raises(NotADirectoryError, match="nonexistent-inspection-home.*INSPECTION_ANALYSIS_HOME"):
        paths.project_root()


def test_loaders_follow_the_root(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rounds.csv").write_text(
        "round_id,force,force_name,label,period,publication_date,reference_date,assessor,scale,role,sample,source_url,notes\n"
        "x-2020,x,X Police,2020,2020,,2020-03-31,inspectorate,3-point,audit,10,https://example.org,\n")
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    assert load_rounds()["round_id"].tolist() == ["x-2020"]
