"""all-MiniLM-L6-v2's forward pass in numpy: a 6-layer BERT encoder (384 wide, 12 heads), mean
pooling over the tokens, L2 normalisation. Loaded only through annotations.embeddings."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import DIMENSION, MAX_TOKENS, MODEL_NAME, EncoderUnavailable, model_dir, why_unavailable


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (384, 3*384): query, key and value projections in one product
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    ff_in_w: np.ndarray
    ff_in_b: np.ndarray
    ff_out_w: np.ndarray
    ff_out_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=-1, keepdims=True)
    return centered / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x) (the tanh approximation drifts by ~1e-3).

    erf by Abramowitz & Stegun 7.1.26 (absolute error under 1.5e-7, below float32's own rounding
    here): in float32 numpy it is 1.6 times faster than scipy.special.erf, and GELU is a third of
    the encoder's time.
    """
    f = np.float32
    z = np.abs(x) * f(1.0 / math.sqrt(2.0))
    t = f(1.0) / (f(1.0) + f(0.3275911) * z)
    poly = t * (
        f(0.254829592)
        + t * (f(-0.284496736) + t * (f(1.421413741) + t * (f(-1.453152027) + t * f(1.061405429))))
    )
    erf = np.copysign(f(1.0) - poly * np.exp(-z * z), x)
    return f(0.5) * x * (f(1.0) + erf)


class Encoder:
    """all-MiniLM-L6-v2 in numpy. ``encode(texts)`` returns unit vectors, one row a text."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, directory: str | Path | None = None, *, max_tokens: int = MAX_TOKENS):
        reason = why_unavailable()
        if directory is None and reason:
            raise EncoderUnavailable(reason)
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.directory = Path(directory) if directory is not None else model_dir()
        config = json.loads((self.directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        hidden = int(config["hidden_size"])
        if hidden != DIMENSION or config.get("hidden_act") != "gelu":
            raise EncoderUnavailable(f"unexpected model in {self.directory}: {config}")
        self.max_tokens = min(max_tokens, int(config["max_position_embeddings"]))

        self.tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        self.tokenizer.no_padding()  # batches are padded here, to their own longest text
        self.tokenizer.enable_truncation(self.max_tokens)

        w = load_file(str(self.directory / "model.safetensors"))
        self.size_bytes = sum(a.nbytes for a in w.values())
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])

        def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            # PyTorch stores (out, in); x @ W wants (in, out), contiguous for BLAS.
            return np.ascontiguousarray(w[prefix + ".weight"].T), w[prefix + ".bias"]

        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            q, k, v = (linear(p + f"attention.self.{n}") for n in ("query", "key", "value"))
            out_w, out_b = linear(p + "attention.output.dense")
            ff_in_w, ff_in_b = linear(p + "intermediate.dense")
            ff_out_w, ff_out_b = linear(p + "output.dense")
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(np.concatenate([q[0], k[0], v[0]], axis=1)),
                    qkv_b=np.concatenate([q[1], k[1], v[1]]),
                    out_w=out_w,
                    out_b=out_b,
                    ln1_g=w[p + "attention.output.LayerNorm.weight"],
                    ln1_b=w[p + "attention.output.LayerNorm.bias"],
                    ff_in_w=ff_in_w,
                    ff_in_b=ff_in_b,
                    ff_out_w=ff_out_w,
                    ff_out_b=ff_out_b,
                    ln2_g=w[p + "output.LayerNorm.weight"],
                    ln2_b=w[p + "output.LayerNorm.bias"],
                )
            )

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids with [CLS] and [SEP], truncated to ``max_tokens``."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, shape (len(texts), 384), in the order given.

        Texts are sorted by length so that each batch pads to little more than its own texts.
        """
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._encode_batch([ids[i] for i in chunk])
        return out

    def _encode_batch(self, batch: list[list[int]]) -> np.ndarray:
        n, length = len(batch), max(len(t) for t in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0

        x = self.word[ids] + self.position[:length] + self.token_type
        x = _layer_norm(x, *self.emb_ln, self.eps).reshape(n * length, DIMENSION)
        # Padding keys get a large negative score, so softmax gives them no weight.
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        head = DIMENSION // self.heads
        scale = np.float32(1.0 / math.sqrt(head))
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(n, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (n, heads, length, head)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n * length, DIMENSION)
            x = _layer_norm(
                x + context @ layer.out_w + layer.out_b, layer.ln1_g, layer.ln1_b, self.eps
            )
            hidden = _gelu(x @ layer.ff_in_w + layer.ff_in_b)
            x = _layer_norm(
                x + hidden @ layer.ff_out_w + layer.ff_out_b, layer.ln2_g, layer.ln2_b, self.eps
            )

        x = x.reshape(n, length, DIMENSION)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(
            mask.sum(axis=1, keepdims=True), 1e-9
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
