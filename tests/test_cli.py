"""The command line: thin wrappers, one-line errors, help with examples."""

from __future__ import annotations

import json
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
