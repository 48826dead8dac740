"""Exact and near duplicates: kept, linked to the earliest original, order-blind."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from conftest import write

from rashomon.ingest import ingest
from rashomon.ingest.dedupe import minhash, similarity
from rashomon.store import open_store


@pytest.fixture
def store(any_store):
    """These tests run on every store backend (conftest's ``any_store``)."""
    return any_store


WIRE = (
    "Floodwater swept through the river town of Kessel overnight, forcing about 3,000 people "
    "from their homes, the regional emergency service said on Wednesday. Rescue teams in boats "
    "worked through the night to reach families stranded on rooftops, and the army sent two "
    "helicopters from the base at Lind. The river rose by more than four metres in six hours "
    "after three days of heavy rain, the highest level recorded since the bridge was built. "
    "Schools and the main hospital were closed, and the rail line to the coast was cut in two "
    "places. The mayor asked residents not to return until engineers had checked the levees."
)


def _variant(text: str) -> str:
    # A wire copy as another outlet runs it: a couple of words changed, the last sentence cut.
    return text.replace("overnight", "during the night").replace("two helicopters", "2 helicopters") \
        .rsplit(" The mayor", 1)[0]


def test_dedupe_signature_similarity_tracks_overlap() -> None:
    assert similarity(minhash(WIRE), minhash(WIRE)) == 1.0
    assert similarity(minhash(WIRE), minhash(_variant(WIRE))) >= 0.5
    other = "A completely different story about a football match in the capital on Sunday night."
    assert similarity(minhash(WIRE), minhash(other * 3)) < 0.2


def _corpus(tmp_path: Path) -> list[Path]:
    return [
        write(tmp_path / "in" / "agency" / "a.md", f"---\npublished: 2026-04-01T06:00:00\n---\n{WIRE}"),
        write(tmp_path / "in" / "daily" / "b.md", f"---\npublished: 2026-04-01T09:00:00\n---\n{_variant(WIRE)}"),
        write(tmp_path / "in" / "weekly" / "c.md", f"---\npublished: 2026-04-02\n---\n{WIRE.upper()}"),
        write(tmp_path / "in" / "other" / "d.md", "---\npublished: 2026-04-01\n---\n"
              "The city council approved a new budget for parks and libraries on Tuesday evening."),
    ]


def _links(store) -> dict[str, tuple[str | None, str | None]]:
    outlet_of = {a.id: a.outlet for a in store.articles()}
    return {a.outlet: (outlet_of.get(a.duplicate_of), a.duplicate_kind) for a in store.articles()}


def test_dedupe_links_wire_copies_to_earliest_original(tmp_path: Path, store) -> None:
    _corpus(tmp_path)
    report = ingest([str(tmp_path / "in")], store)
    assert report.articles_added == 4
    assert _links(store) == {
        "agency": (None, None),
        "daily": ("agency", "near"),
        "weekly": ("agency", "exact"),  # same words, different case: an exact duplicate
        "other": (None, None),
    }
    assert (report.exact_duplicates, report.near_duplicates) == (1, 1)


def test_dedupe_result_is_independent_of_arrival_order(tmp_path: Path) -> None:
    files = _corpus(tmp_path)
    results = []
    for n, order in enumerate(itertools.permutations(files[:3])):
        s = open_store(str(tmp_path / f"o{n}.db"))
        for f in order:
            ingest([str(f)], s, outlet=f.parent.name)
        results.append(_links(s))
        s.close()
    assert all(r == results[0] for r in results)
    assert results[0]["daily"] == ("agency", "near")


def test_dedupe_original_is_earliest_instant_not_earliest_string() -> None:
    from rashomon.ingest.pipeline import instant

    # 12:23 at UTC-5 is 17:23 UTC: later than 12:38 UTC, though it sorts first as text.
    assert instant("2026-05-08T12:23:00-05:00") > instant("2026-05-08T12:38:00+00:00")
    # A bare day sorts after any time that day: it cannot claim to be earlier.
    assert instant("2026-05-08") > instant("2026-05-08T20:00:00+00:00")
    assert instant(None) == ""
