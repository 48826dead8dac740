"""Articles to stories: candidate pairs by sparse products in time windows, then
average-link clustering inside each connected block, with no number of clusters given.

The similarity of two articles is

    time(i, j) * (w_terms * cos(terms) + w_entities * cos(entities) + w_vector * cos(MiniLM))

divided by the sum of the weights of the parts both articles have, with every weight
and IDF applied inside one sparse matrix, so ``X @ X.T`` over a time
window yields the first two terms for exactly the pairs that share a key. ``time`` is 1
within a day and falls linearly to 0 at ``window_days``; undated articles are compared
with everything at full weight.

Two articles can end up in one story only through a chain of pairs scoring at least
``threshold`` (average link never merges clusters whose best pair is below it), so the
connected components of that graph ("blocks") are clustered independently and exactly.
Inside a block, average link merges clusters while their mean similarity reaches
``threshold`` (optionally not two clusters whose mean similarity is well under the
cohesion of each: ``merge_ratio``, for two events of one kind); then a second stage
attaches each small story (at most ``attach_size`` articles) to the larger story of the
same block it is closest to on average, when that mean reaches the lower
``attach_threshold`` (:func:`attach_small`). The stage stays
inside the block: a block connected at the lower threshold would chain (at 100,000
generated articles, one block of 27,000 at 0.2, against at most 519 at 0.3).
That makes the result a function of the article set, whatever the input order, and
lets an incremental run re-cluster only the blocks that new articles touch.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .features import ArticleFeatures


@dataclass(frozen=True, slots=True)
class Params:
    threshold: float = 0.3
    window_days: float = 7.0
    w_terms: float = 0.45
    w_entities: float = 0.35
    w_vector: float = 0.2
    #: Terms kept per article (highest TF-IDF first); entities are all kept.
    max_terms: int = 40
    #: Keys in more than this share of the articles (in corpora of 1,000 articles or
    #: more) are dropped: they join everything and separate nothing. A small corpus may
    #: be mostly one story, whose own words and names must not be dropped.
    max_df: float = 0.3
    #: Rows per sparse product.
    chunk: int = 2048
    #: Blocks larger than this are split by raising their threshold (chaining guard).
    max_block: int = 5000
    #: Second stage: a first-pass story of at most ``attach_size`` articles joins the
    #: larger story of its block to which its mean similarity is highest, when that
    #: mean reaches ``attach_threshold``; ``attach_size = 0`` turns the stage off.
    attach_size: int = 3
    attach_threshold: float = 0.2
    #: Third stage (off by default): after it, a story of more than ``attach_size`` and
    #: at most ``rejoin_size`` articles joins the story of its block, larger than itself,
    #: to which its mean similarity is highest, when that mean reaches
    #: ``rejoin_threshold``: the parts of four to seven articles that average link leaves
    #: beside their event, too large for the attach stage (see :func:`rejoin_parts`).
    #: With ``merge_ratio = 0.9`` it makes the setting for corpora of tight, undated
    #: events (ECB+ dev B-cubed F1 0.949 to 0.979, train 0.919 to 0.927); alone it costs
    #: ECB+ train a merge (0.913 to 0.908).
    rejoin_size: int = 0
    rejoin_threshold: float = 0.25
    #: Average link keeps two clusters apart when their mean similarity is below
    #: ``merge_ratio`` times the cohesion of the less cohesive of them (among those of at
    #: least ``cohesive_size`` articles), the cohesion counting ``cohesion_prior`` more
    #: pairs at the threshold (see :func:`average_link`). Off (0) by default: at 0.9 it
    #: separates more pairs of same-kind events on ECB+ (train B-cubed F1 0.913 to 0.922,
    #: dev 0.927 to 0.949) but splits the generated corpus's looser stories (0.930 to
    #: 0.888 dated, 0.992 to 0.930 undated); see BENCHMARKS.md, "Stories (ECB+)".
    merge_ratio: float = 0.0
    cohesive_size: int = 3
    cohesion_prior: float = 6.0

    @classmethod
    def from_config(cls, section: dict) -> Params:
        fields = {k: section[k] for k in cls.__dataclass_fields__ if k in section}
        return cls(**fields)


class FeatureTable:
    """Every article's features as one weighted, row-normalised sparse matrix."""

    def __init__(self, features: Sequence[ArticleFeatures], params: Params) -> None:
        self.params = params
        n = len(features)
        # Deterministic row order: by day (undated last), then id.
        order = sorted(
            range(n),
            key=lambda i: (features[i].day is None, features[i].day or 0.0, features[i].id),
        )
        self.features = [features[i] for i in order]
        self.ids = [f.id for f in self.features]
        self.index = {a: i for i, a in enumerate(self.ids)}
        self.days = np.array(
            [np.nan if f.day is None else f.day for f in self.features], dtype=np.float64
        )
        # Keys are numbered in order of first appearance. Compact arrays filled by C-level
        # loops, not lists of Python objects: at a million articles the lists alone took
        # about 2.5 GiB and most of the build time.
        vocab = _Numbering()
        indices = array("i")
        data = array("f")
        for f in self.features:
            indices.extend(map(vocab.__getitem__, f.keys))
            data.extend(f.keys.values())
        self.vocab = dict(vocab)
        del vocab
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(f.keys) for f in self.features), np.int64, n), out=indptr[1:])
        is_entity = np.fromiter((k.startswith("e:") for k in self.vocab), bool, len(self.vocab))
        x = sparse.csr_matrix(
            (np.frombuffer(data, dtype=np.float32), np.frombuffer(indices, dtype=np.int32), indptr),
            shape=(n, len(self.vocab)),
        )
        self.matrix = _weigh(x, is_entity, params)
        del x, data, indices
        # Which rows have any (weighted) entity: the similarity of two articles is
        # normalised over the parts both of them have.
        m = self.matrix
        rows_of = np.repeat(np.arange(n), np.diff(m.indptr))
        self.has_entities = np.zeros(n, dtype=bool)
        self.has_entities[rows_of[is_entity[m.indices] & (m.data > 0)]] = True
        dims = {f.vector.shape[0] for f in self.features if f.vector is not None}
        self.vectors: np.ndarray | None = None
        self.has_vector = np.zeros(n, dtype=bool)
        if dims and params.w_vector > 0:
            (dim,) = dims
            self.vectors = np.zeros((n, dim), dtype=np.float32)
            for i, f in enumerate(self.features):
                if f.vector is not None:
                    self.vectors[i] = f.vector
                    self.has_vector[i] = True

    def __len__(self) -> int:
        return len(self.ids)


class _Numbering(dict):
    """key -> its number, a new key taking the next one on first lookup."""

    def __missing__(self, key: str) -> int:
        j = self[key] = len(self)
        return j


#: Rows weighed at a time: bounds the temporaries of the per-row ranking.
_WEIGH_ROWS = 4096
#: Nonzeros counted at a time for the document frequencies.
_DF_SLICE = 1 << 22


def _weigh(x: sparse.csr_matrix, is_entity: np.ndarray, p: Params) -> sparse.csr_matrix:
    """IDF, the top ``max_terms`` terms of each row, per-part norms; ``x`` is consumed."""
    n = x.shape[0]
    # Counted in slices: np.bincount copies int32 indices to int64 first, which at a
    # million articles was a 1.3 GB temporary and the peak of the whole build.
    df = np.zeros(x.shape[1], dtype=np.int64)
    for start in range(0, len(x.indices), _DF_SLICE):
        df += np.bincount(x.indices[start : start + _DF_SLICE], minlength=x.shape[1])
    df = df.astype(np.float32)
    idf = np.log((n + 1) / (df + 1)).astype(np.float32) + 1.0
    if n >= 1000:
        idf[df > p.max_df * n] = 0.0
    for start in range(0, n, _WEIGH_ROWS):
        stop = min(start + _WEIGH_ROWS, n)
        a, b = int(x.indptr[start]), int(x.indptr[stop])
        data, indices = x.data[a:b], x.indices[a:b]
        data *= idf[indices]
        _weigh_rows(data, indices, np.diff(x.indptr[start : stop + 1]), is_entity, p)
    x.eliminate_zeros()
    return x


def _weigh_rows(
    data: np.ndarray, indices: np.ndarray, counts: np.ndarray, is_entity: np.ndarray, p: Params
) -> None:
    """Keep the strongest terms of each row (entities are few and all kept), then
    normalise terms and entities separately and weight each part; in place."""
    n = len(counts)
    rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    ent = is_entity[indices]
    keep = data > 0
    term_pos = np.flatnonzero(~ent & keep)
    if term_pos.size:
        # Rank terms within their row by weight (descending), ties by column: one stable
        # sort by column, then one by (row, weight). The bits of a positive float32 order
        # as its value, so (row, inverted bits) is one integer key. (np.lexsort on the
        # three keys did the same ten times slower.)
        r = rows[term_pos].astype(np.uint64) << np.uint64(32)
        by_col = np.argsort(indices[term_pos], kind="stable")
        inverted = ~data[term_pos].view(np.uint32)
        order = by_col[np.argsort((r | inverted.astype(np.uint64))[by_col], kind="stable")]
        ranked = term_pos[order]
        r = rows[ranked]
        starts = np.searchsorted(r, r, side="left")
        rank = np.arange(ranked.size) - starts
        keep[ranked[rank >= p.max_terms]] = False
    data[~keep] = 0.0
    for part, weight in ((~ent, p.w_terms), (ent, p.w_entities)):
        sq = np.bincount(rows[part], weights=data[part].astype(np.float64) ** 2, minlength=n)
        norm = np.sqrt(sq)
        scale = np.where(norm > 0, np.sqrt(weight) / np.maximum(norm, 1e-12), 0.0)
        data[part] *= scale[rows[part]].astype(np.float32)


def _time_factor(d1: np.ndarray, d2: np.ndarray, window: float) -> np.ndarray:
    gap = np.abs(d1 - d2)
    factor = np.clip(1.0 - (gap - 1.0) / max(window - 1.0, 1e-9), 0.0, 1.0)
    return np.where(np.isnan(gap), 1.0, factor)


def pair_scores(table: FeatureTable, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Similarity of the given pairs of row indices."""
    x = table.matrix
    base = np.asarray(x[rows].multiply(x[cols]).sum(axis=1)).ravel()
    return _finish(table, rows, cols, base)


def _finish(
    table: FeatureTable, rows: np.ndarray, cols: np.ndarray, base: np.ndarray, timed: bool = True
):
    p = table.params
    score = base.astype(np.float64)
    weight = p.w_terms + p.w_entities * (table.has_entities[rows] & table.has_entities[cols])
    if table.vectors is not None:
        both = table.has_vector[rows] & table.has_vector[cols]
        cos = _pair_cosines(table.vectors, rows, cols)
        score = score + np.where(both, p.w_vector * cos, 0.0)
        weight = weight + p.w_vector * both
    score = score / np.maximum(weight, 1e-9)
    if not timed:
        return score
    return score * _time_factor(table.days[rows], table.days[cols], p.window_days)


def _pair_cosines(
    vectors: np.ndarray, rows: np.ndarray, cols: np.ndarray, chunk: int = 1 << 16
) -> np.ndarray:
    """Cosines of the pairs (rows[k], cols[k]) of unit vectors, a chunk of pairs at a time:
    gathering both sides of every pair at once held pairs x 384 floats twice (3 GB for
    a block of 1,000 articles, whose every pair is scored). Each value is the same."""
    out = np.empty(len(rows), dtype=vectors.dtype)
    for s in range(0, len(rows), chunk):
        out[s : s + chunk] = np.einsum(
            "ij,ij->i", vectors[rows[s : s + chunk]], vectors[cols[s : s + chunk]]
        )
    return out


def _base_floor(table: FeatureTable) -> np.float32:
    """A lexical product below this cannot reach the threshold, whatever :func:`_finish`
    makes of it (the time factor is at most 1, a MiniLM cosine at most 1, the weight at
    least that of terms alone); a little lower still, for rounding."""
    p = table.params
    lexical = min(p.w_terms, p.w_terms + p.w_entities)
    floor = p.threshold * max(lexical, 1e-9)
    if table.vectors is not None:
        both = p.threshold * max(lexical + p.w_vector, 1e-9) - 1.01 * abs(p.w_vector)
        floor = min(floor, both)
    return np.float32(max(floor, 0.0) * (1.0 - 1e-4) - 1e-6)


def _scored_from(table: FeatureTable, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Scores of the pairs (a[k], b[k]) exactly as a chunk holding rows ``a`` scores them."""
    x = table.matrix
    base = np.empty(len(a), dtype=x.dtype)
    for s in range(0, len(a), 256):
        base[s : s + 256] = (x[a[s : s + 256]] @ x[b[s : s + 256]].T).diagonal()
    return _finish(table, a, b, base)


def candidate_edges(
    table: FeatureTable, rows: np.ndarray | None = None, within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) scoring at least the threshold, among ``rows`` x ``within``.

    ``rows`` defaults to every row and ``within`` (a boolean mask over rows) to
    everything. Work is done in chunks of rows against the rows inside the time window
    of the chunk, so the cost grows with the corpus times the window's density.
    """
    p = table.params
    threshold = p.threshold
    n = len(table)
    rows = np.arange(n) if rows is None else np.asarray(sorted(set(rows.tolist())), dtype=np.int64)
    x = table.matrix
    days = table.days
    dated = ~np.isnan(days)
    dated_days = days[dated]
    undated = np.flatnonzero(~dated)
    if within is not None:
        undated = undated[within[undated]]
    # A pair of two rows of ``rows`` is scored once, from the chunk of its first row (the
    # score it kept when both ends were scored): later chunks skip earlier rows.
    in_rows = np.zeros(n, dtype=bool)
    in_rows[rows] = True
    floor = _base_floor(table)
    compact = np.int32 if n < 2**31 else np.int64
    in_order, last_key = True, -1
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    out_s: list[np.ndarray] = []
    for start in range(0, len(rows), p.chunk):
        chunk = rows[start : start + p.chunk]
        chunk_days = days[chunk]
        if np.isnan(chunk_days).all():
            cols = np.arange(n)
        else:
            lo = np.nanmin(chunk_days) - p.window_days
            hi = np.nanmax(chunk_days) + p.window_days
            a = np.searchsorted(dated_days, lo, side="left")
            b = np.searchsorted(dated_days, hi, side="right")
            cols = np.arange(a, b)  # dated rows come first, sorted by day
            if np.isnan(chunk_days).any():
                cols = np.arange(n)
            else:
                cols = np.concatenate([cols, undated])
        cols = cols[~in_rows[cols] | (cols >= chunk[0])]
        if within is not None:
            cols = cols[within[cols]]
        if cols.size == 0:
            continue
        product = (x[chunk] @ x[cols].T).tocoo()
        i = chunk[product.row]
        j = cols[product.col]
        # Most products are a shared common word or a famous name: far below any score
        # that could reach the threshold, they are dropped before the full score.
        keep = (i != j) & (product.data >= floor)
        i, j, base = i[keep], j[keep], product.data[keep]
        score = _finish(table, i, j, base)
        keep = score >= threshold
        # A pair whose other end comes in a later chunk is scored from this end only, but
        # the two ends sum the shared keys in different orders (a float32 rounding apart):
        # a near miss is scored from the other end too, and kept if that reaches the
        # threshold, as when every pair was scored from both ends.
        near = ~keep & (score >= threshold * (1 - 1e-5)) & in_rows[j] & (j > chunk[-1])
        if within is not None:
            near &= within[i]
        if near.any():
            near = np.flatnonzero(near)
            other = _scored_from(table, j[near], i[near])
            ok = other >= threshold
            score[near[ok]] = other[ok]
            keep[near[ok]] = True
        i, j, score = i[keep], j[keep], score[keep]
        lo_, hi_ = np.minimum(i, j), np.maximum(i, j)
        # A pair with both ends in this chunk is found from both: keep the first found.
        # (No pair is found in two chunks, so this is the first found overall.)
        key, first = np.unique(lo_ * n + hi_, return_index=True)
        if key.size:
            in_order &= bool(key[0] > last_key)
            last_key = int(key[-1])
        out_i.append(lo_[first].astype(compact))
        out_j.append(hi_[first].astype(compact))
        out_s.append(score[first])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    # One array at a time, each chunk's part freed as soon as it is copied: the edges of
    # a million articles take 0.7 GB, and their copies used to be alive all at once.
    i = _concatenate(out_i, np.int64)
    j = _concatenate(out_j, np.int64)
    s = _concatenate(out_s, np.float64)
    if not in_order:  # sorted by (i, j), as callers have always had them
        order = np.argsort(i * n + j, kind="stable")
        i, j, s = i[order], j[order], s[order]
    return i, j, s


def _concatenate(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    out = np.empty(sum(len(p) for p in parts), dtype=dtype)
    start = 0
    while parts:
        part = parts.pop(0)
        out[start : start + len(part)] = part
        start += len(part)
    return out


def blocks(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Component label of each row in the graph of edges (i, j)."""
    graph = sparse.coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def average_link(
    sim: np.ndarray,
    threshold: float,
    ratio: float = 0.0,
    cohesive: int = 3,
    prior: float = 6.0,
    content: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster labels (0..k-1) of a dense similarity matrix by average linkage.

    Merges the most similar pair of clusters while their average similarity is at least
    ``threshold``; ties go to the lowest indices, so the result depends only on the
    matrix (whose row order is the deterministic day-then-id order).

    With ``ratio > 0``, a pair is also kept apart when its average similarity is below
    ``ratio`` times the cohesion of the less cohesive of the two clusters that have at
    least ``cohesive`` members: two events of one kind (two arrests of two players of one
    team) each make a tight cluster whose mutual similarity still reaches a threshold that
    must stay low enough to gather an event's looser articles. The cohesion is the mean
    similarity of the pairs inside, counted with ``prior`` more pairs at the threshold:
    three near-copies are not yet evidence of a tight event, and without the prior they
    kept the rest of their own event away (on ECB+ dev topics 23 and 35 alone). A blocked
    pair is judged again once either cluster grows. ``content`` (the similarities without
    the time factor, if they differ) is what the check compares, when given.
    """
    n = sim.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    s = sim.astype(np.float64, copy=True)
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    label = np.arange(n)
    # Mean content similarity between clusters and the sum of it over the pairs inside
    # each cluster, for the cohesion check.
    c = s if content is None else content.astype(np.float64, copy=True)
    inner = np.zeros(n)
    # Pairs kept apart by the ratio, with their mean similarity (their cells hold -inf).
    blocked: dict[tuple[int, int], float] = {}
    best = s.argmax(axis=1)
    best_val = s[np.arange(n), best]
    while True:
        a = int(np.argmax(np.where(alive, best_val, -np.inf)))
        if not alive[a] or best_val[a] < threshold:
            break
        b = int(best[a])
        a, b = min(a, b), max(a, b)
        mean = float(c[a, b]) if content is not None else float(s[a, b])
        if ratio > 0:
            cohesion = [
                (inner[x] + prior * threshold) / (size[x] * (size[x] - 1) / 2 + prior)
                for x in (a, b)
                if size[x] >= cohesive
            ]
            if cohesion and mean < ratio * min(cohesion):
                blocked[(a, b)] = float(s[a, b])
                s[a, b] = s[b, a] = -np.inf
                for x in (a, b):
                    best[x] = s[x].argmax()
                    best_val[x] = s[x, best[x]]
                continue
            # The merged cluster is judged afresh against those a or b was kept from.
            for key in [k for k in blocked if a in k or b in k]:
                x, y = key
                s[x, y] = s[y, x] = blocked.pop(key)
        if content is not None:
            c[a] = c[:, a] = (size[a] * c[a] + size[b] * c[b]) / (size[a] + size[b])
        merged = (size[a] * s[a] + size[b] * s[b]) / (size[a] + size[b])
        merged[a] = -np.inf
        merged[b] = -np.inf
        merged[~alive] = -np.inf
        s[a], s[:, a] = merged, merged
        s[b], s[:, b] = -np.inf, -np.inf
        inner[a] += inner[b] + size[a] * size[b] * mean
        size[a] += size[b]
        alive[b] = False
        label[label == b] = a
        best_val[b] = -np.inf
        # Rows whose best partner was a or b, and a itself, look again.
        stale = np.flatnonzero(alive & ((best == a) | (best == b)))
        stale = np.union1d(stale, [a])
        best[stale] = s[stale].argmax(axis=1)
        best_val[stale] = s[stale, best[stale]]
        # Others may now prefer the merged cluster.
        better = alive & (merged > best_val)
        better[a] = False
        best[better] = a
        best_val[better] = merged[better]
    _, labels = np.unique(label, return_inverse=True)
    return labels


def dense_scores(table: FeatureTable, members: np.ndarray, timed: bool = True) -> np.ndarray:
    """All pairwise similarities among ``members`` (a block); without the time factor
    when ``timed`` is false."""
    x = table.matrix[members]
    # Over the block's own columns: the product would otherwise transpose through the
    # whole vocabulary on every call (1.5 million keys at a million articles). The sums
    # are the same, in the same order.
    used, local = np.unique(x.indices, return_inverse=True)
    x = sparse.csr_matrix(
        (x.data, local.astype(x.indices.dtype), x.indptr), shape=(len(members), len(used))
    )
    base = (x @ x.T).toarray().astype(np.float64)
    m = len(members)
    ii, jj = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
    rows, cols = members[ii.ravel()], members[jj.ravel()]
    return _finish(table, rows, cols, base.ravel(), timed).reshape(m, m)


def cluster_rows(
    table: FeatureTable,
    members: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    map_fn: Callable[..., Iterable[list[np.ndarray]]] | None = None,
) -> list[tuple[np.ndarray, int]]:
    """Stories among ``members`` given their edges: (row indices, first row of the block).

    Blocks are independent: ``map_fn(fn, blocks, table)`` (an engine's ``map``) may
    cluster them elsewhere, in order; blocks of one article are settled here.
    """
    p = table.params
    i, j, s = edges
    labels = blocks(len(members), _local(members, i), _local(members, j))
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    groups = [members[np.sort(group)] for group in np.split(order, bounds)]
    big = [g for g in groups if len(g) > 1]
    if map_fn is None or not big:
        done = iter([_cluster_block(table, g, p.threshold) for g in big])
    else:
        done = iter(map_fn(cluster_block, big, table))
    stories: list[tuple[np.ndarray, int]] = []
    for rows_ in groups:
        parts = [rows_] if len(rows_) == 1 else next(done)
        stories += [(r, int(rows_[0])) for r in parts]
    return stories


def cluster_block(rows: np.ndarray, table: FeatureTable) -> list[np.ndarray]:
    """The stories of one block (``fn(item, options)`` form, for an engine's ``map``)."""
    return _cluster_block(table, rows, table.params.threshold)


def _local(members: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Position of each of ``rows`` in ``members``; KeyError for a row not there."""
    m = len(members)
    if m and members[0] == 0 and members[-1] == m - 1 and np.all(np.diff(members) == 1):
        if len(rows) and (rows.min() < 0 or rows.max() >= m):
            raise KeyError(int(rows[(rows < 0) | (rows >= m)][0]))
        return rows.astype(np.int64, copy=False)  # every row: its own position
    order = np.argsort(members, kind="stable")
    pos = np.minimum(np.searchsorted(members, rows, sorter=order), max(len(members) - 1, 0))
    local = order[pos] if len(members) else pos
    missing = members[local] != rows if len(members) else np.ones(len(rows), dtype=bool)
    if missing.any():
        raise KeyError(int(np.asarray(rows)[missing][0]))
    return local.astype(np.int64)


def _cluster_block(table: FeatureTable, rows: np.ndarray, threshold: float) -> list[np.ndarray]:
    if len(rows) == 1:
        return [rows]
    if len(rows) > table.params.max_block:
        # Chaining made a huge block: split it by a stricter threshold first.
        stricter = threshold + 0.05
        i, j, s = candidate_edges(table, rows, within=np.isin(np.arange(len(table)), rows))
        keep = s >= stricter
        labels = blocks(len(rows), _local(rows, i[keep]), _local(rows, j[keep]))
        if len(set(labels.tolist())) == 1 and stricter > 0.95:
            return [rows]
        out: list[np.ndarray] = []
        for lab in sorted(set(labels.tolist())):
            out += _cluster_block(table, rows[labels == lab], stricter)
        return out
    p = table.params
    sim = dense_scores(table, rows)
    # The cohesion check compares content, not time: the days of one story spread over a
    # week lower the similarity across them, and two events of one kind a week apart are
    # already kept apart by the time window.
    content = None
    days = table.days[rows]
    if p.merge_ratio > 0 and not np.isnan(days).all() and np.nanmax(days) - np.nanmin(days) > 1:
        content = dense_scores(table, rows, timed=False)
    labels = average_link(
        sim, p.threshold, p.merge_ratio, p.cohesive_size, p.cohesion_prior, content
    )
    if p.attach_size > 0:
        labels = attach_small(sim, labels, p.attach_size, p.attach_threshold)
    if p.rejoin_size > 0:
        labels = rejoin_parts(sim, labels, p.attach_size, p.rejoin_size, p.rejoin_threshold)
    return [rows[labels == k] for k in range(labels.max() + 1)]


def rejoin_parts(
    sim: np.ndarray, labels: np.ndarray, above: int, size: int, threshold: float
) -> np.ndarray:
    """Clusters of more than ``above`` and at most ``size`` members joined to the cluster
    larger than themselves to which their mean similarity is highest, when that mean
    reaches ``threshold``. Smaller ones were the attach stage's to judge (``above`` is its
    ``attach_size``).

    Like :func:`attach_small`, every decision is taken against the clusters as they are
    on entry (a part that joins another part joins it as it was), so the result depends
    only on the matrix; ties go to the lowest cluster label. Returns labels renumbered
    0..k-1 in order of first row.
    """
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k)
    parts = np.flatnonzero((counts > above) & (counts <= size))
    if len(parts) == 0:
        return labels
    targets = np.flatnonzero(counts > counts[parts].min())  # those that could take a part
    if len(targets) == 0:
        return labels
    larger = counts[targets][None, :] > counts[parts][:, None]
    return _join_closest(sim, labels, counts, parts, targets, threshold, larger)


def _join_closest(
    sim: np.ndarray,
    labels: np.ndarray,
    counts: np.ndarray,
    movers: np.ndarray,
    targets: np.ndarray,
    threshold: float,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Each cluster of ``movers`` joined to the cluster of ``targets`` (where ``allowed``,
    movers x targets) to which its mean similarity is highest, when that mean reaches
    ``threshold``; all decided at once, ties to the lowest label. Labels renumbered 0..k-1
    in order of first row. Memberships are sparse: no dense article x cluster matrix
    beyond the targets' columns."""
    m, k = len(labels), len(counts)
    member = sparse.csr_matrix((np.ones(m), (np.arange(m), labels)), shape=(m, k))
    to_target = np.asarray(member[:, targets].T @ sim).T / counts[targets]  # article x target
    means = np.asarray(member[:, movers].T @ to_target) / counts[movers][:, None]
    if allowed is not None:
        means[~allowed] = -np.inf
    best = means.argmax(axis=1)
    join = means[np.arange(len(movers)), best] >= threshold
    target = np.arange(k)
    target[movers[join]] = targets[best[join]]
    _, out = np.unique(target[labels], return_inverse=True)
    return out


#: Similarity at or above which two articles are copies of one text (attach_small).
COPY_SIMILARITY = 1.0 - 1e-6


def attach_small(sim: np.ndarray, labels: np.ndarray, size: int, threshold: float) -> np.ndarray:
    """Clusters of at most ``size`` members joined to the larger cluster they are closest
    to on average, when that average similarity reaches ``threshold``.

    An event's outlying articles (long background pieces, stubs) score a little under the
    threshold to each member of their story, so average link leaves them alone; their
    mean similarity to their own story is still well above that to any other. All
    attachments are decided against the first-pass clusters at once (a small cluster
    never joins another small one), so the result depends only on the matrix. Ties go to
    the lowest cluster label. Returns labels renumbered 0..k-1 in order of first row.

    Size counts distinct articles: copies (similarity 1 to another member: the same wire
    story in several outlets) are one, so four outlets printing one outlying piece word
    for word still attach like one piece would.
    """
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k)
    distinct = counts.copy()
    for c in np.flatnonzero(counts > size):
        members = np.flatnonzero(labels == c)
        same = sim[np.ix_(members, members)] >= COPY_SIMILARITY
        distinct[c] -= int(np.triu(same, k=1).any(axis=0).sum())
    large = np.flatnonzero(distinct > size)
    small = np.flatnonzero(distinct <= size)
    if len(large) == 0 or len(small) == 0:
        return labels
    return _join_closest(sim, labels, counts, small, large, threshold)


def cluster_all(table: FeatureTable) -> list[np.ndarray]:
    """Every story of the table, each an array of row indices, in row order."""
    edges = candidate_edges(table)
    stories = [rows for rows, _ in cluster_rows(table, np.arange(len(table)), edges)]
    return sorted(stories, key=lambda r: int(r[0]))


def labels_of(stories: Iterable[np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    for k, rows in enumerate(stories):
        out[rows] = k
    return out
