"""Which outlet published an article.

Evidence, strongest first: an outlet the user named on the command line; the record's
own outlet field or the page's site name; the URL's domain; the directory-per-outlet
convention (``corpus/<outlet>/article.txt``). A sources file (``sources.toml``) maps
names, domains and directory names to described outlets. Anything else stays unknown:
an outlet is never guessed from the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import read_toml
from ..errors import ConfigError
from ..model import Outlet

SOURCES_FILE = "sources.toml"
_OUTLET_KEYS = {
    "name",
    "domains",
    "dirs",
    "aliases",
    "country",
    "language",
    "owner",
    "state_affiliated",
    "ratings",
}


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "outlet"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", unicodedata.normalize("NFKD", text).lower())


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.lower().rstrip(".")
    for prefix in ("www.", "m.", "amp.", "edition.", "mobile."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    return host


def load_sources(path: str | Path) -> list[Outlet]:
    """Read a sources file: ``[[outlet]]`` tables with name, domains, dirs, country..."""
    data = read_toml(path, "sources file", {"outlet"})
    outlets = []
    for i, entry in enumerate(data.get("outlet", []), 1):
        bad = set(entry) - _OUTLET_KEYS
        if bad:
            raise ConfigError(f"{path}: outlet {i} has unknown key(s) {sorted(bad)}")
        if not entry.get("name"):
            raise ConfigError(f"{path}: outlet {i} has no name")
        name = str(entry["name"])
        outlets.append(
            Outlet(
                id=slug(name),
                name=name,
                domains=[d.lower() for d in entry.get("domains", [])],
                aliases=[str(a) for a in entry.get("aliases", [])]
                + [str(d) for d in entry.get("dirs", [])],
                country=entry.get("country"),
                language=entry.get("language"),
                owner=entry.get("owner"),
                state_affiliated=entry.get("state_affiliated"),
                ratings=dict(entry.get("ratings", {})),
            )
        )
    return outlets


@dataclass
class OutletRegistry:
    """Known outlets, looked up by name, alias, directory name or domain."""

    outlets: list[Outlet] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[str, Outlet] = {}
        self._by_domain: dict[str, Outlet] = {}
        for outlet in self.outlets:
            self._index(outlet)

    def _index(self, outlet: Outlet) -> None:
        for name in (outlet.name, outlet.id, *outlet.aliases):
            self._by_key.setdefault(_key(name), outlet)
        for domain in outlet.domains:
            self._by_domain[domain.lower()] = outlet

    def add(self, outlets: list[Outlet]) -> None:
        for outlet in outlets:
            self.outlets.append(outlet)
            self._index(outlet)

    def match_name(self, name: str | None) -> Outlet | None:
        return self._by_key.get(_key(name)) if name else None

    def match_domain(self, domain: str | None) -> Outlet | None:
        while domain and "." in domain:
            if domain in self._by_domain:
                return self._by_domain[domain]
            domain = domain.split(".", 1)[1]  # news.bbc.co.uk -> bbc.co.uk -> co.uk
        return None

    def resolve(
        self,
        *,
        explicit: str | None = None,
        meta_outlet: str | None = None,
        site_name: str | None = None,
        url: str | None = None,
        directory: str | None = None,
    ) -> tuple[str | None, str]:
        """The outlet name and what decided it (``"sources:domain"``, ``"directory"``...)."""
        if explicit:
            known = self.match_name(explicit)
            return (known.name if known else explicit), "option"
        domain = domain_of(url)
        candidates: list[tuple[str, str | None]] = [
            ("metadata", meta_outlet),
            ("site-name", site_name),
            ("url", domain),
            ("directory", directory),
        ]
        for how, value in candidates:
            if not value:
                continue
            known = self.match_domain(value) if how == "url" else self.match_name(value)
            if known is None and how == "metadata":
                known = self.match_domain(domain_of(value))
            if known:
                return known.name, f"sources:{how}"
        for how, value in candidates:
            if value:
                return value, how
        return None, "unknown"


def directory_outlet(path: str, root: str | None) -> str | None:
    """``root/<outlet>/.../file``: the first directory under the root the user named."""
    if not root:
        return None
    try:
        rel = Path(path).resolve().relative_to(Path(root).resolve())
    except ValueError:
        return None
    return rel.parts[0] if len(rel.parts) >= 2 else None


def outlet_record(name: str, registry: OutletRegistry) -> Outlet:
    known = registry.match_name(name)
    return known if known else Outlet(id=slug(name), name=name)


def as_row(outlet: Outlet) -> dict[str, Any]:
    return {
        "id": outlet.id,
        "name": outlet.name,
        "domains": outlet.domains,
        "aliases": outlet.aliases,
        "country": outlet.country,
        "language": outlet.language,
        "owner": outlet.owner,
        "state_affiliated": outlet.state_affiliated,
        "ratings": outlet.ratings,
    }
