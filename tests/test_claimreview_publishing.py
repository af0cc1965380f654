"""ClaimReview a publisher can post: the publishing organisation and each fact check's article
address (project fields, else settings), the claim's author (the speaker of the QUOTE it sits
in, else the article's byline or outlet, never the headline), dates from the documents, every
appearance with its article's own URL, and a numeric rating wherever the scale has one.

Checked against the fields Google's fact-check markup documents as required and recommended
(developers.google.com/search/docs/appearance/structured-data/factcheck): ClaimReview
claimReviewed, reviewRating and url required, author, datePublished and itemReviewed
recommended; the Claim's appearance, author, datePublished and firstAppearance recommended; the
Rating's alternateName required, bestRating, ratingValue and worstRating recommended."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import override_settings

from annotations import services
from annotations.errors import ValidationError
from annotations.export.claimreview import review_rating
from annotations.models import (
    RATING_VALUES,
    AuditEvent,
    Document,
    Project,
    Rating,
    ReviewStatus,
    Role,
    Span,
    Verdict,
)
from annotations.seeding import seeds_load
from tests.export_data import approve
from tests.factories import make_document, make_span
from tests.test_settings import _settings_with

pytestmark = pytest.mark.django_db

GOOGLE_REQUIRED = {
    "ClaimReview": ("claimReviewed", "reviewRating", "url"),
    "Rating": ("alternateName",),
}
GOOGLE_RECOMMENDED = {
    "ClaimReview": ("author", "datePublished", "itemReviewed"),
    "Claim": ("appearance", "author", "datePublished", "firstAppearance"),
    "Rating": ("bestRating", "ratingValue", "worstRating"),
}


def missing_google_fields(review: dict) -> list[str]:
    """The fields Google asks for that the review lacks, as `Type.field`. A rating with no
    numeric value on the scale (unverifiable) is exempt from the numbers."""
    parts = {
        "ClaimReview": review,
        "Rating": review.get("reviewRating", {}),
        "Claim": review.get("itemReviewed", {}),
    }
    missing = []
    for table in (GOOGLE_REQUIRED, GOOGLE_RECOMMENDED):
        for kind, names in table.items():
            for name in names:
                if kind == "Rating" and name != "alternateName":
                    rating = next(r for r in Rating if r.label == parts[kind]["alternateName"])
                    if RATING_VALUES[rating] is None:
                        continue
                if name not in parts[kind]:
                    missing.append(f"{kind}.{name}")
    if review.get("author", {}).get("@type") not in ("Organization", "Person"):
        missing.append("ClaimReview.author.@type")
    if not review.get("url", "").startswith(("http://", "https://")):
        missing.append("ClaimReview.url")
    return missing


def _export(api, user, project):
    response = api(user).get(f"/api/v1/projects/{project.pk}/export/", {"format": "claimreview"})
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content)), response


# --- the seed story, field by field ----------------------------------------------------------


@pytest.fixture
def seed_story(moderator):
    """The seed story's Sri Lanka claim: one desk claim mentioned in both seed articles, the
    articles' addresses and dates corrected in, rated, its verdict approved."""
    project = seeds_load().project
    services.membership_set(project=project, user=moderator, role=Role.MODERATOR)
    first_doc, second_doc = Document.objects.filter(project=project).order_by("external_id")
    services.document_update(
        document=first_doc,
        actor=moderator,
        version=first_doc.version,
        source_url="https://news.example.org/isis-kashmir-province",
        published_on=date(2019, 5, 11),
    )
    services.document_update(
        document=second_doc,
        actor=moderator,
        version=second_doc.version,
        source_url="https://vienna.example.org/islamic-state-province-india",
        published_on=date(2019, 5, 12),
    )
    sri_lanka = Span.objects.filter(document__project=project, text__contains="Sri Lanka")
    first, second = sri_lanka.order_by("document__external_id")
    services.mention_move(span=second, actor=moderator, desk_claim=first.desk_claim)
    services.rating_set(
        desk_claim=first.desk_claim,
        actor=moderator,
        rating="mostly_false",
        rationale="The toll is right; the Kashmir training is not shown.",
    )
    verdict = Verdict.objects.get(desk_claim=first.desk_claim)
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    services.span_review_bulk(spans=[first, second], actor=moderator, status="approved")
    Project.objects.filter(pk=project.pk).update(
        publisher_name="Example Fact Desk",
        publisher_url="https://desk.example.org/",
        publisher_logo="https://desk.example.org/logo.png",
        review_url_template="https://desk.example.org/checks/{desk_claim_id}",
    )
    return {
        "project": Project.objects.get(pk=project.pk),
        "documents": (first_doc, second_doc),
        "desk_claim": first.desk_claim,
    }


def test_the_seed_storys_claimreview_field_by_field(api, moderator, seed_story):
    project, desk_claim = seed_story["project"], seed_story["desk_claim"]
    first_doc, second_doc = seed_story["documents"]
    (review,), response = _export(api, moderator, project)
    verdict = Verdict.objects.get(desk_claim=desk_claim)
    desk_claim.refresh_from_db()

    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"https://desk.example.org/checks/{desk_claim.pk}"
    assert review["claimReviewed"] == desk_claim.wording
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://desk.example.org/",
        "logo": {"@type": "ImageObject", "url": "https://desk.example.org/logo.png"},
    }
    assert review["datePublished"] == verdict.reviewed_at.date().isoformat()
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["reviewBody"] == "The toll is right; the Kashmir training is not shown."

    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    # The first article names no outlet or byline: the claim's author is the next one's
    # outlet, never a headline.
    assert item["author"] == {"@type": "Organization", "name": "Voice Of Vienna"}
    assert item["datePublished"] == "2019-05-11"  # the earliest appearance's date
    first_work = {
        "@type": "CreativeWork",
        "url": "https://news.example.org/isis-kashmir-province",
        "headline": first_doc.title,
        "datePublished": "2019-05-11",
    }
    assert item["appearance"] == [
        first_work,
        {
            "@type": "CreativeWork",
            "url": "https://vienna.example.org/islamic-state-province-india",
            "headline": second_doc.title,
            "publisher": {"@type": "Organization", "name": "Voice Of Vienna"},
            "datePublished": "2019-05-12",
        },
    ]
    assert item["firstAppearance"] == first_work
    assert set(review) == {
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "author",
        "datePublished",
        "reviewRating",
        "reviewBody",
        "itemReviewed",
    }
    assert missing_google_fields(review) == []
    assert "/documents/" not in json.dumps(review)  # nothing points at our login-only pages
    assert response["X-ClaimReview-Appearances-Without-Url"] == "0"
    assert response["X-ClaimReview-Reviews-Without-Article"] == "0"


def test_a_verdicts_own_article_wins_and_setting_it_keeps_the_approval(api, moderator, seed_story):
    desk_claim = seed_story["desk_claim"]
    verdict = Verdict.objects.get(desk_claim=desk_claim)
    url = f"/api/v1/desk-claims/{desk_claim.pk}/verdict/"
    answer = api(moderator).put(
        url,
        {
            "rating": verdict.rating,
            "rationale": verdict.rationale,
            "review_url": "https://desk.example.org/2019/05/sri-lanka-kashmir",
            "version": verdict.version,
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["review_url"] == "https://desk.example.org/2019/05/sri-lanka-kashmir"
    assert answer.json()["review_status"] == ReviewStatus.APPROVED
    (review,), _ = _export(api, moderator, seed_story["project"])
    assert review["url"] == "https://desk.example.org/2019/05/sri-lanka-kashmir"
    event = AuditEvent.objects.filter(object_type="verdict", object_id=verdict.pk).latest("id")
    assert event.after["review_url"] == "https://desk.example.org/2019/05/sri-lanka-kashmir"
    assert "review_url" not in event.before
    # A rating left out keeps the article; a change of judgement reopens the verdict.
    services.verdict_set(
        desk_claim=desk_claim, actor=moderator, rating="false", version=verdict.version + 1
    )
    verdict.refresh_from_db()
    assert verdict.review_url == "https://desk.example.org/2019/05/sri-lanka-kashmir"
    assert verdict.review_status == ReviewStatus.PENDING


def test_a_verdicts_article_must_be_an_http_address(api, moderator, seed_story):
    desk_claim = seed_story["desk_claim"]
    with pytest.raises(ValidationError) as refused:
        services.verdict_set(
            desk_claim=desk_claim,
            actor=moderator,
            rating="false",
            review_url="javascript:alert(1)",
            version=1,
        )
    assert "review_url" in refused.value.errors
    answer = api(moderator).put(
        f"/api/v1/desk-claims/{desk_claim.pk}/verdict/",
        {"rating": "false", "review_url": "not an address", "version": 1},
        format="json",
    )
    assert answer.status_code == 400 and "review_url" in answer.json()


# --- where the publisher comes from -----------------------------------------------------------


@pytest.fixture
def reviewed(desk, reviewer, moderator):
    """A claim in an article with neither URL nor date, and in a dated one, its verdict
    approved; nothing configures the publisher."""
    undated = make_document(
        desk, actor=reviewer, title="No address", text="Officials said 48 people drowned."
    )
    dated = make_document(
        desk,
        actor=reviewer,
        title="Dated",
        outlet="Herald",
        author="Ana Núñez",
        source_url="https://herald.example.org/ferry",
        published_on=date(2024, 3, 10),
        text="Rescuers said 48 people drowned.",
    )
    first = make_span(undated, reviewer, "48 people drowned")
    second = make_span(dated, reviewer, "48 people drowned", desk_claim=first.desk_claim)
    approve(first, second)
    verdict = services.verdict_set(desk_claim=first.desk_claim, actor=reviewer, rating="true")
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    return {"undated": undated, "dated": dated, "desk_claim": first.desk_claim}


def test_an_appearance_without_an_address_is_listed_without_one_and_counted(
    api, desk, moderator, reviewed
):
    (review,), response = _export(api, moderator, desk)
    appearances = review["itemReviewed"]["appearance"]
    # By date: the undated article counts by its import day, today, after 2024.
    assert [a["headline"] for a in appearances] == ["Dated", "No address"]
    assert appearances[1] == {"@type": "CreativeWork", "headline": "No address"}
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Ana Núñez"}
    assert review["itemReviewed"]["datePublished"] == "2024-03-10"
    assert response["X-ClaimReview-Appearances-Without-Url"] == "1"
    # Nothing configures the article: our page, counted, and the project's name as publisher.
    assert "/documents/" in review["url"]
    assert response["X-ClaimReview-Reviews-Without-Article"] == "1"
    assert review["author"] == {"@type": "Organization", "name": "The desk"}


@override_settings(
    CLAIMREVIEW_PUBLISHER_NAME="Installation Desk",
    CLAIMREVIEW_PUBLISHER_URL="https://install.example.org/",
    CLAIMREVIEW_PUBLISHER_LOGO="",
    CLAIMREVIEW_REVIEW_URL_TEMPLATE="https://install.example.org/p{project_id}/c{desk_claim_id}",
)
def test_the_settings_publish_when_the_project_says_nothing_and_the_project_wins(
    api, desk, moderator, reviewed
):
    (review,), _ = _export(api, moderator, desk)
    desk_claim = reviewed["desk_claim"]
    assert review["url"] == f"https://install.example.org/p{desk.pk}/c{desk_claim.pk}"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Installation Desk",
        "url": "https://install.example.org/",
    }
    Project.objects.filter(pk=desk.pk).update(publisher_name="Project Desk")
    (review,), _ = _export(api, moderator, desk)
    assert review["author"]["name"] == "Project Desk"
    assert review["author"]["url"] == "https://install.example.org/"


def test_a_claim_inside_a_quote_is_the_speakers(api, desk, reviewer, moderator):
    document = make_document(
        desk,
        actor=reviewer,
        outlet="Herald",
        author="Staff",
        text="“Inflation fell to 2% last year,” the minister said on Monday.",
    )
    quote = make_span(
        document,
        reviewer,
        "Inflation fell to 2% last year,",
        label="QUOTE",
        speaker="Finance minister Ana Núñez",
    )
    claim = make_span(document, reviewer, "Inflation fell to 2% last year")
    approve(quote, claim)
    verdict = services.verdict_set(desk_claim=claim.desk_claim, actor=reviewer, rating="false")
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    (review,), _ = _export(api, moderator, desk)
    assert review["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Finance minister Ana Núñez",
    }


def test_every_rating_has_its_text_and_a_number_wherever_the_scale_has_one():
    for rating in Rating:
        body = review_rating(rating)
        assert body["alternateName"] == rating.label
        if RATING_VALUES[rating] is None:
            assert set(body) == {"@type", "alternateName"}
        else:
            assert (body["ratingValue"], body["bestRating"], body["worstRating"]) == (
                RATING_VALUES[rating],
                5,
                1,
            )


def test_an_unverifiable_claim_is_published_with_its_text_rating_only(
    api, desk, moderator, reviewed
):
    verdict = Verdict.objects.get(desk_claim=reviewed["desk_claim"])
    services.verdict_set(
        desk_claim=reviewed["desk_claim"],
        actor=moderator,
        rating="unverifiable",
        version=verdict.version,
    )
    verdict.refresh_from_db()
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    (review,), _ = _export(api, moderator, desk)
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert missing_google_fields(review) == []


# --- configuration is checked -----------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "https://desk.example.org/checks/{claim}",
        "https://desk.example.org/checks/{desk_claim_id:04d}",
        "/checks/{desk_claim_id}",
        "https://desk.example.org/checks/{desk_claim_id",
    ],
)
def test_a_project_refuses_a_template_that_cannot_make_an_address(desk, template):
    desk.review_url_template = template
    with pytest.raises(DjangoValidationError) as refused:
        desk.full_clean()
    assert "review_url_template" in refused.value.message_dict


def test_start_up_stops_on_a_bad_review_url_template_or_publisher_address(tmp_path):
    bad = _settings_with(
        tmp_path / "a",
        FACTCHECK_LOCAL="true",
        CLAIMREVIEW_REVIEW_URL_TEMPLATE="https://desk.example.org/{nope}",
    )
    assert bad.returncode != 0 and "CLAIMREVIEW_REVIEW_URL_TEMPLATE" in bad.stderr
    bad = _settings_with(
        tmp_path / "b", FACTCHECK_LOCAL="true", CLAIMREVIEW_PUBLISHER_URL="desk.org"
    )
    assert bad.returncode != 0 and "CLAIMREVIEW_PUBLISHER_URL" in bad.stderr
    good = _settings_with(
        tmp_path / "c",
        FACTCHECK_LOCAL="true",
        CLAIMREVIEW_REVIEW_URL_TEMPLATE="https://desk.example.org/checks/{desk_claim_id}",
    )
    assert good.returncode == 0, good.stderr
