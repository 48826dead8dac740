"""Organisation names: legal forms, dotted acronyms, acronyms spelled out in the article,
and acronyms that spell several organisations."""

from __future__ import annotations

from rashomon.entities import MentionRef, resolve
from rashomon.entities.resolve import name_key


def _entity(refs: list[MentionRef]) -> dict[tuple[str, int], str]:
    result = resolve(refs)
    return {k: v[0] for k, v in result.assignment.items()}


def test_entities_orgs_name_key_drops_legal_forms_and_acronym_dots() -> None:
    assert name_key("Acme Inc.") == name_key("ACME Ltd") == name_key("Acme, Inc") == "acme"
    assert name_key("Acme Holdings S.A.") == "acme holdings"
    assert name_key("Barclays PLC") == name_key("Barclays plc") == "barclays"
    assert name_key("Siemens AG") == "siemens"
    assert name_key("Deutsche Bank AG") == "deutsche bank"
    assert name_key("U.N.") == name_key("UN") == "un"
    assert name_key("the United Nations") == "united nations"
    # A legal form alone, or a name made of one, keeps its words.
    assert name_key("Inc.") == "inc"
    assert name_key("Corp") == "corp"


def test_entities_orgs_legal_forms_are_one_organisation() -> None:
    refs = [MentionRef("a", 0, "Gazprom PJSC", "ORG", "Post"),
            MentionRef("b", 0, "Gazprom", "ORG", "Herald"),
            MentionRef("c", 0, "Siemens AG", "ORG", "Post"),
            MentionRef("d", 0, "Siemens", "ORG", "Herald"),
            MentionRef("d", 1, "Barclays plc", "ORG", "Herald")]
    e = _entity(refs)
    assert e[("a", 0)] == e[("b", 0)]
    assert e[("c", 0)] == e[("d", 0)]
    assert len({e[("a", 0)], e[("c", 0)], e[("d", 1)]}) == 3


def test_entities_orgs_dotted_acronym_defined_in_the_article() -> None:
    refs = [MentionRef("a", 0, "United Nations", "ORG"), MentionRef("a", 1, "U.N.", "ORG"),
            MentionRef("b", 0, "UN", "ORG"), MentionRef("c", 0, "U.N.", "ORG")]
    result = resolve(refs)
    e = {k: v[0] for k, v in result.assignment.items()}
    assert e[("a", 0)] == e[("a", 1)] == e[("b", 0)] == e[("c", 0)]
    assert result.assignment[("a", 1)][1] == "acronym"
    assert result.entities[e[("a", 0)]].name == "United Nations"


def test_entities_orgs_ambiguous_acronym_joins_neither() -> None:
    refs = [
        MentionRef("a", 0, "United Nations", "ORG"), MentionRef("a", 1, "UN", "ORG"),
        MentionRef("b", 0, "Union of Nurses", "ORG"), MentionRef("b", 1, "U.N.", "ORG"),
        MentionRef("c", 0, "UN", "ORG"),
    ]
    e = _entity(refs)
    # Each article that spells the acronym out keeps its own meaning ...
    assert e[("a", 1)] == e[("a", 0)]
    assert e[("b", 1)] == e[("b", 0)]
    assert e[("a", 0)] != e[("b", 0)]
    # ... and where nothing says which, the acronym joins neither organisation.
    assert e[("c", 0)] not in (e[("a", 0)], e[("b", 0)])
    # With one organisation of those initials in the store, it joins that one.
    e = _entity([r for r in refs if r.article_id != "b"])
    assert e[("c", 0)] == e[("a", 0)]


def test_entities_orgs_acronym_spelled_out_by_two_names_in_one_article_stays_apart() -> None:
    refs = [MentionRef("a", 0, "United Nations", "ORG"),
            MentionRef("a", 1, "Union of Nurses", "ORG"),
            MentionRef("a", 2, "UN", "ORG")]
    e = _entity(refs)
    assert e[("a", 2)] not in (e[("a", 0)], e[("a", 1)])
