"""The second layer of the scanner: what comes after a number, a currency, a unit, a
hyphenated compound ("62-metre", "212-page"), a rate ("a day", "per share"), an age
("50-year-old", "aged 14")."""

from __future__ import annotations

from typing import Any

from .candidate import _Cand
from .lexicon import (
    _BEFORE_TIME_UNIT,
    _CURRENCY_CODES,
    _CURRENCY_PREFIX,
    _CURRENCY_WORDS,
    _DETERMINERS,
    _HYPHEN_AGE,
    _MONTHS,
    _NATIONAL_CURRENCIES,
    _NATIONALITY,
    _NOT_COMPOUND_UNITS,
    _PRONOUNS,
    _RATE_WORDS,
    _TIME_UNITS,
    _Unit,
)
from .numbers import _NumberReader


class _UnitReader(_NumberReader):
    """Reads the currency, unit, rate and age after a number phrase."""

    def _currency_after(self, j: int, info: dict[str, Any]) -> tuple[str | None, int]:
        if j >= self.n:
            return None, j
        t = self.toks[j]
        if t.text in _CURRENCY_PREFIX and not t.gap and t.text != "$":
            return _CURRENCY_PREFIX[t.text], j + 1  # "1,200€"
        if t.text in _CURRENCY_CODES:
            return t.text, j + 1  # "110 JPY"
        # Nationality + currency word: "Australian dollars", "Danish crowns".
        for words, code in _NATIONALITY.items():
            n = len(words)
            if tuple(self.low(j + k) for k in range(n)) == words and \
                    self.low(j + n) in _NATIONAL_CURRENCIES:
                end = j + n + 1
                if self.low(end) == "sterling":
                    end += 1
                return code, end
        if info["vague"] and t.low == "of" and self.low(j + 1) in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[self.low(j + 1)], j + 2  # "tens of millions of dollars"
        if t.low in ("pound", "pounds"):
            if self.low(j + 1) == "sterling" or info["scaled"]:
                return "GBP", j + 1 + (self.low(j + 1) == "sterling")
            return None, j  # weight: handled as a unit below
        if t.low in _CURRENCY_WORDS and t.kind == "w":
            if t.low == "won" and not info["scaled"]:
                return None, j  # "3 won" is rare; "2-0 won" and "who won" are the verb
            return _CURRENCY_WORDS[t.low], j + 1
        if t.low == "p" and t.kind == "w" and not (self.low(j + 1) == "." and
                                                   self.low(j + 2) == "m"):
            return "pence", j + 1  # "118.5p", "down 68 p"
        return None, j

    def _unit_after(self, j: int, info: dict[str, Any], cand: _Cand
                    ) -> tuple[_Unit | str | None, int, bool]:
        """The unit after a number; a hyphenated unit ("62-metre", "30-day") is a compound."""
        if j >= self.n:
            return None, j, False
        t = self.toks[j]
        compound = False
        k = j
        if t.text in "-–" and not t.gap and k + 1 < self.n and (
                self.toks[k + 1].text == "," or self.toks[k + 1].low in ("and", "or", "to")):
            # "four-, five- and six-cylinder engines": the unit comes with the last one.
            m = k + 1
            while m < min(self.n - 2, k + 12):
                if self.toks[m + 1].text in "-–" and not self.toks[m + 1].gap and \
                        self._starts_number(m) and self.toks[m + 2].kind == "w" and \
                        not self.toks[m + 2].gap:
                    unit, _, _ = self._unit_after(m + 1, info, _Cand(0, 0, 0, 0, 0.0))
                    return unit, j + 1, True
                m += 1
            return None, j, False
        if t.text in "-–" and not t.gap and k + 1 < self.n and not self.toks[k + 1].gap \
                and self.toks[k + 1].kind == "w":
            k += 1
            compound = True
            if self.toks[k].low == "strong":  # "3,000-strong force"
                return None, k + 1, True
        matched = self._match_unit(k)
        if matched is None and not compound and t.low in _BEFORE_TIME_UNIT:
            # "six consecutive days", "five straight years", "three more hours".
            timed = self._match_unit(k + 1)
            if timed is not None and timed[0].canonical in _TIME_UNITS:
                matched = timed
        if matched is None:
            if compound and self.toks[k].low not in _PRONOUNS:
                # "212-page report", "six-cylinder engine": the word is the unit.
                word = self.toks[k].low
                if word in _HYPHEN_AGE or word in _NOT_COMPOUND_UNITS:
                    return None, j, False
                if self._starts_number(k) or word in _CURRENCY_WORDS or word in _MONTHS:
                    return None, j, False
                end = k + 1
                return word, end, True
            return None, j, False
        unit, end = matched
        # A lone letter after a spelled number is not a unit: "one m", "a g".
        if info["words"] and len(self.toks[k].text) == 1 and unit.canonical != "%":
            return None, j, False
        # A hyphen compound continues: "58-metre-high", "five-year-old".
        if compound or (end < self.n and self.toks[end].text == "-" and not self.toks[end].gap):
            if end + 1 < self.n and self.toks[end].text == "-" and \
                    self.toks[end + 1].low in ("old", "olds") and not self.toks[end].gap:
                cand.age = True
                return unit, end + 2, False
            if end + 1 < self.n and self.toks[end].text == "-" and not self.toks[end].gap \
                    and self.toks[end + 1].kind == "w" and not self.toks[end + 1].gap \
                    and self.toks[end + 1].low not in ("a", "an", "per"):
                # "58-metre-high", "37m-long"
                return unit, end + 2, True
            return unit, end, compound
        return unit, end, False

    def _metres(self, j: int) -> bool:
        """After a glued "m": metres rather than millions? "-long", "high", "(121ft)", or
        a noun that is measured in metres ("a 100m sprint")."""
        if j < self.n and self.toks[j].text == "-" and self.low(j + 1) in (
                "high", "long", "tall", "wide", "deep", "thick", "metre"):
            return True
        if self.low(j) in ("high", "long", "tall", "wide", "deep", "above", "below",
                           "sprint", "race", "hurdles", "freestyle", "butterfly", "backstroke",
                           "breaststroke", "relay", "dash", "final", "heat", "title"):
            return True
        return self.low(j) == "(" and j + 2 < self.n and self.low(j + 2) in ("ft", "feet")

    def _rate(self, j: int, cand: _Cand) -> int:
        if cand.unit is None and cand.kind != "count":
            return j
        k = j
        if k + 1 < self.n and self.toks[k].text == "-" and not self.toks[k].gap and \
                self.low(k + 1) in ("a", "an", "per") and not self.toks[k + 1].gap:
            k += 1  # "52,000 barrel-a-day"
            if k + 2 < self.n and self.toks[k + 1].text == "-":
                word = self.low(k + 2)
                if word in _RATE_WORDS:
                    cand.rate = _RATE_WORDS[word]
                    return k + 3
        if self.low(k) in ("a", "an", "per", "each", "every") or (
                self.toks[k].text == "/" if k < self.n else False):
            word_i = k + 1
            if self.low(word_i) in ("square",) and word_i + 1 < self.n:
                matched = self._match_unit(word_i)
                if matched:
                    cand.rate = matched[0].canonical
                    return matched[1]
            word = self.low(word_i)
            base = word[:-1] if word.endswith("s") and word[:-1] in _RATE_WORDS else word
            if base in _RATE_WORDS:
                if self.low(k) in ("a", "an") and base not in _TIME_UNITS and \
                        _RATE_WORDS[base] not in ("bbl", "oz", "gal", "share", "head", "person",
                                                  "g", "kg", "lb", "l", "t"):
                    return j
                cand.rate = _RATE_WORDS[base]
                return word_i + 1
            if self.low(k) == "per" and word_i < self.n:
                matched = self._match_unit(word_i)
                if matched:
                    cand.rate = matched[0].canonical
                    return matched[1]
                if self.toks[word_i].kind == "w" and word not in _DETERMINERS:
                    cand.rate = word
                    return word_i + 1
        return j

    def _age(self, cand: _Cand, j: int) -> None:
        """Ages: "50-year-old", "67 years old", "aged 14"."""
        if cand.unit in ("year", "month", "week", "day") and self.low(j) == "old":
            cand.age = True
            cand.after = j + 1
        if cand.unit is None and cand.kind == "count":
            before = cand.start
            i = self._index_at(before) - 1
            if i >= 0 and (self.toks[i].low in ("aged", "age") or (
                    self.toks[i].low == "of" and self.low(i - 1) == "age")):
                cand.unit, cand.kind, cand.age = "year", "measure", True
            elif self.low(cand.after) in ("year", "years") and \
                    self.low(cand.after + 1) == "old":
                cand.unit, cand.kind, cand.age = "year", "measure", True
                cand.after += 2
        if cand.age:
            cand.kind = "measure"
            cand.counted = "age"
