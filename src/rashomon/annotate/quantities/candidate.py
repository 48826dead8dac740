"""A quantity as the scanner finds it (``_Cand``), with the hints the parse layer uses,
and how it becomes the ``Quantity`` records the component stores (a range becomes two)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...model import Quantity

# --- candidates -----------------------------------------------------------------------


@dataclass(slots=True)
class _Cand:
    """A quantity found by the scanner; offsets are into the scanned text."""

    start: int  # span start (qualifier included)
    end: int  # span end (unit included)
    num_start: int  # where the number itself starts and ends (for the parse layer)
    num_end: int
    value: float
    hi: float | None = None  # upper bound of a range
    hi_qualifier: str = "<="
    unit: str | None = None
    kind: str = "count"
    qualifier: str = "="
    counted: str | None = None
    counted_start: int | None = None
    counted_end: int | None = None
    #: Hints for the parse layer.
    year_like: bool = False
    words_only: bool = False  # spelled out ("one", "half")
    is_one: bool = False
    age: bool = False
    fraction_of_whole: bool = False
    rate: str | None = None
    after: int = 0  # index of the first scanner token after the quantity
    compound: bool = False  # "62-metre structure": the quantity modifies the next noun


def _to_quantities(cand: _Cand, text: str, offset: int) -> Iterator[Quantity]:
    span = text[cand.start:cand.end]
    start, end = offset + cand.start, offset + cand.end
    unit = cand.unit
    if cand.rate and unit is not None and "/" not in unit:
        unit = f"{unit}/{cand.rate}"
    common = dict(unit=unit, counted=cand.counted, counted_start=cand.counted_start,
                  counted_end=cand.counted_end, kind=cand.kind)
    value = _round(cand.value)
    if cand.hi is None:
        yield Quantity(start, end, span, value, qualifier=cand.qualifier, **common)
    else:
        yield Quantity(start, end, span, value, qualifier=cand.qualifier, **common)
        yield Quantity(start, end, span, _round(cand.hi), qualifier=cand.hi_qualifier,
                       **common)


def _round(value: float) -> float:
    # 4.5 * 1e9 is 4500000000.000001 in binary: keep 12 significant digits.
    return float(f"{value:.12g}")
