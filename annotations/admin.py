"""The moderators' tool: the Django admin, scoped to the projects where the user is a moderator.

- Every project-data list (documents, spans, verdicts, suggestions, runs, history) shows only
  rows of projects the user moderates; staff or superuser status alone shows nothing. Whether a
  user may act is decided by annotations.policy, never by Django's model permissions.
- The admin never writes a model itself: review, restore and membership changes call services,
  which validate and record history. Change forms are read-only.
- Lists load what their columns show in one query (list_select_related, the document's text
  deferred) so a page costs the same number of queries for 10 rows or 100.
- Custom pages (a document's review page, a project's dashboard, an object's history) are
  ModelAdmin.get_urls + admin_site.admin_view, rendered from templates/admin/annotations/.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from annotations import charts, policy, reports, review_page, selectors, services
from annotations.agreement import span_matches
from annotations.domain import span as span_domain
from annotations.errors import DomainError
from annotations.models import (
    AuditEvent,
    Document,
    Label,
    Membership,
    Project,
    Rating,
    ReviewStatus,
    Span,
    Suggestion,
    SuggestionRun,
    Verdict,
)
from annotations.services.moderation import MAX_REASON_LENGTH

CONTEXT_CHARS = 60  # of the span text shown in a list row; prefix and suffix are 32 already

admin.site.site_header = "Fact-check desk: moderation"
admin.site.site_title = "Fact-check moderation"
admin.site.index_title = "Review the desk's work"


# --- forms -----------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """One decision on one span or verdict (the review page's buttons post this)."""

    status = forms.ChoiceField(choices=ReviewStatus.choices)
    reason = forms.CharField(required=False, max_length=MAX_REASON_LENGTH)
    version = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("status") == ReviewStatus.REJECTED and not data.get("reason", "").strip():
            self.add_error("reason", "A rejection needs a reason the reviewer can act on.")
        return data


class BatchReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=MAX_REASON_LENGTH,
        help_text="Every selected item gets this reason; its author sees it in the workspace.",
    )


# --- shared pieces ---------------------------------------------------------------------------


def moderated_ids(request) -> set[int]:
    """The projects the requester moderates, asked once per request."""
    if not hasattr(request, "_moderated_project_ids"):
        request._moderated_project_ids = policy.moderated_project_ids(request.user)
    return request._moderated_project_ids


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def in_context(prefix: str, text: str, suffix: str, label: str):
    """…prefix <mark>span</mark> suffix…, escaped, the span cut to CONTEXT_CHARS."""
    return format_html(
        '<span class="ctx">…{}</span><mark class="hl hl-{}">{}</mark><span class="ctx">{}…</span>',
        prefix,
        label.lower(),
        Truncator(text).chars(CONTEXT_CHARS),
        suffix,
    )


def status_badge(status: str, reason: str = ""):
    return format_html(
        '<span class="status status-{}">{}</span>{}',
        status,
        ReviewStatus(status).label,
        format_html('<br><span class="reason">{}</span>', Truncator(reason).chars(120))
        if reason
        else "",
    )


class OutletFilter(admin.SimpleListFilter):
    title = "outlet"
    parameter_name = "outlet"
    outlet_path = "document__outlet"

    def lookups(self, request, model_admin):
        outlets = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(self.outlet_path, flat=True)
            .distinct()
        )
        return [(o, o) for o in sorted(outlets) if o]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.outlet_path: self.value()})
        return queryset


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Live"), ("yes", "Deleted (restorable)")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class ModeratedAdmin(admin.ModelAdmin):
    """Project data, read-only, for the moderators of its project."""

    project_path = "document__project"
    list_per_page = 100
    show_full_result_count = False  # one count query less on filtered lists

    class Media:
        css = {"all": ("annotations/moderation.css",)}

    def project_id_of(self, obj) -> int:
        value = obj
        for part in self.project_path.split("__"):
            value = getattr(value, part)
        return value.pk

    def has_module_permission(self, request):
        return bool(moderated_ids(request))

    def has_view_permission(self, request, obj=None):
        ids = moderated_ids(request)
        if obj is None:
            return bool(ids)
        return self.project_id_of(obj) in ids

    def has_moderate_permission(self, request):
        return bool(moderated_ids(request))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.project_path}__in": moderated_ids(request)})
        )

    # A batch decision: approve at once, reject after a confirmation page that asks for one
    # reason for the whole batch.
    review_kind = ""  # "span" or "verdict"

    def _bulk(self, request, queryset, status: str, reason: str = "") -> None:
        service = (
            services.span_review_bulk
            if self.review_kind == "span"
            else services.verdict_review_bulk
        )
        key = "spans" if self.review_kind == "span" else "verdicts"
        try:
            result = service(**{key: queryset}, actor=request.user, status=status, reason=reason)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        word = ReviewStatus(status).label.lower()
        text = f"{result['changed']} {key} {word}."
        if result["skipped"]:
            text += f" {result['skipped']} skipped (already {word}, or deleted)."
        self.message_user(request, text, messages.SUCCESS)

    @admin.action(description="Approve selected", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, ReviewStatus.APPROVED)

    @admin.action(description="Reject selected (asks for a reason)", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        form = BatchReasonForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            self._bulk(request, queryset, ReviewStatus.REJECTED, form.cleaned_data["reason"])
            return None  # back to the list, with the message
        count = queryset.count()
        return TemplateResponse(
            request,
            "admin/annotations/reject_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Reject {count} {self.opts.verbose_name_plural}",
                "opts": self.opts,
                "form": form,
                "count": count,
                "sample": [(obj.pk, self.describe_for_confirmation(obj)) for obj in queryset[:20]],
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": "reject_selected",
                "media": self.media,
            },
        )

    @admin.action(description="Reopen selected as pending", permissions=["moderate"])
    def reopen_selected(self, request, queryset):
        self._bulk(request, queryset, ReviewStatus.PENDING)

    def describe_for_confirmation(self, obj) -> str:
        return str(obj)

    # One decision from the review page or the change page.
    def get_urls(self):
        urls = super().get_urls()
        if not self.review_kind:
            return urls
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_one_view),
                name="{}_{}_review".format(*info),
            ),
            *urls,
        ]

    def review_one_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        fallback = reverse(f"admin:annotations_{self.opts.model_name}_change", args=[obj.pk])
        form = ReviewForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(_safe_next(request, fallback))
        data = form.cleaned_data
        try:
            if self.review_kind == "span":
                services.span_review(
                    span=obj,
                    actor=request.user,
                    status=data["status"],
                    reason=data["reason"],
                    version=data["version"],
                )
            else:
                services.verdict_review(
                    verdict=obj,
                    actor=request.user,
                    status=data["status"],
                    reason=data["reason"],
                    version=data["version"],
                )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                f"{self.opts.verbose_name.capitalize()} {obj.pk}: "
                f"{ReviewStatus(data['status']).label.lower()}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(_safe_next(request, fallback))

    # History: what the services recorded, before and after, instead of the admin's LogEntry.
    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object in the projects you moderate.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        events = list(selectors.object_history(object_type=self.opts.model_name, object_id=obj.pk))
        for extra_type, extra_id in self.related_histories(obj):
            events.extend(selectors.object_history(object_type=extra_type, object_id=extra_id))
        events.sort(key=lambda e: (e.created_at, e.pk))
        return TemplateResponse(
            request,
            "admin/annotations/history.html",
            {
                **self.admin_site.each_context(request),
                "title": f"History of {self.opts.verbose_name} {obj.pk}",
                "opts": self.opts,
                "object": obj,
                "entries": [history_entry(e) for e in events],
                "media": self.media,
            },
        )

    def related_histories(self, obj) -> list[tuple[str, int]]:
        return []


def history_entry(event: AuditEvent) -> dict:
    """One row of a history page: who, when, what, and each field's before and after."""
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    changes = [
        {"field": k, "before": before.get(k, ""), "after": after.get(k, "")}
        for k in keys
        if k != "version" and before.get(k) != after.get(k)
    ]
    return {
        "at": event.created_at,
        "actor": event.actor.get_username() if event.actor else "(deleted account)",
        "action": event.action,
        "object": f"{event.object_type} {event.object_id}",
        "changes": changes,
        "version": after.get("version", before.get("version")),
    }


# --- spans -----------------------------------------------------------------------------------


@admin.register(Span)
class SpanAdmin(ModeratedAdmin):
    review_kind = "span"
    list_display = [
        "id",
        "document_link",
        "label",
        "context",
        "speaker",
        "author",
        "review",
        "verdict_rating",
        "created_at",
        "deleted",
    ]
    list_display_links = ["id"]
    list_filter = [
        ("document__project", admin.RelatedOnlyFieldListFilter),
        "label",
        "review_status",
        ("author", admin.RelatedOnlyFieldListFilter),
        ("reviewed_by", admin.RelatedOnlyFieldListFilter),
        OutletFilter,
        ("created_at", admin.DateFieldListFilter),
        DeletedFilter,
    ]
    search_fields = ["text", "speaker", "note", "document__title"]
    list_select_related = ["document", "author", "verdict"]
    ordering = ["-id"]  # newest first, straight off the primary key index
    actions = ["approve_selected", "reject_selected", "reopen_selected", "restore_selected"]
    change_form_template = "admin/annotations/span/change_form.html"
    fields = [
        "document",
        "label",
        "context",
        "speaker",
        "note",
        "author",
        "origin",
        "review_status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "version",
        "created_at",
        "updated_at",
        "deleted_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # The document's text can be megabytes: a list row needs its title and outlet only.
        return super().get_queryset(request).defer("document__text", "document__metadata")

    @admin.display(description="document", ordering="document__title")
    def document_link(self, span):
        url = reverse("admin:annotations_document_review", args=[span.document_id])
        return format_html(
            '<a href="{}#span-{}">{}</a>', url, span.pk, Truncator(span.document.title).chars(50)
        )

    @admin.display(description="text in context")
    def context(self, span):
        return in_context(span.prefix, span.text, span.suffix, span.label)

    @admin.display(description="review", ordering="review_status")
    def review(self, span):
        return status_badge(span.review_status, span.review_reason)

    @admin.display(description="verdict")
    def verdict_rating(self, span):
        verdict = getattr(span, "verdict", None)
        return verdict.get_rating_display() if verdict else "—"

    @admin.display(description="deleted", boolean=True, ordering="deleted_at")
    def deleted(self, span):
        return span.deleted_at is not None

    @admin.display(description="origin")
    def origin(self, span):
        return span_domain.origin(span.suggestion_id)

    def describe_for_confirmation(self, span):
        return in_context(span.prefix, span.text, span.suffix, span.label)

    def related_histories(self, span):
        verdict = getattr(span, "verdict", None)
        return [("verdict", verdict.pk)] if verdict else []

    @admin.action(description="Restore selected deleted spans", permissions=["moderate"])
    def restore_selected(self, request, queryset):
        restored, failed = 0, []
        for span in queryset.filter(deleted_at__isnull=False):
            try:
                services.span_restore(span=span, actor=request.user)
                restored += 1
            except DomainError as exc:
                failed.append(f"span {span.pk}: {exc}")
        self.message_user(request, f"{restored} spans restored.", messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        span = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        try:
            services.span_restore(span=span, actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Span {span.pk} restored.", messages.SUCCESS)
        fallback = reverse("admin:annotations_span_change", args=[span.pk])
        return HttpResponseRedirect(_safe_next(request, fallback))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request,
            object_id,
            form_url,
            {**(extra_context or {}), "review_statuses": ReviewStatus},
        )


# --- verdicts --------------------------------------------------------------------------------


@admin.register(Verdict)
class VerdictAdmin(ModeratedAdmin):
    review_kind = "verdict"
    project_path = "span__document__project"
    list_display = [
        "id",
        "claim",
        "rating",
        "rationale_short",
        "author",
        "review",
        "document_link",
        "updated_at",
    ]
    list_display_links = ["id"]
    list_filter = [
        ("span__document__project", admin.RelatedOnlyFieldListFilter),
        "rating",
        "review_status",
        ("author", admin.RelatedOnlyFieldListFilter),
        ("reviewed_by", admin.RelatedOnlyFieldListFilter),
        type("VerdictOutletFilter", (OutletFilter,), {"outlet_path": "span__document__outlet"}),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["span__text", "rationale", "span__document__title"]
    list_select_related = ["span__document", "author"]
    ordering = ["-id"]
    actions = ["approve_selected", "reject_selected", "reopen_selected"]
    change_form_template = "admin/annotations/verdict/change_form.html"
    fields = [
        "span",
        "claim",
        "rating",
        "rationale",
        "evidence",
        "author",
        "review_status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "version",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super().get_queryset(request).defer("span__document__text", "span__document__metadata")
        )

    @admin.display(description="claim in context")
    def claim(self, verdict):
        span = verdict.span
        return in_context(span.prefix, span.text, span.suffix, span.label)

    @admin.display(description="rationale")
    def rationale_short(self, verdict):
        return Truncator(verdict.rationale).chars(100)

    @admin.display(description="review", ordering="review_status")
    def review(self, verdict):
        return status_badge(verdict.review_status, verdict.review_reason)

    @admin.display(description="document", ordering="span__document__title")
    def document_link(self, verdict):
        url = reverse("admin:annotations_document_review", args=[verdict.span.document_id])
        return format_html(
            '<a href="{}#span-{}">{}</a>',
            url,
            verdict.span_id,
            Truncator(verdict.span.document.title).chars(50),
        )

    @admin.display(description="evidence links")
    def evidence(self, verdict):
        if not verdict.evidence_links:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}" rel="noopener noreferrer">{}</a></li>',
                ((link, link) for link in verdict.evidence_links),
            ),
        )

    def describe_for_confirmation(self, verdict):
        span = verdict.span
        return format_html(
            "{} on {}",
            verdict.get_rating_display(),
            in_context(span.prefix, span.text, span.suffix, span.label),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request,
            object_id,
            form_url,
            {**(extra_context or {}), "review_statuses": ReviewStatus},
        )


# --- documents and the review page -----------------------------------------------------------


@admin.register(Document)
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
        type("DocumentOutletFilter", (OutletFilter,), {"outlet_path": "outlet"}),
        ("published_on", admin.DateFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "outlet", "author", "external_id"]
    list_select_related = ["project"]

    def get_queryset(self, request):
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
    def title_link(self, document):
        url = reverse("admin:annotations_document_review", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.title)

    @admin.display(description="spans", ordering="n_spans")
    def span_count(self, document):
        return document.n_spans

    @admin.display(description="pending", ordering="n_pending")
    def pending_count(self, document):
        return document.n_pending

    @admin.display(description="reviewers", ordering="n_annotators")
    def annotator_count(self, document):
        return document.n_annotators

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A document's page in the admin is its review page.
        document = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        return HttpResponseRedirect(
            reverse("admin:annotations_document_review", args=[document.pk])
        )

    def review_view(self, request, object_id):
        document = get_object_or_404(
            Document.objects.select_related("project").filter(project__in=moderated_ids(request)),
            pk=unquote(object_id),
        )
        spans = list(
            document.spans.select_related(
                "author", "verdict", "reviewed_by", "verdict__author"
            ).order_by("start", "end", "author__username", "id")
        )
        live = [s for s in spans if s.deleted_at is None]
        deleted = [s for s in spans if s.deleted_at is not None]
        rows = review_page.span_rows(live)
        matches = span_matches(rows)
        figures = reports.document_agreement(document)
        table = [
            {
                "span": span,
                "verdict": getattr(span, "verdict", None),
                "notes": review_page.describe_matches(matches[span.pk]),
                "agreed": matches[span.pk]["agreed"],
            }
            for span in live
        ]
        return TemplateResponse(
            request,
            "admin/annotations/document_review.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Review: {document.title}",
                "opts": self.opts,
                "document": document,
                "text": review_page.render_disagreements(document.text, rows),
                "table": table,
                "deleted": deleted,
                "annotators": sorted({r.author for r in rows}),
                "disagreements": sum(1 for r in table if not r["agreed"]),
                "figures": figures,
                "statuses": ReviewStatus,
                "here": request.get_full_path(),
                "media": self.media,
            },
        )


# --- suggestions and their runs (read-only lists) ------------------------------------------


@admin.register(Suggestion)
class SuggestionAdmin(ModeratedAdmin):
    list_display = [
        "id",
        "document",
        "label",
        "text_short",
        "score",
        "reason",
        "suggester",
        "status",
        "created_at",
    ]
    list_filter = [
        ("document__project", admin.RelatedOnlyFieldListFilter),
        "label",
        "status",
        "suggester",
        ("decided_by", admin.RelatedOnlyFieldListFilter),
        OutletFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["text", "speaker", "document__title", "reason"]
    list_select_related = ["document"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text", "document__metadata")

    @admin.display(description="text")
    def text_short(self, suggestion):
        return Truncator(suggestion.text).chars(CONTEXT_CHARS)


@admin.register(SuggestionRun)
class SuggestionRunAdmin(ModeratedAdmin):
    list_display = [
        "id",
        "document",
        "status",
        "counts",
        "attempts",
        "error_short",
        "created_at",
        "finished_at",
    ]
    list_filter = [
        ("document__project", admin.RelatedOnlyFieldListFilter),
        "status",
        OutletFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["document__title", "error"]
    list_select_related = ["document"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text", "document__metadata")

    @admin.display(description="error")
    def error_short(self, run):
        return Truncator(run.error).chars(80)


# --- the audit log ---------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ModeratedAdmin):
    project_path = "project"
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "changes"]
    list_filter = [
        ("project", admin.RelatedOnlyFieldListFilter),
        "object_type",
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["actor"]
    search_fields = ["object_id"]

    @admin.display(description="changes")
    def changes(self, event):
        entry = history_entry(event)
        return format_html(
            "{}",
            "; ".join(
                f"{c['field']}: {Truncator(str(c['before'])).chars(40)} → "
                f"{Truncator(str(c['after'])).chars(40)}"
                for c in entry["changes"]
            ),
        )


# --- projects and people ---------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]

    def has_view_permission(self, request, obj=None):
        return policy.can_manage_people(request.user) or (
            obj is not None and obj.pk in moderated_ids(request)
        )

    def has_add_permission(self, request, obj=None):
        return policy.can_manage_people(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_manage_people(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.can_manage_people(request.user)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Superusers create projects and manage their members; moderators see their projects with
    the way to the dashboard."""

    list_display = ["name", "links", "member_count", "document_count", "created_at"]
    search_fields = ["name"]
    fields = ["name", "description"]
    inlines = [MembershipInline]

    class Media:
        css = {"all": ("annotations/moderation.css",)}

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                n_members=Count("memberships", distinct=True),
                n_documents=Count("documents", distinct=True),
            )
        )
        ids = moderated_ids(request)
        qs = qs.annotate(
            moderated=Case(
                When(pk__in=ids, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        if policy.can_manage_people(request.user):
            return qs
        return qs.filter(pk__in=ids)

    def has_module_permission(self, request):
        return policy.can_manage_people(request.user) or bool(moderated_ids(request))

    def has_view_permission(self, request, obj=None):
        if policy.can_manage_people(request.user):
            return True
        ids = moderated_ids(request)
        return bool(ids) if obj is None else obj.pk in ids

    def has_add_permission(self, request):
        return policy.can_manage_people(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_manage_people(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a project's history is kept; empty it of members instead

    @admin.display(description="members", ordering="n_members")
    def member_count(self, project):
        return project.n_members

    @admin.display(description="documents", ordering="n_documents")
    def document_count(self, project):
        return project.n_documents

    @admin.display(description="moderation")
    def links(self, project):
        if not project.moderated:
            return "—"
        return format_html(
            '<a href="{}">dashboard</a> · <a href="{}?project__id__exact={}">documents</a> · '
            '<a href="{}?document__project__id__exact={}&review_status__exact=pending">'
            "pending spans</a>",
            reverse("admin:annotations_project_dashboard", args=[project.pk]),
            reverse("admin:annotations_document_changelist"),
            project.pk,
            reverse("admin:annotations_span_changelist"),
            project.pk,
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            project, _ = services.project_get_or_create(name=obj.name, description=obj.description)
            obj.pk = project.pk

    def save_formset(self, request, form, formset, change):
        # Memberships go through the service, which records who changed whose role.
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        try:
            for subform in formset.forms:
                if not subform.has_changed() or not hasattr(subform, "cleaned_data"):
                    continue
                data = subform.cleaned_data
                if data.get("DELETE"):
                    if subform.instance.pk:
                        services.membership_remove(membership=subform.instance, actor=request.user)
                elif data.get("user"):
                    services.membership_assign(
                        project=form.instance,
                        user=data["user"],
                        role=data["role"],
                        actor=request.user,
                    )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="{}_{}_dashboard".format(*info),
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request, object_id):
        project = get_object_or_404(Project, pk=unquote(object_id))
        if not policy.can_view_dashboard(request.user, project):
            raise Http404("No such project among those you moderate.")
        data = reports.dashboard(project)
        states = data["documents"]["by_state"]
        outlets = list(data["spans_by_outlet"])
        ratings = data["verdicts_by_rating"]
        span_agreement = data["agreement"]["spans"]["labels"]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Dashboard: {project.name}",
            "opts": self.opts,
            "project": project,
            "data": data,
            "media": self.media,
            "charts": {
                "documents": charts.bar_chart(
                    "Documents by state",
                    list(states.items()),
                    css=["st-none", "st-pending", "st-done"],
                ),
                "spans": charts.stacked_bar_chart(
                    "Spans by outlet and label",
                    outlets,
                    {
                        label: [data["spans_by_outlet"][o][label] for o in outlets]
                        for label in Label.values
                    },
                ),
                "review": charts.bar_chart(
                    "Spans by review state",
                    list(data["spans_by_status"].items()),
                    css=["st-pending", "st-done", "st-rejected"],
                ),
                "verdicts": charts.bar_chart(
                    "Verdicts by rating",
                    [(Rating(r).label, n) for r, n in ratings.items()],
                ),
                "throughput": charts.line_chart(
                    "Spans per reviewer per week",
                    [w[5:] for w in data["throughput"]["weeks"]],
                    data["throughput"]["by_author"],
                ),
                "agreement": charts.stacked_bar_chart(
                    "Span agreement (F1) per label",
                    [f"{label} exact" for label in Label.values]
                    + [f"{label} overlap" for label in Label.values],
                    {
                        "F1": [span_agreement[lb]["f1_exact"] or 0 for lb in Label.values]
                        + [span_agreement[lb]["f1_overlap"] or 0 for lb in Label.values]
                    },
                ),
            },
            "labels": Label.values,
            "rating_labels": {r: Rating(r).label for r in Rating.values},
        }
        return TemplateResponse(request, "admin/annotations/dashboard.html", context)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who has which role where; superusers change it (through the service, with history)."""

    list_display = ["user", "project", "role", "created_at"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["user__username", "project__name"]
    list_select_related = ["user", "project"]
    autocomplete_fields = ["user", "project"]
    fields = ["project", "user", "role"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if policy.can_manage_people(request.user):
            return qs
        return qs.filter(project__in=moderated_ids(request))

    def has_module_permission(self, request):
        return policy.can_manage_people(request.user) or bool(moderated_ids(request))

    def has_view_permission(self, request, obj=None):
        if policy.can_manage_people(request.user):
            return True
        ids = moderated_ids(request)
        return bool(ids) if obj is None else obj.project_id in ids

    def has_add_permission(self, request):
        return policy.can_manage_people(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_manage_people(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.can_manage_people(request.user)

    def save_model(self, request, obj, form, change):
        membership = services.membership_assign(
            project=obj.project, user=obj.user, role=obj.role, actor=request.user
        )
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            services.membership_remove(membership=membership, actor=request.user)
