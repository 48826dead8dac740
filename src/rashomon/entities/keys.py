"""Spelling-blind keys for names: transliterate, fold, and reduce to a consonant skeleton.

"Zelensky", "Zelenskyy", "Zelenskiy" and "Зеленський" share the skeleton ``zlnsk``;
"Volodymyr" and "Vladimir" share ``vldmr``; "Umerov" and "Omerov" share ``mrv``. A
skeleton only proposes candidates (blocking); merges also need string similarity and
compatible given names, so Putin and Zelensky, or Trump and Tusk, never meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_POSSESSIVE = re.compile(r"['\u2019]s\b")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
#: Spelling variants of one sound across transliteration schemes, folded to one.
_DIGRAPHS = (
    ("sch", "sh"),
    ("shch", "sh"),
    ("kh", "h"),
    ("zh", "z"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("ph", "f"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
    ("dzh", "j"),
    ("j", "y"),
)
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLE = re.compile(r"(.)\1+")
PARTICLES = frozenset(
    {
        "von",
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "la",
        "le",
        "du",
        "da",
        "dos",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "zu",
        "di",
    }
)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """ASCII, lower case, no punctuation or apostrophes, single spaces."""
    # A possessive is not part of a name: "Lohan's" is "Lohan".
    ascii_text = _POSSESSIVE.sub("", anyascii(text).lower())
    ascii_text = ascii_text.replace("'", "")
    ascii_text = ascii_text.replace("-", " ")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", ascii_text)).strip()


@lru_cache(maxsize=200_000)
def translit(word: str) -> str:
    """A folded word with transliteration variants unified ("Dolvitsa" -> "dolvica")."""
    w = fold(word)
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    return w


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """Consonants of a folded word, with transliteration variants unified."""
    w = _VOWELS.sub("", translit(word).replace(" ", ""))
    return _DOUBLE.sub(r"\1", w)


@lru_cache(maxsize=200_000)
def name_parts(text: str) -> tuple[str, str]:
    """(given names, surname) of a person name, folded; given may be ''."""
    tokens = [t for t in fold(text).split() if t not in SUFFIXES]
    if not tokens:
        return "", ""
    surname = [tokens[-1]]
    i = len(tokens) - 2
    while i >= 1 and tokens[i] in PARTICLES:  # "ursula von der leyen" -> "von der leyen"
        surname.insert(0, tokens[i])
        i -= 1
    given = tokens[: i + 1]
    return " ".join(given), " ".join(surname)


def surname_key(text: str) -> str:
    return skeleton(name_parts(text)[1].split()[-1]) if text.strip() else ""


def given_compatible(a: str, b: str) -> bool:
    """Given names that can be one person's: an initial of the other, equal skeletons
    (Volodymyr, Vladimir), or for short names too few consonants to tell (Anna, Jan,
    Ian share the skeleton "n") near-equal spellings."""
    if not a or not b:
        return True
    first_a, first_b = a.split()[0], b.split()[0]
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    ska, skb = skeleton(first_a), skeleton(first_b)
    if len(ska) < 3 or len(skb) < 3:
        return translit(first_a) == translit(first_b)
    return ska == skb
