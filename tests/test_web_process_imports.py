"""A web process never imports scikit-learn: only the worker and management commands train or
load a learned suggester. Checked in a fresh interpreter set up the way a web server starts
(the WSGI module, the URLconf, the admin) that then serves a page, API calls, a span and a
suggestion accept that makes a retrain due."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from redis import Redis

from accounts.tokens import api_token_issue
from annotations.models import Suggestion
from factcheck.celery import app as celery_app
from tests.factories import make_document

ROOT = Path(__file__).resolve().parents[1]

WEB_PROCESS = """
import json, sys
import factcheck.wsgi  # django.setup(): apps, the admin's autodiscover
import factcheck.urls
from django.test import Client
from accounts.tokens import api_token_authenticate

HEAVY = ("sklearn", "scipy", "joblib")
document, suggestion, token = sys.argv[1], sys.argv[2], sys.argv[3]
# numpy too (70 ms): only the agreement figures load it, on the pages that show them.
loaded_at_start = sorted(m for m in (*HEAVY, "numpy") if m in sys.modules)
api = Client(HTTP_AUTHORIZATION=f"Token {token}")
page = Client()
page.force_login(api_token_authenticate(key=token).user)
status = {
    "page": page.get(f"/documents/{document}/").status_code,
    "admin": page.get("/admin/annotations/span/").status_code,
    "api": api.get(f"/api/v1/documents/{document}/suggestions/").status_code,
    "span": api.post(
        f"/api/v1/documents/{document}/spans/",
        {"label": "OPINION", "start": 0, "end": 9, "text": "Officials"},
        content_type="application/json",
    ).status_code,
    "accept": api.post(f"/api/v1/suggestions/{suggestion}/accept/").status_code,
}
print(json.dumps({
    "status": status,
    "loaded_at_start": loaded_at_start,
    "loaded": sorted(m for m in HEAVY if m in sys.modules),
}))
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_web_process_serves_pages_api_spans_and_accepts_without_scikit_learn(desk, moderator):
    document = make_document(desk, actor=moderator, text="Officials said 4 people were hurt.")
    suggestion = Suggestion.objects.create(
        document=document,
        label="CLAIM",
        start=0,
        end=len(document.text),
        text=document.text,
        score=0.9,
        reason="test",
        suggester="claim-rules",
        suggester_version="test",
    )
    moderator.is_staff = True  # the admin's lists too
    moderator.save()
    _, token = api_token_issue(user=moderator)
    redis = Redis.from_url(celery_app.conf.broker_url)
    mark = f"annotations:retrain-pending:{desk.pk}:CLAIM"
    redis.delete(mark)

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "RETRAIN_AFTER_DECISIONS": "1",  # the accept makes a retrain due: it is only enqueued
        "PYTHONPATH": str(ROOT),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", WEB_PROCESS, str(document.pk), str(suggestion.pk), token],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["status"] == {
            "page": 200,
            "admin": 200,
            "api": 200,
            "span": 201,
            "accept": 201,
        }
        assert report["loaded_at_start"] == []
        assert report["loaded"] == [], report
        assert redis.exists(mark), "the accept scheduled the retrain for the worker"
    finally:
        redis.delete(mark)
        celery_app.control.purge()
