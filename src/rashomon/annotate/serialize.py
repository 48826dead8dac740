"""Annotations to and from plain JSON-able dicts (for the store and the export)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..model import (
    Annotations,
    FramingCue,
    Mention,
    Quantity,
    Quote,
    Sentence,
    TimeExpression,
)

LAYERS: dict[str, type] = {
    "sentences": Sentence,
    "mentions": Mention,
    "quotes": Quote,
    "quantities": Quantity,
    "times": TimeExpression,
    "cues": FramingCue,
}


def to_dict(ann: Annotations) -> dict[str, Any]:
    return dataclasses.asdict(ann)


def from_dict(data: dict[str, Any]) -> Annotations:
    kwargs = dict(data)
    for layer, cls in LAYERS.items():
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs[layer] = [
            cls(**{k: v for k, v in item.items() if k in names}) for item in data.get(layer, [])
        ]
    known = {f.name for f in dataclasses.fields(Annotations)}
    return Annotations(**{k: v for k, v in kwargs.items() if k in known})


def dumps(ann: Annotations) -> str:
    return json.dumps(to_dict(ann), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Annotations:
    return from_dict(json.loads(text))
