"""Quotes and reported speech: who said what, with the spans each attribution rests on.

Three kinds of attribution are found, each as a :class:`~rashomon.model.Quote`:

* ``direct``: words inside quote marks (straight, curly or single), possibly spanning
  sentences or paragraphs, attributed through a speech cue next to them
  (``"...," he said``; ``Kagan said, "..."``) or through the quote before them;
* ``partial``: a few quoted words inside the outlet's own sentence (``stating a
  preference for "strategic ambiguity"``), given to the speaker of that sentence;
* ``reported``: indirect speech, a cue verb with a clause (``Duda mentioned that ...``,
  ``X urged the leaders to ...``, ``according to X, ...``, ``..., officials said``).

The speaker is resolved with the project's own rules over spaCy's parse (no coreference
model is installable offline): a name in the subject, a pronoun resolved to a recent
compatible person (preferring earlier speakers and sentence subjects), a role (``the
minister``) resolved to the person the article gave that role, a surname resolved to
the full name, and unnamed sources marked ``anonymous`` (``a senior official who
requested anonymity``) or ``vague`` (``critics argue``).

The cue lexicon (in ``lexicon.py``) is this project's own list. It was drawn up from the reporting
verbs that recur in news text and checked against the cue inventories of attribution
corpora: PARC 3.0 (Pareti 2016) and PolNeAR (Newell, Margolin & Ruths 2018), whose
most frequent cues are verbs of saying (say, tell, add, note, write, ask, announce,
argue, claim, ...), ``according to``, and verbs of belief (believe, think, fear). The
lists were tuned on PolNeAR's train split only (see ``bench/quotes_bench.py``).

All work is bounded per paragraph (quote length, quotes per paragraph, tokens per
sentence, candidates per pronoun), so the component is linear in the article's length
whatever the input: thousands of quote marks, no punctuation, one huge paragraph.
"""

from __future__ import annotations

import bisect
from typing import Any, ClassVar

from ..base import Document, register

# The package, by responsibility: ``lexicon`` (cue verbs, word lists, bounds), ``state``
# (the per-paragraph view and what a run shares), ``marks`` (quote marks, direct and
# partial quotes), ``reported`` (reported speech and cues), ``speakers`` (names,
# pronouns, roles, anonymous and vague sources); this module runs them and registers
# the component. The public names stay reachable here, where they were before the split.
from .lexicon import ANON_HEADS as ANON_HEADS
from .lexicon import BELIEF_VERBS as BELIEF_VERBS
from .lexicon import COMMISSIVE_VERBS as COMMISSIVE_VERBS
from .lexicon import DOCUMENT_NOUNS as DOCUMENT_NOUNS
from .lexicon import MAX_CUES_PER_SENTENCE as MAX_CUES_PER_SENTENCE
from .lexicon import MAX_FRAME_TOKENS as MAX_FRAME_TOKENS
from .lexicon import MAX_FUZZY_NAMES as MAX_FUZZY_NAMES
from .lexicon import MAX_QUOTE_CHARS as MAX_QUOTE_CHARS
from .lexicon import MAX_QUOTE_PARAGRAPHS as MAX_QUOTE_PARAGRAPHS
from .lexicon import MAX_QUOTES_PER_PARAGRAPH as MAX_QUOTES_PER_PARAGRAPH
from .lexicon import MAX_SENTENCE_TOKENS as MAX_SENTENCE_TOKENS
from .lexicon import MAX_SINGLE_QUOTE_CHARS as MAX_SINGLE_QUOTE_CHARS
from .lexicon import NAMING_VERBS as NAMING_VERBS
from .lexicon import OBJECT_CONTENT_VERBS as OBJECT_CONTENT_VERBS
from .lexicon import OBJECT_INFINITIVE_VERBS as OBJECT_INFINITIVE_VERBS
from .lexicon import ORG_HEADS as ORG_HEADS
from .lexicon import PARTIAL_MAX_WORDS as PARTIAL_MAX_WORDS
from .lexicon import PRONOUN_WINDOW as PRONOUN_WINDOW
from .lexicon import QUOTE_ONLY_VERBS as QUOTE_ONLY_VERBS
from .lexicon import ROLE_WINDOW as ROLE_WINDOW
from .lexicon import SPEECH_NOUNS as SPEECH_NOUNS
from .lexicon import SPEECH_VERBS as SPEECH_VERBS
from .lexicon import VAGUE_HEADS as VAGUE_HEADS
from .marks import _DirectQuotes
from .marks import find_quotes as find_quotes
from .reported import _ReportedSpeech
from .speakers import _Names, _Speakers
from .state import _History, _Para


class Quotes:
    """The ``quotes`` component. Settings (``[annotate.quotes]``): ``belief_cues``
    (count "critics fear that ..." as attributions; default true) and
    ``max_quotes_per_paragraph`` (quotations attributed per paragraph; default 100)."""

    name: ClassVar[str] = "quotes"
    version: ClassVar[str] = "2"
    requires: ClassVar[tuple[str, ...]] = ("sentences", "mentions")
    assigns: ClassVar[tuple[str, ...]] = ("quotes",)

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        settings = settings or {}
        self.max_quotes = int(settings.get("max_quotes_per_paragraph", MAX_QUOTES_PER_PARAGRAPH))
        self.beliefs = bool(settings.get("belief_cues", True))

    def __call__(self, doc: Document) -> None:
        _Run(doc, self).run()


@register("quotes")
def _factory(settings: dict[str, Any]) -> Quotes:
    return Quotes(settings)


class _Run(_DirectQuotes, _ReportedSpeech, _Speakers):
    """One article's quote extraction; state lives here, not on the component."""

    def __init__(self, doc: Document, component: Quotes) -> None:
        self.doc = doc
        self.text = doc.text
        self.component = component
        self.mentions = doc.ann.mentions
        self._mention_starts = [m.start for m in self.mentions]
        self.names = _Names(self.mentions)
        self.history = _History()
        token_mention = doc.cache.get("token_mention", {})
        spans = [(p.offset, p.offset + len(p.doc.text), p.block) for p in doc.paragraphs]
        self.direct = find_quotes(self.text, spans)
        self.direct_starts = [a for a, _ in self.direct]
        self.paras: list[_Para] = []
        per_para: dict[int, dict[int, int]] = {}
        for (p_index, t_index), m_index in token_mention.items():
            per_para.setdefault(p_index, {})[t_index] = m_index
        for p_index, paragraph in enumerate(doc.paragraphs):
            starts = [t.idx for t in paragraph.doc]
            quote_of = [-1] * len(starts)
            lo, hi = spans[p_index][0], spans[p_index][1]
            para = _Para(p_index, paragraph, starts, quote_of, per_para.get(p_index, {}), hi)
            k = bisect.bisect_left(self.direct_starts, lo)
            while k > 0 and self.direct[k - 1][1] > lo:
                k -= 1
            for q in range(k, len(self.direct)):
                a, b = self.direct[q]
                if a >= hi:
                    break
                if b <= lo:
                    continue
                # Tokens from the mark on: a mark glued to a word ("said,“Look")
                # leaves that word outside the quote.
                first = bisect.bisect_left(starts, max(a, lo) - paragraph.offset)
                for t in range(first, len(starts)):
                    if starts[t] + paragraph.offset >= b:
                        break
                    quote_of[t] = q
            self.paras.append(para)
        self.gender = self._genders()
        self.notes: list[str] = []
        self._cue_para: _Para | None = None

    # -- driver -------------------------------------------------------------------------

    def run(self) -> None:
        out = self.doc.ann.quotes
        for para in self.paras:
            candidates = self._direct_candidates(para) + self._reported_candidates(para)
            candidates.sort(key=lambda c: c.start)
            for cand in candidates:
                quote = self._resolve(cand)
                if quote is None:
                    continue
                out.append(quote)
                self.history.quotes.append(quote)
        self._mark_sentences()
        for note in self.notes[:1]:
            self.doc.ann.notes.append(note)

    def _mark_sentences(self) -> None:
        sentences = self.doc.ann.sentences
        if not sentences or not self.doc.ann.quotes:
            return
        starts = [s.start for s in sentences]
        for q in self.doc.ann.quotes:
            spans = [(q.start, q.end)]
            if q.cue_start is not None:
                spans.append((q.cue_start, q.cue_end or q.cue_start))
            for a, b in spans:
                i = max(bisect.bisect_right(starts, a) - 1, 0)
                while i < len(sentences) and sentences[i].start < max(b, a + 1):
                    if sentences[i].end > a:
                        sentences[i].attributed = True
                    i += 1
