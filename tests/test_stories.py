"""Stories and storylines: the example corpus and the seeds, incremental runs, order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, TRUTH

from rashomon.annotate import annotate
from rashomon.cli import cli, main
from rashomon.entities import resolve_store
from rashomon.ingest import ingest
from rashomon.store import open_store
from rashomon.stories import cluster_store
from rashomon.stories.cluster import (
    FeatureTable,
    Params,
    attach_small,
    average_link,
    candidate_edges,
    cluster_all,
    rejoin_parts,
)
from rashomon.stories.features import ArticleFeatures, day_number, normalise

TRUTH_DATA = json.loads(TRUTH.read_text())


def _pipeline(paths: list[Path], db: Path, cluster: bool = True):
    store = open_store(str(db))
    ingest([str(p) for p in paths], store)
    annotate(store)
    resolve_store(store)
    if cluster:
        cluster_store(store)
    return store


def _partition(store) -> set[frozenset[str]]:
    return {frozenset(s["articles"]) for s in store.stories()}


def _truth_partition(store) -> tuple[set[frozenset[str]], dict[str, list[str]]]:
    by_path = {}
    for a in store.articles():
        key = Path(a.path).resolve().relative_to(EXAMPLE.resolve()).as_posix()
        if a.locator.startswith("entry "):
            key += "#" + a.locator.removeprefix("entry ")
        by_path[key] = a.id
    groups: dict[str, set[str]] = {}
    for art in TRUTH_DATA["articles"]:
        groups.setdefault(art["story"], set()).add(by_path[art["file"]])
    return {frozenset(g) for g in groups.values()}, {k: sorted(v) for k, v in groups.items()}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    store = _pipeline([EXAMPLE], tmp_path_factory.mktemp("stories") / "s.db")
    yield store
    store.close()


def test_example_stories_match_the_truth(example) -> None:
    truth, _ = _truth_partition(example)
    assert _partition(example) == truth


def test_example_storylines_match_the_truth(example) -> None:
    _, groups = _truth_partition(example)
    story_of = {a: s["id"] for s in example.stories() for a in s["articles"]}
    line_of = {s["id"]: s["storyline"] for s in example.stories()}
    for line, stories in TRUTH_DATA["storylines"].items():
        found = {line_of[story_of[groups[s][0]]] for s in stories}
        assert len(found) == 1, (line, found)
    lines = {line_of[story_of[groups[s][0]]] for s in ("A", "C")}
    assert len(lines) == 2


def test_example_story_descriptions(example) -> None:
    big = max(example.stories(), key=lambda s: len(s["articles"]))
    assert big["start"] == TRUTH_DATA["stories"]["A"]["date"]
    assert len(big["outlets"]) == 4
    names = {e["name"] for e in big["entities"]}
    assert {"Dolvitsa", "Selvenergo"} <= names
    assert 1 <= len(big["summary"]) <= 3
    assert all(s["article"] in big["articles"] for s in big["summary"])
    assert big["id"].startswith("s") and big["id"][1:] in "".join(big["articles"])


def test_rerun_changes_nothing(example) -> None:
    before = example.stories()
    report = cluster_store(example)
    assert report.new_articles == 0 and report.embedded == 0
    assert example.stories() == before


def test_incremental_equals_one_shot_and_ids_stay(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, corpus)
    later = tmp_path / "later"
    later.mkdir()
    # The observatory story (C) arrives after the rest has been clustered.
    for f in corpus.rglob("*observatory*"):
        f.rename(later / f.name)
    store = _pipeline([corpus], tmp_path / "inc.db")
    first = {s["id"]: set(s["articles"]) for s in store.stories()}
    ingest([str(later)], store)
    annotate(store)
    resolve_store(store)
    report = cluster_store(store)
    assert report.new_articles >= 1
    after = {s["id"]: set(s["articles"]) for s in store.stories()}
    for sid, members in first.items():
        assert after[sid] == members  # untouched stories keep id and members
    assert len(after) == len(first) + 1
    incremental = _partition(store)
    cluster_store(store, rebuild=True)
    assert _partition(store) == incremental
    store.close()


def test_order_of_input_does_not_matter(tmp_path: Path) -> None:
    files = sorted(p for p in EXAMPLE.rglob("*") if p.is_file())
    a = _pipeline(files, tmp_path / "a.db")
    b = _pipeline(files[::-1], tmp_path / "b.db")
    assert [(s["id"], s["articles"]) for s in a.stories()] == [
        (s["id"], s["articles"]) for s in b.stories()
    ]
    a.close()
    b.close()


def test_features_are_recomputed_once_entities_exist(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "bare.db"))
    ingest([str(EXAMPLE)], store)
    bare = cluster_store(store)
    assert bare.articles == 8
    annotate(store)
    resolve_store(store)
    report = cluster_store(store)
    assert report.new_articles == 8  # every article's features changed
    truth, _ = _truth_partition(store)
    assert _partition(store) == truth
    store.close()


SEED_DATES = ("2024-02-26", "2024-02-27", "2025-09-04")


def test_seeds_two_stories_one_storyline(seeds_dir: Path, tmp_path: Path) -> None:
    # The seeds carry no metadata: give them dates and outlets as a user would.
    folder = tmp_path / "seeds"
    folder.mkdir()
    for k, (path, day) in enumerate(zip(sorted(seeds_dir.glob("*.txt")), SEED_DATES, strict=True)):
        (folder / f"{k}.md").write_text(
            f"---\npublished: {day}\noutlet: Outlet {k}\n---\n" + path.read_text("utf-8"),
            encoding="utf-8",
        )
    store = _pipeline([folder], tmp_path / "seeds.db")
    ids = {a.outlet: a.id for a in store.articles()}
    stories = store.stories()
    assert {frozenset(s["articles"]) for s in stories} == {
        frozenset({ids["Outlet 0"], ids["Outlet 1"]}),
        frozenset({ids["Outlet 2"]}),
    }
    assert len({s["storyline"] for s in stories}) == 1
    store.close()


# -- the algorithm on hand-made features -------------------------------------------------


def _f(i: str, day: float | None, *keys: str) -> ArticleFeatures:
    return ArticleFeatures(i, day, {k: 1.0 for k in keys})


def test_same_kind_of_event_months_apart_is_two_stories() -> None:
    keys = ("t:summit", "t:troop", "e:macron", "e:paris", "e:ukraine")
    feats = [_f("a", 100, *keys), _f("b", 101, *keys), _f("c", 400, *keys), _f("d", 401, *keys)]
    table = FeatureTable(feats, Params(w_vector=0))
    stories = {frozenset(table.ids[r] for r in rows) for rows in cluster_all(table)}
    assert stories == {frozenset("ab"), frozenset("cd")}


def test_undated_articles_are_compared_with_everything() -> None:
    keys = ("t:dam", "t:flood", "e:dolvitsa")
    table = FeatureTable([_f("a", 100, *keys), _f("b", None, *keys)], Params(w_vector=0))
    assert len(cluster_all(table)) == 1


def test_candidate_edges_never_cross_the_window() -> None:
    keys = ("t:dam", "t:flood", "e:dolvitsa")
    feats = [_f(str(k), float(k * 10), *keys) for k in range(20)]
    table = FeatureTable(feats, Params(w_vector=0, window_days=7, chunk=3))
    i, j, s = candidate_edges(table)
    assert len(i) == 0
    close = FeatureTable(feats, Params(w_vector=0, window_days=30, chunk=3))
    i, j, s = candidate_edges(close)
    assert len(i) > 0 and np.all(np.abs(close.days[i] - close.days[j]) < 30)


def test_average_link_does_not_chain() -> None:
    # a-b and b-c are similar, a-c is not: average link keeps c apart at 0.5.
    sim = np.array([[1, 0.9, 0.1], [0.9, 1, 0.6], [0.1, 0.6, 1]])
    labels = average_link(sim, 0.5)
    assert labels[0] == labels[1] != labels[2]
    assert len(set(average_link(sim, 0.95))) == 3
    assert len(set(average_link(sim, 0.3))) == 1


def test_average_link_keeps_two_tight_events_of_one_kind_apart() -> None:
    # Two events of one kind: 0-3 and 4-7 tight inside (0.8), 0.4 across, above the
    # threshold of 0.3 but under 0.8 x the cohesion of each.
    sim = np.full((8, 8), 0.4)
    sim[:4, :4] = sim[4:, 4:] = 0.8
    np.fill_diagonal(sim, 1.0)
    assert len(set(average_link(sim, 0.3).tolist())) == 1
    labels = average_link(sim, 0.3, ratio=0.8, cohesive=3)
    assert labels.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    # The same partition whatever the row order.
    perm = np.array([5, 2, 7, 0, 3, 6, 1, 4])
    again = average_link(sim[np.ix_(perm, perm)], 0.3, ratio=0.8, cohesive=3)
    assert {frozenset(perm[again == k].tolist()) for k in set(again.tolist())} == {
        frozenset(range(4)),
        frozenset(range(4, 8)),
    }
    # Looser events (0.45 inside) do merge at 0.4 across; so do clusters under the size.
    loose = sim.copy()
    loose[:4, :4] = loose[4:, 4:] = 0.45
    np.fill_diagonal(loose, 1.0)
    assert len(set(average_link(loose, 0.3, ratio=0.8, cohesive=3).tolist())) == 1
    assert len(set(average_link(sim, 0.3, ratio=0.8, cohesive=5).tolist())) == 1


def test_attach_small_joins_outliers_to_their_own_story_only() -> None:
    # 0-2 one story, 3-5 another; 6 is a little under the threshold to each of 0-2 and far
    # from 3-5; 7 is far from everything.
    sim = np.full((8, 8), 0.05)
    sim[:3, :3] = sim[3:6, 3:6] = 0.8
    sim[6, :3] = sim[:3, 6] = 0.25
    sim[6, 3:6] = sim[3:6, 6] = 0.1
    np.fill_diagonal(sim, 1.0)
    first = average_link(sim, 0.3)
    assert len(set(first.tolist())) == 4
    labels = attach_small(sim, first, 1, 0.2)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, 0, 2]
    # Not above its threshold, and not when 6's story is no larger than it.
    assert len(set(attach_small(sim, first, 1, 0.3).tolist())) == 4
    assert attach_small(sim, first, 0, 0.2).tolist() == first.tolist()


def test_attach_small_counts_copies_of_one_text_once() -> None:
    # 0-4 one story; 5-8 four outlets printing one outlying piece word for word (similarity
    # 1 to each other), a little under the threshold to the story; 9 far from everything.
    sim = np.full((10, 10), 0.05)
    sim[:5, :5] = 0.8
    sim[5:9, 5:9] = 1.0
    sim[5:9, :5] = sim[:5, 5:9] = 0.25
    np.fill_diagonal(sim, 1.0)
    first = average_link(sim, 0.3)
    assert len(set(first.tolist())) == 3
    assert attach_small(sim, first, 3, 0.2).tolist() == [0] * 9 + [1]
    # Four different pieces (not copies) make a story of four: too large to attach.
    sim[5:9, 5:9] = 0.8
    np.fill_diagonal(sim, 1.0)
    first = average_link(sim, 0.3)
    assert attach_small(sim, first, 3, 0.2).tolist() == first.tolist()


def test_rejoin_parts_joins_a_part_to_its_event_only() -> None:
    # 0-5 an event; 6-9 a part of it, a little under the threshold to the event; 10-14
    # another event, far from both; 15-18 a part far from everything.
    sim = np.full((19, 19), 0.05)
    sim[:6, :6] = sim[6:10, 6:10] = sim[10:15, 10:15] = sim[15:, 15:] = 0.8
    sim[6:10, :6] = sim[:6, 6:10] = 0.27
    np.fill_diagonal(sim, 1.0)
    first = attach_small(sim, average_link(sim, 0.3), 3, 0.2)
    assert len(set(first.tolist())) == 4  # a part of four is too large to attach
    labels = rejoin_parts(sim, first, 3, 7, 0.25)
    assert labels.tolist() == [0] * 10 + [1] * 5 + [2] * 4
    # Not under its threshold; not a part larger than rejoin_size; not into a story that
    # is not larger than the part; never a story the attach stage judged (above).
    assert rejoin_parts(sim, first, 3, 7, 0.3).tolist() == first.tolist()
    assert rejoin_parts(sim, first, 3, 3, 0.25).tolist() == first.tolist()
    small = sim[6:15][:, 6:15]  # the part (4) beside the other event (5), joined at 0.8
    small[:4, 4:] = small[4:, :4] = 0.27
    two = np.array([0] * 4 + [1] * 5)
    assert rejoin_parts(small, two, 3, 7, 0.25).tolist() == [0] * 9
    assert rejoin_parts(small, two, 4, 7, 0.25).tolist() == two.tolist()
    # The same stories whatever the order of the rows.
    order = np.random.default_rng(0).permutation(19)
    shuffled = rejoin_parts(sim[np.ix_(order, order)], first[order], 3, 7, 0.25)
    assert {frozenset(order[shuffled == k].tolist()) for k in set(shuffled.tolist())} == {
        frozenset(range(10)),
        frozenset(range(10, 15)),
        frozenset(range(15, 19)),
    }


def test_attached_outlier_joins_the_story_of_its_block() -> None:
    core = ("t:dam", "t:flood", "t:dolvitsa", "e:dolvitsa", "e:selvenergo")
    feats = [_f(c, 100, *core, f"t:{c}x") for c in "abc"]
    # d shares two of the core keys and one of a's own: 0.42 to a (in a's block), 0.22 to
    # b and c, 0.29 on average, under the threshold of 0.3.
    feats.append(_f("d", 100, "t:dam", "e:dolvitsa", "e:kyiv", "t:ax", "t:other1"))
    feats.append(_f("e", 100, "t:summit", "e:paris"))
    plain = FeatureTable(feats, Params(w_vector=0, max_df=1.0))
    attach = FeatureTable(feats, Params(w_vector=0, max_df=1.0, attach_size=1))
    as_sets = lambda t: {frozenset(t.ids[r] for r in rows) for rows in cluster_all(t)}  # noqa: E731
    assert frozenset("abc") in as_sets(plain) and frozenset("d") in as_sets(plain)
    assert as_sets(attach) == {frozenset("abcd"), frozenset("e")}
    shuffled = FeatureTable(feats[::-1], Params(w_vector=0, max_df=1.0, attach_size=1))
    assert as_sets(shuffled) == as_sets(attach)


def test_day_numbers_and_terms() -> None:
    assert day_number("1970-01-02") == 1.0
    assert day_number("2024-02-26T10:00:00+01:00") == day_number("2024-02-26")
    assert day_number("not a date") is None and day_number(None) is None
    assert normalise("The") is None
    assert normalise("soldiers") == "soldier"
    assert normalise("31,000") == "31000"
    assert normalise("Zelensky's") == "zelensky"


# -- command line ------------------------------------------------------------------------


def test_cli_stories_and_story(example, capsys) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["stories", "--db", example.path])
    assert result.exit_code == 0, result.output
    assert "storyline" in result.output and "Dam collapse" in result.output
    data = json.loads(runner.invoke(cli, ["stories", "--db", example.path, "--json"]).output)
    assert len(data["stories"]) == 3 and len(data["storylines"]) == 2
    assert all("profile" not in s for s in data["stories"])
    sid = max(data["stories"], key=lambda s: len(s["articles"]))["id"]
    shown = runner.invoke(cli, ["story", sid, "--db", example.path])
    assert shown.exit_code == 0 and "principal entities" in shown.output
    assert main(["story", "nope", "--db", example.path]) != 0
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "no story" in err


def test_story_summary_leaves_out_a_shorter_telling_of_a_chosen_sentence() -> None:
    from rashomon.stories.describe import describe_story
    from rashomon.stories.features import article_features

    long = (
        "Governor Lena Brask announced new flood barriers for the harbour district on "
        "Tuesday, saying the council would fund them from the regional budget this year "
        "after three winters of damaging surges along the eastern quays, warehouses and "
        "ferry terminal."
    )
    short = "Governor Lena Brask announced flood barriers for the harbour district."
    other = "Engineers expect the first barrier to be finished before the autumn storms."
    feats = [
        article_features("a", title=None, paragraphs=[long, other]),
        article_features("b", title=None, paragraphs=[short]),
    ]
    table = FeatureTable(feats, Params())
    summary = [s["text"] for s in describe_story(table, np.arange(2), {})["summary"]]
    assert long in summary and other in summary
    # The shorter telling shares few of the longer one's words (Jaccard under 0.4), but
    # most of its own words are in it.
    assert short not in summary


def test_story_summary_leaves_out_a_telling_of_the_same_figure_in_other_words() -> None:
    """Two outlets giving one fact in different words share few words but the figure and
    the name it is about: the summary keeps one and moves on to another fact."""
    from rashomon.stories.describe import describe_story
    from rashomon.stories.features import article_features

    first = "The storm surge flooded the port of Marvik, 14 km south of the capital, overnight."
    other = "Engineers expect the first barrier to be finished before the autumn storms."
    again = "Water poured into Marvik, home to about 9,000 people some 14 kilometres downriver."
    unrelated = "Rescuers pulled 14 people from flooded basements in the old town of Brena."
    feats = [
        article_features("a", title=None, paragraphs=[first, other]),
        article_features("b", title=None, paragraphs=[again, unrelated]),
    ]
    story = describe_story(FeatureTable(feats, Params()), np.arange(2), {})
    summary = [s["text"] for s in story["summary"]]
    assert len(summary) == 3 and other in summary and unrelated in summary
    assert (first in summary) != (again in summary)


def test_a_huge_paragraph_gives_a_bounded_lead() -> None:
    """One 10 MB paragraph (a pasted file with no line breaks) is no lead to store, embed
    and split into summary sentences: the lead keeps its first LEAD_CHARS characters."""
    from rashomon.stories.describe import describe_story
    from rashomon.stories.features import LEAD_CHARS, article_features

    huge = "The harbour wall gave way on Tuesday night. " + "Water rose. " * 1_000_000
    f = article_features("a", title="Harbour wall fails", paragraphs=[huge])
    assert len(f.lead) <= LEAD_CHARS and f.lead.startswith("Harbour wall fails The harbour")
    assert f.keys["t:water"] > 1.0  # the terms still count the whole text
    summary = describe_story(FeatureTable([f], Params()), np.arange(1), {})["summary"]
    assert [s["text"] for s in summary] == ["The harbour wall gave way on Tuesday night."]


def test_story_summary_drops_the_dateline_that_opens_a_lead() -> None:
    from rashomon.stories.describe import describe_story
    from rashomon.stories.features import article_features

    lead = (
        "HARWICK, Estland, May 3 (Coastal Wire) - Governor Lena Brask announced new flood "
        "barriers for the harbour district on Tuesday."
    )
    feats = [article_features("a", title=None, paragraphs=[lead])]
    table = FeatureTable(feats, Params())
    summary = [s["text"] for s in describe_story(table, np.arange(1), {})["summary"]]
    assert summary == [
        "Governor Lena Brask announced new flood barriers for the harbour district on Tuesday."
    ]
