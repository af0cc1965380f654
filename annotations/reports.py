"""Reads for moderators: agreement figures and the dashboard's aggregates.

Callers pass a project or document they have already fetched through a scoped selector (or
the admin's scoped queryset); every query here starts from it. Each function runs a fixed
number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from annotations import agreement, selectors
from annotations.models import (
    RATING_VALUES,
    ClaimRating,
    DeskClaim,
    Document,
    Label,
    Project,
    Rating,
    Span,
    Verdict,
)
from annotations.suggest.calibration import reliability


def _span_rows(spans) -> list[agreement.SpanRow]:
    return [
        agreement.SpanRow(*values)
        for values in spans.filter(selectors.counted_reviewer("author__"), deleted_at__isnull=True)
        .order_by("document_id", *selectors.SPAN_ORDER)
        .values_list("id", "document_id", "author__username", "label", "start", "end")
    ]


def _rating_rows(desk_claims) -> list[agreement.RatingRow]:
    """Every reviewer's rating of these desk claims, wherever they rated them from."""
    return [
        agreement.RatingRow(*values)
        for values in ClaimRating.objects.filter(
            selectors.counted_reviewer("author__"), desk_claim__in=desk_claims
        )
        .order_by("desk_claim_id", "id")
        .values_list("desk_claim_id", "author__username", "rating")
    ]


def _mentioned_in(spans) -> Any:
    """The desk claims with a live mention among these spans."""
    return spans.filter(deleted_at__isnull=True, desk_claim__isnull=False).values("desk_claim_id")


def document_agreement(document: Document) -> dict:
    """Span F1 between the document's annotators, and the verdict alpha over the ratings of the
    desk claims mentioned in it (ratings given from other articles count too)."""
    rows = _span_rows(Span.objects.filter(document=document))
    annotators = sorted({r.author for r in rows})
    ratings = _rating_rows(_mentioned_in(Span.objects.filter(document=document)))
    return {
        "document": document.pk,
        "annotators": annotators,
        "spans": agreement.document_span_agreement(rows).as_dict(),
        "verdicts": agreement.verdict_agreement(ratings, RATING_VALUES).as_dict(),
    }


def project_agreement(project: Project) -> dict:
    """Span F1 pooled over the project's documents that two or more annotators worked on, with
    the figures of each such document; the verdict alpha over every rating of the project's
    desk claims."""
    rows = _span_rows(
        Span.objects.filter(document__project=project, document__deleted_at__isnull=True)
    )
    by_document: dict[int, list[agreement.SpanRow]] = defaultdict(list)
    for row in rows:
        by_document[row.document_id].append(row)
    shared = {
        doc_id: doc_rows
        for doc_id, doc_rows in by_document.items()
        if len({r.author for r in doc_rows}) >= 2
    }
    titles = dict(Document.objects.filter(pk__in=shared).values_list("pk", "title"))
    ratings = _rating_rows(DeskClaim.objects.filter(project=project))
    # Which desk claims each compared document mentions, for its own verdict figure.
    mentioned: dict[int, set[int]] = defaultdict(set)
    for document_id, desk_claim_id in Span.objects.filter(
        document_id__in=list(shared), deleted_at__isnull=True, desk_claim__isnull=False
    ).values_list("document_id", "desk_claim_id"):
        mentioned[document_id].add(desk_claim_id)
    total = agreement.SpanAgreement()
    documents: list[dict[str, Any]] = []
    for doc_id, doc_rows in sorted(shared.items()):
        spans = agreement.document_span_agreement(doc_rows)
        total.add(spans)
        documents.append(
            {
                "document": doc_id,
                "title": titles.get(doc_id, ""),
                "annotators": sorted({r.author for r in doc_rows}),
                "spans": spans.as_dict(),
                "verdicts": agreement.verdict_agreement(
                    [r for r in ratings if r.desk_claim_id in mentioned[doc_id]], RATING_VALUES
                ).as_dict(),
            }
        )
    # Worst first: the documents a moderator should look at.
    documents.sort(key=lambda d: (d["spans"]["all_labels"]["f1_overlap"] or 0, d["document"]))
    return {
        "project": project.pk,
        "documents_compared": len(shared),
        "spans": total.as_dict(),
        "verdicts": agreement.verdict_agreement(ratings, RATING_VALUES).as_dict(),
        "per_document": documents,
    }


# --- the dashboard ---------------------------------------------------------------------------

DOCUMENT_STATES = ("not annotated", "awaiting review", "reviewed")


def dashboard(project: Project, *, weeks: int = 12) -> dict:
    live = Q(spans__deleted_at__isnull=True)
    # A deleted document is out of the figures, as it is out of every list.
    live_documents = Document.objects.filter(project=project, deleted_at__isnull=True)
    documents = live_documents.aggregate(total=Count("pk"))
    per_document = live_documents.annotate(
        n=Count("spans", filter=live),
        pending=Count("spans", filter=live & Q(spans__review_status="pending")),
    ).values_list("n", "pending")
    states = dict.fromkeys(DOCUMENT_STATES, 0)
    for n, pending in per_document:
        if n == 0:
            states["not annotated"] += 1
        elif pending:
            states["awaiting review"] += 1
        else:
            states["reviewed"] += 1

    spans = Span.objects.filter(
        document__project=project, deleted_at__isnull=True, document__deleted_at__isnull=True
    )
    by_outlet: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Label.values, 0))
    for outlet, label, n in (
        spans.values_list("document__outlet", "label").annotate(n=Count("pk")).order_by()
    ):
        by_outlet[outlet or "(no outlet)"][label] = n
    by_status = dict.fromkeys(("pending", "approved", "rejected"), 0)
    for status, n in spans.values_list("review_status").annotate(n=Count("pk")).order_by():
        by_status[status] = n

    # The desk's verdicts on the claims the project's live spans mention, and every
    # reviewer's ratings of the project's desk claims.
    verdicts = dict.fromkeys(Rating.values, 0)
    for rating, n in (
        Verdict.objects.filter(desk_claim__in=_mentioned_in(spans))
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        verdicts[rating] = n
    ratings = dict.fromkeys(Rating.values, 0)
    for rating, n in (
        ClaimRating.objects.filter(desk_claim__project=project)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        ratings[rating] = n

    since = timezone.now() - timedelta(weeks=weeks)
    week_rows = (
        spans.filter(selectors.counted_reviewer("author__"), created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week", "author__username")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    start = (since - timedelta(days=since.weekday())).date()
    week_list = [start + timedelta(weeks=i) for i in range(weeks + 1)]
    throughput: dict[str, list[int]] = {}
    for week, author, n in week_rows:
        series = throughput.setdefault(author, [0] * len(week_list))
        index = (week.date() - start).days // 7
        if 0 <= index < len(week_list):
            series[index] += n

    return {
        "documents": {"total": documents["total"], "by_state": states},
        "spans_by_outlet": {outlet: dict(c) for outlet, c in sorted(by_outlet.items())},
        "spans_by_status": by_status,
        "verdicts_by_rating": verdicts,
        "ratings_by_rating": ratings,
        "throughput": {"weeks": [w.isoformat() for w in week_list], "by_author": throughput},
        "agreement": project_agreement(project),
        "suggestions": suggestion_reliability(project),
    }


def suggestion_reliability(project: Project) -> dict:
    """How the scores of the desk's decided suggestions compare with what it accepted: the
    reliability table (score bins: count, mean score, share accepted), its expected calibration
    error, and the display threshold the workspace uses."""
    decisions = selectors.suggestion_decisions(project.pk)
    table = reliability([s for s, _ in decisions], [a for _, a in decisions])
    return {
        "decisions": len(decisions),
        "accepted": sum(1 for _, a in decisions if a),
        "ece": table.ece,
        "bins": [
            {
                "lo": b.lo,
                "hi": b.hi,
                "count": b.count,
                "mean_score": b.mean_score,
                "accepted": b.rate,
            }
            for b in table.bins
        ],
        "threshold": selectors.suggestion_display_threshold(project),
    }
