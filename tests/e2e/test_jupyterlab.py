"""End to end: the central notebook runs in JupyterLab in a real (headless) browser.

Starts ``jupyter lab`` from this interpreter on a free localhost port with a
token, in a temporary root holding a COPY of the notebook (the committed
``.ipynb`` never gets outputs) and fresh config/settings/workspace folders (the
user's JupyterLab settings never leak in). Chromium, driven by Playwright, opens
the notebook, runs every cell through the Run menu, waits for the kernel, and
checks that the verdict is printed and that no cell shows an error. A
screenshot is saved to ``$IA_E2E_ARTIFACTS`` (default ``reports/e2e/``).

Run with ``make e2e`` (``pytest -m e2e tests/e2e``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from inspection_analysis.io import load_published, load_rounds

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "03_has_improvement_occurred.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("IA_E2E_ARTIFACTS", ROOT / "reports" / "e2e"))
SERVER_START_S = 90
RUN_ALL_S = 300

# User settings written into the fresh settings folder: no news/update checks
# (no network, no notification toast), and every cell attached to the DOM so
# that off-screen outputs can be inspected.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_S} s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen, base: str, token: str) -> None:
    """Shut the server (and the kernels it started) down, whatever state it is in."""
    if proc.poll() is None:
        request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST", data=b"")
        try:
            urllib.request.urlopen(request, timeout=10).close()
            proc.wait(timeout=20)
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            pass
    # The server runs in its own session: signal that group only (it holds the kernels).
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=15)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab serving a temporary copy of the notebook; yields (base URL, token)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed (make e2e installs it with apt)")
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    settings = tmp_path / "lab-settings"
    for name, values in USER_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    port, token = _free_port(), secrets.token_hex(24)
    log = tmp_path / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(f"{base}/api/status?token={token}", proc, log)
        yield base, token
    finally:
        _stop(proc, base, token)


@pytest.fixture
def page(chromium_page):
    """A fresh headless Chromium page (tests/e2e/conftest.py); the browser is closed whatever happens."""
    with chromium_page(1400, 1000) as fresh:
        yield fresh


def _dismiss_dialogs(page) -> None:
    """Accept any modal dialog (e.g. kernel selection) that JupyterLab may show."""
    for button in page.locator(".jp-Dialog .jp-mod-accept").all():
        button.click()


def _wait_for_idle_kernel(page, timeout_s: float) -> None:
    """Wait until the status bar shows a started kernel that is idle, accepting dialogs meanwhile."""
    deadline = time.monotonic() + timeout_s
    while True:
        _dismiss_dialogs(page)
        status = " ".join(page.locator(".jp-StatusBar-Widget").all_inner_texts())
        if re.search(r"\|\s*Idle", status) and "No Kernel" not in status:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"kernel not idle after {timeout_s} s; status bar: {status!r}")
        page.wait_for_timeout(500)


def _all_cells_ran(page) -> bool:
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
    return bool(prompts) and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts)


def _errors(page) -> list[str]:
    """Texts of outputs that show an exception (JupyterLab renders errors with the stderr MIME type)."""
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    pattern = re.compile(r"^\s*\w+(Error|Exception)\b", re.M)
    return [t for t in stderr.all_inner_texts() if "Traceback" in t or pattern.search(t)]


def test_central_notebook_runs_in_jupyterlab(lab, page):
    import inspection_analysis as ia

    base, token = lab
    # The verdict sentence the notebook prints, computed here from the same shipped data.
    expected = ia.has_improved(load_published(), rounds=load_rounds()).sentence
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "jupyterlab.png"
    try:
        page.set_default_timeout(60_000)
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        _wait_for_idle_kernel(page, 120)

        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

        deadline = time.monotonic() + RUN_ALL_S
        while not _all_cells_ran(page) and not _errors(page):
            if time.monotonic() > deadline:
                raise AssertionError(f"cells still running after {RUN_ALL_S} s")
            _dismiss_dialogs(page)
            page.wait_for_timeout(1000)
        errors = _errors(page)
        assert not errors, f"a cell shows an error:\n{errors[0][:2000]}"
        _wait_for_idle_kernel(page, 60)

        texts = page.locator(".jp-OutputArea-output").all_inner_texts()
        assert any(expected in t for t in texts), f"verdict {expected!r} not found in the rendered outputs"
        page.get_by_text(expected).first.scroll_into_view_if_needed()
    finally:
        page.screenshot(path=str(screenshot))
