"""Run the annotation components over stored articles, in batches, idempotently."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..config import Config, load_config
from ..execution import batched
from ..execution.engine import is_local, store_address
from ..model import Annotations, Article, Skip
from ..store import Store
from . import nlp as nlp_loader
from . import serialize
from .base import Component, Document, Paragraph, build

_SPACE = re.compile(r"\s")


@dataclass
class AnnotateReport:
    annotated: int = 0
    unchanged: int = 0
    skipped: int = 0
    words: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.annotated} article(s) annotated ({self.words} words), "
            f"{self.unchanged} already up to date, {self.skipped} skipped "
            f"in {self.seconds:.1f}s"
        )


class Annotator:
    """The spaCy pipeline and the components, loaded once; annotates articles in batches."""

    def __init__(self, config: Config | None = None) -> None:
        config = config or load_config()
        section = config["annotate"]
        self.section = section
        self.nlp = nlp_loader.load(section["model"])
        self.components: list[Component] = build(list(section["components"]), section)
        self.languages = set(section["languages"])
        meta = self.nlp.meta
        parts = [f"{meta.get('lang')}_{meta.get('name')}@{meta.get('version')}"]
        parts += [f"{c.name}@{c.version}" for c in self.components]
        # Component settings change results too: they are part of the signature.
        parts += [f"{name}:{json.dumps(value, sort_keys=True)}" for name, value in
                  sorted(section.items()) if isinstance(value, dict)]
        parts += [f"max_words={section['max_words']}", f"max_par={section['max_paragraph_chars']}"]
        self.signature = hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()
        self.describe = parts

    def annotate(self, articles: Iterable[Article]) -> Iterator[Annotations | Skip]:
        """Annotations for each article (or a Skip saying why not), in input order."""
        for batch in batched(articles, int(self.section["batch_size"])):
            yield from self._batch(batch)

    def _batch(self, batch: list[Article]) -> Iterator[Annotations | Skip]:
        plans: list[tuple[Article, list[tuple[int, int, str]], list[str]] | Skip] = []
        texts: list[str] = []
        for article in batch:
            if article.language and article.language not in self.languages:
                plans.append(
                    Skip(
                        f"article:{article.id}",
                        f"language '{article.language}' is not one the annotation pipeline handles",
                        stage="annotate",
                    )
                )
                continue
            pieces, notes = self._pieces(article)
            if not pieces:
                # Empty, blank or all boilerplate: nothing to annotate, and the record says so.
                notes.append("no body text to annotate")
            plans.append((article, pieces, notes))
            texts.extend(text for _, _, text in pieces)
        docs = iter(self.nlp.pipe(texts, batch_size=64))
        for plan in plans:
            if isinstance(plan, Skip):
                yield plan
                continue
            article, pieces, notes = plan
            paragraphs = [Paragraph(block, offset, next(docs)) for block, offset, _ in pieces]
            ann = Annotations(article_id=article.id, notes=list(notes))
            doc = Document(article, paragraphs, ann)
            try:
                for component in self.components:
                    component(doc)
                    for layer in component.assigns:
                        ann.components[layer] = f"{component.name}@{component.version}"
            except Exception as exc:  # noqa: BLE001 - one bad article must never stop a batch
                # The same on every engine: a skip with its reason, listed by 'skipped';
                # the article stays unannotated, so the next run tries it again.
                yield Skip(
                    f"article:{article.id}",
                    f"could not annotate ({type(exc).__name__} in component '{component.name}')",
                    stage="annotate",
                    detail=str(exc)[:500],
                )
                continue
            yield ann

    def _pieces(self, article: Article) -> tuple[list[tuple[int, int, str]], list[str]]:
        """(block index, offset, text) of each body paragraph, bounded in size."""
        limit_chars = int(self.section["max_paragraph_chars"])
        budget = int(self.section["max_words"])
        pieces: list[tuple[int, int, str]] = []
        notes: list[str] = []
        for index, block in enumerate(article.blocks):
            if block.kind != "body":
                continue
            text = article.text[block.start : block.end]
            words = len(text.split())
            if words > budget:
                notes.append(f"annotated the first {self.section['max_words']} words only")
                if budget <= 0:
                    break
                cut = _cut_after_words(text, budget)
                text = text[:cut]
                words = budget
            budget -= words
            # Leading whitespace is no part of any piece, and a blank paragraph (only
            # spaces, tabs or newlines) gives none: spaCy would make whitespace "sentences".
            start = _skip_space(text, 0)
            while start < len(text):
                end = min(len(text), start + limit_chars)
                if end < len(text):
                    # Cut at the last whitespace so no word is split across pieces.
                    space = max((m.start() for m in _SPACE.finditer(text, start, end)), default=-1)
                    if space > start:
                        end = space
                piece = text[start:end]
                if _in_capitals(piece) and CAPITALS_NOTE not in notes:
                    notes.append(CAPITALS_NOTE)
                pieces.append((index, block.start + start, _breakable(piece)))
                start = _skip_space(text, end)
            if budget <= 0:
                if not notes:
                    notes.append(f"annotated the first {self.section['max_words']} words only")
                break
        return pieces, notes


#: The note on an article with a paragraph in capitals: the small English model reads
#: capitalised words as names ("VARGA SAID": "SAID" a proper noun), so entities and
#: attributions there are missed or wrong. The text is annotated as written.
CAPITALS_NOTE = "text in capitals: entities and attributions are less reliable there"


def _in_capitals(text: str, sample: int = 2000) -> bool:
    """At least 40 letters in the first ``sample`` characters, 90% of them capitals."""
    letters = [ch for ch in text[:sample] if ch.isalpha()]
    if len(letters) < 40:
        return False
    return sum(ch.isupper() for ch in letters) >= 0.9 * len(letters)


def _skip_space(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


_LONG_RUN = re.compile(r"\S{200,}")


def _breakable(text: str) -> str:
    """Spaces into runs of 200+ non-space characters (thousands of quote marks glued
    together), which spaCy's tokenizer handles in quadratic time. Same length, so
    offsets are unchanged."""
    if len(text) < 200 or not _LONG_RUN.search(text):
        return text
    return _LONG_RUN.sub(lambda m: "".join(
        " " if i % 100 == 99 else ch for i, ch in enumerate(m.group(0))), text)


def _cut_after_words(text: str, words: int) -> int:
    count = 0
    for match in re.finditer(r"\S+", text):
        count += 1
        if count == words:
            return match.end()
    return len(text)


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to rebuild a stage: where the store is, the settings."""

    store: str
    config: Config


class AnnotateWorker:
    """Annotates batches of stored articles by id; one per worker process (an actor on
    Ray), so spaCy is loaded once per process, not once per batch."""

    def __init__(self, spec: WorkerSpec) -> None:
        from ..store import open_store

        self.annotator = Annotator(spec.config)
        self.store = open_store(spec.store, create=False)

    def __call__(self, ids: list[str]) -> list[tuple[str, str, int] | Skip]:
        articles = self.store.articles_by_ids(ids)
        words = {a.id: int(a.meta.get("words", 0)) for a in articles}
        return [
            r if isinstance(r, Skip) else (r.article_id, serialize.dumps(r), words[r.article_id])
            for r in self.annotator.annotate(articles)
        ]


def annotate(
    store: Store,
    config: Config | None = None,
    *,
    ids: list[str] | None = None,
    force: bool = False,
    annotator: Annotator | None = None,
    progress: Callable[[AnnotateReport], None] | None = None,
    engine: object = None,
) -> AnnotateReport:
    """Annotate the stored articles that lack annotations from this pipeline.

    Every batch is committed as it comes back, so a run that is stopped keeps what it
    finished and the next run does only the rest. ``engine`` (see
    :mod:`rashomon.execution`) runs the batches elsewhere, an actor pool on Ray.
    """
    config = config or load_config()
    annotator = annotator or Annotator(config)
    report = AnnotateReport()
    started = time.perf_counter()
    # No stored signature is empty, so forcing asks for every article (ids only, no text).
    todo = store.ids_to_annotate("" if force else annotator.signature, ids)
    total = len(ids) if ids is not None else store.count_articles()
    report.unchanged = total - len(todo)
    if not is_local(engine):
        size = int(config["ray"]["batch_articles"])
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        spec = WorkerSpec(store_address(store), config)
        runs = engine.map_batches  # type: ignore[attr-defined]
        for results in runs(AnnotateWorker, spec, batches):
            with store.transaction():
                for result in results:
                    if isinstance(result, Skip):
                        store.add_skip(result)
                        report.skipped += 1
                        continue
                    article_id, data, words = result
                    store.save_annotations(article_id, annotator.signature, data)
                    report.annotated += 1
                    report.words += words
            if progress:
                report.seconds = time.perf_counter() - started
                progress(report)
        report.seconds = time.perf_counter() - started
        return report
    for chunk in batched(todo, 200):
        articles = store.articles_by_ids(chunk)
        words = {a.id: int(a.meta.get("words", 0)) for a in articles}
        with store.transaction():
            for result in annotator.annotate(articles):
                if isinstance(result, Skip):
                    store.add_skip(result)
                    report.skipped += 1
                    continue
                store.save_annotations(
                    result.article_id, annotator.signature, serialize.dumps(result)
                )
                report.annotated += 1
                report.words += words[result.article_id]
        if progress:
            report.seconds = time.perf_counter() - started
            progress(report)
    report.seconds = time.perf_counter() - started
    return report


def load(store: Store, article_id: str) -> Annotations | None:
    data = store.load_annotations(article_id)
    return serialize.loads(data) if data else None
