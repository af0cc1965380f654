"""Stories: the job that proposes one for a new document, and what reviewers do with them.

The job (story_propose) computes the document's signature (annotations.compare.stories) and,
under the project's story lock, stores it (the signature, its names and figures in the inverted
index, its keys in the project's vocabulary counts), looks up the few articles that share its
rarest names and figures, scores them and their stories, and then joins the best story, pairs
the document with the best article in no story (a new story of the two), or leaves it alone.
It runs after the import commits, is safe to run twice (the signature is upserted, the decision
is the same) and to kill (one transaction), and never moves a document a reviewer confirmed.

Reviewers confirm, move, merge, split and rename. Members of the project do all of these
(policy.can_edit_stories); each is recorded in history: a document's moves under the document
(actions story_*), a story's creation, renaming, merging, splitting and removal under the story.

Whenever an article joins a story (the job's join or pair, a move, a merge, a split), the
story's comparison (services.matches) is asked for, to run after the commit.

One rule keeps the list of stories meaningful: a story left with no document is deleted, and a
story the job leaves with one document that nobody confirmed is dissolved (it was only ever a
proposal).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations import policy
from annotations.compare import stories as scoring
from annotations.errors import NotAllowed, ValidationError
from annotations.models import (
    Document,
    Project,
    Story,
    StoryKey,
    StorySignature,
    StoryStatus,
    StoryVocabulary,
)
from annotations.services.common import check_storable, full_clean, record_event
from annotations.services.matches import story_comparison_request

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

# pg_advisory_xact_lock(namespace, project): every story write of a project takes it, so the
# job's read-score-write and a reviewer's move never interleave, and two jobs of one project
# see each other's signatures. A lock of its own: the project row is locked by other work.
LOCK_NAMESPACE = 0x5707
MAX_STORY_MEMBERS_SCORED = 50  # a long story is judged by its latest articles
KEY_CHUNK = 5000  # keys a query asks for at once
# A document still without a signature this long after its import lost its job (the broker
# was down, the worker died): the sweep enqueues it again.
PROPOSAL_LOST_AFTER = timedelta(minutes=15)
SWEEP_LIMIT = 200


@dataclass(frozen=True)
class ProposalResult:
    """What one run of the job did: ``action`` is join, pair, alone or kept (confirmed)."""

    document_id: int
    action: str
    story_id: int | None
    score: float | None
    reason: str
    candidates: int


def _lock(project_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, project_id % 2**31]
            )


def _story_state(document: Document) -> dict[str, Any]:
    return {
        "story": document.story_id,
        "story_status": document.story_status,
        "story_score": document.story_score,
    }


def _story_snapshot(story: Story, document_ids: Iterable[int] | None = None) -> dict[str, Any]:
    ids = document_ids if document_ids is not None else story.documents.values_list("pk", flat=True)
    return {"title": story.title, "documents": sorted(ids)}


# --- requesting the job -----------------------------------------------------------------------


def story_proposals_enqueue(*, document_ids: list[int]) -> bool:
    """Hand the documents' jobs to the queue (one message for many: a bulk import's batch).
    False if the broker could not be reached; the sweep enqueues them later."""
    from annotations.tasks import enqueue_story_proposals, propose_story

    try:
        if len(document_ids) == 1:
            propose_story.enqueue(document_ids[0])
        else:
            enqueue_story_proposals.enqueue(document_ids)
    except Exception as exc:  # any broker failure: the documents wait for the sweep
        log.warning("Could not enqueue story proposals of %s documents: %s", len(document_ids), exc)
        return False
    return True


def story_proposals_fan_out(*, document_ids: list[int]) -> int:
    """The worker's side of a batch: enqueue each document's job, in import order."""
    from annotations.tasks import propose_story

    sent = 0
    for document_id in sorted(document_ids):
        propose_story.enqueue(document_id, queue=settings.BULK_TASK_QUEUE)
        sent += 1
    return sent


def story_proposals_sweep(*, now: datetime | None = None) -> list[int]:
    """Enqueue again the jobs of documents that still have no signature long after their
    import (the broker was down, the worker was killed). Returns their ids, oldest first."""
    now = now or timezone.now()
    lost = (
        Document.objects.filter(
            story_signature__isnull=True,
            created_at__lt=now - PROPOSAL_LOST_AFTER,
            deleted_at__isnull=True,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    ids = list(lost)
    if ids:
        story_proposals_enqueue(document_ids=ids)
    return ids


# --- the job ----------------------------------------------------------------------------------


def story_propose(*, document_id: int) -> ProposalResult | None:
    """The job's body: sign the document, then join, pair or leave it alone. None if the
    document is gone."""
    found = (
        Document.objects.filter(pk=document_id, deleted_at__isnull=True)
        .only("pk", "project_id", "title", "outlet", "published_on", "text")
        .first()
    )
    if found is None:  # gone, or deleted: a deleted document takes no part in stories
        return None
    signature = scoring.signature(
        found.text, title=found.title, outlet=found.outlet, published_on=found.published_on
    )
    with transaction.atomic():
        _lock(found.project_id)
        document = (
            Document.objects.select_for_update(of=("self",))
            .filter(pk=document_id)
            .only(*_STORY_FIELDS)
            .first()
        )
        if document is None:
            return None
        own_keys = _sign(document, signature)
        if document.story_status == StoryStatus.CONFIRMED:
            return ProposalResult(
                document.pk, "kept", document.story_id, document.story_score, "", 0
            )
        rarity = _rarity(document.project_id, signature.rarity_keys(), own=own_keys)
        candidates = _candidates(document, signature, rarity)
        _add_rarity(rarity, candidates, document.project_id)
        proposal = scoring.propose(signature, candidates, rarity)
        was_in = document.story_id
        story_id = _apply(document, proposal)
        if story_id is not None and story_id != was_in:
            story_comparison_request(story=story_id)
    return ProposalResult(
        document.pk, proposal.action, story_id, proposal.score, proposal.reason, len(candidates)
    )


_STORY_FIELDS = (
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


def _sign(document: Document, signature: scoring.Signature) -> set[str]:
    """Store the signature, its index keys and its vocabulary counts (upserts: a second run
    changes only what changed). Returns the document's keys."""
    keys = {key[:100] for key in signature.rarity_keys()}
    index_keys = {key[:100] for key in signature.index_keys()}
    stored = StorySignature.objects.filter(document_id=document.pk).first()
    old_keys: set[str] = set()
    if stored is not None:
        if stored.version == signature.version and stored.data == signature.to_json():
            return keys
        old_keys = {key[:100] for key in scoring.Signature.from_json(stored.data).rarity_keys()}
        stored.version, stored.data = signature.version, signature.to_json()
        stored.save(update_fields=["version", "data"])
    else:
        StorySignature.objects.create(
            document_id=document.pk,
            project_id=document.project_id,
            version=signature.version,
            data=signature.to_json(),
        )
    _count(document.project_id, keys - old_keys, +1)
    _count(document.project_id, old_keys - keys, -1)
    present: set[str] = set()
    if stored is not None:
        StoryKey.objects.filter(document_id=document.pk).exclude(key__in=index_keys).delete()
        present = set(
            StoryKey.objects.filter(document_id=document.pk).values_list("key", flat=True)
        )
    StoryKey.objects.bulk_create(
        [
            StoryKey(
                project_id=document.project_id,
                key=key,
                document_id=document.pk,
                published_on=document.published_on,
            )
            for key in sorted(index_keys - present)
        ],
        batch_size=1000,
    )
    return keys


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= KEY_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _count(project_id: int, keys: set[str], step: int) -> None:
    """Add ``step`` (1 or -1) to the vocabulary count of each key. Under the project's story
    lock: nothing else writes these rows meanwhile, so read-then-write is safe."""
    if not keys:
        return
    if connection.vendor == "postgresql":
        # One statement for the ~400 keys of an article (an upsert), instead of three.
        table = StoryVocabulary._meta.db_table
        with connection.cursor() as cursor:
            if step > 0:
                cursor.execute(
                    f"INSERT INTO {table} (project_id, key, documents) "
                    "SELECT %s, unnest(%s::varchar[]), 1 ON CONFLICT (project_id, key) "
                    f"DO UPDATE SET documents = {table}.documents + 1",
                    [project_id, sorted(keys)],
                )
            else:
                cursor.execute(
                    f"UPDATE {table} SET documents = documents - 1 "  # noqa: S608
                    "WHERE project_id = %s AND key = ANY(%s::varchar[]) AND documents > 0",
                    [project_id, sorted(keys)],
                )
        return
    for chunk in _chunks(sorted(keys)):
        rows = StoryVocabulary.objects.filter(project_id=project_id, key__in=chunk)
        if step < 0:
            rows.filter(documents__gt=0).update(documents=F("documents") - 1)
            continue
        known = set(rows.values_list("key", flat=True))
        if known:
            rows.filter(key__in=known).update(documents=F("documents") + 1)
        StoryVocabulary.objects.bulk_create(
            [
                StoryVocabulary(project_id=project_id, key=key, documents=1)
                for key in chunk
                if key not in known
            ],
            batch_size=1000,
        )


def _counts(project_id: int, keys: Iterable[str]) -> dict[str, int]:
    """The vocabulary counts of these keys (an article's and its candidates': thousands)."""
    wanted = sorted({key[:100] for key in keys})
    if connection.vendor == "postgresql":
        # An array parameter: planning a statement with 5,000 placeholders costs more than
        # running it.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, documents FROM {StoryVocabulary._meta.db_table} "  # noqa: S608
                "WHERE project_id = %s AND key = ANY(%s::varchar[])",
                [project_id, wanted],
            )
            return dict(cursor.fetchall())
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        found.update(
            StoryVocabulary.objects.filter(project_id=project_id, key__in=chunk).values_list(
                "key", "documents"
            )
        )
    return found


def _rarity(project_id: int, keys: Iterable[str], *, own: set[str]) -> scoring.Rarity:
    """How rare each key is among the project's other signed documents."""
    df = _counts(project_id, keys)
    for key in own:
        if key in df:
            df[key] = max(0, df[key] - 1)
    n = StorySignature.objects.filter(project_id=project_id).count() - 1
    return scoring.Rarity(df=df, n=max(0, n))


def _add_rarity(
    rarity: scoring.Rarity, candidates: Sequence[scoring.Candidate], project_id: int
) -> None:
    missing = {k for c in candidates for k in c.signature.rarity_keys()} - set(rarity.df)
    rarity.df = {**rarity.df, **_counts(project_id, missing)}


def _candidates(
    document: Document, signature: scoring.Signature, rarity: scoring.Rarity
) -> list[scoring.Candidate]:
    """The articles worth scoring: the shortlist of those sharing the rarest names and figures
    (published within the window), and every article of their stories and of the document's
    own, each with its story and signature."""
    keys = scoring.lookup_keys(signature, rarity)
    postings = StoryKey.objects.filter(project_id=document.project_id, key__in=keys).exclude(
        document_id=document.pk
    )
    if document.published_on is not None:
        window = timedelta(days=scoring.SHORTLIST_DAYS)
        day = document.published_on
        postings = postings.filter(
            Q(published_on__isnull=True) | Q(published_on__range=(day - window, day + window))
        )
    chosen = scoring.shortlist(postings.values_list("key", "document_id"), rarity)
    # A deleted document keeps its index rows (a restore needs nothing) but is never a match.
    live = Document.objects.filter(deleted_at__isnull=True)
    stories_of = dict(live.filter(pk__in=chosen).values_list("pk", "story_id"))
    story_ids: set[int] = {s for s in stories_of.values() if s}
    if document.story_id is not None:
        story_ids.add(document.story_id)
    members: dict[int, list[int]] = {}
    for pk, story_id in (
        live.filter(story_id__in=story_ids).exclude(pk=document.pk)
        .order_by("-pk").values_list("pk", "story_id")
    ):  # fmt: skip
        members.setdefault(story_id, []).append(pk)
    for story_id, ids in members.items():
        for pk in ids[:MAX_STORY_MEMBERS_SCORED]:
            stories_of[pk] = story_id
    signatures = dict(
        StorySignature.objects.filter(document_id__in=list(stories_of)).values_list(
            "document_id", "data"
        )
    )
    return [
        scoring.Candidate(pk, stories_of[pk], scoring.Signature.from_json(data))
        for pk, data in signatures.items()
    ]


def _apply(document: Document, proposal: scoring.Proposal) -> int | None:
    """Write the job's decision; returns the document's story id."""
    before = _story_state(document)
    left = document.story_id
    other = None
    if proposal.action == "pair":
        other = (
            Document.objects.select_for_update(of=("self",))
            .only(*_STORY_FIELDS)
            .get(pk=proposal.document)
        )
    # A paired article was read in no story under the project's story lock, so it still is;
    # should it not be, the document joins the story it is in.
    join: int | None = proposal.story if other is None else other.story_id
    if join is not None:
        story = Story.objects.get(pk=join)
        if document.story_id != story.pk:
            story.save(update_fields=["updated_at"])
        _place(document, story, StoryStatus.PROPOSED, proposal.score, proposal.reason)
    elif other is not None:
        first = min((document, other), key=_first_key)
        story = Story.objects.create(project_id=document.project_id, title=first.title)
        record_event(
            project_id=document.project_id,
            obj=story,
            action="create",
            actor=None,
            before=None,
            after=_story_snapshot(story, [document.pk, other.pk]),
        )
        other_before = _story_state(other)
        reason = f"with “{document.title}”: {proposal.reason}"
        _place(other, story, StoryStatus.PROPOSED, proposal.score, reason)
        _record_move(other, "story_propose", None, other_before)
        _place(document, story, StoryStatus.PROPOSED, proposal.score, proposal.reason)
    else:
        _place(document, None, StoryStatus.NONE, None, "")
    if _story_state(document) != before:
        _record_move(document, "story_propose", None, before)
    if left is not None and left != document.story_id:
        _tidy(left, actor=None)
    return document.story_id


def _first_key(document: Document) -> tuple[date, datetime, int]:
    """Which of two documents came first: the earlier publication, then the earlier import."""
    return (document.published_on or date.max, document.created_at, document.pk)


def _place(
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


def _record_move(
    document: Document, action: str, actor: User | None, before: dict[str, Any]
) -> None:
    record_event(
        project_id=document.project_id,
        obj=document,
        action=action,
        actor=actor,
        before=before,
        after=_story_state(document),
    )


def _tidy(story_id: int, *, actor: User | None) -> None:
    """Delete a story left empty. The job (no actor) also dissolves a story it leaves with a
    single unconfirmed document; after a reviewer's move what is left is theirs to judge."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return
    rest = list(story.documents.select_for_update(of=("self",)).only(*_STORY_FIELDS)[:2])
    if actor is None and len(rest) == 1 and rest[0].story_status == StoryStatus.PROPOSED:
        before = _story_state(rest[0])
        _place(rest[0], None, StoryStatus.NONE, None, "")
        _record_move(rest[0], "story_dissolve", actor, before)
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


# --- what reviewers do ------------------------------------------------------------------------


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
        story.documents.select_for_update(of=("self",)).filter(pk__in=ids).only(*_STORY_FIELDS)
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
        _lock(story.project_id)
        story = _locked(story)
        if documents is None:
            chosen = list(
                story.documents.select_for_update(of=("self",))
                .filter(story_status=StoryStatus.PROPOSED)
                .only(*_STORY_FIELDS)
            )
        else:
            chosen = _members(story, documents, field="documents")
        for document in chosen:
            if document.story_status == StoryStatus.CONFIRMED:
                continue
            before = _story_state(document)
            score, reason = document.story_score, document.story_reason
            _place(document, story, StoryStatus.CONFIRMED, score, reason)
            _record_move(document, "story_confirm", actor, before)
        story.save(update_fields=["updated_at"])
    return chosen


def story_move(*, document: Document, actor: User, to: Story | None, title: str = "") -> Story:
    """Move the document to another story of its project, or (``to`` None) to a new story
    titled ``title`` (its own title if empty). The move is a reviewer's decision: confirmed."""
    _allowed(actor, document.project_id)
    if to is not None and to.project_id != document.project_id:
        raise ValidationError("Choose a story of the document's project.", field="to")
    with transaction.atomic():
        _lock(document.project_id)
        document = (
            Document.objects.select_for_update(of=("self",))
            .only(*_STORY_FIELDS)
            .get(pk=document.pk)
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
                after=_story_snapshot(target, [document.pk]),
            )
        else:
            target = _locked(to)
        before = _story_state(document)
        _place(document, target, StoryStatus.CONFIRMED, None, "")
        _record_move(document, "story_move", actor, before)
        target.save(update_fields=["updated_at"])
        if left != target.pk:
            story_comparison_request(story=target.pk, actor=actor)
        if left is not None and left != target.pk:
            _tidy(left, actor=actor)
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
        _lock(story.project_id)
        story, into = _locked(story), _locked(into)
        moved = list(story.documents.select_for_update(of=("self",)).only(*_STORY_FIELDS))
        before = _story_snapshot(into)
        for document in moved:
            state = _story_state(document)
            _place(
                document, into, document.story_status, document.story_score, document.story_reason
            )
            _record_move(document, "story_merge", actor, state)
        record_event(
            project_id=into.project_id,
            obj=into,
            action="merge",
            actor=actor,
            before=before | {"merged": {"story": story.pk, "title": story.title}},
            after=_story_snapshot(into),
        )
        into.save(update_fields=["updated_at"])
        _tidy(story.pk, actor=actor)
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
        _lock(story.project_id)
        story = _locked(story)
        chosen = _members(story, documents, field="documents")
        if story.documents.count() == len(chosen):
            raise ValidationError(
                "Leave at least one document in the story (or rename it instead).",
                field="documents",
            )
        first = min(chosen, key=_first_key)
        new = Story.objects.create(
            project_id=story.project_id, title=_clean_title(title or first.title)
        )
        for document in chosen:
            state = _story_state(document)
            _place(document, new, StoryStatus.CONFIRMED, None, "")
            _record_move(document, "story_split", actor, state)
        record_event(
            project_id=story.project_id,
            obj=new,
            action="create",
            actor=actor,
            before=None,
            after=_story_snapshot(new, [d.pk for d in chosen]) | {"split_from": story.pk},
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
        _tidy(story.pk, actor=actor)
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


def story_signatures_rebuild(*, project: Project, batch: int = 500) -> int:
    """Sign every document of the project again, in bulk and without proposing (after the
    signature changes, or to index a project imported before stories existed; the job does the
    proposing). Replaces the project's index and vocabulary. Returns how many were signed."""
    signed = 0
    counts: dict[str, int] = {}
    with transaction.atomic():
        _lock(project.pk)
        StorySignature.objects.filter(project=project).delete()
        StoryKey.objects.filter(project=project).delete()
        StoryVocabulary.objects.filter(project=project).delete()
        documents = project.documents.order_by("pk").only(
            "pk", "project_id", "title", "outlet", "published_on", "text"
        )
        for start in range(0, project.documents.count(), batch):
            signatures, index = [], []
            for document in documents[start : start + batch]:
                signature = scoring.signature(
                    document.text,
                    title=document.title,
                    outlet=document.outlet,
                    published_on=document.published_on,
                )
                signatures.append(
                    StorySignature(
                        document_id=document.pk,
                        project_id=project.pk,
                        version=signature.version,
                        data=signature.to_json(),
                    )
                )
                index += [
                    StoryKey(
                        project_id=project.pk,
                        key=key,
                        document_id=document.pk,
                        published_on=document.published_on,
                    )
                    for key in sorted({k[:100] for k in signature.index_keys()})
                ]
                for key in {k[:100] for k in signature.rarity_keys()}:
                    counts[key] = counts.get(key, 0) + 1
            StorySignature.objects.bulk_create(signatures, batch_size=batch)
            StoryKey.objects.bulk_create(index, batch_size=5000)
            signed += len(signatures)
        StoryVocabulary.objects.bulk_create(
            [StoryVocabulary(project=project, key=k, documents=n) for k, n in counts.items()],
            batch_size=5000,
        )
    return signed
