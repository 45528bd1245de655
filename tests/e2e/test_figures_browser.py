"""End to end: every figure of the report, as Chromium draws its SVG, has no text clipped and no two texts overlapping.

Writes the report on the shipped data into a temporary folder (``run_report(out=..., notebooks=False)``), then opens
each ``figures/*.svg`` in headless Chromium (Playwright, ``/usr/bin/chromium``) and measures every ``<text>`` with
``getBBox()``, mapped into the SVG's own coordinates (its ``viewBox``) through the element's transform, so rotated
labels are measured as drawn. A text is clipped if its box leaves the viewBox; two texts overlap if their boxes share
more than a point in both directions. The SVGs keep text as text (``svg.fonttype = "none"``) in DejaVu Sans, the font
the figures are laid out with.

Run with ``make e2e`` (``pytest -m e2e tests/e2e``).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

TOLERANCE = 1.0  # in SVG units (points): rounding and hinting differences between browsers and matplotlib

# Each <text>'s box in the root <svg>'s user space (its viewBox coordinates), with the viewBox itself.
MEASURE = """() => {
  const svg = document.documentElement;
  const root = svg.getScreenCTM().inverse();
  const view = svg.viewBox.baseVal;
  const texts = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim() !== "");
  return {view: [view.x, view.y, view.width, view.height], texts: texts.map(t => {
    const b = t.getBBox();
    const m = root.multiply(t.getScreenCTM());
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]
      .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
    const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
    return {text: t.textContent, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys)};
  })};
}"""


@pytest.fixture(scope="module")
def report_svgs(tmp_path_factory):
    from inspection_analysis.report.run import run_report

    out = tmp_path_factory.mktemp("report")
    run_report(out=out, notebooks=False, progress=lambda *_: None)
    svgs = sorted((out / "figures").glob("*.svg"))
    assert svgs, "the report wrote no SVG"
    return svgs


def _problems(measured) -> list[str]:
    vx, vy, vw, vh = measured["view"]
    texts = measured["texts"]
    found = [f"clipped: {t['text']!r} at ({t['x0']:.1f}, {t['y0']:.1f})-({t['x1']:.1f}, {t['y1']:.1f}) outside "
             f"the viewBox {vw:.0f} x {vh:.0f}" for t in texts
             if t["x0"] < vx - TOLERANCE or t["y0"] < vy - TOLERANCE or t["x1"] > vx + vw + TOLERANCE
             or t["y1"] > vy + vh + TOLERANCE]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            high = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if wide > TOLERANCE and high > TOLERANCE:
                found.append(f"overlap: {a['text']!r} and {b['text']!r} share {wide:.1f} x {high:.1f}")
    return found


def test_no_figure_text_is_clipped_or_overlaps(report_svgs, wide_page):
    problems = {}
    for svg in report_svgs:
        wide_page.goto(svg.as_uri())
        measured = wide_page.evaluate(MEASURE)
        assert measured["texts"], f"{svg.name} has no text elements (text must stay text in the SVG)"
        found = _problems(measured)
        if found:
            problems[svg.name] = found
    assert not problems, "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)
