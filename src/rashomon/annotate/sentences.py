"""Sentences of the body paragraphs, from spaCy's parser."""

from __future__ import annotations

from typing import Any, ClassVar

from ..model import Sentence
from .base import Document, register


class Sentences:
    name: ClassVar[str] = "sentences"
    # 2: blank paragraphs and leading whitespace no longer give empty sentences (18b737d);
    # a store annotated by version 1 is re-annotated by the next `rashomon annotate`.
    version: ClassVar[str] = "2"
    requires: ClassVar[tuple[str, ...]] = ("sentences.spacy",)
    assigns: ClassVar[tuple[str, ...]] = ("sentences",)

    def __call__(self, doc: Document) -> None:
        out = doc.ann.sentences
        for _, paragraph, sent in doc.sentences():
            start, end = paragraph.span(sent.start_char, sent.end_char)
            # Leading and trailing spaces belong to no sentence.
            while end > start and doc.text[end - 1].isspace():
                end -= 1
            while start < end and doc.text[start].isspace():
                start += 1
            out.append(Sentence(start, end, paragraph.block))


@register("sentences")
def _factory(settings: dict[str, Any]) -> Sentences:
    return Sentences()
