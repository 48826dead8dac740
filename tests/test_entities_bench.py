"""The ECB+ benchmark's systems on hand-made mentions: groups within stories, modifiers,
word pieces mapped back to tokens, and the context merge."""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the bench package sits at the repository root

from bench import entities_bench as eb  # noqa: E402


def mention(doc: str, i: int, head: str, gold: str, **kw) -> eb.Mention:
    return eb.Mention((doc, 0, (i,)), "1", doc, kw.pop("text", head), "HUM", gold, head=head,
                      **kw)


def same(response: dict, a: eb.Mention, b: eb.Mention) -> bool:
    return response[a.key] == response[b.key]


STORIES = {"d1": "s1", "d2": "s1", "d3": "s2"}


def test_entities_bench_head_rule_within_stories() -> None:
    a, b, c = (mention(d, 0, "police", "p") for d in ("d1", "d2", "d3"))
    topic = eb.head_rule([a, b, c])
    assert same(topic, a, b) and same(topic, a, c)
    within = eb.head_rule([a, b, c], stories=STORIES)
    assert same(within, a, b) and not same(within, a, c)


def test_entities_bench_names_link_across_stories_common_nouns_do_not() -> None:
    names = [
        mention(d, 0, "lohan", "lohan", name="Lindsay Lohan", label="PERSON")
        for d in ("d1", "d3")
    ]
    police = [mention(d, 1, "police", d) for d in ("d1", "d3")]
    response = eb.rashomon([*names, *police], name_heads=True, stories=STORIES)
    assert same(response, *names)
    assert not same(response, *police)
    assert same(eb.rashomon([*names, *police], name_heads=True), *police)  # per topic


def test_entities_bench_conflicting_modifiers() -> None:
    two, many = (("num", "two"),), (("num", "39"),)
    first = (("ord", "first"),)
    assert eb._conflicting(Counter({two: 1, many: 1}))
    assert not eb._conflicting(Counter({two: 2, first: 1}))
    assert not eb._conflicting(Counter({two: 3}))


def test_entities_bench_modifier_split_bare_mentions_join_the_most_frequent() -> None:
    two = [mention(f"d{k}", 0, "people", "two", mods=(("num", "two"),)) for k in (1, 2)]
    many = mention("d3", 0, "people", "many", mods=(("num", "39"),))
    bare = mention("d4", 0, "people", "two")
    ms = [*two, many, bare]
    response = eb.rashomon(ms, modifier_split=True, resolved={})
    assert same(response, *two) and same(response, two[0], bare)
    assert not same(response, two[0], many)
    assert same(eb.rashomon(ms, resolved={}), two[0], many)  # off: one head, one group


def test_entities_bench_piece_spans() -> None:
    words = ["Ellen", "DeGeneres", "'s", "café", "♞"]
    pieces = ["ellen", "de", "##gene", "##res", "'", "s", "cafe", "[UNK]"]
    assert eb._piece_spans(words, pieces) == [(0, 1), (1, 4), (4, 6), (6, 7), (7, 8)]
    assert eb._piece_spans(["DeGeneres"], ["de", "##genere"]) == [(0, 2)]  # truncated
    assert eb._piece_spans(["ab"], ["abc"]) is None


def test_entities_bench_context_merge_joins_alike_clusters_not_two_names() -> None:
    host = mention("d1", 0, "host", "ellen")
    ellen = mention("d2", 0, "degeneres", "ellen", name="Ellen DeGeneres", label="PERSON")
    other = mention("d2", 1, "hugh", "hugh", name="Hugh Jackman", label="PERSON")
    ms = [host, ellen, other]
    response = {m.key: m.key for m in ms}
    v = np.array([1.0, 0.0])
    vectors = {host.key: v, ellen.key: v, other.key: v}
    merged = eb.context_merge(ms, response, vectors, {"d1": "s", "d2": "s"}, 0.9)
    assert sum(same(merged, host, m) for m in (ellen, other)) == 1  # one of the two names
    assert not same(merged, ellen, other)
    apart = eb.context_merge(ms, response, {host.key: v, ellen.key: np.array([0.0, 1.0])},
                             {"d1": "s", "d2": "s"}, 0.9)
    assert not same(apart, host, ellen)


def test_entities_bench_pronouns_take_person_nouns_names_first() -> None:
    def at(doc: str, sent: int, head: str, i: int = 0, **kw) -> eb.Mention:
        return eb.Mention((doc, sent, (i,)), "1", doc, head, "HUM", head, head=head, root_i=i,
                          **kw)

    woman, she = at("d1", 0, "woman"), at("d1", 1, "she", pronoun=True)
    assert eb.person_noun("woman") and eb.person_noun("climber") and not eb.person_noun("car")
    assert same(eb.rashomon([woman, she], pronouns=True, pronoun_nouns=True, resolved={}),
                woman, she)
    assert not same(eb.rashomon([woman, she], pronouns=True, resolved={}), woman, she)
    man = at("d1", 0, "man")
    assert not same(eb.rashomon([man, she], pronouns=True, pronoun_nouns=True, resolved={}),
                    man, she)  # not the other gender
    name = at("d1", 0, "chohan", i=0, name="Raj Chohan", label="PERSON")
    woman = at("d1", 0, "woman", i=3)  # after the name, nearer the pronoun
    ms = [name, woman, she]
    response = eb.rashomon(ms, pronouns=True, pronoun_nouns=True)
    assert same(response, name, she) and not same(response, woman, she)  # names first
