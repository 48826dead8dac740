"""Turn one raw record into a clean article: decode, extract, structure, identify.

Pure and picklable, so it runs in worker processes unchanged. Never raises for bad
input: returns a :class:`Skip` with the reason instead.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from ..model import Article, RawRecord, Skip
from . import dedupe, language
from .encoding import BinaryContent, decode
from .outlets import OutletRegistry, directory_outlet
from .structure import (
    Paragraph,
    assemble,
    classify,
    clean_line,
    split_markdown,
    split_plain,
    strip_dateline,
)

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_TOML_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.S)
_META_KEYS = {
    "title": "title",
    "headline": "title",
    "date": "published",
    "published": "published",
    "published_at": "published",
    "pubdate": "published",
    "author": "author",
    "authors": "author",
    "byline": "author",
    "url": "url",
    "link": "url",
    "canonical": "url",
    "outlet": "outlet",
    "source": "outlet",
    "publisher": "outlet",
    "site": "site_name",
    "site_name": "site_name",
    "language": "language",
    "lang": "language",
}


@dataclass(slots=True)
class ExtractOptions:
    registry: OutletRegistry
    outlet: str | None = None  # --outlet: every article of this run is from this outlet
    min_words: int = 8
    shingle: int = 4
    num_perm: int = 60
    sample_chars: int = 2000
    min_language_score: float = 0.5


@dataclass(slots=True)
class Extracted:
    article: Article
    signature: np.ndarray


def extract(record: RawRecord, options: ExtractOptions) -> Extracted | Skip:
    """Clean article from a raw record, or the reason it cannot be one."""
    try:
        return _extract(record, options)
    except BinaryContent as exc:
        return Skip(record.path, str(exc), record.locator)
    except RecursionError:
        return Skip(record.path, "document nested too deeply to parse", record.locator)
    except Exception as exc:  # noqa: BLE001 - one bad document must never stop a batch
        return Skip(
            record.path,
            f"could not extract text ({type(exc).__name__})",
            record.locator,
            detail=str(exc)[:500],
        )


def _extract(record: RawRecord, options: ExtractOptions) -> Extracted | Skip:
    meta: dict[str, Any] = dict(record.meta)
    payload = record.payload
    note = ""
    encoding = None
    if isinstance(payload, bytes):
        decoded = decode(payload, declared=meta.pop("charset", None))
        text, encoding, note = decoded.text, decoded.encoding, decoded.note
    else:
        text = payload
    if not text.strip():
        return Skip(record.path, "no text (blank document)", record.locator)

    if record.format == "html":
        if meta.pop("html_fragment", False):
            paragraphs = html_fragment_paragraphs(text)
        else:
            paragraphs, page_meta = html_page(text, meta.get("url"))
            for key, value in page_meta.items():
                meta.setdefault(key, value)
    else:
        if not record.locator:  # whole files may carry a front-matter header
            text, front = front_matter(text)
            for key, value in front.items():
                meta.setdefault(key, value)
        paragraphs = split_markdown(text) if record.format == "markdown" else split_plain(text)
    if not paragraphs:
        return Skip(record.path, "no article text found", record.locator)

    title = clean_line(str(meta["title"])) if meta.get("title") else None
    paragraphs = classify(paragraphs, title)
    full, blocks = assemble(paragraphs)
    body = "\n\n".join(full[b.start : b.end] for b in blocks if b.kind == "body")
    words = count_words(body)
    if words < options.min_words:
        return Skip(
            record.path,
            f"too short: {words} word(s) of article text (minimum {options.min_words})",
            record.locator,
        )
    if not title:
        heads = [full[b.start : b.end] for b in blocks if b.kind == "headline"]
        if heads:
            title = heads[0]
            meta["title_from"] = "headline"
        else:
            title = lead_title(body)
            meta["title_from"] = "lead"

    published = normalise_date(meta.get("published"))
    if published is None:
        published = _date_in_blocks(full, blocks)
        if published:
            meta["published_from"] = "dateline"

    outlet, outlet_from = options.registry.resolve(
        explicit=options.outlet,
        meta_outlet=meta.get("outlet"),
        site_name=meta.get("site_name"),
        url=meta.get("url"),
        directory=directory_outlet(record.path, record.root),
    )
    lang, score = language.identify(body, options.sample_chars, options.min_language_score)
    declared_lang = meta.get("language")
    chash = dedupe.content_hash(body)
    source_key = outlet or meta.get("url") or ""
    article_id = hashlib.blake2b(
        f"article-v1\x00{source_key}\x00{chash}".encode(), digest_size=8
    ).hexdigest()
    extra: dict[str, Any] = {"outlet_from": outlet_from, "words": words}
    if encoding and encoding != "utf-8":
        extra["encoding"] = encoding
    if note:
        extra["encoding_note"] = note
    if declared_lang and lang and str(declared_lang).lower()[:2] != lang:
        extra["declared_language"] = declared_lang
    for key in ("fetched", "summary_only", "title_from", "published_from"):
        if meta.get(key):
            extra[key] = meta[key]
    article = Article(
        id=article_id,
        text=full,
        blocks=blocks,
        content_hash=chash,
        outlet=outlet,
        title=title,
        published=published,
        author=clean_line(str(meta["author"])) if meta.get("author") else None,
        url=meta.get("url"),
        site_name=meta.get("site_name"),
        language=lang,
        language_score=score,
        path=record.path,
        locator=record.locator,
        meta=extra,
    )
    signature = dedupe.minhash(body, options.shingle, options.num_perm)
    return Extracted(article, signature)


def _date_in_blocks(text: str, blocks: list) -> str | None:
    """The publication date printed in a dateline or byline ("By X | 16 March 2026")."""
    for block in blocks:
        if block.kind not in ("dateline", "byline"):
            continue
        line = text[block.start : block.end]
        if block.kind == "byline":
            parts = re.split(r"\s[|\u2013\u2014]\s|,\s(?=\d)", line, maxsplit=1)
            if len(parts) < 2:
                continue
            line = parts[1]
        line = re.sub(r"^(?:updated|published|posted|last updated)\s*:?\s*", "", line, flags=re.I)
        if not re.search(r"\d{4}", line):
            continue  # a date without a year would be a guess
        found = normalise_date(line)
        if found:
            return found
    return None


_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")


def count_words(text: str) -> int:
    """Words, counting each CJK character as one (those scripts put no spaces between words)."""
    return len(_WORDS.findall(text))


def lead_title(body: str, limit: int = 100) -> str:
    """A stand-in title: the first sentence of the article, without a dateline, cut at a
    word boundary."""
    lead = strip_dateline(body.split("\n\n", 1)[0].strip())
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])", lead, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def front_matter(text: str) -> tuple[str, dict[str, Any]]:
    """Split a ``---`` (YAML-style key: value) or ``+++`` (TOML) header off the text."""
    meta: dict[str, Any] = {}
    match = _TOML_FRONT_MATTER.match(text)
    if match:
        try:
            raw = tomllib.loads(match.group(1))
        except tomllib.TOMLDecodeError:
            return text, {}
        items = list(raw.items())
    else:
        match = _FRONT_MATTER.match(text)
        if not match:
            return text, {}
        items = []
        for line in match.group(1).splitlines():
            if ":" not in line or line.startswith((" ", "\t", "#")):
                continue
            key, value = line.split(":", 1)
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            items.append((key.strip(), value))
        if not items:
            return text, {}
    for key, value in items:
        target = _META_KEYS.get(key.lower())
        if target and value not in (None, ""):
            meta[target] = value if not isinstance(value, list) else ", ".join(map(str, value))
    return text[match.end() :], meta


def html_page(html: str, url: str | None) -> tuple[list[Paragraph], dict[str, Any]]:
    """Main text and metadata of a whole page, with trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_recall=True,
    )
    if doc is None or getattr(doc, "body", None) is None:
        return [], {}
    meta: dict[str, Any] = {}
    for key, attr in (
        ("title", "title"),
        ("published", "date"),
        ("author", "author"),
        ("site_name", "sitename"),
        ("url", "url"),
    ):
        value = getattr(doc, attr, None)
        if value:
            meta[key] = value
    # trafilatura keeps the day of publication only; the page's own markup usually
    # gives the time and zone too.
    stamped = normalise_date(_meta_published(html))
    if stamped and len(stamped) > 10 and stamped[:10] == str(meta.get("published", ""))[:10]:
        meta["published"] = stamped
    elif stamped and "published" not in meta:
        meta["published"] = stamped
    paragraphs: list[Paragraph] = []
    seen_h1 = False
    for element in doc.body:
        text = clean_line(" ".join(element.itertext()))
        if not text:
            continue
        if element.tag == "head":
            rend = element.get("rend", "h2")
            if rend == "h1" and not seen_h1:
                seen_h1 = True
                paragraphs.append(Paragraph(text, "headline", "html:h1"))
            else:
                paragraphs.append(Paragraph(text, "subhead", f"html:{rend}"))
        elif element.tag == "list":
            paragraphs.extend(
                Paragraph(clean_line(" ".join(item.itertext())))
                for item in element
                if clean_line(" ".join(item.itertext()))
            )
        else:
            paragraphs.append(Paragraph(text))
    captions = _figcaptions(html, {p.text for p in paragraphs})
    if captions:
        # trafilatura drops figure captions; keep them, marked, after the headline.
        at = next((i + 1 for i, p in enumerate(paragraphs) if p.kind == "headline"), 0)
        paragraphs[at:at] = [Paragraph(c, "caption", "html:figcaption") for c in captions]
    return paragraphs, meta


_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_META_NAME = re.compile(
    r"""(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|"""
    r"""datePublished|pubdate|publishdate|publish-date|dc\.date\.issued|sailthru\.date)["']""",
    re.IGNORECASE,
)
_META_CONTENT = re.compile(r"""content\s*=\s*["']([^"']{8,40})["']""", re.IGNORECASE)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def _meta_published(html: str) -> str | None:
    """The publication timestamp from meta tags or JSON-LD, as written."""
    head = html[:200_000]
    for tag in _META_TAG.findall(head):
        if _META_NAME.search(tag):
            content = _META_CONTENT.search(tag)
            if content:
                return content.group(1)
    match = _JSONLD_DATE.search(head)
    return match.group(1) if match else None


def _figcaptions(html: str, known: set[str]) -> list[str]:
    if "<figcaption" not in html.lower():
        return []
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    scope = root.xpath("//article") or root.xpath("//main") or [root]
    out: list[str] = []
    for element in scope[0].iter("figcaption"):
        text = clean_line(element.text_content())
        if text and text not in known and text not in out:
            out.append(text)
    return out


_BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "figcaption",
    "pre",
    "dd",
    "dt",
    "td",
    "th",
}


def html_fragment_paragraphs(html: str) -> list[Paragraph]:
    """Paragraphs of an HTML fragment (a feed entry's content), tags to kinds."""
    import lxml.html
    from lxml import etree

    if "<" not in html:
        return split_plain(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return split_plain(re.sub(r"<[^>]*>", " ", html))
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//form"):
        bad.drop_tree()
    paragraphs: list[Paragraph] = []
    has_blocks = any(el.tag in _BLOCK_TAGS for el in root.iter() if isinstance(el.tag, str))
    if not has_blocks:
        for line in re.split(r"(?:<br\s*/?>\s*){2,}|\n\s*\n", html):
            text = (
                clean_line(lxml.html.fromstring(f"<div>{line}</div>").text_content())
                if line.strip()
                else ""
            )
            if text:
                paragraphs.append(Paragraph(text))
        return paragraphs
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        if any(a.tag in _BLOCK_TAGS for a in el.iterancestors()):
            continue  # nested block: its text is part of the outer one
        text = clean_line(el.text_content())
        if not text:
            continue
        if el.tag in ("h1",):
            paragraphs.append(Paragraph(text, "headline", "html:h1"))
        elif el.tag.startswith("h"):
            paragraphs.append(Paragraph(text, "subhead", f"html:{el.tag}"))
        elif el.tag == "figcaption":
            paragraphs.append(Paragraph(text, "caption", "html:figcaption"))
        else:
            paragraphs.append(Paragraph(text))
    return paragraphs


def normalise_date(value: Any) -> str | None:
    """ISO 8601 from the many shapes exports use; None (not a guess) when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T00:00:00)?", text):
        # A day (one formatted with a time it never had stays a day), if it is one:
        # "2026-13-45" is no date, and dateutil would not read it either.
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed:
            return parsed.isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        from dateutil import parser as dateutil_parser

        # Dots between numbers are Europe's day.month.year ("03.04.2026" is 3 April), and
        # a date written without a time stays a day, not midnight.
        parsed = dateutil_parser.parse(text, dayfirst=bool(_DOTTED_DAY.match(text)))
    except (ValueError, OverflowError, ImportError):
        return None
    if ":" not in text and parsed.tzinfo is None and parsed.time() == datetime.min.time():
        return parsed.date().isoformat()
    return parsed.isoformat()


_DOTTED_DAY = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}\b")
