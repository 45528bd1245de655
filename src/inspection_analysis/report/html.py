"""Rendering the report: the Markdown summary and the self-contained HTML page.

Pure formatting of results computed by the library; no statistics here. The
HTML page has no external resources: images are embedded as base64 PNG, the
CSS is inline, there is no JavaScript.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from string import Template

import pandas as pd

from inspection_analysis import __version__
from inspection_analysis.figures.style import CATEGORICAL, GREY, HIGHLIGHT
from inspection_analysis.project.manifest import sha256_file

__all__ = ["render_markdown", "render_html", "frame_to_markdown", "frame_to_html"]

# The page uses the figures' Analysis Function colours (figures.style), set in once.
_CSS = Template("""body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#0b0c0c;
line-height:1.5}h1,h2{color:$highlight}table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid $grey;padding:.3em .6em;text-align:left}th{background:#f3f2f1}
.verdict{font-size:1.25em;border-left:6px solid $highlight;padding:.5em 1em;background:#f3f2f1}
.warning{border-left:6px solid $pink;padding:.5em 1em;background:#fbe9f1;font-weight:bold}
figure{margin:2em 0}img{max-width:100%;height:auto}figcaption{font-size:.95em;color:$dark_grey}
.synthetic{color:$pink;font-weight:bold}""").substitute(highlight=HIGHLIGHT, grey=GREY, pink=CATEGORICAL[2], dark_grey=CATEGORICAL[4])


def _fmt(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def frame_to_markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table (floats to 4 decimals).

    Examples
    --------
    >>> import pandas as pd
    >>> print(frame_to_markdown(pd.DataFrame({"a": [1], "b": [0.74331]})))
    | a | b |
    |---|---|
    | 1 | 0.7433 |
    """
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def frame_to_html(frame: pd.DataFrame, caption: str) -> str:
    """A DataFrame as an escaped HTML table with a caption.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_to_html(pd.DataFrame({"a": ["<b>"]}), "T")
    '<table><caption>T</caption><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
    """
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


_RATE_COLS = ["label", "n", "failures", "rate", "ci_low", "ci_high"]
_COMP_COLS = ["kind", "baseline", "follow_up", "rate_baseline", "rate_follow_up", "difference", "difference_low",
              "difference_high", "pvalue", "pvalue_improvement", "min_detectable_improvement", "verdict"]


def _caveats(results: dict) -> list[str]:
    out = list(results["verdict"].caveats)
    out += [s.sentence for s in results["sensitivity"]]
    out.append(results["agreement"].sentence)
    out += list(results["trend"].warnings) + list(results["p_chart"].warnings)
    out.append("Figures 8a and 8b use SYNTHETIC case-level data generated to match published margins; "
               "they illustrate the analysis and are not real audit results.")
    return list(dict.fromkeys(out))


def render_markdown(results: dict, tables: dict[str, pd.DataFrame]) -> str:
    """The Markdown summary: verdict, rates, comparisons, trend and caveats.

    Parameters
    ----------
    results : dict
        The report's computed results (see ``report.run_report``).
    tables : dict of str to pandas.DataFrame
        The tables as written (suppressed when publishing).

    Returns
    -------
    str
        Markdown text ending in a newline.

    Examples
    --------
    >>> callable(render_markdown)
    True
    """
    v = results["verdict"]
    parts = [
        "# Has any significant improvement occurred?", "", f"**{v.question}**", "",
        f"**Answer: {v.answer}.** {v.sentence}", "",
        "## Failure rate by round", "", frame_to_markdown(tables["rates"].reindex(columns=_RATE_COLS)), "",
        "## Changes between rounds", "", frame_to_markdown(tables["comparisons"].reindex(columns=_COMP_COLS)), "",
        "## Trend", "", results["trend"].sentence, "", results["p_chart"].sentence, "",
        results.get("monitoring_markdown", ""),
        "## Caveats", "", *[f"- {c}" for c in _caveats(results)], "",
    ]
    return "\n".join(parts) + "\n"


def _img(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _provenance(published: pd.DataFrame) -> str:
    rows = []
    for r in published.sort_values(["round_id", "figure_id"]).itertuples():
        numbers = ", ".join(f"{c.removeprefix('n_').replace('_', ' ')} {int(getattr(r, c))}"
                            for c in ("n_cases", "n_good", "n_requires_improvement", "n_inadequate", "n_failing")
                            if pd.notna(getattr(r, c, None)))
        rows.append(f"<tr><td>{html.escape(str(r.figure_id))}</td><td>{html.escape(str(r.status))}</td>"
                    f"<td>{html.escape(numbers)}</td><td>&ldquo;{html.escape(str(r.quote))}&rdquo;</td>"
                    f"<td>{html.escape(str(r.source_url))}</td></tr>")
    return ("<table><caption>Every published number used, with its source and quote</caption><thead><tr>"
            "<th>figure</th><th>status</th><th>numbers</th><th>quote</th><th>source URL</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def render_html(results: dict, tables: dict[str, pd.DataFrame], figures: list[dict], inputs, warnings: list[str],
                publish: bool) -> str:
    """The self-contained HTML report, top to bottom as the answer.

    Parameters
    ----------
    results : dict
        The report's computed results.
    tables : dict of str to pandas.DataFrame
        The tables as written.
    figures : list of dict
        ``name``, ``title``, ``alt`` and ``png`` (path) of each figure.
    inputs : object
        The loaded inputs: ``published`` (the published figures) and ``files``
        (every data file used).
    warnings : list of str
        Integrity warnings (checksum mismatches), shown first.
    publish : bool
        Whether small counts were suppressed in the tables.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> callable(render_html)
    True
    """

    v = results["verdict"]
    esc = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>Has any significant improvement occurred?</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>Has any significant improvement occurred?</h1>"]
    out += [f'<p class="warning" role="alert">DATA INTEGRITY WARNING: {esc(w)}</p>' for w in warnings]
    out += [f"<p>{esc(v.question)}</p>", f'<p class="verdict"><strong>Answer: {esc(v.answer)}.</strong> '
            f"{esc(v.sentence)}</p>", "<h2>Figures</h2>"]
    for f in figures:
        cls = ' class="synthetic"' if "synthetic" in f["name"] else ""
        out.append(f'<figure><img src="{_img(f["png"])}" alt="{esc(f["alt"], quote=True)}">'
                   f"<figcaption{cls}><strong>{esc(f['title'])}.</strong> {esc(f['alt'])}</figcaption></figure>")
    note = " Counts below 10 are suppressed ([c])." if publish else ""
    out.append(results.get("monitoring_html", ""))
    out += ["<h2>Tables</h2>",
            frame_to_html(tables["rates"].reindex(columns=_RATE_COLS), "Failure rate by round (Wilson intervals)."
                          + note),
            frame_to_html(tables["comparisons"].reindex(columns=_COMP_COLS),
                          "Changes between rounds (Newcombe intervals; exact tests)." + note),
            f"<p>{esc(results['trend'].sentence)}</p>", f"<p>{esc(results['p_chart'].sentence)}</p>",
            "<h2>Caveats</h2><ul>", *[f"<li>{esc(c)}</li>" for c in _caveats(results)], "</ul>",
            "<h2>Data provenance</h2>", _provenance(inputs.published),
            "<h2>Versions and checksums</h2>", f"<p>inspection-analysis {esc(__version__)}.</p>",
            "<table><caption>SHA-256 of each data file used</caption><thead><tr><th>file</th><th>SHA-256</th>"
            "</tr></thead><tbody>",
            *[f"<tr><td>{esc(p.relative_to(inputs.data).as_posix())}</td><td><code>{sha256_file(p)}</code></td></tr>"
              for p in inputs.files],
            "</tbody></table></body></html>"]
    return "\n".join(out) + "\n"
