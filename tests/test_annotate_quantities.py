"""Quantities: values, qualifiers, units and counted nouns, on the seeds, the bundled
example corpus, tricky strings and garbage."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, TRUTH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rashomon.annotate.quantities import number_value, quantities_in
from rashomon.errors import MissingDependency


@pytest.fixture(scope="module")
def nlp():
    from rashomon.annotate import nlp as nlp_loader

    try:
        return nlp_loader.load()
    except MissingDependency as exc:
        pytest.skip(str(exc))


def _config(components: list[str]):
    from rashomon.config import load_config

    return load_config().with_overrides({"annotate": {"components": components}})


def _annotated(paths: list[str], tmp: Path) -> list[tuple]:
    """(article, annotations) for every article ingested from ``paths``."""
    from rashomon.annotate import annotate, load
    from rashomon.ingest import ingest
    from rashomon.store import open_store

    store = open_store(str(tmp / "q.db"))
    try:
        ingest(paths, store)
        annotate(store, _config(["sentences", "entities", "quantities"]))
        return [(a, load(store, a.id)) for a in store.articles()]
    finally:
        store.close()


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# --- the seeds -------------------------------------------------------------------------

#: (value, qualifier, a fragment of what is counted) for each seed, in reading order.
SEED_QUANTITIES = {
    "000": [(40, "=", "missiles"), (31000, "=", "soldiers")],
    "001": [(20, ">", "leaders"), (20, "~", "heads of state"), (0.5, "~", "aid"),
            (31000, "=", "soldiers")],
    "002": [(26, "=", "countries")],
}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory, nlp) -> dict[str, tuple]:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    done = _annotated([str(SEEDS)], tmp_path_factory.mktemp("seeds"))
    return {Path(a.path).name[:3]: (a, ann) for a, ann in done}


@pytest.mark.parametrize("seed", sorted(SEED_QUANTITIES))
def test_quantities_seeds_exactly_these(seeds, seed: str) -> None:
    article, ann = seeds[seed]
    got = [(q.value, q.qualifier, q.counted or "") for q in ann.quantities]
    want = SEED_QUANTITIES[seed]
    assert len(got) == len(want), got
    for (value, qualifier, counted), (gv, gq, gc) in zip(want, got, strict=True):
        assert _close(gv, value) and gq == qualifier and counted in gc, (got, want)
    assert ann.components["quantities"] == "quantities@2"
    for q in ann.quantities:
        assert article.text[q.start:q.end] == q.text
        if q.counted_start is not None:
            assert article.text[q.counted_start:q.counted_end] == q.counted


def test_quantities_seeds_not_dates_names_or_vague(seeds) -> None:
    """F-16 is a name, 2024 and "this year" are dates, "a significant portion" has no number."""
    for seed in SEED_QUANTITIES:
        article, ann = seeds[seed]
        for q in ann.quantities:
            assert q.value not in (16, 2024), q
            assert "year" not in q.text and "portion" not in q.text, q
    article, ann = seeds["000"]
    portion = article.text.find("significant portion")
    assert portion >= 0
    assert not any(q.start <= portion + 12 < q.end for q in ann.quantities)


def test_quantities_seeds_units(seeds) -> None:
    _, ann = seeds["001"]
    by_value = {(q.value, q.qualifier): q for q in ann.quantities}
    assert by_value[(31000, "=")].unit == "soldier" and by_value[(31000, "=")].kind == "count"
    assert by_value[(0.5, "~")].kind == "fraction"
    assert by_value[(20, "~")].counted.startswith("heads of state")


# --- the bundled example corpus ---------------------------------------------------------

#: Pinned to what the component achieves (71 of 71 value + qualifier; every truth entry
#: whose text names the counted noun has it in ``counted``). Lower only on purpose.
EXAMPLE_RECALL_FLOOR = 1.0
EXAMPLE_COUNTED_FLOOR = 1.0


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, nlp) -> tuple[dict, dict]:
    truth = json.loads(TRUTH.read_text("utf-8"))
    by_file = {}
    for article, ann in _annotated([str(EXAMPLE)], tmp_path_factory.mktemp("example")):
        rel = str(Path(article.path).resolve().relative_to(EXAMPLE.resolve()))
        if article.locator.startswith("entry "):
            rel += "#" + article.locator.removeprefix("entry ")
        by_file[rel] = (article, ann)
    return truth, by_file


def _counted_word(entry: dict) -> str | None:
    """The counted noun a truth entry's own text names: "three rescue helicopters" names
    "helicopters"; "rose to 41" names none. Plain counts only (unit None)."""
    if entry["unit"] is not None:
        return None
    last = entry["text"].split()[-1].strip(".,").lower()
    if not last.isalpha() or number_value(last) is not None:
        return None
    return last


def _stem(word: str) -> str:
    return word.lower().removesuffix("s")


def test_quantities_example_recall(example) -> None:
    """Every quantity of the truth file: found with its value and qualifier (the span must
    overlap the truth text), and the counted noun where the truth text names one."""
    truth, by_file = example
    found, counted_ok, counted_total, misses = 0, 0, 0, []
    for entry in truth["quantities"]:
        article, ann = by_file[entry["file"]]
        starts = [i for i in range(len(article.text)) if article.text.startswith(entry["text"], i)]
        assert starts, entry
        end = len(entry["text"])
        near = [q for q in ann.quantities if any(q.start < s + end and s < q.end for s in starts)]
        hits = [q for q in near if _close(q.value, entry["value"])
                and q.qualifier == entry["qualifier"]]
        if hits:
            found += 1
        else:
            misses.append(f"{entry['file']}: {entry['text']!r} want {entry['value']} "
                          f"{entry['qualifier']}, got {[(q.value, q.qualifier) for q in near]}")
        word = _counted_word(entry)
        if word is not None:
            counted_total += 1
            if any(_stem(word) in _stem(q.counted or "") for q in hits):
                counted_ok += 1
            else:
                misses.append(f"{entry['file']}: {entry['text']!r} counted should name "
                              f"{word!r}, got {[q.counted for q in hits]}")
    total = len(truth["quantities"])
    assert found / total >= EXAMPLE_RECALL_FLOOR, "\n".join(misses)
    assert counted_total >= 25 and counted_ok / counted_total >= EXAMPLE_COUNTED_FLOOR, \
        "\n".join(misses)


def test_quantities_example_units(example) -> None:
    """The units of the measured and money quantities, in Rashomon's canonical names."""
    truth, by_file = example
    names = {"percent": "%", "minute": "min", "fraction": None}
    wrong = []
    for entry in truth["quantities"]:
        if entry["unit"] in (None, "visitor/day"):
            continue
        article, ann = by_file[entry["file"]]
        want = names.get(entry["unit"], entry["unit"])
        start = article.text.find(entry["text"])
        end = start + len(entry["text"])
        if not any(q.unit == want and _close(q.value, entry["value"]) for q in ann.quantities
                   if q.start < end and start < q.end):
            wrong.append((entry["text"], want))
    assert not wrong


# --- the normaliser on tricky strings ----------------------------------------------------

# (text, [(value, qualifier, unit, kind), ...]) without a parse.
CASES = [
    ("It costs $60 billion.", [(6e10, "=", "USD", "money")]),
    ("The cabinet approved 4.5 billion crowns.", [(4.5e9, "=", "crown", "money")]),
    ("about 5,000 Danish crowns", [(5000, "~", "DKK", "money")]),
    ("£1.2m and €5bn", [(1.2e6, "=", "GBP", "money"), (5e9, "=", "EUR", "money")]),
    ("US$58.24, HK $5.4m, $A82,615,680", [(58.24, "=", "USD", "money"),
                                          (5.4e6, "=", "HKD", "money"),
                                          (82615680, "=", "AUD", "money")]),
    ("USD10m, 1,200€, Y=28,030, PS8.1bn", [(1e7, "=", "USD", "money"),
                                          (1200, "=", "EUR", "money"),
                                          (28030, "=", "JPY", "money"),
                                          (8.1e9, "=", "GBP", "money")]),
    ("twenty-six volunteers", [(26, "=", None, "count")]),
    ("a quarter of the budget", [(0.25, "~", None, "fraction")]),
    ("two-thirds of voters", [(2 / 3, "~", None, "fraction")]),
    ("one in five adults", [(0.2, "=", None, "fraction")]),
    ("1/16 of a pint", [(1 / 16, "=", None, "fraction")]),
    ("1.2m people", [(1.2e6, "=", None, "count")]),
    ("a 3,000-strong force", [(3000, "=", None, "count")]),
    ("between 20 and 30 people", [(20, ">=", None, "count"), (30, "<=", None, "count")]),
    ("20-30 people", [(20, ">=", None, "count"), (30, "<=", None, "count")]),
    ("$3 billion to $5 billion", [(3e9, ">=", "USD", "money"), (5e9, "<=", "USD", "money")]),
    ("$89 to $93 billion", [(8.9e10, ">=", "USD", "money"), (9.3e10, "<=", "USD", "money")]),
    ("ranging from $200 to $4 million", [(200, ">=", "USD", "money"),
                                         (4e6, "<=", "USD", "money")]),
    ("Horsepower jumped from 240 to 273", [(240, "=", None, "count"),
                                            (273, "=", None, "count")]),
    # "from X to Y" as a change: the unit written on one side is carried to the other.
    ("Growth slowed from 4.8 to 4.7 percent", [(4.8, "=", "%", "percent"),
                                                (4.7, "=", "%", "percent")]),
    ("dropping from 208 pounds to 193", [(208, "=", "lb", "measure"),
                                         (193, "=", "lb", "measure")]),
    ("It rose from 4.7 to 4.8 per cent", [(4.7, "=", "%", "percent"),
                                          (4.8, "=", "%", "percent")]),
    # ... and in the same change told end first.
    ("It rose to 5.1 percent from 4.8 in March", [(5.1, "=", "%", "percent"),
                                                  (4.8, "=", "%", "percent")]),
    ("Shares fell to $3.65 from 3.80.", [(3.65, "=", "USD", "money"),
                                         (3.8, "=", "USD", "money")]),
    ("It fell to 3 from 4 km, then 5 to 6 from 7 to 8", [(3, "=", "km", "measure"),
                                                        (4, "=", "km", "measure"),
                                                        (5, ">=", None, "count"),
                                                        (6, "<=", None, "count"),
                                                        (7, ">=", None, "count"),
                                                        (8, "<=", None, "count")]),
    ("dozens of people", [(12, ">=", None, "count"), (120, "<", None, "count")]),
    ("tens of thousands of students", [(1e4, ">=", None, "count"), (1e5, "<", None, "count")]),
    ("nearly 40%", [(40, "<", "%", "percent")]),
    ("19 per cent", [(19, "=", "%", "percent")]),
    ("up to 12 km", [(12, "<=", "km", "measure")]),
    ("more than 1,200 rescuers", [(1200, ">", None, "count")]),
    ("at least 600 homes", [(600, ">=", None, "count")]),
    ("some 6,000 residents", [(6000, "~", None, "count")]),
    ("almost 57", [(57, "<", None, "count")]),
    ("over 35 GWh", [(35, ">", "GWh", "measure")]),
    ("children aged 14 and under", [(14, "<=", "year", "measure")]),
    ("20 or more", [(20, ">=", None, "count")]),
    ("within half an hour", [(0.5, "<=", "hour", "measure")]),
    ("two and a half hours", [(2.5, "=", "hour", "measure")]),
    ("six consecutive days", [(6, "=", "day", "measure")]),
    ("a 62-metre dam and the 58-metre-high wall", [(62, "=", "m", "measure"),
                                                   (58, "=", "m", "measure")]),
    ("a 30-day state of emergency", [(30, "=", "day", "measure")]),
    ("a 50-year-old man", [(50, "=", "year", "measure")]),
    ("the 37m (121ft)-long skeleton", [(37, "=", "m", "measure"), (121, "=", "ft", "measure")]),
    ("a 100m sprint, 32m2", [(100, "=", "m", "measure"), (32, "=", "m2", "measure")]),
    ("50mph winds, 640bhp, 5.5kWh, ~45g", [(50, "=", "mph", "measure"),
                                           (640, "=", "bhp", "measure"),
                                           (5.5, "=", "kWh", "measure"),
                                           (45, "~", "g", "measure")]),
    ("minus 30 degrees Celsius, −5 °C", [(-30, "=", "°C", "measure"),
                                         (-5, "=", "°C", "measure")]),
    ("1.99×10−30 kilograms", [(1.99e-30, "=", "kg", "measure")]),
    ("$1,271.2 an ounce", [(1271.2, "=", "USD/oz", "money")]),
    ("52,000 barrel-a-day", [(52000, "=", "bbl/day", "measure")]),
    ("postponed three times", [(3, "=", "times", "count")]),
    ("4 hundred million people", [(4e8, "=", None, "count")]),
    ("1 to 2 thousand people", [(1000, ">=", None, "count"), (2000, "<=", None, "count")]),
    ("four-, five- and six-cylinder engines", [(4, "=", "cylinder", "measure"),
                                               (5, "=", "cylinder", "measure"),
                                               (6, "=", "cylinder", "measure")]),
    ("the 96th minute", [(96, "=", None, "ordinal")]),
]

#: Strings with no quantity in them: dates, times, versions, names, scores.
NOT_QUANTITIES = [
    "on 26 February", "by March 7", "Oct. 31", "at 10:27 PM", "at 5am", "at 4 p.m.",
    "version 3.8.0", "F-16 fighter jets", "COVID-19", "the 1990s", "Game 7", "Article 5",
    "a 2-0 win", "from 2014-2017", "24/7", "in 2024", "2022's market", "5G data",
    "No. 10", "the S&P 500", "the same one", "one another",
]


@pytest.mark.parametrize(("text", "want"), CASES, ids=[c[0] for c in CASES])
def test_quantities_normaliser(text: str, want: list[tuple]) -> None:
    got = quantities_in(text)
    assert [(q.qualifier, q.unit, q.kind) for q in got] == [w[1:] for w in want], got
    for q, (value, *_rest) in zip(got, want, strict=True):
        assert _close(q.value, value), (q, value)
        assert text[q.start:q.end] == q.text


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_quantities_not_quantities(text: str) -> None:
    assert quantities_in(text) == []


@pytest.mark.parametrize(("phrase", "value"), [
    ("twenty-six", 26), ("one hundred and five", 105), ("a dozen", 12), ("half", 0.5),
    ("a quarter", 0.25), ("4.5 billion", 4.5e9), ("1.2m", 1.2e6), ("31,000", 31000),
    ("three-quarters", 0.75), ("½", 0.5), ("2½", 2.5), ("a million", 1e6),
])
def test_quantities_number_value(phrase: str, value: float) -> None:
    assert _close(number_value(phrase), value)


def test_quantities_qualifier_spans_include_the_qualifier() -> None:
    (q,) = quantities_in("More than 30 people are missing.")
    assert q.text == "More than 30" and q.qualifier == ">"


# --- with the parse ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "want"), [
    # "one" counts when it counts something, partitive included (like "three of the
    # five gates"); never as a pronoun or in idioms.
    ("It is one of the oldest dams in the country.", [(1, "oldest dams")]),
    ("One proposal asks the board to stop.", [(1, "proposal")]),
    ("He wants the red one, not the blue one.", []),
    ("No one knows, and they help one another.", []),
    ("One day she will return.", []),
    ("Three of the dam's five spillway gates did not move.", [(3, "spillway gates"),
                                                                (5, "spillway gates")]),
    ("Zelensky said 26 countries' pledges matter.", [(26, "countries")]),
    ("About 20 heads of state attended.", [(20, "heads of state")]),
    ("Half of the Western military aid arrived late.", [(0.5, "Western military aid")]),
    ("The confirmed death toll rose to 41 on Monday.", [(41, "death toll")]),
    ("Milena Hartova, 44, runs a bakery.", [(44, "age of Milena Hartova")]),
    ("In 2024 the iPhone 11 and the S&P 500 fell on 26 February.", []),
    ("Ford has 13000 workers in the United Kingdom.", [(13000, "workers")]),
    ("A third of the population lives here; the third time was different.",
     [(1 / 3, "population")]),
    ("Dozens of people were killed in 2019.", [(12, "people"), (120, "people")]),
    # A change between two counts: the count of the start is of the same noun.
    ("The garrison grew from 5 to 7 battalions.", [(5, "battalions"), (7, "battalions")]),
    ("Sales fell to 3 million from 4.2 million units.", [(3e6, "units"), (4.2e6, "units")]),
])
def test_quantities_parse(nlp, text: str, want: list[tuple]) -> None:
    got = [q for q in quantities_in(text, nlp) if q.kind != "ordinal"]
    assert len(got) == len(want), got
    for q, (value, counted) in zip(got, want, strict=True):
        assert _close(q.value, value) and counted in (q.counted or ""), (got, want)


def test_quantities_durations_are_quantities_dates_are_not(nlp) -> None:
    got = quantities_in("The restoration took six years and ended in 2020, two years ago, "
                        "after a five-hour meeting on 3 March at 10 a.m.", nlp)
    assert [(q.value, q.unit) for q in got] == [(6, "year"), (5, "hour")], got


def test_quantities_change_direction(nlp) -> None:
    from rashomon.annotate.quantities import change_direction, quantities_of

    doc = nlp("Pluristem rose 8.15% to 3.65 while Sony fell 2.7% and the Dow was down 0.2%.")
    got = [(q.value, change_direction(doc, q.start, q.end)) for q in quantities_of(doc)]
    assert got == [(8.15, "up"), (3.65, None), (2.7, "down"), (0.2, "down")]


@pytest.mark.parametrize(("text", "pairs"), [
    ("Bitcoin plummeted from $36,040 at 10.45pm last night to $34,935 at 5am.", [(0, 1)]),
    ("It fell from 4.8 to 4.7 percent, then from 12 km to 9 km.", [(0, 1), (2, 3)]),
    ("Horsepower jumped from 240 to 273.", [(0, 1)]),
    # Not a change: a range (one span), a clause between, no "from", different units.
    ("Prices range from $370,000 to $5.5 million.", []),
    ("It fell from 4.8%, the lowest level, to 4.7%.", []),
    ("Sales rose 3% to $5 billion.", []),
    ("It went from 5 km to 7 kg.", []),
    ("From 1 to 2 and from 9 to 3.", [(2, 3)]),
])
def test_quantities_from_to_pairs(text: str, pairs: list[tuple[int, int]]) -> None:
    from rashomon.annotate.quantities import from_to_pairs

    found = quantities_in(text)
    assert from_to_pairs(text, found) == pairs, found


def test_quantities_from_to_pairs_with_offset(nlp) -> None:
    from rashomon.annotate.quantities import from_to_pairs, quantities_of

    doc = nlp("His weight went from 208 pounds to 193 by May.")
    found = quantities_of(doc, offset=100)
    assert [(q.value, q.unit, q.start) for q in found] == [(208, "lb", 121), (193, "lb", 135)]
    assert from_to_pairs(doc.text, found, offset=100) == [(0, 1)]


def test_quantities_component_registered() -> None:
    from rashomon.annotate.base import build, registered

    assert "quantities" in registered()
    (sentences, quantities) = build(["sentences", "quantities"], {})
    assert (quantities.name, quantities.version) == ("quantities", "2")
    assert quantities.requires == ("sentences",) and quantities.assigns == ("quantities",)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "9" * 5000,
    "1," * 3000 + "1",
    "1." * 3000 + "1",
    "1/" * 2000,
    " ".join(["one"] * 3000),
    " ".join(["twenty-six hundred and"] * 500),
    "$" * 2000 + "5",
    "- " * 3000 + "5",
    "more than " * 1000 + "20",
    "THE GOVERNMENT SAID MORE THAN 20 SOLDIERS AND $60 BILLION WERE SENT ON 26 FEBRUARY 2024",
    "soldiers killed 31000 missiles 40 leaders more than 20 heads about 20 half of aid " * 200,
    "\u200b½⅓¾ 1⁄32 × 10 − 3 ″ ′ ° % € £ ¥ ₹ " * 100,
    "",
])
def test_quantities_bad_input_does_not_crash(nlp, text: str) -> None:
    for q in quantities_in(text):
        assert 0 <= q.start <= q.end <= len(text) and q.text == text[q.start:q.end]
    if len(text) < 20000:
        for q in quantities_in(text, nlp):
            assert q.text == text[q.start:q.end]


def test_quantities_huge_numbers_are_not_values() -> None:
    assert quantities_in("9" * 5000 + " soldiers") == []
    (q,) = quantities_in("123456789012 soldiers")
    assert q.value == 123456789012


def test_quantities_linear_time() -> None:
    """Twenty times the text takes about twenty times as long, not four hundred."""
    unit = ("About 6,000 people, 4.5 billion crowns and more than 20 leaders on 26 February; "
            "between 20 and 30 km; 1,2,3,4,5 one two three - - $ $ 1/2/3 ")
    quantities_in(unit * 10)  # warm up
    started = time.perf_counter()
    quantities_in(unit * 100)
    small = time.perf_counter() - started
    started = time.perf_counter()
    quantities_in(unit * 2000)
    large = time.perf_counter() - started
    assert large < max(60 * small, 0.5), (small, large)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("0123456789 ,.-–/$€£%~½×−:'") + [
    " one", " half", " a", " of", " to", " and", " between", " more than", " million",
    " bn", "m", " km", " per cent", " crowns", " people", " about", " minus", " dozens",
    " February", " year", "-old", " in", " or", " up to", " twenty", "-six"]),
    max_size=60).map("".join))
def test_quantities_any_text_gives_well_formed_spans(text: str) -> None:
    for q in quantities_in(text):
        assert 0 <= q.start <= q.end <= len(text) and q.text == text[q.start:q.end]
        assert q.value is None or math.isfinite(q.value)
        assert q.qualifier in ("=", "~", ">", ">=", "<", "<=")
        assert q.kind in ("count", "money", "percent", "measure", "fraction", "ordinal")
