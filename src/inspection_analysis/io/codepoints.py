"""Characters that look like others: naming the code points a reader cannot see."""

from __future__ import annotations

import unicodedata

__all__ = ["hidden_characters"]


def hidden_characters(value: str) -> str:
    """A note naming each character of ``value`` outside printable ASCII, or ``""`` if there is none.

    A Cyrillic ``о`` in ``gооd`` looks like a Latin ``o``, and a no-break
    space like a space: the note names them, so that a message does not
    show two values that look the same.

    Examples
    --------
    >>> hidden_characters("g\\u043e\\u043ed")
    ' (it holds U+043E CYRILLIC SMALL LETTER O, twice)'
    >>> hidden_characters("good")
    ''
    """
    counts: dict[str, int] = {}
    for char in str(value):
        if not (" " <= char <= "~"):
            counts[char] = counts.get(char, 0) + 1
    if not counts:
        return ""
    names = [f"U+{ord(c):04X} {unicodedata.name(c, 'an unnamed character')}" + ("" if n == 1 else ", twice" if n == 2
             else f", {n} times") for c, n in counts.items()]
    return " (it holds " + "; ".join(names) + ")"
