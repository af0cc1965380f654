"""Already checked: an article's claims matched against what the desk and fact-checkers have
checked, and what a reviewer decides about each match.

The job (claim_checks_match) takes a document's claims, its live CLAIM spans and its open CLAIM
suggestions, and matches each against the project's desk claims that have a verdict and its
fact-checks (services.checked_index, in the worker). It runs after an import commits, again
when the document's suggestion run is done (its CLAIM suggestions are there then), and from the
sweep for CLAIMs tagged since. It is safe to run twice and to kill: a match is keyed by the
claim's place in the text and the checked claim, open ones are upserted, open ones no longer
found are removed, and a decided one is never touched (a dismissed pair is never proposed
again).

A reviewer confirms or dismisses a match (any member: the desk claims are the desk's).
Confirming a desk claim's match makes the claim a mention of that desk claim (mention_move;
a suggestion is accepted as one), with the other reviewers' CLAIMs on the same words. Confirming
a fact-check's match records the fact-check on the claim's desk claim (DeskClaim.fact_checks) as
evidence the desk can cite: the desk's verdict stays a person's decision, so nothing is rated.

SHOW_THRESHOLD: the calibrated score (the chance, on the claim-retrieval train split, that the
checked claim is the one the text repeats) from which a match is shown, per ranking method;
chosen on train by benchmarks/claim_match_quality.py --threshold as the best F1 of the shown
best matches, where each query is also asked with its verified claims taken out (a sentence
nobody checked: whatever is shown for it is wrong). Fused, from 0.55: on train precision 0.74,
recall 0.70, and 15% of the sentences with nothing to find show a wrong match; on dev 0.70,
0.61 and 17%. Words alone, from 0.10: 0.57, 0.52 and 20% on train. That data always has a
checked claim near the query's topic; a desk's articles are another population. The desk's
own decisions say more: every shown match ends confirmed or dismissed with its score
(ClaimCheckMatch), so once a project has a few hundred, the threshold can move to where the
confirmed share of the matches shown above it reaches the desk's aim (or the calibration be
refitted on them, as --fit does on train), per project.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations import policy
from annotations.errors import Conflict, NotAllowed
from annotations.models import (
    ClaimCheckMatch,
    ClaimCheckRun,
    Document,
    Label,
    Span,
    Suggestion,
    SuggestionRun,
)
from annotations.services.common import commit_without_waiting_for_disk, record_event
from annotations.services.spans import mention_move
from annotations.services.suggestions import suggestion_accept

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

Status = ClaimCheckMatch.Status
LIMIT = 3  # matches shown for one claim
# Chosen on the claim-retrieval train split (benchmarks/claim_match_quality.py --threshold).
SHOW_THRESHOLD = {"fused": 0.55, "lexical": 0.10}
SWEEP_WINDOW = timedelta(days=1)
SWEEP_GRACE = timedelta(seconds=30)  # a CLAIM's own job may still be on its way
SWEEP_LIMIT = 200


@dataclass(frozen=True)
class MatchResult:
    document_id: int
    queries: int
    counts: dict[str, int]


# --- requesting the job -------------------------------------------------------------------------


def claim_checks_enqueue(*, document_ids: list[int]) -> bool:
    """Hand the documents' matching to the queue (one message for many). False if the broker
    could not be reached: the sweep finds their CLAIMs later."""
    from annotations.tasks import enqueue_claim_checks, match_claim_checks

    try:
        if len(document_ids) == 1:
            match_claim_checks.enqueue(document_ids[0])
        elif document_ids:
            enqueue_claim_checks.enqueue(document_ids)
    except Exception as exc:  # any broker failure: the sweep tries again
        log.warning("Could not enqueue claim checks of %s documents: %s", len(document_ids), exc)
        return False
    return True


def claim_checks_fan_out(*, document_ids: list[int]) -> int:
    """The worker's side of a batch: a job for each document that has claims to match."""
    from annotations.tasks import match_claim_checks

    with_claims = (
        Document.objects.filter(pk__in=document_ids)
        .filter(
            Q(spans__label=Label.CLAIM, spans__deleted_at__isnull=True)
            | Q(suggestions__label=Label.CLAIM, suggestions__status=Suggestion.Status.OPEN)
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for document_id in with_claims:
        match_claim_checks.enqueue(document_id, queue=settings.BULK_TASK_QUEUE)
        sent += 1
    return sent


def claim_checks_sweep(*, now: datetime | None = None) -> list[int]:
    """Enqueue the documents whose CLAIMs appeared since their last match (a CLAIM tagged by
    hand, a suggestion run whose job was lost): spans created, and suggestion runs finished,
    within SWEEP_WINDOW. Returns their ids."""
    now = now or timezone.now()
    since, until = now - SWEEP_WINDOW, now - SWEEP_GRACE
    recent_spans = (
        Span.objects.filter(label=Label.CLAIM, created_at__gte=since, created_at__lt=until)
        .filter(
            Q(document__claim_check_run__isnull=True)
            | Q(created_at__gt=F("document__claim_check_run__started_at"))
        )
        .values_list("document_id", flat=True)
    )
    recent_runs = (
        SuggestionRun.objects.filter(
            status=SuggestionRun.Status.DONE, finished_at__gte=since, finished_at__lt=until
        )
        .filter(
            Q(document__claim_check_run__isnull=True)
            | Q(finished_at__gt=F("document__claim_check_run__started_at"))
        )
        .values_list("document_id", flat=True)
    )
    ids = sorted(set(recent_spans[: SWEEP_LIMIT * 5]) | set(recent_runs[: SWEEP_LIMIT * 5]))
    ids = ids[:SWEEP_LIMIT]
    if ids:
        claim_checks_enqueue(document_ids=ids)
    return ids


# --- the job ------------------------------------------------------------------------------------


@dataclass
class _Query:
    start: int
    end: int
    text: str
    span_id: int | None
    suggestion_id: int | None
    own_desk_claims: set[int]


def _queries(document: Document) -> list[_Query]:
    """The document's claims: one a range of the text, a live CLAIM span over it first (the
    earliest), else its open CLAIM suggestion."""
    by_range: dict[tuple[int, int], _Query] = {}
    spans = (
        document.spans.filter(label=Label.CLAIM, deleted_at__isnull=True)
        .order_by("id")
        .values_list("id", "start", "end", "text", "desk_claim_id")
    )
    for span_id, start, end, text, desk_claim_id in spans:
        query = by_range.get((start, end))
        if query is None:
            query = by_range[(start, end)] = _Query(start, end, text, span_id, None, set())
        if desk_claim_id is not None:
            query.own_desk_claims.add(desk_claim_id)
    suggestions = (
        document.suggestions.filter(label=Label.CLAIM, status=Suggestion.Status.OPEN)
        .order_by("-score", "id")
        .values_list("id", "start", "end", "text")
    )
    for suggestion_id, start, end, text in suggestions:
        query = by_range.get((start, end))
        if query is None:
            by_range[(start, end)] = _Query(start, end, text, None, suggestion_id, set())
        elif query.span_id is None and query.suggestion_id is None:
            query.suggestion_id = suggestion_id
    return [by_range[key] for key in sorted(by_range)]


def claim_checks_match(*, document_id: int) -> MatchResult | None:
    """The job's body: match the document's claims and upsert what they match. None if the
    document is gone."""
    document = Document.objects.filter(pk=document_id).only("pk", "project_id").first()
    if document is None:
        return None
    started = timezone.now()
    queries = _queries(document)
    found: list[list[Any]] = []
    if queries:
        # Loaded here, in the worker: numpy, scikit-learn and the encoder stay out of web
        # processes.
        from annotations.services import checked_index

        found = checked_index.match(
            document.project_id,
            [q.text for q in queries],
            exclude=[[("d", pk) for pk in q.own_desk_claims] for q in queries],
            limit=LIMIT,
            thresholds=SHOW_THRESHOLD,
        )
    with transaction.atomic():
        # A forgotten commit leaves the document's CLAIMs newer than its last match: the sweep
        # asks again.
        commit_without_waiting_for_disk()
        # One writer per document at a time: a second run of the same job waits here.
        locked = Document.objects.select_for_update().filter(pk=document_id).values("pk").first()
        if locked is None:
            return None
        counts = _upsert(document, queries, found)
        counts["queries"] = len(queries)
        ClaimCheckRun.objects.update_or_create(
            document_id=document_id,
            defaults={"started_at": started, "finished_at": timezone.now(), "counts": counts},
        )
    return MatchResult(document_id, len(queries), counts)


def _upsert(document: Document, queries: list[_Query], found: list[list[Any]]) -> dict[str, int]:
    existing = {
        (m.start, m.end, m.desk_claim_id, m.fact_check_id): m for m in document.claim_checks.all()
    }
    counts = {"created": 0, "updated": 0, "removed": 0, "kept": 0}
    seen: set[tuple[int, int, int | None, int | None]] = set()
    create, update = [], []
    for query, matches in zip(queries, found, strict=True):
        for m in matches:
            kind, pk = m.key
            desk_claim_id, fact_check_id = (pk, None) if kind == "d" else (None, pk)
            key = (query.start, query.end, desk_claim_id, fact_check_id)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                create.append(
                    ClaimCheckMatch(
                        document=document,
                        start=query.start,
                        end=query.end,
                        span_id=query.span_id,
                        suggestion_id=query.suggestion_id,
                        desk_claim_id=desk_claim_id,
                        fact_check_id=fact_check_id,
                        score=m.score,
                        reason=m.reason[:500],
                    )
                )
            elif row.status == Status.OPEN:
                fresh = (m.score, m.reason[:500], query.span_id, query.suggestion_id)
                if fresh != (row.score, row.reason, row.span_id, row.suggestion_id):
                    row.score, row.reason, row.span_id, row.suggestion_id = fresh
                    update.append(row)
            else:
                counts["kept"] += 1  # a reviewer decided it: never proposed again
    stale = [m.pk for key, m in existing.items() if m.status == Status.OPEN and key not in seen]
    if stale:
        counts["removed"] = ClaimCheckMatch.objects.filter(
            pk__in=stale, status=Status.OPEN
        ).delete()[0]
    if update:
        ClaimCheckMatch.objects.bulk_update(
            update, ["score", "reason", "span", "suggestion", "updated_at"]
        )
    # ignore_conflicts: a writer that slipped past the document lock cannot make a duplicate.
    ClaimCheckMatch.objects.bulk_create(create, ignore_conflicts=True)
    counts["created"], counts["updated"] = len(create), len(update)
    return counts


def checked_claims_embed(*, project_id: int) -> int:
    """Compute and store the vectors the project's checked claims lack (a worker's task)."""
    from annotations.services import checked_index

    return checked_index.embed_missing(project_id)


# --- a reviewer's decisions --------------------------------------------------------------------


def _lock(match: ClaimCheckMatch) -> ClaimCheckMatch:
    return (
        ClaimCheckMatch.objects.select_for_update(of=("self",))
        .select_related("document", "desk_claim", "fact_check")
        .get(pk=match.pk)
    )


def _live_span(match: ClaimCheckMatch) -> Span | None:
    """The CLAIM that shows the match now: its span if live, else one over the same words."""
    spans = match.document.spans.filter(
        label=Label.CLAIM, start=match.start, end=match.end, deleted_at__isnull=True
    )
    if match.span_id is not None:
        own = spans.filter(pk=match.span_id).first()
        if own is not None:
            return own
    return spans.order_by("id").first()


def _snapshot(match: ClaimCheckMatch) -> dict[str, Any]:
    return {
        "status": match.status,
        "span": match.span_id,
        "suggestion": match.suggestion_id,
        "desk_claim": match.desk_claim_id,
        "fact_check": match.fact_check_id,
        "score": match.score,
    }


def _decided(match: ClaimCheckMatch, status: str) -> bool:
    """True when it was already decided so (nothing to do); Conflict when decided otherwise."""
    if match.status == status:
        return True
    if match.status != Status.OPEN:
        raise Conflict(f"This match was already {match.status}.", current=_snapshot(match))
    return False


def claim_check_confirm(*, match: ClaimCheckMatch, actor: User) -> tuple[ClaimCheckMatch, Span]:
    """The claim was checked already: make it a mention of the desk claim (a suggestion is
    accepted as one), or record the fact-check on its desk claim. Returns the match and the
    span that now shows it."""
    with transaction.atomic():
        match = _lock(match)
        project_id = match.document.project_id
        if not policy.can_edit_desk_claim(actor, project_id):
            raise NotAllowed("Only members of the project can confirm its matches.")
        span = _live_span(match)
        if _decided(match, Status.CONFIRMED):
            if span is None:
                raise Conflict("The claim this match was for is gone.", current=_snapshot(match))
            return match, span
        before = _snapshot(match)
        if span is None:
            suggestion = (
                Suggestion.objects.filter(
                    pk=match.suggestion_id or 0, status=Suggestion.Status.OPEN
                )
                .select_related("document")
                .first()
            )
            if suggestion is None:
                raise Conflict(
                    "The claim this match was for is gone (its span deleted, its suggestion "
                    "decided).",
                    current=before,
                )
            span = suggestion_accept(
                suggestion=suggestion, actor=actor, desk_claim=match.desk_claim
            )
        if match.desk_claim is not None:
            _join(match, span, actor)
        else:
            _record_fact_check(match, span, actor)
        match.status, match.decided_by, match.decided_at = Status.CONFIRMED, actor, timezone.now()
        match.span = span
        match.save(update_fields=["status", "decided_by", "decided_at", "span", "updated_at"])
        record_event(
            project_id=project_id,
            obj=match,
            action="confirm",
            actor=actor,
            before=before,
            after=_snapshot(match),
        )
        span.refresh_from_db()
    return match, span


def _join(match: ClaimCheckMatch, span: Span, actor: User) -> None:
    """The claim's CLAIMs (every reviewer's on these words that share its desk claim) become
    mentions of the matched desk claim; its other desk-claim matches are settled by this."""
    target = match.desk_claim
    assert target is not None
    old = span.desk_claim_id
    same_words = match.document.spans.filter(
        label=Label.CLAIM, start=match.start, end=match.end, deleted_at__isnull=True
    )
    movers = [span, *list(same_words.exclude(pk=span.pk).filter(desk_claim_id=old))]
    for mover in movers:
        if mover.desk_claim_id != target.pk:
            mention_move(span=mover, actor=actor, desk_claim=target)
    others = match.document.claim_checks.filter(
        start=match.start, end=match.end, status=Status.OPEN, desk_claim__isnull=False
    ).exclude(pk=match.pk)
    now = timezone.now()
    for other in others.select_for_update():
        before = _snapshot(other)
        other.status, other.decided_by, other.decided_at = Status.DISMISSED, actor, now
        other.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        record_event(
            project_id=match.document.project_id,
            obj=other,
            action="dismiss",
            actor=actor,
            before=before,
            after=_snapshot(other) | {"because": f"match {match.pk} confirmed"},
        )


def _record_fact_check(match: ClaimCheckMatch, span: Span, actor: User) -> None:
    fact_check = match.fact_check
    assert fact_check is not None
    desk_claim = span.desk_claim
    if desk_claim is None:  # every live CLAIM has one; a guard, not a path
        raise Conflict("This claim is not a mention of a desk claim.")
    if desk_claim.fact_checks.filter(pk=fact_check.pk).exists():
        return
    desk_claim.fact_checks.add(fact_check)
    record_event(
        project_id=desk_claim.project_id,
        obj=desk_claim,
        action="fact_check_add",
        actor=actor,
        before=None,
        after={
            "fact_check": fact_check.pk,
            "url": fact_check.url,
            "publisher": fact_check.publisher,
            "rating": fact_check.rating_text,
        },
    )


def claim_check_dismiss(*, match: ClaimCheckMatch, actor: User) -> ClaimCheckMatch:
    """Not the same claim: the pair is never proposed again."""
    with transaction.atomic():
        match = _lock(match)
        if not policy.can_edit_desk_claim(actor, match.document.project_id):
            raise NotAllowed("Only members of the project can dismiss its matches.")
        if _decided(match, Status.DISMISSED):
            return match
        before = _snapshot(match)
        match.status, match.decided_by, match.decided_at = Status.DISMISSED, actor, timezone.now()
        match.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        record_event(
            project_id=match.document.project_id,
            obj=match,
            action="dismiss",
            actor=actor,
            before=before,
            after=_snapshot(match),
        )
    return match


__all__: Sequence[str] = [
    "MatchResult",
    "checked_claims_embed",
    "claim_check_confirm",
    "claim_check_dismiss",
    "claim_checks_enqueue",
    "claim_checks_fan_out",
    "claim_checks_match",
    "claim_checks_sweep",
]
