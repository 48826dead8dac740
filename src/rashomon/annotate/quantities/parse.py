"""The parse layer (spaCy): with a dependency parse and entities, numbers inside dates,
times and names are dropped, pronoun "one" is told from a count, what a quantity counts
or measures is found, an age is tied to its person, and ``change_direction`` tells
whether a quantity is the size of a change ("rose 8%")."""

from __future__ import annotations

from typing import Any

from .candidate import _Cand
from .lexicon import (
    _DETERMINERS,
    _DOWN,
    _MONTHS,
    _PRONOUNS,
    _RATE_WORDS,
    _RELATIONAL,
    _SKIP_BEFORE_NOUN,
    _TIME_UNITS,
    _UNITS,
    _UP,
)

# --- the parse layer (spaCy) ---------------------------------------------------------

_NAME_LABELS = {"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PERSON", "GPE", "LOC",
                "NORP", "LANGUAGE"}
_AFTER_SKIP_POS = {"DET", "PUNCT", "CCONJ", "ADP", "PART", "PRON", "SCONJ", "AUX", "VERB",
                   "ADV", "SPACE", "INTJ", "SYM", "X"}


class _Parsed:
    """A spaCy doc with character to token lookups, built once per paragraph."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.tok_at = [-1] * (len(doc.text) + 1)
        for tok in doc:
            for c in range(tok.idx, tok.idx + len(tok.text)):
                self.tok_at[c] = tok.i
        self.ent_of: list[Any] = [None] * len(doc)
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                self.ent_of[k] = ent

    def token(self, char: int) -> Any:
        if 0 <= char < len(self.tok_at):
            i = self.tok_at[char]
            if i < 0:
                # A space: the next token (within a bounded distance).
                c = char
                while c < min(len(self.tok_at) - 1, char + 64) and self.tok_at[c] < 0:
                    c += 1
                i = self.tok_at[c]
            return self.doc[i] if i >= 0 else None
        return None

    def first_after(self, char: int) -> int:
        """Index of the first token starting at or after ``char``."""
        c = char
        while c < len(self.tok_at) - 1 and (self.tok_at[c] < 0 or
                                            self.doc[self.tok_at[c]].idx < char):
            c += 1
            if c - char > 64:
                break
        i = self.tok_at[c] if c < len(self.tok_at) else -1
        return i if i >= 0 else len(self.doc)


def _keep(cand: _Cand, p: _Parsed) -> bool:
    """Parse-level filters: dates and times, names, pronoun "one"."""
    tok = p.token(cand.num_start)
    if tok is None:
        return True
    last = p.token(max(cand.num_start, cand.num_end - 1)) or tok
    ent = p.ent_of[tok.i]
    label = ent.label_ if ent is not None else ""
    nxt_i = p.first_after(cand.end)
    nxt = p.doc[nxt_i] if nxt_i < len(p.doc) else None
    plural_next = nxt is not None and nxt.tag_ in ("NNS", "NNPS") and \
        nxt.lower_ not in _TIME_WORDS
    has_unit = cand.unit is not None or cand.kind in ("money", "percent")
    if cand.kind == "ordinal":
        return label not in ("DATE", "TIME") and label in ("ORDINAL", "")
    prev = p.doc[tok.i - 1] if tok.i > 0 else None
    if cand.is_one and cand.unit in _TIME_UNITS and not cand.compound and (
            prev is None or prev.lower_ not in _DURATION_BEFORE):
        return False  # "One day she will return"; "for one day" is a duration
    if label in ("DATE", "TIME"):
        duration = cand.unit in _TIME_UNITS or cand.age
        if duration:
            return not (nxt is not None and nxt.lower_ in ("ago", "earlier"))
        # A number that cannot be part of a date ("1,334.20", "13000 workers") stays.
        date_like = not has_unit and (cand.year_like or (
            cand.value == int(cand.value) and 1 <= cand.value <= 31))
        if date_like and not plural_next:
            return False
    if cand.year_like and not has_unit and not plural_next:
        return False
    if label in _NAME_LABELS and ent is not None and not has_unit:
        # "iPhone 11", "S&P 500", "Big 12": a number inside a name that has other words.
        others = [t for t in ent if t.i != tok.i and t.i != last.i and t.is_alpha
                  and not t.like_num]
        if any(t.is_title or t.is_upper for t in others):
            return False
    if not has_unit and not plural_next and cand.kind != "fraction" and not cand.age:
        if prev is not None and prev.tag_ == "NNP" and any(c.isupper() for c in prev.text) \
                and prev.lower_ not in _MONTHS and tok.i - 1 > tok.sent.start:
            return False  # "Lang 20 decided the match", "iPhone 11", "Boeing 787"
        k = last.i + 1
        while k < min(len(p.doc), last.i + 6) and p.doc[k].tag_ == "NNP" and p.doc[k].is_title:
            k += 1
        if k > last.i + 1 and (k == len(p.doc) or p.doc[k].pos_ not in ("NOUN", "PROPN")):
            return False  # "11 Pro Max": a model name
    if cand.is_one:
        if tok.pos_ in ("PRON", "NOUN") and tok.lower_ == "one":
            return False
        if prev is not None and prev.lower_ in _NOT_BEFORE_ONE:
            return False
        if nxt is None:
            return False
        if nxt.lower_ == "of":
            after = p.doc[nxt.i + 1] if nxt.i + 1 < len(p.doc) else None
            return after is not None and after.lower_ not in _PRONOUNS
        if nxt.lower_ in ("another", "day", "time", "way", "thing", "side") and \
                tok.lower_ == "one" and cand.unit is None:
            return False  # "one another", "one day", "one way or another": idioms
        return nxt.pos_ in ("NOUN", "PROPN", "ADJ") or has_unit
    if cand.kind == "fraction" and cand.fraction_of_whole and tok.lower_ == "half":
        if prev is not None and prev.lower_ in ("first", "second", "the", "this", "other",
                                                "each", "latter", "back", "last", "next",
                                                "a"):
            return False
        if nxt is None or nxt.lower_ in ("-", "time", "century", "brother", "sister", "way"):
            return False  # "half-time", "half way", a dangling "half"
    return True


#: Words before "one day", "one year" that make it a duration rather than an idiom.
_DURATION_BEFORE = {"for", "in", "within", "after", "over", "than", "about", "around",
                    "nearly", "almost", "only", "just", "lasting", "by", "past", "under",
                    "least", "to", "of", "took", "take", "takes", "lasted", "spent"}
_NOT_BEFORE_ONE = {"the", "each", "this", "that", "any", "every", "no", "which", "same",
                   "another", "only", "one", "last", "little", "big", "new", "next", "right",
                   "wrong", "a", "someone", "anyone", "everyone"}
_TIME_WORDS = {"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades"}


def _clean_span(tokens: list[Any]) -> list[Any]:
    while tokens and (tokens[0].lower_ in _DETERMINERS or tokens[0].is_punct or
                      tokens[0].lower_ in _SKIP_BEFORE_NOUN or tokens[0].pos_ == "NUM"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].tag_ == "POS"):
        tokens = tokens[:-1]
    return tokens


def _noun_after(p: _Parsed, i: int, limit: int = 7) -> list[Any]:
    """The noun phrase starting at token i: modifiers up to its head noun."""
    doc = p.doc
    out: list[Any] = []
    k = i
    while k < min(len(doc), i + 2 * limit) and len(out) < limit:
        t = doc[k]
        if t.lower_ in _DETERMINERS or (t.tag_ == "POS") or (t.pos_ == "NUM" and not out):
            if t.tag_ == "POS":
                nxt = doc[k + 1] if k + 1 < len(doc) else None
                if out and not (nxt is not None and nxt.like_num):
                    break  # "26 countries' pledges": the countries are counted
                out = []  # "the dam's five gates": what follows the possessive
            elif out:
                break
            k += 1
            continue
        if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or t.tag_ in ("VBN", "VBG", "JJ", "HYPH") \
                or (t.text == "-" and out):
            out.append(t)
            nxt = doc[k + 1] if k + 1 < len(doc) else None
            if t.pos_ in ("NOUN", "PROPN") and (nxt is None or (
                    nxt.pos_ not in ("NOUN", "PROPN") and nxt.tag_ not in ("HYPH", "POS")
                    and nxt.text != "-")):
                return out
            k += 1
            continue
        if t.lower_ in _SKIP_BEFORE_NOUN and not out:
            k += 1
            continue
        break
    while out and out[-1].pos_ not in ("NOUN", "PROPN"):
        out.pop()
    return out


def _extend_of(p: _Parsed, tokens: list[Any]) -> list[Any]:
    """ "heads of state", "barrels of oil": a relational noun keeps its bare complement."""
    doc = p.doc
    head = tokens[-1]
    if head.lower_ in _RELATIONAL and head.i + 2 < len(doc) and doc[head.i + 1].lower_ == "of":
        comp = doc[head.i + 2]
        if comp.pos_ in ("NOUN", "PROPN") and comp.lower_ not in _DETERMINERS:
            end = comp.i
            if end + 2 < len(doc) and doc[end + 1].lower_ == "and" and \
                    doc[end + 2].pos_ == "NOUN":
                end += 2
            return list(doc[tokens[0].i:end + 1])
    return tokens


def _set_counted(cand: _Cand, tokens: list[Any], p: _Parsed, offset: int) -> None:
    tokens = _clean_span(tokens)
    if not tokens:
        return
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    cand.counted = p.doc.text[start:end]
    cand.counted_start, cand.counted_end = offset + start, offset + end


def _counted(cand: _Cand, p: _Parsed, offset: int) -> None:
    """What is counted or measured, from the parse."""
    doc = p.doc
    k = p.first_after(cand.end)
    while k < len(doc) and doc[k].lower_ in _SKIP_BEFORE_NOUN:
        k += 1
    if cand.age:
        _age_of(cand, p, offset)
        return
    if cand.unit == "times":
        tok = p.token(cand.end - 1)
        if tok is not None and tok.lower_ == "times":
            cand.counted = tok.text
            cand.counted_start = offset + tok.idx
            cand.counted_end = offset + tok.idx + len(tok.text)
        return
    # Partitive: "three of the dam's gates", "half of the aid", "24 per cent of adults".
    if k < len(doc) and doc[k].lower_ == "of" and cand.kind != "ordinal":
        nxt = doc[k + 1] if k + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ not in _PRONOUNS:
            tokens = _noun_after(p, k + 1)
            if tokens:
                _set_counted(cand, tokens, p, offset)
                if _unit_noun(cand, tokens[-1]):
                    return
                if cand.kind == "count" and cand.unit is None:
                    cand.unit = _unit_of(tokens[-1], p, cand)
                return
        return
    # A noun after the quantity: "31,000 Ukrainian soldiers", "a 25% tax", "62-metre dam".
    if cand.kind in ("count", "fraction") or cand.compound or cand.unit in (None,):
        tokens = _noun_after(p, k)
        if tokens:
            first = tokens[0]
            if cand.kind in ("count", "fraction") or cand.compound or first.i == k:
                head = tokens[-1]
                _set_counted(cand, _extend_of(p, tokens), p, offset)
                if _unit_noun(cand, head):
                    return
                if cand.kind == "count" and cand.unit is None:
                    cand.unit = _unit_of(head, p, cand)
                    if cand.rate:
                        cand.unit = f"{cand.unit}/{cand.rate}"
                return
    if cand.kind in ("money", "percent", "measure") and not cand.compound:
        tok = p.token(max(cand.num_start, cand.num_end - 1))
        last = p.token(max(cand.start, cand.end - 1))
        if tok is not None and last is not None:
            # "a 5% pay rise", "$800 stone pizza oven", "a 750 meter swim": the quantity
            # modifies the noun phrase right after it.
            tokens = _noun_after(p, k)
            if tokens and tokens[0].i == last.i + 1 and tokens[-1].lemma_.lower() not in \
                    _UNIT_LEMMAS and any(t.head.i == tokens[-1].i for t in (tok, last)):
                _set_counted(cand, tokens, p, offset)
                return
            _measured(cand, tok, p, offset)
        return
    if cand.kind == "count" and cand.counted is None:
        tok = p.token(max(cand.num_start, cand.num_end - 1))
        if tok is not None:
            _measured(cand, tok, p, offset)


def _unit_noun(cand: _Cand, head: Any) -> bool:
    """ "517 rushing yards", "1/16 of a pint": a unit after modifiers is the unit."""
    if cand.unit is not None or cand.kind not in ("count", "fraction"):
        return False
    for key, unit in _UNITS.get(head.lower_, ()):
        if len(key) == 1 and not unit.glued_only and not unit.exact and unit.kind == "measure" \
                and len(head.text) > 2:
            cand.unit, cand.kind = unit.canonical, "measure"
            return True
    return False


def _unit_of(head: Any, p: _Parsed, cand: _Cand) -> str:
    """The unit of a plain count: the counted noun's lemma, with a rate after it
    ("400 visitors a day": visitor/day)."""
    unit = head.lemma_.lower()
    if head.tag_ == "NNPS" and unit == head.lower_ and unit.endswith("s"):
        unit = unit[:-1]  # spaCy leaves "Americans" as it is
    doc = p.doc
    k = head.i + 1
    if k + 1 < len(doc) and doc[k].lower_ in ("a", "an", "per", "each", "every"):
        word = doc[k + 1].lemma_.lower()
        if word in _RATE_WORDS and _RATE_WORDS[word] in _TIME_UNITS:
            cand.rate = _RATE_WORDS[word]
    return f"{unit}/{cand.rate}" if cand.rate else unit


_UNIT_LEMMAS = {"percent", "cent", "dollar", "euro", "pound", "mile", "metre", "meter",
                "kilometre", "kilometer", "foot", "inch", "yard", "point", "year", "month",
                "day", "hour", "minute", "second", "week", "share", "barrel", "gallon", "ounce",
                "crown", "yen", "ton", "tonne", "degree", "percentage", "%"}


#: Verbs whose subject is what a quantity measures: "Revenue rose to $7bn", "The aircraft
#: is 72.7 metres long", "Tickets cost 12 crowns", "The restoration took six years".
_MEASURE_VERBS = set(
    "be become remain stand rise fall drop climb jump grow increase decrease decline gain lose "
    "slip slide surge soar plunge tumble reach hit total amount cost exceed top near approach "
    "average measure weigh stretch span last take fetch sell trade close end open finish "
    "advance retreat ease dip sink shrink double triple halve rebound rally edge "
    "account represent".split())


def _measured(cand: _Cand, tok: Any, p: _Parsed, offset: int) -> None:
    """What a money amount, a percentage or a measure is of: "a fine of $3 billion",
    "exports dropped 7%", "The aircraft is 72.7 metres long"."""
    node = tok
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            break
        if node.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and \
                head.head.i < tok.i:
            tokens = _noun_phrase_left(head.head)
            if tokens:
                _set_counted(cand, tokens, p, offset)
            return
        if head.pos_ in ("VERB", "AUX"):
            if head.lemma_.lower() not in _MEASURE_VERBS:
                return
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ in ("NOUN", "PROPN"):
                    tokens = _noun_phrase_left(child)
                    if tokens:
                        _set_counted(cand, tokens, p, offset)
                    return
            return
        node = head


def _noun_phrase_left(head: Any) -> list[Any]:
    """A noun with its compound and adjective modifiers on the left."""
    doc = head.doc
    start = head.i
    while start > 0 and doc[start - 1].dep_ in ("compound", "amod", "nmod") and \
            doc[start - 1].head.i in range(start, head.i + 1) and head.i - start < 5:
        start -= 1
    return list(doc[start:head.i + 1])


def _age_of(cand: _Cand, p: _Parsed, offset: int) -> None:
    """ "Milena Hartova, 44": the age of the named person before it."""
    tok = p.token(cand.num_start)
    if tok is None:
        return
    doc = p.doc
    person: list[Any] = []
    if tok.i >= 2 and doc[tok.i - 1].text == ",":
        k = tok.i - 2
        while k >= 0 and (doc[k].ent_type_ == "PERSON" or (
                doc[k].tag_ == "NNP" and doc[k].is_title)) and len(person) < 5:
            person.insert(0, doc[k])
            k -= 1
    if not person:
        tokens = _noun_after(p, p.first_after(cand.end))
        if tokens and tokens[-1].i - tok.i <= 4:
            person = tokens
    cand.counted = "age"
    if person:
        start, end = person[0].idx, person[-1].idx + len(person[-1].text)
        cand.counted = "age of " + doc.text[start:end]
        cand.counted_start, cand.counted_end = offset + start, offset + end


def _apposition_age(cand: _Cand, p: _Parsed) -> None:
    """ "Radomir Vasko, 58, a shift engineer": a bare number after a name is an age."""
    if cand.kind != "count" or cand.unit is not None or cand.hi is not None or \
            cand.value != int(cand.value) or not (1 <= cand.value <= 120) or cand.words_only:
        return
    tok = p.token(cand.num_start)
    if tok is None or tok.i < 2:
        return
    doc = p.doc
    name = doc[tok.i - 2]
    if doc[tok.i - 1].text != "," or not (name.ent_type_ == "PERSON" or (
            name.tag_ == "NNP" and name.is_title and name.ent_type_ in ("", "ORG", "GPE"))):
        return
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is None or nxt.text in (",", ".", ";", ")") or nxt.lower_ in ("and", "said", "who"):
        cand.unit, cand.kind, cand.age = "year", "measure", True


def change_direction(doc: Any, start_char: int, end_char: int) -> str | None:
    """ "up" or "down" when the quantity at ``doc.text[start_char:end_char]`` is the size of
    a change ("rose 8%", "down 1.9%", "+0.2%", "fell by 10 cents"), else None. The level a
    change ends at ("rose 8% to $3.65": the $3.65) is not a change."""
    p = _Parsed(doc)
    tok = p.token(start_char)
    if tok is None:
        return None
    text = doc.text
    k = start_char - 1
    while k >= 0 and text[k] == " ":
        k -= 1
    if k >= 0 and text[k] == "+":
        return "up"
    last = p.token(max(start_char, end_char - 1)) or tok
    # "up 9.4 per cent", "down 68 p": the adverb right before.
    prev = doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and prev.lower_ in ("up", "down") and prev.pos_ in ("ADV", "ADP"):
        return "up" if prev.lower_ == "up" else "down"
    node = last
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            return None
        if head.lower_ in ("to", "at", "from", "of", "with", "than", "on", "for"):
            return None
        if head.pos_ in ("VERB", "AUX", "ADV", "ADJ"):
            lemma = head.lemma_.lower()
            if lemma in _UP or head.lower_ in _UP:
                return "up"
            if lemma in _DOWN or head.lower_ in _DOWN:
                return "down"
            return None
        node = head
    return None
