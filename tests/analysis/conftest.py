"""Fixtures of the analysis tests: hand-made series for the monitoring modules."""

import pandas as pd
import pytest


def series(failures, n, *, assessor="inspectorate", scale="3-point", missing=()):
    """A counts table and a registry for force "x": one round per count, 90 days apart."""
    ids = [f"r{i:02d}" for i in range(len(failures) + len(missing))]
    counts = pd.DataFrame({"round_id": ids, "n": pd.array(list(n) + list(missing), dtype="Int64"),
                           "failures": pd.array(list(failures) + [pd.NA] * len(missing), dtype="Int64")})
    size = len(ids)
    reg = pd.DataFrame({"round_id": ids, "force": "x", "label": [f"round {i}" for i in range(size)],
                        "reference_date": pd.date_range("2016-01-01", periods=size, freq="90D").strftime("%Y-%m-%d"),
                        "assessor": assessor if isinstance(assessor, str) else list(assessor),
                        "scale": scale if isinstance(scale, str) else list(scale), "role": "audit"})
    return counts, reg


@pytest.fixture(name="series")
def series_fixture():
    """The function ``series(failures, n, *, assessor=..., scale=..., missing=())`` -> (counts, registry)."""
    return series
