"""Plain data types shared by every stage. No I/O lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: What a paragraph of an article is. Only ``body`` paragraphs are
#: the article's own text that later stages analyse; the rest is kept, marked.
BlockKind = Literal["headline", "byline", "dateline", "subhead", "caption", "boilerplate", "body"]
BLOCK_KINDS: tuple[str, ...] = (
    "headline",
    "byline",
    "dateline",
    "subhead",
    "caption",
    "boilerplate",
    "body",
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


# --- annotations ----------------------------------------------------------------------
# Every offset below is a character offset into ``Article.text``. Each annotation layer
# is stored with the component (name and version) that produced it.


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index into Article.blocks
    #: The sentence reports what someone said (a quote or reported speech) rather than
    #: asserting it in the outlet's own voice.
    attributed: bool = False
    hedged: bool = False


@dataclass(slots=True)
class Mention:
    """A named entity mention: person, organisation, place, group."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, LAW; ROLE: an office unnamed
    role: str | None = None  # "Ukrainian Defense Minister" for "Rustem Umerov"
    role_start: int | None = None
    role_end: int | None = None


@dataclass(slots=True)
class Quote:
    """What someone said: a direct quote, a partial quote, or reported speech."""

    start: int  # the content span
    end: int
    text: str
    kind: str  # "direct" | "partial" | "reported"
    cue: str | None = None  # "said", "according to", "urged"...
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_text: str | None = None  # as written where the attribution is: "he", "the minister"
    speaker_start: int | None = None
    speaker_end: int | None = None
    #: The named speaker the text refers to, after resolving pronouns and roles.
    speaker: str | None = None
    speaker_mention: int | None = None  # index into the mentions layer
    #: How the speaker was found: named, pronoun, role, anonymous, vague, none.
    resolved_by: str = "none"
    anonymous: bool = False
    vague: bool = False

    @property
    def direct(self) -> bool:
        return self.kind in ("direct", "partial")


@dataclass(slots=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None = None  # "USD", "%", "km", or the counted noun for plain counts
    qualifier: str = "="  # "=", "~", ">", ">=", "<", "<="
    counted: str | None = None  # what is counted or measured: "soldiers", "missiles"
    counted_start: int | None = None
    counted_end: int | None = None
    kind: str = "count"  # count | money | percent | measure | fraction | ordinal


@dataclass(slots=True)
class TimeExpression:
    start: int
    end: int
    text: str
    value: str | None  # ISO: "2024-02-26", "2024-W09", "2024-02", "2024"; None if unresolved
    granularity: str | None = None  # day | week | month | year | season
    relative: bool = False


@dataclass(slots=True)
class FramingCue:
    start: int
    end: int
    text: str
    kind: str  # hedge | vague_attribution | anonymous_source | loaded
    sentence: int | None = None
    note: str = ""  # e.g. the lexicon category of a loaded word


@dataclass(slots=True)
class Annotations:
    """All annotation layers of one article, with who produced each."""

    article_id: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    cues: list[FramingCue] = field(default_factory=list)
    #: The estimated date of the event the article reports (ISO day), and why.
    event_date: str | None = None
    #: layer name -> "component@version"
    components: dict[str, str] = field(default_factory=dict)
    #: What could not be done, e.g. "truncated to the first 50000 words".
    notes: list[str] = field(default_factory=list)
