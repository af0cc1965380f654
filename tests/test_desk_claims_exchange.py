"""Desk claims in and out: the import's two writers make the desk claims their CLAIMs need, the
exports say which desk claim each CLAIM is a mention of, and ClaimReview is one item a desk
claim listing every article that carries it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from annotations import services
from annotations.models import AuditEvent, DeskClaim, ReviewStatus, Span, Verdict
from annotations.services import imports
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

LINE = {
    "text": "Police said 253 people died. Rain fell.",
    "label": [[12, 27, "CLAIM"], [29, 39, "CLAIM"], [0, 6, "OPINION"]],
}


@pytest.mark.parametrize("batched", [True, False], ids=["copy", "orm"])
def test_both_import_writers_make_a_desk_claim_for_each_claim_with_history(
    desk, reviewer, monkeypatch, batched
):
    monkeypatch.setattr(imports, "_batched", lambda: batched)
    report = services.document_import_jsonl(
        project=desk, actor=reviewer, lines=[json.dumps(LINE).encode()] * 2
    )
    assert report.committed and report.spans_created == 6
    claims = Span.objects.filter(label="CLAIM").select_related("desk_claim")
    assert {(s.text, s.desk_claim.wording) for s in claims} == {
        ("253 people died", "253 people died"),
        ("Rain fell.", "Rain fell."),
    }
    assert DeskClaim.objects.filter(project=desk, created_by=reviewer).count() == 4
    assert not Span.objects.filter(label="OPINION", desk_claim__isnull=False).exists()
    events = AuditEvent.objects.filter(object_type="deskclaim", action="import")
    assert sorted(e.after["wording"] for e in events) == sorted(
        ["253 people died", "Rain fell."] * 2
    )
    if batched:  # COPY fills the search vector through the table's trigger
        assert not DeskClaim.objects.filter(search_vector__isnull=True).exists()


@pytest.fixture
def story(desk, reviewer, second_reviewer, moderator):
    """The same claim in two articles, rated by two reviewers, its verdict approved."""
    late = make_document(
        desk,
        actor=reviewer,
        title="Late report",
        outlet="Voice Of Vienna",
        source_url="https://example.org/late",
        published_on=date(2019, 7, 30),
        text="IS took responsibility for the Easter Sunday bombing that killed at least 253 people.",
    )
    early = make_document(
        desk,
        actor=reviewer,
        title="Early report",
        outlet="The Guardian",
        author="Staff",
        source_url="https://example.org/early",
        published_on=date(2019, 7, 29),
        text="Bombers killed more than 250 people in the Easter Sunday attacks.",
    )
    first = make_span(late, reviewer, "the Easter Sunday bombing that killed at least 253 people")
    second = make_span(
        early, second_reviewer, "Bombers killed more than 250 people", desk_claim=first.desk_claim
    )
    services.rating_set(desk_claim=first.desk_claim, actor=reviewer, rating="false")
    services.rating_set(desk_claim=first.desk_claim, actor=second_reviewer, rating="mostly_false")
    verdict = Verdict.objects.get(desk_claim=first.desk_claim)
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    Span.objects.filter(pk__in=[first.pk, second.pk]).update(review_status=ReviewStatus.APPROVED)
    return {"late": late, "early": early, "spans": (first, second), "desk_claim": first.desk_claim}


def _export(api, user, project, fmt):
    response = api(user).get(f"/api/v1/projects/{project.pk}/export/", {"format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_claimreview_of_two_articles_mentions_lists_both_as_appearances(
    api, desk, reviewer, story
):
    services.desk_claim_update(
        desk_claim=story["desk_claim"],
        actor=reviewer,
        version=1,
        wording="At least 253 people were killed in the Easter Sunday bombings in Sri Lanka",
    )
    (review,) = json.loads(_export(api, reviewer, desk, "claimreview"))
    assert review["claimReviewed"].startswith("At least 253 people were killed")
    assert review["reviewRating"]["alternateName"] == "False"
    item = review["itemReviewed"]
    assert [(a["headline"], a["url"], a["publisher"]["name"]) for a in item["appearance"]] == [
        ("Early report", "https://example.org/early", "The Guardian"),
        ("Late report", "https://example.org/late", "Voice Of Vienna"),
    ]
    assert item["firstAppearance"]["headline"] == "Early report"  # by published date
    assert (item["datePublished"], item["author"]) == (
        "2019-07-29",
        {"@type": "Person", "name": "Staff"},
    )
    early_span = story["spans"][1]
    assert review["url"].endswith(f"/documents/{story['early'].pk}/#span-{early_span.pk}")


def test_without_published_dates_the_first_appearance_is_the_first_imported(
    api, desk, reviewer, story
):
    type(story["late"]).objects.filter(project=desk).update(published_on=None)
    (review,) = json.loads(_export(api, reviewer, desk, "claimreview"))
    assert review["itemReviewed"]["firstAppearance"]["headline"] == "Late report"
    assert "datePublished" not in review["itemReviewed"]


def test_a_pending_verdict_is_not_published(api, desk, reviewer, story, moderator):
    verdict = Verdict.objects.get(desk_claim=story["desk_claim"])
    services.verdict_review(verdict=verdict, actor=moderator, status="pending")
    assert json.loads(_export(api, reviewer, desk, "claimreview")) == []


def test_jsonl_and_w3c_say_which_desk_claim_each_claim_is_a_mention_of(api, desk, reviewer, story):
    desk_claim = story["desk_claim"]
    lines = [json.loads(line) for line in _export(api, reviewer, desk, "jsonl").splitlines()]
    mentions = [s["desk_claim"] for line in lines for s in line["spans"] if s["label"] == "CLAIM"]
    assert mentions == [desk_claim.pk, desk_claim.pk]
    collection = json.loads(_export(api, reviewer, desk, "w3c"))
    for annotation in collection["first"]["items"]:
        (identified,) = [b for b in annotation["body"] if b["purpose"] == "identifying"]
        assert identified["type"] == "SpecificResource"
        assert identified["source"] == f"http://testserver/api/v1/desk-claims/{desk_claim.pk}/"
        assert identified["label"] == desk_claim.wording
    header = next(csv.reader(io.StringIO(_export(api, reviewer, desk, "csv").decode("utf-8-sig"))))
    assert "desk_claim_id" in header


def test_a_claimreview_of_the_seed_story_lists_both_articles_as_appearances(api, moderator):
    from annotations.models import Document, Role
    from annotations.seeding import seeds_load

    project = seeds_load().project
    services.membership_set(project=project, user=moderator, role=Role.MODERATOR)
    sri_lanka = Span.objects.filter(document__project=project, text__contains="Sri Lanka")
    first, second = sri_lanka.order_by("document__external_id")
    # The same claim in both articles: one desk claim, rated, its verdict approved.
    services.mention_move(span=second, actor=moderator, desk_claim=first.desk_claim)
    services.rating_set(desk_claim=first.desk_claim, actor=moderator, rating="mostly_false")
    verdict = Verdict.objects.get(desk_claim=first.desk_claim)
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    services.span_review_bulk(spans=[first, second], actor=moderator, status="approved")

    (review,) = json.loads(_export(api, moderator, project, "claimreview"))
    seeds = Document.objects.filter(project=project).order_by("external_id")
    assert [a["headline"] for a in review["itemReviewed"]["appearance"]] == [d.title for d in seeds]
    assert review["itemReviewed"]["firstAppearance"]["headline"] == seeds[0].title
