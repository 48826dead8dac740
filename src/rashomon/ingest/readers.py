"""Find input files and read them into raw records, one format at a time.

Readers are cheap and streaming: they split containers (JSON Lines, CSV, feeds, WARC)
into records and hand over undecoded payloads; the expensive work (decoding, HTML
extraction, structure) happens in :mod:`rashomon.ingest.extract`, possibly in worker
processes. A reader never raises for bad input: it yields a :class:`Skip` with the
reason and goes on with the next record or file.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import RawRecord, Skip
from .outlets import domain_of

Item = RawRecord | Skip

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".xml": "feed",
    ".warc": "warc",
    ".arc": "warc",
    ".parquet": "parquet",
    ".pq": "parquet",
}
CONTAINERS = frozenset({"jsonl", "csv", "warc", "parquet"})


def detect_format(path: Path) -> str | None:
    """Format from the file name, else from the first bytes; None if unsupported."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = os.path.splitext(name)[1]
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix and suffix not in {".dat", ".raw", ".out", ""}:
        return None
    try:
        with _open(path) as fh:
            head = fh.read(2048)
    except OSError:
        return None
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip().lower()
    if stripped.startswith(b"warc/"):
        return "warc"
    if stripped.startswith((b"<rss", b"<feed", b"<rdf")) or (
        stripped.startswith(b"<?xml") and (b"<rss" in stripped or b"<feed" in stripped)
    ):
        return "feed"
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<body" in stripped:
        return "html"
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"["):
        return "json"
    return "text"


def _open(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def expand(paths: Iterable[str], follow_symlinks: bool = False) -> Iterator[tuple[Path, Path]]:
    """Yield ``(file, root)`` for every file under the given paths and globs, sorted.

    ``root`` is the directory the user named (for the directory-per-outlet convention).
    A path that matches nothing is an :class:`InputError`: the user mistyped it.
    """
    for raw in paths:
        if any(ch in raw for ch in "*?[") and not os.path.exists(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise InputError(f"no files match {raw}")
            base = Path(raw.split("*")[0].split("?")[0].split("[")[0] or ".")
            root = base if base.is_dir() else base.parent
            for match in matches:
                p = Path(match)
                if p.is_dir():
                    yield from _walk(p, p, follow_symlinks)
                elif p.is_file():
                    yield p, root
            continue
        p = Path(raw)
        if not p.exists():
            raise InputError(f"path does not exist: {raw}")
        if p.is_dir():
            yield from _walk(p, p, follow_symlinks)
        else:
            yield p, p.parent


def check_paths(paths: Iterable[str]) -> None:
    """Fail before any work if a named path or glob matches nothing."""
    for raw in paths:
        if os.path.exists(raw):
            continue
        if any(ch in raw for ch in "*?[") and glob.glob(raw, recursive=True):
            continue
        kind = "no files match" if any(ch in raw for ch in "*?[") else "path does not exist:"
        raise InputError(f"{kind} {raw}")


def _walk(directory: Path, root: Path, follow_symlinks: bool) -> Iterator[tuple[Path, Path]]:
    # os.walk with sorted names keeps the order stable and memory flat for big trees.
    # A directory that cannot be listed is yielded itself, so that read_file reports it
    # instead of its files vanishing silently.
    unreadable: list[OSError] = []
    for current, dirs, files in os.walk(
        directory, onerror=unreadable.append, followlinks=follow_symlinks
    ):
        while unreadable:
            yield from _unreadable(unreadable.pop(0), root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            yield Path(current) / name, root
    for error in unreadable:
        yield from _unreadable(error, root)


def _unreadable(error: OSError, root: Path) -> Iterator[tuple[Path, Path]]:
    if error.filename:
        yield Path(os.fsdecode(error.filename)), root


class Limits:
    """Size bounds from the ``[ingest]`` config section."""

    def __init__(self, section: dict[str, Any]) -> None:
        self.file = int(section["max_file_bytes"])
        self.container = int(section["max_container_bytes"])
        self.record = int(section["max_record_bytes"])
        self.document = int(section["max_document_bytes"])


def read_file(
    path: Path,
    root: Path | None,
    limits: Limits,
    fields: dict[str, list[str]],
) -> Iterator[Item]:
    """Yield the raw records of one file, or skips that say why not."""
    spath = str(path)
    if path.is_dir():  # a directory _walk could not list
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            yield Skip(spath, f"cannot read directory: {exc.strerror or exc}")
        else:
            yield Skip(spath, "is a directory, not a file")
        return
    fmt = detect_format(path)
    if fmt is None:
        yield Skip(spath, f"unsupported file type '{path.suffix or path.name}'")
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Skip(spath, f"cannot read file: {exc.strerror or exc}")
        return
    if size == 0:
        yield Skip(spath, "empty file")
        return
    bound = (
        limits.container
        if fmt in CONTAINERS
        else (limits.document if fmt in ("json", "feed") else limits.file)
    )
    if size > bound:
        yield Skip(
            spath,
            f"file is {size / 1e6:.1f} MB, over the {bound / 1e6:.0f} MB limit for {fmt} "
            "(raise it in the [ingest] section of rashomon.toml)",
        )
        return
    rootstr = str(root) if root else None
    try:
        if fmt in ("text", "markdown", "html"):
            with _open(path) as fh:
                data = fh.read(bound + 1)
            if len(data) > bound:
                yield Skip(spath, f"decompressed size over the {bound / 1e6:.0f} MB limit")
                return
            yield RawRecord(spath, "", fmt, data, {}, rootstr)  # type: ignore[arg-type]
            if fmt == "html" and _ends_inside_tag(data):
                yield Skip(
                    spath,
                    "HTML is truncated (it ends in the middle of a tag): "
                    "the text after the cut is missing",
                    "end",
                )
        elif fmt == "jsonl":
            yield from _read_jsonl(path, rootstr, limits, fields)
        elif fmt == "json":
            yield from _read_json(path, rootstr, limits, fields)
        elif fmt == "csv":
            yield from _read_csv(path, rootstr, limits, fields)
        elif fmt == "parquet":
            yield from _read_parquet(path, rootstr, limits, fields)
        elif fmt == "feed":
            yield from _read_feed(path, rootstr, limits)
        elif fmt == "warc":
            yield from _read_warc(path, rootstr, limits)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Skip(spath, f"cannot read {fmt} file: {_short(exc.strerror or exc)}")


def _ends_inside_tag(data: bytes) -> bool:
    """The document stops after a ``<`` that no ``>`` closes: it was cut off."""
    tail = data[-4096:].rstrip()
    return tail.rfind(b"<") > tail.rfind(b">")


# --- record exports: JSON Lines, JSON, CSV -------------------------------------------


def _field_key(name: Any) -> str:
    """A field name as matched: case, underscores, dashes and spaces aside, so the
    exports' "publishedAt", "published_at" and "Published At" are one field."""
    return "".join(ch for ch in str(name).lower() if ch not in "_- ")


def _pick(record: dict[str, Any], names: list[str]) -> Any:
    keyed: dict[str, Any] = {}
    for k, v in record.items():
        keyed.setdefault(_field_key(k), v)  # an exact duplicate under another spelling: first
    for name in names:
        value = keyed.get(_field_key(name))
        if value not in (None, "", [], {}):
            return value
    return None


def record_to_raw(
    record: Any, path: str, locator: str, root: str | None, fields: dict[str, list[str]]
) -> Item:
    """Map one exported record (a dict) to a raw record by the field lists."""
    if not isinstance(record, dict):
        return Skip(path, f"record is a {type(record).__name__}, not an object", locator)
    meta: dict[str, Any] = {}
    for key in ("title", "published", "author", "url", "outlet", "language"):
        value = _pick(record, fields.get(key, []))
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if isinstance(value, dict):
            value = value.get("name") or value.get("title")
        if value not in (None, ""):
            meta[key] = str(value)
    text = _pick(record, fields.get("text", []))
    if isinstance(text, str) and text.strip():
        return RawRecord(path, locator, "text", text, meta, root)
    html = _pick(record, fields.get("html", []))
    if isinstance(html, str) and html.strip():
        return RawRecord(path, locator, "html", html, meta, root)
    tried = ", ".join(fields.get("text", []) + fields.get("html", []))
    return Skip(path, f"no text field (tried: {tried}; map one with --field text=NAME)", locator)


#: Python's JSON parser gives up (RecursionError) on arrays or objects nested this deep.
_TOO_DEEP = "malformed JSON: nested too deeply (thousands of levels) to be an article"


def _read_jsonl(path: Path, root: str | None, limits: Limits, fields: dict) -> Iterator[Item]:
    spath = str(path)
    with _open(path) as fh:
        for number, line in enumerate(fh, 1):
            locator = f"line {number}"
            if len(line) > limits.record:
                yield Skip(spath, f"record over the {limits.record / 1e6:.0f} MB limit", locator)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except UnicodeDecodeError:
                yield Skip(spath, "malformed JSON: the line is not UTF-8 text", locator)
                continue
            except json.JSONDecodeError as exc:
                yield Skip(spath, f"malformed JSON: {_short(exc)}", locator)
                continue
            except RecursionError:
                yield Skip(spath, _TOO_DEEP, locator)
                continue
            yield record_to_raw(record, spath, locator, root, fields)


def _read_json(path: Path, root: str | None, limits: Limits, fields: dict) -> Iterator[Item]:
    spath = str(path)
    with _open(path) as fh:
        data = fh.read(limits.document + 1)
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        # A file named .json that is really JSON Lines is common in exports.
        if data.lstrip().startswith(b"{") and b"\n{" in data:
            yield from _read_jsonl(path, root, limits, fields)
            return
        yield Skip(spath, f"malformed JSON: {_short(exc)}")
        return
    except RecursionError:
        yield Skip(spath, _TOO_DEEP)
        return
    if isinstance(doc, dict):
        # {"articles": [...]} or {"data": [...]}: the first list of objects is the records.
        lists = [v for v in doc.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        records = lists[0] if lists else [doc]
    elif isinstance(doc, list):
        records = doc
    else:
        yield Skip(spath, "JSON holds neither an object nor a list of objects")
        return
    if not records:
        yield Skip(spath, "JSON holds no records")
    for number, record in enumerate(records, 1):
        yield record_to_raw(record, spath, f"record {number}", root, fields)


def _read_csv(path: Path, root: str | None, limits: Limits, fields: dict) -> Iterator[Item]:
    from .encoding import BinaryContent, decode

    spath = str(path)
    csv.field_size_limit(limits.record)
    with _open(path) as fh:
        head = fh.read(65536)
    try:
        encoding = decode(head).encoding if head else "utf-8"
    except BinaryContent as exc:
        yield Skip(spath, str(exc))
        return
    if head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"  # Excel's byte-order mark is no part of the first column name
    delimiter = _csv_delimiter(
        head.decode(encoding, errors="replace"),
        "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ",",
    )
    with _open(path) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = csv.DictReader(text, delimiter=delimiter)
        number = 0
        try:
            if not reader.fieldnames:
                yield Skip(spath, "CSV has no header row")
                return
            problem = _no_text_column([str(c) for c in reader.fieldnames], fields)
            if problem:  # every row would be skipped for it: say it once, for the file
                yield Skip(spath, problem)
                return
            for number, row in enumerate(reader, 1):
                if None in row:  # more cells than header names: a broken row
                    yield Skip(spath, "row has more cells than the header", f"row {number}")
                    continue
                yield record_to_raw(row, spath, f"row {number}", root, fields)
        except csv.Error as exc:
            yield Skip(spath, f"malformed CSV after row {number}: {exc}", f"row {number + 1}")
    if number == 0:
        yield Skip(spath, "CSV has a header but no rows")


def _csv_delimiter(head: str, default: str) -> str:
    """The delimiter of a CSV export, read off its header line: Excel in many European
    locales writes ";" ("Title;Text;Date"); some tools write tabs or "|" into a .csv."""
    header = re.sub(r'"[^"]*"', "", head.lstrip("\ufeff").split("\n", 1)[0])
    counts = {d: header.count(d) for d in (default, ",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == default))
    return best if counts[best] else default


def _read_parquet(path: Path, root: str | None, limits: Limits, fields: dict) -> Iterator[Item]:
    """Rows of a Parquet file (an export from Spark, DuckDB, pandas), in slices.

    Columns are mapped like those of JSON Lines and CSV; only the columns some field
    names are read, so wide tables (embeddings, raw HTML nobody asked for) cost nothing.
    """
    spath = str(path)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield Skip(spath, "reading Parquet needs pyarrow: pip install 'rashomon[parquet]'")
        return
    try:
        reader = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError for a bad file
        yield Skip(spath, f"not a readable Parquet file: {_short(exc)}")
        return
    columns = [str(c) for c in reader.schema_arrow.names]
    problem = _no_text_column(columns, fields)
    if problem:
        yield Skip(spath, problem.replace("CSV header", "Parquet schema").replace(
            "CSV seems to have no header row", "Parquet schema has odd column names"))
        return
    wanted = {_field_key(n) for names in fields.values() for n in names}
    keep = [c for c in columns if _field_key(c) in wanted]
    number = 0
    try:
        for batch in reader.iter_batches(batch_size=256, columns=keep):
            for row in batch.to_pylist():
                number += 1
                size = sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
                if size > limits.record:
                    yield Skip(spath, f"record over the {limits.record / 1e6:.0f} MB limit",
                               f"row {number}")
                    continue
                yield record_to_raw(row, spath, f"row {number}", root, fields)
    except Exception as exc:  # a corrupt page: the rows before it are kept
        yield Skip(spath, f"malformed Parquet after row {number}: {_short(exc)}",
                   f"row {number + 1}")
        return
    if number == 0:
        yield Skip(spath, "Parquet file has no rows")


def _no_text_column(columns: list[str], fields: dict[str, list[str]]) -> str | None:
    """Why no row of a CSV with this header can have text, or None if one can."""
    names = fields.get("text", []) + fields.get("html", [])
    if {_field_key(n) for n in names} & {_field_key(c) for c in columns}:
        return None
    shown = ", ".join(f"'{_short(c, 24)}'" for c in columns[:4])
    if len(columns) > 4:
        shown += ", \u2026"
    if any(len(c) > 40 or len(c.split()) > 5 for c in columns):
        what = f"CSV seems to have no header row (first row: {shown})"
    else:
        what = f"CSV header has no text column (columns: {shown})"
    return f"{what}; tried: {', '.join(names)}; map one with --field text=NAME"


# --- feeds ---------------------------------------------------------------------------


def _read_feed(path: Path, root: str | None, limits: Limits) -> Iterator[Item]:
    import feedparser

    spath = str(path)
    with _open(path) as fh:
        data = fh.read(limits.document + 1)
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            reason = f"not a readable feed: {_short(parsed.get('bozo_exception'))}"
        else:
            reason = "feed has no entries"
        yield Skip(spath, reason)
        return
    feed = parsed.get("feed", {})
    site = feed.get("title")
    language = feed.get("language")
    for number, entry in enumerate(entries, 1):
        locator = f"entry {entry.get('id') or entry.get('link') or number}"
        meta: dict[str, Any] = {}
        outlet, title = _entry_source(entry)
        for key, value in (
            ("title", title),
            ("url", entry.get("link")),
            ("author", entry.get("author")),
            ("outlet", outlet),
            ("site_name", site),
            ("language", language),
            ("published", _feed_date(entry)),
        ):
            if value:
                meta[key] = value
        content = entry.get("content") or []
        body = content[0] if content else None
        value = body.get("value") if body else entry.get("summary")
        mime = (body.get("type") if body else None) or "text/html"
        if not value or not value.strip():
            yield Skip(spath, "feed entry has no content or summary", locator)
            continue
        if len(value) > limits.record:
            yield Skip(spath, f"entry over the {limits.record / 1e6:.0f} MB limit", locator)
            continue
        if not content:
            meta["summary_only"] = True
        fmt = "text" if "plain" in mime else "html"
        yield RawRecord(spath, locator, fmt, value, {**meta, "html_fragment": True}, root)
    if parsed.get("bozo") and entries:
        yield Skip(
            spath,
            f"feed is malformed or truncated ({_short(parsed.get('bozo_exception'))}); "
            "the entries before the damage were read",
            "end",
        )


def _entry_source(entry: Any) -> tuple[str | None, str | None]:
    """(outlet, title) of a feed entry. An aggregator's feed (Google News and the like)
    names each entry's own outlet in ``<source>`` (RSS) or ``<source><title>`` (Atom), and
    often repeats it at the end of the title ("Dam collapses - The Northwind Post"): the
    outlet is that source, not the aggregator, and the title loses the repeat."""
    title = entry.get("title")
    source = entry.get("source")
    if not hasattr(source, "get"):
        return None, title
    name = (source.get("title") or "").strip() or domain_of(source.get("href")) or ""
    if name and isinstance(title, str):
        names = [name, name[4:]] if name.startswith("The ") else [name]
        for tail in (dash + n for n in names for dash in (" - ", " – ", " — ", " | ")):
            if title.endswith(tail) and len(title) > len(tail):
                title = title[: -len(tail)].rstrip()
                break
    return name or None, title


def _feed_date(entry: Any) -> str | None:
    import calendar
    from datetime import UTC, datetime

    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat()
    return None


# --- WARC ----------------------------------------------------------------------------


def _read_warc(path: Path, root: str | None, limits: Limits) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    spath = str(path)
    number = 0
    found = 0  # records yielded or skipped: anything the user will see
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            archive = ArchiveIterator(fh)
            for record in archive:
                number += 1
                locator = f"record {number}"
                item = _warc_item(record, spath, locator, root, limits)
                # Drain the record: a Content-Length that runs past the end of the file
                # means the archive was cut inside this record (warcio does not say so).
                raw = record.raw_stream
                while raw.read(65536):
                    pass
                if getattr(raw, "limit", 0) > 0:
                    yield Skip(
                        spath,
                        f"WARC is truncated inside record {number} "
                        f"({raw.limit} byte(s) missing); the records before it were read",
                        locator,
                    )
                    return
                if item is not None:
                    found += 1
                    yield item
            end = archive.offset
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged archives
        # warcio trips over a missing header with its own AttributeError or TypeError
        # ("'NoneType' object has no attribute 'startswith'"): no words for a user.
        why = (
            "a record's headers are missing or damaged (no WARC-Target-URI, say)"
            if isinstance(exc, (AttributeError, TypeError))
            else _short(exc)
        )
        yield Skip(
            spath,
            f"WARC is truncated or malformed after record {number}: {why}",
            f"record {number + 1}",
        )
        return
    if end < size:
        # warcio stops silently at a gzip member or record it cannot parse.
        yield Skip(
            spath,
            f"WARC is truncated or malformed after record {number}: "
            f"the last {size - end} byte(s) could not be read",
            f"record {number + 1}",
        )
    elif number == 0:
        yield Skip(spath, "WARC holds no records")
    elif not found:
        yield Skip(spath, f"WARC holds no successful HTML or text responses ({number} record(s))")


def _warc_item(
    record: Any, spath: str, locator: str, root: str | None, limits: Limits
) -> Item | None:
    """The raw record or skip for one WARC record; None for records that are not articles
    (requests, metadata, redirects, images...)."""
    if record.rec_type is None:
        return Skip(spath, "not a WARC record (no WARC-Type header)", locator)
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return None
        mime = (record.http_headers.get_header("Content-Type") or "").lower()
    else:
        mime = (record.rec_headers.get_header("Content-Type") or "").lower()
    if mime and "html" not in mime and "text/plain" not in mime:
        return None
    payload = record.content_stream().read(limits.record + 1)
    if len(payload) > limits.record:
        return Skip(spath, f"record over the {limits.record / 1e6:.0f} MB limit", locator)
    meta = {"url": url} if url else {}
    fetched = record.rec_headers.get_header("WARC-Date")
    if fetched:
        meta["fetched"] = fetched
    charset = mime.split("charset=")[-1].strip() if "charset=" in mime else None
    if charset:
        meta["charset"] = charset
    fmt = "text" if "text/plain" in mime else "html"
    return RawRecord(spath, locator, fmt, payload, meta, root)


def _short(exc: object, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
