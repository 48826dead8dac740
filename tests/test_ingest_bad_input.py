"""Bad input never stops ingestion.

For every kind of broken, odd or hostile input the contract is the same:

* ``ingest`` does not raise (except for a path that does not exist: the user mistyped it);
* the bad input gets a clear one-line reason in the skip list (``store.skips()``);
* the rest of the batch goes on: a good article beside the bad file is stored in the
  same run;
* nothing stored before is lost: an article ingested in an earlier run is still there.

Every text here is written for this file. Nothing touches the network.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rashomon.cli import main
from rashomon.config import Config, load_config
from rashomon.errors import InputError
from rashomon.ingest import IngestReport, ingest, readers
from rashomon.ingest.readers import Limits, read_file
from rashomon.model import Article, RawRecord, Skip
from rashomon.store import SQLiteStore

# --- texts ---------------------------------------------------------------------------------

_SUBJECTS = [
    "The harbour council", "A group of fishermen", "The regional water board",
    "Local bakers", "The ferry operator", "Teachers at the river school", "The mayor's office",
    "Night-shift nurses", "The cycling club", "Owners of the old mill", "A tenants' union",
    "The county library", "Market traders", "The volunteer fire brigade", "Two rival bus firms",
]
_VERBS = [
    "voted to delay", "asked the province to fund", "published a report on",
    "protested against", "quietly approved", "raised new doubts about", "agreed to study",
    "promised to review", "filed a complaint over", "celebrated the end of",
]
_OBJECTS = [
    "the dredging of the north channel", "a new timetable for the evening ferries",
    "the closure of the fish market", "repairs to the sea wall", "a rise in parking fees",
    "the planned wind farm off the cape", "longer opening hours at the clinic",
    "a ban on heavy lorries in the old town", "the sale of the disused rail depot",
    "free school meals for younger pupils", "a pilot scheme for night buses",
]
_WHEN = [
    "on Monday", "late on Tuesday", "this week", "after a long meeting", "before the holidays",
    "on Thursday evening", "at the weekend", "earlier this month",
]
_COMMENT = [
    "Critics said the plan came too late.", "Supporters called it a sensible compromise.",
    "Nobody from the ministry was available for comment.", "A final decision is due in spring.",
    "The cost has not yet been published.", "Residents were split on the idea.",
    "Officials promised a public hearing.", "Opposition members walked out in protest.",
]


def article_text(seed: int | str, sentences: int = 4) -> str:
    """A short English news story, different for every seed (no near duplicates)."""
    rng = random.Random(f"article-{seed}")
    headline = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}".replace(
        "The ", "", 1
    )
    headline = headline[0].upper() + headline[1:]
    body = []
    for _ in range(sentences):
        body.append(
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_WHEN)}, with {rng.randint(2, 9999)} people following the debate. "
            f"{rng.choice(_COMMENT)}"
        )
    return headline + "\n\n" + "\n\n".join(body) + f"\n\nReference {seed}.\n"


def tiny_article(n: int) -> str:
    """About forty words, unique per ``n``."""
    rng = random.Random(n)
    words = [
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHEN)}.",
        f"Item {n} was filed by desk {rng.randint(1, 99)} at {rng.randint(10, 23)} hours.",
        rng.choice(_COMMENT),
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}.",
    ]
    return " ".join(words) + "\n"


NON_ENGLISH = {
    "de": (
        "Der Stadtrat von Freiburg hat am Mittwochabend nach langer Debatte beschlossen, die "
        "alte Straßenbahnlinie entlang des Flusses bis zum neuen Wohngebiet im Norden zu "
        "verlängern. Die Bauarbeiten sollen im kommenden Frühjahr beginnen und etwa zwei Jahre "
        "dauern.\n\nAnwohner begrüßten die Entscheidung, äußerten aber auch Sorgen über Lärm "
        "und gesperrte Straßen während der Bauzeit. Die Kosten werden auf rund achtzig "
        "Millionen Euro geschätzt, wovon das Land einen großen Teil übernehmen will.\n"
    ),
    "es": (
        "El ayuntamiento de Valencia aprobó el martes un plan para plantar más de diez mil "
        "árboles en los barrios con menos sombra de la ciudad antes del próximo verano. Según "
        "la concejala de Medio Ambiente, la medida busca reducir la temperatura de las calles "
        "durante las olas de calor.\n\nLos vecinos celebraron la noticia, aunque algunos "
        "comerciantes pidieron que las obras no bloqueen el acceso a sus tiendas durante las "
        "semanas de más ventas.\n"
    ),
    "ru": (
        "Городской совет Новосибирска во вторник утвердил план ремонта старого моста через "
        "реку, который был закрыт для грузовиков ещё прошлой осенью. Работы начнутся в мае и "
        "продлятся почти два года, а на время ремонта в город пустят дополнительные автобусы."
        "\n\nЖители соседних районов опасаются пробок, однако большинство из них считает, что "
        "ремонт давно назрел и откладывать его больше нельзя. Стоимость работ пока не "
        "называется.\n"
    ),
    "ar": (
        "وافق المجلس البلدي في مدينة الإسكندرية يوم الثلاثاء على خطة جديدة لتوسيع شبكة "
        "الحافلات العامة لتصل إلى الأحياء الشرقية التي تعاني من نقص في وسائل النقل. وقال "
        "رئيس المجلس إن العمل سيبدأ في الربيع المقبل وإن الخطة تشمل شراء مئة حافلة حديثة "
        "تعمل بالكهرباء.\n\nورحب السكان بالقرار لكنهم طالبوا أيضا بتحسين الأرصفة والمحطات "
        "وتوفير مظلات تحمي الركاب من حرارة الصيف.\n"
    ),
    "zh": (
        "杭州市政府星期二宣布，将在今年年底前开通一条连接西湖景区和火车东站的新地铁线路。"
        "市交通局负责人表示，这条线路全长约二十公里，共设十五个车站，预计每天可以运送三十万名"
        "乘客。\n\n许多市民对此表示欢迎，认为新线路将大大缩短上下班的时间。不过，也有住在沿线的"
        "居民担心施工期间会影响周边道路的交通，希望政府提前公布绕行方案。\n"
    ),
}

# Windows-1252 / Latin-1 texts: curly quotes, dashes and accented letters.
CP1252_TEXT = (
    "Café owners back the \u201cgreen quay\u201d plan\n\n"
    "The town\u2019s caf\u00e9 owners said on Friday they would support the \u201cgreen quay\u201d "
    "plan \u2014 a car-free promenade along the river \u2014 if deliveries are still allowed "
    "before ten in the morning.\n\n"
    "\u201cWe are not against it,\u201d said Ren\u00e9e Dupr\u00e9, who runs a small bistro "
    "near the bridge. \u201cWe just need to know the details\u2026\u201d\n"
)
LATIN1_TEXT = (
    "El puerto de La Coruña amplía su horario\n\n"
    "La autoridad portuaria de La Coruña anunció el lunes que el puerto abrirá también los "
    "domingos a partir de otoño. La señora Muñoz, portavoz de los estibadores, dijo que la "
    "decisión llega «demasiado tarde» pero que el sindicato no se opondrá.\n\n"
    "Según el informe, el número de barcos creció un diez por ciento en el último año y la "
    "ampliación costará unos dos millones de euros.\n"
)


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    # Run in the temporary directory: a rashomon.toml where pytest was started must not count.
    monkeypatch.chdir(tmp_path)
    return load_config()


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(str(tmp_path / "store.db"))
    yield s
    s.close()


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def articles_from(store: SQLiteStore, path: Path | str) -> list[Article]:
    return [a for a in store.articles() if a.path == str(path)]


def skips_for(store: SQLiteStore, path: Path | str) -> list[Skip]:
    return [s for s in store.skips() if s.path == str(path)]


def assert_clear(skip: Skip) -> None:
    """A reason a person can read: one short line, no traceback, no Python repr noise."""
    assert skip.reason.strip(), skip
    assert "\n" not in skip.reason and "\r" not in skip.reason, skip
    assert len(skip.reason) <= 300, skip
    assert "Traceback" not in skip.reason and "Traceback" not in skip.detail, skip


@dataclass
class Run:
    report: IngestReport
    bad: Path
    neighbour: Path
    baseline_id: str


def run_with_bad(
    tmp_path: Path,
    store: SQLiteStore,
    config: Config,
    name: str,
    data: bytes | str | None,
    **kwargs: Any,
) -> Run:
    """Store a good article, then ingest a directory holding ``name`` and a good article.

    ``data`` None means the caller has already created ``batch/name``.
    """
    earlier = write(tmp_path / "earlier" / "baseline.txt", article_text("baseline"))
    first = ingest([str(earlier.parent)], store, config, workers=1)
    assert first.articles_added == 1 and first.skipped == 0
    baseline_id = first.added_ids[0]

    batch = tmp_path / "batch"
    bad = batch / name
    if data is not None:
        write(bad, data)
    neighbour = write(batch / "neighbour.txt", article_text(f"neighbour-of-{name}"))
    report = ingest([str(batch)], store, config, **kwargs)  # must not raise

    assert len(articles_from(store, neighbour)) == 1, "the good file beside the bad one was lost"
    assert store.get_article(baseline_id).path == str(earlier), "an earlier article was lost"
    for skip in store.skips():
        assert_clear(skip)
    return Run(report, bad, neighbour, baseline_id)


def only_skip(store: SQLiteStore, path: Path, *fragments: str, locator: str | None = None) -> Skip:
    found = skips_for(store, path)
    assert len(found) == 1, found
    skip = found[0]
    for fragment in fragments:
        assert fragment.lower() in skip.reason.lower(), skip
    if locator is not None:
        assert skip.locator == locator, skip
    return skip


# --- empty, blank and binary files ---------------------------------------------------------

_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    b"\x1f\xf3\xffa\x00\x00\x00\x19tEXtSoftware\x00paint\x00\x00\x00\x00IEND\xaeB`\x82"
)
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb" + bytes(64)


def _noise() -> bytes:
    rng = random.Random(1234)
    data = bytearray(rng.randbytes(4096))
    data[100] = 0  # at least one NUL, whatever the seed gives
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "fragments"),
    [
        pytest.param("empty.txt", b"", ["empty file"], id="empty"),
        pytest.param("blank.txt", b"   \n\t\n\r\n      \n\n", ["blank"], id="whitespace-only"),
        pytest.param("blank.md", "\u00a0 \u3000\n\n \t \n", ["blank"],
                     id="unicode-whitespace-only"),
        pytest.param("noise.txt", _noise(), ["binary"], id="random-bytes"),
        pytest.param("picture.txt", _PNG, ["binary"], id="png-as-txt"),
        pytest.param("photo.jpg", _JPEG, ["unsupported file type", ".jpg"], id="jpg"),
        pytest.param("noise.dat", _noise(), ["binary"], id="random-bytes-dat"),
        pytest.param("headline.txt", "Harbour Council Approves Ferry Budget\n", ["too short"],
                     id="headline-only"),
    ],
)
def test_unusable_file_is_skipped(tmp_path, store, config, name, data, fragments):
    run = run_with_bad(tmp_path, store, config, name, data)
    only_skip(store, run.bad, *fragments)
    assert articles_from(store, run.bad) == []
    assert run.report.skipped == 1
    assert run.report.articles_added == 1


# --- encodings -----------------------------------------------------------------------------


def test_windows_1252_decodes_correctly(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "cp1252.txt", CP1252_TEXT.encode("cp1252"))
    assert skips_for(store, run.bad) == []
    [article] = articles_from(store, run.bad)
    for expected in ("\u201cgreen quay\u201d", "town\u2019s", "caf\u00e9", "Ren\u00e9e Dupr\u00e9",
                     "\u2014 a car-free", "details\u2026\u201d"):
        assert expected in article.text
    assert "\ufffd" not in article.text
    assert article.meta.get("encoding") == "cp1252"


def test_latin1_decodes_correctly(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "latin1.txt", LATIN1_TEXT.encode("latin-1"))
    assert skips_for(store, run.bad) == []
    [article] = articles_from(store, run.bad)
    for expected in ("La Coruña", "amplía", "señora Muñoz", "«demasiado tarde»", "Según",
                     "número", "ampliación costará"):
        assert expected in article.text
    assert "\ufffd" not in article.text
    # Latin-1 text is also valid Windows-1252 text: either name is right.
    assert article.meta.get("encoding") in {"cp1252", "latin_1", "iso8859_1", "iso8859_15"}
    assert article.language == "es"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_text_with_bom_decodes_correctly(tmp_path, store, config, codec):
    data = CP1252_TEXT.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    run = run_with_bad(tmp_path, store, config, f"{codec}.txt", data)
    assert skips_for(store, run.bad) == []
    [article] = articles_from(store, run.bad)
    assert "\u201cgreen quay\u201d" in article.text and "Ren\u00e9e Dupr\u00e9" in article.text
    assert "\ufeff" not in article.text and "\x00" not in article.text


def test_utf8_with_a_pasted_cp1252_line(tmp_path, store, config):
    utf8_part = (
        "Zürich tram strike ends after two days\n\n"
        "Tram drivers in Zürich went back to work on Wednesday after the city agreed to "
        "review their rotas, the union said in a statement.\n\n"
    )
    pasted = "\u201cIt was the only way to be heard,\u201d said Andr\u00e9 Kn\u00fcsel, a driver.\n"
    tail = "\nServices were running normally again by the evening rush hour.\n"
    data = utf8_part.encode("utf-8") + pasted.encode("cp1252") + tail.encode("utf-8")
    run = run_with_bad(tmp_path, store, config, "mixed.txt", data)
    assert skips_for(store, run.bad) == []
    [article] = articles_from(store, run.bad)
    assert "Tram drivers in Zürich" in article.text
    assert pasted.strip() in article.text
    assert "\ufffd" not in article.text
    assert "cp1252" in article.meta["encoding_note"]


def test_legacy_cyrillic_file_is_not_read_as_mixed_utf8(tmp_path, store, config):
    # Windows-1251 Russian with blank lines between paragraphs: most lines are blank (valid
    # UTF-8), and byte pairs like "е»" look like UTF-8 sequences. It must not be decoded
    # line by line as Windows-1252 (mojibake), but as Windows-1251.
    text = NON_ENGLISH["ru"].replace("старого моста", "«старого моста»")
    run = run_with_bad(tmp_path, store, config, "cp1251.txt", text.encode("cp1251"))
    [article] = articles_from(store, run.bad)
    assert "Городской совет Новосибирска" in article.text
    assert "«старого моста»" in article.text
    assert "encoding_note" not in article.meta
    assert article.meta.get("encoding") == "cp1251"
    assert article.language == "ru"


# Legacy single-byte files, decoded without ingesting (fast): the code page must be found
# from the letters, and a Latin text must not come out with a neighbouring page's letters
# ("Coruña" as "Coruńa", "kezdődnek" as "kezdõdnek").
_LEGACY = [
    ("cp1252", "El ayuntamiento de Logroño aprobó el martes la reforma del puente viejo. Las "
               "obras empezarán en otoño y durarán casi dos años, según la señora Ibáñez."),
    ("cp1252", "A câmara municipal de Coimbra aprovou na terça-feira a renovação da ponte "
               "velha. As obras começam em maio e vão durar cerca de dois anos."),
    ("cp1252", "The minister\u2019s \u201cfinal offer\u201d was rejected on Monday \u2014 for "
               "the third time \u2014 by the nurses\u2019 union."),
    ("cp1250", "Rada miasta Gdańska zdecydowała we wtorek, że nowy most zostanie otwarty "
               "jesienią. Mieszkańcy mówią, że żałują starych drzew przy ulicy Długiej."),
    ("cp1250", "A győri városi tanács kedden úgy döntött, hogy felújítják a régi hidat. A "
               "munkálatok tavasszal kezdődnek, és két évig tartanak, mondta a polgármester."),
    ("cp1254", "İzmir Belediye Meclisi salı günü eski köprünün yenilenmesine karar verdi. "
               "Çalışmalar ilkbaharda başlayacak ve yaklaşık iki yıl sürecek."),
    ("cp1253", "Το δημοτικό συμβούλιο της Πάτρας αποφάσισε την Τρίτη να ανακαινίσει την "
               "παλιά γέφυρα. Οι εργασίες θα ξεκινήσουν την άνοιξη."),
]


@pytest.mark.parametrize(("codec", "text"), _LEGACY, ids=[t[:12] for _, t in _LEGACY])
def test_legacy_code_page_is_recognised(codec, text):
    from rashomon.ingest.encoding import decode

    decoded = decode(text.encode(codec))
    assert decoded.text == text
    assert decoded.note == ""


# --- HTML ------------------------------------------------------------------------------------

_PAGE_HEAD = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ferry timetable extended</title>"
    "</head><body><article><h1>Ferry timetable extended</h1>"
)
_PAGE_PARAS = (
    "<p>The harbour council voted on Tuesday to extend the ferry timetable into the winter "
    "months, a decision long sought by commuters on the islands.</p>"
    "<p>Officials said the plan would cost little because the boats are already in service "
    "and the crews are paid for the whole year.</p>"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("bare.html", "<html><body>", id="html-body-only"),
        pytest.param("nothing.html", "<html><body></body></html>", id="html-empty-body"),
        pytest.param("cut-in-head.html", _PAGE_HEAD.split("<h1>")[0][:-12], id="cut-in-head-tag"),
        pytest.param("angle.html", "<<<<>>>><<<!--", id="angle-brackets"),
    ],
)
def test_html_without_text_is_skipped(tmp_path, store, config, name, data):
    run = run_with_bad(tmp_path, store, config, name, data)
    assert articles_from(store, run.bad) == []
    found = {s.locator: s for s in skips_for(store, run.bad)}
    assert "no article text" in found.pop("").reason
    if data.rstrip().rfind("<") > data.rstrip().rfind(">"):  # cut inside a tag: said too
        assert "truncated" in found.pop("end").reason
    assert not found, found


def test_html_cut_in_the_middle_of_a_tag(tmp_path, store, config):
    # The paragraphs before the cut are recovered; the cut itself is reported.
    data = _PAGE_HEAD + _PAGE_PARAS + '<p class="la'
    run = run_with_bad(tmp_path, store, config, "cut.html", data)
    [article] = articles_from(store, run.bad)
    assert "extend the ferry timetable" in article.text
    assert "paid for the whole year." in article.text
    skip = only_skip(store, run.bad, "truncated")
    assert skip.locator == "end"


# --- feeds -----------------------------------------------------------------------------------


def _rss(items: int, *, cut_in_item: int | None = None) -> bytes:
    parts = []
    for i in range(items):
        parts.append(
            f"<item><title>Ferry crossing {i} gets evening trips</title>"
            f"<link>https://news.example.org/ferry/{i}</link><guid>ferry-{i}</guid>"
            f"<pubDate>Tue, 0{i + 1} Apr 2024 10:00:00 GMT</pubDate>"
            f"<description>&lt;p&gt;The ferry operator said on Tuesday that crossing number {i} "
            f"would run twice a day during the summer season, adding {i + 3} evening trips "
            f"for commuters.&lt;/p&gt;</description></item>\n"
        )
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Harbour News</title><link>https://news.example.org/</link>"
        "<language>en</language>\n" + "".join(parts) + "</channel></rss>\n"
    )
    if cut_in_item is not None:
        start = doc.index(f"<item><title>Ferry crossing {cut_in_item} ")
        doc = doc[: start + 230]  # inside the description of that item
        assert "</item>" not in doc[start:]
    return doc.encode()


def test_feed_truncated_inside_an_item(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "cut.rss", _rss(3, cut_in_item=2))
    stored = sorted(a.url for a in articles_from(store, run.bad))
    assert stored == ["https://news.example.org/ferry/0", "https://news.example.org/ferry/1"]
    found = skips_for(store, run.bad)
    assert found, "a truncated feed must leave a skip"
    assert any("malformed" in s.reason or "truncated" in s.reason for s in found), found


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        pytest.param(
            "empty-channel.rss",
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            b"<link>https://news.example.org/</link></channel></rss>",
            "no entries",
            id="rss-no-items",
        ),
        pytest.param(
            "empty.atom",
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            b"<id>urn:x</id></feed>",
            "no entries",
            id="atom-no-entries",
        ),
        pytest.param("garbage.xml", b"<?xml version='1.0'?><rss><chan", "feed", id="xml-garbage"),
        pytest.param("not-xml.rss", b"this is not a feed at all, just words\n", "feed",
                     id="rss-not-xml"),
    ],
)
def test_feed_without_entries_is_skipped(tmp_path, store, config, name, data, fragment):
    run = run_with_bad(tmp_path, store, config, name, data)
    only_skip(store, run.bad, fragment)
    assert articles_from(store, run.bad) == []


# --- JSON, JSON Lines, CSV -----------------------------------------------------------------


def _record(n: int, **extra: Any) -> dict[str, Any]:
    return {"title": f"Story {n}", "url": f"https://news.example.org/s/{n}",
            "text": article_text(f"record-{n}"), **extra}


def test_json_cut_in_half(tmp_path, store, config):
    doc = json.dumps({"articles": [_record(1), _record(2), _record(3)]}, indent=2)
    run = run_with_bad(tmp_path, store, config, "half.json", doc[: len(doc) // 2])
    only_skip(store, run.bad, "malformed JSON")
    assert articles_from(store, run.bad) == []


def test_json_nested_too_deep_for_the_parser(tmp_path, store, config):
    """Python's JSON parser raises RecursionError, not a decode error, on deep nesting: the
    line (or file) is skipped with a reason and the rest of the export is read."""
    deep = '{"title": "Deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = [json.dumps(_record(1)), deep, json.dumps(_record(3))]
    run = run_with_bad(tmp_path, store, config, "deep.jsonl", "\n".join(lines) + "\n")
    stored = sorted(a.locator for a in articles_from(store, run.bad))
    assert stored == ["line 1", "line 3"]
    only_skip(store, run.bad, "nested too deeply", locator="line 2")


def test_warc_record_without_its_target_uri(tmp_path, store, config):
    """warcio fails on a response record with no WARC-Target-URI with an AttributeError of
    its own; the skip says what is wrong in the archive, not in warcio's code."""
    data = (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\n"
        b"HTTP/1.1 200 OK\r\n\r\n<html>cut</html>\r\n\r\n"
    )
    run = run_with_bad(tmp_path, store, config, "no-uri.warc", data)
    skip = only_skip(store, run.bad, "headers are missing or damaged")
    assert "NoneType" not in skip.reason


def test_json_file_nested_too_deep_for_the_parser(tmp_path, store, config):
    deep = '{"title": "Deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    run = run_with_bad(tmp_path, store, config, "deep.json", deep)
    only_skip(store, run.bad, "nested too deeply")


def test_json_list_cut_in_half(tmp_path, store, config):
    doc = json.dumps([_record(1), _record(2), _record(3)])
    run = run_with_bad(tmp_path, store, config, "half-list.json", doc[: len(doc) // 2])
    only_skip(store, run.bad, "malformed JSON")


def test_jsonl_with_one_bad_line(tmp_path, store, config):
    lines = [json.dumps(_record(n)) for n in range(1, 6)]
    lines[2] = lines[2][: len(lines[2]) // 2]  # line 3 is cut off mid-string
    run = run_with_bad(tmp_path, store, config, "export.jsonl", "\n".join(lines) + "\n")
    stored = sorted(a.locator for a in articles_from(store, run.bad))
    assert stored == ["line 1", "line 2", "line 4", "line 5"]
    only_skip(store, run.bad, "malformed JSON", locator="line 3")


def test_jsonl_with_binary_garbage_line(tmp_path, store, config):
    lines = [json.dumps(_record(n)).encode() for n in range(1, 4)]
    lines.insert(1, b"\xff\xfe\x00\x01garbage\x00")
    run = run_with_bad(tmp_path, store, config, "export.jsonl", b"\n".join(lines) + b"\n")
    stored = sorted(a.locator for a in articles_from(store, run.bad))
    assert stored == ["line 1", "line 3", "line 4"]
    only_skip(store, run.bad, locator="line 2")


def test_jsonl_record_without_text_field(tmp_path, store, config):
    no_text = {"title": "Only a title", "url": "https://news.example.org/only-title"}
    lines = [json.dumps(_record(1)), json.dumps(no_text)]
    run = run_with_bad(tmp_path, store, config, "export.jsonl", "\n".join(lines) + "\n")
    assert [a.locator for a in articles_from(store, run.bad)] == ["line 1"]
    only_skip(store, run.bad, "no text field", "--field", locator="line 2")


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_csv_with_a_broken_row(tmp_path, store, config):
    good = [[f"Story {n}", article_text(f"csv-{n}")] for n in range(1, 4)]
    text = _csv([["title", "text"], good[0]])
    text += 'Story X,"The harbour council voted again on Tuesday.",surplus cell,another\n'
    text += _csv(good[1:])
    run = run_with_bad(tmp_path, store, config, "export.csv", text)
    assert sorted(a.locator for a in articles_from(store, run.bad)) == ["row 1", "row 3", "row 4"]
    only_skip(store, run.bad, "row", locator="row 2")


def test_csv_header_only(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "header.csv", "title,text,url\n")
    only_skip(store, run.bad, "header but no rows")


def test_csv_without_header_row(tmp_path, store, config):
    # Two data rows and no header: the first row is taken for the header, so no column is
    # called text; the file gets one clear reason, not one per row (or none for row 1).
    text = _csv([[f"Story {n}", article_text(f"nohead-{n}")] for n in range(1, 3)])
    run = run_with_bad(tmp_path, store, config, "nohead.csv", text)
    skip = only_skip(store, run.bad, "--field")
    assert "header" in skip.reason.lower()
    assert articles_from(store, run.bad) == []


def test_csv_header_without_text_column(tmp_path, store, config):
    text = _csv([["headline", "story"]] + [[f"Story {n}", article_text(f"story-{n}")]
                                           for n in range(1, 4)])
    run = run_with_bad(tmp_path, store, config, "story.csv", text)
    skip = only_skip(store, run.bad, "no text column", "'story'", "--field text=")
    assert skip.locator == ""
    # The reason says what to do; doing it works (the file changed: it is read again).
    write(run.bad, text + _csv([["Story 4", article_text("story-4")]]))
    ingest([str(run.bad)], store, config, fields={"text": "story"}, workers=1)
    assert len(articles_from(store, run.bad)) == 4
    assert skips_for(store, run.bad) == []


def test_csv_of_blank_lines(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "blank.csv", "\n\n\n")
    only_skip(store, run.bad, "no header")


# --- WARC ------------------------------------------------------------------------------------


def _warc(gz: bool = True, records: int = 3) -> tuple[bytes, list[int]]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    offsets = []
    for i in range(records):
        paras = "".join(f"<p>{s}</p>" for s in article_text(f"warc-{i}").split("\n\n")[1:])
        html = (
            f"<!DOCTYPE html><html><head><title>Archived story {i}</title></head><body>"
            f"<article><h1>Archived story {i}</h1>{paras}</article></body></html>"
        ).encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://archive.example.org/story/{i}", "response", payload=io.BytesIO(html),
            http_headers=http,
        )
        offsets.append(buf.tell())
        writer.write_record(record)
    return buf.getvalue(), offsets


def test_truncated_warc_gz(tmp_path, store, config):
    data, offsets = _warc()
    cut = data[: offsets[2] + (len(data) - offsets[2]) // 2]
    run = run_with_bad(tmp_path, store, config, "crawl.warc.gz", cut)
    stored = sorted(a.url for a in articles_from(store, run.bad))
    assert stored == ["https://archive.example.org/story/0", "https://archive.example.org/story/1"]
    skip = only_skip(store, run.bad, "truncated")
    assert skip.locator == "record 3"


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.5, 0.9])
def test_truncated_warc_reader(tmp_path, config, gz, fraction):
    """Wherever the third record is cut: two whole records, then one skip, never a raise."""
    data, offsets = _warc(gz)
    path = write(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"),
                 data[: offsets[2] + int((len(data) - offsets[2]) * fraction)])
    limits = Limits(config["ingest"])
    items = list(read_file(path, tmp_path, limits, {}))
    records = [i for i in items if isinstance(i, RawRecord)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert [r.locator for r in records] == ["record 1", "record 2"], items
    assert all(b"</html>" in r.payload for r in records)
    assert len(skips) == 1 and skips[0].locator == "record 3", skips
    assert_clear(skips[0])


def test_warc_of_garbage(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "junk.warc", b"WARC/1.0\r\nthis is not a warc\r\n")
    found = skips_for(store, run.bad)
    assert len(found) == 1, found


# --- size ------------------------------------------------------------------------------------


def test_200_mb_file_is_skipped_without_reading_it(tmp_path, store, config, monkeypatch):
    big = tmp_path / "batch" / "huge.txt"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as fh:  # sparse: instant, and takes no disk space
        fh.seek(200_000_000)
        fh.write(b"\n")

    real_open = readers._open

    def guarded_open(path: Path):
        assert Path(path) != big, "the oversized file was opened"
        return real_open(path)

    monkeypatch.setattr(readers, "_open", guarded_open)
    started = time.perf_counter()
    run = run_with_bad(tmp_path, store, config, "huge.txt", None)
    assert time.perf_counter() - started < 10
    skip = only_skip(store, run.bad, "limit", "MB")
    assert "200" in skip.reason


def test_oversized_file_is_read_after_the_limit_is_raised(tmp_path, store, config):
    path = write(tmp_path / "in" / "long.txt", article_text("long", sentences=30))
    small = config.with_overrides({"ingest": {"max_file_bytes": 500}})
    ingest([str(path.parent)], store, small, workers=1)
    assert "limit" in skips_for(store, path)[0].reason  # "... raise it in rashomon.toml"
    report = ingest([str(path.parent)], store, config, workers=1)
    assert report.articles_added == 1
    assert skips_for(store, path) == []


# --- paths -----------------------------------------------------------------------------------


def test_missing_path_raises_input_error(tmp_path, store, config):
    earlier = write(tmp_path / "earlier" / "baseline.txt", article_text("baseline"))
    first = ingest([str(earlier.parent)], store, config, workers=1)
    good = write(tmp_path / "batch" / "good.txt", article_text("good"))
    missing = tmp_path / "no" / "such" / "file.txt"
    with pytest.raises(InputError) as info:
        ingest([str(good.parent), str(missing)], store, config, workers=1)
    assert str(missing) in str(info.value)
    assert store.get_article(first.added_ids[0]).path == str(earlier)
    with pytest.raises(InputError):
        ingest([str(tmp_path / "nothing-*.txt")], store, config, workers=1)


def test_missing_path_in_the_cli(tmp_path, config, capsys):
    db = tmp_path / "cli.db"
    missing = tmp_path / "missing-dir"
    code = main(["ingest", str(missing), "--db", str(db)])
    captured = capsys.readouterr()
    assert code != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error:")
    assert str(missing) in lines[0]
    assert "Traceback" not in captured.err + captured.out


def test_directory_with_thousands_of_files(tmp_path, store, config):
    earlier = write(tmp_path / "earlier" / "baseline.txt", article_text("baseline"))
    first = ingest([str(earlier.parent)], store, config, workers=1)
    many = tmp_path / "many"
    many.mkdir()
    count = 3000
    for n in range(count):
        (many / f"story-{n:05d}.txt").write_text(tiny_article(n), encoding="utf-8")
    report = ingest([str(many)], store, config)  # the default: a worker pool
    assert report.files == count
    assert report.skipped == 0, store.skips()[:5]
    assert report.articles_added == count
    assert store.count_articles() == count + 1
    assert store.get_article(first.added_ids[0]).path == str(earlier)
    # A second run reads nothing again and adds nothing.
    again = ingest([str(many)], store, config)
    assert again.unchanged_files == count and again.articles_added == 0


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["de", "es", "ru", "ar"])
def test_non_english_text_gets_its_language(tmp_path, store, config, code):
    run = run_with_bad(tmp_path, store, config, f"{code}.txt", NON_ENGLISH[code])
    assert skips_for(store, run.bad) == []
    [article] = articles_from(store, run.bad)
    assert article.language == code
    assert NON_ENGLISH[code].split("\n\n")[1].strip() in article.text


def test_chinese_text_gets_its_language(tmp_path, store, config):
    run = run_with_bad(tmp_path, store, config, "zh.txt", NON_ENGLISH["zh"])
    assert skips_for(store, run.bad) == []
    [article] = articles_from(store, run.bad)
    assert article.language == "zh"


def test_non_english_jsonl(tmp_path, store, config):
    lines = [json.dumps({"text": NON_ENGLISH[c], "title": c}, ensure_ascii=(c == "ru"))
             for c in ("de", "es", "ru", "ar")]
    run = run_with_bad(tmp_path, store, config, "world.jsonl", "\n".join(lines) + "\n")
    assert sorted(a.language for a in articles_from(store, run.bad)) == ["ar", "de", "es", "ru"]


# --- permissions -----------------------------------------------------------------------------

_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_ROOT, reason="root can read files whatever their mode")
def test_unreadable_file_in_a_subdirectory(tmp_path, store, config):
    sub = tmp_path / "batch" / "sub"
    locked = write(sub / "locked.txt", article_text("locked"))
    locked.chmod(0)
    try:
        run_with_bad(tmp_path, store, config, "sub/locked.txt", None)
        only_skip(store, locked, "permission")
    finally:
        locked.chmod(0o644)


@pytest.mark.skipif(_ROOT, reason="root can read directories whatever their mode")
def test_unreadable_subdirectory(tmp_path, store, config):
    sub = tmp_path / "batch" / "sub"
    write(sub / "hidden-away.txt", article_text("locked"))
    sub.chmod(0)
    try:
        run_with_bad(tmp_path, store, config, "sub", None)
        only_skip(store, sub, "permission")
    finally:
        sub.chmod(0o755)


def test_unreadable_file_simulated(tmp_path, store, config, monkeypatch):
    """The same as above, for root too: opening the file fails with EACCES."""
    locked = write(tmp_path / "batch" / "sub" / "locked.txt", article_text("locked"))
    real_open = readers._open

    def refusing_open(path: Path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(readers, "_open", refusing_open)
    run_with_bad(tmp_path, store, config, "sub/locked.txt", None)
    only_skip(store, locked, "permission denied")


def test_unreadable_subdirectory_simulated(tmp_path, store, config, monkeypatch):
    """Listing a subdirectory fails with EACCES: it is reported, not silently left out."""
    sub = tmp_path / "batch" / "sub"
    write(sub / "hidden-away.txt", article_text("locked"))
    real_scandir = os.scandir

    def refusing_scandir(path: Any = "."):
        if str(path) == str(sub):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    run_with_bad(tmp_path, store, config, "sub", None)
    only_skip(store, sub, "permission denied")
