"""The duplicate check across case files: a ``case_id`` may appear once per round.

Rows are keyed by hashes of (round, ``case_id``) computed from the UTF-8
bytes of pyarrow text with numpy, and the keys sorted: a 32-bit key of each
id's length and first and last 8 bytes, then a 64-bit hash of every byte for
the rows whose short key repeats. Only rows whose keys repeat are compared
exactly, so a hash collision can never report (or hide) a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from inspection_analysis.problems import FIRST_DATA_ROW, MAX_PROBLEMS_PER_RULE, Problem
from inspection_analysis.schema import CASE_RULE
from inspection_analysis.validation import _arrow_chunks, _offsets_and_bytes

__all__ = ["duplicate_case_problems"]

_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd: multiplying by it permutes uint64
_BYTE_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(9)], dtype=np.uint64)  # the low r bytes
_HASH_CHUNK = 1 << 16  # rows hashed at a time, to keep temporary arrays small (0.5 MiB each)


def _text_hash(values: pd.Series, seed: np.ndarray, *, rows: np.ndarray | None = None,
               ends_only: bool = False) -> np.ndarray:
    """A 64-bit hash of every cell's text (or of the cells at positions ``rows``) and its ``seed``.

    ``seed`` holds an integer per hashed cell, such as a round code. Equal
    texts with equal seeds get equal hashes (missing and empty texts hash
    alike). With ``ends_only`` only each text's length and first and last 8
    bytes are hashed, and only the top 32 bits kept (``uint32``): cheaper to
    make and to sort, and enough to tell most identifiers apart.

    For pyarrow text the UTF-8 bytes are read 8 at a time: step ``k`` takes
    the 8 bytes at ``start + 8 k`` of every text at once, or its last 8
    bytes once those run past its end (a text shorter than 8 bytes is its
    own bytes, zero-padded), and mixes them in (multiply, xor-shift). The
    cost is a few numpy passes per 8 bytes of the longest text instead of a
    hash table of a million strings. Other columns get exact codes from
    :func:`pandas.factorize`. Different texts may share a hash, so callers
    confirm any repeat exactly.
    """
    chunks = _arrow_chunks(values)
    if chunks is None:
        h = _mix_seed(pd.factorize(values if rows is None else values.iloc[rows])[0].astype(np.uint64), seed)
        return (h >> np.uint64(32)).astype(np.uint32) if ends_only else h
    arrays = [_offsets_and_bytes(c) for c in chunks]
    bounds = np.cumsum([0, *(len(c) for c in chunks)])
    if rows is None:  # (chunk, its rows, where their hashes go): slices of _HASH_CHUNK rows
        parts = [(k, slice(i, min(i + _HASH_CHUNK, len(c))), bounds[k] + i) for k, c in enumerate(chunks)
                 for i in range(0, len(c), _HASH_CHUNK)]
    else:  # ``rows`` sorted: each chunk's share of them
        cut = np.searchsorted(rows, bounds)
        parts = [(k, rows[cut[k] : cut[k + 1]] - bounds[k], cut[k]) for k in range(len(chunks)) if cut[k + 1] > cut[k]]
    # every text takes as many steps as the longest hashed text (the first and last words only: two)
    longest = 0 if ends_only else max((int(_spans(arrays[k][0], at)[1].max()) for k, at, _ in parts), default=0)

    def hash_part(part):
        k, at, first = part
        start, length = _spans(arrays[k][0], at)
        words, start, keep = _words(arrays[k][1], start, length)
        last = np.maximum(start + length - 8, start)
        h = _mix_seed(length.astype(np.uint64), seed[first : first + len(start)])
        shifted = np.empty_like(h)
        for pos in (start, last) if ends_only else _steps(start, last, longest):
            word = words[pos]  # not np.take, which would copy the strided view of every byte
            if keep is not None:
                word &= keep
            h ^= word
            h *= _MIX
            h ^= np.right_shift(h, np.uint64(31), out=shifted)
        out[first : first + len(start)] = h >> np.uint64(32) if ends_only else h

    out = np.empty(bounds[-1] if rows is None else len(rows), dtype=np.uint32 if ends_only else np.uint64)
    # numpy releases the GIL in these loops, so parts hash in parallel on two threads
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(hash_part, parts))
    return out


def _steps(start: np.ndarray, last: np.ndarray, longest: int):
    """Positions of every text's words, 8 bytes apart, each at most its last word's: one array per step."""
    pos = np.empty_like(start)
    for step in range(0, longest, 8):
        np.add(start, step, out=pos)
        yield np.minimum(pos, last, out=pos)


def _spans(offsets: np.ndarray, at: slice | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start (``int64``) and length in bytes of the texts at ``at`` (a slice or positions) of one chunk."""
    start = offsets[at].astype(np.int64)
    end = offsets[at.start + 1 : at.stop + 1] if isinstance(at, slice) else offsets[at + 1]
    return start, end - start


def _words(data: np.ndarray, start: np.ndarray, length: np.ndarray):
    """The 8 bytes starting at every byte of ``data`` as little-endian integers, the texts' starts in them, and masks.

    Normally a strided view of ``data`` (not a copy), ``start`` itself and
    no masks. When some text is shorter than 8 bytes its word may run past
    the data, so the view is of a copy of these texts' bytes, padded with 8
    zero bytes, the starts are moved to match, and the masks keep only each
    text's own bytes.
    """
    keep = None
    if len(length) and length.min() < 8:
        lo, hi = int(start.min()), int((start + length).max())
        data, start = np.concatenate([data[lo:hi], np.zeros(8, np.uint8)]), start - lo
        keep = _BYTE_MASKS[np.minimum(length, 8)]
    return np.ndarray(shape=(max(len(data) - 7, 0),), dtype="<u8", buffer=data, strides=(1,)), start, keep


def _mix_seed(h: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """``h`` (uint64, changed in place) xor an odd multiple of each ``seed + 1``."""
    mixed = seed.astype(np.uint64)
    mixed += np.uint64(1)
    mixed *= _MIX
    h ^= mixed
    return h


def _repeated(key: np.ndarray) -> np.ndarray:
    """Positions of the keys (an integer array) that occur more than once.

    A sorted copy finds the repeated keys (usually none, or a few hundred
    chance repeats of a 32-bit key). Their low 16 bits mark a table of
    2**16 flags (small enough to stay in the processor's cache), so one
    look-up per key finds the few rows that may hold one, and those are
    checked exactly.
    """
    ordered = np.sort(key)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not repeated.size:
        return np.zeros(0, dtype=np.intp)
    flags = np.zeros(1 << 16, dtype=bool)
    flags[repeated.astype(np.uint16)] = True  # the cast keeps the low 16 bits
    maybe = np.flatnonzero(np.take(flags, key.astype(np.uint16)))
    return maybe[np.isin(key[maybe], repeated)]


def duplicate_case_problems(frame: pd.DataFrame, files: Sequence[tuple[str, int]]) -> tuple[list[Problem], int]:
    """Problems for every row whose ``case_id`` repeats within its round (across files too).

    Parameters
    ----------
    frame : pandas.DataFrame
        Validated rows of one or more files, with ``round_id`` and ``case_id``
        columns.
    files : sequence of (str, int)
        The files the rows came from, in the order of their rows in
        ``frame``: each file's name and number of rows (so that a row is
        named by its file and spreadsheet row, header = row 1).

    Returns
    -------
    tuple of (list of Problem, int)
        One :class:`~inspection_analysis.problems.Problem` per repeated row
        (column ``case_id``, naming the other rows with the same id), at most
        ``MAX_PROBLEMS_PER_RULE`` of them, and the number not listed.

    Notes
    -----
    Rows are keyed by hashes of (round, case_id) and the keys sorted: a
    cheap 32-bit key first (each id's length and first and last 8 bytes), then a
    hash of every byte for the rows whose cheap key repeats. Equal pairs
    always get equal keys, and only rows whose keys repeat are compared
    exactly, so a hash collision can never report (or hide) a duplicate.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"round_id": ["q1", "q1", "q2"], "case_id": ["A1", "A1", "A1"]})
    >>> found, omitted = duplicate_case_problems(rows, [("a.csv", 2), ("b.csv", 1)])
    >>> [(p.file, p.row, p.expected) for p in found]
    [('a.csv', 2, 'a case_id unique within round q1 (also at a.csv row 3)'), ('a.csv', 3, 'a case_id unique within round q1 (also at a.csv row 2)')]
    """
    rounds = frame["round_id"]
    round_codes = rounds.cat.codes.to_numpy() if isinstance(rounds.dtype, pd.CategoricalDtype) else pd.factorize(rounds)[0]
    case_id = frame["case_id"]
    # a cheap key first (a hash of the length and the first and last 8 bytes): only rows whose cheap key
    # repeats get the full hash, and only rows whose full hash repeats are compared
    candidates = _repeated(_text_hash(case_id, round_codes, ends_only=True))
    if candidates.size:
        candidates = candidates[_repeated(_text_hash(case_id, round_codes[candidates], rows=candidates))]
    if not candidates.size:
        return [], 0
    repeated = candidates[frame[["round_id", "case_id"]].iloc[candidates].duplicated(keep=False).to_numpy()]
    shown = repeated[:MAX_PROBLEMS_PER_RULE]
    starts = np.cumsum([0, *(n for _, n in files)])
    which = np.searchsorted(starts, shown, side="right") - 1
    names, rows = [files[i][0] for i in which], (shown - starts[which] + FIRST_DATA_ROW).tolist()
    keys = list(zip(frame["round_id"].iloc[shown].astype(str), frame["case_id"].iloc[shown]))
    where = [f"{name} row {row}" for name, row in zip(names, rows)]
    at: dict[tuple[str, str], list[str]] = {}
    for key, w in zip(keys, where):
        at.setdefault(key, []).append(w)
    problems = []
    for name, row, (rid, cid), w in zip(names, rows, keys, where):
        others = [o for o in at[rid, cid] if o != w]
        problems.append(Problem(name, row, "case_id", cid, CASE_RULE["case_id_duplicate"].expected.format(round_id=rid)
                                + (f" (also at {', '.join(others)})" if others else "")))
    return problems, len(repeated) - len(shown)
