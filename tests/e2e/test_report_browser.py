"""End to end: ``report.html`` in a real headless Chromium, as an analyst opens it (issue #15).

The report is written by the real command on the shipped data into a
temporary folder, then opened from disk in Chromium (``/usr/bin/chromium``,
driven by Playwright as in ``test_jupyterlab.py``) in a 1,280 x 800 window,
and checked as a reader would see it:

* the page has no horizontal scroll (the document is no wider than the window,
  and no table or figure sticks out of the page);
* every image has a non-empty text alternative;
* the contents list at the top links to sections that exist.

A full-page screenshot is saved to ``$IA_E2E_ARTIFACTS`` (default
``reports/e2e/``). Run with ``make e2e`` (``pytest -m e2e tests/e2e``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# The same flags as the JupyterLab end-to-end test: no sandbox (root in containers), no network chatter.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-quic", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("IA_E2E_ARTIFACTS", ROOT / "reports" / "e2e"))
WIDTH = 1280


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    res = subprocess.run([sys.executable, "-m", "inspection_analysis.cli", "report", "--no-notebooks", "--out",
                          str(out)], capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"},
                         timeout=300)
    assert res.returncode == 0, res.stderr
    return out / "reports" / "report.html"


@pytest.fixture(scope="module")
def page(report_html):
    """The report open in a fresh headless Chromium at 1,280 px; the browser is closed whatever happens."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed (make e2e installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": WIDTH, "height": 800}).new_page()
            page.goto(report_html.as_uri(), wait_until="load")
            yield page
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()


def test_no_horizontal_scroll_at_1280_px(page):
    widths = page.evaluate("""() => ({
        inner: window.innerWidth,
        client: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
    })""")
    assert widths["inner"] == WIDTH
    assert widths["scroll"] <= widths["client"], f"the page scrolls sideways: {widths}"
    assert widths["body"] <= widths["client"], f"the body is wider than the window: {widths}"
    # No single table, figure or cell sticks out to the right of the window (it could be clipped, not scrolled).
    wide = page.evaluate("""(limit) => [...document.querySelectorAll('table, figure, img, nav, p, pre, code')]
        .map(e => ({tag: e.tagName, text: (e.innerText || e.alt || '').slice(0, 60),
                    right: e.getBoundingClientRect().right, scroll: e.scrollWidth, client: e.clientWidth}))
        .filter(e => e.right > limit || (e.tag === 'TABLE' && e.scroll > e.client + 1))""", widths["client"])
    assert not wide, f"elements wider than the window: {wide[:5]}"
    page.evaluate("window.scrollTo(500, 0)")
    assert page.evaluate("window.scrollX") == 0


def test_every_image_has_alternative_text(page):
    images = page.evaluate("""() => [...document.images].map(i => ({alt: i.getAttribute('alt'),
        loaded: i.complete && i.naturalWidth > 0}))""")
    # Nine figures: 1 to 7, and 8a and 8b from the synthetic data (see tests/report/test_run.py FIGURES).
    assert len(images) == 14  # the 9 report figures and the 5 of the monitoring section
    assert all(i["loaded"] for i in images), "an image did not load"
    missing = [n for n, i in enumerate(images, start=1) if not (i["alt"] or "").strip()]
    assert not missing, f"images without alternative text: {missing}"
    assert all(len(i["alt"].split()) >= 10 for i in images), "an alternative text is too short to describe a chart"


def test_contents_list_links_to_sections(page):
    links = page.evaluate("""() => [...document.querySelectorAll('nav[aria-label="Contents"] a')]
        .map(a => ({href: a.getAttribute('href'), text: a.innerText,
                    target: !!document.getElementById(a.getAttribute('href').slice(1))}))""")
    assert [link["text"] for link in links] == ["The answer", "Figures", "Tables", "Caveats", "Data provenance",
                                                 "Versions and checksums"]
    assert all(link["target"] for link in links), links
    # The contents list sits at the top: above the answer.
    nav_top = page.locator('nav[aria-label="Contents"]').bounding_box()["y"]
    assert nav_top < page.locator("#answer").bounding_box()["y"]


def test_tables_in_words(page):
    tables = page.locator("table")
    heads = tables.nth(0).locator("th").all_inner_texts()
    assert heads[0] == "Round" and "Failure rate (95% interval)" in heads
    text = tables.nth(0).inner_text()
    assert "74.3% (69.7% to 78.5%)" in text  # 278/374 = 74.33% by hand; Wilson limits rounded
    assert "not published" in text and "mps-2017" not in text
    changes = tables.nth(1).inner_text()
    assert "p < 0.001" in changes and "p = 0.15" in changes
    sources = page.locator("#provenance ~ table a[href^='https://']")
    assert sources.count() > 0
