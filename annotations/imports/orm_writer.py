"""Writing checked spans with the ORM: the embedded SQLite of local mode."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from annotations.domain import span as span_domain
from annotations.models import AuditEvent, Document, Span

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def write_spans(
    *,
    document: Document,
    actor: User,
    spans: Sequence[span_domain.NewSpan],
    now: datetime,
) -> None:
    """The spans of one document and the history record of each, in bulk."""
    rows = [
        Span(document=document, author=actor, created_at=now, updated_at=now, **span._asdict())
        for span in spans
    ]
    Span.objects.bulk_create(rows, batch_size=500)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                project_id=document.project_id,
                object_type="span",
                object_id=row.pk,
                action="import",
                actor=actor,
                before=None,
                after=span_domain.snapshot(span),
            )
            for row, span in zip(rows, spans, strict=True)
        ],
        batch_size=500,
    )
