"""Framing cues per sentence: hedges, vague and anonymous attribution, loaded wording.

The word lists live in ``lexicons/`` (see its README for where they come from). Each
cue records its kind and, for loaded words, the lexicon category; each sentence says
whether it is hedged. Sentences are marked attributed by the quotes component; this
one adds the sentences whose only attribution is vague or anonymous.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar

from ..model import FramingCue
from .base import Document, register

_SPEECH_OR_BELIEF = frozenset(
    """
say tell argue believe claim warn suggest note fear contend insist accuse think worry
allege maintain point charge complain predict estimate expect assert question doubt
""".split()
)
_ANONYMOUS = re.compile(
    r"\b(?:who|which)\s+(?:requested|asked\s+for|spoke\s+on\s+(?:the\s+)?condition\s+of|"
    r"declined\s+to\s+be|did\s+not\s+want\s+to\s+be|preferred\s+to\s+remain|asked\s+not\s+to\s+be|"
    r"was\s+not\s+authori[sz]ed\s+to)\s+(?:anonymity|named|identified|anonymous|speak)"
    r"|\bon\s+(?:the\s+)?condition\s+of\s+anonymity\b"
    r"|\b(?:sources?|people|persons?)\s+(?:close\s+to|familiar\s+with|with\s+knowledge\s+of)\b"
    r"|\bunnamed\s+\w+|\banonymous\s+\w+",
    re.IGNORECASE,
)
_VAGUE_PHRASE = re.compile(
    r"\bit\s+is\s+(?:said|believed|claimed|thought|understood|rumou?red|alleged)\b"
    r"|\baccording\s+to\s+(?:some|many|several|various)?\s*(?:reports|sources|observers|analysts|experts|critics|media)\b"
    r"|\b(?:some|many|several)\s+(?:say|believe|argue|claim|fear|suggest)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=None)
def lexicon(name: str) -> dict[str, str]:
    """entry -> category from ``lexicons/<name>.txt``."""
    text = (
        resources.files("rashomon.annotate").joinpath("lexicons", f"{name}.txt").read_text("utf-8")
    )
    out: dict[str, str] = {}
    category = name
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().lower()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            category = line[1:-1]
            continue
        out[line] = category
    return out


class Framing:
    name: ClassVar[str] = "framing"
    version: ClassVar[str] = "1"
    # Reads the quotes layer when an earlier component produced it (anonymous speakers).
    requires: ClassVar[tuple[str, ...]] = ("sentences",)
    assigns: ClassVar[tuple[str, ...]] = ("cues",)

    def __call__(self, doc: Document) -> None:
        hedges, loaded, vague = lexicon("hedges"), lexicon("loaded"), lexicon("vague")
        multiword_loaded = [w for w in loaded if "-" in w or " " in w]
        cues = doc.ann.cues
        for index, paragraph, sent in doc.sentences():
            sentence = doc.ann.sentences[index] if index < len(doc.ann.sentences) else None
            found: list[FramingCue] = []
            for token in sent:
                lemma = token.lemma_.lower()
                low = token.lower_
                kind = None
                note = ""
                if low in hedges or lemma in hedges:
                    category = hedges.get(low) or hedges.get(lemma)
                    if category == "modal" and token.tag_ != "MD":
                        category = None
                    elif category == "verb" and not _epistemic_verb(token):
                        category = None
                    if category:
                        kind, note = "hedge", category
                if (
                    kind is None
                    and lemma in loaded
                    and token.pos_ in ("ADJ", "ADV", "NOUN", "VERB")
                ):
                    kind, note = "loaded", loaded[lemma]
                if kind is None and lemma in vague and _vague_subject(token):
                    kind, note = "vague_attribution", lemma
                if kind:
                    s, e = paragraph.span(token.idx, token.idx + len(token.text))
                    found.append(FramingCue(s, e, token.text, kind, index, note))
            text = sent.text
            base = sent.start_char
            for word in multiword_loaded:
                for m in re.finditer(r"\b" + re.escape(word) + r"\b", text, re.IGNORECASE):
                    s, e = paragraph.span(base + m.start(), base + m.end())
                    found.append(FramingCue(s, e, m.group(0), "loaded", index, loaded[word]))
            for pattern, kind in (
                (_ANONYMOUS, "anonymous_source"),
                (_VAGUE_PHRASE, "vague_attribution"),
            ):
                for m in pattern.finditer(text):
                    s, e = paragraph.span(base + m.start(), base + m.end())
                    found.append(FramingCue(s, e, m.group(0), kind, index))
            found = _dedupe(found)
            cues.extend(found)
            if sentence is not None:
                sentence.hedged = any(c.kind == "hedge" for c in found)
                if any(c.kind in ("vague_attribution", "anonymous_source") for c in found):
                    sentence.attributed = True
        self._from_quotes(doc)
        cues.sort(key=lambda c: (c.start, c.end))

    def _from_quotes(self, doc: Document) -> None:
        """An anonymous or vague speaker found by the quotes component is a cue too."""
        have = {(c.start, c.end) for c in doc.ann.cues}
        for quote in doc.ann.quotes:
            if not (quote.anonymous or quote.vague) or quote.speaker_start is None:
                continue
            span = (quote.speaker_start, quote.speaker_end or quote.speaker_start)
            if any(s <= span[0] < e for s, e in have):
                continue
            kind = "anonymous_source" if quote.anonymous else "vague_attribution"
            sentence = _sentence_at(doc, span[0])
            doc.ann.cues.append(
                FramingCue(span[0], span[1], quote.speaker_text or "", kind, sentence)
            )
            have.add(span)


def _epistemic_verb(token: Any) -> bool:
    """ "appears to", "seems", "suggests that": a verb weakening its complement."""
    if token.pos_ not in ("VERB", "AUX"):
        return False
    return any(c.dep_ in ("xcomp", "ccomp", "acomp", "attr") for c in token.children)


def _vague_subject(token: Any) -> bool:
    """A generic noun standing as the unnamed subject of a speech or belief verb."""
    if token.dep_ not in ("nsubj", "nsubjpass") or token.head.lemma_ not in _SPEECH_OR_BELIEF:
        return False
    if token.ent_type_ or any(c.pos_ == "PROPN" or c.ent_type_ for c in token.children):
        return False  # "Kremlin officials", "Western diplomats" name a party: not vague
    if token.tag_ in ("NNS", "NNPS") or token.lower_ in ("many", "some", "others"):
        return not any(
            c.dep_ == "det" and c.lower_ in ("the", "these", "those") for c in token.children
        )
    return False


def _sentence_at(doc: Document, offset: int) -> int | None:
    for i, s in enumerate(doc.ann.sentences):
        if s.start <= offset < s.end:
            return i
    return None


def _dedupe(cues: list[FramingCue]) -> list[FramingCue]:
    out: list[FramingCue] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if out and cue.start < out[-1].end and cue.kind == out[-1].kind:
            continue
        out.append(cue)
    return out


@register("framing")
def _factory(settings: dict[str, Any]) -> Framing:
    return Framing()
