"""The documentation cannot drift from the code: every `rashomon` command and option the
README and BENCHMARKS.md show exists, and every `python -m bench NAME` they show names a
benchmark."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from rashomon.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "BENCHMARKS.md"]
BENCH_TOOLS = {"all", "profile", "generate", "help"}


def _shell_lines(path: Path) -> list[str]:
    """Lines of the fenced shell blocks and of `inline code` that run a command."""
    text = path.read_text("utf-8")
    lines, fence, prose = [], None, []
    for line in text.splitlines():
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
            continue
        if fence is None:
            prose.append(line)
        elif fence in ("", "sh", "bash", "console"):
            lines.append(line.split("  #")[0].strip())
    for code in re.findall(r"`([^`\n]+)`", "\n".join(prose)):
        if re.search(r"(^|/)rashomon |python -m bench ", code):
            lines.append(code)
    return [line for line in lines if line]


def _invocations(program: str) -> list[tuple[str, list[str]]]:
    found = []
    for path in DOCS:
        for line in _shell_lines(path):
            try:
                words = shlex.split(line.rstrip("\\"), comments=True)
            except ValueError:  # an unbalanced quote in an example: plain words will do
                words = line.split()
            for i, word in enumerate(words):
                if program == "rashomon" and word.endswith("rashomon") and i + 1 < len(words):
                    found.append((path.name, words[i + 1 :]))
                if program == "bench" and word == "bench" and i > 0 and words[i - 1] == "-m":
                    found.append((path.name, words[i + 1 :]))
    return found


def _named(argv: list[str]) -> bool:
    """Whether the words name a command ("rashomon show"), not a placeholder or option."""
    return bool(argv) and not argv[0].startswith(("-", "<", ".")) and not argv[0].isupper()


RASHOMON = [(doc, argv) for doc, argv in _invocations("rashomon") if _named(argv)]
BENCH = [(doc, argv) for doc, argv in _invocations("bench") if _named(argv)]


def test_docs_show_commands_at_all() -> None:
    assert len(RASHOMON) > 20 and len(BENCH) > 10


@pytest.mark.parametrize(("doc", "argv"), RASHOMON, ids=[" ".join(a) for _, a in RASHOMON])
def test_docs_rashomon_commands_and_options_exist(doc: str, argv: list[str]) -> None:
    name = argv[0]
    command = cli.commands.get(name)
    assert command is not None, f"{doc} shows 'rashomon {name}', which is not a command"
    options = {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    options |= {opt for p in cli.params if isinstance(p, click.Option) for opt in p.opts}
    options |= {"--help", "-h"}
    for word in argv[1:]:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            assert option in options, f"{doc}: 'rashomon {name}' has no option {option}"


@pytest.mark.parametrize(("doc", "argv"), BENCH, ids=[" ".join(a) for _, a in BENCH])
def test_docs_bench_names_exist(doc: str, argv: list[str]) -> None:
    name = argv[0]
    assert name in BENCH_TOOLS or (ROOT / "bench" / f"{name}_bench.py").is_file(), (
        f"{doc} shows 'python -m bench {name}', which is not a benchmark"
    )
