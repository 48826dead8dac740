"""How each article frames a story: whom it quotes, how it sources, hedges, loads and
names things, and what its headline and lead stress compared with the others."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from ..entities.gazetteer import country_of_demonym
from .claims import speaker_entity
from .matrix import StoryInput


def _a_name(m: Any) -> bool:
    """Is this mention a name of its entity? "The French president" names Macron's
    office, and "Polish" is the adjective of Poland: neither is a naming choice."""
    return m.label != "ROLE" and country_of_demonym(m.text) is None


def _usual_names(inputs: Sequence[StoryInput]) -> dict[str, str]:
    """entity id -> the story's most common full form of its name."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for item in inputs:
        for k, m in enumerate(item.ann.mentions):
            eid = item.entity_ids.get(k)
            if eid and _a_name(m):
                counts[eid][m.text] += 1
    out = {}
    for eid, c in counts.items():
        longest = max(len(n.split()) for n in c)
        full = Counter({n: v for n, v in c.items() if len(n.split()) == longest})
        out[eid] = sorted(full.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return out


def framing_profiles(
    inputs: Sequence[StoryInput],
    facts: list[dict[str, Any]],
    names: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """article id -> framing profile."""
    names = names or {}
    usual = _usual_names(inputs)
    lead_counts = Counter(
        fid
        for f in facts
        for fid in [f["id"]]
        for cell in f["cells"].values()
        if cell.get("paragraph") is not None and cell["paragraph"] < 2
    )
    n = len(inputs)
    out: dict[str, dict[str, Any]] = {}
    for item in inputs:
        a, ann = item.article, item.ann
        quotes = ann.quotes
        speakers: Counter = Counter()
        for q in quotes:
            if q.anonymous:
                key = "(anonymous)"
            elif q.vague:
                key = "(vague)"
            else:
                eid = speaker_entity(item.ann, item.entity_ids, q, item.role_speakers)
                unnamed = q.speaker_text if q.resolved_by == "role" else None
                key = (
                    names.get(eid, usual.get(eid, q.speaker))
                    if eid
                    else (q.speaker or unnamed or "(unknown)")
                )
            speakers[key] += 1
        total = sum(speakers.values())
        cues = Counter(c.kind for c in ann.cues)
        loaded = Counter(c.text.lower() for c in ann.cues if c.kind == "loaded")
        naming = []
        seen = set()
        for k, m in enumerate(ann.mentions):
            eid = item.entity_ids.get(k)
            if not eid or eid in seen or not _a_name(m):
                continue
            if len(m.text.split()) < len(usual.get(eid, "").split()):
                continue  # a short form (surname) is not a naming choice
            if m.text != usual.get(eid) and m.text.casefold() == usual.get(eid, "").casefold():
                continue  # nor is a dateline's capitals ("DOLVITSA, Veldera -")
            seen.add(eid)
            if m.text != usual.get(eid):
                naming.append({"entity": eid, "name": m.text, "usual": usual.get(eid)})
        words = len(a.text.split())
        sentences = max(len(ann.sentences), 1)
        in_lead = [
            f["id"]
            for f in facts
            if (cell := f["cells"].get(a.id))
            and cell.get("paragraph") is not None
            and cell["paragraph"] < 2
        ]
        others_lead = [
            f["id"]
            for f in facts
            if lead_counts[f["id"]] >= max(2, (n + 1) // 2)
            and f["cells"].get(a.id, {}).get("status") == "omitted"
        ]
        out[a.id] = {
            "outlet": a.outlet,
            "title": a.title,
            "words": words,
            "quotes": total,
            "direct_quotes": sum(1 for q in quotes if q.direct),
            "speakers": [
                {"speaker": s, "quotes": c, "share": round(c / total, 3)}
                for s, c in sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "anonymous_sources": sum(1 for q in quotes if q.anonymous)
            + cues.get("anonymous_source", 0),
            "vague_attributions": sum(1 for q in quotes if q.vague)
            + cues.get("vague_attribution", 0),
            "hedges": cues.get("hedge", 0),
            "hedged_sentences": sum(1 for s in ann.sentences if s.hedged),
            "attributed_share": round(sum(1 for s in ann.sentences if s.attributed) / sentences, 3),
            "loaded_words": [{"word": w, "count": c} for w, c in loaded.most_common()],
            "loaded_per_1000_words": round(1000 * sum(loaded.values()) / max(words, 1), 2),
            "naming": naming,
            "lead_facts": in_lead,
            # facts most articles put in their lead that this one leaves out entirely
            "lead_facts_omitted": others_lead,
            # facts this article leads with that no other article leads with
            "lead_emphasis": [fid for fid in in_lead if lead_counts[fid] == 1 and n > 1],
        }
    return out


def outlet_profiles(profiles: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Article profiles summed per outlet."""
    out: dict[str, dict[str, Any]] = {}
    for p in profiles.values():
        o = out.setdefault(
            p["outlet"] or "(unknown)",
            {
                "articles": 0,
                "words": 0,
                "quotes": 0,
                "anonymous_sources": 0,
                "vague_attributions": 0,
                "hedges": 0,
                "loaded_words": Counter(),
                "speakers": Counter(),
            },
        )
        o["articles"] += 1
        for key in ("words", "quotes", "anonymous_sources", "vague_attributions", "hedges"):
            o[key] += p[key]
        for w in p["loaded_words"]:
            o["loaded_words"][w["word"]] += w["count"]
        for s in p["speakers"]:
            o["speakers"][s["speaker"]] += s["quotes"]
    for o in out.values():
        o["loaded_words"] = dict(o["loaded_words"].most_common())
        o["speakers"] = dict(o["speakers"].most_common())
    return out
