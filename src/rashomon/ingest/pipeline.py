"""The ingest stage: paths in, stored articles out, every skip recorded.

Reading is streamed in this process; extraction runs in a worker pool for big inputs;
storing and duplicate linking happen here, one transaction per batch. Article ids come
from source and content, so a re-run (or the run after a kill -9) inserts nothing twice,
and files already ingested unchanged are not even read again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..config import Config, load_config
from ..execution import Executor, SerialExecutor, make_executor
from ..execution.engine import is_local
from ..model import Article, RawRecord, Skip
from ..store import Store
from . import dedupe
from .extract import Extracted, ExtractOptions, extract
from .outlets import SOURCES_FILE, OutletRegistry, load_sources, outlet_record
from .readers import Limits, check_paths, expand, read_file

_SETTINGS_FILES = frozenset({SOURCES_FILE, "rashomon.toml"})


@dataclass(slots=True)
class _FileStart:
    path: str


@dataclass(slots=True)
class _FileDone:
    path: str
    size: int
    mtime_ns: int


@dataclass
class IngestReport:
    files: int = 0
    unchanged_files: int = 0
    articles_added: int = 0
    articles_existing: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    skipped: int = 0
    seconds: float = 0.0
    added_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.articles_added} article(s) added",
            f"{self.articles_existing} already stored",
            f"{self.exact_duplicates} exact and {self.near_duplicates} near duplicate(s) linked",
            f"{self.skipped} input(s) skipped",
        ]
        if self.unchanged_files:
            parts.append(f"{self.unchanged_files} unchanged file(s) not re-read")
        return f"{self.files} file(s): " + ", ".join(parts) + f" in {self.seconds:.1f}s"


Progress = Callable[[IngestReport], None]


def ingest(
    paths: list[str],
    store: Store,
    config: Config | None = None,
    *,
    outlet: str | None = None,
    sources: str | None = None,
    fields: dict[str, str] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    engine: object = None,
    exclude: Iterable[str | Path] = (),
) -> IngestReport:
    """Ingest files, directories and globs into ``store``; returns what happened.

    ``fields`` maps article attributes to column names of JSON/CSV exports
    (``{"text": "body_text"}``); they are tried before the configured defaults.
    ``engine`` (see :mod:`rashomon.execution`) extracts the records elsewhere (Ray
    tasks); reading, storing and duplicate linking stay here, in input order.
    ``exclude``: files and folders never read as input, such as the folder an ``analyze``
    run writes its report into. The store's own files are never read either.
    """
    check_paths(paths)
    config = config or load_config()
    section = config["ingest"]
    limits = Limits(section)
    field_names = {k: list(v) for k, v in section["fields"].items()}
    for key, column in (fields or {}).items():
        field_names.setdefault(key, [])
        field_names[key] = [column] + field_names[key]

    registry = OutletRegistry(store.outlets())
    described = []
    if sources:
        described += load_sources(sources)
    for raw in paths:
        candidate = Path(raw) / SOURCES_FILE
        if candidate.is_file() and (not sources or candidate.resolve() != Path(sources).resolve()):
            described += load_sources(candidate)
    if described:
        store.upsert_outlets(described)
        registry.add(described)

    dd = config["dedupe"]
    options = ExtractOptions(
        registry=registry,
        outlet=outlet,
        min_words=int(section["min_words"]),
        shingle=int(dd["shingle"]),
        num_perm=int(dd["num_perm"]),
        sample_chars=int(config["language"]["sample_chars"]),
        min_language_score=float(config["language"]["min_score"]),
    )
    report = IngestReport()
    started = time.perf_counter()
    batch_size = int(section["batch_size"])
    pool_workers = int(section["workers"] if workers is None else workers)
    distributed = not is_local(engine)
    executor: Executor = (
        engine.executor() if distributed else SerialExecutor()  # type: ignore[attr-defined]
    )
    seen_outlets: set[str] = {o.name for o in registry.outlets}
    own = _Own([*_store_files(store), *exclude])
    items = _items(
        paths, store, limits, field_names, bool(section["follow_symlinks"]), report, own
    )
    # Articles and skips per file, kept across batches: a container file's records can
    # span several batches before its end is reached.
    per_file: dict[str, list[int]] = {}
    try:
        batch: list[object] = []
        records = 0
        for item in items:
            batch.append(item)
            if isinstance(item, RawRecord):
                records += 1
            if records >= batch_size:
                if not distributed and isinstance(executor, SerialExecutor) and pool_workers != 1:
                    executor = make_executor(pool_workers)  # a big input: worth a pool
                _store_batch(
                    batch,
                    per_file,
                    executor,
                    options,
                    store,
                    config,
                    report,
                    seen_outlets,
                    registry,
                )
                batch, records = [], 0
                if progress:
                    report.seconds = time.perf_counter() - started
                    progress(report)
        if batch:
            _store_batch(
                batch, per_file, executor, options, store, config, report, seen_outlets, registry
            )
    finally:
        executor.close()
    report.seconds = time.perf_counter() - started
    if progress:
        progress(report)
    return report


def _items(
    paths: list[str],
    store: Store,
    limits: Limits,
    fields: dict[str, list[str]],
    follow: bool,
    report: IngestReport,
    own: _Own,
) -> Iterator[object]:
    for path, root in expand(paths, follow):
        if path.name in _SETTINGS_FILES and path.parent == root:
            continue  # the corpus's own settings, read above, not an article
        if own.holds(path):
            continue  # Rashomon's own output (the store, a report) is not news
        spath = str(path)
        report.files += 1
        try:
            stat = path.stat()
        except OSError as exc:
            yield _FileStart(spath)
            yield Skip(spath, f"cannot read file: {exc.strerror or exc}")
            continue
        if store.input_done(spath, stat.st_size, stat.st_mtime_ns):
            report.unchanged_files += 1
            continue
        yield _FileStart(spath)
        yield from read_file(path, root, limits, fields)
        yield _FileDone(spath, stat.st_size, stat.st_mtime_ns)


class _Own:
    """Files and folders that are Rashomon's own output: ``analyze . --out report`` run twice
    must not read its last report (or its store) back in as an article."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.files: set[str] = set()
        self.dirs: list[str] = []
        # Names first: resolving every input path would cost a system call per file.
        self.names: set[str] = set()
        for p in paths:
            real = os.path.realpath(p)
            self.names.add(os.path.basename(real))
            if os.path.isdir(real):
                self.dirs.append(real.rstrip(os.sep) + os.sep)
            else:
                self.files.add(real)

    def holds(self, path: Path) -> bool:
        if self.names.isdisjoint(path.parts):
            return False
        real = os.path.realpath(path)
        return real in self.files or any(real.startswith(d) for d in self.dirs)


def _store_files(store: Store) -> list[str]:
    """The files of a store kept in one (SQLite and its journals); none for a server."""
    path = str(getattr(store, "path", "") or "")
    if not path or "://" in path or path == ":memory:":
        return []
    return [path + suffix for suffix in ("", "-wal", "-shm", "-journal")]


def _store_batch(
    batch: list[object],
    per_file: dict[str, list[int]],
    executor: Executor,
    options: ExtractOptions,
    store: Store,
    config: Config,
    report: IngestReport,
    seen_outlets: set[str],
    registry: OutletRegistry,
) -> None:
    records = [item for item in batch if isinstance(item, RawRecord)]
    results = iter(executor.map(extract, records, options))
    dd = config["dedupe"]
    bands, threshold = int(dd["bands"]), float(dd["threshold"])
    with store.transaction():
        for item in batch:
            if isinstance(item, _FileStart):
                store.clear_skips(item.path)
                per_file[item.path] = [0, 0]
            elif isinstance(item, RawRecord):
                result = next(results)
                counts = per_file.setdefault(item.path, [0, 0])
                if isinstance(result, Skip):
                    store.add_skip(result)
                    report.skipped += 1
                    counts[1] += 1
                    continue
                counts[0] += 1
                _store_article(result, store, bands, threshold, report, seen_outlets, registry)
            elif isinstance(item, Skip):
                store.add_skip(item)
                report.skipped += 1
                per_file.setdefault(item.path, [0, 0])[1] += 1
            elif isinstance(item, _FileDone):
                counts = per_file.pop(item.path, [0, 0])
                # A file with skips is read again next time: the user may have raised a
                # limit or fixed it, as the reason suggested. Ids make the re-read harmless.
                if counts[1] == 0:
                    store.mark_input(item.path, item.size, item.mtime_ns, counts[0], counts[1])


def _store_article(
    extracted: Extracted,
    store: Store,
    bands: int,
    threshold: float,
    report: IngestReport,
    seen_outlets: set[str],
    registry: OutletRegistry,
) -> None:
    article, signature = extracted.article, extracted.signature
    if article.outlet and article.outlet not in seen_outlets:
        store.upsert_outlets([outlet_record(article.outlet, registry)])
        seen_outlets.add(article.outlet)
    keys = dedupe.band_keys(signature, bands)
    if not store.insert_article(article, signature, keys):
        report.articles_existing += 1
        return
    report.articles_added += 1
    report.added_ids.append(article.id)
    link_duplicates(store, article, signature, keys, threshold, report)


def link_duplicates(
    store: Store,
    article: Article,
    signature: object,
    keys: list[int],
    threshold: float,
    report: IngestReport | None = None,
) -> None:
    """Link ``article`` into its duplicate group, if it has one.

    A group's original is its earliest-published member (ties by id), whatever order the
    members arrived in; every other member points at it, as ``exact`` (same words) or
    ``near`` (MinHash similarity at or above ``threshold``).
    """
    exact = [i for i in store.article_ids_by_hash(article.content_hash) if i != article.id]
    candidates = [i for i in store.band_candidates(keys) if i != article.id and i not in exact]
    sigs = store.signatures(candidates + [article.id])
    own = sigs[article.id]
    near = [c for c in candidates if dedupe.similarity(own, sigs[c]) >= threshold]
    if not exact and not near:
        return
    info = store.duplicate_info(exact + near + [article.id])
    roots = sorted({info[m][0] or m for m in exact + near})
    info.update(store.duplicate_info([r for r in roots if r not in info]))

    def order(member: str) -> tuple[bool, str, str]:
        published = info[member][1]
        return (published is None, instant(published), member)

    if len(roots) == 1 and order(article.id) > order(roots[0]):
        # The common case: one more copy of a known story, later than its original.
        _point(store, article.id, roots[0], info, report)
        return
    # The new article joins groups or predates their original: regroup every member.
    members = set(roots) | set(exact) | set(near) | {article.id}
    for root in roots:
        members.update(store.members_of(root))
    info = store.duplicate_info(sorted(members))
    original = min(members, key=order)
    store.set_duplicate(original, None, None, None)
    for member in sorted(members - {original}):
        _point(store, member, original, info, report)


def instant(published: str | None) -> str:
    """A sortable UTC instant for a publication date, whatever its zone or precision.

    A date without a time sorts at the end of its day: a copy stamped with a time that
    day is not taken for earlier than an original known only by its date.
    """
    if not published:
        return ""
    try:
        if len(published) == 10:
            moment = datetime.fromisoformat(published + "T23:59:59+00:00")
        else:
            moment = datetime.fromisoformat(published)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    except ValueError:
        return published


def _point(
    store: Store,
    member: str,
    original: str,
    info: dict[str, tuple[str | None, str | None, str]],
    report: IngestReport | None,
) -> None:
    same = info[member][2] == info[original][2]
    if same:
        score = 1.0
    else:
        sigs = store.signatures([member, original])
        score = round(dedupe.similarity(sigs[member], sigs[original]), 4)
    store.set_duplicate(member, original, "exact" if same else "near", score)
    if report is not None and info[member][0] is None:
        if same:
            report.exact_duplicates += 1
        else:
            report.near_duplicates += 1
