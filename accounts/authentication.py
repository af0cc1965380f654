"""`Authorization: Token <key>` for the API, against hashed, expiring, revocable tokens. It
keeps DRF's header parsing and errors (and so the OpenAPI security scheme, `tokenAuth`)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.tokens import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = api_token_authenticate(key=key)
        if token is None:
            # One answer for unknown, expired, revoked and outdated keys: a stolen key's holder
            # learns nothing about which.
            raise exceptions.AuthenticationFailed(
                "Invalid or expired token. Ask POST /api/v1/auth/token/ for a new one."
            )
        return (token.user, token)
