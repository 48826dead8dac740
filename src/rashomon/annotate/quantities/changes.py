"""Changes stated as a start and an end: "dropped from 208 pounds to 193", "slowed from 4.8
to 4.7 percent", "plummeted from $36,040 at 10.45pm last night to $34,935".

The scanner reads an ascending "from 20 to 30" without a verb of change as a range (two
bounds with the same span). What it leaves as two quantities is a change: a verb of change
before it ("rose from 240 to 273"), or an end below the start ("from 4.8 to 4.7"). This
module finds those pairs after the scan, so that

- the unit written on one side only is carried to the other: in "from 4.8 to 4.7 percent"
  the 4.8 is a percentage too, in "from 208 pounds to 193" the 193 is in pounds, and so
  in the same change told end first, "rose to 5.1 percent from 4.8", and for a count,
  "fell to 3 million from 4.2 million units";
- a reader of the quantities can take the pair as one statement (``from_to_pairs``: the
  NewsQuant benchmark writes it as the range start-end, its annotators' convention).

Both are linear in the number of quantities: each pair is two neighbours in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...model import Quantity

#: "from" (with an optional "the") right before the start of a change.
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
#: What may stand between the two ends: a short stretch of words, ending in "to". No
#: clause punctuation (a comma, a semicolon, a sentence end) and no other quantity.
_BETWEEN = re.compile(r"^[^,;:!?()\[\]]{0,40}?\bto\s+(?:the\s+)?$", re.IGNORECASE)
#: Kinds whose unit is a unit proper (not the counted noun of a plain count).
_UNIT_KINDS = ("money", "percent", "measure")
#: How far back "from" may be looked for, in characters.
_LOOK_BACK = 12


def _is_range_bound(quantities: Sequence[Quantity], i: int) -> bool:
    q = quantities[i]
    return any(0 <= k < len(quantities) and (quantities[k].start, quantities[k].end)
               == (q.start, q.end) for k in (i - 1, i + 1))


def from_to_pairs(text: str, quantities: Sequence[Quantity], offset: int = 0
                  ) -> list[tuple[int, int]]:
    """Indices ``(i, i + 1)`` of the quantities read as "from X to Y", in reading order.
    ``quantities`` are in reading order with offsets ``offset`` + offsets into ``text``.
    Range bounds, ordinals and quantities of different units are never paired."""
    pairs: list[tuple[int, int]] = []
    i = 0
    while i + 1 < len(quantities):
        a, b = quantities[i], quantities[i + 1]
        if a.kind == "ordinal" or b.kind == "ordinal" or a.value is None or \
                b.value is None or _is_range_bound(quantities, i) or \
                _is_range_bound(quantities, i + 1) or b.start < a.end:
            i += 1
            continue
        start, end = a.start - offset, b.start - offset
        before = text[max(0, start - _LOOK_BACK):start]
        between = text[a.end - offset:end]
        if _FROM_BEFORE.search(before) and _BETWEEN.match(between) and \
                not re.search(r"\.\s", between) and _same_unit(a, b):
            pairs.append((i, i + 1))
            i += 2
            continue
        i += 1
    return pairs


def _same_unit(a: Quantity, b: Quantity) -> bool:
    if a.unit is None or b.unit is None:
        return True  # one side carries it: "from 4.8 to 4.7 percent"
    return a.unit == b.unit or a.kind == b.kind == "count"


#: The same change told end first: "rose to 5.1 percent from 4.8", "fell to $3.65 from 3.80".
_TO_BEFORE = re.compile(r"\bto\s+$", re.IGNORECASE)
_BETWEEN_FROM = re.compile(r"^[^,;:!?()\[\]]{0,40}?\bfrom\s+(?:the\s+)?$", re.IGNORECASE)


def _to_from_pairs(text: str, quantities: Sequence[Quantity], offset: int
                   ) -> list[tuple[int, int]]:
    pairs = []
    for i in range(len(quantities) - 1):
        a, b = quantities[i], quantities[i + 1]
        if a.kind == "ordinal" or b.kind == "ordinal" or b.start < a.end or \
                _is_range_bound(quantities, i) or _is_range_bound(quantities, i + 1):
            continue
        before = text[max(0, a.start - offset - _LOOK_BACK):a.start - offset]
        between = text[a.end - offset:b.start - offset]
        if _TO_BEFORE.search(before) and _BETWEEN_FROM.match(between) and \
                not re.search(r"\.\s", between):
            pairs.append((i, i + 1))
    return pairs


def share_units(text: str, quantities: list[Quantity], offset: int = 0) -> None:
    """Carry the unit written on one side of a change, "from X to Y" or "to Y from X", to
    the side without one: "from 4.8 to 4.7 percent", "rose to 5.1 percent from 4.8"."""
    pairs = from_to_pairs(text, quantities, offset) + _to_from_pairs(text, quantities, offset)
    for i, j in pairs:
        a, b = quantities[i], quantities[j]
        for src, dst in ((a, b), (b, a)):
            if dst.unit is not None or src.unit is None or dst.kind != "count":
                continue
            if src.kind in _UNIT_KINDS:
                dst.unit, dst.kind = src.unit, src.kind
                if dst.counted is None:
                    dst.counted, dst.counted_start, dst.counted_end = (
                        src.counted, src.counted_start, src.counted_end)
            elif src.kind == "count" and src.counted is not None:
                # "grew from 5 to 7 battalions": 5 battalions too. A count without a unit
                # had no noun after it; what the parse gave it (the verb's subject) yields.
                dst.unit = src.unit
                dst.counted, dst.counted_start, dst.counted_end = (
                    src.counted, src.counted_start, src.counted_end)
