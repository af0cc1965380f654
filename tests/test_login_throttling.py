"""Failed logins are limited per account and per client address, on the API token endpoint,
the site login and the admin login: the 11th failure within a minute is refused with 429 and
Retry-After, whatever the password, and the count is shared by every web process (Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
TOKEN_URL = "/api/v1/auth/token/"


def _token(username: str, password: str, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


def _site_login(client: Client, username: str, password: str, url: str = "/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_the_11th_failed_token_request_in_a_minute_gets_429_even_with_the_right_password(
    reviewer,
):
    for _ in range(10):
        assert _token("rita", "wrong").status_code == 400
    refused = _token("rita", "wrong")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 70
    assert "Too many failed logins" in refused.json()["detail"]
    assert refused["Content-Type"] == "application/json"
    # The right password does not get through meanwhile: guessing is what is being stopped.
    assert _token("rita", PASSWORD).status_code == 429


def test_the_11th_failed_site_login_in_a_minute_gets_a_429_page_saying_when_to_retry(reviewer):
    client = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(10):
        page = _site_login(client, "rita", "wrong")
        assert page.status_code == 200
        assert "Please enter a correct username and password" in page.content.decode()
    refused = _site_login(client, "rita", "wrong")
    assert refused.status_code == 429
    seconds = int(refused["Retry-After"])
    assert f"Try again in {seconds} second" in refused.content.decode()
    assert _site_login(client, "rita", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_11th_failed_admin_login_in_a_minute_gets_429(moderator):
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    client = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(10):
        assert _site_login(client, "mona", "wrong", "/admin/login/").status_code == 200
    refused = _site_login(client, "mona", PASSWORD, "/admin/login/")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert int(refused["Retry-After"]) >= 1
    assert client.get("/admin/").status_code == 302  # still not in


def test_one_address_guessing_many_accounts_is_stopped_at_the_11th_failure(reviewer):
    for i in range(10):
        assert _token(f"someone{i}", "wrong", address="10.0.0.4").status_code == 400
    assert _token("someone-else", "wrong", address="10.0.0.4").status_code == 429
    # Another address is not held up by it, and neither is this account elsewhere.
    assert _token("rita", PASSWORD, address="10.0.0.5").status_code == 200


def test_one_account_guessed_from_many_addresses_is_stopped_at_the_11th_failure(reviewer):
    for i in range(10):
        assert _token("rita", "wrong", address=f"10.1.0.{i}").status_code == 400
    assert _token("rita", PASSWORD, address="10.1.0.99").status_code == 429


def test_ipv6_addresses_of_one_subscriber_count_together(reviewer):
    for i in range(10):
        assert _token(f"x{i}", "wrong", address=f"2001:db8:1:2::{i + 1}").status_code == 400
    assert _token("y", "wrong", address="2001:db8:1:2:ffff::1").status_code == 429


def test_fewer_failures_than_the_limit_do_not_stop_the_right_password(reviewer):
    for _ in range(9):
        assert _token("rita", "wrong").status_code == 400
    assert _token("rita", PASSWORD).status_code == 200


def test_the_retry_after_is_honest_logins_work_again_once_it_has_passed(reviewer, settings):
    settings.LOGIN_FAILURE_WINDOW = 3
    for _ in range(10):
        assert _token("rita", "wrong").status_code == 400
    refused = _token("rita", "wrong")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert wait <= 5
    time.sleep(wait)
    assert _token("rita", PASSWORD).status_code == 200


def test_logins_still_work_and_are_still_counted_while_redis_is_down(reviewer, settings):
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert _token("rita", PASSWORD).status_code == 200
    for _ in range(10):
        assert _token("rita", "wrong").status_code == 400
    assert _token("rita", "wrong").status_code == 429


SECOND_PROCESS = """
import json, sys
import factcheck.wsgi
from django.conf import settings
settings.CACHES["default"]["KEY_PREFIX"] = sys.argv[1]  # the test's, before the cache is used
from django.test import Client
answer = Client(REMOTE_ADDR="10.9.9.9").post(
    "/api/v1/auth/token/", {"username": sys.argv[2], "password": "wrong"},
    content_type="application/json",
)
print(json.dumps({"status": answer.status_code, "retry_after": answer.get("Retry-After")}))
"""


@pytest.mark.django_db(transaction=True)
def test_failures_counted_in_one_web_process_stop_the_11th_in_another(settings):
    # Under `make test` REDIS_URL is set, so the cache is the shared Redis one.
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    for _ in range(10):
        assert _token("nobody", "wrong", address="10.9.9.8").status_code == 400
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SECOND_PROCESS,
            settings.CACHES["default"]["KEY_PREFIX"],
            "nobody",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert '"status": 429' in done.stdout.splitlines()[-1]


def test_behind_a_trusted_proxy_each_client_counts_as_its_own_address(reviewer, settings):
    settings.LOGIN_TRUSTED_PROXIES = 1

    def through_proxy(username: str, forwarded: str):
        return APIClient(REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=forwarded).post(
            TOKEN_URL, {"username": username, "password": "wrong"}, format="json"
        )

    for i in range(10):
        assert through_proxy(f"a{i}", "198.51.100.7").status_code == 400
    assert through_proxy("b", "198.51.100.7").status_code == 429
    # Another client behind the same proxy is not locked out with it...
    assert through_proxy("c", "198.51.100.8").status_code == 400
    # ...and the locked one cannot escape by adding an address of its choosing on the left.
    assert through_proxy("d", "203.0.113.1, 198.51.100.7").status_code == 429
