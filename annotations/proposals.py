"""Proposals for a CLAIM being tagged: the project's desk claims it may be a mention of, best
first, each with a score and a reason a reviewer can read. The page offers them beside "a new
desk claim"; choosing one moves the mention.

Candidates come from sources, then are scored the same way:

- context: every desk claim mentioned in the same story (Document.story), else, for a document
  in no story, in the same article;
- lexical: on PostgreSQL, full-text search over the wordings (DeskClaim.search_vector, GIN
  indexed) for any of the text's QUERY_TERMS rarest lexemes, the best LEXICAL_CANDIDATES by
  ts_rank; on SQLite (local mode) the project's newest wordings;
- SOURCES: more sources plugged in, e.g. an embedding index's nearest neighbours.

Each is scored by annotations.domain.claim.nearness (the content words shared); a plugged-in
SEMANTIC similarity is blended in with SEMANTIC_WEIGHT. Candidates in the same story (or
article) that clear CONTEXT_FLOOR come first; then the rest, by score.

A read, scoped like the others: the caller passes a document the user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import connection
from django.db.models import Count

from annotations.domain import claim as claim_domain
from annotations.models import DeskClaim, Document
from annotations.selectors import LIVE_MENTION

LIMIT = 5
LEXICAL_CANDIDATES = 50
CONTEXT_CANDIDATES = 500
FALLBACK_CANDIDATES = 20_000  # SQLite: the newest wordings scored in Python
MIN_SCORE = 0.1  # below this a desk claim from elsewhere is not proposed
CONTEXT_FLOOR = 0.2  # a same-story desk claim comes first from this score
SEMANTIC_WEIGHT = 0.5


class CandidateSource(Protocol):
    """More candidates for a text: (desk claim id, wording) pairs of the project."""

    def __call__(self, *, project_id: int, text: str, limit: int) -> list[tuple[int, str]]: ...


# text, wordings -> a similarity in [0, 1] for each wording (e.g. sentence embeddings' cosine).
Similarity = Callable[[str, Sequence[str]], Sequence[float]]

SOURCES: list[CandidateSource] = []
SEMANTIC: Similarity | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    desk_claim: DeskClaim  # with mention_count, rating_count and its verdict loaded
    score: float
    reason: str
    found_in: str  # "same story", "same article" or ""


_CONTEXT_REASONS = {
    "same story": "mentioned in the same story",
    "same article": "mentioned in this article",
}


def _context(document: Document) -> tuple[list[int], str]:
    """The documents whose desk claims come first, and what they are to this one."""
    if document.story_id is not None:
        ids = list(
            Document.objects.filter(
                story_id=document.story_id, deleted_at__isnull=True
            ).values_list("pk", flat=True)
        )
        return ids, "same story"
    return [document.pk], "same article"


def _context_candidates(document_ids: list[int]) -> dict[int, str]:
    return dict(
        DeskClaim.objects.filter(
            mentions__document__in=document_ids, mentions__deleted_at__isnull=True
        )
        .distinct()
        .order_by("-id")
        .values_list("id", "wording")[:CONTEXT_CANDIDATES]
    )


# The text's rarest lexemes, any of them: a shared rare word (a name, a figure) says more than a
# shared common one, and ranking every wording that shares a common word is what made the search
# slow (seconds for a long text in 100,000 wordings). How common a lexeme is comes from
# PostgreSQL's own statistics of the column (ANALYZE's most common elements); one it does not
# list is rarer than any it does. The ranking and the scoring below sort the candidates out.
_LEXICAL_SQL = """
WITH lexemes AS (
    SELECT lexeme FROM unnest(to_tsvector('english', %(text)s))
), common AS (
    SELECT element AS lexeme, frequency
    FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs)
        AS u(element, frequency)
    WHERE schemaname = current_schema()
        AND tablename = 'annotations_deskclaim' AND attname = 'search_vector'
), chosen AS (
    SELECT lexemes.lexeme FROM lexemes LEFT JOIN common USING (lexeme)
    WHERE coalesce(common.frequency, 0) < %(too_common)s
    ORDER BY coalesce(common.frequency, 0), length(lexemes.lexeme) DESC
    LIMIT %(terms)s
), q AS (
    SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS query FROM chosen
)
SELECT d.id, d.wording
FROM annotations_deskclaim d, q
WHERE d.project_id = %(project)s AND d.search_vector @@ q.query
ORDER BY ts_rank(d.search_vector, q.query) DESC, d.id DESC
LIMIT %(limit)s
"""
QUERY_TERMS = 8  # the rarest lexemes of the text searched for
TOO_COMMON = 0.05  # a lexeme in more than this share of the wordings is not searched for


def _lexical_candidates(project_id: int, text: str) -> dict[int, str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _LEXICAL_SQL,
                {
                    "text": text,
                    "too_common": TOO_COMMON,
                    "terms": QUERY_TERMS,
                    "project": project_id,
                    "limit": LEXICAL_CANDIDATES,
                },
            )
            return dict(cursor.fetchall())
    return dict(
        DeskClaim.objects.filter(project_id=project_id)
        .order_by("-id")
        .values_list("id", "wording")[:FALLBACK_CANDIDATES]
    )


def desk_claim_proposals(
    document: Document, text: str, *, exclude: Collection[int] = (), limit: int = LIMIT
) -> list[Proposal]:
    """The desk claims a CLAIM with this text in this document may be a mention of."""
    query = claim_domain.Terms.of(text)
    if not query:
        return []
    context_ids, context_name = _context(document)
    in_context = _context_candidates(context_ids)
    candidates = {**_lexical_candidates(document.project_id, text), **in_context}
    for source in SOURCES:
        candidates.update(source(project_id=document.project_id, text=text, limit=limit * 10))
    for desk_claim_id in exclude:
        candidates.pop(desk_claim_id, None)
    if not candidates:
        return []
    ids = list(candidates)
    nearness = {i: claim_domain.nearness(query, candidates[i]) for i in ids}
    scores = {i: nearness[i].score for i in ids}
    if SEMANTIC is not None:
        semantic = SEMANTIC(text, [candidates[i] for i in ids])
        for i, similarity in zip(ids, semantic, strict=True):
            scores[i] = round(
                (1 - SEMANTIC_WEIGHT) * scores[i] + SEMANTIC_WEIGHT * float(similarity), 4
            )
    kept = [i for i in ids if scores[i] >= MIN_SCORE or (i in in_context and nearness[i].shared)]
    kept.sort(key=lambda i: (i in in_context and scores[i] >= CONTEXT_FLOOR, scores[i], i))
    best = kept[::-1][:limit]
    loaded = DeskClaim.objects.select_related("verdict__author").annotate(
        mention_count=Count("mentions", filter=LIVE_MENTION, distinct=True),
        rating_count=Count("ratings", distinct=True),
    )
    by_id = {claim.pk: claim for claim in loaded.filter(pk__in=best)}
    proposals = []
    for i in best:
        if i not in by_id:
            continue
        context = context_name if i in in_context else ""
        reason = nearness[i].reason() + (f"; {_CONTEXT_REASONS[context]}" if context else "")
        proposals.append(Proposal(by_id[i], scores[i], reason, context))
    return proposals
