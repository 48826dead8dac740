"""Speaker resolution: full names for surnames (``_Names``), then the speaker phrase of
each attribution resolved to a name, a pronoun's antecedent, a role's holder, or marked
anonymous or vague; and the article-wide facts that needs (who is he or she, who is a
likely antecedent)."""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from typing import Any

from ...entities.roles import role_key
from ...model import Mention, Quote
from ..entities import TITLES
from .lexicon import (
    _ANONYMITY,
    _FEMALE,
    _FEMALE_WORDS,
    _MALE,
    _MALE_WORDS,
    _ORG_LABELS,
    _PERSON_LABELS,
    _QUANTIFIERS,
    _RELATIVE,
    _SUBJECT_DEPS,
    ANON_HEADS,
    MAX_FUZZY_NAMES,
    ORG_HEADS,
    PARTIAL_MAX_WORDS,
    PRONOUN_WINDOW,
    ROLE_WINDOW,
    SPEECH_NOUNS,
    VAGUE_HEADS,
)
from .state import _Candidate, _Para, _RunState

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


_HUMAN_SUFFIX = re.compile(r"(?:er|or|ist|ian|ant|ent|man|woman|person)s?$")


def _humanish(lemma: str) -> bool:
    return bool(_HUMAN_SUFFIX.search(lemma)) and len(lemma) > 4


class _Speakers(_RunState):
    """Who speaks: the speaker phrase of each candidate, resolved."""

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
        if not plural and role_key(phrase) is not None:
            # "Poland's prime minister", "the French president": one person, whom the
            # article does not name (the story may: see entities.roles), not a source
            # hiding a name.
            quote.resolved_by = "role"
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
            # An office ("the president") is held by a person given that office, not a
            # neighbouring one ("Vice President Biden"), nor another country's.
            office = role_key(self.text[quote.speaker_start:quote.speaker_end])
            before = bisect.bisect_left(self._person_starts, pos)
            for m_index in reversed(self._person_index[max(0, before - ROLE_WINDOW):before]):
                m = self.mentions[m_index]
                if m.start >= pos:
                    continue
                if not m.role:
                    continue
                role_words = {w.lower().rstrip(".’'s") for w in re.findall(r"[\w.'’]+", m.role)}
                role_words |= {w.lower() for w in re.findall(r"\w+", m.role)}
                if lemma not in role_words and head.lower_ not in role_words:
                    continue
                if office is not None:
                    theirs = role_key(m.role)
                    if theirs is None or theirs.office != office.office or (
                        office.country and theirs.country and theirs.country != office.country
                    ):
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
