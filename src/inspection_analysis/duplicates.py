"""The duplicate check across case files: a ``case_id`` may appear once per round.

Rows are keyed by 64-bit hashes of (round, ``case_id``) computed from the
UTF-8 bytes of pyarrow text with numpy, and the keys sorted; only rows whose
keys repeat are compared exactly, so a hash collision can never report (or
hide) a duplicate.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from inspection_analysis.problems import MAX_PROBLEMS_PER_RULE, Problem
from inspection_analysis.validation import _arrow_chunks, _offsets_and_bytes

__all__ = ["duplicate_case_problems"]

_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd: multiplying by it permutes uint64
_BYTE_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(9)], dtype=np.uint64)  # the low r bytes
_HASH_CHUNK = 1 << 16  # rows hashed at a time, to keep temporary arrays small (0.5 MiB each)


def _text_hash(values: pd.Series, seed: np.ndarray, *, ends_only: bool = False) -> np.ndarray:
    """A 64-bit hash of every cell's text and its ``seed`` (an integer per row, such as a round code).

    Equal texts with equal seeds get equal hashes (missing and empty texts
    hash alike). With ``ends_only`` only each text's length and first and
    last 8 bytes are hashed: cheaper, and enough to tell most identifiers
    apart.

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
        return _mix_seed(pd.factorize(values)[0].astype(np.uint64), seed)
    arrays = [_offsets_and_bytes(c) for c in chunks]
    parts = [(k, slice(i, min(i + _HASH_CHUNK, len(c)))) for k, c in enumerate(chunks) for i in range(0, len(c), _HASH_CHUNK)]
    longest, short = 0, False
    for offsets, _ in arrays:  # one chunk's lengths at a time, not all kept at once
        if len(offsets) > 1:
            length = np.diff(offsets)
            longest, short = max(longest, int(length.max())), short or bool((length < 8).any())
    words = []
    for _, data in arrays:
        if short:  # a short text's 8-byte word may run past the data: pad it
            data = np.concatenate([data, np.zeros(8, np.uint8)])
        # the 8 bytes starting at every byte, as one little-endian integer: a strided view, not a copy
        words.append(np.ndarray(shape=(max(len(data) - 7, 0),), dtype="<u8", buffer=data, strides=(1,)))
    offsets_of = [0, *np.cumsum([len(c) for c in chunks])]

    def hash_part(part):
        (k, rows) = part
        length = np.diff(arrays[k][0][rows.start : rows.stop + 1])
        start = arrays[k][0][rows].astype(np.int64, copy=False)  # read only: a view of int64 offsets
        last = np.maximum(start + length - 8, start)
        keep = _BYTE_MASKS[np.minimum(length, 8)] if short else None
        first = offsets_of[k] + rows.start
        h = out[first : first + len(start)]  # written in place: no array per part to concatenate
        h[...] = length
        _mix_seed(h, seed[first : first + len(start)])
        pos, shifted = np.empty_like(start), np.empty_like(h)
        for step in (0, longest) if ends_only else range(0, longest, 8):
            np.add(start, step, out=pos)
            np.minimum(pos, last, out=pos)
            word = words[k][pos]  # not np.take, which would copy the strided view of every byte
            if keep is not None:
                word &= keep
            h ^= word
            h *= _MIX
            h ^= np.right_shift(h, np.uint64(31), out=shifted)

    out = np.empty(offsets_of[-1], dtype=np.uint64)
    # numpy releases the GIL in these loops, so parts hash in parallel on two threads
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(hash_part, parts))
    return out


def _mix_seed(h: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """``h`` (uint64, changed in place) xor an odd multiple of each ``seed + 1``."""
    mixed = seed.astype(np.uint64)
    mixed += np.uint64(1)
    mixed *= _MIX
    h ^= mixed
    return h


def _repeated(make_key) -> np.ndarray:
    """Positions of the keys (``make_key()``, an integer array) that occur more than once.

    The keys are sorted in place (no copy); only when some key repeats are
    they made again to find where those keys are.
    """
    key = make_key()
    key.sort()
    repeated = key[1:][key[1:] == key[:-1]]
    if not repeated.size:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(pd.Series(make_key()).isin(repeated).to_numpy())


def duplicate_case_problems(frame: pd.DataFrame) -> tuple[list[Problem], int]:
    """Problems for every row whose ``case_id`` repeats within its round (across files too).

    Parameters
    ----------
    frame : pandas.DataFrame
        Validated rows of one or more files, with ``round_id``, ``case_id``,
        ``_file`` (the file's name) and ``_row`` (the spreadsheet row) columns.

    Returns
    -------
    tuple of (list of Problem, int)
        One :class:`~inspection_analysis.problems.Problem` per repeated row
        (column ``case_id``, naming the other rows with the same id), at most
        ``MAX_PROBLEMS_PER_RULE`` of them, and the number not listed.

    Notes
    -----
    Rows are keyed by hashes of (round, case_id) and the keys sorted: a
    cheap key first (each id's length and first and last 8 bytes), then a
    hash of every byte for the rows whose cheap key repeats. Equal pairs
    always get equal keys, and only rows whose keys repeat are compared
    exactly, so a hash collision can never report (or hide) a duplicate.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"round_id": ["q1", "q1", "q2"], "case_id": ["A1", "A1", "A1"],
    ...                      "_file": "cases.csv", "_row": [2, 3, 4]})
    >>> found, omitted = duplicate_case_problems(rows)
    >>> [(p.row, p.expected) for p in found]
    [(2, 'a case_id unique within round q1 (also at cases.csv row 3)'), (3, 'a case_id unique within round q1 (also at cases.csv row 2)')]
    """
    rounds = frame["round_id"]
    round_codes = rounds.cat.codes.to_numpy() if isinstance(rounds.dtype, pd.CategoricalDtype) else pd.factorize(rounds)[0]
    case_id = frame["case_id"]
    # a cheap key first (a hash of the length and the first and last 8 bytes): only rows whose cheap key
    # repeats get the full hash, and only rows whose full hash repeats are compared
    candidates = _repeated(lambda: _text_hash(case_id, round_codes, ends_only=True))
    if candidates.size:
        some_ids, some_rounds = case_id.iloc[candidates], round_codes[candidates]
        candidates = candidates[_repeated(lambda: _text_hash(some_ids, some_rounds))]
    if not candidates.size:
        return [], 0
    exact = frame[["round_id", "case_id"]].iloc[candidates].duplicated(keep=False).to_numpy()
    dup = np.zeros(len(frame), dtype=bool)
    dup[candidates[exact]] = True
    if not dup.any():
        return [], 0
    sub = frame.loc[dup, ["round_id", "case_id", "_file", "_row"]]
    shown = sub.iloc[:MAX_PROBLEMS_PER_RULE]
    where = shown["_file"].astype(str) + " row " + shown["_row"].astype(str)
    problems = []
    for (f, r, rid, cid), w in zip(shown[["_file", "_row", "round_id", "case_id"]].itertuples(index=False), where):
        others = where[(shown["round_id"] == rid) & (shown["case_id"] == cid) & (where != w)].tolist()
        problems.append(Problem(f, int(r), "case_id", cid, f"a case_id unique within round {rid}"
                                + (f" (also at {', '.join(others)})" if others else "")))
    return problems, len(sub) - len(shown)
