"""Turn bytes of unknown encoding into text, or say why not.

News files arrive as UTF-8 mostly, but also as Windows-1252, Latin-1, UTF-16 with a BOM,
and as UTF-8 files into which a Windows-1252 fragment was pasted. Strict UTF-8 is tried
first (it almost never decodes non-UTF-8 text by accident); a file that is mostly UTF-8
is repaired line by line; anything else goes to charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
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
_CONTROL = {*range(0, 9), 11, *range(14, 32), 127}


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


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
    controls = sum(1 for b in head if b in _CONTROL)
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
    good = 0
    for line in lines:
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            pass
    if good >= 0.5 * len(lines) and _has_multibyte_utf8(data):
        return _decode_mixed(lines)
    if declared:
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise BinaryContent("no text encoding fits these bytes")
    encoding = best.encoding
    return Decoded(data.decode(encoding, errors="replace"), encoding)


def _has_multibyte_utf8(data: bytes) -> bool:
    # A lead byte followed by a continuation byte: real UTF-8 sequences are present.
    return _UTF8_SEQUENCE.search(data) is not None


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
