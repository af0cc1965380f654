"""Every write path. Views, the API, the admin, commands and tasks call these and nothing else.

Each service validates (raising annotations.errors), writes inside a transaction, bumps the
version of what it edits and records who did what in AuditEvent.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations import policy
from annotations.errors import NON_FIELD, Conflict, NotAllowed, ValidationError
from annotations.models import (
    MAX_DOCUMENT_LENGTH,
    PREFIX_SUFFIX_LENGTH,
    AuditEvent,
    Document,
    Label,
    Membership,
    Project,
    Rating,
    ReviewStatus,
    Span,
    Verdict,
)

MAX_EVIDENCE_LINKS = 20
MAX_URL_LENGTH = 2000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- text -------------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """The one normalisation a document's text gets: line ends to \\n, then Unicode NFC."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def check_storable(value: str, *, field: str) -> None:
    """Refuse what PostgreSQL cannot store: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise ValidationError(
            "contains a NUL character (\\x00), which cannot be stored.", field=field
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            "contains a lone surrogate (invalid Unicode), which cannot be stored.", field=field
        ) from None


def check_storable_json(value: Any, *, field: str) -> None:
    """The same for a JSON value: jsonb refuses \\u0000 and lone surrogates anywhere inside."""
    dumped = json.dumps(value, ensure_ascii=False)
    if "\\u0000" in dumped:
        raise ValidationError(
            "contains a NUL character (\\u0000), which cannot be stored.", field=field
        )
    check_storable(dumped, field=field)


def span_context(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix stored with a span, for re-anchoring and TextQuoteSelector."""
    return text[max(0, start - PREFIX_SUFFIX_LENGTH) : start], text[
        end : end + PREFIX_SUFFIX_LENGTH
    ]


# --- audit ------------------------------------------------------------------------------------


def _record(
    *, project_id: int, obj: Any, action: str, actor, before: dict | None, after: dict | None
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
    return {
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "speaker": span.speaker,
        "note": span.note,
        "review_status": span.review_status,
        "review_reason": span.review_reason,
        "deleted": span.deleted_at is not None,
        "version": span.version,
    }


def verdict_snapshot(verdict: Verdict) -> dict[str, Any]:
    return {
        "rating": verdict.rating,
        "rationale": verdict.rationale,
        "evidence_links": list(verdict.evidence_links),
        "review_status": verdict.review_status,
        "review_reason": verdict.review_reason,
        "version": verdict.version,
    }


def _full_clean(obj: Any) -> None:
    """The model's own checks as a backstop behind the services' readable ones."""
    try:
        obj.full_clean()
    except DjangoValidationError as exc:
        raise ValidationError(
            {k if k != "__all__" else NON_FIELD: list(v) for k, v in exc.message_dict.items()}
        ) from None


# --- projects and people ----------------------------------------------------------------------


def project_get_or_create(*, name: str, description: str = "") -> tuple[Project, bool]:
    name = name.strip()
    if not name:
        raise ValidationError("A project needs a name.", field="name")
    return Project.objects.get_or_create(name=name, defaults={"description": description})


@transaction.atomic
def membership_set(*, project: Project, user, role: str) -> Membership:
    """Give the user this role in the project (adding them if they are not a member)."""
    if role not in policy.Role.values:
        raise ValidationError(
            f"Unknown role {role!r}; choose one of {', '.join(policy.Role.values)}.", field="role"
        )
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    policy.forget_roles(user)
    return membership


def user_get_or_create(*, username: str, password: str | None = None, email: str = ""):
    """The account with that username, created if missing. A given password is (re)set."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created


# --- documents --------------------------------------------------------------------------------


def document_import(
    *,
    project: Project,
    actor,
    text: str,
    title: str,
    outlet: str = "",
    author: str = "",
    source_url: str = "",
    published_on: date | None = None,
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
) -> Document:
    """Add an article to a project. Its text is normalised here, once, and never changes."""
    if actor is not None and not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can add documents to it.")
    for field, value in (("text", text), ("title", title), ("outlet", outlet), ("author", author)):
        check_storable(value, field=field)
    check_storable_json(metadata or {}, field="metadata")
    text = normalize_text(text)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["The document has no text."]
    elif len(text) > MAX_DOCUMENT_LENGTH:
        errors["text"] = [
            f"The text has {len(text):,} characters; the limit is {MAX_DOCUMENT_LENGTH:,}."
        ]
    title = title.strip()
    if not title:
        errors["title"] = ["A document needs a title."]
    if source_url and urlsplit(source_url).scheme not in ("http", "https"):
        errors["source_url"] = ["Give an http or https address."]
    if external_id and project.documents.filter(external_id=external_id).exists():
        errors["external_id"] = [f"This project already has a document with id {external_id!r}."]
    if errors:
        raise ValidationError(errors)

    document = Document(
        project=project,
        title=title,
        outlet=outlet.strip(),
        author=author.strip(),
        source_url=source_url,
        published_on=published_on,
        external_id=external_id,
        text=text,
        text_length=len(text),
        metadata=metadata or {},
        created_by=actor,
    )
    _full_clean(document)
    with transaction.atomic():
        document.save()
        _record(
            project_id=project.pk,
            obj=document,
            action="import",
            actor=actor,
            before=None,
            after={"title": document.title, "text_length": document.text_length},
        )
    return document


# --- spans ------------------------------------------------------------------------------------


def _check_label(label: str) -> None:
    if label not in Label.values:
        raise ValidationError(
            f"Unknown label {label!r}; choose one of {', '.join(Label.values)}.", field="label"
        )


def _check_range(document: Document, start: int, end: int, text: str) -> None:
    """The offsets must index the stored text and `text` must be exactly what they cover."""
    errors: dict[str, list[str]] = {}
    if start < 0:
        errors["start"] = ["Must be 0 or more."]
    if end <= start:
        errors["end"] = ["Must be greater than start (a span covers at least one character)."]
    elif end > document.text_length:
        errors["end"] = [
            f"Is past the end of the document, which has {document.text_length} characters "
            "(offsets count Unicode code points)."
        ]
    if errors:
        raise ValidationError(errors)
    actual = document.text[start:end]
    if text != actual:
        raise ValidationError(
            f"Does not match the document at {start}:{end}, which reads {actual!r} "
            "(offsets count Unicode code points of the NFC-normalised text).",
            field="text",
        )


def _check_speaker(label: str, speaker: str) -> None:
    check_storable(speaker, field="speaker")
    if speaker and label != Label.QUOTE:
        raise ValidationError("Only a QUOTE has a speaker.", field="speaker")


def _duplicate_message(label: str, start: int, end: int) -> str:
    return f"You already have a {label} span at {start}:{end} in this document."


def span_create(
    *,
    document: Document,
    actor,
    label: str,
    start: int,
    end: int,
    text: str,
    speaker: str = "",
    note: str = "",
) -> Span:
    if not policy.can_annotate(actor, document.project_id):
        raise NotAllowed("Only members of the project can add spans.")
    _check_label(label)
    _check_range(document, start, end, text)
    speaker = speaker.strip()
    _check_speaker(label, speaker)
    check_storable(note, field="note")
    if document.spans.filter(
        author=actor, label=label, start=start, end=end, deleted_at__isnull=True
    ).exists():
        raise ValidationError(_duplicate_message(label, start, end))

    prefix, suffix = span_context(document.text, start, end)
    span = Span(
        document=document,
        label=label,
        start=start,
        end=end,
        text=text,
        prefix=prefix,
        suffix=suffix,
        speaker=speaker,
        note=note,
        author=actor,
    )
    try:
        with transaction.atomic():
            span.save()
            _record(
                project_id=document.project_id,
                obj=span,
                action="create",
                actor=actor,
                before=None,
                after=span_snapshot(span),
            )
    except IntegrityError:
        # Two identical creates raced past the check above; the constraint kept one.
        raise ValidationError(_duplicate_message(label, start, end)) from None
    return span


def _lock_span(span: Span, version: int | None) -> Span:
    """Re-read the span under a row lock and refuse if the caller's version is stale."""
    locked = Span.objects.select_for_update().select_related("document").get(pk=span.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            f"This span was changed by someone else (you had version {version}, "
            f"it is now version {locked.version}).",
            current=span_snapshot(locked),
        )
    return locked


def span_update(
    *,
    span: Span,
    actor,
    version: int,
    label: str = UNSET,
    speaker: str = UNSET,
    note: str = UNSET,
    start: int = UNSET,
    end: int = UNSET,
    text: str = UNSET,
) -> Span:
    """Change a span's label, speaker, note or range. `version` is the one the caller read."""
    with transaction.atomic():
        span = _lock_span(span, version)
        if span.deleted_at is not None:
            raise Conflict("This span was deleted.", current=span_snapshot(span))
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can edit it.")
        before = span_snapshot(span)

        new_label = span.label if label is UNSET else label
        _check_label(new_label)
        if new_label != Label.CLAIM and hasattr(span, "verdict"):
            raise ValidationError(
                "This claim has a verdict; delete the verdict before changing the label.",
                field="label",
            )
        range_given = [v is not UNSET for v in (start, end, text)]
        if any(range_given):
            if not all(range_given):
                raise ValidationError(
                    "Moving a span takes start, end and text together.", field=NON_FIELD
                )
            _check_range(span.document, start, end, text)
            span.start, span.end, span.text = start, end, text
            span.prefix, span.suffix = span_context(span.document.text, start, end)
        if speaker is not UNSET:
            speaker = speaker.strip()
            _check_speaker(new_label, speaker)
            span.speaker = speaker
        elif new_label != Label.QUOTE:
            span.speaker = ""  # the speaker goes with the QUOTE label
        if note is not UNSET:
            check_storable(note, field="note")
            span.note = note
        span.label = new_label

        if span_snapshot(span) | {"version": 0} == before | {"version": 0}:
            return span  # nothing changed: no new version, no history row
        if (
            span.document.spans.filter(
                author=span.author_id,
                label=span.label,
                start=span.start,
                end=span.end,
                deleted_at__isnull=True,
            )
            .exclude(pk=span.pk)
            .exists()
        ):
            raise ValidationError(_duplicate_message(span.label, span.start, span.end))
        if span.review_status == ReviewStatus.APPROVED:
            # What a moderator approved is no longer what the span says.
            span.review_status = ReviewStatus.PENDING
            span.reviewed_by, span.reviewed_at, span.review_reason = None, None, ""
        span.version += 1
        _full_clean(span)
        span.save()
        _record(
            project_id=span.document.project_id,
            obj=span,
            action="update",
            actor=actor,
            before=before,
            after=span_snapshot(span),
        )
    return span


def span_delete(*, span: Span, actor, version: int | None = None) -> Span:
    """Soft delete: the span disappears from pages and exports; a moderator can restore it."""
    with transaction.atomic():
        span = _lock_span(span, version)
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can delete it.")
        if span.deleted_at is not None:
            return span
        before = span_snapshot(span)
        span.deleted_at = timezone.now()
        span.version += 1
        span.save(update_fields=["deleted_at", "version", "updated_at"])
        _record(
            project_id=span.document.project_id,
            obj=span,
            action="delete",
            actor=actor,
            before=before,
            after=span_snapshot(span),
        )
    return span


def span_restore(*, span: Span, actor) -> Span:
    """Bring a soft-deleted span back (the author's undo, or a moderator's restore)."""
    with transaction.atomic():
        span = _lock_span(span, None)
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can restore it.")
        if span.deleted_at is None:
            return span
        if span.document.spans.filter(
            author=span.author_id,
            label=span.label,
            start=span.start,
            end=span.end,
            deleted_at__isnull=True,
        ).exists():
            raise Conflict("An identical span was made since this one was deleted.")
        before = span_snapshot(span)
        span.deleted_at = None
        span.version += 1
        span.save(update_fields=["deleted_at", "version", "updated_at"])
        _record(
            project_id=span.document.project_id,
            obj=span,
            action="restore",
            actor=actor,
            before=before,
            after=span_snapshot(span),
        )
    return span


# --- verdicts ---------------------------------------------------------------------------------


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
    actor,
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
        span = _lock_span(span, None)
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
        _full_clean(verdict)
        verdict.save()
        _record(
            project_id=span.document.project_id,
            obj=verdict,
            action=action,
            actor=actor,
            before=before,
            after=verdict_snapshot(verdict),
        )
    return verdict


def verdict_delete(*, span: Span, actor, version: int | None = None) -> None:
    with transaction.atomic():
        span = _lock_span(span, None)
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can do this.")
        verdict = Verdict.objects.select_for_update().filter(span=span).first()
        if verdict is None:
            return
        if version is not None and version != verdict.version:
            raise Conflict(
                "This verdict was changed by someone else.", current=verdict_snapshot(verdict)
            )
        _record(
            project_id=span.document.project_id,
            obj=verdict,
            action="delete",
            actor=actor,
            before=verdict_snapshot(verdict),
            after=None,
        )
        verdict.delete()
