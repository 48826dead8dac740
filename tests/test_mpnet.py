"""The aligner's optional encoder: all-mpnet-base-v2 in numpy, read from its split archive."""

from __future__ import annotations

import itertools
import json
import zipfile

import numpy as np
import pytest

from rashomon import mpnet
from rashomon.compare.align import Aligner
from rashomon.errors import MissingDependency


def _safetensors(tensors: dict[str, np.ndarray]) -> bytes:
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array).tobytes()
        kind = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[array.dtype]
        header[name] = {
            "dtype": kind,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header).encode()
    return len(head).to_bytes(8, "little") + head + b"".join(blobs)


def test_safetensors_are_read_as_the_arrays_written() -> None:
    rng = np.random.default_rng(0)
    tensors = {"a.weight": rng.normal(size=(3, 4)).astype(np.float32), "ids": np.arange(5)}
    back = mpnet.read_safetensors(_safetensors(tensors))
    assert back.keys() == tensors.keys()
    for name, array in tensors.items():
        assert back[name].dtype == array.dtype and np.array_equal(back[name], array)


def test_a_split_archive_reads_as_one_zip(tmp_path) -> None:
    """The model packages hold one zip cut byte by byte into five parts."""
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("m/model.safetensors", bytes(range(256)) * 1000)
        zf.writestr("m/tokenizer.json", "{}")
    data = archive.read_bytes()
    cuts = [0, 7, 100, 9000, len(data) - 3, len(data)]
    parts = []
    for k, (start, end) in enumerate(itertools.pairwise(cuts)):
        part = tmp_path / f"whole.zip.{k:03d}"
        part.write_bytes(data[start:end])
        parts.append(part)
    import io

    with mpnet._Joined(parts) as raw, zipfile.ZipFile(io.BufferedReader(raw)) as zf:
        assert zf.read("m/model.safetensors") == bytes(range(256)) * 1000
        assert zf.read("m/tokenizer.json") == b"{}"


def test_relative_buckets_follow_mpnet() -> None:
    """Exact buckets for distances under 8, logarithmic ones up to 128, keys after the
    query in the upper half (MPNet's bidirectional buckets, 32 in all)."""
    b = mpnet.relative_buckets(300)
    assert b[0, 0] == 0 and b[5, 0] == 5 and b[0, 5] == 16 + 5
    assert b[7, 0] == 7 and b[8, 0] == 8
    assert b[299, 0] == 15 and b[0, 299] == 31  # far beyond max_distance: the last bucket
    assert np.all(np.diff(b[:, 0]) >= 0) and b.min() >= 0 and b.max() <= 31


def _tiny_encoder(tmp_path):
    """An MPNet of 2 layers, 2 heads and 8 dimensions with random weights, and a word-level
    tokenizer: the shapes and the pooling, not the model's knowledge."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "[UNK]": 3, "the": 4, "dam": 5, "broke": 6, ".": 7}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    rng = np.random.default_rng(1)
    d, inner = 8, 16

    def r(*shape):
        return rng.normal(scale=0.3, size=shape).astype(np.float32)

    w = {
        "embeddings.word_embeddings.weight": r(len(vocab), d),
        "embeddings.position_embeddings.weight": r(40, d),
        "embeddings.LayerNorm.weight": np.ones(d, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(d, np.float32),
        "encoder.relative_attention_bias.weight": r(32, 2),
    }
    for k in range(2):
        p = f"encoder.layer.{k}."
        for n in "qkvo":
            w[p + f"attention.attn.{n}.weight"], w[p + f"attention.attn.{n}.bias"] = r(d, d), r(d)
        w[p + "attention.LayerNorm.weight"], w[p + "attention.LayerNorm.bias"] = r(d) + 1, r(d)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = r(inner, d), r(inner)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = r(d, inner), r(d)
        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"] = r(d) + 1, r(d)
    return mpnet.MPNetEncoder(weights=w, tokenizer=tok, heads=2, batch_size=2)


def test_vectors_do_not_depend_on_batch_or_padding(tmp_path) -> None:
    enc = _tiny_encoder(tmp_path)
    texts = ["the dam broke .", "dam", "the the the dam dam broke broke .", ""]
    vectors, tokens = enc.encode_both(texts)
    assert vectors.shape == (4, 8)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert tokens[0][1] == ["the", "dam", "broke", "."] and tokens[0][0].shape == (4, 8)
    assert tokens[3][1] == []  # an empty text has no word pieces
    for k, text in enumerate(texts[:3]):  # alone, unpadded: the same vector
        alone, _ = enc.encode_both([text])
        assert np.allclose(alone[0], vectors[k], atol=1e-5)


def test_missing_model_packages_are_named_in_one_line(monkeypatch) -> None:
    monkeypatch.setattr(mpnet, "available", lambda: False)
    with pytest.raises(MissingDependency) as err:
        Aligner(encoder="mpnet")
    assert "requirements/mpnet.txt" in str(err.value) and "\n" not in str(err.value)


def test_an_unknown_encoder_is_refused_in_one_line(tmp_path, capsys) -> None:
    from rashomon.cli import main

    settings = tmp_path / "rashomon.toml"
    settings.write_text('[compare]\nencoder = "bert"\n', "utf-8")
    db = tmp_path / "x.db"
    assert main(["--config", str(settings), "compare", "--db", str(db)]) != 0
    err = capsys.readouterr().err.strip()
    assert "compare.encoder" in err and "minilm, mpnet" in err and len(err.splitlines()) == 1


def test_the_aligner_embeds_only_the_sentences_it_scores(tmp_path) -> None:
    """With encoder "mpnet", MiniLM still prepares every sentence (it picks the candidate
    pairs); the second encoder embeds the sentences of the pairs scored, each text once."""
    enc = _tiny_encoder(tmp_path)
    seen: list[str] = []

    class Counting:
        def encode_both(self, texts):
            seen.extend(texts)
            return enc.encode_both(texts)

    aligner = Aligner(encoder="mpnet", scorer=Counting())
    texts = ["the dam broke .", "dam", "the dam broke .", "broke", "the"]
    p = aligner.prepare(texts)
    first = aligner.score_prepared(p, p, [0, 1], [2, 2])
    assert sorted(seen) == ["dam", "the dam broke ."]
    again = aligner.score_prepared(p, p, [1, 0, 3], [2, 2, 4])
    assert sorted(seen) == ["broke", "dam", "the", "the dam broke ."]
    assert np.array_equal(again[:2], first[[1, 0]])  # whatever else is scored alongside
    assert np.all((again >= 0) & (again <= 1))


def test_pairs_of_two_different_sets_of_sentences_score_as_their_grid_cells(tmp_path) -> None:
    """Scattered pairs between two different prepared sets: each probability is the one
    its cell of the full grid gets (the indices are mapped to the re-embedded subsets)."""
    enc = _tiny_encoder(tmp_path)
    aligner = Aligner(encoder="mpnet", scorer=enc)
    a = aligner.prepare(["the dam broke .", "dam", "broke", "the dam"])
    b = aligner.prepare(["broke .", "the", "the dam broke .", "dam dam", "."])
    grid = aligner.score_grid(a, b)
    ia, ib = [3, 0, 2, 0], [4, 2, 0, 2]
    assert np.array_equal(aligner.score_prepared(a, b, ia, ib), grid[ia, ib])
    assert aligner.score_prepared(a, b, [], []).shape == (0,)
    # Computed from scratch: every feature of the MPNet side from MPNet's vectors.
    from rashomon.compare.align import Idf, pair_features, prepared_from, probability

    def by_mpnet(p):
        vectors, tokens = enc.encode_both(p.texts)
        return prepared_from(p.texts, vectors, tokens)

    idf = Idf.of(a, b)
    own = probability(pair_features(by_mpnet(a), by_mpnet(b), ia, ib, idf), aligner.second)
    mini = probability(pair_features(a, b, ia, ib, idf), aligner.model)
    assert np.allclose(grid[ia, ib], (own + mini) / 2, atol=1e-6)


def test_a_damaged_archive_is_one_line(tmp_path, monkeypatch) -> None:
    parts = []
    for k in range(2):
        part = tmp_path / f"all-mpnet-base-v2.zip.{k:03d}"
        part.write_bytes(b"not a zip archive" * 10)
        parts.append(part)
    monkeypatch.setattr(mpnet, "_part_paths", lambda: parts)
    with pytest.raises(MissingDependency) as err:
        mpnet.MPNetEncoder()
    assert "BadZipFile" in str(err.value) and "--force-reinstall" in str(err.value)
    assert "\n" not in str(err.value)


def test_the_web_app_refuses_a_missing_encoder_when_it_starts(tmp_path, monkeypatch) -> None:
    from rashomon.config import load_config
    from rashomon.web.app import create_app

    monkeypatch.setattr(mpnet, "available", lambda: False)
    config = load_config().with_overrides({"compare": {"encoder": "mpnet"}})
    with pytest.raises(MissingDependency):
        create_app(str(tmp_path / "x.db"), config=config)


needs_model = pytest.mark.skipif(
    not mpnet.available(), reason=f"all-mpnet-base-v2 is not installed ({mpnet.INSTALL_HINT})"
)


@needs_model
def test_the_real_model_tells_paraphrases_from_other_sentences() -> None:
    enc = mpnet.encoder()
    vectors, tokens = enc.encode_both(
        [
            "The dam collapsed before dawn on Sunday after days of heavy rain.",
            "Part of the dam gave way early on Sunday following a week of torrential rain.",
            "The central bank left interest rates unchanged on Thursday.",
        ]
    )
    assert vectors.shape == (3, 768)
    cos = vectors @ vectors.T
    assert cos[0, 1] > 0.5 and cos[0, 2] < 0.2 and cos[1, 2] < 0.2
    assert tokens[0][1][:3] == ["the", "dam", "collapsed"]


@needs_model
def test_the_mpnet_aligner_scores_paraphrases_above_other_pairs() -> None:
    aligner = Aligner(encoder="mpnet")
    p = aligner.score_pairs(
        [
            "About 6,000 people were evacuated from Dolvitsa and nearby villages.",
            "About 6,000 people were evacuated from Dolvitsa and nearby villages.",
        ],
        [
            "Some 6,000 residents of Dolvitsa and surrounding villages were evacuated.",
            "The Horska reservoir holds about 240 million cubic metres of water.",
        ],
    )
    assert p[0] > 0.5 > p[1]


@needs_model
def test_workers_compare_with_the_configured_encoder(tmp_path) -> None:
    """An engine's workers (Ray) build their aligner from the settings they are sent, and
    it embeds with MPNet."""
    from conftest import EXAMPLE

    from rashomon.cli import main
    from rashomon.compare.analysis import _StoreAndAligner, compare_story_at
    from rashomon.compare.matrix import CompareSettings
    from rashomon.store import open_store

    out = tmp_path / "out"
    assert main(["-q", "analyze", str(EXAMPLE), "--out", str(out)]) == 0
    db = str(out / "rashomon.db")
    with open_store(db) as store:
        story = max(store.stories(), key=lambda s: len(s["articles"]))
    result = compare_story_at(story, (db, CompareSettings(encoder="mpnet")))
    assert result["facts"]
    worker_store, aligner = _StoreAndAligner.opened.pop((db, "mpnet"))
    worker_store.close()
    assert aligner.encoder == "mpnet" and aligner.second is not None
    assert aligner._scorer is mpnet.encoder()  # it embedded the story's sentences
