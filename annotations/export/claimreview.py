"""schema.org ClaimReview (JSON-LD), one per desk claim with an approved verdict, as a JSON
array a publisher can post: every field Google's fact-check markup requires (claimReviewed,
reviewRating with its alternateName, url) and recommends (author, datePublished, itemReviewed:
a Claim with its author, date, appearances and first appearance; the rating's numbers).

- claimReviewed: the desk claim's canonical wording; reviewRating and reviewBody: its verdict.
  reviewRating follows annotations.models.RATING_VALUES: 5 best, 1 worst; a rating with no place
  on the numeric scale (unverifiable) carries its alternateName only.
- url: the fact-check article: the verdict's own `review_url`, else the publisher's template
  (`https://desk.example.org/checks/{desk_claim_id}`). With neither, the claim's first mention
  in this app's workspace, which a publisher cannot post (login only): counted in the tally
  `reviews_without_article`.
- author: the publishing organisation (name, url, logo) from the project, else the settings;
  with no name configured, the project's name.
- itemReviewed: the Claim. Its author is who made it: the speaker of a QUOTE the claim sits in
  (a speaker named by a reviewer), else the article's byline (a Person) or its outlet (an
  Organization), from the earliest appearance that has one; never the headline. Its
  datePublished is the earliest published date of its appearances. `appearance` lists every
  article that carries it (a CreativeWork: the article's URL, headline, byline, outlet as
  publisher, date), earliest first (by published date, else import time); `firstAppearance` is
  the first. An article with no URL of its own is listed without one (never our login-only
  page) and counted in the tally `appearances_without_url`.

Appearances are the mentions the export's filters pass (by default, approved spans), and the
speakers those of the QUOTEs that pass them. A desk claim's mentions can be in any of the
streamed documents, so the reviews are written once the documents have gone by: memory holds
one small record a reviewed desk claim, never a text, and the tally is complete before the
first byte. The selector passes only claims whose verdict is approved; this module skips
anything else as a second guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from annotations.domain import publishing
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
# What the tally counts (the API sends them as X-ClaimReview-* headers).
APPEARANCES_WITHOUT_URL = "appearances_without_url"
REVIEWS_WITHOUT_ARTICLE = "reviews_without_article"


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
    published_on: date | None
    byline: str
    outlet: str
    speaker: str  # of the QUOTE a mention of the claim sits in, "" if none


def appearance(document: DocumentRow, span_id: int, speaker: str) -> Appearance:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if document.source_url:
        work["url"] = document.source_url
    work["headline"] = document.title
    if document.author:
        work["author"] = {"@type": "Person", "name": document.author}
    if document.outlet:
        work["publisher"] = {"@type": "Organization", "name": document.outlet}
    if document.published_on:
        work["datePublished"] = document.published_on
    when = document.published_on or document.created_at.date()
    return Appearance(
        (when, document.created_at, document.id),
        span_id,
        work,
        document.published_on,
        document.author,
        document.outlet,
        speaker,
    )


@dataclass(slots=True)
class Review:
    desk_claim: int
    wording: str
    verdict: VerdictRow
    appearances: dict[int, Appearance] = field(default_factory=dict)  # by document id

    def in_order(self) -> list[Appearance]:
        return sorted(self.appearances.values(), key=lambda a: a.order)


def article_url(review: Review, context: ExportContext) -> str:
    """The fact-check article's address, "" when nothing configures one."""
    if review.verdict.review_url:
        return review.verdict.review_url
    template = context.publisher.review_url_template
    if template:
        return publishing.review_url(
            template, desk_claim_id=review.desk_claim, project_id=context.project_id
        )
    return ""


def claim_author(appearances: list[Appearance]) -> dict[str, str] | None:
    """Who made the claim: a speaker it is quoted from, else a byline, else an outlet."""
    for found in appearances:
        if found.speaker:
            return {"@type": "Person", "name": found.speaker}
    for found in appearances:
        if found.byline:
            return {"@type": "Person", "name": found.byline}
        if found.outlet:
            return {"@type": "Organization", "name": found.outlet}
    return None


def publisher(context: ExportContext) -> dict[str, Any]:
    organisation: dict[str, Any] = {
        "@type": "Organization",
        "name": context.publisher.name or context.project_name,
    }
    if context.publisher.url:
        organisation["url"] = context.publisher.url
    if context.publisher.logo:
        organisation["logo"] = {"@type": "ImageObject", "url": context.publisher.logo}
    return organisation


def claim_review(review: Review, context: ExportContext) -> dict:
    appearances = review.in_order()
    first = appearances[0]
    item: dict = {"@type": "Claim"}
    author = claim_author(appearances)
    if author is not None:
        item["author"] = author
    dates = [a.published_on for a in appearances if a.published_on is not None]
    if dates:
        item["datePublished"] = min(dates)
    item["appearance"] = [a.work for a in appearances]
    item["firstAppearance"] = first.work
    verdict = review.verdict
    published = verdict.reviewed_at or verdict.updated_at
    url = article_url(review, context) or (
        f"{context.document_url(first.order[2])}#span-{first.span_id}"
    )
    body: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": review.wording,
        "author": publisher(context),
        "datePublished": published.date(),
        "reviewRating": review_rating(verdict.rating),
        "itemReviewed": item,
    }
    if verdict.rationale:
        body["reviewBody"] = verdict.rationale
    return body


def _speakers(spans: list[SpanRow]) -> list[tuple[int, int, str]]:
    return [
        (span.start, span.end, span.speaker)
        for span in spans
        if span.label == Label.QUOTE and span.speaker
    ]


def _speaker_of(span: SpanRow, quotes: list[tuple[int, int, str]]) -> str:
    """The speaker of the first QUOTE (by start) the span sits in."""
    for start, end, speaker in quotes:
        if start <= span.start and span.end <= end:
            return speaker
    return ""


def _reviews(groups: Iterable[Group], context: ExportContext) -> dict[int, Review]:
    reviews: dict[int, Review] = {}
    for group in groups:
        document = group.document
        quotes = _speakers(group.spans)
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
                review = reviews[desk_claim] = Review(desk_claim, span.desk_claim_wording, verdict)
            speaker = _speaker_of(span, quotes)
            found = review.appearances.get(document.id)
            if found is None:
                review.appearances[document.id] = appearance(document, span.id, speaker)
            elif speaker and not found.speaker:
                found.speaker = speaker
    return reviews


def _count(reviews: Iterable[Review], context: ExportContext) -> None:
    tally = context.tally
    tally[APPEARANCES_WITHOUT_URL] = tally[REVIEWS_WITHOUT_ARTICLE] = 0
    for review in reviews:
        tally[APPEARANCES_WITHOUT_URL] += sum(
            "url" not in a.work for a in review.appearances.values()
        )
        tally[REVIEWS_WITHOUT_ARTICLE] += not article_url(review, context)


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    reviews = _reviews(groups, context)
    _count(reviews.values(), context)
    yield b"["
    separator = b""
    for _, review in sorted(reviews.items()):
        yield separator + orjson.dumps(claim_review(review, context))
        separator = b","
    yield b"]\n"


__all__ = [
    "APPEARANCES_WITHOUT_URL",
    "EXTENSION",
    "MEDIA_TYPE",
    "REVIEWS_WITHOUT_ARTICLE",
    "SpanRow",
    "claim_review",
    "render",
    "review_rating",
]
