"""Entity resolution: spelling groups merged, hard negatives kept apart, rules obeyed."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import EXAMPLE, TRUTH, write

from rashomon.annotate import annotate
from rashomon.config import load_config
from rashomon.entities import MentionRef, Rules, load_rules, resolve, resolve_store
from rashomon.entities.keys import skeleton
from rashomon.errors import ConfigError
from rashomon.ingest import ingest

ANNOTATE = {"annotate": {"components": ["sentences", "entities"]}}


def _groups(refs: list[MentionRef], rules: Rules | None = None) -> dict[str, str]:
    result = resolve(refs, rules)
    return {m.text: result.assignment[(m.article_id, m.index)][0] for m in refs}


def test_entities_keys_fold_transliterations() -> None:
    assert len({skeleton(n) for n in ("Zelensky", "Zelenskyy", "Zelenskiy", "Зеленський")}) == 1
    assert skeleton("Volodymyr") == skeleton("Vladimir")
    assert skeleton("Umerov") == skeleton("Omerov")
    assert skeleton("Putin") != skeleton("Zelensky")


def test_entities_spelling_variants_merge_and_hard_negatives_do_not() -> None:
    refs = [
        MentionRef("a1", 0, "Volodymyr Zelenskyy", "PERSON", "Post"),
        MentionRef("a1", 1, "Zelenskyy", "PERSON", "Post"),
        MentionRef("a2", 0, "Vladimir Zelensky", "PERSON", "Herald"),
        MentionRef("a3", 0, "Зеленський", "PERSON", "Pravda"),
        MentionRef("a3", 1, "Vladimir Putin", "PERSON", "Pravda"),
        MentionRef("a4", 0, "Donald Trump", "PERSON", "Post"),
        MentionRef("a4", 1, "Donald Tusk", "PERSON", "Post"),
        MentionRef("a5", 0, "Rustem Umerov", "PERSON", "Post"),
        MentionRef("a6", 0, "Rustam Omerov", "PERSON", "Herald"),
        MentionRef("a5", 1, "Kyiv", "GPE", "Post"),
        MentionRef("a6", 1, "Kiev", "GPE", "Herald"),
        MentionRef("a6", 2, "Ukraine", "GPE", "Herald"),
        MentionRef("a6", 3, "Ukrainian", "NORP", "Herald"),
        MentionRef("a7", 0, "Radoslaw Sikorski", "PERSON", "Post"),
        MentionRef("a8", 0, "Radoslaw Sikorsky", "PERSON", "Herald"),
    ]
    g = _groups(refs)
    assert g["Volodymyr Zelenskyy"] == g["Zelenskyy"] == g["Vladimir Zelensky"] == g["Зеленський"]
    assert g["Vladimir Putin"] != g["Vladimir Zelensky"]
    assert g["Donald Trump"] != g["Donald Tusk"]
    assert g["Rustem Umerov"] == g["Rustam Omerov"]
    assert g["Kyiv"] == g["Kiev"] != g["Ukraine"]
    assert g["Ukraine"] == g["Ukrainian"]  # the nationality word means the country here
    assert g["Radoslaw Sikorski"] == g["Radoslaw Sikorsky"]
    result = resolve(refs)
    zelensky = result.entities[g["Zelenskyy"]]
    assert zelensky.type == "PERSON"
    assert zelensky.alias_counts["Herald"] == {"Vladimir Zelensky": 1}  # naming fingerprint
    kyiv = result.entities[g["Kyiv"]]
    assert (kyiv.name, kyiv.country) == ("Kyiv", "UA")


def test_entities_canonical_name_tie_goes_to_the_most_shared_words() -> None:
    # One mention each: the tie used to go to the alphabet ("Vladimir" sorts first),
    # naming the entity by the one outlet's spelling that the others do not use.
    refs = [
        MentionRef("a1", 0, "Volodymyr Zelenskyy", "PERSON", "Post"),
        MentionRef("a2", 0, "Vladimir Zelensky", "PERSON", "Herald"),
        MentionRef("a3", 0, "Volodymyr Zelensky", "PERSON", "Wire"),
    ]
    (entity,) = resolve(refs).entities.values()
    assert entity.name == "Volodymyr Zelensky"
    # More mentions still win outright.
    refs.append(MentionRef("a4", 0, "Vladimir Zelensky", "PERSON", "Herald"))
    (entity,) = resolve(refs).entities.values()
    assert entity.name == "Vladimir Zelensky"


def test_entities_surname_alone_is_ambiguous_with_two_people() -> None:
    refs = [MentionRef("a", 0, "Anna Novak", "PERSON"), MentionRef("b", 0, "Petr Novak", "PERSON"),
            MentionRef("c", 0, "Novak", "PERSON")]
    g = _groups(refs)
    assert g["Anna Novak"] != g["Petr Novak"]
    assert g["Novak"] not in (g["Anna Novak"], g["Petr Novak"])


def test_entities_result_is_independent_of_order() -> None:
    refs = [MentionRef(f"a{i % 5}", i, name, "PERSON") for i, name in enumerate(
        ["Volodymyr Zelenskyy", "Zelensky", "Vladimir Putin", "Putin", "Vladimir Zelensky",
         "Andrzej Duda", "Duda", "Zelenskiy", "Donald Tusk", "Tusk"])]
    base = resolve(refs).assignment
    for seed in range(5):
        shuffled = refs[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve(shuffled).assignment == base


def test_entities_user_rules_merge_and_split(tmp_path: Path) -> None:
    refs = [MentionRef("a", 0, "Anna Novak", "PERSON"), MentionRef("b", 0, "Anna Novakova", "PERSON"),
            MentionRef("c", 0, "Vladimir Putin", "PERSON"), MentionRef("d", 0, "Vova", "PERSON")]
    rules_file = write(tmp_path / "rules.toml", '[[merge]]\nnames = ["Vladimir Putin", "Vova"]\n'
                       '[[split]]\nnames = ["Anna Novak", "Anna Novakova"]\n')
    g = _groups(refs, load_rules(rules_file))
    assert g["Vladimir Putin"] == g["Vova"]
    assert g["Anna Novak"] != g["Anna Novakova"]
    assert resolve(refs, load_rules(rules_file)).assignment[("d", 0)][1] == "user-rule"
    with pytest.raises(ConfigError, match="needs names"):
        load_rules(write(tmp_path / "bad.toml", '[[merge]]\nnames = ["only one"]\n'))


def test_entities_seeds_spelling_groups(tmp_path: Path, store, seeds_dir) -> None:
    ingest([str(seeds_dir)], store)
    annotate(store, load_config().with_overrides(ANNOTATE))
    resolve_store(store)
    by_alias = {a: e for e in store.entities() for a in e["aliases"]}
    for group in (["Zelensky", "Volodymyr Zelenskyy", "Vladimir Zelensky"],
                  ["Rustem Umerov", "Rustam Omerov"], ["Kyiv", "Kiev"]):
        assert len({by_alias[a]["id"] for a in group}) == 1, group
    assert by_alias["Vladimir Putin"]["id"] != by_alias["Vladimir Zelensky"]["id"]
    assert by_alias["Donald Trump"]["id"] != by_alias["Vladimir Putin"]["id"]


def test_entities_example_corpus_variants_and_negatives(tmp_path: Path, store) -> None:
    truth = json.loads(TRUTH.read_text("utf-8"))
    ingest([str(EXAMPLE)], store)
    annotate(store, load_config().with_overrides(ANNOTATE))
    resolve_store(store)
    by_alias = {a: e for e in store.entities() for a in e["aliases"]}
    for variant in truth["name_variants"]:
        spellings = {s for v in variant["variants"].values() for s in v}
        ids = {by_alias[s]["id"] for s in spellings if s in by_alias}
        assert len(ids) == 1, (variant["canonical"], spellings)
        assert len(spellings & set(by_alias)) >= len(spellings) - 1
    for a, b in truth["hard_negatives"]:
        if a in by_alias and b in by_alias:
            assert by_alias[a]["id"] != by_alias[b]["id"], (a, b)
    # The example's invented places, which the small model tags as people or a
    # nationality, are places: the words around them say so ("northern Veldera").
    for place in ("Veldera", "Upper Selva", "Sarnovia", "Dolvitsa"):
        assert by_alias[place]["type"] == "PLACE", (place, by_alias[place]["type"])


def test_entities_type_is_voted_over_inconsistent_tagger_labels() -> None:
    refs = [MentionRef("a", 0, "Dolvitsa", "ORG"), MentionRef("a", 1, "Dolvitsa", "ORG"),
            MentionRef("a", 2, "Dolvitsa", "GPE"),
            MentionRef("b", 0, "Dolvica", "PERSON"), MentionRef("c", 0, "Dolvica", "LOC"),
            MentionRef("d", 0, "Selvenergo", "NORP"), MentionRef("d", 1, "Selvenergo", "ORG"),
            MentionRef("e", 0, "Selvenergo", "NORP")]
    result = resolve(refs)
    types = {e.name: e.type for e in result.entities.values()}
    assert types == {"Dolvitsa": "PLACE", "Selvenergo": "ORG"}



def test_entities_full_name_tagged_as_organisation_is_the_person() -> None:
    """A full personal name the tagger reads as an organisation in one article joins the
    person of that name; an organisation named more often than the person does not, and
    neither does a place."""
    refs = [MentionRef("a", 0, "Andrej Holub", "PERSON"), MentionRef("a", 1, "Holub", "PERSON"),
            MentionRef("b", 0, "Andrej Holub", "ORG"),
            MentionRef("c", 0, "Walt Disney", "PERSON"),
            MentionRef("d", 0, "Walt Disney", "ORG"), MentionRef("e", 0, "Walt Disney", "ORG"),
            MentionRef("f", 0, "Maria Luisa", "PERSON"), MentionRef("g", 0, "Maria Luisa", "GPE")]
    result = resolve(refs)
    entity = {(m.article_id, m.index): result.assignment[(m.article_id, m.index)][0]
              for m in refs}
    assert entity[("a", 0)] == entity[("b", 0)]
    assert result.assignment[("b", 0)][1] == "person-name"
    assert {e.type for e in result.entities.values() if e.name == "Andrej Holub"} == {"PERSON"}
    assert entity[("c", 0)] != entity[("d", 0)]
    assert entity[("f", 0)] != entity[("g", 0)]

def test_entities_distinct_people_get_distinct_ids_and_short_names_do_not_collide() -> None:
    refs = [MentionRef("a", 0, "Irina Benedek", "PERSON"), MentionRef("a", 1, "Benedek", "PERSON"),
            MentionRef("b", 0, "Xenia Benedek", "PERSON"), MentionRef("b", 1, "Benedek", "PERSON")]
    result = resolve(refs)
    assert result.assignment[("a", 1)][0] == result.assignment[("a", 0)][0]
    assert result.assignment[("a", 0)][0] != result.assignment[("b", 0)][0]
    assert len(result.entities) == 2
    # Anna, Jan and Ian share a consonant skeleton but are different names.
    g = _groups([MentionRef(x, 0, f"{n} Novak", "PERSON") for x, n in (("a", "Anna"), ("b", "Jan"),
                                                                        ("c", "Ian"))])
    assert len(set(g.values())) == 3


def test_entities_resolution_cost_grows_with_variants_not_articles() -> None:
    # 3,000 articles naming the same two people: one comparison per spelling, not per pair
    # of articles (this would take minutes if it compared all pairs).
    refs = [MentionRef(f"a{i}", j, name, "PERSON") for i in range(3000)
            for j, name in enumerate(("Volodymyr Zelenskyy", "Zelensky", "Vladimir Putin"))]
    result = resolve(refs)
    assert len(result.entities) == 2
