"""Quote extraction and attribution on PolNeAR, beside textacy's rule-based baseline.

``python -m bench.quotes_bench [--split dev] [--limit N] [--no-baseline] [--json FILE]``

PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates attributions in US election
news: a source (the speaker as written, may be absent), a cue and a content, as
character spans of each article's ``text``. It is read from ``../shared/bench-data/
polnear/docs.jsonl`` at run time and never copied. Tune on ``train``; report ``dev``.

Articles are built from the text as it is (so gold offsets hold): one body paragraph
per line, the first line (the title) marked as a headline, as ingestion would. Both
systems see the same body paragraphs. Rashomon runs the ``sentences``, ``entities``
and ``quotes`` components; Rashomon's quotes sharing a cue (the segments of a quote
split by "he said") form one attribution with several content spans, as in PolNeAR.
The baseline is ``textacy.extract.triples.direct_quotations`` run per paragraph (it
gives up on a whole text with an odd number of quote marks; per paragraph only that
paragraph is lost). textacy finds direct quotes only, by design.

Scores, per field (source, cue, content), as in Citron's and PARC's evaluations:

* a predicted and a gold attribution are *the same attribution* when their cues or
  their contents overlap; a predicted field can only match the field of the same
  attribution (so a right speaker given to the wrong quote does not count);
* *overlap*: the two spans share at least one word (token overlap);
* *exact*: the spans are identical after trimming whitespace, punctuation and quote
  marks at both ends (and, for contents, a leading complementiser "that", which
  PolNeAR includes and Rashomon leaves out);
* precision = matched predictions / predictions, recall = matched gold / gold, over the
  attributions that have that field (PolNeAR leaves some sources empty);
* speaker accuracy: of the gold attributions whose content a prediction found (content
  overlap), the share whose predicted source overlaps the gold source.

Two gold sets are reported. *all*: every PolNeAR attribution, including beliefs,
perceptions and stances ("fears", "see as", "protest", "voted against"), which a quote
extractor is not meant to find. *speech*: attributions whose cue is a verb of saying
(the list below, fixed here and independent of Rashomon's lexicon), or ``according to``
or a colon; a prediction that matches only a non-speech attribution is left out of the
precision count there rather than counted wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
POLNEAR = REPO.parent / "shared" / "bench-data" / "polnear" / "docs.jsonl"

#: Verbs of saying that define the *speech* subset (base forms; inflections derived).
SPEECH_CUE_VERBS = """
say tell add write ask note report announce explain argue claim state declare insist tweet
post respond reply answer comment remark mention stress emphasize emphasise warn urge
acknowledge admit confirm deny recall suggest continue testify conclude predict promise
pledge vow allege contend assert maintain complain concede caution point quote cite
reiterate repeat reveal disclose inform tell describe call speak talk
""".split()
_IRREGULAR = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written"],
              "speak": ["spoke", "spoken"], "swear": ["swore", "sworn"]}


def _forms(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    forms = {base, base + "s", base + "es", stem + "ed", stem + "ing", base + "d"}
    if base.endswith("y") and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdglmnprt]$", base):
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    forms.update(_IRREGULAR.get(base, []))
    return forms


_SPEECH_WORDS = set().union(*(_forms(v) for v in SPEECH_CUE_VERBS)) | {"according", ":"}


def is_speech_cue(cue: str) -> bool:
    words = re.findall(r"[\w']+|:", cue.lower())
    return any(w in _SPEECH_WORDS for w in words)


Span = tuple[int, int]


@dataclass
class Attribution:
    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    content: list[Span] = field(default_factory=list)
    speech: bool = True


# --- data ------------------------------------------------------------------------------


def load_docs(split: str = "dev", limit: int | None = None,
              path: Path = POLNEAR) -> list[dict[str, Any]]:
    """PolNeAR articles of one split, sorted by ``doc_id`` (a fixed order)."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["split"] == split:
                docs.append(doc)
    docs.sort(key=lambda d: d["doc_id"])
    return docs[:limit] if limit else docs


def gold(doc: dict[str, Any]) -> list[Attribution]:
    def spans(a: dict[str, Any], part: str) -> list[Span]:
        value = a.get(part) or {}
        return [(int(s), int(e)) for s, e in value.get("spans") or []]

    out = []
    for a in doc["attributions"]:
        cue_text = (a.get("cue") or {}).get("text") or ""
        out.append(Attribution(spans(a, "source"), spans(a, "cue"), spans(a, "content"),
                               is_speech_cue(cue_text)))
    return out


def article(doc: dict[str, Any]) -> Any:
    """The PolNeAR text as an Article: a paragraph per line, the first line a headline."""
    from rashomon.model import Article, Block

    text = doc["text"]
    blocks = []
    for m in re.finditer(r"[^\n]+", text):
        if not m.group().strip():
            continue
        kind = "headline" if not blocks else "body"
        blocks.append(Block(m.start(), m.end(), kind, "polnear"))
    return Article(id=doc["doc_id"], text=text, blocks=blocks, content_hash=doc["doc_id"],
                   language="en")


# --- systems ------------------------------------------------------------------------------


def rashomon_predict(docs: list[dict[str, Any]], annotator: Any = None) -> list[list[Attribution]]:
    """Rashomon's quotes, grouped into attributions by cue."""
    from rashomon.annotate import Annotator
    from rashomon.config import load_config

    if annotator is None:
        config = load_config().with_overrides(
            {"annotate": {"components": ["sentences", "entities", "quotes"]}})
        annotator = Annotator(config)
    out = []
    for ann in annotator.annotate([article(d) for d in docs]):
        out.append(attributions_of(ann.quotes))
    return out


def attributions_of(quotes: list[Any]) -> list[Attribution]:
    groups: dict[tuple[Any, ...], Attribution] = {}
    for q in quotes:
        if q.cue_start is not None:
            key: tuple[Any, ...] = ("cue", q.cue_start, q.cue_end, q.speaker_start)
        else:
            key = ("content", q.start, q.end)
        att = groups.get(key)
        if att is None:
            att = groups[key] = Attribution()
            if q.speaker_start is not None:
                att.source = [(q.speaker_start, q.speaker_end)]
            if q.cue_start is not None:
                att.cue = [(q.cue_start, q.cue_end)]
        span = (q.start, q.end)
        # A partial quote inside the reported clause of the same cue is one content.
        if any(s <= span[0] and span[1] <= e for s, e in att.content):
            continue
        att.content = [c for c in att.content if not (span[0] <= c[0] and c[1] <= span[1])]
        att.content.append(span)
        att.content.sort()
    return list(groups.values())


def textacy_predict(docs: list[dict[str, Any]], nlp: Any = None) -> list[list[Attribution]]:
    """textacy's direct quotations, per body paragraph."""
    from textacy.extract.triples import direct_quotations

    if nlp is None:
        from rashomon.annotate import nlp as nlp_loader

        nlp = nlp_loader.load("en_core_web_sm")
    out = []
    for doc in docs:
        art = article(doc)
        pieces = [(b.start, art.text[b.start:b.end]) for b in art.blocks if b.kind == "body"]
        found: list[Attribution] = []
        sdocs = nlp.pipe([t for _, t in pieces], batch_size=64)
        for (offset, _), sdoc in zip(pieces, sdocs, strict=True):
            try:
                triples = list(direct_quotations(sdoc))
            except ValueError:
                continue  # an odd number of quote marks in this paragraph
            for tr in triples:
                found.append(Attribution(_token_span(offset, list(tr.speaker)),
                                         _token_span(offset, list(tr.cue)),
                                         _token_span(offset, list(tr.content))))
        # Quote segments sharing a cue are one attribution, as for Rashomon.
        grouped: dict[tuple[Span, ...], Attribution] = {}
        for att in found:
            key = tuple(att.cue) + tuple(att.source)
            if key in grouped:
                grouped[key].content = sorted(grouped[key].content + att.content)
            else:
                grouped[key] = att
        out.append(list(grouped.values()))
    return out


def _token_span(offset: int, tokens: list[Any]) -> list[Span]:
    if not tokens:
        return []
    first, last = tokens[0], tokens[-1]
    return [(offset + first.idx, offset + last.idx + len(last.text))]


# --- scoring ------------------------------------------------------------------------------

_TRIM = " \t\r\n\"'“”‘’«»„,.;:!?()[]—–-…`"


def _overlap(text: str, a: Span, b: Span) -> int:
    """Characters of words the two spans share (0: no token overlap)."""
    s, e = max(a[0], b[0]), min(a[1], b[1])
    if s >= e:
        return 0
    return sum(1 for ch in text[s:e] if ch.isalnum())


def _overlaps(text: str, xs: list[Span], ys: list[Span]) -> bool:
    return any(_overlap(text, x, y) > 0 for x in xs for y in ys)


def _normal(text: str, spans: list[Span], content: bool) -> tuple[Span, ...]:
    out = []
    for s, e in spans:
        while s < e and text[s] in _TRIM:
            s += 1
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        if content and text[s:s + 5].lower() == "that ":
            s += 5
        if s < e:
            out.append((s, e))
    return tuple(sorted(out))


def _fields(text: str, p: Attribution, g: Attribution, name: str, exact: bool) -> bool:
    a, b = getattr(p, name), getattr(g, name)
    if not a or not b:
        return False
    if exact:
        return _normal(text, a, name == "content") == _normal(text, b, name == "content")
    return _overlaps(text, a, b)


def _same(text: str, p: Attribution, g: Attribution) -> bool:
    return _overlaps(text, p.cue, g.cue) or _overlaps(text, p.content, g.content)


def score(docs: list[dict[str, Any]], predictions: list[list[Attribution]],
          speech_only: bool = False) -> dict[str, Any]:
    """Exact and overlap P/R/F1 for source, cue and content; speaker accuracy."""
    # key -> [matched predictions, predictions, matched gold, gold]
    counts: dict[str, list[int]] = {}
    spk_found = spk_right = 0
    n_gold = n_pred = 0
    for doc, preds in zip(docs, predictions, strict=True):
        text = doc["text"]
        golds = gold(doc)
        if speech_only:
            others = [g for g in golds if not g.speech]
            golds = [g for g in golds if g.speech]
            preds = [p for p in preds if not (any(_same(text, p, g) for g in others) and
                                              not any(_same(text, p, g) for g in golds))]
        n_gold += len(golds)
        n_pred += len(preds)
        pairs = [[_same(text, p, g) for g in golds] for p in preds]
        for name in ("source", "cue", "content"):
            for exact in (True, False):
                key = f"{name}_{'exact' if exact else 'overlap'}"
                c = counts.setdefault(key, [0, 0, 0, 0])
                ps = [i for i, p in enumerate(preds) if getattr(p, name)]
                gs = [j for j, g in enumerate(golds) if getattr(g, name)]
                hit = {(i, j) for i in ps for j in gs
                       if pairs[i][j] and _fields(text, preds[i], golds[j], name, exact)}
                c[0] += len({i for i, _ in hit})
                c[1] += len(ps)
                c[2] += len({j for _, j in hit})
                c[3] += len(gs)
        for g in golds:
            if not g.source or not g.content:
                continue
            best, best_overlap = None, 0
            for p in preds:
                o = sum(_overlap(text, a, b) for a in p.content for b in g.content)
                if o > best_overlap:
                    best, best_overlap = p, o
            if best is not None:
                spk_found += 1
                spk_right += bool(best.source) and _overlaps(text, best.source, g.source)
    result: dict[str, Any] = {"docs": len(docs), "gold": n_gold, "predicted": n_pred}
    for key, (mp, np_, mg, ng) in counts.items():
        p = mp / np_ if np_ else 0.0
        r = mg / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        result[key] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}
    result["speaker_accuracy"] = round(spk_right / spk_found, 4) if spk_found else 0.0
    result["speaker_found"] = spk_found
    return result


# --- the run -------------------------------------------------------------------------------


def run(limit: int | None = None, split: str = "dev", baseline: bool = True) -> dict[str, Any]:
    """Score Rashomon (and textacy, if installed) on PolNeAR ``split``."""
    docs = load_docs(split, limit)
    started = time.perf_counter()
    ours = rashomon_predict(docs)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "split": split, "docs": len(docs),
        "systems": {"rashomon": {"all": score(docs, ours), "speech": score(docs, ours, True),
                                 "seconds": round(seconds, 2)}},
    }
    if baseline:
        try:
            import textacy  # noqa: F401
        except ImportError:
            result["systems"]["textacy"] = {"error": "textacy is not installed "
                                            "(pip install textacy; benchmark only)"}
        else:
            started = time.perf_counter()
            theirs = textacy_predict(docs)
            result["systems"]["textacy"] = {"all": score(docs, theirs),
                                            "speech": score(docs, theirs, True),
                                            "seconds": round(time.perf_counter() - started, 2)}
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = [f"PolNeAR {result['split']}, {result['docs']} articles.", ""]
    header = ("| system | gold set | gold | predicted | source exact F1 | source overlap F1 | "
              "cue exact F1 | cue overlap F1 | content exact F1 | content overlap F1 | "
              "speaker acc. |")
    lines += [header, "|" + "---|" * (header.count("|") - 1)]
    for name, sys_result in result["systems"].items():
        if "error" in sys_result:
            lines.append(f"| {name} | {sys_result['error']} |")
            continue
        for subset in ("all", "speech"):
            r = sys_result[subset]
            cells = [name, subset, str(r["gold"]), str(r["predicted"])]
            for key in ("source_exact", "source_overlap", "cue_exact", "cue_overlap",
                        "content_exact", "content_overlap"):
                m = r[key]
                cells.append(f"{m['f1']:.3f} (P {m['p']:.2f} R {m['r']:.2f})")
            cells.append(f"{r['speaker_accuracy']:.3f}")
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("*all*: every PolNeAR attribution (beliefs and stances included); *speech*: "
                 "attributions with a verb-of-saying cue, 'according to' or a colon.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.quotes_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--limit", type=int, default=None, help="first N articles by doc_id")
    ap.add_argument("--no-baseline", action="store_true", help="skip textacy")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    a = ap.parse_args(argv)
    if not POLNEAR.is_file():
        print(f"PolNeAR not found at {POLNEAR}", file=sys.stderr)
        return 2
    result = run(a.limit, a.split, not a.no_baseline)
    print(markdown(result))
    if a.json:
        # Imported here: the quality gate loads this file by path, outside the package.
        from bench.ingest_bench import git_info, machine

        result.update(machine=machine(), git=git_info(), date=time.strftime("%Y-%m-%d"))
        Path(a.json).write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
