"""The site's log-in and log-out (the admin's too), and the owner's API tokens page."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import ApiToken
from accounts.throttle import LoginThrottled
from accounts.tokens import (
    api_token_issue,
    api_token_revoke,
    api_tokens_live,
    api_tokens_revoke_all,
)


def _owner(request: HttpRequest) -> User:
    """The signed-in person (the views require one)."""
    return cast(User, request.user)


def _throttled_page(request: HttpRequest, exc: LoginThrottled, template: str) -> HttpResponse:
    context = {
        "retry_after": exc.retry_after,
        "retry_at": timezone.now() + timedelta(seconds=exc.retry_after),
        "title": "Too many failed logins",
    }
    if template.startswith("admin/"):
        context |= admin.site.each_context(request)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


class LoginView(auth_views.LoginView):
    """Django's login page; past the failed-login limit it answers 429 with when to retry."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except LoginThrottled as exc:
            return _throttled_page(request, exc, "registration/login_throttled.html")


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page, with the same limit."""
    try:
        return admin.site.login(request)
    except LoginThrottled as exc:
        return _throttled_page(request, exc, "admin/login_throttled.html")


class LogoutView(auth_views.LogoutView):
    """Logging out of the site (or the admin) ends the session and revokes every API token of
    the account: a person who logs out expects nothing of theirs to stay open."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            api_tokens_revoke_all(user=_owner(request), reason=ApiToken.Revoked.LOGOUT)
        return super().post(request, *args, **kwargs)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="What the token is for.")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's live API tokens; a new one's key is shown once, here."""
    new_key = ""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_key = api_token_issue(user=_owner(request), name=form.cleaned_data["name"])
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": api_tokens_live(user=_owner(request)),
            "form": TokenForm() if new_key else form,
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_live(user=_owner(request)), pk=token_id)
    api_token_revoke(token=token, reason=ApiToken.Revoked.OWNER)
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("token-list")
