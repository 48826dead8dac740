"""Fact alignment: the probability that two sentences state the same fact.

The compare stage lines up the sentences of different articles about one story; this
module gives it a calibrated pairwise decision, in three layers:

1. :func:`prepare` reads a list of sentences once: MiniLM sentence vectors and word-piece
   vectors (the slow part), word stems, n-grams, capitalised names and number anchors (the
   quantities stage's reader, plus years).
2. :func:`pair_features` turns pairs of prepared sentences into the numbers named in
   :data:`FEATURES`, for all pairs at once.
3. :func:`probability` is a pure function of those numbers and an :class:`AlignModel`: a
   logistic regression over the standardised features and all products of two of them.
   ``align_model.json`` holds the coefficients; ``python -m bench align --fit`` trains them
   on MSRP and writes that file.

:class:`Aligner` wraps the three: ``score_pairs`` scores a[k] against b[k], ``score_grid``
every sentence of one article against every sentence of another, and ``threshold`` is the
yes/no cut (0.5: the model's probabilities are calibrated on MSRP, see BENCHMARKS.md).

Every feature is symmetric (the smaller and the larger of the two directions), so a
pair's probability does not depend on which sentence comes first.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from ..errors import MissingDependency

__all__ = [
    "FEATURES",
    "Aligner",
    "AlignModel",
    "Anchor",
    "Idf",
    "Prepared",
    "anchors_match",
    "anchors_of",
    "fit_logistic",
    "idf_of",
    "pair_features",
    "prepare",
    "prepared_from",
    "probability",
    "train",
]

MODEL_FILE = "align_model.json"
#: The sentence encoders the aligner's features can come from, and each one's model file
#: (fitted by ``python -m bench align --fit [--mpnet]``).
ENCODERS = {"minilm": MODEL_FILE, "mpnet": "align_model_mpnet.json"}

# --- reading one sentence -------------------------------------------------------------

_WORD = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")

#: Function words, left out of content-word overlap and TF-IDF. Number words and negations
#: are not here: numbers are anchors, and "not" changes the fact. Verbs of saying are:
#: "X said" vs "X told reporters" should not count against a pair.
STOPWORDS = frozenset(
    """a about above across after against all also although am among an and another any are
    around as at be because been before being below between both but by can could did do does
    doing down during each either else ever for from further had has have having he her here
    hers herself him himself his how however i if in into is it its itself just may me might
    mine more most mr mrs ms much must my myself of off on once only onto or other others our
    ours ourselves out over own per same shall she should since so some such than that the
    their theirs them themselves then there these they this those though through thus to too
    toward towards under until up upon us very was we were what whatever when where whereas
    whether which while who whom whose why will with within would yet you your yours
    yourself said says say saying told tells tell according added adds""".split()
)
_NEGATIONS = frozenset("not no never none nobody nothing neither nor without cannot".split())


def _stem(word: str) -> str:
    """A light suffix stripper: "shares"/"share", "killed"/"kill", "companies"/"company".
    Predictable beats clever here; irregular forms ("rose"/"rise") are left to the
    word-piece vectors."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)] + repl
    return word


@dataclass(frozen=True, slots=True)
class Anchor:
    """A number a sentence states: value, qualifier (``=``, ``~``, ``>``, ``<=`` ...), unit
    (``USD``, ``%``, ``year``, a counted noun or None) and decimals as written."""

    value: float
    qualifier: str = "="
    unit: str | None = None
    decimals: int = 0


_YEAR = re.compile(r"(?<![\d.,$])(?:1[89]\d\d|20\d\d)(?![\d%])")
_DIGITS = re.compile(r"\d+(?:\.(\d+))?")
#: Units that make two numbers incomparable when they differ. A plain count's unit is its
#: noun as written ("soldiers" vs "troops"), which says too little to keep numbers apart.
_HARD_UNITS = frozenset({"%", "USD", "EUR", "GBP", "JPY", "AUD", "CAD", "cent", "pence", "year"})
_LOWER_BOUND = (">", ">=")
_UPPER_BOUND = ("<", "<=")


def anchors_of(text: str) -> tuple[Anchor, ...]:
    """The numbers of one sentence: quantities as the quantities stage reads them, plus years,
    which that stage leaves out as dates but which tell two events apart."""
    from ..annotate.quantities import quantities_in

    out = []
    for q in quantities_in(text):
        if q.value is None or q.kind == "ordinal":
            continue
        digits = _DIGITS.search(q.text.replace(",", ""))
        decimals = len(digits.group(1) or "") if digits else 0
        out.append(Anchor(float(q.value), q.qualifier, q.unit, decimals))
    out.extend(Anchor(float(m.group()), "=", "year") for m in _YEAR.finditer(text))
    return tuple(out)


def anchors_match(a: Anchor, b: Anchor) -> bool:
    """Whether two numbers can be the same figure as two outlets report it.

    Exact figures agree up to the rounding of the less precise one (2.86 = 2.9). When either
    is approximate or a bound ("about 20", "more than 20", "nearly 20") they agree within
    10%, except that a lower and an upper bound contradict each other ("more than 20" vs
    "fewer than 20"). Currencies, percents and years must have the same unit.
    """
    if (a.unit == "year") != (b.unit == "year"):
        return False
    hard = a.unit in _HARD_UNITS or b.unit in _HARD_UNITS
    if hard and a.unit != b.unit and a.unit is not None and b.unit is not None:
        return False
    if (a.qualifier in _LOWER_BOUND and b.qualifier in _UPPER_BOUND) or (
        a.qualifier in _UPPER_BOUND and b.qualifier in _LOWER_BOUND
    ):
        return False
    x, y = a.value, b.value
    if x == y:
        return True
    if a.qualifier != "=" or b.qualifier != "=":
        return abs(x - y) <= 0.1 * max(abs(x), abs(y))
    places = min(a.decimals, b.decimals)
    return round(x, places) == round(y, places) and abs(x - y) <= 0.05 * max(abs(x), abs(y))


def _comparable(a: Anchor, b: Anchor) -> bool:
    """Two numbers that no figure of the other sentence matches, and that measure the same
    kind of thing: a conflict ("$2.5 billion" vs "$1.8 billion"), not extra detail."""
    if a.unit in _HARD_UNITS or b.unit in _HARD_UNITS:
        return a.unit == b.unit
    return True


def _anchor_counts(xs: tuple[Anchor, ...], ys: tuple[Anchor, ...]) -> tuple[int, int, int, int]:
    """Numbers both state, of x missing from y, of y missing from x, and conflicts."""
    if not xs or not ys:
        return 0, len(xs), len(ys), 0
    miss_x = [x for x in xs if not any(anchors_match(x, y) for y in ys)]
    miss_y = [y for y in ys if not any(anchors_match(x, y) for x in xs)]
    conflicts = sum(1 for x in miss_x if any(_comparable(x, y) for y in miss_y))
    return len(xs) - len(miss_x), len(miss_x), len(miss_y), conflicts


@dataclass
class Prepared:
    """Sentences read once for alignment (see :func:`prepare`)."""

    texts: list[str]
    vectors: np.ndarray  # (n, dim) sentence vectors, unit length
    pieces: np.ndarray  # (n, width, dim) word-piece vectors, zero rows past each sentence
    piece_mask: np.ndarray  # (n, width) bool: real pieces that are not punctuation
    piece_names: list[list[str]]
    stems: list[list[str]] = field(default_factory=list)  # every word, stemmed, in order
    content: list[frozenset[str]] = field(default_factory=list)  # stems of content words
    ngrams: list[tuple[frozenset[tuple[str, ...]], ...]] = field(default_factory=list)  # n=1..4
    names: list[frozenset[str]] = field(default_factory=list)  # capitalised words, as stems
    folded: list[list[str]] = field(default_factory=list)  # words of 4+ letters, in ASCII
    anchors: list[tuple[Anchor, ...]] = field(default_factory=list)
    negated: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: Vectors of these texts from another encoder, by encoder and text (see
    #: :meth:`Aligner.score_prepared`).
    rescored: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)


_PUNCT_PIECE = re.compile(r"^\W+$")


def prepare(texts: Sequence[str], embedder: Any = None) -> Prepared:
    """Read ``texts`` once for :func:`pair_features` (embeds them: the slow part).

    ``embedder``: anything with ``encode`` and ``encode_tokens`` like
    :class:`rashomon.embed.Embedder`; the shared MiniLM embedder by default.
    """
    if embedder is None:
        from ..embed import embedder as shared

        embedder = shared()
    texts = list(texts)
    # A sentence repeated word for word (wire copies, boilerplate a feed repeats) is
    # embedded once: less work, and copies get bit-identical vectors, so they tie.
    first: dict[str, int] = {}
    back = [first.setdefault(t, len(first)) for t in texts]
    unique = list(first)
    if hasattr(embedder, "encode_both"):  # one run of the network for both
        vectors, tokens = embedder.encode_both(unique)
    else:
        vectors, tokens = embedder.encode(unique), embedder.encode_tokens(unique)
    if len(unique) < len(texts):
        vectors = np.asarray(vectors)[back]
        tokens = [tokens[k] for k in back]
    return prepared_from(texts, vectors, tokens)


def prepared_from(
    texts: Sequence[str],
    vectors: np.ndarray,
    tokens: Sequence[tuple[np.ndarray, list[str]]],
    words: bool = True,
) -> Prepared:
    """:class:`Prepared` from vectors computed elsewhere (a cache, a store): ``vectors`` as
    ``Embedder.encode`` returns them, ``tokens`` as ``Embedder.encode_tokens``.
    ``words=False`` leaves out the reading of the words (stems, n-grams, names, anchors):
    enough for :func:`embedding_features`."""
    texts = list(texts)
    vectors = np.asarray(vectors, dtype=np.float32)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    width = max([len(names) for _, names in tokens] + [1])
    pieces = np.zeros((len(texts), width, dim), dtype=np.float32)
    mask = np.zeros((len(texts), width), dtype=bool)
    for i, (vec, names) in enumerate(tokens):
        pieces[i, : len(names)] = vec
        mask[i, : len(names)] = [not _PUNCT_PIECE.match(p) for p in names]
    out = Prepared(texts, vectors, pieces, mask, [list(names) for _, names in tokens])
    if not words:
        return out
    negated = []
    for text in texts:
        words = _WORD.findall(text)
        lower = [w.lower() for w in words]
        stems = [_stem(w) for w in lower]
        out.stems.append(stems)
        out.content.append(
            frozenset(s for w, s in zip(lower, stems, strict=True) if w not in STOPWORDS)
        )
        out.ngrams.append(tuple(_ngrams(stems, n) for n in (1, 2, 3, 4)))
        out.names.append(_names(words, lower))
        out.folded.append(sorted({_fold(w) for w in lower if len(w) >= 4}))
        out.anchors.append(anchors_of(text))
        negated.append(any(w in _NEGATIONS or w.endswith(("n't", "n’t")) for w in lower))
    out.negated = np.array(negated, dtype=bool)
    return out


def _ngrams(stems: list[str], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(zip(*(stems[k:] for k in range(n)), strict=False))


def _fold(word: str) -> str:
    from anyascii import anyascii

    return anyascii(word).lower() if not word.isascii() else word


def _names(words: list[str], lower: list[str]) -> frozenset[str]:
    names = set()
    for i, w in enumerate(words):
        if w[0].isupper() and lower[i] not in STOPWORDS:
            # The first word is capitalised anyway: a name only when the next word is one
            # too ("Saddam Hussein said"), not in "Revenue dropped".
            if i > 0 or (len(words) > 1 and words[1][0].isupper()):
                names.add(_stem(_fold(lower[i])))
    return frozenset(names)


@dataclass
class Idf:
    """Inverse document frequencies of word stems and of word pieces over some sentences:
    the sentences at hand in a story, or a corpus. Unseen terms get the largest value."""

    stems: dict[str, float]
    pieces: dict[str, float]

    @classmethod
    def of(cls, *sides: Prepared) -> Idf:
        stem_sets = [c for p in sides for c in p.content]
        piece_sets = [frozenset(names) for p in sides for names in p.piece_names]
        return cls(_idf(stem_sets), _idf(piece_sets))


def idf_of(texts_stems: Sequence[frozenset[str]] | Sequence[set[str]]) -> dict[str, float]:
    """Inverse document frequency of stems over sentences given as stem sets (such as
    ``Prepared.content``). Pass it as ``idf`` to score with word IDF from a wider set of
    sentences than the pairs at hand; piece IDF then comes from the pairs' sentences."""
    return _idf(texts_stems)


def _idf(sets: Sequence[frozenset[str]] | Sequence[set[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for terms in sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    n = len(sets)
    return {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}


# --- pair features --------------------------------------------------------------------

#: The features, in the order :func:`pair_features` returns them. ``_lo``/``_hi`` are the
#: smaller/larger of the two directions (a's words found in b, b's found in a).
# fmt: off
# (Pairs of directions stay on one line, each with its comment.)
FEATURES = (
    "cos",  # MiniLM sentence cosine
    # Word pieces, BERTScore-style: each piece's best cosine among the other's pieces.
    "tok_lo", "tok_hi",  # mean best match
    "tok_idf_lo", "tok_idf_hi",  # IDF-weighted mean best match
    "tok_miss_lo", "tok_miss_hi",  # pieces with no match >= 0.5
    "tok_miss_idf_lo", "tok_miss_idf_hi",  # their IDF mass: how much is left unsaid
    "tok_run_lo", "tok_run_hi",  # longest run of unmatched pieces: an added clause
    "tok_b0_lo", "tok_b0_hi",  # share of pieces whose best match is < 0.3
    "tok_b1_lo", "tok_b1_hi",  # 0.3-0.5
    "tok_b2_lo", "tok_b2_hi",  # 0.5-0.7
    "tok_b3_lo", "tok_b3_hi",  # 0.7-0.9
    "tok_b4_lo", "tok_b4_hi",  # >= 0.9
    # Words (stems).
    "tfidf",  # TF-IDF cosine of content stems
    "word_lo", "word_hi",  # share of content stems found in the other sentence
    "word_miss_lo", "word_miss_hi",  # content stems missing from the other (counts)
    "ngram1_lo", "ngram1_hi",  # n-gram precision of all stems, as in BLEU
    "ngram2_lo", "ngram2_hi",
    "ngram3_lo", "ngram3_hi",
    "ngram4_lo", "ngram4_hi",
    "edit",  # word-level edit distance / longer length
    "lcs_lo", "lcs_hi",  # longest common word subsequence / longer, / shorter length
    "chars",  # character-level similarity ratio of the raw texts
    "len_ratio",  # shorter / longer, in words
    "len_diff",  # |difference| in words
    # Anchors.
    "num_shared",  # numbers both state
    "num_miss_lo", "num_miss_hi",  # numbers of one sentence the other lacks
    "num_conflict",  # unmatched numbers of the same kind on both sides: different figures
    "name_miss_lo", "name_miss_hi",  # capitalised names of one absent from the other
    "neg_differs",  # one sentence has a negation, the other none
)
# fmt: on
_COL = {name: k for k, name in enumerate(FEATURES)}

#: A piece whose best cosine in the other sentence is below this has no counterpart there.
MATCH = 0.5
_BINS = (0.3, 0.5, 0.7, 0.9)


def pair_features(
    a: Prepared,
    b: Prepared,
    ia: Sequence[int] | np.ndarray,
    ib: Sequence[int] | np.ndarray,
    idf: Idf | dict[str, float] | None = None,
) -> np.ndarray:
    """The :data:`FEATURES` of the pairs (a[ia[k]], b[ib[k]]), one row per pair.

    ``idf``: for the TF-IDF cosine and the IDF-weighted piece features; by default computed
    from the sentences of ``a`` and ``b`` (in a story: the sentences at hand). A plain dict
    (:func:`idf_of`) gives the stems' IDF only.
    """
    ia, ib = np.asarray(ia, dtype=np.int64), np.asarray(ib, dtype=np.int64)
    out = np.zeros((len(ia), len(FEATURES)))
    if len(ia) == 0:
        return out
    if not isinstance(idf, Idf):
        sides = Idf.of(a, b) if a is not b else Idf.of(a)
        idf = sides if idf is None else Idf(dict(idf), sides.pieces)
    embedding_features(a, b, ia, ib, idf, out)
    _word_features(a, b, ia, ib, idf, out)
    out[:, _COL["neg_differs"]] = a.negated[ia] != b.negated[ib]
    return out


def embedding_features(
    a: Prepared, b: Prepared, ia: np.ndarray, ib: np.ndarray, idf: Idf, out: np.ndarray
) -> None:
    """Write the features that come from the encoder's vectors (the sentence cosine and
    the word-piece ones) into ``out``'s columns; the others depend on the texts alone."""
    out[:, _COL["cos"]] = np.einsum("ij,ij->i", a.vectors[ia], b.vectors[ib])
    _token_features(a, b, ia, ib, idf, out)


def _both(
    out: np.ndarray, name: str, x: np.ndarray, y: np.ndarray, rows: slice | np.ndarray
) -> None:
    out[rows, _COL[name + "_lo"]] = np.minimum(x, y)
    out[rows, _COL[name + "_hi"]] = np.maximum(x, y)


def _piece_weights(p: Prepared, idf: Idf) -> np.ndarray:
    top = max(idf.pieces.values(), default=1.0)
    w = np.zeros(p.piece_mask.shape)
    for i, names in enumerate(p.piece_names):
        w[i, : len(names)] = [idf.pieces.get(n, top) for n in names]
    return w * p.piece_mask


def _longest_run(miss: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Longest run of unmatched pieces along the last axis, for each row; pieces outside
    ``mask`` (punctuation, padding) neither extend nor break a run."""
    count = np.cumsum(miss, axis=-1)
    reset = np.maximum.accumulate(np.where(mask & ~miss, count, 0), axis=-1)
    return (count - reset).max(axis=-1) if miss.shape[-1] else np.zeros(miss.shape[:-1])


def _widths(mask: np.ndarray) -> np.ndarray:
    """One past the last real piece of each sentence (0 for none)."""
    if mask.shape[1] == 0:
        return np.zeros(mask.shape[0], dtype=np.int64)
    last = mask.shape[1] - np.argmax(mask[:, ::-1], axis=1)
    return np.where(mask.any(axis=1), last, 0)


def _token_features(
    a: Prepared,
    b: Prepared,
    ia: np.ndarray,
    ib: np.ndarray,
    idf: Idf,
    out: np.ndarray,
    chunk: int = 256,
) -> None:
    wa_all, wb_all = _piece_weights(a, idf), _piece_weights(b, idf)
    ua, inv_a = np.unique(ia, return_inverse=True)
    ub, inv_b = np.unique(ib, return_inverse=True)
    la, lb, dim = a.pieces.shape[1], b.pieces.shape[1], a.pieces.shape[2]
    # A grid (most combinations of the sentences involved): one matrix product of every
    # piece against every piece, ~50 times faster than a product per pair.
    dense = len(ua) * len(ub) <= 2 * len(ia) and len(ua) * la * len(ub) * lb <= 64_000_000
    if dense:
        full = a.pieces[ua].reshape(-1, dim) @ b.pieces[ub].reshape(-1, dim).T
        full = full.reshape(len(ua), la, len(ub), lb)
    # Pairs in order of their sentences' lengths, each chunk cut to its own widest
    # sentence: padding to the story's longest sentence cost most of the time.
    len_a = _widths(a.piece_mask)
    len_b = _widths(b.piece_mask)
    order = np.lexsort((len_b[ib], len_a[ia]))
    for start in range(0, len(ia), chunk):
        rows = order[start : start + chunk]
        sa, sb = ia[rows], ib[rows]
        wa, wb = max(int(len_a[sa].max()), 1), max(int(len_b[sb].max()), 1)
        ma, mb = a.piece_mask[sa, :wa], b.piece_mask[sb, :wb]
        if dense:
            sim = full[inv_a[rows], :wa, inv_b[rows], :wb]  # (m, wa, wb)
        else:
            # A contiguous right operand: numpy's matmul over a transposed view of a stack
            # falls off BLAS and runs about 200 times slower.
            right = np.ascontiguousarray(b.pieces[sb, :wb].transpose(0, 2, 1))
            sim = np.matmul(a.pieces[sa, :wa], right)
        best_a = np.where(mb[:, None, :], sim, -1.0).max(axis=2)  # each piece of a, in b
        best_b = np.where(ma[:, :, None], sim, -1.0).max(axis=1)
        per_side = []
        for best, mask, w in ((best_a, ma, wa_all[sa, :wa]), (best_b, mb, wb_all[sb, :wb])):
            n = np.maximum(mask.sum(1), 1)
            miss = mask & (best < MATCH)
            edges = np.searchsorted(_BINS, best, side="right")  # 0..4
            per_side.append(
                {
                    "tok": np.where(mask, best, 0).sum(1) / n,
                    "tok_idf": (np.where(mask, best, 0) * w).sum(1) / np.maximum(w.sum(1), 1e-9),
                    "tok_miss": miss.sum(1),
                    "tok_miss_idf": (miss * w).sum(1),
                    "tok_run": _longest_run(miss, mask),
                    **{f"tok_b{k}": (mask & (edges == k)).sum(1) / n for k in range(5)},
                }
            )
        for name in per_side[0]:
            _both(out, name, per_side[0][name], per_side[1][name], rows)


#: Names this close (rapidfuzz ratio, 0-100) are spellings of one name: transliterations
#: ("Zhelezov", "Zhelyezov", "Železov") and "Dolvitsa"/"Dolvica". Names under 5 letters must
#: match exactly ("Bush" is not "Rush").
NAME_SIMILARITY = 80


def _names_missing(
    names: frozenset[str], words: frozenset[tuple[str, ...]], folded: list[str]
) -> int:
    """How many of ``names`` the other sentence lacks, allowing spelling variants."""
    from rapidfuzz import fuzz, process

    missing = 0
    for name in names:
        if (name,) in words:
            continue
        if (
            len(name) >= 5
            and folded
            and process.extractOne(name, folded, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
        ):
            continue
        missing += 1
    return missing


def _word_features(
    a: Prepared, b: Prepared, ia: np.ndarray, ib: np.ndarray, idf: Idf, out: np.ndarray
) -> None:
    from rapidfuzz.distance import Indel, LCSseq, Levenshtein

    top = max(idf.stems.values(), default=1.0)

    def tfidf_vector(content: frozenset[str], stems: list[str]) -> tuple[dict[str, float], float]:
        v: dict[str, float] = {}
        for s in stems:
            if s in content:
                v[s] = v.get(s, 0.0) + idf.stems.get(s, top)
        return v, math.sqrt(sum(x * x for x in v.values())) or 1.0

    cache_a: dict[int, tuple[dict[str, float], float]] = {}
    cache_b: dict[int, tuple[dict[str, float], float]] = {}
    rows = np.zeros((len(ia), 25))
    for k, (i, j) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        if i not in cache_a:
            cache_a[i] = tfidf_vector(a.content[i], a.stems[i])
        if j not in cache_b:
            cache_b[j] = tfidf_vector(b.content[j], b.stems[j])
        (x, nx), (y, ny) = cache_a[i], cache_b[j]
        if len(x) > len(y):
            x, y = y, x
        tfidf = sum(v * y.get(w, 0.0) for w, v in x.items()) / (nx * ny)
        ca, cb = a.content[i], b.content[j]
        common = len(ca & cb)
        grams = []
        for ga, gb in zip(a.ngrams[i], b.ngrams[j], strict=True):
            shared = len(ga & gb)
            grams += [shared / max(len(ga), 1), shared / max(len(gb), 1)]
        xs, ys = a.stems[i], b.stems[j]
        la, lb = len(xs), len(ys)
        lcs = LCSseq.similarity(xs, ys)
        rows[k] = (
            tfidf,
            common / max(len(ca), 1),
            common / max(len(cb), 1),
            len(ca) - common,
            len(cb) - common,
            *grams,
            Levenshtein.distance(xs, ys) / max(la, lb, 1),
            lcs / max(la, lb, 1),
            lcs / max(min(la, lb), 1),
            Indel.normalized_similarity(a.texts[i], b.texts[j]),
            min(la, lb) / max(la, lb, 1),
            abs(la - lb),
            *_anchor_counts(a.anchors[i], b.anchors[j]),
            _names_missing(a.names[i], b.ngrams[j][0], b.folded[j]),
            _names_missing(b.names[j], a.ngrams[i][0], a.folded[i]),
        )
    every = slice(None)
    out[:, _COL["tfidf"]] = rows[:, 0]
    _both(out, "word", rows[:, 1], rows[:, 2], every)
    _both(out, "word_miss", rows[:, 3], rows[:, 4], every)
    for n in range(4):
        _both(out, f"ngram{n + 1}", rows[:, 5 + 2 * n], rows[:, 6 + 2 * n], every)
    out[:, _COL["edit"]] = rows[:, 13]
    out[:, _COL["lcs_lo"]] = rows[:, 14]
    out[:, _COL["lcs_hi"]] = rows[:, 15]
    out[:, _COL["chars"]] = rows[:, 16]
    out[:, _COL["len_ratio"]] = rows[:, 17]
    out[:, _COL["len_diff"]] = rows[:, 18]
    out[:, _COL["num_shared"]] = rows[:, 19]
    _both(out, "num_miss", rows[:, 20], rows[:, 21], every)
    out[:, _COL["num_conflict"]] = rows[:, 22]
    _both(out, "name_miss", rows[:, 23], rows[:, 24], every)


# --- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class AlignModel:
    """Logistic regression over standardised features and all products of two of them.

    ``features`` names the inputs (a subset of :data:`FEATURES`, in any order); each is
    standardised with ``mean`` and ``scale``; the model's columns are those values followed
    by the products z_i * z_j for i <= j, in row-major order; ``weights`` and ``bias`` apply
    to them directly. ``threshold`` is the yes/no cut on the probability.

    ``low`` and ``high`` are the smallest and largest value of each feature in the
    training pairs; a value outside is clipped to them before scoring. The products make
    the model a polynomial, and a polynomial extrapolates wildly: two unrelated
    60-word sentences of a news story, with more unmatched word pieces than any MSRP pair,
    scored 0.97 unclipped and 0.0002 clipped.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    low: np.ndarray | None = None
    high: np.ndarray | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlignModel:
        unknown = set(data["features"]) - set(FEATURES)
        if unknown:
            raise ValueError(
                f"alignment model uses unknown features {sorted(unknown)}; "
                "it was trained by a different version of rashomon"
            )
        model = cls(
            tuple(data["features"]),
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            dict(data.get("meta", {})),
            np.array(data["low"]) if "low" in data else None,
            np.array(data["high"]) if "high" in data else None,
        )
        n = len(model.features)
        for bound in (model.low, model.high):
            if bound is not None and len(bound) != n:
                raise ValueError(f"alignment model has {len(bound)} bounds for {n} features")
        if len(model.weights) != n + n * (n + 1) // 2:
            raise ValueError(
                f"alignment model has {len(model.weights)} weights for {n} "
                f"features; expected {n + n * (n + 1) // 2}"
            )
        return model

    def to_dict(self) -> dict[str, Any]:
        def floats(x: np.ndarray) -> list[float]:
            return [float(f"{v:.6g}") for v in x]

        out = {
            "meta": self.meta,
            "threshold": self.threshold,
            "features": list(self.features),
            "mean": floats(self.mean),
            "scale": floats(self.scale),
        }
        if self.low is not None and self.high is not None:
            out["low"], out["high"] = floats(self.low), floats(self.high)
        return {**out, "bias": float(f"{self.bias:.6g}"), "weights": floats(self.weights)}

    @classmethod
    def load(cls, path: str | None = None, encoder: str = "minilm") -> AlignModel:
        """The committed coefficients for ``encoder`` (``align_model.json`` beside this
        module for MiniLM), or ``path``."""
        if path is None:
            text = resources.files(__package__).joinpath(ENCODERS[encoder]).read_text("utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        return cls.from_dict(json.loads(text))


def _columns(z: np.ndarray) -> np.ndarray:
    """Standardised features followed by all products z_i * z_j (i <= j)."""
    i, j = np.triu_indices(z.shape[1])
    return np.hstack([z, z[:, i] * z[:, j]])


def _select(features: np.ndarray, names: Sequence[str]) -> np.ndarray:
    if features.shape[1] != len(FEATURES):
        raise ValueError(
            f"expected {len(FEATURES)} feature columns (FEATURES), got {features.shape[1]}"
        )
    return features[:, [_COL[n] for n in names]]


def probability(features: np.ndarray, model: AlignModel) -> np.ndarray:
    """P(same fact) for each row of ``features`` (columns as :data:`FEATURES`)."""
    x = _select(features, model.features)
    if model.low is not None and model.high is not None:
        x = np.clip(x, model.low, model.high)
    z = (x - model.mean) / model.scale
    # Row by row in numpy's own loop, not BLAS: a threaded BLAS splits a long dot product
    # (1,175 columns) between its threads and adds the parts in an order that depends on
    # the thread count, so a Ray worker (one thread) and the driver (all cores) would
    # get probabilities a last bit apart, and an exact tie (the same sentence in two
    # articles) broken differently.
    # In blocks of rows: the products of 200,000 pairs at once took about 7 GB.
    logit = np.empty(len(z))
    for start in range(0, len(z), _ROWS):
        rows = slice(start, start + _ROWS)
        logit[rows] = np.einsum("ij,j->i", _columns(z[rows]), model.weights)
    logit += model.bias
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))


#: Rows of features turned into probabilities at a time (about 80 MB of products).
_ROWS = 8192


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 100
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; the bias is not penalised.

    ``x`` should be standardised (the penalty treats every column alike). Returns
    (weights, bias).
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, float(l2))
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -50, 50)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w[:-1], float(w[-1])


def train(
    features: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str] = FEATURES,
    l2: float = 100.0,
    threshold: float = 0.5,
    meta: dict[str, Any] | None = None,
    clip: float = 0.0,
) -> AlignModel:
    """An :class:`AlignModel` fitted to labelled pairs (1 = same fact).

    The columns are standardised once more before fitting, so that ``l2`` weighs every
    column alike; that second scaling is folded into the returned weights.
    """
    x = _select(features, names)
    low, high = np.quantile(x, clip, axis=0), np.quantile(x, 1.0 - clip, axis=0)
    x = np.clip(x, low, high)
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    cols = _columns((x - mean) / scale)
    cmean, cscale = cols.mean(0), cols.std(0)
    cscale[cscale == 0] = 1.0
    w, b = fit_logistic((cols - cmean) / cscale, labels.astype(float), l2)
    weights = w / cscale
    bias = b - float(weights @ cmean)
    return AlignModel(
        tuple(names), mean, scale, weights, bias, threshold, dict(meta or {}), low, high
    )


# --- the caller's view ----------------------------------------------------------------


class Aligner:
    """Scores sentence pairs with the committed model (or ``model``).

    ``embedder``: as for :func:`prepare`; its sentence vectors are what the compare stage
    prefilters pairs with. ``encoder``: where the classifier's features come from. With
    "minilm" they come from the same vectors. With "mpnet", the sentences of the pairs
    scored are embedded again by all-mpnet-base-v2 (``scorer``, the shared
    :func:`rashomon.mpnet.encoder` by default), on demand and once each; the probability is
    the mean of MiniLM's model and the model fitted on MPNet's features: more accurate
    (MSRP 0.8035 against 0.788), slower. Probabilities at or above ``threshold`` mean
    "same fact".
    """

    def __init__(
        self,
        model: AlignModel | None = None,
        embedder: Any = None,
        encoder: str = "minilm",
        scorer: Any = None,
    ) -> None:
        if encoder not in ENCODERS:
            raise ValueError(f"unknown encoder {encoder!r}; expected one of {', '.join(ENCODERS)}")
        if encoder == "mpnet" and scorer is None:
            from .. import mpnet

            if not mpnet.available():  # say so before any work, in one line
                raise MissingDependency("the all-mpnet-base-v2 model packages", mpnet.INSTALL_HINT)
        self.encoder = encoder
        self.model = model if model is not None else AlignModel.load()
        #: With encoder "mpnet": the model fitted on MPNet's features, averaged with
        #: :attr:`model` (MiniLM's).
        self.second = AlignModel.load(encoder=encoder) if encoder != "minilm" else None
        self._embedder = embedder
        self._scorer = scorer

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def prepare(self, texts: Sequence[str]) -> Prepared:
        return prepare(texts, self._embedder)

    def score_prepared(
        self,
        a: Prepared,
        b: Prepared,
        ia: Sequence[int] | np.ndarray,
        ib: Sequence[int] | np.ndarray,
        idf: Idf | dict[str, float] | None = None,
    ) -> np.ndarray:
        """P(same fact) of the pairs (a[ia[k]], b[ib[k]])."""
        if self.second is not None and not isinstance(idf, Idf):
            # Piece IDF over all the sentences at hand, for both encoders (their tokenizers
            # are the same uncased WordPiece): a pair's score does not depend on which
            # other pairs are scored with it.
            sides = Idf.of(a, b) if a is not b else Idf.of(a)
            idf = sides if idf is None else Idf(dict(idf), sides.pieces)
        x = pair_features(a, b, ia, ib, idf)
        p = probability(x, self.model)
        if self.second is None or len(p) == 0:
            return p
        if a is b:
            a, (ia, ib) = self._rescored(a, ia, ib)
            b = a
        else:
            a, (ia,) = self._rescored(a, ia)
            b, (ib,) = self._rescored(b, ib)
        # The word, number and name features are the same texts' again: only those from
        # the vectors change.
        embedding_features(a, b, ia, ib, idf, x)
        return (p + probability(x, self.second)) / 2

    def _rescored(
        self, p: Prepared, *indices: Sequence[int] | np.ndarray
    ) -> tuple[Prepared, list[np.ndarray]]:
        """The sentences of ``p`` that ``indices`` name, embedded by the scoring encoder
        (each text once per :class:`Prepared`), and the indices into them."""
        if self._scorer is None:
            from .. import mpnet

            self._scorer = mpnet.encoder()
        arrays = [np.asarray(ix, dtype=np.int64) for ix in indices]
        rows = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=np.int64)
        cache = p.rescored.setdefault(self.encoder, {})
        missing = sorted({p.texts[r] for r in rows.tolist()} - cache.keys())
        if missing:
            vectors, tokens = self._scorer.encode_both(missing)
            for k, text in enumerate(missing):
                cache[text] = (vectors[k], tokens[k])
        texts = [p.texts[r] for r in rows.tolist()]
        sub = prepared_from(
            texts,
            np.array([cache[t][0] for t in texts]),
            [cache[t][1] for t in texts],
            words=False,  # the word features are the MiniLM side's, already computed
        )
        return sub, [np.searchsorted(rows, ix) for ix in arrays]

    def score_pairs(
        self, a_texts: Sequence[str], b_texts: Sequence[str], idf: Idf | None = None
    ) -> np.ndarray:
        """P(same fact) of a_texts[k] and b_texts[k], for each k."""
        if len(a_texts) != len(b_texts):
            raise ValueError(
                f"score_pairs needs lists of equal length, got {len(a_texts)} "
                f"and {len(b_texts)}; score_grid scores every combination"
            )
        a, b = self.prepare(a_texts), self.prepare(b_texts)
        k = np.arange(len(a_texts))
        return self.score_prepared(a, b, k, k, idf)

    def score_grid(
        self, a: Sequence[str] | Prepared, b: Sequence[str] | Prepared, idf: Idf | None = None
    ) -> np.ndarray:
        """P(same fact) of every sentence of a against every sentence of b: (len a, len b).

        Pass :class:`Prepared` sentences to embed each article once for many grids.
        """
        pa = a if isinstance(a, Prepared) else self.prepare(a)
        pb = b if isinstance(b, Prepared) else self.prepare(b)
        ia, ib = np.divmod(np.arange(len(pa) * len(pb)), max(len(pb), 1))
        return self.score_prepared(pa, pb, ia, ib, idf).reshape(len(pa), len(pb))

    def same_fact(self, a_texts: Sequence[str], b_texts: Sequence[str]) -> np.ndarray:
        """Booleans: a_texts[k] and b_texts[k] state the same fact (probability >= threshold)."""
        return self.score_pairs(a_texts, b_texts) >= self.threshold
