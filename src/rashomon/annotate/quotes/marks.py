"""Quote marks and what they enclose: scanning the marks (``find_quotes``), then each
quotation as a ``direct`` quote or a ``partial`` one inside the outlet's own sentence,
with the cue next to it (the parse, a frame of tokens either side, a colon) or, for a
quote standing alone, the attribution before it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from ...model import Quote
from .lexicon import (
    _NOT_SPEAKERS,
    BELIEF_VERBS,
    MAX_FRAME_TOKENS,
    MAX_QUOTE_CHARS,
    MAX_QUOTE_PARAGRAPHS,
    MAX_SINGLE_QUOTE_CHARS,
    PARTIAL_MAX_WORDS,
    SPEECH_VERBS,
)
from .state import _Candidate, _Para, _RunState

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


_STOP = frozenset("a an the of and or in on at to for with by from as is are was be".split())


def _title_like(doc: Any, inner: list[int]) -> bool:
    """Every word capitalised: a title or a name in quote marks ("Thelma and Louise")."""
    words = [doc[t] for t in inner if doc[t].is_alpha and doc[t].lower_ not in _STOP]
    return bool(words) and all(w.text[0].isupper() for w in words)


class _DirectQuotes(_RunState):
    """Direct and partial quotes: the candidates in a paragraph's quote marks."""

    # -- direct quotes ---------------------------------------------------------------------

    def _direct_candidates(self, para: _Para) -> list[_Candidate]:
        lo = para.paragraph.offset
        hi = para.end
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
