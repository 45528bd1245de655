"""The report's tables as an accessible spreadsheet (``reports/tables.xlsx``), written with gptables.

UK official statistics publish tables as spreadsheets that follow the
Analysis Function's guidance *Releasing statistics in spreadsheets* [1]_.
gptables [2]_ is the Analysis Function's own package for it: a cover sheet, a
contents sheet, a notes sheet and one table per sheet, each marked as an Excel
table, with no merged cells and units in the column headings. This module
only chooses the tables, their headings and the shorthand of the guidance on
symbols [3]_:

* ``[c]`` confidential: suppressed by :func:`~inspection_analysis.report.disclosure.suppress_small_counts`
  (``report --publish``);
* ``[x]`` not available: the sources published nothing for the cell;
* ``[z]`` not applicable.

Percentages are rounded to one decimal place and p-values to three
significant figures in the cells themselves, so that no precision is hidden
by formatting. Text from the data is written as text, never as a formula or
a link (``strings_to_formulas`` and ``strings_to_urls`` are off); the only
links are the sources of the published figures.

What this module relies on in gptables 2.0.2 (read in its source):

* ``gptables/core/api.py``, ``produce_workbook``: ``cover``, ``notes_table``
  (first column the note reference, renumbered in order of use),
  ``contentsheet_options`` and ``workbook_options`` passed to
  ``xlsxwriter.Workbook``; it returns the workbook, closed here after
  ``set_properties``;
* ``gptables/core/gptable.py``, ``GPTable``: ``units`` (a heading becomes
  ``"heading\n(unit)"``), ``index_columns``, ``instructions``, ``source``,
  note references written ``$$ref$$`` in a title;
* ``gptables/core/wrappers.py``: any cell or text matching ``[text](url)``
  becomes a link (``_replace_url``), ``$$ref$$`` in index columns becomes a
  note reference, an empty cell gives a warning and a cell of only symbols an
  error, so every cell here holds a value or a shorthand.

References
----------
.. [1] Government Analysis Function, "Releasing statistics in spreadsheets" (2021, updated 2024).
.. [2] gptables, https://github.com/best-practice-and-impact/gptables (``produce_workbook``,
   ``GPTable``, ``Cover``; version 2.0).
.. [3] Government Analysis Function, "Using symbols and shorthand in tables" (2021).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from pathlib import Path

import pandas as pd

from inspection_analysis import __version__
from inspection_analysis.analysis.wording import ASSESSOR_PHRASES
from inspection_analysis.project.manifest import sha256_file
from inspection_analysis.report.disclosure import suppress_small_counts
from inspection_analysis.report.words import COMPARISON_KINDS

__all__ = ["write_workbook", "SHEETS", "NOT_AVAILABLE", "NOT_APPLICABLE"]

NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
#: The table sheets, in order: sheet name -> the table it holds.
SHEETS = {
    "Table_1": "Failure rate by round",
    "Table_2": "Changes between rounds",
    "Table_3": "Trend in the failure rate",
    "Table_4": "p-chart of the failure rate",
    "Table_5": "Funnel plot of forces",
    "Table_6": "Agreement between assessors",
    "Table_7": "Provenance of every published figure",
}
# xlsxwriter writes this fixed time into the workbook's properties, as it writes a fixed time into its zip
# entries, so that the same data give a byte-identical tables.xlsx.
_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
_LINK_LIKE = re.compile(r"\]\(")  # gptables turns "[text](url)" in any cell into a link
_SHORTHAND = ("Shorthand: [c] confidential (suppressed to protect small counts), [x] not available "
              "(not published), [z] not applicable.")


def _text(value) -> str:
    """Text from the data, kept from becoming a gptables link."""
    return _LINK_LIKE.sub("] (", str(value))


def _prose(value) -> str:
    """Text from the data in a title, subtitle or the cover: no gptables link, and no "$$" note reference."""
    return _text(value).replace("$$", "$ $")


def _texts(values) -> list:
    return [_text(v) for v in values]


def _pct(values, digits: int = 1) -> list:
    """Proportions as percentages rounded to ``digits``; a suppressed ``[c]`` is kept, a missing value is [x]."""
    return [v if isinstance(v, str) else NOT_AVAILABLE if pd.isna(v) else round(100 * float(v), digits)
            for v in values]


def _num(values, digits: int | None = None) -> list:
    """Counts as whole numbers (or statistics rounded to ``digits``); [c] kept, a missing value is [x]."""
    def one(v):
        if isinstance(v, str):
            return v
        if pd.isna(v):
            return NOT_AVAILABLE
        return int(v) if digits is None else round(float(v), digits)
    return [one(v) for v in values]


def _p(values) -> list:
    """p-values to three significant figures; [c] kept, a missing value is [x]."""
    return [v if isinstance(v, str) else NOT_AVAILABLE if pd.isna(v) else float(f"{float(v):.3g}") for v in values]


def _rates(rates: pd.DataFrame, level: str) -> pd.DataFrame:
    return pd.DataFrame({
        "Round": _texts(rates["label"]), "Round ID": _texts(rates["round_id"]),
        "Assessor": [ASSESSOR_PHRASES.get(a, _text(a)) for a in rates["assessor"]],
        "Reference date": [str(d)[:10] for d in rates["reference_date"]],
        "Case files audited": _num(rates["n"]), "Case files failing": _num(rates["failures"]),
        "Failure rate": _pct(rates["rate"]), f"Lower {level} limit": _pct(rates["ci_low"]),
        f"Upper {level} limit": _pct(rates["ci_high"]),
    })


def _comparisons(comp: pd.DataFrame, labels: dict, level: str) -> pd.DataFrame:
    name = labels.get
    out = {"Rounds compared": [_text(f"{name(b, b)} to {name(f, f)}") for b, f in zip(comp["baseline"],
                                                                                       comp["follow_up"],
                                                                                       strict=True)],
           "Compared with": [COMPARISON_KINDS.get(k, _text(k)) for k in comp["kind"]],
           "First round ID": _texts(comp["baseline"]), "Second round ID": _texts(comp["follow_up"])}
    for side, words in (("baseline", "first round"), ("follow_up", "second round")):
        out[f"Case files audited, {words}"] = _num(comp[f"n_{side}"])
        out[f"Case files failing, {words}"] = _num(comp[f"failures_{side}"])
        out[f"Failure rate, {words}"] = _pct(comp[f"rate_{side}"])
        out[f"Lower {level} limit, {words}"] = _pct(comp[f"rate_{side}_low"])
        out[f"Upper {level} limit, {words}"] = _pct(comp[f"rate_{side}_high"])
    out |= {"Change in failure rate": _pct(comp["difference"]), f"Lower {level} limit of the change":
            _pct(comp["difference_low"]), f"Upper {level} limit of the change": _pct(comp["difference_high"]),
            "p-value, any change (two-sided)": _p(comp["pvalue"]),
            "p-value, improvement (one-sided)": _p(comp["pvalue_improvement"]),
            "Smallest improvement detectable with 80% power": _pct(comp["min_detectable_improvement"]),
            "Verdict": _texts(comp["verdict"])}
    return pd.DataFrame(out)


_UNITS = {"Case files": "number", "Failure rate": "%", "Lower": "%", "Upper": "%", "Change": "percentage points",
          "Smallest": "percentage points", "Share": "%", "Centre": "%", "Pooled": "%", "p-value": "probability",
          "Cochran-Armitage": "z", "Chi-squared": "statistic", "Sigma score": "standard deviations",
          "Rounds with": "number"}


def _units(table: pd.DataFrame) -> dict:
    """The unit of each numeric column, from the first word(s) of its heading."""
    units = {}
    for column in table.columns:
        unit = "percentage points" if column.endswith("of the change") else next(
            (u for start, u in _UNITS.items() if column.startswith(start)), None)
        if unit:
            units[column] = unit
    return units


def _trend(tr, names: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "Force": [_text(names.get(tr.force, tr.force))], "Rounds with published counts": [len(tr.table)],
        "First round": [_text(tr.table["label"].iloc[0])], "Last round": [_text(tr.table["label"].iloc[-1])],
        "Cochran-Armitage statistic": _num([tr.z], 3), "p-value, any linear trend (two-sided)": _p([tr.pvalue]),
        "p-value, falling rate (one-sided)": _p([tr.pvalue_falling]),
        "Chi-squared statistic of homogeneity": _num([tr.homogeneity_statistic], 2),
        "p-value, rates differ between rounds": _p([tr.homogeneity_pvalue]),
        "Finding": [_text(tr.sentence)]})


def _p_chart(pc: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Round": _texts(pc["label"]), "Round ID": _texts(pc["round_id"]),
        "Case files audited": _num(pc["n"]), "Case files failing": _num(pc["failures"]),
        "Failure rate": _pct(pc["rate"]), "Centre line": _pct(pc["centre"]),
        "Lower control limit": _pct(pc["lcl"]), "Upper control limit": _pct(pc["ucl"]),
        "Sigma score": _num(pc["sigma_score"], 2), "Zone": _texts(pc["zone"]),
        "Rules triggered": [_text(r) if isinstance(r, str) and r.strip() else "none" for r in pc["rules"]],
        "Variation": _texts(pc["special_cause"])})


def _funnel(fun: pd.DataFrame, names: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "Force": [_text(names.get(f, f)) for f in fun["force"]], "Round ID": _texts(fun["round_id"]),
        "Case files audited": _num(fun["n"]), "Case files failing": _num(fun["failures"]),
        "Failure rate": _pct(fun["rate"]), "Pooled failure rate": _pct(fun["pooled_rate"]),
        "Lower 95% limit": _pct(fun["inner_low"]), "Upper 95% limit": _pct(fun["inner_high"]),
        "Lower 99.8% limit": _pct(fun["outer_low"]), "Upper 99.8% limit": _pct(fun["outer_high"]),
        "Position against the limits": _texts(fun["label"])})


def _agreement(ag, publish: bool) -> pd.DataFrame:
    table = pd.DataFrame({
        "Measure": ["Graded failing by the force (own grading)", "Graded failing by the inspectorate (re-grade)",
                    "Agreement between the two gradings, lowest possible",
                    "Agreement between the two gradings, highest possible"],
        "cases": [ag.marginals_a[-1], ag.marginals_b[-1], ag.min_agreement, ag.max_agreement]})
    table["share"] = table["cases"] / ag.n
    if publish:
        table = suppress_small_counts(table, count_columns=["cases"], rate_columns=["share"], total_column=None)
    return pd.DataFrame({"Measure": table["Measure"].tolist(), f"Case files (of {ag.n})": _num(table["cases"]),
                         f"Share of the {ag.n} case files": _pct(table["share"])})


def _provenance(published: pd.DataFrame, rounds: pd.DataFrame) -> pd.DataFrame:
    pub = published.sort_values(["round_id", "figure_id"], kind="stable").reset_index(drop=True)
    three_point = pub["round_id"].map(dict(zip(rounds["round_id"], rounds["scale"], strict=True))).eq("3-point")
    out = {"Published figure": _texts(pub["figure_id"]), "Round ID": _texts(pub["round_id"]),
           "Case type": [_text(c) if isinstance(c, str) and c.strip() else "all cases" for c in pub["case_type"]],
           "Status": _texts(pub["status"])}
    for column, words in (("n_cases", "Case files"), ("n_good", "Case files good"),
                          ("n_adequate", "Case files adequate"),
                          ("n_requires_improvement", "Case files requiring improvement"),
                          ("n_inadequate", "Case files inadequate"), ("n_failing", "Case files failing")):
        out[words] = _num(pub[column])
    # the 3-point scale has no "adequate" grade: not applicable, rather than not published
    out["Case files adequate"] = [NOT_APPLICABLE if three and v == NOT_AVAILABLE else v
                                  for three, v in zip(three_point, out["Case files adequate"], strict=True)]
    out["Source"] = [f"[{u}]({u})" if isinstance(u, str) and re.fullmatch(r"https?://[^\s()\[\]]+", u)
                     else NOT_AVAILABLE if not isinstance(u, str) or not u.strip() else _text(u)
                     for u in pub["source_url"]]
    out["Quote"] = [_text(q) if isinstance(q, str) and q.strip() else NOT_AVAILABLE for q in pub["quote"]]
    out["How numbers were derived"] = [_text(d) if isinstance(d, str) and d.strip() else NOT_APPLICABLE
                                       for d in pub["derived_note"]]
    return pd.DataFrame(out)


def _notes(publish: bool) -> pd.DataFrame:
    notes = [
        ("failing", "A case file fails when it is graded requires improvement or inadequate, the inspectorate's "
                    "headline definition, unless the report was run with another --failing definition."),
        ("wilson", "Intervals for one round's failure rate are Wilson score intervals."),
        ("newcombe", "Intervals for a change are Newcombe's hybrid score intervals; p-values are from "
                     "Boschloo's exact test. A change is in percentage points; negative is a fall."),
        ("derived", "The assessor counts are derived from published percentages of 132 cases, not published as "
                    "counts; without a cross-tabulation agreement itself (kappa) cannot be computed."),
        ("pchart", "The p-chart has 3-sigma limits around the mean rate of the force's rounds with published "
                   "counts; with fewer than 12 rounds these are trial limits."),
        ("funnel", "Each force's latest round with a full grade split, against 95% and 99.8% limits around the "
                   "pooled rate (Public Health England's funnel-plot method)."),
        ("provenance", "Every published number used, with its source; variants are kept for provenance and never "
                       "counted. These figures are already public."),
        ("disclosure", "Counts from 1 to 9, and the cells that would reveal them, are suppressed and shown as [c]."
         if publish else "No disclosure control was applied: run report --publish before publishing these tables."),
    ]
    return pd.DataFrame({"Note reference": [key for key, _ in notes], "Note text": [text for _, text in notes]})


def _gptable(table: pd.DataFrame, sheet: str, refs: tuple[str, ...], subtitle: str, source: str):
    import gptables as gpt

    title = SHEETS[sheet] + "".join(f"$${r}$$" for r in refs)
    return gpt.GPTable(
        table=table, table_name=sheet.lower(), title=title, subtitles=[subtitle], source=source,
        units=_units(table), index_columns={},  # cells from the data are never parsed as note references
        instructions="This worksheet contains one table. Some cells refer to notes, which can be found on the "
                     "notes worksheet. " + _SHORTHAND)


def write_workbook(path: str | os.PathLike, results: dict, tables: dict[str, pd.DataFrame], inputs, *,
                   publish: bool, confidence_level: float = 0.95) -> Path:
    """Write ``reports/tables.xlsx``: cover, contents, notes and the report's seven tables.

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` file to write.
    results : dict
        The report's computed results (``rates``, ``comparisons``, ``trend``,
        ``p_chart``, ``funnel``, ``agreement``, ``verdict``).
    tables : dict of str to pandas.DataFrame
        The tables as written to CSV: ``rates``, ``comparisons``, ``p_chart``
        and ``funnel`` come from here, so that ``--publish`` suppresses the
        same cells in the workbook as in the CSVs.
    inputs : object
        The loaded project: ``published`` (the published figures),
        ``rounds`` (the registry), ``data`` (the data folder) and ``files``
        (every data file used, whose SHA-256 the cover lists).
    publish : bool
        Whether disclosure control was applied; the assessor counts are then
        suppressed here too.
    confidence_level : float, default 0.95
        Named in the headings.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    The cover holds the title, what the tables show, the source, a contact
    placeholder to fill in before publication, the package version and the
    data checksums. The same data give a byte-identical file.

    Examples
    --------
    >>> callable(write_workbook)
    True
    """
    import gptables as gpt

    level = f"{confidence_level:.0%}"
    labels = dict(zip(results["rates"]["round_id"], results["rates"]["label"], strict=True))
    force_name = _prose(_force_name(inputs, results))
    names = dict(zip(inputs.rounds["force"], inputs.rounds["force_name"], strict=True))  # force code -> name
    notes_table = _notes(publish)
    extra = ("disclosure",) if publish else ()
    published = "Source: HMIC/HMICFRS inspection reports and press coverage (data/published)."
    counts_source = published + " Case-level rounds, where recorded, from data/raw (counts only)."
    sheets = {
        "Table_1": _gptable(_rates(tables["rates"], level), "Table_1", ("failing", "wilson", *extra),
                            f"{force_name}: each audit round's share of case files failing.", counts_source),
        "Table_2": _gptable(_comparisons(tables["comparisons"], labels, level), "Table_2",
                            ("failing", "newcombe", *extra),
                            f"{force_name}: each round against the baseline and against the round before.",
                            counts_source),
        "Table_3": _gptable(_trend(results["trend"], names), "Table_3", ("failing", *extra),
                            f"{force_name}: Cochran-Armitage test for a linear trend across the rounds with "
                            "published counts.", counts_source),
        "Table_4": _gptable(_p_chart(tables["p_chart"]), "Table_4", ("pchart", *extra),
                            f"{force_name}: failure rate by round with 3-sigma control limits.", counts_source),
        "Table_5": _gptable(_funnel(tables["funnel"], names), "Table_5", ("funnel", *extra),
                            "Forces' failure rates against the number of case files audited.", published),
        "Table_6": _gptable(_agreement(results["agreement"], publish), "Table_6", ("derived", *extra),
                            "The same 2016 case files graded by the force and by the inspectorate.", published),
        "Table_7": _gptable(_provenance(inputs.published, inputs.rounds), "Table_7", ("provenance", *extra),
                            "Every published figure in data/published, with its source and quote.", published),
    }
    files = [f"{p.relative_to(inputs.data).as_posix()}: {sha256_file(p)}" for p in inputs.files]
    cover = gpt.Cover(
        title="Has any significant improvement occurred? Child-protection case-file audits",
        intro=[f"These tables show the failure rate of {force_name}'s child-protection case files in each "
               "audit round, the changes between rounds, the trend, the p-chart, the funnel plot of forces, the "
               "agreement between assessors and the source of every published figure used.",
               _prose(f"Answer: {results['verdict'].answer}. {results['verdict'].sentence}")],
        about=[published, _SHORTHAND,
               "Disclosure control was applied (report --publish)." if publish else
               "No disclosure control was applied: run report --publish before publishing.",
               f"Produced by inspection-analysis {__version__}.", "Data files used, with their SHA-256 checksums:",
               *files],
        contact=["Contact: [add the publishing team's name and email address before publication]"])
    path = Path(path)
    with warnings.catch_warnings():
        # gptables warns of a note referenced only when publishing, and pandas warns of gptables' own use of
        # deprecated pandas; neither is the analyst's concern.
        warnings.simplefilter("ignore", UserWarning)
        warnings.filterwarnings("ignore", module=r"gptables(\.|$)")
        wb = gpt.produce_workbook(
            filename=str(path), sheets=sheets, cover=cover, notes_table=notes_table,
            contentsheet_options={"additional_elements": ["subtitles"]},
            workbook_options={"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        wb.set_properties({"title": "Has any significant improvement occurred?", "created": _CREATED,
                           "comments": f"inspection-analysis {__version__}"})
        wb.close()
    return path


def _force_name(inputs, results) -> str:
    """The name of the force the report is about, from the registry row of its first round."""
    rounds = inputs.rounds
    return str(rounds.loc[rounds["round_id"] == results["rates"]["round_id"].iloc[0], "force_name"].iloc[0])
