"""Where a document sits among its project's stories: the primitives the story job
(services.story_proposals) and reviewers' edits (services.stories) share.

Every story write of a project takes the project's story lock first (story_lock), so the job's
read-score-write and a reviewer's move never interleave. A document is put in a story with
place (written only if something changed) and the move recorded with record_move; tidy keeps
the list of stories meaningful: a story left with no document is deleted, and a story the job
leaves with one document that nobody confirmed is dissolved (it was only ever a proposal).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection

from annotations.models import Document, Story, StoryStatus
from annotations.services.common import record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# pg_advisory_xact_lock(namespace, project): every story write of a project takes it, so the
# job's read-score-write and a reviewer's move never interleave, and two jobs of one project
# see each other's signatures. A lock of its own: the project row is locked by other work.
LOCK_NAMESPACE = 0x5707


STORY_FIELDS = (
    "pk",
    "project_id",
    "title",
    "published_on",
    "created_at",
    "story_id",
    "story_status",
    "story_score",
    "story_reason",
)


def story_lock(project_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, project_id % 2**31]
            )


def story_state(document: Document) -> dict[str, Any]:
    return {
        "story": document.story_id,
        "story_status": document.story_status,
        "story_score": document.story_score,
    }


def story_snapshot(story: Story, document_ids: Iterable[int] | None = None) -> dict[str, Any]:
    ids = document_ids if document_ids is not None else story.documents.values_list("pk", flat=True)
    return {"title": story.title, "documents": sorted(ids)}


def first_key(document: Document) -> tuple[date, datetime, int]:
    """Which of two documents came first: the earlier publication, then the earlier import."""
    return (document.published_on or date.max, document.created_at, document.pk)


def place(
    document: Document, story: Story | None, status: str, score: float | None, reason: str
) -> None:
    """Put the document in the story (None: in none), written only if something changed."""
    score = None if score is None else min(1.0, max(0.0, score))
    now = (story.pk if story else None, status, score, reason)
    if now == (
        document.story_id,
        document.story_status,
        document.story_score,
        document.story_reason,
    ):
        return
    document.story = story
    document.story_status = status
    document.story_score = score
    document.story_reason = reason
    document.save(update_fields=["story", "story_status", "story_score", "story_reason"])


def record_move(
    document: Document, action: str, actor: User | None, before: dict[str, Any]
) -> None:
    record_event(
        project_id=document.project_id,
        obj=document,
        action=action,
        actor=actor,
        before=before,
        after=story_state(document),
    )


def tidy(story_id: int, *, actor: User | None) -> None:
    """Delete a story left empty. The job (no actor) also dissolves a story it leaves with a
    single unconfirmed document; after a reviewer's move what is left is theirs to judge."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return
    rest = list(story.documents.select_for_update(of=("self",)).only(*STORY_FIELDS)[:2])
    if actor is None and len(rest) == 1 and rest[0].story_status == StoryStatus.PROPOSED:
        before = story_state(rest[0])
        place(rest[0], None, StoryStatus.NONE, None, "")
        record_move(rest[0], "story_dissolve", actor, before)
        rest = []
    if not rest:
        record_event(
            project_id=story.project_id,
            obj=story,
            action="delete",
            actor=actor,
            before={"title": story.title},
            after=None,
        )
        story.delete()
