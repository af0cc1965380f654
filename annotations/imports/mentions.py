"""The desk claims an import's CLAIM spans need: every CLAIM is a mention of one, and CLAIMs of
one document on the same words share one, as span_create would make them. Pure: the writers
create the desk claims and give each span its desk claim's id."""

from __future__ import annotations

from collections.abc import Sequence

from annotations.domain import claim as claim_domain
from annotations.domain import span as span_domain

CLAIM = "CLAIM"


def new_desk_claims(
    spans: Sequence[tuple[int, Sequence[span_domain.NewSpan]]],
) -> tuple[list[str], list[list[int | None]]]:
    """For spans grouped by document id: the wordings of the desk claims to make, and for each
    span (in the order given) the index of its desk claim among them (None: not a CLAIM)."""
    wordings: list[str] = []
    chosen: list[list[int | None]] = []
    for document_id, group in spans:
        seen: dict[tuple[int, int, int], int] = {}
        indexes: list[int | None] = []
        for span in group:
            if span.label != CLAIM:
                indexes.append(None)
                continue
            key = (document_id, span.start, span.end)
            if key not in seen:
                seen[key] = len(wordings)
                wordings.append(claim_domain.wording_of(span.text))
            indexes.append(seen[key])
        chosen.append(indexes)
    return wordings, chosen
