"""Named entity mentions from spaCy's NER, cleaned, with the role that comes with a name.

spaCy's small model makes a few errors that matter for comparing outlets, fixed here:
a given name left out of the span ("Rustem" in "Defense Minister Rustem Umerov"), a
title inside a person span ("President Macron"), a weapon or product named like a
person ("Taurus missiles"), a sentence-initial verb or a lowercase word tagged as a
name, and a place the model does not know tagged as a person or a nationality ("a state of
emergency across Upper Selva province", "in northern Veldera": the words around it say it
is a place, and then every mention of that name in the article is one). The role a text
gives a person ("Ukrainian Defense Minister", "former US diplomat") is kept with the
mention: it is how outlets describe people.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from ..entities.keys import PARTICLES as _PARTICLES
from ..entities.roles import role_key
from ..model import Mention
from .base import Document, register

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW"})

#: Words that are a title or office, not part of a person's name.
TITLES = frozenset(
    """
president vice prime minister ministers chancellor secretary foreign defense defence interior
finance senator sen rep representative congressman congresswoman governor gov mayor king queen
prince princess general gen colonel col lieutenant major captain admiral commander commissioner
speaker leader chief ambassador envoy judge justice mr mrs ms miss dr prof professor pope
sheikh emir sultan ceo chairman chairwoman chair director spokesman spokeswoman spokesperson
official officials minister-president premier deputy state attorney sir lord lady dame
archbishop bishop cardinal rabbi imam father sister brother officer sergeant detective
inspector agent analyst commentator diplomat lawmaker mp mep candidate nominee
architect engineer economist historian astronomer physicist scientist researcher activist
""".split()
)

#: Nouns that make the name before them ("Upper Selva province") or after them with "of"
#: ("the province of Upper Selva") a place.
PLACE_NOUNS = frozenset(
    """
province provinces region regions valley river basin district districts county counties
oblast prefecture municipality town city village villages island islands peninsula coast
republic kingdom capital
""".split()
)

#: Words just before a name that make it a place ("northern Veldera", "neighbouring
#: Sarnovia", "across Upper Selva").
PLACE_BEFORE = frozenset(
    """
northern southern eastern western central north-eastern north-western south-eastern
south-western northeastern northwestern southeastern southwestern neighbouring neighboring
across throughout
""".split()
)

#: Nouns that make a preceding name a product or weapon rather than a person.
PRODUCT_HEADS = frozenset(
    """
missile missiles tank tanks jet jets fighter fighters drone drones system systems rifle rifles
aircraft helicopter helicopters rocket rockets launcher launchers howitzer howitzers munition
munitions vaccine vaccines app phone phones car cars truck trucks ship ships submarine
submarines vehicle vehicles plane planes bomber bombers shell shells gun guns warhead warheads
""".split()
)




def _is_title(token: Any) -> bool:
    return token.lower_.rstrip(".") in TITLES


class Entities:
    name: ClassVar[str] = "entities"
    # 2: places the model tags as people or nationalities, told by the words around them;
    # occupations before a name are roles, not part of it.
    # 3: offices named without a name ("the French president") are ROLE mentions.
    # 4: a piece the model tagged inside a name it cut ("Leyen" in "Ursula von der
    # Leyen") is no mention of its own.
    version: ClassVar[str] = "4"
    requires: ClassVar[tuple[str, ...]] = ("entities.spacy",)
    assigns: ClassVar[tuple[str, ...]] = ("mentions",)

    def __call__(self, doc: Document) -> None:
        token_mention: dict[tuple[int, int], int] = {}
        for p_index, paragraph in enumerate(doc.paragraphs):
            found: list[tuple[Mention, Any]] = []
            for ent in paragraph.doc.ents:
                mention = self._mention(paragraph, ent)
                if mention is not None:
                    found.append((mention, ent))
            # A name the model cut and this component mended ("Ursula von" + "der Leyen")
            # swallows the piece the model tagged apart ("Leyen" as a place): one
            # mention, to which the piece's tokens map.
            dropped, taken = _nested(found)
            names = [(m, [*ent, *taken.get(k, ())]) for k, (m, ent) in enumerate(found)]
            kept = [f for k, f in enumerate(names) if k not in dropped]
            roles = [(m.role_start, m.role_end) for m, _ in kept if m.role_start is not None]
            kept += [(m, []) for m in role_mentions(paragraph, roles)]
            # In text order (the quotes stage bisects mention starts); only names map
            # tokens to mentions.
            for mention, tokens in sorted(kept, key=lambda f: (f[0].start, not f[1])):
                index = len(doc.ann.mentions)
                doc.ann.mentions.append(mention)
                for token in tokens:
                    token_mention[(p_index, token.i)] = index
        # One sense per article: a name the words around it show to be a place once is a
        # place wherever the article tags it as a person or a nationality.
        places = {m.text for m in doc.ann.mentions if m.label == "GPE"}
        for i, m in enumerate(doc.ann.mentions):
            if m.label in _PLACE_MISTAKES and m.text in places:
                doc.ann.mentions[i] = replace(
                    m, label="GPE", role=None, role_start=None, role_end=None
                )
        # Components after this one map tokens to mentions without re-scanning.
        doc.cache["token_mention"] = token_mention

    def _mention(self, paragraph: Any, ent: Any) -> Mention | None:
        label = ent.label_
        if label not in LABELS:
            return None
        sdoc = ent.doc
        start, end = ent.start, ent.end
        # Drop leading determiners and titles; they are not the name.
        while start < end and (
            sdoc[start].lower_ in ("the", "a", "an")
            or (label == "PERSON" and _is_title(sdoc[start]))
        ):
            start += 1
        # Drop a trailing possessive ("Ukraine 's").
        while end > start and sdoc[end - 1].tag_ == "POS":
            end -= 1
        if start >= end:
            return None
        if label == "PERSON":
            # Extend left over given names the model left out ("Rustem" Umerov).
            while (
                start > 0
                and sdoc[start - 1].pos_ == "PROPN"
                and sdoc[start - 1].is_title
                and sdoc[start - 1].dep_ == "compound"
                and not _is_title(sdoc[start - 1])
                and sdoc[start - 1].ent_type_ in ("", "PERSON")
            ):
                start -= 1
            # ... and right over name particles the model cut ("Ursula von" der Leyen).
            while end + 1 < len(sdoc) and sdoc[end].lower_ in _PARTICLES:
                j = end
                while j < len(sdoc) and sdoc[j].lower_ in _PARTICLES:
                    j += 1
                if j < len(sdoc) and sdoc[j].is_title and sdoc[j].pos_ == "PROPN":
                    end = j + 1
                else:
                    break
        span = sdoc[start:end]
        text = span.text
        if not any(ch.isupper() for ch in text) and label != "NORP":
            return None  # lowercase "the west", "government": not a name
        if label == "PERSON":
            if len(span) == 1 and span[0].pos_ in ("VERB", "AUX") and span[0].tag_.startswith("VB"):
                return None  # a sentence-initial verb taken for a name
            if span.root.dep_ == "compound" and span.root.head.lower_ in PRODUCT_HEADS:
                label = "PRODUCT"
            elif all(_is_title(t) for t in span):
                return None
        if label in _PLACE_MISTAKES and _place_context(sdoc, start, end, label):
            label = "GPE"
        role, role_start, role_end = (None, None, None)
        if label == "PERSON":
            role_span = _role(span)
            if role_span is not None:
                role = role_span.text
                role_start, role_end = paragraph.span(role_span.start_char, role_span.end_char)
        s, e = paragraph.span(span.start_char, span.end_char)
        return Mention(s, e, text, label, role, role_start, role_end)


def _nested(found: list[tuple[Mention, Any]]) -> tuple[set[int], dict[int, list[Any]]]:
    """Which of ``found`` lie inside a longer mention (their indices), and the tokens each
    longer mention takes over from them (by its index)."""
    dropped: set[int] = set()
    taken: dict[int, list[Any]] = {}
    for k, (m, ent) in enumerate(found):
        for j, (other, _) in enumerate(found):
            if (
                j != k
                and other.start <= m.start
                and m.end <= other.end
                and other.end - other.start > m.end - m.start
            ):
                dropped.add(k)
                taken.setdefault(j, []).extend(ent or ())
                break
    return dropped, taken


#: Labels the small model gives places it does not know.
_PLACE_MISTAKES = frozenset({"PERSON", "NORP"})


def _place_context(sdoc: Any, start: int, end: int, label: str) -> bool:
    """Do the words around ``sdoc[start:end]`` make it a place? A place noun after it
    ("Upper Selva province") or before it with "of" ("the province of Upper Selva"), or a
    compass, "neighbouring", "across" or "throughout" before it. A nationality word counts
    only used as a noun ("neighbouring Sarnovia sent", not "northern Sarnovian towns")."""
    after = sdoc[end] if end < len(sdoc) else None
    if label == "NORP" and after is not None and after.pos_ in ("NOUN", "PROPN", "ADJ"):
        return False
    if after is not None and after.lower_ in PLACE_NOUNS and after.is_lower:
        return True
    if start >= 1:
        before = sdoc[start - 1]
        if before.lower_ in PLACE_BEFORE and (before.is_lower or before.is_sent_start):
            return True
        if (
            start >= 2
            and before.lower_ == "of"
            and sdoc[start - 2].lower_ in PLACE_NOUNS
        ):
            return True
    return False


#: Last words of the offices :func:`..entities.roles.role_key` reads.
OFFICE_HEADS = frozenset(
    "president minister chancellor premier secretary king queen leader adviser "
    "advisor general".split()
)
#: Determiners that make an office phrase someone unnamed but not the holder ("a
#: minister", "every president").
_INDEFINITE = frozenset({"a", "an", "another", "any", "each", "every", "no", "some"})
_PHRASE_LEFT = frozenset({"det", "amod", "compound", "poss", "nmod", "npadvmod"})


def role_mentions(paragraph: Any, taken: list[tuple[int, int]]) -> list[Mention]:
    """Offices named without a name ("the French president", "Poland's prime minister",
    "the president of Ukraine", "the foreign minister") as ROLE mentions of a paragraph;
    ``taken`` are the spans of roles given with a name ("French President Emmanuel
    Macron"), which are not repeated. Only offices of one holder count (see
    :func:`..entities.roles.role_key`): "a minister" or "the former president" do not."""
    sdoc = paragraph.doc
    out: list[Mention] = []
    for token in sdoc:
        if token.lower_ not in OFFICE_HEADS or token.pos_ not in ("NOUN", "PROPN"):
            continue
        if token.ent_type_ == "PERSON":
            continue
        # "President Macron", "Defence Minister Rustem Umerov": a title before a name.
        if token.dep_ in ("compound", "amod") and token.head.pos_ == "PROPN" and (
            token.head.i > token.i
        ):
            continue
        # "the Ukrainian defence minister, Rustem Umerov": the name carries the role.
        if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in token.children):
            continue
        if token.dep_ == "appos" and token.head.pos_ == "PROPN":
            continue
        # "was elected president", "served as secretary of state", "ran for president":
        # the office, not its holder.
        if token.dep_ in ("attr", "oprd", "acomp") or (
            token.dep_ == "pobj" and token.head.lower_ in ("as", "for")
        ):
            continue
        left = [c for c in token.lefts if c.dep_ in _PHRASE_LEFT]
        if any(c.dep_ == "det" and c.lower_ in _INDEFINITE for c in left):
            continue
        definite = any(
            (c.dep_ == "det" and c.lower_ == "the") or c.dep_ == "poss" for c in left
        )
        start = min([c.left_edge.i for c in left] + [token.i])
        while start < token.i and sdoc[start].dep_ == "det":
            start += 1  # "the" is not part of the office
        end = token.i + 1
        of = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            end = of.right_edge.i + 1  # "the president of Ukraine", "secretary of state"
        if end < len(sdoc) and sdoc[end].ent_type_ == "PERSON":
            continue  # "Secretary of State John Kerry": a title before a name
        span = sdoc[start:end]
        key = role_key(span.text)
        # "The president of the Center for American Progress" holds no office of a country.
        if key is None or not (definite or key.country):
            continue
        s, e = paragraph.span(span.start_char, span.end_char)
        if any(a < e and s < b for a, b in taken):
            continue
        out.append(Mention(s, e, span.text, "ROLE", span.text, s, e))
        taken = taken + [(s, e)]
    return out


def _role(span: Any) -> Any:
    """The title phrase before a name, or an appositive after it, as a spaCy span."""
    sdoc = span.doc
    inside = set(range(span.start, span.end))
    left = span.start
    i = span.start - 1
    while i >= 0:
        token = sdoc[i]
        attaches = token.head.i in inside or (left <= token.head.i < span.start)
        if token.tag_ == "POS" and i > 0:
            # "Poland 's President": the possessor belongs to the role.
            left = i
            i -= 1
            continue
        if not attaches or token.dep_ not in ("compound", "amod", "poss", "nmod", "npadvmod"):
            break
        left = i
        i -= 1
    if left < span.start:
        role = sdoc[left : span.start]
        if any(_is_title(t) or t.pos_ in ("NOUN",) for t in role):
            return role
    for child in span.root.children:
        if child.dep_ == "appos" and child.i >= span.end:
            first, last = child.left_edge.i, child.right_edge.i
            while first < child.i and sdoc[first].lower_ in ("a", "an", "the"):
                first += 1
            while last > child.i and sdoc[last].is_punct:
                last -= 1
            return sdoc[first : last + 1]
    return None


@register("entities")
def _factory(settings: dict[str, Any]) -> Entities:
    return Entities()
