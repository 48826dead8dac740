"""The command line: thin wrappers, one-line errors, help with examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE

from rashomon.cli import cli, main

COMMANDS = [
    "ingest", "annotate", "resolve", "entities", "entity", "articles", "show", "skipped", "outlets",
    "cluster", "stories", "story", "analyze", "compare", "serve", "open", "export",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help_with_an_example(command: str, capsys) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out and f"rashomon {command}" in out


def test_cli_commands_listed_match_registered() -> None:
    assert sorted(cli.commands) == sorted(COMMANDS)


def test_cli_ingest_list_show_json(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(EXAMPLE), "--db", db]) == 0
    assert "8 article(s) added" in capsys.readouterr().out
    assert main(["articles", "--db", db, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 8 and {"id", "outlet", "title", "published", "language", "path"} <= set(rows[0])
    assert main(["articles", "--db", db, "--outlet", "Voice of Veldera", "--no-duplicates"]) == 0
    table = capsys.readouterr().out
    assert "Voice of Veldera" in table and "Northwind" not in table
    assert main(["show", rows[0]["id"][:8], "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == rows[0]["id"] and shown["blocks"] and shown["sources"]
    assert main(["ingest", str(EXAMPLE), "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles_added"] == 0
    assert main(["skipped", "--db", db]) == 0
    assert "nothing skipped" in capsys.readouterr().out
    assert main(["outlets", "--db", db]) == 0
    assert "state-affiliated" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "/no/such/path"], "path does not exist"),
        (["ingest", "/no/such/*.txt"], "no files match"),
        (["articles", "--db", "/no/such/dir/x.db"], "no store"),
        (["ingest", ".", "--field", "oops"], "--field wants NAME=COLUMN"),
        (["--config", "/no/such.toml", "ingest", "."], "config file not found"),
    ],
)
def test_cli_expected_failures_are_one_line(tmp_path: Path, capsys, argv, message) -> None:
    argv = [a if a != "." else str(tmp_path) for a in argv]
    if argv[0] != "articles" and "--db" not in argv:
        argv += ["--db", str(tmp_path / "e.db")]
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_show_unknown_article_and_bad_config(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "c.db")
    main(["-q", "ingest", str(EXAMPLE), "--db", db])
    assert main(["show", "zzzz", "--db", db]) == 1
    assert "no article 'zzzz'" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[ingest]\nbatch_sise = 3\n")
    assert main(["--config", str(bad), "ingest", str(EXAMPLE), "--db", db]) == 2
    assert "unknown setting 'ingest.batch_sise'" in capsys.readouterr().err


def test_cli_usage_errors_are_one_line(capsys) -> None:
    assert main(["ingest", "--no-such-option", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No such option") and err.count("\n") == 1


def test_cli_not_a_store(tmp_path: Path, capsys) -> None:
    notdb = tmp_path / "notes.txt"
    notdb.write_text("hello " * 1000)
    assert main(["articles", "--db", str(notdb)]) == 1
    assert "not a Rashomon store" in capsys.readouterr().err


def test_cli_annotate_then_show_carries_annotations(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "a.db")
    assert main(["-q", "ingest", str(EXAMPLE), "--db", db]) == 0
    assert main(["annotate", "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotated"] == 8 and report["skipped"] == 0
    assert main(["annotate", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 8
    assert main(["articles", "--db", db, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)[0]["id"]
    assert main(["show", first, "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    layers = shown["annotations"]
    assert layers["sentences"] and layers["mentions"] and layers["quantities"]
    assert main(["show", first, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Entities (" in out and "Quantities (" in out and "Event date:" in out


def test_cli_analyze_never_reads_its_own_output_back(tmp_path: Path, capsys) -> None:
    """'analyze . --out report' run twice (the report folder inside the input folder) must
    not take its last report, JSON, Parquet tables or store for articles."""
    pytest.importorskip("pyarrow")
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLE / "meridian-wire", corpus)
    out = corpus / "report"
    db = str(out / "rashomon.db")
    runs = []
    for _ in range(2):
        args = ["analyze", str(corpus), "--out", str(out), "--parquet", str(out / "pq"), "--json"]
        assert main(args) == 0
        runs.append(json.loads(capsys.readouterr().out))
    assert (out / "report.html").is_file() and (out / "pq" / "articles").is_dir()
    assert main(["articles", "--db", db, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2, [r["path"] for r in rows]
    assert not any(r["path"].startswith(str(out)) for r in rows)
    assert main(["skipped", "--db", db]) == 0
    assert "nothing skipped" in capsys.readouterr().out
    assert runs[0]["articles"] == runs[1]["articles"] == 2


def test_cli_ingest_skips_the_store_it_writes_into(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLE / "meridian-wire", corpus)
    db = str(corpus / "store.db")
    for _ in range(2):
        assert main(["ingest", str(corpus), "--db", db]) == 0
    assert "0 input(s) skipped" in capsys.readouterr().out
    assert main(["skipped", "--db", db]) == 0
    assert "nothing skipped" in capsys.readouterr().out


def test_cli_skipped_names_the_file_of_a_skipped_article(tmp_path: Path, capsys) -> None:
    """Annotation skips an article, not a file: the listing says which file it came from."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "de.txt").write_text(
        "Der Damm ist am Sonntag nach tagelangem Regen gebrochen. Mindestens 37 Menschen "
        "kamen ums Leben, teilten die Behörden am Montag mit.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "r.db")
    assert main(["ingest", str(corpus), "--db", db]) == 0
    assert main(["annotate", "--db", db]) == 0
    capsys.readouterr()
    assert main(["skipped", "--db", db]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("article:") and "de.txt" in line and "language 'de'" in line, line
    assert main(["skipped", "--db", db, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["file"].endswith("de.txt") and row["stage"] == "annotate"


def test_cli_unwritable_output_is_one_line(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(["analyze", str(EXAMPLE / "meridian-wire"), "--out", str(blocker / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: cannot create --out directory") and "Traceback" not in err
    # Any other refusal of the file system is one line too, not a traceback.
    db = str(tmp_path / "s.db")
    assert main(["ingest", str(EXAMPLE / "meridian-wire"), "--db", db]) == 0
    capsys.readouterr()
    pytest.importorskip("pyarrow")
    code = main(["export", "--db", db, "--parquet", str(blocker / "pq")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and err.startswith("error: ")
