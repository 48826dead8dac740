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

The cue lexicon below is this project's own list. It was drawn up from the reporting
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
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..model import Mention, Quote
from .base import Document, Paragraph, register
from .entities import TITLES

# --- lexicons --------------------------------------------------------------------------

#: Verbs of saying (lemmas). With a clause they make reported speech; next to quote
#: marks they attribute a direct quote.
SPEECH_VERBS = frozenset("""
say tell add note state announce urge warn claim allege counter argue insist mention
highlight stress emphasise emphasize acknowledge admit explain declare report write tweet
post confirm deny reiterate repeat suggest predict promise pledge vow assert contend
maintain respond reply answer ask recall concede complain caution observe remark comment
testify disclose reveal indicate signal boast joke quip estimate conclude agree disagree
continue describe call dismiss criticise criticize accuse blame praise question lament
affirm reaffirm recount inform brief advise propose recommend demand appeal threaten swear
assure reassure forecast hint imply clarify specify speculate exclaim shout yell plead
order instruct retort rebut refute dispute object protest charge contend stipulate
proclaim pronounce preach concur agree reason theorize theorise surmise muse wonder
allow grant guarantee vow celebrate hail welcome laud slam decry condemn
denounce mock ridicule blast
""".split())

#: Verbs of belief and perception that PolNeAR-style attribution includes ("observers
#: believe", "experts fear"): cues only with a clause, never for direct quotes.
BELIEF_VERBS = frozenset("""
believe think fear expect suspect doubt worry feel hope reckon figure guess assume
""".split())

#: Cues whose content is an object followed by an infinitive ("urged the leaders to").
OBJECT_INFINITIVE_VERBS = frozenset("""
urge ask tell call warn advise encourage order instruct invite press implore beg appeal
request challenge remind
""".split())

#: Verbs of evaluation: they attribute quoted words ("slammed the plan as 'reckless'"),
#: never a clause of reported speech.
QUOTE_ONLY_VERBS = frozenset("""
celebrate hail welcome laud slam decry condemn denounce mock ridicule blast praise criticise
criticize accuse blame dismiss lament
""".split())

#: Commitments whose content is an infinitive ("pledged to shut down ...").
COMMISSIVE_VERBS = frozenset("""
promise pledge vow threaten offer agree refuse decline swear propose plan
""".split())

#: Cues whose object is what was said ("announced his resignation").
OBJECT_CONTENT_VERBS = frozenset("""
announce mention deny confirm reveal promise pledge vow predict propose
recommend demand tweet post repeat recall cite quote reiterate
""".split())
_NEGATIONS = frozenset({"not", "n't", "never", "no"})

#: Inanimate sources that do speak ("the report said", "the complaint alleged"); other
#: subjects of a cue other than "say" must be able to speak ("the attacks highlight the
#: threat" is no attribution).
DOCUMENT_NOUNS = frozenset("""
report poll survey study statement complaint letter memo ad advertisement document data
analysis filing lawsuit ruling indictment order release tweet post message video email
website site article story editorial book transcript record records figures estimate
account documents
""".split())

#: Cues that only introduce quoted words, not a clause ("called it a 'disaster'").
NAMING_VERBS = frozenset({"describe", "call", "dub", "brand", "label", "term"})

#: Nouns that make a subject's possessor the speaker ("Macron's statement").
SPEECH_NOUNS = frozenset("""
statement statements remark remarks comment comments word words speech speeches report
reports data figure figures estimate estimates tweet tweets post posts interview
interviews letter announcement release testimony account accounts analysis survey poll
polls study findings assessment address message
""".split())

#: Heads of unnamed sources.
ANON_HEADS = frozenset("""
official source aide adviser advisor insider diplomat staffer spokesman spokeswoman
spokesperson person individual officer employee worker engineer member lawmaker
legislator negotiator investigator executive strategist operative representative
authority resident witness survivor doctor nurse soldier commander officer manager
administrator agent envoy minister ambassador employee insider participant attendee
man woman boy girl child kid student teacher mother father voter protester
""".split())

#: Heads of vague attributions: no identifiable speaker at all.
VAGUE_HEADS = frozenset("""
critic analyst observer expert commentator pundit skeptic sceptic opponent supporter
proponent detractor people voice media press many some others several few most everyone
someone somebody anyone everybody rumor rumour scholar economist scientist
""".split())

#: Words that make an unnamed source explicitly anonymous.
_ANONYMITY = re.compile(
    r"anonym|not (?:to )?be (?:named|identified)|not authori[sz]ed|speaking on condition|"
    r"familiar with|close to|declined to be|requested not|asked not|who spoke privately",
    re.I,
)

#: Heads of organisation-like descriptions ("the ministry", "the company").
ORG_HEADS = frozenset("""
ministry company commission government agency council committee report statement campaign
party administration department office court police army military operator firm group
organisation organization union board authority embassy service inquiry panel network
newspaper outlet channel broadcaster station agency kremlin team
""".split())

#: Labels before a colon that are not speakers ("Source: ...", "UPDATE: ...").
_NOT_SPEAKERS = frozenset("""
source sources update note photo photos watch read related editor transcript video
advertisement correction disclosure image credit caption
""".split())

_VERB_AS_NOUN = frozenset("""
says tells claims warns argues insists notes adds writes predicts urges vows promises
pledges announces reports
""".split())

_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_MALE_WORDS = frozenset({"mr", "sir", "lord", "king", "prince", "father", "brother", "husband",
                         "son", "spokesman", "chairman", "congressman", "businessman"})
_FEMALE_WORDS = frozenset({"mrs", "ms", "miss", "lady", "dame", "queen", "princess", "mother",
                           "sister", "wife", "daughter", "spokeswoman", "chairwoman",
                           "congresswoman", "businesswoman"})
_RELATIVE = frozenset({"who", "which", "that"})
_PERSON_LABELS = frozenset({"PERSON"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_QUANTIFIERS = frozenset({"some", "many", "several", "most", "few", "other", "various",
                          "numerous", "certain"})

# --- bounds: keep the work per paragraph bounded whatever the input ----------------------

MAX_QUOTE_CHARS = 8000  # one direct quote, even across paragraphs
MAX_QUOTE_PARAGRAPHS = 6
MAX_SINGLE_QUOTE_CHARS = 600  # single marks double as apostrophes: keep them short
MAX_QUOTES_PER_PARAGRAPH = 100
MAX_SENTENCE_TOKENS = 250  # longer "sentences" (no punctuation) get no parse-based search
MAX_CUES_PER_SENTENCE = 12
MAX_FRAME_TOKENS = 60
PRONOUN_WINDOW = 40  # person mentions looked back at for a pronoun
ROLE_WINDOW = 200  # mentions (and earlier quotes) looked back at for a role
PARTIAL_MAX_WORDS = 4
MAX_FUZZY_NAMES = 50  # surnames compared for a spelling variant

# --- quote marks ---------------------------------------------------------------------------

_DOUBLES = '"“”„‟«»'
_SINGLES = "'‘’‛‹›"
_OPEN_PUNCT = "([{—–-/:;“‘«‹\"'"
_CLOSE_PUNCT = ".,;:!?)]}—–-…”’»›\"'"
_ELISIONS = re.compile(r"(?:\d\d?s?|em|til|cause|tis|twas|n|bout|round)\b", re.I)


@dataclass(slots=True)
class _Mark:
    pos: int  # article offset
    length: int
    double: bool
    can_open: bool
    can_close: bool


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    """The quote marks in ``text[start:end]``; apostrophes and elisions left out."""
    out: list[_Mark] = []
    i = start
    while i < end:
        ch = text[i]
        if ch not in _DOUBLES and ch not in _SINGLES and ch != "`":
            i += 1
            continue
        length = 1
        double = ch in _DOUBLES
        if ch in "'`" and i + 1 < end and text[i + 1] == ch:
            length, double = 2, True  # '' and `` stand for double marks in some wires
        elif ch == "`":
            i += 1
            continue
        left = text[i - 1] if i > start else " "
        right = text[i + length] if i + length < end else " "
        can_open = (left.isspace() or left in _OPEN_PUNCT) and not right.isspace()
        can_close = (right.isspace() or right in _CLOSE_PUNCT) and not left.isspace()
        if not double:
            if left.isalnum() and right.isalnum():
                i += length
                continue  # it's, Russia's, rock'n'roll
            if can_open and _ELISIONS.match(text, i + length, end):
                i += length
                continue  # '90s, 'em, 'til
            if ch in "‘‹" and not can_close:
                can_open = can_open or not left.isalnum()
            if ch in "’›" and left.isalnum() and not right.isalnum():
                can_open = False
        else:
            if ch in "“„«" and not (can_open or can_close):
                can_open = True
            if ch in "”»" and not (can_open or can_close):
                can_close = True
        if can_open or can_close:
            out.append(_Mark(i, length, double, can_open, can_close))
        i += length
    return out


def find_quotes(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """(open mark start, close mark end) of each quotation in the paragraphs ``spans``.

    ``spans`` is (start, end, block) of each paragraph piece in reading order. A quote
    left open at the end of a paragraph continues only if the next paragraph opens with
    a quote mark (the convention for quotes running over paragraphs) or is the next
    piece of the same block; otherwise the stray mark is dropped and the search starts
    afresh, so one unbalanced mark never swallows the rest of the article.
    """
    quotes: list[tuple[int, int]] = []
    pending: tuple[int, int, int] | None = None  # (open pos, paragraphs so far, block)
    prev_block = -1
    for start, end, block in spans:
        marks = _marks(text, start, end)
        doubles = [m for m in marks if m.double]
        first = 0
        if pending is not None:
            opened, count, _ = pending
            lead = start
            while lead < end and text[lead].isspace():
                lead += 1
            same_block = block == prev_block
            continues = bool(doubles) and doubles[0].pos == lead and doubles[0].can_open
            if (continues or same_block) and count < MAX_QUOTE_PARAGRAPHS:
                pending = (opened, count + 1, block)
                if continues and not same_block:
                    first = 1
            else:
                pending = None
        spans_here: list[tuple[int, int]] = []
        for m in doubles[first:]:
            if pending is not None and m.can_close and (not m.can_open or not m.pos or
                                                         text[m.pos - 1] not in " \n\t"):
                opened = pending[0]
                if m.pos + m.length - opened <= MAX_QUOTE_CHARS:
                    quotes.append((opened, m.pos + m.length))
                    if opened >= start:
                        spans_here.append((opened, m.pos + m.length))
                pending = None
            elif m.can_open:
                pending = (m.pos, 1, block)  # a second opener replaces a stray one
            # A closer with nothing open is a stray mark: ignored.
        if pending is not None and pending[0] >= start and end - pending[0] > MAX_QUOTE_CHARS:
            pending = None
        # Single marks pair only outside double quotes, and only over a short stretch.
        inside = spans_here + ([(pending[0], end)] if pending and pending[0] >= start else [])
        single_open: int | None = None
        for m in marks:
            if m.double or any(a <= m.pos < b for a, b in inside):
                continue
            if single_open is not None and m.can_close and m.pos > single_open + 1:
                if m.pos - single_open <= MAX_SINGLE_QUOTE_CHARS:
                    quotes.append((single_open, m.pos + m.length))
                single_open = None
            elif m.can_open:
                single_open = m.pos
        prev_block = block
    quotes.sort()
    return quotes


# --- names ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’]s$", "", text.strip())
    return text.lower()


def _surname_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


class _Names:
    """Canonical full names for the article's person mentions ("Macron" -> "Emmanuel
    Macron"); looked up by surname, so the work per mention is bounded."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.canonical: dict[int, str] = {}
        self.is_person: set[int] = set()
        # folded surname -> full names with it, first seen first; and by first letter
        # for the spelling variants ("Zelensky", "Zelenskyy").
        self.by_surname: dict[str, list[str]] = {}
        self.by_initial: dict[str, list[str]] = {}
        for m in mentions:
            words = m.text.split()
            if m.label in _PERSON_LABELS and len(words) >= 2:
                surname = _fold(words[-1])
                names = self.by_surname.setdefault(surname, [])
                if len(names) < 8 and " ".join(words) not in names:
                    names.append(" ".join(words))
                initial = self.by_initial.setdefault(surname[:1], [])
                if surname not in initial and len(initial) < MAX_FUZZY_NAMES:
                    initial.append(surname)
        for i, m in enumerate(mentions):
            if m.label not in _PERSON_LABELS and not (m.label in _ORG_LABELS and " " not in m.text):
                continue
            name = self.resolve(m.text)
            if m.label in _PERSON_LABELS:
                self.canonical[i] = name or m.text
                self.is_person.add(i)
            elif name:  # "Scholz" tagged as a place: a known person's surname
                self.canonical[i] = name
                self.is_person.add(i)

    def resolve(self, text: str) -> str | None:
        """The full name a surname (or a full name) stands for, else None."""
        words = text.split()
        if not words:
            return None
        surname = _fold(words[-1])
        names = self.by_surname.get(surname)
        if names is None:
            for other in self.by_initial.get(surname[:1], []):
                if _surname_match(surname, other):
                    names = self.by_surname[other]
                    break
        for name in names or []:
            if len(words) >= 2 and _fold(words[0]) != _fold(name.split()[0]):
                continue  # "Bill Clinton" is not "Hillary Clinton"
            return name
        return " ".join(words) if len(words) >= 2 else None


# --- per-paragraph view ----------------------------------------------------------------------


@dataclass(slots=True)
class _Para:
    index: int
    paragraph: Paragraph
    starts: list[int]  # token start offsets (paragraph-relative)
    quote_of: list[int]  # token -> index into the direct quotes, or -1
    mention_of: dict[int, int]  # token -> mention index

    @property
    def doc(self) -> Any:
        return self.paragraph.doc

    @property
    def end(self) -> int:
        return self.paragraph.offset + len(self.paragraph.doc.text)

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


class Quotes:
    """The ``quotes`` component. Settings (``[annotate.quotes]``): ``belief_cues``
    (count "critics fear that ..." as attributions; default true) and
    ``max_quotes_per_paragraph`` (quotations attributed per paragraph; default 100)."""

    name: ClassVar[str] = "quotes"
    version: ClassVar[str] = "1"
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


class _Run:
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
            para = _Para(p_index, paragraph, starts, quote_of, per_para.get(p_index, {}))
            lo, hi = spans[p_index][0], spans[p_index][1]
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

    # -- direct quotes ---------------------------------------------------------------------

    def _direct_candidates(self, para: _Para) -> list[_Candidate]:
        lo = para.paragraph.offset
        hi = lo + len(para.doc.text)
        k = bisect.bisect_left(self.direct_starts, lo)
        out: list[_Candidate] = []
        count = 0
        while k < len(self.direct) and self.direct[k][0] < hi:
            a, b = self.direct[k]
            count += 1
            if count > self.component.max_quotes:
                self.notes.append(f"quotes: more than {self.component.max_quotes} quotations "
                                  "in a paragraph; the rest were not attributed")
                break
            cand = self._direct(para, k, a, b)
            if cand is not None:
                out.append(cand)
            k += 1
        return out

    def _direct(self, para: _Para, q: int, a: int, b: int) -> _Candidate | None:
        text = self.text
        # Content: inside the marks, without the comma or full stop before the close.
        s, e = a + 1, b - 1
        if text[a:a + 2] in ("''", "``"):
            s = a + 2
        if text[b - 2:b] == "''":
            e = b - 2
        while s < e and (text[s].isspace() or text[s] in _DOUBLES + _SINGLES):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",.;:" + _DOUBLES + _SINGLES):
            e -= 1
        if e - s < 1 or not any(ch.isalnum() for ch in text[s:e]):
            return None
        words = len(text[s:e].split())
        doc = para.doc
        ta = min(bisect.bisect_left(para.starts, a - para.paragraph.offset), len(doc) - 1)
        tb = para.token_at(b - 1)
        if b > para.end:
            tb = len(doc) - 1  # the quote runs on into the next paragraph
        inner = [t for t in range(ta, min(tb + 1, len(doc))) if para.quote_of[t] == q]
        embedded = self._embedded(para, ta, tb, a)
        first_alpha = next((ch for ch in text[s:e] if ch.isalpha()), "")
        partial = embedded or first_alpha.islower()
        cand = _Candidate("partial" if partial else "direct", s, e, para)
        self._cue_para = None
        cue = self._quote_cue(para, q, inner, ta, tb, partial)
        if cue is not None:
            cand.cue, cand.subject = cue
            cand.cue_end = cand.cue
            cand.cue_para = self._cue_para
            return cand
        if partial and words <= PARTIAL_MAX_WORDS:
            return None  # scare quotes or a name in quote marks, not speech
        # A quote standing alone: the attribution before it says who speaks (decided
        # when the candidates are resolved in reading order).
        cand.orphan = True
        cand.words = words
        return cand

    def _embedded(self, para: _Para, ta: int, tb: int, a: int) -> bool:
        """Does the quote sit inside a clause of the outlet's own ("a 'historic day'")?"""
        doc = para.doc
        j = ta - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        if j < 0 or doc[j].sent.start != doc[ta].sent.start and doc[ta].sent.start == ta:
            return False
        before = doc[j]
        if before.is_punct or before.text in (":", ",") or before.is_sent_end:
            return False
        if before.lemma_.lower() in SPEECH_VERBS | BELIEF_VERBS:
            return False  # "said "We..."" without a comma
        return True

    def _quote_cue(self, para: _Para, q: int, inner: list[int], ta: int, tb: int,
                   partial: bool) -> tuple[Any, Any] | None:
        """(cue token, subject token) attributing the quote, searched next to it."""
        doc = para.doc
        inside = set(inner)
        # 1. The parse links the quote to a speech verb outside it.
        heads = []
        for t in inner:
            h = doc[t].head
            if h.i not in inside and h.i != t:
                heads.append(h)
        for h in heads:
            cur = h
            for _ in range(3):
                if self._is_cue(cur, quote=True) and para.quote_of[cur.i] < 0:
                    subj = self._subject(cur, para)
                    if subj is not None:
                        return cur, subj
                if partial or cur.dep_ in ("ROOT",) or cur.head.i == cur.i:
                    break
                cur = cur.head
        if partial:
            return self._partial_attribution(para, inner)
        # 2. A cue right after the quote (", he said"), then right before it.
        after = self._frame(para, tb + 1, 1)
        before = self._frame(para, ta - 1, -1)
        for frame in (after, before):
            for tok in frame:
                if self._is_cue(tok, quote=True):
                    subj = self._subject(tok, para)
                    if subj is None:
                        subj = self._inverted_subject(tok, para)
                    if subj is not None:
                        return tok, subj
        # 3. "X said:" or "Kerry:" just before the quote, in this paragraph or closing
        # the one before.
        j = ta - 1
        while j >= 0 and (doc[j].is_space or para.quote_of[j] == q):
            j -= 1
        if j >= 0 and doc[j].text == ":":
            return self._colon_cue(para, doc[j])
        if j < 0 and para.index > 0:
            prev = self.paras[para.index - 1]
            k = len(prev.doc) - 1
            while k >= 0 and prev.doc[k].is_space:
                k -= 1
            if k >= 0 and prev.doc[k].text == ":" and prev.quote_of[k] < 0:
                found = self._colon_cue(prev, prev.doc[k])
                if found is not None:
                    self._cue_para = prev  # the cue sits in the paragraph before
                    return found
        return None

    def _colon_cue(self, para: _Para, colon: Any) -> tuple[Any, Any] | None:
        """The attribution a colon closes: a speech verb ("he declared:") or a bare
        speaker ("Republican pollster Daron Shaw:")."""
        sent = colon.sent
        tokens = [t for t in sent if t.i < colon.i and para.quote_of[t.i] < 0]
        for tok in reversed(tokens[-40:]):
            if self._is_cue(tok, quote=True):
                subj = self._subject(tok, para)
                if subj is not None:
                    return tok, subj
        for tok in reversed(tokens[-12:]):
            # Any verb that hands over to a quote is a speech verb ("Trump boomed:").
            if tok.pos_ == "VERB" and tok.dep_ not in ("amod", "acl", "relcl"):
                subj = self._subject(tok, para)
                if subj is not None and self._speakerish(subj, para):
                    return tok, subj
                break
        words = [t for t in tokens if not t.is_space]
        if 0 < len(words) <= 8:
            heads = [t for t in words if t.head.i == t.i or not
                     (words[0].i <= t.head.i <= words[-1].i)]
            head = heads[0] if heads else words[-1]
            if head.pos_ in ("PROPN", "NOUN") and self._speakerish(head, para) and \
                    head.lower_ not in _NOT_SPEAKERS:
                return colon, head
        return None

    def _frame(self, para: _Para, start: int, step: int) -> list[Any]:
        """Tokens next to a quote, in the same sentence, up to another quote."""
        doc = para.doc
        if not 0 <= start < len(doc):
            return []
        sent = doc[start].sent
        out = []
        i = start
        while sent.start <= i < sent.end and len(out) < MAX_FRAME_TOKENS:
            if para.quote_of[i] >= 0:
                break
            out.append(doc[i])
            i += step
        return out

    def _inverted_subject(self, cue: Any, para: _Para) -> Any:
        """'..., said Robert Reich, who ...': the name right after the cue, when the
        parse hung it elsewhere."""
        doc = cue.doc
        head = None
        for i in range(cue.i + 1, min(cue.i + 8, cue.sent.end)):
            tok = doc[i]
            if para.quote_of[i] >= 0:
                break
            if tok.pos_ in ("DET", "ADJ") or tok.dep_ in ("compound", "amod", "det", "poss") \
                    or tok.tag_ == "POS":
                continue
            if tok.pos_ in ("PROPN", "NOUN", "PRON"):
                head = tok
                if i + 1 < cue.sent.end and doc[i + 1].pos_ == "PROPN" and \
                        doc[i + 1].dep_ in ("compound", "flat", "nsubj", "appos"):
                    continue
            break
        if head is not None and self._speakerish(head, para):
            return head
        return None

    def _previous_attribution(self, a: int, para: _Para) -> Quote | None:
        """The attribution a quote on its own continues: the latest one in this
        paragraph, or in the paragraph before when the quote opens its paragraph."""
        if not self.history.quotes:
            return None
        last = self.history.quotes[-1]
        if last.speaker_text is None or last.start > a:
            return None
        where = last.cue_start if last.cue_start is not None else last.start
        if where >= para.paragraph.offset:
            return last
        opens = not self.text[para.paragraph.offset:a].strip()
        if opens and para.index > 0 and where >= self.paras[para.index - 1].paragraph.offset:
            return last
        return None

    # -- reported speech -------------------------------------------------------------------

    def _reported_candidates(self, para: _Para) -> list[_Candidate]:
        out: list[_Candidate] = []
        doc = para.doc
        transcript = self._transcript(para)
        if transcript is not None:
            out.append(transcript)
        for sent in doc.sents:
            if len(sent) > MAX_SENTENCE_TOKENS:
                continue
            found = 0
            for tok in sent:
                if found >= MAX_CUES_PER_SENTENCE:
                    break
                if para.quote_of[tok.i] >= 0:
                    continue
                cand = self._reported(tok, sent, para)
                if cand is not None:
                    out.append(cand)
                    found += 1
        return out

    def _nested(self, tok: Any) -> bool:
        """Is the cue inside the clause another cue reports?"""
        node = tok
        for _ in range(8):
            head = node.head
            if head.i == node.i:
                return False
            if node.dep_ == "ccomp" and self._is_cue(head, quote=False):
                return True
            node = head
        return False

    def _transcript(self, para: _Para) -> _Candidate | None:
        """'TRUMP: The deaths of ...': a paragraph of a transcript, spoken verbatim."""
        doc = para.doc
        colon = next((t for t in doc[:8] if t.text == ":"), None)
        if colon is None or colon.i == 0 or colon.i + 2 >= len(doc):
            return None
        name = [t for t in doc[:colon.i] if not t.is_space]
        if not name or not all(t.pos_ == "PROPN" or t.is_upper or t.i in para.mention_of
                               or t.is_punct for t in name):
            return None
        if any(t.lower_ in _NOT_SPEAKERS for t in name) or para.quote_of[colon.i + 1] >= 0:
            return None
        head = name[-1]
        if not (head.i in para.mention_of or head.is_upper and len(head.text) > 2 or
                self.names.resolve(head.text)):
            return None
        first, last = colon.i + 1, len(doc) - 1
        while first < last and (doc[first].is_space or doc[first].is_punct):
            first += 1
        while last > first and (doc[last].is_space or doc[last].is_punct):
            last -= 1
        if last - first < 2:
            return None
        s, e = self._char_span(para, first, last)
        return _Candidate("direct", s, e, para, cue=colon, cue_end=colon, subject=head,
                          speaker_span=(name[0].i, head.i))

    def _reported(self, tok: Any, sent: Any, para: _Para) -> _Candidate | None:
        lower = tok.lower_
        # "according to X, ..." / "as per X"
        if lower in ("according", "as") and tok.i + 1 < sent.end:
            nxt = tok.doc[tok.i + 1]
            if (lower, nxt.lower_) in (("according", "to"), ("as", "per")):
                return self._prepositional(tok, nxt, sent, para)
            return None
        if not self._is_cue(tok, quote=False):
            return None
        content = self._content(tok, para)
        if content is None:
            return None
        first, last = content
        subj = self._subject(tok, para)
        if subj is None or first <= subj.i <= last:
            return None
        lemma = tok.lemma_.lower()
        if lemma in QUOTE_ONLY_VERBS:
            return None
        if lemma != "say" and not (self._speakerish(subj, para) or
                                   subj.lemma_.lower() in DOCUMENT_NOUNS):
            return None  # "the attacks highlight the threat": no one speaks
        if lemma in BELIEF_VERBS and subj.lower_ in ("i", "we", "you"):
            return None  # the writer's or an interviewee's own "I think"
        if (lemma in BELIEF_VERBS or subj.lower_ in _PRONOUNS) and self._nested(tok):
            return None  # "he added that he expected ...": one attribution, not two
        # A clause that is a direct quote is the direct quote's business; a clause with
        # quoted words in it is reported speech with a partial quote.
        doc = tok.doc
        lead, tail = first, last
        while lead < tail and (doc[lead].is_punct or doc[lead].is_space):
            lead += 1
        while tail > lead and (doc[tail].is_punct or doc[tail].is_space):
            tail -= 1
        if para.quote_of[lead] >= 0 and para.quote_of[lead] == para.quote_of[tail]:
            return None
        if first > 0 and para.quote_of[first - 1] >= 0 and para.quote_of[first] >= 0:
            return None
        s, e = self._char_span(para, first, last)
        if e <= s:
            return None
        return _Candidate("reported", s, e, para, cue=tok, cue_end=tok, subject=subj)

    def _content(self, cue: Any, para: _Para) -> tuple[int, int] | None:
        """Token range of what the cue reports (its clause, object + infinitive, the
        sentence it comments on...), trimmed of "that" and punctuation."""
        span = self._content_span(cue)
        if span is None:
            return None
        doc = cue.doc
        first, last = span
        while first <= last and (doc[first].dep_ == "mark" and doc[first].lower_ == "that"
                                 or doc[first].is_punct or doc[first].is_space):
            first += 1
        while last >= first and (doc[last].is_punct or doc[last].is_space) and \
                para.quote_of[last] < 0:
            last -= 1
        return (first, last) if last - first >= 1 or (
            last == first and doc[first].is_alpha and doc[first].lower_ not in ("so", "it")
        ) else None

    def _content_span(self, cue: Any) -> tuple[int, int] | None:
        doc = cue.doc
        lemma = cue.lemma_.lower()
        children = list(cue.children)
        after = [c for c in children if c.dep_ == "ccomp" and c.i > cue.i]
        before = [c for c in children if c.dep_ == "ccomp" and c.i < cue.i]
        subjects = [c for c in children if c.dep_ in _SUBJECT_DEPS]
        if lemma in NAMING_VERBS:
            # "calling Trump a fascist", "described the move as 'a win'", "called for X"
            obj = [c for c in children if c.dep_ in ("dobj", "oprd", "ccomp") and c.i > cue.i]
            preps = [c for c in children if c.dep_ == "prep" and c.i > cue.i and
                     c.lower_ in ("as", "for", "on")]
            parts = obj + [c for c in children if c.dep_ in ("oprd", "xcomp") and c.i > cue.i]
            if lemma == "call" and preps and preps[0].lower_ in ("for", "on"):
                parts = [preps[0]] + [c for c in children if c.dep_ == "xcomp" and c.i > cue.i]
                if preps[0].lower_ == "for" or parts[1:]:
                    first = min(p.left_edge.i for p in parts)
                    if parts[0].i == first and parts[0] is preps[0]:
                        first += 1  # "for" belongs to the cue
                    return first, max(p.right_edge.i for p in parts)
                return None
            if obj and (len(parts) > 1 or preps):
                return obj[0].left_edge.i, max(p.right_edge.i for p in parts + preps)
            return None
        if after:
            # Several clauses after one cue are one content (the parser often splits a
            # long "that" clause in two).
            return after[0].left_edge.i, after[-1].right_edge.i
        if before and (cue.dep_ == "ROOT" or self._closes_sentence(cue)):
            # "CONTENT, officials said."
            first, last = before[0].left_edge.i, before[-1].right_edge.i
            if subjects and subjects[0].i > first:
                last = min(last, subjects[0].left_edge.i - 1)
            return first, last
        clause = self._statement_clause(cue)
        if clause is not None:
            return clause  # "said in a statement that ..."
        if lemma in OBJECT_INFINITIVE_VERBS:
            objs = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > cue.i]
            xcomp = [c for c in children if c.dep_ == "xcomp" and c.i > cue.i]
            if xcomp:
                first = objs[0].left_edge.i if objs else xcomp[0].left_edge.i
                return first, xcomp[0].right_edge.i
            if objs and any(t.tag_ == "TO" and t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "VB"
                            for t in objs[0].subtree):
                # The parser hangs "to ..." under the object ("the leaders assembled
                # in Paris to prevent ..."): the object's phrase holds it all.
                return objs[0].left_edge.i, objs[0].right_edge.i
        if lemma in COMMISSIVE_VERBS:
            xcomp = [c for c in children if c.dep_ == "xcomp" and c.i > cue.i and
                     any(a.tag_ == "TO" for a in c.children)]
            if xcomp:
                return xcomp[0].left_edge.i, xcomp[0].right_edge.i  # "pledged to ..."
        xcomp = [c for c in children if c.dep_ == "xcomp" and c.i > cue.i and
                 c.tag_ in ("VBN", "VBD", "VBZ", "VBP")]
        if xcomp:
            return xcomp[0].left_edge.i, xcomp[0].right_edge.i  # "which it said employed"
        head = cue.head
        if head.i != cue.i and subjects:
            marks = {c.lower_ for c in children if c.dep_ == "mark"}
            if cue.dep_ == "advcl" and "as" in marks and not any(
                    c.dep_ in ("dobj", "ccomp", "xcomp") for c in children):
                # "As the Times noted, CONTENT" / "CONTENT, as the Times noted."
                if cue.i < head.i:
                    return cue.right_edge.i + 1, head.right_edge.i
                return head.left_edge.i, cue.left_edge.i - 1
            if cue.dep_ == "parataxis" and cue.i < head.i:
                # "In the long run, many economists say, CONTENT"
                return cue.right_edge.i + 1, head.right_edge.i
            if cue.dep_ in ("parataxis", "ccomp", "advcl") and cue.i > head.i and \
                    head.dep_ == "ROOT" and self._closes_sentence(cue) and \
                    not self._is_cue(head, quote=False) and \
                    cue.left_edge.i > cue.sent.start and doc[cue.left_edge.i - 1].text == ",":
                # "..., the minister said." parsed with the content as the root.
                return cue.sent.start, cue.left_edge.i - 1
        if lemma in OBJECT_CONTENT_VERBS and not self._negated(cue):
            objs = [c for c in children if c.dep_ == "dobj" and c.i > cue.i and
                    c.pos_ in ("NOUN", "PROPN") and c.ent_type_ != "PERSON"]
            if objs:
                return objs[0].left_edge.i, objs[0].right_edge.i  # "announced his resignation"
        return None

    @staticmethod
    def _negated(cue: Any) -> bool:
        """"did not mention", "chose not to disclose": nothing was said."""
        for tok in (cue, cue.head):
            if any(c.dep_ == "neg" or c.lower_ in _NEGATIONS for c in tok.children):
                return True
        return False

    @staticmethod
    def _statement_clause(cue: Any) -> tuple[int, int] | None:
        for prep in cue.children:
            if prep.dep_ != "prep" or prep.i < cue.i:
                continue
            for noun in prep.children:
                if noun.dep_ != "pobj" or noun.lemma_.lower() not in SPEECH_NOUNS | {
                        "interview", "conference", "briefing", "post", "video"}:
                    continue
                for clause in noun.children:
                    if clause.dep_ in ("acl", "ccomp", "relcl") and \
                            clause.left_edge.lower_ == "that":
                        return clause.left_edge.i, clause.right_edge.i
        return None

    @staticmethod
    def _closes_sentence(cue: Any) -> bool:
        """Only punctuation follows the cue's phrase to the end of its sentence."""
        doc = cue.doc
        end = cue.sent.end
        return all(doc[i].is_punct or doc[i].is_space for i in range(cue.right_edge.i + 1, end))

    def _prepositional(self, tok: Any, nxt: Any, sent: Any, para: _Para) -> _Candidate | None:
        doc = tok.doc
        objs = [c for c in nxt.children if c.dep_ == "pobj"] or \
               [c for c in tok.children if c.dep_ == "pobj"]
        if not objs:
            return None
        source = objs[0]
        phrase_first = tok.i
        phrase_last = source.right_edge.i
        if phrase_first <= sent.start + 2:
            first, last = phrase_last + 1, sent.end - 1
        else:
            first, last = sent.start, phrase_first - 1
        while first <= last and (doc[first].is_punct or doc[first].is_space or
                                 doc[first].lower_ in ("furthermore", "moreover", "and", "but")):
            first += 1
        while last >= first and (doc[last].is_punct or doc[last].is_space):
            last -= 1
        if last - first < 2:
            return None
        s, e = self._char_span(para, first, last)
        return _Candidate("reported", s, e, para, cue=tok, cue_end=nxt, subject=source,
                          speaker_span=(source.left_edge.i, source.right_edge.i))

    # -- the parse ---------------------------------------------------------------------

    def _is_cue(self, tok: Any, quote: bool) -> bool:
        if tok.pos_ == "NOUN" and tok.lower_ in _VERB_AS_NOUN:
            # The small model reads "Trump says that ..." as a noun compound.
            return any(c.dep_ in ("ccomp", "acl", "relcl") for c in tok.children) or quote
        if tok.pos_ not in ("VERB", "AUX") or not tok.tag_.startswith("VB"):
            return False
        if tok.tag_ == "VBN" and (tok.dep_ in ("acl", "amod") or not any(
                c.dep_ in ("nsubj", "aux") for c in tok.children)):
            return False  # "the aid pledged to Kiev", "Asked about the plan, ..."
        lemma = tok.lemma_.lower()
        if lemma == "point":
            return any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children)
        if lemma in SPEECH_VERBS:
            if lemma == "add" and not quote and not any(
                    c.dep_ == "ccomp" for c in tok.children):
                return False
            return True
        return (not quote) and self.component.beliefs and lemma in BELIEF_VERBS

    def _subject(self, cue: Any, para: _Para) -> Any:
        """The speaker phrase's head: the cue's subject, or its governing verb's."""
        if cue.pos_ == "NOUN":
            for child in cue.lefts:
                if child.dep_ in ("compound", "nmod", "nsubj", "amod") and \
                        child.pos_ in ("PROPN", "NOUN", "PRON") and self._speakerish(child, para):
                    return child
            return None
        cur = cue
        for _ in range(5):
            # "which it said employed ...": the pronoun, not the relative, is the speaker.
            children = sorted(cur.children, key=lambda c: c.lower_ in _RELATIVE)
            for child in children:
                if child.dep_ in _SUBJECT_DEPS and para.quote_of[child.i] < 0:
                    if child.dep_ == "nsubjpass":
                        if cur.lemma_ == "quote":
                            return child  # "X is quoted as saying"
                        return None  # "was told", "is expected": no speaker here
                    if child.lower_ in _RELATIVE and cur.dep_ == "relcl":
                        return child
                    if child.lower_ == "it" and child.i + 1 < len(child.doc) and \
                            child.doc[child.i + 1].lemma_ == "be":
                        return None  # "it is said that"
                    return child
            if cur.dep_ == "acl" and cur.head.pos_ == "NOUN" and \
                    cur.head.lemma_.lower() in SPEECH_NOUNS | {"release", "ad", "video"} and \
                    cur.head.dep_ in ("dobj", "pobj") and cur.head.head.pos_ in ("VERB", "ADP"):
                # "X issued a statement saying ...": X speaks.
                nxt = cur.head.head
                if nxt.pos_ == "ADP" and nxt.head.i != nxt.i:
                    nxt = nxt.head  # "X said in a statement, saying"
                cur = nxt
                continue
            if cur.dep_ in ("advcl", "conj", "xcomp", "pcomp", "acl") and cur.head.i != cur.i:
                nxt = cur.head
                if cur.dep_ == "pcomp" and nxt.dep_ == "prep" and nxt.head.i != nxt.i:
                    nxt = nxt.head  # "began by saying"
                # A participle hung on the reported clause belongs to the speaker:
                # "X highlighted that aid arrives late, emphasizing that ...".
                if nxt.dep_ == "ccomp" and self._is_cue(nxt.head, quote=True):
                    nxt = nxt.head
                cur = nxt
                continue
            break
        return None

    def _partial_attribution(self, para: _Para, inner: list[int]) -> tuple[Any, Any] | None:
        """(cue, subject) for quoted words inside a sentence: walking up the parse from
        the quote, the first speech verb with a speaker ("Sunak celebrating a 'historic
        day'")."""
        doc = para.doc
        inside = set(inner)
        if not inner:
            return None
        cur = doc[inner[0]]
        while cur.head.i in inside and cur.head.i != cur.i:
            cur = cur.head
        # The nearest speech verb up the parse wins: "Trump said Bush is 'not smart
        # enough'" is Trump's words, not Bush's.
        title = _title_like(doc, inner)
        steps = 0
        while cur.head.i != cur.i and steps < 10:
            cur = cur.head
            steps += 1
            if cur.i in inside or para.quote_of[cur.i] >= 0:
                continue
            if self._is_cue(cur, quote=True):
                subj = self._subject(cur, para)
                if subj is not None:
                    return cur, subj
            if title:
                return None  # a title in quote marks, far from any cue
        return None

    def _speakerish(self, tok: Any, para: _Para) -> bool:
        """Could this noun phrase head say something?"""
        if tok.i in para.mention_of:
            m = self.mentions[para.mention_of[tok.i]]
            return m.label in _PERSON_LABELS or m.label in _ORG_LABELS
        lower = tok.lower_
        if lower in _MALE or lower in _FEMALE or lower in ("they", "who"):
            return True
        lemma = tok.lemma_.lower()
        if lower in VAGUE_HEADS or lower in ANON_HEADS or lower in ORG_HEADS:
            return True
        return (lemma in ANON_HEADS or lemma in VAGUE_HEADS or lemma in TITLES or
                lemma in ORG_HEADS or _humanish(lemma) or
                (tok.pos_ == "PROPN" and (tok.is_title or tok.is_upper)))

    def _char_span(self, para: _Para, first: int, last: int) -> tuple[int, int]:
        doc = para.doc
        s = doc[first].idx
        e = doc[last].idx + len(doc[last].text)
        return para.paragraph.span(s, e)

    # -- speakers -----------------------------------------------------------------------

    def _resolve(self, cand: _Candidate) -> Quote | None:
        para = cand.cue_para or cand.para
        quote = Quote(cand.start, cand.end, self.text[cand.start:cand.end], cand.kind)
        if cand.cue is not None:
            cs, ce = self._char_span(para, cand.cue.i, cand.cue_end.i)
            quote.cue, quote.cue_start, quote.cue_end = self.text[cs:ce], cs, ce
        if cand.orphan:
            prev = self._previous_attribution(cand.start, cand.para)
            if prev is None:
                return quote if cand.words > PARTIAL_MAX_WORDS else None
            for name in ("cue", "cue_start", "cue_end", "speaker_text", "speaker_start",
                         "speaker_end", "speaker", "speaker_mention", "resolved_by",
                         "anonymous", "vague"):
                setattr(quote, name, getattr(prev, name))
            return quote
        subj = cand.subject
        if subj is None:
            return quote
        first, last = cand.speaker_span or self._phrase(subj, para)
        ss, se = self._char_span(para, first, last)
        quote.speaker_text, quote.speaker_start, quote.speaker_end = self.text[ss:se], ss, se
        self._identify(quote, subj, first, last, para)
        if quote.speaker is not None and quote.resolved_by in ("named", "pronoun", "role"):
            self.history.speakers.append((ss, quote.speaker, quote.speaker_mention))
        return quote

    def _phrase(self, head: Any, para: _Para) -> tuple[int, int]:
        """Token range of the speaker phrase as written, without what is not the
        speaker: a dateline before it, a clause set off by commas after it (kept when it
        says why the source is unnamed), a place or time after a name."""
        doc = head.doc
        first, last = head.left_edge.i, head.right_edge.i
        if last - first > 40:
            first, last = max(first, head.i - 8), min(last, head.i)  # a parse gone wrong
        named = head.pos_ == "PROPN" or head.i in para.mention_of
        for child in head.rights:
            comma = doc[child.left_edge.i - 1].text == ","
            if child.dep_ == "advcl" and comma:
                last = min(last, child.left_edge.i - 1)  # "Levine, when asked, said"
            elif named and child.dep_ in ("prep", "advmod", "npadvmod") and \
                    child.lower_ not in ("of", "for", "from", "at"):
                last = min(last, child.left_edge.i - 1)  # "Trump, in Kentucky,"
            elif named and child.dep_ == "prep" and child.lower_ == "at" and \
                    any(t.lower_ in ("time", "moment") for t in child.subtree):
                last = min(last, child.left_edge.i - 1)  # "Trump at the time"
        for i in range(first, head.i):
            if doc[i].text in ("—", "–", "--") or doc[i].text == "-" and doc[i].whitespace_:
                first = i + 1  # "WASHINGTON — Sen. Bernie Sanders"
        while first < head.i and (doc[first].is_punct or para.quote_of[first] >= 0):
            first += 1
        while last > head.i and (doc[last].is_punct or doc[last].is_space or
                                 para.quote_of[last] >= 0):
            last -= 1
        return first, last

    def _identify(self, quote: Quote, head: Any, first: int, last: int, para: _Para) -> None:
        """Fill speaker, speaker_mention, resolved_by, anonymous, vague."""
        doc = head.doc
        lower = head.lower_
        pos = quote.speaker_start or 0
        # A relative pronoun stands for the noun its clause describes.
        if lower in _RELATIVE and head.head.dep_ == "relcl":
            antecedent = head.head.head
            self._identify(quote, antecedent, *self._phrase(antecedent, para), para)
            if quote.resolved_by == "named":
                quote.resolved_by = "pronoun"
            return
        # 1. A name: the head (or its compound) is part of a mention.
        mention = self._mention_in(head, first, last, para)
        if mention is not None:
            self._named(quote, mention)
            return
        if head.is_title and lower not in _MALE | _FEMALE | _RELATIVE | {"they", "it", "i"}:
            # A name the entity recogniser missed ("Oster said"): a known surname.
            name = self.names.resolve(head.text)
            if name and " " in name:
                quote.speaker, quote.resolved_by = name, "named"
                return
            if head.pos_ == "PROPN" and head.lemma_.lower() not in ANON_HEADS | VAGUE_HEADS | \
                    ORG_HEADS and lower not in TITLES:
                quote.speaker, quote.resolved_by = head.text, "named"
                return
        # 2. A pronoun.
        if lower in _MALE or lower in _FEMALE:
            self._pronoun(quote, "m" if lower in _MALE else "f", pos)
            return
        if lower in ("they", "it"):
            self._plural_or_thing(quote, lower, pos)
            return
        if lower in ("i", "we", "you"):
            return
        # 3. A description: possessor of a statement, vague group, unnamed source, role.
        lemma = head.lemma_.lower()
        words = [t for t in doc[first:last + 1]]
        if lemma in SPEECH_NOUNS:
            for t in words:
                if t.i != head.i:
                    m = self._mention_in(t, t.i, t.i, para)
                    if m is not None:
                        self._named(quote, m)
                        return
        determiners = {t.lower_ for t in head.children if t.dep_ in ("det", "nummod", "amod",
                                                                       "predet", "quantmod")}
        if lemma in VAGUE_HEADS or lower in VAGUE_HEADS or (determiners & _QUANTIFIERS and
                                                            lemma not in ANON_HEADS):
            quote.vague, quote.resolved_by = True, "vague"
            return
        phrase = self.text[quote.speaker_start:quote.speaker_end]
        human = lemma in ANON_HEADS or lemma in TITLES or _humanish(lemma)
        plural = head.tag_ in ("NNS", "NNPS")
        definite = any(t.lower_ in ("the", "this", "that", "these", "those") or t.dep_ == "poss"
                       for t in head.children)
        # "a senior official", "officials", "the engineer, who asked not to be named"
        if human and (not definite or _ANONYMITY.search(phrase) or
                      (plural and lemma in ANON_HEADS)):
            quote.anonymous, quote.resolved_by = True, "anonymous"
            return
        # A role: "the minister", "Poland's president", "the company".
        if self._role(quote, head, words, pos, human):
            return
        if human and lemma in ANON_HEADS:
            quote.anonymous, quote.resolved_by = True, "anonymous"

    def _mention_in(self, head: Any, first: int, last: int, para: _Para) -> int | None:
        """The mention naming the phrase's head (its own tokens or its compounds)."""
        if head.i in para.mention_of:
            return para.mention_of[head.i]
        for child in head.children:
            if child.dep_ in ("compound", "appos", "flat") and child.i in para.mention_of:
                m = para.mention_of[child.i]
                if self.mentions[m].label in _PERSON_LABELS:
                    return m
        return None

    def _named(self, quote: Quote, m: int) -> None:
        mention = self.mentions[m]
        quote.speaker_mention = m
        quote.resolved_by = "named"
        if m in self.names.canonical:
            quote.speaker = self.names.canonical[m]
        else:
            quote.speaker = mention.text

    def _pronoun(self, quote: Quote, gender: str, pos: int) -> None:
        """he/she: the most recent compatible person, preferring earlier speakers."""
        candidates: dict[str, tuple[float, int]] = {}  # name -> (score, latest mention)
        seen = 0
        rank = 0
        order: list[str] = []
        # Person mentions before the pronoun, most recent first.
        idx = bisect.bisect_left(self._person_starts, pos) - 1
        speakers = {name for _, name, _ in self.history.speakers[-6:]}
        last_speaker = self.history.speakers[-1][1] if self.history.speakers else None
        while idx >= 0 and seen < PRONOUN_WINDOW:
            m_index = self._person_index[idx]
            idx -= 1
            seen += 1
            name = self.names.canonical[m_index]
            known = self.gender.get(name)
            if known is not None and known != gender:
                continue
            if name not in candidates:
                order.append(name)
                score = -1.0 * rank
                rank += 1
                if name in speakers:
                    score += 0.75
                if name == last_speaker:
                    score += 0.25
                role = self._mention_role.get(m_index, 0.0)
                score += role
                candidates[name] = (score, m_index)
            if rank > 6:
                break
        if not candidates:
            return
        best = max(order, key=lambda n: (candidates[n][0], -order.index(n)))
        quote.speaker = best
        quote.speaker_mention = candidates[best][1]
        quote.resolved_by = "pronoun"

    def _plural_or_thing(self, quote: Quote, lower: str, pos: int) -> None:
        """they / it: the previous attribution with a fitting speaker, if recent."""
        for prev in reversed(self.history.quotes[-6:]):
            if prev.speaker_start is None or prev.speaker_start >= pos:
                continue
            if pos - prev.speaker_start > 1500:
                break
            text = (prev.speaker_text or "").lower()
            plural = prev.vague or prev.anonymous and text.endswith("s") or text.endswith("s")
            person = prev.speaker_mention is not None and prev.speaker_mention in \
                self.names.is_person
            if lower == "they" and plural and not person:
                quote.speaker, quote.speaker_mention = prev.speaker, prev.speaker_mention
                quote.anonymous, quote.vague = prev.anonymous, prev.vague
                quote.resolved_by = "pronoun"
                return
            if lower == "it" and not person and (prev.speaker or prev.speaker_text) and \
                    prev.resolved_by not in ("vague",) and not plural:
                quote.speaker, quote.speaker_mention = prev.speaker, prev.speaker_mention
                quote.anonymous = prev.anonymous
                quote.resolved_by = "pronoun"
                return

    def _role(self, quote: Quote, head: Any, words: list[Any], pos: int, human: bool) -> bool:
        lemma = head.lemma_.lower()
        content = {t.lower_.rstrip(".") for t in words
                   if t.is_alpha and t.lower_ not in ("the", "a", "an", "'s")}
        best: tuple[int, int] | None = None
        if human or lemma in TITLES:
            for m_index in reversed(self._person_index[-ROLE_WINDOW:]):
                m = self.mentions[m_index]
                if m.start >= pos:
                    continue
                if not m.role:
                    continue
                role_words = {w.lower().rstrip(".’'s") for w in re.findall(r"[\w.'’]+", m.role)}
                role_words |= {w.lower() for w in re.findall(r"\w+", m.role)}
                if lemma not in role_words and head.lower_ not in role_words:
                    continue
                score = len(content & role_words)
                if best is None or score > best[0]:
                    best = (score, m_index)
            if best is not None:
                self._named(quote, best[1])
                quote.resolved_by = "role"
                return True
            # An unnamed source described before ("The French official" after "A French
            # presidential official, who requested anonymity").
            for prev in reversed(self.history.quotes[-ROLE_WINDOW:]):
                if prev.anonymous and prev.speaker_text and \
                        re.search(rf"\b{re.escape(head.lower_)}", prev.speaker_text.lower()):
                    quote.anonymous, quote.resolved_by = True, "role"
                    return True
            return False
        if lemma in ORG_HEADS:
            before = bisect.bisect_left(self._mention_starts, pos)
            for m_index in range(before - 1, max(before - ROLE_WINDOW, 0) - 1, -1):
                m = self.mentions[m_index]
                if m.label != "ORG":
                    continue
                if lemma in m.text.lower() or head.lower_ in m.text.lower():
                    self._named(quote, m_index)
                    quote.resolved_by = "role"
                    return True
            for prev in reversed(self.history.quotes[-10:]):
                if prev.speaker_mention is not None and \
                        self.mentions[prev.speaker_mention].label == "ORG":
                    quote.speaker, quote.speaker_mention = prev.speaker, prev.speaker_mention
                    quote.resolved_by = "role"
                    return True
        return False

    # -- article-wide facts ------------------------------------------------------------------

    def _genders(self) -> dict[str, str]:
        """Who is he and who is she, from the text itself: honorifics and role words
        before a name, and pronouns in sentences that mention one person only."""
        votes: dict[str, list[int]] = {}
        self._person_index: list[int] = []
        self._person_starts: list[int] = []
        self._mention_role: dict[int, float] = {}
        for para in self.paras:
            doc = para.doc
            by_token = para.mention_of
            for sent in doc.sents:
                people: dict[str, int] = {}
                pronouns: list[str] = []
                for tok in sent:
                    m = by_token.get(tok.i)
                    if m is not None and m in self.names.is_person:
                        name = self.names.canonical[m]
                        first_token = tok.i == 0 or by_token.get(tok.i - 1) != m
                        if first_token and tok.i and doc[tok.i - 1].lower_ in ("the", "a") \
                                and " " not in self.mentions[m].text:
                            continue  # "the Selva": a river or a thing, not a person
                        if first_token:
                            people[name] = m
                            self._person_index.append(m)
                            self._person_starts.append(self.mentions[m].start)
                            self._mention_role[m] = self._salience(tok, para)
                            prev = doc[tok.i - 1].lower_.rstrip(".") if tok.i else ""
                            if prev in _MALE_WORDS:
                                votes.setdefault(name, [0, 0])[0] += 2
                            elif prev in _FEMALE_WORDS:
                                votes.setdefault(name, [0, 0])[1] += 2
                    elif tok.lower_ in _MALE:
                        pronouns.append("m")
                    elif tok.lower_ in _FEMALE:
                        pronouns.append("f")
                if len(people) == 1 and pronouns:
                    name = next(iter(people))
                    v = votes.setdefault(name, [0, 0])
                    v[0] += pronouns.count("m")
                    v[1] += pronouns.count("f")
        return {name: ("m" if m > f else "f") for name, (m, f) in votes.items() if m != f}

    def _salience(self, tok: Any, para: _Para) -> float:
        """Subjects make likely antecedents; names inside reported words do not."""
        cur = tok
        for _ in range(3):
            if cur.dep_ in _SUBJECT_DEPS:
                inside_clause = any(a.dep_ in ("ccomp",) for a in cur.ancestors)
                return 0.5 if inside_clause else 1.0
            if cur.dep_ in ("compound", "appos", "flat", "conj") and cur.head.i != cur.i:
                cur = cur.head
                continue
            break
        if cur.dep_ == "poss":
            return -0.5
        if para.quote_of[tok.i] >= 0:
            return -1.0
        return 0.0

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


_STOP = frozenset("a an the of and or in on at to for with by from as is are was be".split())


def _title_like(doc: Any, inner: list[int]) -> bool:
    """Every word capitalised: a title or a name in quote marks ("Thelma and Louise")."""
    words = [doc[t] for t in inner if doc[t].is_alpha and doc[t].lower_ not in _STOP]
    return bool(words) and all(w.text[0].isupper() for w in words)


_HUMAN_SUFFIX = re.compile(r"(?:er|or|ist|ian|ant|ent|man|woman|person)s?$")


def _humanish(lemma: str) -> bool:
    return bool(_HUMAN_SUFFIX.search(lemma)) and len(lemma) > 4
