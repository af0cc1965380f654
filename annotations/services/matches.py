"""Outlet matches: the comparison job of a story, and what reviewers decide about its matches.

The job (story_comparison_run) compares the articles of a story (annotations.compare) and
upserts what it finds on the match's natural key (kind, both documents, both ranges). It runs
after an article joins a story (services.story_proposals and services.stories ask for it when
the story job, a move, a merge or a split puts a document in one) and when a reviewer asks
again. It is safe to run twice: a re-run updates the still-open matches it finds again, removes
the open ones it no longer finds, and never touches a decided one nor proposes again what a
reviewer dismissed (the same kind, the same two articles, both sides overlapping). It computes
outside any transaction and writes in one, so a run killed half-way leaves nothing half-written.

With the optional sentence encoder (annotations.embeddings, used when
settings.COMPARE_WITH_ENCODER) claims are compared by meaning as well as by words. Each
document's sentence vectors are kept (SentenceVectors), so comparing a story again encodes only
the articles that joined it since.

Reviewers confirm, dismiss or reopen a match (any member of the project). Confirming a claim
match makes both sides mentions of one desk claim, so a verdict on one shows on the other: a
side with no CLAIM span gets one (by the reviewer), and the other side's CLAIM spans on those
words move onto the first side's desk claim (the one with a verdict, if only one has).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from annotations import policy
from annotations.compare import VERSION, compare_documents
from annotations.compare.matches import Match
from annotations.domain.match import closeness, overlaps
from annotations.errors import NotAllowed, ValidationError
from annotations.models import (
    DeskClaim,
    Document,
    Label,
    OutletMatch,
    ReviewStatus,
    SentenceVectors,
    Span,
    Story,
    StoryComparison,
)
from annotations.services.common import commit_without_waiting_for_disk, record_event
from annotations.services.spans import mention_move, span_create

if TYPE_CHECKING:
    import numpy as np
    from django.contrib.auth.models import User

    from annotations.compare import Similarity
    from annotations.compare.semantic import SentenceSimilarity

log = logging.getLogger(__name__)

# A story longer than this is compared by its latest articles (every pair: the cost grows with
# the square of the count; 30 articles are 435 pairs, a few seconds).
MAX_DOCUMENTS = 30
# Seconds a worker waits before comparing: the articles of one import arrive together, and one
# comparison after the last covers them all (the others find it done and return).
DELAY = 3.0
# While a story's articles keep arriving, each request's job that finds a later request (whose
# own job comes after it) returns without comparing, unless the story has not been compared for
# this long: every run compares the whole story again (on articles that all quote each other, 30
# of them cost tens of seconds of worker CPU), so one for each article of a stream was the
# worker's main cost, all but the last one's result replaced at once.
COMPARE_AT_LEAST_EVERY = timedelta(seconds=60)
# A comparison asked for this long ago and still not done lost its job (the queue could not be
# reached, the worker was killed): the sweep asks again.
LOST_AFTER = timedelta(minutes=15)
SWEEP_LIMIT = 100

Key = tuple[str, int, int, int, int, int, int]


@dataclass(frozen=True)
class ComparisonResult:
    """What one run did (``skipped``: a run started after the last request already covered it,
    or one is running that does)."""

    story_id: int
    skipped: bool = False
    counts: dict[str, Any] = field(default_factory=dict)


def comparer_version(*, encoder: str = "") -> str:
    return f"{VERSION}+{encoder}" if encoder else VERSION


# --- asking for the job -----------------------------------------------------------------------


def story_comparison_request(*, story: Story | int, actor: User | None = None) -> StoryComparison:
    """Ask for the story's comparison: recorded now, handed to the queue after the commit.
    ``actor`` None: the system (an article joined the story)."""
    story_id = story if isinstance(story, int) else story.pk
    if actor is not None:
        project_id = Story.objects.values_list("project_id", flat=True).get(pk=story_id)
        if not policy.can_decide_matches(actor, project_id):
            raise NotAllowed("Only members of the project can compare its articles.")
    now = timezone.now()
    with transaction.atomic():
        comparison, created = StoryComparison.objects.select_for_update().get_or_create(
            story_id=story_id, defaults={"requested_at": now, "requested_by": actor}
        )
        if not created:
            comparison.requested_at = now
            comparison.requested_by = actor
            comparison.error = ""
            if comparison.status != StoryComparison.Status.RUNNING:
                # Running: it stays so; the run sees the newer request when it ends.
                comparison.status = StoryComparison.Status.QUEUED
            comparison.save(update_fields=["requested_at", "requested_by", "error", "status"])
        transaction.on_commit(lambda: story_comparison_enqueue(story_id=story_id, requested_at=now))
    return comparison


def story_comparison_enqueue(*, story_id: int, requested_at: datetime | None = None) -> bool:
    """Hand the story's comparison to the queue (with the time of the request it answers, so
    that a later request's job can stand for it). False if the queue could not be reached: the
    state says so, and the sweep asks again later."""
    from annotations.tasks import compare_story

    try:
        asked = None if requested_at is None else requested_at.isoformat()
        compare_story.enqueue(story_id, asked, countdown=DELAY)
    except Exception as exc:  # any broker failure: the comparison waits for the sweep
        log.warning("Could not enqueue the comparison of story %s: %s", story_id, exc)
        StoryComparison.objects.filter(pk=story_id, status=StoryComparison.Status.QUEUED).update(
            error="The job queue could not be reached; it will be tried again."
        )
        return False
    return True


def story_comparisons_sweep(*, now: datetime | None = None) -> list[int]:
    """Ask again for comparisons that were never done (queued or running long ago), and for
    stories of two or more articles that were never compared (made before comparisons
    existed). Returns the stories' ids."""
    now = now or timezone.now()
    lost = StoryComparison.objects.filter(
        Q(status=StoryComparison.Status.QUEUED, requested_at__lt=now - LOST_AFTER)
        | Q(status=StoryComparison.Status.RUNNING, started_at__lt=now - LOST_AFTER)
    ).values_list("story_id", flat=True)[:SWEEP_LIMIT]
    ids = list(lost)
    never = (
        Story.objects.filter(comparison__isnull=True)
        .filter(documents__isnull=False)
        .values_list("pk", flat=True)
        .distinct()[: SWEEP_LIMIT * 4]
    )
    counts: dict[int, int] = defaultdict(int)
    for story_id in Document.objects.filter(story_id__in=list(never)).values_list(
        "story_id", flat=True
    ):
        counts[story_id] += 1
    ids += [story_id for story_id, n in sorted(counts.items()) if n >= 2][:SWEEP_LIMIT]
    for story_id in ids:
        story_comparison_request(story=story_id)
    return ids


# --- the job ----------------------------------------------------------------------------------


def story_comparison_run(
    *, story_id: int, requested_at: datetime | None = None
) -> ComparisonResult | None:
    """The job's body: compare the story's articles and upsert the matches. None if the story
    is gone. ``requested_at``: the request the job was sent for (None: any, as a job sent
    before jobs carried it)."""
    started = _start(story_id, requested_at)
    if started is None:
        return None
    if isinstance(started, ComparisonResult):
        return started
    cpu = time.process_time()
    documents = _documents(story_id)
    similarity, encoder = _similarity(documents) if len(documents) >= 2 else (None, "")
    found = (
        compare_documents(
            [(str(pk), text) for pk, text in documents],
            # its matrices are numpy arrays: rows of floats, as the hook asks
            similarity=cast("Similarity | None", similarity),
        )
        if len(documents) >= 2
        else []
    )
    version = comparer_version(encoder=encoder)
    with transaction.atomic():
        # A forgotten end leaves the comparison running: the sweep asks again (LOST_AFTER).
        commit_without_waiting_for_disk()
        comparison = StoryComparison.objects.select_for_update().filter(pk=story_id).first()
        story = Story.objects.filter(pk=story_id).only("pk", "project_id").first()
        if comparison is None or story is None:
            return None
        counts: dict[str, Any] = {**_write(story, [pk for pk, _ in documents], found, version)}
        counts |= {
            "documents": len(documents),
            "found": len(found),
            "encoded": similarity.encoded if similarity is not None else 0,
            "cpu_seconds": round(time.process_time() - cpu, 3),
        }
        # A run that started after this one is still under way: it sets the state at its end.
        # Else done, unless someone asked again meanwhile (their job is queued).
        if comparison.started_at is None or comparison.started_at <= started:
            newer = comparison.requested_at > started
            comparison.status = (
                StoryComparison.Status.QUEUED if newer else StoryComparison.Status.DONE
            )
        comparison.finished_at = timezone.now()
        comparison.counts = counts
        comparison.comparer_version = version
        comparison.error = ""
        comparison.save()
    return ComparisonResult(story_id, counts=counts)


def story_comparison_fail(*, story_id: int, reason: str) -> None:
    StoryComparison.objects.filter(pk=story_id).update(
        status=StoryComparison.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def _start(story_id: int, asked: datetime | None) -> datetime | ComparisonResult | None:
    """Claim the run: its start time; a skipped result when a run that started after the last
    request is done already (the articles of one import each ask; one run covers them), or
    when a later request than ``asked`` will have its own job and the story was compared
    lately (COMPARE_AT_LEAST_EVERY); None when the story is gone. A run still marked running is
    not waited for: it may have been killed, and running twice costs only time."""
    now = timezone.now()
    with transaction.atomic():
        commit_without_waiting_for_disk()  # a forgotten start: the request stays, and is swept
        if not Story.objects.filter(pk=story_id).exists():
            return None
        comparison, _ = StoryComparison.objects.select_for_update().get_or_create(
            story_id=story_id, defaults={"requested_at": now}
        )
        since = comparison.started_at
        if (
            comparison.status == StoryComparison.Status.DONE
            and since is not None
            and since >= comparison.requested_at
        ):
            return ComparisonResult(story_id, skipped=True)
        if (
            asked is not None
            and comparison.requested_at > asked
            and since is not None
            and since > now - COMPARE_AT_LEAST_EVERY
        ):
            return ComparisonResult(story_id, skipped=True)
        comparison.status = StoryComparison.Status.RUNNING
        comparison.started_at = now
        comparison.save(update_fields=["status", "started_at"])
    return now


def _documents(story_id: int) -> list[tuple[int, str]]:
    """The story's latest MAX_DOCUMENTS articles, oldest first (side ``a`` is the older)."""
    rows = list(
        Document.objects.filter(story_id=story_id)
        .order_by("-pk")
        .values_list("pk", "text")[:MAX_DOCUMENTS]
    )
    return sorted(rows)


def _digest(sentence: str) -> str:
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=8).hexdigest()


def _similarity(documents: list[tuple[int, str]]) -> tuple[SentenceSimilarity | None, str]:
    """The sentence encoder's similarity with every document's vectors loaded (encoding and
    keeping those of documents that have none yet), and the encoder's name; (None, "")
    without it."""
    if not settings.COMPARE_WITH_ENCODER:
        return None, ""
    from annotations import embeddings

    if not embeddings.available():
        return None, ""
    import numpy as np

    from annotations.compare.semantic import SentenceSimilarity, compared_sentences

    similarity = SentenceSimilarity(embeddings.encode)
    name, dimension = embeddings.MODEL_NAME, embeddings.DIMENSION
    stored = {
        row.document_id: row
        for row in SentenceVectors.objects.filter(
            document_id__in=[pk for pk, _ in documents], encoder=name, dimension=dimension
        )
    }
    for pk, text in documents:
        sentences = compared_sentences(text)
        keys = [_digest(s) for s in sentences]
        row = stored.get(pk)
        known: dict[str, Any] = {}
        if row is not None and row.keys:
            matrix = np.frombuffer(bytes(row.vectors), dtype=np.float32)
            known = dict(zip(row.keys, matrix.reshape(len(row.keys), dimension), strict=True))
        have = [(s, known[k]) for s, k in zip(sentences, keys, strict=True) if k in known]
        if have:
            similarity.remember([s for s, _ in have], np.stack([v for _, v in have]))
        if row is not None and len(have) == len(sentences) and len(row.keys) == len(keys):
            continue
        vectors = similarity.vectors(sentences) if sentences else np.zeros((0, dimension))
        _keep_vectors(pk, name, dimension, keys, vectors.astype(np.float32))
    return similarity, name


def _keep_vectors(
    document_id: int, encoder: str, dimension: int, keys: list[str], vectors: np.ndarray
) -> None:
    try:
        with transaction.atomic():
            commit_without_waiting_for_disk()  # a cache: a forgotten row is encoded again
            SentenceVectors.objects.update_or_create(
                document_id=document_id,
                defaults={
                    "encoder": encoder,
                    "dimension": dimension,
                    "keys": keys,
                    "vectors": vectors.tobytes(),
                },
            )
    except IntegrityError:
        pass  # another run kept them at the same moment (or the document is gone)


def _key(kind: str, doc_a: int, a: tuple[int, int], doc_b: int, b: tuple[int, int]) -> Key:
    return (kind, doc_a, a[0], a[1], doc_b, b[0], b[1])


def _details(match: Match) -> dict[str, Any]:
    details = match.to_dict()
    for name in ("kind", "a", "b", "score", "reason"):
        details.pop(name, None)
    if match.a.segments or match.b.segments:
        details["segments"] = {
            "a": [list(s) for s in match.a.segments],
            "b": [list(s) for s in match.b.segments],
        }
    return details


def _write(story: Story, compared: list[int], found: list[Match], version: str) -> dict[str, int]:
    """Upsert the matches found among ``compared`` (the story's documents); remove the open
    ones no longer found, and those whose two articles are no longer in one story."""
    members = set(Document.objects.filter(story_id=story.pk).values_list("pk", flat=True))
    touching = OutletMatch.objects.filter(
        Q(document_a_id__in=members) | Q(document_b_id__in=members)
    )
    removed_elsewhere, _ = (
        touching.filter(status=OutletMatch.Status.OPEN)
        .exclude(document_a_id__in=members, document_b_id__in=members)
        .delete()
    )
    in_scope = set(compared) & members
    existing = {
        _key(
            m.kind, m.document_a_id, (m.a_start, m.a_end), m.document_b_id, (m.b_start, m.b_end)
        ): m
        for m in OutletMatch.objects.filter(document_a_id__in=in_scope, document_b_id__in=in_scope)
    }
    decided: dict[tuple[str, int, int], list[OutletMatch]] = defaultdict(list)
    for m in existing.values():
        if m.status != OutletMatch.Status.OPEN:
            decided[(m.kind, m.document_a_id, m.document_b_id)].append(m)

    def already_decided(
        kind: str, doc_a: int, a: tuple[int, int], doc_b: int, b: tuple[int, int]
    ) -> bool:
        for m in decided.get((kind, doc_a, doc_b), ()):
            if overlaps(*a, m.a_start, m.a_end) and overlaps(*b, m.b_start, m.b_end):
                return True
        for m in decided.get((kind, doc_b, doc_a), ()):
            if overlaps(*a, m.b_start, m.b_end) and overlaps(*b, m.a_start, m.a_end):
                return True
        return False

    new: list[OutletMatch] = []
    changed: list[OutletMatch] = []
    seen: set[Key] = set()
    for match in found:
        doc_a, doc_b = int(match.a.doc), int(match.b.doc)
        if doc_a not in in_scope or doc_b not in in_scope:
            continue
        a, b = (match.a.start, match.a.end), (match.b.start, match.b.end)
        key = _key(match.kind, doc_a, a, doc_b, b)
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        details = _details(match)
        if row is not None:
            if row.status != OutletMatch.Status.OPEN:
                continue
            now = (match.score, match.reason, details, version)
            if now != (row.score, row.reason, row.details, row.comparer_version):
                row.score, row.reason, row.details, row.comparer_version = now
                row.updated_at = timezone.now()  # bulk_update does not touch auto_now fields
                changed.append(row)
            continue
        if already_decided(match.kind, doc_a, a, doc_b, b):
            continue
        new.append(
            OutletMatch(
                project_id=story.project_id,
                kind=match.kind,
                document_a_id=doc_a,
                a_start=a[0],
                a_end=a[1],
                a_text=match.a.text,
                document_b_id=doc_b,
                b_start=b[0],
                b_end=b[1],
                b_text=match.b.text,
                score=match.score,
                reason=match.reason,
                details=details,
                comparer_version=version,
            )
        )
    stale = [
        m.pk
        for key, m in existing.items()
        if m.status == OutletMatch.Status.OPEN and key not in seen
    ]
    # Still open: a reviewer may have decided one since it was read (that decision stays).
    removed, _ = OutletMatch.objects.filter(pk__in=stale, status=OutletMatch.Status.OPEN).delete()
    # A run between our read and this write is excluded by the comparison's row lock; the
    # conflict clause is for a match written by a run of an older version of this code.
    OutletMatch.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    OutletMatch.objects.bulk_update(
        changed, ["score", "reason", "details", "comparer_version", "updated_at"], batch_size=500
    )
    return {
        "new": len(new),
        "updated": len(changed),
        "removed": removed + removed_elsewhere,
    }


# --- what reviewers decide --------------------------------------------------------------------


def _snapshot(match: OutletMatch) -> dict[str, Any]:
    return {
        "status": match.status,
        "span_a": match.span_a_id,
        "span_b": match.span_b_id,
    }


def _locked(match: OutletMatch, actor: User) -> OutletMatch:
    locked = OutletMatch.objects.select_for_update().get(pk=match.pk)
    if not policy.can_decide_matches(actor, locked.project_id):
        raise NotAllowed("Only members of the project can decide its matches.")
    return locked


def _decide(match: OutletMatch, actor: User, status: str, action: str) -> OutletMatch:
    before = _snapshot(match)
    match.status = status
    if status == OutletMatch.Status.OPEN:
        match.decided_by, match.decided_at = None, None
    else:
        match.decided_by, match.decided_at = actor, timezone.now()
    match.save()
    record_event(
        project_id=match.project_id,
        obj=match,
        action=action,
        actor=actor,
        before=before,
        after=_snapshot(match),
    )
    return match


def match_confirm(*, match: OutletMatch, actor: User) -> OutletMatch:
    """The reviewer says both sides are the same quote, claim or quantity (or that the loaded
    term stands for the neutral one). A claim match makes both sides mentions of one desk
    claim."""
    with transaction.atomic():
        match = _locked(match, actor)
        if match.status == OutletMatch.Status.CONFIRMED:
            return match
        if match.kind == "claim":
            match.span_a, match.span_b = _join_claims(match, actor)
        return _decide(match, actor, OutletMatch.Status.CONFIRMED, "confirm")


def match_dismiss(*, match: OutletMatch, actor: User) -> OutletMatch:
    """Not the same: the job never proposes it again. A claim match confirmed before keeps its
    desk claim (moving mentions apart is done on the spans themselves)."""
    with transaction.atomic():
        match = _locked(match, actor)
        if match.status == OutletMatch.Status.DISMISSED:
            return match
        return _decide(match, actor, OutletMatch.Status.DISMISSED, "dismiss")


def match_reopen(*, match: OutletMatch, actor: User) -> OutletMatch:
    """Undecide: open again (what the desk claims became stays)."""
    with transaction.atomic():
        match = _locked(match, actor)
        if match.status == OutletMatch.Status.OPEN:
            return match
        return _decide(match, actor, OutletMatch.Status.OPEN, "reopen")


def _claim_over(document: Document, start: int, end: int) -> Span | None:
    """The live CLAIM span of the document that is the side's words: overlapping it by half
    of the shorter at least, the closest in extent first (then the oldest)."""
    candidates = [
        (closeness(start, end, span.start, span.end), span)
        for span in document.spans.filter(
            label=Label.CLAIM, deleted_at__isnull=True, start__lt=end, end__gt=start
        ).order_by("id")
    ]
    best = max(candidates, key=lambda c: c[0], default=(0.0, None))  # the oldest of equals
    return best[1] if best[0] > 0 else None


def _verdict_rank(desk_claim: DeskClaim | None) -> int:
    verdict = getattr(desk_claim, "verdict", None) if desk_claim is not None else None
    if verdict is None:
        return 0
    return 2 if verdict.review_status == ReviewStatus.APPROVED else 1


def _join_claims(match: OutletMatch, actor: User) -> tuple[Span, Span]:
    """Both sides' CLAIM spans (made for a side that has none) as mentions of one desk claim:
    the one whose desk claim has a verdict (an approved one first), else side a's."""
    document_a = Document.objects.only("pk", "project_id", "text").get(pk=match.document_a_id)
    document_b = Document.objects.only("pk", "project_id", "text").get(pk=match.document_b_id)
    span_a = _claim_over(document_a, match.a_start, match.a_end)
    span_b = _claim_over(document_b, match.b_start, match.b_end)
    present = [s.desk_claim_id for s in (span_a, span_b) if s is not None and s.desk_claim_id]
    target: DeskClaim | None = None
    if present:
        found = DeskClaim.objects.select_related("verdict").in_bulk(present)
        claims = [found[pk] for pk in present]  # side a's first
        target = max(claims, key=_verdict_rank)  # max keeps the first of equals
    if span_a is None:
        span_a = _new_claim(document_a, match.a_start, match.a_end, match.a_text, actor, target)
    target = target or span_a.desk_claim
    if target is None:  # a live CLAIM is always a mention of one
        raise ValidationError("This claim has no desk claim to share.", field="span_a")
    if span_b is None:
        span_b = _new_claim(document_b, match.b_start, match.b_end, match.b_text, actor, target)
    # The side's span, and every other live CLAIM on the very same words (other reviewers').
    for side in (span_a, span_b):
        same_words = side.document.spans.filter(
            label=Label.CLAIM, deleted_at__isnull=True, start=side.start, end=side.end
        ).exclude(desk_claim=target)
        for span in same_words.order_by("id"):
            mention_move(span=span, actor=actor, desk_claim=target)
    span_a.refresh_from_db()
    span_b.refresh_from_db()
    return span_a, span_b


def _new_claim(
    document: Document, start: int, end: int, text: str, actor: User, target: DeskClaim | None
) -> Span:
    return span_create(
        document=document,
        actor=actor,
        label=Label.CLAIM,
        start=start,
        end=end,
        text=text,
        desk_claim=target,
    )
