"""What an article contributes to story clustering: a day, weighted keys, a vector.

Keys are content terms (``t:`` + a normalised word) and canonical entities (``e:`` +
entity id). Their weights here are within-article (sublinear term frequency, with the
headline and lead counting more); corpus weights (IDF) are applied by
:class:`FeatureTable`, which packs every article into one sparse matrix so candidate
pairs and their scores come from sparse products, never from all pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from ..ingest.structure import cut_at_space

#: Articles whose dates are unknown are compared with every article.
EPOCH = date(1970, 1, 1)

_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_NUMBER = re.compile(r"^\d[\d,.]*$")

# Function words, reporting verbs and news furniture: they say nothing about which
# event an article reports.
STOP = frozenset(
    """
a about above after again against all almost also although always am among an and another
any are around as at be because been before being below between both but by can could did
do does doing down during each either else even ever every few for from further had has
have having he her here hers herself him himself his how however i if in into is it its
itself just least less like made make many may me might more most much must my myself
near neither no nor not now of off often on once one only or other others our ours
ourselves out over own per perhaps same several shall she should since so some still such
than that the their theirs them themselves then there these they this those though through
thus to too toward towards under until up upon us very via was we were what when where
whether which while who whom whose why will with within without would yet you your yours
yourself yourselves said says say saying told tells tell according added adding asked
reported reports report reporting stated statement news new year years day days week weeks
month months time times today yesterday tomorrow monday tuesday wednesday thursday friday
saturday sunday january february march april june july august september october november
december mr mrs ms dr people way well back including include includes two three four five
six seven eight nine ten first second last next early late later get got going go went
come came take took see seen know known think use used want wanted need needed just
""".split()
)


def day_number(value: str | None) -> float | None:
    """Days since 1970-01-01 of an ISO date or datetime (its calendar day)."""
    if not value:
        return None
    try:
        if len(value) >= 10 and value[4] == "-" and value[7] == "-":
            return float((date.fromisoformat(value[:10]) - EPOCH).days)
        return float((datetime.fromisoformat(value).date() - EPOCH).days)
    except ValueError:
        return None


def normalise(word: str) -> str | None:
    """A content term, or None for a stop word, a stray letter or punctuation."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'.-")
    if _NUMBER.match(w):
        return w.replace(",", "") if len(w) > 1 else None
    if len(w) < 3 or w in STOP:
        return None
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def term_counts(text: str, weight: float = 1.0, counts: Counter | None = None) -> Counter:
    counts = counts if counts is not None else Counter()
    for m in _WORD.finditer(text):
        term = normalise(m.group())
        if term:
            counts[term] += weight
    return counts


#: The most of an article's title and lead that is kept for its vector and its story's
#: summary: MiniLM reads 128 word pieces (about 600 characters), the summary 4 sentences.
LEAD_CHARS = 2000


@dataclass(slots=True)
class ArticleFeatures:
    """One article's clustering input."""

    id: str
    day: float | None
    #: key -> within-article weight ("t:dam", "e:<entity id>")
    keys: dict[str, float]
    outlet: str | None = None
    title: str = ""
    published: str | None = None
    #: title + lead, for the embedding and the summary
    lead: str = ""
    vector: np.ndarray | None = field(default=None, repr=False)


def article_features(
    article_id: str,
    *,
    title: str | None,
    paragraphs: Sequence[str],
    entities: Iterable[tuple[str, int]] = (),
    day: float | None = None,
    outlet: str | None = None,
    published: str | None = None,
    lead_paragraphs: int = 3,
    title_weight: float = 3.0,
    lead_weight: float = 2.0,
) -> ArticleFeatures:
    """Features from an article's title, body paragraphs and canonical entities.

    ``entities`` are (entity id, paragraph index) pairs, one per mention; a paragraph
    index of -1 is the title.
    """
    counts: Counter = Counter()
    if title:
        term_counts(title, title_weight, counts)
    for i, para in enumerate(paragraphs):
        term_counts(para, lead_weight if i < lead_paragraphs else 1.0, counts)
    keys = {f"t:{t}": 1.0 + math.log(c) for t, c in counts.items() if c > 0}
    ent: Counter = Counter()
    for entity_id, para in entities:
        ent[entity_id] += title_weight if para < 0 else lead_weight if para < lead_paragraphs else 1
    for entity_id, c in ent.items():
        keys[f"e:{entity_id}"] = 1.0 + math.log(c)
    lead = " ".join(([title] if title else []) + list(paragraphs[:lead_paragraphs]))
    lead = cut_at_space(lead, LEAD_CHARS)  # a 10 MB paragraph is no lead to store or split
    return ArticleFeatures(article_id, day, keys, outlet, title or "", published, lead)
