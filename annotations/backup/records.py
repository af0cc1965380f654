"""The backup's record types: for each, the model it is made from, its own fields, the accounts
it names (by username) and the records it points at (by their id in the source). The dump and
the restore both read these, so a field added here goes out and comes back."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from annotations.models import (
    AuditEvent,
    ClaimRating,
    DeskClaim,
    Document,
    Membership,
    Project,
    Span,
    Story,
    Suggestion,
    Verdict,
)

FORMAT = "factcheck-project-backup"
VERSION = 1
# A document line carries its text (up to 2 million code points), escaped as JSON.
MAX_LINE_BYTES = 64 * 1024 * 1024
HEADER, END = "backup", "end"


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # the record's `type`
    model: type[models.Model]
    fields: tuple[str, ...]  # its own values, by the model's field names
    users: tuple[str, ...] = ()  # foreign keys to an account: the username
    refs: tuple[tuple[str, str], ...] = ()  # foreign keys to another record: (field, type)
    # The fields Django fills on save (auto_now, auto_now_add): set again after the insert.
    times: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        """Every key a record of this type has."""
        refs = (field for field, _ in self.refs)
        return frozenset(("type", "id", *self.fields, *self.users, *refs))


PROJECT = Kind(
    "project",
    Project,
    (
        "name",
        "description",
        "publisher_name",
        "publisher_url",
        "publisher_logo",
        "review_url_template",
        "created_at",
    ),
)
USER = "user"
USER_FIELDS = ("username", "first_name", "last_name")
MEMBERSHIP = Kind("membership", Membership, ("role", "created_at"), users=("user",))
STORY = Kind(
    "story", Story, ("title", "created_at", "updated_at"), times=("created_at", "updated_at")
)
DESK_CLAIM = Kind(
    "desk_claim",
    DeskClaim,
    ("wording", "version", "created_at", "updated_at"),
    users=("created_by",),
    times=("created_at", "updated_at"),
)
DOCUMENT = Kind(
    "document",
    Document,
    (
        "title",
        "outlet",
        "author",
        "source_url",
        "published_on",
        "external_id",
        "text",
        "metadata",
        "created_at",
        "story_status",
        "story_score",
        "story_reason",
        "version",
        "deleted_at",
    ),
    users=("created_by",),
    refs=(("story", "story"),),
    times=("created_at",),
)
SUGGESTION = Kind(
    "suggestion",
    Suggestion,
    (
        "label",
        "start",
        "end",
        "text",
        "score",
        "reason",
        "suggester",
        "suggester_version",
        "speaker",
        "speaker_start",
        "speaker_end",
        "status",
        "decided_at",
        "created_at",
    ),
    users=("decided_by",),
    refs=(("document", "document"),),
    times=("created_at",),
)
SPAN = Kind(
    "span",
    Span,
    (
        "label",
        "start",
        "end",
        "text",
        "prefix",
        "suffix",
        "speaker",
        "note",
        "review_status",
        "reviewed_at",
        "review_reason",
        "version",
        "deleted_at",
        "created_at",
        "updated_at",
    ),
    users=("author", "reviewed_by"),
    refs=(("document", "document"), ("desk_claim", "desk_claim"), ("suggestion", "suggestion")),
    times=("created_at", "updated_at"),
)
RATING = Kind(
    "rating",
    ClaimRating,
    ("rating", "rationale", "evidence_links", "version", "created_at", "updated_at"),
    users=("author",),
    refs=(("desk_claim", "desk_claim"),),
    times=("created_at", "updated_at"),
)
VERDICT = Kind(
    "verdict",
    Verdict,
    (
        "rating",
        "rationale",
        "evidence_links",
        "review_url",
        "review_status",
        "reviewed_at",
        "review_reason",
        "version",
        "created_at",
        "updated_at",
    ),
    users=("author", "reviewed_by"),
    refs=(("desk_claim", "desk_claim"),),
    times=("created_at", "updated_at"),
)
EVENT = Kind(
    "event",
    AuditEvent,
    ("object_type", "object_id", "action", "before", "after", "created_at"),
    users=("actor",),
    times=("created_at",),
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        PROJECT,
        MEMBERSHIP,
        STORY,
        DESK_CLAIM,
        DOCUMENT,
        SUGGESTION,
        SPAN,
        RATING,
        VERDICT,
        EVENT,
    )
}
# The file's order, as ranks: a record only points at those before it, so a record's rank never
# goes down; a document's suggestions and spans share its rank and follow it.
RANK = {
    HEADER: 0,
    PROJECT.name: 1,
    USER: 2,
    MEMBERSHIP.name: 3,
    STORY.name: 4,
    DESK_CLAIM.name: 5,
    DOCUMENT.name: 6,
    SUGGESTION.name: 6,
    SPAN.name: 6,
    RATING.name: 7,
    VERDICT.name: 8,
    EVENT.name: 9,
    END: 10,
}

# The record type of an event's object (AuditEvent.object_type).
EVENT_OBJECTS = {
    "project": PROJECT.name,
    "membership": MEMBERSHIP.name,
    "story": STORY.name,
    "deskclaim": DESK_CLAIM.name,
    "document": DOCUMENT.name,
    "suggestion": SUGGESTION.name,
    "span": SPAN.name,
    "claimrating": RATING.name,
    "verdict": VERDICT.name,
}
# The ids inside an event's before and after states, by key: the record type they name.
STATE_IDS = {
    "story": STORY.name,  # a document's place in stories
    "documents": DOCUMENT.name,  # a story's documents
    "split_from": STORY.name,
    "into": STORY.name,
    "desk_claim": DESK_CLAIM.name,  # a mention's move, a verdict carried to its desk claim
    "mentions": SPAN.name,
    "span": SPAN.name,  # a verdict's span, before verdicts were the desk claims'
    "from_rating": RATING.name,
    "merged": VERDICT.name,
    "from_verdict": VERDICT.name,
}
