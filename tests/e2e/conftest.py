"""Shared by the end-to-end tests: one way to open a page in headless Chromium."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


@contextlib.contextmanager
def _page(width: int, height: int):
    """A fresh page of headless Chromium (Playwright) with a viewport of ``width`` x ``height``; closed after."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed (make e2e installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_context(viewport={"width": width, "height": height}).new_page()
        finally:
            browser.close()


@pytest.fixture(scope="session")
def chromium_page():
    """Opens pages: ``with chromium_page(width, height) as page: ...`` (skips the test if Chromium is missing)."""
    return _page


@pytest.fixture(scope="module")
def wide_page():
    """A 1,280 x 1,000 page (the report's target window), shared by the tests of one module."""
    with _page(1280, 1000) as page:
        yield page
