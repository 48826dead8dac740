"""The tokeniser the unit table and the scanner share: one regular expression, one pass,
each token knowing whether whitespace comes before it."""

from __future__ import annotations

import re

# --- lexer ----------------------------------------------------------------------------

# One pass, no nested quantifiers that could backtrack: numbers with thousands groups or a
# decimal part, letter runs, or any other single non-space character.
_TOKEN = re.compile(
    r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?<![\w.])\.\d+)"
    r"|(?P<w>[^\W\d_]+)"
    r"|(?P<s>\S)"
)


class _Tok:
    __slots__ = ("kind", "text", "low", "start", "end", "gap")

    def __init__(self, kind: str, text: str, start: int, end: int, gap: bool) -> None:
        self.kind = kind  # "n" number, "w" word, "s" symbol
        self.text = text
        self.low = text.lower()
        self.start = start
        self.end = end
        self.gap = gap  # whitespace (or the start of the text) comes before it

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.kind}:{self.text!r}"


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    last = -1
    for m in _TOKEN.finditer(text):
        start = m.start()
        toks.append(_Tok(m.lastgroup or "s", m.group(), start, m.end(), start != last))
        last = m.end()
    return toks
