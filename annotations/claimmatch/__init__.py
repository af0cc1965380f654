"""Claim matching: has this claim been checked already? Pure Python and numpy, no Django.

    index = ClaimIndex(claims, vectors=stored_vectors)   # once per collection
    index.match("more than 250 died in the Sri Lanka Easter attacks")  # best first

Lexical matching always works; with the optional ``ml`` extra (annotations.embeddings) the
claims' sentence embeddings are fused in. ``claim_vectors`` computes what to store per claim.
Importing the package loads neither numpy nor scipy: the index does, when first asked for.
"""

from __future__ import annotations

from typing import Any

from .claims import Claim, Match, same_claim_key

__all__ = ["Claim", "ClaimIndex", "Match", "claim_vectors", "query_vector", "same_claim_key"]

_MATCHER = ("ClaimIndex", "claim_vectors", "query_vector")


def __getattr__(name: str) -> Any:
    if name in _MATCHER:
        from . import matcher

        return getattr(matcher, name)
    raise AttributeError(name)
