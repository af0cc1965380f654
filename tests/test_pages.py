"""The reviewer's pages: scoped to the user's projects, article text always shown as text."""

from __future__ import annotations

import pytest

from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

HOSTILE = 'Before <script>alert("x")</script> and <img src=x onerror=alert(1)> after.'


def test_pages_ask_anonymous_visitors_to_log_in(client, document):
    for url in ("/", f"/projects/{document.project_id}/", f"/documents/{document.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_login_page_logs_a_reviewer_in(client, reviewer, desk):
    response = client.post(
        "/accounts/login/", {"username": "rita", "password": "pw-for-tests"}, follow=True
    )
    assert response.status_code == 200
    assert "The desk" in response.content.decode()


def test_another_projects_pages_are_404_for_an_outsider(client, outsider, document):
    client.force_login(outsider)
    assert client.get(f"/projects/{document.project_id}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert "The desk" not in client.get("/").content.decode()


def test_project_page_lists_documents_with_counts_by_label(client, reviewer, document, claim):
    make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police")
    client.force_login(reviewer)
    page = client.get(f"/projects/{document.project_id}/").content.decode()
    assert "Isis claims province" in page
    row = page[page.index("Isis claims province") :]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[3:6]] == ["1", "1", "0"]


def test_document_page_shows_the_text_with_each_span_as_a_mark(client, reviewer, document, claim):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police")
    client.force_login(reviewer)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert f'data-span-id="{claim.pk}" data-label="CLAIM"' in page
    assert f'data-span-id="{quote.pk}" data-label="QUOTE" title="Quote: Police"' in page


def test_nested_spans_render_as_nested_marks_in_text_order(client, reviewer, document):
    outer = make_span(document, reviewer, "dismissed the claims as “pure propaganda”")
    inner = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    client.force_login(reviewer)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    body = page[page.index('id="document-text"') :]
    assert body.index(f'data-span-id="{outer.pk}"') < body.index(f'data-span-id="{inner.pk}"')
    # The inner piece is wrapped by both marks.
    assert (
        f'data-span-id="{inner.pk}" data-label="QUOTE" title="Quote">pure propaganda</mark></mark>'
        in body
    )


def test_html_in_article_notes_and_speakers_is_shown_as_text(client, desk, reviewer):
    document = make_document(desk, actor=reviewer, text=HOSTILE, title="<b>bold</b> title")
    make_span(
        document,
        reviewer,
        '<script>alert("x")</script>',
        label="QUOTE",
        speaker="<i>Eve</i>",
        note="<img src=y onerror=alert(2)>",
    )
    client.force_login(reviewer)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "<img src=y" not in page
    assert "<i>Eve</i>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;i&gt;Eve&lt;/i&gt;" in page


def test_pages_forbid_inline_script_by_content_security_policy(client, reviewer, document):
    client.force_login(reviewer)
    policy = client.get(f"/documents/{document.pk}/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
