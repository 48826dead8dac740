"""Turn bytes of unknown encoding into text, or say why not.

News files arrive as UTF-8 mostly, but also as Windows-1252, Latin-1, UTF-16 with a BOM,
and as UTF-8 files into which a Windows-1252 fragment was pasted. Strict UTF-8 is tried
first (it almost never decodes non-UTF-8 text by accident); a file that is mostly UTF-8
is repaired line by line; anything else goes to charset-normalizer.

Windows-1252 (which includes Latin-1's letters) is the usual legacy encoding of news
text, and charset-normalizer often mistakes it on a short article (Spanish read as
Windows-1250: "Coruña" as "Coruńa"; curly quotes read as DOS code page 852). So a file
that decodes as Windows-1252 into letters that all belong to one language's alphabet is
taken as Windows-1252 first. Otherwise charset-normalizer decides; when it finds several
Latin code pages equally likely, the same alphabet test picks among them.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Control characters other than tab, newline, carriage return and form feed.
_CONTROL = bytes([*range(0, 9), 11, *range(14, 32), 127])

#: Single-byte code pages of Latin-script languages, among which charset-normalizer's
#: choice is re-ranked (iso8859_1 is charset-normalizer's name for Latin-1).
_LATIN_PAGES = (
    "cp1252",
    "cp1250",
    "cp1254",
    "cp1257",
    "latin_1",
    "iso8859_15",
    "iso8859_2",
    "iso8859_3",
    "iso8859_4",
    "iso8859_9",
    "iso8859_10",
    "iso8859_13",
    "iso8859_14",
    "iso8859_16",
)
#: The accented letters of Latin-script languages written in those code pages.
_ALPHABETS = (
    "áéíóúüñ",  # Spanish
    "àáâãçéêíóôõúü",  # Portuguese
    "àâæçéèêëîïôœùûüÿ",  # French
    "àèéìíîòóùú",  # Italian
    "àçèéíïòóúü",  # Catalan
    "äöüß",  # German
    "áéèëïóöü",  # Dutch
    "åæéøäö",  # Danish, Norwegian, Swedish
    "åäöšž",  # Finnish
    "áðéíóúýþæö",  # Icelandic
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian
    "čćđšž",  # Croatian, Bosnian, Serbian (Latin), Slovene
    "çğıöşüi̇",  # Turkish
    "äöõüšž",  # Estonian
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "çë",  # Albanian
    "áéíóú",  # Irish
)


class BinaryContent(ValueError):
    """The bytes are not text in any encoding we can recognise."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    #: "" when clean; otherwise what was repaired (e.g. "mixed: 3 lines as cp1252").
    note: str = ""


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """NUL bytes or many control characters in the first ``sample`` bytes."""
    head = data[:sample]
    if not head:
        return False
    if b"\x00" in head:
        return True
    # bytes.translate deletes in C: what it removes is the number of control bytes.
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls / len(head) > 0.05


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``; ``declared`` is a charset the container claimed (HTTP, XML, meta)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name.replace("-sig", ""))
            except UnicodeDecodeError:
                break
    if looks_binary(data):
        raise BinaryContent("binary content (NUL or control bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    good = utf8_accented = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        good += 1
        if not line.isascii():
            utf8_accented += 1
    # Mixed only when some line really is UTF-8 beyond ASCII: blank lines and ASCII lines
    # fit every encoding, and a legacy file (a Windows-1251 article with blank lines between
    # paragraphs) must not be read line by line as Windows-1252.
    if utf8_accented and good >= 0.5 * len(lines):
        return _decode_mixed(lines)
    if declared:
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass
    encoding = _guess(data[:200_000])
    return Decoded(data.decode(encoding, errors="replace"), encoding)


def _guess(sample: bytes) -> str:
    """Windows-1252 if it reads as one language's letters, else charset-normalizer's best
    (re-ranked among equally likely Latin code pages)."""
    try:
        if _alphabet_fit(sample.decode("cp1252")) == 1.0:
            return "cp1252"
    except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined
        pass
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        raise BinaryContent("no text encoding fits these bytes")
    if best.encoding not in _LATIN_PAGES:
        return best.encoding
    options: list[tuple[float, bool, int, str]] = []
    for rank, match in enumerate(matches):
        if match.chaos > best.chaos:
            continue
        # could_be_from_charset: the code pages that give exactly the same text.
        names = [n for n in _LATIN_PAGES if n in {match.encoding, *match.could_be_from_charset}]
        if names:
            score = _alphabet_fit(str(match))
            options.append((-score, names[0] != "cp1252", rank, names[0]))
    return min(options)[3] if options else best.encoding


def _alphabet_fit(text: str) -> float:
    """Share of accented Latin letters that one language's alphabet explains (1.0: all).

    A symbol inside a word ("Bia³ystok": Polish read with the wrong code page) counts as
    a letter no alphabet explains.
    """
    counts: Counter[str] = Counter()
    for i, ch in enumerate(text):
        if ch.isascii():
            continue
        if ch.isalpha():
            if "LATIN" in unicodedata.name(ch, ""):
                counts[ch.lower()] += 1
        elif (
            unicodedata.category(ch) in ("No", "So", "Sm", "Sc", "Sk")
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            counts["\x00"] += 1
    total = sum(counts.values())
    if not total:
        return 1.0
    explained = max(sum(n for ch, n in counts.items() if ch in abc) for abc in _ALPHABETS)
    return explained / total


def _decode_mixed(lines: list[bytes]) -> Decoded:
    out = []
    repaired = 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            # Windows-1252 is what gets pasted into UTF-8 files in practice; bytes it
            # leaves undefined fall back to Latin-1 so nothing is lost.
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
            repaired += 1
    return Decoded("\n".join(out), "utf-8", f"mixed: {repaired} line(s) decoded as cp1252")
