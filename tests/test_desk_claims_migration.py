"""The data migration into desk claims, run on a database with the old shape: migrated back to
before desk claims, filled with the old rows through the models of that time, migrated forward,
then read with today's models. Existing verdicts and their history come across; nothing is lost.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from annotations.models import AuditEvent, ClaimRating, DeskClaim, Span, Verdict

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("annotations", "0005_quote_models_learnable")]
TEXT = "Officials said 253 people died. The army denied it. Rain fell on Sunday."


@pytest.fixture
def old_shape():
    """Yield the models of the old shape, then leave the database at the newest again."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    User = apps.get_model("auth", "User")
    Project = apps.get_model("annotations", "Project")
    Document = apps.get_model("annotations", "Document")
    OldSpan = apps.get_model("annotations", "Span")
    OldVerdict = apps.get_model("annotations", "Verdict")
    OldEvent = apps.get_model("annotations", "AuditEvent")
    rita, ravi = User.objects.create(username="rita"), User.objects.create(username="ravi")
    project = Project.objects.create(name="Old desk")
    document = Document.objects.create(
        project=project, title="Old article", text=TEXT, text_length=len(TEXT)
    )

    def span(author, phrase, label="CLAIM", **fields):
        start = TEXT.index(phrase)
        return OldSpan.objects.create(
            document=document,
            author=author,
            label=label,
            start=start,
            end=start + len(phrase),
            text=phrase,
            **fields,
        )

    toll_rita = span(rita, "253 people died")
    toll_ravi = span(ravi, "253 people died")  # the same words: one desk claim
    denial = span(rita, "The army denied it.")
    span(ravi, "Rain fell on Sunday.", deleted_at=timezone.now())  # deleted, kept as it was
    span(ravi, "Officials said", label="QUOTE", speaker="")
    now = timezone.now()
    approved = OldVerdict.objects.create(
        span=toll_rita,
        author=rita,
        rating="true",
        rationale="Hospital figures.",
        evidence_links=["https://example.org/toll"],
        review_status="approved",
        reviewed_by=ravi,
        reviewed_at=now,
        version=2,
    )
    newer = OldVerdict.objects.create(span=toll_ravi, author=ravi, rating="mostly_true")
    OldVerdict.objects.filter(pk=newer.pk).update(updated_at=now + timedelta(minutes=5))
    lone = OldVerdict.objects.create(span=denial, author=rita, rating="false")
    for verdict in (approved, newer, lone):
        OldEvent.objects.create(
            project=project,
            object_type="verdict",
            object_id=verdict.pk,
            action="create",
            actor_id=verdict.author_id,
            after={"rating": verdict.rating},
        )
    return {
        "toll": (toll_rita.pk, toll_ravi.pk),
        "denial": denial.pk,
        "verdicts": (approved.pk, newer.pk, lone.pk),
    }


def test_existing_verdicts_become_ratings_and_the_desk_verdict_with_their_history(old_shape):
    old = _old_rows(old_shape)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Every CLAIM is a mention; the same words of one document share one desk claim.
    claims = {s.text: s for s in Span.objects.filter(label="CLAIM")}
    toll_rita, toll_ravi = (Span.objects.get(pk=pk) for pk in old["toll"])
    assert toll_rita.desk_claim_id == toll_ravi.desk_claim_id is not None
    assert claims["Rain fell on Sunday."].desk_claim_id is not None  # the deleted one too
    assert Span.objects.get(label="QUOTE").desk_claim_id is None
    toll = DeskClaim.objects.get(pk=toll_rita.desk_claim_id)
    assert toll.wording == "253 people died"
    assert DeskClaim.objects.count() == 3

    # The approved verdict is the desk's, the same row (same pk) on the desk claim.
    approved, newer, lone = old["verdicts"]
    verdict = Verdict.objects.get(desk_claim=toll)
    assert verdict.pk == approved
    assert (verdict.rating, verdict.review_status, verdict.version) == ("true", "approved", 2)
    assert verdict.evidence_links == ["https://example.org/toll"]
    assert not Verdict.objects.filter(pk=newer).exists()
    denial = Span.objects.get(pk=old["denial"]).desk_claim_id
    assert Verdict.objects.get(pk=lone).desk_claim_id == denial

    # Every verdict is its author's rating: both reviewers' judgements of the toll count.
    ratings = {(r.desk_claim_id, r.author.username): r.rating for r in ClaimRating.objects.all()}
    assert ratings == {
        (toll.pk, "rita"): "true",
        (toll.pk, "ravi"): "mostly_true",
        (denial, "rita"): "false",
    }
    rita_toll = ClaimRating.objects.get(desk_claim=toll, author__username="rita")
    assert (rita_toll.rationale, rita_toll.evidence_links) == (
        "Hospital figures.",
        ["https://example.org/toll"],
    )

    # History: what was recorded stays attached to the same pks; the move is recorded too.
    kept = [e.action for e in AuditEvent.objects.filter(object_type="verdict", object_id=approved)]
    assert sorted(kept) == ["create", "migrate"]
    migrate = AuditEvent.objects.get(object_type="verdict", object_id=approved, action="migrate")
    assert migrate.before["span"] == toll_rita.pk
    assert (migrate.after["desk_claim"], migrate.after["merged"]) == (toll.pk, [newer])
    merged = [e.action for e in AuditEvent.objects.filter(object_type="verdict", object_id=newer)]
    assert sorted(merged) == ["create", "merge"]
    rated = AuditEvent.objects.get(object_type="claimrating", object_id=rita_toll.pk)
    assert (rated.action, rated.after["from_verdict"]) == ("migrate", approved)
    assert AuditEvent.objects.filter(object_type="deskclaim", action="migrate").count() == 3


def test_the_migration_can_be_undone_and_done_again(old_shape):
    old = _old_rows(old_shape)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OldVerdict = apps.get_model("annotations", "Verdict")
    # Back on spans: the desk's verdict on its author's mention, each other rating on its
    # author's own mention.
    back = {v.span_id: (v.author.username, v.rating) for v in OldVerdict.objects.all()}
    toll_rita, toll_ravi = old["toll"]
    assert back == {
        toll_rita: ("rita", "true"),
        toll_ravi: ("ravi", "mostly_true"),
        old["denial"]: ("rita", "false"),
    }
