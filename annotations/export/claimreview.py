"""schema.org ClaimReview (JSON-LD), one per CLAIM with an approved verdict, as a JSON array.

reviewRating follows annotations.models.RATING_VALUES: 5 best, 1 worst; a rating with no place
on the numeric scale (unverifiable) carries its alternateName only. The selector passes only
claims whose verdict is approved; this module skips anything else as a second guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.export.rows import ExportContext, Group, SpanRow, check_span
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


def claim_review(group: Group, span: SpanRow, context: ExportContext) -> dict:
    document = group.document
    verdict = span.verdict
    assert verdict is not None
    if document.author:
        claim_author = {"@type": "Person", "name": document.author}
    else:
        claim_author = {"@type": "Organization", "name": document.outlet or document.title}
    appearance: dict = {
        "@type": "CreativeWork",
        "url": document.source_url or context.document_url(document.id),
        "headline": document.title,
    }
    if document.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": document.outlet}
    item: dict = {"@type": "Claim", "author": claim_author, "appearance": appearance}
    if document.published_on:
        item["datePublished"] = document.published_on
    published = verdict.reviewed_at or verdict.updated_at
    review: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{context.document_url(document.id)}#span-{span.id}",
        "claimReviewed": span.text,
        "author": {"@type": "Organization", "name": context.project_name},
        "datePublished": published.date(),
        "reviewRating": review_rating(verdict.rating),
        "itemReviewed": item,
    }
    if verdict.rationale:
        review["reviewBody"] = verdict.rationale
    return review


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    yield b"["
    separator = b""
    for group in groups:
        for span in group.spans:
            verdict = span.verdict
            if (
                span.label != Label.CLAIM
                or verdict is None
                or verdict.review_status != ReviewStatus.APPROVED
            ):
                continue
            check_span(group.document, span)
            yield separator + orjson.dumps(claim_review(group, span, context))
            separator = b","
    yield b"]\n"
