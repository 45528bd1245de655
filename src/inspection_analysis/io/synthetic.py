"""Seeded synthetic case-level samples that reproduce the published margins.

SYNTHETIC DATA: no real case file is represented. Each round reproduces every
published margin exactly (the number of case files; the grade counts where
they were published; otherwise the requires-improvement-or-inadequate total,
with the split between the two failing grades *invented*; published subgroups
such as the 34 online-abuse cases of 2018). Case types and criterion outcomes
are made up. :func:`synthetic_margins` says which numbers are published,
derived or invented. Rounds with no published counts (the 2017 Q2 audit of
170 files) get no rows at all.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from inspection_analysis import paths
from inspection_analysis.errors import AuditDataWarning
from inspection_analysis.grades import DEFAULT_FAILING, GRADE_COUNT_COLUMNS, GRADE_DTYPE, SCALES
from inspection_analysis.io import load_published, load_rounds
from inspection_analysis.schema import CASE_TYPES, CRITERIA, CRITERION_APPLIES_TO, CRITERION_VALUES

__all__ = ["SEED", "make_synthetic_cases", "synthetic_margins", "make_synthetic_double_graded", "write_synthetic"]

#: The default seed: the publication date of the 2016 inspection report.
SEED = 20161125
#: Invented mix of case types for cases not in a published subgroup.
CASE_TYPE_WEIGHTS = {"child sexual exploitation": 0.2, "missing child": 0.2, "online abuse": 0.15,
                     "domestic abuse": 0.2, "custody": 0.05, "sex offender management": 0.1, "other": 0.1}
#: Invented chance that an applicable criterion fails, by grade (failing cases fail more).
CRITERION_FAIL_PROB = {"good": 0.05, "adequate": 0.15, "requires improvement": 0.35, "inadequate": 0.65}
#: Invented cross-tabulation of the 2016 double grading: cases failed by both the force and HMIC.
BOTH_FAILING_2016 = 24


def _rng(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _published_tables():
    rounds = load_rounds()
    pub = load_published(rounds=rounds)
    return rounds, pub[pub["status"] == "primary"]


def _ri_share(pub: pd.DataFrame) -> float:
    """Share of requires improvement among failing grades, pooled over Met rounds publishing the split."""
    both = pub[(pub["round_id"].str.startswith("mps-")) & (pub["case_type"] == "")].dropna(
        subset=["n_requires_improvement", "n_inadequate"])
    return float(both["n_requires_improvement"].sum() / (both["n_requires_improvement"] + both["n_inadequate"]).sum())


def _round_margins(rid: str, row, scale: tuple[str, ...], ri_share: float) -> list[dict] | None:
    """Grade counts for one round and the record of each margin's status; ``None`` without counts."""
    n = row["n_cases"]
    cols = [GRADE_COUNT_COLUMNS[g] for g in scale]
    rec = [dict(round_id=rid, case_type="", margin="n_cases", value=int(n), status="published")]
    if pd.notna(n) and all(pd.notna(row[c]) for c in cols):
        return rec + [dict(round_id=rid, case_type="", margin=c, value=int(row[c]), status="published") for c in cols]
    if pd.isna(n) or pd.isna(row["n_failing"]) or scale != SCALES["3-point"]:
        return None
    nf = int(row["n_failing"])
    ri = int(round(nf * ri_share))
    return rec + [
        dict(round_id=rid, case_type="", margin="n_failing", value=nf, status="published"),
        dict(round_id=rid, case_type="", margin="n_good", value=int(n) - nf, status="derived"),
        dict(round_id=rid, case_type="", margin="n_requires_improvement", value=ri, status="invented"),
        dict(round_id=rid, case_type="", margin="n_inadequate", value=nf - ri, status="invented"),
    ]


def synthetic_margins(rounds: Iterable[str] | None = None) -> pd.DataFrame:
    """Which margins of the synthetic sample are published, derived or invented.

    Parameters
    ----------
    rounds : iterable of str, optional
        Round ids; by default every Met round with published counts.

    Returns
    -------
    pandas.DataFrame
        Columns ``round_id``, ``case_type`` (``""`` for the whole round),
        ``margin`` (e.g. ``n_cases``, ``n_inadequate``, ``n_failing``),
        ``value`` (int), ``status`` (``published``: stated in a source;
        ``derived``: arithmetic on published numbers; ``invented``: made up for
        the synthetic sample).

    Raises
    ------
    ValueError
        For a round id not in the registry.

    Notes
    -----
    Where only the requires-improvement-or-inadequate total was published
    (2016, 2017 Q4), it is split between the two failing grades in the
    proportion pooled over the Met rounds that did publish the split
    (2017 Q3 and 2018: (64 + 127) / (125 + 210) = 0.570); that split is invented.

    Examples
    --------
    >>> m = synthetic_margins(["mps-2017-q4"])
    >>> m[["margin", "value", "status"]].values.tolist()[:3]
    [['n_cases', 214, 'published'], ['n_failing', 191, 'published'], ['n_good', 23, 'derived']]
    """
    return _plan(rounds)[1]


def _plan(rounds):
    """Per round: its margin records and published subgroup rows; plus all margin records and the registry."""
    registry, pub = _published_tables()
    scale_of = registry.set_index("round_id")["scale"]
    explicit = rounds is not None
    rounds = list(rounds) if explicit else registry.loc[registry["force"] == "mps", "round_id"].tolist()
    unknown = [r for r in rounds if r not in scale_of.index]
    if unknown:
        raise ValueError(f"round(s) {unknown} not in the rounds registry")
    share = _ri_share(pub)
    plans, records, skipped = {}, [], []
    for rid in rounds:
        whole = pub[(pub["round_id"] == rid) & (pub["case_type"] == "")]
        rec = None if whole.empty else _round_margins(rid, whole.iloc[0], SCALES[scale_of[rid]], share)
        if rec is None:
            skipped.append(rid)
            continue
        subs = pub[(pub["round_id"] == rid) & (pub["case_type"] != "")]
        for s in subs.itertuples(index=False):
            rec.append(dict(round_id=rid, case_type=s.case_type, margin="n_cases", value=int(s.n_cases), status="published"))
            if pd.notna(s.n_failing):
                rec.append(dict(round_id=rid, case_type=s.case_type, margin="n_failing", value=int(s.n_failing),
                                status="published"))
        plans[rid] = (rec, subs)
        records.extend(rec)
    if skipped and explicit:
        warnings.warn(f"no synthetic rows for round(s) without published counts: {', '.join(skipped)}",
                      AuditDataWarning, stacklevel=3)
    margins = pd.DataFrame(records, columns=["round_id", "case_type", "margin", "value", "status"])
    return plans, margins, registry


def _criteria(rng: np.random.Generator, grades: np.ndarray, case_types: np.ndarray) -> dict[str, pd.Categorical]:
    p_fail = pd.Series(CRITERION_FAIL_PROB).reindex(grades).to_numpy()
    out = {}
    for crit in CRITERIA:
        applies = np.isin(case_types, CRITERION_APPLIES_TO[crit])
        value = np.where(applies, np.where(rng.random(len(grades)) < p_fail, "fail", "pass"), "not applicable")
        out[crit] = pd.Categorical(value, categories=list(CRITERION_VALUES))
    return out


def _case_types(rng: np.random.Generator, n: int, exclude) -> np.ndarray:
    weights = pd.Series(CASE_TYPE_WEIGHTS).drop(list(exclude))
    return rng.choice(weights.index.to_numpy(), size=n, p=(weights / weights.sum()).to_numpy())


def _make_round(rid: str, rec: list[dict], subs: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = _rng(seed, rid)
    counts = {m["margin"]: m["value"] for m in rec if m["case_type"] == "" and m["margin"] in GRADE_COUNT_COLUMNS.values()}
    grades = np.concatenate([np.repeat(g, counts.get(c, 0)) for g, c in GRADE_COUNT_COLUMNS.items()]).astype(object)
    grades = grades[rng.permutation(len(grades))]
    failing = np.isin(grades, DEFAULT_FAILING)
    case_type = np.full(len(grades), None, dtype=object)
    for s in subs.itertuples(index=False):
        free = case_type == None  # noqa: E711 - elementwise comparison on an object array
        pools = [(np.flatnonzero(free & failing), s.n_failing), (np.flatnonzero(free & ~failing), s.n_cases - s.n_failing)] \
            if pd.notna(s.n_failing) else [(np.flatnonzero(free), s.n_cases)]
        for pool, k in pools:
            if k > len(pool):
                raise ValueError(f"published subgroup {s.case_type!r} of {rid} does not fit within the round's margins")
            case_type[rng.choice(pool, size=int(k), replace=False)] = s.case_type
    rest = case_type == None  # noqa: E711
    case_type[rest] = _case_types(rng, int(rest.sum()), subs["case_type"])
    frame = pd.DataFrame({"round_id": rid, "case_type": case_type, "grade": grades, **_criteria(rng, grades, case_type)})
    frame.insert(1, "case_id", [f"SYN-{rid}-{i:04d}" for i in range(1, len(frame) + 1)])
    return frame


def make_synthetic_cases(rounds: Iterable[str] | None = None, seed: int = SEED) -> pd.DataFrame:
    """A seeded SYNTHETIC case-level sample reproducing each round's published margins.

    Parameters
    ----------
    rounds : iterable of str, optional
        Round ids; by default every Met round with published counts
        (``mps-2016``, ``mps-2017-q3``, ``mps-2017-q4``, ``mps-2018``).
        A round without published counts (e.g. ``mps-2017-q2``) gets no rows;
        if named explicitly, an :class:`AuditDataWarning` says so.
    seed : int, default 20161125
        The seed; each round's rows depend only on the seed and its round id.

    Returns
    -------
    pandas.DataFrame
        The case-level frame of :func:`~inspection_analysis.io.load_cases`:
        ``round_id`` (categorical, registry order), ``case_id``
        (``SYN-<round_id>-0001`` ...), ``case_type`` (categorical; invented
        except published subgroups), ``grade`` (ordered grade dtype),
        the five ``crit_*`` columns (``pass`` / ``fail`` /
        ``not applicable``; invented, failing more often for worse grades,
        ``not applicable`` where the criterion does not apply to the case
        type), and ``synthetic`` (always True). Sorted by round (registry
        order) and ``case_id``.

    Raises
    ------
    ValueError
        For an unknown round id, or published subgroups that cannot fit the
        round's margins.

    Notes
    -----
    See :func:`synthetic_margins` for which margins are published, derived or
    invented.

    Examples
    --------
    >>> cases = make_synthetic_cases(["mps-2017-q3"])
    >>> cases["grade"].value_counts(sort=False).tolist()
    [10, 0, 64, 61]
    """
    plans, _, registry = _plan(rounds)
    ids = registry["round_id"].tolist()
    parts = [_make_round(rid, rec, subs, seed) for rid, (rec, subs) in plans.items()]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["round_id", "case_id", "case_type", "grade", *CRITERIA])
    frame["round_id"] = pd.Categorical(frame["round_id"], categories=ids)
    frame["case_type"] = pd.Categorical(frame["case_type"], categories=list(CASE_TYPES))
    frame["grade"] = frame["grade"].astype(GRADE_DTYPE)
    for crit in CRITERIA:
        frame[crit] = pd.Categorical(frame[crit], categories=list(CRITERION_VALUES))
    frame["synthetic"] = True
    return frame.sort_values(["round_id", "case_id"], ignore_index=True)


def make_synthetic_double_graded(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A SYNTHETIC double-graded sample: the force's self-assessment and HMIC's grade of the same 132 cases (2016).

    Parameters
    ----------
    seed : int, default 20161125

    Returns
    -------
    cases : pandas.DataFrame
        One row per case: ``case_id`` (``SYN-mps-2016-self-assessment-0001``
        ...), ``case_type`` (invented), ``grade_force`` (4-point: the force
        said "good or adequate"), ``grade_inspectorate`` (3-point), both the
        ordered grade dtype, and ``synthetic`` (True).
    margins : pandas.DataFrame
        As :func:`synthetic_margins`: ``n_cases`` 132 (published); HMIC
        ``n_failing`` 100 and force ``n_passing`` 106, *derived* from the
        published percentages (0.76 x 132 = 100.3; 0.80 x 132 = 105.6);
        the cross-tabulation and the grades within pass/fail *invented*.

    Raises
    ------
    ValueError
        If the shipped published figures lack the 2016 derived counts.

    Notes
    -----
    No cross-tabulation was published. The invented table has 24 cases failed
    by both, 2 failed by the force only, 76 by HMIC only and 30 by neither,
    consistent with both derived marginals. For the kappa example only.

    Examples
    --------
    >>> cases, margins = make_synthetic_double_graded()
    >>> int(cases["grade_inspectorate"].isin(DEFAULT_FAILING).sum()), int((~cases["grade_force"].isin(DEFAULT_FAILING)).sum())
    (100, 106)
    """
    _, pub = _published_tables()
    hmic = pub.set_index("round_id").loc["mps-2016-self-assessment-hmic"]
    force = pub.set_index("round_id").loc["mps-2016-self-assessment-force"]
    if pd.isna(hmic["n_failing_derived"]) or pd.isna(force["n_passing_derived"]):
        raise ValueError("the published figures lack the derived 2016 self-assessment counts")
    n, hmic_fail, force_fail = int(hmic["n_cases"]), int(hmic["n_failing_derived"]), int(force["n_cases"] - force["n_passing_derived"])
    cells = {(True, True): BOTH_FAILING_2016, (True, False): force_fail - BOTH_FAILING_2016,
             (False, True): hmic_fail - BOTH_FAILING_2016, (False, False): n - hmic_fail - force_fail + BOTH_FAILING_2016}
    rng = _rng(seed, "mps-2016-self-assessment")
    f_fail = np.concatenate([np.full(k, f) for (f, _), k in cells.items()])
    h_fail = np.concatenate([np.full(k, h) for (_, h), k in cells.items()])
    order = rng.permutation(n)
    f_fail, h_fail = f_fail[order], h_fail[order]
    share = _ri_share(pub)
    worse = np.where(rng.random(n) < share, "requires improvement", "inadequate")
    grade_force = np.where(f_fail, worse, np.where(rng.random(n) < 0.5, "good", "adequate"))
    grade_hmic = np.where(h_fail, np.where(rng.random(n) < share, "requires improvement", "inadequate"), "good")
    cases = pd.DataFrame({
        "case_id": [f"SYN-mps-2016-self-assessment-{i:04d}" for i in range(1, n + 1)],
        "case_type": pd.Categorical(_case_types(rng, n, ()), categories=list(CASE_TYPES)),
        "grade_force": pd.Categorical(grade_force, dtype=GRADE_DTYPE),
        "grade_inspectorate": pd.Categorical(grade_hmic, dtype=GRADE_DTYPE),
        "synthetic": True,
    })
    rows = [("mps-2016-self-assessment-hmic", "n_cases", n, "published"),
            ("mps-2016-self-assessment-hmic", "n_failing", hmic_fail, "derived"),
            ("mps-2016-self-assessment-force", "n_cases", n, "published"),
            ("mps-2016-self-assessment-force", "n_passing", n - force_fail, "derived")]
    rows += [("mps-2016-self-assessment", f"n_failing_force_{'yes' if f else 'no'}_inspectorate_{'yes' if h else 'no'}", k, "invented")
             for (f, h), k in cells.items()]
    margins = pd.DataFrame([dict(round_id=r, case_type="", margin=m, value=v, status=s) for r, m, v, s in rows])
    return cases, margins


_README = """# Synthetic data (SYNTHETIC: no real case file is represented)

Generated by `inspection_analysis.io.synthetic.write_synthetic()` (seed {seed});
regenerate with `make synth`. Never edit these files by hand.

- `mps_case_files_synthetic.csv`: a SYNTHETIC case-level sample for each Met
  round with published counts. It reproduces every published margin exactly;
  case types, criterion outcomes and, where unpublished, the split between
  "requires improvement" and "inadequate" are invented.
- `mps_self_assessment_double_graded_synthetic.csv`: a SYNTHETIC double-graded
  sample (the force's own grade and HMIC's grade of the same 132 cases, 2016)
  for the assessor-agreement example. Its marginals are derived from published
  percentages; the cross-tabulation is invented.
- `synthetic_margins.csv`: for each file (`dataset`), round and margin, whether
  the number is `published`, `derived` (arithmetic on published numbers) or
  `invented`.

Columns are described in `data/README.md`. Figures made from these files must
say "synthetic".
"""

CASES_FILE = "mps_case_files_synthetic.csv"
DOUBLE_FILE = "mps_self_assessment_double_graded_synthetic.csv"
MARGINS_FILE = "synthetic_margins.csv"


def write_synthetic(out_dir: str | Path | None = None, *, overwrite: bool = False, seed: int = SEED) -> list[Path]:
    """Write the SYNTHETIC samples, their margins and a README (deterministic bytes).

    Parameters
    ----------
    out_dir : str or path-like, optional
        The folder; by default ``data/synthetic/``. Created if missing.
    overwrite : bool, default False
        Replace existing files. Without it, existing files are never touched.
    seed : int, default 20161125

    Returns
    -------
    list of pathlib.Path
        The files written: ``mps_case_files_synthetic.csv``,
        ``mps_self_assessment_double_graded_synthetic.csv``,
        ``synthetic_margins.csv`` and ``README.md``.

    Raises
    ------
    FileExistsError
        If any of those files exists and ``overwrite`` is False (nothing is written).

    Notes
    -----
    Rows are sorted and written with ``\\n`` line endings and UTF-8, so the
    same seed gives byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_synthetic(tempfile.mkdtemp())][0]
    'mps_case_files_synthetic.csv'
    """
    out = Path(out_dir) if out_dir is not None else paths.synthetic_dir()
    targets = [out / CASES_FILE, out / DOUBLE_FILE, out / MARGINS_FILE, out / "README.md"]
    existing = [p.name for p in targets if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"refusing to overwrite {', '.join(existing)} in {out}; pass overwrite=True to replace them")
    cases = make_synthetic_cases(seed=seed)
    double, double_margins = make_synthetic_double_graded(seed=seed)
    margins = pd.concat([synthetic_margins().assign(dataset=CASES_FILE), double_margins.assign(dataset=DOUBLE_FILE)],
                        ignore_index=True)
    margins = margins[["dataset", "round_id", "case_type", "margin", "value", "status"]]
    out.mkdir(parents=True, exist_ok=True)
    for frame, path in ((cases, targets[0]), (double, targets[1]), (margins, targets[2])):
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    targets[3].write_text(_README.format(seed=seed), encoding="utf-8")
    return targets
