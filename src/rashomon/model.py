"""Plain data types shared by every stage. No I/O lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: What a paragraph of an article is. Only ``body`` paragraphs are
#: the article's own text that later stages analyse; the rest is kept, marked.
BlockKind = Literal["headline", "byline", "dateline", "subhead", "caption", "boilerplate", "body"]
BLOCK_KINDS: tuple[str, ...] = (
    "headline", "byline", "dateline", "subhead", "caption", "boilerplate", "body",
)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of an article: ``text[start:end]`` with its structural kind."""

    start: int
    end: int
    kind: BlockKind
    #: Which rule decided the kind (``"pattern:read-also"``, ``"html:h2"``...), for evidence.
    why: str = ""


@dataclass(slots=True)
class RawRecord:
    """One document as a reader found it, before cleaning.

    ``payload`` is the undecoded bytes of a file or record (text, Markdown or HTML), or
    already-decoded text when the container format (JSON, a feed) carried text.
    """

    path: str
    locator: str  # where inside ``path``: "" for a whole file, "line 12", "entry 3", "record 7"
    format: Literal["text", "markdown", "html"]
    payload: bytes | str
    meta: dict[str, Any] = field(default_factory=dict)
    #: Root directory the file was found under (for the directory-per-outlet convention).
    root: str | None = None


@dataclass(slots=True)
class Article:
    """A cleaned article: its full text, paragraph structure and metadata."""

    id: str
    text: str
    blocks: list[Block]
    content_hash: str
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as precise as the source says
    author: str | None = None
    url: str | None = None
    site_name: str | None = None
    language: str | None = None
    language_score: float | None = None
    path: str = ""
    locator: str = ""
    duplicate_of: str | None = None
    duplicate_kind: Literal["exact", "near"] | None = None
    duplicate_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def body_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "body"]

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    @property
    def body(self) -> str:
        """The article's own text: body paragraphs only, separated by blank lines."""
        return "\n\n".join(self.block_text(b) for b in self.body_blocks)


@dataclass(frozen=True, slots=True)
class Skip:
    """An input, or a part of one, that was not ingested, and why."""

    path: str
    reason: str
    locator: str = ""
    stage: str = "ingest"
    detail: str = ""


@dataclass(slots=True)
class Outlet:
    """A news outlet, as described by the user's sources file or met in the data."""

    id: str
    name: str
    domains: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    language: str | None = None
    owner: str | None = None
    state_affiliated: bool | None = None
    ratings: dict[str, Any] = field(default_factory=dict)
