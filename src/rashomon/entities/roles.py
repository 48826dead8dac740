"""Offices one person holds at a time, and who holds them in a set of articles.

"The French president", "Poland's prime minister" and "the president of Ukraine" name a
person without naming them. Inside an article the quotes stage links such a phrase to the
person the article gave that role ("French President Emmanuel Macron ... the president
said"). An article that never names the holder still means someone: the person whom the
other articles about the same event call so. :func:`role_key` reads a role phrase as
(country, office); :class:`RoleIndex` collects, over a set of articles (one story: one
event, so one date), the people each (country, office) is given to, and names the holder
only when one person clearly holds it there.

Only offices with a single holder per country count (president, prime minister,
chancellor, foreign minister...): "a minister" or "a Ukrainian official" is not one
person, and "the former president" is not the current holder.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import gazetteer

#: Office phrases (lower case, "defence" spelled "defense") -> the office they name.
OFFICES: dict[str, str] = {
    "president": "president",
    "vice president": "vice president",
    "vice-president": "vice president",
    "prime minister": "prime minister",
    "premier": "prime minister",
    "chancellor": "chancellor",
    "foreign minister": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "minister for foreign affairs": "foreign minister",
    "foreign secretary": "foreign minister",
    "secretary of state": "secretary of state",
    "defense minister": "defense minister",
    "minister of defense": "defense minister",
    "minister for defense": "defense minister",
    "defense secretary": "defense minister",
    "secretary of defense": "defense minister",
    "interior minister": "interior minister",
    "minister of the interior": "interior minister",
    "minister of interior": "interior minister",
    "home secretary": "interior minister",
    "finance minister": "finance minister",
    "minister of finance": "finance minister",
    "treasury secretary": "finance minister",
    "chancellor of the exchequer": "finance minister",
    "justice minister": "justice minister",
    "minister of justice": "justice minister",
    "attorney general": "attorney general",
    "health minister": "health minister",
    "minister of health": "health minister",
    "king": "king",
    "queen": "queen",
    "leader": "leader",
    "head of state": "leader",
    "national security adviser": "national security adviser",
    "national security advisor": "national security adviser",
}
#: Words before the office that make it someone other than the current holder.
NOT_HOLDER = frozenset(
    "former ex ex- late previous then then- outgoing incoming future would-be deputy "
    "acting opposition".split()
)
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her"})
_WORD = re.compile(r"[^\W\d_][\w.\-]*", re.UNICODE)


@dataclass(frozen=True, slots=True, order=True)
class RoleKey:
    """(ISO country code or None, office)."""

    country: str | None
    office: str


def _country(text: str) -> str | None:
    """The country a word or name stands for ("French", "Poland", "U.S."), else None."""
    text = text.strip()
    if not text:
        return None
    place = gazetteer.country_of_demonym(text) or gazetteer.lookup(text)
    if place is None or place.kind != "country":
        return None
    return place.country


@lru_cache(maxsize=8192)
def role_key(text: str | None) -> RoleKey | None:
    """The office a role phrase names, with its country when it says one.

    "the French president", "Poland's President", "President of Ukraine", "Ukrainian
    Defence Minister", "US Secretary of State" -> (country, office); "the president" ->
    (None, "president"); "the former president", "a senior official" -> None.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).replace("’", "'").strip(" ,.;:")
    text = re.sub(r"\s+", " ", text)
    country: str | None = None
    # "Poland's president", "the country's president" (no country: None below).
    owner = re.match(r"^(?:the )?(.+?)(?:'s|s') (.+)$", text, re.IGNORECASE)
    if owner:
        country = _country(owner.group(1)) or _country(owner.group(1) + "s")
        if country is None:
            return None
        text = owner.group(2)
    # "the president of Ukraine" ("minister of defence" keeps its "of").
    of = re.match(r"^(.+?) of (?:the )?(.+)$", text, re.IGNORECASE)
    if of and country is None:
        c = _country(of.group(2))
        if c is not None:
            country, text = c, of.group(1)
    words = _WORD.findall(text)
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    if any(w.lower() in NOT_HOLDER for w in words) or "ex-" in text.lower():
        return None
    # A country word before the office: "French", "US", "United States".
    if country is None:
        for n in (3, 2, 1):
            if len(words) > n and words[0][:1].isupper():
                c = _country(" ".join(words[:n]))
                if c is not None:
                    country, words = c, words[n:]
                    break
    office_text = " ".join(w.lower() for w in words).replace("defence", "defense")
    office = OFFICES.get(office_text)
    if office is None:
        return None
    if office == "leader" and country is None:
        return None  # "the leader" of what?
    return RoleKey(country, office)


@dataclass
class RoleIndex:
    """Who holds which office in a set of articles (one story)."""

    holders: dict[RoleKey, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, role: str | None, entity: str) -> None:
        key = role_key(role)
        if key is not None:
            self.holders[key][entity] += 1

    @classmethod
    def of(cls, pairs: Iterable[tuple[str | None, str]]) -> RoleIndex:
        """From (role phrase, entity id) pairs: each named mention with its role."""
        index = cls()
        for role, entity in pairs:
            index.add(role, entity)
        return index

    def holder(self, phrase: str | None) -> str | None:
        """The entity a role phrase stands for here, or None when the phrase names no
        single office or nobody clearly holds it: one person, or one given it at least
        twice as often as anyone else. A phrase with a country needs a holder given that
        country's office (or the office with no country, when no one has it with
        another); a phrase without one ("the president"), the only holder of the office
        here, whatever their country."""
        key = role_key(phrase)
        if key is None:
            return None
        votes: Counter = Counter()
        if key.country is not None:
            votes.update(self.holders.get(key, Counter()))
            bare = self.holders.get(RoleKey(None, key.office), Counter())
            others = {
                e for k, c in self.holders.items()
                if k.office == key.office and k.country not in (None, key.country) for e in c
            }
            if not others:
                votes.update(bare)
        else:
            for k, c in self.holders.items():
                if k.office == key.office:
                    votes.update(c)
            if len(votes) > 1:
                return None  # "the president" with two presidents in the story
        if not votes:
            return None
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
            return None
        return ranked[0][0]
