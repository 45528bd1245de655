"""Shared helpers for the benchmark scripts: timing, memory, summary lines, data.

Import-only: running this file does nothing (``make bench`` runs every
``benchmarks/*.py``). The scripts import it as ``from _common import ...``,
which works because Python puts the script's folder first on ``sys.path``.

Timing. Project code and its baseline run in the same process, alternating
(project, baseline, baseline, project, ...), after a warm-up, and each is
summarised by its median. Ratios are project / baseline, so lower is better.

Memory. Peak resident memory is measured in a child process: the scripts
re-run themselves with ``--child ...``; the child records its resident set
after imports and its high-water mark (``VmHWM``) at the end, and prints
both as one JSON line. The parent also reads the child's own ``ru_maxrss``
from ``os.wait4`` (which Linux carries over from the parent at the spawn, so
the parent is kept small where that figure is used). ``tracemalloc`` is not used because it does not see
Arrow's memory pool, which is where ``read_csv(engine="pyarrow")`` and
``read_parquet`` allocate.

Data. The synthetic national case-level file (43 forces x 24 quarters x about
1,000 cases) is generated here with numpy and pyarrow, seeded, and always
written into a temporary folder, never into the repository's ``data/``. It is
synthetic and says so: in its file names and in a ``synthetic`` column.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024**2
SEED = 20161125  # publication date of the 2016 inspection report

# --------------------------------------------------------------------------
# timing


def time_alternating(cases: dict[str, Callable[[], object]], repeat: int = 5, warmup: int = 1) -> dict[str, list[float]]:
    """Time each callable ``repeat`` times, alternating, after ``warmup`` untimed runs.

    The order is reversed on every other repetition (ABBA...) so that drift in
    machine load (2 shared cores) falls on both sides equally.
    """
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            cases[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeat):
        for name in names if i % 2 == 0 else reversed(names):
            gc.collect()
            start = time.perf_counter()
            cases[name]()
            times[name].append(time.perf_counter() - start)
    return times


def median(values) -> float:
    """The median of a list of timings."""
    return statistics.median(values)


def print_timings(times: dict[str, list[float]], unit: str = "s") -> dict[str, float]:
    """Print the median and the range of each entry; return the medians."""
    scale = {"s": 1.0, "ms": 1e3}[unit]
    medians = {}
    width = max(len(name) for name in times)
    for name, values in times.items():
        medians[name] = median(values)
        print(
            f"  {name:<{width}}  median {medians[name] * scale:9.3f} {unit}"
            f"   (min {min(values) * scale:.3f}, max {max(values) * scale:.3f}, runs {len(values)})"
        )
    return medians


# --------------------------------------------------------------------------
# the summary lines


def ratio_target(name: str, project: float, baseline: float, goal: float) -> bool:
    """Print ``target NAME: ratio R (goal <= G) PASS|FAIL``; return whether it passed."""
    ratio = project / baseline
    ok = ratio <= goal
    print(f"target {name}: ratio {ratio:.2f} (goal <= {goal:g}) {'PASS' if ok else 'FAIL'}")
    return ok


def absolute_target(name: str, value: float, goal: float, unit: str) -> bool:
    """Print ``target NAME: V unit (goal < G unit) PASS|FAIL``; return whether it passed."""
    ok = value < goal
    print(f"target {name}: {value:.3g} {unit} (goal < {goal:g} {unit}) {'PASS' if ok else 'FAIL'}")
    return ok


def info_line(name: str, text: str) -> None:
    """Print an informational result that has no goal (``info NAME: ...``)."""
    print(f"info {name}: {text}")


# --------------------------------------------------------------------------
# child processes and peak memory


@dataclass(frozen=True)
class ChildRun:
    """What a child process did: wall time, its own peak RSS, output."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = float("nan")  # user + system time of the child and the children it waited for

    def json(self) -> dict:
        """The last stdout line, parsed as JSON (what ``child_report`` printed)."""
        return json.loads(self.stdout.strip().splitlines()[-1])


def run_child(argv: list[str], timeout: float = 600.0, env: dict[str, str] | None = None) -> ChildRun:
    """Run ``argv``; return wall time and the child's own peak RSS (``os.wait4``).

    ``os.wait4`` gives the resource usage of exactly this child (and the
    children it waited for), unlike ``getrusage(RUSAGE_CHILDREN)``, whose
    ``ru_maxrss`` is the largest over every child this process ever reaped.
    Linux keeps ``ru_maxrss`` across ``execve``, so the figure is at least the
    parent's resident set at the time of the spawn: keep the parent small, or
    have the child report its own ``peak_rss()``.
    """
    out_path, err_path = _scratch("stdout"), _scratch("stderr")
    with open(out_path, "w+") as out, open(err_path, "w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT, env=env)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    os.unlink(out_path)
    os.unlink(err_path)
    return ChildRun(seconds, usage.ru_maxrss * 1024, proc.returncode, stdout, stderr, usage.ru_utime + usage.ru_stime)


def _scratch(kind: str) -> str:
    import tempfile

    fd, path = tempfile.mkstemp(prefix=f"ia-bench-{kind}-")
    os.close(fd)
    return path


def run_self_child(script: str, *args: str, timeout: float = 600.0) -> ChildRun:
    """Re-run a benchmark script as ``python SCRIPT --child ARGS...``; fail loudly on error."""
    run = run_child([sys.executable, script, "--child", *args], timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"child {script} {' '.join(args)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return run


def dispatch(main: Callable[[], None], child: Callable[..., None]) -> None:
    """Run ``child(*args)`` when invoked as ``SCRIPT --child ARGS...``, else ``main()``."""
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:])
    else:
        main()


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not found in /proc/self/status")


def rss_now() -> int:
    """This process's current resident set size in bytes (``VmRSS``, Linux)."""
    return _status_bytes("VmRSS")


def peak_rss() -> int:
    """This process's peak resident set size so far, in bytes (``VmHWM``, Linux).

    Not ``ru_maxrss``: Linux keeps ``ru_maxrss`` across ``execve``, so a child
    started by a large parent would report the parent's size.
    """
    return _status_bytes("VmHWM")


def child_report(**fields) -> None:
    """Print ``fields`` plus this process's peak RSS as one JSON line (child side)."""
    print(json.dumps({**fields, "peak_rss_bytes": peak_rss()}))


def mib(n_bytes: float) -> str:
    """Format bytes as MiB."""
    return f"{n_bytes / MIB:,.0f} MiB"


# --------------------------------------------------------------------------
# the machine


def machine_info() -> dict[str, str]:
    """nproc, memory, CPU model, Python and library versions, and the date.

    Versions come from the installed metadata, so nothing heavy is imported
    (the parent of ``report.py``'s child processes stays small).
    """
    from importlib.metadata import version

    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as fh:
        mem_kib = int(fh.readline().split()[1])
    return {
        "date": _dt.date.today().isoformat(),
        "nproc": str(os.cpu_count()),
        "affinity": str(len(os.sched_getaffinity(0))),
        "memory": f"{mem_kib / 1024**2:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "versions": ", ".join(
            f"{name} {version(name)}" for name in ("pandas", "numpy", "pyarrow", "duckdb", "scipy", "statsmodels")
        ),
    }


def print_header(title: str) -> None:
    """Print the benchmark's title and the machine it runs on."""
    print(f"# {title}")
    for key, value in machine_info().items():
        print(f"#   {key}: {value}")


# --------------------------------------------------------------------------
# the synthetic national case-level file

N_FORCES = 43
N_QUARTERS = 24
FIRST_YEAR = 2019
# share of applicable cases with no result for a criterion anyway (invented, synthetic)
CRITERION_NA = 0.03
# pass probability by grade on the 3-point scale: good, requires improvement, inadequate (invented)
CRITERION_PASS = (0.92, 0.66, 0.35)


def national_round_ids(n_quarters: int = N_QUARTERS) -> list[str]:
    """Round ids of the synthetic national audit, one per quarter, shared by every force."""
    return [f"national-{FIRST_YEAR + q // 4}-q{q % 4 + 1}" for q in range(n_quarters)]


def national_rounds(n_quarters: int = N_QUARTERS):
    """The synthetic rounds registry (a pandas DataFrame with the registry columns).

    A national round is one quarter's audit in every force, so the registry's
    ``force`` is ``national`` and the case-level rows carry a ``force`` column.
    """
    import pandas as pd

    rows = []
    for q, round_id in enumerate(national_round_ids(n_quarters)):
        year, quarter = FIRST_YEAR + q // 4, q % 4 + 1
        rows.append(
            {
                "round_id": round_id,
                "force": "national",
                "force_name": "Synthetic national audit (all forces)",
                "label": f"{year} Q{quarter} (synthetic)",
                "period": f"{year} Q{quarter}",
                "publication_date": "",
                "reference_date": f"{year}-{3 * quarter:02d}-30",
                "assessor": "inspectorate",
                "scale": "3-point", "role": "audit",
                "sample": "synthetic national benchmark sample",
                "source_url": "",
                "notes": "SYNTHETIC: generated by benchmarks/_common.py; no real figures",
            }
        )
    return pd.DataFrame(rows)


def national_table(cases_per_cell: int = 1000, *, n_forces: int = N_FORCES, n_quarters: int = N_QUARTERS,
                   seed: int = SEED, start: int = 0):
    """Synthetic case-level rows of a national audit, as a pyarrow Table.

    Every force is audited every quarter; each force-quarter gets between 0.9
    and 1.1 times ``cases_per_cell`` cases (about 1,030,000 rows by default).
    The failure rate varies by force and falls slowly over the quarters;
    criterion results depend on the grade. Every number here is invented.
    ``start`` offsets the case numbers so that chunks written separately keep
    case ids unique within a round.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    n_cells = n_forces * n_quarters
    sizes = rng.integers(int(0.9 * cases_per_cell), int(1.1 * cases_per_cell) + 1, n_cells)
    total = int(sizes.sum())
    cell = np.repeat(np.arange(n_cells, dtype=np.int32), sizes)
    force, quarter = cell // n_quarters, cell % n_quarters
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes) + start

    from inspection_analysis.grades import SCALES
    from inspection_analysis.schema import CASE_TYPES, CRITERIA, CRITERION_APPLIES_TO, CRITERION_VALUES

    force_effect = rng.normal(0.0, 0.08, n_forces)
    p_fail = np.clip(0.74 + force_effect[force] - 0.004 * quarter, 0.05, 0.95)
    u = rng.random(total)
    grade = np.where(u >= p_fail, 0, np.where(u < 0.45 * p_fail, 2, 1)).astype(np.int8)

    forces = [f"f{f:02d}" for f in range(1, n_forces + 1)]
    round_col = _categorical(quarter, national_round_ids(n_quarters))
    force_col = _categorical(force, forces)
    prefix = pc.binary_join_element_wise(force_col.cast(pa.string()), round_col.cast(pa.string()), "-")
    case_type = rng.integers(0, len(CASE_TYPES), total, dtype=np.int8)
    columns = {
        "round_id": round_col,
        "force": force_col,
        "case_id": pc.binary_join_element_wise(prefix, pc.cast(pa.array(within), pa.string()), "-"),
        "case_type": _categorical(case_type, CASE_TYPES),
        "grade": _categorical(grade, SCALES["3-point"]),
    }
    pass_prob = np.asarray(CRITERION_PASS)[grade]
    for name in CRITERIA:
        applies = np.isin(case_type, [CASE_TYPES.index(t) for t in CRITERION_APPLIES_TO[name]])
        not_applicable = ~applies | (rng.random(total) < CRITERION_NA)
        value = np.where(not_applicable, 2, np.where(rng.random(total) < pass_prob, 0, 1)).astype(np.int8)
        columns[name] = _categorical(value, CRITERION_VALUES)
    columns["synthetic"] = pa.array(np.ones(total, dtype=bool))
    return pa.table(columns)


def _categorical(codes, labels):
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(list(labels), pa.string()))


def write_table(table, path: Path) -> Path:
    """Write a pyarrow Table as CSV or Parquet, chosen by the suffix of ``path``."""
    if path.suffix == ".csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path, row_group_size=256 * 1024)
    else:
        raise ValueError(f"unknown suffix {path.suffix!r} in {path}; use .csv or .parquet")
    return path
