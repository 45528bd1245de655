"""Project folders (``data/``, ``figures/``, ``reports/``), resolved once and overridable.

The project root is, in order of precedence:

1. the ``root`` argument of each function;
2. the environment variable ``INSPECTION_ANALYSIS_HOME``;
3. the repository this package is installed from (editable install from ``src/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ENV_VAR",
    "project_root",
    "data_dir",
    "figures_dir",
    "reports_dir",
    "rounds_path",
    "published_counts_path",
    "synthetic_dir",
    "raw_dir",
    "example_mapping_path",
    "DataFolder",
    "data_folder",
]

ENV_VAR = "INSPECTION_ANALYSIS_HOME"


@lru_cache(maxsize=8)
def _resolve(env_value: str | None) -> Path:
    if env_value:
        return Path(env_value).expanduser().resolve()
    # src/inspection_analysis/paths.py -> the repository root two levels above src/
    return Path(__file__).resolve().parents[2]


def project_root(root: str | os.PathLike | None = None) -> Path:
    """The project root folder (the folder holding ``data/``).

    Parameters
    ----------
    root : str or path-like, optional
        An explicit root; wins over the environment variable and the default.

    Returns
    -------
    pathlib.Path
        The absolute root folder. It is resolved once per distinct value of
        ``INSPECTION_ANALYSIS_HOME`` and cached.

    Raises
    ------
    NotADirectoryError
        If the chosen root is not an existing folder.

    Notes
    -----
    Precedence: ``root`` argument, then ``INSPECTION_ANALYSIS_HOME``, then the
    repository the package was installed from in editable mode.

    Examples
    --------
    >>> project_root().joinpath("data").is_dir()
    True
    """
    path = Path(root).expanduser().resolve() if root is not None else _resolve(os.environ.get(ENV_VAR) or None)
    if not path.is_dir():
        source = "root argument" if root is not None else (ENV_VAR if os.environ.get(ENV_VAR) else "package location")
        raise NotADirectoryError(f"project root {str(path)!r} (from the {source}) is not an existing folder")
    return path


def _location(name: str, parts: tuple[str, ...], what: str):
    """Make the public function ``name`` returning ``<project root>/<parts>``, with its docstring."""

    def location(root: str | os.PathLike | None = None) -> Path:
        return project_root(root).joinpath(*parts)

    relative = "/".join(parts)
    location.__name__ = location.__qualname__ = name
    location.__doc__ = f"""{what}: ``{relative}`` under the project root.

    Parameters
    ----------
    root : str or path-like, optional
        Overrides the project root (see :func:`project_root`).

    Returns
    -------
    pathlib.Path
        The absolute path (not created, not checked).

    Raises
    ------
    NotADirectoryError
        If the project root is not an existing folder.

    Examples
    --------
    >>> {name}().relative_to(project_root()).as_posix()
    '{relative}'
    """
    return location


#: Where each file lives inside a data folder, relative to it: the one description of the layout, used by the
#: project-root locations below and by :func:`data_folder`.
_DATA_LAYOUT = {"rounds": ("rounds.csv",), "published": ("published", "published_counts.csv"), "raw": ("raw",),
                "backups": ("backups",), "manifest": ("manifest.csv",), "synthetic": ("synthetic",)}

data_dir = _location("data_dir", ("data",), "The data folder")
figures_dir = _location("figures_dir", ("figures",), "The folder of generated figures")
reports_dir = _location("reports_dir", ("reports",), "The folder of generated reports")
rounds_path = _location("rounds_path", ("data", *_DATA_LAYOUT["rounds"]), "The rounds registry")
published_counts_path = _location("published_counts_path", ("data", *_DATA_LAYOUT["published"]),
                                  "The published figures")
synthetic_dir = _location("synthetic_dir", ("data", *_DATA_LAYOUT["synthetic"]),
                          "The folder of generated synthetic samples")
raw_dir = _location("raw_dir", ("data", *_DATA_LAYOUT["raw"]),
                    "The git-ignored folder of confidential case-level extracts")
example_mapping_path = _location("example_mapping_path", ("data", "mappings", "example_mapping.toml"),
                                 "The example column mapping")


@dataclass(frozen=True)
class DataFolder:
    """Where each file lives in a data folder: the project's ``data/``, or any folder laid out like it.

    Made by :func:`data_folder`.

    Attributes
    ----------
    root : pathlib.Path
        The data folder itself.
    rounds : pathlib.Path
        The rounds registry, ``rounds.csv``.
    published : pathlib.Path
        The published figures, ``published/published_counts.csv``.
    raw : pathlib.Path
        The recorded case-level files and their stored mappings, ``raw/`` (git-ignored).
    backups : pathlib.Path
        Files replaced by ``add-quarter --replace``, ``backups/``.
    manifest : pathlib.Path
        The checksums of every recorded file, ``manifest.csv``.
    synthetic : pathlib.Path
        The generated synthetic samples, ``synthetic/``.
    """

    root: Path
    rounds: Path
    published: Path
    raw: Path
    backups: Path
    manifest: Path
    synthetic: Path


def data_folder(data: str | os.PathLike | None = None) -> DataFolder:
    """The layout of a data folder (default: the project's ``data/``, see :func:`data_dir`).

    Examples
    --------
    >>> layout = data_folder("/x/data")
    >>> layout.rounds.as_posix(), layout.published.as_posix(), layout.raw.as_posix()
    ('/x/data/rounds.csv', '/x/data/published/published_counts.csv', '/x/data/raw')
    >>> data_folder().rounds == rounds_path()
    True
    """
    root = Path(data) if data is not None else data_dir()
    return DataFolder(root=root, **{name: root.joinpath(*parts) for name, parts in _DATA_LAYOUT.items()})
