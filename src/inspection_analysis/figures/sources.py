"""Source lines that name each kind of data a figure shows: published inspectorate figures, the force's own
case-level audit, or synthetic data (the ``data_kind`` column of the counts table)."""

from __future__ import annotations

__all__ = ["DATA_KINDS", "SOURCE_PUBLISHED", "source_line", "figure_source"]

#: What each ``data_kind`` of the counts table (``published``, ``case-level``, ``synthetic``) is called in a
#: source line.
DATA_KINDS = {
    "published": "published inspectorate figures (HMIC/HMICFRS inspection reports and press coverage, data/published)",
    "case-level": "the force's own case-level audit (recorded case files, data/raw)",
    "synthetic": "SYNTHETIC case-level data generated to match published margins, not real audit results "
                 "(data/synthetic)",
}
#: Where a figure's frame does not say which kind of data it holds.
_UNSTATED = "Source: the counts given to this figure (the kind of data, published or case-level, was not given)."


def source_line(kinds, labels=None) -> str:
    """The source line of a figure, naming each kind of data in it once.

    Parameters
    ----------
    kinds : iterable of str
        The ``data_kind`` of each plotted row: ``"published"``, ``"case-level"`` or ``"synthetic"``. Missing
        values are skipped.
    labels : iterable of str, optional
        The round label of each row, in the same order. When the rows hold more than one kind of data, each kind
        is followed by the rounds it covers.

    Returns
    -------
    str
        ``"Source: "`` and the kinds, in the order first seen, joined with ``"; "``, ending in a full stop.

    Raises
    ------
    ValueError
        If a kind is not one of :data:`DATA_KINDS`, or no row has a kind.

    Examples
    --------
    >>> source_line(["published", "published"])
    'Source: published inspectorate figures (HMIC/HMICFRS inspection reports and press coverage, data/published).'
    >>> source_line(["published", "case-level"], ["2018 review", "2026 Q1 audit"])[:60]
    'Source: published inspectorate figures (HMIC/HMICFRS inspect'
    """
    kinds = [None if k is None or k != k else str(k) for k in kinds]
    labels = [str(x) for x in labels] if labels is not None else [None] * len(kinds)
    unknown = sorted({k for k in kinds if k is not None and k not in DATA_KINDS})
    if unknown:
        raise ValueError(f"data_kind must be one of {sorted(DATA_KINDS)}, got {unknown}")
    order = list(dict.fromkeys(k for k in kinds if k is not None))
    if not order:
        raise ValueError("no plotted row says its data_kind")
    parts = []
    for kind in order:
        rounds = list(dict.fromkeys(lab for k, lab in zip(kinds, labels, strict=True) if k == kind and lab))
        parts.append(DATA_KINDS[kind] + (f" for {', '.join(rounds)}" if len(order) > 1 and rounds else ""))
    return "Source: " + "; ".join(parts) + "."


def figure_source(frame, source: str | None) -> str:
    """A figure's source line: ``source`` when given, else built from ``frame``'s ``data_kind`` (and ``label``).

    Examples
    --------
    >>> import pandas as pd
    >>> figure_source(pd.DataFrame({"data_kind": ["synthetic"]}), None).startswith("Source: SYNTHETIC")
    True
    >>> figure_source(pd.DataFrame({"x": [1]}), "Source: a survey.")
    'Source: a survey.'
    """
    if source is not None:
        return source
    if "data_kind" not in frame.columns or frame["data_kind"].isna().all():
        return _UNSTATED
    return source_line(frame["data_kind"], frame["label"] if "label" in frame.columns else None)


SOURCE_PUBLISHED = source_line(["published"])
