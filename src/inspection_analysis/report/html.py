"""Rendering the report: the Markdown summary and the self-contained HTML page.

Pure formatting of results computed by the library; no statistics here. The
HTML page has no external resources: images are embedded as base64 PNG, the
CSS is inline, there is no JavaScript.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from string import Template

import pandas as pd

from inspection_analysis import __version__
from inspection_analysis.figures.style import CATEGORICAL, GREY, HIGHLIGHT
from inspection_analysis.project.manifest import sha256_file
from inspection_analysis.report.words import comparisons_in_words, rates_in_words

__all__ = ["render_markdown", "render_html", "frame_to_markdown", "frame_to_html", "md_escape", "SECTIONS"]

# The page uses the figures' Analysis Function colours (figures.style), set in once.
_CSS = Template("""body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#0b0c0c;
line-height:1.5}h1,h2{color:$highlight}table{border-collapse:collapse;margin:1em 0;font-size:.9em;width:100%}
caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border:1px solid $grey;padding:.3em .6em;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f3f2f1}td a,code{overflow-wrap:anywhere}.nowrap{white-space:nowrap}a{color:$highlight}
nav ul.contents{list-style:none;padding:0;margin:0 0 1em}nav ul.contents li{display:inline;margin-right:1.2em}
h2.contents{font-size:1em;margin:0}
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


# Markdown that text from the data (a round label, a quote) could inject: a backslash that escapes our own
# markup, code spans, emphasis, inline links and images "](", raw HTML or an entity, a cell break "|", a line
# break that ends the table row. "<" and "&" are escaped only where they would start markup, so that
# "p < 0.001" reads as written.
_MD_ESCAPES = [(re.compile(r"([\\`*_|])"), r"\\\1"), (re.compile(r"\]\("), r"]\\("),
               (re.compile(r"&(?=#?\w+;)"), "&amp;"), (re.compile(r"<(?=[A-Za-z/!?])"), "&lt;"),
               (re.compile(r"\r\n|\r|\n"), "<br>")]


def md_escape(text) -> str:
    """Text as literal Markdown: no raw HTML, links, emphasis, cell breaks or line breaks get through.

    Examples
    --------
    >>> print(md_escape("<script>alert(1)</script> | [x](http://e) *a* p < 0.001\\nnext"))
    &lt;script>alert(1)&lt;/script> \\| [x]\\(http://e) \\*a\\* p < 0.001<br>next
    """
    text = _fmt(text)
    for pattern, replacement in _MD_ESCAPES:
        text = pattern.sub(replacement, text)
    return text


def frame_to_markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table (floats to 4 decimals, text escaped with :func:`md_escape`).

    Examples
    --------
    >>> import pandas as pd
    >>> print(frame_to_markdown(pd.DataFrame({"a": [1], "b": [0.74331], "c": ["x|y\\nz"]})))
    | a | b | c |
    |---|---|---|
    | 1 | 0.7433 | x\\|y<br>z |
    """
    head = "| " + " | ".join(map(md_escape, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _td(text: str) -> str:
    """A table cell; a p-value ("p = 0.15", "p < 0.001") never breaks across lines."""
    cls = ' class="nowrap"' if re.match(r"p [<=>] ", text) else ""
    return f"<td{cls}>{html.escape(text)}</td>"


def frame_to_html(frame: pd.DataFrame, caption: str) -> str:
    """A DataFrame as an escaped HTML table with a caption.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_to_html(pd.DataFrame({"a": ["<b>"]}), "T")
    '<table><caption>T</caption><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
    """
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join("<tr>" + "".join(_td(_fmt(v)) for v in row) + "</tr>" for row in frame.itertuples(index=False))
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


#: The sections of the report, in order: (anchor, heading) for the contents list at the top.
SECTIONS = (("answer", "The answer"), ("figures", "Figures"), ("tables", "Tables"), ("caveats", "Caveats"),
            ("provenance", "Data provenance"), ("versions", "Versions and checksums"))


def _caveats(results: dict) -> list[str]:
    out = list(results["verdict"].caveats)
    out += [s.sentence for s in results["sensitivity"]]
    out.append(results["agreement"].sentence)
    out += list(results["trend"].warnings) + list(results["p_chart"].warnings)
    out.append("Figures 8a and 8b use SYNTHETIC case-level data generated to match published margins; "
               "they illustrate the analysis and are not real audit results.")
    return list(dict.fromkeys(out))


def _word_tables(results: dict, tables: dict[str, pd.DataFrame], confidence_level: float) -> list[tuple]:
    """(caption, table in words) for the rates and the comparisons, as written (suppressed when publishing)."""
    labels = dict(zip(results["rates"]["round_id"], results["rates"]["label"], strict=True))
    return [("Failure rate by round (Wilson intervals)", rates_in_words(tables["rates"], confidence_level)),
            ("Changes between rounds (Newcombe intervals for the change; Boschloo's exact tests)",
             comparisons_in_words(tables["comparisons"], labels, confidence_level))]


def _web_url(url) -> str | None:
    """``url`` if it is an http(s) address safe to link to, else None (never a ``javascript:`` link)."""
    url = "" if _fmt(url) == "" else str(url).strip()
    return url if re.fullmatch(r"https?://[^\s<>\"'`]+", url) else None


def render_markdown(results: dict, tables: dict[str, pd.DataFrame], confidence_level: float = 0.95,
                    published: pd.DataFrame | None = None, warnings: list[str] = ()) -> str:
    """The Markdown summary: contents, verdict, rates, comparisons, trend, caveats and sources.

    Parameters
    ----------
    results : dict
        The report's computed results (see ``report.run_report``).
    tables : dict of str to pandas.DataFrame
        The tables as written (suppressed when publishing).
    confidence_level : float, default 0.95
        Named in the table headings.
    published : pandas.DataFrame, optional
        The published figures; when given, a last section lists each with a
        link to its source.
    warnings : list of str, optional
        Integrity warnings (checksum mismatches), shown first, as in the HTML.

    Returns
    -------
    str
        Markdown text ending in a newline. Every text from the data is escaped
        with :func:`md_escape`.

    Examples
    --------
    >>> callable(render_markdown)
    True
    """
    v = results["verdict"]
    alerts = [line for w in warnings for line in (f"> **DATA INTEGRITY WARNING:** {md_escape(w)}", "")]
    parts = [*alerts, "# Has any significant improvement occurred?", "",
             " · ".join(f"[{name}](#{name.lower().replace(' ', '-')})"
                        for name in ("Answer", "Failure rate by round", "Changes between rounds", "Trend",
                                     "Caveats", *(("Data provenance",) if published is not None else ()))), "",
             "## Answer", "", f"**{md_escape(v.question)}**", "",
             f"**Answer: {md_escape(v.answer)}.** {md_escape(v.sentence)}", ""]
    for (caption, table), heading in zip(_word_tables(results, tables, confidence_level),
                                         ("Failure rate by round", "Changes between rounds"), strict=True):
        parts += [f"## {heading}", "", md_escape(caption) + ".", "", frame_to_markdown(table), ""]
    parts += ["## Trend", "", md_escape(results["trend"].sentence), "", md_escape(results["p_chart"].sentence), "",
              results.get("monitoring_markdown", ""),
              "## Caveats", "", *[f"- {md_escape(c)}" for c in _caveats(results)], ""]
    if published is not None:
        parts += ["## Data provenance", "", "Every published number used, with its source.", "",
                  _md_provenance(published), ""]
    return "\n".join(parts) + "\n"


def _img(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _link(url) -> str:
    safe = _web_url(url)
    text = html.escape(_fmt(url))
    return f'<a href="{html.escape(safe, quote=True)}">{text}</a>' if safe else text


def _numbers(r) -> str:
    """The numbers of one published figure in words, e.g. ``'cases 374, failing 278'``."""
    return ", ".join(f"{c.removeprefix('n_').replace('_', ' ')} {int(getattr(r, c))}"
                     for c in ("n_cases", "n_good", "n_requires_improvement", "n_inadequate", "n_failing")
                     if pd.notna(getattr(r, c, None)))


def _provenance(published: pd.DataFrame) -> str:
    rows = []
    for r in published.sort_values(["round_id", "figure_id"]).itertuples():
        rows.append(f"<tr><td>{html.escape(str(r.figure_id))}</td><td>{html.escape(str(r.status))}</td>"
                    f"<td>{html.escape(_numbers(r))}</td><td>&ldquo;{html.escape(str(r.quote))}&rdquo;</td>"
                    f"<td>{_link(r.source_url)}</td></tr>")
    return ("<table><caption>Every published number used, with its source and quote</caption><thead><tr>"
            '<th scope="col">Published figure</th><th scope="col">Status</th><th scope="col">Numbers</th>'
            '<th scope="col">Quote</th><th scope="col">Source</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _md_provenance(published: pd.DataFrame) -> str:
    """Every published figure with a link to its source (a Markdown autolink only for a safe web address)."""
    def source(url) -> str:
        safe = _web_url(url)
        return f"<{safe}>" if safe and "|" not in safe else md_escape(url)

    rows = [f"| {md_escape(r.figure_id)} | {md_escape(r.status)} | {md_escape(_numbers(r))} | {source(r.source_url)} |"
            for r in published.sort_values(["round_id", "figure_id"]).itertuples()]
    return "\n".join(["| Published figure | Status | Numbers | Source |", "|---|---|---|---|", *rows])


def _contents() -> str:
    return ('<nav aria-label="Contents"><h2 class="contents">Contents</h2><ul class="contents">'
            + "".join(f'<li><a href="#{anchor}">{name}</a></li>' for anchor, name in SECTIONS) + "</ul></nav>")


def render_html(results: dict, tables: dict[str, pd.DataFrame], figures: list[dict], inputs, warnings: list[str],
                publish: bool, confidence_level: float = 0.95) -> str:
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
    confidence_level : float, default 0.95
        Named in the table headings.

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
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Has any significant improvement occurred?</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>Has any significant improvement occurred?</h1>", _contents()]
    out += [f'<p class="warning" role="alert">DATA INTEGRITY WARNING: {esc(w)}</p>' for w in warnings]
    out += ['<h2 id="answer">The answer</h2>', f"<p>{esc(v.question)}</p>",
            f'<p class="verdict"><strong>Answer: {esc(v.answer)}.</strong> {esc(v.sentence)}</p>',
            '<h2 id="figures">Figures</h2>']
    for f in figures:
        cls = ' class="synthetic"' if "synthetic" in f["name"] else ""
        out.append(f'<figure><img src="{_img(f["png"])}" alt="{esc(f["alt"], quote=True)}">'
                   f"<figcaption{cls}><strong>{esc(f['title'])}.</strong> {esc(f['alt'])}</figcaption></figure>")
    note = " Counts below 10 are suppressed ([c])." if publish else ""
    out.append(results.get("monitoring_html", ""))
    out.append('<h2 id="tables">Tables</h2>')
    out += [frame_to_html(table, caption + "." + note) for caption, table in
            _word_tables(results, tables, confidence_level)]
    out += [f"<p>{esc(results['trend'].sentence)}</p>", f"<p>{esc(results['p_chart'].sentence)}</p>",
            '<h2 id="caveats">Caveats</h2><ul>', *[f"<li>{esc(c)}</li>" for c in _caveats(results)], "</ul>",
            '<h2 id="provenance">Data provenance</h2>', _provenance(inputs.published),
            '<h2 id="versions">Versions and checksums</h2>', f"<p>inspection-analysis {esc(__version__)}.</p>",
            '<table><caption>SHA-256 of each data file used</caption><thead><tr><th scope="col">File</th>'
            '<th scope="col">SHA-256</th></tr></thead><tbody>',
            *[f"<tr><td>{esc(p.relative_to(inputs.data).as_posix())}</td><td><code>{sha256_file(p)}</code></td></tr>"
              for p in inputs.files],
            "</tbody></table></body></html>"]
    return "\n".join(out) + "\n"
