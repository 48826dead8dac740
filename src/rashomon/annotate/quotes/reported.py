"""Reported speech and cues: a cue verb with what it reports (a clause, an object and
an infinitive, the sentence it comments on), "according to X", transcript lines
("TRUMP: ..."), and the parse rules that tell a cue and find its subject."""

from __future__ import annotations

from typing import Any

from .lexicon import (
    _NEGATIONS,
    _NOT_SPEAKERS,
    _PRONOUNS,
    _RELATIVE,
    _SUBJECT_DEPS,
    _VERB_AS_NOUN,
    BELIEF_VERBS,
    COMMISSIVE_VERBS,
    DOCUMENT_NOUNS,
    MAX_CUES_PER_SENTENCE,
    MAX_SENTENCE_TOKENS,
    NAMING_VERBS,
    OBJECT_CONTENT_VERBS,
    OBJECT_INFINITIVE_VERBS,
    QUOTE_ONLY_VERBS,
    SPEECH_NOUNS,
    SPEECH_VERBS,
)
from .state import _Candidate, _Para, _RunState


class _ReportedSpeech(_RunState):
    """Reported speech candidates, and the cue and subject rules every step uses."""

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
