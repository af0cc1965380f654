"""Verdicts: only on claims, validated links, versioned, with a history of every change."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotations import selectors, services
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import Verdict
from tests.factories import make_span

pytestmark = pytest.mark.django_db

LINKS = ["https://example.org/report", "https://example.org/police-statement"]


def test_verdict_set_on_a_claim_stores_rating_rationale_and_links(claim, reviewer):
    verdict = services.verdict_set(
        span=claim,
        actor=reviewer,
        rating="mostly_true",
        rationale="Toll was 253.",
        evidence_links=LINKS,
    )
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.rationale, verdict.evidence_links) == (
        "mostly_true",
        "Toll was 253.",
        LINKS,
    )
    assert verdict.author == reviewer


def test_only_a_claim_takes_a_verdict(document, reviewer):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    with pytest.raises(ValidationError) as exc:
        services.verdict_set(span=quote, actor=reviewer, rating="false")
    assert exc.value.errors["label"] == ["Only a CLAIM takes a verdict; this span is a QUOTE."]


def test_database_refuses_a_desk_claim_on_a_non_claim(document, reviewer, claim):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    assert quote.desk_claim_id is None
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        type(quote).objects.filter(pk=quote.pk).update(desk_claim=claim.desk_claim)
    assert "span_desk_claim_only_on_claim" in str(exc.value)


def test_relabelling_a_rated_claim_takes_it_out_of_its_desk_claim_which_keeps_its_verdict(
    claim, reviewer
):
    desk_claim = claim.desk_claim
    verdict = services.verdict_set(span=claim, actor=reviewer, rating="true")
    relabelled = services.span_update(span=claim, actor=reviewer, version=1, label="OPINION")
    assert (relabelled.label, relabelled.desk_claim_id) == ("OPINION", None)
    assert Verdict.objects.get(desk_claim=desk_claim) == verdict
    last = selectors.object_history(object_type="span", object_id=claim.pk).last()
    assert (last.before["desk_claim"], last.after["desk_claim"]) == (desk_claim.pk, None)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.org/x", "not a url", "https://"]
)
def test_evidence_links_must_be_web_addresses(claim, reviewer, link):
    with pytest.raises(ValidationError) as exc:
        services.verdict_set(span=claim, actor=reviewer, rating="false", evidence_links=[link])
    assert "evidence_links" in exc.value.errors
    assert not Verdict.objects.exists()


def test_unknown_rating_is_refused(claim, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.verdict_set(span=claim, actor=reviewer, rating="pants_on_fire")
    assert "rating" in exc.value.errors


def test_changing_a_verdict_needs_the_current_version(claim, reviewer, moderator):
    services.verdict_set(span=claim, actor=reviewer, rating="true")
    with pytest.raises(ValidationError) as exc:
        services.verdict_set(span=claim, actor=moderator, rating="false")
    assert "version" in exc.value.errors
    services.verdict_set(span=claim, actor=moderator, rating="mixed", version=1)
    with pytest.raises(Conflict) as conflict:
        services.verdict_set(span=claim, actor=reviewer, rating="false", version=1)
    assert conflict.value.current["rating"] == "mixed"
    assert Verdict.objects.get(desk_claim=claim.desk_claim).rating == "mixed"


def test_verdict_history_keeps_each_change_with_who_and_before_after(claim, reviewer, moderator):
    services.verdict_set(
        span=claim, actor=reviewer, rating="true", rationale="first", evidence_links=LINKS[:1]
    )
    verdict = services.verdict_set(
        span=claim,
        actor=moderator,
        rating="mostly_true",
        rationale="second",
        evidence_links=LINKS,
        version=1,
    )
    history = list(selectors.object_history(object_type="verdict", object_id=verdict.pk))
    assert [(h.action, h.actor.username) for h in history] == [
        ("create", "rita"),
        ("update", "mona"),
    ]
    assert history[1].before["rating"] == "true"
    assert history[1].after == {
        "rating": "mostly_true",
        "rationale": "second",
        "evidence_links": LINKS,
        "review_status": "pending",
        "review_reason": "",
        "version": 2,
    }


def test_any_member_sets_the_verdict_of_a_claim_a_colleague_tagged(claim, second_reviewer):
    verdict = services.verdict_set(span=claim, actor=second_reviewer, rating="false")
    assert (verdict.desk_claim, verdict.author) == (claim.desk_claim, second_reviewer)


def test_an_outsider_cannot_set_the_verdict(claim, outsider):
    with pytest.raises(NotAllowed):
        services.verdict_set(span=claim, actor=outsider, rating="false")
