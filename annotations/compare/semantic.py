"""Sentence-embedding similarity for the matchers, each sentence encoded once.

``encoder_similarity()`` gives the ``similarity=`` hook of ``compare_documents`` backed by the
optional sentence encoder (``annotations.embeddings``), or None when it is not installed. The
hook keeps every sentence's vector, keyed by its text, so a story compared again when an article
joins it encodes only the new article's sentences: encoding is by far the dearest step (about
20 ms of CPU a sentence here, against well under 1 ms for everything else the comparison does).
Only workers and scripts should ask for it: it loads numpy and the model.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

Encode = Callable[[Sequence[str]], "np.ndarray"]
MAX_CACHED = 20000  # sentences kept (384 float32 each: about 30 MB)


class SentenceSimilarity:
    """Cosine similarity of sentence embeddings (clipped to [0, 1]), vectors cached by text."""

    def __init__(self, encode: Encode, max_cached: int = MAX_CACHED) -> None:
        self._encode = encode
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self.max_cached = max_cached
        self.encoded = 0  # sentences encoded so far (the rest came from the cache)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for t, v in zip(missing, self._encode(missing), strict=True):
                self._cache[t] = v
            self.encoded += len(missing)
        out = np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))
        while len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)
        return out

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Take vectors computed earlier (stored with a document) instead of encoding them."""
        for t, v in zip(texts, vectors, strict=True):
            self._cache[t] = v
        while len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)

    def prepare(self, texts: Sequence[str]) -> None:
        """Encode ``texts`` now, in one batch (a whole story's sentences)."""
        self.vectors(texts)

    def __call__(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not a or not b:
            return np.zeros((len(a), len(b)), dtype=np.float32)
        return np.clip(self.vectors(a) @ self.vectors(b).T, 0.0, 1.0)


def compared_sentences(text: str) -> list[str]:
    """The sentences of ``text`` a comparison asks the similarity about: what to encode (and
    keep) for a document ahead of comparing its story."""
    from .claims import MIN_STEMS, sentence_units
    from .text import Document

    return [u.text for u in sentence_units(Document("", text)) if len(u.stems) >= MIN_STEMS]


_shared: SentenceSimilarity | None = None


def encoder_similarity() -> SentenceSimilarity | None:
    """The process's similarity hook on the sentence encoder, or None without the extra."""
    global _shared
    from annotations import embeddings

    if not embeddings.available():
        return None
    if _shared is None:
        _shared = SentenceSimilarity(embeddings.encode)
    return _shared
