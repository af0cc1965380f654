"""The document list, whose rows open each document's review page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from annotations.admin.filters import DocumentOutletFilter
from annotations.admin.moderated import ModeratedAdmin
from annotations.admin.review import review_page
from annotations.models import Document


class DocumentAdmin(ModeratedAdmin):
    project_path = "project"
    list_display = [
        "title_link",
        "outlet",
        "project",
        "published_on",
        "span_count",
        "pending_count",
        "annotator_count",
        "created_at",
    ]
    list_display_links = None
    list_filter = [
        ("project", admin.RelatedOnlyFieldListFilter),
        DocumentOutletFilter,
        ("published_on", admin.DateFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "outlet", "author", "external_id"]
    list_select_related = ["project"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        live = Q(spans__deleted_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .defer("text", "metadata")
            .annotate(
                n_spans=Count("spans", filter=live),
                n_pending=Count("spans", filter=live & Q(spans__review_status="pending")),
                n_annotators=Count("spans__author", filter=live, distinct=True),
            )
        )

    @admin.display(description="title", ordering="title")
    def title_link(self, document: Document) -> SafeString:
        url = reverse("admin:annotations_document_review", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.title)

    @admin.display(description="spans", ordering="n_spans")
    def span_count(self, document: Any) -> int:
        return document.n_spans

    @admin.display(description="pending", ordering="n_pending")
    def pending_count(self, document: Any) -> int:
        return document.n_pending

    @admin.display(description="reviewers", ordering="n_annotators")
    def annotator_count(self, document: Any) -> int:
        return document.n_annotators

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A document's page in the admin is its review page.
        document = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        return HttpResponseRedirect(
            reverse("admin:annotations_document_review", args=[document.pk])
        )

    def review_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        return review_page(self, request, object_id)
