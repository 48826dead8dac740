"""Synthetic, already-annotated articles with story structure, for story clustering at scale.

``generate_features(n, seed)`` returns :class:`Corpus`: ``n`` articles as the clusterer's
input (:class:`rashomon.stories.ArticleFeatures`: a day and weighted keys, ``t:term`` and
``e:entity``), with the true story and storyline of each. It skips text altogether: the
keys are drawn as an annotated article would yield them, so a million articles take a
minute or two and a few GiB, not the hours that writing, ingesting and annotating them
would.

The world, sized from the text generator's word lists in :mod:`bench.vocab` (its 19 event
kinds, 7 topics and their vocabulary), extended with pseudo-words:

* countries, each with a cast (head of government, ministers, opposition, mayors,
  companies and their chiefs, experts...) and cities; a pool of minor people (witnesses,
  local officials) for what happens once;
* *storylines*: a country, a city, a topic and a cast followed through 1-12 events over
  weeks or months. A third of the events repeat the previous event's kind with the same
  cast in the same city, 4-45 days later (the second strike, the next summit of the same
  leaders): the hard negatives, told apart only by their own details and the calendar;
* *stories* (events) of Zipf-like sizes, 1 to a few hundred articles, from a few hundred
  outlets; each has its own terms (rare words, figures) and minor people, and shares its
  kind's, topic's and storyline's terms and its cast with other stories;
* each article: the story's entities (each with a probability, the first cast member
  most often), a few unrelated well-known actors mentioned in passing, kind and topic
  terms, Zipf-distributed general vocabulary, a little outlet boilerplate: about 158
  distinct terms and 7 entities (:func:`rashomon.stories.features.article_features`
  finds 165 and 8 on the text generator's articles). Its day scatters 0-3 days after
  the event's, with some follow-ups up to two weeks later;
* 5% of articles are near-identical wire copies of an earlier article of their story.

Calibration (100 articles a day, after :class:`rashomon.stories.cluster.FeatureTable`'s
weighting): two articles of one story have a median term cosine of 0.32 (tenth
percentile 0.19) and entity cosine of 0.58 (0.34); two events of one storyline, 0.04 and
0.35; unrelated articles, about 0. The text generator's articles, which share a story's
quotes and figures word for word, give 0.68 and 0.90 within a story: these are harder.

Articles arrive at a constant rate (``per_day``, default 2,740: a million is one year), so
a larger corpus is a longer period, not a denser one, as an archive grows.

The module also scores a partition against the truth: :func:`b_cubed` and
:func:`adjusted_rand`, from label arrays, in linear time.
"""

from __future__ import annotations

import gc
import math
import random
import re
import time
from bisect import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rashomon.stories.features import ArticleFeatures, normalise

from . import vocab as V

#: 2026-01-01 as a day number (days since 1970-01-01), the first day of the corpus.
FIRST_DAY = 20454


@dataclass(frozen=True)
class Settings:
    """The shape of the synthetic world. Defaults give the benchmark's corpus."""

    #: Articles a day: the corpus spans ``n / per_day`` days.
    per_day: float = 2740.0
    outlets: int = 400
    countries: int = 60
    #: Variants of each of the text generator's 19 event kinds (a flood in a city, a
    #: flash flood in the hills, ...), each with half its own vocabulary.
    variants: int = 6
    general_words: int = 40_000
    topic_words: int = 300
    kind_words: int = 60
    #: Pools of rare words and minor people that stories draw their own keys from; 0 for
    #: one of each per article (from 20,000), so chance overlaps are as rare at any size.
    rare_words: int = 0
    minor_entities: int = 0
    #: Story sizes: P(size = s) proportional to s ** -size_alpha, 1..max_story.
    size_alpha: float = 1.9
    max_story: int = 400
    wire_share: float = 0.05
    #: Articles without a date (the clusterer compares them with every article).
    undated_share: float = 0.0
    #: Storyline events that repeat the previous event's kind, cast and city.
    repeat_share: float = 0.35
    #: A story's own words (rare words, figures: what only this event has), and the share
    #: of them each of its articles uses.
    story_terms: tuple[int, int] = (30, 61)
    story_term_share: float = 0.85
    #: General-vocabulary tokens an article draws (distinct terms are fewer).
    general_tokens: tuple[int, int] = (75, 170)
    #: Which keys the annotation provides (the same articles and stories either way):
    #: terms, entities, and at most this many terms an article (0: all), the highest
    #: within-article weights first, as a store could keep to save space.
    terms: bool = True
    entities: bool = True
    article_terms: int = 0


@dataclass
class Corpus:
    features: list[ArticleFeatures]
    #: True story and storyline of each article, in ``features`` order.
    story: np.ndarray
    storyline: np.ndarray
    #: Near-identical copies of another article of the same story.
    wire: np.ndarray
    seconds: float
    settings: Settings
    seed: int
    stats: dict[str, Any] = field(default_factory=dict)


# --- words ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _words(*texts: Any) -> set[str]:
    """Content terms of template strings (placeholders removed), as features would see them."""
    out: set[str] = set()
    stack = list(texts)
    while stack:
        t = stack.pop()
        if isinstance(t, str):
            for token in _TOKEN.findall(
                _PLACEHOLDER.sub(" ", t).replace("[", " ").replace("|", " ")
            ):
                w = normalise(token)
                if w:
                    out.add(w)
        elif isinstance(t, dict):
            stack.extend(t.values())
        elif isinstance(t, tuple | list):
            stack.extend(t)
    return out


_ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fr gr kr pr tr st sk sl sp ch sh th".split()
_VOWELS = "a e i o u ai ea ie oa ou".split()
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "rk", "st", "x"]


def _pseudo_words(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct pronounceable non-words, none of them in ``taken``."""
    syllables = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
    out: list[str] = []
    seen = set(taken)
    while len(out) < count:
        k = 2 * (count - len(out)) + 16
        lengths = rng.integers(2, 5, k).tolist()
        picks = rng.integers(0, len(syllables), (k, 4)).tolist()
        for length, pick in zip(lengths, picks, strict=True):
            w = "".join([syllables[i] for i in pick[:length]])
            if w not in seen:
                seen.add(w)
                out.append(w)
                if len(out) == count:
                    break
    return out


def _zipf_cdf(size: int, alpha: float) -> np.ndarray:
    p = 1.0 / np.arange(1, size + 1) ** alpha
    return np.cumsum(p / p.sum())


# Within-article weights 1 + ln(weighted count) (title 3, lead 2, body 1), as shared floats.
_W = np.array([1.0 + math.log(c) for c in range(1, 13)], dtype=object)
#: Weight distributions (probabilities over counts 1..12): a word in passing, a key term.
_W_NOISE = np.cumsum([0.72, 0.21, 0.05, 0.02] + [0.0] * 8)
_W_CORE = np.cumsum([0.25, 0.25, 0.15, 0.1, 0.08, 0.06, 0.04, 0.03, 0.02, 0.01, 0.005, 0.005])


def _weights(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1]), len(cdf) - 1)


class World:
    """Every key the corpus may use, as one table of strings, in ranges by role."""

    def __init__(self, rng: np.random.Generator, s: Settings, n: int) -> None:
        rare_words = s.rare_words or max(20_000, n)
        minor_entities = s.minor_entities or max(20_000, n)
        kinds = list(V.EVENTS)
        kind_words = {
            k: _words({x: v for x, v in V.EVENTS[k].items() if x != "roles"}) for k in kinds
        }
        topics = list(V.TOPIC_NOUNS)
        topic_words = {
            t: _words(V.TOPIC_NOUNS[t], V.CRITICISM[t], V.EXPERT_VIEWS[t], V.EXPLAINERS.get(t, ()))
            for t in topics
        }
        general = _words(
            V.FILLER_SUBJECTS,
            V.FILLER_VERBS,
            V.FILLER_CLAUSES,
            V.FILLER_TAILS,
            V.ATTRIBUTIONS,
            V.ACTIONS,
            V.REACTION,
            V.EXPERT,
            V.BACKGROUND,
            V.CONTEXT,
            V.SUBHEADS,
            V.FAKE_RELATED,
            V.SYNONYMS,
        )
        # A word of several kinds belongs to their topic; of several topics, to everyone.
        seen: dict[str, int] = {}
        for k in kinds:
            for w in kind_words[k]:
                seen[w] = seen.get(w, 0) + 1
        for k in kinds:
            topic_words[V.EVENTS[k]["topic"]] |= {w for w in kind_words[k] if seen[w] > 1}
            kind_words[k] = {w for w in kind_words[k] if seen[w] == 1}
        seen = {}
        for t in topics:
            for w in topic_words[t]:
                seen[w] = seen.get(w, 0) + 1
        for t in topics:
            general |= {w for w in topic_words[t] if seen[w] > 1}
            topic_words[t] = {w for w in topic_words[t] if seen[w] == 1} - general
        for k in kinds:
            kind_words[k] -= general
        taken = general | set().union(*topic_words.values(), *kind_words.values())
        n_fill = (
            max(s.general_words - len(general), 0)
            + sum(max(s.topic_words - len(w), 0) for w in topic_words.values())
            + len(kinds) * s.variants * s.kind_words
            + rare_words
            + s.outlets * 3
        )
        fill = iter(_pseudo_words(rng, n_fill, taken))

        keys: list[str] = []

        def add(words: list[str], prefix: str = "t:") -> tuple[int, int]:
            start = len(keys)
            keys.extend(prefix + w for w in words)
            return start, len(keys)

        # General vocabulary: real words first, so they are the frequent ones.
        gen = sorted(general)
        rng.shuffle(gen)
        gen += [next(fill) for _ in range(max(s.general_words - len(gen), 0))]
        self.general = add(gen)
        self.general_cdf = _zipf_cdf(len(gen), 1.05)
        self.topics = topics
        self.topic_range = {}
        for t in topics:
            words = sorted(topic_words[t])
            words += [next(fill) for _ in range(max(s.topic_words - len(words), 0))]
            self.topic_range[t] = add(words)
        self.topic_cdf = _zipf_cdf(s.topic_words, 0.9)
        # Event kinds: each variant shares its base kind's words and has as many of its own.
        self.kinds: list[tuple[str, int]] = []
        self.kind_keys: list[np.ndarray] = []
        self.kind_base: dict[str, tuple[int, int]] = {}
        for k in kinds:
            self.kind_base[k] = add(sorted(kind_words[k]))
            for v in range(s.variants):
                self.kinds.append((k, v))
                self.kind_keys.append(np.arange(*add([next(fill) for _ in range(s.kind_words)])))
        self.kind_cdf = _zipf_cdf(s.kind_words, 0.8)
        self.rare = add([next(fill) for _ in range(rare_words)])
        self.numbers = add([str(v) for v in range(2, 10_000)])
        self.outlet_terms = add([next(fill) for _ in range(s.outlets * 3)])
        # Entities: per country the country, its cities and its cast; then minor people.
        self.first_entity = len(keys)
        self.country_entity = []
        self.cities: list[tuple[int, int]] = []
        self.cast: list[tuple[int, int]] = []
        for c in range(s.countries):
            self.country_entity.append(add([f"c{c}"], "e:")[0])
            self.cities.append(add([f"c{c}p{k}" for k in range(10)], "e:"))
            self.cast.append(add([f"c{c}a{k}" for k in range(60)], "e:"))
        self.minor = add([f"m{k}" for k in range(minor_entities)], "e:")
        # The well-known, mentioned in passing anywhere: heads first, then ministers...
        famous = [self.cast[c][0] + k for k in range(60) for c in range(s.countries)]
        self.famous = np.array(famous, dtype=np.int64)
        self.famous_cdf = _zipf_cdf(len(famous), 1.1)
        self.cast_cdf = _zipf_cdf(60, 0.9)
        self.keys = np.array(keys, dtype=object)


# --- stories ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Story:
    day: int
    size: int
    kind: int
    storyline: int
    topic: str
    country: int
    city: int
    cast: np.ndarray
    line_terms: np.ndarray


def _plan(rng: random.Random, world: World, s: Settings, n: int) -> list[_Story]:
    """Storylines and their events, until ``n`` articles; events sorted by day."""
    span = max(n / s.per_day, 1.0)
    size_cdf = _zipf_cdf(s.max_story, s.size_alpha).tolist()
    topics = list(V.STORYLINE_WEIGHTS)
    topic_w = [V.STORYLINE_WEIGHTS[t] for t in topics]
    kind_index: dict[str, list[int]] = {}
    for i, (k, _) in enumerate(world.kinds):
        kind_index.setdefault(k, []).append(i)
    cast_cdf = world.cast_cdf.tolist()
    stories: list[_Story] = []
    total = 0
    line = 0
    while total < n:
        line += 1
        topic = rng.choices(topics, topic_w)[0]
        # When the events happen, first: a storyline wholly outside the period costs nothing.
        events = min(rng.choices(range(1, 13), [0.35 * 0.65**k for k in range(12)])[0], 12)
        gaps = [0.0]
        repeat = [False]
        for _ in range(events - 1):
            repeat.append(rng.random() < s.repeat_share)
            gaps.append(gaps[-1] + (rng.uniform(4, 45) if repeat[-1] else rng.uniform(2, 60)))
        start = rng.uniform(-gaps[-1] - 1, span)
        days = [start + g for g in gaps]
        if not any(0 <= d < span for d in days):
            continue
        country = rng.randrange(s.countries)
        city = world.cities[country][0] + rng.randrange(10)
        cast = {
            world.cast[country][0] + bisect(cast_cdf, rng.random())
            for _ in range(rng.randint(2, 5))
        }
        cast_list = sorted(cast)
        if topic == "diplomacy":  # the other side's leader and foreign minister
            other = (country + 1 + rng.randrange(s.countries - 1)) % s.countries
            cast_list += [world.cast[other][0], world.cast[other][0] + 1]
        rng.shuffle(cast_list)
        lo, hi = world.rare
        line_terms = np.array([rng.randrange(lo, hi) for _ in range(rng.randint(15, 30))])
        kinds = V.STORYLINES[topic]
        kind = rng.choice(kind_index[kinds[0] if rng.random() < 0.3 else rng.choice(kinds)])
        for e, (day, again) in enumerate(zip(days, repeat, strict=True)):
            if e and not again:
                kind = rng.choice(kind_index[rng.choice(kinds)])
                if rng.random() < 0.5:
                    city = world.cities[country][0] + rng.randrange(10)
            if not 0 <= day < span:
                continue
            size = min(bisect(size_cdf, rng.random()) + 1, s.outlets)
            stories.append(
                _Story(
                    int(day),
                    size,
                    kind,
                    line,
                    topic,
                    country,
                    city,
                    np.array(cast_list),
                    line_terms,
                )
            )
            total += size
    stories.sort(key=lambda st: st.day)
    excess = total - n
    while excess > 0:  # trim the last stories to land on n exactly
        last = stories[-1]
        cut = min(excess, last.size)
        last.size -= cut
        excess -= cut
        if last.size == 0:
            stories.pop()
    return stories


_OFFSETS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 14])
_OFFSET_P = np.cumsum([0.5, 0.25, 0.12, 0.06, 0.02, 0.015, 0.01, 0.01, 0.008, 0.005, 0.002])
#: Stories are drawn in batches of about this many articles, all numpy at once.
_BATCH = 20_000


def _expand(owner: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
    """For each row r, the items starts[owner[r]] .. + lengths[owner[r]]: (row, item) pairs."""
    count = lengths[owner]
    rows = np.repeat(np.arange(len(owner)), count)
    first = np.repeat(np.cumsum(count) - count, count)
    return rows, starts[owner][rows] + np.arange(rows.size) - first


def _ragged(rng: np.random.Generator, lo: int, hi: int, count: int):
    """``count`` lengths in [lo, hi) and the start of each in the flat array."""
    lengths = rng.integers(lo, hi, count)
    return np.cumsum(lengths) - lengths, lengths


class _Batch:
    """Stories ``plan[i:j]``: every article's keys as flat arrays (article, key, weight)."""

    def __init__(self, rng: np.random.Generator, world: World, s: Settings, plan: list[_Story]):
        sizes = np.array([st.size for st in plan])
        n = int(sizes.sum())
        story = np.repeat(np.arange(len(plan)), sizes)  # story (in the batch) of each article
        position = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        arts: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        weights: list[np.ndarray] = []

        def add(article: np.ndarray, key: np.ndarray, cdf: np.ndarray) -> None:
            arts.append(article)
            keys.append(key)
            weights.append(_weights(rng, cdf, len(key)))

        def pooled(pool: np.ndarray, starts: np.ndarray, lengths: np.ndarray, p) -> None:
            rows, items = _expand(story, starts, lengths)
            chance = p[items] if isinstance(p, np.ndarray) else p
            hit = rng.random(rows.size) < chance
            add(rows[hit], pool[items[hit]], _W_CORE)

        # The story's own words (rare words and figures), its storyline's, its entities.
        k = len(plan)
        starts, lengths = _ragged(rng, *s.story_terms, k)
        is_number = rng.random(int(lengths.sum())) < 0.15
        r_lo, r_hi = world.rare
        own = np.where(
            is_number,
            rng.integers(*world.numbers, is_number.size),
            rng.integers(r_lo, r_hi, is_number.size),
        )
        pooled(own, starts, lengths, s.story_term_share)
        line = [st.line_terms for st in plan]
        lengths = np.array([len(x) for x in line])
        pooled(np.concatenate(line), np.cumsum(lengths) - lengths, lengths, 0.5)
        m_lo, m_hi = world.minor
        ents: list[np.ndarray] = []
        probs: list[np.ndarray] = []
        for st in plan:
            minors = rng.integers(m_lo, m_hi, int(rng.integers(2, 7)))
            ents.append(
                np.concatenate([[world.country_entity[st.country], st.city], st.cast, minors])
            )
            probs.append(
                np.concatenate(
                    [
                        [0.85, 0.75, 0.95],
                        np.full(len(st.cast) - 1, 0.75),
                        np.full(len(minors), 0.45),
                    ]
                )
            )
        lengths = np.array([len(x) for x in ents])
        pooled(np.concatenate(ents), np.cumsum(lengths) - lengths, lengths, np.concatenate(probs))
        # Words every article draws for itself: general, topic and kind vocabulary.
        every = np.arange(n)
        art = np.repeat(every, rng.integers(*s.general_tokens, n))
        g_lo, _ = world.general
        add(art, g_lo + np.searchsorted(world.general_cdf, rng.random(art.size)), _W_NOISE)
        topic_lo = np.array([world.topic_range[st.topic][0] for st in plan])
        art = np.repeat(every, rng.integers(10, 21, n))
        pick = np.searchsorted(world.topic_cdf, rng.random(art.size))
        add(art, topic_lo[story[art]] + pick, _W_NOISE)
        kind_lo = np.array([world.kind_keys[st.kind][0] for st in plan])
        bases = [world.kind_base[world.kinds[st.kind][0]] for st in plan]
        base_lo = np.array([b[0] for b in bases])
        base_len = np.array([b[1] - b[0] for b in bases])
        art = np.repeat(every, rng.integers(6, 15, n))
        pick = np.searchsorted(world.kind_cdf, rng.random(art.size))
        st_of = story[art]
        from_base = (rng.random(art.size) < 0.5) & (base_len[st_of] > 0)
        add(
            art,
            np.where(
                from_base,
                base_lo[st_of] + pick % np.maximum(base_len[st_of], 1),
                kind_lo[st_of] + pick,
            ),
            _W_CORE,
        )
        # Well-known people in passing, and the outlet's boilerplate.
        art = np.repeat(every, rng.poisson(1.2, n))
        add(art, world.famous[np.searchsorted(world.famous_cdf, rng.random(art.size))], _W_NOISE)
        outlet = np.minimum(
            np.searchsorted(_zipf_cdf(s.outlets, 0.8), rng.random(n)), s.outlets - 1
        )
        art = np.repeat(every, 3)
        slot = np.tile(np.arange(3), n)
        hit = rng.random(art.size) < 0.3
        add(art[hit], world.outlet_terms[0] + 3 * outlet[art[hit]] + slot[hit], _W_NOISE)

        art = np.concatenate(arts)
        order = np.argsort(art, kind="stable")
        key = np.concatenate(keys)[order]
        weight = np.concatenate(weights)[order]
        bounds = np.searchsorted(art[order], np.arange(n + 1))
        # Wire copies: an earlier article of the same story with a few keys lost.
        copy = (position > 0) & (rng.random(n) < s.wire_share)
        source = np.arange(n)
        source[copy] -= (rng.random(int(copy.sum())) * position[copy]).astype(np.int64) + 1
        rows, items = _expand(source, bounds[:-1], np.diff(bounds))
        keep = ~(copy[rows] & (rng.random(rows.size) < 0.04))
        key, weight, rows = key[items[keep]], weight[items[keep]], rows[keep]
        # What the annotation keeps, decided last so the stories are the same either way.
        if not (s.terms and s.entities and not s.article_terms):
            entity = key >= world.first_entity
            keep = entity if not s.terms else ~entity if not s.entities else np.ones_like(entity)
            if s.terms and s.article_terms:
                term = np.flatnonzero(~entity)
                # rank of each term in its article: highest weight first, then drawing order
                by = np.argsort(rows[term] * 16 + (15 - weight[term]), kind="stable")
                ranked = term[by]
                r = rows[ranked]
                rank = np.arange(ranked.size) - np.searchsorted(r, r, side="left")
                keep[ranked[rank >= s.article_terms]] = False
            key, weight, rows = key[keep], weight[keep], rows[keep]
        self.keys = key
        self.weights = weight
        self.bounds = np.searchsorted(rows, np.arange(n + 1))
        day = np.array([st.day for st in plan])[story] + FIRST_DAY
        day = day + _OFFSETS[np.searchsorted(_OFFSET_P, rng.random(n) * _OFFSET_P[-1])]
        day[copy] = day[source[copy]] + (rng.random(int(copy.sum())) < 0.3)
        self.day = day.astype(np.float64)
        self.story = story
        self.wire = copy
        self.outlet = outlet


def generate_features(n: int, seed: int = 0, settings: Settings | None = None) -> Corpus:
    """``n`` articles' clustering features with their true stories (deterministic)."""
    # Millions of new dicts would trigger ever longer cyclic collections; there are no
    # cycles to find here.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(n, seed, settings or Settings())
    finally:
        if enabled:
            gc.enable()


def _generate(n: int, seed: int, s: Settings) -> Corpus:
    started = time.perf_counter()
    world = World(np.random.default_rng([seed, 1]), s, n)
    plan = _plan(random.Random(f"{seed}-plan"), world, s, n)
    rng = np.random.default_rng([seed, 3])
    id_numbers = rng.permutation(n).tolist()
    outlet_names = [f"o{k:03d}" for k in range(s.outlets)]
    features: list[ArticleFeatures] = []
    story_of = np.zeros(n, dtype=np.int32)
    line_of = np.zeros(n, dtype=np.int32)
    wire = np.zeros(n, dtype=bool)
    a = first = 0
    while first < len(plan):
        last, count = first, 0
        while last < len(plan) and count < _BATCH:
            count += plan[last].size
            last += 1
        b = _Batch(rng, world, s, plan[first:last])
        keys = world.keys[b.keys].tolist()
        weights = _W[b.weights].tolist()
        spans = zip(b.bounds[:-1].tolist(), b.bounds[1:].tolist(), strict=True)
        rows = zip(b.day.tolist(), b.outlet.tolist(), spans, strict=True)
        for k, (day, outlet, (b0, b1)) in enumerate(rows):
            features.append(
                ArticleFeatures(
                    f"a{id_numbers[a + k]:07d}",
                    day,
                    dict(zip(keys[b0:b1], weights[b0:b1], strict=True)),
                    outlet_names[outlet],
                )
            )
        story_of[a : a + count] = b.story + first
        line_of[a : a + count] = np.array([st.storyline for st in plan[first:last]])[b.story]
        wire[a : a + count] = b.wire
        a += count
        first = last
    if s.undated_share > 0:
        for k in np.flatnonzero(rng.random(n) < s.undated_share):
            features[k].day = None
    sizes = np.bincount(story_of)
    stats = {
        "stories": len(plan),
        "storylines": len({st.storyline for st in plan}),
        "days": round(n / s.per_day, 1),
        "singleton_stories": int((sizes == 1).sum()),
        "largest_story": int(sizes.max()),
        "wire_copies": int(wire.sum()),
        "keys_per_article": round(sum(len(f.keys) for f in features) / max(n, 1), 1),
        "vocabulary": int(len(world.keys)),
    }
    return Corpus(
        features,
        story_of,
        line_of,
        wire,
        round(time.perf_counter() - started, 2),
        s,
        seed,
        stats,
    )


# --- scores ---------------------------------------------------------------------------


def _contingency(truth: np.ndarray, pred: np.ndarray):
    truth = np.unique(np.asarray(truth), return_inverse=True)[1].astype(np.int64)
    pred = np.unique(np.asarray(pred), return_inverse=True)[1].astype(np.int64)
    code = truth * (pred.max() + 1) + pred
    cells, counts = np.unique(code, return_counts=True)
    t = cells // (pred.max() + 1)
    p = cells % (pred.max() + 1)
    return t, p, counts.astype(np.float64), np.bincount(truth), np.bincount(pred)


def b_cubed(truth: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """B-cubed precision, recall and F1 of the labelling ``pred`` against ``truth``
    (Bagga & Baldwin 1998; every article counts once, singletons included)."""
    n = len(truth)
    if n == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    t, p, c, size_t, size_p = _contingency(truth, pred)
    precision = float((c * c / size_p[p]).sum() / n)
    recall = float((c * c / size_t[t]).sum() / n)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def adjusted_rand(truth: np.ndarray, pred: np.ndarray) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two labellings."""
    n = len(truth)
    if n < 2:
        return 1.0
    _, _, c, size_t, size_p = _contingency(truth, pred)

    def pairs(x: np.ndarray) -> float:
        x = x.astype(np.float64)
        return float((x * (x - 1) / 2).sum())

    index, a, b = pairs(c), pairs(size_t), pairs(size_p)
    expected = a * b / (n * (n - 1) / 2)
    top = (a + b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)
