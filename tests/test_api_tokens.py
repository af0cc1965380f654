"""API tokens expire, end at logout and at a password change, are stored hashed (nobody reads
a key back, a superuser included) and are listed and revoked by their owner alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def _issue(username: str, name: str = "") -> dict:
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": PASSWORD, "name": name}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _opens_the_api(key: str) -> bool:
    status = _with(key).get("/api/v1/projects/").status_code
    assert status in (200, 401)
    return status == 200


def test_the_token_endpoint_keeps_its_contract_and_says_when_the_token_expires(reviewer, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    issued = _issue("rita")
    assert len(issued["token"]) == 40
    assert issued["prefix"] == issued["token"][:8]
    expires = timezone.datetime.fromisoformat(issued["expires_at"])
    assert abs(expires - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert _opens_the_api(issued["token"])
    # A second call issues another token; both work until each ends.
    again = _issue("rita")
    assert again["token"] != issued["token"]
    assert _opens_the_api(issued["token"]) and _opens_the_api(again["token"])


def test_an_expired_token_is_refused(reviewer):
    issued = _issue("rita")
    ApiToken.objects.filter(pk=issued["id"]).update(
        created_at=timezone.now() - timedelta(days=31),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = _with(issued["token"]).get("/api/v1/projects/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_stops_working_after_api_logout(reviewer):
    kept, ended = _issue("rita"), _issue("rita")
    assert _with(ended["token"]).post("/api/v1/auth/logout/").status_code == 204
    assert not _opens_the_api(ended["token"])
    assert _opens_the_api(kept["token"])
    # {"all": true} ends every one of them.
    response = _with(kept["token"]).post("/api/v1/auth/logout/", {"all": True}, format="json")
    assert response.status_code == 204
    assert not _opens_the_api(kept["token"])


def test_logging_out_of_the_site_ends_the_api_tokens_too(reviewer):
    issued = _issue("rita")
    client = Client()
    assert client.login(username="rita", password=PASSWORD)
    assert client.post("/accounts/logout/").status_code == 302
    assert not _opens_the_api(issued["token"])


def test_a_token_stops_working_after_a_password_change_on_the_site(reviewer):
    issued = _issue("rita")
    client = Client()
    assert client.login(username="rita", password=PASSWORD)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302, response.content
    assert not _opens_the_api(issued["token"])
    # The new password gets a token that works.
    response = APIClient().post(
        TOKEN_URL, {"username": "rita", "password": "a-new-long-passphrase-9"}, format="json"
    )
    assert _opens_the_api(response.json()["token"])


def test_a_password_set_by_an_administrator_or_a_command_ends_the_tokens_too(reviewer):
    issued = _issue("rita")
    reviewer.set_password("set-by-the-admin-123")
    reviewer.save()
    assert not _opens_the_api(issued["token"])
    assert _with(issued["token"]).get("/api/v1/auth/tokens/").status_code == 401


def test_a_deactivated_account_s_token_is_refused(reviewer):
    issued = _issue("rita")
    reviewer.is_active = False
    reviewer.save()
    assert not _opens_the_api(issued["token"])


def test_an_owner_lists_and_revokes_their_tokens_and_never_sees_a_key(reviewer):
    first, second = _issue("rita", "laptop"), _issue("rita", "pipeline")
    listed = _with(first["token"]).get("/api/v1/auth/tokens/").json()
    assert [(t["name"], t["prefix"], t["current"]) for t in listed] == [
        ("pipeline", second["prefix"], False),
        ("laptop", first["prefix"], True),
    ]
    assert first["token"] not in str(listed) and second["token"] not in str(listed)
    assert _with(first["token"]).delete(f"/api/v1/auth/tokens/{second['id']}/").status_code == 204
    assert not _opens_the_api(second["token"])
    assert [t["id"] for t in _with(first["token"]).get("/api/v1/auth/tokens/").json()] == [
        first["id"]
    ]


def test_an_owner_cannot_see_or_revoke_another_person_s_token(reviewer, second_reviewer):
    mine, theirs = _issue("rita"), _issue("ravi")
    listed = _with(mine["token"]).get("/api/v1/auth/tokens/").json()
    assert [t["id"] for t in listed] == [mine["id"]]
    assert _with(mine["token"]).delete(f"/api/v1/auth/tokens/{theirs['id']}/").status_code == 404
    assert _opens_the_api(theirs["token"])
    # Nor on the site's page.
    client = Client()
    client.force_login(reviewer)
    assert client.post(f"/accounts/tokens/{theirs['id']}/revoke/").status_code == 404
    assert theirs["prefix"] not in client.get("/accounts/tokens/").content.decode()
    assert _opens_the_api(theirs["token"])


def test_the_site_page_makes_lists_and_revokes_the_owner_s_tokens(reviewer):
    issued = _issue("rita", "pipeline")
    client = Client()
    client.force_login(reviewer)
    page = client.get("/accounts/tokens/").content.decode()
    assert "pipeline" in page and f"{issued['prefix']}…" in page
    assert issued["token"] not in page
    assert 'href="/accounts/tokens/"' in page  # in the user menu

    made = client.post("/accounts/tokens/", {"name": "notebook"}).content.decode()
    assert "will not be shown again" in made
    new_key = made.split('id="new-token-key">')[1].split("<")[0]
    assert _opens_the_api(new_key)
    assert new_key not in client.get("/accounts/tokens/").content.decode()

    response = client.post(f"/accounts/tokens/{issued['id']}/revoke/")
    assert response.status_code == 302
    assert not _opens_the_api(issued["token"])
    assert _opens_the_api(new_key)


def test_the_admin_never_shows_a_key_and_cannot_mint_one(reviewer, django_user_model):
    issued = _issue("rita", "pipeline")
    django_user_model.objects.create_superuser("root", "root@example.org", "root-pass-123")
    admin = Client()
    admin.force_login(django_user_model.objects.get(username="root"))
    listing = admin.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    assert f"{issued['prefix']}…" in listing.content.decode()
    detail = admin.get(f"/admin/accounts/apitoken/{issued['id']}/change/")
    assert detail.status_code == 200
    for page in (listing, detail):
        assert issued["token"] not in page.content.decode()
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403
    # DRF's own token admin, which showed keys, is gone.
    assert admin.get("/admin/authtoken/tokenproxy/").status_code == 404
    # And the database holds no key to show.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert issued["token"] not in str(cursor.fetchall())
    # It can revoke one, though.
    response = admin.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [issued["id"]]},
    )
    assert response.status_code == 302
    assert not _opens_the_api(issued["token"])


@pytest.mark.django_db
def test_tokens_drf_stored_in_plain_text_are_hashed_and_keep_working(reviewer):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0001_initial")
    legacy = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz,"
            " user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now() - interval '1 year', %s)",
            [legacy, reviewer.pk],
        )
    with connection.schema_editor() as editor:
        migration.hash_legacy_tokens(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # the plain key is gone
    token = ApiToken.objects.get(user=reviewer)
    assert token.prefix == legacy[:8] and token.expires_at > timezone.now() + timedelta(days=29)
    assert _opens_the_api(legacy)
