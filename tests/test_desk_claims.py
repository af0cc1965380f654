"""Desk claims through the services: every CLAIM a mention of one, mentions joined and moved,
the wording versioned, each member's rating, the verdict made from the first rating, agreement
over the ratings, and the invariants the database keeps."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotations import reports, selectors, services
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import AuditEvent, ClaimRating, DeskClaim, Span, Verdict
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

TOLL = "The bombers killed at least 253 people."


@pytest.fixture
def second_article(desk, reviewer):
    return make_document(
        desk,
        actor=reviewer,
        title="Second outlet",
        outlet="Voice",
        text="Officials confirmed it. The bombers killed at least 253 people.",
    )


# --- mentions ---------------------------------------------------------------------------------


def test_a_new_claim_is_a_mention_of_a_new_desk_claim_worded_as_its_text(claim, reviewer):
    desk_claim = claim.desk_claim
    assert desk_claim.wording == TOLL
    assert (desk_claim.project_id, desk_claim.created_by, desk_claim.version) == (
        claim.document.project_id,
        reviewer,
        1,
    )
    event = selectors.object_history(object_type="deskclaim", object_id=desk_claim.pk).get()
    assert (event.action, event.after) == ("create", {"wording": TOLL, "version": 1})


def test_another_reviewer_on_the_same_words_joins_the_same_desk_claim(
    document, claim, second_reviewer
):
    theirs = make_span(document, second_reviewer, TOLL)
    assert theirs.desk_claim_id == claim.desk_claim_id
    assert DeskClaim.objects.count() == 1


def test_other_labels_are_mentions_of_nothing(document, reviewer):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    assert quote.desk_claim_id is None


def test_a_claim_names_its_desk_claim_of_the_same_project_only(
    desk, claim, second_article, reviewer, other_desk, outsider
):
    joined = make_span(second_article, reviewer, TOLL, desk_claim=claim.desk_claim)
    assert joined.desk_claim_id == claim.desk_claim_id
    elsewhere = make_document(other_desk, actor=outsider, text="Somewhere else entirely.")
    foreign = make_span(elsewhere, outsider, "Somewhere else")
    with pytest.raises(ValidationError) as exc:
        make_span(
            second_article, reviewer, "Officials confirmed it.", desk_claim=foreign.desk_claim
        )
    assert "desk_claim" in exc.value.errors
    with pytest.raises(ValidationError):
        make_span(second_article, reviewer, "Officials", label="QUOTE", desk_claim=claim.desk_claim)


def test_relabelling_into_a_claim_joins_the_claim_on_the_same_words(
    document, claim, second_reviewer
):
    opinion = make_span(document, second_reviewer, TOLL, label="OPINION")
    assert opinion.desk_claim_id is None
    updated = services.span_update(span=opinion, actor=second_reviewer, version=1, label="CLAIM")
    assert updated.desk_claim_id == claim.desk_claim_id


def test_any_member_moves_a_mention_to_another_desk_claim_with_history(
    claim, second_article, reviewer, second_reviewer
):
    other = make_span(second_article, reviewer, TOLL)
    assert other.desk_claim_id != claim.desk_claim_id  # another article: a desk claim of its own
    left = other.desk_claim
    moved = services.mention_move(
        span=other, actor=second_reviewer, desk_claim=claim.desk_claim, version=1
    )
    assert (moved.desk_claim_id, moved.version) == (claim.desk_claim_id, 2)
    assert DeskClaim.objects.filter(pk=left.pk).exists()  # the one it left stays
    event = selectors.object_history(object_type="span", object_id=other.pk).last()
    assert (event.action, event.actor, event.before, event.after) == (
        "move",
        second_reviewer,
        {"desk_claim": left.pk, "version": 1},
        {"desk_claim": claim.desk_claim_id, "version": 2},
    )
    with pytest.raises(Conflict):
        services.mention_move(span=other, actor=reviewer, desk_claim=left, version=1)


def test_moving_a_mention_to_no_desk_claim_makes_a_new_one(claim, second_reviewer):
    moved = services.mention_move(span=claim, actor=second_reviewer, desk_claim=None)
    assert moved.desk_claim_id != claim.desk_claim_id
    assert moved.desk_claim.wording == TOLL


def test_outsiders_cannot_move_mentions_and_only_claims_are_mentions(
    document, claim, outsider, reviewer
):
    with pytest.raises(NotAllowed):
        services.mention_move(span=claim, actor=outsider, desk_claim=None)
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    with pytest.raises(ValidationError):
        services.mention_move(span=quote, actor=reviewer, desk_claim=claim.desk_claim)


def test_the_database_keeps_a_mention_in_its_own_project(claim, other_desk, outsider):
    elsewhere = make_document(other_desk, actor=outsider, text="Somewhere else entirely.")
    foreign = make_span(elsewhere, outsider, "Somewhere else")
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Span.objects.filter(pk=claim.pk).update(desk_claim=foreign.desk_claim)
    assert "span_desk_claim_same_project" in str(exc.value)


# --- the wording --------------------------------------------------------------------------------


def test_the_wording_is_versioned_with_history(claim, reviewer, second_reviewer):
    desk_claim = services.desk_claim_update(
        desk_claim=claim.desk_claim,
        actor=second_reviewer,
        version=1,
        wording="  At least 253 people were killed in the Easter Sunday bombings in Sri Lanka ",
    )
    assert desk_claim.wording.startswith("At least 253") and desk_claim.version == 2
    with pytest.raises(Conflict) as conflict:
        services.desk_claim_update(desk_claim=desk_claim, actor=reviewer, version=1, wording="x")
    assert conflict.value.current["version"] == 2
    actions = [
        e.action for e in selectors.object_history(object_type="deskclaim", object_id=desk_claim.pk)
    ]
    assert actions == ["create", "update"]
    with pytest.raises(ValidationError):
        services.desk_claim_update(desk_claim=desk_claim, actor=reviewer, version=2, wording="  ")


# --- ratings and the verdict ------------------------------------------------------------------


def test_the_first_rating_makes_the_pending_verdict_and_later_ones_leave_it(
    claim, reviewer, second_reviewer
):
    desk_claim = claim.desk_claim
    mine = services.rating_set(
        desk_claim=desk_claim, actor=reviewer, rating="false", rationale="Toll was 253."
    )
    verdict = Verdict.objects.get(desk_claim=desk_claim)
    assert (verdict.rating, verdict.rationale, verdict.author, verdict.review_status) == (
        "false",
        "Toll was 253.",
        reviewer,
        "pending",
    )
    services.rating_set(desk_claim=desk_claim, actor=second_reviewer, rating="mostly_false")
    assert Verdict.objects.get(desk_claim=desk_claim).rating == "false"
    assert ClaimRating.objects.filter(desk_claim=desk_claim).count() == 2
    created = AuditEvent.objects.get(object_type="verdict", object_id=verdict.pk)
    assert created.after["from_rating"] == mine.pk


def test_a_rating_is_one_a_member_versioned_with_history(claim, reviewer):
    desk_claim = claim.desk_claim
    services.rating_set(desk_claim=desk_claim, actor=reviewer, rating="false")
    with pytest.raises(ValidationError) as exc:
        services.rating_set(desk_claim=desk_claim, actor=reviewer, rating="true")
    assert "version" in exc.value.errors
    changed = services.rating_set(desk_claim=desk_claim, actor=reviewer, rating="mixed", version=1)
    assert changed.version == 2
    with pytest.raises(Conflict):
        services.rating_set(desk_claim=desk_claim, actor=reviewer, rating="true", version=1)
    services.rating_delete(desk_claim=desk_claim, actor=reviewer, version=2)
    assert not ClaimRating.objects.exists()
    history = AuditEvent.objects.filter(object_type="claimrating").order_by("id")
    assert [
        (e.action, (e.before or {}).get("rating"), (e.after or {}).get("rating")) for e in history
    ] == [
        ("create", None, "false"),
        ("update", "false", "mixed"),
        ("delete", "mixed", None),
    ]
    assert Verdict.objects.filter(desk_claim=desk_claim).exists()  # the desk's stays


def test_outsiders_cannot_rate_and_bad_links_are_refused(claim, outsider, reviewer):
    with pytest.raises(NotAllowed):
        services.rating_set(desk_claim=claim.desk_claim, actor=outsider, rating="false")
    with pytest.raises(ValidationError) as exc:
        services.rating_set(
            desk_claim=claim.desk_claim,
            actor=reviewer,
            rating="false",
            evidence_links=["javascript:alert(1)"],
        )
    assert "evidence_links" in exc.value.errors


def test_two_reviewers_rate_one_desk_claim_from_two_articles_and_agreement_counts_both(
    desk, document, claim, second_article, reviewer, second_reviewer, moderator
):
    # ravi meets the claim in the second article and takes it for the same desk claim.
    theirs = make_span(second_article, second_reviewer, TOLL, desk_claim=claim.desk_claim)
    services.rating_set(desk_claim=claim.desk_claim, actor=reviewer, rating="false")
    services.rating_set(desk_claim=theirs.desk_claim, actor=second_reviewer, rating="mostly_false")
    # A second desk claim the two rated apart, so that alpha has variation to measure.
    other = make_span(document, reviewer, "pure propaganda")
    services.rating_set(desk_claim=other.desk_claim, actor=reviewer, rating="true")
    services.rating_set(desk_claim=other.desk_claim, actor=second_reviewer, rating="true")

    project = reports.project_agreement(desk)["verdicts"]
    assert (project["units"], project["ratings"]) == (2, 4)
    assert project["alpha_ordinal"] is not None
    # Each article's figure counts the ratings given from the other article too.
    second = reports.document_agreement(second_article)["verdicts"]
    assert (second["units"], second["ratings"]) == (1, 2)

    verdict = Verdict.objects.get(desk_claim=claim.desk_claim)
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    for span in (claim, theirs):  # the verdict shows on every mention
        shown = selectors.document_spans(span.document).get(pk=span.pk)
        assert shown.desk_claim.verdict.review_status == "approved"


def test_verdict_set_on_a_desk_claim_by_any_member_and_review_keeps_working(
    claim, second_reviewer, moderator
):
    verdict = services.verdict_set(
        desk_claim=claim.desk_claim, actor=second_reviewer, rating="mixed"
    )
    result = services.verdict_review_bulk(verdicts=[verdict], actor=moderator, status="approved")
    assert result == {"changed": 1, "skipped": 0}
    verdict.refresh_from_db()
    assert verdict.review_status == "approved"
    services.verdict_delete(desk_claim=claim.desk_claim, actor=second_reviewer, version=2)
    assert not Verdict.objects.exists()
    actions = [
        e.action for e in selectors.object_history(object_type="verdict", object_id=verdict.pk)
    ]
    assert actions == ["create", "approve", "delete"]
