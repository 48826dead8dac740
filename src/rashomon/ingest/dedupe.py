"""Exact and near-duplicate fingerprints: a content hash and a MinHash signature.

Wire copies (the same agency story run by several outlets, lightly edited) share most
5-word shingles. MinHash estimates their Jaccard similarity; LSH band keys let the store
find candidates with an index look-up instead of comparing all pairs.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def normal_words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def content_hash(text: str) -> str:
    """Hash of the text's words, blind to case, punctuation and spacing."""
    return hashlib.blake2b(" ".join(normal_words(text)).encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    # Fixed seed: signatures must be identical across processes, runs and machines.
    rng = np.random.default_rng(20240226)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def minhash(text: str, shingle: int = 4, num_perm: int = 60) -> np.ndarray:
    """MinHash signature (uint32[num_perm]) of the word shingles of ``text``."""
    words = normal_words(text)
    if len(words) < shingle:
        grams = [" ".join(words)] if words else [""]
    else:
        grams = [" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)]
    x = np.fromiter((zlib.crc32(g.encode()) for g in set(grams)), dtype=np.uint64)
    a, b = _permutations(num_perm)
    # Multiply-shift hashing (a 2-universal family); uint64 arithmetic wraps on purpose.
    with np.errstate(over="ignore"):
        hashed = (a[:, None] * x[None, :] + b[:, None]) >> np.uint64(32)
    return hashed.min(axis=1).astype(np.uint32)


def band_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One signed 64-bit key per band (for an SQL index)."""
    rows = len(signature) // bands
    keys = []
    for i in range(bands):
        digest = hashlib.blake2b(signature[i * rows : (i + 1) * rows].tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return keys


def similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(sig_a == sig_b))
