"""Each input format read with its metadata; outlets; field mapping."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from conftest import write

from rashomon.ingest import ingest
from rashomon.ingest.extract import normalise_date
from rashomon.ingest.outlets import OutletRegistry, directory_outlet, domain_of, load_sources


@pytest.fixture
def store(any_store):
    """These tests run on every store backend (conftest's ``any_store``)."""
    return any_store


BODY = ("The harbour authority said on Tuesday that the new quay would open in May, two years "
        "later than planned, after engineers found cracks in the foundations.")
BODY2 = ("Fishermen welcomed the news but said the delay had already cost them a season of "
         "catches, and asked the council for compensation before the summer.")

PAGE = f"""<!doctype html><html><head><title>Quay delayed | Harbour Herald</title>
<meta property="og:title" content="Quay delayed again">
<meta property="og:site_name" content="Harbour Herald">
<meta property="article:published_time" content="2026-05-02T10:00:00+00:00">
<meta name="author" content="Mira Holt">
<link rel="canonical" href="https://www.harbourherald.example/news/quay">
</head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Quay delayed again</h1><p>{BODY}</p><h2>Fishermen angry</h2><p>{BODY2}</p>
<p>Read more: Harbour fees to rise</p></article>
<footer>© 2026 Harbour Herald. All rights reserved.</footer></body></html>"""


def test_formats_text_with_front_matter(tmp_path: Path, store) -> None:
    write(tmp_path / "a.md", f"---\ntitle: \"Quay delayed\"\npublished: 2026-05-02\n"
          f"author: Mira Holt\nurl: https://www.harbourherald.example/q\n---\n{BODY}\n\n{BODY2}\n")
    ingest([str(tmp_path)], store)
    (a,) = store.articles()
    assert (a.title, a.published, a.author) == ("Quay delayed", "2026-05-02", "Mira Holt")
    assert a.outlet == "harbourherald.example" and a.meta["outlet_from"] == "url"
    assert a.body == f"{BODY}\n\n{BODY2}"


def test_formats_html_page_metadata_and_structure(tmp_path: Path, store) -> None:
    write(tmp_path / "page.html", PAGE)
    ingest([str(tmp_path)], store)
    (a,) = store.articles()
    assert a.title == "Quay delayed again"
    assert a.published.startswith("2026-05-02")
    assert a.author == "Mira Holt"
    assert a.url == "https://www.harbourherald.example/news/quay"
    assert a.outlet == "Harbour Herald"
    kinds = {a.block_text(b): b.kind for b in a.blocks}
    assert kinds["Quay delayed again"] == "headline"
    assert kinds["Fishermen angry"] == "subhead"
    assert kinds["Read more: Harbour fees to rise"] == "boilerplate"
    assert "Home" not in a.text and "All rights reserved" not in a.text
    assert a.body == f"{BODY}\n\n{BODY2}"


def test_formats_jsonl_json_csv_with_default_and_mapped_fields(tmp_path: Path, store) -> None:
    rows = [{"headline": f"Story {i}", "body": f"{BODY} Item {i}.", "date": "2026-05-0%d" % (i + 1),
             "link": f"https://x.example/{i}", "source": "Coast News"} for i in range(3)]
    write(tmp_path / "a.jsonl", "\n".join(json.dumps(r) for r in rows))
    write(tmp_path / "b.json", json.dumps({"articles": [{"content": BODY2, "title": "J"}]}))
    write(tmp_path / "c.csv", "Title,story_text,pub\nC1,\"" + BODY + " Quoted \"\"word\"\".\",2026-05-09\n")
    report = ingest([str(tmp_path)], store, fields={"text": "story_text", "published": "pub"})
    assert report.articles_added == 5, store.skips()
    by_title = {a.title: a for a in store.articles()}
    assert by_title["Story 1"].outlet == "Coast News"
    assert by_title["Story 1"].locator == "line 2"
    assert by_title["J"].locator == "record 1"
    assert by_title["C1"].published == "2026-05-09" and 'Quoted "word".' in by_title["C1"].text


def test_formats_field_names_in_camel_case_and_nested_sources(tmp_path: Path, store) -> None:
    """A news API's export (NewsAPI's shape): "publishedAt" is the published_at field, and
    the outlet is the name inside "source"."""
    rows = [
        {"source": {"id": "coast", "name": "Coast News"}, "title": "N1", "content": BODY,
         "publishedAt": "2026-05-02T10:00:00Z", "url": "https://coast.example/1"},
        {"source": {"id": None, "name": "Bay Times"}, "title": "N2", "Date-Published": "2026-05-03",
         "content": BODY2},
    ]
    write(tmp_path / "api.jsonl", "\n".join(json.dumps(r) for r in rows))
    ingest([str(tmp_path)], store)
    got = {(a.title, a.outlet, a.published) for a in store.articles()}
    assert got == {
        ("N1", "Coast News", "2026-05-02T10:00:00+00:00"),
        ("N2", "Bay Times", "2026-05-03"),
    }


def test_formats_csv_from_excel_with_semicolons_and_a_byte_order_mark(
    tmp_path: Path, store
) -> None:
    """Excel in many European locales saves "CSV" with ";" between cells and a UTF-8
    byte-order mark before the first column name; some tools write "|"."""
    semi = f'\ufeffTitle;Text;Outlet\r\nS1;"{BODY} One; two.";Coast News\r\n'
    (tmp_path / "excel.csv").write_bytes(semi.encode("utf-8"))
    write(tmp_path / "pipes.csv", f"title|text|outlet\nP1|{BODY2}|Bay Times\n")
    write(tmp_path / "commas.csv", f'title,text,outlet\nC1,"{BODY}; and more",Harbour Herald\n')
    report = ingest([str(tmp_path)], store)
    assert report.articles_added == 3, store.skips()
    got = {(a.title, a.outlet) for a in store.articles()}
    assert got == {("S1", "Coast News"), ("P1", "Bay Times"), ("C1", "Harbour Herald")}
    by_title = {a.title: a for a in store.articles()}
    assert by_title["S1"].text.endswith("One; two.")


def test_formats_rss_and_atom_feeds(tmp_path: Path, store) -> None:
    rss = f"""<?xml version="1.0"?><rss version="2.0"
      xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Coast FM</title>
      <item><title>Quay news</title><link>https://coastfm.example/q</link>
      <pubDate>Sat, 02 May 2026 10:00:00 GMT</pubDate><guid>q1</guid>
      <content:encoded><![CDATA[<p>{BODY}</p><h2>More</h2><p>{BODY2}</p>]]></content:encoded></item>
      </channel></rss>"""
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <title>Bay Times</title><entry><title>Bay entry</title><link href="https://baytimes.example/b"/>
      <id>urn:b1</id><updated>2026-05-03T08:00:00Z</updated><author><name>Ola Berg</name></author>
      <content type="html">&lt;p&gt;{BODY2}&lt;/p&gt;</content></entry></feed>"""
    write(tmp_path / "coast.rss", rss)
    write(tmp_path / "bay.atom", atom)
    ingest([str(tmp_path)], store)
    by_title = {a.title: a for a in store.articles()}
    q = by_title["Quay news"]
    assert (q.url, q.published, q.outlet) == ("https://coastfm.example/q", "2026-05-02T10:00:00+00:00", "Coast FM")
    assert [b.kind for b in q.blocks] == ["body", "subhead", "body"]
    b = by_title["Bay entry"]
    assert (b.author, b.published[:10], b.body) == ("Ola Berg", "2026-05-03", BODY2)


def test_an_aggregator_feed_names_each_entry_by_its_own_source(tmp_path: Path, store) -> None:
    """News aggregators (Google News and the like) carry many outlets in one feed, each
    entry's in <source>, often repeated at the end of its title: the outlet is the source,
    not the aggregator, and the title loses the repeat."""
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Aggregator</title>
      <item><title>Quay news - The Coast Post</title><link>https://agg.example/r/1</link>
      <source url="https://coastpost.example/rss">The Coast Post</source>
      <description>{BODY}</description></item>
      <item><title>Bay news - Bay Times</title><link>https://agg.example/r/2</link>
      <source url="https://baytimes.example/rss">The Bay Times</source>
      <description>{BODY2}</description></item>
      <item><title>Harbour news</title><link>https://agg.example/r/3</link>
      <source url="https://www.harbourherald.example/rss"></source>
      <description>{BODY} Again.</description></item>
      </channel></rss>"""
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <title>Atom aggregator</title><entry><title>Pier news — Pier Daily</title>
      <link href="https://agg.example/a/1"/><id>urn:a1</id><updated>2026-05-03T08:00:00Z</updated>
      <source><title>Pier Daily</title><link href="https://pierdaily.example/"/></source>
      <content type="html">&lt;p&gt;{BODY2} More.&lt;/p&gt;</content></entry></feed>"""
    write(tmp_path / "agg.rss", rss)
    write(tmp_path / "agg.atom", atom)
    ingest([str(tmp_path)], store)
    got = {(a.title, a.outlet) for a in store.articles()}
    assert got == {
        ("Quay news", "The Coast Post"),
        ("Bay news", "The Bay Times"),
        ("Harbour news", "harbourherald.example"),
        ("Pier news", "Pier Daily"),
    }


def _warc(records: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, html in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                      http_headers=headers))
    return buf.getvalue()


def test_formats_warc_responses(tmp_path: Path, store) -> None:
    page2 = PAGE.replace(BODY, BODY2 + " Again.").replace("Quay delayed again", "Second page")
    (tmp_path / "crawl.warc.gz").write_bytes(_warc([("https://www.harbourherald.example/news/quay", PAGE),
                                                    ("https://www.harbourherald.example/2", page2)]))
    report = ingest([str(tmp_path)], store)
    assert report.articles_added == 2
    assert {a.locator for a in store.articles()} == {"record 1", "record 2"}
    assert {a.url for a in store.articles()} == {"https://www.harbourherald.example/news/quay",
                                                 "https://www.harbourherald.example/2"}


def test_formats_gzipped_text_and_jsonl(tmp_path: Path, store) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(f"{BODY}\n{BODY2}".encode()))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(json.dumps({"text": BODY2 + " x"}).encode()))
    assert ingest([str(tmp_path)], store).articles_added == 2


def test_formats_glob_and_directory_per_outlet(tmp_path: Path, store) -> None:
    write(tmp_path / "corpus" / "bay-times" / "a.txt", BODY)
    write(tmp_path / "corpus" / "coast-fm" / "2026" / "b.txt", BODY2)
    write(tmp_path / "corpus" / "loose.txt", BODY + " Loose.")
    ingest([str(tmp_path / "corpus")], store)
    outlets = {a.path.rsplit("/", 1)[1]: a.outlet for a in store.articles()}
    assert outlets == {"a.txt": "bay-times", "b.txt": "coast-fm", "loose.txt": None}


def test_formats_sources_file_maps_domains_dirs_and_names(tmp_path: Path, store) -> None:
    write(tmp_path / "sources.toml", """
[[outlet]]
name = "Bay Times"
domains = ["baytimes.example"]
dirs = ["bay"]
country = "ZZ"
state_affiliated = true
[outlet.ratings]
lean = "centre"
""")
    write(tmp_path / "bay" / "a.txt", BODY)
    write(tmp_path / "other" / "b.md", f"---\nurl: https://news.baytimes.example/x\n---\n{BODY2}")
    ingest([str(tmp_path)], store)
    assert {a.outlet for a in store.articles()} == {"Bay Times"}
    (outlet,) = [o for o in store.outlets() if o.name == "Bay Times"]
    assert outlet.state_affiliated is True and outlet.ratings == {"lean": "centre"}


def test_formats_outlet_option_wins(tmp_path: Path, store) -> None:
    write(tmp_path / "x" / "a.md", f"---\noutlet: Someone Else\n---\n{BODY}")
    ingest([str(tmp_path)], store, outlet="Bay Times")
    assert [a.outlet for a in store.articles()] == ["Bay Times"]


def test_outlets_helpers(tmp_path: Path) -> None:
    assert domain_of("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert domain_of("not a url") is None
    assert directory_outlet(str(tmp_path / "o" / "f.txt"), str(tmp_path)) == "o"
    assert directory_outlet(str(tmp_path / "f.txt"), str(tmp_path)) is None
    write(tmp_path / "s.toml", '[[outlet]]\nname = "A"\ndomains = ["a.example"]\n')
    reg = OutletRegistry(load_sources(tmp_path / "s.toml"))
    assert reg.resolve(url="https://live.a.example/1") == ("A", "sources:url")
    assert reg.resolve() == (None, "unknown")


def test_formats_dates_normalised_or_unknown() -> None:
    assert normalise_date("2026-05-02") == "2026-05-02"
    assert normalise_date("Sat, 02 May 2026 10:00:00 GMT") == "2026-05-02T10:00:00+00:00"
    assert normalise_date("2026-05-02T10:00:00Z") == "2026-05-02T10:00:00+00:00"
    assert normalise_date(1777716000) == "2026-05-02T10:00:00+00:00"
    assert normalise_date("sometime soon") is None
    # Shaped like a day but none: no month 13, no 45th, no 30 February.
    assert normalise_date("2026-13-45") is None
    assert normalise_date("2026-02-30T00:00:00") is None
    assert normalise_date("2026-02-28T00:00:00") == "2026-02-28"
    # Dots are Europe's day.month.year; a date without a time stays a day.
    assert normalise_date("03.04.2026") == "2026-04-03"
    assert normalise_date("03.04.2026 10:15") == "2026-04-03T10:15:00"
    assert normalise_date("March 5, 2026") == "2026-03-05"
