"""Projects and who belongs to them. Superusers create projects and change memberships (through
the services, which record who changed whose role); moderators see their own projects, with the
way to each one's dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import BooleanField, Case, Count, QuerySet, Value, When
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from annotations import policy, services
from annotations.admin.dashboard import dashboard_page
from annotations.admin.filters import RelatedOnlyFilter
from annotations.admin.permissions import ProjectPermissions, moderated_ids
from annotations.errors import DomainError
from annotations.models import Membership, Project

PUBLISHING_FIELDS = ("publisher_name", "publisher_url", "publisher_logo", "review_url_template")


class MembershipInline(ProjectPermissions, admin.TabularInline):
    project_path = ""  # an inline is asked about its parent, the project
    managed_by_superusers = True
    moderators_list = False
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class ProjectAdmin(ProjectPermissions, admin.ModelAdmin):
    project_path = ""
    managed_by_superusers = True
    deletable = False  # a project's history is kept; empty it of members instead
    list_display = ["name", "links", "member_count", "document_count", "created_at"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "description", "suggestion_threshold"]}),
        (
            "Publishing fact checks (ClaimReview)",
            {
                "fields": list(PUBLISHING_FIELDS),
                "description": "Who publishes the desk's fact checks, and the address of each "
                "one's article, e.g. https://desk.example.org/checks/{desk_claim_id} (a "
                "verdict's own article address wins). Empty: the installation's settings "
                "(CLAIMREVIEW_*), else the project's name and this app's own pages.",
            },
        ),
    ]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ("annotations/moderation.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                n_members=Count("memberships", distinct=True),
                n_documents=Count("documents", distinct=True),
                moderated=Case(
                    When(pk__in=moderated_ids(request), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
        )
        return self.scope(request, qs)

    @admin.display(description="members", ordering="n_members")
    def member_count(self, project: Any) -> int:
        return project.n_members

    @admin.display(description="documents", ordering="n_documents")
    def document_count(self, project: Any) -> int:
        return project.n_documents

    @admin.display(description="moderation")
    def links(self, project: Any) -> SafeString | str:
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

    def save_model(self, request: HttpRequest, obj: Project, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            project, _ = services.project_get_or_create(name=obj.name, description=obj.description)
            Project.objects.filter(pk=project.pk).update(
                **{name: form.cleaned_data[name] for name in PUBLISHING_FIELDS}
            )
            obj.pk = project.pk

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
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
                        services.membership_remove(
                            membership=subform.instance, actor=policy.actor_of(request)
                        )
                elif data.get("user"):
                    services.membership_assign(
                        project=form.instance,
                        user=data["user"],
                        role=data["role"],
                        actor=policy.actor_of(request),
                    )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return None

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="{}_{}_dashboard".format(*info),
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return dashboard_page(self, request, object_id)


class MembershipAdmin(ProjectPermissions, admin.ModelAdmin):
    """Who has which role where; superusers change it (through the service, with history)."""

    project_path = "project"
    managed_by_superusers = True
    list_display = ["user", "project", "role", "created_at"]
    list_filter = [("project", RelatedOnlyFilter), "role"]
    search_fields = ["user__username", "project__name"]
    list_select_related = ["user", "project"]
    autocomplete_fields = ["user", "project"]
    fields = ["project", "user", "role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm, change: bool
    ) -> None:
        membership = services.membership_assign(
            project=obj.project, user=obj.user, role=obj.role, actor=policy.actor_of(request)
        )
        obj.pk = membership.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_remove(membership=obj, actor=policy.actor_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for membership in queryset.select_related("user"):
            services.membership_remove(membership=membership, actor=policy.actor_of(request))
