"""Parquet in (an ingest reader) and out (the analysis as partitioned tables)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow not installed: pip install 'rashomon[parquet]'")
pq = pytest.importorskip("pyarrow.parquet")
import pyarrow.dataset as ds  # noqa: E402

from rashomon.cli import main  # noqa: E402
from rashomon.ingest import ingest  # noqa: E402

BODY = (
    "The harbour authority of Port Calder said on Monday that ferry fees would rise by ten "
    "percent next spring, citing repairs to the northern pier and higher fuel costs."
)


def test_parquet_reader_maps_columns_and_skips_bad_rows(tmp_path: Path, store) -> None:
    table = pa.table(
        {
            "headline": ["P1", "P2", "P3"],
            "story_text": [f"{BODY} One.", None, f"{BODY} Three."],
            "date": ["2026-05-01", "2026-05-02", "2026-05-03"],
            "source": ["Coast News"] * 3,
            "embedding": [[0.1, 0.2]] * 3,  # a column nobody asked for is not read
        }
    )
    (tmp_path / "in").mkdir()
    pq.write_table(table, tmp_path / "in" / "export.parquet")
    report = ingest([str(tmp_path / "in")], store, fields={"text": "story_text"})
    assert report.articles_added == 2
    by_title = {a.title: a for a in store.articles()}
    assert by_title["P3"].locator == "row 3" and by_title["P3"].outlet == "Coast News"
    assert by_title["P1"].published == "2026-05-01"
    (skip,) = store.skips()
    assert skip.locator == "row 2" and "no text field" in skip.reason


def test_parquet_reader_bad_file_and_missing_text_column(tmp_path: Path, store) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.parquet").write_bytes(b"PAR1 not really")
    pq.write_table(pa.table({"headline": ["x"]}), tmp_path / "in" / "notext.parquet")
    report = ingest([str(tmp_path / "in")], store)
    assert report.articles_added == 0 and report.skipped == 2
    reasons = sorted(s.reason for s in store.skips())
    assert "no text column" in reasons[0] and "Parquet schema" in reasons[0]
    assert reasons[1].startswith("not a readable Parquet file")


def test_parquet_export_tables_match_the_analysis(tmp_path: Path) -> None:
    from shared_example import example, example_data

    out = tmp_path / "pq"
    db = example()[0] / "rashomon.db"
    assert main(["-q", "export", "--db", str(db), "--parquet", str(out)]) == 0
    data = example_data()

    def read(name: str):
        return ds.dataset(out / name, format="parquet", partitioning="hive").to_table()

    articles = read("articles")
    assert sorted(articles.column("id").to_pylist()) == sorted(a["id"] for a in data["articles"])
    months = {(a["published"] or "")[:7] or "unknown" for a in data["articles"]}
    assert {p.name for p in (out / "articles").iterdir()} == {f"month={m}" for m in months}
    cells = read("cells")
    assert cells.num_rows == sum(len(f["cells"]) for c in data["comparisons"] for f in c["facts"])
    statuses = {
        (c["story"], f["id"], aid): cell["status"]
        for c in data["comparisons"]
        for f in c["facts"]
        for aid, cell in f["cells"].items()
    }
    got = {
        (r["story"], r["fact"], r["article"]): r["status"]
        for r in cells.select(["story", "fact", "article", "status"]).to_pylist()
    }
    assert got == statuses
    assert read("quotes").num_rows == len(data["quotes"])
    assert read("stories").num_rows == len(data["stories"])
    entities = read("entities").to_pylist()
    assert {e["id"] for e in entities} == {e["id"] for e in data["entities"]}
    assert all(isinstance(json.loads(e["alias_counts"]), dict) for e in entities)
    mentions = read("mentions")
    linked = {m["entity"] for m in mentions.select(["entity"]).to_pylist()} - {None}
    assert linked <= {e["id"] for e in data["entities"]}
    # A second export replaces the tables rather than adding to them.
    assert main(["-q", "export", "--db", str(db), "--parquet", str(out)]) == 0
    assert read("cells").num_rows == cells.num_rows
