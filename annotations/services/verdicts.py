"""Verdicts on claims: set (versioned, with history) and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.db import transaction

from annotations import policy
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import Label, Rating, ReviewStatus, Span, Verdict
from annotations.services.common import (
    MAX_EVIDENCE_LINKS,
    MAX_URL_LENGTH,
    check_storable,
    full_clean,
    record_event,
    verdict_snapshot,
)
from annotations.services.spans import lock_span

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _clean_evidence_links(links: list[str]) -> list[str]:
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            f"At most {MAX_EVIDENCE_LINKS} evidence links.", field="evidence_links"
        )
    cleaned: list[str] = []
    for position, link in enumerate(links, start=1):
        link = link.strip()
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > MAX_URL_LENGTH:
            raise ValidationError(
                f"Link {position} ({link[:80]!r}) is not an http or https address.",
                field="evidence_links",
            )
        if link not in cleaned:
            cleaned.append(link)
    return cleaned


def verdict_set(
    *,
    span: Span,
    actor: User,
    rating: str,
    rationale: str = "",
    evidence_links: list[str] | None = None,
    version: int | None = None,
) -> Verdict:
    """Create or replace the verdict on a CLAIM span. Changing an existing verdict needs the
    version the caller read, so two fact-checkers cannot silently overwrite each other."""
    if rating not in Rating.values:
        raise ValidationError(
            f"Unknown rating {rating!r}; choose one of {', '.join(Rating.values)}.", field="rating"
        )
    check_storable(rationale, field="rationale")
    links = _clean_evidence_links(evidence_links or [])
    with transaction.atomic():
        span = lock_span(span, None)
        if span.deleted_at is not None:
            raise Conflict("This span was deleted.")
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can rate it.")
        if span.label != Label.CLAIM:
            raise ValidationError(
                f"Only a CLAIM takes a verdict; this span is a {span.label}.", field="label"
            )
        verdict = Verdict.objects.select_for_update().filter(span=span).first()
        if verdict is None:
            verdict = Verdict(span=span, author=actor)
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
        verdict.rating, verdict.rationale, verdict.evidence_links = rating, rationale, links
        if before is not None:
            if verdict_snapshot(verdict) == before:
                return verdict
            verdict.version += 1
            if verdict.review_status == ReviewStatus.APPROVED:
                verdict.review_status = ReviewStatus.PENDING
                verdict.reviewed_by, verdict.reviewed_at, verdict.review_reason = None, None, ""
        full_clean(verdict)
        verdict.save()
        record_event(
            project_id=span.document.project_id,
            obj=verdict,
            action=action,
            actor=actor,
            before=before,
            after=verdict_snapshot(verdict),
        )
    return verdict


def verdict_delete(*, span: Span, actor: User, version: int | None = None) -> None:
    with transaction.atomic():
        span = lock_span(span, None)
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can do this.")
        verdict = Verdict.objects.select_for_update().filter(span=span).first()
        if verdict is None:
            return
        if version is not None and version != verdict.version:
            raise Conflict(
                "This verdict was changed by someone else.", current=verdict_snapshot(verdict)
            )
        record_event(
            project_id=span.document.project_id,
            obj=verdict,
            action="delete",
            actor=actor,
            before=verdict_snapshot(verdict),
            after=None,
        )
        verdict.delete()
