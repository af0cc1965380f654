"""The moderators' tool: the Django admin, scoped to the projects where the user is a moderator.

- Every project-data list (documents, spans, verdicts, suggestions, runs, import jobs, history)
  shows only rows of projects the user moderates; staff or superuser status alone shows
  nothing. Whether a user may act is decided by annotations.policy (through
  permissions.ProjectPermissions), never by Django's model permissions.
- The admin never writes a model itself: review, restore and membership changes call services,
  which validate and record history. Change forms are read-only.
- Lists load what their columns show in one query (list_select_related, the document's text
  deferred) so a page costs the same number of queries for 10 rows or 100.
- Custom pages (a document's review page, a project's dashboard, an object's history) are
  ModelAdmin.get_urls + admin_site.admin_view, rendered from templates/admin/annotations/.

One module a concern: permissions, forms, filters, display (how a row shows a span),
review_actions (the decisions, as data), moderated (the base and the review views), one module
a list (spans, verdicts, desk claims, documents, suggestions, import jobs, audit, people), review (a
document's review page), dashboard and charts, history. This module registers them.
"""

from __future__ import annotations

from django.contrib import admin

from annotations.admin.audit import AuditEventAdmin
from annotations.admin.claims import DeskClaimAdmin
from annotations.admin.documents import DocumentAdmin
from annotations.admin.imports import ImportJobAdmin
from annotations.admin.people import MembershipAdmin, ProjectAdmin
from annotations.admin.spans import SpanAdmin
from annotations.admin.suggestions import SuggestionAdmin, SuggestionRunAdmin
from annotations.admin.verdicts import VerdictAdmin
from annotations.models import (
    AuditEvent,
    DeskClaim,
    Document,
    ImportJob,
    Membership,
    Project,
    Span,
    Suggestion,
    SuggestionRun,
    Verdict,
)

admin.site.site_header = "Fact-check desk: moderation"
admin.site.site_title = "Fact-check moderation"
admin.site.index_title = "Review the desk's work"
# The model list beside every page took 300 of a laptop's 1,400 pixels from the lists, whose
# text columns then wrapped a word a line; the breadcrumbs and the index lead to every list.
admin.site.enable_nav_sidebar = False

admin.site.register(Span, SpanAdmin)
admin.site.register(Verdict, VerdictAdmin)
admin.site.register(DeskClaim, DeskClaimAdmin)
admin.site.register(Document, DocumentAdmin)
admin.site.register(Suggestion, SuggestionAdmin)
admin.site.register(SuggestionRun, SuggestionRunAdmin)
admin.site.register(ImportJob, ImportJobAdmin)
admin.site.register(AuditEvent, AuditEventAdmin)
admin.site.register(Project, ProjectAdmin)
admin.site.register(Membership, MembershipAdmin)
