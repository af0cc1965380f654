"""Stories as reviewers shape them: confirm, move, merge, split and rename.

Members of the project do all of these (policy.can_edit_stories); each is recorded in history:
a document's moves under the document (actions story_*), a story's creation, renaming, merging,
splitting and removal under the story. A move, merge or split is a reviewer's decision: the
documents it places are confirmed, and the story job (services.story_proposals) never moves
them again. Whenever an article joins a story, the story's comparison (services.matches) is
asked for, to run after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from annotations import policy
from annotations.errors import NotAllowed, ValidationError
from annotations.models import Document, Story, StoryStatus
from annotations.services.common import check_storable, full_clean, record_event
from annotations.services.matches import story_comparison_request
from annotations.services.story_membership import (
    STORY_FIELDS,
    first_key,
    place,
    record_move,
    story_lock,
    story_snapshot,
    story_state,
    tidy,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _allowed(actor: User, project_id: int) -> None:
    if not policy.can_edit_stories(actor, project_id):
        raise NotAllowed("Only members of the project can change its stories.")


def _clean_title(title: str) -> str:
    check_storable(title, field="title")
    title = " ".join(title.split())
    if not title:
        raise ValidationError("A story needs a title.", field="title")
    if len(title) > 500:
        raise ValidationError("At most 500 characters.", field="title")
    return title


def _locked(story: Story) -> Story:
    found = Story.objects.select_for_update().filter(pk=story.pk).first()
    if found is None:
        raise ValidationError("This story no longer exists.", field="story")
    return found


def _members(story: Story, documents: Sequence[Document], *, field: str) -> list[Document]:
    ids = {document.pk for document in documents}
    found = list(
        story.documents.select_for_update(of=("self",)).filter(pk__in=ids).only(*STORY_FIELDS)
    )
    if len(found) != len(ids):
        raise ValidationError("Some of these documents are not in the story.", field=field)
    return sorted(found, key=lambda d: d.pk)


def story_confirm(
    *, story: Story, actor: User, documents: Sequence[Document] | None = None
) -> list[Document]:
    """A reviewer confirms that the documents (all the story's proposed ones if none are
    given) belong to the story: the job will not move them again."""
    _allowed(actor, story.project_id)
    with transaction.atomic():
        story_lock(story.project_id)
        story = _locked(story)
        if documents is None:
            chosen = list(
                story.documents.select_for_update(of=("self",))
                .filter(story_status=StoryStatus.PROPOSED)
                .only(*STORY_FIELDS)
            )
        else:
            chosen = _members(story, documents, field="documents")
        for document in chosen:
            if document.story_status == StoryStatus.CONFIRMED:
                continue
            before = story_state(document)
            score, reason = document.story_score, document.story_reason
            place(document, story, StoryStatus.CONFIRMED, score, reason)
            record_move(document, "story_confirm", actor, before)
        story.save(update_fields=["updated_at"])
    return chosen


def story_move(*, document: Document, actor: User, to: Story | None, title: str = "") -> Story:
    """Move the document to another story of its project, or (``to`` None) to a new story
    titled ``title`` (its own title if empty). The move is a reviewer's decision: confirmed."""
    _allowed(actor, document.project_id)
    if to is not None and to.project_id != document.project_id:
        raise ValidationError("Choose a story of the document's project.", field="to")
    with transaction.atomic():
        story_lock(document.project_id)
        document = (
            Document.objects.select_for_update(of=("self",)).only(*STORY_FIELDS).get(pk=document.pk)
        )
        left = document.story_id
        if to is None:
            target = Story.objects.create(
                project_id=document.project_id, title=_clean_title(title or document.title)
            )
            record_event(
                project_id=document.project_id,
                obj=target,
                action="create",
                actor=actor,
                before=None,
                after=story_snapshot(target, [document.pk]),
            )
        else:
            target = _locked(to)
        before = story_state(document)
        place(document, target, StoryStatus.CONFIRMED, None, "")
        record_move(document, "story_move", actor, before)
        target.save(update_fields=["updated_at"])
        if left != target.pk:
            story_comparison_request(story=target.pk, actor=actor)
        if left is not None and left != target.pk:
            tidy(left, actor=actor)
    return target


def story_merge(*, story: Story, into: Story, actor: User) -> Story:
    """Every document of ``story`` joins ``into`` (each keeps whether it was confirmed), and
    ``story`` is deleted."""
    _allowed(actor, story.project_id)
    if into.project_id != story.project_id:
        raise ValidationError("Choose a story of the same project.", field="into")
    if into.pk == story.pk:
        raise ValidationError("A story cannot be merged into itself.", field="into")
    with transaction.atomic():
        story_lock(story.project_id)
        story, into = _locked(story), _locked(into)
        moved = list(story.documents.select_for_update(of=("self",)).only(*STORY_FIELDS))
        before = story_snapshot(into)
        for document in moved:
            state = story_state(document)
            place(
                document, into, document.story_status, document.story_score, document.story_reason
            )
            record_move(document, "story_merge", actor, state)
        record_event(
            project_id=into.project_id,
            obj=into,
            action="merge",
            actor=actor,
            before=before | {"merged": {"story": story.pk, "title": story.title}},
            after=story_snapshot(into),
        )
        into.save(update_fields=["updated_at"])
        tidy(story.pk, actor=actor)
        if moved:
            story_comparison_request(story=into.pk, actor=actor)
    return into


def story_split(
    *, story: Story, documents: Sequence[Document], actor: User, title: str = ""
) -> Story:
    """Some documents of the story leave it for a new story (titled ``title``, else the first
    one's title), confirmed there: a reviewer put them together."""
    _allowed(actor, story.project_id)
    if not documents:
        raise ValidationError("Choose the documents to split off.", field="documents")
    with transaction.atomic():
        story_lock(story.project_id)
        story = _locked(story)
        chosen = _members(story, documents, field="documents")
        if story.documents.count() == len(chosen):
            raise ValidationError(
                "Leave at least one document in the story (or rename it instead).",
                field="documents",
            )
        first = min(chosen, key=first_key)
        new = Story.objects.create(
            project_id=story.project_id, title=_clean_title(title or first.title)
        )
        for document in chosen:
            state = story_state(document)
            place(document, new, StoryStatus.CONFIRMED, None, "")
            record_move(document, "story_split", actor, state)
        record_event(
            project_id=story.project_id,
            obj=new,
            action="create",
            actor=actor,
            before=None,
            after=story_snapshot(new, [d.pk for d in chosen]) | {"split_from": story.pk},
        )
        record_event(
            project_id=story.project_id,
            obj=story,
            action="split",
            actor=actor,
            before=None,
            after={"documents": [d.pk for d in chosen], "into": new.pk},
        )
        story.save(update_fields=["updated_at"])
        tidy(story.pk, actor=actor)
        story_comparison_request(story=new.pk, actor=actor)
    return new


def story_rename(*, story: Story, actor: User, title: str) -> Story:
    _allowed(actor, story.project_id)
    title = _clean_title(title)
    with transaction.atomic():
        story = _locked(story)
        if story.title == title:
            return story
        before = {"title": story.title}
        story.title = title
        full_clean(story, exclude=["project"])
        story.save(update_fields=["title", "updated_at"])
        record_event(
            project_id=story.project_id,
            obj=story,
            action="rename",
            actor=actor,
            before=before,
            after={"title": title},
        )
    return story
