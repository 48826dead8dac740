"""Paragraph structure of an article: headline, byline, subheads, captions, boilerplate.

Text copied out of a news page carries more than the article: the photo caption above
it, the headline again, subheads, "Read also" links, the agency credit. They are kept,
so nothing is lost and a reader can see them, but marked, so that later stages analyse
only the article's own paragraphs (a headline glued to the next line makes bogus entity
spans; a "Read also" line is another story's headline).

Rules are deliberately simple and explainable; each block records which rule decided it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model import Block

#: Lines that start like this are links to other stories, credits or page furniture.
_BOILERPLATE_START = re.compile(
    r"""^\W{0,3}(?:
        read\ (?:also|more|next|this\ next)|also\ read|see\ also|more\ on\ this|more\ from|
        related(?:\ (?:article|articles|story|stories|content|coverage|news|reading|link|links|topics?))?|
        recommended(?:\ for\ you)?|you\ (?:may|might)\ also\ (?:like|be\ interested)|trending|
        watch|listen|photos?|video|gallery|
        sources?|(?:additional\ )?reporting\ by|editing\ by|writing\ by|compiled\ by|
        with\ (?:input|reporting)\ from|
        image\ (?:source|credit)|photo\ credit|credit|
        copyright|all\ rights\ reserved|
        this\ (?:article|story)\ (?:was|has\ been|first|originally|is\ part)|
        (?:click|tap)\ here|sign\ up|subscribe|newsletter|join\ our|get\ the\ latest|
        follow\ (?:us|me|him|her|them|our)|follow\ [\w\ ]{1,40}?\ (?:for|on)\ (?:the\ latest|more|updates|live)|
        share\ (?:this|on|the|article|story)|
        download\ (?:our|the)\ app|listen\ to\ this\ article|advertisement|sponsored|
        disclaimer|published\ in|first\ published|last\ updated|updated\ on
    )\b\s*[:\-\u2013\u2014|]?""",
    re.IGNORECASE | re.VERBOSE,
)
#: Lines that are nothing but page furniture.
_FURNITURE = re.compile(
    r"^\W*(?:share|tweet|email|print|comments?|advertisement|ad|loading\.*|"
    r"skip\ to\ (?:main\ )?content|back\ to\ top|menu|close|more)\W*$",
    re.IGNORECASE | re.VERBOSE,
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)\s*\d{4}|all rights reserved)", re.IGNORECASE)
#: A wire credit at the end: "(Reporting by X; Editing by Y)".
_WIRE_CREDIT = re.compile(r"^\(\s*(?:reporting|writing|editing|additional reporting)\b.*\)$", re.I)
_SOURCE_LINE = re.compile(r"^\W{0,3}sources?\s*:\s*\S.{0,120}$", re.IGNORECASE)

_BYLINE = re.compile(
    r"^(?i:by)\s+[A-Z][\w.'\-]+(?:[ ,]+(?:and\s+)?[A-Z][\w.'\-]+){0,6}\s*(?:[|,\u2013\u2014\-]\s*.{0,50})?$"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
#: A line that is only a date and time ("April 14, 2026 11:30 GMT", "Updated: 2026-04-14").
_DATELINE = re.compile(
    rf"^(?:(?:updated|published|posted|last updated)\s*:?\s*)?(?:(?:{_WEEKDAY}|{_MONTH}|\d{{1,4}}"
    r"|[:/,.\-]|at|on|gmt|utc|[a-z]{1,2}t|[ap]\.?m\.?|[+\-]\d{2}:?\d{2})\s*){2,14}$",
    re.IGNORECASE,
)

#: A dateline opening a lead paragraph: a place in capitals, then perhaps a region, a
#: date and the agency, then a dash ("KYIV, Ukraine (AP) — ", "PARIS, Feb 26 (Reuters) - ",
#: "DOLVITSA, Veldera, March 15 (Meridian Wire) - ").
_LEAD_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’\-]{2,}(?:\s+[A-Z][A-Z.'’\-]+){0,3}"
    r"(?:\s*,\s*[^,()\n–—]{1,30}){0,3}(?:\s*\([^()\n]{1,40}\))?\s*[-–—]+"
    r"(?:\s+(?=[A-Z0-9\"“‘'])|\s*$)"
)


def cut_at_space(text: str, limit: int) -> str:
    """``text`` cut at the last space before ``limit`` characters, if it is longer (no word
    is split; one longer word is cut at ``limit``)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit]


def strip_dateline(text: str) -> str:
    """``text`` without the dateline that opens it, if any ("WASHINGTON (Reuters) - X" -> "X");
    "" for a dateline alone."""
    m = _LEAD_DATELINE.match(text)
    return text[m.end() :] if m and m.end() <= 90 else text


#: Position cues in photo captions: "(center)", "(L)", "(second left)".
_CAPTION_POSITION = re.compile(
    r"\((?:(?:second|third|far)\s+)?(?:center|centre|left|right|L|R|C|top|bottom|front|"
    r"rear|back|pictured|file|file photo|foreground|background)(?:\s+\w+)?\)",
    re.IGNORECASE,
)
_CAPTION_CREDIT = re.compile(
    r"(?:\b(?:photo|image|picture|photograph|credit|file photo)\s*:|getty images|"
    r"\bvia reuters\b|/\s*(?:reuters|afp|ap|epa|anadolu|tass|xinhua)\b|\bAP Photo\b|"
    r"\((?:reuters|afp|ap|epa|getty|anadolu|tass|xinhua)[^)]*\)\s*$)",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?:;,\"'\u201d\u2019\u2026)]")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_STOP = frozenset(
    "a an and are as at be but by for from has have he her his in into is it its of on or "
    "our she that the their them they this to was were will with not no over after".split()
)


@dataclass(slots=True)
class Paragraph:
    """A paragraph before classification; ``kind`` is set when the source format said."""

    text: str
    kind: str | None = None
    why: str = ""


_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_line(text: str) -> str:
    """NFC, no control or invisible characters, single spaces."""
    text = _INVISIBLE.sub(" ", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip()


def split_plain(text: str) -> list[Paragraph]:
    """Paragraphs of plain text: one a line, or blocks between blank lines.

    Lines inside a blank-line block are joined only when the block is hard-wrapped
    (several lines of similar length); otherwise each line is its own paragraph, so a
    headline directly above the first paragraph is not glued to it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[Paragraph] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [clean_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if _hard_wrapped(lines):
            paragraphs.append(Paragraph(" ".join(lines)))
        else:
            paragraphs.extend(Paragraph(line) for line in lines)
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    body = lines[:-1]
    width = max(len(line) for line in body)
    if width > 100 or width < 40:
        return False
    return sum(len(line) >= 0.6 * width for line in body) >= 0.8 * len(body)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"^!\[([^\]]*)\]\([^)]*\)\s*(.*)$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def split_markdown(text: str) -> list[Paragraph]:
    """Paragraphs of Markdown, with headings and images pre-classified."""
    out: list[Paragraph] = []
    seen_h1 = False
    for para in split_plain(text):
        line = para.text
        heading = _MD_HEADING.match(line)
        image = _MD_IMAGE.match(line)
        if heading:
            level = len(heading.group(1))
            content = _md_inline(heading.group(2))
            if level == 1 and not seen_h1:
                seen_h1 = True
                out.append(Paragraph(content, "headline", "markdown:h1"))
            else:
                out.append(Paragraph(content, "subhead", f"markdown:h{level}"))
        elif image:
            caption = " ".join(p for p in (image.group(1), image.group(2)) if p)
            if caption:
                out.append(Paragraph(_md_inline(caption), "caption", "markdown:image"))
        else:
            line = re.sub(r"^(?:>\s*)+", "", line)
            line = re.sub(r"^(?:[*+\-]|\d+\.)\s+", "", line)
            if re.fullmatch(r"[-*_]{3,}", line):
                continue
            out.append(Paragraph(_md_inline(line)))
    return out


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub(r"\2", text).strip()


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def heading_like(text: str) -> bool:
    """Short, capitalised, no sentence-final punctuation: a headline or subhead."""
    words = text.split()
    if not 1 <= len(words) <= 16 or len(text) > 140:
        return False
    if text.endswith(_TERMINAL) or not text[0].isupper():
        return False
    return not text.startswith(('"', "'", "\u201c", "\u2018", "-", "\u2014"))


def _boilerplate_rule(text: str) -> str | None:
    words = len(text.split())
    if _FURNITURE.match(text):
        return "pattern:furniture"
    if _WIRE_CREDIT.match(text):
        return "pattern:wire-credit"
    if words <= 40 and _BOILERPLATE_START.match(text):
        # "Sources close to the ministry said ..." is a sentence, not a credit line.
        if re.match(r"^\W{0,3}sources?\b", text, re.I) and not _SOURCE_LINE.match(text):
            return None
        if re.match(r"^\W{0,3}(?:watch|listen|photos?|video|gallery|credit)\b", text, re.I) and (
            not re.match(r"^\W{0,3}\w+\s*[:|\-\u2013\u2014]", text)
        ):
            return None
        return "pattern:" + re.sub(r"\W+", "-", text.split(":")[0].strip().lower())[:30]
    if words <= 25 and _COPYRIGHT.search(text):
        return "pattern:copyright"
    return None


def _caption_rule(text: str, index: int) -> str | None:
    if text.endswith((".", "!", "?", '"', "\u201d")) and not _CAPTION_CREDIT.search(text):
        return None
    if _CAPTION_POSITION.search(text):
        return "caption:position"
    if _CAPTION_CREDIT.search(text):
        return "caption:credit"
    # A long first line with no final full stop that ends in a parenthesis reads as a
    # photo caption pasted above the article ("... in Paris (AFP)").
    if index == 0 and len(text.split()) >= 8 and text.endswith(")"):
        return "caption:first-line"
    return None


def classify(paragraphs: list[Paragraph], title: str | None = None) -> list[Paragraph]:
    """Give every paragraph a kind. ``title`` is the headline from metadata, if any."""
    title_key = _normal(title) if title else ""
    have_headline = any(p.kind == "headline" for p in paragraphs)
    first_body: str | None = None
    for p in paragraphs:
        if p.kind is None and not heading_like(p.text) and len(p.text.split()) > 12:
            first_body = p.text
            break
    lead_words = _content_words(first_body or "")
    seen_content = any(p.kind in ("body", "subhead") for p in paragraphs[:1])
    for index, p in enumerate(paragraphs):
        if p.kind is not None:
            seen_content = seen_content or p.kind in ("body", "subhead")
            continue
        text = p.text
        rule = _boilerplate_rule(text)
        if rule:
            p.kind, p.why = "boilerplate", rule
            continue
        if index < 8 and _BYLINE.match(text):
            p.kind, p.why = "byline", "pattern:by"
            continue
        if len(text) <= 60 and re.search(r"\d", text) and _DATELINE.match(text):
            p.kind, p.why = "dateline", "pattern:date"
            continue
        rule = _caption_rule(text, index)
        if rule:
            p.kind, p.why = "caption", rule
            continue
        if title_key and _normal(text) == title_key:
            p.kind, p.why = "headline", "equals-title"
            have_headline = True
            continue
        if heading_like(text):
            if not have_headline and not title_key and index < 6:
                words = _content_words(text)
                overlap = len(words & lead_words) / len(words) if words else 0.0
                if not seen_content or overlap >= 0.4:
                    # The first line of copied text, or a line echoing the lead: the headline.
                    p.kind = "headline"
                    p.why = "heading-like:lead-overlap" if seen_content else "heading-like:first"
                    have_headline = True
                    continue
            p.kind, p.why = "subhead", "heading-like"
            seen_content = True
            continue
        p.kind, p.why = "body", ""
        seen_content = True
    if not any(p.kind == "body" for p in paragraphs):
        # Text that is all "headings" is a short article without final punctuation (a
        # one-line export record), not a page of headings.
        for p in paragraphs:
            if p.why.startswith("heading-like"):
                p.kind, p.why = "body", "only-text"
    # A short label above the headline is a section kicker ("Politics"), not a subhead.
    heads = [i for i, p in enumerate(paragraphs) if p.kind == "headline"]
    for p in paragraphs[: heads[0] if heads else 0]:
        if p.kind == "subhead" and len(p.text.split()) <= 5:
            p.kind, p.why = "boilerplate", "kicker"
    return paragraphs


def assemble(paragraphs: list[Paragraph]) -> tuple[str, list[Block]]:
    """Join classified paragraphs into the article text with block offsets."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for p in paragraphs:
        if not p.text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(p.text)
        blocks.append(Block(pos, pos + len(p.text), p.kind or "body", p.why))  # type: ignore[arg-type]
        pos += len(p.text)
    return "".join(parts), blocks
