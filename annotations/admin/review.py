"""A document's review page: every reviewer's spans over the text, where they disagree, and
the decisions on each span and verdict. A CLAIM shows its desk claim's verdict (the same on
every mention, in every article) and where else the claim appears.

The text is cut at every span boundary. Each piece that someone tagged becomes one <mark>:
class `rv-agree` when every annotator of the document tagged it with the same labels,
`rv-disagree` when one tagged it and another did not, or tagged it differently, `rv-single`
when fewer than two reviewers are compared there. Its title says who tagged what. Every piece of
text and every name is escaped.

Only reviewers are compared (selectors.counted_reviewer): the spans of an account that cannot
log in, like the seed examples' "annotation-guide", are shown and reviewed like any other, but
they neither disagree with anyone nor make anyone else's span a disagreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from django.contrib.admin import ModelAdmin
from django.db.models import BooleanField, ExpressionWrapper
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations import agreement, reports, selectors
from annotations.admin.object_ids import object_pk
from annotations.admin.permissions import moderated_ids
from annotations.admin.review_actions import review_buttons
from annotations.models import Document, Span
from annotations.presenters import span_verdict


def review_page(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> TemplateResponse:
    """The page, for a moderator of the document's project (404 for anyone else)."""
    document = get_object_or_404(
        Document.objects.select_related("project").filter(project__in=moderated_ids(request)),
        pk=object_pk(object_id),
    )
    spans = list(
        document.spans.select_related("author", "reviewed_by", "desk_claim__verdict__author")
        .annotate(
            by_reviewer=ExpressionWrapper(
                selectors.counted_reviewer("author__"), output_field=BooleanField()
            )
        )
        .order_by("start", "end", "author__username", "id")
    )
    live = [s for s in spans if s.deleted_at is None]
    deleted = [s for s in spans if s.deleted_at is not None]
    rows = span_rows(live)
    annotators = sorted({span.author.get_username() for span in live if span.by_reviewer})
    matches = agreement.span_matches([r for r in rows if r.author in annotators])
    elsewhere = mentions_elsewhere(document, live)
    table = []
    for span in live:
        verdict = span_verdict(span)
        compared = span.by_reviewer and len(annotators) >= 2
        table.append(
            {
                "span": span,
                "verdict": verdict,
                "span_buttons": review_buttons(span),
                "verdict_buttons": review_buttons(verdict) if verdict else [],
                "notes": describe_matches(matches[span.pk]) if span.by_reviewer else [],
                "by_reviewer": span.by_reviewer,
                "compared": compared,
                "agreed": compared and matches[span.pk]["agreed"],
                "also_in": elsewhere.get(span.desk_claim_id or 0, []),
            }
        )
    return TemplateResponse(
        request,
        "admin/annotations/document_review.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"Review: {document.title}",
            "opts": model_admin.opts,
            "document": document,
            "text": render_disagreements(document.text, rows, annotators),
            "table": table,
            "deleted": deleted,
            "annotators": annotators,
            "compared": sum(1 for r in table if r["compared"]),
            "disagreements": sum(1 for r in table if r["compared"] and not r["agreed"]),
            "figures": reports.document_agreement(document),
            "here": request.get_full_path(),
            "media": model_admin.media,
        },
    )


def mentions_elsewhere(document: Document, spans: Sequence[Span]) -> dict[int, list[Span]]:
    """For each desk claim these spans mention: its live mentions in other articles, one an
    article, with the article's title, outlet and date (one query)."""
    desk_claims = {span.desk_claim_id for span in spans if span.desk_claim_id is not None}
    found: dict[int, dict[int, Span]] = {}
    others = (
        Span.objects.filter(desk_claim__in=desk_claims, deleted_at__isnull=True)
        .exclude(document=document)
        .select_related("document")
        .only(
            "id",
            "desk_claim_id",
            "document__id",
            "document__title",
            "document__outlet",
            "document__published_on",
        )
        .order_by("document_id", "start", "id")
    )
    for other in others if desk_claims else ():
        assert other.desk_claim_id is not None
        found.setdefault(other.desk_claim_id, {}).setdefault(other.document_id, other)
    return {desk_claim: list(by_document.values()) for desk_claim, by_document in found.items()}


def span_rows(spans: Sequence[Span]) -> list[agreement.SpanRow]:
    """Agreement rows from spans already loaded with their author (no query)."""
    return [
        agreement.SpanRow(
            span.pk,
            span.document_id,
            span.author.get_username(),
            span.label,
            span.start,
            span.end,
        )
        for span in spans
    ]


def render_disagreements(
    text: str, rows: Sequence[agreement.SpanRow], annotators: Sequence[str]
) -> SafeString:
    """The text with every span's words marked; `annotators` are the reviewers compared (the
    authors of other rows are shown but not compared)."""
    boundaries = sorted({0, len(text), *(r.start for r in rows), *(r.end for r in rows)})
    ordered = sorted(rows, key=lambda r: (r.start, r.end, r.id))
    out: list[str] = []
    active: list[agreement.SpanRow] = []
    next_row = 0
    for left, right in pairwise(boundaries):
        # A sweep: spans enter at their start and leave at their end, so each piece looks only
        # at the spans over it, not at every span of the document.
        active = [r for r in active if r.end > left]
        while next_row < len(ordered) and ordered[next_row].start == left:
            active.append(ordered[next_row])
            next_row += 1
        piece = escape(text[left:right])
        covering = active
        if not covering:
            out.append(piece)
            continue
        labels_by_author = {
            a: sorted({r.label for r in covering if r.author == a}) for a in annotators
        }
        distinct = {tuple(v) for v in labels_by_author.values()}
        if len(annotators) < 2 or not any(r.author in annotators for r in covering):
            state = "rv-single"
        elif len(distinct) == 1:
            state = "rv-agree"
        else:
            state = "rv-disagree"
        labels = {r.label for r in covering}
        label_class = f"rv-{next(iter(labels)).lower()}" if len(labels) == 1 else "rv-mixed"
        who = "; ".join(
            f"{author}: {', '.join(found) if found else 'nothing'}"
            for author, found in labels_by_author.items()
        )
        examples = sorted({r.author for r in covering if r.author not in annotators})
        if examples:
            who = "; ".join(
                [*([who] if who else []), *(f"{a} (not a reviewer): tagged it" for a in examples)]
            )
        ids = " ".join(str(r.id) for r in covering)
        out.append(
            f'<mark class="rv {state} {label_class}" data-span-ids="{ids}" '
            f'title="{escape(who)}">{piece}</mark>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def describe_matches(match: dict[str, Any]) -> list[tuple[str, str]]:
    """(css class, words) for the review table: how the other annotators treated this span."""
    notes: list[tuple[str, str]] = []
    for m in match["matches"]:
        if m.kind == "exact":
            notes.append(("agree", f"{m.author}: same {m.label}"))
        elif m.kind == "overlap":
            notes.append(("partial", f"{m.author}: {m.label} over different words"))
        else:
            notes.append(("disagree", f"{m.author}: tagged it {m.label}"))
    for author in match["missing"]:
        notes.append(("disagree", f"{author}: did not tag it"))
    return notes
