"""Every write to API tokens, and the reads the API, the site page and the authentication
share. A token is live until it expires, is revoked, or its owner's password changes."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from accounts.keys import key_digest, password_fingerprint
from accounts.models import ApiToken
from factcheck.precompiled import Precompiled

__all__ = ["key_digest", "password_fingerprint"]  # re-exported for the admin and tests

# last_used_at is a hint for the owner, not an audit log: written at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`, and its key: the only time the key exists outside the client."""
    key = secrets.token_hex(20)  # 40 characters, as DRF's tokens were
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip()[:100],
        prefix=key[:8],
        digest=key_digest(key),
        password_fingerprint=password_fingerprint(user.password),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
    )
    token.full_clean()
    token.save()
    return token, key


def api_tokens_live(*, user: User) -> QuerySet[ApiToken]:
    """The owner's tokens that still open the API, newest first."""
    return ApiToken.objects.filter(
        user=user,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        password_fingerprint=password_fingerprint(user.password),
    )


_TOKEN_FIELDS = tuple(f.attname for f in ApiToken._meta.concrete_fields)
_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)
# The token and its owner in one row, compiled once: every API request asks it.
_TOKEN_BY_DIGEST = Precompiled(
    lambda digest: (
        ApiToken.objects.filter(digest=digest)
        .order_by()
        .values_list(*_TOKEN_FIELDS, *(f"user__{name}" for name in _USER_FIELDS))
    ),
    kinds=(str,),
)


def _token_by_key(key: str) -> ApiToken | None:
    found = _TOKEN_BY_DIGEST.rows(key_digest(key))
    if not found:
        return None
    row, db = found[0], ApiToken.objects.db
    token = ApiToken.from_db(db, _TOKEN_FIELDS, row[: len(_TOKEN_FIELDS)])
    token.user = User.from_db(db, _USER_FIELDS, row[len(_TOKEN_FIELDS) :])
    return token


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token with this key (its user loaded), or None: unknown, revoked, expired, the
    password changed since, or the account deactivated."""
    token = _token_by_key(key)
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at <= now:
        return None
    if not secrets.compare_digest(
        token.password_fingerprint, password_fingerprint(token.user.password)
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken, reason: str = ApiToken.Revoked.OWNER) -> None:
    """Revoke one token; revoking a revoked token changes nothing."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every token of `user` (at logout); how many were still unrevoked."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
