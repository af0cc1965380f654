"""Span suggesters: pure text in, candidate spans out. No Django here.

    from annotations.suggest import suggest_spans
    for c in suggest_spans(text):
        c.label, c.start, c.end, c.text, c.score, c.reason, c.speaker

Offsets are Python code-point indices into ``text`` (end exclusive) and ``c.text`` is always
``text[c.start:c.end]``. The learned suggesters live in ``annotations.suggest.learned`` and
``learned_quotes``: they need scikit-learn and a model trained on a project's labels, and are
not imported here, so that web processes (which import this package for the rules) never load
scikit-learn. Import them by name where a model is trained or used.
"""

from __future__ import annotations

from .candidates import LABELS, Candidate
from .claims import suggest_claims
from .opinions import suggest_opinions
from .quotes import suggest_quotes

__all__ = [
    "LABELS",
    "RULE_SUGGESTERS",
    "Candidate",
    "suggest_claims",
    "suggest_opinions",
    "suggest_quotes",
    "suggest_spans",
]

RULE_SUGGESTERS = {
    "quote-rules": suggest_quotes,
    "claim-rules": suggest_claims,
    "opinion-rules": suggest_opinions,
}


def suggest_spans(text: str) -> list[Candidate]:
    """Every rule suggester's candidates for ``text``, sorted by start (then end, label)."""
    out: list[Candidate] = []
    for fn in RULE_SUGGESTERS.values():
        out.extend(fn(text))
    out.sort(key=lambda c: (c.start, c.end, c.label))
    return out
