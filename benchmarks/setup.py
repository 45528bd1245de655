"""Benchmark: a fresh install of the report's lock, pip against uv.

Target
------
setup_uv_speedup   pip's time / uv's time to install requirements-report.lock   >= 3

Each installer installs every package of ``requirements-report.lock`` (hashes
required, no dependency resolution beyond the lock) into a new temporary
virtual environment, with an empty temporary cache, so both download and
unpack everything. Each runs as the Makefile runs (or, for pip, used to run)
it: pip compiles every module to bytecode as it installs, uv does not (Python
compiles a module the first time it is imported and keeps it: the Makefile's
``.venv`` keeps bytecode even where PYTHONDONTWRITEBYTECODE is set, so the first
report after a fresh set-up takes a few seconds more, once). Only installing is
timed: the environments are made first, with ``python -m venv``. pip uses its
own configuration on this machine; uv gets the same indexes through
``tools/run_uv.py``, as in the Makefile. The two alternate (pip, uv, then uv,
pip with ``--runs 2``) and are summarised by their medians. The project itself
is not installed. Exit code is 0 even when the target fails.

    python benchmarks/setup.py [--runs N]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import _common as bench

LOCK = bench.ROOT / "requirements-report.lock"
RUN_UV = bench.ROOT / "tools" / "run_uv.py"
GOAL = 3.0


def _venv(parent: Path, name: str) -> Path:
    """A new virtual environment (with pip) under ``parent``; its Python."""
    subprocess.run([sys.executable, "-m", "venv", str(parent / name)], check=True)
    return parent / name / "bin" / "python"


def _pip(python: Path, cache: Path) -> list[list[str]]:
    return [[str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--cache-dir", str(cache),
             "--require-hashes", "--no-deps", "-r", str(LOCK)]]


def _uv(python: Path, cache: Path) -> list[list[str]]:
    return [[sys.executable, str(RUN_UV), "pip", "install", "--quiet", "--python", str(python), "--cache-dir",
             str(cache), "--require-hashes", "--no-deps", "-r", str(LOCK)]]


INSTALLERS = {"pip": _pip, "uv": _uv}


def _install(name: str) -> float:
    with tempfile.TemporaryDirectory(prefix=f"ia-bench-setup-{name}-") as tmp:
        python = _venv(Path(tmp), "venv")
        cache = Path(tmp) / "cache"
        cache.mkdir()
        seconds = cpu = 0.0
        for argv in INSTALLERS[name](python, cache):
            run = bench.run_child(argv, timeout=1800, env=dict(os.environ))
            if run.returncode != 0:
                raise RuntimeError(f"{name} install failed ({run.returncode}):\n{run.stderr[-3000:]}")
            seconds, cpu = seconds + run.seconds, cpu + run.cpu_seconds
        size = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
        compiled = sum(1 for _ in (python.parent.parent / "lib").rglob("*.pyc"))
    print(f"  {name}: {seconds:.1f} s (CPU {cpu:.1f} s), {compiled} modules compiled, cache filled with "
          f"{bench.mib(size)}", flush=True)
    return seconds


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1
    bench.print_header("setup: fresh install of requirements-report.lock, pip against uv")
    packages = sum(1 for line in LOCK.read_text().splitlines() if line[:1].isalnum())
    print(f"#   {packages} packages in {LOCK.name}; uv {_uv_version()}")
    names = list(INSTALLERS)
    times: dict[str, list[float]] = {name: [] for name in names}
    try:
        for i in range(runs):
            for name in names if i % 2 == 0 else reversed(names):
                times[name].append(_install(name))
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"  {exc}")
        print("target setup_uv_speedup: not measured (an install failed) FAIL")
        return
    pip, uv = bench.median(times["pip"]), bench.median(times["uv"])
    print()
    bench.info_line("setup_pip_seconds", f"{pip:.1f} s")
    bench.info_line("setup_uv_seconds", f"{uv:.1f} s")
    speedup = pip / uv
    print(f"target setup_uv_speedup: ratio {speedup:.3g} (goal >= {GOAL:g}) {'PASS' if speedup >= GOAL else 'FAIL'}")


def _uv_version() -> str:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    try:
        return subprocess.run([uv, "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "not found"


if __name__ == "__main__":
    main()
