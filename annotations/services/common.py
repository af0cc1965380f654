"""What every service shares: storability checks, snapshots and the audit record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError

from annotations.domain import bounds
from annotations.domain import span as span_domain
from annotations.domain.text import unstorable
from annotations.errors import NON_FIELD, ValidationError
from annotations.models import AuditEvent, ClaimRating, DeskClaim, Span, Verdict

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_EVIDENCE_LINKS = 20
MAX_URL_LENGTH = 2000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def check_storable(value: str, *, field: str) -> None:
    """Refuse what PostgreSQL cannot store: NUL characters and lone surrogates."""
    reason = unstorable(value)
    if reason is not None:
        raise ValidationError(reason, field=field)


def check_metadata(value: Any) -> None:
    """A document's metadata within the one bound (annotations.domain.bounds): storable and
    exportable, whichever way it came in."""
    try:
        bounds.check_metadata(value)
    except bounds.Unbounded as exc:
        raise ValidationError(str(exc), field="metadata") from None


def record_event(
    *,
    project_id: int,
    obj: Any,
    action: str,
    actor: User | None,
    before: dict | None,
    after: dict | None,
) -> None:
    AuditEvent.objects.create(
        project_id=project_id,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        action=action,
        actor=actor,
        before=before,
        after=after,
    )


def span_snapshot(span: Span) -> dict[str, Any]:
    return span_domain.snapshot(span)


def verdict_snapshot(verdict: Verdict) -> dict[str, Any]:
    snapshot = {
        "rating": verdict.rating,
        "rationale": verdict.rationale,
        "evidence_links": list(verdict.evidence_links),
        "review_status": verdict.review_status,
        "review_reason": verdict.review_reason,
        "version": verdict.version,
    }
    # Only once it has one: the records of verdicts that never had an article keep their shape.
    if verdict.review_url:
        snapshot["review_url"] = verdict.review_url
    return snapshot


def full_clean(obj: Any, **options: Any) -> None:
    """The model's own checks as a backstop behind the services' readable ones. `options` go
    to Model.full_clean (exclude, validate_unique, validate_constraints)."""
    try:
        obj.full_clean(**options)
    except DjangoValidationError as exc:
        raise ValidationError(
            {k if k != "__all__" else NON_FIELD: list(v) for k, v in exc.message_dict.items()}
        ) from None


def desk_claim_snapshot(desk_claim: DeskClaim) -> dict[str, Any]:
    return {"wording": desk_claim.wording, "version": desk_claim.version}


def rating_snapshot(rating: ClaimRating) -> dict[str, Any]:
    return {
        "rating": rating.rating,
        "rationale": rating.rationale,
        "evidence_links": list(rating.evidence_links),
        "version": rating.version,
    }
