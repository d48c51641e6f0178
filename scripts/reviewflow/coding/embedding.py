"""Static sentence embeddings from WordLlama, whose weights ship inside its wheel (nothing is downloaded).

The learned recommendation scorer reads a segment's meaning through these vectors, so a sentence
phrased in words the training texts never used still lands near the sentences it resembles.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

EMBEDDING_MODEL = "wordllama l2_supercat"
EMBEDDING_DIM = 256


@lru_cache(maxsize=1)
def _model() -> Any:
    import wordllama
    from wordllama import WordLlama

    # The wheel holds the weights and tokenizer under its own folder; pointing the cache there and
    # forbidding downloads keeps every run offline and reproducible.
    return WordLlama.load(
        config="l2_supercat", dim=EMBEDDING_DIM, cache_dir=Path(wordllama.__file__).parent, disable_download=True
    )


def embed(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalized float32 vector per text (zeros for an empty text)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty text has no norm: its vector is zeros
        vectors = np.asarray(_model().embed(list(texts), norm=True), dtype=np.float32)
    return np.nan_to_num(vectors)
