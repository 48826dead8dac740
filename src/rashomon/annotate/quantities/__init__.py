"""Quantities: the numbers an article states, normalised so outlets can be compared.

Each quantity gets a value (``31,000`` = 31000, ``"twenty-six"`` = 26, ``"half"`` = 0.5,
``"$60 billion"`` = 6e10 with unit ``USD``), a qualifier (``=``, ``~``, ``>``, ``>=``, ``<``,
``<=``), a unit and what is counted or measured (``31,000 Ukrainian soldiers`` counts
``Ukrainian soldiers``; ``half of the Western military aid`` is 0.5 of ``Western military aid``).

How it works, in two layers, both linear in the length of the text:

1. A lexical scanner (no model) tokenises the text with one regular expression and reads
   number phrases token by token: digits with separators and glued suffixes (``1.2m``,
   ``5.5kWh``, ``PS8.1bn``), spelled numbers (via text2num), scale words, fractions,
   currencies, units, ranges and qualifiers. It also drops what is lexically a date, a
   clock time, a version or a model name (``26 February``, ``4:30``, ``3.8.0``, ``F-16``).
2. With a spaCy parse (the component), numbers inside DATE/TIME entities are dropped
   unless they are durations or ages, numbers that are part of a name (``iPhone 11``,
   ``S&P 500``) are dropped, and the counted noun comes from the dependency parse.

Decisions worth knowing (see also the tests):

- A range (``20 to 30``, ``20-30``, ``between 20 and 30``) has no single value: it becomes two
  quantities with the same span, the lower bound with ``>=`` and the upper with ``<=``.
  Vague plurals follow NewsQuant's convention: ``dozens`` is 12 to 120, ``hundreds`` 100 to
  1,000, ``tens of thousands`` 10,000 to 100,000 (lower bound ``>=``, upper ``<``).
- ``one`` is a count of 1 when it counts something (``one proposal``, and the partitive
  ``one of the largest dinosaurs``, like ``three of the five gates``), not when it is a
  pronoun (``the one``, ``each one``, ``no one``, ``one of them``) or an idiom (``one day``).
- A fraction word of a whole (``half of the aid``, ``a third of voters``) is approximate
  (``~``): prose rounds; a fraction of a unit (``half an hour``) or in digits is exact.
- ``from 240 to 273`` after a verb of change (rose, fell ...) is two values, not a range.
- Years, days of the month, clock times, ordinals inside dates, scores (``2-0``) and
  identifiers (``Game 7``, ``Article 5``) are not quantities. Durations (``five hours``,
  ``within 30 days``) and ages (``Milena Hartova, 44``, ``a 50-year-old man``) are.
- Ordinals (``third-largest``, ``96th``) are kept with kind ``ordinal``; ``first`` is not
  (it is mostly a discourse word: "for the first time").
- ``nearly``/``almost``/``under`` are ``<``; ``up to``/``within``/``as many as`` are ``<=``.
- A bare ``m`` glued to a number is a million (``1.2m``, ``$4m``) unless a length reading is
  signalled (``37m-long``, ``2m high``, ``a 100m sprint``, ``37m (121ft)``).

Units: currencies as ISO codes (``USD``, ``EUR``; ``crown`` when the text does not say
whose crowns, ``cent``, ``pence``), measures as symbols (``km``, ``m2``, ``°C``, ``hour``,
``day``, ``%``, ``bp``), rates with a slash (``USD/oz``, ``bbl/day``). A plain count's unit
is the lemma of the counted noun (``soldier``), with a rate where there is one
(``visitor/day``). ``counted`` is the counted or measured noun phrase as written, and
``counted_start``/``counted_end`` its span; ages are the exception: ``counted`` reads
``"age of Milena Hartova"`` and the span is the name's.

The package, by responsibility: ``lexicon`` (word lists, units, currencies), ``tokens``
(the tokeniser), ``numbers``, ``units`` and ``scanner`` (the lexical scanner, in three
layers), ``candidate`` (what the scanner finds, and its conversion to ``Quantity``),
``parse`` (the spaCy layer, ``change_direction``), ``changes`` ("from X to Y"); this
module runs them and registers the component.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from ...model import Quantity
from ..base import Document, register
from .candidate import _to_quantities
from .changes import from_to_pairs, share_units

# The limits stay reachable here, where they were before the split.
from .numbers import MAX_DIGITS as MAX_DIGITS
from .numbers import MAX_WORD_RUN as MAX_WORD_RUN
from .parse import _NOT_BEFORE_ONE, _apposition_age, _counted, _keep, _Parsed, change_direction
from .scanner import _looks_plural, _Scanner

__all__ = ["Quantities", "change_direction", "from_to_pairs", "number_value", "quantities_in",
           "quantities_of"]

# --- running both layers --------------------------------------------------------------


def _scan(text: str, p: _Parsed | None, offset: int) -> Iterator[Quantity]:
    scanner = _Scanner(text)
    for cand in scanner.scan():
        if p is not None:
            _apposition_age(cand, p)
            if not _keep(cand, p):
                continue
            _counted(cand, p, offset)
        else:
            after = scanner.low(cand.after)
            before = scanner.low(scanner._index_at(cand.num_start) - 1)
            if cand.is_one and (after in ("another", "day", "time", "way", "")
                                or before in _NOT_BEFORE_ONE
                                or not scanner.toks[cand.after].kind == "w"):
                continue
            if cand.year_like and cand.unit is None and not _looks_plural(after):
                continue  # "in 2024": a year
            scanner.lexical_counted(cand)
        if cand.kind == "fraction" and cand.fraction_of_whole and cand.qualifier == "=" and \
                cand.unit is None:
            cand.qualifier = "~"
        yield from _to_quantities(cand, text, offset)


# --- public API -----------------------------------------------------------------------


def quantities_in(text: str, nlp: Any = None) -> list[Quantity]:
    """The quantities of a plain string; with a spaCy pipeline, filtered and counted by
    the parse exactly as the component does. Offsets are into ``text``."""
    if nlp is None:
        found = list(_scan(text, None, 0))
        share_units(text, found)
        return found
    return quantities_of(nlp(text))


def quantities_of(doc: Any, offset: int = 0) -> list[Quantity]:
    """The quantities of a parsed spaCy doc; offsets are ``offset`` + offsets into
    ``doc.text``. What the component runs on each paragraph."""
    found = list(_scan(doc.text, _Parsed(doc), offset))
    share_units(doc.text, found, offset)
    return found


def number_value(phrase: str) -> float | None:
    """The value of one number phrase: "twenty-six" 26, "4.5 billion" 4.5e9, "half" 0.5."""
    found = quantities_in(phrase)
    return found[0].value if found else None


# --- the component --------------------------------------------------------------------


class Quantities:
    """Numbers in the body paragraphs, with value, qualifier, unit and what is counted."""

    name: ClassVar[str] = "quantities"
    version: ClassVar[str] = "2"  # 2: units carried across "from X to Y"
    requires: ClassVar[tuple[str, ...]] = ("sentences",)
    assigns: ClassVar[tuple[str, ...]] = ("quantities",)

    def __call__(self, doc: Document) -> None:
        out = doc.ann.quantities
        for paragraph in doc.paragraphs:
            out.extend(quantities_of(paragraph.doc, paragraph.offset))


@register("quantities")
def _factory(settings: dict[str, Any]) -> Quantities:
    return Quantities()
