"""The example corpus analysed once per test session, shared by the report, web and
browser tests (whichever runs first pays for the pipeline), plus a hostile corpus whose
articles try to inject markup and script."""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from conftest import EXAMPLE

from rashomon.cli import main


def _tmp(prefix: str) -> Path:
    out = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, out, True)
    return out


def analyze(corpus: Path, out: Path) -> dict[str, Any]:
    """``rashomon analyze CORPUS --out OUT --json``; returns the printed summary."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["analyze", str(corpus), "--out", str(out), "--json"])
    assert code == 0, buffer.getvalue()
    return json.loads(buffer.getvalue())


@functools.cache
def example() -> tuple[Path, dict[str, Any]]:
    """(output directory, analyze's summary) of the bundled example corpus. Read-only:
    tests that write copy the store with :func:`store_copy`."""
    out = _tmp("rashomon-example-")
    return out, analyze(EXAMPLE, out)


def example_data() -> dict[str, Any]:
    return json.loads((example()[0] / "analysis.json").read_text("utf-8"))


def analysis_content(out: Path) -> dict[str, Any]:
    """``OUT/analysis.json`` without its timing, the only field engines may differ in."""
    data = json.loads((out / "analysis.json").read_text("utf-8"))
    data.pop("seconds")
    return data


def assert_same_analysis(local: dict[str, Any], other: dict[str, Any]) -> None:
    """Two analyses' contents are equal (see :func:`analysis_content`), and not empty."""
    assert local.keys() == other.keys()
    for key in local:  # one key at a time, so a failure names the part that differs
        assert other[key] == local[key], key
    assert local["stories"] and local["entities"] and local["comparisons"]


def store_copy(folder: Path) -> Path:
    """A private copy of the example store (for tests that write to it)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "rashomon.db"
    shutil.copyfile(example()[0] / "rashomon.db", target)
    return target


#: What a hostile article tries: script elements, event handler attributes, javascript:
#: links, markup that closes our elements, and a very long unbroken string.
PAYLOADS = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<a href="javascript:window.__pwned = 3">click me</a>',
    "[a link](javascript:window.__pwned=4)",
    '"><svg onload="window.__pwned = 5">',
    "</textarea></style></script><script>window.__pwned = 6</script>",
)
LONG = "X" * 3000


def _hostile_text(outlet: str, n: int) -> str:
    return (
        "---\n"
        f"title: Flood <script>window.__pwned = 7</script> hits Ostrava {n}\n"
        f"published: 2026-05-0{n}\n"
        f"outlet: {outlet}\n"
        "url: javascript:window.__pwned = 8\n"
        "---\n"
        f"A flood hit the town of Ostrava on Monday, officials said. {PAYLOADS[0]}\n\n"
        f"Mayor Jana Novak said 12 people were rescued from rooftops. {PAYLOADS[1]}\n\n"
        f'"We did everything we could," Novak told reporters. {PAYLOADS[2]} {PAYLOADS[3]}\n\n'
        f"The river rose by {3 + n} metres overnight. {PAYLOADS[4]}\n\n"
        f"{LONG}{n}\n\n"
        f"Rescue teams searched the flooded streets of Ostrava. {PAYLOADS[5]}\n"
    )


@functools.cache
def hostile() -> tuple[Path, dict[str, Any]]:
    """(output directory, summary) of two hostile articles about one event."""
    root = _tmp("rashomon-hostile-")
    corpus = root / "corpus"
    for n, outlet in enumerate(
        ('Evil <b onmouseover="window.__pwned=9">Times</b>', "Plain Post"), 1
    ):
        path = corpus / f"outlet{n}" / f"article{n}.md"
        path.parent.mkdir(parents=True)
        path.write_text(_hostile_text(outlet, n), encoding="utf-8")
    return root / "out", analyze(corpus, root / "out")
