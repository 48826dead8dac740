"""Shared fixtures. Tests never touch the network or download a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.config import load_config
from rashomon.store import SQLiteStore, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
EXAMPLE = ROOT / "examples" / "corpus"
TRUTH = ROOT / "examples" / "truth.json"


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(str(tmp_path / "test.db"))
    yield s
    s.close()


@pytest.fixture
def config():
    return load_config()


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return SEEDS


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path
