"""The document list (each row opens the document's review page), its change page, where a
moderator corrects what describes the article (never its text), and its soft delete and restore.

Corrections, deletes and restores go through the document services, which check the version,
record history and refuse anyone but the project's members (corrections) or moderators (delete
and restore). The list shows deleted documents too, marked and filterable, so a moderator finds
what to restore.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from annotations import policy, selectors, services
from annotations.admin.filters import DeletedFilter, DocumentOutletFilter, RelatedOnlyFilter
from annotations.admin.moderated import ModeratedAdmin, safe_next
from annotations.admin.object_ids import object_pk
from annotations.admin.permissions import moderated_ids
from annotations.admin.review import review_page
from annotations.errors import DomainError
from annotations.models import Document
from annotations.services.documents import CORRECTABLE_FIELDS


class DocumentCorrectionForm(forms.ModelForm):
    """What describes the article, and the version it was read at (a correction made meanwhile
    is not overwritten)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    source_url = forms.URLField(
        max_length=2000, required=False, label="Source URL", assume_scheme="https"
    )

    class Meta:
        model = Document
        fields = list(CORRECTABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version


class DocumentAdmin(ModeratedAdmin):
    project_path = "project"
    form = DocumentCorrectionForm
    change_form_template = "admin/annotations/document/change_form.html"
    list_display = [
        "title_link",
        "outlet",
        "project",
        "published_on",
        "span_count",
        "pending_count",
        "annotator_count",
        "created_at",
        "edit_link",
        "deleted",
    ]
    list_display_links = None
    list_filter = [
        ("project", RelatedOnlyFilter),
        DocumentOutletFilter,
        ("published_on", admin.DateFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
        DeletedFilter,
    ]
    search_fields = ["title", "outlet", "author", "external_id"]
    list_select_related = ["project"]
    actions = ["delete_documents", "restore_documents"]
    fields = [
        *CORRECTABLE_FIELDS,
        "version",
        "project",
        "external_id",
        "text_length",
        "created_by",
        "created_at",
        "deleted_at",
    ]
    readonly_fields = [
        "project",
        "external_id",
        "text_length",
        "created_by",
        "created_at",
        "deleted_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        live = Q(spans__deleted_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .defer("text", "metadata")
            .annotate(
                n_spans=Count("spans", filter=live),
                n_pending=Count("spans", filter=live & Q(spans__review_status="pending")),
                n_annotators=Count(
                    "spans__author",
                    filter=live & selectors.counted_reviewer("spans__author__"),
                    distinct=True,
                ),
            )
        )

    # A moderator corrects the documents of their projects here (through the service); nobody
    # adds or hard-deletes one.
    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        ids = moderated_ids(request)
        if obj is None:
            return bool(ids)
        return self.project_id_of(obj) in ids

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="title", ordering="title")
    def title_link(self, document: Document) -> SafeString:
        url = reverse("admin:annotations_document_review", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.title)

    @admin.display(description="details")
    def edit_link(self, document: Document) -> SafeString:
        url = reverse("admin:annotations_document_change", args=[document.pk])
        return format_html('<a href="{}">correct</a>', url)

    @admin.display(description="spans", ordering="n_spans")
    def span_count(self, document: Any) -> int:
        return document.n_spans

    @admin.display(description="pending", ordering="n_pending")
    def pending_count(self, document: Any) -> int:
        return document.n_pending

    @admin.display(description="reviewers", ordering="n_annotators")
    def annotator_count(self, document: Any) -> int:
        return document.n_annotators

    @admin.display(description="deleted", boolean=True, ordering="deleted_at")
    def deleted(self, document: Document) -> bool:
        return document.deleted_at is not None

    # --- the change page: a correction through the service ---

    def save_model(
        self, request: HttpRequest, obj: Document, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        try:
            services.document_update(
                document=obj,
                actor=policy.actor_of(request),
                version=data["version"],
                **{name: data[name] for name in CORRECTABLE_FIELDS},
            )
        except DomainError as exc:
            request._document_refused = str(exc)  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # a document has no inlines; its history is the service's, not the admin's log

    def response_change(self, request: HttpRequest, obj: Document) -> HttpResponse:
        refused = getattr(request, "_document_refused", "")
        if refused:
            self.message_user(request, f"Not saved: {refused}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # --- soft delete and restore ---

    def _set_deleted(self, request: HttpRequest, documents: Any, *, deleted: bool) -> None:
        service = services.document_delete if deleted else services.document_restore
        done, failed = 0, []
        for document in documents:
            try:
                service(document=document, actor=policy.actor_of(request))
                done += 1
            except DomainError as exc:
                failed.append(f"document {document.pk}: {exc}")
        word = "deleted (restorable)" if deleted else "restored"
        self.message_user(request, f"{done} documents {word}.", messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description="Delete selected documents (restorable)", permissions=["moderate"])
    def delete_documents(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_deleted(request, queryset.filter(deleted_at__isnull=True), deleted=True)

    @admin.action(description="Restore selected deleted documents", permissions=["moderate"])
    def restore_documents(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_deleted(request, queryset.filter(deleted_at__isnull=False), deleted=False)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            path(
                "<path:object_id>/delete-document/",
                self.admin_site.admin_view(self.delete_one_view),
                name="{}_{}_soft_delete".format(*info),
            ),
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_one_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _one(self, request: HttpRequest, object_id: str, *, deleted: bool) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        document = get_object_or_404(self.get_queryset(request), pk=object_pk(object_id))
        self._set_deleted(request, [document], deleted=deleted)
        fallback = reverse("admin:annotations_document_change", args=[document.pk])
        return HttpResponseRedirect(safe_next(request, fallback))

    def delete_one_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._one(request, object_id, deleted=True)

    def restore_one_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._one(request, object_id, deleted=False)

    def review_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        return review_page(self, request, object_id)
