"""The state one article's run shares between its steps: the per-paragraph view
(``_Para``), a found attribution before its speaker is resolved (``_Candidate``), the
attributions so far (``_History``), and ``_RunState``, the base of the steps' mixins,
which names the attributes a run sets up."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...model import Mention, Quote
from ..base import Document, Paragraph

if TYPE_CHECKING:
    from . import Quotes
    from .speakers import _Names


# --- per-paragraph view ----------------------------------------------------------------------


@dataclass(slots=True)
class _Para:
    index: int
    paragraph: Paragraph
    starts: list[int]  # token start offsets (paragraph-relative)
    quote_of: list[int]  # token -> index into the direct quotes, or -1
    mention_of: dict[int, int]  # token -> mention index
    #: Article offset of the paragraph's end. Stored: spaCy's ``Doc.text`` joins every
    #: token each time it is read, and this is read once per quotation.
    end: int

    @property
    def doc(self) -> Any:
        return self.paragraph.doc

    def token_at(self, char: int) -> int:
        """Index of the token covering article offset ``char`` (or the next one)."""
        rel = char - self.paragraph.offset
        i = bisect.bisect_right(self.starts, rel) - 1
        return max(i, 0)


@dataclass(slots=True)
class _Candidate:
    kind: str
    start: int
    end: int
    para: _Para
    cue: Any = None  # spaCy token (or first token of a multi-word cue)
    cue_end: Any = None  # last token of the cue
    subject: Any = None  # spaCy token heading the speaker phrase
    speaker_span: tuple[int, int] | None = None  # token range of the speaker phrase
    cue_para: _Para | None = None  # where cue and speaker are, when not in ``para``
    orphan: bool = False  # no cue of its own: the attribution before it says who speaks
    words: int = 0


@dataclass
class _History:
    quotes: list[Quote] = field(default_factory=list)
    # (article offset, canonical person, mention index) of speakers, in text order
    speakers: list[tuple[int, str, int | None]] = field(default_factory=list)


class _RunState:
    """What ``_Run`` holds for one article (set in ``_Run.__init__``), shared by the
    mixins that find direct quotes, reported speech and speakers; the mixins call each
    other's methods through ``self``."""

    doc: Document
    text: str
    component: Quotes
    mentions: list[Mention]
    _mention_starts: list[int]
    names: _Names
    history: _History
    direct: list[tuple[int, int]]  # (open mark start, close mark end) of each quotation
    direct_starts: list[int]
    paras: list[_Para]
    gender: dict[str, str]
    notes: list[str]
    _cue_para: _Para | None
    _person_index: list[int]
    _person_starts: list[int]
    _mention_role: dict[int, float]

    def _char_span(self, para: _Para, first: int, last: int) -> tuple[int, int]:
        doc = para.doc
        s = doc[first].idx
        e = doc[last].idx + len(doc[last].text)
        return para.paragraph.span(s, e)
