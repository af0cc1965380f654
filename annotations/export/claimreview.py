"""schema.org ClaimReview (JSON-LD), one per desk claim with an approved verdict, as a JSON
array.

- claimReviewed: the desk claim's canonical wording; reviewRating and reviewBody: its verdict.
  reviewRating follows annotations.models.RATING_VALUES: 5 best, 1 worst; a rating with no place
  on the numeric scale (unverifiable) carries its alternateName only.
- itemReviewed: the Claim, with `appearance` listing every article that carries it (one
  CreativeWork an article: its URL, headline, outlet as publisher, date) and `firstAppearance`
  the earliest of them, by published date, else by when it was imported; the Claim's author
  and date are those of its first appearance.
- url: the desk claim's first mention in the first article, in this app's workspace.

Appearances are the mentions the export's filters pass (by default, approved spans). A desk
claim's mentions can be in any of the streamed documents, so the reviews are written once the
documents have gone by: memory holds one small record a reviewed desk claim, never a text.
The selector passes only claims whose verdict is approved; this module skips anything else as a
second guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from annotations.export.rows import (
    DocumentRow,
    ExportContext,
    Group,
    SpanRow,
    VerdictRow,
    check_span,
)
from annotations.models import RATING_VALUES, Label, Rating, ReviewStatus

MEDIA_TYPE = "application/ld+json"
EXTENSION = "claimreview.jsonld"
BEST, WORST = 5, 1


def review_rating(rating: str) -> dict:
    body: dict = {"@type": "Rating", "alternateName": Rating(rating).label}
    value = RATING_VALUES[rating]
    if value is not None:
        body.update(ratingValue=value, bestRating=BEST, worstRating=WORST)
    return body


@dataclass(slots=True)
class Appearance:
    """One article that carries the claim, as much of it as the review shows."""

    order: tuple[date, Any, int]  # published (else imported) date, imported time, id
    span_id: int  # the claim's first mention in it
    work: dict[str, Any]
    author: dict[str, str]
    published_on: date | None


def appearance(document: DocumentRow, span_id: int, context: ExportContext) -> Appearance:
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": document.source_url or context.document_url(document.id),
        "headline": document.title,
    }
    if document.outlet:
        work["publisher"] = {"@type": "Organization", "name": document.outlet}
    if document.published_on:
        work["datePublished"] = document.published_on
    if document.author:
        author = {"@type": "Person", "name": document.author}
    else:
        author = {"@type": "Organization", "name": document.outlet or document.title}
    when = document.published_on or document.created_at.date()
    return Appearance(
        (when, document.created_at, document.id), span_id, work, author, document.published_on
    )


@dataclass(slots=True)
class Review:
    wording: str
    verdict: VerdictRow
    appearances: dict[int, Appearance] = field(default_factory=dict)  # by document id


def claim_review(review: Review, context: ExportContext) -> dict:
    appearances = sorted(review.appearances.values(), key=lambda a: a.order)
    first = appearances[0]
    first_document = first.order[2]
    item: dict = {
        "@type": "Claim",
        "author": first.author,
        "appearance": [a.work for a in appearances],
        "firstAppearance": first.work,
    }
    if first.published_on:
        item["datePublished"] = first.published_on
    verdict = review.verdict
    published = verdict.reviewed_at or verdict.updated_at
    body: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{context.document_url(first_document)}#span-{first.span_id}",
        "claimReviewed": review.wording,
        "author": {"@type": "Organization", "name": context.project_name},
        "datePublished": published.date(),
        "reviewRating": review_rating(verdict.rating),
        "itemReviewed": item,
    }
    if verdict.rationale:
        body["reviewBody"] = verdict.rationale
    return body


def _reviews(groups: Iterable[Group], context: ExportContext) -> dict[int, Review]:
    reviews: dict[int, Review] = {}
    for group in groups:
        document = group.document
        for span in group.spans:
            desk_claim: int | None = span.desk_claim
            if span.label != Label.CLAIM or desk_claim is None:
                continue
            verdict = span.verdict
            if verdict is None or verdict.review_status != ReviewStatus.APPROVED:
                continue
            check_span(document, span)
            review = reviews.get(desk_claim)
            if review is None:
                review = reviews[desk_claim] = Review(span.desk_claim_wording, verdict)
            if document.id not in review.appearances:
                review.appearances[document.id] = appearance(document, span.id, context)
    return reviews


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    reviews = _reviews(groups, context)
    yield b"["
    separator = b""
    for _, review in sorted(reviews.items()):
        yield separator + orjson.dumps(claim_review(review, context))
        separator = b","
    yield b"]\n"


__all__ = ["EXTENSION", "MEDIA_TYPE", "SpanRow", "claim_review", "render", "review_rating"]
