"""API tokens, hashed and expiring. The keys DRF's authtoken stored in plain text become hashed
tokens that expire one lifetime (API_TOKEN_LIFETIME_DAYS) from now, so clients keep working
and their owners see and can revoke them; the plain keys are then deleted."""

from datetime import UTC, timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.keys import key_digest, password_fingerprint

LEGACY_TABLE = "authtoken_token"


def _aware(value, default):
    """A raw cursor's timestamp: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return default
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return min(value, default)


def hash_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return  # a database made after DRF's authtoken left the settings
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    expires_at = now + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    query = (  # table names, no input
        f"SELECT t.key, t.user_id, t.created, u.password FROM {LEGACY_TABLE} t "  # noqa: S608
        f"JOIN {users} u ON u.id = t.user_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="issued before tokens expired",
            prefix=key[:8],
            digest=key_digest(key),
            password_fingerprint=password_fingerprint(password),
            created_at=_aware(created, now),
            expires_at=expires_at,
        )
        for key, user_id, created, password in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LEGACY_TABLE}")  # noqa: S608 (a constant)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=100)),
                ("prefix", models.CharField(help_text="The key's first characters.", max_length=8)),
                (
                    "digest",
                    models.CharField(help_text="SHA-256 of the key.", max_length=64, unique=True),
                ),
                ("password_fingerprint", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "revoked_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("owner", "revoked by its owner"),
                            ("logout", "revoked at logout"),
                            ("admin", "revoked by an administrator"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["user", "expires_at"], name="api_token_user_expiry")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="api_token_expires_after_created",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("revoked_at__isnull", True), ("revoked_reason", "")),
                            models.Q(
                                ("revoked_at__isnull", False),
                                models.Q(("revoked_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="api_token_revoked_with_reason",
                    ),
                ],
            },
        ),
        # Irreversible in effect: the plain keys are gone, as intended.
        migrations.RunPython(hash_legacy_tokens, migrations.RunPython.noop),
    ]
