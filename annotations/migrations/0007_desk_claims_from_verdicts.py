"""Existing spans and verdicts moved into desk claims, nothing lost.

- Each CLAIM span becomes a mention of a desk claim: spans of one document on the same words
  (start and end) share one, worded as the first span's text. Deleted spans too, so restoring
  one brings its mention back.
- Each verdict row is KEPT (same primary key, so its history stays attached) and re-pointed to
  its span's desk claim; where two or more verdicts land on one desk claim, the approved one
  (else the newest) stays the verdict and the others are removed, their history kept.
- Each verdict also becomes its author's rating of the desk claim (one per author: their
  newest), so every reviewer's judgement counts towards agreement.

Every step is recorded in history as a `migrate` event without an actor. Undoing it puts each
verdict back on a mention of its desk claim (its author's, else the first) and each other rating
back as a verdict on its author's mention where that mention has none.
"""

from collections import defaultdict

from django.db import migrations

MAX_WORDING_LENGTH = 1000
DOCUMENTS_AT_ONCE = 200
BATCH = 1000


def wording_of(text):
    """The span's text, its white space collapsed, cut at a word if it is very long."""
    wording = " ".join(text.split()) or text
    if len(wording) <= MAX_WORDING_LENGTH:
        return wording
    return wording[: MAX_WORDING_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def verdict_snapshot(verdict):
    return {
        "rating": verdict.rating,
        "rationale": verdict.rationale,
        "evidence_links": list(verdict.evidence_links),
        "review_status": verdict.review_status,
        "review_reason": verdict.review_reason,
        "version": verdict.version,
    }


def rating_snapshot(rating):
    return {
        "rating": rating.rating,
        "rationale": rating.rationale,
        "evidence_links": list(rating.evidence_links),
        "version": rating.version,
    }


def _desk_claims_for_spans(apps, db):
    Document = apps.get_model("annotations", "Document")
    Span = apps.get_model("annotations", "Span")
    DeskClaim = apps.get_model("annotations", "DeskClaim")
    AuditEvent = apps.get_model("annotations", "AuditEvent")
    document_ids = list(
        Document.objects.using(db)
        .filter(spans__label="CLAIM", spans__desk_claim__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    for at in range(0, len(document_ids), DOCUMENTS_AT_ONCE):
        spans = list(
            Span.objects.using(db)
            .filter(
                document_id__in=document_ids[at : at + DOCUMENTS_AT_ONCE],
                label="CLAIM",
                desk_claim__isnull=True,
            )
            .select_related("document")
            .only(
                "id",
                "document_id",
                "document__project_id",
                "start",
                "end",
                "text",
                "author_id",
                "created_at",
            )
            .order_by("document_id", "start", "end", "id")
        )
        groups = defaultdict(list)
        for span in spans:
            groups[(span.document_id, span.start, span.end)].append(span)
        claims = []
        for members in groups.values():
            first = members[0]
            claims.append(
                DeskClaim(
                    project_id=first.document.project_id,
                    wording=wording_of(first.text),
                    created_by_id=first.author_id,
                )
            )
        DeskClaim.objects.using(db).bulk_create(claims, batch_size=BATCH)
        events = []
        for claim, members in zip(claims, groups.values(), strict=True):
            # A desk claim is as old as the first span it gathers.
            claim.created_at = claim.updated_at = min(span.created_at for span in members)
            events.append(
                AuditEvent(
                    project_id=claim.project_id,
                    object_type="deskclaim",
                    object_id=claim.pk,
                    action="migrate",
                    actor=None,
                    before=None,
                    after={
                        "wording": claim.wording,
                        "version": 1,
                        "mentions": [span.pk for span in members],
                    },
                )
            )
            for span in members:
                span.desk_claim_id = claim.pk
                events.append(
                    AuditEvent(
                        project_id=claim.project_id,
                        object_type="span",
                        object_id=span.pk,
                        action="migrate",
                        actor=None,
                        before={"desk_claim": None},
                        after={"desk_claim": claim.pk},
                    )
                )
        DeskClaim.objects.using(db).bulk_update(claims, ["created_at", "updated_at"], BATCH)
        Span.objects.using(db).bulk_update(spans, ["desk_claim"], batch_size=BATCH)
        AuditEvent.objects.using(db).bulk_create(events, batch_size=BATCH)


def _verdicts_onto_desk_claims(apps, db):
    Verdict = apps.get_model("annotations", "Verdict")
    ClaimRating = apps.get_model("annotations", "ClaimRating")
    AuditEvent = apps.get_model("annotations", "AuditEvent")
    verdicts = list(
        Verdict.objects.using(db)
        .filter(span__isnull=False)
        .select_related("span__document")
        .order_by("pk")
    )
    by_claim = defaultdict(list)
    for verdict in verdicts:
        by_claim[verdict.span.desk_claim_id].append(verdict)
    kept_verdicts, removed, ratings, events = [], [], [], []
    for desk_claim_id, group in by_claim.items():
        project_id = group[0].span.document.project_id
        # Approved first, then one on a live span, then the newest.
        group.sort(
            key=lambda v: (
                v.review_status == "approved",
                v.span.deleted_at is None,
                v.updated_at,
                v.pk,
            ),
            reverse=True,
        )
        kept = group[0]
        before = verdict_snapshot(kept) | {"span": kept.span_id}
        kept.desk_claim_id = desk_claim_id
        kept_verdicts.append(kept)
        events.append(
            AuditEvent(
                project_id=project_id,
                object_type="verdict",
                object_id=kept.pk,
                action="migrate",
                actor=None,
                before=before,
                after=verdict_snapshot(kept)
                | {"desk_claim": desk_claim_id, "merged": [v.pk for v in group[1:]]},
            )
        )
        for other in group[1:]:
            removed.append(other.pk)
            events.append(
                AuditEvent(
                    project_id=project_id,
                    object_type="verdict",
                    object_id=other.pk,
                    action="merge",
                    actor=None,
                    before=verdict_snapshot(other) | {"span": other.span_id},
                    after=None,
                )
            )
        # Each author's newest verdict on the desk claim is their rating of it.
        newest = {}
        for verdict in sorted(group, key=lambda v: (v.updated_at, v.pk)):
            newest[verdict.author_id] = verdict
        for verdict in newest.values():
            ratings.append(
                (
                    project_id,
                    verdict.pk,
                    ClaimRating(
                        desk_claim_id=desk_claim_id,
                        author_id=verdict.author_id,
                        rating=verdict.rating,
                        rationale=verdict.rationale,
                        evidence_links=list(verdict.evidence_links),
                    ),
                )
            )
    Verdict.objects.using(db).filter(pk__in=removed).delete()
    Verdict.objects.using(db).bulk_update(kept_verdicts, ["desk_claim"], batch_size=BATCH)
    rows = [rating for _, _, rating in ratings]
    ClaimRating.objects.using(db).bulk_create(rows, batch_size=BATCH)
    by_pk = {verdict.pk: verdict for verdict in verdicts}
    for project_id, verdict_id, rating in ratings:
        rating.created_at = by_pk[verdict_id].created_at
        rating.updated_at = by_pk[verdict_id].updated_at
        events.append(
            AuditEvent(
                project_id=project_id,
                object_type="claimrating",
                object_id=rating.pk,
                action="migrate",
                actor=None,
                before=None,
                after=rating_snapshot(rating) | {"from_verdict": verdict_id},
            )
        )
    ClaimRating.objects.using(db).bulk_update(rows, ["created_at", "updated_at"], BATCH)
    AuditEvent.objects.using(db).bulk_create(events, batch_size=BATCH)


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    _desk_claims_for_spans(apps, db)
    _verdicts_onto_desk_claims(apps, db)


def backward(apps, schema_editor):
    db = schema_editor.connection.alias
    Span = apps.get_model("annotations", "Span")
    Verdict = apps.get_model("annotations", "Verdict")
    ClaimRating = apps.get_model("annotations", "ClaimRating")
    mentions = defaultdict(list)
    for span in (
        Span.objects.using(db)
        .filter(desk_claim__isnull=False, label="CLAIM")
        .order_by("deleted_at", "pk")  # live ones first
        .only("id", "desk_claim_id", "author_id", "deleted_at")
    ):
        mentions[span.desk_claim_id].append(span)
    taken = set()

    def mention_of(desk_claim_id, author_id, *, anyone):
        spans = [s for s in mentions.get(desk_claim_id, []) if s.pk not in taken]
        own = [s for s in spans if s.author_id == author_id]
        chosen = (own or (spans if anyone else []))[:1]
        if chosen:
            taken.add(chosen[0].pk)
            return chosen[0]
        return None

    for verdict in Verdict.objects.using(db).order_by("pk"):
        span = mention_of(verdict.desk_claim_id, verdict.author_id, anyone=True)
        if span is None:
            verdict.delete()
            continue
        verdict.span_id = span.pk
        verdict.save(update_fields=["span"])
        ClaimRating.objects.using(db).filter(
            desk_claim_id=verdict.desk_claim_id, author_id=verdict.author_id
        ).delete()
    for rating in ClaimRating.objects.using(db).order_by("pk"):
        span = mention_of(rating.desk_claim_id, rating.author_id, anyone=False)
        if span is not None:
            Verdict.objects.using(db).create(
                span_id=span.pk,
                author_id=rating.author_id,
                rating=rating.rating,
                rationale=rating.rationale,
                evidence_links=rating.evidence_links,
            )
    Span.objects.using(db).filter(desk_claim__isnull=False).update(desk_claim=None)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0006_desk_claims")]

    operations = [migrations.RunPython(forward, backward)]
