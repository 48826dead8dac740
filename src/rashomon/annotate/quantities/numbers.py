"""Reading numbers: digit strings and runs of number words to values, and the first layer
of the scanner, a cursor over the tokens of one text that reads the number phrase starting
at a token (signs, mixed and vulgar fractions, scientific notation, spelled numbers,
fractions in words, vague plurals, scale words and abbreviations).

The cursor's helpers (``low``, ``glued``, ``_index_at``, ``_match_unit``) live here
because every later layer uses them, and ``"half an hour"`` needs a unit lookup to read
``half``. ``units.py`` and ``scanner.py`` build on this class."""

from __future__ import annotations

import math
from typing import Any

from .lexicon import (
    _FRACTION_WORDS,
    _SCALE,
    _SCALE_ABBR,
    _SMALL,
    _TENS,
    _UNITS,
    _VAGUE,
    _VULGAR,
    _Unit,
)
from .tokens import _lex

#: Digit strings longer than this are not read as numbers (phone numbers, hashes, garbage).
MAX_DIGITS = 18
#: Number words read as one number at most; longer runs are lists, not numbers.
MAX_WORD_RUN = 12


# --- numbers --------------------------------------------------------------------------


def _digits_value(text: str) -> float | None:
    plain = text.replace(",", "")
    if len(plain.replace(".", "")) > MAX_DIGITS:
        return None
    try:
        value = float(plain)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _words_value(words: list[str]) -> float | None:
    """A run of number words ("twenty six", "one hundred and five") as a number."""
    if not words or len(words) > MAX_WORD_RUN:
        return None
    if all(w in _SMALL or w in _TENS or w in _SCALE or w == "and" for w in words):
        try:
            from text_to_num import text2num

            return float(text2num(" ".join(words), "en"))
        except (ImportError, ValueError, IndexError, KeyError):
            pass
    # Fallback and "dozen": plain accumulation (small * scale + ...).
    total, current = 0.0, 0.0
    for w in words:
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _SCALE:
            total += (current or 1) * _SCALE[w]
            current = 0.0
        elif w != "and":
            return None
    return total + current


class _NumberReader:
    """The tokens of one text, and the number phrase that starts at a token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _lex(text)
        self.n = len(self.toks)

    # -- small helpers
    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < self.n else ""

    def glued(self, i: int) -> bool:
        """Token i touches the token before it."""
        return 0 < i < self.n and not self.toks[i].gap

    def _index_at(self, char: int) -> int:
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if self.toks[mid].start < char:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _match_unit(self, j: int) -> tuple[_Unit, int] | None:
        if j >= self.n:
            return None
        t = self.toks[j]
        for key_first in (t.text, t.low):
            for key, unit in _UNITS.get(key_first, ()):
                if unit.exact and key[0] != t.text:
                    continue
                if unit.glued_only and t.gap:
                    continue
                n = len(key)
                if j + n > self.n:
                    continue
                ok = True
                for k in range(1, n):
                    tk = self.toks[j + k]
                    if (tk.text if unit.exact else tk.low) != key[k]:
                        ok = False
                        break
                if ok:
                    end = j + n
                    # A single letter unit must not run into a word: "12 C melting" is
                    # fine, "5 Group" is not a unit.
                    if n == 1 and len(key[0]) == 1 and t.kind == "w" and end < self.n and \
                            self.toks[end].kind == "w" and not self.toks[end].gap:
                        continue
                    return unit, end
        return None

    # -- the grammar
    def _starts_number(self, i: int) -> bool:
        t = self.toks[i]
        if t.kind == "n" or t.text in _VULGAR:
            return True
        if t.text in "-−" and t.kind == "s" and t.gap and i + 1 < self.n and \
                self.toks[i + 1].kind == "n" and not self.toks[i + 1].gap:
            return True  # " -5", "−30"
        if t.kind != "w":
            return False
        w = t.low
        if w in _SMALL or w in _TENS or w in _VAGUE or w in ("dozen", "half"):
            return True
        if w == "minus" and i + 1 < self.n and (self.toks[i + 1].kind == "n" or (
                self.toks[i + 1].text in "-−" and i + 2 < self.n
                and self.toks[i + 2].kind == "n")):
            return True
        if w in ("a", "an") and self.low(i + 1) in (
                "hundred", "thousand", "million", "billion", "trillion", "dozen", "half",
                "third", "quarter", "fifth", "tenth"):
            return True
        return w in ("tens", "hundreds") and self.low(i + 1) == "of"

    def _number(self, i: int) -> tuple[float, int, dict[str, Any]] | None:
        """The number phrase at token i: (value, next index, facts about it)."""
        t = self.toks[i]
        info: dict[str, Any] = {"words": False, "scaled": False, "fraction": None,
                                "vague": None, "glued_m": None, "scale": 1.0}
        negative = False
        if t.kind == "w" and t.low == "minus" and i + 1 < self.n:
            j = i + 1
            if self.toks[j].text in "-−" and not self.toks[j].gap:
                j += 1
            if j < self.n and self.toks[j].kind == "n":
                negative, i, t = True, j, self.toks[j]
        elif t.text in "-−" and i + 1 < self.n and self.toks[i + 1].kind == "n" \
                and self.glued(i + 1):
            negative, i, t = True, i + 1, self.toks[i + 1]
        j = i + 1
        if t.kind == "n":
            value = _digits_value(t.text)
            if value is None:
                return None
            # A glued vulgar fraction or " 1/2" makes a mixed number: "1½", "2 1/2".
            if j < self.n and self.toks[j].text in _VULGAR and not self.toks[j].gap:
                value += _VULGAR[self.toks[j].text]
                j += 1
            elif j + 2 < self.n and self.toks[j].text in "/⁄" and not self.toks[j].gap \
                    and self.toks[j + 1].kind == "n" and not self.toks[j + 1].gap:
                den = _digits_value(self.toks[j + 1].text) or 0
                if den:
                    value, j = value / den, j + 2
                    info["fraction"] = "digits"
            elif j + 3 < self.n and self.toks[j].kind == "n" and self.toks[j + 1].text in "/⁄" \
                    and not self.toks[j + 1].gap and not self.toks[j + 2].gap \
                    and self.toks[j + 2].kind == "n" and "." not in t.text:
                num = _digits_value(self.toks[j].text) or 0
                den = _digits_value(self.toks[j + 2].text) or 0
                if den and num < den and den in (2, 3, 4, 8, 16):
                    value, j = value + num / den, j + 3
            # Scientific notation: "1.99×10−30", "1.5 x 10^9".
            if j + 1 < self.n and self.toks[j].low in ("×", "x", "*") and \
                    self.toks[j + 1].text == "10":
                k = j + 2
                if k < self.n and self.toks[k].text == "^":
                    k += 1
                sign = 1
                if k < self.n and self.toks[k].text in "-−":
                    sign, k = -1, k + 1
                if k < self.n and self.toks[k].kind == "n" and len(self.toks[k].text) <= 3:
                    value *= 10.0 ** (sign * int(float(self.toks[k].text)))
                    j = k + 1
        elif t.text in _VULGAR:
            value = _VULGAR[t.text]
            info["fraction"] = "digits"
        else:
            parsed = self._word_number(i)
            if parsed is None:
                return None
            value, j, extra = parsed
            info.update(extra)
            info["words"] = True
        # "and a half": "two and a half hours", "one and a half million".
        if self.low(j) == "and" and self.low(j + 1) == "a" and self.low(j + 2) == "half":
            value += 0.5
            j += 3
        # Scale words and abbreviations: "4.5 billion", "2.8bn", "4 hundred million".
        while j < self.n:
            s = self.toks[j]
            if s.low in _SCALE and s.kind == "w":
                value *= _SCALE[s.low]
                info["scale"] *= _SCALE[s.low]
                info["scaled"] = True
                j += 1
                continue
            if s.kind == "w" and s.low in _SCALE_ABBR and not info["words"]:
                if s.low in ("m", "b") or s.text == "M":
                    if s.gap and s.text != "M":
                        break  # "37 m" is metres; "b" spaced is nothing
                    if j + 1 < self.n and self.toks[j + 1].text in ("2", "3") and \
                            not self.toks[j + 1].gap:
                        break  # "32m2": square metres
                    if s.low == "m":
                        info["glued_m"] = j
                if s.low == "k" and s.gap:
                    break
                value *= _SCALE_ABBR[s.low]
                info["scale"] *= _SCALE_ABBR[s.low]
                info["scaled"] = True
                j += 1
                continue
            if s.low == "dozen" and s.kind == "w":
                value *= 12
                j += 1
                continue
            break
        return (-value if negative else value), j, info

    def _word_number(self, i: int) -> tuple[float, int, dict[str, Any]] | None:
        t = self.toks[i]
        w = t.low
        extra: dict[str, Any] = {}
        # Vague plurals: "dozens", "hundreds of thousands", "tens of millions".
        if w in _VAGUE or w == "tens":
            lo_hi = _VAGUE.get(w, (10.0, 100.0))
            j = i + 1
            if self.low(j) == "of" and self.low(j + 1) in ("thousands", "millions",
                                                          "billions", "trillions"):
                mult = _VAGUE[self.low(j + 1)][0]
                lo_hi = (lo_hi[0] * mult, lo_hi[1] * mult)
                j += 2
            extra["vague"] = lo_hi
            return lo_hi[0], j, extra
        # Fractions in words: "half", "a third", "two-thirds", "three quarters".
        if w in ("a", "an") or w == "half":
            if w == "half":
                # "half a million", "half an hour": a half of one unit, not of a whole.
                if self.low(i + 1) in ("a", "an") and i + 2 < self.n and (
                        self.low(i + 2) in _SCALE or self._match_unit(i + 2) is not None):
                    return 0.5, i + 2, {"fraction": "digits"}
                return 0.5, i + 1, {"fraction": "word"}
            nxt = self.low(i + 1)
            if nxt == "dozen":
                return 12.0, i + 2, {}
            if nxt == "half":
                return 0.5, i + 2, {"fraction": "word"}
            if nxt in _FRACTION_WORDS:
                return 1 / _FRACTION_WORDS[nxt], i + 2, {"fraction": "word"}
            return 1.0, i + 1, {}  # "a hundred", "a million": the scale loop multiplies
        words: list[str] = []
        j = i
        while j < self.n and len(words) <= MAX_WORD_RUN:
            low = self.toks[j].low
            if low in _SMALL or low in _TENS or low == "hundred" or low == "dozen" or \
                    (low in _SCALE and words):
                words.append(low)
                j += 1
            elif low == "-" and not self.toks[j].gap and words and j + 1 < self.n \
                    and not self.toks[j + 1].gap and self.toks[j + 1].low in _SMALL:
                j += 1  # "twenty-six"
            elif low == "and" and words and self.low(j + 1) in _SMALL.keys() | _TENS.keys() \
                    and words[-1] in ("hundred", "thousand", "million", "billion"):
                words.append("and")
                j += 1
            else:
                break
        if not words or len(words) > MAX_WORD_RUN:
            return None
        # Stop before a scale word: the scale loop applies it to the whole value.
        while words and words[-1] in _SCALE and words[-1] != "hundred" and len(words) > 1:
            words.pop()
            j -= 1
        value = _words_value(words)
        if value is None:
            return None
        # Fraction with a spelled numerator: "two-thirds", "three quarters", "one fifth".
        k = j
        if k < self.n and self.toks[k].text == "-" and not self.toks[k].gap:
            k += 1
        if k < self.n and self.toks[k].low in _FRACTION_WORDS and len(words) == 1 and \
                value < 20 and (value == 1 or self.toks[k].low.endswith("s")
                                or self.toks[k].low in ("half",)):
            return value / _FRACTION_WORDS[self.toks[k].low], k + 1, {"fraction": "word"}
        return value, j, extra

    def _one_in(self, j: int, value: float) -> tuple[float, int] | None:
        if value < 1 or value > 100 or value != int(value):
            return None
        k = j
        if self.low(k) == "in":
            k += 1
        elif self.low(k) == "out" and self.low(k + 1) == "of":
            k += 2
        else:
            return None
        if k >= self.n:
            return None
        nxt = self.toks[k]
        den = _digits_value(nxt.text) if nxt.kind == "n" else (
            float(_SMALL.get(nxt.low, 0) or _TENS.get(nxt.low, 0)) or None)
        if den is None or den <= value or den > 1000:
            return None
        if nxt.kind == "n" and len(nxt.text) == 4:
            return None  # "1 in 2019"
        return value / den, k + 1
