"""The reviewer's pages: scoped to the user's projects, article text always shown as text."""

from __future__ import annotations

import html
import json
import re

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


def _titles_listed(page: str) -> list[str]:
    table = page[page.index('<table class="documents">') :]
    return re.findall(r'<a href="/documents/\d+/[^"]*">([^<]+)</a>', table)


def test_project_page_lists_documents_a_page_at_a_time_keeping_the_search(
    client, reviewer, desk, monkeypatch
):
    from annotations import views

    monkeypatch.setattr(views, "DOCUMENTS_PER_PAGE", 2)
    titles = {f"Wire report {n}" for n in range(1, 6)}
    for title in sorted(titles):
        make_document(desk, actor=reviewer, title=title, text=f"{title}: at least 253 killed.")
    client.force_login(reviewer)
    url = f"/projects/{desk.pk}/"

    seen: list[str] = []
    page = client.get(url, {"q": "killed"}).content.decode()
    assert "1–2 of 5" in page and "Page 1 of 3" in page
    while True:
        listed = _titles_listed(page)
        assert len(listed) <= 2
        seen += listed
        found = re.search(r'<a href="(\?[^"]+)" rel="next">', page)
        if not found:
            break
        next_link = html.unescape(found.group(1))
        assert "q=killed" in next_link  # the search stays on every page
        page = client.get(url + next_link).content.decode()
    assert sorted(seen) == sorted(titles)  # every document once, none twice

    # A page number a person typed wrong gives the nearest page, not an error.
    assert client.get(url, {"page": "abc"}).status_code == 200
    assert "Page 3 of 3" in client.get(url, {"page": "99"}).content.decode()


def _workspace_data(page: str) -> dict:
    """The JSON block the workspace paints from (json_script)."""
    start = page.index('<script id="workspace-data" type="application/json">')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


def test_document_page_carries_the_text_and_each_span_for_the_workspace(
    client, reviewer, document, claim
):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police")
    client.force_login(reviewer)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    data = _workspace_data(page)
    # The text comes once: in the article, one block a paragraph, readable before any script
    # runs; the data does not carry it again.
    assert "text" not in data["document"]
    article = page[page.index('id="document-text"') : page.index("</article>")]
    blocks = re.findall(r'<span class="text-block">(.*?)</span>', article, flags=re.DOTALL)
    assert "".join(html.unescape(b) for b in blocks) == document.text
    spans = {s["id"]: s for s in data["spans"]}
    assert spans[claim.pk]["label"] == "CLAIM"
    assert (spans[quote.pk]["label"], spans[quote.pk]["speaker"]) == ("QUOTE", "Police")
    assert data["me"] == {"username": "rita", "role": "reviewer"}
    assert 'id="document-text" class="document-text" tabindex="0"' in page


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
    # In the data block, < and > are escaped so that nothing can close the script element.
    assert "\\u003Ci\\u003EEve\\u003C/i\\u003E" in page
    assert _workspace_data(page)["spans"][0]["speaker"] == "<i>Eve</i>"


def test_pages_forbid_inline_script_by_content_security_policy(client, reviewer, document):
    client.force_login(reviewer)
    policy = client.get(f"/documents/{document.pk}/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    "text",
    ["", "One line.", "\n\nStarts late.", "One.\nTwo.\n\n\nThree <b>&amp;</b>.\n\n", "\n", "a\nb"],
)
def test_the_article_is_cut_into_paragraphs_that_join_back_into_the_text_exactly(text):
    from annotations.presenters import text_blocks

    blocks = re.findall(r'<span class="text-block">(.*?)</span>', text_blocks(text), re.DOTALL)
    assert "".join(html.unescape(b) for b in blocks) == text
    # A block ends after its run of line breaks; only the last may end without one.
    assert all(b.endswith("\n") for b in blocks[:-1])
    assert not any(b.startswith("\n") for b in blocks[1:])
