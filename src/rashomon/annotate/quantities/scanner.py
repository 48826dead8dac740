"""The lexical scanner (no model): reads quantities token by token, left to right, in
one pass. It skips what is lexically a date, a clock time, a version or a model name,
reads currency prefixes, qualifiers before and after, ranges and ordinals, and, without a
parse, takes the counted noun from the words after the quantity."""

from __future__ import annotations

from typing import Any

from .candidate import _Cand
from .lexicon import (
    _CHANGE_VERBS,
    _CURRENCY_CODES,
    _CURRENCY_PREFIX,
    _CURRENCY_PREFIX_WORDS,
    _DETERMINERS,
    _DOLLAR_LETTERS,
    _ID_WORDS,
    _IRREGULAR_PLURALS,
    _MONTHS,
    _ORDINALS,
    _PRONOUNS,
    _QUAL_AFTER,
    _QUAL_BEFORE,
    _QUAL_MAXLEN,
    _QUAL_SYMBOL,
    _SKIP_BEFORE_NOUN,
    _Unit,
)
from .numbers import _digits_value
from .tokens import _Tok
from .units import _UnitReader


class _Scanner(_UnitReader):
    """Reads quantities from the tokens of one text, left to right, in one pass."""

    def scan(self) -> list[_Cand]:
        out: list[_Cand] = []
        i = 0
        while i < self.n:
            found = self._at(i)
            if found is None:
                i += 1
                continue
            if isinstance(found, int):  # skip a date, a version, a model name ...
                i = max(found, i + 1)
                continue
            out.extend(found)
            i = max(found[-1].after, i + 1) if found else i + 1
        return out

    # -- the grammar
    def _at(self, i: int) -> list[_Cand] | int | None:
        t = self.toks[i]
        # Currency prefixes: "$", "US$", "Rs", "PS8.1bn", "Y=28,030", "USD 10".
        if t.kind != "n" and not self._starts_number(i):
            cur = self._currency_prefix(i)
            if cur is None:
                return self._ordinal(i)
            code, j = cur
            if j < self.n and (self.toks[j].kind == "n" or self._starts_number(j)
                               or (self.toks[j].text in "-−" and j + 1 < self.n
                                   and self.toks[j + 1].kind == "n" and self.glued(j + 1))):
                return self._quantity(i, j, code)
            return None
        skip = self._lexical_skip(i)
        if skip is not None:
            return skip
        return self._quantity(i, i, None)

    def _currency_prefix(self, i: int) -> tuple[str, int] | None:
        t = self.toks[i]
        nxt = self.toks[i + 1] if i + 1 < self.n else None
        if t.text in _CURRENCY_PREFIX:
            code = _CURRENCY_PREFIX[t.text]
            j = i + 1
            if t.text == "$" and nxt is not None and nxt.kind == "w" and not nxt.gap \
                    and nxt.low in _DOLLAR_LETTERS and i + 2 < self.n \
                    and self.toks[i + 2].kind == "n":
                return _DOLLAR_LETTERS[nxt.low], i + 2  # $US55,931,000, $A82
            if t.text == "$" and nxt is not None and nxt.kind == "w" and nxt.low in ("us",) \
                    and not nxt.gap:
                return "USD", i + 2
            if t.text == "$" and i > 0 and not t.gap and self.toks[i - 1].kind == "w":
                code = _DOLLAR_LETTERS.get(self.toks[i - 1].low, code)
            return code, j
        if t.kind == "w" and nxt is not None:
            if nxt.text == "$" and not nxt.gap and t.low in _DOLLAR_LETTERS:
                return _DOLLAR_LETTERS[t.low], i + 2  # US$, HK$, A$, C$
            if nxt.text == "$" and t.low in ("us", "hk", "nz") and i + 2 < self.n:
                return _DOLLAR_LETTERS[t.low], i + 2  # "HK $5.4m", "US $58.24"
            if t.text == "Y" and nxt.text == "=" and not nxt.gap:
                return "JPY", i + 2
            if t.text in _CURRENCY_CODES and (nxt.kind == "n"):
                return t.text, i + 1  # USD10m, EUR 5
            if t.low in _CURRENCY_PREFIX_WORDS and nxt.kind == "n":
                if t.low == "ps" and (nxt.gap or t.text != "PS"):
                    return None  # "PS" before a spaced number is not the folded pound
                if t.low == "rm" and t.text != "RM":
                    return None
                return _CURRENCY_PREFIX_WORDS[t.low], i + 1
            if t.low == "rs" and nxt.text == "." and i + 2 < self.n \
                    and self.toks[i + 2].kind == "n":
                return "INR", i + 2
        return None

    def _ordinal(self, i: int) -> list[_Cand] | None:
        t = self.toks[i]
        if t.kind == "w" and t.low in _ORDINALS and t.low != "second":
            # "third-largest", "the fifth straight year"; "second" is too often the unit.
            prev = self.low(i - 1)
            if prev in ("the", "its", "their", "a", "his", "her", "our") or \
                    (i + 2 < self.n and self.toks[i + 1].text == "-" and self.glued(i + 1)):
                return [_Cand(t.start, t.end, t.start, t.end, float(_ORDINALS[t.low]),
                              kind="ordinal", words_only=True, after=i + 1)]
        return None

    def _lexical_skip(self, i: int) -> int | None:
        """Index to resume at when the number at i is lexically not an amount."""
        t = self.toks[i]
        prev = self.toks[i - 1] if i > 0 else None
        nxt = self.toks[i + 1] if i + 1 < self.n else None
        if t.kind != "n":
            return None
        # Glued to letters before it: a model or product code ("S22", "V10", "M21").
        if prev is not None and not t.gap and prev.kind == "w":
            return i + 1
        # "F-16", "COVID-19", "TA-35", "last-32": a name or code with a hyphen.
        if prev is not None and prev.text in "-–" and not t.gap and i >= 2 \
                and not prev.gap and self.toks[i - 2].kind == "w" \
                and self.toks[i - 2].low not in ("minus", "sub", "over", "under", "about"):
            return i + 1
        # Clock times, scores and ratios with a colon: "4:39", "10:27".
        if nxt is not None and nxt.text in ":" and not nxt.gap and i + 2 < self.n \
                and self.toks[i + 2].kind == "n" and not self.toks[i + 2].gap:
            return i + 3
        if prev is not None and prev.text == ":" and not t.gap and i >= 2 \
                and self.toks[i - 2].kind == "n":
            return i + 1
        # Versions, IP addresses, dotted dates: "3.8.0", "26.02.2024".
        if nxt is not None and nxt.text == "." and not nxt.gap and i + 2 < self.n \
                and self.toks[i + 2].kind == "n" and not self.toks[i + 2].gap:
            j = i
            while j + 2 < self.n and self.toks[j + 1].text == "." and \
                    not self.toks[j + 1].gap and self.toks[j + 2].kind == "n":
                j += 2
            return j + 1
        # Slashed dates "3/15/2026"; "24/7".
        if nxt is not None and nxt.text == "/" and not nxt.gap and i + 2 < self.n \
                and self.toks[i + 2].kind == "n" and not self.toks[i + 2].gap:
            a = _digits_value(t.text) or 0
            b = _digits_value(self.toks[i + 2].text) or 0
            chained = i + 3 < self.n and self.toks[i + 3].text == "/"
            if chained or not (b in (2, 3, 4, 5, 8, 10, 16, 32, 64, 100, 128) and a < b):
                return i + 3 + (2 if chained else 0)
        # Clock times: "5am", "10 p.m.", "1.56pm", "4 a.m.".
        if nxt is not None and (nxt.low in ("am", "pm") or (
                nxt.low in ("a", "p") and i + 2 < self.n and self.toks[i + 2].text == "."
                and not self.toks[i + 2].gap and self.low(i + 3) == "m")):
            return i + 2
        # Decades: "1990s", "the '90s".
        if nxt is not None and nxt.low == "s" and not nxt.gap:
            return i + 2
        # Identifiers: "Game 7", "Article 5", "No. 10", "#1", "category 4".
        if prev is not None and t.gap and (prev.low in _ID_WORDS or prev.text in "#№"):
            if prev.low not in ("week", "day", "page", "pages", "part") or \
                    (prev.text[:1].isupper()):
                return i + 1
        if prev is not None and prev.text == "." and i >= 2 and self.low(i - 2) == "no":
            return i + 1
        if prev is not None and prev.low == "p" and i >= 2 and self.toks[i - 2].text == "&":
            return i + 1  # "S&P 500"
        # "2022's", "2022′s": a year with a possessive.
        if nxt is not None and nxt.text in "'’′" and not nxt.gap and self.low(i + 2) == "s" \
                and len(t.text) == 4 and t.text.isdigit():
            return i + 3
        # Days of the month next to a month name: "26 February", "March 7", "Oct. 31".
        value = _digits_value(t.text)
        if value is not None and value == int(value) and 1 <= value <= 31 and \
                "." not in t.text:
            if self.low(i + 1) in _MONTHS or (self.low(i + 1) == "of" and
                                              self.low(i + 2) in _MONTHS):
                return i + 2
            back = i - 1
            if back >= 0 and self.toks[back].text == ".":
                back -= 1
            if back >= 0 and self.toks[back].low in _MONTHS and \
                    (self.toks[back].text[:1].isupper() or self.toks[back].low != "may"):
                return i + 1
        return None

    def _quantity(self, start_i: int, num_i: int, currency: str | None) -> list[_Cand] | int | None:
        parsed = self._number(num_i)
        if parsed is None:
            return None
        value, j, info = parsed
        first = self.toks[num_i]
        num_start = first.start
        num_end = self.toks[j - 1].end
        cand = _Cand(self.toks[start_i].start, num_end, num_start, num_end, value,
                     words_only=info["words"] or first.kind == "w", after=j)
        cand.is_one = first.low in ("one", "a", "an") and value == 1 and j == num_i + 1
        if info["vague"]:
            cand.value, cand.hi = info["vague"]
            cand.qualifier, cand.hi_qualifier = ">=", "<"
        if info["fraction"]:
            cand.kind = "fraction"
            cand.fraction_of_whole = info["fraction"] == "word"
        # Year-like: a plain four-digit integer, which the parse layer may drop.
        cand.year_like = (first.kind == "n" and len(first.text) == 4 and first.text.isdigit()
                          and 1000 <= value <= 2199 and not info["scaled"] and j == num_i + 1)
        # "1 in 5", "one out of three": a fraction.
        frac = self._one_in(j, value)
        if frac is not None:
            cand.value, j = frac
            cand.kind, cand.after, cand.num_end = "fraction", j, self.toks[j - 1].end
            cand.end = cand.num_end
            self._qualify(cand, start_i)
            return [cand]
        if currency is None:
            currency, j = self._currency_after(j, info)
        if currency is None and j < self.n and self.toks[j].kind == "w" and \
                not self.toks[j].gap and self._match_unit(j) is None and first.kind == "n":
            if self.toks[j].low in ("st", "nd", "rd", "th") and j == num_i + 1 and \
                    "." not in first.text:
                cand.kind, cand.after = "ordinal", j + 1  # "96th", "21st"
                cand.end = cand.num_end = self.toks[j].end
                return [cand]
            return j + 1  # "5G", "3D", "4x4": a code, not an amount
        unit: _Unit | str | None = None
        j2, compound = j, False
        if currency is None and info["glued_m"] is not None and self._metres(j):
            # "37m (121ft)", "a 100m sprint", "37m-long": metres, not millions.
            cand.value, unit = value / 1e6, "m"
            if j + 1 < self.n and self.toks[j].text == "-" and not self.toks[j].gap and \
                    self.toks[j + 1].kind == "w" and not self.toks[j + 1].gap:
                j2, compound = j + 2, True
        elif currency is None:
            unit, j2, compound = self._unit_after(j, info, cand)
        if currency is not None:
            cand.unit, cand.kind = currency, "money"
        elif unit is not None:
            cand.unit = unit.canonical if isinstance(unit, _Unit) else unit
            kind = unit.kind if isinstance(unit, _Unit) else "measure"
            if cand.unit == "%":
                cand.kind = "percent"
            elif kind == "measure" or cand.kind != "fraction":
                cand.kind = kind
        cand.compound = compound
        # Rates: "$1,271 an ounce", "$3,500 a month", "400 visitors a day", "per share".
        j2 = self._rate(j2, cand)
        cand.end = self.toks[j2 - 1].end
        cand.after = j2
        self._age(cand, j2)
        self._qualify(cand, start_i)
        # Ranges: "20 to 30", "20-30", "between 20 and 30", "$3 billion to $5 billion".
        ranged = self._range(cand, start_i, j2, info)
        if ranged is not None:
            return ranged
        return self._suffix_qualifier(cand)

    def _qualify(self, cand: _Cand, start_i: int) -> None:
        """Qualifier words before the quantity ("more than", "about", "up to")."""
        i = start_i - 1
        prev_sym = self.toks[i] if i >= 0 else None
        if prev_sym is not None and prev_sym.text in _QUAL_SYMBOL and prev_sym.kind == "s" \
                and not self.toks[start_i].gap and prev_sym.text != "+":
            cand.qualifier = _QUAL_SYMBOL[prev_sym.text]
            cand.start = prev_sym.start
            return
        if prev_sym is not None and prev_sym.text == "-" and not self.toks[start_i].gap and \
                i >= 1 and self.low(i - 1) == "sub" and not prev_sym.gap:
            cand.qualifier, cand.start = "<", self.toks[i - 1].start
            return
        words: list[str] = []
        k = i
        while k >= 0 and len(words) < _QUAL_MAXLEN and self.toks[k].kind == "w":
            words.append(self.toks[k].low)
            k -= 1
        words.reverse()
        for size in range(len(words), 0, -1):
            key = tuple(words[-size:])
            qual = _QUAL_BEFORE.get(key)
            if qual is None:
                continue
            if cand.hi is not None:
                cand.start = self.toks[start_i - size].start
                return  # "maybe tens of millions": the range keeps its bounds
            if key == ("some",) and (cand.is_one or cand.kind == "fraction"):
                return
            cand.qualifier = qual
            cand.start = self.toks[start_i - size].start
            return

    def _suffix_qualifier(self, cand: _Cand) -> list[_Cand]:
        j = cand.after
        for key, qual in _QUAL_AFTER.items():
            n = len(key)
            if tuple(self.low(j + k) if self.toks[j + k].kind == "w" else self.toks[j + k].text
                     for k in range(n) if j + k < self.n) == key:
                if key == ("+",) and (j >= self.n or self.toks[j].gap):
                    continue
                if key[0] in ("and", "or") and j + n < self.n and \
                        self._starts_number(j + n):
                    continue
                if cand.qualifier == "=":
                    cand.qualifier = qual
                cand.end = self.toks[j + n - 1].end
                cand.after = j + n
                break
        return [cand]

    def _range(self, cand: _Cand, start_i: int, j: int, info: dict[str, Any]
               ) -> list[_Cand] | int | None:
        if j >= self.n or cand.hi is not None or cand.age:
            return None
        sep = self.toks[j]
        prev_word = self._word_before(start_i)
        if sep.text in "-–—" and sep.kind == "s":
            hyphen = True
        elif sep.low == "to" or (sep.low == "and" and prev_word == "between"):
            hyphen = False
        elif sep.low == "or" and cand.words_only and cand.value < 100:
            hyphen = False  # "three or four years"
        else:
            return None
        k = j + 1
        hop = False
        if not hyphen and k + 1 < self.n and self.toks[k].text == "-" and \
                not self.toks[k].gap and self.toks[k + 1].kind == "n":
            k, hop = k + 1, True  # "200,000 to-260,000"
        cur2 = self._currency_prefix(k) if k < self.n else None
        if cur2 is not None:
            k = cur2[1]
        if k >= self.n or not self._starts_number(k) or self.toks[k].low in ("a", "an"):
            return None
        if hyphen and self.toks[k].kind == "w" and cand.words_only is False:
            return None
        if not hop and self._lexical_skip(k) is not None:
            return None
        parsed = self._number(k)
        if parsed is None:
            return None
        hi, k2, info2 = parsed
        if info2["vague"] or info2["fraction"]:
            return None
        cur_after, k3 = self._currency_after(k2, info2)
        currency2 = cur2[0] if cur2 else cur_after
        unit2: Any = None
        probe = _Cand(0, 0, 0, 0, 0.0)
        if currency2 is None:
            unit2, k3, _ = self._unit_after(k2, info2, probe)
        unit2_name = currency2 or (unit2.canonical if isinstance(unit2, _Unit) else unit2)
        # Different units on both sides: "5% to $2.3 billion" is not a range.
        if cand.unit is not None and unit2_name is not None and cand.unit != unit2_name:
            return None
        # "rose 3% to 5%", "from 240 to 273" after a verb of change: two values.
        if not hyphen and sep.low == "to":
            if cand.unit is not None and (prev_word in _CHANGE_VERBS or prev_word == "by"):
                return None  # "rose 3% to 5%": a change and a level
            if prev_word == "from" and self._change_before(start_i):
                return None  # "jumped from 240 to 273": two values
        lo = cand.value
        # "1 to 2 thousand", "$89 to $93 billion": the scale of the upper bound applies.
        if info2["scaled"] and not info["scaled"] and cand.unit in (None, unit2_name) and \
                lo * info2["scale"] <= hi:
            lo *= info2["scale"]
        if hi <= lo:
            if hyphen:
                # "2-0", "89-89": a score; "2014-2017" is handled as years.
                return k2
            return None
        if cand.year_like and len(self.toks[k].text) in (2, 4) and self.toks[k].kind == "n" \
                and 1000 <= lo <= 2199 and unit2_name is None:
            return k2  # "2014-2017", "1914-18": years
        cand.value, cand.hi = lo, hi
        cand.qualifier, cand.hi_qualifier = ">=", "<="
        if cand.unit is None and unit2_name is not None:
            cand.unit = unit2_name
            if currency2:
                cand.kind = "money"
            elif isinstance(unit2, _Unit):
                cand.kind = "percent" if unit2.canonical == "%" else unit2.kind
            else:
                cand.kind = "measure"
            k2 = k3
        elif unit2_name is not None:
            k2 = k3
        k2 = self._rate(k2, cand)
        cand.end = self.toks[k2 - 1].end
        cand.after = k2
        cand.num_end = self.toks[k2 - 1].end
        cand.year_like = False
        if probe.age:
            cand.age, cand.kind, cand.counted = True, "measure", "age"
        self._age(cand, k2)
        return [cand]

    def _word_before(self, i: int) -> str:
        k = i - 1
        while k >= 0 and self.toks[k].kind == "w" and \
                tuple([self.toks[k].low]) in _QUAL_BEFORE and self.toks[k].low != "from":
            k -= 1
        return self.toks[k].low if k >= 0 else ""

    def _change_before(self, i: int) -> bool:
        k = i - 1
        while k > i - 6 and k >= 0 and self.toks[k].low != "from":
            k -= 1
        for m in range(k - 1, max(-1, k - 6), -1):
            if self.toks[m].low in _CHANGE_VERBS:
                return True
            if self.toks[m].text in ".;:":
                break
        return False

    # -- counted noun without a parse (plain strings)
    def lexical_counted(self, cand: _Cand) -> None:
        if cand.counted is not None or cand.kind not in ("count", "fraction"):
            return
        j = cand.after
        while j < self.n and self.toks[j].low in _SKIP_BEFORE_NOUN:
            j += 1
        partitive = False
        if self.low(j) == "of":
            partitive = True
            j += 1
            while j < self.n and (self.toks[j].low in _DETERMINERS or self.toks[j].text in "'’"
                                  or self.toks[j].low == "s" and not self.toks[j].gap):
                j += 1
        if j < self.n and self.toks[j].low in _PRONOUNS:
            return
        words: list[_Tok] = []
        while j < self.n and len(words) < 5 and (self.toks[j].kind == "w" or (
                self.toks[j].text == "-" and not self.toks[j].gap and words)):
            if self.toks[j].low in _STOP_AFTER and words:
                break
            words.append(self.toks[j])
            if _looks_plural(self.toks[j].low) and not partitive:
                break
            j += 1
        while words and (words[-1].text == "-" or words[-1].low in _STOP_AFTER):
            words.pop()
        if words:
            cand.counted = self.text[words[0].start:words[-1].end]
            cand.counted_start, cand.counted_end = words[0].start, words[-1].end


_STOP_AFTER = set(
    "of in on at to for from by with and or but that which who whom were was are is be been "
    "have has had will would could should may might can did do does than as after before "
    "since until into over under about said says according while when where".split())


def _looks_plural(word: str) -> bool:
    return word in _IRREGULAR_PLURALS or (
        len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")))
