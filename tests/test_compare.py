"""The fact matrix on the bundled example (every planted case) and on the seeds."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLE, TRUTH

from rashomon.cli import main
from rashomon.compare.analysis import compare_stored_story
from rashomon.compare.relations import agree, comparable, interval
from rashomon.model import Quantity

TRUTH_DATA = json.loads(TRUTH.read_text())
#: Planted cases not found today, each with why. None since claims leave out the lead's
#: dateline: A-F1 (the dam's collapse) used to split in two, and with it the "days of
#: rain" specificity pair, while Meridian's lead began "DOLVITSA, Veldera, March 15
#: (Meridian Wire) - ".
KNOWN_MISSES: set[str] = set()
SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "analysis.schema.json"


def _encoder_args(encoder: str, folder: Path) -> list[str]:
    """Command-line options that set the aligner's encoder (skips when not installed)."""
    if encoder == "minilm":
        return []
    from rashomon import mpnet

    if not mpnet.available():
        pytest.skip(f"all-mpnet-base-v2 is not installed ({mpnet.INSTALL_HINT})")
    settings = folder / "encoder.toml"
    settings.write_text(f'[compare]\nencoder = "{encoder}"\n', "utf-8")
    return ["--config", str(settings)]


#: Every planted case must hold with either encoder of the aligner.
ENCODERS = ["minilm", "mpnet"]


@pytest.fixture(scope="module", params=ENCODERS)
def analysis(tmp_path_factory, request):
    out = tmp_path_factory.mktemp("analysis")
    options = _encoder_args(request.param, tmp_path_factory.mktemp("settings"))
    assert main([*options, "-q", "analyze", str(EXAMPLE), "--out", str(out)]) == 0
    data = json.loads((out / "analysis.json").read_text("utf-8"))
    assert {c["encoder"] for c in data["comparisons"]} == {request.param}
    return data, out


def _file_ids(data) -> dict[str, str]:
    out = {}
    for a in data["articles"]:
        key = Path(a["file"]).resolve().relative_to(EXAMPLE.resolve()).as_posix()
        if a.get("locator") and a["locator"].startswith("entry "):
            key += "#" + a["locator"].removeprefix("entry ")
        out[key] = a["id"]
    return out


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").replace("“", '"').replace("”", '"').split())


def _facts_of(comparisons, article: str, sentence: str) -> list[tuple[dict, dict]]:
    """Every (comparison, fact) whose cell for ``article`` holds ``sentence`` (or a part
    of it): a sentence that states two facts is in both."""
    want = _norm(sentence)
    found = []
    for comp in comparisons:
        for fact in comp["facts"]:
            cell = fact["cells"].get(article)
            if (
                cell
                and cell["sentence"]
                and (want in _norm(cell["sentence"]) or _norm(cell["sentence"]) in want)
            ):
                found.append((comp, fact))
    return found


def _fact_of(comparisons, article: str, sentence: str):
    found = _facts_of(comparisons, article, sentence)
    return found[0] if found else (None, None)


def _common_fact(comparisons, sentences: dict[str, str]):
    """The fact holding every one of {article: sentence}, or None."""
    ids = None
    by_id = {}
    for article, sentence in sentences.items():
        found = {
            f["id"] + comp["story"]: f for comp, f in _facts_of(comparisons, article, sentence)
        }
        by_id.update(found)
        ids = set(found) if ids is None else ids & set(found)
    return by_id[min(ids)] if ids else None


def test_analysis_json_follows_its_schema(analysis) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data, _ = analysis
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert len(data["articles"]) == 8
    assert {len(s["articles"]) for s in data["stories"]} == {5, 2, 1}
    assert len(data["comparisons"]) == 2  # stories with more than one article


def test_every_cell_points_at_its_evidence(analysis) -> None:
    data, out = analysis
    from rashomon.store import open_store

    store = open_store(str(out / "rashomon.db"))
    texts = {a.id: a.text for a in store.articles()}
    store.close()
    for comp in data["comparisons"]:
        for fact in comp["facts"]:
            assert set(fact["cells"]) == set(comp["articles"])
            for aid, cell in fact["cells"].items():
                if cell["status"] == "omitted":
                    assert cell["sentence"] is None
                else:
                    assert texts[aid][cell["start"] : cell["end"]].strip() == cell["sentence"]


def test_no_fact_is_a_dateline_or_starts_with_one(analysis) -> None:
    """The example's leads open with "DOLVITSA, Veldera, March 15 (Meridian Wire) - ":
    that is where the story was filed, not part of the first fact, nor a fact of its own."""
    from rashomon.ingest.structure import strip_dateline

    data, _ = analysis
    shown = [f["text"] for c in data["comparisons"] for f in c["facts"]]
    shown += [
        cell["sentence"]
        for c in data["comparisons"]
        for f in c["facts"]
        for cell in f["cells"].values()
        if cell["sentence"]
    ]
    assert any("DOLVITSA" in t["text"][:200] for t in data["texts"].values())
    assert [s for s in shown if strip_dateline(s) != s] == []


def _biggest_story_with_and_without(out: Path, limits):
    """The example's biggest story compared at the default bounds and within ``limits``."""
    from rashomon.compare.align import Aligner
    from rashomon.store import open_store

    store = open_store(str(out / "rashomon.db"))
    try:
        story = max(store.stories(), key=lambda s: len(s["articles"]))
        aligner = Aligner()
        full = compare_stored_story(store, story, aligner)
        return story, full, compare_stored_story(store, story, aligner, limits)
    finally:
        store.close()


def test_a_long_article_is_compared_on_its_first_claims_with_a_note(
    analysis, tmp_path, capsys
) -> None:
    """Cost grows with the square of a story's claims (a 50,000-word paste beside another
    ran out of 24 GB): each article gives at most [compare] max_claims, and the
    comparison says so and names the setting."""
    from rashomon.compare.matrix import CompareSettings

    _, out = analysis
    story, full, cut = _biggest_story_with_and_without(out, CompareSettings(max_claims=4))
    assert full["notes"] == []
    assert len(cut["notes"]) == len(story["articles"])
    assert all("only its first 4 claims compared" in n for n in cut["notes"])
    assert all("[compare] max_claims" in n for n in cut["notes"])
    for aid in story["articles"]:
        sentences = {
            f["cells"][aid]["sentence"] for f in cut["facts"] if f["cells"][aid]["sentence"]
        }
        assert 0 < len(sentences) <= 4
    # The same bound from a settings file, through the command line.
    settings = tmp_path / "rashomon.toml"
    settings.write_text("[compare]\nmax_claims = 4\n", "utf-8")
    db = str(out / "rashomon.db")
    capsys.readouterr()
    assert main(["--config", str(settings), "compare", story["id"], "--db", db]) == 0
    assert "only its first 4 claims compared" in capsys.readouterr().out
    assert main(["compare", story["id"], "--db", db]) == 0
    assert "note: " not in capsys.readouterr().out


def test_the_packaged_settings_hold_the_library_defaults(tmp_path, monkeypatch) -> None:
    from rashomon.compare.matrix import CompareSettings
    from rashomon.config import load_config

    monkeypatch.chdir(tmp_path)  # no rashomon.toml: the packaged defaults alone
    assert CompareSettings.of(load_config()) == CompareSettings()


def test_the_pairs_bound_is_a_setting_and_its_note_says_so(analysis, tmp_path, capsys) -> None:
    from rashomon.compare.matrix import CompareSettings

    _, out = analysis
    story, full, cut = _biggest_story_with_and_without(out, CompareSettings(max_pairs=10))
    assert full["scored_pairs"] > 10 and cut["scored_pairs"] <= 10
    assert cut["notes"] == [
        f"only the 10 closest of {full['scored_pairs']:,} pairs of claims scored"
        " (raise [compare] max_pairs to score more)"
    ]
    # A bound under 1 is refused in one line, naming the setting.
    settings = tmp_path / "rashomon.toml"
    settings.write_text("[compare]\nmax_pairs = 0\n", "utf-8")
    capsys.readouterr()
    db = str(out / "rashomon.db")
    assert main(["--config", str(settings), "compare", story["id"], "--db", db]) != 0
    err = capsys.readouterr().err.strip()
    assert "compare.max_pairs" in err and len(err.splitlines()) == 1
    # The report shows them above the matrix, escaped like every text from outside.
    import copy

    from rashomon.report.render import render_report

    data = copy.deepcopy(analysis[0])
    data["comparisons"][0]["notes"] = ["<b>Outlet</b>: only its first 4 claims compared"]
    assert "&lt;b&gt;Outlet&lt;/b&gt;: only its first 4 claims compared" in render_report(data)


def test_candidate_pairs_are_blockwise_the_pairs_over_the_prefilter(monkeypatch) -> None:
    from rashomon.compare import matrix
    from rashomon.compare.matrix import PREFILTER, candidate_pairs

    monkeypatch.setattr(matrix, "_COS_ROWS", 1000)  # several chunks per block of rows

    rng = np.random.default_rng(0)
    v = rng.normal(size=(300, 8)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    articles = [f"a{k % 7}" for k in range(300)]
    cos = v @ v.T
    want = [
        (i, j)
        for i in range(300)
        for j in range(i + 1, 300)
        if articles[i] != articles[j] and cos[i, j] >= PREFILTER
    ]
    ii, jj, cc, found = candidate_pairs(v, articles, block=64)
    assert list(zip(ii.tolist(), jj.tolist(), strict=True)) == want and found == len(want)
    assert np.allclose(cc, cos[ii, jj], atol=1e-6)
    # Summed in float64 by numpy's own loop, not by BLAS, whose float32 sums change with
    # its thread count (Ray's workers run one): wire copies' tied sentences stay tied.
    exact = v.astype(np.float64)
    assert np.array_equal(cc, np.einsum("ij,ij->i", exact[ii], exact[jj]))
    # Past max_pairs: the closest, still in (i, j) order, and the count before the cut.
    ti, tj, tc, found = candidate_pairs(v, articles, max_pairs=100, block=64)
    assert found == len(want) and len(ti) == 100
    pairs = list(zip(ti.tolist(), tj.tolist(), strict=True))
    assert pairs == sorted(pairs)
    assert tc.min() >= np.sort(cc)[-100] - 1e-9


def test_planted_shared_facts_are_aligned(analysis) -> None:
    data, _ = analysis
    ids = _file_ids(data)
    missed = [
        (fact["id"], fact["description"])
        for fact in TRUTH_DATA["shared_facts"]
        if _common_fact(
            data["comparisons"], {ids[file]: s for file, s in fact["sentences"].items()}
        )
        is None
    ]
    assert {m[0] for m in missed} <= KNOWN_MISSES, missed


def test_planted_facts_do_not_share_a_row(analysis) -> None:
    """No row of the matrix holds the sentences of two different planted facts, unless
    one sentence states both (both planted facts then list it). The 2023 inspection that
    found cracks once sat in the row of the 2024 inspection the dam passed, scoring just
    at the threshold on topic words alone."""
    data, _ = analysis
    ids = _file_ids(data)
    planted = [(f["id"], f["sentences"]) for f in TRUTH_DATA["shared_facts"]]
    planted += [
        (f"attribution {k}", {d[s]["file"]: d[s]["sentence"] for s in ("attributed", "asserted")})
        for k, d in enumerate(TRUTH_DATA["framing"]["attribution_dropped"])
    ]
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for label, sentences in planted:
        for file, sentence in sentences.items():
            labels[(ids[file], _norm(sentence))].add(label)
    for comp in data["comparisons"]:
        for fact in comp["facts"]:
            found = []
            for aid, cell in fact["cells"].items():
                if not cell["sentence"]:
                    continue
                s = _norm(cell["sentence"])
                mine = set().union(
                    *(ls for (a, t), ls in labels.items() if a == aid and (t in s or s in t))
                )
                if mine:
                    found.append(mine)
            if found:
                assert set.intersection(*found), (fact["text"], found)


def test_unique_facts_are_omitted_by_the_others(analysis) -> None:
    data, _ = analysis
    ids = _file_ids(data)
    for fact in TRUTH_DATA["unique_facts"]:
        # a wire copy carries its original's sentences
        originals = {ids[fact["file"]]} | {
            a["id"] for a in data["articles"] if a["duplicate_of"] == ids[fact["file"]]
        }
        for _, f in _facts_of(data["comparisons"], ids[fact["file"]], fact["sentence"]):
            reporting = [a for a, c in f["cells"].items() if c["status"] != "omitted"]
            assert set(reporting) <= originals, (fact["id"], f["text"])


def test_planted_numeric_conflicts_found_and_qualified_figures_left_alone(analysis) -> None:
    data, _ = analysis
    ids = _file_ids(data)
    conflicts = [c for comp in data["comparisons"] for c in comp["conflicts"]]
    numbers = [c for c in conflicts if c["kind"] == "number"]
    for planted in TRUTH_DATA["numeric_conflicts"]:
        articles = {ids[f] for f in planted["values"]}
        values = {v["value"] for v in planted["values"].values()}
        assert any(
            set(c["articles"]) == articles and {v["value"] for v in c["values"] if v} == values
            for c in numbers
        ), planted["what"]
    for planted in TRUTH_DATA["non_conflicts"]:
        for c in numbers:
            pair = {ids[f] for f in planted["values"]}
            sentences = {_norm(v["sentence"]) for v in planted["values"].values()}
            if set(c["articles"]) <= pair:
                assert not {_norm(s) for s in c["sentences"]} <= sentences, planted["what"]



def test_fact_rows_show_their_own_sentence_and_a_conflict_shows_its_sentences(analysis) -> None:
    """A row's text is a sentence no earlier row of the story shows, and a fact in conflict
    shows one of the conflicting sentences (not a member that states neither value)."""
    data, _ = analysis
    for comp in data["comparisons"]:
        texts = [f["text"] for f in comp["facts"]]
        assert len(texts) == len(set(texts)), comp["story"]
        for fact in comp["facts"]:
            disputed = {
                cell["sentence"]
                for cell in fact["cells"].values()
                if cell["status"] == "conflicting"
            }
            if disputed:
                assert fact["text"] in disputed, (fact["text"], disputed)

def test_planted_specificity_differences(analysis) -> None:
    data, _ = analysis
    ids = _file_ids(data)
    for planted in TRUTH_DATA["specificity"]:
        if planted["what"] in KNOWN_MISSES:
            continue
        general, specific = planted["general"], planted["specific"]
        f = _common_fact(
            data["comparisons"],
            {
                ids[general["file"]]: general["sentence"],
                ids[specific["file"]]: specific["sentence"],
            },
        )
        assert f is not None, planted["what"]
        assert f["cells"][ids[specific["file"]]]["status"] == "more_specific", planted["what"]
        assert f["cells"][ids[general["file"]]]["status"] == "less_specific", planted["what"]


def test_planted_quote_drift(analysis) -> None:
    data, _ = analysis
    ids = _file_ids(data)
    drift = [
        c for comp in data["comparisons"] for c in comp["conflicts"] if c["kind"] == "quote_drift"
    ]
    for planted in TRUTH_DATA["quote_drift"]:
        changed = {ids[f] for f, r in planted["renderings"].items()}
        found = [d for d in drift if changed <= set(d["renderings"])]
        assert found, planted["speaker"]
        # Headed by the speaker's canonical name, not the first outlet's spelling.
        assert {d["speaker_name"] for d in found} == {planted["speaker"]}


def test_spelling_differences_in_the_naming_fingerprint(analysis) -> None:
    data, _ = analysis
    by_outlet: dict[str, set[str]] = {}
    for planted in TRUTH_DATA["name_variants"]:
        entity = next(e for e in data["entities"] if planted["canonical"] in e["aliases"])
        spellings = {v for vs in planted["variants"].values() for v in vs}
        assert spellings <= set(entity["aliases"]), planted["canonical"]
        for outlet, counts in entity["alias_counts"].items():
            by_outlet.setdefault(outlet, set()).update(counts)
    assert "Zhelyezov" in by_outlet["Meridian Wire"]


def test_framing_profiles(analysis) -> None:
    data, _ = analysis
    ids = _file_ids(data)
    comp = next(c for c in data["comparisons"] if len(c["articles"]) == 5)
    vov = comp["framing"][ids["voice-of-veldera/feed.xml#vov-2026-0316-horska-rescue"]]
    others = [p for a, p in comp["framing"].items() if p["outlet"] != "Voice of Veldera"]
    assert vov["loaded_per_1000_words"] > max(p["loaded_per_1000_words"] for p in others)
    assert vov["vague_attributions"] + vov["anonymous_sources"] >= 2
    assert any(p["speakers"] for p in comp["framing"].values())
    # Naming choices are spellings ("Dolvica"), not a dateline's capitals ("DOLVITSA").
    naming = {(n["name"], n["usual"]) for p in comp["framing"].values() for n in p["naming"]}
    assert ("Dolvica", "Dolvitsa") in naming
    assert not [n for n in naming if n[0].casefold() == (n[1] or "").casefold()]
    assert set(comp["outlets"]) == {
        "Meridian Wire",
        "The Northwind Post",
        "The Nerevo Ledger",
        "Voice of Veldera",
    }


def test_compare_command_prints_the_matrix(analysis, capsys) -> None:
    data, out = analysis
    story = max(data["stories"], key=lambda s: len(s["articles"]))["id"]
    assert main(["compare", story, "--db", str(out / "rashomon.db")]) == 0
    text = capsys.readouterr().out
    assert "conflict" in text and "quote drift" in text
    # The cells are explained, and a fact named in a finding can be found: each row
    # carries its id, and an attribution dropped shows both sides' sentences.
    assert "= reported" in text and ". omitted" in text and "+ more specific" in text
    assert "│ f1 " in text
    assert "[attributed]:" in text and "[as fact]:" in text
    assert main(["compare", "nope", "--db", str(out / "rashomon.db")]) != 0


# -- the seeds ---------------------------------------------------------------------------

SEED_DATES = ("2024-02-26", "2024-02-27", "2025-09-04")


@pytest.fixture(scope="module", params=ENCODERS)
def seeds(tmp_path_factory, request):
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip("seed articles not found")
    folder = tmp_path_factory.mktemp("seeds")
    options = _encoder_args(request.param, tmp_path_factory.mktemp("settings"))
    for k, (path, day) in enumerate(zip(sorted(SEEDS.glob("*.txt")), SEED_DATES, strict=True)):
        (folder / f"{k}.md").write_text(
            f"---\npublished: {day}\noutlet: Outlet {k}\n---\n" + path.read_text("utf-8"),
            encoding="utf-8",
        )
    out = folder / "out"
    assert main([*options, "-q", "analyze", str(folder), "--out", str(out)]) == 0
    from rashomon.compare.align import Aligner
    from rashomon.store import open_store

    store = open_store(str(out / "rashomon.db"))
    story = next(s for s in store.stories() if len(s["articles"]) == 2)
    comp = compare_stored_story(store, story, Aligner(encoder=request.param))
    outlets = {a.id: a.outlet for a in store.articles()}
    data = json.loads((out / "analysis.json").read_text("utf-8"))
    assert {c["encoder"] for c in data["comparisons"]} == {request.param}
    store.close()
    return comp, outlets, data


def _seed_facts(comp, outlets, outlet: str, *words: str) -> list[dict]:
    found = []
    for fact in comp["facts"]:
        for aid, cell in fact["cells"].items():
            if outlets[aid] == outlet and cell["sentence"]:
                if all(w.lower() in cell["sentence"].lower() for w in words):
                    found.append(fact)
    return found


def _seed_fact(comp, outlets, outlet: str, *words: str):
    found = _seed_facts(comp, outlets, outlet, *words)
    return found[0] if found else None


@pytest.mark.parametrize(
    "words0, words1",
    [
        (("31,000",), ("31,000",)),
        (("Western officials",), ("Western officials",)),
        (("anonymous",), ("anonymity",)),
        (("long-range", "alliance"), ("coalition", "long-range")),
        (("sustainability",), ("doubts", "feasibility")),
    ],
)
def test_seed_shared_facts_are_aligned(seeds, words0, words1) -> None:
    comp, outlets, _ = seeds
    f0 = {f["id"] for f in _seed_facts(comp, outlets, "Outlet 0", *words0)}
    f1 = {f["id"] for f in _seed_facts(comp, outlets, "Outlet 1", *words1)}
    assert f0 & f1, (words0, words1)


@pytest.mark.parametrize(
    "words", [("Poland's president", "ammunition"), ("Hungary",), ("strategic ambiguity",)]
)
def test_seed_facts_only_one_outlet_gives_are_not_aligned(seeds, words) -> None:
    # Outlet 1 says nothing of these; before the aligner clipped its features to the
    # training range, long unrelated sentences of the story scored 1.0 and filled these
    # cells with another fact's sentence.
    comp, outlets, _ = seeds
    facts = _seed_facts(comp, outlets, "Outlet 0", *words)
    assert facts, words
    for fact in facts:
        other = next(c for a, c in fact["cells"].items() if outlets[a] == "Outlet 1")
        assert other["status"] == "omitted", other["sentence"]


def test_seed_naming_choices_are_spellings_not_adjectives(seeds) -> None:
    comp, _, _ = seeds
    names = {n["name"] for p in comp["framing"].values() for n in p["naming"]}
    assert "Rustem Umerov" in names or "Rustam Omerov" in names
    assert not names & {"Polish", "British", "French", "Ukrainian", "American"}, names


def test_seed_half_is_more_specific_than_a_significant_portion(seeds) -> None:
    comp, outlets, _ = seeds
    fact = _seed_fact(comp, outlets, "Outlet 1", "half")
    assert fact is not None
    by_outlet = {outlets[a]: c for a, c in fact["cells"].items()}
    assert "significant portion" in (by_outlet["Outlet 0"]["sentence"] or "")
    assert by_outlet["Outlet 1"]["status"] == "more_specific"
    assert by_outlet["Outlet 0"]["status"] == "less_specific"


def test_seed_different_facts_are_omissions(seeds) -> None:
    comp, outlets, _ = seeds
    singles = [f for f in comp["facts"] if f["reported_by"] == 1]
    assert len(singles) >= 5
    for f in singles:
        statuses = sorted(c["status"] for c in f["cells"].values())
        assert statuses == ["omitted", "reported"]


def test_seed_stances_on_sending_troops(seeds) -> None:
    _, _, data = seeds
    issues = [i for line in data["stances"] for i in line["issues"]]
    troops = next(i for i in issues if "troop" in i["issue"] or "forces" in i["issue"])
    positions = {
        (p["actor_name"], p["position"], (p["date"] or "")[:4]) for p in troops["positions"]
    }
    assert ("Emmanuel Macron", "for", "2024") in positions
    assert ("Germany", "against", "2025") in positions
    assert ("UK", "for", "2025") in positions or ("France", "for", "2025") in positions


# -- relations on their own --------------------------------------------------------------


def _q(value, qualifier="=", unit=None, counted="people", kind="count") -> Quantity:
    return Quantity(0, 1, str(value), value, unit or counted, qualifier, counted, kind=kind)


def test_qualified_figures_are_intervals() -> None:
    assert agree(_q(30, ">"), _q(35, "~"))
    assert agree(_q(6000, "~"), _q(6000, ">"))
    assert not agree(_q(41), _q(37))
    assert not agree(_q(20, ">"), _q(10, "<"))
    assert interval(_q(20, "~"))[0] < 20 < interval(_q(20, "~"))[1]
    assert comparable(_q(41, counted="deaths"), _q(37, counted="death toll"))
    assert not comparable(_q(12, unit="km", kind="measure"), _q(18000))


def test_relations_inside_a_fact_are_computed_once_per_telling() -> None:
    """relate_within gives what relate gives for every ordered pair of a fact, the values it
    names taken from the pair's own claims, though copies of one sentence share the work."""
    from rashomon.compare.claims import Claim
    from rashomon.compare.relations import relate, relate_within

    def claim(k: int, text: str, *quantities: Quantity) -> Claim:
        c = Claim(f"a{k}", 0, text, 0, len(text), 0)
        c.quantities = list(quantities)
        return c

    def dead(n: float, start: int, qualifier: str = "=") -> Quantity:
        return Quantity(start, start + 2, str(n), n, "people", qualifier, "people")

    said = "The service said 41 people died."
    claims = [
        claim(0, said, dead(41, 18)),
        claim(1, said, dead(41, 118)),  # the same sentence in a copy, at another offset
        claim(2, "The service confirmed 37 deaths.", dead(37, 22)),
        claim(3, "Dozens of people died.", dead(30, 0, ">")),
        claim(4, said, dead(41, 218)),
    ]
    facts = [[0, 1, 2, 3, 4]]
    got = relate_within(claims, facts)
    for c in facts[0]:
        for d in facts[0]:
            if c != d:
                want = relate(claims[c], claims[d])
                r = got[(c, d)]
                assert (r.kind, r.why) == (want.kind, want.why), (c, d)
                assert r.a_value is want.a_value and r.b_value is want.b_value, (c, d)
    assert got[(1, 2)].kind == "conflicting" and got[(1, 2)].a_value.start == 118
