"""The API's log-in, log-out and the owner's tokens. A key is shown once, when it is issued;
lists show a token's first characters, name and dates."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.throttle import LoginThrottled
from accounts.tokens import (
    api_token_issue,
    api_token_revoke,
    api_tokens_live,
    api_tokens_revoke_all,
)
from annotations.api.serializers import JSONInputSerializer


def _owner(request: Request) -> User:
    """The signed-in person (the views require one)."""
    return cast(User, request.user)


class TokenRequestSerializer(JSONInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the token is for.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: shown this once, never stored.")
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="The token this request came with.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "current"]

    def get_current(self, token: ApiToken) -> bool:
        return token == self.context["request"].auth


class LogoutRequestSerializer(JSONInputSerializer):
    all = serializers.BooleanField(
        default=False, help_text="Revoke every token of yours, not only this request's."
    )


class TooManyLogins(exceptions.Throttled):
    default_detail = "Too many failed logins for this account or from this address."
    extra_detail_singular = "Try again in {wait} second."
    extra_detail_plural = "Try again in {wait} seconds."


class TokenView(APIView):
    """Exchange a username and password for a new API token, which expires (`expires_at`).
    Failed logins are limited per account and per address: past the limit, 429 with
    Retry-After, whatever the password."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = authenticate(request, username=data["username"], password=data["password"])
        except LoginThrottled as exc:
            raise TooManyLogins(wait=exc.retry_after) from None
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"non_field_errors": ["Unable to log in with these credentials."]}
            )
        token, key = api_token_issue(user=user, name=data["name"] or "API token")
        return Response(
            {
                "token": key,
                "id": token.pk,
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": serializers.DateTimeField().to_representation(token.expires_at),
            }
        )


class TokenListView(APIView):
    """Your live API tokens (never their keys), newest first."""

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        tokens = api_tokens_live(user=_owner(request))
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """Revoke one of your tokens. Another person's token answers 404."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        token = get_object_or_404(api_tokens_live(user=_owner(request)), pk=token_id)
        api_token_revoke(token=token, reason=ApiToken.Revoked.OWNER)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request came with (`{"all": true}`: every token of yours)."""

    @extend_schema(request=LogoutRequestSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = LogoutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["all"]:
            api_tokens_revoke_all(user=_owner(request), reason=ApiToken.Revoked.LOGOUT)
        elif isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth, reason=ApiToken.Revoked.LOGOUT)
        else:
            raise exceptions.ValidationError(
                {"all": ["This request came without a token: send true to revoke all yours."]}
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
