"""What claim matching takes and gives: plain data, no numpy (web code can import it)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

_KEY = re.compile(r"[\W_]+")


def same_claim_key(text: str) -> str:
    """Two wordings with the same key are the same claim (case, punctuation, quotes aside)."""
    return _KEY.sub("", text.lower())


@dataclass(frozen=True)
class Claim:
    """A checked claim to match against: its id in the caller's terms, its wording, and what
    else is known (a fact-check's title, indexed with the wording; when it was checked, which
    decides which of two same-worded claims stands for both; speaker and metadata are carried
    for the caller)."""

    id: str
    text: str
    title: str = ""
    date: datetime.date | None = None
    speaker: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Match:
    claim: Claim
    score: float  # 0..1: calibrated chance that this is the claim already checked
    reason: str
    lexical: float  # 0..1, relative to the best lexical match in the collection
    semantic: float | None  # cosine of the sentence embeddings; None without them
    rank_value: float  # what the ranking sorts on (method-dependent scale)
    duplicates: tuple[str, ...] = ()  # ids of claims with the same wording, folded into this one
