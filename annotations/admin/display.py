"""How list rows and confirmation pages show a span, its review state and its document, and a
background job's columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from annotations.models import ReviewStatus
from annotations.models.jobs import Job

CONTEXT_CHARS = 60  # of the span text shown in a list row; prefix and suffix are 32 already


def in_context(prefix: str, text: str, suffix: str, label: str) -> SafeString:
    """…prefix <mark>span</mark> suffix…, escaped, the span cut to CONTEXT_CHARS."""
    return format_html(
        '<span class="ctx">…{}</span><mark class="hl hl-{}">{}</mark><span class="ctx">{}…</span>',
        prefix,
        label.lower(),
        Truncator(text).chars(CONTEXT_CHARS),
        suffix,
    )


def status_badge(status: str, reason: str = "") -> SafeString:
    return format_html(
        '<span class="status status-{}">{}</span>{}',
        status,
        ReviewStatus(status).label,
        format_html('<br><span class="reason">{}</span>', Truncator(reason).chars(120))
        if reason
        else "",
    )


def review_page_link(document_id: int, span_id: int, title: str) -> SafeString:
    """The document's review page, scrolled to the span."""
    url = reverse("admin:annotations_document_review", args=[document_id])
    return format_html('<a href="{}#span-{}">{}</a>', url, span_id, Truncator(title).chars(50))


def appearances(mentions: Iterable[Any]) -> SafeString | str:
    """Where a desk claim appears: each article with a live mention, linked to its review page
    at the first one, with its outlet."""
    seen: dict[int, Any] = {}
    for span in mentions:
        seen.setdefault(span.document_id, span)
    if not seen:
        return "no mentions left"
    return format_html(
        '<ul class="appearances">{}</ul>',
        format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (
                    review_page_link(span.document_id, span.pk, span.document.title),
                    f" ({span.document.outlet})" if span.document.outlet else "",
                )
                for span in seen.values()
            ),
        ),
    )


class JobColumns:
    """The columns every background job's list shows beside its own."""

    @admin.display(description="error")
    def error_short(self, job: Job) -> str:
        return Truncator(job.error).chars(80)
