"""Finding articles by what they say, on the project page and through the API: the article's
own words, and its live spans' texts, speakers and notes, best match first (PostgreSQL
full-text search on GIN indexes); and the same search on SQLite, as `make run` serves it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from annotations import search, services
from annotations.models import Role
from annotations.seeding import seeds_load
from tests.conftest import PASSWORD
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
KATZ_ARTICLE = "Isis claims ‘province’ in India-controlled Kashmir"


@pytest.fixture
def seeded(reviewer):
    project = seeds_load().project
    services.membership_set(project=project, user=reviewer, role=Role.REVIEWER)
    return project


def _page(user, path: str) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _listed_titles(page: str, titles) -> list[str]:
    """The titles among `titles` in the order the page lists them."""
    body = page.split("<caption>Documents")[1]
    found = sorted((body.index(t), t) for t in titles if t in body)
    return [t for _, t in found]


def test_searching_rita_katz_on_the_project_page_finds_the_seed_article_and_links_the_hits(
    seeded, reviewer
):
    titles = list(seeded.documents.values_list("title", flat=True))
    page = _page(reviewer, f"/projects/{seeded.pk}/?q=Rita+Katz")
    assert KATZ_ARTICLE in _listed_titles(page, titles)
    document = seeded.documents.get(title=KATZ_ARTICLE)
    # Opened from the result, the workspace is told what to mark.
    assert f'href="/documents/{document.pk}/?q=Rita%20Katz"' in page
    nothing = _page(reviewer, f"/projects/{seeded.pk}/?q=Guardian+cricket")
    assert _listed_titles(nothing, titles) == []
    assert "No document matches" in nothing


def test_the_search_reads_spans_speakers_and_notes_and_ranks_the_title_first(desk, reviewer):
    plain = make_document(
        desk, actor=reviewer, title="Police count", text="The toll rose to 253 on Tuesday."
    )
    noted = make_document(
        desk, actor=reviewer, title="Doctors' count", text="Doctors counted the dead again."
    )
    titled = make_document(
        desk, actor=reviewer, title="Hospital overwhelmed", text="Nothing about hospitals here."
    )
    make_span(noted, reviewer, "Doctors counted the dead", note="Compare with the hospital log")
    make_span(plain, reviewer, "The toll rose to 253", note="")
    quoted = make_document(desk, actor=reviewer, title="Statement", text="“We will rebuild.”")
    make_span(quoted, reviewer, "“We will rebuild.”", label="QUOTE", speaker="Mahinda Rajapaksa")

    documents = desk.documents.all()
    assert [d.title for d in search.search_documents(documents, "Rajapaksa")] == ["Statement"]
    ranked = [d.title for d in search.search_documents(documents, "hospital")]
    # A title word weighs more than a span's note; "hospitals" is the same word.
    assert ranked == ["Hospital overwhelmed", "Doctors' count"]
    assert titled.pk != plain.pk

    # A deleted span's note is no longer a reason to find its article.
    span = noted.spans.get()
    services.span_delete(span=span, actor=reviewer)
    assert {d.title for d in search.search_documents(documents, "log")} == set()


def test_search_is_scoped_to_the_users_projects(seeded, outsider):
    client = Client()
    assert client.login(username=outsider.username, password=PASSWORD)
    assert client.get(f"/projects/{seeded.pk}/?q=Rita+Katz").status_code == 404


def test_the_document_search_uses_its_gin_indexes_on_postgresql(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's")
    queryset = search.search_documents(seeded.documents.all(), "Rita Katz")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_search_gin" in plan


def test_the_api_searches_with_q_best_first_with_a_rank(api, seeded, reviewer):
    client = api(reviewer)
    response = client.get(f"/api/v1/projects/{seeded.pk}/documents/", {"q": "Rita Katz"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert KATZ_ARTICLE in [r["title"] for r in results]
    ranks = [r["rank"] for r in results]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > 0
    none = client.get(f"/api/v1/projects/{seeded.pk}/documents/", {"q": "cricket"}).json()
    assert none["results"] == []


def test_the_api_refuses_a_nul_or_an_overlong_q_with_a_400_naming_q(api, seeded, reviewer):
    client = api(reviewer)
    for q in ("Rita\x00Katz", "x" * 201):
        response = client.get(f"/api/v1/projects/{seeded.pk}/documents/", {"q": q})
        assert response.status_code == 400, response.content
        assert "q" in response.json()


def test_the_project_page_refuses_a_nul_in_the_search_saying_why(seeded, reviewer, client):
    client.force_login(reviewer)
    response = client.get(f"/projects/{seeded.pk}/?q=Rita%00Katz")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_on_sqlite_as_make_run_serves_it_rita_katz_finds_the_seed_article(tmp_path):
    """The local demo's database: the search falls back to plain containment there."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG")
    }
    env |= {
        "FACTCHECK_LOCAL": "true",
        "SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
        "SUGGESTER_MODEL_DIR": str(tmp_path / "models"),
    }
    # One process does what `make run` does first (migrate, load the seeds) and then searches:
    # each further `manage.py` would start Django again.
    script = (
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "call_command('load_seeds')\n"
        "from annotations import search, selectors\n"
        "from annotations.models import Project, Span\n"
        "from django.db import connection\n"
        "project = Project.objects.get(name='Demo desk')\n"
        "docs = project.documents.all()\n"
        "print('>', connection.vendor)\n"
        "print('>', '|'.join(d.title for d in search.search_documents(docs, 'Rita Katz')))\n"
        "print('>', '|'.join(d.title for d in search.search_documents(docs, 'cricket')))\n"
        "speaker = Span.objects.exclude(speaker='').values_list('speaker', flat=True).first()\n"
        "print('>', len(search.search_documents(docs, speaker.upper())))\n"
    )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    output = manage("shell", "-c", script).splitlines()
    vendor, katz, cricket, by_speaker = [line[2:] for line in output if line.startswith("> ")]
    assert vendor == "sqlite"
    assert KATZ_ARTICLE in katz.split("|")
    assert cricket == ""
    assert int(by_speaker) >= 1


def test_a_corrected_outlet_is_found_at_once_and_the_old_one_no_longer(document, reviewer):
    documents = document.project.documents.all()
    services.document_update(document=document, actor=reviewer, version=1, outlet="Dawn")
    assert [d.pk for d in search.search_documents(documents, "Dawn")] == [document.pk]
    services.document_update(document=document, actor=reviewer, version=2, outlet="Reuters")
    assert list(search.search_documents(documents, "Dawn")) == []
    assert [d.pk for d in search.search_documents(documents, "Reuters")] == [document.pk]


def _found(client, project, q: str) -> list[str]:
    answer = client.get(f"/api/v1/projects/{project.pk}/documents/", {"q": q})
    assert answer.status_code == 200, answer.content
    return [row["title"] for row in answer.json()["results"]]


def test_a_document_added_through_the_api_is_found_once_its_answer_is_sent(api, desk, reviewer):
    client = api(reviewer)
    body = {"title": "Bridge closed", "text": "The harbour bridge 🙂 was closed, police said."}
    answer = client.post(f"/api/v1/projects/{desk.pk}/documents/", body, format="json")
    assert answer.status_code == 201, answer.content
    # Its words were written after the answer, by the same thread: the next request finds it.
    assert _found(client, desk, "harbour police") == ["Bridge closed"]


def test_a_corrected_title_is_searchable_at_once_and_the_old_one_no_longer_finds_it(
    api, desk, reviewer
):
    document = make_document(desk, actor=reviewer, title="Ferry sank", text="Boats went out.")
    client = api(reviewer)
    assert _found(client, desk, "ferry") == ["Ferry sank"]
    answer = client.patch(
        f"/api/v1/documents/{document.pk}/", {"version": 1, "title": "Barge sank"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert _found(client, desk, "barge") == ["Barge sank"]
    assert _found(client, desk, "ferry") == []
