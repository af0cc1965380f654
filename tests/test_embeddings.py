"""The numpy sentence encoder (the optional ml extra). Tests that need the model skip without it;
CI installs it (make install-ml) so that they run there."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from annotations import embeddings

needs_model = pytest.mark.skipif(
    not embeddings.available(), reason="the ml extra is not installed (make install-ml)"
)

TOLL = "At least 253 people were killed in the Easter Sunday bombings."
REWORDED = "More than 250 died in the Sri Lanka Easter attacks."
UNRELATED = "The central bank raised interest rates by half a percentage point on Tuesday."


def test_without_the_extra_the_encoder_says_it_is_unavailable_and_how_to_install_it(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == embeddings.MODEL_PACKAGE else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert embeddings.available() is False
    assert "make install-ml" in embeddings.why_unavailable()
    assert embeddings.MODEL_PACKAGE in embeddings.why_unavailable()
    with pytest.raises(embeddings.EncoderUnavailable):
        embeddings.Encoder()


@needs_model
def test_encoder_matches_sentence_transformers_on_the_same_weights():
    # The first six dimensions and the cosine that sentence-transformers 6.2 (PyTorch 2.13)
    # gives for these two sentences with the packaged model.
    reference = np.array(
        [
            [0.091973, -0.006627, -0.013865, -0.06551, -0.004814, 0.038441],
            [0.082761, 0.007424, -0.049856, -0.07107, 0.018245, 0.000698],
        ]
    )
    vectors = embeddings.encode([TOLL, REWORDED])
    assert np.abs(vectors[:, :6] - reference).max() < 2e-6
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.7468484, abs=1e-5)


@needs_model
def test_paraphrases_are_closer_than_unrelated_sentences():
    toll, reworded, unrelated = embeddings.encode([TOLL, REWORDED, UNRELATED])
    assert toll @ reworded > 0.6
    assert toll @ reworded > toll @ unrelated + 0.4
    assert reworded @ unrelated < 0.2


@needs_model
def test_vectors_are_unit_length_and_in_the_order_given_whatever_the_batching():
    texts = [UNRELATED, "Short.", TOLL * 3, REWORDED, "", "😀 #SriLanka"]
    together = embeddings.encode(texts, batch_size=2)
    assert together.shape == (len(texts), embeddings.DIMENSION)
    assert together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    one_by_one = np.stack([embeddings.encode([t])[0] for t in texts])
    assert np.abs(together - one_by_one).max() < 1e-5


@needs_model
def test_texts_past_the_token_limit_are_truncated_not_refused():
    encoder = embeddings.get_encoder()
    long_text = " ".join([TOLL] * 100)
    assert len(encoder.token_ids([long_text])[0]) == embeddings.MAX_TOKENS
    short_prefix = " ".join([TOLL] * 30)  # also past 256 word pieces: the same first 256
    a, b = encoder.encode([long_text, short_prefix])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-5)


@needs_model
def test_the_process_loads_the_model_once_and_an_empty_batch_costs_nothing():
    assert embeddings.get_encoder() is embeddings.get_encoder()
    assert embeddings.encode([]).shape == (0, embeddings.DIMENSION)
    assert embeddings.model_dir().joinpath("model.safetensors").is_file()
