"""Documents on import, the seed articles, and the commands that onboard a desk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotations import policy, services
from annotations.errors import NotAllowed, ValidationError
from annotations.models import AuditEvent, Document, Project, Span
from tests.factories import make_document

pytestmark = pytest.mark.django_db
SEEDS = Path(settings.BASE_DIR) / "seeds"


def test_document_import_keeps_metadata_and_records_who(desk, reviewer):
    document = make_document(
        desk,
        actor=reviewer,
        text="Body.",
        title="  Title  ",
        outlet="Voice Of Vienna",
        author="A. Writer",
        source_url="https://example.org/a",
        published_on="2019-05-11",
        metadata={"lang": "en"},
    )
    document.refresh_from_db()
    assert (document.title, document.outlet, document.author) == (
        "Title",
        "Voice Of Vienna",
        "A. Writer",
    )
    assert str(document.published_on) == "2019-05-11"
    assert document.metadata == {"lang": "en"}
    assert AuditEvent.objects.get(object_type="document", object_id=document.pk).actor == reviewer


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "   \n "}, "text"),
        ({"title": " "}, "title"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"text": "nul\x00byte"}, "text"),
        ({"title": "lone \ud800 surrogate"}, "title"),
        ({"metadata": {"k": "nul\x00"}}, "metadata"),
    ],
)
def test_document_import_refuses_bad_input_naming_the_field(desk, reviewer, fields, field):
    kwargs = {"text": "Body.", "title": "T", **fields}
    with pytest.raises(ValidationError) as exc:
        services.document_import(project=desk, actor=reviewer, **kwargs)
    assert field in exc.value.errors
    assert not Document.objects.exists()


def test_outsider_cannot_import_into_a_project(desk, outsider):
    with pytest.raises(NotAllowed):
        make_document(desk, actor=outsider)


def test_seed_articles_are_the_shared_ones_verbatim():
    shared = Path(settings.BASE_DIR).parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    for path in shared.glob("*.txt"):
        assert (SEEDS / "articles" / path.name).read_bytes() == path.read_bytes()


def test_load_seeds_twice_changes_nothing():
    first, second = io.StringIO(), io.StringIO()
    call_command("load_seeds", stdout=first)
    counts = (
        Project.objects.count(),
        Document.objects.count(),
        Span.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("load_seeds", stdout=second)
    assert "2 documents, 9 example spans" in first.getvalue()
    assert "nothing changed" in second.getvalue()
    # History: 2 documents, 9 spans, and the desk claims of the 3 CLAIMs.
    assert counts == (1, 2, 9, 14)
    assert (
        Project.objects.count(),
        Document.objects.count(),
        Span.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_seeds_carry_metadata_and_their_example_spans_index_the_text():
    call_command("load_seeds", stdout=io.StringIO())
    vienna = Document.objects.get(outlet="Voice Of Vienna")
    assert vienna.title.startswith("Islamic State claims “province” in India")
    assert vienna.text.startswith(vienna.title)
    for span in Span.objects.select_related("document"):
        assert span.document.text[span.start : span.end] == span.text
    katz = Span.objects.get(speaker="Rita Katz")
    assert katz.text.startswith("The establishment of a ‘province’")


def test_add_member_creates_the_account_with_role_and_password(desk):
    out = io.StringIO()
    call_command(
        "add_member", "newbie", desk.name, role="reviewer", password="s3cret-pass", stdout=out
    )
    user = get_user_model().objects.get(username="newbie")
    assert user.check_password("s3cret-pass")
    assert policy.role_in(user, desk) == "reviewer"
    assert not user.is_staff
    assert "Created 'newbie': reviewer" in out.getvalue()


def test_add_member_promotes_an_existing_account_to_moderator_by_project_id(desk, reviewer):
    call_command("add_member", "rita", str(desk.pk), role="moderator", stdout=io.StringIO())
    reviewer.refresh_from_db()
    assert policy.role_in(reviewer, desk) == "moderator"
    assert reviewer.is_staff
    assert reviewer.check_password("pw-for-tests")  # unchanged without --password


def test_add_member_refuses_an_unknown_project_unless_asked_to_create_it(db):
    with pytest.raises(CommandError, match="No project 'Night desk'"):
        call_command("add_member", "x", "Night desk", role="reviewer", password="p")
    call_command(
        "add_member",
        "x",
        "Night desk",
        role="reviewer",
        password="p",
        create_project=True,
        stdout=io.StringIO(),
    )
    assert Project.objects.filter(name="Night desk").exists()


def test_add_member_asks_for_a_password_and_refuses_without_a_terminal(desk, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="give --password"):
        call_command("add_member", "nopass", desk.name, role="reviewer")
    assert not get_user_model().objects.filter(username="nopass").exists()


def test_demo_accounts_exist_only_in_local_mode(settings):
    settings.LOCAL_MODE = False
    with pytest.raises(CommandError, match="only in local mode"):
        call_command("create_demo_accounts")
    settings.LOCAL_MODE = True
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert "reviewer-demo-pass" in out.getvalue()
    moderator = get_user_model().objects.get(username="moderator")
    assert (
        moderator.is_staff
        and policy.role_in(moderator, Project.objects.get(name="Demo desk")) == "moderator"
    )
