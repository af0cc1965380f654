"""Ratings and the verdict of a desk claim.

Any member rates any desk claim of their project (one rating each: rating, rationale, evidence
links; versioned, deletable, with history). The desk's verdict is one per desk claim, set by any
member (from a form prefilled with the ratings) and approved or rejected by a moderator
(services.moderation); editing an approved verdict reopens it. When a desk claim gets its first
rating and has no verdict, the verdict is made from that rating (pending), so one reviewer
rating one claim still gives a moderator something to approve.

The verdict can also be reached through one of its mentions (`span=`): the API's
/spans/{id}/verdict/ alias, and callers written when a verdict belonged to a span.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from annotations import policy
from annotations.domain import web_address
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import ClaimRating, DeskClaim, Label, Rating, ReviewStatus, Span, Verdict
from annotations.services.claims import lock_desk_claim
from annotations.services.common import (
    MAX_EVIDENCE_LINKS,
    UNSET,
    check_storable,
    full_clean,
    rating_snapshot,
    record_event,
    verdict_snapshot,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


_http_address = web_address.is_web_address


def _clean_review_url(review_url: str) -> str:
    review_url = review_url.strip()
    check_storable(review_url, field="review_url")
    if review_url and not _http_address(review_url):
        raise ValidationError(
            "The fact-check article's address must be an http or https address.",
            field="review_url",
        )
    return review_url


def _clean_evidence_links(links: list[str]) -> list[str]:
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            f"At most {MAX_EVIDENCE_LINKS} evidence links.", field="evidence_links"
        )
    cleaned: list[str] = []
    for position, link in enumerate(links, start=1):
        link = link.strip()
        if not _http_address(link):
            raise ValidationError(
                f"Link {position} ({link[:80]!r}) is not an http or https address.",
                field="evidence_links",
            )
        if link not in cleaned:
            cleaned.append(link)
    return cleaned


def _clean_judgement(
    rating: str, rationale: str, evidence_links: list[str] | None
) -> tuple[str, str, list[str]]:
    if rating not in Rating.values:
        raise ValidationError(
            f"Unknown rating {rating!r}; choose one of {', '.join(Rating.values)}.", field="rating"
        )
    check_storable(rationale, field="rationale")
    return rating, rationale, _clean_evidence_links(evidence_links or [])


def _desk_claim_of(desk_claim: DeskClaim | None, span: Span | None) -> DeskClaim:
    """The desk claim itself, or the one a mention belongs to."""
    if desk_claim is not None:
        return desk_claim
    if span is None:
        raise TypeError("Give the desk claim, or a span that is a mention of it.")
    span = Span.objects.select_related("desk_claim").get(pk=span.pk)
    if span.deleted_at is not None:
        raise Conflict("This span was deleted.")
    if span.label != Label.CLAIM:
        raise ValidationError(
            f"Only a CLAIM takes a verdict; this span is a {span.label}.", field="label"
        )
    if span.desk_claim is None:
        raise ValidationError(
            "This claim is not a mention of a desk claim yet.", field="desk_claim"
        )
    return span.desk_claim


# --- ratings: each member's own ----------------------------------------------------------------


def rating_set(
    *,
    desk_claim: DeskClaim,
    actor: User,
    rating: str,
    rationale: str = "",
    evidence_links: list[str] | None = None,
    version: int | None = None,
) -> ClaimRating:
    """Create or change `actor`'s rating of the desk claim. Changing it needs the version the
    caller read. The desk claim's first rating also makes its verdict, if it has none."""
    rating, rationale, links = _clean_judgement(rating, rationale, evidence_links)
    with transaction.atomic():
        # Locked so that two first ratings cannot both make the verdict.
        desk_claim = lock_desk_claim(desk_claim)
        if not policy.can_rate(actor, desk_claim.project_id):
            raise NotAllowed("Only members of the project can rate its claims.")
        own = desk_claim.ratings.select_for_update().filter(author=actor).first()
        if own is None:
            first = not desk_claim.ratings.exists()
            own = ClaimRating(desk_claim=desk_claim, author=actor)
            before = None
        else:
            first = False
            if version is None:
                raise ValidationError(
                    f"You already rated this claim (version {own.version}); send the version "
                    "you are changing.",
                    field="version",
                )
            if version != own.version:
                raise Conflict(
                    f"Your rating was changed elsewhere (you had version {version}, it is now "
                    f"version {own.version}).",
                    current=rating_snapshot(own),
                )
            before = rating_snapshot(own)
        own.rating, own.rationale, own.evidence_links = rating, rationale, links
        if before is not None:
            if rating_snapshot(own) == before:
                return own
            own.version += 1
        full_clean(own, validate_constraints=False)
        own.save()
        record_event(
            project_id=desk_claim.project_id,
            obj=own,
            action="create" if before is None else "update",
            actor=actor,
            before=before,
            after=rating_snapshot(own),
        )
        if first and not Verdict.objects.filter(desk_claim=desk_claim).exists():
            _verdict_from_rating(desk_claim, own, actor)
    return own


def _verdict_from_rating(desk_claim: DeskClaim, rating: ClaimRating, actor: User) -> None:
    verdict = Verdict(
        desk_claim=desk_claim,
        author=actor,
        rating=rating.rating,
        rationale=rating.rationale,
        evidence_links=list(rating.evidence_links),
    )
    verdict.save()
    record_event(
        project_id=desk_claim.project_id,
        obj=verdict,
        action="create",
        actor=actor,
        before=None,
        after=verdict_snapshot(verdict) | {"from_rating": rating.pk},
    )


def rating_delete(*, desk_claim: DeskClaim, actor: User, version: int | None = None) -> None:
    """Withdraw `actor`'s own rating (the verdict made from it stays: it is the desk's)."""
    with transaction.atomic():
        if not policy.can_rate(actor, desk_claim.project_id):
            raise NotAllowed("Only members of the project can rate its claims.")
        own = desk_claim.ratings.select_for_update().filter(author=actor).first()
        if own is None:
            return
        if version is not None and version != own.version:
            raise Conflict("Your rating was changed elsewhere.", current=rating_snapshot(own))
        record_event(
            project_id=desk_claim.project_id,
            obj=own,
            action="delete",
            actor=actor,
            before=rating_snapshot(own),
            after=None,
        )
        own.delete()


# --- the desk's verdict ------------------------------------------------------------------------


def verdict_set(
    *,
    actor: User,
    rating: str,
    desk_claim: DeskClaim | None = None,
    span: Span | None = None,
    rationale: str = "",
    evidence_links: list[str] | None = None,
    review_url: str = UNSET,
    version: int | None = None,
) -> Verdict:
    """Create or replace the desk's verdict on a desk claim (or on the desk claim `span` is a
    mention of). Changing an existing verdict needs the version the caller read, so two
    fact-checkers cannot silently overwrite each other; changing the judgement of an approved
    one (rating, rationale, evidence) reopens it.

    `review_url` is the desk's published fact-check article on the claim (ClaimReview's url);
    left out, it stays as it was. Giving it, or changing it, leaves the review as it is: it
    says where the judgement is published, not what it is."""
    rating, rationale, links = _clean_judgement(rating, rationale, evidence_links)
    if review_url is not UNSET:
        review_url = _clean_review_url(review_url)
    desk_claim = _desk_claim_of(desk_claim, span)
    with transaction.atomic():
        desk_claim = lock_desk_claim(desk_claim)
        if not policy.can_set_verdict(actor, desk_claim.project_id):
            raise NotAllowed("Only members of the project can set the verdict on its claims.")
        verdict = Verdict.objects.select_for_update().filter(desk_claim=desk_claim).first()
        if verdict is None:
            verdict = Verdict(desk_claim=desk_claim, author=actor)
            before = None
            action = "create"
        else:
            if version is None:
                raise ValidationError(
                    f"This claim already has a verdict (version {verdict.version}); send the "
                    "version you are changing.",
                    field="version",
                )
            if version != verdict.version:
                raise Conflict(
                    f"This verdict was changed by someone else (you had version {version}, "
                    f"it is now version {verdict.version}).",
                    current=verdict_snapshot(verdict),
                )
            before = verdict_snapshot(verdict)
            action = "update"
        judgement = (verdict.rating, verdict.rationale, list(verdict.evidence_links))
        verdict.rating, verdict.rationale, verdict.evidence_links = rating, rationale, links
        if review_url is not UNSET:
            verdict.review_url = review_url
        if before is not None:
            if verdict_snapshot(verdict) == before:
                return verdict
            verdict.version += 1
            rejudged = judgement != (rating, rationale, links)
            if rejudged and verdict.review_status == ReviewStatus.APPROVED:
                verdict.review_status = ReviewStatus.PENDING
                verdict.reviewed_by, verdict.reviewed_at, verdict.review_reason = None, None, ""
        full_clean(verdict, validate_constraints=False)
        verdict.save()
        record_event(
            project_id=desk_claim.project_id,
            obj=verdict,
            action=action,
            actor=actor,
            before=before,
            after=verdict_snapshot(verdict),
        )
    return verdict


def verdict_delete(
    *,
    actor: User,
    desk_claim: DeskClaim | None = None,
    span: Span | None = None,
    version: int | None = None,
) -> None:
    """Remove the desk's verdict (its history stays). The ratings stay."""
    desk_claim = _desk_claim_of(desk_claim, span)
    with transaction.atomic():
        desk_claim = lock_desk_claim(desk_claim)
        if not policy.can_set_verdict(actor, desk_claim.project_id):
            raise NotAllowed("Only members of the project can remove the verdict on its claims.")
        verdict = Verdict.objects.select_for_update().filter(desk_claim=desk_claim).first()
        if verdict is None:
            return
        if version is not None and version != verdict.version:
            raise Conflict(
                "This verdict was changed by someone else.", current=verdict_snapshot(verdict)
            )
        record_event(
            project_id=desk_claim.project_id,
            obj=verdict,
            action="delete",
            actor=actor,
            before=verdict_snapshot(verdict),
            after=None,
        )
        verdict.delete()
