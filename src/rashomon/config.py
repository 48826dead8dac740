"""Configuration: packaged defaults, overridden by a user file, resolved once.

Unknown keys fail loudly: a typo in a settings file must not silently do nothing.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

USER_FILE = "rashomon.toml"


def _defaults() -> dict[str, Any]:
    text = resources.files("rashomon").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> None:
    for key, value in override.items():
        if key not in base:
            known = ", ".join(sorted(base)) or "none"
            raise ConfigError(f"unknown setting '{where}{key}' (known here: {known})")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"setting '{where}{key}' must be a table")
            _merge(base[key], value, f"{where}{key}.")
        else:
            expected = type(base[key])
            ok = isinstance(value, expected) or (expected is float and isinstance(value, int))
            if not ok or (expected is int and isinstance(value, bool)):
                raise ConfigError(
                    f"setting '{where}{key}' must be {expected.__name__}, got {value!r}"
                )
            base[key] = value


@dataclass(frozen=True)
class Config:
    """The resolved settings. Read sections with ``config["ingest"]["batch_size"]``."""

    data: dict[str, Any]
    source: str | None = None

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.data[section]

    def with_overrides(self, overrides: dict[str, Any]) -> Config:
        data = copy.deepcopy(self.data)
        _merge(data, overrides, "")
        return Config(data, self.source)


def read_toml(path: str | Path, what: str, tables: set[str] | None = None) -> dict[str, Any]:
    """A user's TOML file, or a one-line ConfigError naming ``what`` it was meant to be.

    ``tables``, when given, are the only top-level keys allowed.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    if tables is not None and set(data) - tables:
        expected = ", ".join(f"[[{t}]]" for t in sorted(tables))
        raise ConfigError(
            f"{path}: unknown table(s) {sorted(set(data) - tables)}; expected {expected}"
        )
    return data


def load_config(path: str | Path | None = None) -> Config:
    """Packaged defaults, overridden by ``path`` or else ./rashomon.toml if present."""
    data = _defaults()
    source = None
    candidate = Path(path) if path else Path(USER_FILE)
    if path or candidate.is_file():
        _merge(data, read_toml(candidate, "config file"), "")
        source = str(candidate)
    return Config(data, source)
