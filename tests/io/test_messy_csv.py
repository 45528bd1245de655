"""Property: in a randomly messy CSV, every row either loads unchanged or is reported, and the counts add up.

hypothesis builds each file from a seed: quoting (minimal or all), line
breaks, quotes, delimiters and odd Unicode inside notes, a UTF-8 or UTF-16
byte-order mark or none, comma, semicolon or tab delimiters, spellings of
rounds and grades that are valid after trimming and case-folding, and bad
rows of three kinds whose spreadsheet rows the test knows: an unknown grade,
an exact duplicate ``case_id``, and a look-alike one (case or full-width
letters).
"""

from __future__ import annotations

import csv
import io
import tempfile
import warnings
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from inspection_analysis.errors import AuditDataError
from inspection_analysis.io import load_cases

ROUNDS = {"mps-2017-q3": ["mps-2017-q3", "MPS-2017-Q3", " mps-2017-q3 "], "mps-2017-q4": ["mps-2017-q4", "Mps-2017-Q4"]}
GRADES = {"good": ["good", "Good ", "GOOD"], "inadequate": [" inadequate", "Inadequate"],
          "requires improvement": ["requires improvement", "Requires  Improvement"]}
BAD_GRADES = ["goood", "g\u043e\u043ed", "excellent"]  # the second holds two Cyrillic o's
NOTE_TEXT = st.lists(st.sampled_from(list("ab ,;\t\"'\n\r") + ["é", "\u00a0", "ο", "📁", "N/A", "NA"]),
                     max_size=8).map("".join)


@st.composite
def messy_file(draw):
    """The CSV's bytes, the rows expected to load (canonical values) and the spreadsheet rows that must be reported."""
    n = draw(st.integers(1, 25))
    rows, expected, bad = [], [], set()
    for i in range(n):
        round_id = draw(st.sampled_from(sorted(ROUNDS)))
        grade = draw(st.sampled_from(sorted(GRADES)))
        case_id, note = f"C{i}", draw(NOTE_TEXT)
        kind = draw(st.sampled_from(["ok"] * 6 + ["bad grade", "duplicate", "look-alike"]))
        spelt_grade = draw(st.sampled_from(GRADES[grade]))
        if kind == "bad grade":
            spelt_grade = draw(st.sampled_from(BAD_GRADES))
            bad.add(i + 2)
        elif kind != "ok" and i > 0:
            j = draw(st.integers(0, i - 1))
            round_id, base = expected[j]["round_id"], expected[j]["case_id"]
            case_id = base if kind == "duplicate" else draw(st.sampled_from([base.lower(), "\uff23" + base[1:]]))
            bad.update({j + 2, i + 2})
        rows.append([draw(st.sampled_from(ROUNDS[round_id])), case_id, spelt_grade, note])
        expected.append({"round_id": round_id, "case_id": case_id, "grade": grade, "notes": note.strip() or None})
    delimiter, ending = draw(st.sampled_from([",", ";", "\t"])), draw(st.sampled_from(["\n", "\r\n"]))
    if ending == "\n":  # Python's writer then leaves a lone carriage return unquoted: no reader could tell it apart
        rows = [[*row[:3], row[3].replace("\r", "")] for row in rows]
        for row in expected:
            row["notes"] = row["notes"] and (row["notes"].replace("\r", "").strip() or None)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
                        lineterminator=ending)
    writer.writerows([["round_id", "case_id", "grade", "notes"], *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))  # Python's utf-16 writes a byte-order mark
    return out.getvalue().encode(encoding), expected, bad


def _reported_rows(problems) -> list[int]:
    assert all(p.row is not None for p in problems), "the whole file was refused: " + "; ".join(map(str, problems))
    return sorted(r for p in problems for r in range(p.row, (p.last_row or p.row) + 1))


@settings(max_examples=100, deadline=None)
@given(messy_file())
def test_every_row_loads_unchanged_or_is_reported(case):
    data, expected, bad = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "messy.csv"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing is handled out of sight either
            try:
                cases = load_cases(path)
            except AuditDataError as exc:
                assert exc.omitted == 0
                reported = _reported_rows(exc.problems)
                assert set(reported) == bad, str(exc)
                # the rows add up: those reported and those that would load are all the rows, once each
                assert len(set(reported)) + (len(expected) - len(bad)) == len(expected)
                return
    assert not bad
    assert len(cases) == len(expected)
    loaded = cases.astype(object).where(cases.notna(), None)
    assert loaded[["round_id", "case_id", "grade", "notes"]].to_dict("records") == expected
