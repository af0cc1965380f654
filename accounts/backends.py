"""Django's password check, counted: the site login, the admin login and the API token
endpoint all come through `authenticate()`, so all three are throttled here, in one place."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.throttle import login_attempt_charge


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        # Raises LoginThrottled before the password is looked at; the login views answer 429.
        charge = login_attempt_charge(request, str(username))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            charge.succeeded()
        return user
