"""The ``inspection-analysis`` command.

Subcommands: ``report``, ``validate``, ``compare``, ``trend``, ``plan``,
``add-quarter``, ``sample`` and ``synth``. Nothing heavy is imported at module
level, so ``inspection-analysis --help`` is fast; each handler imports what it
needs. Expected errors (bad data, bad options, missing files) are printed as
one clear message on stderr with exit code 2 (1 for ``validate`` problems),
never as a traceback. Case identifiers are printed only by ``sample``;
problems in case-identifier columns withhold their values (``Problem.identifier``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspection_analysis.grades import FAILURE_DEFINITIONS
from inspection_analysis.schema import ASSESSORS, DATASET_ENGINES, SCALE_NAMES

__all__ = ["main", "build_parser"]



def _progress(step: int, total: int, what: str) -> None:
    print(f"[{step}/{total}] {what}", file=sys.stderr, flush=True)


def _data_root(args) -> Path | None:
    """The project root holding ``args.data`` (a folder laid out like ``data/``)."""
    if getattr(args, "data", None) is None:
        return None
    data = Path(args.data).resolve()
    if not data.is_dir():
        raise FileNotFoundError(f"data folder not found: {data}")
    return data


def _number(convert, low, high, what):
    """An argparse type: ``convert`` the text and check ``low < value < high`` (or ``value >= low`` for ints)."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        if not (low <= value if high is None else low < value < high):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
        return value

    return parse


_level = _number(float, 0, 1, "a number strictly between 0 and 1")
_positive_int = _number(int, 1, None, "a whole number of at least 1")


def _cmd_report(args) -> int:
    from inspection_analysis.report.run import run_report

    result = run_report(data=args.data, out=args.out, failing=args.failing, confidence_level=args.confidence_level,
                        publish=args.publish, notebooks=not args.no_notebooks, force=args.force,
                        accept_changed=args.accept_changed, progress=_progress, cases=args.cases,
                        engine=args.engine)
    _print_integrity(result.integrity_warnings)
    print(result.verdict_sentence)
    print(f"Report written to {result.html}")
    if result.integrity_warnings and not result.accepted_changes:
        print("error: recorded data files changed since they were recorded (see the warnings above and at the top "
              "of the report). Check them; if the changes are intended, run the report again with --accept-changed, "
              "which records the acceptance in the report", file=sys.stderr)
        return 1
    return 0


def _print_integrity(warnings) -> None:
    for warning in warnings:
        print(f"WARNING: {warning}", file=sys.stderr)


def _cmd_validate(args) -> int:
    from inspection_analysis.errors import AuditDataError
    from inspection_analysis.io import load_cases
    from inspection_analysis.io.mapping import given_mapping

    mapping = given_mapping(args.mapping, args.sheet)
    rounds = _project(args, "ri_or_inadequate").rounds
    if args.round and not (rounds["round_id"] == args.round).any():
        import pandas as pd

        new = rounds.iloc[:0].reindex([0]).assign(round_id=args.round, scale=args.scale, role="audit")
        rounds = pd.concat([rounds, new], ignore_index=True)
        print(f"round {args.round} is not registered yet: checked as a new {args.scale} round, "
              "as add-quarter will register it")
    failed = 0
    for file in args.files:
        try:
            cases = load_cases(file, mapping=mapping, rounds=rounds, round_id=args.round)
        except AuditDataError as exc:
            failed += 1
            total = len(exc.problems) + exc.omitted
            print(f"{file}: {total} problem{'s' if total != 1 else ''}")
            for problem in exc.problems:  # case identifiers are withheld (Problem.identifier)
                print(f"  {problem}")
            if exc.omitted:
                print(f"  ... and {exc.omitted} more not listed")
        except FileNotFoundError as exc:
            failed += 1
            print(f"{file}: {exc}")
        else:
            print(f"{file}: OK ({len(cases)} case files)")
    return 1 if failed else 0


def _project(args, failing):
    """The project state from :func:`load_project`, as the report reads it, with its integrity warnings printed."""
    from inspection_analysis.project.state import load_project

    project = load_project(_data_root(args), failing=failing)
    _print_integrity(project.integrity_warnings)
    return project


def _counts_and_rounds(args):
    """The project's counts table and registry: published rounds and every recorded case-level round.

    So ``compare``, ``trend`` and ``plan`` answer with the same numbers as the report.
    """
    project = _project(args, args.failing)
    return project.counts, project.rounds


def _cmd_compare(args) -> int:
    from inspection_analysis.analysis.compare import compare_rounds

    counts, rounds = _counts_and_rounds(args)
    if args.by is not None and args.by not in counts.columns:
        raise ValueError(f"--by {args.by!r}: the published figures have no {args.by!r} breakdown for these rounds")
    table = compare_rounds(counts, args.baseline, args.follow_up, by=args.by, confidence_level=args.confidence_level,
                           rounds=rounds)
    cols = [c for c in ("baseline", "follow_up", args.by, "n_baseline", "rate_baseline", "n_follow_up",
                        "rate_follow_up", "difference", "difference_low", "difference_high", "pvalue",
                        "pvalue_adjusted", "verdict") if c and c in table.columns]
    print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    for row in table.itertuples():
        print(row.sentence)
        if row.warnings:
            print(f"Caveats: {row.warnings}")
    return 0


def _cmd_trend(args) -> int:
    from inspection_analysis.analysis.pchart import p_chart
    from inspection_analysis.analysis.trend import trend

    counts, rounds = _counts_and_rounds(args)
    result = trend(counts, force=args.force, rounds=rounds)
    print(result)
    chart = p_chart(counts, force=args.force, rounds=rounds)
    print(chart.table[["label", "n", "rate", "lcl", "ucl", "special_cause"]].to_string(
        index=False, float_format=lambda v: f"{v:.4f}"))
    print(chart)
    return 0


def _grid_limit_message(err: ValueError, args) -> str:
    """The exact test's grid-size refusal, said in terms of ``plan``'s options (other errors unchanged)."""
    import math
    import re

    found = re.search(r"n2=(\d+) case files needs a grid of [\d,]+ cells, more than its limit of ([\d,]+)", str(err))
    if not found:
        return str(err)
    n2, limit = int(found[1]), int(found[2].replace(",", ""))
    # the largest n1 with (n1 + n2 + 1) (n1 + 1) <= limit
    largest = int((-(n2 + 2) + math.sqrt((n2 + 2) ** 2 - 4 * (n2 + 1 - limit))) // 2)
    return (f"--files {args.files:,} is too large for the exact test behind `plan --files`: against the {n2} case "
            f"files of {args.baseline} it works up to --files {largest:,}. For a larger audit, ask what it needs "
            "with --improvement instead (a normal approximation, accurate at that size).")


def _cmd_plan(args) -> int:
    if (args.improvement is None) == (args.files is None):
        raise ValueError("give exactly one of --improvement (files needed) or --files (improvement detectable)")
    from inspection_analysis.analysis.audit_size import files_needed
    from inspection_analysis.analysis.planning import audit_sensitivity

    counts, rounds = _counts_and_rounds(args)
    if args.files is not None:
        try:
            print(audit_sensitivity(counts, args.baseline, args.files, alpha=args.alpha, power=args.power,
                                    rounds=rounds))
        except ValueError as err:
            raise ValueError(_grid_limit_message(err, args)) from None
        return 0
    row = counts[counts["round_id"] == args.baseline]
    if row.empty or row["failures"].isna().all():
        raise ValueError(f"baseline round {args.baseline!r} has no published failure count")
    n, x = int(row["n"].iloc[0]), int(row["failures"].iloc[0])
    print(files_needed(x / n, n, args.improvement, power=args.power, alpha=args.alpha))
    return 0


def _cmd_add_quarter(args) -> int:
    from inspection_analysis.project.add_quarter import add_quarter

    added = add_quarter(args.file, args.round, label=args.label, assessor=args.assessor, period=args.period,
                        scale=args.scale, reference_date=args.reference_date, force_name=args.force_name,
                        mapping=args.mapping, sheet=args.sheet, replace=args.replace, root=args.root)
    if added.already:
        print(f"Round {added.round_id} was already added from this file ({added.n_cases} case files, SHA-256 "
              f"{added.sha256[:12]}...): nothing to do")
        return 0
    print(f"Added round {added.round_id}: {added.n_cases} case files copied to {added.path} "
          f"(SHA-256 {added.sha256[:12]}...)")
    if added.mapping:
        print(f"The column mapping is stored beside it, as {added.mapping.name}, and is used whenever it is read")
    if added.backup:
        print(f"The replaced file is kept at {added.backup}")
    return 0


def _cmd_sample(args) -> int:
    from inspection_analysis.csv_safety import write_csv
    from inspection_analysis.project.sampling import draw_sample, read_case_list

    cases = read_case_list(args.caselist, id_column=args.id_column)
    sample = draw_sample(cases, n=args.n, seed=args.seed, by=args.by, id_column=args.id_column)
    if args.out:
        write_csv(sample, args.out)
        print(f"{len(sample)} case files sampled (seed {args.seed}) written to {args.out}")
    else:
        write_csv(sample, sys.stdout)
    return 0


def _cmd_synth(args) -> int:
    from inspection_analysis.io.synthetic import write_synthetic

    written = write_synthetic(overwrite=True)
    for path in written if isinstance(written, list | tuple) else [written]:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``inspection-analysis`` command.

    Returns
    -------
    argparse.ArgumentParser
        With one subparser per subcommand, each with ``--help``.

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.parse_args(["plan", "--baseline", "mps-2016", "--files", "170"]).files
    170
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("inspection-analysis")
    except PackageNotFoundError:  # pragma: no cover
        ver = "unknown"
    parser = argparse.ArgumentParser(
        prog="inspection-analysis",
        description="Has any significant improvement occurred? Failure rates, changes and trends in "
                    "police child-protection case-file audits.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {ver}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def data_options(p, failing=True):
        p.add_argument("--data", metavar="DIR", help="a data folder laid out like data/ (default: the shipped data)")
        if failing:
            p.add_argument("--failing", choices=tuple(FAILURE_DEFINITIONS), default="ri_or_inadequate",
                           help="failure definition (default: requires improvement or inadequate)")
            p.add_argument("--confidence-level", type=_level, default=0.95, help="default 0.95")

    p = sub.add_parser("report", help="write figures/, reports/ and print the verdict")
    data_options(p)
    p.add_argument("--out", metavar="DIR", help="root for figures/ and reports/ (default: the project root)")
    p.add_argument("--publish", action="store_true", help="suppress small counts in every table written")
    p.add_argument("--no-notebooks", action="store_true", help="do not execute and render the notebooks")
    p.add_argument("--force", default="mps", metavar="CODE",
                   help="the force to answer for, a code from data/rounds.csv (default mps)")
    p.add_argument("--accept-changed", action="store_true",
                   help="accept recorded data files whose checksum changed (recorded in the report); "
                        "without it the command exits 1 after writing the report")
    p.add_argument("--cases", metavar="PATH", help="a case-level Parquet file or dataset (a folder, or for Spark a "
                                                  "URI or table) counted where it lives, instead of data/raw/")
    p.add_argument("--engine", choices=(*DATASET_ENGINES, "pandas"), default=DATASET_ENGINES[0],
                   help="how --cases is counted (default %(default)s); spark needs the spark extra, pandas reads "
                        "any case-level file type with the usual loader")
    p.set_defaults(handler=_cmd_report)

    p = sub.add_parser("validate", help="check case-level files; print every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--mapping", metavar="MAP.toml", help="column mapping for the files' headings and spellings")
    p.add_argument("--sheet", metavar="NAME", help="the workbook sheet holding the cases (overrides the mapping's)")
    p.add_argument("--round", metavar="ID", help="the round the files belong to: fills a missing round column, and "
                                                 "may be new, not registered yet (as for add-quarter)")
    p.add_argument("--scale", choices=SCALE_NAMES, default="3-point",
                   help="grading scale of the new --round (default 3-point)")
    data_options(p, failing=False)
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("compare", help="compare a follow-up round with a baseline round")
    p.add_argument("--baseline", required=True, metavar="ID")
    p.add_argument("--follow-up", required=True, metavar="ID")
    p.add_argument("--by", metavar="COLUMN", help="compare within groups, e.g. case_type")
    data_options(p)
    p.set_defaults(handler=_cmd_compare)

    p = sub.add_parser("trend", help="trend test and p-chart across a force's rounds")
    p.add_argument("--force", default="mps", help="force code (default mps)")
    data_options(p)
    p.set_defaults(handler=_cmd_trend)

    p = sub.add_parser("plan", help="size the next audit against a baseline round")
    p.add_argument("--baseline", required=True, metavar="ID")
    p.add_argument("--improvement", type=_level, help="fall in failure rate to detect (e.g. 0.10)")
    p.add_argument("--files", type=_positive_int, help="files in the next audit: what could it detect?")
    p.add_argument("--power", type=_level, default=0.8, help="default 0.8")
    p.add_argument("--alpha", type=_level, default=0.05, help="one-sided significance level (default 0.05)")
    data_options(p)
    p.set_defaults(handler=_cmd_plan)

    p = sub.add_parser("add-quarter", help="validate and add a new quarter's case-level file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--round", required=True, metavar="ID",
                   help="round id, e.g. mps-2026-q1; every row is read as this round when the file has no round column")
    p.add_argument("--label", help="the round's name in tables and figures (default: the round id)")
    p.add_argument("--assessor", choices=ASSESSORS, help="who graded the files (required for a new round)")
    p.add_argument("--period", help="the period the files cover, in words")
    p.add_argument("--scale", choices=SCALE_NAMES, help="grading scale (default 3-point)")
    p.add_argument("--reference-date", metavar="YYYY-MM-DD",
                   help="the date the round refers to, which places it in time (required for a new round)")
    p.add_argument("--force-name", help="the name of a force not yet in data/rounds.csv, e.g. 'Kent Police'")
    p.add_argument("--mapping", metavar="MAP.toml", help="column mapping for the file's headings and spellings; "
                                                         "stored beside the data and used whenever it is read")
    p.add_argument("--sheet", metavar="NAME", help="the workbook sheet holding the cases (overrides the mapping's); "
                                                   "stored in the mapping beside the data")
    p.add_argument("--replace", action="store_true", help="replace a registered round (old file kept as backup)")
    p.add_argument("--root", metavar="DIR", help="project root holding data/ (default: INSPECTION_ANALYSIS_HOME "
                                                 "or this project)")
    p.set_defaults(handler=_cmd_add_quarter)

    p = sub.add_parser("sample", help="draw a reproducible random sample of case ids for the next audit")
    p.add_argument("caselist", metavar="CASELIST", help="CSV or XLSX list of case files")
    p.add_argument("--n", type=_positive_int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--by", metavar="COLUMN", help="stratify with proportional allocation, e.g. case_type")
    p.add_argument("--id-column", default="case_id")
    p.add_argument("--out", metavar="FILE", help="write the sample to this CSV (default: print it)")
    p.set_defaults(handler=_cmd_sample)

    p = sub.add_parser("synth", help="regenerate the synthetic case-level samples in data/synthetic/")
    p.set_defaults(handler=_cmd_synth)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when ``validate`` found problems, 2 on an error
        (bad data, bad option, missing file), reported without a traceback.

    Examples
    --------
    >>> main(["plan", "--baseline", "mps-2016"])
    2
    """
    args = build_parser().parse_args(argv)
    from inspection_analysis.errors import AuditDataError

    try:
        return args.handler(args)
    except AuditDataError as exc:
        total = len(exc.problems) + exc.omitted
        print(f"error: {total} problem{'s' if total != 1 else ''} in the data:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:  # bad option; missing file, permission, lock timeout (OSError)
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
