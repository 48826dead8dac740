"""A deterministic synthetic news corpus with ground truth, for benchmarks.

``generate(out_dir, n, seed=0)`` writes ``out_dir/corpus/`` (one directory per outlet,
articles in mixed formats: text and Markdown with front matter, HTML pages with site
furniture, JSON Lines exports, RSS feeds, gzipped WARC crawls, plus a ``sources.toml``)
and ``out_dir/truth.json``, and returns the truth dict.

The world model, so later benchmarks (story clustering, entities, fact comparison) can
reuse the corpus:

* a world of fictional countries, each with a government (head, ministers, opposition),
  institutions, companies, unions, experts, mayors of its cities;
* *storylines*: a country, a topic and a cast of actors, followed through 1-6 *stories*
  (events: a flood, then the inquiry, then a minister's resignation...), so several
  stories share actors and vocabulary but are different events;
* each story is covered by several outlets; every outlet writes its own article from the
  story's facts and quotes (same quotes, numbers, actors; different sentences, order and
  length; sometimes an outdated figure);
* about 5% of articles are *wire copies* (another outlet republishing an article with
  light edits: trimmed, respelt, retitled) and about 1% *exact copies* (same text).

Truth (``truth.json``): ``articles`` maps an article key (path relative to the corpus,
plus ``#locator`` for records inside containers, as the ingest readers name them) to its
story, ``duplicate_of`` (key or null), ``kind`` (original/near/exact), outlet, format,
title, published, url, body word count, ``body_hash`` (blake2b-128 of the body's
lower-cased words joined by spaces, like the ingest content hash), entity ids, reported
facts and, for copies, the true shingle Jaccard with the original (``jaccard[k]`` for
k-word shingles). ``stories``, ``storylines``, ``entities`` and ``outlets`` describe the
world; ``expected_skips`` lists the deliberately bad inputs and why they are skipped.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from . import vocab as V

VERSION = 1
FORMAT_SHARES = (("txt", 0.20), ("md", 0.20), ("html", 0.20), ("jsonl", 0.20), ("rss", 0.10),
                 ("warc", 0.10))
NEAR_SHARE, EXACT_SHARE = 0.05, 0.01
JSONL_PER_FILE, RSS_PER_FILE, WARC_PER_FILE = 100, 40, 50
START = datetime(2026, 1, 5, tzinfo=UTC)
SPAN_DAYS = 290  # stories from early January to late October 2026

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)  # the ingest stage's word definition
_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SPACES = re.compile(r"  +")


def normal_words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def body_hash(paragraphs: list[str]) -> str:
    """What the ingest stage's content hash of these body paragraphs should be."""
    return _hash_words(normal_words("\n\n".join(paragraphs)))


def _hash_words(words: list[str]) -> str:
    return hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()


def shingles(words: list[str], k: int) -> set[str]:
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: list[str], b: list[str], k: int) -> float:
    sa, sb = shingles(a, k), shingles(b, k)
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


# --- world --------------------------------------------------------------------------


@dataclass(slots=True)
class Actor:
    id: str
    kind: str  # person | org
    name: str  # full name
    last: str = ""
    title: str = ""  # before the name on first mention: "Finance Minister", "economist"
    desc: str = ""  # "the finance minister"
    org: str = ""  # organisation the person speaks for
    gender: str = "f"
    oldrole: str = ""
    country: str = ""
    sector: str = ""
    ceo: Actor | None = None

    def truth(self) -> dict[str, Any]:
        out = {"name": self.name, "type": self.kind, "country": self.country or None}
        if self.title:
            out["title"] = self.title
        if self.org:
            out["org"] = self.org
        return out


@dataclass
class Country:
    index: int
    name: str
    adj: str
    capital: str
    cities: tuple[str, ...]
    regions: tuple[str, ...]
    currency: str
    head_title: str
    legislature: str
    population: int
    people: dict[str, Actor] = field(default_factory=dict)  # fixed roles
    pools: dict[str, list[Actor]] = field(default_factory=dict)  # several per role
    companies: dict[str, list[Actor]] = field(default_factory=dict)
    mayors: dict[str, Actor] = field(default_factory=dict)


class World:
    """Countries and their actors; every entity gets a stable id."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.entities: dict[str, Actor] = {}
        self._names: set[str] = set()
        self._surnames: set[tuple[str, str]] = set()
        self.countries = [self._country(i, spec) for i, spec in enumerate(V.COUNTRIES)]

    def person(self, country: str, title: str, desc: str, org: str = "", oldrole: str = "",
               *, unique_surname: bool = True) -> Actor:
        """A new person; a country's standing cast never shares a surname (no "Kral met Kral")."""
        rng = self.rng
        for attempt in range(200):
            gender = rng.choice("fm")
            first = rng.choice(V.FIRST_F if gender == "f" else V.FIRST_M)
            last = rng.choice(V.LAST)
            if f"{first} {last}" in self._names:
                continue
            if unique_surname and (country, last) in self._surnames and attempt < 150:
                continue
            break
        self._names.add(f"{first} {last}")
        self._surnames.add((country, last))
        actor = Actor(f"P{len(self.entities) + 1:05d}", "person", f"{first} {last}", last, title, desc,
                      org, gender, oldrole, country)
        self.entities[actor.id] = actor
        return actor

    def org(self, name: str, country: str, sector: str = "") -> Actor:
        actor = Actor(f"O{len(self.entities) + 1:05d}", "org", name, name.split()[0], country=country,
                      sector=sector)
        self.entities[actor.id] = actor
        return actor

    def _country(self, index: int, spec: tuple) -> Country:
        name, adj, capital, cities, regions, currency, head_title, legislature = spec
        rng = self.rng
        c = Country(index, name, adj, capital, cities, regions, currency, head_title, legislature,
                    rng.randint(3, 60))
        head_desc = "the prime minister" if head_title == "Prime Minister" else "the president"
        c.people["head"] = self.person(name, head_title, head_desc, f"the {adj} government")
        for m in V.MINISTRIES:
            ministry = "defence" if m == "defence" else m
            c.people[f"minister:{m}"] = self.person(
                name, f"{ministry.capitalize()} Minister", f"the {ministry} minister",
                f"the {ministry} ministry")
        parties = [f"{rng.choice(V.PARTY_WORDS[0])} {rng.choice(V.PARTY_WORDS[1])}" for _ in range(3)]
        c.people["opposition"] = self.person(name, "opposition leader", "the opposition leader",
                                             f"the {parties[0]}")
        c.people["central_banker"] = self.person(name, "central bank governor",
                                                 "the central bank governor", f"the Bank of {name}")
        c.people["police_chief"] = self.person(name, "national police chief", "the police chief",
                                               "the national police")
        agency = rng.choice(("the State Emergency Service", "the National Civil Protection Agency",
                             "the Civil Defence Directorate"))
        c.people["agency_head"] = self.person(name, "emergency service chief",
                                              "the head of the emergency service", agency)
        c.people["regulator"] = self.person(name, "competition authority chief",
                                            "the competition regulator", "the Competition Authority")
        c.people["stats_official"] = self.person(name, "chief statistician", "the chief statistician",
                                                 "the National Statistics Office")
        c.people["health_official"] = self.person(name, "chief medical officer",
                                                  "the chief medical officer", "the Public Health Institute")
        c.people["election_official"] = self.person(name, "election commission chair",
                                                    "the head of the election commission",
                                                    "the Central Election Commission")
        c.people["spokesperson"] = self.person(name, "government spokesperson",
                                               "the government spokesperson", f"the {adj} government")
        for org in ("the national police", agency, "the Competition Authority",
                    "the National Statistics Office", "the Public Health Institute",
                    f"the Bank of {name}", "the Central Election Commission"):
            self.org(org, name)
        for party in parties:
            self.org(f"the {party}", name)
        stems = rng.sample(V.COMPANY_STEMS, len(V.SECTORS) + 4)
        for i, (sector, words) in enumerate(V.SECTORS.items()):
            names = [f"{stems[i]} {rng.choice(words)}"]
            if i < 4:
                names.append(f"{stems[len(V.SECTORS) + i]} {rng.choice(words)}")
            for cname in names:
                comp = self.org(cname, name, sector)
                comp.ceo = self.person(name, "chief executive", f"the chief executive of {cname}", cname)
                c.companies.setdefault(sector, []).append(comp)
        unions = (f"the {adj} Transport Workers' Union", f"the Confederation of {adj} Trade Unions",
                  "the Union of Health and Care Workers", "the Metalworkers' Federation")
        c.pools["union_head"] = [self.person(name, "union leader", f"the leader of {u}", u) for u in unions]
        for u in unions:
            self.org(u, name)
        c.pools["expert"] = []
        for title in ("economist", "political analyst", "legal scholar", "epidemiologist",
                      "energy analyst", "civil engineer", "foreign policy analyst", "economist"):
            pattern = rng.choice(V.UNIVERSITY_PATTERNS + V.THINK_TANKS)
            org = pattern.format(city=rng.choice(cities), capital=capital, adj=adj)
            c.pools["expert"].append(self.person(name, title, f"an {title}" if title[0] in "aeiou"
                                                 else f"a {title}", org))
        c.pools["mp"] = [self.person(name, "lawmaker", f"a lawmaker from the {rng.choice(parties)}",
                                     f"the {rng.choice(parties)}") for _ in range(4)]
        c.pools["judge"] = [self.person(name, "Judge", "the presiding judge", "the court") for _ in range(3)]
        c.pools["prosecutor"] = [self.person(name, "chief prosecutor", "the chief prosecutor",
                                             "the prosecutor's office") for _ in range(2)]
        c.pools["lawyer"] = [self.person(name, "defence lawyer", "the defence lawyer", "") for _ in range(4)]
        c.pools["former_official"] = [
            self.person(name, f"former {r}", f"a former {r}", "", oldrole=r)
            for r in ("transport minister", "deputy prime minister", "health minister",
                      "head of the state railways", "regional governor")]
        groups = ("Citizens for Clean Air", "the Tenants' Alliance", "Open Government Now",
                  "the Rivers Trust", "Fair Pay Now")
        c.pools["activist"] = [self.person(name, "campaigner", f"a campaigner with {g}", g) for g in groups]
        for city in cities + (capital,):
            c.mayors[city] = self.person(name, "Mayor", f"the mayor of {city}", f"{city} city council")
        return c


_OCCUPATIONS = ("shopkeeper", "retired teacher", "nurse", "farmer", "taxi driver", "student",
                "factory worker", "pensioner", "engineer", "cafe owner", "bus driver", "mechanic")


# --- stories ------------------------------------------------------------------------


@dataclass
class Story:
    id: str
    storyline: str
    event: str
    topic: str
    country: Country
    city: str
    region: str
    neighbour: Country
    when: datetime
    roles: dict[str, Actor]
    facts: dict[str, str]
    numbers: dict[str, int]
    quotes: list[tuple[str, str, set[str]]]
    summary: str
    prev: list[Story]


def _fact(rng: random.Random, kind: str, lo: int, hi: int) -> tuple[str, int]:
    if kind == "int":
        v = rng.randint(lo, hi)
        return _number(v), v
    if kind == "thousands":
        v = rng.randint(lo, hi) * 1000
        return f"{v:,}", v
    if kind in ("pct", "dec"):
        v = rng.randint(lo, hi)
        return f"{v / 10:.1f}", v
    if kind == "money":
        v = rng.randint(lo, hi)
        return (f"${v / 1000:.1f} billion" if v >= 1000 else f"${v} million"), v
    if kind == "choice":
        v = rng.choice((lo, hi))
        return str(v), v
    raise ValueError(kind)


_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _number(v: int) -> str:
    """News style: words below ten, digits with thousands separators above."""
    return _SMALL[v] if 0 <= v < 10 else f"{v:,}"


class Mention:
    """An actor inside a template: title and full name first, surname afterwards."""

    __slots__ = ("a", "st")

    def __init__(self, actor: Actor, state: _State) -> None:
        self.a, self.st = actor, state

    def __format__(self, spec: str) -> str:
        a = self.a
        self.st.used.add(a.id)
        if a.kind != "person":
            return a.name
        if a.id in self.st.seen:
            return a.last
        self.st.seen.add(a.id)
        return f"{a.title} {a.name}" if a.title else a.name

    def _use(self) -> Actor:
        self.st.used.add(self.a.id)
        return self.a

    @property
    def full(self) -> str:
        self.st.seen.add(self.a.id)
        return self._use().name

    @property
    def last(self) -> str:
        # In running text the first mention still gets title and full name.
        if self.a.kind == "person" and not self.st.headline and self.a.id not in self.st.seen:
            return format(self, "")
        return self._use().last

    @property
    def title(self) -> str:
        return self._use().title

    @property
    def desc(self) -> str:
        return self._use().desc

    @property
    def org(self) -> str:
        a = self._use()
        if a.org:
            self.st.used.update(e for e in self.st.org_ids.get(a.org, ()))
        return a.org or "the government"

    @property
    def oldrole(self) -> str:
        return self._use().oldrole or "official"

    @property
    def he(self) -> str:
        return "she" if self.a.gender == "f" else "he"

    @property
    def his(self) -> str:
        return "her" if self.a.gender == "f" else "his"

    @property
    def him(self) -> str:
        return "her" if self.a.gender == "f" else "him"


@dataclass
class _State:
    headline: bool = False
    seen: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    org_ids: dict[str, list[str]] = field(default_factory=dict)


class _Pick:
    """A field that draws a fresh alternative every time it is formatted."""

    __slots__ = ("rng", "options")

    def __init__(self, rng: random.Random, options: tuple[str, ...]) -> None:
        self.rng, self.options = rng, options

    def __format__(self, spec: str) -> str:
        return self.rng.choice(self.options)


class _Ctx(dict):
    def __missing__(self, key: str) -> Any:
        raise KeyError(f"template field {{{key}}} not provided")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s and s[0].islower() else s


class Renderer:
    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng = rng
        self.world = world
        self.org_ids: dict[str, list[str]] = {}
        for e in world.entities.values():
            if e.kind == "org":
                self.org_ids.setdefault(e.name, []).append(e.id)

    def ctx(self, story: Story, state: _State, facts: dict[str, str] | None = None) -> _Ctx:
        rng = self.rng
        c = story.country
        ctx = _Ctx(facts or story.facts)
        state.org_ids = self.org_ids
        for role, actor in story.roles.items():
            ctx[role] = Mention(actor, state)
        for role in ("leader", "opposition"):  # generic paragraphs may name them
            if role not in ctx:
                ctx[role] = Mention(c.people["head" if role == "leader" else "opposition"], state)
        ctx.update(
            city=story.city, country=c.name, adj=c.adj, capital=c.capital, region=story.region,
            legislature=c.legislature, currency=c.currency, population=str(c.population),
            neighbour=story.neighbour.name, neighbour_adj=story.neighbour.adj,
            weekday=V.WEEKDAYS[story.when.weekday()],
            prevday=V.WEEKDAYS[(story.when.weekday() - 1) % 7],
            nextday=V.WEEKDAYS[(story.when.weekday() + 3) % 7],
            date=f"{V.MONTHS[story.when.month - 1]} {story.when.day}",
            month=V.MONTHS[(story.when.month - 2) % 12],
            nextmonth=V.MONTHS[story.when.month % 12],
            topic_noun=_Pick(rng, tuple(t.format(currency=c.currency) for t in V.TOPIC_NOUNS[story.topic])),
            criticism=_Pick(rng, V.CRITICISM[story.topic]),
            expert_view=_Pick(rng, V.EXPERT_VIEWS[story.topic]),
            intl=rng.choice(V.INTL_BODIES),
            event_word=_EVENT_WORDS.get(story.event, "news"),
        )
        if story.prev:
            prev = rng.choice(story.prev)
            ctx["prev_summary"] = prev.summary
            ctx["prev_summary_cap"] = _cap(prev.summary)
            ctx["prev_month"] = V.MONTHS[prev.when.month - 1]
        return ctx

    def say(self, template: str, ctx: _Ctx) -> str:
        text = _CHOICE.sub(lambda m: self.rng.choice(m.group(1).split("|")), template)
        return _cap(_SPACES.sub(" ", text.format_map(ctx)).strip())


_EVENT_WORDS = {
    "flood": "disaster", "earthquake": "disaster", "collapse": "collapse", "wildfire": "fire",
    "bill_vote": "vote", "resignation": "resignation", "protest": "protest", "election": "result",
    "rate_decision": "decision", "layoffs": "announcement", "merger": "deal", "strike": "strike",
    "inflation": "data", "verdict": "verdict", "arrest": "operation", "outbreak": "outbreak",
    "outage": "outage", "pipeline": "agreement", "summit": "summit",
}
_SECTOR_WORK = ("public transport", "rail services", "the ports", "hospitals", "schools", "airports")

_EXTRA_GENERIC = (
    "The government has promised [a full|a thorough|an independent] review, but critics say similar pledges have been made before.",
    "Officials declined to say [when|whether] further measures would be announced.",
    "{intl} said it was following developments in {country} closely.",
    "The [story|issue] has dominated [{adj} television|front pages in {capital}|social media in {country}] [all week|since {prevday}].",
    "Business groups in {capital} said uncertainty was already weighing on investment decisions.",
    "Local officials in {city} said they had not been consulted in advance.",
)


class StoryMaker:
    def __init__(self, rng: random.Random, world: World, renderer: Renderer) -> None:
        self.rng, self.world, self.r = rng, world, renderer

    def bind(self, spec: str, line: dict[str, Actor], role: str, country: Country, city: str,
             neighbour: Country, topic: str) -> Actor:
        """The actor playing ``role``; a storyline keeps its cast from story to story."""
        rng, w = self.rng, self.world
        key = f"{role}|{spec}"
        if key in line:
            return line[key]
        if spec in ("minister:*", "company:*"):  # "the minister" of an earlier story, if any
            earlier = [a for k, a in sorted(line.items()) if k.startswith(f"{role}|")]
            if earlier:
                return earlier[0]
        if spec == "minister:*":
            actor = country.people[f"minister:{rng.choice(V.MINISTRIES[:8])}"]
        elif spec == "foreign_minister":
            actor = country.people["minister:foreign"]
        elif spec in country.people:
            actor = country.people[spec]
        elif spec.startswith("company:"):
            sector = spec.split(":")[1]
            if sector == "*":
                sector = rng.choice(sorted(country.companies))
            taken = {a.id for a in line.values()}
            options = [c for c in country.companies[sector] if c.id not in taken] or \
                [c for cs in country.companies.values() for c in cs if c.id not in taken]
            actor = rng.choice(options)
        elif spec == "ceo":
            comp = next((a for k, a in sorted(line.items()) if k.startswith("company|")), None)
            actor = comp.ceo if comp and comp.ceo else rng.choice(  # type: ignore[assignment]
                [c for cs in country.companies.values() for c in cs]).ceo
            return actor
        elif spec == "mayor":
            actor = country.mayors[city]
        elif spec == "foreign_head":
            actor = neighbour.people["head"]
        elif spec == "expert":
            wanted = {"politics": "political analyst", "economy": "economist", "justice": "legal scholar",
                      "health": "epidemiologist", "energy": "energy analyst", "disaster": "civil engineer",
                      "diplomacy": "foreign policy analyst"}[topic]
            pool = [e for e in country.pools["expert"] if e.title == wanted] or country.pools["expert"]
            actor = rng.choice(pool)
        elif spec in country.pools:
            actor = rng.choice(country.pools[spec])
        elif spec == "resident":
            return w.person(country.name, rng.choice(_OCCUPATIONS), f"a resident of {city}",
                            unique_surname=False)
        elif spec == "doctor":
            return w.person(country.name, "Dr", f"a doctor at {city} General Hospital",
                            f"{city} General Hospital", unique_surname=False)
        elif spec == "suspect":
            return w.person(country.name, rng.choice(("businessman", "manager", "executive")), "a suspect",
                            unique_surname=False)
        else:
            raise ValueError(f"unknown actor spec {spec}")
        line[key] = actor
        return actor

    def storylines(self, count_stories: int) -> list[Story]:
        rng = self.rng
        stories: list[Story] = []
        topics = sorted(V.STORYLINE_WEIGHTS)
        weights = [V.STORYLINE_WEIGHTS[t] for t in topics]
        line_no = 0
        while len(stories) < count_stories:
            line_no += 1
            topic = rng.choices(topics, weights)[0]
            country = rng.choice(self.world.countries)
            neighbour = rng.choice([c for c in self.world.countries if c is not country])
            city = rng.choice(country.cities)
            region = rng.choice(country.regions)
            length = min(rng.choices((1, 2, 3, 4, 5, 6), (30, 25, 18, 12, 9, 6))[0],
                         count_stories - len(stories))
            cast: dict[str, Actor] = {}
            when = START + timedelta(days=rng.uniform(0, SPAN_DAYS - 60))
            events = V.STORYLINES[topic]
            first = [e for e in events if V.EVENTS[e]["topic"] == topic] or list(events)
            prev: list[Story] = []
            sl_id = f"L{line_no:04d}"
            for i in range(length):
                event = rng.choice(first) if i == 0 else rng.choice(events)
                if i:
                    when += timedelta(days=rng.uniform(2, 30), hours=rng.uniform(-6, 6))
                story = self.story(f"S{len(stories) + 1:05d}", sl_id, event, country, city, region,
                                   neighbour, when, cast, list(prev))
                stories.append(story)
                prev.append(story)
        return stories

    def story(self, sid: str, line: str, event: str, country: Country, city: str, region: str,
              neighbour: Country, when: datetime, cast: dict[str, Actor], prev: list[Story]) -> Story:
        rng, spec = self.rng, V.EVENTS[event]
        topic = spec["topic"]
        when = when.replace(hour=rng.randint(5, 20), minute=rng.choice((0, 15, 30, 45)), second=0,
                            microsecond=0)
        roles = {role: self.bind(s, cast, role, country, city, neighbour, topic)
                 for role, s in spec["roles"].items()}
        facts: dict[str, str] = {}
        numbers: dict[str, int] = {}
        for name, (kind, lo, hi) in spec["facts"].items():
            facts[name], numbers[name] = _fact(rng, kind, lo, hi)
        for name, options in spec.get("pick", {}).items():
            facts[name] = rng.choice(options)
        if "disease" in facts:
            facts["disease_cap"] = _cap(facts["disease"])
        comp = roles.get("company")
        facts["sector_noun"] = V.SECTOR_NOUNS.get(comp.sector, "company") if comp else "company"
        facts["sector_work"] = rng.choice(_SECTOR_WORK)
        facts["days_appeal"] = rng.choice(("14", "15", "30"))
        facts["weeks"] = str(rng.randint(2, 6))
        story = Story(sid, line, event, topic, country, city, region, neighbour, when, roles, facts,
                      numbers, [], "", prev)
        st = _State()
        ctx = self.r.ctx(story, st)
        story.summary = self.r.say(spec["summary"], ctx)
        story.summary = story.summary[:1].lower() + story.summary[1:] if story.summary.startswith(
            ("The ", "A ")) else story.summary
        for role, texts in spec["quotes"].items():
            if role not in roles:
                continue
            for text in texts:
                qst = _State()
                story.quotes.append((role, self.r.say(text, self.r.ctx(story, qst)), qst.used))
        rng.shuffle(story.quotes)
        return story


# --- articles -----------------------------------------------------------------------


@dataclass
class Outlet:
    name: str
    slug: str
    domain: str
    home: int | None
    agency: bool
    tz: timezone
    spelling: str
    schema: str
    guid: str
    layout: int


@dataclass
class Article:
    key: str = ""
    story: Story | None = None
    outlet: Outlet | None = None
    title: str = ""
    author: str = ""
    paragraphs: list[str] = field(default_factory=list)  # body paragraphs only
    subheads: dict[int, str] = field(default_factory=dict)  # before paragraph i
    published: datetime = START
    url: str = ""
    kind: str = "original"
    duplicate_of: Article | None = None
    entities: set[str] = field(default_factory=set)
    facts: dict[str, str] = field(default_factory=dict)
    jaccard: dict[str, float] = field(default_factory=dict)
    section: str = "World"
    caption: str = ""
    fmt: str = ""
    extras: dict[str, Any] = field(default_factory=dict)


_US = dict(V.UK_US)
_UKUS = re.compile(r"\b(?:" + "|".join(re.escape(uk) for uk, _ in V.UK_US) + r")\b")
_QUOTE_FORMS = (
    "\"{qc}\" {speaker} said.",
    "\"{qc}\" {speaker} said.",
    "\"{qc}\" {speaker} [said in an interview|added|said later].",
    "{speaker} said: \"{q}\"",
    "\"{qc}\" {speaker} said [in a statement|at a news conference|in a televised address|on {weekday}].",
    "\"{qc}\" said {speaker}.",
    "{speaker} told reporters: \"{q}\"",
)


def americanise(text: str) -> str:
    return _UKUS.sub(lambda m: _US[m.group(0)], text)


_SYN_GROUPS = {w: g for g in V.SYNONYMS for w in g}
_SYN = re.compile(r"\b(?:" + "|".join(sorted((re.escape(w) for w in _SYN_GROUPS), key=len, reverse=True))
                  + r")\b(?!')")


def paraphrase(text: str, rng: random.Random, rate: float = 0.7) -> str:
    """Swap interchangeable words outside quotation marks (quotes stay verbatim)."""
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        return rng.choice(_SYN_GROUPS[word]) if rng.random() < rate else word

    parts = text.split('"')
    for i in range(0, len(parts), 2):
        parts[i] = _SYN.sub(swap, parts[i])
    return '"'.join(parts)


def filler(rng: random.Random) -> str:
    return (f"{rng.choice(V.FILLER_SUBJECTS)} {rng.choice(V.FILLER_VERBS)} {rng.choice(V.FILLER_CLAUSES)}"
            f"{rng.choice(V.FILLER_TAILS)}.")


def attribute(sentence: str, rng: random.Random) -> str:
    """'X happened.' -> 'X happened, officials said.' now and then."""
    if sentence.endswith(".") and '"' not in sentence and rng.random() < 0.3:
        return f"{sentence[:-1]}, {rng.choice(V.ATTRIBUTIONS)}."
    return sentence


class Writer:
    """Writes one outlet's article about one story."""

    def __init__(self, rng: random.Random, renderer: Renderer) -> None:
        self.rng, self.r = rng, renderer

    def article(self, story: Story, outlet: Outlet, published: datetime) -> Article:
        rng, r = self.rng, self.r
        spec = V.EVENTS[story.event]
        facts = dict(story.facts)
        for name in ("dead", "injured", "missing", "arrests", "cases"):
            # Early reports carry lower tolls: about a quarter of articles are behind.
            if name in story.numbers and rng.random() < 0.25:
                v = max(1, int(story.numbers[name] * rng.uniform(0.5, 0.9)))
                facts[name] = _number(v)
        st = _State()
        ctx = r.ctx(story, st, facts)
        target = int(rng.triangular(320, 800, 430))
        paras: list[str] = []

        def para(*templates: str) -> None:
            paras.append(" ".join(attribute(r.say(t, ctx), rng) for t in templates))

        lead = r.say(rng.choice(spec["leads"]), ctx)
        if outlet.agency:
            lead = f"{story.city.upper()}, {ctx['date']} ({V.AGENCY_ABBR[outlet.name]}) - {lead}"
        elif rng.random() < 0.3:
            lead = f"{story.city.upper()} \u2014 {lead}"
        paras.append(lead)
        details = list(spec["details"])
        rng.shuffle(details)
        details = details[: max(2, round(len(details) * rng.uniform(0.5, 1.0)))]
        quotes = list(story.quotes)
        rng.shuffle(quotes)
        quotes = quotes[: rng.randint(min(2, len(quotes)), min(5, len(quotes)))]
        color = list(spec.get("color", ()))
        generic: list[list[str]] = []
        if story.prev:
            generic.append([rng.choice(V.BACKGROUND)])
        if "opposition" in story.roles or story.topic in ("politics", "economy", "disaster", "justice"):
            if rng.random() < 0.7:
                generic.append([rng.choice(V.REACTION)])
        if "expert" in story.roles:
            generic += [[t] for t in rng.sample(V.EXPERT, 2)]
        context = list(V.CONTEXT) + list(_EXTRA_GENERIC) + list(V.EXPLAINERS[story.topic])
        rng.shuffle(context)
        context = context[: rng.randint(2, 5)]
        people = list({m.a.id: m for m in (ctx[r] for r in list(story.roles) + ["leader", "opposition"])
                       if isinstance(m, Mention) and m.a.kind == "person"}.values())
        actions = rng.sample(V.ACTIONS, min(len(V.ACTIONS), rng.randint(12, 24)))
        if not story.prev:
            context = [t for t in context if "prev_" not in t]

        # Lead, one or two detail paragraphs, the main quote, then a mix.
        para(*[details.pop() for _ in range(min(len(details), rng.randint(1, 2)))])
        plan: list[str] = []
        plan += ["quote"] * len(quotes)
        plan += ["detail"] * ((len(details) + 1) // 2)
        plan += ["color"] * len(color)
        plan += ["generic"] * len(generic)
        plan += ["context"] * rng.randint(1, 3)
        plan += ["action"] * len(actions)
        rng.shuffle(plan)
        if quotes:
            plan.insert(0, "quote")
        words = sum(len(p.split()) for p in paras)
        for step in plan + ["context"] * len(context):
            if words >= target - 25:
                break
            if step == "quote" and quotes:
                role, text, used = quotes.pop()
                st.used |= used
                q = text
                qc = q[:-1] + "," if q.endswith(".") else q
                form = rng.choice(_QUOTE_FORMS)
                ctx["speaker"] = ctx[role]
                paras.append(r.say(form.replace("{q}", "{_q}").replace("{qc}", "{_qc}"),
                                   _Ctx(ctx, _q=q, _qc=qc)))
                if details and rng.random() < 0.4:
                    paras[-1] += " " + r.say(details.pop(), ctx)
            elif step == "detail" and details:
                para(*[details.pop() for _ in range(min(len(details), rng.randint(1, 2)))])
            elif step == "color" and color:
                para(color.pop())
            elif step == "generic" and generic:
                para(*generic.pop())
            elif step == "action" and actions:
                n_sent = min(len(actions), rng.randint(1, 2))
                sentences = []
                for _ in range(n_sent):
                    first = rng.choice(people)
                    others = [m for m in people if m.a.last != first.a.last] or [first]
                    ctx["a"], ctx["b"] = first, rng.choice(others)
                    sentences.append(r.say(actions.pop(), ctx))
                paras.append(" ".join(sentences))
            elif step == "context" and context:
                para(*[context.pop() for _ in range(min(len(context), rng.randint(1, 2)))])
            else:
                continue
            words += len(paras[-1].split())
        while words < 300:  # short of material: top up with grammar-built background
            para(*[filler(rng) for _ in range(rng.randint(1, 2))])
            words += len(paras[-1].split())
        if spec.get("next") and rng.random() < 0.8:
            para(rng.choice(spec["next"]))
        paras = [paraphrase(p, rng) for p in paras]
        if outlet.spelling == "us":
            paras = [americanise(p) for p in paras]
        title = r.say(rng.choice(spec["headlines"]), r.ctx(story, _State(headline=True), facts))
        a = Article(story=story, outlet=outlet, title=title, paragraphs=paras, published=published,
                    entities=set(st.used), facts={k: facts[k] for k in story.numbers})
        a.author = self.byline(outlet, story)
        a.section = _SECTION_BY_TOPIC[story.topic]
        if len(paras) > 6 and rng.random() < 0.5:
            a.subheads[rng.randint(3, len(paras) - 2)] = rng.choice(V.SUBHEADS)
        if rng.random() < 0.3:
            a.caption = r.say(rng.choice(_CAPTIONS), r.ctx(story, _State(), facts))
        return a

    def byline(self, outlet: Outlet, story: Story) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return f"{outlet.name} staff" if not outlet.agency else V.AGENCY_ABBR[outlet.name]
        names = [f"{rng.choice(V.FIRST_F + V.FIRST_M)} {rng.choice(V.LAST)}"
                 for _ in range(rng.choice((1, 1, 1, 2)))]
        return " and ".join(names)


_SECTION_BY_TOPIC = {"politics": "Politics", "economy": "Business", "disaster": "World",
                     "justice": "Justice", "health": "Health", "energy": "Climate",
                     "diplomacy": "World"}
_CAPTIONS = (
    "Rescue workers and residents in {city} on {weekday} (Photo: Staff/Agency)",
    "A view of central {city} (file photo)",
    "{leader.full} speaks to reporters in {capital} (Photo: Government press office)",
    "People gather in {capital} on {weekday} (Photo: Reuters-style pool)",
)
_SUBSTITUTIONS = (
    (re.compile(r"\bsaid\b"), "says"), (re.compile(r"\bofficials\b"), "authorities"),
    (re.compile(r"\bmore than\b"), "over"), (re.compile(r"\babout\b"), "around"),
    (re.compile(r"\bafter\b"), "following"), (re.compile(r"\bpeople\b"), "residents"),
    (re.compile(r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"), ""),
    (re.compile(r"\bhave been\b"), "were"), (re.compile(r"\bthe government\b"), "the authorities"),
    (re.compile(r"\bper cent\b"), "%"), (re.compile(r"\bpercent\b"), "%"),
    (re.compile(r"^[A-Z][A-Z .]+, [A-Z][a-z]+ \d+ \([A-Z]+\) - "), ""),
)


def wire_copy(rng: random.Random, original: Article, outlet: Outlet, published: datetime,
              exact: bool, renderer: Renderer, writer: Writer) -> Article:
    """Another outlet republishes ``original``: verbatim, or lightly edited."""
    story = original.story
    assert story is not None
    paras = list(original.paragraphs)
    level = "exact"
    if not exact:
        level = rng.choices(("light", "medium", "heavy"), (55, 33, 12))[0]
        n_subs = {"light": rng.randint(2, 5), "medium": rng.randint(6, 12), "heavy": rng.randint(10, 20)}[level]
        if paras and _SUBSTITUTIONS[-1][0].match(paras[0]) and rng.random() < 0.8:
            paras[0] = _SUBSTITUTIONS[-1][0].sub("", paras[0])
            paras[0] = _cap(paras[0])
        for _ in range(n_subs):
            i = rng.randrange(len(paras))
            pattern, repl = rng.choice(_SUBSTITUTIONS[:-1])
            paras[i] = _SPACES.sub(" ", pattern.sub(repl, paras[i], count=1))
        if level == "heavy":  # a rewrite: the copier rewords as well as cuts
            paras = [paraphrase(p, rng, 0.6) for p in paras]
        if outlet.spelling == "us":
            paras = [americanise(p) for p in paras]
        drop = {"light": rng.choice((0, 0, 1)), "medium": rng.choice((1, 2)),
                "heavy": max(2, len(paras) // 3)}[level]
        for _ in range(min(drop, len(paras) - 3)):
            paras.pop(rng.randrange(2, len(paras)) if level != "light" else -1)
        if [p for p in paras] == original.paragraphs or normal_words(" ".join(paras)) == \
                normal_words(" ".join(original.paragraphs)):
            paras.pop()  # a near copy must differ from its original: cut the last paragraph
        if level != "light" and rng.random() < 0.6:
            st = _State()
            ctx = renderer.ctx(story, st)
            extra = renderer.say(rng.choice([t for t in V.CONTEXT if "prev_" not in t]), ctx)
            paras.insert(rng.randint(1, len(paras)), extra)
    copy = Article(story=story, outlet=outlet, paragraphs=paras, published=published,
                   kind="exact" if exact else "near", duplicate_of=original,
                   entities=set(original.entities), facts=dict(original.facts),
                   section=original.section)
    copy.extras["edit"] = level
    if exact or rng.random() < 0.5:
        copy.title = original.title
    else:
        copy.title = renderer.say(rng.choice(V.EVENTS[story.event]["headlines"]),
                                  renderer.ctx(story, _State(headline=True), {**story.facts, **original.facts}))
    copy.author = original.author if (original.outlet and original.outlet.agency) else \
        writer.byline(outlet, story)
    if original.outlet and original.outlet.agency and rng.random() < 0.5:
        copy.author = original.outlet.name
    ow, cw = normal_words("\n\n".join(original.paragraphs)), normal_words("\n\n".join(paras))
    copy.jaccard = {str(k): round(jaccard(ow, cw, k), 4) for k in (3, 4, 5)}
    return copy


# --- formats ------------------------------------------------------------------------


def _slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "article"


def _iso(a: Article) -> str:
    assert a.outlet is not None
    return a.published.astimezone(a.outlet.tz).isoformat()


def _body_html(a: Article, rng: random.Random, related: str | None) -> str:
    out = []
    for i, p in enumerate(a.paragraphs):
        if i in a.subheads:
            out.append(f"<h2>{html.escape(a.subheads[i])}</h2>")
        out.append(f"<p>{html.escape(p)}</p>")
        if related and i == 2:
            out.append(f'<p class="related"><strong>Read more:</strong> <a href="/x">{html.escape(related)}</a></p>')
    return "\n".join(out)


def html_page(a: Article, rng: random.Random) -> str:
    o = a.outlet
    assert o is not None
    esc = html.escape
    sections = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in V.SECTIONS)
    most_read = "".join(f'<li><a href="/most-read/{i}">{esc(t)}</a></li>'
                        for i, t in enumerate(rng.sample(V.FAKE_RELATED, 5)))
    related = rng.choice(V.FAKE_RELATED) if rng.random() < 0.4 else None
    figure = ""
    if a.caption:
        figure = (f'<figure><img src="https://static.{o.domain}/img/{_slug(a.title, 30)}.jpg" alt="">'
                  f"<figcaption>{esc(a.caption)}</figcaption></figure>")
    iso = _iso(a)
    ld = ""
    if o.layout == 1:
        ld = ('<script type="application/ld+json">' + json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
            "datePublished": iso, "author": {"@type": "Person", "name": a.author},
            "publisher": {"@type": "Organization", "name": o.name}, "mainEntityOfPage": a.url,
        }) + "</script>")
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(a.title)} | {esc(o.name)}</title>
<meta name="description" content="{esc(a.paragraphs[0][:160])}">
<meta name="author" content="{esc(a.author)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(a.title)}">
<meta property="og:site_name" content="{esc(o.name)}">
<meta property="og:url" content="{esc(a.url)}">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{a.section}">
<link rel="canonical" href="{esc(a.url)}">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"section":"{a.section}","paywall":false}});</script>
{ld}
</head>
"""
    byline = f'<p class="byline">By <a href="/authors/{_slug(a.author)}">{esc(a.author)}</a></p>'
    when = f'<time datetime="{iso}">{a.published.astimezone(o.tz).strftime("%d %B %Y, %H:%M")}</time>'
    body = _body_html(a, rng, related)
    share = ('<ul class="share"><li><a href="#">Share</a></li><li><a href="#">Tweet</a></li>'
             '<li><a href="#">Email</a></li></ul>')
    footer = (f'<footer class="site-footer"><ul><li><a href="/about">About us</a></li>'
              f'<li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li>'
              f'<li><a href="/terms">Terms of use</a></li></ul>'
              f"<p>\u00a9 2026 {esc(o.name)}. All rights reserved.</p></footer>")
    newsletter = ('<div class="newsletter"><h3>Sign up for our morning briefing</h3><form action="/subscribe">'
                  '<input type="email" placeholder="Your email"><button>Subscribe</button></form></div>')
    cookie = ('<div id="cookie-banner"><p>We use cookies to improve your experience and to show '
              'relevant advertising. By continuing to browse you agree to our use of cookies.</p>'
              '<button>Accept</button></div>')
    nav = (f'<a class="skip" href="#main">Skip to content</a><header class="masthead"><a href="/" class="logo">'
           f"{esc(o.name)}</a><nav><ul>{sections}</ul></nav></header>")
    article = (f'<article class="story"><h1>{esc(a.title)}</h1>{byline}{when}{figure}'
               f'<div class="story-body">{body}</div>{share}</article>')
    aside = f'<aside class="sidebar"><h2>Most read</h2><ol>{most_read}</ol></aside>'
    if o.layout == 0:
        page = f"<body>{cookie}{nav}<main id=\"main\">{article}{aside}</main>{newsletter}{footer}</body>"
    elif o.layout == 1:
        page = (f'<body class="article">{nav}<div class="wrap"><div class="breadcrumb"><a href="/">Home</a> '
                f'&rsaquo; <a href="/{a.section.lower()}">{a.section}</a></div><main id="main">{article}'
                f"</main>{aside}</div>{newsletter}{footer}{cookie}</body>")
    else:
        page = (f'<body><div id="app">{nav}<div class="ad-slot">Advertisement</div><main id="main">'
                f'<div class="col">{article}</div><div class="col">{aside}{newsletter}</div></main>'
                f"{footer}</div>{cookie}</body>")
    return head + page + "\n</html>\n"


def _yaml_value(v: str) -> str:
    return json.dumps(v, ensure_ascii=False) if ":" in v or '"' in v else v


def text_file(a: Article, rng: random.Random, markdown: bool) -> str:
    o = a.outlet
    assert o is not None
    meta = [("title", a.title), ("published", _iso(a)), ("author", a.author), ("url", a.url)]
    if rng.random() < 0.5:
        meta.append(("outlet", o.name))
    head = "---\n" + "".join(f"{k}: {_yaml_value(v)}\n" for k, v in meta) + "---\n"
    lines: list[str] = []
    if markdown:
        lines.append(f"# {a.title}")
        if rng.random() < 0.5:
            lines.append(f"By {a.author}" if " staff" not in a.author else f"*{a.author}*")
        if a.caption:
            lines.append(f"![{a.caption}](https://static.{o.domain}/img/{_slug(a.title, 30)}.jpg)")
    else:
        if rng.random() < 0.4:
            lines.append(a.title)
        if rng.random() < 0.4 and " staff" not in a.author and "," not in a.author:
            lines.append(f"By {a.author}")
        if a.caption and rng.random() < 0.5:
            lines.append(a.caption)
    for i, p in enumerate(a.paragraphs):
        if i in a.subheads:
            lines.append(f"## {a.subheads[i]}" if markdown else a.subheads[i])
        lines.append(p)
    if rng.random() < 0.25:
        lines.append(f"Read more: {rng.choice(V.FAKE_RELATED)}")
    if o.agency and rng.random() < 0.6:
        lines.append(f"(Reporting by {a.author}; Editing by {rng.choice(V.FIRST_F)} {rng.choice(V.LAST)})")
    return head + "\n" + "\n\n".join(lines) + "\n"


def json_record(a: Article, rng: random.Random) -> dict[str, Any]:
    o = a.outlet
    assert o is not None
    parts: list[str] = []
    for i, p in enumerate(a.paragraphs):
        if i in a.subheads:
            parts.append(a.subheads[i])
        parts.append(p)
    text = "\n\n".join(parts)
    ident = hashlib.blake2b(a.url.encode(), digest_size=6).hexdigest()
    if o.schema == "a":
        return {"id": ident, "url": a.url, "title": a.title, "text": text, "published": _iso(a),
                "author": a.author, "outlet": o.name, "section": a.section, "language": "en"}
    if o.schema == "b":
        local = a.published.astimezone(o.tz).replace(tzinfo=None)
        return {"headline": a.title, "body": text, "date": local.strftime("%Y-%m-%d %H:%M:%S"),
                "byline": a.author, "source": o.domain, "link": a.url, "tags": [a.section.lower()]}
    return {"title": a.title, "content": text, "timestamp": int(a.published.timestamp() * 1000),
            "authors": a.author.split(" and "), "site": o.name, "uri": a.url, "wordcount": len(text.split())}


def rss_item(a: Article, guid: str) -> str:
    o = a.outlet
    assert o is not None
    esc = html.escape
    content = _body_html(a, random.Random(0), None)
    perma = "true" if guid == a.url else "false"
    return (f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link>"
            f'<guid isPermaLink="{perma}">{esc(guid)}</guid>'
            f"<pubDate>{format_datetime(a.published.astimezone(o.tz))}</pubDate>"
            f"<dc:creator>{esc(a.author)}</dc:creator><category>{a.section}</category>"
            f"<description>{esc(a.paragraphs[0])}</description>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>")


def rss_feed(o: Outlet, items: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
            f"<title>{html.escape(o.name)}</title><link>https://www.{o.domain}/</link>"
            f"<description>Latest news from {html.escape(o.name)}</description>"
            "<language>en</language>\n" + "\n".join(items) + "\n</channel>\n</rss>\n")


class WarcFile:
    """A gzipped WARC of one outlet's crawl: warcinfo, then request/response pairs."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        from warcio.warcwriter import WARCWriter

        self.fh = open(path, "wb")
        self.writer = WARCWriter(self.fh, gzip=True)
        self.rng = rng
        self.count = 0
        self._write("warcinfo", "", b"software: rashomon-bench\r\nformat: WARC File Format 1.1\r\n",
                    datetime(2026, 11, 1, tzinfo=UTC), ctype="application/warc-fields",
                    extra={"WARC-Filename": path.name})

    def _id(self) -> str:
        return f"<urn:uuid:{self.rng.getrandbits(128):032x}>"

    def _write(self, rtype: str, uri: str, payload: bytes, when: datetime, *, http: Any = None,
               ctype: str = "", extra: dict[str, str] | None = None) -> int:
        headers = {"WARC-Record-ID": self._id(), "WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
        headers.update(extra or {})
        record = self.writer.create_warc_record(uri, rtype, payload=io.BytesIO(payload),
                                                length=len(payload), warc_content_type=ctype,
                                                warc_headers_dict=headers, http_headers=http)
        self.writer.write_record(record)
        self.count += 1
        return self.count

    def page(self, url: str, body: bytes, when: datetime, status: str = "200 OK",
             mime: str = "text/html; charset=utf-8") -> int:
        from warcio.statusandheaders import StatusAndHeaders

        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
        req = StatusAndHeaders(f"GET {path} HTTP/1.1", [("Host", host), ("User-Agent", "rashomon-bench/1")],
                               is_http_request=True)
        self._write("request", url, b"", when, http=req)
        resp = StatusAndHeaders(status, [("Content-Type", mime), ("Content-Length", str(len(body))),
                                         ("Server", "nginx")], protocol="HTTP/1.1")
        return self._write("response", url, body, when, http=resp)

    def close(self) -> None:
        self.fh.close()


# --- assembly -----------------------------------------------------------------------


def _outlets() -> list[Outlet]:
    return [Outlet(name, slug, domain, home, agency, timezone(timedelta(minutes=tz)), spelling, schema,
                   guid, layout)
            for name, slug, domain, home, agency, tz, spelling, schema, guid, layout in V.OUTLETS]


def _sources_toml(outlets: list[Outlet], world: World) -> str:
    lines = ["# Outlets of the synthetic benchmark corpus. Everything here is fictional.", ""]
    for o in outlets:
        country = world.countries[o.home].name if o.home is not None else None
        lines += ["[[outlet]]", f'name = "{o.name}"', f'domains = ["{o.domain}"]', f'dirs = ["{o.slug}"]']
        if country:
            lines.append(f'country = "{country}"')
        lines += ['language = "en"', f"state_affiliated = {'true' if o.slug == 'nbs' else 'false'}", ""]
    return "\n".join(lines)


def generate(out_dir: str | os.PathLike[str], n: int, seed: int = 0, *, noise: bool = True) -> dict[str, Any]:
    """Write a corpus of ``n`` articles to ``out_dir/corpus`` and ``out_dir/truth.json``."""
    started = time.perf_counter()
    rng = random.Random(seed)
    out = Path(out_dir)
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=False)
    world = World(random.Random(rng.getrandbits(64)))
    renderer = Renderer(random.Random(rng.getrandbits(64)), world)
    maker = StoryMaker(random.Random(rng.getrandbits(64)), world, renderer)
    writer = Writer(random.Random(rng.getrandbits(64)), renderer)
    outlets = _outlets()

    n_exact = round(n * EXACT_SHARE)
    n_near = round(n * NEAR_SHARE)
    n_orig = n - n_exact - n_near
    cover_rng = random.Random(rng.getrandbits(64))
    coverage: list[int] = []
    while sum(coverage) < n_orig:
        coverage.append(cover_rng.choices(range(1, 10), (10, 18, 22, 18, 12, 8, 6, 4, 2))[0])
    coverage[-1] -= sum(coverage) - n_orig
    stories = maker.storylines(len(coverage))
    stories.sort(key=lambda s: s.when)

    articles: list[Article] = []
    by_story: dict[str, list[Article]] = {}
    for story, k in zip(stories, coverage):
        weights = [4 if o.agency else 3 if o.home == story.country.index else 1 for o in outlets]
        chosen: list[Outlet] = []
        pool = list(range(len(outlets)))
        for _ in range(min(k, len(outlets))):
            i = cover_rng.choices(pool, [weights[j] for j in pool])[0]
            pool.remove(i)
            chosen.append(outlets[i])
        for o in chosen:
            delay = timedelta(hours=cover_rng.uniform(0.4, 3) if o.agency else cover_rng.uniform(1, 30))
            a = writer.article(story, o, (story.when + delay).replace(second=0, microsecond=0))
            articles.append(a)
            by_story.setdefault(story.id, []).append(a)

    # Wire copies: mostly agency originals, republished by an outlet not covering the story.
    dup_rng = random.Random(rng.getrandbits(64))
    originals = list(articles)
    agency_originals = [a for a in originals if a.outlet and a.outlet.agency]
    for exact, count in ((True, n_exact), (False, n_near)):
        for _ in range(count):
            src_pool = agency_originals if dup_rng.random() < 0.75 and agency_originals else originals
            original = dup_rng.choice(src_pool)
            assert original.story is not None
            taken = {a.outlet.slug for a in by_story[original.story.id] if a.outlet}
            free = [o for o in outlets if o.slug not in taken and not o.agency] or \
                [o for o in outlets if o.slug not in taken]
            if not free:
                original = dup_rng.choice([a for a in originals if a.story and len(by_story[a.story.id]) < 6])
                assert original.story is not None
                taken = {a.outlet.slug for a in by_story[original.story.id] if a.outlet}
                free = [o for o in outlets if o.slug not in taken]
            outlet = dup_rng.choice(free)
            when = original.published + timedelta(minutes=dup_rng.randint(30, 12 * 60))
            copy = wire_copy(dup_rng, original, outlet, when, exact, renderer, writer)
            articles.append(copy)
            by_story[original.story.id].append(copy)

    # Formats: exact shares, shuffled; URLs and keys follow the format.
    fmt_rng = random.Random(rng.getrandbits(64))
    formats: list[str] = []
    for fmt, share in FORMAT_SHARES:
        formats += [fmt] * round(n * share)
    formats = (formats + ["txt"] * n)[:n]
    fmt_rng.shuffle(formats)
    used_slugs: set[str] = set()
    for a, fmt in zip(articles, formats):
        a.fmt = fmt
        o = a.outlet
        assert o is not None and a.story is not None
        local = a.published.astimezone(o.tz)
        base = _slug(a.title)
        slug = base
        i = 1
        while f"{o.slug}/{slug}" in used_slugs:
            i += 1
            slug = f"{base}-{i}"
        used_slugs.add(f"{o.slug}/{slug}")
        a.url = f"https://www.{o.domain}/{a.section.lower()}/{local:%Y/%m/%d}/{slug}"
        a.extras["slug"] = slug

    write_rng = random.Random(rng.getrandbits(64))
    expected_skips: list[dict[str, str]] = []
    containers: dict[tuple[str, str], list[Article]] = {}
    for a in articles:
        o = a.outlet
        assert o is not None
        local = a.published.astimezone(o.tz)
        if a.fmt in ("txt", "md"):
            rel = f"{o.slug}/articles/{local:%Y-%m}/{local:%Y-%m-%d}-{a.extras['slug']}.{a.fmt}"
            _write(corpus / rel, text_file(a, write_rng, a.fmt == "md"))
            a.key = rel
        elif a.fmt == "html":
            rel = f"{o.slug}/pages/{local:%Y/%m}/{a.extras['slug']}.html"
            _write(corpus / rel, html_page(a, write_rng))
            a.key = rel
        else:
            containers.setdefault((o.slug, a.fmt), []).append(a)
    by_slug = {o.slug: o for o in outlets}
    bad_lines = max(1, n // 2000) if noise else 0
    for (slug, fmt), group in sorted(containers.items()):
        o = by_slug[slug]
        group.sort(key=lambda a: (a.published, a.url))
        if fmt == "jsonl":
            for f, chunk in enumerate(_chunks(group, JSONL_PER_FILE), 1):
                rel = f"{slug}/exports/articles-{f:03d}.jsonl"
                lines = []
                for a in chunk:
                    lines.append(json.dumps(json_record(a, write_rng), ensure_ascii=False))
                    a.key = f"{rel}#line {len(lines)}"
                    if bad_lines and write_rng.random() < 0.02:
                        bad_lines -= 1
                        broken = json.dumps(json_record(a, write_rng))[: write_rng.randint(40, 200)]
                        lines.append(broken)
                        expected_skips.append({"key": f"{rel}#line {len(lines)}", "why": "malformed JSON"})
                _write(corpus / rel, "\n".join(lines) + "\n")
        elif fmt == "rss":
            ext = "rss" if o.layout != 1 else "xml"
            for f, chunk in enumerate(_chunks(group, RSS_PER_FILE), 1):
                rel = f"{slug}/feeds/feed-{f:03d}.{ext}"
                items = []
                for a in chunk:
                    guid = a.url if o.guid == "url" else f"{slug}:{hashlib.blake2b(a.url.encode(), digest_size=5).hexdigest()}"
                    items.append(rss_item(a, guid))
                    a.key = f"{rel}#entry {guid}"
                _write(corpus / rel, rss_feed(o, items))
        elif fmt == "warc":
            for f, chunk in enumerate(_chunks(group, WARC_PER_FILE), 1):
                rel = f"{slug}/crawl/crawl-{f:03d}.warc.gz"
                (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
                warc = WarcFile(corpus / rel, random.Random(write_rng.getrandbits(64)))
                for j, a in enumerate(chunk):
                    fetched = (a.published + timedelta(hours=write_rng.uniform(1, 72))).astimezone(UTC)
                    number = warc.page(a.url, html_page(a, write_rng).encode("utf-8"), fetched)
                    a.key = f"{rel}#record {number}"
                    if j % 20 == 7:  # crawl noise the reader must ignore silently
                        warc.page(f"https://www.{o.domain}/static/site.css", b"body{margin:0}", fetched,
                                  mime="text/css")
                        warc.page(f"https://www.{o.domain}/gone/{j}", b"<html><body>Not found</body></html>",
                                  fetched, status="404 Not Found")
                warc.close()
    if noise:
        for i in range(max(1, n // 5000)):
            o = outlets[i % len(outlets)]
            rel = f"{o.slug}/articles/empty-{i + 1}.txt"
            _write(corpus / rel, "")
            expected_skips.append({"key": rel, "why": "empty file"})
            rel = f"{o.slug}/articles/brief-{i + 1}.md"
            _write(corpus / rel, "---\ntitle: Developing story\n---\n\nMore to follow.\n")
            expected_skips.append({"key": rel, "why": "too short"})
    _write(corpus / "sources.toml", _sources_toml(outlets, world))  # read as settings, not as input

    truth = _truth(n, seed, articles, stories, world, outlets, expected_skips)
    with open(out / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, separators=(",", ":"))
    truth["generation_seconds"] = round(time.perf_counter() - started, 2)  # not in the file
    return truth


def _truth(n: int, seed: int, articles: list[Article], stories: list[Story], world: World,
           outlets: list[Outlet], skips: list[dict[str, str]]) -> dict[str, Any]:
    arts: dict[str, Any] = {}
    for a in articles:
        o, s = a.outlet, a.story
        assert o is not None and s is not None
        words = normal_words("\n\n".join(a.paragraphs))
        entry: dict[str, Any] = {
            "story": s.id, "duplicate_of": a.duplicate_of.key if a.duplicate_of else None,
            "kind": a.kind, "outlet": o.name, "format": a.fmt, "title": a.title,
            "published": _iso(a), "url": a.url, "author": a.author,
            "words": len(words), "body_hash": _hash_words(words),
            "entities": sorted(a.entities), "facts": a.facts,
        }
        if a.jaccard:
            entry["jaccard"] = a.jaccard
            entry["edit"] = a.extras.get("edit")
        arts[a.key] = entry
    used = {e for a in articles for e in a.entities} | {x.id for s in stories for x in s.roles.values()}
    return {
        "version": VERSION, "n": n, "seed": seed, "corpus": "corpus",
        "articles": arts,
        "stories": {s.id: {"storyline": s.storyline, "event": s.event, "topic": s.topic,
                           "date": s.when.isoformat(), "country": s.country.name, "city": s.city,
                           "region": s.region, "summary": s.summary,
                           "roles": {r: x.id for r, x in s.roles.items()},
                           "facts": {k: s.facts[k] for k in s.numbers},
                           "quotes": [{"role": r, "text": t} for r, t, _ in s.quotes],
                           "previous": [p.id for p in s.prev]}
                    for s in stories},
        "storylines": sorted({s.storyline for s in stories}),
        "entities": {eid: world.entities[eid].truth() for eid in sorted(used)},
        "outlets": [{"name": o.name, "dir": o.slug, "domain": o.domain, "agency": o.agency,
                     "utc_offset_minutes": int(o.tz.utcoffset(None).total_seconds() // 60)}
                    for o in outlets],
        "expected_skips": skips,
    }


def _chunks(items: list[Article], size: int) -> list[list[Article]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


__all__ = ["generate", "body_hash", "normal_words", "jaccard"]

if __name__ == "__main__":  # pragma: no cover - convenience: python -m bench.generate OUT N
    import sys

    t = generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    print(f"{len(t['articles'])} articles, {len(t['stories'])} stories in {t['generation_seconds']}s")
