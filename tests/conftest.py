"""Test configuration shared by the whole suite."""

import os

import matplotlib
import pytest

# Figures are tested on the returned objects and the CSV of plotted numbers, never on a screen.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def spark():
    """A real local SparkSession (``local[2]``, no UI, no network), shared by every Spark test; skipped without pyspark or Java."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (the optional `spark` extra; `make spark-test` installs it)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime for Spark (`make spark-test` installs openjdk-17-jre-headless)")
    from inspection_analysis.counts.spark import local_spark_session

    session = local_spark_session(partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def cli():
    """Run the ``inspection-analysis`` command as a user types it, in a child process: ``cli("validate", path)``.

    Keyword arguments: ``env`` (added to the environment), ``cwd`` and ``timeout`` (seconds, default 300).
    Returns the :class:`subprocess.CompletedProcess`, with ``stdout`` and ``stderr`` as text.
    """
    import subprocess
    import sys

    def run(*args, env=None, cwd=None, timeout=300):
        return subprocess.run([sys.executable, "-m", "inspection_analysis.cli", *args], capture_output=True, text=True,
                              env={**os.environ, "MPLBACKEND": "Agg", **(env or {})}, cwd=cwd, timeout=timeout)

    return run
