"""Writing checked spans with the ORM: the embedded SQLite of local mode. Each CLAIM comes with
its desk claim (annotations.imports.mentions), made here in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from annotations.domain import span as span_domain
from annotations.imports.mentions import new_desk_claims
from annotations.models import AuditEvent, DeskClaim, Document, Span

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def write_spans(
    *,
    document: Document,
    actor: User,
    spans: Sequence[span_domain.NewSpan],
    now: datetime,
) -> None:
    """The spans of one document, the desk claims its CLAIMs need, and the history record of
    each, in bulk."""
    wordings, (indexes,) = new_desk_claims([(document.pk, spans)])
    claims = DeskClaim.objects.bulk_create(
        [
            DeskClaim(project_id=document.project_id, wording=wording, created_by=actor)
            for wording in wordings
        ],
        batch_size=500,
    )
    rows = [
        Span(
            document=document,
            author=actor,
            created_at=now,
            updated_at=now,
            desk_claim=None if index is None else claims[index],
            **span._asdict(),
        )
        for span, index in zip(spans, indexes, strict=True)
    ]
    Span.objects.bulk_create(rows, batch_size=500)
    events = [
        AuditEvent(
            project_id=document.project_id,
            object_type="deskclaim",
            object_id=claim.pk,
            action="import",
            actor=actor,
            before=None,
            after={"wording": claim.wording, "version": claim.version},
        )
        for claim in claims
    ]
    events += [
        AuditEvent(
            project_id=document.project_id,
            object_type="span",
            object_id=row.pk,
            action="import",
            actor=actor,
            before=None,
            after=span_domain.snapshot(row),
        )
        for row in rows
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
