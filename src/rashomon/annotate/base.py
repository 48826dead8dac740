"""The annotation framework: named, versioned components over a parsed article.

A component declares the layers it ``requires`` and the layers it ``assigns``; the
pipeline checks the order once, runs the components on each article, and stores every
layer with the ``name@version`` of the component that produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..errors import ConfigError
from ..model import Annotations, Article


@dataclass(slots=True)
class Paragraph:
    """One body paragraph of the article, parsed on its own."""

    block: int  # index into Article.blocks
    offset: int  # where the paragraph starts in Article.text
    doc: Any  # spacy.tokens.Doc of the paragraph's text

    def span(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Paragraph-relative character offsets to article offsets."""
        return self.offset + start_char, self.offset + end_char


@dataclass(slots=True)
class Document:
    """What components work on: the article, its parsed paragraphs, the layers so far."""

    article: Article
    paragraphs: list[Paragraph]
    ann: Annotations
    #: Scratch space shared between components of one run (e.g. token -> mention maps).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.article.text

    def tokens(self) -> Iterator[tuple[Paragraph, Any]]:
        for paragraph in self.paragraphs:
            for token in paragraph.doc:
                yield paragraph, token

    def sentences(self) -> Iterator[tuple[int, Paragraph, Any]]:
        """(sentence index in the sentences layer, paragraph, spaCy sentence span).
        Whitespace that spaCy makes a sentence of (a blank line inside a paragraph) is
        none: every component sees the same sentences, with the same indices."""
        index = 0
        for paragraph in self.paragraphs:
            for sent in paragraph.doc.sents:
                if sent.text.isspace() or not sent.text:
                    continue
                yield index, paragraph, sent
                index += 1


class Component(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    assigns: ClassVar[tuple[str, ...]]

    def __call__(self, doc: Document) -> None: ...


_REGISTRY: dict[str, Callable[[dict[str, Any]], Component]] = {}


def register(name: str) -> Callable[[Callable[[dict[str, Any]], Component]], Any]:
    """Register a component factory under ``name`` (``"quotes"``); config picks by name."""

    def deco(factory: Callable[[dict[str, Any]], Component]) -> Any:
        _REGISTRY[name] = factory
        return factory

    return deco


def build(names: list[str], settings: dict[str, Any]) -> list[Component]:
    """Components by name, checked so that each one's requirements come before it."""
    from . import components  # noqa: F401 - registers the built-in components

    built: list[Component] = []
    have = {"tokens", "sentences.spacy", "entities.spacy"}
    for name in names:
        if name not in _REGISTRY:
            known = ", ".join(sorted(_REGISTRY))
            raise ConfigError(f"unknown annotation component '{name}' (known: {known})")
        component = _REGISTRY[name](settings.get(name, {}))
        missing = [r for r in component.requires if r not in have]
        if missing:
            raise ConfigError(
                f"component '{name}' needs {', '.join(missing)}, which no earlier component "
                "assigns; reorder [annotate] components"
            )
        have.update(component.assigns)
        built.append(component)
    return built


def registered() -> list[str]:
    from . import components  # noqa: F401

    return sorted(_REGISTRY)
