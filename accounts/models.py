"""API tokens. The key is shown once, when it is issued; the database keeps only its SHA-256
digest (a key is 160 random bits, so a fast hash is enough) and its first characters, which
name it in lists. Nobody, a superuser included, can read a key back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    class Revoked(models.TextChoices):
        OWNER = "owner", "revoked by its owner"
        LOGOUT = "logout", "revoked at logout"
        ADMIN = "admin", "revoked by an administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key.")
    # The owner's password as it was when the token was issued (a digest of its hash): a
    # password changed by any path (the site, the admin, manage.py) ends the token.
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=10, choices=Revoked.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revoked_reason=""),
                name="api_token_revoked_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["user", "expires_at"], name="api_token_user_expiry")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"
