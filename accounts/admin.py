"""API tokens in the admin: who has which, named by their first characters, and a way to
revoke them. No key is stored, so none can be shown; no one can make a token for someone else."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.keys import password_fingerprint
from accounts.models import ApiToken
from accounts.tokens import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix_shown",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "state",
    ]
    list_filter = ["revoked_reason"]
    search_fields = ["user__username", "name", "prefix"]
    fields = (
        "prefix_shown",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "state",
        "revoked_at",
        "revoked_reason",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="token")
    def prefix_shown(self, token: ApiToken) -> str:
        return f"{token.prefix}…"

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return token.get_revoked_reason_display()
        if token.expires_at <= timezone.now():
            return "expired"
        if token.password_fingerprint != password_fingerprint(token.user.password):
            return "ended by a password change"
        return "live"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, reason=ApiToken.Revoked.ADMIN)
        messages.success(request, f"{len(tokens)} token(s) revoked.")
