"""The story job: propose a story for a new document.

The job (story_propose) computes the document's signature (annotations.compare.stories) and,
under the project's story lock, stores it (the signature, its names and figures in the inverted
index, its keys in the project's vocabulary counts), looks up the few articles that share its
rarest names and figures, scores them and their stories, and then joins the best story, pairs
the document with the best article in no story (a new story of the two), or leaves it alone.
It runs after the import commits, is safe to run twice (the signature is upserted, the decision
is the same) and to kill (one transaction), and never moves a document a reviewer confirmed.
Whenever it puts an article in a story, the story's comparison (services.matches) is asked for,
to run after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations.compare import stories as scoring
from annotations.models import (
    Document,
    Project,
    Story,
    StoryKey,
    StorySignature,
    StoryStatus,
    StoryVocabulary,
)
from annotations.services.common import commit_without_waiting_for_disk, record_event
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

log = logging.getLogger(__name__)

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
        # A forgotten commit leaves the document unsigned: the sweep asks for it again.
        commit_without_waiting_for_disk()
        story_lock(found.project_id)
        document = (
            Document.objects.select_for_update(of=("self",))
            .filter(pk=document_id)
            .only(*STORY_FIELDS)
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
    before = story_state(document)
    left = document.story_id
    other = None
    if proposal.action == "pair":
        other = (
            Document.objects.select_for_update(of=("self",))
            .only(*STORY_FIELDS)
            .get(pk=proposal.document)
        )
    # A paired article was read in no story under the project's story lock, so it still is;
    # should it not be, the document joins the story it is in.
    join: int | None = proposal.story if other is None else other.story_id
    if join is not None:
        story = Story.objects.get(pk=join)
        if document.story_id != story.pk:
            story.save(update_fields=["updated_at"])
        place(document, story, StoryStatus.PROPOSED, proposal.score, proposal.reason)
    elif other is not None:
        first = min((document, other), key=first_key)
        story = Story.objects.create(project_id=document.project_id, title=first.title)
        record_event(
            project_id=document.project_id,
            obj=story,
            action="create",
            actor=None,
            before=None,
            after=story_snapshot(story, [document.pk, other.pk]),
        )
        other_before = story_state(other)
        reason = f"with “{document.title}”: {proposal.reason}"
        place(other, story, StoryStatus.PROPOSED, proposal.score, reason)
        record_move(other, "story_propose", None, other_before)
        place(document, story, StoryStatus.PROPOSED, proposal.score, proposal.reason)
    else:
        place(document, None, StoryStatus.NONE, None, "")
    if story_state(document) != before:
        record_move(document, "story_propose", None, before)
    if left is not None and left != document.story_id:
        tidy(left, actor=None)
    return document.story_id


def story_signatures_rebuild(*, project: Project, batch: int = 500) -> int:
    """Sign every document of the project again, in bulk and without proposing (after the
    signature changes, or to index a project imported before stories existed; the job does the
    proposing). Replaces the project's index and vocabulary. Returns how many were signed."""
    signed = 0
    counts: dict[str, int] = {}
    with transaction.atomic():
        story_lock(project.pk)
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
