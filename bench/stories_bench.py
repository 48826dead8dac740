"""Story (event) clustering on ECB+: documents to real-world events, no number given.

``python -m bench stories [--grid small|none] [--title structure|first-line|none]``

ECB+ (Cybulska & Vossen 2014; ``../shared/bench-data/ecbplus``, read at run time, never
copied): each topic holds two subtopics, two different real-world events of the same
kind (two rehab check-ins, two earthquakes); the subtopic is the gold story. The
benchmark clusters ALL the documents of a split at once, as Rashomon clusters a corpus:
it is told neither the topics nor the number of stories.

Documents become articles as ingestion makes them from a plain-text file: a block per
line (one sentence a line in ECB+), each line given its kind by ingestion's paragraph
rules (:func:`rashomon.ingest.structure.classify`). A heading-like first line (most of
the "ecbplus" half, which starts with the web page's headline) is the title; date lines
and "Last updated" lines are furniture; the "ecb" half mostly starts with a sentence and
gets no title. ``--title first-line`` (the first line is always the title) and
``--title none`` are the alternatives; all three score within about 0.01 of each other on
the train topics. ECB+ gives no dates, so every article is undated (``day=None``): the time
window, which does much of the separating on real news, plays no part, and every pair of
documents is compared.

Features come from Rashomon's own stages, as ``rashomon stories`` builds them from a
store: the annotation stage (spaCy, ``sentences`` and ``entities`` components) finds the
mentions, :func:`rashomon.entities.resolve.resolve` over all the split's mentions at once
gives canonical entity ids, :func:`rashomon.stories.features_of` the terms, entities and
lead, and :func:`rashomon.embed.embedder` the MiniLM vector of the title and lead.

Systems, on the same documents in the same run:

* ``tf-idf + k-means (gold k)``: the reference baseline, told the gold number of stories:
  TF-IDF of each whole document (lower-cased words less stop words, raw counts, smoothed
  IDF, L2 norm), k-means++ (numpy, seeds 0-9, the best of 10 inits by inertia);
* ``rashomon, packaged defaults``: the story clusterer
  (:func:`rashomon.stories.cluster.cluster_all`) with the ``[stories]`` defaults;
* ``rashomon, defaults + merge_ratio 0.9 + rejoin_size 7``: the same with the opt-in
  third stage (:func:`rashomon.stories.cluster.rejoin_parts`): the setting for corpora
  of tight, undated events;
* ``rashomon, defaults + merge_ratio 0.9``: the defaults with average link's opt-in
  cohesion check (``merge_ratio``, see :func:`rashomon.stories.cluster.average_link`);
* ``rashomon: terms``, ``terms + entities``, ``terms + entities + MiniLM``: the same
  clusterer with one feature set each, its weights and threshold tuned on the train
  topics, so each feature's contribution is measured at its own best setting.

Scores (:mod:`bench.cluster_metrics`): B-cubed precision, recall and F1, ARI, V-measure.
Tuning is a small grid search on the TRAIN topics only (25 topics, 575 documents, 50
stories), see :func:`tune`; the dev topics (8 topics, 197 documents, 16 stories) are
scored with the result, with a table of dev F1 for the threshold moved by up to 0.1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from .cluster_metrics import scores
from .entities_bench import DATA, ECB_DEV, load_ecbplus

REPO = Path(__file__).resolve().parent.parent
ECB_TRAIN = tuple(t for t in range(1, 36) if t not in ECB_DEV)


@dataclasses.dataclass
class Split:
    """One split's documents, gold stories and clustering features (input order)."""

    name: str
    docs: list[dict[str, Any]]
    gold: list[str]
    features: list[Any]
    seconds: dict[str, float]


# --- data ---------------------------------------------------------------------------------


def load(split: str) -> list[dict[str, Any]]:
    """ECB+ documents of ``split`` ("train" or "dev"), sorted by doc id."""
    docs, _ = load_ecbplus(ECB_DEV if split == "dev" else ECB_TRAIN)
    return sorted(docs.values(), key=lambda d: d["doc_id"])


#: How a document's lines become an article's title and paragraphs (see :func:`article`).
TITLE_MODES = ("structure", "first-line", "none")


def article(doc: dict[str, Any], title: str = "structure") -> Any:
    """An ECB+ document as an Article with a block per line (the text is unchanged).

    ``structure``: ingestion's paragraph rules (:func:`rashomon.ingest.structure.classify`)
    give each line its kind, as for a plain-text file: a heading-like first line is the
    headline (the title), date lines and "Last updated" lines are furniture, the rest is
    body. ``first-line``: the first line is the title, every other line body. ``none``:
    every line is body and there is no title.
    """
    import re

    from rashomon.ingest.structure import Paragraph, classify
    from rashomon.model import Article, Block

    if title not in TITLE_MODES:
        raise ValueError(f"unknown title mode {title!r}; choose from {', '.join(TITLE_MODES)}")
    text = doc["text"]
    spans = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    if title == "structure":
        kinds = [(p.kind, p.why) for p in classify([Paragraph(text[a:b]) for a, b in spans])]
    else:
        kinds = [("body", "")] * len(spans)
        if title == "first-line" and len(spans) > 1:
            kinds[0] = ("headline", "ecbplus:first-line")
    blocks = [Block(a, b, kind, why) for (a, b), (kind, why) in zip(spans, kinds, strict=True)]
    heading = next((text[b.start : b.end] for b in blocks if b.kind == "headline"), None)
    return Article(
        id=doc["doc_id"],
        text=text,
        blocks=blocks,
        content_hash=doc["doc_id"],
        title=heading,
        language="en",
    )


def prepare(
    split: str,
    *,
    title: str = "structure",
    annotator: Any = None,
    embeddings: bool = True,
    limit_topics: Sequence[int] | None = None,
) -> Split:
    """Annotate, resolve and featurise one split, as the stories stage would."""
    docs = load(split)
    if limit_topics is not None:
        docs = [d for d in docs if d["topic"] in set(limit_topics)]
    return prepare_docs(
        split,
        docs,
        [d["subtopic"] for d in docs],
        title=title,
        annotator=annotator,
        embeddings=embeddings,
    )


def prepare_docs(
    name: str,
    docs: list[dict[str, Any]],
    gold: list[str],
    *,
    title: str = "structure",
    annotator: Any = None,
    embeddings: bool = True,
) -> Split:
    """Annotate, resolve and featurise any documents with ``doc_id`` and one-sentence-a-line
    ``text`` (ECB+, MEANTIME), as the stories stage would; ``gold`` is their gold story."""
    from rashomon.annotate import Annotator
    from rashomon.config import load_config
    from rashomon.entities.resolve import MentionRef, resolve
    from rashomon.model import Skip
    from rashomon.stories import features_of

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    if annotator is None:
        config = load_config().with_overrides(
            {"annotate": {"components": ["sentences", "entities"]}}
        )
        annotator = Annotator(config)
    articles = [article(d, title) for d in docs]
    annotations = list(annotator.annotate(articles))
    skipped = [a for a in annotations if isinstance(a, Skip)]
    if skipped:  # every ECB+ document is English: a skip is a fault, not data
        raise RuntimeError(f"{len(skipped)} document(s) not annotated: {skipped[0].reason}")
    seconds["annotate"] = time.perf_counter() - started
    started = time.perf_counter()
    refs = [
        MentionRef(a.id, i, m.text, m.label, a.outlet, m.role)
        for a, ann in zip(articles, annotations, strict=True)
        for i, m in enumerate(ann.mentions)
    ]
    assignment = resolve(refs).assignment
    ids: dict[str, dict[int, str]] = defaultdict(dict)
    for (article_id, index), (entity_id, _, _) in assignment.items():
        ids[article_id][index] = entity_id
    # ECB+ has no dates: every article is undated, whatever the text says.
    features = [
        dataclasses.replace(features_of(a, ann, ids[a.id]), day=None)
        for a, ann in zip(articles, annotations, strict=True)
    ]
    seconds["resolve_and_features"] = time.perf_counter() - started
    if embeddings:
        from rashomon import embed

        started = time.perf_counter()
        tokens = int(load_config()["stories"].get("embedding_tokens", 128))
        vectors = embed.embedder(max_tokens=tokens).encode([f.lead for f in features])
        for f, v in zip(features, vectors, strict=True):
            f.vector = v
        seconds["embed"] = time.perf_counter() - started
    return Split(name, docs, gold, features, seconds)


# --- systems ------------------------------------------------------------------------------


def rashomon_labels(features: Sequence[Any], params: Any) -> list[int]:
    """Story number of each article (input order) from ``cluster_all``."""
    from rashomon.stories.cluster import FeatureTable, cluster_all

    table = FeatureTable(list(features), params)
    label = {}
    for k, rows in enumerate(cluster_all(table)):
        for r in rows:
            label[table.ids[int(r)]] = k
    return [label[f.id] for f in features]


def tfidf(texts: Sequence[str]) -> np.ndarray:
    """Dense L2-normalised TF-IDF rows: raw counts, smoothed IDF ``ln((1+n)/(1+df)) + 1``."""
    import re

    from rashomon.stories.features import STOP

    vocab: dict[str, int] = {}
    rows = []
    for text in texts:
        counts = Counter(
            w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 1 and w not in STOP
        )
        rows.append({vocab.setdefault(w, len(vocab)): c for w, c in counts.items()})
    x = np.zeros((len(texts), len(vocab)))
    for i, row in enumerate(rows):
        x[i, list(row)] = list(row.values())
    df = (x > 0).sum(axis=0)
    x *= np.log((1 + len(texts)) / (1 + df)) + 1.0
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def kmeans(
    x: np.ndarray, k: int, *, inits: int = 10, seed: int = 0, max_iter: int = 300
) -> tuple[np.ndarray, float]:
    """Lloyd's k-means from k-means++ seeds; the best of ``inits`` runs by inertia."""
    best: tuple[np.ndarray, float] | None = None
    sq = (x**2).sum(axis=1)
    for run in range(inits):
        rng = np.random.default_rng(seed + run)
        centres = _kmeans_pp(x, sq, k, rng)
        labels = np.full(len(x), -1)
        for _ in range(max_iter):
            d = sq[:, None] - 2 * x @ centres.T + (centres**2).sum(axis=1)[None, :]
            new = d.argmin(axis=1)
            if (new == labels).all():
                break
            labels = new
            for c in range(k):
                members = x[labels == c]
                if len(members):
                    centres[c] = members.mean(axis=0)
                else:  # an emptied cluster restarts at the point farthest from its centre
                    centres[c] = x[d[np.arange(len(x)), labels].argmax()]
        d = sq[:, None] - 2 * x @ centres.T + (centres**2).sum(axis=1)[None, :]
        inertia = float(np.maximum(d[np.arange(len(x)), labels], 0).sum())
        if best is None or inertia < best[1]:
            best = (labels.copy(), inertia)
    assert best is not None
    return best


def _kmeans_pp(x: np.ndarray, sq: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding (Arthur & Vassilvitskii 2007): each next centre drawn with
    probability proportional to its squared distance from the nearest centre so far."""
    centres = [x[rng.integers(len(x))]]
    closest = np.maximum(sq - 2 * x @ centres[0] + centres[0] @ centres[0], 0)
    for _ in range(1, k):
        total = closest.sum()
        i = rng.choice(len(x), p=closest / total) if total > 0 else rng.integers(len(x))
        centres.append(x[i])
        closest = np.minimum(closest, np.maximum(sq - 2 * x @ x[i] + x[i] @ x[i], 0))
    return np.array(centres, dtype=np.float64)


def baseline_labels(docs: Sequence[dict[str, Any]], k: int) -> list[int]:
    labels, _ = kmeans(tfidf([d["text"] for d in docs]), k)
    return labels.tolist()


# --- tuning and scoring -----------------------------------------------------------------

#: Thresholds of the grid search (0.10 to 0.45); tuning smooths over neighbours (below).
THRESHOLDS = tuple(round(0.1 + 0.025 * i, 3) for i in range(15))
#: Weight settings tried per variant; each is tried at every threshold.
VARIANTS: dict[str, list[dict[str, float]]] = {
    "terms": [{"w_terms": 1.0, "w_entities": 0.0, "w_vector": 0.0}],
    "terms + entities": [
        {"w_terms": round(1 - we, 2), "w_entities": we, "w_vector": 0.0} for we in (0.2, 0.3, 0.4)
    ],
    "terms + entities + MiniLM": [
        {"w_terms": round(1 - we - wv, 2), "w_entities": we, "w_vector": wv}
        for wv in (0.1, 0.2, 0.3)
        for we in (0.2, 0.3, 0.4)
    ],
}
FULL = "terms + entities + MiniLM"
#: ``merge_ratio`` of the opt-in cohesion check's row (chosen on train: smoothed B-cubed
#: F1 0.921 against 0.905 at the defaults, ratios 0.85-0.95 and priors 4-8 pairs tried).
COHESION_RATIO = 0.9
#: ``rejoin_size`` of the row for tight, undated events (with the cohesion check; chosen
#: on train: 0.927 at 7 and 8, 0.918-0.925 at 5-6, over rejoin thresholds 0.225-0.275).
REJOIN_SIZE = 7
#: Threshold offsets of the sensitivity table.
OFFSETS = (-0.1, -0.05, 0.0, 0.05, 0.1)


def default_params() -> Any:
    """The packaged defaults, as ``rashomon stories`` reads them (defaults.toml)."""
    from rashomon.config import load_config
    from rashomon.stories.cluster import Params

    return Params.from_config(load_config()["stories"])


def _weights(params: Any) -> dict[str, float]:
    return {k: getattr(params, k) for k in ("threshold", "w_terms", "w_entities", "w_vector")}


def tune(split: Split, weights: list[dict[str, float]], base: Any) -> dict[str, Any]:
    """The best weights and threshold on ``split`` by B-cubed F1, smoothed over thresholds.

    A setting scores the mean F1 at its threshold and the grid neighbours on each side
    (plus or minus 0.025), so a lone spike, where one sibling event happens to split, loses
    to a broad plateau; ties go to the higher (more conservative) threshold.
    """
    grid = []
    for w in weights:
        row = [b3_f1(split, dataclasses.replace(base, threshold=t, **w)) for t in THRESHOLDS]
        for k, t in enumerate(THRESHOLDS):
            near = row[max(k - 1, 0) : k + 2]
            grid.append({**w, "threshold": t, "f1": row[k], "smoothed": sum(near) / len(near)})
    best = max(grid, key=lambda g: (round(g["smoothed"], 4), g["threshold"]))
    params = dataclasses.replace(
        base, **{k: best[k] for k in ("threshold", "w_terms", "w_entities", "w_vector")}
    )
    return {"params": params, "best": best, "grid": grid}


def b3_f1(split: Split, params: Any) -> float:
    from .cluster_metrics import b_cubed

    return round(b_cubed(split.gold, rashomon_labels(split.features, params)).f1, 4)


def errors(split: Split, labels: Sequence[int]) -> dict[str, Any]:
    """Which gold stories were merged with another, and which were split, and how."""
    by_cluster: dict[int, Counter] = defaultdict(Counter)
    for g, k in zip(split.gold, labels, strict=True):
        by_cluster[k][g] += 1
    merged = [dict(c.most_common()) for c in by_cluster.values() if len(c) > 1]
    parts: dict[str, list[int]] = defaultdict(list)
    for c in by_cluster.values():
        for g, n in c.items():
            parts[g].append(n)
    split_ = {g: sorted(v, reverse=True) for g, v in sorted(parts.items()) if len(v) > 1}
    singletons = sum(1 for c in by_cluster.values() if sum(c.values()) == 1)
    return {"merged": merged, "split": split_, "singleton_clusters": singletons}


def evaluate(split: Split, params: Any) -> dict[str, Any]:
    started = time.perf_counter()
    labels = rashomon_labels(split.features, params)
    return {
        **scores(split.gold, labels),
        "params": _weights(params),
        "seconds": round(time.perf_counter() - started, 2),
    }


def sensitivity(split: Split, params: Any) -> dict[str, float]:
    out = {}
    for d in OFFSETS:
        t = round(params.threshold + d, 3)
        if t > 0:
            out[f"{d:+.2f}"] = b3_f1(split, dataclasses.replace(params, threshold=t))
    return out


# --- the run -------------------------------------------------------------------------------


def _stories_code_sha() -> str:
    """A hash of the clustering code: others change it concurrently, so the commit alone
    does not say which code a figure came from."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((REPO / "src" / "rashomon" / "stories").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def run(
    grid: bool = True, title: str = "structure", out: str | None = "bench/results"
) -> dict[str, Any]:
    """The whole benchmark; returns (and writes, unless ``out`` is None) the figures."""
    from rashomon import embed
    from rashomon.annotate import Annotator
    from rashomon.config import load_config

    from .ingest_bench import git_info, machine

    started = time.perf_counter()
    embeddings = embed.available()
    annotator = Annotator(
        load_config().with_overrides({"annotate": {"components": ["sentences", "entities"]}})
    )
    splits = {"dev": prepare("dev", title=title, annotator=annotator, embeddings=embeddings)}
    if grid:
        splits["train"] = prepare("train", title=title, annotator=annotator, embeddings=embeddings)
    default = default_params()
    variants = {k: v for k, v in VARIANTS.items() if embeddings or k != FULL}
    result: dict[str, Any] = {
        "date": date.today().isoformat(),
        "git": {**git_info(), "stories_code_sha256": _stories_code_sha()},
        "machine": machine(),
        "title_mode": title,
        "embeddings": embeddings,
        "data": {
            name: {
                "docs": len(s.docs),
                "stories": len(set(s.gold)),
                "topics": len({d["topic"] for d in s.docs}),
                "seconds": {k: round(v, 1) for k, v in s.seconds.items()},
            }
            for name, s in splits.items()
        },
        "default_params": _weights(default),
        "systems": {},
    }
    for name, s in splits.items():
        k = len(set(s.gold))
        t0 = time.perf_counter()
        labels = baseline_labels(s.docs, k)
        result["systems"].setdefault("tf-idf + k-means (gold k)", {})[name] = {
            **scores(s.gold, labels),
            "seconds": round(time.perf_counter() - t0, 2),
        }
    dev = splits["dev"]
    if embeddings:
        result["systems"]["rashomon, packaged defaults"] = {
            name: evaluate(s, default) for name, s in splits.items()
        }
        # The opt-in cohesion check of average link (``merge_ratio``), at the value chosen
        # on train; off in the defaults because it splits the generated corpus's looser
        # stories (BENCHMARKS.md, "Stories (ECB+)").
        checked = dataclasses.replace(default, merge_ratio=COHESION_RATIO)
        result["systems"][f"rashomon, defaults + merge_ratio {COHESION_RATIO}"] = {
            name: evaluate(s, checked) for name, s in splits.items()
        }
        # ... and with the opt-in third stage that rejoins parts of up to REJOIN_SIZE
        # articles: the setting for corpora of tight, undated events.
        tight = dataclasses.replace(checked, rejoin_size=REJOIN_SIZE)
        result["systems"][
            f"rashomon, defaults + merge_ratio {COHESION_RATIO} + rejoin_size {REJOIN_SIZE}"
        ] = {name: evaluate(s, tight) for name, s in splits.items()}
    else:
        result["note"] = "MiniLM is not installed: the MiniLM variant was not run"
    if grid:
        train = splits["train"]
        result["tuning"] = {}
        for variant, weights in variants.items():
            t0 = time.perf_counter()
            tuned = tune(train, weights, default)
            result["tuning"][variant] = {
                "best": tuned["best"],
                "grid": tuned["grid"],
                "seconds": round(time.perf_counter() - t0, 1),
            }
            result["systems"][f"rashomon: {variant}, tuned on train"] = {
                "train": evaluate(train, tuned["params"]),
                "dev": evaluate(dev, tuned["params"]),
            }
        if embeddings:
            tuned = result["tuning"][FULL]["best"]
            tuned_params = dataclasses.replace(
                default, **{k: tuned[k] for k in ("threshold", "w_terms", "w_entities", "w_vector")}
            )
            result["sensitivity"] = {
                "default": {n: sensitivity(s, default) for n, s in splits.items()},
                "tuned": {n: sensitivity(s, tuned_params) for n, s in splits.items()},
            }
    if grid and embeddings:
        # The defaults scored as the tuning scores a setting, to compare like with like.
        near = [round(default.threshold + d, 3) for d in (-0.025, 0.0, 0.025)]
        row = [b3_f1(splits["train"], dataclasses.replace(default, threshold=t)) for t in near]
        result["default_train_smoothed"] = round(sum(row) / len(row), 4)
    if embeddings:
        result["dev_errors"] = errors(dev, rashomon_labels(dev.features, default))
    result["seconds"] = round(time.perf_counter() - started, 1)
    if out:
        path = REPO / out / f"stories-{result['date']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), "utf-8")
        result["written"] = str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return result


def _p(params: dict[str, float]) -> str:
    return (
        f"t {params['threshold']:.3g}, terms {params['w_terms']:.2g}, "
        f"entities {params['w_entities']:.2g}, MiniLM {params['w_vector']:.2g}"
    )


def markdown(result: dict[str, Any]) -> str:
    lines = []
    data = result["data"]
    lines.append(
        "ECB+ "
        + "; ".join(
            f"{n}: {d['docs']} documents, {d['topics']} topics, {d['stories']} stories"
            for n, d in data.items()
        )
        + f". Titles: {result['title_mode']}. Undated (day=None)."
    )
    lines.append("")
    header = [
        "system",
        "split",
        "params",
        "clusters",
        "B3 P",
        "B3 R",
        "**B3 F1**",
        "ARI",
        "V-measure",
    ]
    lines += ["| " + " | ".join(header) + " |", "|---|---|---|" + "---:|" * 6]
    for system, by_split in result["systems"].items():
        for split in ("dev", "train"):
            r = by_split.get(split)
            if r is None:
                continue
            params = _p(r["params"]) if "params" in r else "k = gold"
            lines.append(
                f"| {system} | {split} | {params} | {r['clusters']} | {r['b3_precision']:.3f} | "
                f"{r['b3_recall']:.3f} | **{r['b3_f1']:.3f}** | {r['ari']:.3f} | "
                f"{r['v_measure']:.3f} |"
            )
    if "sensitivity" in result:
        lines += ["", "B-cubed F1 with the threshold moved (other parameters fixed):", ""]
        offsets = [f"{d:+.2f}" for d in OFFSETS]
        lines += ["| params | split | " + " | ".join(offsets) + " |"]
        lines += ["|---|---|" + "---:|" * len(offsets)]
        for which, by_split in result["sensitivity"].items():
            for split, row in by_split.items():
                cells = [f"{row[o]:.3f}" if o in row else "" for o in offsets]
                lines.append(f"| {which} | {split} | " + " | ".join(cells) + " |")
    if "tuning" in result:
        lines += ["", "Tuned on train (smoothed B-cubed F1 = mean over threshold +-0.025):"]
        if "default_train_smoothed" in result:
            lines.append(
                f"- packaged defaults: {_p(result['default_params'])} "
                f"(train smoothed {result['default_train_smoothed']:.3f})"
            )
        for variant, t in result["tuning"].items():
            b = t["best"]
            lines.append(
                f"- {variant}: {_p(b)} (train F1 {b['f1']:.3f}, smoothed {b['smoothed']:.3f})"
            )
    if "dev_errors" in result:
        e = result["dev_errors"]
        lines += ["", "Dev errors at the packaged defaults:"]
        lines.append("- merged: " + ("; ".join(str(m) for m in e["merged"]) or "none"))
        lines.append(
            "- split (sizes of the parts): "
            + ("; ".join(f"{g} {v}" for g, v in e["split"].items()) or "none")
        )
        lines.append(f"- singleton clusters: {e['singleton_clusters']}")
    if "note" in result:
        lines += ["", result["note"]]
    seconds = ", ".join(
        f"{n} " + " ".join(f"{k} {v}s" for k, v in d["seconds"].items()) for n, d in data.items()
    )
    lines += ["", f"Preparation: {seconds}. Total {result['seconds']}s."]
    if "written" in result:
        lines.append(f"Written to {result['written']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench stories",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--grid",
        choices=["small", "none"],
        default="small",
        help="tune on the train topics (small grid) or score dev at the defaults only",
    )
    ap.add_argument("--title", choices=TITLE_MODES, default="structure")
    ap.add_argument("--out", default="bench/results", help="directory for the JSON ('' for none)")
    a = ap.parse_args(argv)
    if not (DATA / "ecbplus" / "docs.jsonl").is_file():
        print(f"ECB+ not found at {DATA / 'ecbplus'}", file=sys.stderr)
        return 2
    print(markdown(run(a.grid == "small", a.title, a.out or None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
